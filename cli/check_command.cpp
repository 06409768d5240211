// heatnet check NETWORK: read and validate (Network::build) without solving, then describe it.
#include <cmath>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/load_network.hpp"
#include "cli/summary.hpp"
#include "heatnet/network.hpp"

namespace heatnet::cli {
namespace {

// The pump as the file gives it; a curve pump by the head its fitted curve shuts off at.
std::string pump_description(const Network& net, const SourceDefinition& source, int i) {
  const SourcePumpDefinition& p = source.pump;
  std::string d(to_string(p.type));
  switch (p.type) {
    case SourcePumpType::fixed_dp: d += " " + bar(p.dp_bar * 1e5); break;
    case SourcePumpType::dp_control:
      d += " " + bar(p.dp_bar * 1e5) + " at consumer '" + p.consumer + "'";
      break;
    case SourcePumpType::curve:
      d += " (shut-off head " + fixed(net.source_shutoff_head_m(i), 1) + " m)";
      break;
    case SourcePumpType::fixed_flow: d += " " + fixed(p.mass_flow_kg_s, 2) + " kg/s"; break;
  }
  return d;
}

}  // namespace

int run_check(const std::string& network_path, bool timings) {
  // The description reads the definition (pipe lengths, demands, sources as the file gives them).
  const LoadedNetwork loaded =
      load_network(network_path, {}, /*keep_definition=*/true, /*with_sha256=*/false);
  const Network& net = loaded.network;
  const NetworkDefinition& def = loaded.definition;
  std::cout << "network '" << net.name() << "': valid\n";
  std::cout << "elements:  " << net.node_count() << " nodes, " << net.pipe_count() << " pipes, "
            << net.pressure_node_count() << " pressure nodes, " << net.source_count()
            << " sources, " << net.consumer_count() << " consumers, " << net.pump_count()
            << " pumps, " << net.valve_count() << " valves\n";
  double length_m = 0;
  for (const auto& p : def.pipes) length_m += p.length_m;
  std::cout << "pipes:     " << fixed(length_m / 1e3, 3) << " km in total\n";
  std::cout << "connected parts: " << net.component_count() << "\n";

  double demand_W = 0, fixed_flow = 0;
  int by_demand = 0, by_flow = 0;
  for (const auto& c : def.consumers) {
    if (c.heat_demand_kW) demand_W += *c.heat_demand_kW * 1e3, ++by_demand;
    if (c.mass_flow_kg_s) fixed_flow += *c.mass_flow_kg_s, ++by_flow;
  }
  std::cout << "demand:    " << fixed(demand_W / 1e6, 3) << " MW heat (" << by_demand
            << " consumers), " << fixed(fixed_flow, 3) << " kg/s fixed flow (" << by_flow
            << " consumers)\n";
  for (int i = 0; i < net.source_count(); ++i) {
    const SourceDefinition& s = def.sources[i];
    const std::optional<double>& p_return = s.return_pressure_bar;
    std::cout << "source '" << s.id << "': pump " << pump_description(net, s, i)
              << (!p_return ? ", floating (holds no pressure)"
                            : ", holds " + bar(*p_return * 1e5) + " g at its return node")
              << "\n";
  }
  if (timings) print_timings(std::cout, {{"read", loaded.read_s}, {"build", loaded.build_s}});
  return kExitOk;
}

}  // namespace heatnet::cli
