#include "solver/newton/hydraulic_solver.hpp"
#include "solver/newton/spanning_forest.hpp"
#include "solver/newton/contraction_estimate.hpp"
#include "solver/newton/newton_roundoff.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numbers>

#include "heatnet/errors.hpp"
#include "solver/physics/substation.hpp"
#include "solver/thermal/pipe_mean_temperature.hpp"
#include "network/compiled.hpp"

namespace heatnet::solver {
namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}
// Line search: halve the step at most this many times, and only when a full Newton step made
// the merit (sum of squared flow-scaled link residuals) grow by more than this factor. The
// merit is dominated by links near zero flow, whose scaled residuals grow in ordinary Newton
// progress: halving on any growth cost the EPANET set 212 instead of 192 iterations
// (BWSN_Network_2 22 vs 13, d-town 14 vs 9, the 125k-link grid 11 vs 9) and no network
// needed it; a blow-up by 1e4 (100x in the residuals) still means divergence.
constexpr int kMaxHalvings = 5;
constexpr double kLineSearchMeritGrowth = 1e4;
// A solve still going after this many iterations is not in Newton's quadratic range (a step
// cycling across a kink of a law, a far start): from then on any growth of the merit halves
// the step, up to kMaxStrictHalvings times.
constexpr int kStrictLineSearchAfter = 20;
constexpr int kMaxStrictHalvings = 10;
// A pump dp still climbing on cut steps past kImpossiblePressurePa while the flows have
// settled to this relative change is running away, not passing through (the Newton loop
// stops: impossible_pump). Transients of networks that then converge moved the flows by more.
constexpr double kRunawayFlowChange = 1e-4;
// Balanced (spanning-forest) start only when at most this fraction of the links close loops.
constexpr double kTreeStartMaxLoopFraction = 0.05;
// EPANET re-examines check valves, pumps and tank links every kCheckFrequency iterations up to
// kMaxCheck, then only at convergence; control valves every iteration.
constexpr int kCheckFrequency = 2;
constexpr int kMaxCheck = 10;
// The secant aims at no flow below this fraction of the flow change the stopping test
// resolves (tolerance times the flow scale) ...
constexpr double kSecantFloorTolerances = 0.1;
// ... nor where the link's tangent conductance y would turn the pressures' resolution into
// more than this fraction of the flow change the round-off test accepts
// (y kPressureUlps eps max|p| <= kSecantNoiseFraction kRoundoffFlowTolerance flow scale).
constexpr double kSecantNoiseFraction = 0.01;
// A step whose new flows leave a free node out of balance by more than this fraction of the
// flow change the stopping test accepts (tolerance times the flow scale) is followed by a
// rebalancing solve (rebalance_step): the next step has to move flows by about that imbalance to
// take it out, so the test could not pass. 0.1 and 1 settled the same random networks (none
// left unconverged, steps within 1 %); 0.1 also fired on every step of NJ1 at its tolerance
// 1e-6 (imbalance 5e-5 kg/s, flow scale 115 kg/s: +12 % instructions, same steps).
constexpr double kRebalanceImbalanceTolerances = 1.0;
// The active pressure valves' flows are solved with the step (couple_active_valves) unless
// every controlled node is already balanced after the plain step to within this fraction of
// the flow change the stopping test accepts: the lag the plain step leaves at the valves'
// other nodes is then below what the next step's test resolves, and the coupling's solve
// per valve is saved in the last iterations.
constexpr double kValveCouplingTolerances = 0.1;
}  // namespace

