// ctest coupled_stop_by_estimate: a coupled solve stops once its temperatures are within the
// tolerance of the fixed point by the contraction estimate (SolverEngine::
// temperatures_settled_by_estimate), not only once a last change falls below it, and the
// temperatures it stops at are within the tolerance of a solve taken far tighter.
// The realistic 4,000-pipe network (seed 22) at 3e-8 K: the 4th outer iteration's change is
// 5.3e-8 K and the estimate stops there; the plain test takes a 5th. (Cold starts of realistic
// networks balance their loops and sweep the balanced start before the first Newton step,
// SolverEngine::predict_from_balanced_start; on most of them the flows or a last change below
// the tolerance decide the last iteration, so the network is one where the temperatures'
// estimate does. Seeds 3 and 6, this check's networks before, now stop on a change below it.)
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "generators.hpp"
#include "heatnet/solve.hpp"

using namespace heatnet;

namespace {

struct Run {
  bool usable = false;
  int outer = 0;
  double last_change_K = 0;
  std::vector<double> node_T;
};

Run solve_cold(const Network& net, double tol_T, double tol_flow) {
  SolverOptions options;
  options.tolerance_temperature_K = tol_T;
  options.tolerance_mass_flow_rel = tol_flow;
  Solver solver(options);
  const Solution s = solver.solve(net);
  return {solver.report().usable(), solver.report().outer_iterations, s.max_temperature_change_K,
          s.field(ElementGroup::nodes, "temperature")};
}

}  // namespace

int main() {
  const Network net = Network::build(bench::make_dh_network(bench::DhKind::realistic, 4000, 22));
  const double tol = 3e-8;
  const Run run = solve_cold(net, tol, 1e-9);
  const Run tight = solve_cold(net, 1e-11, 1e-12);
  double error = 0;
  for (std::size_t i = 0; i < run.node_T.size(); ++i)
    error = std::max(error, std::abs(run.node_T[i] - tight.node_T[i]));
  std::printf("at %g K: %d outer, last change %.3g K, error vs tight solve (%d outer) %.3g K\n",
              tol, run.outer, run.last_change_K, tight.outer, error);
  const bool stopped_by_estimate = run.usable && run.last_change_K > tol;
  const bool accurate = tight.usable && error <= tol;
  if (!stopped_by_estimate) std::printf("FAIL: did not stop on the estimate\n");
  if (!accurate) std::printf("FAIL: temperatures not within the tolerance of the tight solve\n");
  return stopped_by_estimate && accurate ? 0 : 1;
}
