#include "solver/linear/low_degree_peeling.hpp"

#include <algorithm>

namespace heatnet::linear {
namespace {

// The elimination graph: each row's neighbour list has a fixed length (its degree in the
// pattern); an elimination never adds entries. A degree-1 row leaves its entry in its
// neighbour's list (dead: the row is gone); a degree-2 row's entry in each neighbour's list
// becomes the other neighbour (the fill edge) or, where they are neighbours already, kNone.
class EliminationGraph {
 public:
  static constexpr int kNone = -1;

  explicit EliminationGraph(const Eigen::SparseMatrix<double, Eigen::ColMajor, int>& upper) {
    const int n = static_cast<int>(upper.rows());
    const int* ap = upper.outerIndexPtr();
    const int* ai = upper.innerIndexPtr();
    start_.assign(n + 1, 0);
    for (int j = 0; j < n; ++j)
      for (int p = ap[j]; p < ap[j + 1]; ++p)
        if (ai[p] < j) ++start_[ai[p] + 1], ++start_[j + 1];
    for (int v = 0; v < n; ++v) start_[v + 1] += start_[v];
    neighbour_.resize(start_[n]);
    std::vector<int> fill(start_.begin(), start_.end() - 1);
    for (int j = 0; j < n; ++j)
      for (int p = ap[j]; p < ap[j + 1]; ++p)
        if (ai[p] < j) neighbour_[fill[ai[p]]++] = j, neighbour_[fill[j]++] = ai[p];
    degree_.resize(n);
    for (int v = 0; v < n; ++v) degree_[v] = start_[v + 1] - start_[v];
    gone_.assign(n, 0);
  }

  int size() const { return static_cast<int>(degree_.size()); }
  int degree(int v) const { return degree_[v]; }
  bool gone(int v) const { return gone_[v] != 0; }
  bool alive_neighbour(int entry) const { return entry != kNone && !gone_[entry]; }
  const int* begin(int v) const { return neighbour_.data() + start_[v]; }
  const int* end(int v) const { return neighbour_.data() + start_[v + 1]; }

  // Eliminates v (degree <= 2; its neighbours in `nb`); false, v kept, where a degree-2 v
  // sits next to a hub (see kMaxScannedDegree).
  bool eliminate(int v, const int* nb) {
    if (degree_[v] == 2 && !join(v, nb[0], nb[1])) return false;
    if (degree_[v] == 1) --degree_[nb[0]];
    gone_[v] = 1;
    return true;
  }

 private:
  int list_length(int v) const { return start_[v + 1] - start_[v]; }
  // Eliminating v between a and b: the fill edge a-b takes v's places, unless it exists.
  // One pass over a's list finds v's place and whether b is there.
  bool join(int v, int a, int b) {
    if (list_length(a) > kMaxScannedDegree || list_length(b) > kMaxScannedDegree) return false;
    int* in_a = nullptr;
    bool adjacent = false;
    for (int* e = neighbour_.data() + start_[a]; e != neighbour_.data() + start_[a + 1]; ++e) {
      if (*e == v) in_a = e;
      adjacent |= *e == b;
    }
    int* in_b = neighbour_.data() + start_[b];
    while (*in_b != v) ++in_b;  // v is b's neighbour
    if (adjacent) {
      *in_a = kNone, --degree_[a];
      *in_b = kNone, --degree_[b];
    } else {
      *in_a = b;
      *in_b = a;
    }
    return true;
  }

  std::vector<int> start_, neighbour_, degree_;
  std::vector<char> gone_;
};

// Up to two live neighbours of v into nb; their count.
int live_neighbours(const EliminationGraph& g, int v, int* nb) {
  int k = 0;
  for (const int* e = g.begin(v); e != g.end(v) && k < 2; ++e)
    if (g.alive_neighbour(*e)) nb[k++] = *e;
  return k;
}

// The rows left and their graph (upper triangle with diagonal, core numbering).
void build_core(const EliminationGraph& g, LowDegreePeeling& out) {
  const int n = g.size();
  std::vector<int> index(n, -1);
  for (int v = 0; v < n; ++v)
    if (!g.gone(v)) index[v] = static_cast<int>(out.core.size()), out.core.push_back(v);
  const int m = static_cast<int>(out.core.size());
  std::vector<int> outer(m + 1, 0), inner;
  for (int c = 0; c < m; ++c) {
    const int v = out.core[c];
    const auto first = inner.size();
    for (const int* e = g.begin(v); e != g.end(v); ++e)
      if (g.alive_neighbour(*e) && index[*e] < c) inner.push_back(index[*e]);
    std::sort(inner.begin() + static_cast<std::ptrdiff_t>(first), inner.end());
    inner.push_back(c);  // the diagonal, last of the column
    outer[c + 1] = static_cast<int>(inner.size());
  }
  auto& a = out.core_upper;
  a.resize(m, m);
  a.resizeNonZeros(static_cast<Eigen::Index>(inner.size()));
  std::copy(outer.begin(), outer.end(), a.outerIndexPtr());
  std::copy(inner.begin(), inner.end(), a.innerIndexPtr());
  std::fill(a.valuePtr(), a.valuePtr() + inner.size(), 1.0);
}

}  // namespace

LowDegreePeeling peel_low_degree(const Eigen::SparseMatrix<double, Eigen::ColMajor, int>& upper) {
  EliminationGraph g(upper);
  const int n = g.size();
  LowDegreePeeling out;
  out.eliminated.reserve(n);
  // Candidates by degree (a row may be listed again with a lower degree; stale entries are
  // skipped): a row of degree <= 1 always goes before one of degree 2, as in a minimum-degree
  // order (a chain's end first: eliminating a path's middle row before its leaf costs fill).
  std::vector<int> leaves, chains;
  auto enlist = [&](int v) {
    if (g.degree(v) <= 1) leaves.push_back(v);
    else if (g.degree(v) == 2) chains.push_back(v);
  };
  for (int v = n - 1; v >= 0; --v) enlist(v);  // popped in ascending order
  while (!leaves.empty() || !chains.empty()) {
    std::vector<int>& from = leaves.empty() ? chains : leaves;
    const int v = from.back();
    from.pop_back();
    if (g.gone(v) || g.degree(v) > 2) continue;
    int nb[2];
    const int k = live_neighbours(g, v, nb);
    if (!g.eliminate(v, nb)) continue;
    out.eliminated.push_back(v);
    for (int i = 0; i < k; ++i) enlist(nb[i]);
  }
  build_core(g, out);
  return out;
}

}  // namespace heatnet::linear
