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

std::string pump_description(const Network& net, int i) {
  const SourceData& s = net.sources();
  std::string d(to_string(s.pump_type[i]));
  switch (s.pump_type[i]) {
    case SourcePumpType::fixed_dp: d += " " + bar(s.pump_dp_Pa[i]); break;
    case SourcePumpType::dp_control:
      d += " " + bar(s.pump_dp_Pa[i]) + " at consumer '" + net.consumers().id[s.pump_consumer[i]] + "'";
      break;
    case SourcePumpType::curve:
      d += " (shut-off head " + fixed(s.pump_curve[i].a, 1) + " m)";
      break;
    case SourcePumpType::fixed_flow: d += " " + fixed(s.pump_mass_flow_kg_s[i], 2) + " kg/s"; break;
  }
  return d;
}

}  // namespace

int run_check(const std::string& network_path, bool timings) {
  const LoadedNetwork loaded = load_network(network_path);
  const Network& net = loaded.network;
  std::cout << "network '" << net.name() << "': valid\n";
  std::cout << "elements:  " << net.node_count() << " nodes, " << net.pipe_count() << " pipes, "
            << net.pressure_nodes().node.size() << " pressure nodes, " << net.source_count()
            << " sources, " << net.consumer_count() << " consumers, " << net.pump_count()
            << " pumps, " << net.valve_count() << " valves\n";
  double length_m = 0;
  for (double l : net.pipes().length_m) length_m += l;
  std::cout << "pipes:     " << fixed(length_m / 1e3, 3) << " km in total\n";
  std::cout << "connected parts: " << net.component_count() << "\n";

  const ConsumerData& c = net.consumers();
  double demand_W = 0, fixed_flow = 0;
  int by_demand = 0, by_flow = 0;
  for (std::size_t i = 0; i < c.id.size(); ++i) {
    if (std::isfinite(c.heat_demand_W[i])) demand_W += c.heat_demand_W[i], ++by_demand;
    if (std::isfinite(c.fixed_mass_flow_kg_s[i])) fixed_flow += c.fixed_mass_flow_kg_s[i], ++by_flow;
  }
  std::cout << "demand:    " << fixed(demand_W / 1e6, 3) << " MW heat (" << by_demand
            << " consumers), " << fixed(fixed_flow, 3) << " kg/s fixed flow (" << by_flow
            << " consumers)\n";
  for (int i = 0; i < net.source_count(); ++i) {
    const double p_return = net.sources().return_pressure_Pa[i];
    std::cout << "source '" << net.sources().id[i] << "': pump " << pump_description(net, i)
              << (std::isnan(p_return) ? ", floating (holds no pressure)"
                                       : ", holds " + bar(p_return) + " g at its return node")
              << "\n";
  }
  if (timings) print_timings(std::cout, {{"read", loaded.read_s}, {"build", loaded.build_s}});
  return kExitOk;
}

}  // namespace heatnet::cli
