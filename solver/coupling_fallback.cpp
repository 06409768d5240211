// Newton on the outer fixed point: the fallback for a coupling that its fast path (one Newton
// step of the hydraulics, the tree-shaped coupling step, Anderson) has not settled.
//
// The outer loop is a fixed point x = G(x) of
//   x = (set flow of each demand-driven consumer, property temperature of each pipe),
//   G(x) = (the flow that delivers each consumer's heat at the supply temperature the network
//           gives it, the length-averaged temperature of each pipe) after a full hydraulic solve
//           with the set flows and the pipes' densities and viscosities at x, and a sweep.
// Where the Picard map's gain is far below -1 (a thermosiphon: a sloped pipe near stagnation
// whose water column turns its own flow, several of them in a loop) or a loop flow sets the
// mixing its own consumers feel, damping and Anderson converge slowly or not at all. Newton's
// method on F(x) = x - G(x) does not depend on that gain: near a solution it converges
// quadratically whether or not the fixed point is stable for the Picard map (Kelley, Iterative
// Methods for Linear and Nonlinear Equations, SIAM 1995, ch. 5 and 8). The Jacobian is taken by
// forward differences (one map per unknown, so only small systems: kMaxFallbackUnknowns) and
// the step is searched back along its direction on |F| (Armijo, ch. 8.1).
// The water columns enter through the pipes' temperatures in x, so the map itself solves the
// hydraulics without the own-flow column coupling (couple_water_columns). It ends the solve
// only where its fixed point holds to the outer loop's own criteria (coupled_newton_fallback);
// otherwise it puts back everything it changed.
#include <algorithm>
#include <cmath>

#include "heatnet/errors.hpp"
#include "solver/consumer_demand.hpp"
#include "solver/engine.hpp"
#include "solver/linear/dense_lu.hpp"

