// Global gradient (Todini-Pilati) Newton method for the hydraulic state.
//
// Unknowns: mass flows q of the hydraulic links (pipes, booster pumps, open/check valves,
// sources with a pump curve) and pressures p of the free nodes. Link law and node balance:
//     R_k(q_k) = p_from - p_to + rho_k g (z_from - z_to)          (one per link)
//     sum_k a_ik q_k + d_i = 0                                      (one per free node)
// Linearising R about q (slope G = dR/dq > 0) and eliminating dq gives the symmetric positive
// definite Schur system in the free pressures
//     (A diag(1/G) A^T) p = -d - A c + (terms of fixed pressures),   c = q + (e - R)/G,
// then q_new = c + (A^T p)/G. CHOLMOD factorises it: symbolic analysis once (constructor),
// numeric refactorisation every iteration. Sources with a dp_control pump add one unknown each
// (their pump differential pressure) and one equation (the named consumer's dp), solved by
// block elimination of the bordered system: one factorisation, 1 + m triangular solves.
//
// The class is defined in five files by purpose: hydraulic_solver.cpp (set-up, start, the
// Newton loop, the step and its stopping tests), hydraulic_assembly.cpp (link laws and the
// system), hydraulic_plant_border.cpp (the dp_control plants' bordered rows),
// hydraulic_valve_coupling.cpp (the active pressure valves' flows solved with the step),
// hydraulic_statuses.cpp (check valves, pumps, control valves, tanks); newton_roundoff.hpp
// holds the round-off tolerances they share.
#pragma once
#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <string>
#include <vector>

#include "heatnet/network.hpp"
#include "network/compiled.hpp"
#include "heatnet/solve_report.hpp"
#include "solver/linear/spd_solver.hpp"
#include "solver/newton/spanning_forest.hpp"
#include "solver/physics/link_laws.hpp"
#include "solver/physics/substation.hpp"
#include "solver/thermal/pipe_mean_temperature.hpp"

