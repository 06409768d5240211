// ThermalSolver, planned path: the sweep plan kept from an acyclic traversal, the sweep that
// streams through it while flow directions stay the same, and the Newton response of the
// consumer-flow / supply-temperature coupling on the plan's tree-shaped part. Everything here
// is indexed by plan position (settle order): a node's upstream neighbours sit at earlier
// positions, mostly a few back (order_by_flow goes depth first), so the passes read memory in
// sequence instead of chasing node -> links -> node.
#include <algorithm>
#include <cmath>
#include <limits>

#include "solver/thermal/fixed_outlet.hpp"
#include "solver/thermal/pipe_mean_temperature.hpp"
#include "solver/thermal/thermal_solver.hpp"
#include "network/compiled.hpp"

namespace heatnet::solver {
namespace {
// Below this, a tree pipe's flow-temperature feedback is not damped (1 - B s ~ 0): cut there.
constexpr double kMinTreeDenominator = 0.5;
// More links against the plan's order than this: traverse again instead of repairing.
constexpr int kMaxOrderRepairs = 64;
// ... or when the repairs touch more nodes than a quarter of the network (at least this many).
constexpr long kMinRepairBudget = 64;
// The sweep prefetches the per-link and per-pipe slots of the record this far ahead (and the
// passes over positions the per-node slot of the position this far ahead): plan order is not
// the links' or the nodes' order, so each record reads and writes those arrays at scattered
// places, a cache miss each on a large network (a million pipes: the sweeps -10 %). From this
// many records (or positions) on: arrays of 2 MB per link field, a core's L2 cache; the 1e5
// network's sweeps (0.8 MB) were 8 % slower with it.
constexpr int kPrefetchRecords = 16;
constexpr int kPrefetchFrom = 250000;
}  // namespace

// A settle order for the current flow directions: Kahn's algorithm on the dependent links
// alone (a compact successor list, no temperatures), then the plan's link lists. False when
// the flows contain a cycle (the traversal in solve() handles those).
bool ThermalSolver::order_by_flow(const Topology& t) {
  const int n = t.node_count, m = t.link_count();
  const std::vector<unsigned char>& sig = signature_now_;
  std::vector<int> start(n + 1, 0), successor, indegree(n, 0), order;
  for (int k = 0; k < m; ++k) {
    if (sig[k] != 1 && sig[k] != 2) continue;
    ++start[(sig[k] == 1 ? t.link_from[k] : t.link_to[k]) + 1];
    ++indegree[sig[k] == 1 ? t.link_to[k] : t.link_from[k]];
  }
  for (int i = 0; i < n; ++i) start[i + 1] += start[i];
  successor.resize(start[n]);
  {
    std::vector<int> fill(start.begin(), start.end() - 1);
    for (int k = 0; k < m; ++k) {
      if (sig[k] != 1 && sig[k] != 2) continue;
      const int up = sig[k] == 1 ? t.link_from[k] : t.link_to[k];
      successor[fill[up]++] = sig[k] == 1 ? t.link_to[k] : t.link_from[k];
    }
  }
  // Depth first (Kahn's algorithm with a stack instead of a queue): what a node feeds follows
  // it, so a sweep finds most upstream temperatures a few positions back, in cache; breadth
  // first put them a whole front of the network back, a cache miss a node on a million nodes
  // (the sweep -20 %). Ready nodes are stacked last to first, so the nodes a node makes ready
  // keep their link order among themselves, as they did breadth first.
  std::vector<int> ready;
  order.reserve(n);
  for (int i = n - 1; i >= 0; --i)
    if (indegree[i] == 0) ready.push_back(i);
  while (!ready.empty()) {
    const int u = ready.back();
    ready.pop_back();
    order.push_back(u);
    for (int a = start[u + 1] - 1; a >= start[u]; --a)
      if (--indegree[successor[a]] == 0) ready.push_back(successor[a]);
  }
  if (static_cast<int>(order.size()) != n) return false;
  plan_order_ = std::move(order);
  plan_position_.resize(n);
  for (int j = 0; j < n; ++j) plan_position_[plan_order_[j]] = j;
  plan_T_.resize(n);
  plan_valid_ = link_plan(t, sig);  // a topological order always fits its own flows
  return plan_valid_;
}

// Each position's dependent inflow links (grouped in plan order, with the position of their
// upstream node), the fixed-outlet and the stagnant links, for the directions in `signature`
// (see solve). False if a dependent link runs against the order: the order is then not
// topological for these flows. Cheap enough (one pass over the links) to try before a new
// traversal when a few flows changed direction or stopped.
bool ThermalSolver::link_plan(const Topology& t, const std::vector<unsigned char>& signature) {
  const int n = t.node_count, m = t.link_count();
  const std::vector<int>& position = plan_position_;
  plan_in_start_.assign(n + 1, 0);
  plan_fixed_.clear();
  plan_stagnant_.clear();
  for (int k = 0; k < m; ++k) {
    const unsigned char sig = signature[k];
    if (sig == 0) {
      plan_stagnant_.push_back(k);
    } else if (sig >= 3) {
      plan_fixed_.push_back(k);
    } else {
      const int up = sig == 1 ? t.link_from[k] : t.link_to[k];
      const int down = sig == 1 ? t.link_to[k] : t.link_from[k];
      if (position[up] >= position[down]) return false;
      ++plan_in_start_[position[down] + 1];
    }
  }
  for (int j = 0; j < n; ++j) plan_in_start_[j + 1] += plan_in_start_[j];
  plan_in_link_.resize(plan_in_start_[n]);
  plan_in_up_.resize(plan_in_start_[n]);
  std::vector<int>& fill = plan_fill_;
  fill.assign(plan_in_start_.begin(), plan_in_start_.end() - 1);
  for (int k = 0; k < m; ++k) {
    const unsigned char sig = signature[k];
    if (sig != 1 && sig != 2) continue;
    const int up = sig == 1 ? t.link_from[k] : t.link_to[k];
    const int down = sig == 1 ? t.link_to[k] : t.link_from[k];
    const int a = fill[position[down]]++;
    plan_in_link_[a] = k;
    plan_in_up_[a] = position[up];
  }
  plan_constants_valid_ = false;  // the records follow the link lists
  return true;
}

// Makes the plan's node order topological again for the directions in `signature` after a few
// dependent links reversed or started to flow (Pearce & Kelly, "A dynamic topological sort
// algorithm for directed acyclic graphs", ACM JEA 11 (2006)): for each link x -> y that runs
// against the order, the nodes reachable from y that sit before x and the nodes reaching x that
// sit after y swap into x's ancestors first, y's descendants after, in the positions they
// already occupy. Touches only that region; false on a flow cycle or when the regions grow past
// a quarter of the network (a new traversal is then as cheap). A 1e6-pipe network's re-solve:
// four ring pipes reverse, the repair replaces a 0.26 s traversal.
bool ThermalSolver::repair_order(const Topology& t, const std::vector<unsigned char>& signature) {
  const int n = t.node_count, m = t.link_count();
  std::vector<int>& position = plan_position_;
  auto dependent = [&](int k) { return signature[k] == 1 || signature[k] == 2; };
  auto up = [&](int k) { return signature[k] == 1 ? t.link_from[k] : t.link_to[k]; };
  auto down = [&](int k) { return signature[k] == 1 ? t.link_to[k] : t.link_from[k]; };
  std::vector<int> against;
  for (int k = 0; k < m; ++k)
    if (dependent(k) && position[up(k)] > position[down(k)]) against.push_back(k);
  if (static_cast<int>(against.size()) > kMaxOrderRepairs) return false;
  if (static_cast<int>(repair_stamp_.size()) != n) repair_stamp_.assign(n, 0), stamp_ = 0;
  long touched = 0;
  std::vector<int> forward, backward, stack, slots;
  for (int k : against) {
    const int x = up(k), y = down(k);
    const int low = position[y], high = position[x];
    if (low > high) continue;  // an earlier repair already ordered them
    // nodes reachable from `start` along the flow (downstream, positions below x's) or against
    // it (upstream, positions above y's); false if the downstream search meets x (a cycle)
    auto collect = [&](int start, bool downstream, std::vector<int>& found) {
      found.clear();
      stack.assign(1, start);
      repair_stamp_[start] = stamp_;
      while (!stack.empty()) {
        const int w = stack.back();
        stack.pop_back();
        found.push_back(w);
        for (int s = t.node_link_start[w]; s < t.node_link_start[w + 1]; ++s) {
          const int l = t.node_link[s];
          if (!dependent(l) || (downstream ? up(l) : down(l)) != w) continue;
          const int v = downstream ? down(l) : up(l);
          if (downstream && v == x) return false;
          const bool inside = downstream ? position[v] < high : position[v] > low;
          if (inside && repair_stamp_[v] != stamp_) {
            repair_stamp_[v] = stamp_;
            stack.push_back(v);
          }
        }
      }
      return true;
    };
    ++stamp_;
    if (!collect(y, true, forward)) return false;  // the flows form a cycle
    collect(x, false, backward);
    touched += static_cast<long>(forward.size() + backward.size());
    if (touched > std::max<long>(n / 4, kMinRepairBudget)) return false;
    auto by_position = [&](int a, int b) { return position[a] < position[b]; };
    std::sort(forward.begin(), forward.end(), by_position);
    std::sort(backward.begin(), backward.end(), by_position);
    slots.clear();
    for (int w : backward) slots.push_back(position[w]);
    for (int w : forward) slots.push_back(position[w]);
    std::sort(slots.begin(), slots.end());
    std::size_t next = 0;
    for (int w : backward) position[w] = slots[next++];
    for (int w : forward) position[w] = slots[next++];
    for (int w : backward) plan_order_[position[w]] = w;
    for (int w : forward) plan_order_[position[w]] = w;
  }
  return true;
}

// The dependent links' constants in plan order (U L, ambient), gathered once per plan and
// solve (they change only through Network setters between solves); each sweep then reads only
// the flows and cp (set_record_flow).
void ThermalSolver::plan_record_constants(const Network& net) {
  if (plan_constants_valid_) return;
  const int links = static_cast<int>(plan_in_link_.size());
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
    r.pipe = e;
    if (pipes.heat_loss_W_mK[e] <= 0) continue;
    r.ul = pipes.heat_loss_W_mK[e] * pipes.length_m[e];
    r.t_amb = pipes.ambient_temperature_C[e];
  }
  plan_constants_valid_ = true;
}