HydraulicSolver::HydraulicSolver(const Network& net, LinearBackend backend)
    : topology_(&net.topology()), spd_(backend) {
  const Topology& t = net.topology();
  const int n = t.node_count;
  hydraulic_index_.assign(t.link_count(), -1);
  // at most one hydraulic link per topology link: sized once to that bound and cut to the
  // count at the end (the capacity stays: ~14 MB at a million pipes, no regrowth copies),
  // each link's entries stored in place
  const int bound = t.link_count();
  for (auto* v : {&topo_link_, &from_, &to_, &element_}) v->resize(bound);
  kind_.resize(bound);
  control_.resize(bound);
  initial_status_.resize(bound);
  int count = 0;
  auto add = [&](int topo, StatusControl c, LinkStatus s) {
    hydraulic_index_[topo] = count;
    topo_link_[count] = topo;
    from_[count] = t.link_from[topo];
    to_[count] = t.link_to[topo];
    kind_[count] = t.link_kind[topo];
    element_[count] = t.link_element[topo];
    control_[count] = c;
    initial_status_[count] = s;
    ++count;
  };
  const PipeData& pipes = net.pipes();  // (out of line: fetched once, not per link)
  for (int k = 0; k < t.link_count(); ++k) {
    const int e = t.link_element[k];
    switch (t.link_kind[k]) {
      case LinkKind::pipe:
        if (pipes.closed[e]) add(k, StatusControl::fixed, LinkStatus::closed);
        else if (pipes.check_valve[e]) add(k, StatusControl::check, LinkStatus::open);
        else add(k, StatusControl::fixed, LinkStatus::open);
        break;
      case LinkKind::pump:
        if (net.pumps().closed[e]) add(k, StatusControl::fixed, LinkStatus::closed);
        else add(k, StatusControl::pump, LinkStatus::open);
        break;
      case LinkKind::valve:
        if (net.valves().closed[e] && net.valves().type[e] != ValveType::closed) {
          add(k, StatusControl::fixed, LinkStatus::closed);
          break;
        }
        switch (net.valves().type[e]) {
          case ValveType::closed: break;  // no flow, not an unknown
          case ValveType::check: add(k, StatusControl::check, LinkStatus::open); break;
          case ValveType::prv: add(k, StatusControl::prv, LinkStatus::active); break;
          case ValveType::psv: add(k, StatusControl::psv, LinkStatus::active); break;
          case ValveType::fcv: add(k, StatusControl::fcv, LinkStatus::active); break;
          default: add(k, StatusControl::fixed, LinkStatus::open); break;
        }
        break;
      case LinkKind::source:
        // Plant pumps with a law of their own (fixed_dp, curve) are links that never run
        // backwards (pump status rules); dp_control pumps hold their supply node instead and
        // fixed_flow pumps enter the node balance as a known flow.
        if (net.sources().pump_type[e] == SourcePumpType::curve ||
            net.sources().pump_type[e] == SourcePumpType::fixed_dp)
          add(k, StatusControl::pump, LinkStatus::open);
        break;
      case LinkKind::consumer:  // its flow follows its set point and the available dp
        add(k, StatusControl::fixed, LinkStatus::open);
        break;
    }
  }
  for (auto* v : {&topo_link_, &from_, &to_, &element_}) v->resize(count);
  kind_.resize(count);
  control_.resize(count);
  initial_status_.resize(count);
  elevation_ = net.nodes().elevation_m.data();
  node_role_.assign(n, NodeRole::free);
  node_source_.assign(n, -1);
  dp_column_.assign(n, -1);
  for (int node : net.pressure_nodes().node) node_role_[node] = NodeRole::pressure_node;
  const SourceData& s = net.sources();
  for (int i = 0; i < net.source_count(); ++i) {
    if (!holds_return_pressure(s, i)) continue;  // floating plant: both nodes free
    node_role_[s.return_node[i]] = NodeRole::source_return;
    node_source_[s.return_node[i]] = i;
    if (s.pump_type[i] == SourcePumpType::dp_control) {
      node_role_[s.supply_node[i]] = NodeRole::source_supply;
      node_source_[s.supply_node[i]] = i;
      dp_column_[s.supply_node[i]] = static_cast<int>(dp_sources_.size());
      dp_sources_.push_back(i);
    }
  }
  dp_index_.assign(net.source_count(), -1);
  dp_incident_.assign(dp_sources_.size(), {});
  for (std::size_t d = 0; d < dp_sources_.size(); ++d) {
    dp_index_[dp_sources_[d]] = static_cast<int>(d);
    dp_supply_node_.push_back(s.supply_node[dp_sources_[d]]);
  }
  for (std::size_t k = 0; k < topo_link_.size(); ++k) {
    if (dp_column_[from_[k]] >= 0) dp_incident_[dp_column_[from_[k]]].push_back({static_cast<int>(k), +1});
    if (dp_column_[to_[k]] >= 0) dp_incident_[dp_column_[to_[k]]].push_back({static_cast<int>(k), -1});
  }
  row_.assign(n, -1);
  int rows = 0;
  for (int i = 0; i < n; ++i)
    if (node_role_[i] == NodeRole::free) row_[i] = rows++;
  fixed_node_.assign(n, 0);
  for (int i = 0; i < n; ++i) fixed_node_[i] = row_[i] < 0;

  // Controlled nodes of pressure valves, and links to full/empty tanks.
  const std::size_t links = topo_link_.size();
  controlled_node_.assign(links, -1);
  tank_side_.assign(links, 0);
  tank_full_.assign(links, 0);
  tank_empty_.assign(links, 0);
  std::vector<int> restricted(n, -1);
  const PressureNodeData& pnd = net.pressure_nodes();
  for (std::size_t j = 0; j < pnd.node.size(); ++j)
    if (pnd.no_inflow[j] || pnd.no_outflow[j]) restricted[pnd.node[j]] = static_cast<int>(j);
  for (std::size_t k = 0; k < links; ++k) {
    if (control_[k] == StatusControl::prv || control_[k] == StatusControl::psv) {
      const int node = control_[k] == StatusControl::prv ? to_[k] : from_[k];
      if (row_[node] >= 0) controlled_node_[k] = node, controlled_links_.push_back(static_cast<int>(k));
      else control_[k] = StatusControl::fixed, initial_status_[k] = LinkStatus::open;
    }
    int j = -1;
    if (restricted[to_[k]] >= 0) tank_side_[k] = 1, j = restricted[to_[k]];
    else if (restricted[from_[k]] >= 0) tank_side_[k] = -1, j = restricted[from_[k]];
    if (j >= 0) {
      tank_full_[k] = pnd.no_inflow[j];
      tank_empty_[k] = pnd.no_outflow[j];
    }
  }
  // the links at each controlled node (valves sharing a node chained through next_valve)
  controlled_incident_.assign(controlled_links_.size(), {});
  if (!controlled_links_.empty()) {
    std::vector<int> first_valve(n, -1), next_valve(controlled_links_.size(), -1);
    for (std::size_t a = 0; a < controlled_links_.size(); ++a) {
      int& head = first_valve[controlled_node_[controlled_links_[a]]];
      next_valve[a] = head;
      head = static_cast<int>(a);
    }
    for (std::size_t k = 0; k < links; ++k)
      for (auto [node, sign] : {std::pair{from_[k], +1}, std::pair{to_[k], -1}})
        for (int a = first_valve[node]; a >= 0; a = next_valve[a])
          controlled_incident_[a].push_back({static_cast<int>(k), sign});
  }
  // the links whose status can change (update_statuses skips the others)
  for (std::size_t k = 0; k < links; ++k)
    if (control_[k] != StatusControl::fixed || tank_side_[k])
      status_links_.push_back(static_cast<int>(k));
  // independent loops ~ links - free nodes (each free node needs one tree link)
  std::size_t eligible = 0;
  for (std::size_t k = 0; k < links; ++k) eligible += forest_start_link(k);
  const double loops = static_cast<double>(eligible) - static_cast<double>(rows);
  tree_shaped_ = loops <= kTreeStartMaxLoopFraction * static_cast<double>(eligible);

  const auto t0 = Clock::now();
  build_pattern(rows, /*with_positions=*/rows == 0);  // else only the ordering reads it
  if (rows > 0) {
    // Number the free nodes in CHOLMOD's fill-reducing order once, so every factorisation
    // works on the matrix as assembled (no permuted copy per Newton step).
    const std::vector<int> order = spd_.fill_reducing_order(matrix_);
    std::vector<int> new_row(rows);
    for (int r = 0; r < rows; ++r) new_row[order[r]] = r;
    for (int& r : row_)
      if (r >= 0) r = new_row[r];
    build_pattern(rows);
    spd_.use_natural_ordering();
    spd_.analyse(matrix_);
  }
  analyse_s_ = seconds_since(t0);

  const std::size_t m = topo_link_.size();
  y_.assign(m, 0.0);
  c_.assign(m, 0.0);
  rhs_.setZero(rows);
  x_.setZero(rows);
  rhs_dp_.assign(dp_sources_.size(), {});
  x_dp_.assign(dp_sources_.size(), Eigen::VectorXd::Zero(rows));
}

