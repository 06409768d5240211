// Link-law kernels (solver/physics/link_laws.hpp): the derivative g each law returns is checked
// against a central finite difference of its own dp, for every friction model, in the laminar,
// transition and turbulent ranges, forward and reverse flow, with and without minor losses;
// and the valve and pump laws. Step h = 1e-6 |q|: truncation error O(h^2 dp''') ~ 1e-12 and
// rounding ~ eps |dp| / h ~ 1e-10 relative, so 1e-7 relative is a real check.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <numbers>

#include "solver/physics/friction.hpp"
#include "solver/physics/link_laws.hpp"
#include "network/compiled.hpp"

using namespace heatnet;
using namespace heatnet::physics;

namespace {
constexpr double kRelFd = 1e-7;

template <class F>
double central_difference(F dp, double q) {
  const double h = 1e-6 * std::abs(q);
  return (dp(q + h) - dp(q - h)) / (2 * h);
}

PipeCoefficients pipe(double minor_loss, double hw_c = 130.0) {
  const double rho = 983.2, mu = 4.67e-4;  // water near 60 degC
  return make_pipe_coefficients(250.0, 0.15, 0.1e-3, minor_loss, hw_c, rho, mu, 9.80665);
}
// mass flow giving Reynolds number re in that pipe
double flow_for_re(const PipeCoefficients& c, double re) {
  return re * c.area_m2 * c.viscosity / c.diameter_m;
}
}  // namespace

TEST_CASE("pipe law derivative matches finite differences", "[link_laws]") {
  const FrictionModel models[] = {FrictionModel::colebrook, FrictionModel::swamee_jain,
                                  FrictionModel::nikuradse, FrictionModel::epanet_darcy_weisbach,
                                  FrictionModel::hazen_williams};
  // laminar, transition (both halves), turbulent smooth-ish and rough
  const double reynolds[] = {50.0, 1500.0, 2500.0, 3500.0, 1e4, 2e5, 5e6};
  for (FrictionModel m : models)
    for (double zeta : {0.0, 3.5})
      for (double re : reynolds)
        for (double sign : {1.0, -1.0}) {
          const PipeCoefficients c = pipe(zeta);
          const double q = sign * flow_for_re(c, re);
          const LinkLaw law = pipe_law(m, c, q);
          const double fd = central_difference([&](double x) { return pipe_law(m, c, x).dp; }, q);
          INFO("model " << to_string(m) << ", zeta " << zeta << ", Re " << re << ", q " << q);
          CHECK(law.g > 0);
          CHECK(law.g == Approx(fd).epsilon(kRelFd));
          // odd in q: reverse flow loses the same pressure the other way
          CHECK(pipe_law(m, c, -q).dp == Approx(-law.dp).epsilon(1e-14));
        }
}

TEST_CASE("pipe law values: Darcy-Weisbach with minor losses, Hagen-Poiseuille at zero flow",
          "[link_laws]") {
  const PipeCoefficients c = pipe(2.0);
  const double q = flow_for_re(c, 1e5);
  const double v = q / (c.density * c.area_m2);
  const double lambda = colebrook_white(1e5, c.relative_roughness);  // turbulent branch
  const double expected = (lambda * c.length_m / c.diameter_m + 2.0) * c.density * v * v / 2;
  CHECK(pipe_law(FrictionModel::colebrook, c, q).dp == Approx(expected).epsilon(1e-12));
  // q = 0: dp = 0 and the slope is the laminar one 128 mu L / (pi rho D^4)
  const LinkLaw zero = pipe_law(FrictionModel::colebrook, c, 0.0);
  CHECK(zero.dp == 0.0);
  const double k_lam = 128 * c.viscosity * c.length_m /
                       (std::numbers::pi * c.density * std::pow(c.diameter_m, 4));
  CHECK(zero.g == Approx(k_lam).epsilon(1e-12));
}

TEST_CASE("valve law: value and derivative", "[link_laws]") {
  const double rho = 990.0, d = 0.2, area = std::numbers::pi * d * d / 4;
  for (double zeta : {0.0, 0.8, 25.0})
    for (double q : {-80.0, -3.0, 0.5, 40.0}) {
      const LinkLaw law = valve_law(zeta, area, rho, q);
      const double v = q / (rho * area);
      INFO("zeta " << zeta << ", q " << q);
      CHECK(law.dp == Approx(zeta * rho * v * std::abs(v) / 2 + kOpenValveResistance * q).epsilon(1e-13));
      CHECK(law.g == Approx(central_difference([&](double x) { return valve_law(zeta, area, rho, x).dp; }, q))
                        .epsilon(kRelFd));
    }
}