namespace heatnet::solver {

// active: a control valve (prv, psv, fcv) holding its set point.
enum class LinkStatus : std::uint8_t { open, closed, active };

// Which status logic a hydraulic link follows (EPANET's rules, hydstatus.c):
//  fixed  - the status never changes (pipes, open/tcv/pbv/gpv valves, closed pipes/pumps);
//  check  - check valve: closes on reverse flow or reverse head, reopens on forward head;
//  pump   - closes on reverse flow or when the head it must deliver exceeds its shut-off head
//           (EPANET's XHEAD), reopens when it can deliver again;
//  prv/psv/fcv - EPANET's active/open/closed rules for control valves.
// Links to a pressure node with no_inflow/no_outflow (a full/empty tank) additionally close
// when they would fill/drain it.
enum class StatusControl : std::uint8_t { fixed, check, pump, prv, psv, fcv };

// Which statuses a check between Newton steps re-examines (HydraulicSolver::update_statuses):
//  control_valves - PRV/PSV/FCV only (every iteration);
//  periodic       - all of them, during the first iterations (EPANET's CheckFreq/MaxCheck);
//                   a check valve that carries forward flow stays open there;
//  at_convergence - all of them by EPANET's rules, when the flows have converged.
enum class StatusCheck : std::uint8_t { control_valves, periodic, at_convergence };

// Status changes found by one check: all of them, and those of control valves (PRV/PSV/FCV).
struct StatusChanges {
  int all = 0;
  int control_valves = 0;
};
// How a node's pressure is determined.
enum class NodeRole : std::uint8_t {
  free,            // unknown of the Schur system
  pressure_node,   // fixed by a pressure node
  source_return,   // fixed by a source's return (static) pressure
  source_supply,   // dp_control source: return pressure + pump dp (an unknown)
};

// Whether source i holds the pressure at its return node (it has a return_pressure_bar); the
// others float. fixed_dp and curve plants are hydraulic links either way.
inline bool holds_return_pressure(const SourceData& s, int i) {
  return s.pump_type[i] != SourcePumpType::fixed_flow && !std::isnan(s.return_pressure_Pa[i]);
}

// Inputs that change between outer (thermal) iterations or between solves.
struct HydraulicParameters {
  // Per pipe element: what changes between outer iterations (the geometry stays in the
  // network's PipeData; pipe_coefficients() joins them when a law is evaluated).
  struct PipeProperties {
    double density = 0, viscosity = 0;   // kg/m3, Pa s at the pipe's mean state
  };
  std::vector<PipeProperties> pipe;
  std::vector<double> hazen_williams_r;  // per pipe when the friction is Hazen-Williams
  physics::PipeCoefficients pipe_coefficients(const PipeData& pipes, int e) const {
    physics::PipeCoefficients c = physics::make_pipe_coefficients(
        pipes.length_m[e], pipes.diameter_m[e], pipes.roughness_m[e], pipes.minor_loss[e],
        pipes.hazen_williams_c[e], pipe[e].density, pipe[e].viscosity, gravity);
    if (!hazen_williams_r.empty()) c.hazen_williams_r = hazen_williams_r[e];
    return c;
  }
  std::vector<double> link_density;             // per hydraulic link (elevation term, pumps, valves)
  // Pipes whose water column follows their own flow (ColumnCoupling); per pipe the index into
  // `column` or -1 (empty: none).
  struct ColumnCoupling {
    double t_from, t_to;   // temperature of the water entering at each end (degC)
    double t_amb, ul, cp;  // ambient, U L (W/K), heat capacity (J/kgK)
    double t_ref, drho_dT; // density linearised about the property temperature t_ref
  };
  std::vector<ColumnCoupling> column;
  std::vector<int> column_of_pipe;
  std::vector<double> demand;                   // per node, kg/s leaving (fixed, not consumers)
  // Per consumer (a hydraulic link supply -> return, solver/physics/substation.hpp): the flow
  // its controller aims at (kg/s; a fixed-flow consumer's flow), and its open-valve
  // conductance K (kg/s per sqrt(Pa); 0: a fixed flow, whatever the dp).
  std::vector<double> consumer_set_flow;
  std::vector<double> consumer_conductance;
  std::vector<double> supply_offset;            // per source: -rho g (z_supply - z_return)
  double gravity = 9.80665;
};

struct HydraulicState {
  std::vector<double> q;          // per hydraulic link, kg/s
  std::vector<double> p;          // per node, Pa gauge
  std::vector<double> source_dp;  // per source: pump differential pressure (Pa)
  std::vector<LinkStatus> status; // per hydraulic link
  std::vector<int> status_changes;
  std::vector<double> consumer_set;  // per consumer: the set flows of the last solve
  // Per dp_control source (in HydraulicSolver's order): closed like a check valve because the
  // network would push water back through it, and how often that status changed.
  std::vector<std::uint8_t> dp_source_closed;
  std::vector<int> dp_source_changes;
  bool initialised = false;
  // Newton steps taken since a status other than a control valve's last changed, the step at
  // which it changed not counted (0 after initialise): from 1 on, p holds the pressures of a
  // step at the current check valve, pump, tank and plant statuses, which
  // HydraulicSolver::assemble may linearise towards. (A control valve's change does not
  // count: its flow is solved with the step, hydraulic_valve_coupling.cpp.)
  int steps_since_status_change = 0;
};

// How a call of HydraulicSolver::solve ended (the caller decides what status it means).
enum class NewtonOutcome : std::uint8_t {
  converged,        // flow change within tolerance (or round-off), statuses settled
  unfinished,       // max_iterations reached
  singular_system,  // the pressure system was not positive definite
  non_finite,       // a step produced non-finite flows
  impossible_pump,  // a dp_control plant's pump dp passed kImpossiblePressurePa
};

// A pressure no district-heating plant or pipe holds (1000 bar). A dp_control plant whose pump
// dp passes it to hold its consumer's set point asks flows the network cannot carry; a closed
// one whose floating supply pressure passes it is pushed by more water than the consumers
// take. Either is an impossible design, not an iterate to continue from; a closed plant whose
// leak implies it is forced by water with nowhere else to go (solution_builder.cpp).
inline constexpr double kImpossiblePressurePa = 1e8;

// A link status (check valve, pump, plant) may flip this often in one solve before it is
// frozen (anti-chattering; hydraulic_statuses.cpp and close_held_dp_plants).
inline constexpr int kMaxStatusChanges = 8;

// How far a secant linearisation may aim (hydraulic_assembly.cpp, power_law_secant_slope): no
// nearer to zero flow than min_flow, nor than where the link's conductance reaches
// max_conductance.
struct SecantLimits {
  double min_flow;         // kg/s
  double max_conductance;  // kg/s per Pa
};

struct NewtonSettings {
  FrictionModel friction = FrictionModel::colebrook;
  double tolerance = 1e-9;  // relative flow change
  int max_iterations = 100;
  int outer = 0;            // for the iteration history
  // Newton iterations already done on this problem before this call (outer loop of a coupled
  // solve: demands and properties change a little between calls). They count for the status
  // checks and allow the first step of this call to confirm convergence.
  int previous_iterations = 0;
  // A solve on its own (not a step of a coupled outer loop) may stop once its Newton steps'
  // contraction shows the flows within the tolerance (contraction_estimate.hpp): the step
  // that would only confirm it is not taken. The coupled loop judges its own sequence.
  bool stop_by_estimate = false;
};

// Mean temperature of a column-coupled pipe's water at flow q (pipe_mean_temperature.hpp),
// with the inlet temperature of the flow's direction; ambient at zero flow.
inline double column_mean_temperature(const HydraulicParameters::ColumnCoupling& c, double q) {
  const double s = std::abs(q);
  if (!(s > 0)) return c.t_amb;
  const double ntu = c.ul / (s * c.cp);
  return c.t_amb + ((q >= 0 ? c.t_from : c.t_to) - c.t_amb) * pipe_mean_factor(ntu, std::exp(-ntu));
}

// Solves the dp-controlled plants' small border system mat x = rhs (row-major, n = rhs.size(),
// both overwritten) by Gauss-Jordan elimination with partial pivoting. Returns -1, or the
// column whose pivot is below 1e-14 (a controlled dp that its pump does not move).
int solve_border_system(std::vector<double>& mat, std::vector<double>& rhs,
                        std::vector<double>& x);

class HydraulicSolver {
 public:
  HydraulicSolver(const Network& network, LinearBackend backend);

