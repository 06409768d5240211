// Pre-elimination of the vertices of degree <= 2 of a sparse symmetric pattern: the cheap first
// half of a fill-reducing order for the pressure systems of pipe networks, which are trees
// and chains with few loops (district heating: a supply and a return tree joined at every
// consumer). Eliminating a vertex of degree 1 creates no fill, one of degree 2 at most one
// entry (an edge between its two neighbours, "series reduction"); both are the choices an
// exact minimum-degree order makes first. They take O(nnz) here, where AMD's quotient graph
// costs ~1,000 instructions per row; AMD then orders only the rest (the core: loops,
// meshes), whose graph already carries the fill of the eliminations.
#pragma once
#include <Eigen/SparseCore>
#include <vector>

namespace heatnet::linear {

struct LowDegreePeeling {
  std::vector<int> eliminated;  // rows eliminated first, in elimination order
  std::vector<int> core;        // the other rows, ascending
  // the core's graph after those eliminations (their fill included), as an upper triangle's
  // pattern (diagonal included) in core numbering: row core[i] is row/column i
  Eigen::SparseMatrix<double, Eigen::ColMajor, int> core_upper;
};

// Eliminates, those of degree <= 1 first and each neighbour that an elimination leaves at
// degree <= 2 next (a depth-first cascade, which keeps subtrees together), every row of
// degree 0, 1 or 2 in the graph of `upper`'s off-diagonal pattern (entries below the diagonal are ignored, duplicate
// entries are not allowed). A degree-2 row next to a row of more than kMaxScannedDegree
// neighbours (a hub) is left to the core, which bounds the cost by O(nnz * kMaxScannedDegree).
inline constexpr int kMaxScannedDegree = 64;
LowDegreePeeling peel_low_degree(const Eigen::SparseMatrix<double, Eigen::ColMajor, int>& upper);

}  // namespace heatnet::linear
