// Nodes: elevation, coordinates, fixed demand, injection temperature (schema rules only).
#include "network/elements/elements.hpp"

namespace heatnet::detail {
void validate_node(const NodeDefinition& d, const RuleContext& c) {
  static const ValueRules<NodeDefinition> rules(schema::node_fields());
  rules.check(d, c.fluid, "node", d.id);
}

NodeDefinition node_definition(const NodeData& n, int i) {
  NodeDefinition d;
  d.id = n.id[i];
  d.elevation_m = n.elevation_m[i];
  d.x = unless_nan(n.x_m[i]);
  d.y = unless_nan(n.y_m[i]);
  d.demand_kg_s = n.demand_kg_s[i];
  d.injection_temperature_C = unless_nan(n.injection_temperature_C[i]);
  return d;
}

void compile_nodes(const std::vector<NodeDefinition>& defs, const RuleContext& c, NodeData& out) {
  out.id.reserve(defs.size());  // sized once: no regrowth copies
  for (auto* v : {&out.elevation_m, &out.x_m, &out.y_m, &out.demand_kg_s,
                  &out.injection_temperature_C})
    v->reserve(defs.size());
  for (const auto& d : defs) {
    validate_node(d, c);
    out.id.push_back(d.id);
    out.elevation_m.push_back(d.elevation_m);
    out.x_m.push_back(d.x.value_or(kNaN));
    out.y_m.push_back(d.y.value_or(kNaN));
    out.demand_kg_s.push_back(d.demand_kg_s);
    out.injection_temperature_C.push_back(d.injection_temperature_C.value_or(kNaN));
  }
}

}  // namespace heatnet::detail
