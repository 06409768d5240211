// SolverEngine: the coupled thermal-hydraulic solve of one steady state.
//
// Outer (Picard) loop, reusing the symbolic factorisation throughout:
//   1. fluid properties per pipe at its mean temperature and pressure;
//   2. consumer flows: the Newton prediction of the last iteration (first: m = Q / (h(T_supply)
//      - h(T_return)) at the starting temperatures);
//   3. hydraulic Newton (warm-started) -> flows, pressures, dp-controlled pump heads;
//   4. thermal sweep -> temperatures;
// until the largest node temperature change is below the temperature tolerance and the
// consumer flows deliver their heat. Each outer iteration takes one Newton step of the
// hydraulics (one Newton sequence across the whole solve), and the consumer flows feeding the
// next iteration are Newton's step on their heat balance, coupled through the flow graph
// (coupling_newton_step, ThermalSolver::tree_response: exact on trees, loops' flow splits
// frozen), Anderson-accelerated while convergence is linear. The hydraulic system stays SPD; docs/models.md ("Coupling") has the
// equations and numbers.
#pragma once
#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "heatnet/network.hpp"
#include "network/compiled.hpp"
#include "heatnet/result.hpp"
#include "heatnet/solver_options.hpp"
#include "solver/coupling_oscillations.hpp"
#include "solver/fluid/fluid_model.hpp"
#include "solver/newton/anderson.hpp"
#include "solver/newton/hydraulic_solver.hpp"
#include "solver/solve_status.hpp"
#include "solver/thermal/temperature_range.hpp"
#include "solver/thermal/thermal_solver.hpp"

namespace heatnet {

class SolverEngine {
 public:
  Solution solve(const Network& network, const SolverOptions& options, SolveReport& report);
  // The same, into `out`: its field storage is reused (a time series solves step after step
  // into one Solution, with no allocation per step).
  void solve(const Network& network, const SolverOptions& options, SolveReport& report,
             Solution& out);
  void reset_state() { state_.initialised = false; have_temperatures_ = false; }
  // This engine solves once (heatnet::solve): before the solution's fields are allocated it
  // frees everything only further iterations or solves would use (peak memory).
  void set_single_solve() { single_solve_ = true; }

