// The plants' border of the Newton step: each dp_control plant's pump dp is an unknown of its
// own, set so that its consumer's dp meets the set point (a closed plant's row: no flow through
// it). The pressures are superposed, p = base + sum_j delta_j sens_j, from the step at the
// present pump dps and one sensitivity column per plant, and the pump dp steps delta solve a
// small dense system (solve_border). Plants another plant holds above their set point close
// (close_held_dp_plants); a trust region bounds the pump dp step where the linearisation does
// not hold (limit_pump_dp_step); a pump dp past any real pressure is an impossible design
// (impossible_pump_dp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "network/compiled.hpp"
#include "solver/newton/hydraulic_solver.hpp"

namespace heatnet::solver {
namespace {
// A dp_control plant's controlled dp responding less than this to its pump dp is held by
// another plant (close_held_dp_plants).
constexpr double kWeakControlResponse = 1e-6;
// Trust region of the bordered step: where its linearisation is not to be trusted, the
// dp_control plants' pump dps move by at most kMaxPumpDpStepPa per Newton iteration, and a
// closed plant's floating supply pressure by kMaxClosedSupplyStepPa (the step scaled as a
// whole, so its direction stays). Not trusted: an open plant whose controlled dp responds to
// less than kTrustedPumpResponse of its pump's step (another plant's stiff pump sits across
// that consumer, or a fixed_flow plant feeds its node; the Newton step then asks pump dps of
// 1e12 Pa and more, and the flows it pushes backwards through the other plants' pumps, far
// beyond where their forward laws hold, diverge: residuals 1e15 to 1e75 Pa in 14 of the 1,000
// networks of benchmarks/robustness.py), and any closed plant (no pump holds its supply node:
// where a fixed_flow plant pushes more than the consumers take it runs away). Bounded, the step
// leaves the other plants time to close. A plant whose consumer follows its pump (response ~1
// with flow-controlled substations) takes the full step, so a linear problem still settles in
// one. Any bound from 3 to 100 bar removed all 14 divergences; a bound relative to the pump dp
// did not, nor one that spared closed plants.
constexpr double kTrustedPumpResponse = 0.5;
constexpr double kMaxPumpDpStepPa = 10e5;
constexpr double kMaxClosedSupplyStepPa = 100e5;
}  // namespace

// A dp_control plant whose controlled dp does not respond to its pump (another plant's stiff
// pump sits across that consumer: the response is ~1e-8 where a plant's own control through
// a wide-open valve still has ~1e-3) and which the network already holds above the set point
// has nothing to do: it closes (the bordered row would otherwise ask an enormous pump dp).
template <class Base, class Sens>
int HydraulicSolver::close_held_dp_plants(const Network& net, HydraulicState& st, Base base,
                                          Sens sens) const {
  int changes = 0;
  const SourceData& sd = net.sources();
  const ConsumerData& cd = net.consumers();
  for (std::size_t d = 0; d < dp_sources_.size(); ++d) {
    const int s = static_cast<int>(d);
    if (st.dp_source_closed[s] || st.dp_source_changes[s] >= kMaxStatusChanges) continue;
    const int src = dp_sources_[s];
    const int c = sd.pump_consumer[src];
    const int cs = cd.supply_node[c], cr = cd.return_node[c];
    const double response = sens(cs, s) - sens(cr, s);
    if (std::abs(response) < kWeakControlResponse && base(cs) - base(cr) >= sd.pump_dp_Pa[src]) {
      st.dp_source_closed[s] = 1;
      ++st.dp_source_changes[s];
      ++changes;
    }
  }
  return changes;
}

// Gauss-Jordan elimination with partial pivoting of the dp-controlled plants' border system
// mat x = rhs (row-major, n = rhs.size(): the number of such plants, usually 1; both are
// overwritten). Returns -1 with x solved, or the column whose pivot is below 1e-14: a
// controlled dp that its pump does not move.
int solve_border_system(std::vector<double>& mat, std::vector<double>& rhs,
                        std::vector<double>& x) {
  const int nd = static_cast<int>(rhs.size());
  for (int col = 0; col < nd; ++col) {
    int piv = col;
    for (int r = col + 1; r < nd; ++r)
      if (std::abs(mat[r * nd + col]) > std::abs(mat[piv * nd + col])) piv = r;
    if (std::abs(mat[piv * nd + col]) < 1e-14) return col;
    for (int j = 0; j < nd; ++j) std::swap(mat[col * nd + j], mat[piv * nd + j]);
    std::swap(rhs[col], rhs[piv]);
    for (int r = 0; r < nd; ++r) {
      if (r == col) continue;
      const double f = mat[r * nd + col] / mat[col * nd + col];
      for (int j = col; j < nd; ++j) mat[r * nd + j] -= f * mat[col * nd + j];
      rhs[r] -= f * rhs[col];
    }
  }
  x.resize(nd);
  for (int s = 0; s < nd; ++s) x[s] = rhs[s] / mat[s * nd + s];
  return -1;
}

// Bordered system: the dp-controlled pump pressures (delta_) that hold each named consumer's dp
// at its set point in the linearised system (a closed plant's row: no flow through it),
// p(node) = base + sum_j delta_j * sens_j. Sets run.border_singular where a controlled dp does
// not respond to its pump.
void HydraulicSolver::solve_border(const Network& net, const HydraulicParameters& params,
                                   HydraulicState& st, NewtonRun& run, IterationRecord& rec) {
  const int nd = static_cast<int>(dp_sources_.size());
  const ConsumerData& cons = net.consumers();
  std::vector<double>& delta = delta_;
  delta.assign(nd, 0.0);
  run.border_singular = -1;
  run.pump_dp_limited = false;
  if (nd == 0) return;
  auto base = [&](int node) { return row_[node] >= 0 ? x_[row_[node]] : st.p[node]; };
  auto sens = [&](int node, int j) {
    if (row_[node] >= 0) return x_dp_[j][row_[node]];
    return dp_column_[node] == j ? 1.0 : 0.0;
  };
  std::vector<double>& mat = border_matrix_;
  std::vector<double>& rhs = border_rhs_;
  mat.assign(nd * nd, 0.0);
  rhs.assign(nd, 0.0);
  rec.status_changes += close_held_dp_plants(net, st, base, sens);
  for (int s = 0; s < nd; ++s) {
    if (st.dp_source_closed[s]) {
      // closed: no flow leaves the supply node through the plant, in the linearised link
      // flows q = c + y (p_from - p_to)
      double flow = params.demand[dp_supply_node_[s]];
      for (auto [k, sign] : dp_incident_[s]) {
        flow += sign * (c_[k] + y_[k] * (base(from_[k]) - base(to_[k])));
        for (int j = 0; j < nd; ++j)
          mat[s * nd + j] += sign * y_[k] * (sens(from_[k], j) - sens(to_[k], j));
      }
      rhs[s] = -flow;
      continue;
    }
    const int src = dp_sources_[s];
    const int c = net.sources().pump_consumer[src];
    const int cs = cons.supply_node[c], cr = cons.return_node[c];
    rhs[s] = net.sources().pump_dp_Pa[src] - (base(cs) - base(cr));
    for (int j = 0; j < nd; ++j) mat[s * nd + j] = sens(cs, j) - sens(cr, j);
  }
  pump_step_closed_.assign(st.dp_source_closed.begin(), st.dp_source_closed.end());
  pump_step_trusted_.assign(nd, 0);
  for (int s = 0; s < nd; ++s)  // the controlled dp's response to the plant's own pump
    pump_step_trusted_[s] = !st.dp_source_closed[s] && std::abs(mat[s * nd + s]) >= kTrustedPumpResponse;
  // the controlled dp does not respond to the pump at this state (the consumer's valve wide
  // open at almost no dp shorts its nodes, or it is not connected): keep the pump dps for
  // this step; a solve that ends so names it
  if (const int col = solve_border_system(mat, rhs, delta); col >= 0) {
    delta.assign(nd, 0.0);
    run.border_singular = dp_sources_[col];
    return;
  }
  run.pump_dp_limited = limit_pump_dp_step(delta);
}

// A dp_control plant (source index) whose pump dp (supply pressure rise, closed or open) is
// above kImpossiblePressurePa, or -1. The Newton loop stops there when the step that got it
// there was cut to the trust region: the pump dp is climbing without a model that holds, not
// passing through on a full step that may come back. (Falling below -1000 bar the same way
// was a transient in 2 networks of the robustness sweep that then converged.)
int HydraulicSolver::impossible_pump_dp(const HydraulicState& st) const {
  for (int src : dp_sources_)
    if (st.source_dp[src] > kImpossiblePressurePa) return src;
  return -1;
}

// Scales the bordered step down so that no untrusted plant's pump dp moves by more than its
// trust region (kMaxPumpDpStepPa open, kMaxClosedSupplyStepPa closed); whether it did.
bool HydraulicSolver::limit_pump_dp_step(std::vector<double>& delta) const {
  double scale = 1.0;
  for (std::size_t s = 0; s < delta.size(); ++s) {
    if (pump_step_trusted_[s]) continue;
    const double allowed = pump_step_closed_[s] ? kMaxClosedSupplyStepPa : kMaxPumpDpStepPa;
    if (std::abs(delta[s]) > allowed) scale = std::min(scale, allowed / std::abs(delta[s]));
  }
  if (scale == 1.0) return false;
  for (double& d : delta) d *= scale;
  return true;
}

}  // namespace heatnet::solver