namespace heatnet {
namespace {
// Unknowns up to which the fallback runs: a forward-difference Jacobian costs one full
// hydraulic solve and sweep per unknown (robustness networks: 50-150).
constexpr std::size_t kMaxFallbackUnknowns = 400;
constexpr int kMaxFallbackIterations = 40;
// Hydraulic Newton iterations one solve may spend in the fallback's maps, and per map: bound
// its cost (robustness networks: 10-30 us an iteration, a fresh Jacobian 50-150 maps).
constexpr int kMaxFallbackNewtonIterations = 10000;
// ... and beyond that, attempts that start where the continuation's last temperature change is
// below kNearAttemptK: there Newton is in range and needs a Jacobian or two, but a first attempt
// from far off (|F| 3-63 K on robustness seeds 75, 129, 291) may already have spent the
// budget above; near attempts share this reserve (seed 291 settles at outer 153 with 1,500 of
// it). It bounds the cost as the budget does (10-30 us an iteration).
constexpr int kNearAttemptReserve = 5000;
constexpr double kNearAttemptK = 1e-3;
constexpr int kMaxMapIterations = 30;
constexpr int kMaxPolishSteps = 8;
// Pseudo-transient continuation: first pseudo time step (F and x are O(1) to O(10): K and
// relative flows), its range, how much |F| may grow in one step, fresh Jacobians every few
// steps (Broyden's updates in between).
constexpr double kPseudoStart = 1.0;
constexpr double kPseudoMin = 1e-4;
constexpr double kPseudoMax = 1e8;
constexpr double kPseudoGrowth = 4.0;
constexpr int kPseudoRefresh = 5;
constexpr int kMaxLineSearchHalvings = 10;
// Forward-difference steps: pipe temperatures (K), set flows relative to their scale. The
// hydraulic solve behind each map converges to round-off (quadratic Newton), so the
// difference is well above its noise.
constexpr double kTemperatureDelta = 1e-4;
constexpr double kFlowDelta = 1e-6;
// A map whose hydraulic Newton stalls above its tolerance at this relative flow change (round-off
// of an ill-conditioned pressure system) still has a value, accurate to far below the steps.
constexpr double kMapFlowTolerance = 1e-7;

double norm2(const std::vector<double>& v) {
  double s = 0;
  for (double a : v) s += a * a;
  return std::sqrt(s);
}

double norm_inf(const std::vector<double>& v) {
  double s = 0;
  for (double a : v) s = std::max(s, std::abs(a));
  return s;
}

// step = -(J + shift I)^-1 f (lu: work copy of J)
bool solve_shifted(const std::vector<double>& jacobian, double shift, const std::vector<double>& f,
                   std::vector<double>& lu, std::vector<double>& step) {
  const std::size_t n = f.size();
  lu = jacobian;
  for (std::size_t r = 0; r < n; ++r) lu[r * n + r] += shift;
  step.assign(f.begin(), f.end());
  for (double& v : step) v = -v;
  return solver::dense_lu_solve(lu, step);
}

// Broyden's rank-one update for the step x -> x_new: J += (df - J dx) dx^T / (dx^T dx)
// (dx: work vector).
void broyden_update(std::vector<double>& jacobian, const std::vector<double>& x,
                    const std::vector<double>& x_new, const std::vector<double>& f,
                    const std::vector<double>& f_new, std::vector<double>& dx) {
  const std::size_t n = x.size();
  dx.resize(n);
  double dxx = 0;
  for (std::size_t r = 0; r < n; ++r) {
    dx[r] = x_new[r] - x[r];
    dxx += dx[r] * dx[r];
  }
  if (!(dxx > 0)) return;
  for (std::size_t r = 0; r < n; ++r) {
    double jdx = 0;
    for (std::size_t col = 0; col < n; ++col) jdx += jacobian[r * n + col] * dx[col];
    const double w = (f_new[r] - f[r] - jdx) / dxx;
    for (std::size_t col = 0; col < n; ++col) jacobian[r * n + col] += w * dx[col];
  }
}
}  // namespace

// What the fallback overwrites, to put back where it does not find a better point.
struct SolverEngine::FallbackSaved {
  solver::HydraulicState state;
  solver::ThermalState temps;
  solver::HydraulicParameters params;
  solver::ThermalInputs thermal_in;
  std::vector<double> node_T, predicted_flow, consumer_flow, source_flow, imbalance, pipe_T_mean,
      next_pipe_T, mixed_pipe_T;
};

// The fallback's iterate: x, F(x), the Jacobian, the trial point and its F, work vectors, and
// whether the Jacobian is fresh (forward differences at x), the pseudo time step (0: Newton
// with line search) and the steps since the last fresh Jacobian.
struct SolverEngine::FallbackIterate {
  std::vector<double> x, f, jacobian, trial, f_trial, lu, step;
  bool fresh = false;
  double pseudo_dt = 0.0;
  int since_fresh = 0;
};

// F(x) = x - G(x) (see the top of the file); false where the map has no value there (the
// hydraulics do not converge, the sweep fails).
bool SolverEngine::fallback_residual(const Network& net, const fluid::FluidModel& fluid,
                                     const OuterLoop& loop, const std::vector<double>& x,
                                     std::vector<double>& f, SolveReport& report) {
  const std::size_t nd = demand_consumer_.size();
  const std::size_t np = static_cast<std::size_t>(net.pipe_count());
  const int budget =
      kMaxFallbackNewtonIterations + (loop.dT < kNearAttemptK ? kNearAttemptReserve : 0);
  if (fallback_iterations_ >= budget) return false;
  state_ = fallback_base_state_;
  node_T_ = fallback_base_T_;
  outer_iteration_ = 0;  // no own-flow water columns: x carries the pipes' temperatures
  next_pipe_T_.assign(x.begin() + static_cast<std::ptrdiff_t>(nd), x.end());
  mixed_pipe_T_.clear();
  for (std::size_t j = 0; j < nd; ++j) {
    const int i = demand_consumer_[j];
    predicted_flow_[i] = x[j] * flow_scale(i);
  }
  update_parameters(net, fluid);
  update_consumer_flows(net, fluid);
  solver::NewtonSettings ns = loop.newton;
  ns.max_iterations = std::min(loop.max_newton, kMaxMapIterations);
  ns.previous_iterations = 0;
  SolveReport inner;
  const solver::NewtonOutcome outcome = hydraulic_->solve(net, ns, params_, state_, inner);
  report.factorisations += inner.factorisations;
  fallback_iterations_ += inner.iterations;
  fallback_map_converged_ = outcome == solver::NewtonOutcome::converged;
  fallback_map_step_ = inner.max_flow_change_rel;
  fallback_map_imbalance_ = inner.max_mass_imbalance_kg_s;
  const bool settled = fallback_map_converged_ ||
                       (outcome == solver::NewtonOutcome::unfinished &&
                        inner.max_flow_change_rel < kMapFlowTolerance);
  if (!settled || !state_is_finite()) return false;
  link_flows(net);
  thermal_inputs(net, fluid);
  try {
    thermal_->solve(net, fluid, thermal_in_, temps_);
    // the consumers' outlets at the supply temperatures this sweep gave them (the return side
    // follows the supply side, not the other way round: a second sweep settles them)
    node_T_ = temps_.node_T;
    thermal_inputs(net, fluid);
    thermal_->solve(net, fluid, thermal_in_, temps_);
  } catch (const Error&) {
    return false;
  }
  f.resize(x.size());
  const ConsumerData& c = net.consumers();
  const int consumer_link0 = net.topology().consumer_offset;
  for (std::size_t j = 0; j < nd; ++j) {
    const int i = demand_consumer_[j];
    const double ts = temps_.node_T[c.supply_node[i]];
    const solver::DemandFlow want = solver::demand_flow(fluid, c.heat_demand_W[i], ts,
                                                        c.return_temperature_C[i]);
    const double target = std::clamp(want.mass_flow, flow_lo_[i], flow_hi_[i]);
    const int link = hydraulic_->hydraulic_index()[consumer_link0 + i];
    // a fully open valve sets the flow: the set flow only follows the target
    const double drawn = hydraulic_->valve_limited(params_, state_, link) ? predicted_flow_[i]
                                                                          : consumer_flow_[i];
    // as the supply temperature error it amounts to (K), like the outer loop's heat residual
    // (the enthalpy drop floored by the one rule, solver/consumer_demand.hpp)
    f[j] = (drawn - target) * want.dh /
           (std::max(drawn, flow_scale(i)) * fluid.specific_heat(ts, fluid::kPropertyPressurePa));
  }
  for (std::size_t e = 0; e < np; ++e) f[nd + e] = x[nd + e] - temps_.pipe_T_mean[e];
  for (std::size_t k = 0; k < f.size(); ++k)
    if (!std::isfinite(f[k])) return false;
  return true;
}

// The fallback's start: the continuation's iterate (its next set flows, the sweep's pipe
// temperatures), except for a consumer whose supply is below its return temperature plus the
// floor (solver/consumer_demand.hpp). Its substation's law sets its flow to its limit there
// (docs/models.md "Substations": S = min(Q / dh', limit) with dh' floored at 0.5 K, and the
// limit is at most the floor's flow): a controller whose primary water is too cold to deliver
// opens fully. The continuation's Newton step on the heat balance m dh(T_s) = Q aims elsewhere
// there (its root needs a supply above the return temperature, which only a rising T_s(m)
// brings), so its iterate can sit far from the law's fixed point: robustness seed 632, C3 drew
// 1.0 of its 2.33 kg/s limit for 4,000 outer iterations at a supply 2 K below its return
// temperature (drawing more turns a loop pipe and brings colder water), and the fallback
// started there spent its budget at |F| 0.4 K; started at the limit, its Newton converges
// quadratically from |F| 13 K (0.021 K after 5 steps).
void SolverEngine::fallback_start(const Network& net, std::vector<double>& x) const {
  const ConsumerData& c = net.consumers();
  const std::size_t nd = demand_consumer_.size();
  for (std::size_t j = 0; j < nd; ++j) {
    const int i = demand_consumer_[j];
    const bool floored =
        solver::below_floor(temps_.node_T[c.supply_node[i]], c.return_temperature_C[i]);
    x[j] = (floored ? flow_hi_[i] : predicted_flow_[i]) / flow_scale(i);
  }
  for (std::size_t e = 0; e < temps_.pipe_T_mean.size(); ++e) x[nd + e] = temps_.pipe_T_mean[e];
}

// x within what the network allows: set flows between each consumer's least set flow and its
// limit, temperatures within the reachable range. The least set flow is the continuation's
// (set_flow_floor): the least flow less what the throttle leaks above the set flow. A consumer
// held at its limit whose limit is also its least flow (demand beyond what the hottest supply
// could deliver through it) draws its limit plus that leak, and F = drawn - limit vanishes
// only at a set flow that much below it; clamped at the least flow, the fallback's Newton
// stalled there (seed 632: C5, 800 kW through a 0.24 kg/s limit, |F| 2.8e-6 K for 33 steps).
void SolverEngine::fallback_bound(std::vector<double>& x) const {
  const std::size_t nd = demand_consumer_.size();
  for (std::size_t j = 0; j < nd; ++j) {
    const int i = demand_consumer_[j];
    const double s = flow_scale(i);
    x[j] = std::clamp(x[j], set_flow_floor(i) / s, flow_hi_[i] / s);
  }
  for (std::size_t k = nd; k < x.size(); ++k) x[k] = reachable_.clamp(x[k]);
}

// Forward-difference Jacobian of F at x (row-major n x n), each step into the allowed range.
bool SolverEngine::fallback_jacobian(const Network& net, const fluid::FluidModel& fluid,
                                     const OuterLoop& loop, const std::vector<double>& x,
                                     const std::vector<double>& f, std::vector<double>& jacobian,
                                     SolveReport& report) {
  const std::size_t nd = demand_consumer_.size();
  const std::size_t n = x.size();
  std::vector<double> trial, f_trial;
  for (std::size_t col = 0; col < n; ++col) {
    trial = x;
    double h = col < nd ? kFlowDelta * std::max(1.0, std::abs(x[col])) : kTemperatureDelta;
    // into the allowed range: beyond a bound the map does not change (a zero column)
    const double upper = col < nd ? flow_hi_[demand_consumer_[col]] /
                                        flow_scale(demand_consumer_[col])
                                  : reachable_.hi;
    if (x[col] + h > upper) h = -h;
    trial[col] += h;
    if (!fallback_residual(net, fluid, loop, trial, f_trial, report)) {
      trial[col] = x[col] - h;  // the other side (a status change on this one)
      h = -h;
      if (!fallback_residual(net, fluid, loop, trial, f_trial, report)) return false;
    }
    for (std::size_t r = 0; r < n; ++r) jacobian[r * n + col] = (f_trial[r] - f[r]) / h;
  }
  return true;
}

bool SolverEngine::coupled_newton_fallback(const Network& net, const fluid::FluidModel& fluid,
                                           const OuterLoop& loop, SolveReport& report) {
  const std::size_t nd = demand_consumer_.size();
  const std::size_t np = static_cast<std::size_t>(net.pipe_count());
  const std::size_t n = nd + np;
  if (n == 0 || n > kMaxFallbackUnknowns || predicted_flow_.empty() ||
      temps_.pipe_T_mean.size() != np)
    return false;
  FallbackSaved saved{state_,        temps_,          params_,      thermal_in_,
                      node_T_,       predicted_flow_, consumer_flow_, source_flow_,
                      imbalance_,    pipe_T_mean_,    next_pipe_T_, mixed_pipe_T_};
  const int saved_outer = outer_iteration_;
  fallback_base_state_ = state_;
  fallback_base_T_ = temps_.node_T;

  FallbackIterate it;
  it.x.resize(n);
  it.jacobian.resize(n * n);
  fallback_start(net, it.x);
  fallback_bound(it.x);
  // The node temperatures behind the hydraulic parameters that depend on them (a pump's or
  // valve's inlet water, a plant's water column, a kvs valve's density) follow the accepted
  // iterates: after each step they are the sweep's, and F is taken again with them.
  auto rebase = [&]() {
    fallback_base_T_ = temps_.node_T;
    return fallback_residual(net, fluid, loop, it.x, it.f, report);
  };
  bool ok = fallback_residual(net, fluid, loop, it.x, it.f, report) && rebase();
  // Newton with a forward-difference Jacobian, updated by Broyden's rank-one rule between
  // fresh ones (Kelley 1995, ch. 7.2): a fresh Jacobian is taken at the start and wherever the
  // updated one gives no descent. Where even a fresh one gives none (|F| has a local minimum
  // off the solution, or a kink), pseudo-transient continuation (fallback_pseudo_step).
  for (int k = 0; ok && k < kMaxFallbackIterations && norm_inf(it.f) > loop.tol_T; ++k) {
    if (!it.fresh && (it.pseudo_dt == 0.0 || it.since_fresh >= kPseudoRefresh)) {
      ok = fallback_jacobian(net, fluid, loop, it.x, it.f, it.jacobian, report);
      it.fresh = true;
      it.since_fresh = 0;
    }
    if (!ok) break;
    const StepResult step = it.pseudo_dt == 0.0 ? fallback_newton_step(net, fluid, loop, it, report)
                                                : fallback_pseudo_step(net, fluid, loop, it, report);
    if (step == StepResult::stop) break;
    if (step == StepResult::retry) continue;
    broyden_update(it.jacobian, it.x, it.trial, it.f, it.f_trial, it.step);
    it.fresh = false;
    it.x.swap(it.trial);
    it.f.swap(it.f_trial);
    ok = rebase();
  }
  // the map's state at the final x (the line search may have left a trial's behind)
  ok = ok && fallback_residual(net, fluid, loop, it.x, it.f, report);
  if (ok && norm_inf(it.f) > loop.tol_T) ok = fallback_polish(net, fluid, loop, it, report);
  outer_iteration_ = saved_outer;
  // Settled: the fixed point holds to the temperature tolerance at hydraulics that converged.
  // Anything less is put back as it was: the continuation goes on from its own iterate (handing
  // it a partly converged point lost as many solves as it won on the robustness sweep).
  double base_change = 0.0;  // the node temperatures' change over the last map
  for (std::size_t i = 0; ok && i < node_T_.size(); ++i)
    base_change = std::max(base_change, std::abs(temps_.node_T[i] - fallback_base_T_[i]));
  if (ok && norm_inf(it.f) <= loop.tol_T && base_change <= loop.tol_T && fallback_map_converged_) {
    node_T_ = temps_.node_T;
    fallback_dT_ = std::max(norm_inf(it.f), base_change);
    report.max_flow_change_rel = fallback_map_step_;
    report.max_mass_imbalance_kg_s = fallback_map_imbalance_;
    return true;
  }
  restore(std::move(saved));
  return false;
}

// Where Newton and the pseudo-transient steps stall just short of the tolerance (a Jacobian
// column taken across a kink of the map steers the step off, while F itself is smooth there),
// plain fixed-point steps on the pipes' property temperatures, x <- G(x) (their F is x - G(x)),
// finish it: each is kept while it lowers max |F|. Returns false where a map fails.
bool SolverEngine::fallback_polish(const Network& net, const fluid::FluidModel& fluid,
                                   const OuterLoop& loop, FallbackIterate& it,
                                   SolveReport& report) {
  const std::size_t nd = demand_consumer_.size();
  for (int k = 0; k < kMaxPolishSteps && norm_inf(it.f) > loop.tol_T; ++k) {
    it.trial = it.x;
    for (std::size_t r = nd; r < it.x.size(); ++r) it.trial[r] -= it.f[r];
    fallback_bound(it.trial);
    if (!fallback_residual(net, fluid, loop, it.trial, it.f_trial, report)) break;
    if (!(norm_inf(it.f_trial) < norm_inf(it.f))) break;
    it.x.swap(it.trial);
    it.f.swap(it.f_trial);
    fallback_base_T_ = temps_.node_T;
  }
  return fallback_residual(net, fluid, loop, it.x, it.f, report);
}

// Newton's step on F with a line search on |F| (Armijo). A stale (Broyden) Jacobian that gives
// no descent at the full step is replaced by a fresh one first; a fresh one that gives none
// along its own direction hands over to pseudo-transient continuation.
SolverEngine::StepResult SolverEngine::fallback_newton_step(const Network& net,
                                                            const fluid::FluidModel& fluid,
                                                            const OuterLoop& loop,
                                                            FallbackIterate& it,
                                                            SolveReport& report) {
  if (!solve_shifted(it.jacobian, 0.0, it.f, it.lu, it.step)) return StepResult::stop;
  const double merit = norm2(it.f);
  double lambda = 1.0;
  for (int k = 0; k <= kMaxLineSearchHalvings; ++k, lambda *= 0.5) {
    it.trial = it.x;
    for (std::size_t r = 0; r < it.x.size(); ++r) it.trial[r] += lambda * it.step[r];
    fallback_bound(it.trial);
    if (fallback_residual(net, fluid, loop, it.trial, it.f_trial, report) &&
        norm2(it.f_trial) < (1.0 - 1e-4 * lambda) * merit)
      return StepResult::accepted;
    if (!it.fresh) break;  // a stale Jacobian: take a fresh one first
  }
  if (it.fresh) it.pseudo_dt = kPseudoStart;  // no descent along Newton's own direction
  it.fresh = false;
  return StepResult::retry;
}

// Pseudo-transient continuation (Kelley & Keyes, SIAM J. Numer. Anal. 35 (1998) 508): steps
// (J + I / dt) dx = -F, taken as they come (|F| may grow by kPseudoGrowth; beyond, dt is cut),
// the pseudo time step dt growing as |F| falls (switched evolution relaxation) until the
// steps are Newton's.
SolverEngine::StepResult SolverEngine::fallback_pseudo_step(const Network& net,
                                                            const fluid::FluidModel& fluid,
                                                            const OuterLoop& loop,
                                                            FallbackIterate& it,
                                                            SolveReport& report) {
  const double merit = norm2(it.f);
  for (int k = 0; k < kMaxLineSearchHalvings; ++k) {
    if (!solve_shifted(it.jacobian, 1.0 / it.pseudo_dt, it.f, it.lu, it.step))
      return StepResult::stop;
    it.trial = it.x;
    for (std::size_t r = 0; r < it.x.size(); ++r) it.trial[r] += it.step[r];
    fallback_bound(it.trial);
    if (fallback_residual(net, fluid, loop, it.trial, it.f_trial, report) &&
        norm2(it.f_trial) < kPseudoGrowth * merit) {
      it.pseudo_dt = std::clamp(it.pseudo_dt * merit / std::max(norm2(it.f_trial), 1e-300),
                                kPseudoMin, kPseudoMax);
      ++it.since_fresh;
      return StepResult::accepted;
    }
    it.pseudo_dt *= 0.25;
  }
  return StepResult::stop;
}

void SolverEngine::restore(FallbackSaved&& saved) {
  state_ = std::move(saved.state);
  temps_ = std::move(saved.temps);
  params_ = std::move(saved.params);
  thermal_in_ = std::move(saved.thermal_in);
  node_T_ = std::move(saved.node_T);
  predicted_flow_ = std::move(saved.predicted_flow);
  consumer_flow_ = std::move(saved.consumer_flow);
  source_flow_ = std::move(saved.source_flow);
  imbalance_ = std::move(saved.imbalance);
  pipe_T_mean_ = std::move(saved.pipe_T_mean);
  next_pipe_cp_valid_ = false;  // made for the pipe temperatures just replaced
  next_pipe_T_ = std::move(saved.next_pipe_T);
  mixed_pipe_T_ = std::move(saved.mixed_pipe_T);
}

}  // namespace heatnet