  const Topology* topology() const { return topology_; }
  int link_count() const { return static_cast<int>(topo_link_.size()); }
  // Topology link index of hydraulic link k, and the reverse map (-1: not hydraulic).
  const std::vector<int>& topo_link() const { return topo_link_; }
  const std::vector<int>& hydraulic_index() const { return hydraulic_index_; }
  double analyse_seconds() const { return analyse_s_; }
  std::string backend_name() const { return spd_.backend_name(); }
  double factor_nonzeros() const { return spd_.factor_nonzeros(); }
  double factor_flops() const { return spd_.factor_flops(); }

  // Starting state: nominal flows, mass-balanced through a spanning forest; on a mostly
  // tree-shaped network the next solve first balances the loops (balance_loops).
  void initialise(const Network& network, const HydraulicParameters& params,
                  HydraulicState& state);
  // Whether the loop start after the last initialise balanced every loop of the network (its
  // flows then start near their solution everywhere, loops included).
  bool loops_balanced() const { return loops_balanced_; }
  // Whether the network has few enough loops (at most 5 % of the links a forest may use) for
  // initialise to start from a spanning forest and ask for the loop start. Fixed at
  // construction.
  bool tree_shaped() const { return tree_shaped_; }
  // The loop start that initialise left to the next solve, run now (at these parameters), so
  // that the start's flows can be swept before the first Newton step; that solve then does not
  // repeat it. Returns loops_balanced().
  bool balance_loops_now(const Network& network, FrictionModel friction,
                         const HydraulicParameters& params, HydraulicState& state);

