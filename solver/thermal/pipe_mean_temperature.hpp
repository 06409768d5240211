// Mean temperature of the water in a pipe that loses heat, at which its fluid properties
// (density, viscosity, cp) are evaluated.
//
// With the pipe model T(x) = T_amb + (T_in - T_amb) exp(-NTU x / L) (thermal_solver.hpp) the
// length average is
//     T_mean = T_amb + (T_in - T_amb) phi(NTU),   phi(N) = (1 - exp(-N)) / N,
// i.e. the ambient temperature plus the logarithmic mean of the inlet and outlet temperature
// differences, LMTD = (dT_in - dT_out) / ln(dT_in / dT_out) (Incropera & DeWitt, Fundamentals
// of Heat and Mass Transfer, 6th ed., eq. 8.44, constant surface temperature). For small NTU
// it is the arithmetic mean (T_in + T_out) / 2 to O(NTU^2); unlike that mean it tends to
// T_amb as the flow stops, from either direction, as the water in a stagnant pipe does.
#pragma once
#include <cmath>

namespace heatnet::solver {

// phi(N) = (1 - exp(-N)) / N, given alpha = exp(-N) (the sweep has both); below N = 1e-4 its
// series (1 - alpha loses digits there), truncation error N^3 / 24 < 5e-14.
inline double pipe_mean_factor(double ntu, double alpha) {
  return ntu > 1e-4 ? (1.0 - alpha) / ntu : 1.0 - ntu * (0.5 - ntu / 6.0);
}

// The same from the inlet and outlet temperatures alone (NTU = ln(dT_in / dT_out)), for
// callers that only have those (the plug-flow model's start): to 1e-11 up to NTU ~ 12, losing
// digits beyond as the outlet rounds towards ambient (1e-5 at 30), ambient once it has.
inline double pipe_mean_temperature(double t_in, double t_out, double t_amb) {
  const double a = t_in - t_amb, b = t_out - t_amb;
  if (a == 0.0) return 0.5 * (t_in + t_out);
  const double r = b / a;                       // exp(-NTU)
  if (!(r < 1.0)) return 0.5 * (t_in + t_out);  // no loss (or round-off above it)
  if (!(r > 0.0)) return t_amb;                 // fully decayed: stagnant
  return t_amb + a * (1.0 - r) / -std::log1p(r - 1.0);
}

// d T_mean / d|q| (K per kg/s) at |q| = s for inlet temperature t_in: with N = UL / (s cp),
//     d T_mean / ds = (t_in - T_amb) (1 - exp(-N) (1 + N)) cp / UL,
// finite as the flow stops (the mean then moves linearly with the flow, from either side).
inline double pipe_mean_flow_slope(double t_in, double t_amb, double ul, double cp, double s) {
  const double n = s > 0.0 ? ul / (s * cp) : INFINITY;
  // 1 - exp(-N) (1 + N): 1 once exp(-N) N underflows (and at zero flow, where N is infinite)
  const double g = n > 700.0 ? 1.0 : (n > 1e-4 ? 1.0 - std::exp(-n) * (1.0 + n) : 0.5 * n * n);
  return (t_in - t_amb) * g * cp / ul;
}

}  // namespace heatnet::solver