// Pattern of the upper triangle in the current row numbering (CHOLMOD factorises an
// upper-stored matrix): every free node's diagonal plus one entry per link between two free
// nodes, and each link's value positions in it.
void HydraulicSolver::build_pattern(int rows, bool with_positions) {
  // Compressed columns built directly in the matrix (no triplet list, no second copy): per
  // column the rows of the links to free nodes above it, then its diagonal, parallel links
  // merged into one entry. A column holds a few rows (a node's links): insertion sort.
  const std::size_t m = topo_link_.size();
  std::vector<int> start(rows + 1, 0);
  for (int r = 0; r < rows; ++r) start[r + 1] = 1;  // the diagonal
  for (std::size_t k = 0; k < m; ++k) {
    const int ri = row_[from_[k]], rj = row_[to_[k]];
    if (ri >= 0 && rj >= 0 && ri != rj) ++start[std::max(ri, rj) + 1];
  }
  for (int c = 0; c < rows; ++c) start[c + 1] += start[c];
  matrix_.resize(rows, rows);
  matrix_.resizeNonZeros(start[rows]);
  int* inner = matrix_.innerIndexPtr();
  int* outer = matrix_.outerIndexPtr();
  std::vector<int> fill(start.begin(), start.end() - 1);
  for (std::size_t k = 0; k < m; ++k) {
    const int ri = row_[from_[k]], rj = row_[to_[k]];
    if (ri >= 0 && rj >= 0 && ri != rj) inner[fill[std::max(ri, rj)]++] = std::min(ri, rj);
  }
  // Compacted in place: column c's entries move to nnz <= start[c], never past unread ones.
  int nnz = 0;
  for (int c = 0; c < rows; ++c) {
    outer[c] = nnz;
    const int first = nnz;
    for (int p = start[c]; p < fill[c]; ++p) {
      const int r = inner[p];
      int q = nnz;
      while (q > first && inner[q - 1] > r) --q;
      if (q > first && inner[q - 1] == r) continue;  // a parallel link
      std::copy_backward(inner + q, inner + nnz, inner + nnz + 1);
      inner[q] = r;
      ++nnz;
    }
    inner[nnz++] = c;  // the diagonal, last row of the upper triangle's column
  }
  outer[rows] = nnz;
  matrix_.resizeNonZeros(nnz);
  std::fill(matrix_.valuePtr(), matrix_.valuePtr() + nnz, 0.0);
  if (!with_positions) return;
  // a diagonal is its column's last entry; an off-diagonal entry is found in its column
  inner = matrix_.innerIndexPtr();
  outer = matrix_.outerIndexPtr();
  auto diagonal = [&](int c) { return outer[c + 1] - 1; };
  auto position = [&](int r, int c) {
    return static_cast<int>(std::lower_bound(inner + outer[c], inner + outer[c + 1], r) - inner);
  };
  pos_from_.assign(m, -1);
  pos_to_.assign(m, -1);
  pos_off_.assign(m, -1);
  for (std::size_t k = 0; k < m; ++k) {
    const int ri = row_[from_[k]], rj = row_[to_[k]];
    if (ri >= 0) pos_from_[k] = diagonal(ri);
    if (rj >= 0) pos_to_[k] = diagonal(rj);
    if (ri >= 0 && rj >= 0) pos_off_[k] = position(std::min(ri, rj), std::max(ri, rj));
  }
}

void HydraulicSolver::release_newton() {
  release_work();
  spd_.release();
  factorised_ = false;
  matrix_ = {};
  pos_from_ = {};
  pos_to_ = {};
  pos_off_ = {};
  forest_ = {};
  forest_eligible_ = {};
  y_ = {};
  c_ = {};
  rhs_ = {};
  x_ = {};
  rhs_dp_ = {};
  x_dp_ = {};
  imbalance_ = {};
  imbalance_of_flows_ = false;
}

void HydraulicSolver::initialise(const Network& net, const HydraulicParameters& params,
                                 HydraulicState& st) {
  const std::size_t m = topo_link_.size();
  st.q.assign(m, 0.0);
  st.status = initial_status_;
  st.consumer_set.clear();
  st.status_changes.assign(m, 0);
  // Initial flows: 0.3 m/s in pipes (EPANET's 1 ft/s), the middle of pump curves.
  for (std::size_t k = 0; k < m; ++k) {
    const int e = element_[k];
    const double rho = params.link_density[k];
    switch (kind_[k]) {
      case LinkKind::pipe:
        st.q[k] = 0.3 * rho * std::numbers::pi * 0.25 * net.pipes().diameter_m[e] * net.pipes().diameter_m[e];
        break;
      case LinkKind::pump: {
        const PumpCurve& c = net.pumps().curve[e];
        // EPANET starts a pump at its design flow (middle of the curve); a constant-power
        // pump at 1 cfs (EPANET's Q0 for POWER pumps).
        st.q[k] = c.form == PumpCurveForm::constant_power ? rho * 0.028316846592
                                                          : 0.5 * rho * c.max_flow_m3_s;
        break;
      }
      case LinkKind::source:
        st.q[k] = 0.5 * rho * net.sources().pump_curve[e].max_flow_m3_s;
        break;
      case LinkKind::valve: {
        const double d = net.valves().diameter_m[e];
        st.q[k] = std::isnan(d) ? 1.0 : 0.3 * rho * std::numbers::pi * 0.25 * d * d;
        if (net.valves().type[e] == ValveType::fcv) st.q[k] = net.valves().flow_setting_kg_s[e];
        break;
      }
      case LinkKind::consumer: st.q[k] = params.consumer_set_flow[e]; break;
    }
  }
  // In a mostly tree-shaped network (district heating, tree_shaped_), route the demands
  // through a spanning forest: the start is mass-balanced and exact in the tree-shaped parts;
  // loops and pumps/valves keep the nominal flows above. In a meshed network, routing every
  // demand along one tree is a worse start than uniform velocities (a 125k-link grid: 18
  // Newton iterations instead of 11), so it keeps the nominal start.
  if (tree_shaped_) {
    forest_eligible_.assign(m, 0);
    for (std::size_t k = 0; k < m; ++k) forest_eligible_[k] = forest_start_link(k);
    forest_.update(from_, to_, forest_eligible_, fixed_node_);
    forest_.balance(from_, to_, params.demand, st.q);
  }
  // the loop start needs the friction model, which the solve brings
  loop_start_pending_ = tree_shaped_;
  loops_balanced_ = false;
  // a new start has no Newton system yet: the last one's factor answers for other flows
  // (set_flow_response reads it)
  factorised_ = false;
  st.p.assign(net.node_count(), 0.0);
  st.source_dp = net.sources().pump_dp_Pa;
  st.dp_source_closed.assign(dp_sources_.size(), 0);
  st.dp_source_changes.assign(dp_sources_.size(), 0);
  set_fixed_pressures(net, params, st);
  st.steps_since_status_change = 0;
  st.initialised = true;
}

