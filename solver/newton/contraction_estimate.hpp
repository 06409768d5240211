// Convergence by contraction estimate, shared by the hydraulic Newton solve and the coupled
// outer loop: a sequence whose last two changes each contracted by at most kMaxContraction
// counts as converged once the change still to come, bounded by the geometric series of the
// last contraction, is below its tolerance / kEstimateSafety. It saves the iteration that only
// shows the one before it had converged. The factor 3 covers irregular contractions
// (Anderson-mixed outer iterations: on the Oral 8,760 h run the flows a step ends at were at
// most 0.74 of the tolerance from where the strict test ended; factor 1: 1.9, 307 steps over;
// 2: 1.6, 4 over). Newton's own steps contract ever faster near the solution, so the linear
// bound is conservative there.
#pragma once

namespace heatnet::solver {

inline constexpr double kMaxContraction = 0.5;
inline constexpr double kEstimateSafety = 3.0;

// What a sequence contracting by r per iteration still changes after a change of `last`:
// at most last r / (1 - r) (geometric series).
inline double change_still_to_come(double last, double r) { return last * r / (1.0 - r); }

// Whether a sequence whose last change `last` contracted by r (last / the change before it),
// and the change before it by previous_r, is within `tolerance` of its limit.
inline bool settled_by_contraction(double last, double r, double previous_r, double tolerance) {
  if (!(r <= kMaxContraction && previous_r <= kMaxContraction)) return false;
  return change_still_to_come(last, r) <= tolerance / kEstimateSafety;
}

}  // namespace heatnet::solver
