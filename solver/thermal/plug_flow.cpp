// Plug-flow (Lagrangian) pipe temperatures; the model is stated in plug_flow.hpp.
#include "solver/thermal/plug_flow.hpp"
#include "solver/thermal/pipe_mean_temperature.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "heatnet/errors.hpp"
#include "network/compiled.hpp"

namespace heatnet::solver {
namespace {
constexpr double kAtm = fluid::kAtmospherePa;
constexpr double kCycleTolerance = 1e-6;  // J/kg, cycle sweeps (about 2.4e-10 K)
constexpr int kMaxCycleSweeps = 200;

bool is_dependent(LinkKind k) {
  return k == LinkKind::pipe || k == LinkKind::pump || k == LinkKind::valve;
}

// mean over s in [0, 1] of exp(-c (r0 + (r1 - r0) s)): the mean decay of a piece of water
// whose residence time runs linearly from r0 to r1.
double decay(double c, double r0, double r1) {
  if (c == 0) return 1.0;
  const double x0 = c * r0, d = c * (r1 - r0);
  if (std::abs(d) < 1e-9) return std::exp(-(x0 + 0.5 * d));
  return std::exp(-x0) * (-std::expm1(-d) / d);
}
}  // namespace

double PlugFlowStep::imbalance_rel() const {
  const double lhs = supplied_J + boundary_J;
  const double rhs = delivered_J + lost_J + stored_change_J;
  const double scale = std::max({std::abs(supplied_J), std::abs(boundary_J), std::abs(delivered_J),
                                 std::abs(lost_J), std::abs(stored_change_J), 1.0});
  return std::abs(lhs - rhs) / scale;
}

double PlugFlowModel::parcel_T(const PipeState& p, const Parcel& x, double now) const {
  return p.ambient + (x.T0 - p.ambient) * decay(p.c, now - x.t_from, now - x.t_to);
}

double PlugFlowModel::pipe_energy(const PipeState& p, double now) const {
  double e = 0;
  for (const Parcel& x : p.parcels) e += x.mass * h(parcel_T(p, x, now));
  return e;
}

double PlugFlowModel::stored_heat_J() const {
  double e = 0;
  for (const PipeState& p : pipes_) e += p.energy;
  return e;
}

std::size_t PlugFlowModel::parcel_count() const {
  std::size_t n = 0;
  for (const PipeState& p : pipes_) n += p.parcels.size();
  return n;
}

PlugFlowModel::PlugFlowModel(const Network& net, const Solution& steady, double time_s,
                             int max_parcels)
    : fluid_(net.settings().fluid), time_(time_s), max_parcels_(std::max(2, max_parcels)) {
  const PipeData& pd = net.pipes();
  const auto& q = steady.field(ElementGroup::pipes, "mass_flow");
  const auto& t_in = steady.field(ElementGroup::pipes, "inlet_temperature");
  const auto& t_out = steady.field(ElementGroup::pipes, "outlet_temperature");
  const auto& node_T = steady.field(ElementGroup::nodes, "temperature");
  const auto& node_p = steady.field(ElementGroup::nodes, "pressure");
  double qmax = 0;
  for (double v : q) qmax = std::max(qmax, std::abs(v));
  const double q_eps = std::max(1e-9 * qmax, 1e-12);
  pipes_.resize(net.pipe_count());
  for (int e = 0; e < net.pipe_count(); ++e) {
    PipeState& p = pipes_[e];
    // the pipe's mean temperature as the steady solve takes it (length average)
    const double tm = fluid_.clamp_temperature(
        pd.heat_loss_W_mK[e] > 0
            ? pipe_mean_temperature(t_in[e], t_out[e], pd.ambient_temperature_C[e])
            : t_in[e]);
    const double pm = std::max(0.5 * (node_p[pd.from[e]] + node_p[pd.to[e]]) + kAtm, 0.5 * kAtm);
    const double area = 0.25 * std::numbers::pi * pd.diameter_m[e] * pd.diameter_m[e];
    const double rho = fluid_.density(tm, pm);
    p.mass = rho * area * pd.length_m[e];
    // cp as the steady thermal solver takes it (so the initial state is its solution exactly)
    p.capacity = rho * area * fluid_.specific_heat(tm, fluid::kPropertyPressurePa);
    p.u = pd.heat_loss_W_mK[e];
    p.c = p.u / p.capacity;
    p.ambient = pd.ambient_temperature_C[e];
    Parcel x;
    x.mass = p.mass;
    if (std::abs(q[e]) > q_eps) {
      // entered at the inlet over the last M/|q| seconds at the steady inlet temperature
      const double transit = p.mass / std::abs(q[e]);
      x.T0 = t_in[e];
      x.t_from = q[e] > 0 ? time_s : time_s - transit;
      x.t_to = q[e] > 0 ? time_s - transit : time_s;
    } else {
      x.T0 = pd.heat_loss_W_mK[e] > 0 ? p.ambient : node_T[pd.from[e]];
      x.t_from = x.t_to = time_s;
    }
    p.parcels.push_back(x);
    p.energy = pipe_energy(p, time_s);
  }
  node_T_ = node_T;
  node_h_.resize(node_T_.size());
  for (std::size_t i = 0; i < node_T_.size(); ++i) node_h_[i] = h(node_T_[i]);
}

void PlugFlowModel::rebase(PipeState& p, double ambient, double now) const {
  for (Parcel& x : p.parcels) {
    x.T0 = parcel_T(p, x, now);
    x.t_from = x.t_to = now;
  }
  p.ambient = ambient;
}

void PlugFlowModel::merge_excess(PipeState& p, double now) const {
  if (static_cast<int>(p.parcels.size()) <= max_parcels_) return;
  std::vector<double> temp(p.parcels.size());
  for (std::size_t j = 0; j < temp.size(); ++j) temp[j] = parcel_T(p, p.parcels[j], now);
  while (static_cast<int>(p.parcels.size()) > max_parcels_) {
    std::size_t best = 0;
    double best_d = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j + 1 < p.parcels.size(); ++j) {
      const double d = std::abs(temp[j] - temp[j + 1]);
      if (d < best_d) {
        best_d = d;
        best = j;
      }
    }
    Parcel& a = p.parcels[best];
    const Parcel& b = p.parcels[best + 1];
    const double m = a.mass + b.mass;
    const double hm = (a.mass * h(temp[best]) + b.mass * h(temp[best + 1])) / m;
    a.mass = m;
    a.T0 = T(hm);
    a.t_from = a.t_to = now;  // re-based: age 0 at its current temperature
    temp[best] = a.T0;
    p.parcels.erase(p.parcels.begin() + static_cast<std::ptrdiff_t>(best) + 1);
    temp.erase(temp.begin() + static_cast<std::ptrdiff_t>(best) + 1);
  }
}

