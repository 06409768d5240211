// heatnet_bench_epanet: hydraulic-only solves of water networks, timed without parsing.
//
//   heatnet_bench_epanet --inp FILE.inp [FILE.inp ...] [--repeats R]
//       EPANET networks through io::read_network (the .inp importer). If the importer is not in
//       this build, prints {"skipped": ...} per file instead.
//   heatnet_bench_epanet --grid LINKS [--write-inp FILE.inp] [--repeats R] [--seed S]
//       A synthetic Hazen-Williams grid with one reservoir, built in memory (and written as
//       .inp for EPANET / epanet-js). Also solved through the importer when it exists.
//
// One JSON object per network on stdout. Times: parse (read_network), build (Network::build),
// first solve (new Solver: symbolic analysis + Newton; median of R, after one untimed), re-solve
// (demands x 0.9, same Solver, warm start).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "generators.hpp"
#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "heatnet/solve.hpp"
#include "network/compiled.hpp"

using namespace heatnet;
using namespace heatnet::bench;
namespace fs = std::filesystem;

namespace {

[[noreturn]] void usage(const char* msg) {
  std::fprintf(stderr,
               "error: %s\nusage: heatnet_bench_epanet --inp FILE... [--repeats R]\n"
               "       heatnet_bench_epanet --grid LINKS [--write-inp FILE] [--repeats R] [--seed S]\n",
               msg);
  std::exit(1);
}

constexpr double kEpanetAccuracy = 1e-3;  // EPANET's default [OPTIONS] ACCURACY

SolverOptions hydraulic_only() {
  SolverOptions o;
  o.thermal = false;
  return o;
}

// Times the solves of one built network into `out`. One untimed solve first: the process's
// first solves of a network ran 25-40 % slower per iteration than later ones (the allocator
// still growing its heap, each fresh page faulted in), whichever tolerance came first
// (BWSN_Network_2: 19-26 ms at the default then 13.5 ms at 1e-3; swapped, 17-27 ms at 1e-3 then
// 15 ms at the default). Then, in each repetition, one first solve at the default tolerance
// with its re-solve and one at EPANET's accuracy, so that both see the same state.
void time_solves(const Network& base, int repeats, nlohmann::json& out) {
  std::vector<double> first, analyse, resolve, coarse;
  SolveReport r1, r2, rc;
  SolverOptions at_epanet_accuracy = hydraulic_only();
  // The same first solve stopped at EPANET's default accuracy figure (0.001) applied to
  // heatnet's stricter test (largest relative flow change, EPANET: sum|dq| / sum|q|): the work
  // EPANET's own stopping rule asks for, next to heatnet's default 1e-9.
  at_epanet_accuracy.tolerance_mass_flow_rel = kEpanetAccuracy;
  Solver(hydraulic_only()).solve(base);  // the untimed one
  for (int rep = 0; rep < repeats; ++rep) {
    Network net = base;
    Solver solver(hydraulic_only());
    auto t0 = Clock::now();
    Solution s = solver.solve(net);
    first.push_back(seconds_since(t0));
    analyse.push_back(solver.report().timings.analyse_s);
    if (rep == 0) r1 = solver.report();
    for (int i = 0; i < net.node_count(); ++i)
      if (net.nodes().demand_kg_s[i] > 0) net.set_node_demand(i, 0.9 * net.nodes().demand_kg_s[i]);
    t0 = Clock::now();
    s = solver.solve(net);
    resolve.push_back(seconds_since(t0));
    if (rep == 0) r2 = solver.report();

    Solver coarse_solver(at_epanet_accuracy);
    t0 = Clock::now();
    coarse_solver.solve(base);
    coarse.push_back(seconds_since(t0));
    if (rep == 0) rc = coarse_solver.report();
  }
  out["pipes"] = base.pipe_count();
  out["links"] = base.pipe_count() + base.pump_count() + base.valve_count();
  out["nodes"] = base.node_count();
  out["first_solve_s"] = median(first);
  out["analyse_s"] = median(analyse);
  out["resolve_s"] = median(resolve);
  out["iterations"] = r1.iterations;
  out["status"] = std::string(to_string(r1.status));
  out["message"] = r1.message;
  out["backend"] = r1.backend;
  out["resolve_iterations"] = r2.iterations;
  out["resolve_symbolic_reused"] = r2.symbolic_reused;
  out["first_timings"] = timings_json(r1);
  out["epanet_accuracy"] = {{"tolerance", kEpanetAccuracy},
                            {"first_solve_s", median(coarse)},
                            {"iterations", rc.iterations},
                            {"status", std::string(to_string(rc.status))}};
}

// Parses + builds + solves one .inp; {"skipped": why} when the importer is missing.
nlohmann::json bench_inp(const fs::path& path, int repeats) {
  nlohmann::json out;
  out["file"] = path.string();
  out["name"] = path.parent_path().filename().string() == "" ? path.stem().string()
                                                              : path.parent_path().filename().string();
  NetworkDefinition def;
  try {
    auto t0 = Clock::now();
    def = io::read_network(path);
    out["parse_s"] = seconds_since(t0);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::unsupported) {
      out["skipped"] = std::string("EPANET importer not available: ") + e.what();
      return out;
    }
    out["error"] = e.what();
    return out;
  }
  try {
    auto t0 = Clock::now();
    const Network net = Network::build(def);
    out["build_s"] = seconds_since(t0);
    time_solves(net, repeats, out);
  } catch (const Error& e) {
    out["error"] = e.what();
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> inps;
  long grid_links = 0;
  std::string write_inp;
  int repeats = 3;
  std::uint64_t seed = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value after " + a).c_str());
      return argv[++i];
    };
    if (a == "--inp") {
      while (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) inps.emplace_back(argv[++i]);
    } else if (a == "--grid") {
      grid_links = std::stol(value());
    } else if (a == "--write-inp") {
      write_inp = value();
    } else if (a == "--repeats") {
      repeats = std::stoi(value());
    } else if (a == "--seed") {
      seed = std::stoull(value());
    } else {
      usage(("unknown argument " + a).c_str());
    }
  }
  if (inps.empty() && grid_links <= 0) usage("give --inp files or --grid LINKS");
  if (repeats < 1) usage("--repeats must be >= 1");

  for (const auto& p : inps) std::cout << bench_inp(p, repeats).dump() << std::endl;

  if (grid_links > 0) {
    nlohmann::json out;
    auto t0 = Clock::now();
    EpanetGrid g = make_epanet_grid(grid_links, seed, !write_inp.empty());
    out["generate_s"] = seconds_since(t0);
    out["name"] = g.definition.name;
    out["junctions"] = g.junctions;
    if (!write_inp.empty()) {
      fs::create_directories(fs::path(write_inp).parent_path());
      std::ofstream(write_inp, std::ios::binary) << g.inp;
      out["file"] = write_inp;
    }
    t0 = Clock::now();
    const Network net = Network::build(g.definition);
    out["build_s"] = seconds_since(t0);
    g = EpanetGrid{};
    time_solves(net, repeats, out);
    if (!write_inp.empty()) out["via_importer"] = bench_inp(write_inp, repeats);
    out["peak_rss_MB"] = peak_rss_mb();
    std::cout << out.dump() << std::endl;
  }
  return 0;
}
