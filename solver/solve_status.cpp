#include "solver/solve_status.hpp"

namespace heatnet::solver {

SolveStatus status_of(LoopEnd end) {
  switch (end) {
    case LoopEnd::settled: return SolveStatus::converged;
    case LoopEnd::newton_unfinished: return SolveStatus::max_iterations;
    case LoopEnd::newton_failed:
    case LoopEnd::state_non_finite:
    case LoopEnd::sweep_failed: return SolveStatus::numerical_failure;
    case LoopEnd::outer_budget: return SolveStatus::outer_not_converged;
    case LoopEnd::impossible_design: return SolveStatus::invalid_solution;
  }
  return SolveStatus::numerical_failure;
}

void apply_invalid_causes(const std::vector<std::string>& causes, SolveReport& report) {
  if (causes.empty()) return;
  if (!report.usable()) {
    for (const auto& c : causes) report.message += "; " + c;
    return;
  }
  report.status = SolveStatus::invalid_solution;
  report.message.clear();
  for (const auto& c : causes) report.message += (report.message.empty() ? "" : "; ") + c;
}

}  // namespace heatnet::solver