void HydraulicSolver::set_fixed_pressures(const Network& net, const HydraulicParameters& params,
                                          HydraulicState& st) const {
  const PressureNodeData& pn = net.pressure_nodes();
  for (std::size_t i = 0; i < pn.node.size(); ++i) st.p[pn.node[i]] = pn.pressure_Pa[i];
  const SourceData& s = net.sources();
  for (int i = 0; i < net.source_count(); ++i) {
    if (!holds_return_pressure(s, i)) continue;
    st.p[s.return_node[i]] = s.return_pressure_Pa[i];
    if (node_role_[s.supply_node[i]] == NodeRole::source_supply)
      st.p[s.supply_node[i]] = s.return_pressure_Pa[i] + st.source_dp[i] + params.supply_offset[i];
  }
}

// Per call: the parameters of this solve into the state. Warm start of a mostly tree-shaped
// network after its demands changed (the next outer iteration's consumer flows, a re-solve):
// route the change through the spanning forest, so the tree-shaped parts start at their new
// flows and the Newton step linearises there. Substations that held their last set flow move
// with it (the forest then routes the change; the throttle's round-off above the set flow
// stays); valve-limited ones start where they were.
void HydraulicSolver::begin_solve(const Network& net, const HydraulicParameters& params,
                                  HydraulicState& st) {
  // parameters may have changed since construction (Network::set_node_elevation), and the
  // network may be another copy of the same topology: read this one's elevations
  elevation_ = net.nodes().elevation_m.data();
  set_fixed_pressures(net, params, st);
  const bool known_sets = st.consumer_set.size() == params.consumer_set_flow.size();
  for (std::size_t k = 0; k < topo_link_.size(); ++k) {
    if (kind_[k] != LinkKind::consumer) continue;
    const int e = element_[k];
    if (!known_sets) st.q[k] = params.consumer_set_flow[e];
    else if (st.q[k] >= st.consumer_set[e] * (1.0 - 1e-9))
      st.q[k] += params.consumer_set_flow[e] - st.consumer_set[e];
  }
  st.consumer_set = params.consumer_set_flow;
  if (st.dp_source_closed.size() != dp_sources_.size()) {
    st.dp_source_closed.assign(dp_sources_.size(), 0);
    st.dp_source_changes.assign(dp_sources_.size(), 0);
  }
  if (tree_shaped_ && st.initialised) forest_.balance(from_, to_, params.demand, st.q);
  delta_q_.resize(topo_link_.size());  // take_step writes every link's before reading it
}

// Assembles the system at the state; if the last full step blew the link residuals up, goes
// back towards the last point by halving (see kLineSearchMeritGrowth, kStrictLineSearchAfter).
void HydraulicSolver::assemble_with_line_search(const Network& net, const NewtonSettings& ns,
                                                const HydraulicParameters& params,
                                                HydraulicState& st, NewtonRun& run,
                                                IterationRecord& rec) {
  // Hazen-Williams pipes may linearise towards the last step's pressures once these come
  // from a step at the current statuses: after a change they are a transient (BWSN_Network_2:
  // its pump closed and chattered, 39 instead of 12 steps, with the secant right after one).
  // Control valves' changes do not count since their flows are solved with the step
  // (couple_active_valves): BWSN_Network_2's PSV changes status at steps 4, 5 and 6, and
  // with the secant kept on there it takes 9 steps instead of 12 (without the coupling 25).
  const double pressure_resolution =
      kPressureUlps * std::numeric_limits<double>::epsilon() * run.p_abs_max;
  const SecantLimits limits{
      kSecantFloorTolerances * ns.tolerance * run.flow_scale,
      kSecantNoiseFraction * kRoundoffFlowTolerance * run.flow_scale / pressure_resolution};
  const SecantLimits* secant = st.steps_since_status_change > 0 ? &limits : nullptr;
  double merit = assemble(net, ns.friction, params, st, secant);
  const bool strict = rec.iteration > kStrictLineSearchAfter;
  const double growth = strict ? 1.0 : kLineSearchMeritGrowth;
  const int most_halvings = strict ? kMaxStrictHalvings : kMaxHalvings;
  double step = 1.0;
  int halvings = 0;
  // (no halving right after a control valve's status change either: the merit before that
  // step was measured at the old status, and Net6's closed PRV then had its flow halved
  // towards the old one over three steps, 10 instead of 9)
  while (run.line_search && rec.status_changes == 0 && run.previous_merit >= 0 &&
         run.steps_since_valve_change > 0 &&
         merit > growth * run.previous_merit && halvings < most_halvings && rec.iteration > 2) {
    if (halvings == 0) {  // the state is still the last full step (assemble only reads it)
      q_full_ = st.q;
      p_full_ = st.p;
      sdp_full_ = st.source_dp;
    }
    step *= 0.5;
    ++halvings;
    imbalance_of_flows_ = false;
    for (std::size_t k = 0; k < st.q.size(); ++k) st.q[k] = q_prev_[k] + step * (q_full_[k] - q_prev_[k]);
    for (std::size_t i = 0; i < st.p.size(); ++i) st.p[i] = p_prev_[i] + step * (p_full_[i] - p_prev_[i]);
    for (std::size_t s = 0; s < st.source_dp.size(); ++s)
      st.source_dp[s] = sdp_prev_[s] + step * (sdp_full_[s] - sdp_prev_[s]);
    merit = assemble(net, ns.friction, params, st, secant);
  }
  rec.step_length = step;
  run.previous_merit = merit;
  rec.max_link_residual_Pa = max_residual_Pa_;
  run.residual_beyond_flow_roundoff_Pa = max_residual_beyond_flow_roundoff_Pa_;
}

