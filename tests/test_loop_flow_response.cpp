// The two linear responses the coupling step's loop-flow correction is built from
// (solver/loop_flow_correction.cpp), each against finite differences of the nonlinear solve it
// linearises: the link flows' response to the consumers' set flows through the factorised
// Newton system (HydraulicSolver::set_flow_response) against converged hydraulic re-solves,
// and the linearised sweep (ThermalSolver::flow_response) against sweeps at changed flows.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>

#include "network/compiled.hpp"
#include "solver/fluid/fluid_model.hpp"
#include "solver/newton/hydraulic_solver.hpp"
#include "solver/thermal/thermal_solver.hpp"
#include "tests/network_builders.hpp"

using namespace heatnet;
using namespace heatnet::testing;

namespace {
// Supply and return rings fed by a dp-controlled plant at node 0 (holding C2's dp) and a
// fixed-flow plant at node 2, as the realistic benchmark networks are: a change of the
// consumers' flows moves the rings' flows by how the network's resistances split it, and all
// of it comes from the dp-controlled plant.
NetworkDefinition two_plant_ring() {
  auto d = empty_network();
  for (int i = 0; i < 4; ++i) {
    add_node(d, "S" + std::to_string(i));
    add_node(d, "R" + std::to_string(i));
  }
  const double length[4] = {300.0, 450.0, 250.0, 380.0};
  for (int i = 0; i < 4; ++i) {
    const std::string a = std::to_string(i), b = std::to_string((i + 1) % 4);
    add_pipe(d, "PS" + a, "S" + a, "S" + b, length[i], 0.08, 0.05);
    add_pipe(d, "PR" + a, "R" + b, "R" + a, length[i], 0.08, 0.05);
  }
  add_consumer_kW(d, "C1", "S1", "R1", 300.0, 45.0);
  add_consumer_kW(d, "C2", "S2", "R2", 250.0, 45.0);
  add_consumer_kW(d, "C3", "S3", "R3", 150.0, 45.0);
  add_source_dp(d, "PLANT1", "S0", "R0", 90.0, 3.0, 1.0);
  d.sources.back().pump.type = SourcePumpType::dp_control;
  d.sources.back().pump.consumer = "C2";
  add_source_dp(d, "PLANT2", "S2", "R2", 88.0, 3.0, 0.0);
  d.sources.back().return_pressure_bar.reset();
  d.sources.back().pump.type = SourcePumpType::fixed_flow;
  d.sources.back().pump.mass_flow_kg_s = 1.0;
  return d;
}

// The hydraulic parameters the engine would set (SolverEngine::update_parameters and
// update_consumer_flows) for constant water and the given set flows. C1's and C2's valves
// pass their set flows at 0.2 bar, so with 1 bar held at C2 they throttle; C3's would need 3
// bar: its open valve limits it, its flow follows the dp the plants' pumps hold.
solver::HydraulicParameters parameters(const Network& net, const solver::HydraulicSolver& hs,
                                       const std::vector<double>& set_flow) {
  const fluid::FluidModel water(net.settings().fluid);
  const double rho = water.density(80.0, 4e5), mu = water.dynamic_viscosity(80.0, 4e5);
  solver::HydraulicParameters p;
  p.pipe.assign(net.pipe_count(), {rho, mu});
  p.link_density.assign(hs.link_count(), rho);
  p.demand.assign(net.node_count(), 0.0);
  const SourceData& s = net.sources();
  for (int i = 0; i < net.source_count(); ++i) {
    if (s.pump_type[i] != SourcePumpType::fixed_flow) continue;
    p.demand[s.supply_node[i]] -= s.pump_mass_flow_kg_s[i];
    p.demand[s.return_node[i]] += s.pump_mass_flow_kg_s[i];
  }
  p.consumer_set_flow = set_flow;
  const double design_flow[3] = {2.0, 1.6, 0.9}, valve_dp[3] = {0.2e5, 0.2e5, 3e5};
  for (int c = 0; c < 3; ++c)
    p.consumer_conductance.push_back(design_flow[c] / std::sqrt(valve_dp[c]));
  p.supply_offset.assign(net.source_count(), 0.0);
  return p;
}

std::vector<double> solved_flows(const Network& net, solver::HydraulicSolver& hs,
                                 const std::vector<double>& set_flow,
                                 solver::HydraulicState& state) {
  const solver::HydraulicParameters p = parameters(net, hs, set_flow);
  if (!state.initialised) hs.initialise(net, p, state);
  solver::NewtonSettings ns;
  ns.tolerance = 1e-13;
  SolveReport report;
  REQUIRE(hs.solve(net, ns, p, state, report) == solver::NewtonOutcome::converged);
  return state.q;
}
}  // namespace

