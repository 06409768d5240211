// The flow a demand-driven consumer aims at, m = Q / (h(T_supply) - h(T_return)), and the
// limits of its substation: the one rule shared by the steady outer loop (solver/engine.cpp,
// coupling_step.cpp) and the plug-flow time loop (solver/time_series.cpp).
//
// The supply - return enthalpy difference is floored at the equivalent of 0.5 K, so a
// transiently cold supply cannot produce absurd flows.
#pragma once
#include <algorithm>
#include <cmath>

#include "heatnet/network.hpp"
#include "network/compiled.hpp"
#include "solver/fluid/fluid_model.hpp"

namespace heatnet::solver {

inline constexpr double kMinConsumerDeltaT = 0.5;

// Substation limits (docs/models.md, "Substations"). Where the network file gives neither
// max_mass_flow_kg_s nor kvs_m3_h, a substation draws at most the flow that would deliver its
// demand with the primary water cooled by kDefaultMinCoolingK: a heat exchanger that has to
// work with less than that is out of its design range (design coolings are 20-50 K), and it
// bounds every flow where the supply temperature sinks towards the return temperature.
inline constexpr double kDefaultMinCoolingK = 5.0;
// Without kvs_m3_h the valve's own resistance is taken as small: it passes the flow limit at
// this differential pressure (Pa; it matters only where the network has almost no dp left).
inline constexpr double kDefaultValveDpPa = 0.01e5;

struct DemandFlow {
  double mass_flow;  // kg/s
  double dh;         // J/kg, the (floored) enthalpy difference
  bool floored;      // the floor applies: m does not follow ts
};

// Whether the floor applies at supply ts and return tr (degC).
inline bool below_floor(double ts, double tr) { return ts < tr + kMinConsumerDeltaT; }

// h_return: fluid.enthalpy(tr), for callers that keep it per consumer (the outer loop evaluates
// the rule per consumer and iteration, the return temperature is fixed within a solve).
inline DemandFlow demand_flow(const fluid::FluidModel& fluid, double heat_W, double ts,
                              double tr, double h_return) {
  const bool floored = below_floor(ts, tr);
  const double dh = fluid.enthalpy(floored ? tr + kMinConsumerDeltaT : ts) - h_return;
  return {heat_W / dh, dh, floored};
}
inline DemandFlow demand_flow(const fluid::FluidModel& fluid, double heat_W, double ts,
                              double tr) {
  return demand_flow(fluid, heat_W, ts, tr, fluid.enthalpy(tr));
}

// The most consumer i's substation draws whatever the dp (kg/s): its max_mass_flow_kg_s, the
// default limit when it gives neither limit, and never beyond the 0.5 K floor's flow.
// h_return: fluid.enthalpy of its return temperature (as for demand_flow).
inline double substation_flow_limit(const fluid::FluidModel& fluid, const ConsumerData& c, int i,
                                    double h_return) {
  const double q = c.heat_demand_W[i], tr = c.return_temperature_C[i];
  double limit = demand_flow(fluid, q, tr, tr, h_return).mass_flow;
  if (!std::isnan(c.max_mass_flow_kg_s[i])) limit = std::min(limit, c.max_mass_flow_kg_s[i]);
  else if (std::isnan(c.kvs_m3_h[i]))
    limit = std::min(limit, demand_flow(fluid, q, tr + kDefaultMinCoolingK, tr, h_return).mass_flow);
  return limit;
}
inline double substation_flow_limit(const fluid::FluidModel& fluid, const ConsumerData& c, int i) {
  return substation_flow_limit(fluid, c, i, fluid.enthalpy(c.return_temperature_C[i]));
}

// Temperature of the water a consumer returns: its return temperature, or its supply
// temperature where the supply is colder (a heat exchanger cannot heat the primary water).
inline double consumer_outlet_temperature(double supply_C, double return_C) {
  return std::min(supply_C, return_C);
}

}  // namespace heatnet::solver
