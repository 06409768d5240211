// Check valves, closed/open valves and a booster pump. References are computed in the test by
// bisection on the documented laws (Colebrook-White by fixed-point iteration, the valve loss
// zeta rho v^2/2 plus the documented tiny linear resistance kOpenValveResistance, and the
// pump's quadratic through three points written in Lagrange form).
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

#include "heatnet/solve.hpp"
#include "solver/physics/link_laws.hpp"
#include "tests/network_builders.hpp"
#include "tests/reference_hydraulics.hpp"

using namespace heatnet;
using namespace heatnet::testing;

namespace {
double valve_dp(double q, double zeta, double D, double rho) {
  const double v = q / (rho * std::numbers::pi * D * D / 4);
  return zeta * rho * v * std::abs(v) / 2 + physics::kOpenValveResistance * q;
}
template <class F>
double bisect(F f, double lo, double hi) {  // f(lo) < 0 < f(hi)
  for (int i = 0; i < 300; ++i) {
    const double mid = 0.5 * (lo + hi);
    (f(mid) < 0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}
double total_status_changes(const SolveReport& r) {
  double n = 0;
  for (const auto& h : r.history) n += h.status_changes;
  return n;
}

// H -- P1 --> X --(valve X->Y)--> Y -- P2 --> L, pressures p_h at H and p_l at L.
NetworkDefinition valve_line(double p_h_bar, double p_l_bar, ValveType type,
                             std::optional<double> d = {}, double zeta = 0.0) {
  auto n = empty_network();
  add_node(n, "H");
  add_node(n, "X");
  add_node(n, "Y");
  add_node(n, "L");
  add_pipe(n, "P1", "H", "X", 300.0, 0.15, 0.05);
  add_valve(n, "V", "X", "Y", type, d, zeta);
  add_pipe(n, "P2", "Y", "L", 200.0, 0.15, 0.05);
  add_pressure(n, "H", p_h_bar);
  add_pressure(n, "L", p_l_bar);
  n.settings.tolerance_mass_flow_rel = 1e-12;
  return n;
}
}  // namespace

TEST_CASE("check valve closes against reverse pressure and opens with forward pressure",
          "[hydraulics][valves]") {
  const FluidDefinition f = constant_water();
  SECTION("reverse: closed, only the documented leak") {
    auto d = valve_line(1.0, 3.0, ValveType::check);  // L pushes back towards H
    Result r = solve(Network::build(d));
    INFO(r.report().full());
    REQUIRE(r.converged());
    const double q = r.dataset("valves/mass_flow").data[0];
    CHECK(std::abs(q) < 1e-8);
    CHECK(std::abs(r.dataset("pipes/mass_flow").data[0]) < 1e-8);
    // the whole 2 bar stands across the shut valve
    CHECK(r.dataset("valves/pressure_drop").data[0] == Approx(-2e5).epsilon(1e-6));
  }
  SECTION("forward: open, flow of the series pipes") {
    auto d = valve_line(3.0, 1.0, ValveType::check);
    Result r = solve(Network::build(d));
    REQUIRE(r.converged());
    const double q_ref = bisect(
        [&](double q) {
          return pipe_dp(q, 300, 0.15, 0.05, f) + valve_dp(q, 0, 0.15, f.density_kg_m3) +
                 pipe_dp(q, 200, 0.15, 0.05, f) - 2e5;
        },
        0.0, 1e3);
    CHECK(r.dataset("valves/mass_flow").data[0] == Approx(q_ref).epsilon(1e-9));
  }
}

TEST_CASE("check valve on a marginal parallel path does not chatter", "[hydraulics][valves]") {
  // R feeds X and Y through identical pipes; X and Y also joined by a check valve X -> Y.
  // With equal demands the valve sees no driving pressure at all; with a slightly larger
  // demand at X it is pushed backwards by a tiny pressure difference (must stay shut); with a
  // slightly larger demand at Y it opens and carries a small flow.
  for (double extra_x : {0.0, 1e-3, -1e-3}) {
    auto d = empty_network();
    add_node(d, "R");
    add_node(d, "X", 0.0, 5.0 + std::max(extra_x, 0.0));
    add_node(d, "Y", 0.0, 5.0 + std::max(-extra_x, 0.0));
    add_pipe(d, "PX", "R", "X", 400.0, 0.1, 0.05);
    add_pipe(d, "PY", "R", "Y", 400.0, 0.1, 0.05);
    add_valve(d, "V", "X", "Y", ValveType::check, 0.1, 1.0);
    add_pressure(d, "R", 4.0);
    Result r = solve(Network::build(d));
    INFO("extra demand at X " << extra_x << "\n" << r.report().full());
    REQUIRE(r.converged());
    CHECK(total_status_changes(r.report()) <= 2);
    const double qv = r.dataset("valves/mass_flow").data[0];
    CHECK(qv > -1e-8);  // never backwards through a check valve
    if (extra_x >= 0) CHECK(std::abs(qv) < 1e-8);
    if (extra_x < 0) CHECK(qv > 1e-4);
  }
}

TEST_CASE("mass balance at the ends of a check valve carrying a tiny flow",
          "[hydraulics][valves]") {
  // Same marginal case, valve open with ~5e-4 kg/s: its conductance 1/g is ~100 kg/s per Pa,
  // so flows computed from absolute pressures (~4e5 Pa) lose ~eps * 100 * 4e5 ~ 1e-8 kg/s of
  // balance; the final projection (solver/newton/spanning_forest.hpp) must restore it.
  auto d = empty_network();
  add_node(d, "R");
  add_node(d, "X", 0.0, 5.0);
  add_node(d, "Y", 0.0, 5.001);
  add_pipe(d, "PX", "R", "X", 400.0, 0.1, 0.05);
  add_pipe(d, "PY", "R", "Y", 400.0, 0.1, 0.05);
  add_valve(d, "V", "X", "Y", ValveType::check, 0.1, 1.0);
  add_pressure(d, "R", 4.0);
  Result r = solve(Network::build(d));
  INFO(r.report().full());
  REQUIRE(r.converged());
  const auto imb = node_imbalance(d, r);
  CHECK(std::abs(imb[1]) < 1e-9 * flow_scale(r));
  CHECK(std::abs(imb[2]) < 1e-9 * flow_scale(r));
}

TEST_CASE("a closed valve carries no flow", "[hydraulics][valves]") {
  auto d = empty_network();
  add_node(d, "A");
  add_node(d, "B");
  add_pipe(d, "P", "A", "B", 500.0, 0.2, 0.05);
  add_valve(d, "V", "A", "B", ValveType::closed, 0.2);
  add_pressure(d, "A", 3.0);
  add_pressure(d, "B", 1.0);
  d.settings.tolerance_mass_flow_rel = 1e-12;
  Result r = solve(Network::build(d));
  REQUIRE(r.converged());
  CHECK(r.dataset("valves/mass_flow").data[0] == 0.0);
  CHECK(r.dataset("valves/pressure_drop").data[0] == Approx(2e5).epsilon(1e-12));
  const FluidDefinition f = constant_water();
  const double q_ref = bisect([&](double q) { return pipe_dp(q, 500, 0.2, 0.05, f) - 2e5; }, 0, 1e3);
  CHECK(r.dataset("pipes/mass_flow").data[0] == Approx(q_ref).epsilon(1e-9));
}

TEST_CASE("an open valve with minor_loss loses zeta rho v^2 / 2", "[hydraulics][valves]") {
  const FluidDefinition f = constant_water();
  const double zeta = 4.2, dv = 0.1;
  auto d = valve_line(2.5, 1.0, ValveType::open, dv, zeta);
  Result r = solve(Network::build(d));
  REQUIRE(r.converged());
  const double q = r.dataset("valves/mass_flow").data[0];
  const double q_ref = bisect(
      [&](double x) {
        return pipe_dp(x, 300, 0.15, 0.05, f) + valve_dp(x, zeta, dv, f.density_kg_m3) +
               pipe_dp(x, 200, 0.15, 0.05, f) - 1.5e5;
      },
      0.0, 1e3);
  CHECK(q == Approx(q_ref).epsilon(1e-9));
  const double v = q / (f.density_kg_m3 * std::numbers::pi * dv * dv / 4);
  // the valve's pressure drop: zeta rho v^2 / 2 (plus the documented 1e-3 Pa per kg/s)
  CHECK(r.dataset("valves/pressure_drop").data[0] ==
        Approx(zeta * f.density_kg_m3 * v * v / 2 + physics::kOpenValveResistance * q).epsilon(1e-9));
  CHECK(r.dataset("valves/pressure_drop").data[0] ==
        Approx(zeta * f.density_kg_m3 * v * v / 2).epsilon(1e-6));
}

TEST_CASE("booster pump between two reservoirs runs where pump head = system curve",
          "[hydraulics][pumps]") {
  // R1 (1 bar, z = 0) -- P1 --> N1 -- pump --> N2 -- P2 --> R2 (1.5 bar, z = 12 m)
  const FluidDefinition f = constant_water();
  const double pts[3][2] = {{0, 40}, {800, 35}, {1600, 20}};  // m3/h, m
  auto d = empty_network();
  add_node(d, "R1", 0.0);
  add_node(d, "N1", 0.0);
  add_node(d, "N2", 0.0);
  add_node(d, "R2", 12.0);
  add_pipe(d, "P1", "R1", "N1", 150.0, 0.4, 0.05);
  add_booster(d, "BP", "N1", "N2", {{0, 40}, {800, 35}, {1600, 20}});
  add_pipe(d, "P2", "N2", "R2", 900.0, 0.35, 0.05);
  add_pressure(d, "R1", 1.0);
  add_pressure(d, "R2", 1.5);
  d.settings.tolerance_mass_flow_rel = 1e-12;
  Result r = solve(Network::build(d));
  INFO(r.report().full());
  REQUIRE(r.converged());

  // Lagrange form of the quadratic through the three points (exact for three points)
  auto head = [&](double qm3h) {
    double h = 0;
    for (int i = 0; i < 3; ++i) {
      double w = pts[i][1];
      for (int j = 0; j < 3; ++j)
        if (j != i) w *= (qm3h - pts[j][0]) / (pts[i][0] - pts[j][0]);
      h += w;
    }
    return h;
  };
  const double rho = f.density_kg_m3, g = d.settings.gravity_m_s2;
  // system: pump pressure rise = p_R2 - p_R1 + rho g dz + friction
  auto excess = [&](double q) {  // system minus pump, increasing in q
    const double qm3h = q / rho * 3600.0;
    return 0.5e5 + rho * g * 12.0 + pipe_dp(q, 150, 0.4, 0.05, f) + pipe_dp(q, 900, 0.35, 0.05, f) -
           rho * g * head(qm3h);
  };
  const double q_ref = bisect(excess, 0.0, 1600.0 / 3600.0 * rho);
  const double q = r.dataset("pumps/mass_flow").data[0];
  CHECK(q == Approx(q_ref).epsilon(1e-9));
  CHECK(r.dataset("pumps/head").data[0] == Approx(head(q / rho * 3600.0)).epsilon(1e-9));
  const auto imb = node_imbalance(d, r);
  CHECK(std::abs(imb[1]) < 1e-9 * q);
  CHECK(std::abs(imb[2]) < 1e-9 * q);
}