 private:
  // The damped continuation of a coupling that does not settle starts at this outer
  // iteration (update_damping), and the Newton fallback is first tried there (solve).
  static constexpr int kDampAfter = 50;
  // What the outer loop of one solve carries from iteration to iteration.
  struct OuterLoop {
    solver::NewtonSettings newton;
    int max_newton = 0;           // Newton iterations (single steps: all of them together)
    double tol_T = 0;             // temperature tolerance (K)
    bool feedback = false;        // temperatures feed back (properties, demand-driven flows)
    bool coupled = false;         // ... and there is a thermal solve
    bool single_steps = false;    // one Newton step per outer iteration
    bool hydraulic_converged = false;
    double last_step = std::numeric_limits<double>::infinity();  // relative flow change
    double step_before = std::numeric_limits<double>::infinity();  // ... of the step before it
    double last_dT = std::numeric_limits<double>::infinity();
    double last_t_ratio = 0;      // last_dT over the one before it
    // the contraction of the outer iteration before this one (converged_by_estimate), and
    // whether this iteration's Newton step was accepted by the estimate, not the tolerance
    double last_contraction = std::numeric_limits<double>::infinity();
    bool step_estimated = false;
    double dT = 0;                // the last sweep's largest temperature change (K)
  };
  FrictionModel prepare_friction(const Network& network, const SolverOptions& options);
  void initial_temperatures(const Network& network, bool thermal);
  std::optional<solver::LoopEnd> hydraulic_step(const Network& network,
                                                const fluid::FluidModel& fluid, OuterLoop& loop,
                                                int outer, SolveReport& report);
  std::optional<solver::LoopEnd> thermal_step(const Network& network,
                                              const fluid::FluidModel& fluid, OuterLoop& loop,
                                              int outer, SolveReport& report);
  void next_coupling_input(const Network& network, const OuterLoop& loop, int outer, double dT);
  bool converged_by_estimate(const OuterLoop& loop, int outer, double contraction) const;
  double contraction_before(const OuterLoop& loop, int outer) const;
  bool temperatures_settled_by_estimate(const OuterLoop& loop, int outer, double dT,
                                        double rate) const;
  bool cold_start_predicts_loops(const OuterLoop& loop, int outer, double t_ratio) const;
  void finish_temperatures(const Network& network, const fluid::FluidModel& fluid, bool thermal);
  void prepare(const Network& network, const SolverOptions& options, SolveReport& report);
  void update_parameters(const Network& network, const fluid::FluidModel& fluid);
  void update_consumer_flows(const Network& network, const fluid::FluidModel& fluid);
  void set_node_demands(const Network& network);
  void couple_water_columns(const Network& network, const fluid::FluidModel& fluid);
  // imbalance_known: imbalance_ already holds the node imbalance of state_ (the Newton solve's)
  void link_flows(const Network& network, bool imbalance_known = false);
  void thermal_inputs(const Network& network, const fluid::FluidModel& fluid);
  double source_makeup(const Network& network, int source) const;
  // tol_T: the solve's temperature tolerance (K), the scale of the loop-flow correction
  void coupling_newton_step(const Network& network, const fluid::FluidModel& fluid, double tol_T);
  // its two halves: the residuals (and max_heat_residual_K_), then the prediction from them
  void measure_heat_balance(const Network& network, const fluid::FluidModel& fluid);
  void predict_coupling(const Network& network, double tol_T);
  // The coupling step's prediction corrected for how loop flows split (solver/
  // loop_flow_correction.cpp); false where the exact response is not at hand.
  bool correct_for_loop_flows(const Network& network, double tol_T);
  bool exact_temperature_response(const Network& network);
  bool sweep_state_flows(const Network& network, const fluid::FluidModel& fluid,
                         SolveReport& report);
  void predict_from_balanced_start(const Network& network, const fluid::FluidModel& fluid,
                                   const OuterLoop& loop, SolveReport& report);
  void set_flow_bounds(const Network& network, const fluid::FluidModel& fluid);
  void accelerate(const std::vector<double>& output_T);
  void update_damping(int outer);
  // Newton on the outer fixed point for a coupling the fast path has not settled
  // (solver/coupling_fallback.cpp): true where the fixed point holds to the tolerances (the
  // state is the solution), else the state as it was.
  bool coupled_newton_fallback(const Network& network, const fluid::FluidModel& fluid,
                               const OuterLoop& loop, SolveReport& report);
  bool fallback_residual(const Network& network, const fluid::FluidModel& fluid,
                         const OuterLoop& loop, const std::vector<double>& x,
                         std::vector<double>& f, SolveReport& report);
  bool fallback_jacobian(const Network& network, const fluid::FluidModel& fluid,
                         const OuterLoop& loop, const std::vector<double>& x,
                         const std::vector<double>& f, std::vector<double>& jacobian,
                         SolveReport& report);
  void fallback_start(const Network& network, std::vector<double>& x) const;
  void fallback_bound(std::vector<double>& x) const;
  struct FallbackSaved;
  struct FallbackIterate;
  enum class StepResult { accepted, retry, stop };
  StepResult fallback_newton_step(const Network& network, const fluid::FluidModel& fluid,
                                  const OuterLoop& loop, FallbackIterate& it, SolveReport& report);
  bool fallback_polish(const Network& network, const fluid::FluidModel& fluid,
                       const OuterLoop& loop, FallbackIterate& it, SolveReport& report);
  StepResult fallback_pseudo_step(const Network& network, const fluid::FluidModel& fluid,
                                  const OuterLoop& loop, FallbackIterate& it, SolveReport& report);
  void restore(FallbackSaved&& saved);
  void update_flow_trust();
  void reset_flow_trust(const Network& network);
  bool state_is_finite() const;
  // Whether consumer i sits at its substation's flow limit (its set flow a throttle's
  // round-off below it, its flow a round-off above or below).
  bool at_flow_limit(int i) const {
    const double near_limit = flow_hi_[i] * (1.0 - 1e-9);
    return params_.consumer_set_flow[i] >= near_limit || consumer_flow_[i] >= near_limit;
  }
  // The least set flow of consumer i: its least flow (set_flow_bounds), less what its throttle
  // lets through above the set flow (the coupling step makes that round-off up, see
  // limit_flows in coupling_newton_step; a floor on the set flow itself would undo it).
  double set_flow_floor(int i) const {
    return flow_lo_[i] - std::max(0.0, consumer_flow_[i] - params_.consumer_set_flow[i]);
  }
  // A consumer's set flows relative to the least it can draw (set_flow_bounds), comparable
  // across consumers in the mixed and damped vectors and the fallback's unknowns; 1 kg/s where
  // that is 0.
  double flow_scale(int consumer) const {
    return flow_lo_[consumer] > 0 ? flow_lo_[consumer] : 1.0;
  }
  bool held_below_demand(const Network& network, int consumer) const;
  void damp_step(const Network& network);
  std::string impossible_pump_cause(const Network& network, int source) const;
  // A plant that runs backwards: its check row, or a cause in invalid_causes_.
  void check_plant_direction(const Network& network, int source, double mass_flow,
                             double rise_Pa, double rho_g, Solution& sol);
  void make_solution(const Network& network, const fluid::FluidModel& fluid,
                     FrictionModel friction, const SolverOptions& options, SolveReport& report,
                     Solution& sol);
  // make_solution's parts, one per element group (solver/solution_builder.cpp)
  static std::vector<double>& result_field(Solution& sol, ElementGroup group,
                                           std::string_view name, std::size_t n);
  void node_results(const Network& network, const fluid::FluidModel& fluid,
                    const DesignLimits& limits, Solution& sol) const;
  void pipe_results(const Network& network, FrictionModel friction, const DesignLimits& limits,
                    Solution& sol) const;
  void consumer_results(const Network& network, const fluid::FluidModel& fluid,
                        Solution& sol) const;
  // the source, pressure-node and energy results read the final state's node balance
  // (imbalance_), which make_solution sums once before them
  void source_results(const Network& network, const fluid::FluidModel& fluid, Solution& sol);
  void pressure_node_results(const Network& network, Solution& sol, SolveReport& report) const;
  void pump_and_valve_results(const Network& network, Solution& sol) const;
  void energy_balance(const Network& network, const fluid::FluidModel& fluid,
                      Solution& sol) const;
  void freezing_checks(const Network& network, const fluid::FluidModel& fluid,
                       Solution& sol) const;