  // Newton iterations from `state`. Appends to report.history, adds to its timings and
  // counts; says why it stopped in report.message (never sets report.status).
  NewtonOutcome solve(const Network& network, const NewtonSettings& settings,
                      const HydraulicParameters& params, HydraulicState& state,
                      SolveReport& report);

  // Why the last solve did not settle beyond running out of iterations ("" when nothing
  // more is known): a dp-controlled consumer whose dp does not respond to its plant's pump.
  std::string unsettled_cause(const Network& network) const;

  // Frees the line-search copies (reallocated by the next solve).
  void release_work() {
    q_prev_ = {};
    p_prev_ = {};
    q_full_ = {};
    p_full_ = {};
    delta_q_ = {};
  }
  // Frees everything only Newton iterations use (the Schur matrix and its factorisation, the
  // linearisation, the spanning forest), keeping what the solution's fields read
  // (hydraulic_index, colebrook_root, node_imbalance, statuses): for a solver that will not
  // solve again (heatnet::solve), before the result is assembled. Solving again afterwards
  // is not supported.
  void release_newton();

  // Per node: sum over hydraulic links of a_ik q_k plus demand (kg/s). Zero at free nodes
  // when converged; at a fixed node it is the inflow the boundary must supply.
  void node_imbalance(const HydraulicState& state, const HydraulicParameters& params,
                      std::vector<double>& out) const;
  // Hands the node_imbalance of the state the last solve returned to `out` (swapped, no
  // copy) and says whether it could: false when that solve stopped before a step, or it was
  // handed over already. Only valid while the state is the one that solve returned.
  bool take_last_imbalance(std::vector<double>& out) {
    if (!imbalance_of_last_state_) return false;
    imbalance_of_last_state_ = false;
    imbalance_of_flows_ = false;
    out.swap(imbalance_);
    return true;
  }
  // Largest |imbalance| over the free nodes (kg/s), its node in *worst_node (-1: none).
  double max_free_imbalance(const std::vector<double>& imbalance,
                            int* worst_node = nullptr) const;

  // Whether dp_control source `source` is closed (the other plants hold its controlled dp
  // above the set point and would push water back through it).
  bool dp_source_closed(const HydraulicState& state, int source) const {
    const int s = dp_index_[source];
    return s >= 0 && !state.dp_source_closed.empty() && state.dp_source_closed[s];
  }

  // First-order change of every hydraulic link's flow (dq, kg/s) when the consumers' set
  // flows change by dset (per consumer), at the last Newton step's linearisation and
  // factorisation: the link flows' part of the coupled Jacobian (solver/newton/
  // set_flow_response.cpp). False where that is not at hand (no factorisation yet, an active
  // pressure valve, a closed dp_control plant, a controlled dp its pump does not move).
  bool set_flow_response(const Network& network, const HydraulicParameters& params,
                         const HydraulicState& state, const std::vector<double>& dset,
                         std::vector<double>& dq);

  // Whether consumer link k draws less than its set flow: its fully open valve is the limit
  // (solver/physics/substation.hpp).
  bool valve_limited(const HydraulicParameters& params, const HydraulicState& state, int k) const;

  // Pressure-loss law of hydraulic link k at flow q (status respected). A pipe's Colebrook
  // iteration starts from, and updates, the solver's warm start (colebrook_root).
  physics::LinkLaw link_law(const Network& network, FrictionModel friction,
                            const HydraulicParameters& params, const HydraulicState& state,
                            int k, double q, physics::PipeFlowState* pipe_state = nullptr);
  // The Colebrook warm start of pipe element e: 1/sqrt(lambda) of its last evaluation (0: none).
  double colebrook_root(int e) const {
    return static_cast<std::size_t>(e) < colebrook_root_.size() ? colebrook_root_[e] : 0.0;
  }

