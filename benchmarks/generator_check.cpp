// ctest realistic_two_plants_supplied: the realistic benchmark network with its second plant is a
// designed network, every consumer supplied. PLANT1 must hold its dp at the worst-supplied
// building (generators.cpp): on 3e5 pipes, seed 2, holding it at the building farthest from
// PLANT1 alone (next to PLANT2) left 12 consumers valve-limited at ~20 Pa, and that network
// took 17 outer iterations instead of 8.
#include <cstdio>
#include <string>

#include "generators.hpp"
#include "heatnet/solve.hpp"

using namespace heatnet;

int main() {
  const Network net = Network::build(bench::make_dh_network(bench::DhKind::realistic, 300000, 2));
  Solver solver;
  const Solution solution = solver.solve(net);
  int failed = 0;
  for (const CheckRecord& c : solution.checks) {
    if (c.check != "under_supplied" && c.check != "consumer_dp") continue;
    if (failed++ < 5)
      std::printf("consumer %s: %s %g (limit %g)\n", c.element_id.c_str(), c.check.c_str(), c.value,
                  c.limit);
  }
  std::printf("%d consumer check(s) failed; %d outer iterations\n", failed,
              solver.report().outer_iterations);
  return failed == 0 ? 0 : 1;
}
