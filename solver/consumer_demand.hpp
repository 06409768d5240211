// The flow a demand-driven consumer draws: m = Q / (h(T_supply) - h(T_return)), the one rule
// shared by the steady outer loop (solver/engine.cpp) and the plug-flow time loop
// (solver/time_series.cpp).
//
// The supply - return enthalpy difference is floored at the equivalent of 0.5 K, so a
// transiently cold supply cannot produce absurd flows; a consumer still below its return
// temperature at the solution is reported as invalid.
#pragma once
#include "solver/fluid/fluid_model.hpp"

namespace heatnet::solver {

inline constexpr double kMinConsumerDeltaT = 0.5;

struct DemandFlow {
  double mass_flow;  // kg/s
  double dh;         // J/kg, the (floored) enthalpy difference
  bool floored;      // the floor applies: m does not follow ts
};

inline DemandFlow demand_flow(const fluid::FluidModel& fluid, double heat_W, double ts,
                              double tr) {
  const bool floored = ts < tr + kMinConsumerDeltaT;
  const double dh = fluid.enthalpy(floored ? tr + kMinConsumerDeltaT : ts) - fluid.enthalpy(tr);
  return {heat_W / dh, dh, floored};
}

}  // namespace heatnet::solver
