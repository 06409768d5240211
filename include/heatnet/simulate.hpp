// Time series: one hydraulic solve per profile step, each warm-started from the previous step
// (flows, temperatures and the cached symbolic factorisation), each step handed to a StepSink,
// e.g. io::ResultsFileSink, which streams it into the [time, element] datasets of a
// heatnet-results/1 file (docs/time-series.md). Temperatures are either quasi-static (a steady
// thermal solve per step) or dynamic (plug flow: fronts travel with the water and arrive after
// the transport delay; ThermalModel::plug_flow).
//
//   heatnet::io::ResultsFileSink file("out/year.h5");
//   auto r = heatnet::simulate(net, profiles, {}, [](const heatnet::StepInfo& s) {
//     return !stop_requested;                // false: stop; the file keeps the steps done
//   }, &file);
//   r.summary.heat_delivered_MWh ...
#pragma once
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

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

// How temperatures evolve between steps (docs/time-series.md §6).
enum class ThermalModel {
  quasi_static,  // a steady thermal solve per step: no transport delay, no storage
  plug_flow,     // Lagrangian parcels per pipe: delay, attenuation and storage (plug_flow.hpp)
};
std::string_view to_string(ThermalModel m);
std::optional<ThermalModel> parse_thermal_model(std::string_view s);

struct SimulationOptions {
  SolverOptions solver;                    // per-step solver options (warm_start is forced on)
  // Outer-loop temperature tolerance used when solver.tolerance_temperature_K is unset (the
  // network's 1e-6 K is meant for steady validation; at low summer loads the thermal-hydraulic
  // coupling stalls around 1e-3 K, and a millikelvin is far below the model's own error).
  double default_temperature_tolerance_K = 1e-3;
  // Newton's relative flow tolerance used when solver.tolerance_mass_flow_rel is unset. A
  // step's accuracy contract is set by the temperature tolerance: node temperatures within it
  // of a tight solve, each consumer's flow within what it amounts to in the consumer's heat
  // balance (m tol_T / (T_s - T_r)), pipe flows within the sum of those
  // (tests/test_time_series.cpp). On 11 windows of the Oral year (268 h, every season) the
  // worst error against tight solves was 0.014 of those bounds at the network's steady 1e-9,
  // 0.074 at 1e-6 (pressures within 0.3 Pa) and 1.05 at 1e-5; the year's steps take 33,730
  // Newton iterations at 1e-9, 21,462 at 1e-6.
  double default_flow_tolerance_rel = 1e-6;
  std::size_t max_steps = 0;               // 0: every profile step; else the first max_steps
  OnStepFailure on_failure = OnStepFailure::continue_run;
  int max_consecutive_failures = 24;       // continue_run: stop after this many in a row
  bool keep_result = false;                // also collect every step in memory (Python)
  std::string input_sha256;                // the input's hash, for the layout a sink records
  ThermalModel thermal_model = ThermalModel::quasi_static;
  int max_parcels_per_pipe = 200;          // plug_flow: parcels per pipe before merging (>= 2)
  // Supply-temperature steps of at least this size (between two profile steps, any source)
  // are analysed for their arrival at the consumers (SimulationResult::step_arrival).
  double arrival_min_step_K = 5.0;

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
  ThermalModel thermal_model = ThermalModel::quasi_static;
  // plug_flow: heat stored in the pipes' water at the end minus at the start, and the
  // boundary enthalpy (pressure nodes, node demands); supplied + boundary = delivered + loss +
  // stored over the converged steps; the largest relative imbalance of a step.
  double heat_stored_change_MWh = 0;
  double boundary_heat_MWh = 0;
  double max_energy_balance_rel = 0;
  // wall-clock breakdown, seconds
  double wall_time_s = 0, apply_s = 0, solve_s = 0, write_s = 0;
  int total_iterations = 0;

  std::string brief() const;  // one line
  std::string full() const;   // the annual summary table the CLI prints
};

// Arrival of a supply-temperature step at the consumers. The step is the largest jump of any
// source's supply temperature between two consecutive profile steps (at least
// arrival_min_step_K); it is analysed until the next change of any supply temperature (or the
// end of the run). A consumer's delay is the time from the step until its supply temperature
// crosses the midpoint between its value before the step and its value at the end of that
// window. Step values are interval means (plug flow) or the steady state of the interval
// (quasi-static), placed at the interval centres and interpolated linearly, so the resolution
// is about the step length. NaN: no crossing in the window, a response below 10 % of the
// jump, or a consumer not yet settled at the end of the window (its last two values differ by
// more than 5 % of its change; a window of one step is never settled).
struct StepArrival {
  std::size_t step = 0;          // first profile step at the new supply temperature
  double step_time_s = 0;
  std::string source;            // whose supply temperature jumped
  double step_K = 0;             // the jump (signed)
  std::vector<double> delay_s;   // per consumer
  std::size_t arrived = 0;       // consumers with a finite delay
  double min_s = 0, median_s = 0, max_s = 0;  // over those (NaN when none)
};
// The analysis on its own: time_s and duration_s per step, source_T [steps x sources] and
// consumer_T [steps x consumers] row-major. nullopt when no jump reaches min_step_K.
std::optional<StepArrival> find_step_arrival(const std::vector<double>& time_s,
                                             const std::vector<double>& duration_s,
                                             const std::vector<double>& source_T,
                                             const std::vector<std::string>& source_ids,
                                             const std::vector<double>& consumer_T,
                                             std::size_t consumers, double min_step_K);

struct SimulationResult {
  SimulationSummary summary;
  std::vector<SolveStatus> step_status;  // one per step done
  std::optional<Result> result;          // when options.keep_result
  // A supply-temperature step and its arrival at each consumer (also stored in the results
  // file as /consumers/step_arrival_delay [1, C], s, with attributes step_time_s, step_K,
  // source).
  std::optional<StepArrival> step_arrival;
};

// Where the time loop's output goes: a results file (io::ResultsFileSink), a test's recorder, a
// future streaming output. simulate() calls begin() once before the first step, write_step()
// after every step (failed steps included, in order) and finish() once after the last, with the
// run's summary; a sink that stages its output publishes it in finish(). An exception thrown by
// a sink ends the run and propagates to the caller; the sink's destructor must then leave no
// partial output behind.
class StepSink {
 public:
  virtual ~StepSink() = default;
  // `layout`: the element ids and the run's metadata (network name, input hash), no steps yet.
  virtual void begin(const Result& layout, std::size_t steps_planned) = 0;
  virtual void write_step(double time_s, const Solution& solution, const SolveReport& report) = 0;
  virtual void finish(const SimulationResult& run, const SimulationOptions& options) = 0;
};

// Runs the time series on a copy of `network` (the argument is not modified), handing every
// step to `sink` when one is given. Throws InputError for profiles that do not fit the network
// (before the sink sees anything); what a sink throws (e.g. IoError) propagates.
// Non-convergence is data (step_status).
SimulationResult simulate(const Network& network, const Profiles& profiles,
                          const SimulationOptions& options = {}, const StepCallback& callback = {},
                          StepSink* sink = nullptr);

}  // namespace heatnet
