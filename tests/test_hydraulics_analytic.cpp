// Analytic hydraulic cases: each reference is computed in the test by an independent method
// (bisection on the pipe law with Colebrook solved by fixed-point iteration), never by the
// solver itself.
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

#include "heatnet/solve.hpp"
#include "tests/network_builders.hpp"
#include "tests/reference_hydraulics.hpp"

using namespace heatnet;
using namespace heatnet::testing;

namespace {
// Flow for a given pressure drop by bisection.
double flow_for_dp(double dp, double L, double D, double k_mm, const FluidDefinition& f) {
  double lo = 0, hi = 1e4;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (pipe_dp(mid, L, D, k_mm, f) < dp ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}
}  // namespace

TEST_CASE("one pipe between two pressure nodes matches Colebrook solved by bisection") {
  auto d = empty_network();
  add_node(d, "A");
  add_node(d, "B");
  add_pipe(d, "P", "A", "B", 1000.0, 0.2, 0.1);
  add_pressure(d, "A", 3.0);
  add_pressure(d, "B", 1.0);
  d.settings.tolerance_mass_flow_rel = 1e-12;
  Result r = solve(Network::build(d));
  REQUIRE(r.converged());
  const double q_ref = flow_for_dp(2e5, 1000.0, 0.2, 0.1, d.settings.fluid);
  CHECK(r.dataset("pipes/mass_flow").data[0] == Approx(q_ref).epsilon(1e-9));
  CHECK(r.dataset("pipes/pressure_drop").data[0] == Approx(2e5).epsilon(1e-12));
}

TEST_CASE("laminar pipe follows Hagen-Poiseuille") {
  auto d = empty_network();
  add_node(d, "A");
  add_node(d, "B");
  add_pipe(d, "P", "A", "B", 100.0, 0.01, 0.0);
  add_pressure(d, "A", 0.01);  // 1000 Pa
  add_pressure(d, "B", 0.0);
  Result r = solve(Network::build(d));
  REQUIRE(r.converged());
  const auto& f = d.settings.fluid;
  const double mu = f.density_kg_m3 * f.kinematic_viscosity_m2_s;
  // dp = 128 mu L Q / (pi D^4)  =>  q = rho pi D^4 dp / (128 mu L)
  const double q_ref = f.density_kg_m3 * std::numbers::pi * std::pow(0.01, 4) * 1000.0 / (128 * mu * 100.0);
  CHECK(r.dataset("pipes/reynolds").data[0] < 2000);
  CHECK(r.dataset("pipes/mass_flow").data[0] == Approx(q_ref).epsilon(1e-9));
}

TEST_CASE("series and parallel pipes") {
  const auto fluid = constant_water();
  SECTION("series: same flow, pressure drops add up") {
    auto d = empty_network();
    add_node(d, "A");
    add_node(d, "M");
    add_node(d, "B");
    add_pipe(d, "P1", "A", "M", 500.0, 0.15, 0.05);
    add_pipe(d, "P2", "M", "B", 800.0, 0.2, 0.05);
    add_pressure(d, "A", 2.0);
    add_pressure(d, "B", 0.0);
    d.settings.tolerance_mass_flow_rel = 1e-12;
    Result r = solve(Network::build(d));
    REQUIRE(r.converged());
    const double q = r.dataset("pipes/mass_flow").data[0];
    CHECK(r.dataset("pipes/mass_flow").data[1] == Approx(q).epsilon(1e-12));
    // independent: bisection on q so that the two drops sum to 2 bar
    double lo = 0, hi = 1e3;
    for (int i = 0; i < 200; ++i) {
      const double mid = 0.5 * (lo + hi);
      const double dp = pipe_dp(mid, 500, 0.15, 0.05, fluid) + pipe_dp(mid, 800, 0.2, 0.05, fluid);
      (dp < 2e5 ? lo : hi) = mid;
    }
    CHECK(q == Approx(0.5 * (lo + hi)).epsilon(1e-9));
  }
  SECTION("parallel: each branch carries the flow of the common pressure drop") {
    auto d = empty_network();
    add_node(d, "A");
    add_node(d, "B");
    add_pipe(d, "P1", "A", "B", 500.0, 0.15, 0.05);
    add_pipe(d, "P2", "A", "B", 700.0, 0.25, 0.2);
    add_pressure(d, "A", 1.5);
    add_pressure(d, "B", 0.5);
    d.settings.tolerance_mass_flow_rel = 1e-12;
    Result r = solve(Network::build(d));
    REQUIRE(r.converged());
    CHECK(r.dataset("pipes/mass_flow").data[0] == Approx(flow_for_dp(1e5, 500, 0.15, 0.05, fluid)).epsilon(1e-9));
    CHECK(r.dataset("pipes/mass_flow").data[1] == Approx(flow_for_dp(1e5, 700, 0.25, 0.2, fluid)).epsilon(1e-9));
  }
}

TEST_CASE("hydrostatics: no flow, p = p0 - rho g dz") {
  auto d = empty_network();
  add_node(d, "low", 10.0);
  add_node(d, "mid", 25.0);
  add_node(d, "top", 42.0);
  add_pipe(d, "P1", "low", "mid", 100.0, 0.1, 0.1);
  add_pipe(d, "P2", "mid", "top", 100.0, 0.1, 0.1);
  add_pressure(d, "low", 5.0);
  Result r = solve(Network::build(d));
  REQUIRE(r.converged());
  const double rho_g = d.settings.fluid.density_kg_m3 * d.settings.gravity_m_s2;
  const auto& p = r.dataset("nodes/pressure").data;
  CHECK(p[1] == Approx(5e5 - rho_g * 15.0).epsilon(1e-12));
  CHECK(p[2] == Approx(5e5 - rho_g * 32.0).epsilon(1e-12));
  for (double q : r.dataset("pipes/mass_flow").data) CHECK(std::abs(q) < 1e-9);
  // heads are level
  const auto& h = r.dataset("nodes/head").data;
  CHECK(h[2] == Approx(h[0]).epsilon(1e-12));
}
