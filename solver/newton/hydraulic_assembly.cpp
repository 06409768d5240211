// HydraulicSolver's assembly of the Newton system: each link's law and its linearisation
// (link_law; the open pipes' laws inline in one loop per friction model, assemble_links),
// stamped into the pressure matrix and right side (stamp_link), with the weight of a pipe's
// water column whose density follows its flow (column_weight), active pressure valves held by
// a penalty, substations at their set flow (valve_limited, project_substation_step) and the
// Hazen-Williams secant linearisation far from the solution (power_law_secant_slope).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "network/compiled.hpp"
#include "solver/newton/hydraulic_solver.hpp"
#include "solver/newton/newton_roundoff.hpp"
#include "solver/physics/substation.hpp"
#include "solver/thermal/pipe_mean_temperature.hpp"

namespace heatnet::solver {
namespace {
// Penalty on the controlled node of an active PRV/PSV, relative to the row's diagonal.
constexpr double kPenaltyFactor = 1e10;
// A Hazen-Williams pipe whose loss exceeds the pressure drop across it by more than this
// factor (|drop| < kSecantDropRatio |loss|) is linearised along a secant towards the drop's
// flow (power_law_secant_slope). 0.25 to 0.95 gave the same counts within 1-2 iterations on
// the 21 EPANET networks; above ~0.5 the tangent's undershoot is small.
constexpr double kSecantDropRatio = 0.5;
// Below this local exponent the law is close to linear and its tangent close to exact.
constexpr double kSecantMinExponent = 1.5;

// Whether a link's loss is far enough above the pressure drop across it for the secant
// (power_law_secant_slope) to be tried: rare, so the assembly tests it before the call.
inline bool loss_far_above_drop(double drop, const physics::LinkLaw& law) {
  return std::abs(drop) < kSecantDropRatio * std::abs(law.dp);
}

// The slope along which a Newton step linearises a power-law link law (loss law.dp and its tangent
// law.g at flow q), given the pressure drop the last step left across the link, for a link whose
// loss is far above that drop (loss_far_above_drop). There the tangent undershoots: on h ~ |Q|^n it
// moves a flow whose solution is near zero only 1/n of the way there, so a loop that barely carries
// water at the solution (no demand inside, a dead end closed into a ring) keeps (n-1)/n = 46 % of
// its start's circulation per step under Hazen-Williams: linear convergence, 15 instead of 9 steps
// on NJ1. The secant through (q, loss) and the flow q_drop that carries the drop on the same law
// lands on q_drop if the pressures stay, and tends to the tangent as the two meet, so convergence
// stays quadratic. q_drop is that of the pure power law through (q, loss) with the law's local
// exponent m = q g / loss (exact for Hazen-Williams without minor loss; between 1.852 and 2 with
// one). Any positive slope keeps the step's flows mass-balanced and the solution (the step is zero
// exactly where the law holds); a smaller one than the tangent can only make the flow change the
// stopping test measures larger for the same state. The target stays at least limits.min_flow from
// zero (same side as q when q_drop is nearer), and no nearer to zero than where the law's tangent
// conductance 1/g, which grows without bound as a power law's flow vanishes, reaches
// limits.max_conductance: a loop landed at zero flow (its solution) makes the pressure system so
// ill-conditioned that the round-off of the pressures moves the flows by more than the tolerance
// (Elhay & Simpson, J. Hydraul. Eng. 137(10), 2011); below that floor the tangent's steps go on at
// their own (slow) pace.
double power_law_secant_slope(double q, const physics::LinkLaw& law, double drop,
                              const SecantLimits& limits) {
  const double exponent = q * law.g / law.dp;
  if (!(exponent >= kSecantMinExponent)) return law.g;
  // 1/g(x) = (1/g(q)) (x/q)^(1-m) on the power law: the flow where it reaches the limit
  const double conductance_floor =
      std::abs(q) * std::pow(law.g * limits.max_conductance, -1.0 / (exponent - 1.0));
  const double floor = std::max(limits.min_flow, conductance_floor);
  if (!(std::abs(q) > floor)) return law.g;
  const double t = drop / law.dp;
  const double q_drop = q * std::copysign(std::pow(std::abs(t), 1.0 / exponent), t);
  const double target = std::abs(q_drop) < floor ? std::copysign(floor, q) : q_drop;
  const double secant = (law.dp - drop) / (q - target);
  return secant > 0.0 && secant < law.g ? secant : law.g;
}

}  // namespace

physics::LinkLaw HydraulicSolver::link_law(const Network& net, FrictionModel friction,
                                           const HydraulicParameters& params,
                                           const HydraulicState& st, int k, double q,
                                           physics::PipeFlowState* pipe_state) {
  const double r_closed = net.settings().closed_link_resistance_Pa_s_kg;
  if (st.status[k] == LinkStatus::closed) return {r_closed * q, r_closed};
  const int e = element_[k];
  const double rho = params.link_density[k];
  switch (kind_[k]) {
    case LinkKind::pipe: {
      if (friction == FrictionModel::hazen_williams && pipe_state == nullptr &&
          !params.hazen_williams_r.empty())
        return physics::hazen_williams_pipe_law(params.hazen_williams_r[e],
                                                net.pipes().minor_loss[e],
                                                net.pipes().diameter_m[e],
                                                params.pipe[e].density, params.gravity, q);
      if (colebrook_root_.size() != net.pipes().id.size())
        colebrook_root_.assign(net.pipes().id.size(), 0.0);
      return physics::pipe_law(friction, params.pipe_coefficients(net.pipes(), e), q, pipe_state,
                               &colebrook_root_[e]);
    }
    case LinkKind::pump:
      return physics::pump_law(net.pumps().curve[e], rho, params.gravity, q, net.pumps().speed[e]);
    case LinkKind::source:
      if (net.sources().pump_type[e] == SourcePumpType::fixed_dp)
        return physics::fixed_dp_pump_law(net.sources().pump_dp_Pa[e], q);
      return physics::pump_law(net.sources().pump_curve[e], rho, params.gravity, q);
    case LinkKind::valve: {
      const ValveData& v = net.valves();
      const double d = v.diameter_m[e];
      const double area = std::isnan(d) ? 0.0 : std::numbers::pi * 0.25 * d * d;
      const physics::LinkLaw open = physics::valve_law(v.minor_loss[e], area, rho, q);
      switch (v.type[e]) {
        case ValveType::fcv:
          if (st.status[k] == LinkStatus::active)
            return {r_closed * (q - v.flow_setting_kg_s[e]), r_closed};
          return open;
        case ValveType::pbv:
          // EPANET: acts as an open valve where its own minor loss exceeds the setting.
          if (v.setting_Pa[e] == 0.0 || open.dp > v.setting_Pa[e]) return open;
          return physics::pbv_law(v.setting_Pa[e], q);
        case ValveType::gpv:
          return physics::gpv_law(v.curve_q_m3_s[e], v.curve_h_m[e], rho, params.gravity, q);
        default: return open;  // prv/psv when open (active ones are assembled separately)
      }
    }
    case LinkKind::consumer:
      return physics::substation_law(params.consumer_set_flow[e], params.consumer_conductance[e], q);
  }
  return physics::closed_law(q);
}

// Fills the Schur matrix values and right-hand sides at the current state; returns the merit
// sum_k (residual_k / G_k)^2 of the link laws (flow units) at the current state.
// An active PRV (PSV) is EPANET's fixed-head formulation: the valve decouples its two nodes
// (no matrix entries), its flow enters the balance of the other node as a known flow
// (the current flow plus the controlled node's imbalance), and a large diagonal term pins the
// controlled node's pressure at the set point. The valve's new flow is recovered from the
// controlled node's balance after the solve.
double HydraulicSolver::assemble(const Network& net, FrictionModel friction,
                                 const HydraulicParameters& params, const HydraulicState& st,
                                 const SecantLimits* secant_limits) {
  double* val = matrix_.valuePtr();
  std::fill(val, val + matrix_.nonZeros(), 0.0);
  double* rhs = rhs_.data();
  const int nodes = static_cast<int>(row_.size());
  for (int i = 0; i < nodes; ++i)
    if (row_[i] >= 0) rhs[row_[i]] = -params.demand[i];
  for (auto& r : rhs_dp_) r.clear();
  const bool any_active = any_active_valve(st);
  if (any_active && !imbalance_of_flows_) node_imbalance(st, params, imbalance_);
  // open pipes: their law straight from the pipe data, as link_law would take it, inlined
  // into the loop over the links (one loop per friction model)
  const PipeData& pipes = net.pipes();
  const double* length = pipes.length_m.data();
  const double* diameter = pipes.diameter_m.data();
  const double* roughness = pipes.roughness_m.data();
  const double* minor_loss = pipes.minor_loss.data();
  const HydraulicParameters::PipeProperties* props = params.pipe.data();
  double merit = 0.0;
  if (friction == FrictionModel::hazen_williams && !params.hazen_williams_r.empty()) {
    const double* r = params.hazen_williams_r.data();
    const double gravity = params.gravity;
    merit = assemble_links(net, friction, params, st, [&](int k, double q) {
      const int e = element_[k];
      return physics::hazen_williams_pipe_law(r[e], minor_loss[e], diameter[e], props[e].density,
                                              gravity, q);
    }, secant_limits);
  } else if (friction == FrictionModel::colebrook) {
    if (colebrook_root_.size() != pipes.id.size()) colebrook_root_.assign(pipes.id.size(), 0.0);
    double* root = colebrook_root_.data();
    merit = assemble_links(net, friction, params, st, [&](int k, double q) {
      const int e = element_[k];
      return physics::colebrook_pipe_law(length[e], diameter[e], roughness[e], minor_loss[e],
                                         props[e].density, props[e].viscosity, q, root[e]);
    }, nullptr);
  } else if (friction == FrictionModel::epanet_darcy_weisbach) {
    merit = assemble_links(net, friction, params, st, [&](int k, double q) {
      const int e = element_[k];
      return physics::epanet_darcy_weisbach_pipe_law(length[e], diameter[e], roughness[e],
                                                     minor_loss[e], props[e].density,
                                                     props[e].viscosity, q);
    }, nullptr);
  } else if (friction != FrictionModel::hazen_williams) {
    merit = assemble_links(net, friction, params, st, [&](int k, double q) {
      const int e = element_[k];
      return physics::darcy_weisbach_pipe_law(friction, length[e], diameter[e], roughness[e],
                                              minor_loss[e], props[e].density,
                                              props[e].viscosity, q);
    }, nullptr);
  } else {
    merit = assemble_links(net, friction, params, st, [&](int k, double q) {
      return link_law(net, friction, params, st, k, q);
    }, nullptr);
  }
  if (any_active) {
    const ValveData& v = net.valves();
    for (int k : controlled_links_) {
      if (st.status[k] != LinkStatus::active) continue;
      const int node = controlled_node_[k];
      const int pos = control_[k] == StatusControl::prv ? pos_to_[k] : pos_from_[k];
      const double penalty = kPenaltyFactor * std::max(std::abs(val[pos]), 1e-12);
      val[pos] += penalty;
      rhs[row_[node]] += penalty * v.setting_Pa[element_[k]];
    }
  }
  return merit;
}

// assemble's loop over the links: each link's law (open pipes: open_pipe_law(link, q)),
// linearisation and stamp; returns the merit and records the largest residual. With
// secant_limits (Hazen-Williams laws), open pipes may linearise along a secant
// (power_law_secant_slope).
template <class OpenPipeLaw>
double HydraulicSolver::assemble_links(const Network& net, FrictionModel friction,
                                       const HydraulicParameters& params,
                                       const HydraulicState& st, OpenPipeLaw open_pipe_law,
                                       const SecantLimits* secant_limits) {
  // the link residuals' record, kept in locals through the loop and stored after it
  double merit = 0.0, max_residual = 0.0, max_beyond_roundoff = 0.0;
  int worst = -1;
  const double g = params.gravity;
  const int m = static_cast<int>(topo_link_.size());
  const bool columns = !params.column_of_pipe.empty();
  const double* q = st.q.data();
  const double* p = st.p.data();
  const double* density = params.link_density.data();
  double* val = matrix_.valuePtr();
  double* rhs = rhs_.data();
  double* y_out = y_.data();
  double* c_out = c_.data();
  for (int k = 0; k < m; ++k) {
    const int i = from_[k], j = to_[k];
    const int ri = row_[i], rj = row_[j];
    if (controlled_node_[k] >= 0 && st.status[k] == LinkStatus::active) {
      const double c = control_[k] == StatusControl::prv ? q[k] + imbalance_[j]
                                                         : q[k] - imbalance_[i];
      y_out[k] = 0.0;
      c_out[k] = c;
      if (ri >= 0) rhs[ri] -= c;
      if (rj >= 0) rhs[rj] += c;
      continue;
    }
    const LinkKind kind = kind_[k];
    const bool open_pipe = kind == LinkKind::pipe && st.status[k] == LinkStatus::open;
    physics::LinkLaw law;
    if (kind == LinkKind::consumer) {
      const int c = element_[k];
      if (params.consumer_conductance[c] <= 0.0) {
        // a fixed-flow consumer: a known flow, exactly
        y_out[k] = 0.0;
        c_out[k] = params.consumer_set_flow[c];
        stamp_link(st, k, val);
        continue;
      }
      // a substation that is not closed: link_law's own substation_law, without its dispatch
      law = st.status[k] != LinkStatus::closed
                ? physics::substation_law(params.consumer_set_flow[c],
                                          params.consumer_conductance[c], q[k])
                : link_law(net, friction, params, st, k, q[k]);
    } else {
      law = open_pipe ? open_pipe_law(k, q[k]) : link_law(net, friction, params, st, k, q[k]);
    }
    double e = density[k] * g * (elevation_[i] - elevation_[j]);
    if (open_pipe && columns && params.column_of_pipe[element_[k]] >= 0)
      e = column_weight(params, k, q[k], law);
    const double drop = p[i] - p[j] + e;
    const double residual = law.dp - drop;
    double y = 1.0 / law.g;
    merit += (residual * y) * (residual * y);  // the tangent's Newton step, either way
    if (secant_limits && open_pipe && loss_far_above_drop(drop, law))
      y = 1.0 / power_law_secant_slope(q[k], law, drop, *secant_limits);
    if (std::abs(residual) > max_residual) {
      max_residual = std::abs(residual);
      worst = k;
    }
    max_beyond_roundoff =
        std::max(max_beyond_roundoff, std::abs(residual) - flow_roundoff_Pa(q[k], law.g));
    const double c = q[k] + y * (e - law.dp);
    y_out[k] = y;
    c_out[k] = c;
    if (ri >= 0 && rj >= 0) {
      // both ends free (most links): stamp_link's operations, in its order
      rhs[ri] -= c;
      val[pos_from_[k]] += y;
      rhs[rj] += c;
      val[pos_to_[k]] += y;
      val[pos_off_[k]] -= y;
    } else {
      stamp_link(st, k, val);
    }
  }
  max_residual_Pa_ = max_residual;
  worst_residual_link_ = worst;
  max_residual_beyond_flow_roundoff_Pa_ = max_beyond_roundoff;
  return merit;
}

// Adds link k's linearised flow q = c_k + y_k (p_from - p_to) to the Schur system: y_k to
// the matrix between its free end nodes, c_k and the fixed end's pressure to the right side.
void HydraulicSolver::stamp_link(const HydraulicState& st, int k, double* val) {
  const int i = from_[k], j = to_[k];
  const int ri = row_[i], rj = row_[j];
  const double y = y_[k], c = c_[k];
  if (ri >= 0) {
    rhs_[ri] -= c;
    if (y != 0.0) {
      val[pos_from_[k]] += y;
      if (rj < 0) {
        rhs_[ri] += y * st.p[j];
        if (dp_column_[j] >= 0) rhs_dp_[dp_column_[j]].push_back({ri, y});
      }
    }
  }
  if (rj >= 0) {
    rhs_[rj] += c;
    if (y != 0.0) {
      val[pos_to_[k]] += y;
      if (ri < 0) {
        rhs_[rj] += y * st.p[i];
        if (dp_column_[i] >= 0) rhs_dp_[dp_column_[i]].push_back({rj, y});
      }
    }
  }
  if (pos_off_[k] >= 0) val[pos_off_[k]] -= y;
}

// A pipe near stagnation on a slope: the weight of its water column, rho(T_mean(q)) g dz,
// follows its own flow (T_mean: pipe_mean_temperature.hpp, with the inlet temperature of the
// flow's direction), and the Newton step sees that: Newton on the pipe's local
// thermosiphon instead of a fixed point between hydraulics and sweep, whose gain there is
// far beyond -1. Only the feedback that steadies the flow enters the slope (a column that
// gets heavier the more water it carries against it); the other sign would make the link
// law fall with the flow and the pressure system indefinite, and is left to the outer loop.
// Returns the elevation term at q; adds the slope to law.g.
double HydraulicSolver::column_weight(const HydraulicParameters& params, int k, double q,
                                      physics::LinkLaw& law) const {
  const HydraulicParameters::ColumnCoupling& c = params.column[params.column_of_pipe[element_[k]]];
  const double dz = elevation_[from_[k]] - elevation_[to_[k]];
  const double t_in = q >= 0 ? c.t_from : c.t_to;
  const double s = std::abs(q);
  const double t_mean = column_mean_temperature(c, q);
  const double rho = params.link_density[k] + c.drho_dT * (t_mean - c.t_ref);
  const double dT_dq = (q >= 0 ? 1.0 : -1.0) * pipe_mean_flow_slope(t_in, c.t_amb, c.ul, c.cp, s);
  const double de_dq = params.gravity * dz * c.drho_dT * dT_dq;
  law.g += std::max(0.0, -de_dq);
  return rho * params.gravity * dz;
}

// Whether consumer link k's fully open valve is what limits its flow: it draws less than its
// set flow (a flow-controlled substation sits at or just above it, solver/physics/substation.hpp).
bool HydraulicSolver::valve_limited(const HydraulicParameters& params, const HydraulicState& st,
                                    int k) const {
  const double set = params.consumer_set_flow[element_[k]];
  return params.consumer_conductance[element_[k]] > 0.0 && st.q[k] < set * (1.0 - 1e-9);
}

double HydraulicSolver::project_substation_step(const HydraulicParameters& params, int k,
                                                double q_old, double q_new) const {
  const double set = params.consumer_set_flow[element_[k]];
  if (q_old < set && q_new > set) return set;
  if (q_old > 0.0 && q_new < 0.0) return 0.0;
  return q_new;
}

}  // namespace heatnet::solver
