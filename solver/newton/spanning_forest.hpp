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
//
// Each eligible link outside the forest whose two ends hang in the same tree closes one
// fundamental cycle (the link and the tree path between its ends): fundamental_cycles() lists
// them, the unknowns of a loop-flow method (HydraulicSolver::balance_loops).
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

  // One link of a cycle: sign +1 where the cycle runs from the link's `from` to its `to`.
  struct CycleLink {
    int link;
    int sign;
  };
  // The fundamental cycles: per eligible non-tree link (the chord) whose ends are in one tree,
  // the chord (sign +1) and the tree path from its `to` end back to its `from` end. Empty
  // where more than max_cycles eligible non-tree links have both ends reached (links across
  // two trees count; a caller's dense work would not pay).
  // O(cycle lengths); nothing is kept.
  std::vector<std::vector<CycleLink>> fundamental_cycles(std::span<const int> from,
                                                         std::span<const int> to,
                                                         std::size_t max_cycles) const;

 private:
  struct Step {
    int position;         // breadth-first position of the node
    int parent_position;  // ... of the node at the link's other end
    int link;             // the tree link to its parent
    bool link_enters;     // the link's 'to' end is the node: flow parent -> node is positive
  };
  std::vector<char> eligible_, is_root_;
  int root_count_ = 0;          // the roots hold breadth-first positions 0 .. root_count_ - 1
  std::vector<int> node_at_;    // per breadth-first position: the node (reached nodes only)
  std::vector<int> position_;   // per node: its breadth-first position, -1 if not reached
  std::vector<Step> steps_;     // per tree link, leaves first
  std::vector<int> off_tree_;   // non-tree links with at least one reached end
  std::vector<double> need_;    // per breadth-first position
};

}  // namespace heatnet::solver
