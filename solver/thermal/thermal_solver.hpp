// Steady temperatures for given mass flows.
//
// Model (state it once, here):
//  * Pipe: outlet T = T_amb + (T_in - T_amb) exp(-U L / (|m| cp)), U the linear heat-loss
//    coefficient (W/mK), cp at the pipe's mean temperature; heat loss = |m| (h_in - h_out).
//    A stagnant pipe (|m| ~ 0) reports the ambient temperature at its outlet and no loss.
//    Its mean temperature is the length average of that profile (pipe_mean_temperature.hpp).
//    A pipe without loss (U = 0) has the mean of its advection-conduction profile between its
//    end nodes instead (pipe_mean_temperature.hpp): its upstream node's temperature at any
//    flow a design carries, the mean of its two ends at rest, smooth in between.
//  * Pumps and valves are adiabatic (pump heat is neglected).
//  * Consumers return water at their return temperature; sources supply at their supply
//    temperature: both fix their outlet, so they break every dependency cycle through them.
//  * Nodes mix incoming flows perfectly in enthalpy: h = sum(m h_in) / sum(m). External
//    inflows (pressure boundaries, negative demands) enter at their temperature; a negative
//    demand without injection_temperature_C is "neutral" (takes the node's mixed
//    temperature). A node without inflow holds stagnant water: the conduction balance of its
//    pipes (pipe_mean_temperature.hpp) sets its temperature, which is its pipes' ambient where
//    they lose heat and the temperature at the far end of a pipe without loss (the limit of
//    the water that last flowed in); a node without pipes reports the ambient temperature.
// Solution: the flow-directed graph of pipes/pumps/valves is ordered topologically (Kahn,
// O(n)); nodes left over lie on or behind a directed cycle (circulation through pumps) and are
// solved together as one sparse linear system in enthalpy (KLU through Eigen). An acyclic
// sweep's order is kept as a plan; the next solve with the same flow directions (every outer
// iteration after the first few) streams through the plan instead of traversing the graph.
#pragma once
#include <span>
#include <vector>

#include "heatnet/network.hpp"
#include "network/compiled.hpp"
#include "solver/fluid/fluid_model.hpp"
#include "solver/thermal/node_mixing.hpp"

