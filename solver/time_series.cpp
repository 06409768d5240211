// heatnet::simulate: the time loop (docs/time-series.md).
//
// Per step: apply the profile values (set_* on a private copy of the network: the topology is
// untouched, so the Solver keeps its symbolic factorisation), solve warm-started from the
// previous step, stream the step into the results file, accumulate the summary, ask the
// callback whether to go on. The results file is staged under hidden names and renamed onto
// the target only once it is committed and carries the summary attributes.
//
// Plug flow (ThermalModel::plug_flow): the first step is the steady solve, which also fills the
// pipes (PlugFlowModel). Every later step solves the hydraulics on a second copy of the network
// whose heat-demand consumers run at the fixed flow Q / (h(T_s) - h(T_r)), T_s their dynamic
// supply temperature of the previous step (the engine's steady temperatures then only set the
// water properties of the hydraulics), and advances the parcels over the step with those
// flows: one pass per step, no iteration between the two.
#include "heatnet/simulate.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "heatnet/errors.hpp"
#include "heatnet/solve.hpp"
#include "io/profiles_results.hpp"
#include "solver/consumer_demand.hpp"
#include "solver/fluid/fluid_model.hpp"
#include "solver/thermal/plug_flow.hpp"
#include "network/compiled.hpp"

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

std::string fmt_sci(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1e", v);
  return buf;
}

std::string fmt(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// The window of the largest supply-temperature jump: [first, end) are the steps at the new
// value; first == 0 when there is none of at least min_step_K.
struct JumpWindow {
  std::size_t first = 0, end = 0;
  int source = -1;
  double jump = 0;
};
JumpWindow find_jump(const std::vector<double>& source_T, std::size_t sources, std::size_t steps,
                     double min_step_K) {
  JumpWindow w;
  if (sources == 0) return w;
  double best = 0;
  for (std::size_t k = 1; k < steps; ++k)
    for (std::size_t s = 0; s < sources; ++s) {
      const double d = source_T[k * sources + s] - source_T[(k - 1) * sources + s];
      if (std::abs(d) > best) {
        best = std::abs(d);
        w.first = k;
        w.source = static_cast<int>(s);
        w.jump = d;
      }
    }
  if (best < min_step_K || w.first == 0) return JumpWindow{};
  w.end = steps;
  for (std::size_t k = w.first + 1; k < steps && w.end == steps; ++k)
    for (std::size_t s = 0; s < sources; ++s)
      if (std::abs(source_T[k * sources + s] - source_T[w.first * sources + s]) > 1e-9) {
        w.end = k;
        break;
      }
  return w;
}
}  // namespace

std::optional<StepArrival> find_step_arrival(const std::vector<double>& time_s,
                                             const std::vector<double>& duration_s,
                                             const std::vector<double>& source_T,
                                             const std::vector<std::string>& source_ids,
                                             const std::vector<double>& consumer_T,
                                             std::size_t consumers, double min_step_K) {
  const std::size_t steps = time_s.size(), sources = source_ids.size();
  if (duration_s.size() != steps || source_T.size() != steps * sources ||
      consumer_T.size() != steps * consumers)
    throw Error(ErrorCode::invalid_value, "step arrival", "", "sizes", "",
                "time_s, duration_s, source_T and consumer_T must cover the same steps");
  const JumpWindow w = find_jump(source_T, sources, steps, min_step_K);
  if (w.first == 0) return std::nullopt;
  StepArrival a;
  a.step = w.first;
  a.step_time_s = time_s[w.first];
  a.source = source_ids[w.source];
  a.step_K = w.jump;
  a.delay_s.assign(consumers, std::nan(""));
  auto centre = [&](std::size_t k) { return time_s[k] + 0.5 * duration_s[k]; };
  std::vector<double> found;
  for (std::size_t c = 0; c < consumers; ++c) {
    auto v = [&](std::size_t k) { return consumer_T[k * consumers + c]; };
    const double before = v(w.first - 1), after = v(w.end - 1);
    if (!(std::abs(after - before) >= 0.1 * std::abs(w.jump))) continue;
    // the window must end settled (else its last value is not the consumer's new level)
    if (w.end - w.first < 2 || std::abs(after - v(w.end - 2)) > 0.05 * std::abs(after - before))
      continue;
    const double mid = 0.5 * (before + after), sign = after > before ? 1.0 : -1.0;
    for (std::size_t k = w.first; k < w.end; ++k) {
      if (sign * (v(k) - mid) < 0) continue;
      const double v0 = v(k - 1), v1 = v(k);
      const double f = v1 != v0 ? (mid - v0) / (v1 - v0) : 1.0;
      a.delay_s[c] = centre(k - 1) + f * (centre(k) - centre(k - 1)) - a.step_time_s;
      if (std::abs(a.delay_s[c]) < 1e-9 * duration_s[k]) a.delay_s[c] = 0.0;  // no "-0"
      found.push_back(a.delay_s[c]);
      break;
    }
  }
  a.arrived = found.size();
  a.min_s = a.median_s = a.max_s = std::nan("");
  if (!found.empty()) {
    std::sort(found.begin(), found.end());
    a.min_s = found.front();
    a.max_s = found.back();
    const std::size_t n = found.size();
    a.median_s = n % 2 ? found[n / 2] : 0.5 * (found[n / 2 - 1] + found[n / 2]);
  }
  return a;
}