TEST_CASE("pump law: dp = -rho g h(Q), derivative where the curve falls", "[link_laws]") {
  // exact quadratic through (0, 40), (800, 35), (1600, 20) m3/h -> m
  const PumpCurve curve = fit_pump_curve({{0, 40}, {800, 35}, {1600, 20}}, "pump", "P");
  const double rho = 971.8, g = 9.80665;
  for (double qm3h : {100.0, 600.0, 1200.0, 1700.0}) {
    const double q = qm3h / 3600.0 * rho;
    const LinkLaw law = pump_law(curve, rho, g, q);
    INFO("Q = " << qm3h << " m3/h");
    CHECK(law.dp == Approx(-rho * g * curve.head(q / rho)).epsilon(1e-13));
    const double fd = central_difference([&](double x) { return pump_law(curve, rho, g, x).dp; }, q);
    CHECK(law.g == Approx(fd).epsilon(kRelFd));
  }
}

TEST_CASE("pump law against reverse flow: the head rises, mirrored about shut-off", "[link_laws]") {
  // Two points give h = a + cQ^2 (b = 0): 40 m at zero flow, 20 m at 1000 m3/h. Pushed
  // backwards at Q, the pump needs as much more than its shut-off head as it delivers less at
  // +Q: h(-Q) - a = a - h(Q) (the curve mirrored about the shut-off head), so the loss law
  // rises through zero flow and its slope is the true derivative.
  const PumpCurve curve = fit_pump_curve({{0, 40}, {1000, 20}}, "pump", "P");
  const double rho = 983.2, g = 9.80665;
  for (double qm3h : {300.0, 1000.0, 5000.0}) {  // beyond the slope floor near zero flow
    const double flow = qm3h / 3600.0;
    INFO("Q = -" << qm3h << " m3/h");
    CHECK(curve.head(-flow) - 40.0 == Approx(40.0 - curve.head(flow)).epsilon(1e-12));
    const double q = -flow * rho;
    const LinkLaw law = pump_law(curve, rho, g, q);
    CHECK(law.dp == Approx(-rho * g * curve.head(-flow)).epsilon(1e-13));
    const double fd = central_difference([&](double x) { return pump_law(curve, rho, g, x).dp; }, q);
    CHECK(law.g == Approx(fd).epsilon(kRelFd));
    CHECK(law.g > 0.0);
  }
}

TEST_CASE("pipe law reads its coefficients only; the Colebrook warm start is the caller's",
          "[link_laws]") {
  // The coefficients are an input: evaluating the law must leave them bit-identical (a
  // `mutable` warm-start member written through const broke this; issue #19 finding 5).
  const PipeCoefficients c = pipe(0.5);
  PipeCoefficients before;
  std::memcpy(&before, &c, sizeof c);
  const double q = flow_for_re(c, 2e5);
  (void)pipe_law(FrictionModel::colebrook, c, q);
  CHECK(std::memcmp(&before, &c, sizeof c) == 0);
  // A warm start changes the work, not the answer (Colebrook is iterated to convergence).
  const LinkLaw cold = pipe_law(FrictionModel::colebrook, c, q);
  double root = 0.0;
  (void)pipe_law(FrictionModel::colebrook, c, 0.5 * q, nullptr, &root);
  CHECK(root > 0.0);  // the caller's variable holds the warm start now
  const LinkLaw warm = pipe_law(FrictionModel::colebrook, c, q, nullptr, &root);
  CHECK(warm.dp == Approx(cold.dp).epsilon(1e-13));
  CHECK(warm.g == Approx(cold.g).epsilon(1e-13));
}

TEST_CASE("hazen_williams_pipe_law: minor loss plus rho g h(Q), as pipe_law", "[link_laws]") {
  for (double zeta : {0.0, 3.5}) {
    PipeCoefficients c = pipe(zeta);
    c.hazen_williams_r = hazen_williams_resistance(c.length_m, c.diameter_m, c.hazen_williams_c);
    const double kin = 1.0 / (2.0 * c.density * c.area_m2 * c.area_m2);
    for (double q : {-12.0, -0.3, -1e-9, 0.0, 1e-12, 0.05, 4.0, 80.0}) {
      const HeadLoss h = hazen_williams(q / c.density, c.length_m, c.diameter_m, c.hazen_williams_c);
      const double dp = zeta * kin * q * std::abs(q) + c.density * c.gravity * h.h_m;
      const double g = 2.0 * zeta * kin * std::abs(q) + c.gravity * h.dh_dQ;
      const LinkLaw lean = hazen_williams_pipe_law(c.hazen_williams_r, zeta, c.diameter_m,
                                                   c.density, c.gravity, q);
      CHECK(lean.dp == Approx(dp).epsilon(1e-15).margin(1e-300));
      CHECK(lean.g == Approx(g).epsilon(1e-15));
      const LinkLaw full = pipe_law(FrictionModel::hazen_williams, c, q);
      CHECK(lean.dp == full.dp);
      CHECK(lean.g == full.g);
    }
  }
}

