#include "solver/physics/link_laws.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "solver/physics/friction.hpp"
#include "network/compiled.hpp"

namespace heatnet::physics {
namespace {
FrictionLaw to_law(FrictionModel m) {
  switch (m) {
    case FrictionModel::swamee_jain: return FrictionLaw::swamee_jain;
    case FrictionModel::nikuradse: return FrictionLaw::nikuradse;
    case FrictionModel::epanet_darcy_weisbach: return FrictionLaw::epanet_darcy_weisbach;
    default: return FrictionLaw::colebrook;
  }
}
using detail::kTinyReynolds;  // (link_laws.hpp)
// EPANET's CBIG = 1e8 and RQTOL = 1e-7 ft per cfs, in m per m3/s.
constexpr double kEpanetMaxPumpGradient = 1e8 * 0.3048 / 0.028316846592;
constexpr double kEpanetMinGradient = 1e-7 * 0.3048 / 0.028316846592;

}  // namespace

PipeCoefficients make_pipe_coefficients(double length_m, double diameter_m, double roughness_m,
                                        double minor_loss, double hw_c, double density,
                                        double viscosity, double gravity) {
  const double area = detail::pipe_area_m2(diameter_m);
  return {length_m, diameter_m,  area,   roughness_m / diameter_m, minor_loss, density,
          viscosity, hw_c,       gravity};
}

namespace {
// The Darcy friction factor a Hazen-Williams head loss h at flow q amounts to (results' field):
// lambda = rho g |h| D / (L kin q^2), 0 at no flow.
double hazen_williams_darcy_factor(const PipeCoefficients& c, double q, const HeadLoss& h) {
  if (!(std::abs(q) > 0)) return 0.0;
  const double kin = 1.0 / (2.0 * c.density * c.area_m2 * c.area_m2);
  const double rho_g = c.density * c.gravity;
  return std::abs(rho_g * h.h_m) * c.diameter_m / (c.length_m * kin * q * q);
}

double pipe_reynolds(const PipeCoefficients& c, double q) {
  return std::abs(q) * c.diameter_m / (c.area_m2 * c.viscosity);
}

HeadLoss hazen_williams_loss(const PipeCoefficients& c, double q) {
  const double r = c.hazen_williams_r > 0
                       ? c.hazen_williams_r
                       : hazen_williams_resistance(c.length_m, c.diameter_m, c.hazen_williams_c);
  return hazen_williams_with_resistance(q / c.density, r);
}

FrictionFactor darcy_factor(FrictionModel model, double re, double relative_roughness,
                            double& colebrook_root) {
  return model == FrictionModel::colebrook
             ? colebrook_warm(re, relative_roughness, colebrook_root)
             : friction_factor(to_law(model), re, relative_roughness);
}
}  // namespace

LinkLaw pipe_law(FrictionModel model, const PipeCoefficients& c, double q, PipeFlowState* state,
                 double* colebrook_root) {
  if (model == FrictionModel::hazen_williams) {
    const HeadLoss h = hazen_williams_loss(c, q);
    if (state) *state = {pipe_reynolds(c, q), hazen_williams_darcy_factor(c, q, h)};
    return detail::hazen_williams_law(c.minor_loss, c.diameter_m, c.density, c.gravity, q, h);
  }
  double cold_root = 0.0;
  double& root = colebrook_root ? *colebrook_root : cold_root;
  return detail::darcy_weisbach_law(
      c.length_m, c.diameter_m, c.area_m2, c.relative_roughness, c.minor_loss, c.density,
      c.viscosity, q,
      [&](double re, double eps) { return darcy_factor(model, re, eps, root); }, state);
}

PipeFlowState pipe_flow_state(FrictionModel model, const PipeCoefficients& c, double q,
                              double colebrook_root) {
  // pipe_law's expressions for its PipeFlowState, without those of the law
  const double reynolds = pipe_reynolds(c, q);
  if (model == FrictionModel::hazen_williams) {
    if (!(std::abs(q) > 0)) return {reynolds, 0.0};
    return {reynolds, hazen_williams_darcy_factor(c, q, hazen_williams_loss(c, q))};
  }
  if (reynolds < kTinyReynolds) return {reynolds, 0.0};
  return {reynolds, darcy_factor(model, reynolds, c.relative_roughness, colebrook_root).lambda};
}

LinkLaw darcy_weisbach_pipe_law(FrictionModel model, double length_m, double diameter_m,
                                double roughness_m, double minor_loss, double density,
                                double viscosity, double q) {
  const FrictionLaw friction = to_law(model);
  return detail::darcy_weisbach_law(length_m, diameter_m, detail::pipe_area_m2(diameter_m),
                                    roughness_m / diameter_m, minor_loss, density, viscosity, q,
                                    [friction](double re, double eps) {
                                      return friction_factor(friction, re, eps);
                                    });
}

LinkLaw valve_law(double zeta, double area_m2, double density, double q) {
  const double aq = std::abs(q);
  if (zeta > 0 && area_m2 > 0) {
    const double kin = 1.0 / (2.0 * density * area_m2 * area_m2);
    return {zeta * kin * q * aq + kOpenValveResistance * q,
            2.0 * zeta * kin * aq + kOpenValveResistance};
  }
  return {kOpenValveResistance * q, kOpenValveResistance};
}

LinkLaw pump_law(const PumpCurve& curve, double density, double gravity, double q,
                 double speed) {
  const double flow = q / density;
  if (curve.form == PumpCurveForm::constant_power) {
    // h = s^3 a / Q (affinity laws on h = a/Q); EPANET caps the gradient at CBIG.
    const double a = speed * speed * speed * curve.a;
    const double grad = flow != 0.0 ? a / (flow * flow) : kEpanetMaxPumpGradient;
    if (!(grad < kEpanetMaxPumpGradient) || flow <= 0.0)
      return {-density * gravity * kEpanetMaxPumpGradient * flow, gravity * kEpanetMaxPumpGradient};
    return {-density * gravity * a / flow, gravity * grad};
  }
  const double s = speed > 0 ? speed : 1.0;
  const double floor = 0.01 * gravity * s * curve.shutoff_head_m / std::max(curve.max_flow_m3_s, 1e-9);
  const double g = -gravity * s * curve.slope(flow / s);
  return {-density * gravity * s * s * curve.head(flow / s), std::max(g, floor)};
}

LinkLaw gpv_law(const std::vector<double>& x, const std::vector<double>& y, double density,
                double gravity, double q) {
  const double flow = q / density;
  const double aq = std::max(std::abs(flow), 1e-6 * 0.028316846592);
  std::size_t k2 = 0;
  while (k2 < x.size() && x[k2] < aq) ++k2;
  if (k2 == 0) k2 = 1;
  else if (k2 == x.size()) --k2;
  const std::size_t k1 = k2 - 1;
  double r = (y[k2] - y[k1]) / (x[k2] - x[k1]);
  const double h0 = y[k1] - r * x[k1];
  r = std::max(r, kEpanetMinGradient);
  const double h = (h0 + r * std::abs(flow)) * (flow < 0 ? -1.0 : 1.0);
  return {density * gravity * h, gravity * r};
}

}  // namespace heatnet::physics
