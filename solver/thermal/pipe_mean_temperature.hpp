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
#include <numbers>

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

// ---- Pipes without heat loss (U = 0): axial conduction near zero flow.
// Without loss the plug-flow law above gives the pipe its upstream node's temperature, which
// jumps from one end node's to the other's as the flow turns. Stagnant water between two nodes
// at different temperatures is not at either: it conducts. Steady advection and axial
// conduction between the end nodes (T_from at x = 0, T_to at x = L),
//     m cp dT/dx = lambda A d2T/dx2,
// has the exact profile T = T_from + (T_to - T_from) (exp(Pe x/L) - 1) / (exp(Pe) - 1) with the
// Peclet number Pe = m cp L / (lambda A), m signed from -> to (Patankar, Numerical Heat
// Transfer and Fluid Flow, 1980, section 5.2, the exact solution behind the exponential
// scheme). Its length average is
//     T_mean = T_from + (T_to - T_from) G(Pe),   G(Pe) = 1/Pe - 1/(exp(Pe) - 1),
// analytic in the flow through zero: G(0) = 1/2 (stagnant: the mean of its ends), G(-Pe) =
// 1 - G(Pe), and G = 1/Pe + O(exp(-Pe)) downstream (upwind to within (T_to - T_from) / Pe).
// lambda is water's molecular conductivity: Pe = 1 at m = lambda A / (cp L), 1e-8 kg/s for
// DN100 over 100 m. It is the smallest mixing there is (natural convection in a stagnant pipe
// mixes more), which makes it the narrowest physical scale for the smooth law, not a claim
// about how fast a dead end equalises. From |Pe| = 20 (a shift below 5 % of the end-node
// difference) to 40 the conduction shift fades out smoothly (quintic, C2), and from |Pe| = 40
// on the mean is plug flow's upstream temperature exactly: every flow a design carries (Pe in
// the millions) keeps its plug-flow results bit for bit.
inline constexpr double kWaterConductivityWmK = 0.6;  // W/mK at 20 degC (IAPWS 2011: 0.598)

// lambda A / L (W/K): the axial conductance of the water in a pipe of inner diameter d, length L.
inline double axial_conductance(double diameter_m, double length_m) {
  return kWaterConductivityWmK * 0.25 * std::numbers::pi * diameter_m * diameter_m / length_m;
}

// G(Pe) above: the share of the 'to' node's temperature in a lossless pipe's mean. Below
// |Pe| = 0.1 its series 1/2 - Pe/12 + Pe^3/720 - Pe^5/30240 + Pe^7/1209600 (Bernoulli
// numbers; truncation < Pe^9/47900160 < 3e-17), where the difference of the two terms loses
// digits; exp(Pe) overflowing gives 1/Pe exactly.
inline double conduction_share(double pe) {
  if (std::abs(pe) < 0.1) {
    const double p2 = pe * pe;
    return 0.5 - pe * (1.0 / 12.0 - p2 * (1.0 / 720.0 - p2 * (1.0 / 30240.0 - p2 / 1209600.0)));
  }
  return 1.0 / pe - 1.0 / std::expm1(pe);
}

inline constexpr double kConductionFadeFrom = 20.0;  // |Pe|: exact G below
inline constexpr double kConductionFadeTo = 40.0;    // |Pe|: plug flow (upwind) from here

// The share the lossless mean uses: G(Pe) up to |Pe| = 20, the upwind end (0 forward, 1
// backward) from |Pe| = 40, faded in between with s^3 (10 - 15 s + 6 s^2).
inline double lossless_share(double pe) {
  const double a = std::abs(pe), upwind = pe > 0 ? 0.0 : 1.0;
  if (a >= kConductionFadeTo) return upwind;
  const double g = conduction_share(pe);
  if (a <= kConductionFadeFrom) return g;
  const double s = (a - kConductionFadeFrom) / (kConductionFadeTo - kConductionFadeFrom);
  const double fade = s * s * s * (10.0 - s * (15.0 - 6.0 * s));
  return upwind + (g - upwind) * (1.0 - fade);
}

// Mean temperature of a lossless pipe carrying m (kg/s, signed from -> to) between its end
// nodes: the advection-conduction profile's length average (above), plug flow from |Pe| = 40.
inline double lossless_mean_temperature(double t_from, double t_to, double m, double cp,
                                        double conductance_W_K) {
  return t_from + (t_to - t_from) * lossless_share(m * cp / conductance_W_K);
}

// ---- A node no water flows into: conduction through its stagnant pipes.
// A node without inflow holds stagnant water; in steady state the heat its stagnant pipes
// conduct into it sums to zero. A stagnant pipe of length L, lateral loss U and axial
// conductance lambda A conducts (fin equation lambda A T'' = U (T - T_amb), exact; Incropera &
// DeWitt, 6th ed., section 3.6.2, table 3.4 case C: both ends at given temperatures)
//     Q = c [ coth(mL) (T_node - T_amb) - (T_far - T_amb) / sinh(mL) ],  c = sqrt(lambda A U),
// m = sqrt(U / (lambda A)): into its far end (another node, T_far) and the ground. So
//     T_node = sum(a T_amb + b (T_far - T_amb)) / sum(a),   a = c coth(mL), b = c / sinh(mL)
// (a = b = lambda A / L without loss: the mean of its neighbours, weighted by conductance).
// A pipe losing heat has mL = L / sqrt(lambda A / U) in the hundreds or thousands (the
// conduction length is centimetres), so its far end does not reach the node (b = 0) and it
// pins the node at its ambient; pipes without loss tie it to their far ends, which is what
// the lossless mean above gives at zero flow.
struct StagnantPipeWeight {
  double a;  // W/K on the node's own temperature (relative to the pipe's ambient)
  double b;  // W/K on the far end's (relative to the pipe's ambient)
};
inline StagnantPipeWeight stagnant_pipe_weight(double diameter_m, double length_m, double u_W_mK) {
  const double k_area = axial_conductance(diameter_m, 1.0);  // lambda A
  if (!(u_W_mK > 0)) return {k_area / length_m, k_area / length_m};
  const double c = std::sqrt(k_area * u_W_mK), ml = length_m * std::sqrt(u_W_mK / k_area);
  const double e2 = std::exp(-2.0 * ml), den = -std::expm1(-2.0 * ml);  // 1 - exp(-2 mL)
  return {c * (1.0 + e2) / den, c * 2.0 * std::exp(-ml) / den};
}

}  // namespace heatnet::solver
