#include "solver/engine.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>

#include "heatnet/errors.hpp"
#include "network/checks.hpp"
#include "solver/consumer_demand.hpp"
#include "solver/newton/contraction_estimate.hpp"
#include "solver/thermal/temperature_range.hpp"
#include "solver/physics/friction.hpp"
#include "solver/physics/substation.hpp"
#include "solver/solve_status.hpp"
#include "solver/thermal/pipe_mean_temperature.hpp"
#include "network/compiled.hpp"

namespace heatnet {
namespace {
using Clock = std::chrono::steady_clock;
using solver::change_still_to_come;
using solver::kEstimateSafety;
using solver::kMaxContraction;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}
constexpr double kAtm = fluid::kAtmospherePa;
// A temperature change this much smaller than the last one counts as superlinear convergence
// of the Newton-corrected coupling (no Anderson mixing on top of it).
constexpr double kSuperlinearRatio = 0.01;
// Pipes from this NTU on couple their water column to their flow (couple_water_columns).
constexpr double kColumnCouplingNtu = 0.05;
// They do so from this outer iteration on: a fallback for couplings the fast path does not settle, so
// that every solve that settles within it is unchanged. Switched on earlier it slows or stops
// some rings that settle without it (a dp-controlled validation ring: from 20 on it did not
// settle in 100; from the start another took 100+ instead of 16); from 40 on the robustness
// sweep's terrain networks settle 120 of 150 (62 without it, 126 with it from the start).
constexpr int kColumnCouplingAfter = 40;
// Newton on the outer fixed point (solver/coupling_fallback.cpp) for a coupling not settled
// when the damped continuation starts (SolverEngine::kDampAfter), tried where the last
// temperature change is below kFallbackNearK (Newton's range: further out its steps on the
// kinked map went nowhere on the robustness sweep) and again every kFallbackEvery iterations.
constexpr double kFallbackNearK = 1.0;
constexpr int kFallbackEvery = 20;
// Networks from this many nodes release the outer loop's work arrays after each solve.
constexpr int kReleaseWorkFromNodes = 100000;
// Single Newton steps per outer iteration stop when a step is this much larger than the last,
// and a single step that changes the flows by more than this (relative to the largest flow) is
// taken back and replaced by a full solve with line search.
constexpr double kMaxStepGrowth = 2.0;
// A full hydraulic solve inside a coupled solve stops after this many iterations: unfinished,
// it is a step of the outer iteration (a water column following its own flow can keep it
// from settling at fixed temperatures), and the next outer iteration goes on from it.
constexpr int kMaxInnerIterations = 30;
constexpr double kMaxSingleStepChange = 1.0;
// Convergence by contraction estimate (converged_by_estimate): a sequence of single Newton
// steps counts as converged by the rule of contraction_estimate.hpp (kMaxContraction,
// kEstimateSafety), its factor 3 set on the Oral 8,760 h run's Anderson-mixed steps.
constexpr double kSlowContraction = 0.9;
// A warm-started solve (a time step, a re-solve after a parameter change) predicts through
// mixing nodes (ThermalSolver::tree_response) in its first outer iterations: near the last
// solution the frozen flow split of a loop is a good guess (Oral 8,760 h: 34,348 Newton
// iterations instead of 39,147). A cold start, where loop flows still turn, keeps the mixing
// nodes as cuts: through them, the robustness sweep's cold solves settled 957 of 1000 instead of
// 969 (967 when only the first 20 iterations went through them).
constexpr int kPredictThroughMixingUntil = 20;

// The largest flow change s of the next single Newton step that can count as converged by
// contraction estimate (converged_by_estimate) after a step of last_step: with the contraction
// r = s / last_step the change still to come is at most s r / (1 - r) (geometric series);
// s r / (1 - r) = t is s^2 + t s - t last_step = 0. Kept at or below kMaxContraction last_step.
double estimated_step_acceptance(double tolerance, double last_step) {
  const double t = tolerance / kEstimateSafety;
  const double s = 0.5 * (std::sqrt(t * t + 4.0 * t * last_step) - t);
  return std::min(s, kMaxContraction * last_step);
}

bool thermal_matters(const Network& net) {
  if (net.source_count() > 0 || net.consumer_count() > 0) return true;
  for (double u : net.pipes().heat_loss_W_mK)
    if (u > 0) return true;
  return false;
}
}  // namespace

void SolverEngine::prepare(const Network& net, const SolverOptions& options, SolveReport& report) {
  if (!hydraulic_ || topology_ != net.shared_topology()) {
    topology_ = net.shared_topology();
    hydraulic_ = std::make_unique<solver::HydraulicSolver>(net, options.backend);
    thermal_ = std::make_unique<solver::ThermalSolver>(net);
    reset_state();
    report.timings.analyse_s = hydraulic_->analyse_seconds();
    report.symbolic_reused = false;
  } else {
    report.symbolic_reused = true;
  }
  if (!options.warm_start) reset_state();
  thermal_->parameters_changed();
}