PlugFlowModel::Transfer PlugFlowModel::transfer(PipeState& p, bool forward, double dm, double h_in,
                                                double t, double dt) const {
  Parcel in;
  in.mass = dm;
  in.T0 = T(h_in);
  // the first water in (time t) is deepest, the last (t + dt) at the inlet end
  in.t_from = forward ? t + dt : t;
  in.t_to = forward ? t : t + dt;
  if (forward)
    p.parcels.push_front(in);
  else
    p.parcels.push_back(in);

  // pop dm at the outlet: the element at popped mass mu leaves at t + dt mu / dm
  double popped = 0, h_out = 0;
  while (popped < dm && !p.parcels.empty()) {
    Parcel& x = forward ? p.parcels.back() : p.parcels.front();
    double& t_outlet_end = forward ? x.t_to : x.t_from;
    const double t_inlet_end = forward ? x.t_from : x.t_to;
    const bool last = p.parcels.size() == 1;
    double take = std::min(dm - popped, x.mass);
    // round-off: the last parcel gives what is still owed, even a hair more than its mass
    const bool whole = take >= x.mass * (1.0 - 1e-14);
    if (last && whole) take = dm - popped;
    const double frac = x.mass > 0 ? std::min(take / x.mass, 1.0) : 1.0;
    const double t_cut = t_outlet_end + (t_inlet_end - t_outlet_end) * frac;
    const double e0 = t + dt * popped / dm, e1 = t + dt * (popped + take) / dm;
    const double tm = p.ambient + (x.T0 - p.ambient) * decay(p.c, e0 - t_outlet_end, e1 - t_cut);
    h_out += take * h(tm);
    popped += take;
    if (whole) {
      if (forward)
        p.parcels.pop_back();
      else
        p.parcels.pop_front();
    } else {
      x.mass -= take;
      t_outlet_end = t_cut;
    }
  }
  if (p.parcels.empty()) {  // everything left (round-off guard; a transit shorter than dt keeps
    Parcel rest = in;       // part of the new parcel, so this only happens at dm ~ M)
    rest.mass = p.mass;
    rest.t_from = rest.t_to = t + dt;
    p.parcels.push_back(rest);
  }
  merge_excess(p, t + dt);
  return {h_out / dm, dm};
}

