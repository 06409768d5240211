// Graph utilities used while building a Network.
#pragma once
#include <vector>

#include "heatnet/network.hpp"
#include "network/compiled.hpp"

namespace heatnet::detail {

// Fills node_link_start / node_link (CSR) from link_from / link_to.
void build_incidence(Topology& topology);

// Union-find with path halving and union by size.
class DisjointSets {
 public:
  explicit DisjointSets(int n);
  int find(int x);
  void unite(int a, int b);
  int size_of(int x) { return size_[find(x)]; }

 private:
  std::vector<int> parent_, size_;
};

}  // namespace heatnet::detail
