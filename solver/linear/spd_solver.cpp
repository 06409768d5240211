#include "solver/linear/spd_solver.hpp"

#include <Eigen/CholmodSupport>

namespace heatnet::linear {
namespace {
// Derived only to read which factorisation CHOLMOD actually chose (supernodal/simplicial).
class CholmodUpper : public Eigen::CholmodDecomposition<SparseMatrix, Eigen::Upper> {
 public:
  bool is_supernodal() const { return m_cholmodFactor != nullptr && m_cholmodFactor->is_super; }
};
}  // namespace

struct SpdSolver::Impl {
  CholmodUpper cholmod;
};

SpdSolver::SpdSolver(LinearBackend backend) : impl_(std::make_unique<Impl>()) {
  switch (backend) {
    case LinearBackend::cholmod_supernodal: impl_->cholmod.setMode(Eigen::CholmodSupernodalLLt); break;
    case LinearBackend::cholmod_simplicial: impl_->cholmod.setMode(Eigen::CholmodSimplicialLLt); break;
    // CHOLMOD's own heuristic: supernodal when flops / nnz(L) is large (dense fronts).
    case LinearBackend::automatic: impl_->cholmod.setMode(Eigen::CholmodAuto); break;
  }
}

SpdSolver::~SpdSolver() = default;

std::vector<int> SpdSolver::fill_reducing_order(const SparseMatrix& upper) {
  cholmod_common& common = impl_->cholmod.cholmod();
  cholmod_sparse a = Eigen::viewAsCholmod(Eigen::Ref<SparseMatrix>(const_cast<SparseMatrix&>(upper)));
  a.stype = 1;  // upper triangle stored
  cholmod_factor* symbolic = cholmod_analyze(&a, &common);
  const int n = static_cast<int>(upper.rows());
  std::vector<int> order(n);
  if (symbolic == nullptr) {
    for (int i = 0; i < n; ++i) order[i] = i;
    return order;
  }
  const int* perm = static_cast<const int*>(symbolic->Perm);
  order.assign(perm, perm + n);
  cholmod_free_factor(&symbolic, &common);
  return order;
}

void SpdSolver::use_natural_ordering() {
  cholmod_common& common = impl_->cholmod.cholmod();
  common.nmethods = 1;
  common.method[0].ordering = CHOLMOD_NATURAL;
  common.postorder = 0;  // the given order is already postordered
}

void SpdSolver::analyse(const SparseMatrix& upper) {
  impl_->cholmod.analyzePattern(upper);
  analysed_ = impl_->cholmod.info() == Eigen::Success;
}

bool SpdSolver::factorise(const SparseMatrix& upper) {
  impl_->cholmod.factorize(upper);
  return impl_->cholmod.info() == Eigen::Success;
}

void SpdSolver::solve(const Eigen::VectorXd& b, Eigen::VectorXd& x) {
  x = impl_->cholmod.solve(b);
}

std::string SpdSolver::backend_name() const {
  return impl_->cholmod.is_supernodal() ? "cholmod_supernodal" : "cholmod_simplicial";
}

}  // namespace heatnet::linear