// Factorises the Schur system and solves for the pressures and the dp columns; false when the
// matrix is not positive definite.
bool HydraulicSolver::solve_linear(SolveReport& report) {
  factorised_ = matrix_.rows() == 0;
  if (factorised_) return true;
  auto t0 = Clock::now();
  factorised_ = spd_.factorise(matrix_);
  if (!factorised_) return false;
  report.timings.factorise_s += seconds_since(t0);
  report.factorisations += 1;
  t0 = Clock::now();
  for (std::size_t s = 0; s < dp_sources_.size(); ++s) {
    // the column's right side, summed in assembly order
    Eigen::VectorXd& x = x_dp_[s];
    x.setZero();
    for (const auto& [row, value] : rhs_dp_[s]) x[row] += value;
  }
  // all solved in place (the first column in one pass with the pressures), the pressures
  // swapped into x_ without a copy (assemble writes every row of rhs_)
  if (dp_sources_.empty()) {
    spd_.solve(rhs_, rhs_);
  } else {
    spd_.solve_pair(rhs_, x_dp_[0]);
  }
  rhs_.swap(x_);
  for (std::size_t s = 1; s < dp_sources_.size(); ++s) spd_.solve(x_dp_[s], x_dp_[s]);
  report.timings.linear_solve_s += seconds_since(t0);
  return true;
}

// Newton's new flow of link k at the new pressures (before active pressure valves' fixes).
double HydraulicSolver::new_flow(const Network& net, const HydraulicParameters& params,
                                 const HydraulicState& st, int k, double q_old) const {
  double q_new = c_[k] + y_[k] * (st.p[from_[k]] - st.p[to_[k]]);
  // A constant-power pump's law h = a/Q is hyperbolic: its linearisation at a small flow
  // overshoots by orders of magnitude. Recover its flow from the exact inverse law at the new
  // pressures instead (Q = a/h), which converges from either side.
  if (kind_[k] == LinkKind::pump && st.status[k] == LinkStatus::open &&
      net.pumps().curve[element_[k]].form == PumpCurveForm::constant_power) {
    const double rho = params.link_density[k];
    const double g = params.gravity;
    const double head = (st.p[to_[k]] - st.p[from_[k]]) / (rho * g) -
                        (elevation_[from_[k]] - elevation_[to_[k]]);
    const double sp = net.pumps().speed[element_[k]];
    const double a = sp * sp * sp * net.pumps().curve[element_[k]].a;
    if (head > 0 && a > 0) q_new = rho * a / head;
  }
  // A substation whose step crosses its kink lands on it: beyond the set flow the law is the
  // throttle's (the open valve's nearly flat law, extrapolated, overshoots by far), and below
  // zero the closed check's.
  if (kind_[k] == LinkKind::consumer && y_[k] > 0.0)
    q_new = project_substation_step(params, k, q_old, q_new);
  return q_new;
}

