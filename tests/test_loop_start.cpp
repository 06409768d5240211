// The loop start of a cold hydraulic solve (solver/newton/loop_start.cpp): on a mostly
// tree-shaped network the loops' flows are balanced before the first Newton step. The
// reference split is computed here by bisection on the independent pipe law of
// tests/reference_hydraulics.hpp (Colebrook by fixed-point iteration), never by the solver.
#include <catch2/catch.hpp>
#include <string>

#include "heatnet/solve.hpp"
#include "tests/network_builders.hpp"
#include "tests/reference_hydraulics.hpp"

using namespace heatnet;
using namespace heatnet::testing;

TEST_CASE("a main split into two parallel pipes starts at the split of equal pressure drops",
          "[loop_start]") {
  // S0 (3 bar) - S1 = two parallel pipes (400 m, 1600 m) = S2 - a 28-pipe main drawing
  // 3 x 20 kg/s: one loop in 31 pipes, a mostly tree-shaped network
  auto d = empty_network();
  for (int i = 0; i <= 30; ++i)
    add_node(d, "S" + std::to_string(i), 0.0, i % 10 == 0 && i > 0 ? 20.0 : 0.0);
  add_pressure(d, "S0", 3.0);
  add_pipe(d, "P0", "S0", "S1", 200.0, 0.3, 0.1);
  add_pipe(d, "PA", "S1", "S2", 400.0, 0.25, 0.1);
  add_pipe(d, "PB", "S1", "S2", 1600.0, 0.25, 0.1);
  for (int i = 2; i < 30; ++i)
    add_pipe(d, "P" + std::to_string(i), "S" + std::to_string(i), "S" + std::to_string(i + 1),
             100.0, 0.3, 0.1);
  const double total = 60.0;
  // the split: PA's flow where both pipes lose the same pressure
  double lo = 0, hi = total;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    const double excess = pipe_dp(mid, 400.0, 0.25, 0.1, d.settings.fluid) -
                          pipe_dp(total - mid, 1600.0, 0.25, 0.1, d.settings.fluid);
    (excess < 0 ? lo : hi) = mid;
  }
  const double split = 0.5 * (lo + hi);
  REQUIRE(split > 0.6 * total);  // far from the nominal 0.3 m/s start (14.7 kg/s a pipe)

  SolverOptions options;
  options.thermal = false;
  Solver solver(options);
  const Network net = Network::build(d);
  const Solution s = solver.solve(net);
  REQUIRE(solver.report().usable());
  CHECK(s.field(ElementGroup::pipes, "mass_flow")[net.pipe_index("PA")] ==
        Approx(split).epsilon(1e-9));
  // the first Newton step starts at the balanced loop (the nominal start takes 4): one step
  // leaves a change of ~1e-7, the second confirms it
  CHECK(solver.report().iterations <= 2);
  // ... so a single Newton step already has the split (from the nominal start: 0.7 % off)
  options.max_iterations = 1;
  Solver one_step(options);
  const Solution first = one_step.solve(net);
  CHECK(first.field(ElementGroup::pipes, "mass_flow")[net.pipe_index("PA")] ==
        Approx(split).epsilon(1e-6));
}

namespace {
// A supply main of 24 pipes whose second pipe is two parallel pipes (a ring), the return main
// its twin, consumers of 300 kW at every fourth node (return at 45 degC) and a fixed_dp plant
// at 90 degC: two loops in 50 pipes, a mostly tree-shaped network. Lossy pipes (0.6 W/mK)
// and ambient 5 degC, so the supply temperatures and with them the consumers' flows move off
// the start's (every node at the plant's 90 degC).
NetworkDefinition coupled_main_with_ring() {
  auto d = empty_network(constant_fluid(971.8, 3.6e-7, 4186.0));
  d.settings.ambient_temperature_C = 5.0;
  for (int i = 0; i <= 24; ++i) {
    add_node(d, "S" + std::to_string(i));
    add_node(d, "R" + std::to_string(i));
  }
  auto twin = [&](const std::string& id, int a, int b, double length, double dia) {
    add_pipe(d, "S" + id, "S" + std::to_string(a), "S" + std::to_string(b), length, dia, 0.05, 0.6);
    add_pipe(d, "R" + id, "R" + std::to_string(b), "R" + std::to_string(a), length, dia, 0.05, 0.6);
  };
  twin("P0", 0, 1, 200.0, 0.2);
  twin("PA", 1, 2, 400.0, 0.15);
  twin("PB", 1, 2, 1600.0, 0.15);
  for (int i = 2; i < 24; ++i) twin("P" + std::to_string(i), i, i + 1, 150.0, 0.15);
  for (int i = 4; i <= 24; i += 4)
    add_consumer_kW(d, "C" + std::to_string(i), "S" + std::to_string(i), "R" + std::to_string(i),
                    300.0, 45.0);
  add_source_dp(d, "PLANT", "S0", "R0", 90.0, 2.0, 3.0);
  return d;
}
}  // namespace

TEST_CASE("a coupled cold start sweeps its balanced loops before the first Newton step",
          "[loop_start]") {
  const NetworkDefinition d = coupled_main_with_ring();
  const Network net = Network::build(d);
  Solver fresh;
  const Solution s = fresh.solve(net);
  REQUIRE(fresh.report().usable());
  // every consumer delivers its heat at the temperatures solved: m cp (T_supply - T_return)
  const auto& flow = s.field(ElementGroup::consumers, "mass_flow");
  const auto& heat = s.field(ElementGroup::consumers, "heat");
  const auto& supply_T = s.field(ElementGroup::consumers, "supply_temperature");
  for (std::size_t i = 0; i < flow.size(); ++i) {
    CHECK(heat[i] == Approx(300e3).epsilon(1e-9));
    CHECK(flow[i] * 4186.0 * (supply_T[i] - 45.0) == Approx(300e3).epsilon(1e-6));
  }
  CHECK(supply_T.back() < 89.0);  // the losses moved the flows off the start's
  // The start is the hydraulics at 90 degC: with the coupling predicted from its sweep, the
  // first outer iteration's Newton step carries the flows' change (from the nominal start,
  // or with that step spent confirming the start, one outer iteration more)
  CHECK(fresh.report().outer_iterations <= 4);
  // A reused Solver's cold start (warm_start off) is a fresh one's, bit for bit: nothing of the
  // last solve's Newton system (a factor at other flows: every demand tripled) takes part in
  // the prediction from the start. (Swamee-Jain here: Colebrook's roots start from the last
  // solve's, which moves the last bits.)
  SolverOptions explicit_friction;
  explicit_friction.friction = FrictionModel::swamee_jain;
  Network changed = Network::build(d);
  const Solution reference = Solver(explicit_friction).solve(changed);
  SolverOptions cold = explicit_friction;
  cold.warm_start = false;
  Solver reused(cold);
  for (int c = 0; c < changed.consumer_count(); ++c) changed.set_consumer_heat_demand(c, 900e3);
  reused.solve(changed);
  REQUIRE(reused.report().usable());
  for (int c = 0; c < changed.consumer_count(); ++c) changed.set_consumer_heat_demand(c, 300e3);
  const Solution again = reused.solve(changed);
  REQUIRE(reused.report().symbolic_reused);
  CHECK(again.field(ElementGroup::nodes, "temperature") ==
        reference.field(ElementGroup::nodes, "temperature"));
  CHECK(again.field(ElementGroup::pipes, "mass_flow") ==
        reference.field(ElementGroup::pipes, "mass_flow"));
}
