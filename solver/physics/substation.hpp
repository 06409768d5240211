// Hydraulic law of a consumer substation: the pressure it takes from the network at flow q
// (supply node to return node), in the loss-law form of every other link (link_laws.hpp).
//
// A substation is a control valve in series with its heat exchanger. The controller opens the
// valve until the flow reaches its set point S (the flow that delivers the heat demand, never
// more than the substation's flow limit); where even the fully open substation passes less,
// the flow is what its flow coefficient lets through at the available differential pressure:
//     dp_open(q) = (q / K)^2,   K = rho kvs / 3600 / sqrt(1 bar)   (kvs: m3/h at 1 bar, the
//                                                                   valve standard IEC 60534)
// So below S the law is the open valve's; at S the controller throttles whatever dp is left,
// which in the loss-law form is a steep line of slope kThrottleResistance beyond S (at 1 bar
// to spare the flow exceeds S by 1e-9 kg/s). Both pieces rise with q, so the law is monotone
// and the global gradient method's Newton step stays well defined across the switch (as
// EPANET 2.2 does for pressure-dependent demands): no status flips, no outer-loop clamp.
// Below kSubstationOnsetFraction of S the open-valve law is linear (finite slope at zero
// flow, like EPANET's low-flow line for Hazen-Williams).
// A substation never pumps: against reverse flow it closes like a check valve (the same steep
// slope), so it never carries water from return to supply.
#pragma once
#include <cmath>

#include "solver/physics/link_laws.hpp"

namespace heatnet::physics {

// Slope of the throttling controller and of the closed check (Pa per kg/s).
inline constexpr double kThrottleResistance = kClosedResistance;
// Below this fraction of the set flow the open-valve law is a straight line through zero.
inline constexpr double kSubstationOnsetFraction = 0.01;

// set_flow: S in kg/s; conductance: K in kg/s per sqrt(Pa) (> 0); q: kg/s from supply to
// return. A substation with nothing to draw (S = 0) is closed.
inline LinkLaw substation_law(double set_flow, double conductance, double q) {
  if (set_flow <= 0.0 || conductance <= 0.0 || q < 0.0) return {kThrottleResistance * q, kThrottleResistance};
  const double inv_k2 = 1.0 / (conductance * conductance);
  const double q_on = kSubstationOnsetFraction * set_flow;
  LinkLaw law = q >= q_on ? LinkLaw{q * q * inv_k2, 2.0 * q * inv_k2}
                          : LinkLaw{q * q_on * inv_k2, q_on * inv_k2};
  if (q >= set_flow) {  // the controller throttles the dp beyond what the open valve takes
    law.dp += kThrottleResistance * (q - set_flow);
    law.g += kThrottleResistance;
  }
  return law;
}

// K (kg/s per sqrt(Pa)) of a valve that passes `flow` kg/s at `dp` Pa.
inline double substation_conductance(double flow, double dp) { return flow / std::sqrt(dp); }

// K of a substation with flow coefficient kvs (m3/h at 1 bar) for water of density rho.
inline double kvs_conductance(double kvs_m3_h, double rho) {
  return rho * kvs_m3_h / 3600.0 / std::sqrt(1e5);
}

}  // namespace heatnet::physics
