// The thermal solver's planned sweep (solver/thermal/thermal_plan.cpp): a sweep through a kept
// (or locally repaired) plan must reproduce a fresh solve, which orders the nodes anew, exactly:
// same node, link and pipe mean temperatures for the same flows, including reversed pipes, a
// stagnant dead end, consumers, a plant and boundary inflows. The traversal for flow cycles is
// checked against a closed form.
#include <catch2/catch.hpp>
#include <cmath>

#include "solver/fluid/fluid_model.hpp"
#include "solver/thermal/thermal_solver.hpp"
#include "tests/network_builders.hpp"
#include "network/compiled.hpp"

using namespace heatnet;
using namespace heatnet::testing;

namespace {
constexpr double kCp = 4182.0;

NetworkDefinition branched() {
  auto d = empty_network(constant_fluid(977.8, 3.7e-7, kCp));
  d.settings.ambient_temperature_C = 8.0;
  for (const char* id : {"S0", "S1", "S2", "S3", "S4", "R0", "R1", "R2", "R3"}) add_node(d, id);
  add_pipe(d, "PS01", "S0", "S1", 400.0, 0.1, 0.05, 0.4);
  add_pipe(d, "PS12", "S1", "S2", 300.0, 0.08, 0.05, 0.4);
  add_pipe(d, "PS31", "S3", "S1", 250.0, 0.08, 0.05, 0.4);  // flow runs S1 -> S3 (negative)
  add_pipe(d, "PS34", "S3", "S4", 100.0, 0.05, 0.05, 0.4);  // dead end: stagnant
  add_pipe(d, "PR10", "R1", "R0", 400.0, 0.1, 0.05, 0.3);
  add_pipe(d, "PR21", "R2", "R1", 300.0, 0.08, 0.05, 0.3);
  add_pipe(d, "PR31", "R3", "R1", 250.0, 0.08, 0.05, 0.0);  // no loss
  add_consumer_kW(d, "C2", "S2", "R2", 100.0, 50.0);
  add_consumer_kW(d, "C3", "S3", "R3", 200.0, 45.0);
  add_source_dp(d, "PLANT", "S0", "R0", 90.0, 2.0, 1.0);
  return d;
}

// The branched network's thermal inputs at the given flows (kg/s) of its supply pipes PS01,
// PS12, PS31, PS34, return pipes PR10, PR21, PR31, consumers C2, C3 and the plant; cp kCp, a
// boundary inflow of 0.5 kg/s at 60 degC at S3.
struct BranchedFlows {
  double ps01, ps12, ps31, ps34, pr10, pr21, pr31, c2, c3, plant;
};

solver::ThermalInputs branched_inputs(const Network& net, const fluid::FluidModel& fluid,
                                      const BranchedFlows& f) {
  const Topology& t = net.topology();
  solver::ThermalInputs in;
  in.link_flow.assign(t.link_count(), 0.0);
  auto pipe = [&](const char* id) { return t.pipe_offset + net.pipe_index(id); };
  in.link_flow[pipe("PS01")] = f.ps01;
  in.link_flow[pipe("PS12")] = f.ps12;
  in.link_flow[pipe("PS31")] = f.ps31;
  in.link_flow[pipe("PS34")] = f.ps34;
  in.link_flow[pipe("PR10")] = f.pr10;
  in.link_flow[pipe("PR21")] = f.pr21;
  in.link_flow[pipe("PR31")] = f.pr31;
  in.link_flow[t.consumer_offset + net.consumer_index("C2")] = f.c2;
  in.link_flow[t.consumer_offset + net.consumer_index("C3")] = f.c3;
  in.link_flow[t.source_offset + net.source_index("PLANT")] = f.plant;
  in.pipe_cp.assign(net.pipe_count(), kCp);
  in.boundary_inflows.push_back({net.node_index("S3"), 0.5, 0.5 * fluid.enthalpy(60.0), false});
  return in;
}

void check_same(const std::vector<double>& a, const std::vector<double>& b, const char* what) {
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO(what << "[" << i << "]");
    CHECK(a[i] == Approx(b[i]).margin(1e-12));
  }
}
}  // namespace

