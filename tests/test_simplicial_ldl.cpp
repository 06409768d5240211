// SimplicialLdl (solver/linear/simplicial_ldl.hpp) against Eigen's dense Cholesky of the same
// matrix: weighted graph Laplacians plus a positive diagonal (the shape of the pressure
// system: trees with some loops), in AMD order and in a deliberately bad order (fill), and
// the same factorisation object refactorised with new values. Also SpdSolver's automatic
// backend picks it for such systems, and a zero pivot fails. And its solutions equal CHOLMOD's
// simplicial LDL^T (the factorisation it replaces) to the bit, chains of columns included.
#include <catch2/catch.hpp>

#include <Eigen/CholmodSupport>
#include <Eigen/Dense>
#include <cstring>
#include <random>
#include <vector>

#include "solver/linear/simplicial_ldl.hpp"
#include "solver/linear/spd_solver.hpp"

using heatnet::linear::SimplicialLdl;
using heatnet::linear::SparseMatrix;

namespace {
struct Edge {
  int a, b;
};

// A random tree on n nodes plus `loops` chords.
std::vector<Edge> network_graph(int n, int loops, std::mt19937& rng) {
  std::vector<Edge> e;
  for (int i = 1; i < n; ++i) e.push_back({std::uniform_int_distribution<int>(0, i - 1)(rng), i});
  std::uniform_int_distribution<int> node(0, n - 1);
  for (int k = 0; k < loops; ++k) {
    const int a = node(rng), b = node(rng);
    if (a != b) e.push_back({a, b});
  }
  return e;
}

// Upper triangle (CSC) of sum_e y_e (u_a - u_b)(u_a - u_b)^T + diag(g).
SparseMatrix assemble(int n, const std::vector<Edge>& edges, std::mt19937& rng) {
  std::uniform_real_distribution<double> w(1e-3, 10.0);
  std::vector<Eigen::Triplet<double>> t;
  for (int i = 0; i < n; ++i) t.emplace_back(i, i, i % 7 == 0 ? w(rng) : 0.0);
  for (const Edge& e : edges) {
    const double y = w(rng);
    t.emplace_back(e.a, e.a, y);
    t.emplace_back(e.b, e.b, y);
    t.emplace_back(std::min(e.a, e.b), std::max(e.a, e.b), -y);
  }
  SparseMatrix m(n, n);
  m.setFromTriplets(t.begin(), t.end());
  return m;
}

double relative_error(const SparseMatrix& upper, const Eigen::VectorXd& b, const Eigen::VectorXd& x) {
  const Eigen::MatrixXd full = Eigen::MatrixXd(upper).selfadjointView<Eigen::Upper>();
  const Eigen::VectorXd ref = full.llt().solve(b);
  return (x - ref).norm() / ref.norm();
}
// A tree numbered children first, each node's parent within `reach` places (chains of
// columns in the factor), plus the last `loops` chords of a random network graph.
std::vector<Edge> chained_tree_with_loops(int n, int reach, int loops, std::mt19937& rng) {
  std::vector<Edge> edges;
  for (int i = 0; i < n - 1; ++i)
    edges.push_back({i, std::uniform_int_distribution<int>(i + 1, std::min(n - 1, i + reach))(rng)});
  const auto chords = network_graph(n, loops, rng);
  edges.insert(edges.end(), chords.end() - std::min<std::size_t>(chords.size(), loops), chords.end());
  return edges;
}

// CHOLMOD's simplicial LDL^T of `a` in the natural order, no postorder: the factorisation
// SimplicialLdl replaces, as the bit-for-bit reference.
void factorise_natural_ldl(Eigen::CholmodDecomposition<SparseMatrix, Eigen::Upper>& cholmod,
                           const SparseMatrix& a) {
  cholmod.setMode(Eigen::CholmodSimplicialLLt);  // simplicial; final_ll = 0 below: LDL^T
  cholmod.cholmod().nmethods = 1;
  cholmod.cholmod().method[0].ordering = CHOLMOD_NATURAL;
  cholmod.cholmod().postorder = 0;
  cholmod.analyzePattern(a);
  cholmod.cholmod().final_ll = 0;
  cholmod.factorize(a);
}

}  // namespace