TEST_CASE("the link flows' response to the set flows is the derivative of hydraulic re-solves",
          "[coupling][loop_flows]") {
  const Network net = Network::build(two_plant_ring());
  solver::HydraulicSolver hs(net, LinearBackend::automatic);
  const std::vector<double> set{2.0, 1.6, 0.9};
  solver::HydraulicState state;
  const std::vector<double> q0 = solved_flows(net, hs, set, state);
  const std::vector<double> dset{0.12, -0.05, 0.08};
  std::vector<double> dq;
  REQUIRE(hs.set_flow_response(net, parameters(net, hs, set), state, dset, dq));
  // central differences of converged re-solves
  const double h = 1e-3;
  auto at = [&](double f) {
    std::vector<double> s = set;
    for (std::size_t c = 0; c < s.size(); ++c) s[c] += f * dset[c];
    solver::HydraulicState st = state;
    return solved_flows(net, hs, s, st);
  };
  const std::vector<double> up = at(h), down = at(-h);
  const Topology& t = net.topology();
  const auto& hidx = hs.hydraulic_index();
  double largest = 0;
  for (int k = 0; k < hs.link_count(); ++k) {
    const double fd = (up[k] - down[k]) / (2 * h);
    INFO("link " << k << ": flow " << q0[k] << ", response " << dq[k] << ", re-solves " << fd);
    CHECK(dq[k] == Approx(fd).margin(1e-6));
    largest = std::max(largest, std::abs(fd));
  }
  // the throttling consumers follow their set flows, the valve-limited one the dp held at C2
  // (through the plant's pump: the border); the supply ring's flows move by the split
  const int c3 = hidx[t.consumer_offset + 2];
  REQUIRE(q0[c3] < 0.9 * set[2]);
  CHECK(std::abs(dq[c3]) > 1e-4);
  for (int c = 0; c < 2; ++c)
    CHECK(dq[hidx[t.consumer_offset + c]] == Approx(dset[c]).epsilon(1e-6));
  const int ring = hidx[t.pipe_offset + net.pipe_index("PS2")];
  CHECK(std::abs(dq[ring]) > 0.005);  // not a tree: the loop's share of the change
  CHECK(largest > 0.05);
}

TEST_CASE("the linearised sweep is the sweep's derivative in the link flows",
          "[thermal][coupling][loop_flows]") {
  // a loop whose two branches mix at S1, a consumer on each, a plant; constant cp
  auto d = empty_network(constant_fluid(977.8, 3.7e-7, 4182.0));
  d.settings.ambient_temperature_C = 8.0;
  for (const char* id : {"S0", "SA", "S1", "R1", "RA", "R0"}) add_node(d, id);
  add_pipe(d, "PA", "S0", "S1", 900.0, 0.08, 0.05, 0.5);
  add_pipe(d, "PB1", "S0", "SA", 300.0, 0.05, 0.05, 0.4);
  add_pipe(d, "PB2", "SA", "S1", 500.0, 0.05, 0.05, 0.6);
  add_pipe(d, "PR1", "R1", "R0", 900.0, 0.08, 0.05, 0.3);
  add_pipe(d, "PRA", "RA", "R0", 300.0, 0.05, 0.05, 0.3);
  add_consumer_kW(d, "C1", "S1", "R1", 60.0, 45.0);
  add_consumer_kW(d, "CA", "SA", "RA", 30.0, 40.0);
  add_source_dp(d, "PLANT", "S0", "R0", 90.0, 2.0, 1.0);
  const Network net = Network::build(d);
  const Topology& t = net.topology();
  const fluid::FluidModel fluid(net.settings().fluid);
  auto pipe = [&](const char* id) { return t.pipe_offset + net.pipe_index(id); };
  const int c1 = t.consumer_offset + net.consumer_index("C1");
  const int ca = t.consumer_offset + net.consumer_index("CA");
  const int plant = t.source_offset + net.source_index("PLANT");
  std::vector<double> q(t.link_count(), 0.0), dq(t.link_count(), 0.0);
  q[pipe("PA")] = 0.3, dq[pipe("PA")] = 0.01;
  q[pipe("PB1")] = 0.25, dq[pipe("PB1")] = -0.004;
  q[pipe("PB2")] = 0.05, dq[pipe("PB2")] = 0.002;
  q[c1] = 0.35, dq[c1] = 0.012;
  q[ca] = 0.2, dq[ca] = -0.006;
  q[pipe("PR1")] = 0.35, dq[pipe("PR1")] = 0.012;
  q[pipe("PRA")] = 0.2, dq[pipe("PRA")] = -0.006;
  q[plant] = 0.55, dq[plant] = 0.006;
  auto inputs = [&](double f) {
    solver::ThermalInputs in;
    in.link_flow = q;
    for (int k = 0; k < t.link_count(); ++k) in.link_flow[k] += f * dq[k];
    in.pipe_cp.assign(net.pipe_count(), 4182.0);
    in.prepared = true;
    return in;
  };
  auto swept = [&](double f) {
    solver::ThermalState st;
    solver::ThermalSolver(net).solve(net, fluid, inputs(f), st);
    return st.node_T;
  };
  solver::ThermalSolver thermal(net);
  solver::ThermalState state;
  const solver::ThermalInputs in = inputs(0.0);
  thermal.solve(net, fluid, in, state);
  thermal.solve(net, fluid, in, state);  // with a plan
  std::vector<double> dT;
  REQUIRE(thermal.flow_response(net, state, in, dq, dT));
  const double h = 1e-3;
  const std::vector<double> up = swept(h), down = swept(-h);
  for (int i = 0; i < net.node_count(); ++i) {
    const double fd = (up[i] - down[i]) / (2 * h);
    INFO(net.nodes().id[i] << ": T " << state.node_T[i] << ", response " << dT[i]
                           << " K, sweeps " << fd << " K");
    CHECK(dT[i] == Approx(fd).epsilon(1e-5).margin(1e-9));
  }
  // the mixing node moves: both branches' flows and losses change
  CHECK(std::abs(dT[net.node_index("S1")]) > 0.1);
}
