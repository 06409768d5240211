// heatnet_counts: the speed regression guard. Wall-clock time is noisy on a shared machine;
// the work a solve does is not: Newton iterations, outer (thermal) iterations and numeric
// factorisations are deterministic for a given build. This tool counts them on a fixed set of
// networks and compares them with the numbers stored in benchmarks/counts.json.
//
//   heatnet_counts --check  benchmarks/counts.json   (ctest / make test)
//   heatnet_counts --update benchmarks/counts.json   (make update-counts: on purpose only)
//   heatnet_counts --print                           (the counts as JSON on stdout)
//   options: --source-dir DIR (the repo, for examples/), --reference-dir DIR (the EPANET
//            networks; default $HEATNET_REFERENCE_DIR, else <source-dir>/validation/reference),
//            --only NAME (one case; --check then compares that case alone)
//
// --check fails (exit 1) when a count grew by more than 10 % over its stored value, when a
// case no longer ends with its stored status, or when a stored case is missing; a count that
// fell by more than 10 % passes with a note that the stored numbers could be tightened.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_util.hpp"
#include "generators.hpp"
#include "heatnet/io.hpp"
#include "heatnet/profiles.hpp"
#include "heatnet/simulate.hpp"
#include "heatnet/solve.hpp"
#include "network/compiled.hpp"

using namespace heatnet;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// A count may grow by this fraction before the check fails.
constexpr double kAllowedGrowth = 0.10;

[[noreturn]] void usage(const std::string& msg) {
  std::fprintf(stderr,
               "error: %s\nusage: heatnet_counts (--check FILE | --update FILE | --print) "
               "[--source-dir DIR] [--reference-dir DIR] [--only NAME]\n",
               msg.c_str());
  std::exit(2);
}

json report_counts(const SolveReport& r) {
  return {{"status", std::string(to_string(r.status))},
          {"newton_iterations", r.iterations},
          {"outer_iterations", r.outer_iterations},
          {"factorisations", r.factorisations},
          // the size and work of each factorisation: fill-in grows them, not the counts above
          {"factor_nonzeros", r.factor_nonzeros},
          {"factor_flops", r.factor_flops}};
}

// A steady coupled solve of the Oral design case.
json oral_design(const fs::path& src) {
  const Network net = Network::build(io::read_network(src / "examples/oral/oral.json"));
  Solver solver;
  solver.solve(net);
  return report_counts(solver.report());
}

// The Oral 8,760 h quasi-static run (the CLI's defaults), no results file.
json oral_annual(const fs::path& src) {
  const Network net = Network::build(io::read_network(src / "examples/oral/oral.json"));
  const Profiles profiles = io::read_profiles(src / "examples/oral/annual_profiles.csv");
  long outer = 0, factorisations = 0, analyses = 0;
  const SimulationResult r = simulate(net, profiles, {}, [&](const StepInfo& s) {
    outer += s.report->outer_iterations;
    factorisations += s.report->factorisations;
    analyses += s.report->symbolic_reused ? 0 : 1;
    return true;
  });
  return {{"status", r.summary.failed_steps == 0 && r.summary.complete ? "converged" : "failed_steps"},
          {"steps", r.summary.steps_done},
          {"newton_iterations", r.summary.total_iterations},
          {"outer_iterations", outer},
          {"factorisations", factorisations},
          {"symbolic_analyses", analyses}};
}

// A hydraulic steady state of an EPANET network at heatnet's default tolerance.
json epanet(const fs::path& inp) {
  if (!fs::exists(inp))
    throw std::runtime_error(inp.string() + " not found (set HEATNET_REFERENCE_DIR or --reference-dir)");
  const Network net = Network::build(io::read_network(inp));
  Solver solver;
  solver.solve(net);
  return report_counts(solver.report());
}

// The realistic 1e5-pipe benchmark network (heatnet_bench --kind realistic --pipes 100000):
// the first solve, then the re-solve after every heat demand x 0.9 (warm start).
json realistic_1e5() {
  Network net = Network::build(bench::make_dh_network(bench::DhKind::realistic, 100000, 1));
  Solver solver;
  solver.solve(net);
  json out = report_counts(solver.report());
  for (int c = 0; c < net.consumer_count(); ++c)
    net.set_consumer_heat_demand(c, 0.9 * net.consumers().heat_demand_W[c]);
  solver.solve(net);
  out["resolve"] = report_counts(solver.report());
  return out;
}

// A meshed district-heating network (heatnet_bench --kind street_grid_flat --pipes 10000: a
// level street grid, supply and return meshes joined by ~1,300 substations): the case whose
// factorisation cost a change to the pressure system's pattern moves most. Consumers entering
// the pattern as links coupled the two meshes and tripled its factor's flops unnoticed, as no
// case here was meshed.
json street_grid_1e4() {
  const Network net =
      Network::build(bench::make_dh_network(bench::DhKind::street_grid_flat, 10000, 1));
  Solver solver;
  solver.solve(net);
  return report_counts(solver.report());
}

struct Case {
  std::string name;
  std::function<json()> run;
};