  bool single_solve_ = false;
  std::shared_ptr<const Topology> topology_;
  std::unique_ptr<solver::HydraulicSolver> hydraulic_;
  std::unique_ptr<solver::ThermalSolver> thermal_;
  solver::HydraulicParameters params_;
  solver::HydraulicState state_;
  solver::HydraulicState step_start_;  // state_ before a single Newton step (taken back if wild)
  solver::ThermalInputs thermal_in_;
  solver::ThermalState temps_;
  bool have_temperatures_ = false;
  solver::TemperatureRange reachable_;  // of this solve's fixed temperatures: iterates stay in it
  std::vector<double> node_T_, consumer_flow_, source_flow_, imbalance_;
  std::vector<double> pipe_T_mean_;
  // thermal_in_.pipe_cp holds cp at pipe_T_mean_ of the fluid pipe_cp_fluid_ (update_parameters
  // or thermal_inputs made it; until pipe_T_mean_ changes otherwise, the fallback's restore)
  bool pipe_cp_current_ = false;
  FluidDefinition pipe_cp_fluid_;
  // coupling Newton step: per demand-driven consumer (demand_consumer_: its index), the
  // predicted node temperatures, per consumer the predicted flows (empty: none, the flows
  // follow node_T_), and how far the flows used are from delivering their heat (K)
  std::vector<int> consumer_node_, demand_consumer_;
  std::vector<double> consumer_residual_, consumer_gain_, newton_T_, predicted_flow_;
  // ... the heat balance's own residual and slope (consumer_*_ pin valve-limited ones), and
  // per consumer whether its fully open valve limits its flow
  std::vector<double> heat_residual_, heat_gain_;
  std::vector<char> valve_limited_;
  std::vector<char> pinned_;  // per demand consumer: held at a flow limit in the step
  std::vector<double> used_residual_;  // the residuals the last prediction was made with
  // correct_for_loop_flows' work: per demand consumer its flow change and the defect of its
  // heat balance; per consumer the set-flow change; per hydraulic / topology link the flow
  // change; per node the exact and the tree-shaped temperature change
  std::vector<double> loop_dm_, loop_defect_, loop_dset_, loop_hyd_dq_, loop_link_dq_;
  std::vector<double> loop_dT_, loop_tree_T_, loop_kept_dm_, loop_kept_dT_;
  std::vector<double> flow_lo_, flow_hi_;  // per consumer: what it can draw (set_flow_bounds)
  std::vector<double> return_enthalpy_;     // per consumer: h(return temperature), this solve
  std::vector<double> flow_trust_;          // per consumer: its step limit (update_flow_trust)
  std::vector<signed char> flow_step_dir_;  // ... and the direction of its last step
  double max_heat_residual_K_ = 0.0;
  solver::AndersonMixer anderson_{3, 1.0};
  solver::CouplingOscillations oscillations_;  // ... and its swinging pipes' temperatures
  std::vector<double> mixed_pipe_T_;        // their mix for the next iteration
  std::vector<double> mix_in_, mix_out_;
  int outer_iteration_ = 0;  // of the running solve
  bool predict_through_mixing_ = true;  // tree_response's mode (kPredictThroughMixingUntil)
  bool cold_start_ = false;  // this solve started without a previous solution (no warm start)
  double damping_ = 1.0;                 // 1: undamped; else the continuation's step
  std::vector<double> damped_from_T_;    // node temperatures before this outer iteration
  // the continuation's Anderson mixer (relaxation = damping_) over node temperatures, scaled
  // set flows and pipe property temperatures, and the pipe temperatures it chose
  solver::AndersonMixer damped_anderson_{3, 1.0};
  std::vector<double> damped_in_, damped_out_, next_pipe_T_;
  solver::HydraulicState fallback_base_state_;  // the fallback's maps start from it
  std::vector<double> fallback_base_T_;         // ... with these node temperatures
  int last_fallback_ = 0;                        // outer iteration of its last try
  bool fallback_map_converged_ = false;          // the last map's hydraulics converged,
  double fallback_map_step_ = 0, fallback_map_imbalance_ = 0;  // their last step, imbalance
  double fallback_dT_ = 0;                       // |F| (K) where the fallback settled
  int fallback_iterations_ = 0;                        // maps evaluated in this solve
  // what makes this solve's state no usable answer (make_solution; solver/solve_status.hpp)
  std::vector<solver::InvalidCause> invalid_causes_;
};

}  // namespace heatnet