void SolverEngine::update_parameters(const Network& net, const fluid::FluidModel& fluid) {
  const PipeData& pd = net.pipes();
  const Topology& t = net.topology();
  const double g = net.settings().gravity_m_s2;
  params_.gravity = g;
  const int np = net.pipe_count();
  params_.pipe.resize(np);
  auto p_abs = [&](int node) {
    return state_.initialised ? std::max(state_.p[node] + kAtm, 0.5 * kAtm) : kAtm + 1e5;
  };
  // The pipes' property temperatures: the last sweep's length averages
  // (solver/thermal/pipe_mean_temperature.hpp); before any sweep, the mean of the end nodes.
  if (next_pipe_T_.size() == pd.from.size()) {
    pipe_T_mean_.swap(next_pipe_T_);  // the continuation's step (damp_step)
  } else if (have_temperatures_ && temps_.pipe_T_mean.size() == pd.from.size()) {
    // While predicting through mixing nodes (warm starts), the property temperatures move
    // with the predicted node temperatures (each pipe by the mean of its end nodes' change):
    // a sweep behind, they feed the loops' flow split back at a linear rate (realistic 1e5
    // re-solve: ~0.1 per outer iteration once the loop flows are predicted; with it the
    // sequence contracts quadratically, 5 outer iterations -> 4).
    const auto& swept = temps_.pipe_T_mean;
    pipe_T_mean_.resize(np);
    if (predict_through_mixing_ && temps_.node_T.size() == node_T_.size()) {
      for (int e = 0; e < np; ++e)
        pipe_T_mean_[e] = swept[e] + 0.5 * (node_T_[pd.from[e]] - temps_.node_T[pd.from[e]] +
                                            node_T_[pd.to[e]] - temps_.node_T[pd.to[e]]);
    } else {
      std::copy(swept.begin(), swept.end(), pipe_T_mean_.begin());
    }
  } else {
    pipe_T_mean_.resize(np);
    for (int e = 0; e < np; ++e) pipe_T_mean_[e] = 0.5 * (node_T_[pd.from[e]] + node_T_[pd.to[e]]);
  }
  // Anderson's mix for the pipes it takes part in (accelerate), once
  for (std::size_t j = 0; j < mixed_pipe_T_.size(); ++j)
    pipe_T_mean_[oscillations_.swinging_pipes()[j]] = mixed_pipe_T_[j];
  mixed_pipe_T_.clear();
  next_pipe_T_.clear();
  couple_water_columns(net, fluid);  // reads the last sweep's cp, replaced below
  // density and viscosity for the hydraulics (per pipe, and per hydraulic link: a pipe's
  // own); cp for this iteration's sweep (thermal_inputs keeps it), from the same table cell
  auto& cp = thermal_in_.pipe_cp;
  cp.resize(np);
  const auto& hydraulic_link = hydraulic_->hydraulic_index();  // per topology link, or -1
  params_.link_density.resize(hydraulic_->topo_link().size());
  for (int e = 0; e < np; ++e) {
    const double pm = 0.5 * (p_abs(pd.from[e]) + p_abs(pd.to[e]));
    const auto w = fluid.properties(pipe_T_mean_[e], pm, fluid::kPropertyPressurePa);
    params_.pipe[e].density = w.density;
    params_.pipe[e].viscosity = w.dynamic_viscosity;
    cp[e] = w.specific_heat;
    const int k = hydraulic_link[t.pipe_offset + e];
    if (k >= 0) params_.link_density[k] = w.density;
  }
  pipe_cp_current_ = true;
  // pumps, valves, plant pumps and substations (the links after the pipes): water at the inlet
  // node (flow direction from -> to)
  for (int topo = t.pipe_offset + np; topo < t.link_count(); ++topo) {
    const int k = hydraulic_link[topo];
    if (k < 0) continue;
    const int inlet = t.link_from[topo];
    params_.link_density[k] = fluid.density(node_T_[inlet], p_abs(inlet));
  }
  const SourceData& s = net.sources();
  params_.supply_offset.assign(net.source_count(), 0.0);
  for (int i = 0; i < net.source_count(); ++i) {
    const int r = s.return_node[i], sup = s.supply_node[i];
    const double rho = fluid.density(node_T_[r], p_abs(r));
    params_.supply_offset[i] = -rho * g * (net.nodes().elevation_m[sup] - net.nodes().elevation_m[r]);
  }
}

// The consumers' set flows and substation valves for the next hydraulic solve: a fixed flow,
// or the flow the coupling Newton step predicts (first: m = Q / dh at the current
// temperatures), within the substation's flow limit (set_flow_bounds).
// Pipes on a slope whose water column depends noticeably on their own flow (NTU above
// kColumnCouplingNtu: the water cools by more than ~2.5 % of its excess over ambient along
// the pipe) get that dependence into the Newton step (HydraulicSolver::column_weight): the
// water entering at either end at this iteration's node temperatures (the coupling step's
// prediction on the supply side), the density linearised about the pipe's property
// temperature.
void SolverEngine::couple_water_columns(const Network& net, const fluid::FluidModel& fluid) {
  params_.column.clear();
  params_.column_of_pipe.clear();
  if (fluid.is_constant() || !have_temperatures_ || thermal_in_.pipe_cp.size() != pipe_T_mean_.size())
    return;
  if (outer_iteration_ < kColumnCouplingAfter) return;  // the fast path first: most settle
  const PipeData& pd = net.pipes();
  const auto& z = net.nodes().elevation_m;
  const auto& flow = thermal_in_.link_flow;
  const int offset = net.topology().pipe_offset;
  for (int e = 0; e < net.pipe_count(); ++e) {
    const double ul = pd.heat_loss_W_mK[e] * pd.length_m[e];
    if (ul <= 0 || z[pd.from[e]] == z[pd.to[e]]) continue;
    const double cp = thermal_in_.pipe_cp[e];
    const double s = std::abs(flow[offset + e]);
    if (s > 0 && ul / (s * cp) < kColumnCouplingNtu) continue;
    if (params_.column_of_pipe.empty()) params_.column_of_pipe.assign(net.pipe_count(), -1);
    const double t = pipe_T_mean_[e], p = fluid::kPropertyPressurePa;
    const double drho = fluid.density(t + 0.5, p) - fluid.density(t - 0.5, p);
    params_.column_of_pipe[e] = static_cast<int>(params_.column.size());
    params_.column.push_back({node_T_[pd.from[e]], node_T_[pd.to[e]], pd.ambient_temperature_C[e],
                              ul, cp, t, drho});
  }
}

