// Quasi-steady time series: one steady solve per profile step, each warm-started from the
// previous step (flows, temperatures and the cached symbolic factorisation), results streamed
// into the [time, element] datasets of a heatnet-results/1 file (docs/time-series.md).
//
//   heatnet::SimulationOptions o;
//   o.output = "out/year.h5";
//   auto r = heatnet::simulate(net, profiles, o, [](const heatnet::StepInfo& s) {
//     return !stop_requested;                // false: stop; the file keeps the steps done
//   });
//   r.summary.heat_delivered_MWh ...
#pragma once
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "heatnet/io.hpp"
#include "heatnet/network.hpp"
#include "heatnet/profiles.hpp"
#include "heatnet/result.hpp"
#include "heatnet/solve_report.hpp"
#include "heatnet/solver_options.hpp"

namespace heatnet {

// What a step that does not converge does to the run. The failed step is always recorded:
// its row is written (the last iterate), /solver/step_status holds its SolveStatus code,
// /solver/iterations its Newton iterations and the root attribute `failed_steps` counts it.
enum class OnStepFailure {
  continue_run,  // go on (the next step starts cold); stop after max_consecutive_failures
  stop,          // stop at the first failure; the file is committed with complete = 0
};
std::string_view to_string(OnStepFailure f);
std::optional<OnStepFailure> parse_on_step_failure(std::string_view s);

struct SimulationOptions {
  SolverOptions solver;                    // per-step solver options (warm_start is forced on)
  // Outer-loop temperature tolerance used when solver.tolerance_temperature_K is unset (the
  // network's 1e-6 K is meant for steady validation; at low summer loads the thermal-hydraulic
  // coupling stalls around 1e-3 K, and a millikelvin is far below the model's own error).
  double default_temperature_tolerance_K = 1e-3;
  std::size_t max_steps = 0;               // 0: every profile step; else the first max_steps
  OnStepFailure on_failure = OnStepFailure::continue_run;
  int max_consecutive_failures = 24;       // continue_run: stop after this many in a row
  std::optional<std::filesystem::path> output;  // results file (heatnet-results/1); none: not written
  io::ResultsFileOptions file{0, 256};     // 256-step chunks: few, large HDF5 writes
  bool keep_result = false;                // also collect every step in memory (Python)
  std::string input_sha256;                // stored as the root attribute input_sha256

  void validate() const;  // throws heatnet::Error naming the field
};

// Passed to the step callback after every step.
struct StepInfo {
  std::size_t step = 0;        // 0-based index of the step just solved
  std::size_t total = 0;       // steps planned
  double time_s = 0;
  const Solution* solution = nullptr;
  const SolveReport* report = nullptr;
};
// Return false to stop the run after this step (Ctrl-C, Python KeyboardInterrupt): the steps
// done so far are committed with complete = 0.
using StepCallback = std::function<bool(const StepInfo&)>;

// Energy sums integrate each step over the interval it stands for (ProfileBinding::duration_h:
// to the next step; the last repeats the previous interval).
struct SimulationSummary {
  std::size_t steps_planned = 0, steps_done = 0, failed_steps = 0;
  bool complete = false;        // every planned step was solved (failed ones included)
  bool stopped = false;         // the callback asked to stop
  bool stopped_on_failure = false;
  double hours = 0;             // simulated period covered by the steps done
  double heat_supplied_MWh = 0;   // sources
  double heat_delivered_MWh = 0;  // consumers
  double heat_loss_MWh = 0;       // pipes
  double heat_loss_percent = 0;   // heat_loss / heat_supplied * 100
  double pump_energy_MWh = 0;     // hydraulic energy of source and booster pumps
  double hours_with_failed_checks = 0;  // hours of steps with at least one failed design check
  std::size_t steps_with_failed_checks = 0;
  double peak_heat_delivered_W = 0;
  double min_outdoor_temperature_C = 0;  // NaN without an outdoor profile
  // wall-clock breakdown, seconds
  double wall_time_s = 0, apply_s = 0, solve_s = 0, write_s = 0;
  int total_iterations = 0;

  std::string brief() const;  // one line
  std::string full() const;   // the annual summary table the CLI prints
};

struct SimulationResult {
  SimulationSummary summary;
  std::vector<SolveStatus> step_status;  // one per step done
  std::optional<Result> result;          // when options.keep_result
};

// Runs the time series on a copy of `network` (the argument is not modified). Throws
// InputError for profiles that do not fit the network (before any file is created), IoError
// when the results file cannot be written; non-convergence is data (step_status). The results
// file appears under its name only complete and committed (atomic rename), with the summary
// as root attributes.
SimulationResult simulate(const Network& network, const Profiles& profiles,
                          const SimulationOptions& options = {}, const StepCallback& callback = {});

// The summary stored in a results file written by simulate() (its root attributes; the
// timing fields are not stored and stay 0). Throws IoError for a file without them.
SimulationSummary read_simulation_summary(const std::filesystem::path& results);

}  // namespace heatnet