TEST_CASE("SimplicialLdl solves tree-like SPD systems like a dense Cholesky", "[linear]") {
  std::mt19937 rng(17);
  for (int n : {1, 2, 5, 40, 300}) {
    for (int loops : {0, 3, n / 4}) {
      const auto edges = network_graph(n, loops, rng);
      SimplicialLdl ldl;
      SparseMatrix a = assemble(n, edges, rng);
      ldl.analyse(a);
      for (int refactorisation = 0; refactorisation < 3; ++refactorisation) {
        if (refactorisation > 0) {  // same pattern, new values
          const SparseMatrix next = assemble(n, edges, rng);
          REQUIRE(next.nonZeros() == a.nonZeros());
          std::copy(next.valuePtr(), next.valuePtr() + next.nonZeros(), a.valuePtr());
        }
        REQUIRE(ldl.factorise(a));
        const Eigen::VectorXd b = Eigen::VectorXd::Random(n);
        Eigen::VectorXd x;
        ldl.solve(b, x);
        CHECK(relative_error(a, b, x) < 1e-10);
      }
    }
  }
}

TEST_CASE("SimplicialLdl counts the fill of a bad order and still solves", "[linear]") {
  // A star whose centre is eliminated first fills the whole remaining matrix: n(n-1)/2
  // entries below the diagonal, plus the diagonal.
  const int n = 30;
  std::vector<Edge> star;
  for (int i = 1; i < n; ++i) star.push_back({0, i});
  std::mt19937 rng(3);
  SparseMatrix a = assemble(n, star, rng);
  SimplicialLdl ldl;
  ldl.analyse(a);
  CHECK(ldl.factor_nonzeros() == n + (n - 1) * (n - 2) / 2 + (n - 1));
  REQUIRE(ldl.factorise(a));
  const Eigen::VectorXd b = Eigen::VectorXd::Random(n);
  Eigen::VectorXd x;
  ldl.solve(b, x);
  CHECK(relative_error(a, b, x) < 1e-10);
}

TEST_CASE("SimplicialLdl reports a zero pivot", "[linear]") {
  // [[1, 1], [1, 1]]: D = (1, 0)
  SparseMatrix a(2, 2);
  std::vector<Eigen::Triplet<double>> t{{0, 0, 1.0}, {1, 1, 1.0}, {0, 1, 1.0}};
  a.setFromTriplets(t.begin(), t.end());
  SimplicialLdl ldl;
  ldl.analyse(a);
  CHECK_FALSE(ldl.factorise(a));
}

TEST_CASE("SpdSolver's automatic backend factorises light systems itself", "[linear]") {
  std::mt19937 rng(5);
  const int n = 200;
  // a tree numbered leaves first (each node after its children): no fill
  auto edges = network_graph(n, 0, rng);
  for (Edge& e : edges) e = {n - 1 - e.a, n - 1 - e.b};
  const SparseMatrix a = assemble(n, edges, rng);
  for (auto backend : {heatnet::LinearBackend::automatic, heatnet::LinearBackend::cholmod_simplicial}) {
    heatnet::linear::SpdSolver spd(backend);
    spd.use_natural_ordering();
    spd.analyse(a);
    REQUIRE(spd.factorise(a));
    const Eigen::VectorXd b = Eigen::VectorXd::Random(n);
    Eigen::VectorXd x;
    spd.solve(b, x);
    CHECK(relative_error(a, b, x) < 1e-10);
    CHECK(spd.backend_name() ==
          (backend == heatnet::LinearBackend::automatic ? "simplicial_ldl" : "cholmod_simplicial"));
  }
}