TEST_CASE("colebrook_pipe_law: the same values as pipe_law, and the same warm start",
          "[link_laws]") {
  // The Newton assembly uses colebrook_pipe_law for open pipes; the results and every other
  // caller use pipe_law. They must agree to the bit (the solver's iteration counts depend on
  // it), laminar, transition, turbulent, both directions, zero flow, with and without minor
  // losses, cold and warm started.
  const double rho = 983.2, mu = 4.67e-4, length = 250.0, d = 0.15, k = 0.1e-3;
  for (double zeta : {0.0, 3.5}) {
    const PipeCoefficients c = make_pipe_coefficients(length, d, k, zeta, 130.0, rho, mu, 9.80665);
    double root_full = 0.0, root_lean = 0.0;
    for (double re : {0.0, 1e-9, 50.0, 1999.0, 2500.0, 3999.0, 4000.0, 1.2e4, 3e5, 3.1e5, 8e6}) {
      for (double sign : {1.0, -1.0}) {
        const double q = sign * flow_for_re(c, re);
        const LinkLaw full = pipe_law(FrictionModel::colebrook, c, q, nullptr, &root_full);
        const LinkLaw lean = colebrook_pipe_law(length, d, k, zeta, rho, mu, q, root_lean);
        CHECK(lean.dp == full.dp);
        CHECK(lean.g == full.g);
        CHECK(root_lean == root_full);
        CHECK(std::isfinite(lean.g));
        CHECK(lean.g > 0.0);
      }
    }
  }
}

TEST_CASE("darcy_weisbach_pipe_law: the same values as pipe_law for the other friction models",
          "[link_laws]") {
  // The Newton assembly uses darcy_weisbach_pipe_law for open pipes under Swamee-Jain,
  // Nikuradse and EPANET's Darcy-Weisbach; the results and every other caller use pipe_law.
  // They must agree to the bit (iteration counts and results depend on it): laminar,
  // transition, turbulent, both directions, zero flow, with and without minor losses.
  const double rho = 983.2, mu = 4.67e-4, length = 250.0, d = 0.15;
  for (FrictionModel m : {FrictionModel::swamee_jain, FrictionModel::nikuradse,
                          FrictionModel::epanet_darcy_weisbach}) {
    for (double k : {0.0, 0.1e-3, 2e-3}) {
      for (double zeta : {0.0, 3.5}) {
        const PipeCoefficients c = make_pipe_coefficients(length, d, k, zeta, 130.0, rho, mu, 9.80665);
        for (double re : {0.0, 1e-9, 50.0, 1999.0, 2000.0, 2500.0, 3999.0, 4000.0, 1.2e4, 3e5, 8e6}) {
          for (double sign : {1.0, -1.0}) {
            const double q = sign * flow_for_re(c, re);
            INFO("model " << to_string(m) << ", k " << k << ", zeta " << zeta << ", q " << q);
            const LinkLaw full = pipe_law(m, c, q);
            const LinkLaw lean = darcy_weisbach_pipe_law(m, length, d, k, zeta, rho, mu, q);
            CHECK(std::memcmp(&lean.dp, &full.dp, sizeof full.dp) == 0);
            CHECK(std::memcmp(&lean.g, &full.g, sizeof full.g) == 0);
            CHECK(lean.g > 0.0);
            if (m == FrictionModel::epanet_darcy_weisbach) {  // and its inline form
              const LinkLaw inl = epanet_darcy_weisbach_pipe_law(length, d, k, zeta, rho, mu, q);
              CHECK(std::memcmp(&inl.dp, &full.dp, sizeof full.dp) == 0);
              CHECK(std::memcmp(&inl.g, &full.g, sizeof full.g) == 0);
            }
          }
        }
      }
    }
  }
}

TEST_CASE("pipe_flow_state: pipe_law's Reynolds number and friction factor, bit for bit",
          "[link_laws]") {
  // The results' per-pipe reynolds and friction_factor come from pipe_flow_state; they must
  // be what pipe_law reports with its law, every model, both directions, zero flow, with a
  // Colebrook warm start, and Hazen-Williams with and without a stored resistance.
  const FrictionModel models[] = {FrictionModel::colebrook, FrictionModel::swamee_jain,
                                  FrictionModel::nikuradse, FrictionModel::epanet_darcy_weisbach,
                                  FrictionModel::hazen_williams};
  for (FrictionModel m : models) {
    for (double zeta : {0.0, 3.5}) {
      for (bool stored_r : {false, true}) {
        PipeCoefficients c = pipe(zeta);
        if (stored_r) c.hazen_williams_r = hazen_williams_resistance(c.length_m, c.diameter_m, c.hazen_williams_c);
        for (double re : {0.0, 1e-9, 50.0, 1999.0, 2500.0, 3999.0, 4000.0, 1.2e4, 3e5, 8e6}) {
          for (double sign : {1.0, -1.0}) {
            const double q = sign * flow_for_re(c, re);
            double root = 0.0;
            (void)pipe_law(m, c, 1.01 * q, nullptr, &root);  // a warm start near q
            const double start = root;
            PipeFlowState full;
            (void)pipe_law(m, c, q, &full, &root);
            const PipeFlowState lean = pipe_flow_state(m, c, q, start);
            INFO("model " << to_string(m) << ", zeta " << zeta << ", q " << q);
            CHECK(std::memcmp(&lean.reynolds, &full.reynolds, sizeof full.reynolds) == 0);
            CHECK(std::memcmp(&lean.friction_factor, &full.friction_factor,
                              sizeof full.friction_factor) == 0);
          }
        }
      }
    }
  }
}
