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
  options_ = std::move(options);
}

// A failed solve leaves nothing behind that changes the next one: its engine (warm starts,
// Colebrook roots, thermal plan, symbolic analysis) goes, and the next solve starts as a fresh
// Solver's would.
Solution Solver::solve(const Network& network) {
  Solution s;
  solve(network, s);
  return s;
}

void Solver::solve(const Network& network, Solution& out) {
  if (!engine_) engine_ = std::make_unique<SolverEngine>();
  try {
    engine_->solve(network, options_, report_, out);
    if (!report_.usable()) engine_.reset();
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
    // One solve: the engine frees its matrices, factorisation and thermal plan before it
    // allocates the solution's fields, and the rest before the result is assembled.
    SolverEngine engine;
    engine.set_single_solve();
    s = engine.solve(network, options, report);
  }
  Result result(network);
  result.append(0.0, std::move(s), report);
  result.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace heatnet