// A dependent link's flow and exponential decay for this sweep's flows. The decay is a
// function of ntu alone: where ntu is the record's last one (a warm start's resweep at the
// last solve's flows and cp), its alpha is already exp(-ntu), to the bit.
inline void ThermalSolver::set_record_flow(PlanRecord& r, const ThermalInputs& in) {
  r.q = std::abs(in.link_flow[r.link]);
  if (r.ul > 0) {
    const double ntu = r.ul / (r.q * in.pipe_cp[r.pipe]);
    if (!(ntu == r.ntu)) r.alpha = std::exp(-ntu);
    r.ntu = ntu;
  } else {
    r.ntu = 0.0;
    r.alpha = 1.0;
  }
}

// The per-position mixing state of a sweep is cleared where the sweep comes to each position;
// only positions with fixed inflows (consumers, plants, boundaries: a few of them) receive
// water before that, and are cleared when marked. reset_fixed_inflows takes back the last
// sweep's marks (all of the arrays when their size changed).
void ThermalSolver::reset_fixed_inflows(int n) {
  if (pos_mix_.flow.size() != static_cast<std::size_t>(n) ||
      pos_fixed_inflow_.size() != static_cast<std::size_t>(n)) {
    pos_mix_.reset(n);
    pos_fixed_inflow_.assign(n, 0);
    fixed_positions_.clear();
    return;
  }
  for (int j : fixed_positions_) pos_fixed_inflow_[j] = 0;
  fixed_positions_.clear();
}

