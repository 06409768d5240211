// Dynamic temperatures: plug flow (Lagrangian parcels) in every pipe (docs/time-series.md §6).
//
// Model (state it once, here):
//  * Each pipe holds a fixed mass of water M = rho(T0) A L (rho at the pipe's mean temperature
//    of the initial steady state; the thermal expansion of the water inside a pipe, < 3 %, is
//    neglected) as a queue of parcels ordered from its `from` end to its `to` end. A parcel has
//    a mass, the temperature T0 it entered with and the entry times of its two ends (linear in
//    mass in between: water enters at a uniform rate during a step).
//  * A parcel cools towards the pipe's ambient temperature with its residence time t:
//      T = T_amb + (T0 - T_amb) exp(-c t),   c = U / (m' cp),   m' = M / L (kg/m)
//    (U in W/mK; m' cp is the heat capacity of the water per metre; cp at the pipe's initial
//    mean temperature). A piece of water leaving the pipe has its residence time linear in mass,
//    so its mean temperature is exact: T_amb + (T0 - T_amb) mean(exp(-c t)) in closed form.
//    With a steady flow m the outflow is exactly the steady law T_amb + (T_in - T_amb)
//    exp(-U L / (m cp)), and a front at the inlet arrives after exactly M / m.
//  * Per step of length dt with mass flow q (from the quasi-static hydraulic solve): the inlet
//    node's mixed water is pushed in (|q| dt kg, one parcel) and the same mass is popped at the
//    outlet; the outlet temperature reported is the mass-weighted mean of what left during the
//    step. Reverse flow: parcels leave by the other end. Zero flow: parcels stay and cool.
//  * Energy: a pipe's heat loss over a step is the enthalpy balance of its water,
//      loss = E(t) + H_in - H_out - E(t + dt),   E = sum(parcel mass * h(mean parcel T)),
//    so stored heat + losses + delivered = supplied holds to round-off for the network.
//  * Memory: a pipe holds at most `max_parcels` parcels; beyond that the two adjacent parcels
//    with the closest temperatures are merged (enthalpy-conserving). A merged parcel forgets
//    the temperature profile inside it: that is numerical diffusion of the front, of the order
//    of the merged parcels' mass, and it only appears when a pipe's transit time exceeds
//    max_parcels steps.
//  * Ambient temperature (soil profile) or loss coefficient changes between steps: the parcels of that pipe are
//    re-based (T0 := their current mean temperature, age 0); the profile inside each parcel is
//    flattened (second order in c dt, ~1e-3 K for an hourly step).
//  * Pumps and valves are adiabatic and store nothing; nodes mix perfectly and store nothing.
//    Consumers return water at their return temperature, sources supply at their set point.
//  * Node order: the flow-directed graph of pipes, pumps and valves in topological order
//    (Kahn). Nodes on directed cycles (circulation through booster pumps; rare) are solved by
//    Gauss-Seidel sweeps on their mixed enthalpy with tentative pipe transfers (converged to
//    1e-6 J/kg, max 200 sweeps), then the transfers are committed.
#pragma once
#include <deque>
#include <vector>

#include "heatnet/network.hpp"
#include "heatnet/result.hpp"
#include "solver/fluid/fluid_model.hpp"

namespace heatnet::solver {

// Energy of one step, J (sources + boundary = delivered + lost + stored_change).
struct PlugFlowStep {
  double supplied_J = 0;       // sources: q (h_supply - h_return node)
  double delivered_J = 0;      // consumers: q (h_supply node - h_return)
  double lost_J = 0;           // pipes: to the ground
  double boundary_J = 0;       // net enthalpy entering through pressure nodes / node demands
  double stored_change_J = 0;  // water in the pipes, end - start
  int cyclic_nodes = 0;        // nodes solved by the cycle sweeps
  double imbalance_rel() const;  // |supplied + boundary - delivered - lost - stored| / scale
};

class PlugFlowModel {
 public:
  struct Parcel {
    double mass = 0;     // kg
    double T0 = 0;       // degC, temperature at entry (or at the last re-base)
    double t_from = 0;   // s, entry time of the water at the parcel's `from`-side end
    double t_to = 0;     // s, entry time at its `to`-side end
  };

