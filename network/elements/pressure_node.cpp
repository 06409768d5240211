// Pressure nodes: a node held at a gauge pressure (reservoir, external grid).
#include "network/elements/elements.hpp"

namespace heatnet::detail {

void validate_pressure_node(const PressureNodeDefinition& d, const RuleContext& c) {
  check_values(schema::pressure_node_fields(), d, c.fluid, "pressure_node", d.node);
}

void compile_pressure_nodes(const std::vector<PressureNodeDefinition>& defs, const RuleContext& c,
                            const IdMap& nodes, PressureHolders& holders, PressureNodeData& out) {
  for (const auto& d : defs) {
    const char* k = "pressure_node";
    const int node = lookup_node(nodes, d.node, k, d.node, "node");
    validate_pressure_node(d, c);
    holders.hold(node, "pressure node '" + d.node + "'", k, d.node, "node");
    out.node.push_back(node);
    out.pressure_Pa.push_back(d.pressure_bar * kBarToPa);
    out.temperature_C.push_back(d.temperature_C);
    out.no_inflow.push_back(d.no_inflow);
    out.no_outflow.push_back(d.no_outflow);
  }
}

}  // namespace heatnet::detail
