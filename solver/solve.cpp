// Public entry points: Solver (keeps the engine, its symbolic analysis and warm-start state)
// and the one-shot heatnet::solve.
#include "heatnet/solve.hpp"

#include <chrono>

#include "solver/engine.hpp"

namespace heatnet {

Solver::Solver(SolverOptions options) : options_(std::move(options)) {
  options_.validate();
}
Solver::~Solver() = default;
Solver::Solver(Solver&&) noexcept = default;
Solver& Solver::operator=(Solver&&) noexcept = default;

void Solver::set_options(SolverOptions options) {
  options.validate();
  options_ = std::move(options);
}

// A failed solve leaves nothing behind that changes the next one: its engine (warm starts,
// Colebrook roots, thermal plan, symbolic analysis) goes, and the next solve starts as a fresh
// Solver's would.
Solution Solver::solve(const Network& network) {
  if (!engine_) engine_ = std::make_unique<SolverEngine>();
  try {
    Solution s = engine_->solve(network, options_, report_);
    if (!report_.usable()) engine_.reset();
    return s;
  } catch (...) {
    engine_.reset();
    throw;
  }
}

void Solver::reset_state() {
  if (engine_) engine_->reset_state();
}

Result solve(const Network& network, const SolverOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  Solution s;
  SolveReport report;
  {
    Solver solver(options);
    s = solver.solve(network);
    report = solver.report();
  }  // the solver's matrices and factorisation are freed before the result is assembled
  Result result(network);
  result.append(0.0, std::move(s), report);
  result.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace heatnet