int PlugFlowModel::upstream(const Topology& t, int k) const {
  return flow_[k] >= 0 ? t.link_from[k] : t.link_to[k];
}
int PlugFlowModel::downstream(const Topology& t, int k) const {
  return flow_[k] >= 0 ? t.link_to[k] : t.link_from[k];
}

// Link flows (signed from -> to) of the step's solution, thresholded like the steady thermal
// solver's (flows below 1e-9 of the largest are stagnant).
void PlugFlowModel::load_flows(const Network& net, const Solution& sol) {
  const Topology& t = net.topology();
  flow_.assign(t.link_count(), 0.0);
  auto copy = [&](ElementGroup g, const char* name, int offset) {
    const auto& v = sol.field(g, name);
    for (std::size_t i = 0; i < v.size(); ++i) flow_[offset + static_cast<int>(i)] = v[i];
  };
  copy(ElementGroup::pipes, "mass_flow", t.pipe_offset);
  copy(ElementGroup::pumps, "mass_flow", t.pump_offset);
  copy(ElementGroup::valves, "mass_flow", t.valve_offset);
  copy(ElementGroup::sources, "mass_flow", t.source_offset);
  copy(ElementGroup::consumers, "mass_flow", t.consumer_offset);
  double qmax = 0;
  for (double q : flow_) qmax = std::max(qmax, std::abs(q));
  const double q_eps = std::max(1e-9 * qmax, 1e-12);
  for (double& q : flow_)
    if (std::abs(q) <= q_eps) q = 0.0;
}

// Pipes whose ambient (or loss coefficient) changed: their parcels re-based at time t0.
void PlugFlowModel::rebase_changed_pipes(const Network& net, double t0) {
  const PipeData& pd = net.pipes();
  for (int e = 0; e < net.pipe_count(); ++e) {
    PipeState& p = pipes_[e];
    if (pd.ambient_temperature_C[e] != p.ambient || pd.heat_loss_W_mK[e] != p.u) {
      rebase(p, pd.ambient_temperature_C[e], t0);
      p.u = pd.heat_loss_W_mK[e];
      p.c = p.u / p.capacity;
    }
  }
}

