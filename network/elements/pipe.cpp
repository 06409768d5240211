// Pipes: the schema's rules per field, plus the rules that tie fields to each other and to
// the settings' friction law.
#include "network/elements/elements.hpp"

namespace heatnet::detail {

void validate_pipe(const PipeDefinition& d, const RuleContext& c) {
  const char* k = "pipe";
  static const ValueRules<PipeDefinition> rules(schema::pipe_fields());
  rules.check(d, c.fluid, k, d.id);
  // EPANET's D-W accepts any roughness (Swamee-Jain stays defined for e/D >= 1); real EPANET
  // files carry such values (MICROPOLIS), so the EPANET law only requires >= 0.
  if (c.friction != FrictionModel::epanet_darcy_weisbach)
    require(d.roughness_mm < 1e3 * d.inner_diameter_m, k, d.id, "roughness_mm", d.roughness_mm,
            "must be >= 0 and smaller than the diameter");
  if (!d.hazen_williams_c && c.friction == FrictionModel::hazen_williams)
    throw NetworkError(ErrorCode::missing_field, k, d.id, "hazen_williams_c", "",
                       "required when settings.friction is hazen_williams");
}

// The ambient override is left out: no setter of a pipe changes it, so its rule holds.
PipeDefinition pipe_definition(const PipeData& p, int i) {
  PipeDefinition d;
  d.id = p.id[i];
  d.length_m = p.length_m[i];
  d.inner_diameter_m = p.diameter_m[i];
  d.roughness_mm = p.roughness_m[i] * 1e3;
  d.minor_loss = p.minor_loss[i];
  d.heat_loss_W_mK = p.heat_loss_W_mK[i];
  d.hazen_williams_c = unless_nan(p.hazen_williams_c[i]);
  d.check_valve = p.check_valve[i];
  d.closed = p.closed[i];
  return d;
}

void compile_pipes(const std::vector<PipeDefinition>& defs, const SettingsDefinition& s,
                   const IdMap& nodes, const std::vector<LinkEnds>& found, PipeData& out,
                   std::vector<bool>& own_ambient) {
  const RuleContext c{s.fluid, s.friction};
  const std::size_t n = defs.size();  // sized once: no regrowth copies
  out.id.reserve(n);
  for (auto* v : {&out.from, &out.to}) v->reserve(n);
  for (auto* v : {&out.length_m, &out.diameter_m, &out.roughness_m, &out.minor_loss,
                  &out.heat_loss_W_mK, &out.ambient_temperature_C, &out.hazen_williams_c})
    v->reserve(n);
  for (auto* v : {&out.check_valve, &out.closed}) v->reserve(n);
  own_ambient.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const PipeDefinition& d = defs[i];
    const LinkEnds ends =
        known_ends(found[i]) ? found[i] : link_ends(nodes, d.from, d.to, "pipe", d.id);
    validate_pipe(d, c);
    add_link_ends(out, d, ends);
    out.length_m.push_back(d.length_m);
    out.diameter_m.push_back(d.inner_diameter_m);
    out.roughness_m.push_back(d.roughness_mm * 1e-3);
    out.minor_loss.push_back(d.minor_loss);
    out.heat_loss_W_mK.push_back(d.heat_loss_W_mK);
    out.ambient_temperature_C.push_back(d.ambient_temperature_C.value_or(s.ambient_temperature_C));
    out.hazen_williams_c.push_back(d.hazen_williams_c.value_or(kNaN));
    out.check_valve.push_back(d.check_valve);
    out.closed.push_back(d.closed);
    own_ambient.push_back(d.ambient_temperature_C.has_value());
  }
}

}  // namespace heatnet::detail