TEST_CASE("a sweep through a kept or repaired plan reproduces a fresh solve", "[thermal][plan]") {
  const Network net = Network::build(branched());
  const Topology& t = net.topology();
  const fluid::FluidModel fluid(net.settings().fluid);
  // PS34 is a stagnant dead end; water enters from outside at S3 (60 degC) and as neutral
  // make-up at R0
  solver::ThermalInputs in =
      branched_inputs(net, fluid, {3.0, 1.0, -2.0, 0.0, 3.5, 1.0, 2.5, 1.0, 2.5, 3.0});
  in.boundary_inflows.push_back({net.node_index("R0"), 0.2, 0.0, true});
  in.prepared = true;
  auto pipe = [&](const char* id) { return t.pipe_offset + net.pipe_index(id); };

  solver::ThermalSolver fresh_solver(net), planned(net);
  solver::ThermalState a, b;
  fresh_solver.solve(net, fluid, in, a);  // orders the nodes for these flows
  CHECK_FALSE(fresh_solver.used_plan());
  planned.solve(net, fluid, in, b);  // makes the plan
  planned.solve(net, fluid, in, b);  // uses it
  CHECK(planned.used_plan());
  check_same(a.node_T, b.node_T, "node_T");
  check_same(a.link_T_in, b.link_T_in, "link_T_in");
  check_same(a.link_T_out, b.link_T_out, "link_T_out");
  check_same(a.pipe_T_mean, b.pipe_T_mean, "pipe_T_mean");
  // the temperatures are the model's, not just equal: S2 is fed by PS12 alone
  const double t1 = a.node_T[net.node_index("S1")];
  const double t2 = 8.0 + (t1 - 8.0) * std::exp(-0.4 * 300.0 / (1.0 * kCp));
  CHECK(a.node_T[net.node_index("S2")] == Approx(t2).epsilon(1e-12));

  // After a change of the flows the kept plan is repaired in place (repair_order) and must
  // give what a fresh solve gives.
  auto check_repaired = [&](const char* what) {
    INFO(what);
    solver::ThermalState repaired, fresh;
    planned.solve(net, fluid, in, repaired);
    CHECK(planned.used_plan());
    solver::ThermalSolver(net).solve(net, fluid, in, fresh);
    check_same(fresh.node_T, repaired.node_T, "node_T");
    check_same(fresh.link_T_in, repaired.link_T_in, "link_T_in");
    check_same(fresh.link_T_out, repaired.link_T_out, "link_T_out");
    check_same(fresh.pipe_T_mean, repaired.pipe_T_mean, "pipe_T_mean");
  };
  // The stagnant dead end starts to flow: its node settled first (no inflow) and must now come
  // after S3.
  in.link_flow[pipe("PS34")] = 0.3;
  check_repaired("the dead end starts to flow");
  // A reversed branch (S2 now feeds S1): S2 must move before S1.
  in.link_flow[pipe("PS12")] = -1.0;
  check_repaired("a reversal");
}

