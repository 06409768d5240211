// Mass balance through a spanning forest (solver/newton/spanning_forest.hpp): starting flows
// and the final projection of the hydraulic Newton method.
#include <catch2/catch.hpp>
#include <vector>

#include "solver/newton/spanning_forest.hpp"

using heatnet::solver::SpanningForest;

namespace {
// kg/s leaving each node: demand + outflows - inflows
std::vector<double> imbalance(const std::vector<int>& from, const std::vector<int>& to,
                              const std::vector<double>& demand, const std::vector<double>& q) {
  std::vector<double> r = demand;
  for (std::size_t k = 0; k < q.size(); ++k) r[from[k]] += q[k], r[to[k]] -= q[k];
  return r;
}
}  // namespace

TEST_CASE("a tree's flows follow from its demands alone", "[spanning_forest]") {
  // root 0 -> 1 -> {2, 3}; link 2 points against the flow (3 -> 1)
  const std::vector<int> from{0, 1, 3}, to{1, 2, 1};
  const std::vector<char> eligible{1, 1, 1}, root{1, 0, 0, 0};
  const std::vector<double> demand{0.0, 1.0, 2.0, 3.0};
  std::vector<double> q{0.5, 0.5, 0.5};  // nominal, all wrong
  SpanningForest f;
  f.update(from, to, eligible, root);
  f.balance(from, to, demand, q);
  CHECK(q[0] == 6.0);
  CHECK(q[1] == 2.0);
  CHECK(q[2] == -3.0);
}

TEST_CASE("loop links keep their flow and every free node balances", "[spanning_forest]") {
  // square 0-1-2-3-0 with a diagonal 1-3, root 0; pipes 4 (diagonal) or one square side end
  // up outside the tree and keep their nominal flow
  const std::vector<int> from{0, 1, 2, 3, 1}, to{1, 2, 3, 0, 3};
  const std::vector<char> eligible(5, 1), root{1, 0, 0, 0};
  const std::vector<double> demand{0.0, 0.7, 1.1, 0.4};
  const std::vector<double> nominal{0.3, 0.3, 0.3, 0.3, 0.3};
  std::vector<double> q = nominal;
  SpanningForest f;
  f.update(from, to, eligible, root);
  f.balance(from, to, demand, q);
  const auto r = imbalance(from, to, demand, q);
  for (int i = 1; i < 4; ++i) CHECK(std::abs(r[i]) < 1e-15);
  CHECK(r[0] == Approx(2.2));  // what the root (boundary) must supply: all demand
  int kept = 0;
  for (int k = 0; k < 5; ++k) kept += q[k] == nominal[k];
  CHECK(kept >= 2);  // 5 links, 3 tree links: at least the 2 loop closers are untouched
}

TEST_CASE("nodes no eligible link reaches keep their flows", "[spanning_forest]") {
  // 0 (root) -1- 1 ; 2 -3 joined by an ineligible link (closed valve)
  const std::vector<int> from{0, 2}, to{1, 3};
  const std::vector<char> eligible{1, 0}, root{1, 0, 0, 0};
  const std::vector<double> demand{0.0, 1.5, 0.0, 0.0};
  std::vector<double> q{0.0, 1e-9};
  SpanningForest f;
  f.update(from, to, eligible, root);
  f.balance(from, to, demand, q);
  CHECK(q[0] == 1.5);
  CHECK(q[1] == 1e-9);
}

TEST_CASE("a flow into an unreached part counts in the reached node's need", "[spanning_forest]") {
  // 0 (root) -0- 1 -1-> 2, link 1 ineligible (a pump the forest may not route through) and
  // node 2 reached by nothing else: the 0.25 kg/s it carries leaves node 1 and must come
  // through link 0 on top of node 1's own demand
  const std::vector<int> from{0, 1}, to{1, 2};
  const std::vector<char> eligible{1, 0}, root{1, 0, 0};
  const std::vector<double> demand{0.0, 1.0, 0.0};
  std::vector<double> q{0.0, 0.25};
  SpanningForest f;
  f.update(from, to, eligible, root);
  f.balance(from, to, demand, q);
  CHECK(q[0] == 1.25);
  CHECK(q[1] == 0.25);
  const auto r = imbalance(from, to, demand, q);
  CHECK(r[1] == 0.0);
}

TEST_CASE("a rebuilt forest routes through the links eligible now", "[spanning_forest]") {
  // triangle 0-1-2 with root 0: with all links eligible node 2 hangs off link 2 (0-2); with
  // link 2 ineligible it is reached through 1 and link 1 carries its demand
  const std::vector<int> from{0, 1, 0}, to{1, 2, 2};
  const std::vector<char> root{1, 0, 0};
  const std::vector<double> demand{0.0, 1.0, 2.0};
  SpanningForest f;
  std::vector<double> q{0.0, 0.0, 0.0};
  f.update(from, to, std::vector<char>{1, 1, 1}, root);
  f.balance(from, to, demand, q);
  CHECK(q[0] == 1.0);
  CHECK(q[2] == 2.0);
  q = {0.0, 0.0, 0.0};
  f.update(from, to, std::vector<char>{1, 1, 0}, root);
  f.balance(from, to, demand, q);
  CHECK(q[0] == 3.0);
  CHECK(q[1] == 2.0);
  CHECK(q[2] == 0.0);
}
