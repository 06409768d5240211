// heatnet_bench: coupled thermal-hydraulic solves of generated district heating networks.
//
//   heatnet_bench --kind realistic|street_grid|street_grid_flat --pipes N [--repeats R] [--seed S]
//                 [--write-json FILE] [--phases first|all] [--max-seconds T] [--no-plant2]
//                 [--diag]
//
// One size per process (the peak memory is then the size's own). Prints one JSON object on
// stdout (the last line); progress goes to stderr. Phases, each timed around Solver::solve
// (wall) and from its SolveReport:
//   first   : new Solver, cold start (symbolic analysis included; analyse_s separately)
//   resolve : every consumer's heat demand x 0.9 (set_consumer_heat_demand), same Solver:
//             must reuse the symbolic analysis (checked), warm start
//   step    : one time-series step: supply temperatures -1 K, ambient +0.5 K, same Solver
// Exit status 2 if a solve is not usable or the symbolic analysis is not reused.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

#include "bench_util.hpp"
#include "generators.hpp"
#include "heatnet/io.hpp"
#include "heatnet/solve.hpp"
#include "network/compiled.hpp"

using namespace heatnet;
using namespace heatnet::bench;

namespace {

[[noreturn]] void usage(const char* msg) {
  std::fprintf(stderr,
               "error: %s\nusage: heatnet_bench --kind realistic|street_grid|street_grid_flat --pipes N "
               "[--repeats R] [--seed S] [--write-json FILE] [--phases first|all]\n",
               msg);
  std::exit(1);
}

struct Phase {
  std::vector<double> wall;
  std::map<std::string, std::vector<double>> timings;
  SolveReport report;  // of the first repeat (iterations are deterministic)
  void add(double w, const SolveReport& r) {
    if (wall.empty()) report = r;
    wall.push_back(w);
    const nlohmann::json t = timings_json(r);
    for (auto& [k, v] : t.items()) timings[k].push_back(v.get<double>());
  }
  nlohmann::json json() const {
    nlohmann::json j;
    j["wall_s"] = median(wall);
    j["wall_all_s"] = wall;
    for (const auto& [k, v] : timings) j[k] = median(v);
    j["iterations"] = report.iterations;
    j["outer_iterations"] = report.outer_iterations;
    j["status"] = std::string(to_string(report.status));
    j["backend"] = report.backend;
    j["symbolic_reused"] = report.symbolic_reused;
    j["factor_nonzeros"] = report.factor_nonzeros;
    j["factor_flops"] = report.factor_flops;
    return j;
  }
};

bool check(const SolveReport& r, const char* phase, bool want_reuse) {
  bool ok = true;
  if (!r.usable()) {
    std::fprintf(stderr, "FAIL %s: %s\n", phase, r.brief().c_str());
    ok = false;
  }
  if (want_reuse && !r.symbolic_reused) {
    std::fprintf(stderr, "FAIL %s: symbolic analysis was redone (symbolic_reused = false)\n", phase);
    ok = false;
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  DhKind kind = DhKind::realistic;
  long pipes = 0;
  int repeats = 1;
  std::uint64_t seed = 1;
  std::string write_json;
  bool all_phases = true, diag = false;
  double max_seconds = 1e30;  // stop repeating once the repeats so far took this long
  DhOptions gen_options;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value after " + a).c_str());
      return argv[++i];
    };
    if (a == "--kind") {
      const auto k = parse_dh_kind(value());
      if (!k) usage("unknown --kind");
      kind = *k;
    } else if (a == "--pipes") {
      pipes = std::stol(value());
    } else if (a == "--repeats") {
      repeats = std::stoi(value());
    } else if (a == "--seed") {
      seed = std::stoull(value());
    } else if (a == "--write-json") {
      write_json = value();
    } else if (a == "--max-seconds") {
      max_seconds = std::stod(value());
    } else if (a == "--no-plant2") {
      gen_options.second_plant = false;
    } else if (a == "--diag") {
      diag = true;
    } else if (a == "--phases") {
      all_phases = value() != "first";
    } else {
      usage(("unknown argument " + a).c_str());
    }
  }
  if (pipes < 40) usage("--pipes must be >= 40");
  if (repeats < 1) usage("--repeats must be >= 1");

