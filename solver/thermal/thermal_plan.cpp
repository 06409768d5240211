// ThermalSolver, planned path: the sweep plan kept from an acyclic traversal, the sweep that
// streams through it while flow directions stay the same, and the Newton response of the
// consumer-flow / supply-temperature coupling on the plan's tree-shaped part. Everything here
// is indexed by plan position (settle order): a node's upstream neighbours sit at earlier
// positions that only move forward (Kahn's queue is first-in first-out), so the passes read
// memory in sequence instead of chasing node -> links -> node.
#include <algorithm>
#include <cmath>

#include "solver/thermal/thermal_solver.hpp"

namespace heatnet::solver {
namespace {
// Below this, a tree pipe's flow-temperature feedback is not damped (1 - B s ~ 0): cut there.
constexpr double kMinTreeDenominator = 0.5;
}  // namespace

// The settle order of the last sweep, each position's dependent inflow links grouped in that
// order with the position of their upstream node, and the fixed-outlet and stagnant links.
void ThermalSolver::make_plan(int n, int m) {
  plan_order_.assign(queue_.begin(), queue_.end());
  std::vector<int>& position = plan_position_;
  position.resize(n);
  for (int j = 0; j < n; ++j) position[plan_order_[j]] = j;
  plan_in_start_.assign(n + 1, 0);
  plan_fixed_.clear();
  plan_stagnant_.clear();
  for (int k = 0; k < m; ++k) {
    switch (links_[k].role) {
      case LinkRecord::dependent: ++plan_in_start_[position[links_[k].down] + 1]; break;
      case LinkRecord::fixed: plan_fixed_.push_back(k); break;
      case LinkRecord::stagnant: plan_stagnant_.push_back(k); break;
    }
  }
  for (int j = 0; j < n; ++j) plan_in_start_[j + 1] += plan_in_start_[j];
  plan_in_link_.resize(plan_in_start_[n]);
  plan_in_up_.resize(plan_in_start_[n]);
  std::vector<int> fill(plan_in_start_.begin(), plan_in_start_.end() - 1);
  for (int k = 0; k < m; ++k) {
    const LinkRecord& r = links_[k];
    if (r.role != LinkRecord::dependent) continue;
    const int a = fill[position[r.down]]++;
    plan_in_link_[a] = k;
    plan_in_up_[a] = position[r.up];
  }
  plan_T_.resize(n);
  pos_inflow_.resize(n);
  pos_fixed_inflow_.resize(n);
  plan_valid_ = true;
  plan_constants_valid_ = false;
}

// Dependent links in plan order with their flow and exponential decay for these flows. The
// per-link constants (U L, ambient) are gathered once per plan and solve (they change only
// through Network setters between solves); each sweep then reads only the flows and cp.
void ThermalSolver::fill_plan_records(const Network& net, const ThermalInputs& in) {
  const int links = static_cast<int>(plan_in_link_.size());
  if (!plan_constants_valid_) {
    const Topology& t = net.topology();
    const PipeData& pipes = net.pipes();
    plan_rec_.resize(links);
    for (int a = 0; a < links; ++a) {
      const int k = plan_in_link_[a];
      PlanRecord& r = plan_rec_[a];
      r.link = k;
      r.pipe = -1;
      r.ul = 0.0;
      r.t_amb = 0.0;
      if (t.link_kind[k] != LinkKind::pipe) continue;
      const int e = t.link_element[k];
      if (pipes.heat_loss_W_mK[e] <= 0) continue;
      r.pipe = e;
      r.ul = pipes.heat_loss_W_mK[e] * pipes.length_m[e];
      r.t_amb = pipes.ambient_temperature_C[e];
    }
    plan_constants_valid_ = true;
  }
  for (int a = 0; a < links; ++a) {
    PlanRecord& r = plan_rec_[a];
    r.q = std::abs(in.link_flow[r.link]);
    if (r.ul > 0) {
      r.ntu = r.ul / (r.q * in.pipe_cp[r.pipe]);
      r.alpha = std::exp(-r.ntu);
    } else {
      r.ntu = 0.0;
      r.alpha = 1.0;
    }
  }
}

void ThermalSolver::solve_planned(const Network& net, const fluid::FluidModel& fluid,
                                  const ThermalInputs& in, ThermalState& out) {
  const Topology& t = net.topology();
  const PipeData& pipes = net.pipes();
  const double ambient = net.settings().ambient_temperature_C;
  const int n = static_cast<int>(plan_order_.size());
  pos_inflow_.assign(n, 0.0);
  pos_inflow_h_.assign(n, 0.0);
  pos_inflow_T_.resize(n);
  pos_count_.assign(n, 0);
  pos_fixed_inflow_.assign(n, 0);
  pos_neutral_.assign(n, 0);
  // Inflow bookkeeping as in solve(): enthalpy sum for mixing, or a single stream's T.
  auto add_inflow = [&](int j, double q, double temp) {
    if (pos_count_[j] == 0) {
      pos_inflow_T_[j] = temp;
      pos_count_[j] = 1;
    } else {
      if (pos_count_[j] == 1) pos_inflow_h_[j] += pos_inflow_[j] * fluid.enthalpy(pos_inflow_T_[j]);
      pos_count_[j] = 2;
      pos_inflow_h_[j] += q * fluid.enthalpy(temp);
    }
    pos_inflow_[j] += q;
  };
  for (const ThermalInputs::BoundaryInflow& b : in.boundary_inflows) {
    const int j = plan_position_[b.node];
    pos_fixed_inflow_[j] = 1;
    if (b.neutral) {
      pos_neutral_[j] = 1;
      continue;
    }
    pos_inflow_[j] += b.mass_flow;
    pos_inflow_h_[j] += b.enthalpy_flow;
    if (b.mass_flow > 0) pos_count_[j] = 2;
  }
  // consumers and sources: fixed outlet temperature into their downstream node
  for (int k : plan_fixed_) {
    const double flow = in.link_flow[k];
    const int e = t.link_element[k];
    const double tf = t.link_kind[k] == LinkKind::source ? net.sources().supply_temperature_C[e]
                                                         : net.consumers().return_temperature_C[e];
    out.link_T_out[k] = tf;
    const int j = plan_position_[flow >= 0 ? t.link_to[k] : t.link_from[k]];
    add_inflow(j, std::abs(flow), tf);
    pos_fixed_inflow_[j] = 1;
  }
  fill_plan_records(net, in);
  // the sweep
  for (int j = 0; j < n; ++j) {
    for (int a = plan_in_start_[j]; a < plan_in_start_[j + 1]; ++a) {
      const PlanRecord& r = plan_rec_[a];
      const double t_up = plan_T_[plan_in_up_[a]];
      const double t_out = r.ul > 0 ? r.t_amb + (t_up - r.t_amb) * r.alpha : t_up;
      out.link_T_in[r.link] = t_up;
      out.link_T_out[r.link] = t_out;
      add_inflow(j, r.q, t_out);
    }
    double temp;
    if (pos_count_[j] == 1)
      temp = pos_inflow_T_[j];
    else if (pos_inflow_[j] > 0)
      temp = fluid.temperature_from_enthalpy(pos_inflow_h_[j] / pos_inflow_[j]);
    else if (pos_neutral_[j])
      temp = net.settings().temperature_C;  // only neutral inflow: nothing to mix with
    else
      temp = ambient;  // stagnant node
    plan_T_[j] = temp;
    out.node_T[plan_order_[j]] = temp;
  }
  // inlet ends of fixed-outlet links; stagnant links report their 'from' node and ambient
  for (int k : plan_fixed_)
    out.link_T_in[k] = out.node_T[in.link_flow[k] >= 0 ? t.link_from[k] : t.link_to[k]];
  for (int k : plan_stagnant_) {
    const double t_node = out.node_T[t.link_from[k]];
    out.link_T_in[k] = t_node;
    const LinkKind kind = t.link_kind[k];
    if (kind == LinkKind::pipe) {
      const int e = t.link_element[k];
      out.link_T_out[k] = pipes.heat_loss_W_mK[e] > 0 ? pipes.ambient_temperature_C[e] : t_node;
    } else if (kind == LinkKind::pump || kind == LinkKind::valve) {
      out.link_T_out[k] = t_node;
    }
  }
}

// Tree link of plan position j: the single dependent inflow's (alpha, s) as seen at node j
// (see tree_response); false for a mixing node (a cut).
bool ThermalSolver::tree_link(int j, const ThermalState& state, double& alpha, double& sens,
                              int& parent) const {
  if (plan_in_start_[j + 1] - plan_in_start_[j] != 1) return false;  // mixing node: cut
  const int a = plan_in_start_[j];
  const PlanRecord& r = plan_rec_[a];
  parent = plan_in_up_[a];
  alpha = 1.0;
  sens = 0.0;
  if (r.ul > 0 && r.alpha < 1.0) {
    // T_out = T_amb + (T_in - T_amb) alpha, alpha = exp(-NTU), NTU = U L / (q cp):
    // dT_out/dq = (T_in - T_amb) alpha NTU / q
    alpha = r.alpha;
    sens = (plan_T_[parent] - r.t_amb) * alpha * r.ntu / r.q;
  }
  if (pos_fixed_inflow_[j]) {
    // the link's stream mixes with fixed inflows (a plant, a boundary) whose flow and
    // temperature do not move: T = (q T_out + rest) / Q, so dT = (q/Q) dT_out + (T_out - T)/Q dq
    const double total = pos_inflow_[j];
    if (!(total > 0)) return false;
    const double share = r.q / total;
    sens = share * sens + (state.link_T_out[r.link] - plan_T_[j]) / total;
    alpha *= share;
  }
  return true;
}

bool ThermalSolver::tree_response(const ThermalState& state, std::span<const int> consumer_node,
                                  std::span<const double> flow_residual,
                                  std::span<const double> flow_gain,
                                  std::vector<double>& predicted_T) {
  const int n = static_cast<int>(plan_order_.size());
  if (!plan_valid_ || n != static_cast<int>(state.node_T.size())) return false;
  // Everything below is indexed by plan position (the parent of position j sits at an earlier
  // position, mostly nearby).
  std::vector<double>& res = tree_residual_;
  std::vector<double>& gain = tree_gain_;
  res.assign(n, 0.0);
  gain.assign(n, 0.0);
  for (std::size_t c = 0; c < consumer_node.size(); ++c) {
    const int j = plan_position_[consumer_node[c]];
    res[j] += flow_residual[c];
    gain[j] += flow_gain[c];
  }
  // leaves first: each subtree as seen from its parent, dF = A' + B' dT_parent
  tree_linked_.assign(n, 0);
  for (int j = n - 1; j >= 0; --j) {
    double alpha, sens;
    int pu;
    if (!tree_link(j, state, alpha, sens, pu)) continue;
    const double denom = 1.0 - gain[j] * sens;
    if (!(denom >= kMinTreeDenominator)) continue;  // not a damped loop: leave it to the outer loop
    res[j] /= denom;
    gain[j] *= alpha / denom;
    res[pu] += res[j];
    gain[pu] += gain[j];
    tree_linked_[j] = 1;
  }
  // temperature changes from the cuts (dT = 0) down the trees
  std::vector<double>& change = tree_dT_;
  change.assign(n, 0.0);
  predicted_T.resize(n);
  for (int j = 0; j < n; ++j) {
    double alpha, sens;
    int pu;
    if (tree_linked_[j] && tree_link(j, state, alpha, sens, pu)) {
      const double flow_change = res[j] + gain[j] * change[pu];
      change[j] = alpha * change[pu] + sens * flow_change;
    }
    predicted_T[plan_order_[j]] = plan_T_[j] + change[j];
  }
  return true;
}

}  // namespace heatnet::solver
