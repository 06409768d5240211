// Anderson acceleration (type II, Walker & Ni, SIAM J. Numer. Anal. 49 (2011) 1715) of a
// fixed-point iteration x <- g(x). Used for the thermal-hydraulic outer loop, whose plain
// Picard iteration contracts slowly at low load (long transit times make supply temperatures
// sensitive to flows): x_{k+1} = g_k - dG gamma, gamma = argmin |f_k - dF gamma|, f = g - x.
// Depth m is small (3), so the least-squares problem is an m x m normal-equation solve.
#pragma once
#include <vector>

namespace heatnet::solver {

class AndersonMixer {
 public:
  // beta: mixing (damping) factor of the residual; 1 = undamped.
  explicit AndersonMixer(int depth = 3, double beta = 1.0) : depth_(depth), beta_(beta) {}
  void reset() { count_ = 0; }
  void set_beta(double beta) { beta_ = beta; }
  // reset() and give the history's memory back (between solves: (depth + 1) * 2 vectors)
  void release() {
    reset();
    f_hist_ = {};
    g_hist_ = {};
  }
  // Given the last input x and output g = G(x), writes the next input into x.
  void next(std::vector<double>& x, const std::vector<double>& g);

 private:
  int depth_;
  double beta_;
  int count_ = 0;            // iterates stored (<= depth + 1)
  double last_residual_ = 0;
  std::vector<std::vector<double>> f_hist_, g_hist_;  // ring buffers of f and g
  int head_ = 0;
};

}  // namespace heatnet::solver