  nlohmann::json out;
  out["kind"] = std::string(to_string(kind));
  out["target_pipes"] = pipes;
  out["seed"] = seed;
  out["repeats"] = repeats;

  // ---- generate + build (not part of the solve timings)
  auto t0 = Clock::now();
  DhNetworkInfo info;
  NetworkDefinition def = make_dh_network(kind, pipes, seed, &info, gen_options);
  out["generate_s"] = seconds_since(t0);
  if (!write_json.empty()) io::write_network_json(def, write_json);
  t0 = Clock::now();
  Network base = Network::build(def);
  out["build_s"] = seconds_since(t0);
  out["pipes"] = base.pipe_count();
  out["nodes"] = base.node_count();
  out["consumers"] = base.consumer_count();
  out["sources"] = base.source_count();
  out["loops_per_side"] = info.loops_per_side;
  out["design_heat_MW"] = info.design_heat_W * 1e-6;
  out["design_flow_kg_s"] = info.design_flow_kg_s;
  out["estimated_path_dp_bar"] = info.estimated_path_dp_Pa * 1e-5;
  out["critical_consumer"] = info.critical_consumer;
  out["definition_peak_rss_MB"] = peak_rss_mb();
  def = NetworkDefinition{};  // the solver phase's memory is what we want to see next
  out["rss_after_build_MB"] = current_rss_mb();
  const bool can_reset = reset_peak_rss();
  std::fprintf(stderr, "%s %ld pipes: generated %.2f s, built %.2f s\n",
               std::string(to_string(kind)).c_str(), static_cast<long>(base.pipe_count()),
               out["generate_s"].get<double>(), out["build_s"].get<double>());