inline void ThermalSolver::mark_fixed_inflow(int j) {
  if (pos_fixed_inflow_[j]) return;
  pos_fixed_inflow_[j] = 1;
  pos_mix_.clear(j);
  fixed_positions_.push_back(j);
}

void ThermalSolver::solve_planned(const Network& net, const fluid::FluidModel& fluid,
                                  const ThermalInputs& in, ThermalState& out) {
  const Topology& t = net.topology();
  const PipeData& pipes = net.pipes();
  const double ambient = net.settings().ambient_temperature_C;
  const double neutral_T = net.settings().temperature_C;
  const int n = static_cast<int>(plan_order_.size());
  reset_fixed_inflows(n);
  for (const ThermalInputs::BoundaryInflow& b : in.boundary_inflows) {
    const int j = plan_position_[b.node];
    mark_fixed_inflow(j);
    pos_mix_.add_boundary(j, b.mass_flow, b.enthalpy_flow, b.neutral);
  }
  // consumers and sources: fixed outlet temperature into their downstream node
  const FixedOutlets fixed_outlet(net, in);
  for (int k : plan_fixed_) {
    const double flow = in.link_flow[k];
    const double tf = fixed_outlet(k);
    out.link_T_out[k] = tf;
    const int j = plan_position_[flow >= 0 ? t.link_to[k] : t.link_from[k]];
    mark_fixed_inflow(j);
    pos_mix_.add_stream(j, std::abs(flow), tf, fluid);
  }
  plan_record_constants(net);
  // The sweep, in plan order, which is also the records' order (a = 0, 1, ... in turn): each
  // record takes this sweep's flow as the sweep reaches it, so the records are streamed
  // through once. A dependent link carries its upstream node's temperature (cooling towards
  // its ambient); its outlet temperature, link ends and pipe mean.
  int next_record = 0;  // the records before it have this sweep's flows
  const int records = static_cast<int>(plan_rec_.size());
  const bool prefetch = records >= kPrefetchFrom;
  auto carry = [&](int a, double t_up) {
    if (prefetch && a + kPrefetchRecords < records) {
      const PlanRecord& ahead = plan_rec_[a + kPrefetchRecords];
      __builtin_prefetch(&in.link_flow[ahead.link]);
      __builtin_prefetch(&out.link_T_in[ahead.link], 1);
      __builtin_prefetch(&out.link_T_out[ahead.link], 1);
      if (ahead.pipe >= 0) {
        __builtin_prefetch(&in.pipe_cp[ahead.pipe]);
        __builtin_prefetch(&out.pipe_T_mean[ahead.pipe], 1);
      }
    }
    PlanRecord& r = plan_rec_[a];
    set_record_flow(r, in);
    next_record = a + 1;
    const double t_out = r.ul > 0 ? r.t_amb + (t_up - r.t_amb) * r.alpha : t_up;
    out.link_T_in[r.link] = t_up;
    out.link_T_out[r.link] = t_out;
    if (r.pipe >= 0)
      out.pipe_T_mean[r.pipe] =
          r.ul > 0 ? r.t_amb + (t_up - r.t_amb) * pipe_mean_factor(r.ntu, r.alpha) : t_up;
    return t_out;
  };
  // The coupling step's tree links (tree_link) come out of the same pass: per position its
  // single inflow's decay and outlet slope, NaN at a cut (tree_links).
  tree_alpha_.resize(n);
  tree_sens_.resize(n);
  constexpr double kCut = std::numeric_limits<double>::quiet_NaN();
  stagnant_nodes_.clear();
  try {
    for (int j = 0; j < n; ++j) {
      if (prefetch && j + kPrefetchRecords < n)
        __builtin_prefetch(&out.node_T[plan_order_[j + kPrefetchRecords]], 1);
      const int first = plan_in_start_[j], end = plan_in_start_[j + 1];
      if (end - first == 1 && !pos_fixed_inflow_[j]) {
        // fed by this one link alone (most nodes of a branched network): its temperature. Of
        // its mixing state only the inflow is kept: the rest is read only at nodes that mix,
        // which clear it first (mark_fixed_inflow, clear).
        const double t_up = plan_T_[plan_in_up_[first]];
        const double t_out = carry(first, t_up);
        const PlanRecord& r = plan_rec_[first];
        pos_mix_.flow[j] = r.q;
        plan_T_[j] = t_out;
        out.node_T[plan_order_[j]] = t_out;
        tree_alpha_[j] = r.alpha;
        tree_sens_[j] = r.outlet_flow_slope(t_up);
        continue;
      }
      if (!pos_fixed_inflow_[j]) pos_mix_.clear(j);  // (fixed inflows: cleared when marked)
      for (int a = first; a < end; ++a) {
        const double t_out = carry(a, plan_T_[plan_in_up_[a]]);  // (sets the record's flow)
        pos_mix_.add_stream(j, plan_rec_[a].q, t_out, fluid);
      }
      const double temp = pos_mix_.temperature(j, fluid, neutral_T, ambient);
      plan_T_[j] = temp;
      out.node_T[plan_order_[j]] = temp;
      if (pos_mix_.streams[j] == 0 && !(pos_mix_.flow[j] > 0) && !pos_mix_.neutral[j])
        stagnant_nodes_.push_back(plan_order_[j]);  // no inflow: nothing downstream reads it
      tree_alpha_[j] = 1.0;
      tree_sens_[j] = kCut;
      if (end - first == 1) fixed_inflow_tree_link(j, out);
    }
  } catch (...) {
    // what the response reads of a sweep that failed: every record at this sweep's flows
    for (int a = next_record; a < records; ++a)
      set_record_flow(plan_rec_[a], in);
    throw;
  }
  // the tree links read the upstream temperatures, which the stagnant nodes' may still change
  tree_links_valid_ = stagnant_nodes_.empty();
  stagnant_node_temperatures(net, out);
  for (int i : stagnant_nodes_) plan_T_[plan_position_[i]] = out.node_T[i];
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
      out.pipe_T_mean[e] = out.link_T_out[k];  // cooled to ambient (lossless: below)
    } else if (kind == LinkKind::pump || kind == LinkKind::valve) {
      out.link_T_out[k] = t_node;
    } else {
      out.link_T_out[k] = ambient;  // an idle plant or consumer
    }
  }
  lossless_means(net, in, out);
}

