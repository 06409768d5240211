// The range of temperatures a steady state of the network can reach.
#pragma once
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "heatnet/network.hpp"
#include "network/compiled.hpp"

namespace heatnet::solver {

// The temperatures a steady state can reach: every node temperature is a perfect mix of
// streams that left a plant, a consumer, a boundary or an injection at a fixed temperature and
// then moved exponentially toward a pipe's ambient temperature; a node without inflow takes
// the ambient or the reference temperature. So every solution lies within the range of those
// fixed temperatures, and an iterate outside it (a linearised prediction that overshoots, e.g.
// around a starved consumer behind a near-stagnant pipe) can be projected back without
// moving the solution.
struct TemperatureRange {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void include(double t) {
    if (std::isnan(t)) return;
    lo = std::min(lo, t);
    hi = std::max(hi, t);
  }
  void include(const std::vector<double>& ts) {
    for (double t : ts) include(t);
  }
  double clamp(double t) const { return std::clamp(t, lo, hi); }
};

inline TemperatureRange reachable_temperatures(const Network& net) {
  TemperatureRange r;
  r.include(net.settings().temperature_C);
  r.include(net.settings().ambient_temperature_C);
  r.include(net.pipes().ambient_temperature_C);
  r.include(net.sources().supply_temperature_C);
  r.include(net.consumers().return_temperature_C);
  r.include(net.pressure_nodes().temperature_C);
  r.include(net.nodes().injection_temperature_C);
  return r;
}

}  // namespace heatnet::solver
