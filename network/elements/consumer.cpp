// Consumers (substations): a heat demand or a fixed mass flow, a return temperature, and the
// optional design and substation limits.
#include "network/elements/elements.hpp"

namespace heatnet::detail {

void validate_consumer(const ConsumerDefinition& d, const RuleContext& c) {
  const char* k = "consumer";
  if (d.heat_demand_kW.has_value() == d.mass_flow_kg_s.has_value())
    throw NetworkError(ErrorCode::missing_field, k, d.id, "heat_demand_kW", "",
                       "give exactly one of heat_demand_kW or mass_flow_kg_s");
  // A substation's limits exist only where the flow follows a heat demand (a fixed-flow
  // consumer has no control valve to saturate).
  for (const auto& [limit, field] : {std::pair{d.max_mass_flow_kg_s, "max_mass_flow_kg_s"},
                                     std::pair{d.kvs_m3_h, "kvs_m3_h"}})
    if (limit && !d.heat_demand_kW)
      throw NetworkError(ErrorCode::invalid_value, k, d.id, field, format_value(*limit),
                         "only a consumer with heat_demand_kW has substation limits");
  static const ValueRules<ConsumerDefinition> rules(schema::consumer_fields());
  rules.check(d, c.fluid, k, d.id);
}

ConsumerDefinition consumer_definition(const ConsumerData& c, int i) {
  ConsumerDefinition d;
  d.id = c.id[i];
  if (!std::isnan(c.heat_demand_W[i])) d.heat_demand_kW = c.heat_demand_W[i] * 1e-3;
  d.mass_flow_kg_s = unless_nan(c.fixed_mass_flow_kg_s[i]);
  d.return_temperature_C = c.return_temperature_C[i];
  if (!std::isnan(c.min_dp_Pa[i])) d.min_dp_bar = c.min_dp_Pa[i] / kBarToPa;
  d.max_mass_flow_kg_s = unless_nan(c.max_mass_flow_kg_s[i]);
  d.kvs_m3_h = unless_nan(c.kvs_m3_h[i]);
  return d;
}

void compile_consumers(const std::vector<ConsumerDefinition>& defs, const RuleContext& c,
                       const IdMap& nodes, const std::vector<LinkEnds>& found,
                       ConsumerData& out) {
  out.id.reserve(defs.size());  // sized once: no regrowth copies
  for (auto* v : {&out.supply_node, &out.return_node}) v->reserve(defs.size());
  for (auto* v : {&out.heat_demand_W, &out.fixed_mass_flow_kg_s, &out.return_temperature_C,
                  &out.min_dp_Pa, &out.max_mass_flow_kg_s, &out.kvs_m3_h})
    v->reserve(defs.size());
  for (std::size_t i = 0; i < defs.size(); ++i) {
    const ConsumerDefinition& d = defs[i];
    const LinkEnds ends = known_ends(found[i])
                              ? found[i]
                              : link_ends(nodes, d.supply_node, d.return_node, "consumer", d.id,
                                          "supply_node", "return_node");
    validate_consumer(d, c);
    out.id.push_back(d.id);
    out.supply_node.push_back(ends.from);
    out.return_node.push_back(ends.to);
    out.heat_demand_W.push_back(d.heat_demand_kW ? *d.heat_demand_kW * 1e3 : kNaN);
    out.fixed_mass_flow_kg_s.push_back(d.mass_flow_kg_s.value_or(kNaN));
    out.return_temperature_C.push_back(d.return_temperature_C);
    out.min_dp_Pa.push_back(d.min_dp_bar ? *d.min_dp_bar * kBarToPa : kNaN);
    out.max_mass_flow_kg_s.push_back(d.max_mass_flow_kg_s.value_or(kNaN));
    out.kvs_m3_h.push_back(d.kvs_m3_h.value_or(kNaN));
  }
}

}  // namespace heatnet::detail