// Takes the full Newton step: new pump dps, pressures and flows. Records the largest flow
// change the pressures can resolve (rec), and returns it (kg/s).
double HydraulicSolver::take_step(const Network& net, const HydraulicParameters& params,
                                  HydraulicState& st, NewtonRun& run, IterationRecord& rec) {
  const int m = static_cast<int>(topo_link_.size());
  const int nd = static_cast<int>(dp_sources_.size());
  // The line search keeps the point before the step: its flows and pressures move to
  // q_prev_ and p_prev_ (swapped, no copy), and the step writes every flow and pressure anew
  // (the fixed nodes' in set_fixed_pressures, the free nodes' from the solution).
  const int nodes = static_cast<int>(row_.size());
  if (run.line_search) {
    q_prev_.swap(st.q);
    st.q.resize(m);
    p_prev_.swap(st.p);
    st.p.resize(nodes);
    sdp_prev_ = st.source_dp;
  }
  const double* q_old = run.line_search ? q_prev_.data() : st.q.data();
  for (int s = 0; s < nd; ++s) st.source_dp[dp_sources_[s]] += delta_[s];
  set_fixed_pressures(net, params, st);
  // p = x + sum_s delta_s x_dp_s at the free nodes, summed in that order, one column a pass
  const int* row = row_.data();
  double* p = st.p.data();
  for (int i = 0; i < nodes; ++i)
    if (row[i] >= 0) p[i] = x_[row[i]];
  for (int s = 0; s < nd; ++s) {
    const double d = delta_[s];
    const double* xs = x_dp_[s].data();
    for (int i = 0; i < nodes; ++i)
      if (row[i] >= 0) p[i] += d * xs[row[i]];
  }
  // Flow changes below what the pressures can resolve are round-off, not progress: a link of
  // conductance y cannot see a pressure difference finer than a few ulp of the absolute
  // pressure (a lossless valve at 10 bar: y ~ 1e3 kg/s/Pa, ulp ~ 1e-10 Pa -> 1e-7 kg/s).
  run.p_abs_max = largest_absolute_pressure(st.p);
  const double pressure_resolution =
      kPressureUlps * std::numeric_limits<double>::epsilon() * run.p_abs_max;
  double max_dq = 0, max_q = 0;
  int worst = -1;
  // the largest resolvable flow change; active pressure valves' corrections come after
  auto track_change = [&](int k) {
    const double dq = std::max(0.0, std::abs(delta_q_[k]) - y_[k] * pressure_resolution);
    if (dq > max_dq) {
      max_dq = dq;
      worst = k;
    }
    max_q = std::max(max_q, std::abs(st.q[k]));
  };
  const bool active_valves = any_active_valve(st);
  // The node balance of the new flows (node_imbalance) is summed in the same pass, in its
  // order: the same values without another pass over the links. Active valves' fixes below
  // change it by their own sums, so it is summed again after them (the solve loop).
  run.imbalance_current = !active_valves;
  imbalance_.assign(params.demand.begin(), params.demand.end());
  for (int k = 0; k < m; ++k) {
    const int i = from_[k], j = to_[k];
    // a pipe's new flow is the linearised one (new_flow's special cases are other links)
    const double q_new = kind_[k] == LinkKind::pipe ? c_[k] + y_[k] * (st.p[i] - st.p[j])
                                                    : new_flow(net, params, st, k, q_old[k]);
    delta_q_[k] = q_new - q_old[k];
    st.q[k] = q_new;
    if (!active_valves) track_change(k);
    imbalance_[i] += q_new;
    imbalance_[j] -= q_new;
  }
  // Active PRV/PSV: the flow that balances the controlled node.
  if (active_valves) {
    for (int k : controlled_links_) {
      if (st.status[k] != LinkStatus::active) continue;
      const double fix = control_[k] == StatusControl::prv ? imbalance_[to_[k]]
                                                           : -imbalance_[from_[k]];
      st.q[k] += fix;
      delta_q_[k] += fix;
      imbalance_[from_[k]] += fix;
      imbalance_[to_[k]] -= fix;
    }
    for (int k = 0; k < m; ++k) track_change(k);
  }
  if (worst < 0) worst = worst_residual_link_;  // no flow changed (balanced tree): name the law
  run.flow_scale = std::max({max_q, run.max_demand, 1e-9});
  rec.max_flow_change_rel = max_dq / run.flow_scale;
  if (worst >= 0) rec.worst_link = link_name(net, worst);
  return max_dq;
}

// GGA's new flows q = c + y (p_from - p_to) balance the nodes only as well as the pressures
// solve the system: its backward error is ~eps y |p| in the row of a link of conductance y. A
// Hazen-Williams loop whose solution flow is zero (a dead ring) has y up to EPANET's low-flow
// line, 1.75e5 kg/s per Pa (Elhay & Simpson, J. Hydraul. Eng. 137(10), 2011: zero flows make
// the GGA system ill-conditioned), so at 6 bar its nodes lose ~1e-5 kg/s of mass balance per
// step. The errors of the stiff links' own flows cancel around the ring; the error of the
// ring's pressures as a whole does not: it moves the flows into the ring, and the next step
// takes that mass out through the whole network, the supply included. Steps then move
// well-determined flows by ~1e-5 of the flow scale, far above the tolerance, and the solve
// stalls (6 % of random meshed water networks with dead rings at tolerance 1e-9). One step of
// iterative refinement removes it: the residual is the node imbalance, summed from the link
// flows (pressure differences, no cancellation of absolute pressures), and the correction
// solved with the same factor has a round-off proportional to itself, not to |p|. The flows
// move by y (dp_from - dp_to), so they balance to round-off of the correction; the pressures
// move by the correction (below their ulp inside a ring, where only the flows take it).
double HydraulicSolver::rebalance_step(const Network& net, HydraulicState& st, NewtonRun& run,
                                       IterationRecord& rec) {
  const int nodes = static_cast<int>(row_.size());
  rebalance_rhs_.resize(rhs_.size());
  for (int i = 0; i < nodes; ++i)
    if (row_[i] >= 0) rebalance_rhs_[row_[i]] = -imbalance_[i];
  spd_.solve(rebalance_rhs_, rebalance_x_);
  auto correction = [&](int i) { return row_[i] >= 0 ? rebalance_x_[row_[i]] : 0.0; };
  for (int i = 0; i < nodes; ++i) st.p[i] += correction(i);
  // the step's flow change measured again, as take_step does (resolvable part only)
  const double pressure_resolution =
      kPressureUlps * std::numeric_limits<double>::epsilon() * run.p_abs_max;
  double max_dq = 0, max_q = 0;
  int worst = -1;
  for (int k = 0; k < static_cast<int>(topo_link_.size()); ++k) {
    const double dq = y_[k] * (correction(from_[k]) - correction(to_[k]));
    st.q[k] += dq;
    delta_q_[k] += dq;
    imbalance_[from_[k]] += dq;
    imbalance_[to_[k]] -= dq;
    const double resolvable = std::abs(delta_q_[k]) - y_[k] * pressure_resolution;
    if (resolvable > max_dq) {
      max_dq = resolvable;
      worst = k;
    }
    max_q = std::max(max_q, std::abs(st.q[k]));
  }
  if (worst >= 0) rec.worst_link = link_name(net, worst);
  // (the line search takes its full step from the state at a first halving: this one)
  run.flow_scale = std::max({max_q, run.max_demand, 1e-9});
  rec.max_flow_change_rel = max_dq / run.flow_scale;
  return max_dq;
}

std::string HydraulicSolver::link_name(const Network& net, int k) const {
  const int e = element_[k];
  const std::string id = [&]() -> std::string {
    switch (kind_[k]) {
      case LinkKind::pipe: return net.pipes().id[e];
      case LinkKind::pump: return net.pumps().id[e];
      case LinkKind::valve: return net.valves().id[e];
      case LinkKind::source: return net.sources().id[e];
      case LinkKind::consumer: return net.consumers().id[e];
      default: return std::to_string(topo_link_[k]);
    }
  }();
  return std::string(to_string(kind_[k])) + " '" + id + "'";
}

