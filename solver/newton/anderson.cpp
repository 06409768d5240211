#include "solver/newton/anderson.hpp"

#include <algorithm>
#include <cmath>

namespace heatnet::solver {
namespace {
// Anderson residuals are not monotone; only a clear blow-up restarts the history.
constexpr double kRestartGrowth = 4.0;
}  // namespace

void AndersonMixer::next(std::vector<double>& x, const std::vector<double>& g) {
  const std::size_t n = x.size();
  const int slots = depth_ + 1;
  if (static_cast<int>(f_hist_.size()) != slots || (!f_hist_.empty() && f_hist_[0].size() != n)) {
    f_hist_.assign(slots, std::vector<double>(n));
    g_hist_.assign(slots, std::vector<double>(n));
    count_ = 0;
  }
  double residual = 0;
  for (std::size_t i = 0; i < n; ++i) residual = std::max(residual, std::abs(g[i] - x[i]));
  // Safeguard: if the residual grew, the extrapolation is not helping: restart from Picard.
  if (count_ > 0 && residual > kRestartGrowth * last_residual_) count_ = 0;
  last_residual_ = residual;
  head_ = count_ == 0 ? 0 : (head_ + 1) % slots;
  for (std::size_t i = 0; i < n; ++i) {
    f_hist_[head_][i] = g[i] - x[i];
    g_hist_[head_][i] = g[i];
  }
  count_ = std::min(count_ + 1, slots);
  const int h = count_ - 1;  // number of differences available
  if (h == 0) {
    for (std::size_t i = 0; i < n; ++i) x[i] += beta_ * (g[i] - x[i]);
    return;
  }
  // differences between consecutive stored iterates, newest last
  auto slot = [&](int back) { return (head_ - back + slots) % slots; };
  double a[8][8] = {}, b[8] = {};
  for (int p = 0; p < h; ++p) {
    const auto& f1 = f_hist_[slot(h - p - 1)];
    const auto& f0 = f_hist_[slot(h - p)];
    for (int q = 0; q <= p; ++q) {
      const auto& e1 = f_hist_[slot(h - q - 1)];
      const auto& e0 = f_hist_[slot(h - q)];
      double s = 0;
      for (std::size_t i = 0; i < n; ++i) s += (f1[i] - f0[i]) * (e1[i] - e0[i]);
      a[p][q] = a[q][p] = s;
    }
    double s = 0;
    const auto& fk = f_hist_[head_];
    for (std::size_t i = 0; i < n; ++i) s += (f1[i] - f0[i]) * fk[i];
    b[p] = s;
  }
  double trace = 0;
  for (int p = 0; p < h; ++p) trace += a[p][p];
  if (!(trace > 0)) {
    x = g;
    return;
  }
  for (int p = 0; p < h; ++p) a[p][p] += 1e-10 * trace;  // Tikhonov: keeps the solve stable
  // Cholesky-free Gaussian elimination on the tiny SPD system
  for (int c = 0; c < h; ++c)
    for (int r = c + 1; r < h; ++r) {
      const double f = a[r][c] / a[c][c];
      for (int j = c; j < h; ++j) a[r][j] -= f * a[c][j];
      b[r] -= f * b[c];
    }
  double gamma[8];
  for (int r = h - 1; r >= 0; --r) {
    double s = b[r];
    for (int j = r + 1; j < h; ++j) s -= a[r][j] * gamma[j];
    gamma[r] = s / a[r][r];
  }
  // x_next = (x_k - dX gamma) + beta (f_k - dF gamma) = (g_k - dG gamma) - (1 - beta) fbar
  const auto& fk = f_hist_[head_];
  for (std::size_t i = 0; i < n; ++i) {
    double gi = g[i], fbar = fk[i];
    for (int p = 0; p < h; ++p) {
      const int s1 = slot(h - p - 1), s0 = slot(h - p);
      gi -= gamma[p] * (g_hist_[s1][i] - g_hist_[s0][i]);
      fbar -= gamma[p] * (f_hist_[s1][i] - f_hist_[s0][i]);
    }
    x[i] = gi - (1.0 - beta_) * fbar;
  }
}

}  // namespace heatnet::solver
