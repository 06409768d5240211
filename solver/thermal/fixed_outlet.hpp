// The outlet temperature of a link that fixes it (thermal_solver.hpp): a source's supply, a
// consumer's outlet (its return temperature unless the inputs say otherwise). The network's
// element data are looked up once, so a sweep's pass over its fixed links reads them inline.
#pragma once
#include "heatnet/network.hpp"
#include "network/compiled.hpp"
#include "solver/thermal/thermal_solver.hpp"

namespace heatnet::solver {

class FixedOutlets {
 public:
  FixedOutlets(const Network& net, const ThermalInputs& in)
      : topology_(net.topology()), sources_(net.sources()), consumers_(net.consumers()), in_(in) {}
  double operator()(int topology_link) const {
    const int e = topology_.link_element[topology_link];
    if (topology_.link_kind[topology_link] == LinkKind::source)
      return sources_.supply_temperature_C[e];
    return in_.consumer_outlet_T.empty() ? consumers_.return_temperature_C[e]
                                         : in_.consumer_outlet_T[e];
  }

 private:
  const Topology& topology_;
  const SourceData& sources_;
  const ConsumerData& consumers_;
  const ThermalInputs& in_;
};

}  // namespace heatnet::solver