// Tree link of plan position j: the single dependent inflow's (alpha, s) as seen at node j
// (see tree_response); false for a mixing node (a cut).
inline bool ThermalSolver::tree_link(int j, const ThermalState& state, double& alpha,
                                     double& sens, int& parent) const {
  if (plan_in_start_[j + 1] - plan_in_start_[j] != 1) return false;  // mixing node: cut
  const int a = plan_in_start_[j];
  const PlanRecord& r = plan_rec_[a];
  parent = plan_in_up_[a];
  alpha = r.alpha;  // 1 for a link without loss
  sens = r.outlet_flow_slope(plan_T_[parent]);
  if (pos_fixed_inflow_[j]) {
    // the link's stream mixes with fixed inflows (a plant, a boundary) whose flow and
    // temperature do not move: T = (q T_out + rest) / Q, so dT = (q/Q) dT_out + (T_out - T)/Q dq
    const double total = pos_mix_.flow[j];
    if (!(total > 0)) return false;
    const double share = r.q / total;
    sens = share * sens + (state.link_T_out[r.link] - plan_T_[j]) / total;
    alpha *= share;
  }
  return true;
}

// tree_link of a position whose single dependent inflow mixes with fixed inflows, from the
// sweep (the same values as tree_links gives).
inline void ThermalSolver::fixed_inflow_tree_link(int j, const ThermalState& state) {
  double alpha = 1.0, sens = std::numeric_limits<double>::quiet_NaN();
  int parent;
  if (!tree_link(j, state, alpha, sens, parent)) sens = std::numeric_limits<double>::quiet_NaN();
  tree_alpha_[j] = alpha;
  tree_sens_[j] = sens;
}