// What enters each node before the sweep: boundary flows beta_i = out - in + demand_i (> 0:
// enters from a pressure node or as make-up water at a plant's return node), injections, and
// the fixed outlets of sources and consumers; and the in-degrees of the flow-directed order.
void PlugFlowModel::known_inflows(const Network& net) {
  const Topology& t = net.topology();
  const NodeData& nd = net.nodes();
  const int n = t.node_count, m = t.link_count();
  boundary_.assign(n, 0.0);
  for (int k = 0; k < m; ++k) {
    boundary_[t.link_from[k]] += flow_[k];
    boundary_[t.link_to[k]] -= flow_[k];
  }
  for (int i = 0; i < n; ++i) boundary_[i] += nd.demand_kg_s[i];
  pressure_T_.assign(n, std::nan(""));
  const PressureNodeData& pn = net.pressure_nodes();
  for (std::size_t j = 0; j < pn.node.size(); ++j) pressure_T_[pn.node[j]] = pn.temperature_C[j];
  inflow_.assign(n, 0.0);
  inflow_h_.assign(n, 0.0);
  for (int i = 0; i < n; ++i) {
    const double d = nd.demand_kg_s[i];
    if (d < 0 && !std::isnan(nd.injection_temperature_C[i])) {
      inflow_[i] += -d;
      inflow_h_[i] += -d * h(nd.injection_temperature_C[i]);
    }
    if (boundary_[i] > 0 && !std::isnan(pressure_T_[i])) {
      inflow_[i] += boundary_[i];
      inflow_h_[i] += boundary_[i] * h(pressure_T_[i]);
    }
  }
  indegree_.assign(n, 0);
  done_.assign(n, 0);
  for (int k = 0; k < m; ++k) {
    if (flow_[k] == 0) continue;
    const int d = downstream(t, k);
    if (is_dependent(t.link_kind[k])) {
      ++indegree_[d];
    } else {
      inflow_[d] += std::abs(flow_[k]);
      inflow_h_[d] += std::abs(flow_[k]) * fixed_outlet_h(net, k);
    }
  }
}

// Sources and consumers fix their outlet temperature.
double PlugFlowModel::fixed_outlet_h(const Network& net, int k) const {
  const Topology& t = net.topology();
  const int e = t.link_element[k];
  return h(t.link_kind[k] == LinkKind::source ? net.sources().supply_temperature_C[e]
                                             : net.consumers().return_temperature_C[e]);
}

// Water of enthalpy h_up enters link k at its upstream end during the step [t0, t0 + dt];
// what leaves (a pipe's transfer) joins its downstream node's inflow.
void PlugFlowModel::send(const Network& net, int k, double h_up, double t0, double dt) {
  const Topology& t = net.topology();
  const double q = std::abs(flow_[k]);
  double h_down = h_up;
  if (t.link_kind[k] == LinkKind::pipe) {
    const int e = t.link_element[k];
    const Transfer tr = transfer(pipes_[e], flow_[k] > 0, q * dt, h_up, t0, dt);
    h_down = tr.h_out;
    pipe_H_in_[e] = q * dt * h_up;
    pipe_H_out_[e] = q * dt * h_down;
    pipe_T_in_[e] = T(h_up);
    pipe_T_out_[e] = T(h_down);
  }
  const int d = downstream(t, k);
  inflow_[d] += q;
  inflow_h_[d] += q * h_down;
}

// Kahn order over the flow-directed pipes, pumps and valves: a node settles once all its
// inflows are in (no water arriving: it keeps its last enthalpy).
void PlugFlowModel::sweep_in_order(const Network& net, double t0, double dt) {
  const Topology& t = net.topology();
  queue_.clear();
  for (int i = 0; i < t.node_count; ++i)
    if (indegree_[i] == 0) queue_.push_back(i);
  for (std::size_t head = 0; head < queue_.size(); ++head) {
    const int i = queue_[head];
    if (inflow_[i] > 0) node_h_[i] = inflow_h_[i] / inflow_[i];
    node_T_[i] = T(node_h_[i]);
    done_[i] = 1;
    for (int s = t.node_link_start[i]; s < t.node_link_start[i + 1]; ++s) {
      const int k = t.node_link[s];
      if (flow_[k] == 0 || !is_dependent(t.link_kind[k]) || upstream(t, k) != i) continue;
      send(net, k, node_h_[i], t0, dt);
      const int d = downstream(t, k);
      if (--indegree_[d] == 0) queue_.push_back(d);
    }
  }
}

