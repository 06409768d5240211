#include "network/topology.hpp"

#include <numeric>

namespace heatnet::detail {

void build_incidence(Topology& t) {
  const int n = t.node_count, m = t.link_count();
  t.node_link_start.assign(n + 1, 0);
  for (int k = 0; k < m; ++k) {
    ++t.node_link_start[t.link_from[k] + 1];
    ++t.node_link_start[t.link_to[k] + 1];
  }
  std::partial_sum(t.node_link_start.begin(), t.node_link_start.end(), t.node_link_start.begin());
  t.node_link.assign(2 * static_cast<std::size_t>(m), 0);
  std::vector<int> fill(t.node_link_start.begin(), t.node_link_start.end() - 1);
  for (int k = 0; k < m; ++k) {
    t.node_link[fill[t.link_from[k]]++] = k;
    t.node_link[fill[t.link_to[k]]++] = k;
  }
}

DisjointSets::DisjointSets(int n) : parent_(n), size_(n, 1) {
  std::iota(parent_.begin(), parent_.end(), 0);
}

}  // namespace heatnet::detail
