#include "solver/linear/simplicial_ldl.hpp"

#include <cmath>

namespace heatnet::linear {

void SimplicialLdl::analyse(const SparseMatrix& upper) {
  n_ = static_cast<int>(upper.rows());
  const int n = n_;
  const int* ap = upper.outerIndexPtr();
  const int* ai = upper.innerIndexPtr();
  parent_.assign(n, -1);
  std::vector<int> count(n, 0), flag(n, -1);
  // Row k of L has a nonzero in column i for every node on the tree path from each i < k of
  // A's column k up to k: walking it once per row finds the tree and counts the columns.
  for (int k = 0; k < n; ++k) {
    flag[k] = k;
    for (int p = ap[k]; p < ap[k + 1]; ++p)
      for (int i = ai[p]; i < k && flag[i] != k; i = parent_[i]) {
        if (parent_[i] == -1) parent_[i] = k;
        ++count[i];
        flag[i] = k;
      }
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
  // Second walk: each row's pattern in topological order (a node before its tree ancestors,
  // so its y is final when used) and where each entry goes in its column of L. Column i
  // receives its rows in increasing order, so the entries above row k are lp_[i] .. pos - 1.
  const int nnz = lp_[n];
  li_.assign(nnz, 0);
  lx_.assign(nnz, 0.0);
  row_start_.assign(n + 1, 0);
  row_col_.assign(nnz, 0);
  row_pos_.assign(nnz, 0);
  std::vector<int> fill(lp_.begin(), lp_.end() - 1), stack(n);
  flag.assign(n, -1);
  int t = 0;
  for (int k = 0; k < n; ++k) {
    flag[k] = k;
    int top = n;
    for (int p = ap[k]; p < ap[k + 1]; ++p) {
      int len = 0;
      for (int i = ai[p]; i < k && flag[i] != k; i = parent_[i]) {
        stack[len++] = i;
        flag[i] = k;
      }
      while (len > 0) stack[--top] = stack[--len];
    }
    for (; top < n; ++top) {
      const int i = stack[top];
      row_col_[t] = i;
      row_pos_[t] = fill[i];
      li_[fill[i]++] = k;
      ++t;
    }
    row_start_[k + 1] = t;
  }
  d_.assign(n, 0.0);
  y_.assign(n, 0.0);
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
    for (int p = ap[k]; p < ap[k + 1]; ++p)  // y = A(0:k, k)
      if (ai[p] <= k) y[ai[p]] += ax[p];
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

void SimplicialLdl::solve(const Eigen::VectorXd& b, Eigen::VectorXd& out) const {
  out = b;
  const int n = n_;
  const int* lp = lp_.data();
  const int* li = li_.data();
  const double* lx = lx_.data();
  const double* d = d_.data();
  double* x = out.data();
  for (int j = 0; j < n; ++j) {  // L y = b
    const double xj = x[j];
    for (int p = lp[j]; p < lp[j + 1]; ++p) x[li[p]] -= lx[p] * xj;
  }
  for (int j = 0; j < n; ++j) x[j] /= d[j];  // D z = y
  for (int j = n - 1; j >= 0; --j) {  // L^T x = z
    double xj = x[j];
    for (int p = lp[j]; p < lp[j + 1]; ++p) xj -= lx[p] * x[li[p]];
    x[j] = xj;
  }
}

}  // namespace heatnet::linear
