// A sparse LDL^T factorisation without pivoting, for the light (tree-like) pressure systems of
// pipe networks, in the order the matrix is given (the caller numbers its unknowns in a
// fill-reducing order first). The up-looking algorithm of T. A. Davis, "Algorithm 849: A
// concise sparse Cholesky factorization package", ACM TOMS 31(4), 2005: row k of L by a
// sparse triangular solve along the elimination tree. The tree walks depend on the pattern
// only, so analyse() does them once and stores each row's pattern (in topological order) and
// where its entries go; a factorisation is then just the arithmetic. Same factor as CHOLMOD's
// simplicial LDL^T, without its per-call overhead, which dominates on such systems.
#pragma once
#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <vector>

namespace heatnet::linear {

class SimplicialLdl {
 public:
  using SparseMatrix = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

  // Elimination tree and the factor's column pointers of the upper triangle's pattern (entries
  // below the diagonal are ignored).
  void analyse(const SparseMatrix& upper);
  // L and D of a matrix with the analysed pattern; false where a pivot is zero or not finite.
  bool factorise(const SparseMatrix& upper);
  // x = A^-1 b with the last successful factorisation (b and x may be the same vector).
  void solve(const Eigen::VectorXd& b, Eigen::VectorXd& x) const;
  // Two right sides solved in place in one pass over L: each gets the arithmetic solve() would
  // give it, bit for bit (the Newton step's pressures and a dp plant's column share the
  // reads of L's indices and values, about half a triangular solve's instructions).
  void solve_pair(Eigen::VectorXd& x0, Eigen::VectorXd& x1) const;

  // Nonzeros of L with its diagonal, and the flop measure CHOLMOD compares with its
  // thresholds (sum over columns of their count squared), both from analyse().
  double factor_nonzeros() const { return lnz_; }
  double flops() const { return flops_; }

 private:
  // L y = b and D L^T x = y, in place, on K right sides at once (the same operations on each)
  template <int K>
  void lower_solve(double* const (&x)[K]) const;
  void find_block_starts() const;
  template <int K>
  void diagonal_transpose_solve(double* const (&x)[K]) const;

  int n_ = 0;
  std::vector<int> parent_;  // elimination tree (-1: a root)
  std::vector<int> lp_, li_;  // L by columns without its unit diagonal: rows of column j at lp_[j] ..
  std::vector<double> lx_, d_;
  // row k of L: its columns in topological order and their positions in li_/lx_ (row_start_[k] ..)
  std::vector<int> row_start_, row_col_, row_pos_;
  std::vector<double> y_;  // dense work row, zero between rows
  // first column of the block (a single column or a chain of 2 or 3, as lower_solve groups
  // them walking from column 0) that holds column j; found by the first solve that needs it
  // (one whose right side starts with zeros), empty until then
  mutable std::vector<int> block_start_;
  double lnz_ = 0, flops_ = 0;
};

}  // namespace heatnet::linear
