// Pressure-loss laws of the hydraulic links, as functions of mass flow q (kg/s, signed
// from -> to). Each returns the loss AND its derivative (for the Newton Jacobian):
//   dp(q) = pressure lost from `from` to `to` by friction/fittings (a pump returns minus its
//           pressure rise), elevation NOT included (the solver adds rho g (z_from - z_to));
//   g     = d dp / d q > 0 (floored where the law is flat, e.g. a pump curve's hump).
#pragma once
#include <cmath>
#include <numbers>
#include <vector>

#include "heatnet/network.hpp"
#include "network/compiled.hpp"
#include "solver/physics/friction.hpp"

namespace heatnet::physics {

struct LinkLaw {
  double dp;  // Pa
  double g;   // Pa per kg/s
};

// Pipe coefficients that change only with fluid properties or parameters (per outer iteration).
struct PipeCoefficients {
  double length_m, diameter_m, area_m2, relative_roughness, minor_loss;
  double density, viscosity;  // kg/m3, Pa s (dynamic)
  double hazen_williams_c;    // used only with FrictionModel::hazen_williams
  double gravity;
  double hazen_williams_r = 0;  // its resistance, if known (0: computed from C, L, D)
};
PipeCoefficients make_pipe_coefficients(double length_m, double diameter_m, double roughness_m,
                                        double minor_loss, double hazen_williams_c,
                                        double density, double viscosity, double gravity);

struct PipeFlowState {
  double reynolds = 0;
  double friction_factor = 0;  // Darcy; 0 at zero flow (undefined there)
};

// Darcy-Weisbach: dp = lambda(Re) L/D q|q| / (2 rho A^2) + zeta q|q| / (2 rho A^2), with the
// friction law of `model` (solver/physics/friction.hpp). At Re -> 0 the laminar law
// 64/Re makes dp linear in q (Hagen-Poiseuille, dp = 128 mu L q / (pi rho D^4)), so the
// derivative stays finite and positive at zero flow.
// Hazen-Williams: dp = rho g h(Q), Q = q / rho, with EPANET's constant and low-flow line.
// colebrook_root: the caller's warm start of the Colebrook iteration, 1/sqrt(lambda) of the
// previous evaluation (0: none), updated in place; nullptr: a cold start.
LinkLaw pipe_law(FrictionModel model, const PipeCoefficients& c, double q,
                 PipeFlowState* state = nullptr, double* colebrook_root = nullptr);

// pipe_law's PipeFlowState (Reynolds number, Darcy friction factor) at flow q without its
// law: the same values, for the results' per-pipe fields. colebrook_root: the warm start
// (0: none), not updated.
PipeFlowState pipe_flow_state(FrictionModel model, const PipeCoefficients& c, double q,
                              double colebrook_root = 0.0);

// pipe_law's Colebrook case for an open pipe, straight from the pipe's data (the same
// arithmetic, the same values; tests/test_link_laws.cpp compares them): the Newton
// assembly's per-pipe law of district-heating networks, without a coefficient struct per
// pipe and call (inline: once per pipe per Newton iteration). colebrook_root: the warm start
// as in pipe_law.
inline LinkLaw colebrook_pipe_law(double length_m, double diameter_m, double roughness_m,
                                  double minor_loss, double density, double viscosity, double q,
                                  double& colebrook_root);

// pipe_law for an open pipe under the other Darcy-Weisbach models (swamee_jain, nikuradse,
// epanet_darcy_weisbach), straight from the pipe's data like colebrook_pipe_law (the same
// arithmetic, the same values; tests/test_link_laws.cpp compares them).
LinkLaw darcy_weisbach_pipe_law(FrictionModel model, double length_m, double diameter_m,
                                double roughness_m, double minor_loss, double density,
                                double viscosity, double q);
// Its EPANET Darcy-Weisbach case, inline (the Newton assembly on EPANET's D-W networks).
inline LinkLaw epanet_darcy_weisbach_pipe_law(double length_m, double diameter_m,
                                              double roughness_m, double minor_loss,
                                              double density, double viscosity, double q);

// The Hazen-Williams branch of pipe_law for a pipe whose resistance r (h = r |Q|^1.852) is
// known, without building its PipeCoefficients: the Newton assembly's per-pipe law on
// EPANET networks (same arithmetic, same values as pipe_law).
// Inline: the Newton assembly evaluates it once per pipe per iteration.
inline LinkLaw hazen_williams_pipe_law(double r, double minor_loss, double diameter_m,
                                       double density, double gravity, double q);

// Valve (open) or fitting: dp = zeta q|q| / (2 rho A^2) + r q, with a tiny linear resistance
// r so that a lossless open valve still has a finite conductance (cf. EPANET's 1e-6 ft/cfs,
// about 1e-4 Pa per kg/s; we use kOpenValveResistance).
inline constexpr double kOpenValveResistance = 1e-3;  // Pa per kg/s
LinkLaw valve_law(double zeta, double area_m2, double density, double q);

// A closed link (check valve shut, pump off): a very small conductance keeps the matrix
// non-singular; it leaks q = dp / kClosedResistance (1e-9 kg/s at 1 bar).
inline constexpr double kClosedResistance = 1e14;  // Pa per kg/s
inline LinkLaw closed_law(double q) { return {kClosedResistance * q, kClosedResistance}; }

// Pump (running forward): dp = -rho g h(Q), Q = q / rho. Where the curve is flat or rising
// the slope is floored at 1 % of shut-off head over the largest curve flow (a quasi-Newton
// step; the solution is unaffected).
// At relative speed `speed` the affinity laws apply: h(Q) = speed^2 h1(Q / speed).
// Constant-power curves (h = a/Q) switch to EPANET's steep line through the origin where
// their gradient would exceed EPANET's CBIG (1e8 ft/cfs).
LinkLaw pump_law(const PumpCurve& curve, double density, double gravity, double q,
                 double speed = 1.0);

// EPANET general-purpose valve: head loss from the piecewise-linear curve (q_m3_s, h_m) on
// the segment bracketing |Q|, h = sign(Q) (h0 + r |Q|), gradient floored at EPANET's RQTOL.
LinkLaw gpv_law(const std::vector<double>& q_m3_s, const std::vector<double>& h_m, double density,
                double gravity, double q);

// EPANET pressure-breaker valve holding a pressure drop `setting_Pa` from -> to (a nearly
// flat law, like EPANET's 1/CBIG gradient).
inline LinkLaw pbv_law(double setting_Pa, double q) {
  return {setting_Pa + kOpenValveResistance * q, kOpenValveResistance};
}

// Plant pump holding a fixed differential pressure `dp_Pa` from return (from) to supply (to):
// the pressure rise is dp_Pa at any forward flow; the small linear resistance of an open valve
// keeps the conductance finite (the supply pressure is lower by kOpenValveResistance * q,
// 0.1 Pa at 100 kg/s).
inline LinkLaw fixed_dp_pump_law(double dp_Pa, double q) {
  return {-dp_Pa + kOpenValveResistance * q, kOpenValveResistance};
}

// Active flow-control valve: the flow is held at `q_set` (kg/s) by a very stiff law.
inline LinkLaw fixed_flow_law(double q_set, double q) {
  return {kClosedResistance * (q - q_set), kClosedResistance};
}

namespace detail {
// Below this Reynolds number the laminar law is evaluated directly (avoids 64/Re at Re = 0).
inline constexpr double kTinyReynolds = 1e-6;

// The Darcy-Weisbach pipe law (pipe_law's expressions; the raw-data callers compute area and
// relative roughness as make_pipe_coefficients does), the friction factor from
// factor(re, relative_roughness); state, if given, receives the Reynolds number and factor.
template <class Factor>
inline LinkLaw darcy_weisbach_law(double length_m, double diameter_m, double area_m2,
                                  double relative_roughness, double minor_loss, double density,
                                  double viscosity, double q, Factor factor,
                                  PipeFlowState* state = nullptr) {
  const double aq = std::abs(q);
  // kinetic factor: rho v^2 / 2 = q^2 / (2 rho A^2)
  const double kin = 1.0 / (2.0 * density * area_m2 * area_m2);
  LinkLaw law{minor_loss * kin * q * aq, 2.0 * minor_loss * kin * aq};
  const double re = aq * diameter_m / (area_m2 * viscosity);
  const double l_over_d = length_m / diameter_m;
  if (re < kTinyReynolds) {
    // Hagen-Poiseuille: lambda = 64/Re  =>  dp = 32 mu L v / D^2 = (64 mu L / (2 rho A D^2)) q
    const double k_lam = 32.0 * viscosity * length_m / (density * area_m2 * diameter_m * diameter_m);
    law.dp += k_lam * q;
    law.g += k_lam;
    if (state) *state = {re, 0.0};
    return law;
  }
  const FrictionFactor f = factor(re, relative_roughness);
  // dp = lambda (L/D) kin q|q|;  d/dq = (L/D) kin |q| (2 lambda + Re dlambda/dRe)
  law.dp += f.lambda * l_over_d * kin * q * aq;
  law.g += l_over_d * kin * aq * (2.0 * f.lambda + re * f.dlambda_dRe);
  if (state) *state = {re, f.lambda};
  return law;
}

// A pipe's flow area (make_pipe_coefficients' expression).
inline double pipe_area_m2(double diameter_m) {
  return std::numbers::pi * 0.25 * diameter_m * diameter_m;
}

// The Hazen-Williams pipe law from its head loss h(Q): minor loss plus rho g h.
inline LinkLaw hazen_williams_law(double minor_loss, double diameter_m, double density,
                                  double gravity, double q, const HeadLoss& h) {
  const double aq = std::abs(q);
  LinkLaw law{0.0, 0.0};
  if (minor_loss != 0.0) {
    // kinetic factor as in make_pipe_coefficients/pipe_law: rho v^2 / 2 = q^2 / (2 rho A^2)
    const double area = pipe_area_m2(diameter_m);
    const double kin = 1.0 / (2.0 * density * area * area);
    law = {minor_loss * kin * q * aq, 2.0 * minor_loss * kin * aq};
  }
  law.dp += density * gravity * h.h_m;
  law.g += gravity * h.dh_dQ;  // d(rho g h)/dq = rho g h'(Q) / rho
  return law;
}
}  // namespace detail

inline LinkLaw hazen_williams_pipe_law(double r, double minor_loss, double diameter_m,
                                       double density, double gravity, double q) {
  return detail::hazen_williams_law(minor_loss, diameter_m, density, gravity, q,
                                    hazen_williams_with_resistance(q / density, r));
}

inline LinkLaw colebrook_pipe_law(double length_m, double diameter_m, double roughness_m,
                                  double minor_loss, double density, double viscosity, double q,
                                  double& colebrook_root) {
  return detail::darcy_weisbach_law(length_m, diameter_m, detail::pipe_area_m2(diameter_m),
                                    roughness_m / diameter_m, minor_loss, density, viscosity, q,
                                    [&](double re, double eps) {
                                      return colebrook_warm(re, eps, colebrook_root);
                                    });
}

inline LinkLaw epanet_darcy_weisbach_pipe_law(double length_m, double diameter_m,
                                              double roughness_m, double minor_loss,
                                              double density, double viscosity, double q) {
  return detail::darcy_weisbach_law(length_m, diameter_m, detail::pipe_area_m2(diameter_m),
                                    roughness_m / diameter_m, minor_loss, density, viscosity, q,
                                    detail::epanet_darcy_weisbach);
}

}  // namespace heatnet::physics