  Phase first, resolve, step;
  bool ok = true;
  Solution last;
  const auto t_repeats = Clock::now();
  int done = 0;
  for (int rep = 0; rep < repeats && seconds_since(t_repeats) < max_seconds; ++rep, ++done) {
    // fresh parameters each repeat (a copy shares the topology); the last repeat takes the
    // network itself, so the peak memory is that of one network and one solver
    Network net = rep + 1 == repeats ? std::move(base) : base;
    Solver solver;       // fresh Solver: the first solve analyses
    last = Solution{};
    t0 = Clock::now();
    Solution s1 = solver.solve(net);
    first.add(seconds_since(t0), solver.report());
    ok &= check(solver.report(), "first solve", false);
    if (rep == 0 && diag) {
      const auto& ts = s1.field(ElementGroup::consumers, "supply_temperature");
      const auto& mf = s1.field(ElementGroup::consumers, "mass_flow");
      const auto& cr = net.consumers().return_temperature_C;
      int close = 0;
      double tmin = 1e9;
      for (std::size_t c = 0; c < ts.size(); ++c) {
        tmin = std::min(tmin, ts[c]);
        if (ts[c] < cr[c] + 5) ++close;
      }
      const auto& v = s1.field(ElementGroup::pipes, "velocity");
      int slow = 0;
      for (double x : v) slow += std::abs(x) < 1e-3;
      std::fprintf(stderr, "diag: min consumer supply T %.2f, %d consumers within 5 K of return T, "
                   "%d pipes below 1 mm/s\n", tmin, close, slow);
      std::fprintf(stderr, "%s\n", solver.report().full().substr(0, 6000).c_str());
      (void)mf;
      SolverOptions o49;
      o49.max_outer_iterations = 49;
      Solver s49(o49);
      Solution a = s49.solve(net);
      const auto& t50 = s1.field(ElementGroup::nodes, "temperature");
      const auto& t49 = a.field(ElementGroup::nodes, "temperature");
      std::vector<int> idx(t50.size());
      for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<int>(i);
      std::partial_sort(idx.begin(), idx.begin() + 5, idx.end(), [&](int x, int y) {
        return std::abs(t50[x] - t49[x]) > std::abs(t50[y] - t49[y]);
      });
      const Topology& tp = net.topology();
      const auto& q50 = s1.field(ElementGroup::pipes, "mass_flow");
      const auto& q49 = a.field(ElementGroup::pipes, "mass_flow");
      for (int k = 0; k < 5; ++k) {
        const int i = idx[k];
        std::fprintf(stderr, "node %s T50 %.3f T49 %.3f links:", net.nodes().id[i].c_str(), t50[i], t49[i]);
        for (int s = tp.node_link_start[i]; s < tp.node_link_start[i + 1]; ++s) {
          const int l = tp.node_link[s];
          if (tp.link_kind[l] == LinkKind::pipe) {
            const int e = tp.link_element[l];
            std::fprintf(stderr, " %s(%s->%s q50 %.4g q49 %.4g)", net.pipes().id[e].c_str(),
                         net.nodes().id[net.pipes().from[e]].c_str(), net.nodes().id[net.pipes().to[e]].c_str(), q50[e], q49[e]);
          } else {
            std::fprintf(stderr, " %s", std::string(to_string(tp.link_kind[l])).c_str());
          }
        }
        std::fprintf(stderr, "\n");
      }
    }
    if (rep == 0) {
      const StepSummary& sm = s1.summary;
      out["sanity"] = {{"heat_supplied_MW", sm.heat_supplied_W * 1e-6},
                       {"heat_delivered_MW", sm.heat_delivered_W * 1e-6},
                       {"heat_loss_MW", sm.heat_loss_W * 1e-6},
                       {"pump_power_kW", sm.pump_power_W * 1e-3},
                       {"min_pressure_bar", sm.min_pressure_Pa * 1e-5},
                       {"max_pressure_bar", sm.max_pressure_Pa * 1e-5},
                       {"max_velocity_m_s", sm.max_velocity_m_s},
                       {"energy_balance_rel", sm.energy_balance_rel},
                       {"max_mass_imbalance_kg_s", sm.max_mass_imbalance_kg_s},
                       {"failed_checks", sm.failed_checks}};
    }
    if (!all_phases) continue;
    s1 = Solution{};

    // re-solve after a parameter change of every consumer (same topology)
    t0 = Clock::now();
    for (int c = 0; c < net.consumer_count(); ++c)
      net.set_consumer_heat_demand(c, 0.9 * net.consumers().heat_demand_W[c]);
    const double set_s = seconds_since(t0);
    t0 = Clock::now();
    Solution s2 = solver.solve(net);
    resolve.add(seconds_since(t0), solver.report());
    resolve.timings["set_parameters_s"].push_back(set_s);
    ok &= check(solver.report(), "re-solve", true);
    s2 = Solution{};

    // one time-series step: supply temperature and ambient change a little, warm start
    for (int s = 0; s < net.source_count(); ++s)
      net.set_source_supply_temperature(s, net.sources().supply_temperature_C[s] - 1.0);
    net.set_ambient_temperature(net.settings().ambient_temperature_C + 0.5);
    t0 = Clock::now();
    last = solver.solve(net);
    step.add(seconds_since(t0), solver.report());
    ok &= check(solver.report(), "time step", true);
  }
  out["repeats_done"] = done;
  out["first"] = first.json();
  if (all_phases) {
    out["resolve"] = resolve.json();
    out["step"] = step.json();
    out["resolve_ratio"] = median(resolve.wall) / median(first.wall);
    out["step_ratio"] = median(step.wall) / median(first.wall);
  }
  out["peak_rss_MB"] = peak_rss_mb();  // whole process (definition + network + solves)
  if (can_reset) out["solve_peak_rss_MB"] = proc_status_mb("VmHWM");  // from after the build
  out["ok"] = ok;
  std::cout << out.dump() << std::endl;
  return ok ? 0 : 2;
}