  // Fills every pipe with the steady profile of `steady` (its pipe flows and inlet
  // temperatures: a single parcel whose entry times make the outflow the steady law) at
  // time_s. Stagnant pipes start at their ambient temperature.
  PlugFlowModel(const Network& network, const Solution& steady, double time_s, int max_parcels);

  // Advances [time, time + dt] with the link flows of `step` (this step's hydraulic solution)
  // and the network's current parameters (supply and return temperatures, ambient, demands).
  // Overwrites the temperature, heat and heat-loss fields of `step` with the dynamic values
  // (interval means) and its summary energy figures.
  PlugFlowStep advance(const Network& network, Solution& step, double dt_s);

  double time_s() const { return time_; }
  // Mixed node temperatures of the last step (interval means), degC.
  const std::vector<double>& node_temperature() const { return node_T_; }
  // Enthalpy of the water in all pipes (relative to 0 degC), J.
  double stored_heat_J() const;
  std::size_t parcel_count() const;
  const std::deque<Parcel>& parcels(int pipe) const { return pipes_[pipe].parcels; }

 private:
  struct PipeState {
    std::deque<Parcel> parcels;  // front: `from` end, back: `to` end
    double mass = 0;             // kg, water in the pipe
    double c = 0;                // 1/s, decay constant U / (m' cp)
    double u = 0;                // W/mK, heat-loss coefficient c was made with
    double capacity = 0;         // J/mK, m' cp
    double ambient = 0;          // degC, since the last re-base
    double energy = 0;           // J, at time_
  };
  struct Transfer {
    double h_out = 0;   // J/kg, mean enthalpy of the water that left
    double mass = 0;    // kg
  };
  double parcel_T(const PipeState& p, const Parcel& x, double now) const;
  double pipe_energy(const PipeState& p, double now) const;
  // Push `mass` at enthalpy h_in into the upstream end (forward: `from`) over [t, t+dt], pop
  // the same mass at the other end; merges parcels beyond the cap.
  Transfer transfer(PipeState& p, bool forward, double mass, double h_in, double t, double dt) const;
  void merge_excess(PipeState& p, double now) const;
  void rebase(PipeState& p, double ambient, double now) const;
  // advance's parts
  void load_flows(const Network& network, const Solution& sol);
  void rebase_changed_pipes(const Network& network, double t0);
  void known_inflows(const Network& network);
  double fixed_outlet_h(const Network& network, int k) const;
  void send(const Network& network, int k, double h_up, double t0, double dt);
  void sweep_in_order(const Network& network, double t0, double dt);
  int sweep_cycles(const Network& network, double t0, double dt);
  double pipe_results(const Network& network, Solution& sol, PlugFlowStep& step, double t1,
                      double dt);
  double element_results(const Network& network, Solution& sol) const;
  // the ends of link k along this step's flow
  int upstream(const Topology& t, int k) const;
  int downstream(const Topology& t, int k) const;
  double h(double t_C) const { return fluid_.enthalpy(fluid_.clamp_temperature(t_C)); }
  double T(double h_J_kg) const { return fluid_.temperature_from_enthalpy(h_J_kg); }

  fluid::FluidModel fluid_;
  std::vector<PipeState> pipes_;
  std::vector<double> node_h_, node_T_;
  double time_ = 0;
  int max_parcels_ = 64;
  // work arrays
  std::vector<double> flow_, inflow_, inflow_h_, boundary_, pressure_T_;
  // per pipe over the step: enthalpy in / out (J), mean inlet / outlet temperature (NaN: stagnant)
  std::vector<double> pipe_H_in_, pipe_H_out_, pipe_T_in_, pipe_T_out_;
  std::vector<int> indegree_, queue_;
  std::vector<char> done_;
};

}  // namespace heatnet::solver
