// peel_low_degree (solver/linear/low_degree_peeling.hpp) against an independent elimination
// game on adjacency sets: every row it eliminates has degree <= 2 when it goes, leaves before
// chains, and the core's graph it returns equals the graph the game leaves (fill included).
// And SpdSolver's fill-reducing order (peeled + AMD on the core) against CHOLMOD's AMD of the
// whole pattern: a permutation, and its fill (nnz(L)) within 2 % on tree-like networks.
#include <catch2/catch.hpp>

#include <Eigen/CholmodSupport>
#include <algorithm>
#include <random>
#include <set>
#include <vector>

#include "solver/linear/low_degree_peeling.hpp"
#include "solver/linear/simplicial_ldl.hpp"
#include "solver/linear/spd_solver.hpp"

using heatnet::linear::LowDegreePeeling;
using heatnet::linear::peel_low_degree;
using heatnet::linear::SparseMatrix;

namespace {
struct Edge {
  int a, b;
};

// Upper triangle's pattern (diagonal included, duplicates merged), row r numbered position[r].
SparseMatrix pattern(int n, const std::vector<Edge>& edges, const std::vector<int>& position) {
  std::vector<Eigen::Triplet<double, int>> t;
  for (int r = 0; r < n; ++r) t.emplace_back(position[r], position[r], 1.0);
  for (const Edge& e : edges) {
    const int i = position[e.a], j = position[e.b];
    if (i != j) t.emplace_back(std::min(i, j), std::max(i, j), 1.0);
  }
  SparseMatrix a(n, n);
  a.setFromTriplets(t.begin(), t.end(), [](double x, double) { return x; });
  return a;
}

std::vector<int> identity(int n) {
  std::vector<int> p(n);
  for (int i = 0; i < n; ++i) p[i] = i;
  return p;
}

// A random tree plus `loops` chords, the shape of a pipe network's pressure system.
std::vector<Edge> network_graph(int n, int loops, std::mt19937& rng) {
  std::vector<Edge> e;
  for (int i = 1; i < n; ++i) e.push_back({std::uniform_int_distribution<int>(0, i - 1)(rng), i});
  std::uniform_int_distribution<int> node(0, n - 1);
  for (int k = 0; k < loops; ++k) e.push_back({node(rng), node(rng)});
  return e;
}

// The elimination game on adjacency sets, following the peeling's order; checks each row's
// degree when it goes and returns the graph left.
std::vector<std::set<int>> play(int n, const std::vector<Edge>& edges, const std::vector<int>& order) {
  std::vector<std::set<int>> adj(n);
  for (const Edge& e : edges)
    if (e.a != e.b) adj[e.a].insert(e.b), adj[e.b].insert(e.a);
  std::vector<char> gone(n, 0);
  for (int v : order) {
    const std::vector<int> nb(adj[v].begin(), adj[v].end());
    REQUIRE(nb.size() <= 2);
    if (nb.size() == 2)  // no row of degree <= 1 is left for later
      for (int u = 0; u < n; ++u) REQUIRE((gone[u] || u == v || adj[u].size() >= 2));
    gone[v] = 1;
    for (int u : nb) adj[u].erase(v);
    if (nb.size() == 2) adj[nb[0]].insert(nb[1]), adj[nb[1]].insert(nb[0]);
    adj[v].clear();
  }
  return adj;
}

void require_core_graph(int n, const std::vector<Edge>& edges, const LowDegreePeeling& p) {
  // a permutation: eliminated and core together hold every row once
  std::vector<int> all = p.eliminated;
  all.insert(all.end(), p.core.begin(), p.core.end());
  std::sort(all.begin(), all.end());
  REQUIRE(all == identity(n));
  REQUIRE(std::is_sorted(p.core.begin(), p.core.end()));
  const std::vector<std::set<int>> left = play(n, edges, p.eliminated);
  const int m = static_cast<int>(p.core.size());
  REQUIRE(p.core_upper.rows() == m);
  for (int c = 0; c < m; ++c) {
    std::set<int> expected;  // rows above the diagonal in column c, in core numbering
    for (int u : left[p.core[c]]) {
      const int i = static_cast<int>(std::lower_bound(p.core.begin(), p.core.end(), u) - p.core.begin());
      REQUIRE(i < m);
      REQUIRE(p.core[i] == u);
      if (i < c) expected.insert(i);
    }
    expected.insert(c);
    std::vector<int> got(p.core_upper.innerIndexPtr() + p.core_upper.outerIndexPtr()[c],
                         p.core_upper.innerIndexPtr() + p.core_upper.outerIndexPtr()[c + 1]);
    REQUIRE(got == std::vector<int>(expected.begin(), expected.end()));
  }
}

double factor_nonzeros(int n, const std::vector<Edge>& edges, const std::vector<int>& order) {
  std::vector<int> position(n);
  for (int k = 0; k < n; ++k) position[order[k]] = k;
  heatnet::linear::SimplicialLdl ldl;
  ldl.analyse(pattern(n, edges, position));
  return ldl.factor_nonzeros();
}

std::vector<int> amd_order(const SparseMatrix& upper) {
  cholmod_common common;
  cholmod_start(&common);
  cholmod_sparse a = Eigen::viewAsCholmod(Eigen::Ref<SparseMatrix>(const_cast<SparseMatrix&>(upper)));
  a.stype = 1;
  cholmod_factor* f = cholmod_analyze(&a, &common);
  REQUIRE(f != nullptr);
  const int* perm = static_cast<const int*>(f->Perm);
  std::vector<int> order(perm, perm + upper.rows());
  cholmod_free_factor(&f, &common);
  cholmod_finish(&common);
  return order;
}
}  // namespace