void SolverEngine::update_consumer_flows(const Network& net, const fluid::FluidModel& fluid) {
  const ConsumerData& c = net.consumers();
  const int nc = net.consumer_count();
  params_.consumer_set_flow.resize(nc);
  params_.consumer_conductance.assign(nc, 0.0);
  for (int i = 0; i < nc; ++i) {
    if (!std::isnan(c.fixed_mass_flow_kg_s[i])) {
      params_.consumer_set_flow[i] = c.fixed_mass_flow_kg_s[i];
      continue;
    }
    const int s = c.supply_node[i];
    const double want = predicted_flow_.empty()
                            ? solver::demand_flow(fluid, c.heat_demand_W[i], node_T_[s],
                                                  c.return_temperature_C[i],
                                                  return_enthalpy_[i]).mass_flow
                            : predicted_flow_[i];
    params_.consumer_set_flow[i] = std::min(want, flow_hi_[i]);
    params_.consumer_conductance[i] =
        std::isnan(c.kvs_m3_h[i])
            ? physics::substation_conductance(flow_hi_[i], solver::kDefaultValveDpPa)
            : physics::kvs_conductance(c.kvs_m3_h[i],
                                       fluid.density(node_T_[s], fluid::kPropertyPressurePa));
  }
}

// The nodes' fixed demands for the hydraulics: their own, and a fixed-flow plant's flow drawn
// from its return node and delivered at its supply node. Fixed within a solve: set once.
void SolverEngine::set_node_demands(const Network& net) {
  params_.demand = net.nodes().demand_kg_s;
  const SourceData& s = net.sources();
  for (int i = 0; i < net.source_count(); ++i) {
    if (s.pump_type[i] != SourcePumpType::fixed_flow) continue;
    params_.demand[s.supply_node[i]] -= s.pump_mass_flow_kg_s[i];
    params_.demand[s.return_node[i]] += s.pump_mass_flow_kg_s[i];
  }
}

// Flows of every topology link (hydraulic unknowns, consumers, sources).
void SolverEngine::link_flows(const Network& net, bool imbalance_known) {
  const Topology& t = net.topology();
  if (!imbalance_known) hydraulic_->node_imbalance(state_, params_, imbalance_);
  const auto& hidx = hydraulic_->hydraulic_index();
  const int m = t.link_count();
  thermal_in_.link_flow.resize(m);
  for (int k = 0; k < m; ++k)  // the links that are no hydraulic unknown: 0 until set below
    thermal_in_.link_flow[k] = hidx[k] >= 0 ? state_.q[hidx[k]] : 0.0;
  const int nc = net.consumer_count();
  consumer_flow_.resize(nc);
  for (int i = 0; i < nc; ++i) consumer_flow_[i] = thermal_in_.link_flow[t.consumer_offset + i];
  const SourceData& s = net.sources();
  source_flow_.assign(net.source_count(), 0.0);
  for (int i = 0; i < net.source_count(); ++i) {
    const int k = t.source_offset + i;
    if (hidx[k] >= 0)  // fixed_dp and curve plants: a hydraulic link
      source_flow_[i] = state_.q[hidx[k]];
    else if (s.pump_type[i] == SourcePumpType::fixed_flow)
      source_flow_[i] = s.pump_mass_flow_kg_s[i];
    else  // dp_control: the supply node is held, what the network draws from it is the plant's
      source_flow_[i] = imbalance_[s.supply_node[i]];
    thermal_in_.link_flow[k] = source_flow_[i];
  }
}

// Make-up water entering at a plant's static-pressure (return) node, kg/s (negative: leaving);
// 0 for a plant that holds no pressure (floating, fixed_flow). The plant draws its flow from
// that node; a plant that is a hydraulic link has its flow in the node imbalance already.
double SolverEngine::source_makeup(const Network& net, int source) const {
  if (!solver::holds_return_pressure(net.sources(), source)) return 0.0;
  const bool is_link = hydraulic_->hydraulic_index()[net.topology().source_offset + source] >= 0;
  return imbalance_[net.sources().return_node[source]] + (is_link ? 0.0 : source_flow_[source]);
}

void SolverEngine::thermal_inputs(const Network& net, const fluid::FluidModel& fluid) {
  const int n = net.node_count();
  const NodeData& nd = net.nodes();
  auto& inflows = thermal_in_.boundary_inflows;
  inflows.clear();
  thermal_in_.prepared = true;
  for (int i = 0; i < n; ++i) {
    if (nd.demand_kg_s[i] >= 0) continue;
    const double q = -nd.demand_kg_s[i];
    if (std::isnan(nd.injection_temperature_C[i]))
      inflows.push_back({i, q, 0.0, true});
    else
      inflows.push_back({i, q, q * fluid.enthalpy(nd.injection_temperature_C[i]), false});
  }
  const PressureNodeData& pn = net.pressure_nodes();
  for (std::size_t j = 0; j < pn.node.size(); ++j) {
    const double b = imbalance_[pn.node[j]];  // > 0: the boundary feeds the network
    if (b > 0) inflows.push_back({pn.node[j], b, b * fluid.enthalpy(pn.temperature_C[j]), false});
  }
  const SourceData& s = net.sources();
  for (int i = 0; i < net.source_count(); ++i) {
    const double makeup = source_makeup(net, i);
    if (makeup > 0) inflows.push_back({s.return_node[i], makeup, 0.0, true});
  }
  const ConsumerData& c = net.consumers();
  const int nc = net.consumer_count();
  thermal_in_.consumer_outlet_T.resize(nc);
  for (int i = 0; i < nc; ++i)
    thermal_in_.consumer_outlet_T[i] = solver::consumer_outlet_temperature(
        node_T_[c.supply_node[i]], c.return_temperature_C[i]);
  // cp at the pipes' property temperatures: update_parameters (or the last thermal_inputs)
  // made it unless pipe_T_mean_ changed since; a warm start's resweep comes before this solve's
  // update_parameters and finds the last solve's
  const int np = net.pipe_count();
  if (pipe_cp_current_ && thermal_in_.pipe_cp.size() == static_cast<std::size_t>(np)) return;
  thermal_in_.pipe_cp.resize(np);
  for (int e = 0; e < np; ++e)
    thermal_in_.pipe_cp[e] = fluid.specific_heat(pipe_T_mean_[e], fluid::kPropertyPressurePa);
  pipe_cp_current_ = true;
}

