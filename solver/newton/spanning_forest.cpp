#include "solver/newton/spanning_forest.hpp"

#include <algorithm>

namespace heatnet::solver {

void SpanningForest::update(std::span<const int> from, std::span<const int> to,
                            std::span<const char> eligible, std::span<const char> is_root) {
  if (std::ranges::equal(eligible, eligible_) && std::ranges::equal(is_root, is_root_)) return;
  eligible_.assign(eligible.begin(), eligible.end());
  is_root_.assign(is_root.begin(), is_root.end());
  const int n = static_cast<int>(is_root.size());
  const int m = static_cast<int>(from.size());
  // adjacency of the eligible links (CSR)
  std::vector<int> start(n + 1, 0), adjacent;
  for (int k = 0; k < m; ++k)
    if (eligible[k]) ++start[from[k] + 1], ++start[to[k] + 1];
  for (int i = 0; i < n; ++i) start[i + 1] += start[i];
  adjacent.resize(start[n]);
  {
    std::vector<int> fill(start.begin(), start.end() - 1);
    for (int k = 0; k < m; ++k)
      if (eligible[k]) adjacent[fill[from[k]]++] = k, adjacent[fill[to[k]]++] = k;
  }
  // breadth first from all roots at once
  parent_link_.assign(n, -1);
  in_tree_.assign(m, 0);
  order_.clear();
  order_.reserve(n);
  std::vector<char> reached(is_root.begin(), is_root.end());
  for (int i = 0; i < n; ++i)
    if (is_root[i]) order_.push_back(i);
  for (std::size_t head = 0; head < order_.size(); ++head) {
    const int u = order_[head];
    for (int a = start[u]; a < start[u + 1]; ++a) {
      const int k = adjacent[a];
      const int v = from[k] == u ? to[k] : from[k];
      if (reached[v]) continue;
      reached[v] = 1;
      parent_link_[v] = k;
      in_tree_[k] = 1;
      order_.push_back(v);
    }
  }
}

void SpanningForest::balance(std::span<const int> from, std::span<const int> to,
                             std::span<const double> demand, std::span<double> q) {
  // what each node needs through its parent link: its demand plus the non-tree flows leaving
  // it, plus (accumulated leaves first) its children's needs
  need_.assign(demand.begin(), demand.end());
  const int m = static_cast<int>(q.size());
  for (int k = 0; k < m; ++k) {
    if (in_tree_[k]) continue;
    need_[from[k]] += q[k];
    need_[to[k]] -= q[k];
  }
  for (std::size_t j = order_.size(); j-- > 0;) {
    const int v = order_[j];
    const int k = parent_link_[v];
    if (k < 0) continue;  // a root absorbs its subtree's imbalance
    const int u = from[k] == v ? to[k] : from[k];
    q[k] = to[k] == v ? need_[v] : -need_[v];
    need_[u] += need_[v];
  }
}

}  // namespace heatnet::solver