namespace heatnet::solver {

// Links carrying less than this fraction of the largest flow are stagnant for the sweep (their
// water only cools). Below the leak of a closed link (1e-9 kg/s per bar, 1e-11 to 1e-9 of a
// district network's largest flow), which the energy balance must see, and above the mass
// balance's round-off (~1e-12).
inline constexpr double kStagnantFlowFraction = 1e-11;

struct ThermalInputs {
  std::vector<double> link_flow;      // per topology link, kg/s signed from -> to
  std::vector<double> pipe_cp;        // per pipe, J/kgK at its mean temperature
  // Water entering from outside (pressure boundaries, negative demands, plant make-up): a
  // short list, not per node. A node may appear more than once.
  struct BoundaryInflow {
    int node;
    double mass_flow;      // kg/s entering
    double enthalpy_flow;  // W (kg/s * J/kg) it brings; 0 when neutral
    bool neutral;          // enters at the node's own temperature
  };
  std::vector<BoundaryInflow> boundary_inflows;
  // Per consumer: the temperature its water leaves at (empty: its return temperature).
  std::vector<double> consumer_outlet_T;
  bool prepared = false;              // filled for this solve (thermal run)
};

struct ThermalState {
  std::vector<double> node_T;         // degC
  std::vector<double> link_T_in;      // per topology link, at the end the water enters
  std::vector<double> link_T_out;     // per topology link
  std::vector<double> pipe_heat_loss; // per pipe, W
  std::vector<double> pipe_T_mean;    // per pipe: length-averaged temperature, degC
                                      // (pipe_mean_temperature.hpp)
  int cyclic_nodes = 0;               // nodes solved by the linear system
};

class ThermalSolver {
 public:
  explicit ThermalSolver(const Network& network);
  // Temperatures for the given flows (pipe_heat_loss is only sized: see heat_losses).
  void solve(const Network& network, const fluid::FluidModel& fluid, const ThermalInputs& in,
             ThermalState& out);
  // Newton prediction of the temperatures for the consumer-flow / supply-temperature
  // coupling, from the last solve. Per consumer c drawing at node consumer_node[c]:
  //   flow_residual[c] = m(T) - m_used      (kg/s)
  //   flow_gain[c]     = dm/dT at its node  (< 0, kg/s/K)
  // Over the tree-shaped part of the last sweep's flow graph (nodes fed by exactly one
  // dependent link, possibly mixing with fixed inflows such as a plant's) it solves the
  // linearised coupled system exactly: the flow into each subtree is dF = A + B dT at its
  // root, a pipe's outlet moves by
  //   dT_out = alpha dT_in + s dF,   s = dT_out/dq = (T_in - T_amb) alpha NTU / q,
  // eliminated leaves first (A' = A / (1 - B s), B' = B alpha / (1 - B s)), then the
  // temperature changes are swept down from the roots, where dT = 0. A node where dependent
  // streams mix (a loop closes there) passes its flow change to its inflows in proportion to
  // their flows and mixes their temperature changes (mixing_response): the hydraulic split of
  // a loop's flow change is not known here, so frozen shares stand in for it and the outer
  // iteration corrects the rest. Out: predicted_T = T + dT per node. False without a sweep plan.
  // through_mixing false: mixing nodes are cuts (dT = 0 there, their flow change stays below).
  bool tree_response(const ThermalState& state, std::span<const int> consumer_node,
                     std::span<const double> flow_residual, std::span<const double> flow_gain,
                     std::vector<double>& predicted_T, bool through_mixing = true);
  // First-order change of every node temperature (dT, per node) when the link flows of the
  // last solve change by link_dq (per topology link, kg/s in its from -> to sense), at that
  // solve's flow directions: the sweep linearised (solver/thermal/thermal_plan.cpp). With
  // tree_response it makes the coupling step's exact prediction on loops (the engine's
  // coupling step). False without a sweep plan.
  bool flow_response(const Network& network, const ThermalState& state, const ThermalInputs& in,
                     const std::vector<double>& link_dq, std::vector<double>& dT);
  // Frees tree_response's work arrays (reallocated by its next call).
  void release_tree_work() {
    tree_linked_ = {};
    tree_residual_ = {};
    tree_gain_ = {};
    tree_dT_ = {};
    response_dT_ = {};
    tree_alpha_ = {};
    tree_sens_ = {};
    tree_links_valid_ = false;
    mix_v_ = {};
    mix_w_ = {};
    mix_weight_ = {};
    mixing_links_valid_ = false;
  }
  // Whether the last solve reused the plan of an earlier one (same flow directions, or an
  // order repaired locally) rather than ordering the nodes anew.
  bool used_plan() const { return used_plan_; }
  // Pipe parameters may have changed (Network setters): call before each solve.
  void parameters_changed() {
    plan_constants_valid_ = false;
    lossless_valid_ = false;
  }
  // Fills out.pipe_heat_loss for the state of the last solve.
  void heat_losses(const Network& network, const fluid::FluidModel& fluid, const ThermalInputs& in,
                   ThermalState& out) const;

 private:
  struct LinkRecord {
    enum Role : unsigned char { stagnant, dependent, fixed };
    int from, up, down;
    double q, alpha, t_amb;  // alpha = exp(-U L / (q cp))
    Role role;
    bool loses_heat;
  };
  // --- general path: temperature traversal (flow cycles, thermal_solver.cpp)
  void size_traversal(int node_count, int link_count);
  void release_traversal();
  std::vector<LinkRecord> links_;
  std::vector<int> indegree_, queue_;
  NodeMixing mix_;  // per node
  std::vector<int> cyclic_index_, cyclic_nodes_;
  std::vector<char> done_;

