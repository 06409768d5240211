// Solves a network file with the installed library; prints the version and the pressure at the
// last node. Usage: consumer NETWORK.json
#include <iostream>

#include "heatnet/io.hpp"
#include "heatnet/solve.hpp"
#include "heatnet/version.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const heatnet::Network net = heatnet::Network::build(heatnet::io::read_network(argv[1]));
  const heatnet::Result result = heatnet::solve(net);
  const auto& p = result.dataset("nodes/pressure").data;
  std::cout << heatnet::kVersion << " " << result.converged() << " " << p.back() << "\n";
  return result.converged() ? 0 : 1;
}
