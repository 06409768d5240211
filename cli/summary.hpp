// The short human summary `heatnet solve` prints after a converged solve.
#pragma once
#include <ostream>
#include <string_view>
#include <utility>
#include <vector>

#include "heatnet/result.hpp"

namespace heatnet::cli {

void print_solve_summary(std::ostream& out, const Result& result);

// The tail of the iteration history (report.full()), for a solve that did not converge.
void print_failure_report(std::ostream& out, const SolveReport& report, int max_lines = 40);

// One line "timings: read 412.031 ms, build 101.250 ms, ..." (`--timings`): where a run's wall
// time went.
void print_timings(std::ostream& out,
                   const std::vector<std::pair<std::string_view, double>>& phases_s);

}  // namespace heatnet::cli
