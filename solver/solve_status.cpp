#include "solver/solve_status.hpp"

#include <algorithm>

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

void apply_invalid_causes(const std::vector<InvalidCause>& causes, SolveReport& report) {
  if (causes.empty()) return;
  const bool impossible = std::any_of(causes.begin(), causes.end(),
                                      [](const InvalidCause& c) { return c.impossible_design; });
  const bool unsettled = report.status == SolveStatus::outer_not_converged;
  if (!report.usable() && !(unsettled && impossible)) {
    for (const auto& c : causes) report.message += "; " + c.text;
    return;
  }
  const std::string loop_message = unsettled ? "; " + report.message : "";
  report.status = SolveStatus::invalid_solution;
  report.message.clear();
  for (const auto& c : causes) report.message += (report.message.empty() ? "" : "; ") + c.text;
  report.message += loop_message;
}

}  // namespace heatnet::solver