// The flows state_ holds swept under this solve's fixed temperatures (supply, ambient, soil),
// so that the coupling step predicts from the temperatures they give before the first
// hydraulic step: a warm start's (the previous solution's flows; without it a time-series step
// starts one supply-temperature change away, Oral annual run: 0.5-1 K at the first outer
// iteration, 5 per step instead of 3) and a balanced cold start's (predict_from_balanced_start).
// A sweep that fails keeps the previous temperatures and returns false.
bool SolverEngine::sweep_state_flows(const Network& net, const fluid::FluidModel& fluid,
                                     SolveReport& report) {
  const auto t0 = Clock::now();
  const solver::ThermalState previous = temps_;
  link_flows(net);
  thermal_inputs(net, fluid);
  bool swept = true;
  try {
    thermal_->solve(net, fluid, thermal_in_, temps_);
  } catch (const Error&) {
    temps_ = previous;
    swept = false;
  }
  report.timings.thermal_s += seconds_since(t0);
  return swept;
}

// A cold start of a mostly tree-shaped network whose loop start balances every loop
// (HydraulicSolver::balance_loops_now): the start's flows are the hydraulics at the starting
// temperatures (realistic 1e5: the first Newton step moved them by 1e-8 of the largest flow),
// so a first outer iteration from them would take a Newton step that changes nothing before
// the coupling starts. Swept and predicted here instead, as a warm start's previous solution
// is (through mixing nodes: the loops are balanced), the first outer iteration's step already
// carries the coupling. Where the loops are not all balanced the start is left to the first
// outer iteration, as before (the parameters it reads before the start are those without one);
// a network with too many loops for the loop start does not try.
void SolverEngine::predict_from_balanced_start(const Network& net, const fluid::FluidModel& fluid,
                                               const OuterLoop& loop, SolveReport& report) {
  if (!hydraulic_->tree_shaped()) return;
  update_parameters(net, fluid);
  update_consumer_flows(net, fluid);
  set_node_demands(net);  // the start routes them through the forest
  hydraulic_->initialise(net, params_, state_);
  if (!hydraulic_->balance_loops_now(net, loop.newton.friction, params_, state_)) {
    state_.initialised = false;
    return;
  }
  if (!sweep_state_flows(net, fluid, report)) return;
  have_temperatures_ = true;
  predict_through_mixing_ = true;
  coupling_newton_step(net, fluid, loop.tol_T);
  if (std::ranges::none_of(pinned_, [](char pinned) { return pinned != 0; })) {
    node_T_ = newton_T_;
    return;
  }
  // A prediction that holds a consumer at a flow limit starts far from the solution (a starved
  // consumer, an undersized main), where the frozen loop split it predicts with is no guide:
  // the start is left to the first outer iteration, as where the loops are not all balanced.
  // (Robustness sweep, 600 tree-shaped networks: 560 settled before this start, 554 with it
  // everywhere, 559 with this exception; outer iterations of the 543 that settle in all three
  // 28,590 / 30,366 / 28,737.)
  have_temperatures_ = false;
  predict_through_mixing_ = false;
  predicted_flow_.clear();
  reset_flow_trust(net);  // the step was not taken
}

// The friction law of this solve, checked against the pipes; Hazen-Williams resistances depend
// only on the pipe: once per solve, not per Newton step.
FrictionModel SolverEngine::prepare_friction(const Network& net, const SolverOptions& options) {
  const FrictionModel friction = options.friction.value_or(net.settings().friction);
  params_.hazen_williams_r.clear();
  if (friction != FrictionModel::hazen_williams) return friction;
  const PipeData& pd = net.pipes();
  for (int e = 0; e < net.pipe_count(); ++e)
    if (std::isnan(pd.hazen_williams_c[e]))
      throw NetworkError(ErrorCode::missing_field, "pipe", pd.id[e], "hazen_williams_c", "",
                         "required when friction is hazen_williams");
  params_.hazen_williams_r.resize(net.pipe_count());
  physics::hazen_williams_resistances(pd.length_m, pd.diameter_m, pd.hazen_williams_c,
                                      params_.hazen_williams_r);
  return friction;
}

// The temperatures the first hydraulic step uses: the settings' (isothermal), the hottest
// plant's or pressure node's (a cold start), or the last solution's (a warm start).
void SolverEngine::initial_temperatures(const Network& net, bool thermal) {
  const Settings& set = net.settings();
  const int n = net.node_count();
  if (!thermal) {
    node_T_.assign(n, set.temperature_C);
    have_temperatures_ = false;
  } else if (!have_temperatures_) {
    double t0 = set.temperature_C;
    if (net.source_count() > 0) {
      t0 = *std::max_element(net.sources().supply_temperature_C.begin(),
                             net.sources().supply_temperature_C.end());
    } else if (!net.pressure_nodes().temperature_C.empty()) {
      t0 = *std::max_element(net.pressure_nodes().temperature_C.begin(),
                             net.pressure_nodes().temperature_C.end());
    }
    node_T_.assign(n, t0);
  } else {
    node_T_ = temps_.node_T;
  }
}