 private:
  // What one call of solve carries from iteration to iteration.
  struct NewtonRun {
    bool line_search = false;   // keeps the last point and full step (calls of > 2 iterations)
    double previous_merit = -1.0;
    double max_demand = 0.0;    // flow scale with the link flows
    double flow_scale = 0.0;    // largest |demand| or |link flow| (of the last step)
    double p_abs_max = 0.0;     // largest absolute pressure after the last step (Pa)
    StatusChanges pending;      // status changes found by the check at apparent convergence
    // Newton steps since a control valve last changed status (the step of the change not
    // counted): the line search does not halve the step right after one
    int steps_since_valve_change = 1;
    int roundoff_streak = 0;
    double residual_beyond_flow_roundoff_Pa = 0.0;  // of the last assembly (flow_roundoff_Pa)
    int border_singular = -1;   // a dp-controlled source whose consumer's dp did not respond
    bool pump_dp_limited = false;  // the last step's pump dps were cut to the trust region
    bool imbalance_current = false;  // take_step left the new flows' node_imbalance in imbalance_
    // this call's last two flow changes and the contraction between them, of steps taken in
    // full without a status change (NaN otherwise): the contraction estimate's record
    double last_step = std::numeric_limits<double>::quiet_NaN();
    double last_contraction = std::numeric_limits<double>::quiet_NaN();
  };
  void begin_solve(const Network& network, const HydraulicParameters& params,
                   HydraulicState& state);
  void assemble_with_line_search(const Network& network, const NewtonSettings& settings,
                                 const HydraulicParameters& params, HydraulicState& state,
                                 NewtonRun& run, IterationRecord& rec);
  bool solve_linear(SolveReport& report);
  void solve_border(const Network& network, const HydraulicParameters& params,
                    HydraulicState& state, NewtonRun& run, IterationRecord& rec);
  bool limit_pump_dp_step(std::vector<double>& delta) const;
  // Solves the active pressure valves' flows with the step (x_, c_), so that the valves'
  // other nodes balance too, unless every controlled node's balance after the plain step is
  // within negligible_flow (kg/s) (hydraulic_valve_coupling.cpp).
  void couple_active_valves(const HydraulicParameters& params, const HydraulicState& state,
                            double negligible_flow);
  int impossible_pump_dp(const HydraulicState& state) const;
  // (q_old: link k's flow before the step)
  double new_flow(const Network& network, const HydraulicParameters& params,
                  const HydraulicState& state, int k, double q_old) const;
  double take_step(const Network& network, const HydraulicParameters& params,
                   HydraulicState& state, NewtonRun& run, IterationRecord& rec);
  // The step's mass imbalance (imbalance_) routed through the network on the step's own
  // linearisation: one more solve with the same factor. Updates pressures, flows, delta_q_,
  // imbalance_ and the step's measured flow change (rec, run.flow_scale; returned in kg/s).
  double rebalance_step(const Network& network, HydraulicState& state, NewtonRun& run,
                        IterationRecord& rec);
  std::string link_name(const Network& network, int k) const;
  static bool settled_by_estimate(const NewtonSettings& settings, NewtonRun& run,
                                  const IterationRecord& rec);
  bool converged_after_step(const Network& network, const NewtonSettings& settings,
                            const HydraulicParameters& params, HydraulicState& state,
                            NewtonRun& run, const IterationRecord& rec, SolveReport& report) const;
  void project_onto_balance(const HydraulicParameters& params, HydraulicState& state,
                            SolveReport& report);
  // Matrix pattern in the current row numbering; with_positions: also each link's value
  // positions (not needed for the pattern that only feeds the ordering).
  void build_pattern(int rows, bool with_positions = true);
  void stamp_link(const HydraulicState& state, int k, double* values);
  double column_weight(const HydraulicParameters& params, int k, double q,
                       physics::LinkLaw& law) const;
  // Newton's new flow for consumer link k, put on its law's kink where the step crosses it.
  double project_substation_step(const HydraulicParameters& params, int k, double q_old,
                                 double q_new) const;
  void set_fixed_pressures(const Network& network, const HydraulicParameters& params,
                           HydraulicState& state) const;
  // Fills the Schur system at `state`; returns the merit (sum of squared flow-scaled link
  // residuals) and records the largest |link residual| and its link.
  // With secant_limits, Hazen-Williams pipes linearise towards the state's pressures within
  // those limits (power_law_secant_slope in the .cpp); without, along their tangents.
  double assemble(const Network& network, FrictionModel friction,
                  const HydraulicParameters& params, const HydraulicState& state,
                  const SecantLimits* secant_limits);
  // assemble's loop over the links, with open_pipe_law(link, q) the open pipes' law;
  // secant_limits only with Hazen-Williams laws (power_law_secant_slope).
  template <class OpenPipeLaw>
  double assemble_links(const Network& network, FrictionModel friction,
                        const HydraulicParameters& params, const HydraulicState& state,
                        OpenPipeLaw open_pipe_law, const SecantLimits* secant_limits);
  // Re-examines statuses: control valves always, the others (check valves, pumps, links to
  // full/empty tanks, dp_control plants) at a periodic or at-convergence check.
  StatusChanges update_statuses(const Network& network, const HydraulicParameters& params,
                                HydraulicState& state, StatusCheck check) const;
  double head_difference(const HydraulicParameters& params, const HydraulicState& state,
                         int k) const;
  double shutoff_head(const Network& network, const HydraulicParameters& params, int k) const;
  bool is_fixed_dp_plant(const Network& network, int k) const;
  // Flow of dp_control source s (index into dp_sources_) out of its supply node (kg/s).
  double dp_plant_flow(const HydraulicParameters& params, const HydraulicState& state, int s) const;
  // dp_control plants' check-valve rule; returns the number of status changes.
  template <class Base, class Sens>
  int close_held_dp_plants(const Network& network, HydraulicState& state, Base base, Sens sens) const;
  int update_dp_plant_statuses(const Network& network, const HydraulicParameters& params,
                               HydraulicState& state) const;
  // Whether a pressure valve (PRV/PSV) holds its controlled node this iteration.
  bool any_active_valve(const HydraulicState& st) const {
    for (int k : controlled_links_)
      if (st.status[k] == LinkStatus::active) return true;
    return false;
  }

