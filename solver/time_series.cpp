// heatnet::simulate: the quasi-steady time loop (docs/time-series.md).
//
// Per step: apply the profile values (set_* on a private copy of the network: the topology is
// untouched, so the Solver keeps its symbolic factorisation), solve warm-started from the
// previous step, stream the step into the results file, accumulate the summary, ask the
// callback whether to go on. The results file is staged under hidden names and renamed onto
// the target only once it is committed and carries the summary attributes.
#include "heatnet/simulate.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "heatnet/errors.hpp"
#include "heatnet/solve.hpp"
#include "io/profiles_results.hpp"

namespace heatnet {
namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Removes a staged file unless released.
struct StagedFile {
  std::filesystem::path path;
  ~StagedFile() {
    if (path.empty()) return;
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

std::string fmt(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}
}  // namespace

std::string_view to_string(OnStepFailure f) {
  return f == OnStepFailure::stop ? "stop" : "continue";
}
std::optional<OnStepFailure> parse_on_step_failure(std::string_view s) {
  if (s == "stop") return OnStepFailure::stop;
  if (s == "continue") return OnStepFailure::continue_run;
  return std::nullopt;
}

void SimulationOptions::validate() const {
  solver.validate();
  if (max_consecutive_failures < 1)
    throw Error(ErrorCode::invalid_value, "simulation options", "", "max_consecutive_failures",
                std::to_string(max_consecutive_failures), "must be >= 1");
  if (!(default_temperature_tolerance_K > 0))
    throw Error(ErrorCode::invalid_value, "simulation options", "", "default_temperature_tolerance_K",
                format_value(default_temperature_tolerance_K), "must be > 0");
  if (file.chunk_steps < 1)
    throw Error(ErrorCode::invalid_value, "simulation options", "", "file.chunk_steps",
                std::to_string(file.chunk_steps), "must be >= 1");
  if (output && output->empty())
    throw Error(ErrorCode::invalid_value, "simulation options", "", "output", "''",
                "must be a file name (or unset)");
}

std::string SimulationSummary::brief() const {
  std::string s = std::to_string(steps_done) + "/" + std::to_string(steps_planned) + " steps";
  if (failed_steps) s += " (" + std::to_string(failed_steps) + " failed)";
  s += complete ? ", complete" : ", INCOMPLETE";
  s += "; delivered " + fmt(heat_delivered_MWh, 0) + " MWh, lost " + fmt(heat_loss_MWh, 0) + " MWh (" +
       fmt(heat_loss_percent, 2) + " %), pumps " + fmt(pump_energy_MWh, 1) + " MWh; " +
       fmt(hours_with_failed_checks, 0) + " h with failed checks; " + fmt(wall_time_s, 2) + " s";
  return s;
}

std::string SimulationSummary::full() const {
  std::ostringstream o;
  o << "steps:            " << steps_done << " of " << steps_planned << " ("
    << fmt(hours, 0) << " h simulated)" << (complete ? "" : ", INCOMPLETE")
    << (stopped ? ", stopped by request" : "") << (stopped_on_failure ? ", stopped on failure" : "")
    << "\n";
  o << "failed steps:     " << failed_steps << "\n";
  o << "heat supplied:    " << fmt(heat_supplied_MWh, 0) << " MWh\n";
  o << "heat delivered:   " << fmt(heat_delivered_MWh, 0) << " MWh (peak "
    << fmt(peak_heat_delivered_W * 1e-6, 1) << " MW)\n";
  o << "heat lost:        " << fmt(heat_loss_MWh, 0) << " MWh (" << fmt(heat_loss_percent, 2)
    << " % of supplied)\n";
  o << "pump energy:      " << fmt(pump_energy_MWh, 1) << " MWh (hydraulic)\n";
  o << "failed checks:    " << fmt(hours_with_failed_checks, 0) << " h (" << steps_with_failed_checks
    << " steps)\n";
  if (std::isfinite(min_outdoor_temperature_C))
    o << "coldest step:     " << fmt(min_outdoor_temperature_C, 1) << " degC outdoor\n";
  o << "wall time:        " << fmt(wall_time_s, 2) << " s (profiles " << fmt(apply_s, 3)
    << " s, solve " << fmt(solve_s, 2) << " s, write " << fmt(write_s, 2) << " s; "
    << (steps_done ? fmt(1e3 * wall_time_s / static_cast<double>(steps_done), 3) : "-")
    << " ms/step, " << total_iterations << " Newton iterations)\n";
  return o.str();
}

SimulationResult simulate(const Network& network, const Profiles& profiles,
                          const SimulationOptions& options, const StepCallback& callback) {
  const auto t_start = Clock::now();
  options.validate();
  Network net = network;                       // set_* act on the copy; topology is shared
  const ProfileBinding binding(profiles, net);  // throws InputError before any file exists
  const std::size_t total =
      options.max_steps > 0 ? std::min(options.max_steps, binding.steps()) : binding.steps();

  SolverOptions solver_options = options.solver;
  solver_options.warm_start = true;
  if (!solver_options.tolerance_temperature_K)
    solver_options.tolerance_temperature_K = options.default_temperature_tolerance_K;
  Solver solver(solver_options);

  Result layout(net);
  layout.network_name = net.name();
  layout.input_sha256 = options.input_sha256;

  SimulationResult out;
  SimulationSummary& sum = out.summary;
  sum.steps_planned = total;
  sum.min_outdoor_temperature_C = std::numeric_limits<double>::infinity();
  if (options.keep_result) out.result.emplace(layout);
  out.step_status.reserve(total);

  std::optional<io::ResultsWriter> writer;
  StagedFile staged;
  if (options.output) {
    io::ResultsFileOptions fo = options.file;
    fo.chunk_steps = std::max<std::size_t>(1, std::min(fo.chunk_steps, total));
    staged.path = io::detail::hidden_temp_path(*options.output, "sim");
    writer.emplace(staged.path, layout, fo);
  }

  int consecutive_failures = 0;
  for (std::size_t k = 0; k < total; ++k) {
    auto t0 = Clock::now();
    binding.apply(k, net);
    sum.apply_s += since(t0);

    t0 = Clock::now();
    Solution sol = solver.solve(net);
    sum.solve_s += since(t0);
    const SolveReport& report = solver.report();
    const double time_s = binding.time_s(k);
    const double dt_h = binding.duration_h(k);

    t0 = Clock::now();
    if (writer) writer->append(time_s, sol, report);
    sum.write_s += since(t0);

    out.step_status.push_back(report.status);
    sum.steps_done = k + 1;
    sum.hours += dt_h;
    sum.total_iterations += report.iterations;
    const double t_out = binding.outdoor_temperature_C(k);
    if (std::isfinite(t_out)) sum.min_outdoor_temperature_C = std::min(sum.min_outdoor_temperature_C, t_out);
    const bool ok = report.usable();
    if (ok) {
      // energy over converged steps only (a failed step's last iterate is recorded, not summed)
      const StepSummary& s = sol.summary;
      sum.heat_supplied_MWh += s.heat_supplied_W * dt_h * 1e-6;
      sum.heat_delivered_MWh += s.heat_delivered_W * dt_h * 1e-6;
      sum.heat_loss_MWh += s.heat_loss_W * dt_h * 1e-6;
      sum.pump_energy_MWh += s.pump_power_W * dt_h * 1e-6;
      sum.peak_heat_delivered_W = std::max(sum.peak_heat_delivered_W, s.heat_delivered_W);
      if (!sol.checks.empty()) {
        sum.hours_with_failed_checks += dt_h;
        sum.steps_with_failed_checks += 1;
      }
      consecutive_failures = 0;
    } else {
      sum.failed_steps += 1;
      consecutive_failures += 1;
    }

    StepInfo info{k, total, time_s, &sol, &report};
    bool go_on = callback ? callback(info) : true;
    if (options.keep_result) out.result->append(time_s, std::move(sol), report);
    if (!ok && (options.on_failure == OnStepFailure::stop ||
                consecutive_failures >= options.max_consecutive_failures)) {
      sum.stopped_on_failure = k + 1 < total;
      break;
    }
    if (!go_on) {
      sum.stopped = k + 1 < total;
      break;
    }
  }
  sum.complete = sum.steps_done == total;
  sum.heat_loss_percent = sum.heat_supplied_MWh > 0 ? 100.0 * sum.heat_loss_MWh / sum.heat_supplied_MWh : 0.0;
  if (!std::isfinite(sum.min_outdoor_temperature_C)) sum.min_outdoor_temperature_C = std::nan("");

  if (writer) {
    const auto t0 = Clock::now();
    sum.wall_time_s = since(t_start);
    Result meta(net);
    meta.network_name = net.name();
    meta.input_sha256 = options.input_sha256;
    meta.wall_time_s = sum.wall_time_s;
    // commit() renames the writer's own temporary onto our staged name; the summary goes in
    // before the final rename, so the target only ever holds a finished file.
    writer->commit(meta, sum.complete);
    io::detail::TimeSeriesAttributes a;
    a.numbers = {{"heat_supplied_MWh", sum.heat_supplied_MWh},
                 {"heat_delivered_MWh", sum.heat_delivered_MWh},
                 {"heat_loss_MWh", sum.heat_loss_MWh},
                 {"heat_loss_percent", sum.heat_loss_percent},
                 {"pump_energy_MWh", sum.pump_energy_MWh},
                 {"hours_with_failed_checks", sum.hours_with_failed_checks},
                 {"simulated_hours", sum.hours},
                 {"peak_heat_delivered_W", sum.peak_heat_delivered_W}};
    a.integers = {{"steps_planned", static_cast<std::int32_t>(sum.steps_planned)},
                  {"steps_done", static_cast<std::int32_t>(sum.steps_done)},
                  {"failed_steps", static_cast<std::int32_t>(sum.failed_steps)},
                  {"steps_with_failed_checks", static_cast<std::int32_t>(sum.steps_with_failed_checks)}};
    a.strings = {{"run_kind", "time_series"},
                 {"on_step_failure", std::string(to_string(options.on_failure))},
                 {"stop_reason", sum.complete ? "" : sum.stopped ? "stopped by request"
                                                    : sum.stopped_on_failure ? "step failure"
                                                                             : "unknown"}};
    std::vector<std::int32_t> codes(out.step_status.size());
    for (std::size_t i = 0; i < codes.size(); ++i) codes[i] = static_cast<std::int32_t>(out.step_status[i]);
    io::detail::finish_time_series_file(staged.path, *options.output, a, codes);
    staged.path.clear();  // renamed: nothing to remove
    sum.write_s += since(t0);
  }
  sum.wall_time_s = since(t_start);
  if (out.result) {
    out.result->network_name = net.name();
    out.result->input_sha256 = options.input_sha256;
    out.result->wall_time_s = sum.wall_time_s;
    out.result->set_complete(sum.complete);
  }
  return out;
}

}  // namespace heatnet
