// What flows into each node before its temperature is settled, shared by the thermal solver's
// traversal (indexed by node) and its planned sweep (indexed by plan position).
//
// Perfect mixing in enthalpy: T = T(sum(m h_in) / sum(m)). A node fed by exactly one stream
// (most nodes of a branched network) takes that stream's temperature directly, without the
// enthalpy round trip; a boundary inflow always mixes in enthalpy. A node whose only inflow
// is neutral (enters at the node's own temperature) reports the fluid's reference temperature,
// a node without inflow the ambient temperature.
#pragma once
#include <cstddef>
#include <vector>

#include "solver/fluid/fluid_model.hpp"

namespace heatnet::solver {

struct NodeMixing {
  std::vector<double> flow;           // kg/s in
  std::vector<double> enthalpy_flow;  // W in (once two or more streams have arrived)
  std::vector<double> single_T;       // degC of the first stream
  std::vector<unsigned char> streams; // 0, 1, or 2 = several: mix in enthalpy
  std::vector<unsigned char> neutral; // a neutral boundary inflow arrives here

  void reset(std::size_t n) {
    flow.assign(n, 0.0);
    enthalpy_flow.assign(n, 0.0);
    single_T.resize(n);
    streams.assign(n, 0);
    neutral.assign(n, 0);
  }
  void release() { *this = NodeMixing{}; }
  // Node i as reset() leaves it (a sweep that visits every node clears each as it comes).
  void clear(std::size_t i) {
    flow[i] = 0.0;
    enthalpy_flow[i] = 0.0;
    streams[i] = 0;
    neutral[i] = 0;
  }

  void add_stream(int i, double q, double t, const fluid::FluidModel& fluid) {
    if (streams[i] == 0) {
      single_T[i] = t;
      streams[i] = 1;
    } else {
      if (streams[i] == 1) enthalpy_flow[i] += flow[i] * fluid.enthalpy(single_T[i]);
      streams[i] = 2;
      enthalpy_flow[i] += q * fluid.enthalpy(t);
    }
    flow[i] += q;
  }
  // Water from outside at a known enthalpy flow, or neutral.
  void add_boundary(int i, double q, double enthalpy_W, bool is_neutral) {
    if (is_neutral) {
      neutral[i] = 1;
      return;
    }
    flow[i] += q;
    enthalpy_flow[i] += enthalpy_W;
    if (q > 0) streams[i] = 2;
  }
  // Enthalpy flow of a node with a single stream, for systems that need it explicitly.
  void to_enthalpy(int i, const fluid::FluidModel& fluid) {
    if (streams[i] == 1) enthalpy_flow[i] = flow[i] * fluid.enthalpy(single_T[i]);
  }
  double temperature(int i, const fluid::FluidModel& fluid, double neutral_T,
                     double ambient_T) const {
    if (streams[i] == 1) return single_T[i];
    if (flow[i] > 0) return fluid.temperature_from_enthalpy(enthalpy_flow[i] / flow[i]);
    return neutral[i] ? neutral_T : ambient_T;
  }
};

}  // namespace heatnet::solver
