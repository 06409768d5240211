// heatnet simulate: one warm-started steady solve per profile step, streamed into a
// heatnet-results/1 file; Ctrl-C commits the steps done with complete = 0.
#include "cli/simulate_command.hpp"

#include <signal.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include "cli/commands.hpp"
#include "cli/load_network.hpp"
#include "cli/progress.hpp"
#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "heatnet/profiles.hpp"
#include "heatnet/simulate.hpp"

namespace heatnet::cli {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void on_sigint(int) { g_interrupted = 1; }

// Installs the SIGINT handler for the run; a second Ctrl-C (SA_RESETHAND) kills the process the
// ordinary way. Restores the previous handler on exit.
class SigintGuard {
 public:
  SigintGuard() {
    g_interrupted = 0;
    struct sigaction sa {};
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    installed_ = ::sigaction(SIGINT, &sa, &previous_) == 0;
  }
  ~SigintGuard() {
    if (installed_) ::sigaction(SIGINT, &previous_, nullptr);
  }
  SigintGuard(const SigintGuard&) = delete;
  SigintGuard& operator=(const SigintGuard&) = delete;

 private:
  struct sigaction previous_ {};
  bool installed_ = false;
};

constexpr int kExitInterrupted = 130;

std::string format_fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}
// 0.42 h -> "25.2 min", 3.5 h -> "3.50 h"
std::string format_hours(double h) {
  return std::abs(h) < 1.0 ? format_fixed(h * 60.0, 1) + " min" : format_fixed(h, 2) + " h";
}

}  // namespace

CLI::App* add_simulate_command(CLI::App& app, SimulateArgs& a) {
  auto* cmd = app.add_subcommand(
      "simulate", "run a time series (one warm-started solve per profile step) into HDF5");
  cmd->add_option("network", a.network, "network file (.json)")->required();
  cmd->add_option("--profiles", a.profiles, "profiles file (.csv or .json, heatnet-profiles/1)")
      ->required();
  cmd->add_option("-o,--output", a.output, "results file (.h5)")->required();
  cmd->add_option("--steps", a.steps, "solve only the first N steps (default: all)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--on-failure", a.on_failure,
                  "a step that does not converge: 'continue' (default; recorded, next step "
                  "starts cold) or 'stop' (commit the steps done, complete = 0)")
      ->check(CLI::IsMember({"continue", "stop"}));
  cmd->add_option("--max-consecutive-failures", a.max_consecutive_failures,
                  "with --on-failure continue: stop after this many failed steps in a row")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--tolerance", a.tolerance,
                  "relative mass-flow tolerance (default 1e-6 for time series)");
  cmd->add_option("--temperature-tolerance", a.temperature_tolerance,
                  "outer-loop temperature tolerance in K (default 1e-3 for time series)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-iterations", a.max_iterations, "Newton iterations per solve")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--gzip", a.gzip, "HDF5 gzip level (0 = none)")->check(CLI::Range(0, 9));
  cmd->add_option("--chunk-steps", a.chunk_steps, "time steps per HDF5 chunk (default 256)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--sync", a.sync,
                "flush the results file to disk before it takes the output name (power-cut "
                "safe; costs a disk flush)");
  cmd->add_option("--thermal-model", a.thermal_model,
                  "temperatures: 'quasi_static' (default; a steady thermal solve per step) or "
                  "'plug_flow' (fronts travel with the water: transport delay and storage)")
      ->check(CLI::IsMember({"quasi_static", "plug_flow"}));
  cmd->add_option("--max-parcels", a.max_parcels,
                  "plug_flow: water parcels per pipe before the closest ones merge (default 200)")
      ->check(CLI::Range(2, 1000000));
  cmd->add_flag("-q,--quiet", a.quiet, "print nothing but errors");
  return cmd;
}

int run_simulate(const SimulateArgs& a) {
  SimulationOptions o;
  o.solver.tolerance_mass_flow_rel = a.tolerance;
  o.solver.max_iterations = a.max_iterations;
  o.solver.tolerance_temperature_K = a.temperature_tolerance;
  o.max_steps = a.steps;
  o.on_failure = *parse_on_step_failure(a.on_failure);
  o.max_consecutive_failures = a.max_consecutive_failures;
  o.thermal_model = *parse_thermal_model(a.thermal_model);
  o.max_parcels_per_pipe = a.max_parcels;
  o.validate();  // usage errors before any file work

  const LoadedNetwork loaded = load_network(a.network);
  const Profiles profiles = io::read_profiles(a.profiles);
  o.input_sha256 = loaded.input_sha256;

  const std::size_t total =
      a.steps > 0 ? std::min(a.steps, profiles.steps()) : profiles.steps();
  ProgressBar bar("simulate", total);
  std::size_t failed_so_far = 0;
  SigintGuard sigint;
  SimulationResult r;
  try {
    io::ResultsFileSink file(a.output, io::ResultsFileOptions{a.gzip, a.chunk_steps, a.sync});
    r = simulate(loaded.network, profiles, o, [&](const StepInfo& s) {
      if (!s.report->usable()) ++failed_so_far;
      if (!a.quiet) bar.update(s.step + 1);
      return g_interrupted == 0;
    }, &file);
  } catch (const InputError&) {
    throw;
  } catch (const NetworkError& e) {
    rethrow_located(e, loaded, a.network);
  }
  bar.finish();
  const SimulationSummary& s = r.summary;
  if (!a.quiet) {
    std::cout << "network:          " << loaded.network.name() << "\n";
    std::cout << s.full();
    if (r.step_arrival) {
      const StepArrival& sa = *r.step_arrival;
      auto h = [](double v) { return std::isnan(v) ? std::string("-") : format_hours(v / 3600.0); };
      std::cout << "step arrival:     " << (sa.step_K > 0 ? "+" : "") << format_fixed(sa.step_K, 1)
                << " K at " << sa.source << ", t = " << format_hours(sa.step_time_s / 3600.0)
                << ": delay min " << h(sa.min_s) << ", median " << h(sa.median_s) << ", max "
                << h(sa.max_s) << " (" << sa.arrived << " of " << sa.delay_s.size()
                << " consumers crossed the midpoint)\n";
    }
    std::cout << "results:          " << a.output << (s.complete ? "" : " (complete = 0)") << "\n";
  }
  if (s.stopped && g_interrupted) {
    std::cerr << "interrupted: " << s.steps_done << " of " << s.steps_planned
              << " steps written to " << a.output << " (complete = 0)\n";
    return kExitInterrupted;
  }
  if (s.failed_steps > 0) {
    std::cerr << "warning: " << s.failed_steps << " step(s) did not converge"
              << (s.stopped_on_failure ? "; the run stopped" : "")
              << " (see /solver/step_status in " << a.output << ")\n";
    return kExitNotConverged;
  }
  return kExitOk;
}

}  // namespace heatnet::cli