// The hydraulic part of outer iteration `outer`: this iteration's parameters and set flows,
// then Newton (one step per outer iteration while single steps, else a full solve; a step
// that moves the flows by more than the largest flow is taken back and solved fully). An
// unfinished inner solve of a coupled solve is a step, not the end: its flows feed the next
// sweep (a water column coupled to its flow can keep a full solve at fixed temperatures from
// settling until the temperatures follow). Single steps share one budget of max_iterations.
std::optional<solver::LoopEnd> SolverEngine::hydraulic_step(const Network& net,
                                                            const fluid::FluidModel& fluid,
                                                            OuterLoop& loop, int outer,
                                                            SolveReport& report) {
  solver::NewtonSettings& ns = loop.newton;
  ns.outer = outer;
  update_parameters(net, fluid);
  update_consumer_flows(net, fluid);
  if (!state_.initialised) hydraulic_->initialise(net, params_, state_);
  ns.max_iterations = loop.single_steps ? std::min(1, loop.max_newton - report.iterations)
                      : loop.coupled    ? std::min(loop.max_newton, kMaxInnerIterations)
                                        : loop.max_newton;
  ns.previous_iterations = report.iterations;
  // the state a single step may be taken back to (below; never the first outer iteration's)
  const bool may_take_back = loop.single_steps && outer > 1;
  if (may_take_back) step_start_ = state_;  // work copy, its arrays reused
  // a single step may settle on the contraction estimate (checked again after the sweep)
  const double tolerance = ns.tolerance;
  const bool may_estimate = loop.single_steps && damping_ == 1.0 &&
                            contraction_before(loop, outer) <= kMaxContraction &&
                            std::isfinite(loop.last_step);
  if (may_estimate)
    ns.tolerance = std::max(tolerance, estimated_step_acceptance(tolerance, loop.last_step));
  solver::NewtonOutcome newton = hydraulic_->solve(net, ns, params_, state_, report);
  ns.tolerance = tolerance;
  loop.step_estimated = may_estimate && newton == solver::NewtonOutcome::converged &&
                        report.max_flow_change_rel > tolerance;
  if (may_take_back && report.max_flow_change_rel > kMaxSingleStepChange) {
    // A status change of a plant or pump, a strongly nonlinear start: without a line search
    // the step may be far off.
    std::swap(state_, step_start_);
    loop.single_steps = false;
    ns.max_iterations = std::min(loop.max_newton, kMaxInnerIterations);
    ns.previous_iterations = report.iterations;
    report.message.clear();
    newton = hydraulic_->solve(net, ns, params_, state_, report);
    loop.step_estimated = false;
  }
  if (newton == solver::NewtonOutcome::impossible_pump) return solver::LoopEnd::impossible_design;
  loop.hydraulic_converged = newton == solver::NewtonOutcome::converged;
  if (!loop.hydraulic_converged) {
    const bool unfinished = newton == solver::NewtonOutcome::unfinished;
    if (!(loop.coupled && unfinished &&
          (!loop.single_steps || report.iterations < loop.max_newton))) {
      if (loop.single_steps && unfinished)
        report.message = "hydraulic Newton did not converge in " + std::to_string(loop.max_newton) +
                         " iterations in all (one per outer iteration; last relative flow "
                         "change " + format_value(report.max_flow_change_rel) + ")" +
                         hydraulic_->unsettled_cause(net);
      return unfinished ? solver::LoopEnd::newton_unfinished : solver::LoopEnd::newton_failed;
    }
    report.message.clear();
  }
  if (loop.single_steps) {
    // A growing step means the hydraulics are not yet in Newton's quadratic range (status
    // changes, strongly nonlinear start): from here on, solve them fully each time.
    const double step = report.max_flow_change_rel;
    if (outer > 2 && step > kMaxStepGrowth * loop.last_step) loop.single_steps = false;
    loop.step_before = loop.last_step;
    loop.last_step = step;
  }
  if (!state_is_finite()) {
    report.message = "the hydraulic step of outer iteration " + std::to_string(outer) +
                     " produced non-finite flows or pressures";
    return solver::LoopEnd::state_non_finite;
  }
  // the Newton solve's node balance of state_ (nothing changed the state since)
  link_flows(net, hydraulic_->take_last_imbalance(imbalance_));
  return std::nullopt;
}

