// Mass balance on generated meshed networks (seeded): every junction to 1e-9 relative to the
// largest flow, the pressure nodes supplying exactly the total demand. The 100,000-pipe case
// is hidden ([.large]) and prints iterations and wall time (timing belongs to benchmarks:
// nothing about speed is asserted).
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <iostream>

#include "heatnet/solve.hpp"
#include "tests/network_builders.hpp"

using namespace heatnet;
using namespace heatnet::testing;

namespace {
void check_grid(int nx, int ny, unsigned seed, bool print) {
  const NetworkDefinition d = grid_network(nx, ny, seed);
  const Network net = Network::build(d);
  const auto t0 = std::chrono::steady_clock::now();
  Result r = solve(net);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (print)
    std::cout << "grid " << nx << "x" << ny << ": " << d.pipes.size() << " pipes, "
              << d.nodes.size() << " nodes, " << r.report().iterations << " Newton iterations, "
              << r.report().backend << ", " << wall << " s\n";
  INFO(r.report().brief());
  REQUIRE(r.converged());
  const auto imb = node_imbalance(d, r);
  const double scale = flow_scale(r);
  double total_demand = 0, boundary = 0, worst = 0;
  for (std::size_t i = 0; i < d.nodes.size(); ++i) {
    total_demand += d.nodes[i].demand_kg_s;
    if (is_boundary_node(d, d.nodes[i].id)) {
      boundary += imb[i];  // what the boundary feeds in
      continue;
    }
    worst = std::max(worst, std::abs(imb[i]));
  }
  CHECK(worst <= 1e-9 * scale);
  CHECK(boundary == Approx(total_demand).epsilon(1e-9));
  CHECK(r.summaries().back().max_mass_imbalance_kg_s <= 1e-9 * scale);
}
}  // namespace

TEST_CASE("10,000-pipe meshed grid: mass balance at every node", "[hydraulics][large_networks]") {
  const NetworkDefinition d = grid_network(72, 71, 20240601u);
  REQUIRE(d.pipes.size() >= 10000);
  check_grid(72, 71, 20240601u, true);
}

TEST_CASE("100,000-pipe meshed grid: mass balance at every node", "[.large][large_networks]") {
  const NetworkDefinition d = grid_network(225, 224, 7u);
  REQUIRE(d.pipes.size() >= 100000);
  check_grid(225, 224, 7u, true);
}
