// The symmetric positive definite sparse solver behind one interface: CHOLMOD through Eigen's
// CholmodSupport. Symbolic analysis (fill-reducing ordering, elimination tree) happens once per
// sparsity pattern; each Newton step only refactorises numerically.
#pragma once
#include <Eigen/SparseCore>
#include <memory>
#include <string>
#include <vector>

#include "heatnet/solver_options.hpp"
#include "solver/linear/low_degree_peeling.hpp"

namespace heatnet::linear {

using SparseMatrix = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

class SpdSolver {
 public:
  explicit SpdSolver(LinearBackend backend);
  ~SpdSolver();
  SpdSolver(const SpdSolver&) = delete;
  SpdSolver& operator=(const SpdSolver&) = delete;

  // Fill-reducing order of the upper triangle's pattern: order[new] = old. The rows of degree
  // <= 2 first, eliminated as they become so (low_degree_peeling.hpp), then the rest (the
  // core) in CHOLMOD's order of the core's graph (AMD or METIS, postordered); where the core
  // holds most rows (meshes), CHOLMOD's order of the whole pattern. Callers that then number their unknowns in this order
  // and call use_natural_ordering() spare CHOLMOD a permuted copy (cholmod_transpose_sym) of
  // the matrix at every factorisation.
  std::vector<int> fill_reducing_order(const SparseMatrix& upper);
  // The two orders it chooses between (heatnet_fill_order compares them): CHOLMOD's order of
  // the whole pattern (cholmod_analyze's Perm), and the peeled rows followed by the core in
  // CHOLMOD's order of the core's graph.
  std::vector<int> analysed_order(const SparseMatrix& upper);
  std::vector<int> peeled_order(const LowDegreePeeling& peel);
  void use_natural_ordering();
  // Symbolic analysis of the upper triangle's pattern.
  void analyse(const SparseMatrix& upper);
  // Numeric factorisation with the cached analysis; false if not positive definite.
  bool factorise(const SparseMatrix& upper);
  // x = A^-1 b (x is resized once and then reused; b and x may be the same vector).
  void solve(const Eigen::VectorXd& b, Eigen::VectorXd& x);
  // x0 = A^-1 x0 and x1 = A^-1 x1 in place, each exactly as solve() would give it (our own
  // LDL^T shares one pass over the factor between them).
  void solve_pair(Eigen::VectorXd& x0, Eigen::VectorXd& x1);

  // Frees the analysis, the factorisation and CHOLMOD's workspace (a solver that will not
  // factorise again); backend_name() still names the backend used. factorise and solve are
  // not to be called after it.
  void release();

  bool analysed() const { return analysed_; }
  // Nonzeros of the factor L (its diagonal included) and the floating-point operations of one
  // numeric factorisation, as the symbolic analysis counts them (our LDL^T's own count, or
  // CHOLMOD's Common->lnz and Common->fl): deterministic for a pattern and order, so the
  // regression guard (benchmarks/counts.cpp) can hold them. Kept after release().
  double factor_nonzeros() const { return factor_nonzeros_; }
  double factor_flops() const { return factor_flops_; }
  // "cholmod_supernodal" / "cholmod_simplicial" / "simplicial_ldl" (our own, light systems)
  std::string backend_name() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  LinearBackend backend_;
  std::string released_backend_;  // backend_name() after release()
  bool natural_ordering_ = false;
  bool analysed_ = false;
  double factor_nonzeros_ = 0, factor_flops_ = 0;
};

}  // namespace heatnet::linear