// The thermal part of outer iteration `outer`: the sweep at this iteration's flows, then the
// next input of the loop (the coupling Newton step's prediction, Anderson-mixed or damped),
// and whether the solve has settled.
std::optional<solver::LoopEnd> SolverEngine::thermal_step(const Network& net,
                                                          const fluid::FluidModel& fluid,
                                                          OuterLoop& loop, int outer,
                                                          SolveReport& report) {
  if (loop.coupled) oscillations_.track_flows(state_.q, loop.newton.tolerance);
  const auto t0 = Clock::now();
  thermal_inputs(net, fluid);
  try {
    thermal_->solve(net, fluid, thermal_in_, temps_);
  } catch (const Error& e) {
    // the sweep of an iterate, not of the input: a status of this solve, not an error
    report.message = "outer iteration " + std::to_string(outer) + ": " + e.what();
    return solver::LoopEnd::sweep_failed;
  }
  report.timings.thermal_s += seconds_since(t0);
  double dT = 0;
  for (std::size_t i = 0; i < node_T_.size(); ++i)
    dT = std::max(dT, std::abs(temps_.node_T[i] - node_T_[i]));
  loop.dT = dT;
  if (loop.coupled && !fluid.is_constant() && have_temperatures_ &&
      oscillations_.track_pipes(pipe_T_mean_, temps_.pipe_T_mean))
    anderson_.reset();  // the mixed vector changed shape
  // with feedback, the next flows and temperatures are the coupling Newton step's prediction;
  // its residuals first, which tell whether the loop has settled (then no prediction is made)
  if (loop.feedback) measure_heat_balance(net, fluid);
  const bool had = have_temperatures_;
  have_temperatures_ = true;
  report.max_temperature_change_K = dT;
  if (!loop.feedback) {
    predicted_flow_.clear();
    node_T_ = temps_.node_T;
    return solver::LoopEnd::settled;
  }
  // Converged: the temperatures no longer move, and the consumer flows deliver their heat at
  // them (after a Newton step the flows are not computed from the temperatures: the heat
  // balance is checked as the supply temperature error it amounts to).
  const bool flows_deliver = max_heat_residual_K_ <= loop.tol_T;
  // this iteration's contraction: of the flow steps and of the temperature changes (none
  // before the second iteration)
  const double contraction =
      std::isfinite(loop.step_before) && std::isfinite(loop.last_dT)
          ? std::max(loop.last_step / loop.step_before, dT / loop.last_dT)
          : std::numeric_limits<double>::infinity();
  const bool flows_settled =
      loop.hydraulic_converged &&
      (!loop.step_estimated || converged_by_estimate(loop, outer, contraction));
  // Temperatures: a last change below tol_T is the whole error only where the iteration
  // contracts fast; contracting by r per iteration the change still to come is up to
  // dT r / (1 - r) (geometric series), r the larger of the last two contractions, taken at
  // most kSlowContraction (a sequence that does not contract at all keeps the plain test
  // times that factor, not an endless one). Tested while the prediction goes through mixing
  // nodes, whose frozen loop splits can leave a step contracting slowly (Oral hour 2877: r ~
  // 0.74, settled 2.7e-3 K from the tight state without it); on cold starts it would hold 5 of
  // the robustness sweep's networks, whose dT hovers near the tolerance, beyond 200 iterations.
  const double t_ratio = dT / loop.last_dT;
  const double rate = std::min(std::max(t_ratio, loop.last_t_ratio), kSlowContraction);
  const bool temperatures_settled =
      (dT <= loop.tol_T || temperatures_settled_by_estimate(loop, outer, dT, rate)) &&
      (!predict_through_mixing_ || change_still_to_come(dT, rate) <= loop.tol_T);
  if ((had || outer > 1) && temperatures_settled && flows_deliver && flows_settled)
    return solver::LoopEnd::settled;
  if (cold_start_predicts_loops(loop, outer, t_ratio)) predict_through_mixing_ = true;
  next_coupling_input(net, loop, outer, dT);
  // Settled temperatures with flows whose single steps contract slowly (this and the last
  // iteration above kMaxContraction; the first iteration counts as not contracting): the
  // rest of the flows is a full hydraulic solve at these temperatures, quadratic where the
  // single steps crawl. Warm starts only, as the prediction through mixing nodes (Oral
  // 8,760 h: 1,348 steps end at 2 outer iterations instead of 3).
  if (predict_through_mixing_ && loop.single_steps && temperatures_settled && flows_deliver &&
      !flows_settled && contraction > kMaxContraction && loop.last_contraction > kMaxContraction)
    loop.single_steps = false;
  loop.last_dT = dT;
  loop.last_t_ratio = t_ratio;
  loop.last_contraction = contraction;
  if (loop.coupled && outer >= kDampAfter && dT < kFallbackNearK &&
      outer - last_fallback_ >= kFallbackEvery) {
    last_fallback_ = outer;
    if (coupled_newton_fallback(net, fluid, loop, report)) {
      loop.dT = fallback_dT_;
      report.max_temperature_change_K = fallback_dT_;
      return solver::LoopEnd::settled;
    }
  }
  if (loop.coupled) update_damping(outer);
  return std::nullopt;
}

// The next input of the outer loop (feedback, not settled): the coupling Newton step's
// prediction, Anderson-mixed or damped.
void SolverEngine::next_coupling_input(const Network& net, const OuterLoop& loop, int outer,
                                       double dT) {
  predict_coupling(net, loop.tol_T);
  if (damping_ < 1.0) {
    damped_from_T_ = node_T_;  // damp_step's start
    node_T_ = newton_T_;       // damped below, not mixed
    damp_step(net);
    return;
  }
  // predicted_flow_ and newton_T_ hold the Newton prediction. Where it is exact (trees) the
  // iteration converges quadratically and Anderson's history would only hold it back; where
  // it converges linearly (loops, mixing nodes), Anderson takes out the rest.
  const bool superlinear = dT < kSuperlinearRatio * loop.last_dT;
  if (superlinear) anderson_.reset();
  if (outer > 1 && !superlinear)
    accelerate(newton_T_);
  else
    node_T_ = newton_T_;
}

// Whether flows whose last single Newton step was accepted by the contraction estimate
// (estimated_step_acceptance) are within the flow tolerance of the fixed point: the change
// still to come, last_step r / (1 - r) for a sequence contracting by r per iteration, below
// tolerance / kEstimateSafety, with r this iteration's contraction of the flow steps and the
// temperature changes (the temperatures drive the set flows, so the next flow step shrinks
// with them), and the iteration before it contracting as well (an irregular sequence, e.g.
// Anderson-mixed, is not judged on one ratio; contraction_before).
bool SolverEngine::converged_by_estimate(const OuterLoop& loop, int outer,
                                         double contraction) const {
  return solver::settled_by_contraction(loop.last_step, contraction,
                                        contraction_before(loop, outer), loop.newton.tolerance);
}