// Nodes on or behind directed cycles: Gauss-Seidel on their enthalpy with tentative pipe
// transfers (copies), then commit. Returns how many nodes that was.
int PlugFlowModel::sweep_cycles(const Network& net, double t0, double dt) {
  const Topology& t = net.topology();
  std::vector<int> cyclic;
  for (int i = 0; i < t.node_count; ++i)
    if (!done_[i]) cyclic.push_back(i);
  if (cyclic.empty()) return 0;
  std::vector<double> guess(node_h_);
  for (int sweep = 0; sweep < kMaxCycleSweeps; ++sweep) {
    double change = 0;
    for (int i : cyclic) {
      double w = inflow_[i], hw = inflow_h_[i];
      for (int s = t.node_link_start[i]; s < t.node_link_start[i + 1]; ++s) {
        const int k = t.node_link[s];
        if (flow_[k] == 0 || !is_dependent(t.link_kind[k]) || downstream(t, k) != i) continue;
        const int u = upstream(t, k);
        if (done_[u]) continue;  // already in inflow_
        const double q = std::abs(flow_[k]);
        double h_down = guess[u];
        if (t.link_kind[k] == LinkKind::pipe) {
          PipeState trial = pipes_[t.link_element[k]];
          h_down = transfer(trial, flow_[k] > 0, q * dt, guess[u], t0, dt).h_out;
        }
        w += q;
        hw += q * h_down;
      }
      const double next = w > 0 ? hw / w : guess[i];
      change = std::max(change, std::abs(next - guess[i]));
      guess[i] = next;
    }
    if (change < kCycleTolerance) break;
  }
  for (int i : cyclic) {
    node_h_[i] = guess[i];
    node_T_[i] = T(guess[i]);
  }
  for (int i : cyclic)
    for (int s = t.node_link_start[i]; s < t.node_link_start[i + 1]; ++s) {
      const int k = t.node_link[s];
      if (flow_[k] == 0 || !is_dependent(t.link_kind[k]) || upstream(t, k) != i) continue;
      send(net, k, node_h_[i], t0, dt);
    }
  for (int i : cyclic) done_[i] = 1;
  return static_cast<int>(cyclic.size());
}

// Pipe energy balances over the step (stagnant pipes only age): heat loss = stored at the
// start + enthalpy in - enthalpy out - stored at the end. Returns the energy stored at t1.
double PlugFlowModel::pipe_results(const Network& net, Solution& sol, PlugFlowStep& step,
                                   double t1, double dt) {
  auto& f_pti = sol.field(ElementGroup::pipes, "inlet_temperature");
  auto& f_pto = sol.field(ElementGroup::pipes, "outlet_temperature");
  auto& f_phl = sol.field(ElementGroup::pipes, "heat_loss");
  double stored_end = 0;
  for (int e = 0; e < net.pipe_count(); ++e) {
    PipeState& p = pipes_[e];
    const double e_end = pipe_energy(p, t1);
    const double loss = p.energy + pipe_H_in_[e] - pipe_H_out_[e] - e_end;
    p.energy = e_end;
    stored_end += e_end;
    step.lost_J += loss;
    f_phl[e] = loss / dt;
    sol.summary.heat_loss_W += f_phl[e];
    if (std::isnan(pipe_T_in_[e])) {  // stagnant: the water at each end now
      f_pti[e] = parcel_T(p, p.parcels.front(), t1);
      f_pto[e] = parcel_T(p, p.parcels.back(), t1);
    } else {
      f_pti[e] = pipe_T_in_[e];
      f_pto[e] = pipe_T_out_[e];
    }
  }
  return stored_end;
}