TEST_CASE("a flow cycle is solved by the traversal's linear system, against a closed form",
          "[thermal][plan]") {
  // A -> B -> C -> A circulates 1.5 kg/s; 0.5 kg/s enters A at 80 degC (ambient 0 degC), so
  // with constant cp: T_A = (0.5 * 80 + 1.5 * a1 a2 a3 T_A) / 2, T_B = a1 T_A, T_C = a1 a2 T_A,
  // a_i = exp(-U L / (m cp)). No settle order exists: no plan, cyclic nodes solved together.
  auto d = empty_network(constant_fluid(977.8, 3.7e-7, kCp));
  d.settings.ambient_temperature_C = 0.0;
  for (const char* id : {"A", "B", "C"}) add_node(d, id);
  add_pipe(d, "AB", "A", "B", 500.0, 0.1, 0.05, 0.5);
  add_pipe(d, "BC", "B", "C", 700.0, 0.1, 0.05, 0.5);
  add_pipe(d, "CA", "C", "A", 900.0, 0.1, 0.05, 0.5);
  add_pressure(d, "A", 3.0);
  const Network net = Network::build(d);
  const Topology& t = net.topology();
  const fluid::FluidModel fluid(net.settings().fluid);
  solver::ThermalInputs in;
  in.link_flow.assign(t.link_count(), 0.0);
  in.link_flow[t.pipe_offset + 0] = 2.0;
  in.link_flow[t.pipe_offset + 1] = 2.0;
  in.link_flow[t.pipe_offset + 2] = 1.5;
  in.pipe_cp.assign(3, kCp);
  in.boundary_inflows.push_back({net.node_index("A"), 0.5, 0.5 * fluid.enthalpy(80.0), false});
  in.prepared = true;
  solver::ThermalSolver thermal(net);
  solver::ThermalState s;
  thermal.solve(net, fluid, in, s);
  CHECK_FALSE(thermal.used_plan());
  CHECK(s.cyclic_nodes == 3);
  const double a1 = std::exp(-0.5 * 500.0 / (2.0 * kCp)), a2 = std::exp(-0.5 * 700.0 / (2.0 * kCp)),
               a3 = std::exp(-0.5 * 900.0 / (1.5 * kCp));
  const double ta = 40.0 / (2.0 - 1.5 * a1 * a2 * a3);
  CHECK(s.node_T[net.node_index("A")] == Approx(ta).epsilon(1e-12));
  CHECK(s.node_T[net.node_index("B")] == Approx(a1 * ta).epsilon(1e-12));
  CHECK(s.node_T[net.node_index("C")] == Approx(a1 * a2 * ta).epsilon(1e-12));
  // solved again with the same flows: still no plan, same answer
  solver::ThermalState again;
  thermal.solve(net, fluid, in, again);
  CHECK_FALSE(thermal.used_plan());
  CHECK(again.node_T[net.node_index("A")] == Approx(ta).epsilon(1e-12));
}

// The coupling response through a mixing node (ThermalSolver::tree_response with
// through_mixing): S1 mixes a direct pipe and a two-pipe branch from the plant. Its model is the
// frozen split: a flow change F of what S1 feeds divides over its inflows in proportion to their
// flows. For a consumer residual r and gain k (F = r + k dT_S1) the prediction must be that
// model's linearised fixed point: the sweep itself, run at the flows the prediction implies,
// moves S1 by the predicted dT (to second order in F). Exact where the inflows' upstream nodes
// move alike, as the leaves-first pass takes them to: without feedback (k = 0) through a lossy
// branch, with feedback where the branch's first pipe is lossless (SA does not move). As a cut
// S1 does not move.
TEST_CASE("the coupling response through a mixing node is the frozen split's linearisation",
          "[thermal][plan][coupling]") {
  for (const double k : {0.0, -0.02}) {
  const double branch_loss = k == 0.0 ? 0.4 : 0.0;
  auto d = empty_network(constant_fluid(977.8, 3.7e-7, kCp));
  d.settings.ambient_temperature_C = 8.0;
  for (const char* id : {"S0", "SA", "S1", "R1", "R0"}) add_node(d, id);
  add_pipe(d, "PA", "S0", "S1", 900.0, 0.08, 0.05, 0.5);
  add_pipe(d, "PB1", "S0", "SA", 300.0, 0.05, 0.05, branch_loss);
  add_pipe(d, "PB2", "SA", "S1", 500.0, 0.05, 0.05, 0.6);
  add_pipe(d, "PR", "R1", "R0", 900.0, 0.08, 0.05, 0.3);
  add_consumer_kW(d, "C", "S1", "R1", 200.0, 45.0);
  add_source_dp(d, "PLANT", "S0", "R0", 90.0, 2.0, 1.0);
  const Network net = Network::build(d);
  const Topology& t = net.topology();
  const fluid::FluidModel fluid(net.settings().fluid);
  auto pipe = [&](const char* id) { return t.pipe_offset + net.pipe_index(id); };
  const double qa = 0.3, qb = 0.05;  // slow flows: the pipes' outlets depend on them
  auto inputs = [&](double f) {  // the frozen split of a flow change f at S1
    const double scale = 1.0 + f / (qa + qb);
    solver::ThermalInputs in;
    in.link_flow.assign(t.link_count(), 0.0);
    in.link_flow[pipe("PA")] = qa * scale;
    in.link_flow[pipe("PB1")] = qb * scale;
    in.link_flow[pipe("PB2")] = qb * scale;
    in.link_flow[pipe("PR")] = (qa + qb) * scale;
    in.link_flow[t.consumer_offset + net.consumer_index("C")] = (qa + qb) * scale;
    in.link_flow[t.source_offset + net.source_index("PLANT")] = (qa + qb) * scale;
    in.pipe_cp.assign(net.pipe_count(), kCp);
    in.prepared = true;
    return in;
  };
  const int s1 = net.node_index("S1");
  auto swept_T = [&](double f) {
    solver::ThermalSolver solver(net);
    solver::ThermalState st;
    solver.solve(net, fluid, inputs(f), st);
    return st.node_T[s1];
  };
  solver::ThermalSolver thermal(net);
  solver::ThermalState state;
  thermal.solve(net, fluid, inputs(0.0), state);
  thermal.solve(net, fluid, inputs(0.0), state);  // with a plan
  const double t0 = state.node_T[s1];
  REQUIRE(t0 < 89.0);  // the branches lose heat: S1 depends on the flows
  const std::vector<int> nodes{s1};
  {
    const double r = 1e-4 * (qa + qb);
    std::vector<double> predicted;
    REQUIRE(thermal.tree_response(state, nodes, std::vector<double>{r}, std::vector<double>{k},
                                  predicted, true));
    const double dT = predicted[s1] - t0;
    const double f = r + k * dT;
    INFO("k " << k << ": predicted dT " << dT << " K at F " << f << " kg/s");
    CHECK(dT > 0);  // more flow, less cooling
    CHECK(dT == Approx(swept_T(f) - t0).epsilon(1e-3));
    REQUIRE(thermal.tree_response(state, nodes, std::vector<double>{r}, std::vector<double>{k},
                                  predicted, false));
    CHECK(predicted[s1] == t0);  // a cut
  }
  }
}