// The contraction of the iteration before outer iteration `outer`, as the flows' estimate
// reads it (converged_by_estimate, and whether a single step may settle on it). It asks for
// two contracting iterations so that an irregular sequence, e.g. Anderson-mixed, is not
// judged on one ratio. A warm start's second iteration follows one plain Newton-corrected
// iteration from a nearby solution (no mixing before the second, next_coupling_input): its
// own ratio is the sequence's, and the first counts as contracting. Oral 8,760 h: 22,977 ->
// 21,462 Newton iterations (1,929 of its steps had settled temperatures and heat balances at
// the second outer iteration and went on to a third for the flows alone); against tight
// solves its steps stay within 0.074 of the time-series bounds, as before
// (tests/test_time_series.cpp).
double SolverEngine::contraction_before(const OuterLoop& loop, int outer) const {
  return outer == 2 && !cold_start_ ? 0.0 : loop.last_contraction;
}

// Whether temperatures whose last change dT is still above the tolerance are within it of the
// fixed point: the rule of the flows' estimate (converged_by_estimate) applied to the
// temperature changes. Contracting by at most kMaxContraction in this and the last iteration
// (two measured ratios, so from the third iteration; undamped), the change still to come,
// dT r / (1 - r), is below tol_T / kEstimateSafety. A cold 1e6-pipe solve whose changes fall
// by ~0.04 an iteration otherwise took one more iteration for a last change of 1.08e-6 K.
bool SolverEngine::temperatures_settled_by_estimate(const OuterLoop& loop, int outer, double dT,
                                                    double rate) const {
  // (rate is already the larger of the last two ratios: it stands for both)
  if (outer < 3 || damping_ < 1.0) return false;
  return solver::settled_by_contraction(dT, rate, rate, loop.tol_T);
}

// Whether a cold start's coupling step predicts through mixing nodes from this iteration on,
// as a warm start's does from its first: the tree-shaped prediction corrected for how loop
// flows split (correct_for_loop_flows), with the pipes' property temperatures moving with the
// predicted node temperatures (update_parameters). A cold start begins with mixing nodes as
// cuts (loop flows may still turn, kPredictThroughMixingUntil); once the loop, on single
// Newton steps, converges measurably linearly (its last two temperature-change ratios between
// kSuperlinearRatio and kMaxContraction) the cut prediction's frozen loop split is what sets
// that rate (realistic 1e5: ~1/30..1/80 per iteration from the third, the same with the
// pipe properties frozen; switched there 8 outer iterations -> 6). The tests keep it from
// loops whose flows still turn: switched on two ratios above kSuperlinearRatio alone, one
// of the robustness sweep's solves no longer settled; with all of them the sweep's 990
// settle as before, in 27,940 outer iterations instead of 28,737 (Newton 126,279, 128,348).
// Where the hydraulic start balanced every loop (HydraulicSolver::loops_balanced: a mostly
// tree-shaped network) the loop flows start near their solution and do not turn: the
// prediction goes through mixing nodes from the first iteration (realistic 1e5 first solve
// 6 -> 5 outer iterations, 1e6 7 -> 5, Oral 5 -> 4; balanced loops alone: 6, 6, 5).
bool SolverEngine::cold_start_predicts_loops(const OuterLoop& loop, int outer,
                                             double t_ratio) const {
  if (!cold_start_ || predict_through_mixing_ || outer > kPredictThroughMixingUntil) return false;
  if (hydraulic_->loops_balanced()) return true;
  const auto linear = [](double ratio) {
    return ratio > kSuperlinearRatio && ratio <= kMaxContraction;
  };
  return loop.single_steps && linear(t_ratio) && linear(loop.last_t_ratio);
}

// Without a thermal solve (isothermal run, or a hydraulic failure before the first sweep)
// the temperatures the hydraulics used are the solution's; with one, its pipes' heat losses.
void SolverEngine::finish_temperatures(const Network& net, const fluid::FluidModel& fluid,
                                       bool thermal) {
  const int m = net.topology().link_count();
  const bool sized = temps_.node_T.size() == static_cast<std::size_t>(net.node_count()) &&
                     temps_.link_T_in.size() == static_cast<std::size_t>(m) &&
                     temps_.pipe_heat_loss.size() == static_cast<std::size_t>(net.pipe_count());
  if (!thermal || !sized) {
    temps_ = solver::ThermalState{};
    temps_.node_T = node_T_;
    temps_.link_T_in.assign(m, 0.0);
    temps_.link_T_out.assign(m, 0.0);
    for (int k = 0; k < m; ++k) {
      temps_.link_T_in[k] = node_T_[net.topology().link_from[k]];
      temps_.link_T_out[k] = node_T_[net.topology().link_to[k]];
    }
    temps_.pipe_heat_loss.assign(net.pipe_count(), 0.0);
  }
  if (thermal && sized && !thermal_in_.link_flow.empty())
    thermal_->heat_losses(net, fluid, thermal_in_, temps_);
}

// Inexact inner solves: a coupled solve takes one Newton step per outer iteration, so the
// Newton sequence and the temperature fixed point converge together (block Gauss-Seidel).
// Each step starts from the previous outer iteration's flows, so near the solution it is a
// Newton step on a slightly changed problem: quadratic in that change, far below the linear
// convergence of the temperatures. Converged = a Newton step below the flow tolerance with no
// status change, followed by a temperature change below tol_T.
Solution SolverEngine::solve(const Network& net, const SolverOptions& options, SolveReport& report) {
  Solution sol;
  solve(net, options, report, sol);
  return sol;
}