  const Topology* topology_;
  std::vector<int> topo_link_, hydraulic_index_;
  std::vector<int> from_, to_;
  std::vector<LinkKind> kind_;
  std::vector<int> element_;
  std::vector<StatusControl> control_;
  std::vector<LinkStatus> initial_status_;
  std::vector<int> controlled_node_;  // prv: to node, psv: from node (free nodes only), else -1
  std::vector<int> controlled_links_; // the links with a controlled node
  // per controlled link (controlled_links_' order): the links at its controlled node, +1 where
  // the link leaves it and -1 where it enters
  std::vector<std::vector<std::pair<int, int>>> controlled_incident_;
  // a link the spanning-forest start may route flow through: a pipe or plant not fixed closed
  bool forest_start_link(std::size_t k) const {
    return (kind_[k] == LinkKind::pipe || kind_[k] == LinkKind::source) &&
           initial_status_[k] != LinkStatus::closed;
  }
  // the loop start initialise asked for, if it has not run yet
  void run_pending_loop_start(const Network& network, FrictionModel friction,
                              const HydraulicParameters& params, HydraulicState& state);
  // The loop start (solver/newton/loop_start.cpp): the fundamental cycles' flows that balance
  // their pressure losses at the set flows; true where every cycle was balanced (else the
  // cycles it could not take keep the forest start; all of them if it did not settle).
  bool balance_loops(const Network& network, FrictionModel friction,
                     const HydraulicParameters& params, HydraulicState& state);
  std::vector<signed char> tank_side_;  // +1: `to` is a no_inflow/no_outflow node, -1: `from`
  std::vector<char> tank_full_, tank_empty_;
  std::vector<int> status_links_;     // links with a status rule or a tank end, in link order
  const double* elevation_ = nullptr;  // per node: the solved network's (set by begin_solve)
  std::vector<NodeRole> node_role_;
  std::vector<int> node_source_;   // source index for source_supply / source_return nodes
  std::vector<int> row_;           // node -> Schur row, -1 when fixed
  std::vector<char> fixed_node_;   // row_ < 0: roots of the spanning forest
  SpanningForest forest_;
  bool tree_shaped_ = false;       // few loops: start (and restart) balanced through forest_
  bool loop_start_pending_ = false;  // initialise asks the next solve for the loop start
  bool loops_balanced_ = false;
  std::vector<char> forest_eligible_;
  std::vector<int> dp_sources_;    // sources with a dp_control pump
  std::vector<int> dp_column_;     // per node: index into dp_sources_ if a dp-controlled supply
  int last_border_singular_ = -1;  // of the last solve (unsettled_cause)
  std::vector<int> dp_supply_node_;  // per dp_control source
  std::vector<int> dp_index_;      // per source: index into dp_sources_, -1 if not dp_control
  // Per dp_control source: the hydraulic links at its supply node, with +1 where the link
  // leaves it and -1 where it enters (the plant's flow is what they carry away).
  std::vector<std::vector<std::pair<int, int>>> dp_incident_;
  // Schur matrix (upper triangle), value positions per link
  linear::SparseMatrix matrix_;
  std::vector<int> pos_from_, pos_to_, pos_off_;
  linear::SpdSolver spd_;
  double analyse_s_ = 0;
  // work arrays (allocated once)
  std::vector<double> y_, c_;
  double max_residual_Pa_ = 0.0;  // of the last assemble()
  double max_residual_beyond_flow_roundoff_Pa_ = 0.0;  // ... less each link's flow round-off
  std::vector<double> colebrook_root_;  // per pipe element: Colebrook warm start (link_law)
  int worst_residual_link_ = -1;
  Eigen::VectorXd rhs_, x_;  // the Newton step's right side and solution (set_flow_response's work between steps)
  bool factorised_ = false;  // spd_ holds the factor of the last assembled matrix
  Eigen::VectorXd rebalance_rhs_, rebalance_x_;  // rebalance_step's work
  // couple_active_valves' work: the active valves (indices into controlled_links_), their
  // controlled nodes' balances, their pressure responses, the small system and its solution
  std::vector<int> coupled_valves_;
  std::vector<double> valve_balance_;
  std::vector<Eigen::VectorXd> valve_z_;
  std::vector<double> valve_matrix_, valve_rhs_, valve_alpha_;
  // Per dp_control source: its column's right side (row, value: only the rows of the links at
  // its supply node, in assembly order) and the solved column.
  std::vector<std::vector<std::pair<int, double>>> rhs_dp_;
  std::vector<Eigen::VectorXd> x_dp_;
  std::vector<double> q_prev_, p_prev_, sdp_prev_, q_full_, p_full_, sdp_full_;
  // per dp_control plant, of the last border solve: closed, and its step trusted
  std::vector<char> pump_step_closed_, pump_step_trusted_;
  std::vector<double> imbalance_, delta_, border_matrix_, border_rhs_, delta_q_;
  bool imbalance_of_last_state_ = false;  // imbalance_ is node_imbalance of the state solve returned
  // imbalance_ is node_imbalance of the flows the Newton loop holds, bit for bit (assemble
  // then does not sum it again for the active pressure valves)
  bool imbalance_of_flows_ = false;
};

}  // namespace heatnet::solver