TEST_CASE("the tree links the planned sweep makes as it goes are those of a separate pass",
          "[thermal][plan]") {
  // The coupling step's prediction (tree_response) reads per plan position the single
  // inflow's decay and outlet slope. The planned sweep fills them in its own pass; after
  // release_tree_work they come from tree_links' pass over the plan. Both must predict the same
  // temperatures, bit for bit: S2 and S1 hang on single pipes, S3 mixes its pipe with a fixed
  // inflow, R1 mixes two pipes.
  const Network net = Network::build(branched());
  const fluid::FluidModel fluid(net.settings().fluid);
  // PS34 flowing: no stagnant node (that case takes the separate pass)
  solver::ThermalInputs in =
      branched_inputs(net, fluid, {3.3, 1.0, -2.3, 0.3, 3.8, 1.0, 2.8, 1.0, 2.5, 3.3});
  in.prepared = true;

  solver::ThermalSolver solver(net);
  solver::ThermalState state;
  solver.solve(net, fluid, in, state);
  const std::vector<int> consumer_node = {net.node_index("S2"), net.node_index("S4")};
  const std::vector<double> residual = {0.05, -0.02}, gain = {-0.01, -0.03};
  for (bool through_mixing : {false, true}) {
    INFO("through mixing nodes: " << through_mixing);
    std::vector<double> from_sweep, from_pass;
    REQUIRE(solver.tree_response(state, consumer_node, residual, gain, from_sweep, through_mixing));
    solver.release_tree_work();
    REQUIRE(solver.tree_response(state, consumer_node, residual, gain, from_pass, through_mixing));
    REQUIRE(from_sweep.size() == from_pass.size());
    for (std::size_t i = 0; i < from_sweep.size(); ++i) {
      INFO("node " << i);
      CHECK(from_sweep[i] == from_pass[i]);
    }
    // and the prediction moves the temperatures (the residuals are not lost on the way)
    CHECK(from_sweep[net.node_index("S2")] != state.node_T[net.node_index("S2")]);
    solver.solve(net, fluid, in, state);  // a sweep again for the next mode
  }
}
