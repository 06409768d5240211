// Thermal model, element by element, against closed forms computed here:
//  * one insulated pipe: T_out = T_amb + (T_in - T_amb) exp(-U L / (m cp)),
//    loss = m cp (T_in - T_out) (constant-property fluid, so h = cp T exactly);
//  * mixing of two branches at a node (enthalpy-weighted mean, by hand);
//  * a stagnant dead-end branch reports finite, ambient-approaching temperatures.
#include <catch2/catch.hpp>
#include <cmath>

#include "heatnet/solve.hpp"
#include "tests/network_builders.hpp"

using namespace heatnet;
using namespace heatnet::testing;

namespace {
constexpr double kCp = 4182.0;
double outlet(double t_in, double t_amb, double u, double L, double m, double cp) {
  return t_amb + (t_in - t_amb) * std::exp(-u * L / (std::abs(m) * cp));
}
bool all_finite(const Result& r, const char* path) {
  for (double v : r.dataset(path).data)
    if (!std::isfinite(v)) return false;
  return true;
}
}  // namespace

TEST_CASE("one insulated pipe: exponential cooling and m cp dT heat loss", "[thermal]") {
  for (bool reversed : {false, true}) {
    auto d = empty_network(constant_fluid(977.8, 3.7e-7, kCp));
    d.settings.ambient_temperature_C = 8.0;
    add_node(d, "IN");
    add_node(d, "OUT");
    const double U = 0.45, L = 2500.0;
    if (!reversed)
      add_pipe(d, "P", "IN", "OUT", L, 0.1, 0.05, U);
    else
      add_pipe(d, "P", "OUT", "IN", L, 0.1, 0.05, U);  // flow runs against the pipe's direction
    add_pressure_T(d, "IN", 2.0, 90.0);
    add_pressure_T(d, "OUT", 1.0, 40.0);  // its temperature only applies to water entering there
    Result r = solve(Network::build(d));
    INFO("reversed " << reversed << "\n" << r.report().full());
    REQUIRE(r.converged());
    const double m = r.dataset("pipes/mass_flow").data[0];
    CHECK((reversed ? -m : m) > 0);
    const double t_out = outlet(90.0, 8.0, U, L, m, kCp);
    CHECK(r.dataset("pipes/inlet_temperature").data[0] == Approx(90.0).margin(1e-9));
    CHECK(r.dataset("pipes/outlet_temperature").data[0] == Approx(t_out).margin(1e-9));
    CHECK(r.dataset("nodes/temperature").data[1] == Approx(t_out).margin(1e-9));
    const double loss = std::abs(m) * kCp * (90.0 - t_out);
    CHECK(r.dataset("pipes/heat_loss").data[0] == Approx(loss).epsilon(1e-9));
    CHECK(r.summaries().back().heat_loss_W == Approx(loss).epsilon(1e-9));
    CHECK(r.summaries().back().energy_balance_rel <= 1e-6);
  }
}

TEST_CASE("two branches mix at a node by hand", "[thermal]") {
  // H1 (90 degC) -- P1 (lossy) --> M <-- P2 (adiabatic) -- H2 (60 degC);  M -- P3 (lossy) --> L
  auto d = empty_network(constant_fluid(980.0, 4.0e-7, kCp));
  d.settings.ambient_temperature_C = 5.0;
  add_node(d, "H1");
  add_node(d, "H2");
  add_node(d, "M");
  add_node(d, "L");
  add_pipe(d, "P1", "H1", "M", 1500.0, 0.1, 0.05, 0.6);
  add_pipe(d, "P2", "H2", "M", 800.0, 0.08, 0.05, 0.0);
  add_pipe(d, "P3", "M", "L", 1200.0, 0.15, 0.05, 0.35);
  add_pressure_T(d, "H1", 3.0, 90.0);
  add_pressure_T(d, "H2", 2.6, 60.0);
  add_pressure_T(d, "L", 1.0, 20.0);
  Result r = solve(Network::build(d));
  REQUIRE(r.converged());
  const auto& q = r.dataset("pipes/mass_flow").data;
  REQUIRE(q[0] > 0);
  REQUIRE(q[1] > 0);
  CHECK(q[2] == Approx(q[0] + q[1]).epsilon(1e-9));
  const double t1 = outlet(90.0, 5.0, 0.6, 1500.0, q[0], kCp);
  const double t_mix = (q[0] * t1 + q[1] * 60.0) / (q[0] + q[1]);
  CHECK(r.dataset("nodes/temperature").data[2] == Approx(t_mix).margin(1e-9));
  CHECK(r.dataset("pipes/inlet_temperature").data[2] == Approx(t_mix).margin(1e-9));
  const double t3 = outlet(t_mix, 5.0, 0.35, 1200.0, q[2], kCp);
  CHECK(r.dataset("nodes/temperature").data[3] == Approx(t3).margin(1e-9));
  CHECK(r.summaries().back().energy_balance_rel <= 1e-6);
}

TEST_CASE("stagnant dead-end branch: finite temperatures towards ambient", "[thermal]") {
  for (bool water : {false, true}) {
    auto d = empty_network(water ? water_iapws() : constant_fluid(980.0, 4.0e-7, kCp));
    d.settings.ambient_temperature_C = 6.0;
    add_node(d, "H");
    add_node(d, "J");
    add_node(d, "L");
    add_node(d, "DEAD");
    add_pipe(d, "P1", "H", "J", 500.0, 0.1, 0.05, 0.3);
    add_pipe(d, "P2", "J", "L", 500.0, 0.1, 0.05, 0.3);
    add_pipe(d, "P3", "J", "DEAD", 300.0, 0.08, 0.05, 0.3);  // no demand at DEAD
    add_pressure_T(d, "H", 2.0, 80.0);
    add_pressure_T(d, "L", 1.0, 20.0);
    Result r = solve(Network::build(d));
    INFO("water " << water << "\n" << r.report().full());
    REQUIRE(r.converged());
    CHECK(std::abs(r.dataset("pipes/mass_flow").data[2]) < 1e-9);
    for (const char* path : {"nodes/temperature", "pipes/inlet_temperature",
                             "pipes/outlet_temperature", "pipes/heat_loss", "nodes/pressure"})
      CHECK(all_finite(r, path));
    const double t_j = r.dataset("nodes/temperature").data[1];
    const double t_dead = r.dataset("nodes/temperature").data[3];
    const double t_out = r.dataset("pipes/outlet_temperature").data[2];
    CHECK(t_dead >= 6.0 - 1e-9);
    CHECK(t_dead <= t_j + 1e-9);
    CHECK(t_out >= 6.0 - 1e-9);
    CHECK(t_out <= t_j + 1e-9);
    CHECK(r.dataset("pipes/heat_loss").data[2] == 0.0);
    CHECK(r.summaries().back().energy_balance_rel <= 1e-6);
  }
}
