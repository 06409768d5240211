// Independent reference numerics for the hydraulic tests: written differently from the library
// (Colebrook-White by plain fixed-point iteration on 1/sqrt(lambda), flows by bisection), so a
// bug in the library cannot be reproduced by its own reference.
#pragma once
#include <cmath>
#include <numbers>

#include "heatnet/network.hpp"

namespace heatnet::testing {

// Darcy friction factor: laminar 64/Re below 2000, Colebrook-White above (no transition blend:
// the tests using it stay out of 2000..4000).
inline double colebrook_reference(double re, double rr) {
  if (re <= 2000) return 64.0 / re;
  double x = 7.0;
  for (int i = 0; i < 200; ++i) x = -2.0 * std::log10(rr / 3.7 + 2.51 * x / re);
  return 1.0 / (x * x);
}

// Pressure drop of a pipe at mass flow q (constant-property fluid).
inline double pipe_dp(double q, double L, double D, double k_mm, const FluidDefinition& f) {
  const double A = std::numbers::pi * D * D / 4;
  const double v = q / (f.density_kg_m3 * A);
  const double re = std::abs(v) * D / f.kinematic_viscosity_m2_s;
  return colebrook_reference(re, k_mm * 1e-3 / D) * L / D * f.density_kg_m3 * v * std::abs(v) / 2;
}

// Hazen-Williams in SI (EPANET 2.2's law, its 4.727 ft-cfs constant converted):
//   h = K L |Q|^1.852 / (C^1.852 D^4.871), K = 4.727 * 0.3048^(4.871 - 3 * 1.852) = 10.6668,
// head loss h in m, flow Q in m3/s, length L and diameter D in m. The resistance r = h / |Q|^1.852:
inline double hazen_williams_resistance(double L, double D, double c) {
  const double k = 4.727 * std::pow(0.3048, 4.871 - 3 * 1.852);
  return k * L / (std::pow(c, 1.852) * std::pow(D, 4.871));
}
// ... and the signed head loss at flow q_m3_s.
inline double hazen_williams_head_loss(double q_m3_s, double L, double D, double c) {
  return std::copysign(hazen_williams_resistance(L, D, c) * std::pow(std::abs(q_m3_s), 1.852), q_m3_s);
}

}  // namespace heatnet::testing
