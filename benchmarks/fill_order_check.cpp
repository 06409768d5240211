// heatnet_fill_order: the fill (nnz(L)) and factorisation flops of the pressure system's
// fill-reducing orders, plain AMD (CHOLMOD's order of the whole pattern) against the rows of
// degree <= 2 eliminated first and AMD on the rest (solver/linear/low_degree_peeling.hpp),
// and the share of rows that rest (the core) keeps. The evidence behind SpdSolver's rule
// (fill_reducing_order); both orders are SpdSolver's own (analysed_order, peeled_order).
//
//   heatnet_fill_order FILE...                     (network JSON or EPANET .inp)
//   heatnet_fill_order --kind realistic --pipes N  (generated: realistic, street_grid, ...)
// One line per network: name, rows, core share, nnz(L) and flops for both orders and their
// ratios (combined / AMD).

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "generators.hpp"
#include "heatnet/io.hpp"
#include "heatnet/network.hpp"
#include "network/compiled.hpp"
#include "solver/linear/low_degree_peeling.hpp"
#include "solver/linear/simplicial_ldl.hpp"
#include "solver/linear/spd_solver.hpp"
#include "solver/newton/hydraulic_solver.hpp"

using namespace heatnet;
using linear::SimplicialLdl;
using SparseMatrix = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

namespace {

struct Edge {
  int a, b;
};

// The pressure system's graph as the solver sees it: nodes whose pressure is not held
// (pressure nodes, plant return nodes, dp_control supply nodes) joined by their links.
std::vector<Edge> pressure_graph(const Network& net, int& rows) {
  const Topology& t = net.topology();
  std::vector<int> row(t.node_count, 0);
  for (int node : net.pressure_nodes().node) row[node] = -1;
  const SourceData& s = net.sources();
  for (int i = 0; i < net.source_count(); ++i) {
    if (!solver::holds_return_pressure(s, i)) continue;
    row[s.return_node[i]] = -1;
    if (s.pump_type[i] == SourcePumpType::dp_control) row[s.supply_node[i]] = -1;
  }
  rows = 0;
  for (int& r : row)
    if (r == 0) r = rows++;
  std::vector<Edge> edges;
  for (int k = 0; k < t.link_count(); ++k) {
    const int a = row[t.link_from[k]], b = row[t.link_to[k]];
    if (a >= 0 && b >= 0 && a != b) edges.push_back({a, b});
  }
  return edges;
}

// Upper triangle's pattern (diagonal included, parallel links merged) with row r numbered
// position[r].
SparseMatrix upper_pattern(int n, const std::vector<Edge>& edges, const std::vector<int>& position) {
  std::vector<Eigen::Triplet<double, int>> t;
  t.reserve(edges.size() + n);
  for (int r = 0; r < n; ++r) t.emplace_back(position[r], position[r], 1.0);
  for (const Edge& e : edges) {
    const int i = position[e.a], j = position[e.b];
    t.emplace_back(std::min(i, j), std::max(i, j), 1.0);
  }
  SparseMatrix a(n, n);
  a.setFromTriplets(t.begin(), t.end(), [](double x, double) { return x; });
  return a;
}

struct Fill {
  double lnz, flops;
};
Fill fill_of(int n, const std::vector<Edge>& edges, const std::vector<int>& order) {
  std::vector<int> position(n);
  for (int k = 0; k < n; ++k) position[order[k]] = k;
  SimplicialLdl ldl;
  ldl.analyse(upper_pattern(n, edges, position));
  return {ldl.factor_nonzeros(), ldl.flops()};
}

void report(const std::string& name, const Network& net, linear::SpdSolver& orders) {
  int n = 0;
  const std::vector<Edge> edges = pressure_graph(net, n);
  std::vector<int> identity(n);
  for (int i = 0; i < n; ++i) identity[i] = i;
  const SparseMatrix upper = upper_pattern(n, edges, identity);
  const Fill amd = fill_of(n, edges, orders.analysed_order(upper));
  const linear::LowDegreePeeling peel = linear::peel_low_degree(upper);
  const Fill both = fill_of(n, edges, orders.peeled_order(peel));
  std::printf("%-28s %9d %7.4f %11.0f %11.0f %7.4f %13.0f %13.0f %7.4f\n", name.c_str(), n,
              n ? static_cast<double>(peel.core.size()) / n : 0.0, amd.lnz, both.lnz,
              amd.lnz ? both.lnz / amd.lnz : 1.0, amd.flops, both.flops,
              amd.flops ? both.flops / amd.flops : 1.0);
}

}  // namespace

int main(int argc, char** argv) {
  linear::SpdSolver orders(LinearBackend::automatic);  // the solver's own CHOLMOD settings
  std::printf("%-28s %9s %7s %11s %11s %7s %13s %13s %7s\n", "network", "rows", "core",
              "lnz_amd", "lnz_peel", "ratio", "flops_amd", "flops_peel", "ratio");
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    try {
      if (arg == "--kind" && i + 3 < argc && std::string(argv[i + 2]) == "--pipes") {
        const auto kind = bench::parse_dh_kind(argv[i + 1]);
        const long pipes = std::atol(argv[i + 3]);
        if (!kind) throw std::runtime_error("unknown kind");
        const Network net = Network::build(bench::make_dh_network(*kind, pipes, 1));
        report(std::string(argv[i + 1]) + "_" + argv[i + 3], net, orders);
        i += 3;
      } else {
        const Network net = Network::build(io::read_network(arg));
        const std::filesystem::path path(arg);
        const bool generic = path.stem() == "network";  // validation/reference/<name>/network.*
        report((generic ? path.parent_path().filename() : path.stem()).string(), net, orders);
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s: %s\n", arg.c_str(), e.what());
    }
  }
  return 0;
}
