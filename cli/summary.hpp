// The short human summary `heatnet solve` prints after a converged solve.
#pragma once
#include <ostream>

#include "heatnet/result.hpp"

namespace heatnet::cli {

void print_solve_summary(std::ostream& out, const Result& result);

// The tail of the iteration history (report.full()), for a solve that did not converge.
void print_failure_report(std::ostream& out, const SolveReport& report, int max_lines = 40);

}  // namespace heatnet::cli
