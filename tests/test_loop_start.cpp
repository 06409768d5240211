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
