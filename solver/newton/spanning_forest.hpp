// Mass balance by routing node demands through a spanning forest of the network.
//
// A breadth-first spanning forest is grown from the fixed-pressure nodes over the eligible
// links. balance() leaves every non-tree link's flow as it is and gives each tree link exactly
// what its subtree draws, so every reached free node balances to round-off. Two uses:
//  * Starting flows: from nominal (EPANET-style) flows, the tree-shaped parts of a network
//    (most of a district-heating network) start at their final flows; GGA keeps flows
//    balanced, so Newton only has to find the pressures there.
//  * Final projection: GGA's new flows q = c + y (p_from - p_to) balance only up to the
//    round-off of y * ulp(p); a near-lossless link (open valve, y ~ 1e3 kg/s per Pa) turns
//    that into ~1e-7 kg/s of imbalance. Re-balancing through the forest moves each tree link by
//    that round-off amount and restores the balance exactly.
// Nodes that no eligible path reaches keep their flows. O(nodes + links); the forest is
// rebuilt only when the eligible links or the roots change.
#pragma once
#include <span>
#include <vector>

namespace heatnet::solver {

class SpanningForest {
 public:
  // from/to/eligible: per link; is_root: per node.
  void update(std::span<const int> from, std::span<const int> to,
              std::span<const char> eligible, std::span<const char> is_root);
  // demand: per node, kg/s leaving; q: per link, in/out.
  void balance(std::span<const int> from, std::span<const int> to,
               std::span<const double> demand, std::span<double> q);

 private:
  std::vector<char> eligible_, is_root_, in_tree_;
  std::vector<int> order_, parent_link_;
  std::vector<double> need_;
};

}  // namespace heatnet::solver
