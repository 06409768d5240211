// Entry points of the solver.
//
//   heatnet::Network net = heatnet::Network::build(definition);
//   heatnet::Solver solver;                  // caches symbolic analysis and the last state
//   heatnet::Solution s = solver.solve(net); // check solver.report().usable()
//   net.set_consumer_heat_demand(3, 2.0e6);  // same topology
//   s = solver.solve(net);                   // no symbolic re-analysis, warm start
#pragma once
#include <memory>

#include "heatnet/network.hpp"
#include "heatnet/result.hpp"
#include "heatnet/solve_report.hpp"
#include "heatnet/solver_options.hpp"

namespace heatnet {

class SolverEngine;  // solver/ internal

class Solver {
 public:
  explicit Solver(SolverOptions options = {});
  ~Solver();
  Solver(Solver&&) noexcept;
  Solver& operator=(Solver&&) noexcept;

  const SolverOptions& options() const { return options_; }
  void set_options(SolverOptions options);

  // Solves one steady state. Never throws for non-convergence (see report()); throws
  // NetworkError when the network cannot be solved at all (e.g. temperature out of range).
  Solution solve(const Network& network);
  // The same into `out`, reusing its storage (a time series: no allocation per step).
  void solve(const Network& network, Solution& out);
  const SolveReport& report() const { return report_; }

  // Forget the warm-start state (the symbolic analysis stays cached for the topology).
  void reset_state();

 private:
  SolverOptions options_;
  SolveReport report_;
  std::unique_ptr<SolverEngine> engine_;
};

// One steady solve into a Result (one time step).
Result solve(const Network& network, const SolverOptions& options = {});

}  // namespace heatnet
