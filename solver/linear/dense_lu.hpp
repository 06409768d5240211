// Dense LU factorisation with partial pivoting (Golub & Van Loan, Matrix Computations, 4th ed.,
// algorithm 3.4.1), for the small unsymmetric systems of the coupled Newton fallback
// (solver/coupling_fallback.cpp): a few hundred unknowns at most.
#pragma once
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace heatnet::solver {

// Solves A x = b in place (A: n x n, row-major, overwritten by its factors; b becomes x).
// Returns false where a pivot is zero or not finite (A singular to working precision).
inline bool dense_lu_solve(std::vector<double>& a, std::vector<double>& b) {
  const std::size_t n = b.size();
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t pivot = c;
    for (std::size_t r = c + 1; r < n; ++r)
      if (std::abs(a[r * n + c]) > std::abs(a[pivot * n + c])) pivot = r;
    const double d = a[pivot * n + c];
    if (!(std::abs(d) > 0.0) || !std::isfinite(d)) return false;
    if (pivot != c) {
      for (std::size_t j = 0; j < n; ++j) std::swap(a[c * n + j], a[pivot * n + j]);
      std::swap(b[c], b[pivot]);
    }
    for (std::size_t r = c + 1; r < n; ++r) {
      const double f = a[r * n + c] / d;
      if (f == 0.0) continue;
      for (std::size_t j = c + 1; j < n; ++j) a[r * n + j] -= f * a[c * n + j];
      b[r] -= f * b[c];
    }
  }
  for (std::size_t r = n; r-- > 0;) {
    double s = b[r];
    for (std::size_t j = r + 1; j < n; ++j) s -= a[r * n + j] * b[j];
    b[r] = s / a[r * n + r];
  }
  for (double v : b)
    if (!std::isfinite(v)) return false;
  return true;
}

}  // namespace heatnet::solver