std::string_view to_string(ThermalModel m) {
  return m == ThermalModel::plug_flow ? "plug_flow" : "quasi_static";
}
std::optional<ThermalModel> parse_thermal_model(std::string_view s) {
  if (s == "plug_flow") return ThermalModel::plug_flow;
  if (s == "quasi_static") return ThermalModel::quasi_static;
  return std::nullopt;
}

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
  if (max_parcels_per_pipe < 2)
    throw Error(ErrorCode::invalid_value, "simulation options", "", "max_parcels_per_pipe",
                std::to_string(max_parcels_per_pipe), "must be >= 2");
  if (!(arrival_min_step_K > 0))
    throw Error(ErrorCode::invalid_value, "simulation options", "", "arrival_min_step_K",
                format_value(arrival_min_step_K), "must be > 0");
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
  o << "thermal model:    " << to_string(thermal_model) << "\n";
  o << "failed steps:     " << failed_steps << "\n";
  o << "heat supplied:    " << fmt(heat_supplied_MWh, 0) << " MWh\n";
  o << "heat delivered:   " << fmt(heat_delivered_MWh, 0) << " MWh (peak "
    << fmt(peak_heat_delivered_W * 1e-6, 1) << " MW)\n";
  o << "heat lost:        " << fmt(heat_loss_MWh, 0) << " MWh (" << fmt(heat_loss_percent, 2)
    << " % of supplied)\n";
  if (thermal_model == ThermalModel::plug_flow)
    o << "heat stored:      " << fmt(heat_stored_change_MWh, 2)
      << " MWh change in the pipes (energy balance closes to " << fmt_sci(max_energy_balance_rel)
      << " per step)\n";
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

  // supply temperatures per step (cheap: set_* on a scratch copy) to find a step to analyse
  const std::size_t n_src = static_cast<std::size_t>(net.source_count());
  const std::size_t n_con = static_cast<std::size_t>(net.consumer_count());
  JumpWindow window;
  std::vector<double> arrival_time, arrival_duration, arrival_source_T, arrival_consumer_T;
  if (n_src > 0 && total > 1) {
    Network scratch = net;
    std::vector<double> source_T(total * n_src);
    for (std::size_t k = 0; k < total; ++k) {
      binding.apply(k, scratch);
      for (std::size_t s = 0; s < n_src; ++s)
        source_T[k * n_src + s] = scratch.sources().supply_temperature_C[s];
    }
    window = find_jump(source_T, n_src, total, options.arrival_min_step_K);
    if (window.first > 0)
      arrival_source_T.assign(source_T.begin() + static_cast<std::ptrdiff_t>((window.first - 1) * n_src),
                              source_T.begin() + static_cast<std::ptrdiff_t>(window.end * n_src));
  }

  const bool plug = options.thermal_model == ThermalModel::plug_flow;
  sum.thermal_model = options.thermal_model;
  std::optional<Network> hyd;  // plug flow: consumers at fixed flows (see the file comment)
  std::optional<solver::PlugFlowModel> plug_model;
  const fluid::FluidModel fluid(net.settings().fluid);
  const std::pair<ElementGroup, const char*> kFlows[] = {
      {ElementGroup::pipes, "mass_flow"}, {ElementGroup::pumps, "mass_flow"},
      {ElementGroup::valves, "mass_flow"}, {ElementGroup::sources, "mass_flow"},
      {ElementGroup::consumers, "mass_flow"}};
  std::vector<std::vector<double>> last_good_flows;  // of the last usable step

  int consecutive_failures = 0;
  for (std::size_t k = 0; k < total; ++k) {
    auto t0 = Clock::now();
    binding.apply(k, net);
    if (plug && plug_model) {
      if (!hyd) hyd.emplace(net);
      binding.apply(k, *hyd);
      const ConsumerData& cd = net.consumers();
      const auto& node_T = plug_model->node_temperature();
      for (int i = 0; i < net.consumer_count(); ++i) {
        const double q = cd.heat_demand_W[i];
        if (std::isnan(q)) {
          hyd->set_consumer_mass_flow(i, cd.fixed_mass_flow_kg_s[i]);
          continue;
        }
        hyd->set_consumer_mass_flow(
            i, solver::demand_flow(fluid, q, node_T[cd.supply_node[i]],
                                   cd.return_temperature_C[i]).mass_flow);
      }
    }
    sum.apply_s += since(t0);

    t0 = Clock::now();
    Solution sol = solver.solve(plug && plug_model ? *hyd : net);
    const SolveReport& report = solver.report();
    const double time_s = binding.time_s(k);
    const double dt_h = binding.duration_h(k);
    solver::PlugFlowStep energy;
    if (plug) {
      // the first usable step is the steady initial state; a failed step advances the parcels
      // with the flows of the last usable one (its recorded row keeps its own flows)
      if (!plug_model && report.usable())
        plug_model.emplace(net, sol, time_s, options.max_parcels_per_pipe);
      if (plug_model) {
        std::vector<std::vector<double>> own;
        if (report.usable()) {
          last_good_flows.clear();
          for (const auto& [g, name] : kFlows) last_good_flows.push_back(sol.field(g, name));
        } else if (!last_good_flows.empty()) {
          for (std::size_t f = 0; f < std::size(kFlows); ++f) {
            own.push_back(sol.field(kFlows[f].first, kFlows[f].second));
            sol.field(kFlows[f].first, kFlows[f].second) = last_good_flows[f];
          }
        }
        energy = plug_model->advance(net, sol, dt_h * 3600.0);
        for (std::size_t f = 0; f < own.size(); ++f)
          sol.field(kFlows[f].first, kFlows[f].second) = std::move(own[f]);
      }
    }
    sum.solve_s += since(t0);

    if (window.first > 0 && k + 1 >= window.first && k < window.end) {
      arrival_time.push_back(time_s);
      arrival_duration.push_back(dt_h * 3600.0);
      const auto& cts = sol.field(ElementGroup::consumers, "supply_temperature");
      arrival_consumer_T.insert(arrival_consumer_T.end(), cts.begin(), cts.end());
    }

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
      if (plug && plug_model) {
        sum.heat_stored_change_MWh += energy.stored_change_J / 3.6e9;
        sum.boundary_heat_MWh += energy.boundary_J / 3.6e9;
        sum.max_energy_balance_rel = std::max(sum.max_energy_balance_rel, energy.imbalance_rel());
      }
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
  if (window.first > 0 && !arrival_time.empty()) {
    // the window as far as it was simulated
    const std::size_t rows = arrival_time.size();
    std::vector<std::string> ids(net.sources().id.begin(), net.sources().id.end());
    std::vector<double> src(arrival_source_T.begin(), arrival_source_T.begin() + static_cast<std::ptrdiff_t>(rows * n_src));
    if (rows >= 2) {
      out.step_arrival = find_step_arrival(arrival_time, arrival_duration, src, ids,
                                           arrival_consumer_T, n_con, options.arrival_min_step_K);
      if (out.step_arrival) out.step_arrival->step = window.first;
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
    if (plug) {
      a.numbers.push_back({"heat_stored_change_MWh", sum.heat_stored_change_MWh});
      a.numbers.push_back({"boundary_heat_MWh", sum.boundary_heat_MWh});
      a.numbers.push_back({"max_energy_balance_rel", sum.max_energy_balance_rel});
      a.integers.push_back({"max_parcels_per_pipe", options.max_parcels_per_pipe});
    }
    if (out.step_arrival) io::detail::write_step_arrival(staged.path, *out.step_arrival);
    a.strings = {{"run_kind", "time_series"},
                 {"thermal_model", std::string(to_string(options.thermal_model))},
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