// Whether the flows after step rec are within the tolerance by the contraction of this call's
// steps (contraction_estimate.hpp; NewtonSettings::stop_by_estimate), and rec's entry in that
// record: only steps taken in full without a status change count, as only they follow
// Newton's own contraction (a halved or status-changed step says nothing of the next).
bool HydraulicSolver::settled_by_estimate(const NewtonSettings& ns, NewtonRun& run,
                                          const IterationRecord& rec) {
  const bool regular = rec.status_changes == 0 && rec.step_length == 1.0;
  const double r = rec.max_flow_change_rel / run.last_step;  // NaN after an irregular step
  const bool settled = ns.stop_by_estimate && regular &&
                       settled_by_contraction(rec.max_flow_change_rel, r, run.last_contraction,
                                              ns.tolerance);
  constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  run.last_contraction = regular ? r : kNone;
  run.last_step = regular ? rec.max_flow_change_rel : kNone;
  return settled;
}

// The convergence tests after a step (rec): the flow change within tolerance with no status
// change, attainable accuracy reached (round-off), or a first step that found the state
// exact. Where one holds, every status is re-examined first (EPANET); a change continues.
bool HydraulicSolver::converged_after_step(const Network& net, const NewtonSettings& ns,
                                           const HydraulicParameters& params,
                                           HydraulicState& st, NewtonRun& run,
                                           const IterationRecord& rec, SolveReport& report) const {
  const int sequence_it = ns.previous_iterations + rec.iteration;
  const bool estimated = settled_by_estimate(ns, run, rec);
  // Attainable accuracy: when the link laws already hold to round-off of the pressures (beyond
  // what the round-off of each link's own flow makes of its law, flow_roundoff_Pa) and the
  // flow change has stalled at a small level for several iterations (strongly coupled nodes,
  // e.g. lossless valves), further iterations only shuffle round-off.
  const bool at_roundoff =
      run.residual_beyond_flow_roundoff_Pa <=
          kResidualUlps * std::numeric_limits<double>::epsilon() * run.p_abs_max &&
      rec.max_flow_change_rel <= kRoundoffFlowTolerance && rec.status_changes == 0;
  run.roundoff_streak = at_roundoff ? run.roundoff_streak + 1 : 0;
  if (run.border_singular >= 0) return false;  // the pump dps did not move: not settled
  // a limited pump dp step leaves its bordered row unsolved, however little the flows moved
  // (flow-controlled consumers hardly change their flow with the dp)
  if (run.pump_dp_limited) return false;
  if (run.roundoff_streak >= kRoundoffStreak && rec.max_flow_change_rel > ns.tolerance) {
    run.pending = update_statuses(net, params, st, StatusCheck::at_convergence);
    if (run.pending.all == 0) {
      report.message = "converged to round-off: relative flow change " +
                       format_value(rec.max_flow_change_rel) +
                       " is limited by the resolution of the pressures and flows";
      return true;
    }
  }
  const bool settled =
      (rec.max_flow_change_rel <= ns.tolerance || estimated) && rec.status_changes == 0;
  if (settled && sequence_it > 1) {
    run.pending = update_statuses(net, params, st, StatusCheck::at_convergence);
    if (run.pending.all == 0) return true;
  }
  return settled && rec.iteration == 1 && rec.max_link_residual_Pa == 0.0;
}

// Converged: project onto exact mass balance, which removes the round-off of near-lossless
// links (see spanning_forest.hpp); every link moves by at most that round-off.
void HydraulicSolver::project_onto_balance(const HydraulicParameters& params, HydraulicState& st,
                                           SolveReport& report) {
  const std::size_t m = topo_link_.size();
  forest_eligible_.assign(m, 0);
  for (std::size_t k = 0; k < m; ++k)
    forest_eligible_[k] = st.status[k] == LinkStatus::open && kind_[k] != LinkKind::consumer;
  forest_.update(from_, to_, forest_eligible_, fixed_node_);
  forest_.balance(from_, to_, params.demand, st.q);
  node_imbalance(st, params, imbalance_);
  report.max_mass_imbalance_kg_s = max_free_imbalance(imbalance_);
}

void HydraulicSolver::run_pending_loop_start(const Network& net, FrictionModel friction,
                                             const HydraulicParameters& params,
                                             HydraulicState& st) {
  if (!loop_start_pending_) return;
  loop_start_pending_ = false;
  loops_balanced_ = balance_loops(net, friction, params, st);
}

bool HydraulicSolver::balance_loops_now(const Network& net, FrictionModel friction,
                                        const HydraulicParameters& params, HydraulicState& st) {
  if (!loop_start_pending_) return loops_balanced_;
  begin_solve(net, params, st);
  run_pending_loop_start(net, friction, params, st);
  return loops_balanced_;
}

