// What happened in a solve. Status is data (did it converge?); errors (could it run?) are
// exceptions. The iteration history names the worst node and link of every iteration.
#pragma once
#include <string>
#include <vector>

namespace heatnet {

enum class SolveStatus {
  converged,
  max_iterations,        // Newton hit its iteration limit
  outer_not_converged,   // thermal-hydraulic coupling did not settle
  invalid_solution,      // converged to a state that breaks a model rule (e.g. consumer dT <= 0)
  numerical_failure,     // factorisation failed / non-finite values
};
std::string_view to_string(SolveStatus s);

struct IterationRecord {
  int outer = 0;                   // outer (thermal) iteration this Newton step belongs to
  int iteration = 0;               // Newton iteration within the hydraulic solve
  double max_flow_change_rel = 0;  // max |dq| / max(|q|) over links
  double max_link_residual_Pa = 0; // max |R(q) - dp| over links before the step
  double max_mass_imbalance_kg_s = 0;
  double step_length = 1.0;        // line-search factor used
  int status_changes = 0;          // check valves / pumps that opened or closed
  std::string worst_node;          // largest mass imbalance
  std::string worst_link;          // largest relative flow change
};

struct SolveTimings {
  double analyse_s = 0;      // symbolic factorisation (once per topology)
  double factorise_s = 0;    // numeric factorisations, summed
  double linear_solve_s = 0; // triangular solves, summed
  double assemble_s = 0;     // residual/Jacobian assembly, summed
  double thermal_s = 0;      // temperature sweeps, summed
  double total_s = 0;
};

// Water entering (+) or leaving (-) the network where it holds a pressure: at a source's
// return node (make-up / spill) or at a pressure node.
struct BoundaryFlow {
  std::string element_kind;  // "source" or "pressure_node"
  std::string element_id;    // the source id, or the pressure node's node id
  double mass_flow_kg_s = 0;
};
// "make-up 2.31 kg/s at 'CHP2', spill -2.31 kg/s at 'R0'" (empty for no flows).
std::string describe_boundary_flows(const std::vector<BoundaryFlow>& flows);

struct SolveReport {
  SolveStatus status = SolveStatus::converged;
  std::string message;
  int iterations = 0;        // Newton iterations, all outer iterations together
  int outer_iterations = 0;
  int factorisations = 0;    // numeric factorisations of the pressure system
  double max_flow_change_rel = 0;
  double max_mass_imbalance_kg_s = 0;
  double max_temperature_change_K = 0;
  std::string backend;       // linear solver actually used
  bool symbolic_reused = false;
  // The pressure system's factor: nonzeros of L and floating-point operations of one numeric
  // factorisation (from the symbolic analysis; 0 where there is no system to factorise).
  // Fill-in shows here before it shows in the timings: a meshed network's is many times a
  // tree's (benchmarks/counts.json holds them).
  double factor_nonzeros = 0;
  double factor_flops = 0;
  SolveTimings timings;
  std::vector<IterationRecord> history;
  // The boundary flows of the (last) solution that are not round-off; mass closes over them.
  std::vector<BoundaryFlow> boundary_flows;

  bool usable() const { return status == SolveStatus::converged; }
  std::string brief() const;  // one line
  std::string full() const;   // with iteration history
};

}  // namespace heatnet