TEST_CASE("SimplicialLdl's solution equals CHOLMOD's simplicial LDL^T to the bit", "[linear]") {
  std::mt19937 rng(29);
  int chains = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const int n = 5 + 7 * trial;
    const SparseMatrix a = assemble(n, chained_tree_with_loops(n, 4, n / 5, rng), rng);
    Eigen::CholmodDecomposition<SparseMatrix, Eigen::Upper> cholmod;
    factorise_natural_ldl(cholmod, a);
    REQUIRE(cholmod.info() == Eigen::Success);
    SimplicialLdl ldl;
    ldl.analyse(a);
    REQUIRE(ldl.factorise(a));
    if (ldl.factor_nonzeros() > 2.0 * n) ++chains;
    const Eigen::VectorXd b = Eigen::VectorXd::Random(n);
    const Eigen::VectorXd expected = cholmod.solve(b);
    Eigen::VectorXd x;
    ldl.solve(b, x);
    CHECK(std::memcmp(x.data(), expected.data(), sizeof(double) * n) == 0);
    // a right side zero up to some row (the lower solve starts at its first nonzero's block)
    Eigen::VectorXd late = Eigen::VectorXd::Random(n);
    const int zeros = std::uniform_int_distribution<int>(1, n)(rng);
    late.head(zeros).setZero();
    const Eigen::VectorXd late_expected = cholmod.solve(late);
    ldl.solve(late, x);
    CHECK(std::memcmp(x.data(), late_expected.data(), sizeof(double) * n) == 0);
  }
  CHECK(chains > 10);  // the cases with columns of >= 3 entries below the diagonal occurred
}

TEST_CASE("SimplicialLdl::solve_pair gives each right side solve()'s solution to the bit", "[linear]") {
  // chains of columns (parents within 3 places) and loops; the second right side mostly zero,
  // as a dp plant's column is (the lower solve skips its zeros), or dense, or all zero
  std::mt19937 rng(41);
  for (int trial = 0; trial < 30; ++trial) {
    const int n = 4 + 11 * trial;
    const SparseMatrix a = assemble(n, chained_tree_with_loops(n, 3, n / 6, rng), rng);
    SimplicialLdl ldl;
    ldl.analyse(a);
    REQUIRE(ldl.factorise(a));
    for (int shape = 0; shape < 3; ++shape) {
      const Eigen::VectorXd b0 = Eigen::VectorXd::Random(n);
      Eigen::VectorXd b1 = Eigen::VectorXd::Zero(n);
      if (shape == 0) b1[std::uniform_int_distribution<int>(0, n - 1)(rng)] = 2.5;
      if (shape == 1) b1 = Eigen::VectorXd::Random(n);
      Eigen::VectorXd x0, x1;
      ldl.solve(b0, x0);
      ldl.solve(b1, x1);
      Eigen::VectorXd y0 = b0, y1 = b1;
      ldl.solve_pair(y0, y1);
      CHECK(std::memcmp(y0.data(), x0.data(), sizeof(double) * n) == 0);
      CHECK(std::memcmp(y1.data(), x1.data(), sizeof(double) * n) == 0);
      // and the reverse pairing (the zero skip on the first side)
      Eigen::VectorXd z1 = b1, z0 = b0;
      ldl.solve_pair(z1, z0);
      CHECK(std::memcmp(z0.data(), x0.data(), sizeof(double) * n) == 0);
      CHECK(std::memcmp(z1.data(), x1.data(), sizeof(double) * n) == 0);
    }
  }
}

TEST_CASE("SimplicialLdl starts the lower solve at the block of the first nonzero", "[linear]") {
  // A dense SPD matrix: every column is in a chain (blocks of 3 columns from column 0), so a
  // right side whose first nonzero sits inside a block must be solved with the blocks that a
  // walk from column 0 forms, or it rounds differently from CHOLMOD's solve (starting at the
  // nonzero itself fails 24 of these 40 cases).
  const int n = 40;
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> w(0.1, 1.0);
  std::vector<Eigen::Triplet<double>> t;
  for (int j = 0; j < n; ++j) {
    t.emplace_back(j, j, 2.0 * n);
    for (int i = 0; i < j; ++i) t.emplace_back(i, j, w(rng));
  }
  SparseMatrix a(n, n);
  a.setFromTriplets(t.begin(), t.end());
  Eigen::CholmodDecomposition<SparseMatrix, Eigen::Upper> cholmod;
  factorise_natural_ldl(cholmod, a);
  REQUIRE(cholmod.info() == Eigen::Success);
  SimplicialLdl ldl;
  ldl.analyse(a);
  REQUIRE(ldl.factorise(a));
  for (int zeros = 0; zeros < n; ++zeros) {
    Eigen::VectorXd b = Eigen::VectorXd::Random(n);
    b.head(zeros).setZero();
    const Eigen::VectorXd expected = cholmod.solve(b);
    Eigen::VectorXd x;
    ldl.solve(b, x);
    INFO("first nonzero at " << zeros);
    CHECK(std::memcmp(x.data(), expected.data(), sizeof(double) * n) == 0);
  }
}
