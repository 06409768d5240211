// Mass balance through a spanning forest (solver/newton/spanning_forest.hpp): starting flows
// and the final projection of the hydraulic Newton method.
#include <catch2/catch.hpp>
#include <algorithm>
#include <utility>
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

namespace {
// Where cycle link `l` starts and ends in the cycle's direction.
std::pair<int, int> cycle_ends(const std::vector<int>& from, const std::vector<int>& to,
                               const SpanningForest::CycleLink& l) {
  return l.sign > 0 ? std::pair{from[l.link], to[l.link]} : std::pair{to[l.link], from[l.link]};
}
}  // namespace

TEST_CASE("each chord closes one cycle through the tree, traversed end to end",
          "[spanning_forest]") {
  // two squares sharing the side 1-4 (0-1-4-3-0 and 1-2-5-4-1) with a tail 5-6, root 0; a
  // second tree (root 7 with node 8) joined to the first by link 9 (8-6), so links 7 and 9
  // hold node 6 from two trees: one is a tree link, the other closes no cycle
  const std::vector<int> from{0, 1, 3, 0, 1, 2, 5, 5, 7, 8}, to{1, 2, 4, 3, 4, 5, 4, 6, 8, 6};
  const std::vector<char> eligible(from.size(), 1);
  std::vector<char> root(9, 0);
  root[0] = root[7] = 1;
  SpanningForest f;
  f.update(from, to, eligible, root);
  const auto cycles = f.fundamental_cycles(from, to, 10);
  REQUIRE(cycles.size() == 2);  // 10 links, 7 tree links: 3 chords, one across the trees
  std::vector<int> chord_count(from.size(), 0);
  for (const auto& c : cycles) {
    REQUIRE(c.size() >= 3);
    CHECK(c.front().sign == 1);  // the chord, from -> to
    ++chord_count[c.front().link];
    // a closed walk: each link starts where the last one ended, and it returns to its start
    for (std::size_t i = 0; i < c.size(); ++i) {
      const auto [a, b] = cycle_ends(from, to, c[i]);
      const auto [next_a, next_b] = cycle_ends(from, to, c[(i + 1) % c.size()]);
      INFO("cycle of chord " << c.front().link << ", link " << c[i].link);
      CHECK(b == next_a);
    }
    // no link twice
    std::vector<int> links;
    for (const auto& l : c) links.push_back(l.link);
    std::sort(links.begin(), links.end());
    CHECK(std::adjacent_find(links.begin(), links.end()) == links.end());
  }
  CHECK(chord_count[7] + chord_count[8] + chord_count[9] == 0);  // the tail, the second tree
  CHECK(f.fundamental_cycles(from, to, 1).empty());  // more chords than the caller takes
}
