#include "solver/linear/simplicial_ldl.hpp"

#include <algorithm>
#include <cmath>

namespace heatnet::linear {

void SimplicialLdl::analyse(const SparseMatrix& upper) {
  n_ = static_cast<int>(upper.rows());
  const int n = n_;
  const int* ap = upper.outerIndexPtr();
  const int* ai = upper.innerIndexPtr();
  parent_.assign(n, -1);
  std::vector<int> count(n, 0), flag(n, -1), stack(n);
  // Row k of L has a nonzero in column i for every node on the tree path from each i < k of
  // A's column k up to k; the path's nodes have their parents already (set when first
  // reached), so one walk per row finds the tree, counts the columns and lists the row's
  // pattern in topological order (a node before its tree ancestors, so its y is final when
  // used).
  row_start_.assign(n + 1, 0);
  row_col_.clear();
  row_col_.reserve(static_cast<std::size_t>(ap[n]));
  for (int k = 0; k < n; ++k) {
    flag[k] = k;
    int top = n;
    for (int p = ap[k]; p < ap[k + 1]; ++p) {
      int len = 0;
      for (int i = ai[p]; i < k && flag[i] != k; i = parent_[i]) {
        if (parent_[i] == -1) parent_[i] = k;
        stack[len++] = i;
        flag[i] = k;
      }
      while (len > 0) stack[--top] = stack[--len];
    }
    for (; top < n; ++top) {
      row_col_.push_back(stack[top]);
      ++count[stack[top]];
    }
    row_start_[k + 1] = static_cast<int>(row_col_.size());
  }
  lp_.assign(n + 1, 0);
  lnz_ = n;
  flops_ = 0;
  for (int k = 0; k < n; ++k) {
    lp_[k + 1] = lp_[k] + count[k];
    const double column = count[k] + 1.0;  // with the diagonal
    flops_ += column * column;
    lnz_ += count[k];
  }
  // Where each entry of row k goes in its column of L: column i receives its rows in
  // increasing order, so the entries above row k are lp_[i] .. pos - 1.
  const int nnz = lp_[n];
  li_.assign(nnz, 0);
  lx_.assign(nnz, 0.0);
  row_pos_.assign(nnz, 0);
  std::vector<int>& fill = count;
  std::copy(lp_.begin(), lp_.end() - 1, fill.begin());
  for (int k = 0; k < n; ++k)
    for (int t = row_start_[k]; t < row_start_[k + 1]; ++t) {
      const int i = row_col_[t];
      row_pos_[t] = fill[i];
      li_[fill[i]++] = k;
    }
  d_.assign(n, 0.0);
  y_.assign(n, 0.0);
  block_start_.clear();
}

// lower_solve's grouping of the columns (the pattern's alone), walked once per analysis so
// that a solve may start at the block of its right side's first nonzero.
void SimplicialLdl::find_block_starts() const {
  const int n = n_;
  const int* lp = lp_.data();
  const int* li = li_.data();
  auto count = [&](int j) { return lp[j + 1] - lp[j]; };
  block_start_.assign(n, 0);
  for (int j = 0; j < n;) {
    const int p = lp[j], c = lp[j + 1] - p;
    int size = 3;
    if (c < 3 || c != count(j + 1) + 1 || li[p] != j + 1)
      size = 1;
    else if (c != count(j + 2) + 2 || li[p + 1] != j + 2)
      size = 2;
    for (int k = j; k < j + size; ++k) block_start_[k] = j;
    j += size;
  }
}

bool SimplicialLdl::factorise(const SparseMatrix& upper) {
  const int n = n_;
  const int* ap = upper.outerIndexPtr();
  const int* ai = upper.innerIndexPtr();
  const double* ax = upper.valuePtr();
  const int* lp = lp_.data();
  const int* li = li_.data();
  const int* row_start = row_start_.data();
  const int* row_col = row_col_.data();
  const int* row_pos = row_pos_.data();
  double* lx = lx_.data();
  double* d = d_.data();
  double* y = y_.data();  // all zero between rows
  for (int k = 0; k < n; ++k) {
    for (int p = ap[k]; p < ap[k + 1]; ++p)  // y = A(0:k, k) (each entry once in a column)
      if (ai[p] <= k) y[ai[p]] = ax[p];
    // L(k, :) by a sparse triangular solve along row k's pattern, D(k) from what is left
    double dk = y[k];
    y[k] = 0.0;
    for (int t = row_start[k]; t < row_start[k + 1]; ++t) {
      const int i = row_col[t], pos = row_pos[t];
      const double yi = y[i];
      y[i] = 0.0;
      for (int p = lp[i]; p < pos; ++p) y[li[p]] -= lx[p] * yi;
      const double lki = yi / d[i];
      dk -= lki * yi;
      lx[pos] = lki;
    }
    if (dk == 0.0 || !std::isfinite(dk)) return false;
    d[k] = dk;
  }
  return true;
}

// The solves visit L in the same order and group the same operations as CHOLMOD's
// simplicial LDL^T solve (cholmod_solve, CHOLMOD_A: L, then D and L^T together, columns that
// form a chain of 2 or 3 handled as one): the factor is already CHOLMOD's to the bit (the same
// up-looking row recurrence), so the solution is too, and replacing CHOLMOD on these systems
// changes no result. Chains: column j's first off-diagonal is row j+1 and column j+1 holds
// exactly column j's rows below j+1 (only for columns with >= 3 off-diagonal entries).
void SimplicialLdl::solve(const Eigen::VectorXd& b, Eigen::VectorXd& out) const {
  if (&out != &b) out = b;  // (solved in place when they are the same vector)
  double* const x[1] = {out.data()};
  lower_solve<1>(x);
  diagonal_transpose_solve<1>(x);
}

// The lower solves stay apart: a dp column's is mostly skipped zeros, which a shared pass
// would have to test column by column (measured: more instructions than two passes).
void SimplicialLdl::solve_pair(Eigen::VectorXd& x0, Eigen::VectorXd& x1) const {
  double* const first[1] = {x0.data()};
  double* const second[1] = {x1.data()};
  lower_solve<1>(first);
  lower_solve<1>(second);
  double* const both[2] = {x0.data(), x1.data()};
  diagonal_transpose_solve<2>(both);
}

template <int K>
void SimplicialLdl::lower_solve(double* const (&x)[K]) const {  // L y = b (unit diagonal)
  const int n = n_;
  const int* lp = lp_.data();
  const int* li = li_.data();
  const double* lx = lx_.data();
  auto count = [&](int j) { return lp[j + 1] - lp[j]; };
  // Columns before the right sides' first nonzero change nothing (their blocks leave zeros
  // zero), so the walk starts at that nonzero's block: a dp plant's column has its few
  // entries near the root (realistic 1e5: from row 99,993 of 100,018).
  int first = n;
  for (int r = 0; r < K; ++r) {
    int j = 0;
    while (j < first && x[r][j] == 0.0) ++j;
    first = j;
  }
  if (first == n) return;
  if (first > 0 && block_start_.empty()) find_block_starts();
  for (int j = first > 0 ? block_start_[first] : 0; j < n;) {
    const int p = lp[j], end = lp[j + 1], c = end - p;
    if (c < 3 || c != count(j + 1) + 1 || li[p] != j + 1) {
      // a zero changes nothing below it (a right side with few nonzeros, such as a dp
      // plant's column, leaves most of x zero until its path to the root)
      double y[K];
      int nonzero = 0;
      for (int r = 0; r < K; ++r) {
        y[r] = x[r][j];
        nonzero += y[r] != 0.0;
      }
      if (nonzero == K) {
        for (int q = p; q < end; ++q)
          for (int r = 0; r < K; ++r) x[r][li[q]] -= lx[q] * y[r];
      } else if (nonzero > 0) {
        for (int r = 0; r < K; ++r)
          if (y[r] != 0.0)
            for (int q = p; q < end; ++q) x[r][li[q]] -= lx[q] * y[r];
      }
      j += 1;
    } else if (c != count(j + 2) + 2 || li[p + 1] != j + 2) {
      double y0[K], y1[K];
      for (int r = 0; r < K; ++r) {
        y0[r] = x[r][j];
        y1[r] = x[r][j + 1] - lx[p] * y0[r];
        x[r][j + 1] = y1[r];
      }
      for (int q = p + 1, s = lp[j + 1]; q < end; ++q, ++s)
        for (int r = 0; r < K; ++r) x[r][li[q]] -= lx[q] * y0[r] + lx[s] * y1[r];
      j += 2;
    } else {
      const int p1 = lp[j + 1], p2 = lp[j + 2];
      double y0[K], y1[K], y2[K];
      for (int r = 0; r < K; ++r) {
        y0[r] = x[r][j];
        y1[r] = x[r][j + 1] - lx[p] * y0[r];
        y2[r] = x[r][j + 2] - lx[p + 1] * y0[r] - lx[p1] * y1[r];
        x[r][j + 1] = y1[r];
        x[r][j + 2] = y2[r];
      }
      for (int q = p + 2, s = p1 + 1, u = p2; q < end; ++q, ++s, ++u)
        for (int r = 0; r < K; ++r)
          x[r][li[q]] -= lx[q] * y0[r] + lx[s] * y1[r] + lx[u] * y2[r];
      j += 3;
    }
  }
}

template <int K>
void SimplicialLdl::diagonal_transpose_solve(double* const (&x)[K]) const {  // D L^T x = y
  const int* lp = lp_.data();
  const int* li = li_.data();
  const double* lx = lx_.data();
  const double* d = d_.data();
  auto count = [&](int j) { return lp[j + 1] - lp[j]; };
  for (int j = n_ - 1; j >= 0;) {
    const int p = lp[j], end = lp[j + 1], c = end - p;
    if (j < 4 || c != count(j - 1) - 1 || li[lp[j - 1]] != j) {
      double y[K];
      for (int r = 0; r < K; ++r) y[r] = x[r][j] / d[j];
      for (int q = p; q < end; ++q)
        for (int r = 0; r < K; ++r) y[r] -= lx[q] * x[r][li[q]];
      for (int r = 0; r < K; ++r) x[r][j] = y[r];
      j -= 1;
    } else if (c != count(j - 2) - 2 || li[lp[j - 2] + 1] != j) {
      const double t = lx[lp[j - 1]];
      double y0[K], y1[K];
      for (int r = 0; r < K; ++r) {
        y0[r] = x[r][j] / d[j];
        y1[r] = x[r][j - 1] / d[j - 1];
      }
      for (int q = p, s = lp[j - 1] + 1; q < end; ++q, ++s) {
        const int i = li[q];
        for (int r = 0; r < K; ++r) {
          y0[r] -= lx[q] * x[r][i];
          y1[r] -= lx[s] * x[r][i];
        }
      }
      for (int r = 0; r < K; ++r) {
        y1[r] -= t * y0[r];
        x[r][j] = y0[r];
        x[r][j - 1] = y1[r];
      }
      j -= 2;
    } else {
      const int p1 = lp[j - 1], p2 = lp[j - 2];
      const double t0 = lx[p1], t1 = lx[p2], t2 = lx[p2 + 1];
      double y0[K], y1[K], y2[K];
      for (int r = 0; r < K; ++r) {
        y0[r] = x[r][j] / d[j];
        y1[r] = x[r][j - 1] / d[j - 1];
        y2[r] = x[r][j - 2] / d[j - 2];
      }
      for (int q = p, s = p1 + 1, u = p2 + 2; q < end; ++q, ++s, ++u) {
        const int i = li[q];
        for (int r = 0; r < K; ++r) {
          y0[r] -= lx[q] * x[r][i];
          y1[r] -= lx[s] * x[r][i];
          y2[r] -= lx[u] * x[r][i];
        }
      }
      for (int r = 0; r < K; ++r) {
        y1[r] -= t0 * y0[r];
        y2[r] -= t2 * y0[r] + t1 * y1[r];
        x[r][j - 2] = y2[r];
        x[r][j - 1] = y1[r];
        x[r][j] = y0[r];
      }
      j -= 3;
    }
  }
}

}  // namespace heatnet::linear
