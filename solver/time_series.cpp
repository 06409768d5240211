// heatnet::simulate: the time loop (docs/time-series.md).
//
// Per step: apply the profile values (set_* on a private copy of the network: the topology is
// untouched, so the Solver keeps its symbolic factorisation), solve warm-started from the
// previous step, hand the step to the sink (StepSink: the results file is io::ResultsFileSink),
// accumulate the summary, ask the callback whether to go on. The loop writes no file itself.
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
#include <utility>

#include "heatnet/errors.hpp"
#include "heatnet/solve.hpp"
#include "solver/consumer_demand.hpp"
#include "solver/fluid/fluid_model.hpp"
#include "solver/thermal/plug_flow.hpp"
#include "network/compiled.hpp"

namespace heatnet {
namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

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

void SimulationOptions::validate() const {
  solver.validate();
  if (max_consecutive_failures < 1)
    throw Error(ErrorCode::invalid_value, "simulation options", "", "max_consecutive_failures",
                std::to_string(max_consecutive_failures), "must be >= 1");
  if (!(default_temperature_tolerance_K > 0))
    throw Error(ErrorCode::invalid_value, "simulation options", "", "default_temperature_tolerance_K",
                format_value(default_temperature_tolerance_K), "must be > 0");
  if (!(default_flow_tolerance_rel > 0))
    throw Error(ErrorCode::invalid_value, "simulation options", "", "default_flow_tolerance_rel",
                format_value(default_flow_tolerance_rel), "must be > 0");
  if (max_parcels_per_pipe < 2)
    throw Error(ErrorCode::invalid_value, "simulation options", "", "max_parcels_per_pipe",
                std::to_string(max_parcels_per_pipe), "must be >= 2");
  if (!(arrival_min_step_K > 0))
    throw Error(ErrorCode::invalid_value, "simulation options", "", "arrival_min_step_K",
                format_value(arrival_min_step_K), "must be > 0");
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

namespace {

// The supply-temperature step whose arrival at the consumers a run reports: found before the
// run from the profiles (set_* on a scratch copy is cheap), recorded while it is simulated.
class ArrivalTracker {
 public:
  ArrivalTracker(const Network& net, const ProfileBinding& binding, std::size_t total,
                 double min_step_K)
      : n_src_(static_cast<std::size_t>(net.source_count())),
        n_con_(static_cast<std::size_t>(net.consumer_count())),
        min_step_K_(min_step_K) {
    if (n_src_ == 0 || total < 2) return;
    Network scratch = net;
    std::vector<double> source_T(total * n_src_);
    for (std::size_t k = 0; k < total; ++k) {
      binding.apply_to_sources(k, scratch);
      for (std::size_t s = 0; s < n_src_; ++s)
        source_T[k * n_src_ + s] = scratch.sources().supply_temperature_C[s];
    }
    window_ = find_jump(source_T, n_src_, total, min_step_K);
    if (window_.first > 0)
      source_T_.assign(source_T.begin() + static_cast<std::ptrdiff_t>((window_.first - 1) * n_src_),
                       source_T.begin() + static_cast<std::ptrdiff_t>(window_.end * n_src_));
  }

  void record(std::size_t k, double time_s, double dt_s, const Solution& sol) {
    if (window_.first == 0 || k + 1 < window_.first || k >= window_.end) return;
    time_.push_back(time_s);
    duration_.push_back(dt_s);
    const auto& cts = sol.field(ElementGroup::consumers, "supply_temperature");
    consumer_T_.insert(consumer_T_.end(), cts.begin(), cts.end());
  }

  // The arrival over the window as far as it was simulated.
  std::optional<StepArrival> arrival(const Network& net) const {
    const std::size_t rows = time_.size();
    if (window_.first == 0 || rows < 2) return std::nullopt;
    std::vector<std::string> ids(net.sources().id.begin(), net.sources().id.end());
    std::vector<double> src(source_T_.begin(), source_T_.begin() + static_cast<std::ptrdiff_t>(rows * n_src_));
    auto a = find_step_arrival(time_, duration_, src, ids, consumer_T_, n_con_, min_step_K_);
    if (a) a->step = window_.first;
    return a;
  }

 private:
  std::size_t n_src_, n_con_;
  double min_step_K_;
  JumpWindow window_;
  std::vector<double> time_, duration_, source_T_, consumer_T_;
};

// The plug-flow thermal model of a run: its hydraulics see consumers at fixed flows (the flows
// their demand needs at the model's supply temperatures, see the file comment); the first
// usable step is its steady initial state; a failed step advances the parcels with the flows
// of the last usable one (its recorded row keeps its own flows).
class PlugFlowRun {
 public:
  PlugFlowRun(const Network& net, int max_parcels)
      : fluid_(net.settings().fluid), max_parcels_(max_parcels) {}

  // The network the step's hydraulics solve.
  const Network& hydraulic_network(std::size_t k, const ProfileBinding& binding, const Network& net) {
    if (!model_) return net;
    if (!hyd_) hyd_.emplace(net);
    binding.apply(k, *hyd_);
    const ConsumerData& cd = net.consumers();
    const auto& node_T = model_->node_temperature();
    for (int i = 0; i < net.consumer_count(); ++i) {
      const double q = cd.heat_demand_W[i];
      hyd_->set_consumer_mass_flow(
          i, std::isnan(q) ? cd.fixed_mass_flow_kg_s[i]
                           : solver::demand_flow(fluid_, q, node_T[cd.supply_node[i]],
                                                 cd.return_temperature_C[i]).mass_flow);
    }
    return *hyd_;
  }

  bool active() const { return model_.has_value(); }

  solver::PlugFlowStep advance(const Network& net, Solution& sol, bool usable, double time_s,
                               double dt_s) {
    if (!model_ && usable) model_.emplace(net, sol, time_s, max_parcels_);
    if (!model_) return {};
    std::vector<std::vector<double>> own;
    if (usable) {
      last_good_flows_.clear();
      for (const auto& [g, name] : kFlows) last_good_flows_.push_back(sol.field(g, name));
    } else if (!last_good_flows_.empty()) {
      for (std::size_t f = 0; f < std::size(kFlows); ++f) {
        own.push_back(sol.field(kFlows[f].first, kFlows[f].second));
        sol.field(kFlows[f].first, kFlows[f].second) = last_good_flows_[f];
      }
    }
    const solver::PlugFlowStep energy = model_->advance(net, sol, dt_s);
    for (std::size_t f = 0; f < own.size(); ++f)
      sol.field(kFlows[f].first, kFlows[f].second) = std::move(own[f]);
    return energy;
  }

 private:
  static constexpr std::pair<ElementGroup, const char*> kFlows[] = {
      {ElementGroup::pipes, "mass_flow"}, {ElementGroup::pumps, "mass_flow"},
      {ElementGroup::valves, "mass_flow"}, {ElementGroup::sources, "mass_flow"},
      {ElementGroup::consumers, "mass_flow"}};
  fluid::FluidModel fluid_;
  int max_parcels_;
  std::optional<Network> hyd_;
  std::optional<solver::PlugFlowModel> model_;
  std::vector<std::vector<double>> last_good_flows_;  // of the last usable step
};

// Adds a step to the run's summary; energy over converged steps only (a failed step's last
// iterate is recorded, not summed).
void add_step(SimulationSummary& sum, const Solution& sol, const SolveReport& report,
              const solver::PlugFlowStep* plug_energy, double dt_h, double outdoor_C) {
  sum.hours += dt_h;
  sum.total_iterations += report.iterations;
  if (std::isfinite(outdoor_C)) sum.min_outdoor_temperature_C = std::min(sum.min_outdoor_temperature_C, outdoor_C);
  if (!report.usable()) {
    sum.failed_steps += 1;
    return;
  }
  const StepSummary& s = sol.summary;
  sum.heat_supplied_MWh += s.heat_supplied_W * dt_h * 1e-6;
  sum.heat_delivered_MWh += s.heat_delivered_W * dt_h * 1e-6;
  sum.heat_loss_MWh += s.heat_loss_W * dt_h * 1e-6;
  sum.pump_energy_MWh += s.pump_power_W * dt_h * 1e-6;
  sum.peak_heat_delivered_W = std::max(sum.peak_heat_delivered_W, s.heat_delivered_W);
  if (plug_energy) {
    sum.heat_stored_change_MWh += plug_energy->stored_change_J / 3.6e9;
    sum.boundary_heat_MWh += plug_energy->boundary_J / 3.6e9;
    sum.max_energy_balance_rel = std::max(sum.max_energy_balance_rel, plug_energy->imbalance_rel());
  }
  if (!sol.checks.empty()) {
    sum.hours_with_failed_checks += dt_h;
    sum.steps_with_failed_checks += 1;
  }
}

SolverOptions step_solver_options(const SimulationOptions& options) {
  SolverOptions o = options.solver;
  o.warm_start = true;
  if (!o.tolerance_temperature_K) o.tolerance_temperature_K = options.default_temperature_tolerance_K;
  if (!o.tolerance_mass_flow_rel) o.tolerance_mass_flow_rel = options.default_flow_tolerance_rel;
  return o;
}

}  // namespace

SimulationResult simulate(const Network& network, const Profiles& profiles,
                          const SimulationOptions& options, const StepCallback& callback,
                          StepSink* sink) {
  const auto t_start = Clock::now();
  options.validate();
  Network net = network;                       // set_* act on the copy; topology is shared
  const ProfileBinding binding(profiles, net);  // throws InputError before any file exists
  const std::size_t total =
      options.max_steps > 0 ? std::min(options.max_steps, binding.steps()) : binding.steps();
  Solver solver(step_solver_options(options));

  Result layout(net);
  layout.network_name = net.name();
  layout.input_sha256 = options.input_sha256;
  SimulationResult out;
  SimulationSummary& sum = out.summary;
  sum.steps_planned = total;
  sum.min_outdoor_temperature_C = std::numeric_limits<double>::infinity();
  sum.thermal_model = options.thermal_model;
  if (options.keep_result) out.result.emplace(layout);
  out.step_status.reserve(total);
  if (sink) sink->begin(layout, total);

  ArrivalTracker arrival(net, binding, total, options.arrival_min_step_K);
  const bool plug = options.thermal_model == ThermalModel::plug_flow;
  PlugFlowRun plug_run(net, options.max_parcels_per_pipe);
  int consecutive_failures = 0;
  // Every step solves into this one Solution (its fields keep their storage) unless the run
  // keeps its result, which takes each step's Solution over.
  Solution sol;
  for (std::size_t k = 0; k < total; ++k) {
    auto t0 = Clock::now();
    binding.apply(k, net);
    const Network& hydraulics = plug ? plug_run.hydraulic_network(k, binding, net) : net;
    sum.apply_s += since(t0);

    t0 = Clock::now();
    solver.solve(hydraulics, sol);
    const SolveReport& report = solver.report();
    const double time_s = binding.time_s(k);
    const double dt_h = binding.duration_h(k);
    const bool ok = report.usable();
    solver::PlugFlowStep energy;
    if (plug) energy = plug_run.advance(net, sol, ok, time_s, dt_h * 3600.0);
    sum.solve_s += since(t0);
    arrival.record(k, time_s, dt_h * 3600.0, sol);

    t0 = Clock::now();
    if (sink) sink->write_step(time_s, sol, report);
    sum.write_s += since(t0);

    out.step_status.push_back(report.status);
    sum.steps_done = k + 1;
    add_step(sum, sol, report, plug && plug_run.active() ? &energy : nullptr, dt_h,
             binding.outdoor_temperature_C(k));
    consecutive_failures = ok ? 0 : consecutive_failures + 1;

    StepInfo info{k, total, time_s, &sol, &report};
    const bool go_on = callback ? callback(info) : true;
    if (options.keep_result) out.result->append(time_s, std::exchange(sol, Solution{}), report);
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
  out.step_arrival = arrival.arrival(net);
  sum.complete = sum.steps_done == total;
  sum.heat_loss_percent = sum.heat_supplied_MWh > 0 ? 100.0 * sum.heat_loss_MWh / sum.heat_supplied_MWh : 0.0;
  if (!std::isfinite(sum.min_outdoor_temperature_C)) sum.min_outdoor_temperature_C = std::nan("");

  if (sink) {
    const auto t0 = Clock::now();
    sum.wall_time_s = since(t_start);
    sink->finish(out, options);
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