// Mixing node at plan position j (two or more dependent inflows): its temperature change as
// dT = U + V dF, dF the flow change of everything it feeds, for the upstream changes in
// `change` and the flow change split over its dependent inflows in proportion to their flows
// (the hydraulic split of a loop is not known here; frozen shares are its zeroth order).
// Per inflow a: dT_out = alpha dT_up + s dq_a (see tree_link); the mix with total inflow Q
// (fixed inflows included, they do not move): dT = sum (q_a/Q) dT_out_a + sum (T_out_a - T)/Q dq_a.
// False where j is not such a node.
inline bool ThermalSolver::mixing_response(int j, const ThermalState& state,
                                           const std::vector<double>& change, double& u,
                                           double& v, double& w) const {
  const int first = plan_in_start_[j], end = plan_in_start_[j + 1];
  if (end - first < 2) return false;
  const double total = pos_mix_.flow[j];
  double dependent = 0;
  for (int a = first; a < end; ++a) dependent += plan_rec_[a].q;
  if (!(total > 0) || !(dependent > 0)) return false;
  u = 0.0;
  v = 0.0;
  w = 0.0;
  for (int a = first; a < end; ++a) {
    const PlanRecord& r = plan_rec_[a];
    const int up = plan_in_up_[a];
    const double alpha = r.alpha, sens = r.outlet_flow_slope(plan_T_[up]);
    const double share = r.q / total, split = r.q / dependent;
    if (!change.empty()) u += share * alpha * change[up];
    w += share * alpha;
    v += (share * sens + (state.link_T_out[r.link] - plan_T_[j]) / total) * split;
  }
  return true;
}