// Node temperatures, consumers' and sources' heat; returns the net boundary enthalpy flow (W).
double PlugFlowModel::element_results(const Network& net, Solution& sol) const {
  const Topology& t = net.topology();
  const NodeData& nd = net.nodes();
  StepSummary& sum = sol.summary;
  sol.field(ElementGroup::nodes, "temperature") = node_T_;
  const ConsumerData& cd = net.consumers();
  auto& f_ch = sol.field(ElementGroup::consumers, "heat");
  auto& f_cts = sol.field(ElementGroup::consumers, "supply_temperature");
  for (int i = 0; i < net.consumer_count(); ++i) {
    const int k = t.consumer_offset + i;
    const double q = std::abs(flow_[k]);
    f_ch[i] = q > 0 ? q * (node_h_[upstream(t, k)] - fixed_outlet_h(net, k)) : 0.0;
    f_cts[i] = node_T_[cd.supply_node[i]];
    sum.heat_delivered_W += f_ch[i];
  }
  const SourceData& sd = net.sources();
  auto& f_sh = sol.field(ElementGroup::sources, "heat");
  auto& f_srt = sol.field(ElementGroup::sources, "return_temperature");
  for (int i = 0; i < net.source_count(); ++i) {
    const int k = t.source_offset + i;
    const double q = std::abs(flow_[k]);
    f_sh[i] = q > 0 ? q * (fixed_outlet_h(net, k) - node_h_[upstream(t, k)]) : 0.0;
    f_srt[i] = node_T_[sd.return_node[i]];
    sum.heat_supplied_W += f_sh[i];
  }
  double boundary_W = 0;
  for (int i = 0; i < t.node_count; ++i) {
    const double d = nd.demand_kg_s[i], hi = node_h_[i];
    if (d < 0) boundary_W += -d * (std::isnan(nd.injection_temperature_C[i]) ? hi : h(nd.injection_temperature_C[i]));
    if (d > 0) boundary_W -= d * hi;
    const double b = boundary_[i];
    if (b > 0) boundary_W += b * (std::isnan(pressure_T_[i]) ? hi : h(pressure_T_[i]));
    if (b < 0) boundary_W += b * hi;
  }
  return boundary_W;
}

PlugFlowStep PlugFlowModel::advance(const Network& net, Solution& sol, double dt) {
  if (!(dt > 0))
    throw Error(ErrorCode::invalid_value, "simulation", "", "step length", format_value(dt),
                "must be > 0 for the plug-flow model");
  const double t0 = time_, t1 = time_ + dt;
  load_flows(net, sol);
  rebase_changed_pipes(net, t0);
  double stored_start = 0;
  for (const PipeState& p : pipes_) stored_start += p.energy;
  known_inflows(net);
  const int np = net.pipe_count();
  pipe_H_in_.assign(np, 0.0);
  pipe_H_out_.assign(np, 0.0);
  pipe_T_in_.assign(np, std::nan(""));
  pipe_T_out_.assign(np, std::nan(""));
  sweep_in_order(net, t0, dt);
  PlugFlowStep step;
  step.cyclic_nodes = sweep_cycles(net, t0, dt);

  StepSummary& sum = sol.summary;
  sum.heat_loss_W = sum.heat_delivered_W = sum.heat_supplied_W = 0;
  step.stored_change_J = pipe_results(net, sol, step, t1, dt) - stored_start;
  const double boundary_W = element_results(net, sol);
  step.supplied_J = sum.heat_supplied_W * dt;
  step.delivered_J = sum.heat_delivered_W * dt;
  step.boundary_J = boundary_W * dt;
  const double lhs = sum.heat_supplied_W + boundary_W;
  const double rhs = sum.heat_delivered_W + sum.heat_loss_W + step.stored_change_J / dt;
  const double scale = std::max({std::abs(sum.heat_supplied_W), std::abs(boundary_W), std::abs(rhs), 1.0});
  sum.energy_balance_rel = std::abs(lhs - rhs) / scale;
  time_ = t1;
  return step;
}

}  // namespace heatnet::solver