NewtonOutcome HydraulicSolver::solve(const Network& net, const NewtonSettings& ns,
                                     const HydraulicParameters& params, HydraulicState& st,
                                     SolveReport& report) {
  begin_solve(net, params, st);
  run_pending_loop_start(net, ns.friction, params, st);
  last_border_singular_ = -1;
  imbalance_of_last_state_ = false;
  imbalance_of_flows_ = false;
  NewtonRun run;
  // The line search (from the third iteration of a call) needs the point before the last
  // step (take_step keeps it) and the full step (kept at the first halving); a call of one
  // or two iterations (the coupled outer loop's single steps) does not, so it skips those.
  run.line_search = ns.max_iterations > 2;
  for (double d : params.demand) run.max_demand = std::max(run.max_demand, std::abs(d));
  if (ns.friction == FrictionModel::hazen_williams) {
    // the scales of the state this call starts from, for the secant's limits in its first
    // iteration (take_step updates them)
    run.flow_scale = std::max(run.max_demand, 1e-9);
    for (double q : st.q) run.flow_scale = std::max(run.flow_scale, std::abs(q));
    run.p_abs_max = largest_absolute_pressure(st.p);
  }

  for (int it = 1; it <= ns.max_iterations; ++it) {
    IterationRecord rec;
    rec.outer = ns.outer;
    rec.iteration = it;
    const int sequence_it = ns.previous_iterations + it;  // position in the Newton sequence
    const bool periodic = sequence_it <= kMaxCheck && sequence_it % kCheckFrequency == 0;
    StatusChanges changes = run.pending;
    run.pending = {};
    if (sequence_it > 1) {
      const StatusChanges found = update_statuses(
          net, params, st, periodic ? StatusCheck::periodic : StatusCheck::control_valves);
      changes.all += found.all;
      changes.control_valves += found.control_valves;
    }
    rec.status_changes = changes.all;
    if (changes.all > changes.control_valves) st.steps_since_status_change = 0;

    const auto t0 = Clock::now();
    assemble_with_line_search(net, ns, params, st, run, rec);
    report.timings.assemble_s += seconds_since(t0);
    if (!solve_linear(report)) {
      report.history.push_back(rec);
      report.message = "the pressure system is not positive definite (factorisation failed)";
      return NewtonOutcome::singular_system;
    }
    if (dp_sources_.empty())  // (the plants' bordered step would have to move with it)
      couple_active_valves(params, st, kValveCouplingTolerances * ns.tolerance * run.flow_scale);
    solve_border(net, params, st, run, rec);
    double max_dq = take_step(net, params, st, run, rec);
    // a status change other than a control valve's anywhere in this iteration (solve_border
    // may close a plant after the assembly) leaves pressures of a transient
    st.steps_since_status_change =
        rec.status_changes > changes.control_valves ? 0 : st.steps_since_status_change + 1;
    run.steps_since_valve_change = changes.control_valves > 0 ? 0 : run.steps_since_valve_change + 1;

    // mass balance at free nodes after the step
    int worst_node = -1;
    if (!run.imbalance_current) node_imbalance(st, params, imbalance_);
    imbalance_of_last_state_ = true;  // every return from here on leaves imbalance_ current
    imbalance_of_flows_ = true;
    rec.max_mass_imbalance_kg_s = max_free_imbalance(imbalance_, &worst_node);
    // Mass balance lost to the pressures' round-off (rebalance_step). Only Hazen-Williams has
    // the unbounded conductance near zero flow that needs it (Darcy-Weisbach's laminar law is
    // linear there; district-heating solves keep their numerics); not with dp-controlled
    // plants (the bordered step's pump dps would have to move with it). With active pressure
    // valves too: the penalty holds each controlled node's pressure, so the correction moves
    // the flows around it only by what its neighbours' pressures move, and the next step sets
    // the valve's flow to balance it again. Without it, BWSN_Network_2 (an active PSV) kept
    // ~3e-5 kg/s of imbalance after every step and stalled at relative flow changes of ~1e-7:
    // no tolerance below 1e-7 converged in 200 iterations (now 1e-8 and 1e-10 in 10).
    const double unresolvable_imbalance =
        kRebalanceImbalanceTolerances * ns.tolerance * run.flow_scale;
    if (ns.friction == FrictionModel::hazen_williams && dp_sources_.empty() &&
        rec.max_mass_imbalance_kg_s > unresolvable_imbalance) {
      max_dq = rebalance_step(net, st, run, rec);
      imbalance_of_flows_ = false;  // (moved by the correction's own sums)
      rec.max_mass_imbalance_kg_s = max_free_imbalance(imbalance_, &worst_node);
    }
    if (worst_node >= 0) rec.worst_node = net.nodes().id[worst_node];
    report.history.push_back(rec);
    report.iterations += 1;
    report.max_flow_change_rel = rec.max_flow_change_rel;
    report.max_mass_imbalance_kg_s = rec.max_mass_imbalance_kg_s;
    if (!std::isfinite(max_dq)) {
      report.message = "non-finite flows in Newton iteration " + std::to_string(it);
      return NewtonOutcome::non_finite;
    }
    if (run.pump_dp_limited && rec.max_flow_change_rel < kRunawayFlowChange &&
        impossible_pump_dp(st) >= 0) {
      report.message = "hydraulic Newton stopped where a plant's pressure passed 1000 bar";
      return NewtonOutcome::impossible_pump;
    }
    if (converged_after_step(net, ns, params, st, run, rec, report)) {
      project_onto_balance(params, st, report);
      return NewtonOutcome::converged;
    }
  }
  report.message = "hydraulic Newton did not converge in " + std::to_string(ns.max_iterations) +
                   " iterations (last relative flow change " +
                   format_value(report.max_flow_change_rel) + ")";
  last_border_singular_ = run.border_singular;
  report.message += unsettled_cause(net);
  return NewtonOutcome::unfinished;
}

std::string HydraulicSolver::unsettled_cause(const Network& net) const {
  if (last_border_singular_ < 0) return "";
  const int src = last_border_singular_;
  return "; source '" + net.sources().id[src] +
         "': the differential pressure of its controlled consumer '" +
         net.consumers().id[net.sources().pump_consumer[src]] +
         "' does not respond to its pump (the consumer's valve wide open at almost no dp, or "
         "not connected through the network)";
}

double HydraulicSolver::max_free_imbalance(const std::vector<double>& imbalance,
                                           int* worst_node) const {
  double max_imb = 0;
  if (worst_node) *worst_node = -1;
  for (std::size_t i = 0; i < imbalance.size(); ++i)
    if (row_[i] >= 0 && std::abs(imbalance[i]) > max_imb) {
      max_imb = std::abs(imbalance[i]);
      if (worst_node) *worst_node = static_cast<int>(i);
    }
  return max_imb;
}

void HydraulicSolver::node_imbalance(const HydraulicState& st, const HydraulicParameters& params,
                                     std::vector<double>& out) const {
  out.assign(params.demand.begin(), params.demand.end());
  for (std::size_t k = 0; k < topo_link_.size(); ++k) {
    out[from_[k]] += st.q[k];
    out[to_[k]] -= st.q[k];
  }
}

}  // namespace heatnet::solver