// Compares one stored value with the measured one (recursing into objects); appends failures
// and notes. Numbers are counts (a growth beyond kAllowedGrowth fails), strings must match.
void compare(const std::string& path, const json& stored, const json& now,
             std::vector<std::string>& failures, std::vector<std::string>& notes) {
  if (stored.is_object()) {
    for (auto it = stored.begin(); it != stored.end(); ++it) {
      if (!now.contains(it.key())) {
        failures.push_back(path + "." + it.key() + ": not measured any more");
        continue;
      }
      compare(path + "." + it.key(), it.value(), now.at(it.key()), failures, notes);
    }
    return;
  }
  if (stored.is_number() && path.size() >= 6 && path.substr(path.size() - 6) == ".steps") {
    if (stored != now) failures.push_back(path + ": " + now.dump() + " (stored " + stored.dump() + ")");
    return;
  }
  if (stored.is_number()) {
    const double s = stored.get<double>(), n = now.get<double>();
    const std::string change = path + ": " + now.dump() + " (stored " + stored.dump() + ")";
    if (n > s * (1.0 + kAllowedGrowth) && n > s) failures.push_back(change);
    else if (n < s * (1.0 - kAllowedGrowth)) notes.push_back(change);
    return;
  }
  if (stored != now) failures.push_back(path + ": " + now.dump() + " (stored " + stored.dump() + ")");
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode, file, only;
  fs::path source_dir = HEATNET_SOURCE_DIR;
  std::optional<fs::path> reference_dir;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage("missing value after " + a);
      return argv[++i];
    };
    if (a == "--check" || a == "--update") {
      mode = a.substr(2);
      file = value();
    } else if (a == "--print") {
      mode = "print";
    } else if (a == "--source-dir") {
      source_dir = value();
    } else if (a == "--reference-dir") {
      reference_dir = value();
    } else if (a == "--only") {
      only = value();
    } else {
      usage("unknown argument " + a);
    }
  }
  if (mode.empty()) usage("one of --check, --update, --print is required");
  if (!reference_dir) {
    const char* env = std::getenv("HEATNET_REFERENCE_DIR");
    reference_dir = env && *env ? fs::path(env) : source_dir / "validation" / "reference";
  }
  const fs::path epanet_dir = *reference_dir / "epanet";

  const std::vector<Case> cases = {
      {"oral_design", [&] { return oral_design(source_dir); }},
      {"oral_annual_8760h", [&] { return oral_annual(source_dir); }},
      {"epanet_DMAs", [&] { return epanet(epanet_dir / "DMAs/network.inp"); }},
      {"epanet_BWSN_Network_2", [&] { return epanet(epanet_dir / "BWSN_Network_2/network.inp"); }},
      {"epanet_NJ1", [&] { return epanet(epanet_dir / "NJ1/network.inp"); }},
      {"realistic_1e5", [&] { return realistic_1e5(); }},
      {"street_grid_1e4", [&] { return street_grid_1e4(); }},
  };

  json measured = json::object();
  try {
    for (const Case& c : cases) {
      if (!only.empty() && c.name != only) continue;
      const auto t0 = bench::Clock::now();
      measured[c.name] = c.run();
      std::fprintf(stderr, "%-24s %s (%.2f s)\n", c.name.c_str(), measured[c.name].dump().c_str(),
                   bench::seconds_since(t0));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  if (!only.empty() && measured.empty()) usage("no case named " + only);

  if (mode == "print") {
    std::cout << measured.dump(1) << "\n";
    return 0;
  }
  if (mode == "update") {
    json stored = json::object();
    if (!only.empty() && fs::exists(file)) stored = json::parse(std::ifstream(file));
    for (auto it = measured.begin(); it != measured.end(); ++it) stored[it.key()] = it.value();
    std::ofstream(file) << stored.dump(1) << "\n";
    std::fprintf(stderr, "wrote %s\n", file.c_str());
    return 0;
  }
  std::ifstream in(file);
  if (!in) usage("cannot read " + file);
  const json stored = json::parse(in);
  std::vector<std::string> failures, notes;
  for (auto it = stored.begin(); it != stored.end(); ++it) {
    if (!only.empty() && it.key() != only) continue;
    if (!measured.contains(it.key())) {
      failures.push_back(it.key() + ": stored but not measured");
      continue;
    }
    compare(it.key(), it.value(), measured.at(it.key()), failures, notes);
  }
  for (auto it = measured.begin(); it != measured.end(); ++it)
    if (!stored.contains(it.key())) failures.push_back(it.key() + ": measured but not stored");
  for (const auto& n : notes)
    std::fprintf(stderr, "note: fell by more than 10 %%: %s (make update-counts tightens the guard)\n",
                 n.c_str());
  for (const auto& f : failures) std::fprintf(stderr, "FAIL: %s\n", f.c_str());
  if (!failures.empty()) {
    std::fprintf(stderr,
                 "%zu count(s) grew by more than 10 %% or changed status. If the extra work is "
                 "intended, store the new numbers with `make update-counts` and say why in the "
                 "commit.\n",
                 failures.size());
    return 1;
  }
  std::fprintf(stderr, "counts within 10 %% of %s\n", file.c_str());
  return 0;
}
