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

}  // namespace heatnet::testing
