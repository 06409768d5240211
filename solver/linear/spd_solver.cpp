#include "solver/linear/spd_solver.hpp"

#include <Eigen/CholmodSupport>
#include <algorithm>

#include "solver/linear/low_degree_peeling.hpp"
#include "solver/linear/simplicial_ldl.hpp"

namespace heatnet::linear {
namespace {
// flops / nnz(L) from which the automatic backend factorises supernodally (CHOLMOD's default
// is 40). Measured on the development machine (one core, OpenBLAS 0.3.21 serial, whose
// per-call overhead dominates the many small supernodes of 2D meshes), time per numeric
// factorisation simplicial vs supernodal at fl/lnz: street grid 63k unknowns (72) 22 vs 86 ms,
// EPANET grid 62.5k (136) 67 vs 80 ms, EPANET grid 157k (195) 276 vs 240 ms, street grid 631k
// (238) 0.89 vs 1.01 s. Networks of trees (district heating) stay far below either value.
constexpr double kSupernodalSwitch = 160.0;
// ... and from which a simplicial factorisation is computed as LL^T (see analyse()).
constexpr double kDenseFrontsFlopsPerNonzero = 40.0;
// Share of the rows above which the rows left after eliminating those of degree <= 2 (the
// core) make a mesh-like system, ordered by AMD as a whole (see fill_reducing_order).
constexpr double kMaxCoreShare = 0.5;
// Rows from which the order peels the low-degree rows first. Below it the whole AMD order is
// cheap next to a solve and kept, so small networks (Oral, 612 rows; the robustness sweep;
// most validation cases) keep their solutions bit for bit. From it the peeled order is as good
// in fill (nnz(L) within -1.9 % .. +1.1 % of AMD's on the 21 EPANET networks, Oral, realistic
// and street-grid networks) and AMD's ~1,700 instructions a row go to the core only: NJ1
// (15k rows, ~25 M for AMD) sets up in a fraction of a Newton step. Another elimination order
// rounds the factor differently in the last bits (NJ1 then converges in 15 Newton steps, was 16).
constexpr int kMinPeeledRows = 1000;
// Derived only to read which factorisation CHOLMOD actually chose (supernodal/simplicial).
class CholmodUpper : public Eigen::CholmodDecomposition<SparseMatrix, Eigen::Upper> {
 public:
  bool is_supernodal() const { return m_cholmodFactor != nullptr && m_cholmodFactor->is_super; }
};
// AMD's fill estimate below which cholmod_analyze's default strategy keeps AMD's order without
// trying METIS (cholmod_analyze.c: fl < 500 lnz, or lnz < 5 nnz(A)).
constexpr double kMetisTriedFromFlopsPerNonzero = 500.0;

// cholmod_analyze's Perm for the upper triangle's pattern where its default strategy keeps
// AMD's order (AMD's flops below kMetisTriedFromFlopsPerNonzero per nonzero of L: it then
// tries nothing else), without the analysis it does besides: AMD's order, postordered by the
// elimination tree of the permuted pattern weighted by L's column counts (its final
// cholmod_postorder). The tree and the counts are unique to the pattern, so the order is
// CHOLMOD's; they come from one walk per row here instead of cholmod_analyze_ordering's
// permuted copies, row and column counts. Empty where CHOLMOD would go on (METIS) or a
// call fails: the caller then asks cholmod_analyze.
std::vector<int> amd_postordered(const SparseMatrix& upper, cholmod_common& common) {
  const int n = static_cast<int>(upper.rows());
  cholmod_sparse a = Eigen::viewAsCholmod(Eigen::Ref<SparseMatrix>(const_cast<SparseMatrix&>(upper)));
  a.stype = 1;  // upper triangle stored
  std::vector<int> amd(n);
  if (!cholmod_amd(&a, nullptr, 0, amd.data(), &common)) return {};
  if (!(common.fl < kMetisTriedFromFlopsPerNonzero * common.lnz)) return {};
  // the permuted pattern, upper triangle by columns (rows unsorted: the walk does not need it)
  std::vector<int> inverse(n);
  for (int k = 0; k < n; ++k) inverse[amd[k]] = k;
  const int* ap = upper.outerIndexPtr();
  const int* ai = upper.innerIndexPtr();
  std::vector<int> cp(n + 1, 0);
  for (int j = 0; j < n; ++j)
    for (int p = ap[j]; p < ap[j + 1]; ++p) ++cp[std::max(inverse[ai[p]], inverse[j]) + 1];
  for (int j = 0; j < n; ++j) cp[j + 1] += cp[j];
  std::vector<int> ci(cp[n]), fill(cp.begin(), cp.end() - 1);
  for (int j = 0; j < n; ++j)
    for (int p = ap[j]; p < ap[j + 1]; ++p) {
      const int r = inverse[ai[p]], c = inverse[j];
      ci[fill[std::max(r, c)]++] = std::min(r, c);
    }
  // elimination tree and column counts of L with its diagonal: row k of L reaches every node
  // on the tree path from each row i < k of column k up to k
  std::vector<int> parent(n, -1), flag(n, -1), count(n, 1);
  for (int k = 0; k < n; ++k) {
    flag[k] = k;
    for (int p = cp[k]; p < cp[k + 1]; ++p)
      for (int i = ci[p]; i < k && flag[i] != k; i = parent[i]) {
        if (parent[i] == -1) parent[i] = k;
        ++count[i];
        flag[i] = k;
      }
  }
  std::vector<int> post(n);
  if (cholmod_postorder(parent.data(), n, count.data(), post.data(), &common) != n) return {};
  std::vector<int> order(n);
  for (int k = 0; k < n; ++k) order[k] = amd[post[k]];
  return order;
}
}  // namespace

struct SpdSolver::Impl {
  CholmodUpper cholmod;
  SimplicialLdl ldl;
  bool use_ldl = false;  // light systems under the automatic backend (see analyse)
};

SpdSolver::SpdSolver(LinearBackend backend) : impl_(std::make_unique<Impl>()), backend_(backend) {
  // a failed factorisation is the solver's status to report, not CHOLMOD's to print
  impl_->cholmod.cholmod().print = 0;
  switch (backend) {
    case LinearBackend::cholmod_supernodal: impl_->cholmod.setMode(Eigen::CholmodSupernodalLLt); break;
    case LinearBackend::cholmod_simplicial: impl_->cholmod.setMode(Eigen::CholmodSimplicialLLt); break;
    // CHOLMOD's own heuristic: supernodal when flops / nnz(L) is large (dense fronts).
    case LinearBackend::automatic:
      impl_->cholmod.setMode(Eigen::CholmodAuto);
      impl_->cholmod.cholmod().supernodal_switch = kSupernodalSwitch;
      break;
  }
}

SpdSolver::~SpdSolver() = default;

std::vector<int> SpdSolver::fill_reducing_order(const SparseMatrix& upper) {
  const int n = static_cast<int>(upper.rows());
  const LowDegreePeeling peel = n >= kMinPeeledRows ? peel_low_degree(upper) : LowDegreePeeling{};
  std::vector<int> order;
  if (n < kMinPeeledRows || static_cast<double>(peel.core.size()) > kMaxCoreShare * n) {
    order = analysed_order(upper);  // small or mesh-like: AMD sees the whole graph
  } else {
    order = peeled_order(peel);
  }
  // The ordering's workspace (Iwork, Flag, Head: ~6 ints per row, 24 MB at a million rows)
  // would stay allocated for the solver's life; our own LDL^T never uses it and a CHOLMOD
  // factorisation allocates it again as it needs.
  cholmod_free_work(&impl_->cholmod.cholmod());
  return order;
}

std::vector<int> SpdSolver::analysed_order(const SparseMatrix& upper) {
  const int n = static_cast<int>(upper.rows());
  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  if (n == 0) return order;
  cholmod_common& common = impl_->cholmod.cholmod();
  if (std::vector<int> amd = amd_postordered(upper, common); !amd.empty()) return amd;
  cholmod_sparse a = Eigen::viewAsCholmod(Eigen::Ref<SparseMatrix>(const_cast<SparseMatrix&>(upper)));
  a.stype = 1;  // upper triangle stored
  cholmod_factor* symbolic = cholmod_analyze(&a, &common);
  if (symbolic == nullptr) return order;
  const int* perm = static_cast<const int*>(symbolic->Perm);
  order.assign(perm, perm + n);
  cholmod_free_factor(&symbolic, &common);
  return order;
}

std::vector<int> SpdSolver::peeled_order(const LowDegreePeeling& peel) {
  std::vector<int> order = peel.eliminated;
  order.reserve(peel.eliminated.size() + peel.core.size());
  for (int k : analysed_order(peel.core_upper)) order.push_back(peel.core[k]);
  return order;
}

void SpdSolver::use_natural_ordering() {
  cholmod_common& common = impl_->cholmod.cholmod();
  common.nmethods = 1;
  common.method[0].ordering = CHOLMOD_NATURAL;
  common.postorder = 0;  // the given order is already postordered
  natural_ordering_ = true;
}

void SpdSolver::analyse(const SparseMatrix& upper) {
  // Automatic backend: light systems (flops per nonzero of L below kDenseFrontsFlopsPerNonzero,
  // where CHOLMOD would factorise simplicially as LDL^T: trees and sparse loops, i.e. district
  // heating and water networks) go to our own simplicial LDL^T in the order given (the
  // callers' fill-reducing numbering, use_natural_ordering). Same factor, a fraction of the
  // cost: CHOLMOD's per-call overhead dominates on them (NJ1, 15k unknowns: factorisation
  // 4.2 -> ~0.6 M instructions, the solves 1.5 -> ~0.3 M). Heavier systems stay with CHOLMOD.
  impl_->use_ldl = false;
  if (backend_ == LinearBackend::automatic && natural_ordering_) {
    impl_->ldl.analyse(upper);
    const double lnz = impl_->ldl.factor_nonzeros();
    if (lnz == 0 || impl_->ldl.flops() / lnz < kDenseFrontsFlopsPerNonzero) {
      impl_->use_ldl = true;
      analysed_ = true;
      factor_nonzeros_ = lnz;
      factor_flops_ = impl_->ldl.flops();
      return;
    }
  }
  cholmod_common& common = impl_->cholmod.cholmod();
  impl_->cholmod.analyzePattern(upper);
  analysed_ = impl_->cholmod.info() == Eigen::Success;
  factor_nonzeros_ = analysed_ ? common.lnz : 0.0;
  factor_flops_ = analysed_ ? common.fl : 0.0;
  // A simplicial factorisation with dense fronts (meshes) runs faster as LL^T than as CHOLMOD's
  // default LDL^T (EPANET grid, 62.5k unknowns: 67 vs 82 ms); tree-like networks keep LDL^T,
  // whose factor takes less memory (1e6-pipe district heating network: 180 MB less peak).
  if (analysed_ && common.supernodal == CHOLMOD_AUTO)
    common.final_ll = common.lnz > 0 && common.fl / common.lnz >= kDenseFrontsFlopsPerNonzero;
}

bool SpdSolver::factorise(const SparseMatrix& upper) {
  if (impl_->use_ldl) return impl_->ldl.factorise(upper);
  impl_->cholmod.factorize(upper);
  return impl_->cholmod.info() == Eigen::Success;
}

void SpdSolver::solve(const Eigen::VectorXd& b, Eigen::VectorXd& x) {
  if (impl_->use_ldl) {
    impl_->ldl.solve(b, x);
    return;
  }
  x = impl_->cholmod.solve(b);
}

void SpdSolver::solve_pair(Eigen::VectorXd& x0, Eigen::VectorXd& x1) {
  if (impl_->use_ldl) {
    impl_->ldl.solve_pair(x0, x1);
    return;
  }
  solve(x0, x0);
  solve(x1, x1);
}

void SpdSolver::release() {
  if (!impl_) return;
  released_backend_ = backend_name();
  impl_.reset();
  analysed_ = false;
}

std::string SpdSolver::backend_name() const {
  if (!impl_) return released_backend_;
  if (impl_->use_ldl) return "simplicial_ldl";
  return impl_->cholmod.is_supernodal() ? "cholmod_supernodal" : "cholmod_simplicial";
}

}  // namespace heatnet::linear
