// The hydraulic part of the coupling step's exact prediction: how the link flows answer a
// change of the consumers' set flows, through the Newton system already factorised
// (solver/engine's coupling step, docs/models.md "Coupling").
#include <cmath>

#include "network/compiled.hpp"
#include "solver/newton/hydraulic_solver.hpp"
#include "solver/physics/substation.hpp"

namespace heatnet::solver {

// Linearised at the last Newton step, every hydraulic link carries q = c + y (p_from - p_to),
// the free nodes balance (Schur system S p = b), and each dp_control plant's pump holds its
// consumer's dp (the border, solve_border). A consumer at its set flow sits on its throttle
// (physics::substation_law: dp = ... + R_t (q - set)), so c moves with the set flow by
// y R_t (~1); one held by its open valve does not follow its set flow at all. A change dset
// of the set flows therefore moves c by dc, the free pressures by S^-1 (A dc) plus the
// pump dps' columns times the change that keeps each controlled dp where it is, and the
// flows by dc + y dp. Exact to first order where the statuses stay as they are.
bool HydraulicSolver::set_flow_response(const Network& net, const HydraulicParameters& params,
                                        const HydraulicState& st, const std::vector<double>& dset,
                                        std::vector<double>& dq) {
  const int m = static_cast<int>(topo_link_.size());
  const int nd = static_cast<int>(dp_sources_.size());
  const int rows = static_cast<int>(matrix_.rows());
  if (!factorised_ || y_.size() != topo_link_.size() || any_active_valve(st)) return false;
  for (int s = 0; s < nd; ++s)
    if (st.dp_source_closed.empty() || st.dp_source_closed[s]) return false;
  dq.assign(m, 0.0);
  // Worked in the Newton step's right side and solution: between steps both are scratch
  // (assemble writes every row of rhs_, solve_linear every row of x_), and vectors of their
  // own would add two node-sized arrays to a large network's peak memory.
  Eigen::VectorXd& response_rhs = rhs_;
  Eigen::VectorXd& response_x = x_;
  response_rhs.setZero(rows);
  for (int k = 0; k < m; ++k) {
    if (kind_[k] != LinkKind::consumer) continue;
    const int c = element_[k];
    const double d = dset[c];
    if (d == 0.0 || params.consumer_conductance[c] <= 0.0 || valve_limited(params, st, k) ||
        st.q[k] < 0.0)
      continue;
    const double follows = std::min(1.0, y_[k] * physics::kThrottleResistance);
    dq[k] = follows * d;  // dc, the flows' part that does not come from the pressures
    if (row_[from_[k]] >= 0) response_rhs[row_[from_[k]]] -= dq[k];
    if (row_[to_[k]] >= 0) response_rhs[row_[to_[k]]] += dq[k];
  }
  response_x.setZero(rows);
  if (rows > 0) spd_.solve(response_rhs, response_x);
  auto base = [&](int node) { return row_[node] >= 0 ? response_x[row_[node]] : 0.0; };
  auto sens = [&](int node, int j) {
    if (row_[node] >= 0) return x_dp_[j][row_[node]];
    return dp_column_[node] == j ? 1.0 : 0.0;
  };
  // the pump dp changes that hold every controlled dp: M ddelta = -(dbase(cs) - dbase(cr))
  std::vector<double> mat(static_cast<std::size_t>(nd) * nd), rhs(nd), ddelta(nd, 0.0);
  for (int s = 0; s < nd; ++s) {
    const int c = net.sources().pump_consumer[dp_sources_[s]];
    const int cs = net.consumers().supply_node[c], cr = net.consumers().return_node[c];
    rhs[s] = -(base(cs) - base(cr));
    for (int j = 0; j < nd; ++j) mat[s * nd + j] = sens(cs, j) - sens(cr, j);
  }
  if (solve_border_system(mat, rhs, ddelta) >= 0) return false;  // a dp its pump does not move
  // the free nodes' pressure changes with the pump dps' columns added; a held supply node
  // moves by its pump's change, every other fixed node not at all
  for (int j = 0; j < nd; ++j)
    for (int r = 0; r < rows; ++r) response_x[r] += ddelta[j] * x_dp_[j][r];
  auto dp = [&](int node) {
    if (row_[node] >= 0) return response_x[row_[node]];
    return dp_column_[node] >= 0 ? ddelta[dp_column_[node]] : 0.0;
  };
  for (int k = 0; k < m; ++k)
    if (y_[k] != 0.0) dq[k] += y_[k] * (dp(from_[k]) - dp(to_[k]));
  return true;
}

}  // namespace heatnet::solver