  // --- sweep plan (thermal_plan.cpp): settle order, link lists and per-position state
  struct PlanRecord {  // a dependent link, in plan order
    int link;          // topology link
    int pipe;          // pipe element (it loses heat if ul > 0), else -1
    double ul, t_amb;  // U L (W/K, 0: no loss) and ambient: constants of a solve
    // flow of this sweep, ntu = U L / (q cp) and alpha = exp(-ntu): alpha always belongs to
    // the ntu beside it (also in a new record), so a sweep whose ntu is the last one's keeps it
    double q = 0.0, alpha = 1.0, ntu = 0.0;
    // Its outlet T_out = T_amb + (T_in - T_amb) alpha answers to first order
    // dT_out = alpha dT_in + s dq, with s = dT_out/dq = (T_in - T_amb) alpha NTU / q the slope
    // returned here for the inlet temperature t_in (0 for a link without loss).
    double outlet_flow_slope(double t_in) const {
      return ul > 0 && alpha < 1.0 ? (t_in - t_amb) * alpha * ntu / q : 0.0;
    }
  };
  bool order_by_flow(const Topology& topology);
  bool link_plan(const Topology& topology, const std::vector<unsigned char>& signature);
  bool repair_order(const Topology& topology, const std::vector<unsigned char>& signature);
  void plan_record_constants(const Network& network);
  static void set_record_flow(PlanRecord& r, const ThermalInputs& in);
  // The unplanned sweep's parts (solve), and the ends of link k along its flow.
  bool sweep_with_plan(const Network& network, const fluid::FluidModel& fluid,
                       const ThermalInputs& in, ThermalState& out, double q_eps);
  void record_links(const Network& network, const fluid::FluidModel& fluid,
                    const ThermalInputs& in, ThermalState& out, double q_eps);
  void traverse(const Network& network, const fluid::FluidModel& fluid, const ThermalInputs& in,
                ThermalState& out);
  void solve_flow_cycles(const Network& network, const fluid::FluidModel& fluid,
                         const ThermalInputs& in, ThermalState& out, double q_eps);
  void mean_temperatures(const Network& network, const ThermalInputs& in,
                         ThermalState& out) const;
  // Near-stagnant pipes and nodes (pipe_mean_temperature.hpp): nodes no water flows into
  // take the conduction balance of their pipes, and pipes without heat loss the mean of their
  // advection-conduction profile (continuous as the flow turns).
  void stagnant_node_temperatures(const Network& network, ThermalState& out);
  void report_stagnant_links(const Network& network, const ThermalInputs& in,
                             ThermalState& out) const;
  void lossless_means(const Network& network, const ThermalInputs& in, ThermalState& out);
  static int upstream(const Topology& t, const ThermalInputs& in, int k) {
    return in.link_flow[k] >= 0 ? t.link_from[k] : t.link_to[k];
  }
  static int downstream(const Topology& t, const ThermalInputs& in, int k) {
    return in.link_flow[k] >= 0 ? t.link_to[k] : t.link_from[k];
  }
  void solve_planned(const Network& network, const fluid::FluidModel& fluid,
                     const ThermalInputs& in, ThermalState& out);
  void release_plan();  // keeps plan_order_/plan_position_/plan_T_ (reused when rebuilt)
  std::vector<unsigned char> signature_, signature_now_;  // per link: stagnant/direction/role
  bool plan_valid_ = false;
  bool plan_constants_valid_ = false;
  bool used_plan_ = false;
  std::vector<int> plan_order_;     // nodes in settle order
  std::vector<int> plan_position_;  // per node: its position in plan_order_
  std::vector<int> plan_in_start_, plan_in_link_, plan_in_up_;  // inflow links per position
  std::vector<int> plan_fixed_, plan_stagnant_;  // fixed-outlet and stagnant links
  std::vector<int> plan_fill_;
  std::vector<PlanRecord> plan_rec_;
  std::vector<double> plan_T_;      // per position: temperature of the last sweep
  // per plan position: the mixing state, and whether a fixed (boundary/consumer/source)
  // inflow arrives there
  NodeMixing pos_mix_;
  std::vector<unsigned char> pos_fixed_inflow_;
  std::vector<int> fixed_positions_;  // where pos_fixed_inflow_ is set
  void reset_fixed_inflows(int n);
  void mark_fixed_inflow(int position);
  std::vector<int> repair_stamp_;  // per node: DFS visit marks of repair_order
  int stamp_ = 0;

  // --- near-stagnant pipes and nodes (thermal_stagnant.cpp)
  struct LosslessPipe {
    int pipe;
    double conductance;  // W/K, axial conduction of its water
  };
  std::vector<LosslessPipe> lossless_;  // pipes without heat loss
  bool lossless_valid_ = false;
  std::vector<int> stagnant_nodes_;     // nodes no water flows into, this solve
  std::vector<unsigned char> stagnant_mark_;  // per node: 1 no value yet, 2 has one (work)

  // --- coupling response (tree_response)
  bool tree_link(int position, const ThermalState& state, double& alpha, double& sens,
                 int& parent) const;
  bool mixing_response(int position, const ThermalState& state, const std::vector<double>& change,
                       double& u, double& v, double& w) const;
  void tree_links(const ThermalState& state);
  void fixed_inflow_tree_link(int position, const ThermalState& state);
  std::vector<char> tree_linked_;  // per plan position: joined to its parent (not a cut)
  // per plan position, tree_link of the last sweep (tree_links; sens NaN: a mixing node)
  std::vector<double> tree_alpha_, tree_sens_;
  bool tree_links_valid_ = false;  // for the last sweep (solve clears it, solve_planned sets it)
  // per mixing position of the last sweep: mixing_response's v (NaN: none) and w; per inflow
  // record its share times alpha (mixing_links)
  void mixing_links(const ThermalState& state);
  std::vector<double> mix_v_, mix_w_, mix_weight_;
  bool mixing_links_valid_ = false;
  std::vector<double> tree_residual_, tree_gain_, tree_dT_;
  std::vector<double> response_dT_;  // flow_response, per plan position
};

}  // namespace heatnet::solver
