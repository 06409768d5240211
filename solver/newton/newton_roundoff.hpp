// How the hydraulic Newton loop tells round-off from progress: the pressures' resolution,
// the residual a link law shows from the round-off of its flow alone, and the round-off
// convergence test that ends a solve whose flows move only by that much
// (HydraulicSolver::converged_after_step). Shared by the assembly, the step and the loop.
#pragma once
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace heatnet::solver {

// Pressure resolution used to discount round-off in the flow-change test (ulps of max |p|).
inline constexpr double kPressureUlps = 8.0;
// Round-off convergence: link residual within this many ulps of max |p|, relative flow change
// below kRoundoffFlowTolerance, for kRoundoffStreak consecutive iterations.
inline constexpr double kResidualUlps = 64.0;
inline constexpr double kRoundoffFlowTolerance = 1e-6;
inline constexpr int kRoundoffStreak = 3;

// The residual a link law of slope g (Pa per kg/s) shows at flow q from the round-off of q
// alone: kResidualUlps ulps of the flow through the law. A flow-controlled substation's
// throttle (g ~ 1e14 Pa s/kg) turns one ulp of 3.5 kg/s into 0.04 Pa, which no pressure
// can take out; for a pipe it is far below the pressures' own round-off.
inline double flow_roundoff_Pa(double q, double g) {
  return kResidualUlps * std::numeric_limits<double>::epsilon() * std::abs(q) * std::abs(g);
}

// max(0, |p_i| + 1 atm) over the nodes (Pa). A maximum is exact, so four running maxima
// give the sequential loop's value while they wait on each other a quarter as often.
inline double largest_absolute_pressure(const std::vector<double>& p) {
  constexpr double kAtmosphere = 101325.0;
  double lane[4] = {0.0, 0.0, 0.0, 0.0};
  const std::size_t n = p.size();
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4)
    for (int l = 0; l < 4; ++l) lane[l] = std::max(lane[l], std::abs(p[i + l]) + kAtmosphere);
  for (; i < n; ++i) lane[0] = std::max(lane[0], std::abs(p[i]) + kAtmosphere);
  return std::max(std::max(lane[0], lane[1]), std::max(lane[2], lane[3]));
}

}  // namespace heatnet::solver
