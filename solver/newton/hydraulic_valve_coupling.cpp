// The active pressure valves' flows solved with the Newton step.
//
// An active PRV (PSV) holds its controlled node (downstream; PSV: upstream) at the set point by
// a penalty and decouples its two nodes (hydraulic_assembly.cpp, EPANET's formulation): in the
// pressure system its flow is a known flow, the last one, and after the solve it is set to
// what balances the controlled node. The valve's other node then sees the old flow in the
// solve and the new one after it: it is left out of balance by the valve's flow change, and
// the next step moves the flows on that side by that much. Where the valve sits in a loop, or
// the zone behind it is still settling, this lag makes Newton converge linearly
// (BWSN_Network_2's PSV: x0.1 per step over its last 5 steps; EXN's PRV: x0.2..0.3).
//
// Newton on the valve's own model solves for its flow too: the other node's balance has the
// valve flow that balances the controlled node, a linear function of the pressures around
// the controlled node. That makes the system unsymmetric by a rank-one term per active
// valve, which the symmetric factor takes by the Sherman-Morrison-Woodbury identity: a unit
// flow change through valve b moves the pressures by z_b = A^-1 (e_to - e_from) (one more
// solve with the step's factor per valve), the flows by y z_b, and with them the controlled
// nodes' balances (matrix M, one row per valve). The valves' flow changes alpha that balance
// every controlled node solve M alpha = -r0 (r0: the balances after the plain solve), and the
// step becomes x + sum_b alpha_b z_b with valve flows c_b + alpha_b. Every balance is
// computed from link flows y (p_from - p_to), not from the controlled node's pressure against
// its set point, whose difference the penalty makes far smaller than that pressure's ulp.
// The valve's model, its set point and the stopping rule are unchanged: at the solution the
// plain step and this one are the same (alpha = 0).
#include <cmath>
#include <vector>

#include "solver/newton/hydraulic_solver.hpp"

namespace heatnet::solver {

void HydraulicSolver::couple_active_valves(const HydraulicParameters& params,
                                           const HydraulicState& st, double negligible_flow) {
  coupled_valves_.clear();
  for (std::size_t a = 0; a < controlled_links_.size(); ++a)
    if (st.status[controlled_links_[a]] == LinkStatus::active) coupled_valves_.push_back(static_cast<int>(a));
  const int nv = static_cast<int>(coupled_valves_.size());
  if (nv == 0 || matrix_.rows() == 0) return;
  // the step's pressure at a node: solved (free) or held (fixed)
  auto pressure = [&](int node) { return row_[node] >= 0 ? x_[row_[node]] : st.p[node]; };
  // sensitivity of a node's pressure to valve b's flow (fixed nodes do not move)
  auto sensitivity = [&](int node, int b) { return row_[node] >= 0 ? valve_z_[b][row_[node]] : 0.0; };
  // each controlled node's balance (demand plus outflows) after the plain step: the valve
  // flow's change the plain step would make
  valve_balance_.assign(nv, 0.0);
  bool negligible = true;
  for (int v = 0; v < nv; ++v) {
    const int a = coupled_valves_[v];
    double balance = params.demand[controlled_node_[controlled_links_[a]]];
    for (auto [l, sign] : controlled_incident_[a])
      balance += sign * (c_[l] + y_[l] * (pressure(from_[l]) - pressure(to_[l])));
    valve_balance_[v] = balance;
    negligible = negligible && std::abs(balance) <= negligible_flow;
  }
  if (negligible) return;
  const int rows = static_cast<int>(matrix_.rows());
  valve_z_.resize(nv);
  for (int b = 0; b < nv; ++b) {
    const int k = controlled_links_[coupled_valves_[b]];
    Eigen::VectorXd& z = valve_z_[b];
    z.setZero(rows);
    if (row_[to_[k]] >= 0) z[row_[to_[k]]] += 1.0;
    if (row_[from_[k]] >= 0) z[row_[from_[k]]] -= 1.0;
    spd_.solve(z, z);
  }
  valve_matrix_.assign(nv * nv, 0.0);
  valve_rhs_.assign(nv, 0.0);
  for (int v = 0; v < nv; ++v) {
    for (auto [l, sign] : controlled_incident_[coupled_valves_[v]]) {
      for (int b = 0; b < nv; ++b) {
        // an active valve's flow is its c (y = 0): valve b's own moves with alpha_b
        const double direct = l == controlled_links_[coupled_valves_[b]] ? 1.0 : 0.0;
        valve_matrix_[v * nv + b] +=
            sign * (direct + y_[l] * (sensitivity(from_[l], b) - sensitivity(to_[l], b)));
      }
    }
    valve_rhs_[v] = -valve_balance_[v];
  }
  // a valve whose flow does not reach its controlled node's balance (M singular): plain step
  if (solve_border_system(valve_matrix_, valve_rhs_, valve_alpha_) >= 0) return;
  for (int b = 0; b < nv; ++b) {
    const double alpha = valve_alpha_[b];
    c_[controlled_links_[coupled_valves_[b]]] += alpha;
    x_ += alpha * valve_z_[b];
  }
}

}  // namespace heatnet::solver