TEST_CASE("peel_low_degree eliminates a tree whole, leaves first, without fill", "[peeling]") {
  std::mt19937 rng(7);
  const int n = 500;
  const std::vector<Edge> edges = network_graph(n, 0, rng);
  const LowDegreePeeling p = peel_low_degree(pattern(n, edges, identity(n)));
  REQUIRE(p.core.empty());
  require_core_graph(n, edges, p);
  REQUIRE(factor_nonzeros(n, edges, p.eliminated) == 2 * n - 1);  // L's pattern is the tree's
}

TEST_CASE("peel_low_degree leaves the core's graph with the chains' fill", "[peeling]") {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 40; ++trial) {
    const int n = std::uniform_int_distribution<int>(2, 80)(rng);
    const int loops = std::uniform_int_distribution<int>(0, n)(rng);
    const std::vector<Edge> edges = network_graph(n, loops, rng);
    require_core_graph(n, edges, peel_low_degree(pattern(n, edges, identity(n))));
  }
}

TEST_CASE("peel_low_degree goes to leaves before the middle of a path", "[peeling]") {
  // 1 - 0 - 2 hangs off the triangle 2-3-4: eliminating 0 (the lowest row, degree 2)
  // first would fill 1-2; its leaf 1 first costs nothing
  const std::vector<Edge> edges{{1, 0}, {0, 2}, {2, 3}, {3, 4}, {4, 2}};
  const LowDegreePeeling p = peel_low_degree(pattern(5, edges, identity(5)));
  REQUIRE(p.eliminated.size() == 5);
  REQUIRE(p.eliminated[0] == 1);
  REQUIRE(p.eliminated[1] == 0);
  require_core_graph(5, edges, p);
}

TEST_CASE("peel_low_degree leaves chains at a hub to the core", "[peeling]") {
  // 100 petals hub - a - b - hub: a and b have degree 2 next to a hub of degree 200
  const int petals = 100, n = 1 + 2 * petals;
  std::vector<Edge> edges;
  for (int k = 0; k < petals; ++k) {
    const int a = 1 + 2 * k, b = a + 1;
    edges.push_back({0, a}), edges.push_back({a, b}), edges.push_back({b, 0});
  }
  const LowDegreePeeling p = peel_low_degree(pattern(n, edges, identity(n)));
  REQUIRE(p.core.size() == static_cast<std::size_t>(n));
  require_core_graph(n, edges, p);
}

TEST_CASE("SpdSolver's order of a large tree-like system fills within 2 % of AMD's", "[peeling]") {
  std::mt19937 rng(3);
  for (int loops : {0, 50, 2000}) {
    const int n = 30000;  // above the size from which SpdSolver peels
    const std::vector<Edge> edges = network_graph(n, loops, rng);
    const SparseMatrix upper = pattern(n, edges, identity(n));
    heatnet::linear::SpdSolver spd(heatnet::LinearBackend::automatic);
    std::vector<int> order = spd.fill_reducing_order(upper);
    std::vector<int> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    REQUIRE(sorted == identity(n));
    const double peeled = factor_nonzeros(n, edges, order);
    const double amd = factor_nonzeros(n, edges, amd_order(upper));
    INFO("loops " << loops << ": nnz(L) " << peeled << " against AMD's " << amd);
    REQUIRE(peeled <= 1.02 * amd);
  }
}

TEST_CASE("SpdSolver::analysed_order is cholmod_analyze's Perm", "[peeling]") {
  // analysed_order takes AMD's order and postorders it itself where cholmod_analyze keeps AMD
  // (it then skips cholmod_analyze's other analysis); the order must be cholmod_analyze's own,
  // row for row: tree-like systems with few and many loops, 2D grids (mesh-like, more fill),
  // a dense block, and tiny ones.
  std::mt19937 rng(5);
  std::vector<std::pair<int, std::vector<Edge>>> cases;
  for (int n : {1, 2, 3, 17, 400, 5000})
    for (int loops : {0, 3, n / 10, n, 3 * n}) cases.push_back({n, network_graph(n, loops, rng)});
  for (int side : {10, 40, 90}) {  // side x side grid
    std::vector<Edge> grid;
    for (int r = 0; r < side; ++r)
      for (int c = 0; c < side; ++c) {
        if (c + 1 < side) grid.push_back({r * side + c, r * side + c + 1});
        if (r + 1 < side) grid.push_back({r * side + c, (r + 1) * side + c});
      }
    cases.push_back({side * side, grid});
  }
  std::vector<Edge> dense;
  for (int a = 0; a < 60; ++a)
    for (int b = a + 1; b < 60; ++b) dense.push_back({a, b});
  cases.push_back({60, dense});
  for (const auto& [n, edges] : cases) {
    const SparseMatrix upper = pattern(n, edges, identity(n));
    heatnet::linear::SpdSolver spd(heatnet::LinearBackend::automatic);
    INFO("n " << n << ", " << edges.size() << " edges");
    REQUIRE(spd.analysed_order(upper) == amd_order(upper));
  }
}
