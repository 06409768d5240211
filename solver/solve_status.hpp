// The one place a solve's status is decided (SolverEngine::solve): first from why its outer
// loop stopped, before the solution is built; then from what the solution builder found that
// makes a converged state no usable answer.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "heatnet/solve_report.hpp"

namespace heatnet::solver {

// Why the outer loop of a solve stopped.
enum class LoopEnd : std::uint8_t {
  settled,            // converged (an isothermal solve: its hydraulics converged)
  newton_unfinished,  // the hydraulic Newton ran out of iterations, not as a coupled step
  newton_failed,      // its pressure system was not positive definite, or its flows non-finite
  state_non_finite,   // an outer iteration left non-finite flows or pressures
  sweep_failed,       // the thermal sweep of an iterate failed (a singular flow cycle)
  outer_budget,       // max_outer_iterations without settling
  impossible_design,  // a dp_control plant needs a pressure beyond any plant (the builder names it)
};

SolveStatus status_of(LoopEnd end);

// What makes a state no usable answer. impossible_design: a pressure beyond any plant
// (kImpossiblePressurePa), which no iteration brings back; the others (a plant left running
// backwards) may be an unsettled iterate's.
struct InvalidCause {
  std::string text;
  bool impossible_design = false;
};

// A converged state with causes is invalid_solution, the causes its message. An outer loop
// that did not settle with an impossible design among its causes is invalid_solution too: no
// steady state exists, and not settling follows from that (its own message is kept after the
// causes). Any other failed solve gets the causes appended to its own cause.
void apply_invalid_causes(const std::vector<InvalidCause>& causes, SolveReport& report);

}  // namespace heatnet::solver
