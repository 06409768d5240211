// A pressure-reducing valve feeding a looped zone that a second reservoir also feeds: the
// valve's flow depends on how the zone's flows settle, so it changes from one Newton step to
// the next. The solved state is checked against the model's equations evaluated here on their
// own (the Hazen-Williams law with EPANET's 4.727 ft-cfs constant, node balances, the valve's
// set point), and the step count against what Newton on the valve's own flow needs
// (hydraulic_valve_coupling.cpp): with the valve's flow a known flow from the last step at
// its upstream node, its upstream pipe lagged one step behind and each variant took one step
// more (6/7/7 at tolerance 1e-9 without the coupling, 5/6/6 with it).
#include <catch2/catch.hpp>
#include <array>
#include <cmath>

#include "heatnet/solve.hpp"
#include "tests/network_builders.hpp"
#include "tests/reference_hydraulics.hpp"

using namespace heatnet;
using namespace heatnet::testing;

TEST_CASE("a PRV feeding a looped zone: flows on their laws, set point held, Newton on the "
          "valve's flow", "[hydraulics][valves]") {
  const double rho = 1000.0, g = 9.80665, c_hw = 120.0;
  struct Pipe { const char *id, *from, *to; double length, diameter; };
  const std::array<Pipe, 6> pipes = {{{"1", "R1", "A", 800, 0.2},
                                      {"2", "B", "C", 500, 0.15},
                                      {"3", "C", "D", 400, 0.1},
                                      {"4", "B", "E", 600, 0.15},
                                      {"5", "E", "D", 300, 0.1},
                                      {"6", "R2", "D", 900, 0.1}}};
  // The flow (kg/s) a pressure drop dp (Pa) drives through pipe p by Hazen-Williams.
  auto law_flow = [&](double dp, const Pipe& p) {
    const double r = hazen_williams_resistance(p.length, p.diameter, c_hw);
    return rho * std::copysign(std::pow(std::abs(dp) / (rho * g * r), 1.0 / 1.852), dp);
  };
  const std::array<double, 3> second_feed_bar = {2.2, 2.5, 2.8};
  const std::array<int, 3> most_steps = {5, 6, 6};
  for (int v = 0; v < 3; ++v) {
    INFO("second reservoir at " << second_feed_bar[v] << " bar");
    auto d = empty_network(constant_fluid(rho, 1e-6, 4186.0));
    d.settings.friction = FrictionModel::hazen_williams;
    REQUIRE(d.settings.tolerance_mass_flow_rel == 1e-9);  // heatnet's default
    add_node(d, "R1");
    add_node(d, "A");
    add_node(d, "B");
    add_node(d, "C", 0.0, 8.0);
    add_node(d, "D", 0.0, 6.0);
    add_node(d, "E", 0.0, 4.0);
    add_node(d, "R2");
    for (const Pipe& p : pipes) {
      add_pipe(d, p.id, p.from, p.to, p.length, p.diameter, 0.1);
      d.pipes.back().hazen_williams_c = c_hw;
    }
    add_valve(d, "V", "A", "B", ValveType::prv);
    d.valves.back().setting_bar = 2.0;
    add_pressure(d, "R1", 5.0);
    add_pressure(d, "R2", second_feed_bar[v]);

    Result r = solve(Network::build(d));
    REQUIRE(r.converged());
    INFO(r.report().iterations << " Newton iterations");
    CHECK(r.report().iterations <= most_steps[v]);
    const auto& q = r.dataset("pipes/mass_flow").data;
    const auto& p = r.dataset("nodes/pressure").data;
    const double valve_flow = r.dataset("valves/mass_flow").data[0];
    // node order: R1 A B C D E R2
    auto pressure = [&](const char* id) { return p[index_of(r.ids(ElementGroup::nodes), id)]; };
    const double resolved = 1e-8 * 18.0;  // ten times the flow change the test resolves
    // the valve holds its downstream node at the set point and passes what feeds it
    CHECK(pressure("B") == Approx(2e5).margin(1e-3));
    CHECK(pressure("A") > pressure("B"));
    CHECK(valve_flow == Approx(q[0]).margin(resolved));
    CHECK(valve_flow + q[5] == Approx(18.0).margin(resolved));
    // every pipe carries the flow its pressure drop drives
    for (std::size_t k = 0; k < pipes.size(); ++k) {
      INFO("pipe " << pipes[k].id);
      const double dp = pressure(pipes[k].from) - pressure(pipes[k].to);
      CHECK(q[k] == Approx(law_flow(dp, pipes[k])).margin(resolved));
    }
    const auto imb = node_imbalance(d, r);
    for (std::size_t i = 0; i < d.nodes.size(); ++i)
      if (!is_boundary_node(d, d.nodes[i].id)) CHECK(std::abs(imb[i]) <= 1e-12);
  }
}
