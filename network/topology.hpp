// Graph utilities used while building a Network.
#pragma once
#include <utility>
#include <vector>

#include "heatnet/network.hpp"
#include "network/compiled.hpp"

namespace heatnet::detail {

// Fills node_link_start / node_link (CSR) from link_from / link_to.
void build_incidence(Topology& topology);

// Union-find with path halving and union by size (inline: called per link and per node).
class DisjointSets {
 public:
  explicit DisjointSets(int n);
  int find(int x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }
  void unite(int a, int b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
  }
  int size_of(int x) { return size_[find(x)]; }

 private:
  std::vector<int> parent_, size_;
};

}  // namespace heatnet::detail
