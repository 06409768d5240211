// Valves: check / closed / open, and EPANET's control valves, each with its own setting.
#include "network/elements/elements.hpp"

namespace heatnet::detail {
namespace {

bool holds_pressure(ValveType t) {
  return t == ValveType::prv || t == ValveType::psv || t == ValveType::pbv;
}

// A setting belongs to its valve types only: required there, refused elsewhere.
void require_setting_of_type(const ValveDefinition& d, bool own, bool given, const char* field,
                             const std::string& value, const char* required, const char* only) {
  if (own && !given)
    throw NetworkError(ErrorCode::missing_field, "valve", d.id, field, "", required);
  if (!own && given) throw NetworkError(ErrorCode::invalid_value, "valve", d.id, field, value, only);
}

}  // namespace

void validate_valve(const ValveDefinition& d, const RuleContext& c) {
  const char* k = "valve";
  check_values(schema::valve_fields(), d, c.fluid, k, d.id);
  if (d.minor_loss > 0 && !d.inner_diameter_m)
    throw NetworkError(ErrorCode::missing_field, k, d.id, "inner_diameter_m", "",
                       "required when minor_loss > 0 (the loss is zeta*rho*v^2/2)");
  const std::string type(to_string(d.type));
  require_setting_of_type(d, holds_pressure(d.type), d.setting_bar.has_value(), "setting_bar",
                          d.setting_bar ? format_value(*d.setting_bar) : "",
                          ("required for a " + type + " valve").c_str(),
                          "only prv, psv and pbv valves take a setting_bar");
  require_setting_of_type(d, d.type == ValveType::fcv, d.mass_flow_kg_s.has_value(),
                          "mass_flow_kg_s", d.mass_flow_kg_s ? format_value(*d.mass_flow_kg_s) : "",
                          "required for an fcv valve", "only fcv valves take a mass_flow_kg_s");
  require_setting_of_type(d, d.type == ValveType::gpv, !d.curve_m3_h_m.empty(), "curve_m3_h_m", "",
                          "a gpv valve needs a head-loss curve of at least two points",
                          "only gpv valves take a curve_m3_h_m");
  if (d.type != ValveType::gpv) return;
  if (d.curve_m3_h_m.size() < 2)
    throw NetworkError(ErrorCode::missing_field, k, d.id, "curve_m3_h_m", "",
                       "a gpv valve needs a head-loss curve of at least two points");
  for (std::size_t j = 0; j < d.curve_m3_h_m.size(); ++j) {
    const auto& p = d.curve_m3_h_m[j];
    require(std::isfinite(p[0]) && std::isfinite(p[1]) &&
                (j == 0 || p[0] > d.curve_m3_h_m[j - 1][0]),
            k, d.id, "curve_m3_h_m", p[0], "flows must be finite and rise strictly");
  }
}

void compile_valves(const std::vector<ValveDefinition>& defs, const RuleContext& c,
                    const IdMap& nodes, ValveData& out) {
  for (const auto& d : defs) {
    const LinkEnds ends = link_ends(nodes, d.from, d.to, "valve", d.id);
    validate_valve(d, c);
    std::vector<double> q, h;  // gpv head-loss curve in m3/s and m
    for (const auto& p : d.curve_m3_h_m) q.push_back(p[0] / 3600.0), h.push_back(p[1]);
    out.id.push_back(d.id);
    out.from.push_back(ends.from);
    out.to.push_back(ends.to);
    out.type.push_back(d.type);
    out.setting_Pa.push_back(d.setting_bar ? *d.setting_bar * kBarToPa : kNaN);
    out.closed.push_back(d.closed);
    out.flow_setting_kg_s.push_back(d.mass_flow_kg_s.value_or(kNaN));
    out.curve_q_m3_s.push_back(std::move(q));
    out.curve_h_m.push_back(std::move(h));
    out.diameter_m.push_back(d.inner_diameter_m.value_or(kNaN));
    out.minor_loss.push_back(d.minor_loss);
  }
}

}  // namespace heatnet::detail