// Per plan position of the last sweep: tree_link's answer, kept for the coupling step's
// repeated predictions (two or more per outer iteration); sens is NaN at a cut. The planned
// sweep makes them as it goes; this pass is for a sweep after which stagnant nodes took their
// temperatures, or after release_tree_work.
void ThermalSolver::tree_links(const ThermalState& state) {
  const int n = static_cast<int>(plan_order_.size());
  tree_alpha_.resize(n);
  tree_sens_.resize(n);
  for (int j = 0; j < n; ++j) {
    double alpha = 1.0, sens = std::numeric_limits<double>::quiet_NaN();
    int parent;
    if (!tree_link(j, state, alpha, sens, parent)) sens = std::numeric_limits<double>::quiet_NaN();
    tree_alpha_[j] = alpha;
    tree_sens_[j] = sens;
  }
  tree_links_valid_ = true;
}

// Per mixing node of the last sweep (tree_sens_ NaN): mixing_response's slopes v and w (v NaN
// where it has no answer), and per inflow its share of the mix times its alpha, the weights
// of the upstream changes in u. Only predictions through mixing nodes need them.
void ThermalSolver::mixing_links(const ThermalState& state) {
  const int n = static_cast<int>(plan_order_.size());
  mix_v_.resize(n);
  mix_w_.resize(n);
  mix_weight_.resize(plan_rec_.size());
  const std::vector<double> none;
  for (int j = 0; j < n; ++j) {
    if (!std::isnan(tree_sens_[j])) continue;  // a tree link
    double u, v, w;
    if (!mixing_response(j, state, none, u, v, w)) {
      mix_v_[j] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    mix_v_[j] = v;
    mix_w_[j] = w;
    const double total = pos_mix_.flow[j];
    for (int a = plan_in_start_[j]; a < plan_in_start_[j + 1]; ++a)
      mix_weight_[a] = plan_rec_[a].q / total * plan_rec_[a].alpha;
  }
  mixing_links_valid_ = true;
}

bool ThermalSolver::tree_response(const ThermalState& state, std::span<const int> consumer_node,
                                  std::span<const double> flow_residual,
                                  std::span<const double> flow_gain,
                                  std::vector<double>& predicted_T, bool through_mixing) {
  const int n = static_cast<int>(plan_order_.size());
  if (!plan_valid_ || n != static_cast<int>(state.node_T.size())) return false;
  if (!tree_links_valid_) tree_links(state);
  if (through_mixing && !mixing_links_valid_) mixing_links(state);
  // Everything below is indexed by plan position (the parent of position j sits at an earlier
  // position, mostly nearby). tree_linked_ and the changes are written at every position, so
  // they need no clearing first.
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
  tree_linked_.resize(n);
  for (int j = n - 1; j >= 0; --j) {
    tree_linked_[j] = 0;
    const double sens = tree_sens_[j];
    if (std::isnan(sens)) {
      // a mixing node passes its flow change to its inflows in proportion to their flows,
      // with its temperature moving as its inflows' upstream temperatures do together (w)
      if (!through_mixing || std::isnan(mix_v_[j])) continue;
      const double denom = 1.0 - gain[j] * mix_v_[j];
      if (!(denom >= kMinTreeDenominator)) continue;
      const double f_res = res[j] / denom, f_gain = gain[j] * mix_w_[j] / denom;
      double dependent = 0;
      for (int a = plan_in_start_[j]; a < plan_in_start_[j + 1]; ++a) dependent += plan_rec_[a].q;
      for (int a = plan_in_start_[j]; a < plan_in_start_[j + 1]; ++a) {
        const double split = plan_rec_[a].q / dependent;
        res[plan_in_up_[a]] += split * f_res;
        gain[plan_in_up_[a]] += split * f_gain;
      }
      continue;
    }
    const double denom = 1.0 - gain[j] * sens;
    if (!(denom >= kMinTreeDenominator)) continue;  // not a damped loop: leave it to the outer loop
    const int pu = plan_in_up_[plan_in_start_[j]];
    res[j] /= denom;
    gain[j] *= tree_alpha_[j] / denom;
    res[pu] += res[j];
    gain[pu] += gain[j];
    tree_linked_[j] = 1;
  }
  // temperature changes from the cuts (dT = 0) down the trees
  std::vector<double>& change = tree_dT_;
  change.resize(n);
  predicted_T.resize(n);
  const bool prefetch = n >= kPrefetchFrom;
  for (int j = 0; j < n; ++j) {
    if (prefetch && j + kPrefetchRecords < n)
      __builtin_prefetch(&predicted_T[plan_order_[j + kPrefetchRecords]], 1);
    change[j] = 0.0;
    if (tree_linked_[j]) {
      const int pu = plan_in_up_[plan_in_start_[j]];
      const double flow_change = res[j] + gain[j] * change[pu];
      change[j] = tree_alpha_[j] * change[pu] + tree_sens_[j] * flow_change;
    } else if (through_mixing && std::isnan(tree_sens_[j]) && !std::isnan(mix_v_[j])) {
      // mixing_response: its inflows' upstream changes mixed (u), dF = res + gain dT,
      // dT = u + v dF
      double u = 0.0;
      for (int a = plan_in_start_[j]; a < plan_in_start_[j + 1]; ++a)
        u += mix_weight_[a] * change[plan_in_up_[a]];
      const double v = mix_v_[j];
      const double denom = 1.0 - gain[j] * v;
      if (denom >= kMinTreeDenominator) change[j] = u + v * (res[j] + gain[j] * u) / denom;
    }
    predicted_T[plan_order_[j]] = plan_T_[j] + change[j];
  }
  return true;
}

// Linearised sweep at the last sweep's state (see flow_response in thermal_solver.hpp). In
// plan order each node's mixed temperature T = sum(q_a T_out_a) / Q moves by
//   dT = sum over its inflows of (q_a dT_out_a + (T_out_a - T) dq_a) / Q,
// a dependent link's outlet by dT_out = alpha dT_up + s dq (tree_link), a fixed-outlet
// link's (consumer, plant) not at all; boundary inflows keep their flow.
bool ThermalSolver::flow_response(const Network& net, const ThermalState& state,
                                  const ThermalInputs& in,
                                  const std::vector<double>& link_dq, std::vector<double>& dT) {
  const int n = static_cast<int>(plan_order_.size());
  if (!plan_valid_ || n != static_cast<int>(state.node_T.size()) ||
      in.link_flow.size() != link_dq.size())
    return false;
  std::vector<double>& change = response_dT_;
  change.assign(n, 0.0);  // per position: first the fixed streams' part of the numerator
  auto along_flow = [&](int k) { return in.link_flow[k] >= 0 ? link_dq[k] : -link_dq[k]; };
  const Topology& t = net.topology();
  for (int k : plan_fixed_) {
    const int j = plan_position_[downstream(t, in, k)];
    change[j] += (state.link_T_out[k] - plan_T_[j]) * along_flow(k);
  }
  for (int j = 0; j < n; ++j) {
    double num = change[j];
    for (int a = plan_in_start_[j]; a < plan_in_start_[j + 1]; ++a) {
      const PlanRecord& r = plan_rec_[a];
      const int up = plan_in_up_[a];
      const double dq = along_flow(r.link);
      const double dT_out = r.alpha * change[up] + r.outlet_flow_slope(plan_T_[up]) * dq;
      num += r.q * dT_out + (state.link_T_out[r.link] - plan_T_[j]) * dq;
    }
    const double total = pos_mix_.flow[j];
    change[j] = total > 0 ? num / total : 0.0;
  }
  dT.resize(n);
  for (int j = 0; j < n; ++j) dT[plan_order_[j]] = change[j];
  return true;
}

}  // namespace heatnet::solver
