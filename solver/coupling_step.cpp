// The coupling step of the outer loop: how the consumers' set flows and the pipes' property
// temperatures move from one outer iteration to the next (Newton-corrected prediction,
// Anderson mixing, damped continuation), and the bounds they move within. The loop that calls
// them is SolverEngine::solve (solver/engine.cpp); docs/models.md "Coupling".
#include <algorithm>
#include <cmath>
#include <limits>

#include "network/compiled.hpp"
#include "solver/consumer_demand.hpp"
#include "solver/engine.hpp"
#include "solver/physics/substation.hpp"

namespace heatnet {
namespace {
// A consumer's flow changes by at most this factor per outer iteration. Far from the solution
// (a starved consumer: supply near ambient, flow tiny) the Newton step on its heat balance can
// overshoot by orders of magnitude, and flow reversals in loops follow. Chosen on 1,200
// random networks (benchmarks/robustness.py generator, seeds 300-1499, not the 300 of its
// sweep; factor: level / terrain converged of 600 each, 50 outer iterations, before limited
// flows were put back into the step): none 390 / 249, 3: 404 / 246, 4: 433 / 254,
// 6: 444 / 261, 8: 437 / 258, 12: 426 / 254. The Oral network and the realistic benchmark
// networks solve as without it (same iterations, same results).
constexpr double kMaxFlowStep = 6.0;
// Passes of the coupling step that re-pin limited consumer flows (usually 1-2 are needed).
constexpr int kMaxPinPasses = 4;
// Damped continuation (update_damping): from SolverEngine::kDampAfter on, w halves every
// kDampEvery outer iterations that do not settle, down to kMinDamping.
constexpr int kDampEvery = 15;
constexpr double kMinDamping = 1.0 / 16.0;
}  // namespace

// Newton step on the coupling of consumer flows and supply temperatures (see
// ThermalSolver::tree_response), in the consumers' flows. Each demand-driven consumer must
// deliver Q = m dh(T_supply); linearised at the flow m this iteration used and the sweep's
// supply temperature, the flow that delivers it is
//     m + dm,  dm = (Q - m dh) / dh' - m cp / dh' dT_supply,
// with dh' = dh floored at the equivalent of kMinConsumerDeltaT (solver/consumer_demand.hpp).
// This is Newton's method on the heat balance m dh(T_s(m)) - Q, which is smooth and rises
// with m even where the supply is at or below the return temperature (a consumer starved
// behind a near-stagnant pipe), where m = Q / dh(T) is singular: iterating on the flow
// computed from a predicted temperature there jumps between a starved and an oversupplied
// consumer. The thermal solver turns the residuals and slopes into the temperature changes
// that make flows and temperatures agree to first order on the tree-shaped parts (newton_T_);
// each consumer's next flow is its own dm at its predicted temperature change, changing by at
// most kMaxFlowStep and kept within what the network's temperatures allow (set_flow_bounds).
// Also measures how far the flows used are from delivering Q at the sweep's temperatures
// (max_heat_residual_K_).
void SolverEngine::coupling_newton_step(const Network& net, const fluid::FluidModel& fluid,
                                        double tol_T) {
  measure_heat_balance(net, fluid);
  predict_coupling(net, tol_T);
}

// The coupling step's first half: per demand-driven consumer its heat balance's residual and
// slope at the sweep's temperatures, and max_heat_residual_K_ (what the outer loop's
// convergence test reads).
void SolverEngine::measure_heat_balance(const Network& net, const fluid::FluidModel& fluid) {
  const ConsumerData& c = net.consumers();
  consumer_residual_.clear();
  consumer_gain_.clear();
  heat_residual_.clear();
  heat_gain_.clear();
  consumer_node_.clear();
  demand_consumer_.clear();
  max_heat_residual_K_ = 0.0;
  const int nc = net.consumer_count();
  valve_limited_.assign(nc, 0);
  const int consumer_link0 = net.topology().consumer_offset;
  for (int i = 0; i < nc; ++i) {
    if (!std::isnan(c.fixed_mass_flow_kg_s[i])) continue;
    const int node = c.supply_node[i];
    const double ts = temps_.node_T[node];
    const double tr = c.return_temperature_C[i];
    const double h_tr = return_enthalpy_[i];
    const solver::DemandFlow d = solver::demand_flow(fluid, c.heat_demand_W[i], ts, tr, h_tr);
    const double m = consumer_flow_[i];
    const double cp = fluid.specific_heat(ts, fluid::kPropertyPressurePa);
    const double dh = d.floored ? fluid.enthalpy(ts) - h_tr : d.dh;
    // a substation whose fully open valve is the limit does not follow its set flow
    const int link = hydraulic_->hydraulic_index()[consumer_link0 + i];
    valve_limited_[i] = hydraulic_->valve_limited(params_, state_, link);
    const bool at_limit = valve_limited_[i] || at_flow_limit(i);
    demand_consumer_.push_back(i);
    consumer_node_.push_back(node);
    heat_residual_.push_back((c.heat_demand_W[i] - m * dh) / d.dh);
    heat_gain_.push_back(-m * cp / d.dh);
    // in the step, a valve-limited substation's flow stays where it is
    consumer_residual_.push_back(valve_limited_[i] ? 0.0 : heat_residual_.back());
    consumer_gain_.push_back(valve_limited_[i] ? 0.0 : heat_gain_.back());
    // the flow rule's residual as the supply temperature error it amounts to (K): zero once
    // m delivers Q at the sweep's temperature, or once a limit holds it below that flow
    const double excess = at_limit ? std::max(0.0, m - d.mass_flow) : std::abs(d.mass_flow - m);
    if (m > 0) max_heat_residual_K_ = std::max(max_heat_residual_K_, excess * d.dh / (m * cp));
  }
}

// The coupling step's second half: the Newton prediction of the next flows (predicted_flow_)
// and node temperatures (newton_T_) from the residuals measure_heat_balance left.
void SolverEngine::predict_coupling(const Network& net, double tol_T) {
  // Without a sweep plan (flows in a cycle) there is no tree to predict the temperatures on:
  // each consumer takes its own Newton step at the sweep's temperatures, within its limits.
  const bool planned = thermal_->tree_response(temps_, consumer_node_, consumer_residual_,
                                               consumer_gain_, newton_T_, predict_through_mixing_);
  if (!planned) newton_T_ = temps_.node_T;
  predicted_flow_ = params_.consumer_set_flow;
  // Each consumer's Newton flow, limited (kMaxFlowStep, set_flow_bounds). A limited flow is
  // not what the prediction assumed, and the temperatures it predicted for the consumers
  // sharing its pipes would not come: the step is solved again with the limited consumers'
  // flows fixed at their limits (residual = the change, slope 0), so the others follow what
  // will happen. Without it a consumer held at the floor's flow can keep predicting a warmer
  // supply for its neighbours for ever (the iteration stops at a false fixed point).
  // Each pass fixes the limited flows at their limits and frees the others; passes repeat
  // until the limited set stays the same (a flow limited in the first pass, where a neighbour
  // still grew without bound, may be free once that neighbour is held; kept pinned it would
  // predict a change that does not come).
  // Returns whether a consumer changed between pinned and free.
  pinned_.assign(demand_consumer_.size(), 0);
  auto limit_flows = [&]() {
    bool changed = false;
    for (std::size_t j = 0; j < demand_consumer_.size(); ++j) {
      const int i = demand_consumer_[j], node = consumer_node_[j];
      const double m = consumer_flow_[i];
      const double dT = newton_T_[node] - temps_.node_T[node];
      const double newton = m + heat_residual_[j] + heat_gain_[j] * dT;
      const double base = std::max(m, flow_lo_[i]);  // a consumer switched on from zero can grow
      const double lo = std::max(flow_lo_[i], base / flow_trust_[i]);
      const double hi = std::min(flow_hi_[i], base * flow_trust_[i]);
      const double target = std::clamp(newton, lo, hi);
      // the set flow that makes the substation draw the target: a flow-controlled one draws
      // its set flow up to the throttle's round-off (physics::substation_law), made up here
      const double offset = valve_limited_[i] ? 0.0 : params_.consumer_set_flow[i] - m;
      predicted_flow_[i] = std::min(target + offset, flow_hi_[i]);
      if (valve_limited_[i]) continue;  // held by its valve in every pass
      const char limited = target != newton;
      changed |= limited != pinned_[j];
      pinned_[j] = limited;
      // pinned: the flow change its new set flow brings (none where it stays at its limit)
      consumer_residual_[j] = limited ? predicted_flow_[i] - params_.consumer_set_flow[i]
                                      : heat_residual_[j];
      consumer_gain_[j] = limited ? 0.0 : heat_gain_[j];
    }
    return changed;
  };
  // Each pass fixes the limited flows at their limits and predicts again; a pinned flow's
  // residual is the change its limit brings, which moves with the prediction (a trust region
  // around the flow used): the prediction is repeated until it was made with the residuals the
  // flows are set by, or the passes run out (so that a state that no longer moves is not taken
  // for one that will: a consumer held at its limit kept predicting a 1.7 K change that never
  // came, robustness seed 956).
  used_residual_ = consumer_residual_;
  bool repeat = limit_flows() || used_residual_ != consumer_residual_;
  for (int pass = 0; repeat && planned && pass < kMaxPinPasses; ++pass) {
    thermal_->tree_response(temps_, consumer_node_, consumer_residual_, consumer_gain_,
                            newton_T_, predict_through_mixing_);
    used_residual_ = consumer_residual_;
    repeat = limit_flows() || used_residual_ != consumer_residual_;
  }
  // On a meshed network the tree-shaped prediction splits a loop's flow change in frozen
  // shares: corrected with the exact linear response (warm starts, as the mixing response)
  if (!repeat && planned && predict_through_mixing_ && correct_for_loop_flows(net, tol_T))
    limit_flows();  // the flows at the corrected temperatures, within their limits
  if (repeat && planned) {
    // The pin set kept changing (a starved consumer whose free Newton flow overshoots its
    // trust region one pass and undershoots its floor the next): the last prediction was not
    // made with the flows now set. Predict with every flow fixed at what was set (residual =
    // its change, slope 0), so the temperatures are the ones those flows bring; otherwise the
    // loop stops at a state that predicts a change that never comes (seed 874: 29 K for ever).
    for (std::size_t j = 0; j < demand_consumer_.size(); ++j) {
      const int i = demand_consumer_[j];
      consumer_residual_[j] =
          valve_limited_[i] ? 0.0 : predicted_flow_[i] - params_.consumer_set_flow[i];
      consumer_gain_[j] = 0.0;
    }
    thermal_->tree_response(temps_, consumer_node_, consumer_residual_, consumer_gain_,
                            newton_T_);
  }
  update_flow_trust();
  for (double& t : newton_T_) t = reachable_.clamp(t);
}

// Continuation for a coupling that does not settle on its fast path (Newton step + Anderson):
// pseudo-time steps of the outer fixed point, x <- x + w (map(x) - x). A damped step is an
// implicit pseudo-transient march towards the steady state (each pipe's water column and each
// consumer's flow follow the thermal state with inertia 1/w), which converges wherever the
// undamped map's eigenvalues have real part below 1: the thermosiphon swings (gain near or
// below -1) and flows turning back and forth in loops that Anderson cannot hold. It starts
// after kDampAfter outer iterations and halves w every kDampEvery iterations that do not
// settle, down to kMinDamping.
void SolverEngine::update_damping(int outer) {
  if (outer == kDampAfter) {
    damping_ = 0.5;
    anderson_.reset();
    mixed_pipe_T_.clear();
  } else if (outer > kDampAfter && (outer - kDampAfter) % kDampEvery == 0) {
    damping_ = std::max(0.5 * damping_, kMinDamping);
  } else {
    return;
  }
  damped_anderson_.reset();
  damped_anderson_.set_beta(damping_);
}

// One damped step of the outer state: node temperatures (from damped_from_T_), the consumers'
// set flows and the pipes' property temperatures, Anderson-mixed with relaxation damping_.
void SolverEngine::damp_step(const Network& net) {
  const std::size_t n = node_T_.size();
  const std::size_t nc = predicted_flow_.empty() ? 0 : static_cast<std::size_t>(net.consumer_count());
  const std::size_t np = temps_.pipe_T_mean.size() == pipe_T_mean_.size() ? pipe_T_mean_.size() : 0;
  damped_in_.resize(n + nc + np);
  damped_out_.resize(n + nc + np);
  for (std::size_t i = 0; i < n; ++i) {
    damped_in_[i] = damped_from_T_[i];
    damped_out_[i] = node_T_[i];
  }
  for (std::size_t i = 0; i < nc; ++i) {
    damped_in_[n + i] = params_.consumer_set_flow[i] / flow_scale(static_cast<int>(i));
    damped_out_[n + i] = predicted_flow_[i] / flow_scale(static_cast<int>(i));
  }
  for (std::size_t e = 0; e < np; ++e) {
    damped_in_[n + nc + e] = pipe_T_mean_[e];
    damped_out_[n + nc + e] = temps_.pipe_T_mean[e];
  }
  damped_anderson_.next(damped_in_, damped_out_);
  for (std::size_t i = 0; i < n; ++i) node_T_[i] = reachable_.clamp(damped_in_[i]);
  for (std::size_t i = 0; i < nc; ++i) {
    if (flow_hi_[i] <= 0) {
      predicted_flow_[i] = damped_in_[n + i] * flow_scale(static_cast<int>(i));  // fixed flow: unchanged
      continue;
    }
    const double base = std::max(params_.consumer_set_flow[i], flow_lo_[i]);
    predicted_flow_[i] = std::clamp(damped_in_[n + i] * flow_scale(static_cast<int>(i)),
                                    std::max(set_flow_floor(i), base / flow_trust_[i]),
                                    std::min(flow_hi_[i], base * flow_trust_[i]));
  }
  next_pipe_T_.resize(np);
  for (std::size_t e = 0; e < np; ++e) next_pipe_T_[e] = reachable_.clamp(damped_in_[n + nc + e]);
}

// Each consumer's step limit is a trust region: a step that turns back from the last one (the
// flow overshot: the tree-shaped prediction does not see the loops' flow split, where a
// large flow change turns pipes around) halves the factor's excess over 1; steps that keep
// their direction let it grow back by half, up to kMaxFlowStep. A consumer swinging between
// its least flow and its limit every other iteration then settles where its heat balance
// holds.
void SolverEngine::update_flow_trust() {
  for (int i : demand_consumer_) {
    const double step = predicted_flow_[i] - params_.consumer_set_flow[i];
    const signed char dir = step > 0 ? 1 : (step < 0 ? -1 : 0);
    if (dir != 0 && dir == -flow_step_dir_[i])
      flow_trust_[i] = 1.0 + 0.5 * (flow_trust_[i] - 1.0);
    else if (dir != 0)
      flow_trust_[i] = std::min(kMaxFlowStep, 1.0 + 1.5 * (flow_trust_[i] - 1.0));
    if (dir != 0) flow_step_dir_[i] = dir;
  }
}

bool SolverEngine::state_is_finite() const {
  for (double q : state_.q)
    if (!std::isfinite(q)) return false;
  for (double p : state_.p)
    if (!std::isfinite(p)) return false;
  return true;
}

// The flows each demand-driven consumer can draw in this solve: at most its substation's flow
// limit, at least what the hottest reachable supply temperature needs. Also each consumer's
// return enthalpy, which the flow rule reads every outer iteration.
void SolverEngine::set_flow_bounds(const Network& net, const fluid::FluidModel& fluid) {
  const ConsumerData& c = net.consumers();
  return_enthalpy_.resize(net.consumer_count());
  for (int i = 0; i < net.consumer_count(); ++i)
    return_enthalpy_[i] = fluid.enthalpy(c.return_temperature_C[i]);
  flow_lo_.assign(net.consumer_count(), 0.0);
  flow_hi_.assign(net.consumer_count(), 0.0);
  reset_flow_trust(net);
  for (int i = 0; i < net.consumer_count(); ++i) {
    if (!std::isnan(c.fixed_mass_flow_kg_s[i])) continue;
    const double q = c.heat_demand_W[i], tr = c.return_temperature_C[i];
    const double h_return = return_enthalpy_[i];
    flow_hi_[i] = solver::substation_flow_limit(fluid, c, i, h_return);
    flow_lo_[i] = std::min(
        solver::demand_flow(fluid, q, std::max(reachable_.hi, tr), tr, h_return).mass_flow,
        flow_hi_[i]);
  }
}

// Every consumer's step limit back at kMaxFlowStep, with no last step (update_flow_trust).
void SolverEngine::reset_flow_trust(const Network& net) {
  flow_trust_.assign(net.consumer_count(), kMaxFlowStep);
  flow_step_dir_.assign(net.consumer_count(), 0);
}

// Next input of the outer loop, Anderson-mixed where the iteration converges linearly: the set
// flows of demand-driven consumers (after a coupling Newton step their Newton flows
// predicted_flow_ are the map's output) and the property temperatures of the pipes found
// swinging (CouplingOscillations); with neither, every node temperature (only the properties
// feed back). Everything else takes the map's output g as it is.
void SolverEngine::accelerate(const std::vector<double>& g) {
  const std::vector<int>& mixed_pipes = oscillations_.swinging_pipes();
  const std::size_t s = demand_consumer_.size();
  const std::size_t p = mixed_pipes.size();
  if (s + p == 0) {
    anderson_.next(node_T_, g);
    for (double& t : node_T_) t = reachable_.clamp(t);
    return;
  }
  mix_in_.resize(s + p);
  mix_out_.resize(s + p);
  for (std::size_t j = 0; j < s; ++j) {
    const int i = demand_consumer_[j];
    mix_in_[j] = params_.consumer_set_flow[i] / flow_scale(i);
    mix_out_[j] = predicted_flow_[i] / flow_scale(i);
  }
  for (std::size_t j = 0; j < p; ++j) {
    mix_in_[s + j] = pipe_T_mean_[mixed_pipes[j]];
    mix_out_[s + j] = temps_.pipe_T_mean[mixed_pipes[j]];
  }
  anderson_.next(mix_in_, mix_out_);
  node_T_ = g;
  // Anderson extrapolates: its mix is kept within each consumer's trust region around the flow
  // it used (update_flow_trust) and within the temperatures the network allows
  for (std::size_t j = 0; j < s; ++j) {
    const int i = demand_consumer_[j];
    const double base = std::max(params_.consumer_set_flow[i], flow_lo_[i]);
    predicted_flow_[i] = std::clamp(mix_in_[j] * flow_scale(i),
                                    std::max(set_flow_floor(i), base / flow_trust_[i]),
                                    std::min(flow_hi_[i], base * flow_trust_[i]));
  }
  mixed_pipe_T_.resize(p);
  for (std::size_t j = 0; j < p; ++j) mixed_pipe_T_[j] = reachable_.clamp(mix_in_[s + j]);
}

}  // namespace heatnet