void SolverEngine::solve(const Network& net, const SolverOptions& options, SolveReport& report,
                         Solution& sol) {
  const auto t_start = Clock::now();
  options.validate();
  report = SolveReport{};
  prepare(net, options, report);
  const Settings& set = net.settings();
  // this solve's inputs start empty, but for the pipes' cp at pipe_T_mean_ (the last solve's,
  // of the same fluid): a warm start's resweep sweeps at it
  std::vector<double> pipe_cp = std::move(thermal_in_.pipe_cp);
  thermal_in_ = solver::ThermalInputs{};
  pipe_cp_current_ = pipe_cp_current_ && set.fluid == pipe_cp_fluid_;
  if (pipe_cp_current_) thermal_in_.pipe_cp = std::move(pipe_cp);
  pipe_cp_fluid_ = set.fluid;
  report.backend = "";
  const FrictionModel friction = prepare_friction(net, options);
  const fluid::FluidModel fluid(set.fluid);
  const bool thermal = options.thermal && thermal_matters(net);
  OuterLoop loop;
  loop.tol_T = options.tolerance_temperature_K.value_or(set.tolerance_temperature_K);
  loop.newton.friction = friction;
  loop.newton.tolerance = options.tolerance_mass_flow_rel.value_or(set.tolerance_mass_flow_rel);
  loop.max_newton = options.max_iterations.value_or(set.max_iterations);
  // Temperatures only feed back when properties depend on them or consumers follow demand.
  loop.feedback = !fluid.is_constant();
  for (double w : net.consumers().heat_demand_W)
    if (!std::isnan(w)) loop.feedback = true;
  loop.coupled = thermal && loop.feedback;
  loop.single_steps = loop.coupled;
  loop.newton.stop_by_estimate = !loop.coupled;
  const int max_outer = thermal ? options.max_outer_iterations : 1;

  initial_temperatures(net, thermal);
  reachable_ = solver::reachable_temperatures(net);
  set_flow_bounds(net, fluid);
  // Warm start after a parameter change: the coupling Newton step at the previous solution,
  // with this solve's demands, predicts how the supply temperatures respond before the first
  // hydraulic step (consumer_flow_ still holds the flows that solution used).
  predicted_flow_.clear();
  predict_through_mixing_ = false;
  cold_start_ = true;
  if (loop.coupled && have_temperatures_ && state_.initialised &&
      consumer_flow_.size() == static_cast<std::size_t>(net.consumer_count()) &&
      params_.consumer_set_flow.size() == consumer_flow_.size()) {
    predict_through_mixing_ = true;
    cold_start_ = false;
    sweep_state_flows(net, fluid, report);
    coupling_newton_step(net, fluid, loop.tol_T);
    node_T_ = newton_T_;
  } else if (loop.coupled && !state_.initialised) {
    predict_from_balanced_start(net, fluid, loop, report);
  }
  // (after the warm start's resweep: its link flows are the last solve's, at its demands)
  set_node_demands(net);
  anderson_.reset();
  oscillations_.reset();
  mixed_pipe_T_.clear();
  next_pipe_T_.clear();
  damping_ = 1.0;
  last_fallback_ = 0;
  fallback_iterations_ = 0;

  std::optional<solver::LoopEnd> end;
  for (int outer = 1; outer <= max_outer && !end; ++outer) {
    report.outer_iterations = outer;
    outer_iteration_ = outer;
    if (outer > kPredictThroughMixingUntil) predict_through_mixing_ = false;
    end = hydraulic_step(net, fluid, loop, outer, report);
    if (!end && !thermal) end = solver::LoopEnd::settled;
    if (!end) end = thermal_step(net, fluid, loop, outer, report);
  }
  if (!end) {
    end = solver::LoopEnd::outer_budget;
    report.message = "thermal-hydraulic coupling did not settle in " +
                     std::to_string(max_outer) + " outer iterations (last max dT " +
                     format_value(loop.dT) + " K)" +
                     oscillations_.diagnosis(net, hydraulic_->topo_link(),
                                             hydraulic_->hydraulic_index(), state_.q);
    if (!loop.hydraulic_converged && !report.history.empty()) {
      // the temperatures may have settled, the flows at them did not
      const IterationRecord& last = report.history.back();
      report.message += "; the hydraulic Newton does not settle at these temperatures either "
                        "(relative flow change " + format_value(last.max_flow_change_rel) +
                        " against " + format_value(loop.newton.tolerance) +
                        ", largest at " + last.worst_link + ")";
    }
  }
  finish_temperatures(net, fluid, thermal);
  report.backend = hydraulic_->backend_name();
  report.factor_nonzeros = hydraulic_->factor_nonzeros();
  report.factor_flops = hydraulic_->factor_flops();
  report.status = solver::status_of(*end);
  const bool ok = *end == solver::LoopEnd::settled || *end == solver::LoopEnd::outer_budget;
  if (!ok && state_.q.empty()) hydraulic_->initialise(net, params_, state_);
  if (!ok) link_flows(net);
  // Work arrays of the outer loop are not needed for the solution: on large networks give
  // their memory back before the solution's fields are allocated (peak memory); small ones
  // keep them for the next solve (time series: no allocation churn per step).
  if (net.node_count() >= kReleaseWorkFromNodes) {
    anderson_.release();
    thermal_->release_tree_work();
    hydraulic_->release_work();
    newton_T_ = {};
  }
  if (single_solve_) {  // no further solve: the solution reads none of these
    thermal_.reset();
    hydraulic_->release_newton();
    step_start_ = {};
  }
  invalid_causes_.clear();
  make_solution(net, fluid, friction, options, report, sol);
  solver::apply_invalid_causes(invalid_causes_, report);
  sol.max_temperature_change_K = loop.dT;
  report.timings.total_s = seconds_since(t_start);
}

}  // namespace heatnet
