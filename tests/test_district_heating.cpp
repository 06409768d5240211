// District-heating physics on small supply/return networks. Every solved network is checked
// for mass balance at every node (recomputed from the result datasets) and for the energy
// balance source heat = consumer heat + pipe losses, computed here from the datasets
// (not the solver's own summary).
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <csignal>
#include <numbers>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "heatnet/solve.hpp"
#include "solver/fluid/fluid_model.hpp"
#include "solver/fluid/water_iapws.hpp"
#include "solver/physics/link_laws.hpp"
#include "tests/network_builders.hpp"
#include "tests/reference_hydraulics.hpp"
#include "solver/coupling_oscillations.hpp"
#include "network/compiled.hpp"

using namespace heatnet;
using namespace heatnet::testing;

namespace {
constexpr double kCp = 4186.0;
constexpr double kRho = 971.8;

FluidDefinition dh_fluid() { return constant_fluid(kRho, 3.6e-7, kCp); }

double sum(const Result& r, const char* path) {
  double s = 0;
  for (double v : r.dataset(path).data) s += v;
  return s;
}

// Ring of n positions: supply nodes S0..S(n-1) joined in a loop, return nodes R0..R(n-1) in a
// loop, consumers C1..C(n-1) from Si to Ri, a fixed_dp plant at position 0 (supply S0,
// return R0). Lossy pipes (U = 0.35 W/mK), ambient 8 degC.
NetworkDefinition dh_ring(FluidDefinition fluid, int n = 6, double kw = 400.0,
                          double t_supply = 90.0) {
  auto d = empty_network(fluid);
  d.name = "ring";
  d.settings.ambient_temperature_C = 8.0;
  d.settings.tolerance_mass_flow_rel = 1e-12;
  d.settings.tolerance_temperature_K = 1e-10;
  for (int i = 0; i < n; ++i) add_node(d, "S" + std::to_string(i));
  for (int i = 0; i < n; ++i) add_node(d, "R" + std::to_string(i));
  for (int i = 0; i < n; ++i) {
    const int j = (i + 1) % n;
    const double len = 300.0 + 60.0 * i;
    const double dia = i % 2 ? 0.15 : 0.2;
    add_pipe(d, "PS" + std::to_string(i), "S" + std::to_string(i), "S" + std::to_string(j), len,
             dia, 0.05, 0.35);
    add_pipe(d, "PR" + std::to_string(i), "R" + std::to_string(j), "R" + std::to_string(i), len,
             dia, 0.05, 0.35);
  }
  for (int i = 1; i < n; ++i)
    add_consumer_kW(d, "C" + std::to_string(i), "S" + std::to_string(i), "R" + std::to_string(i),
                    kw * (1.0 + 0.2 * i), 50.0);
  add_source_dp(d, "PLANT", "S0", "R0", t_supply, 2.0, 3.0);
  return d;
}

void check_balances(const NetworkDefinition& d, const Result& r, bool constant_cp = true) {
  // Nodes whose pressure is held (pressure nodes, plant return nodes) may exchange make-up
  // water with the outside; with a single pressure reference that exchange must vanish.
  int held = static_cast<int>(d.pressure_nodes.size());
  for (const auto& s : d.sources)
    held += s.pump.type != SourcePumpType::fixed_flow && s.return_pressure_bar.has_value();
  const auto imb = node_imbalance(d, r);
  const double scale = flow_scale(r);
  double makeup = 0, makeup_heat = 0;
  for (std::size_t i = 0; i < d.nodes.size(); ++i) {
    if (held > 1 && is_boundary_node(d, d.nodes[i].id)) {
      makeup += imb[i];  // > 0: enters here (at the node's temperature)
      makeup_heat += imb[i] * kCp * r.dataset("nodes/temperature").data[i];
      continue;
    }
    INFO("node " << d.nodes[i].id);
    CHECK(std::abs(imb[i]) <= 1e-9 * scale);
  }
  CHECK(std::abs(makeup) <= 1e-9 * scale);  // what enters at one held node leaves at another
  if (!constant_cp) REQUIRE(held == 1);     // (h = cp T below only for constant cp)
  const double supplied = sum(r, "sources/heat");
  const double delivered = sum(r, "consumers/heat");
  const double losses = sum(r, "pipes/heat_loss");
  INFO("supplied " << supplied << " W, delivered " << delivered << " W, losses " << losses
                   << " W, make-up " << makeup_heat << " W");
  CHECK(losses > 0);
  CHECK(supplied + makeup_heat == Approx(delivered + losses).epsilon(1e-6));
  CHECK(r.summaries().back().energy_balance_rel <= 1e-6);
}

double temperature_at(const NetworkDefinition& d, const Result& r, const std::string& node) {
  for (std::size_t i = 0; i < d.nodes.size(); ++i)
    if (d.nodes[i].id == node) return r.dataset("nodes/temperature").data[i];
  return std::nan("");
}
}  // namespace

TEST_CASE("DH ring: energy and mass balance, constant properties and IAPWS water",
          "[district_heating]") {
  for (bool water : {false, true}) {
    const auto d = dh_ring(water ? water_iapws() : dh_fluid());
    Result r = solve(Network::build(d));
    INFO("water " << water << "\n" << r.report().full());
    REQUIRE(r.converged());
    check_balances(d, r, !water);
    // every consumer gets its demand
    const auto& heat = r.dataset("consumers/heat").data;
    for (std::size_t i = 0; i < d.consumers.size(); ++i)
      CHECK(heat[i] == Approx(*d.consumers[i].heat_demand_kW * 1e3).epsilon(1e-9));
  }
}

TEST_CASE("consumer flow follows its heat demand: m = Q / (h(Ts) - h(Tr))", "[district_heating]") {
  SECTION("constant cp: m = Q / (cp dT)") {
    const auto d = dh_ring(dh_fluid());
    Result r = solve(Network::build(d));
    REQUIRE(r.converged());
    for (std::size_t i = 0; i < d.consumers.size(); ++i) {
      const double ts = r.dataset("consumers/supply_temperature").data[i];
      CHECK(ts == Approx(temperature_at(d, r, d.consumers[i].supply_node)).margin(1e-12));
      const double m_ref = *d.consumers[i].heat_demand_kW * 1e3 / (kCp * (ts - 50.0));
      CHECK(r.dataset("consumers/mass_flow").data[i] == Approx(m_ref).epsilon(1e-9));
    }
  }
  SECTION("water: enthalpy difference from IAPWS-IF97 region 1") {
    const auto d = dh_ring(water_iapws());
    Result r = solve(Network::build(d));
    REQUIRE(r.converged());
    for (std::size_t i = 0; i < d.consumers.size(); ++i) {
      const double ts = r.dataset("consumers/supply_temperature").data[i];
      // IF97 eq. 7 at 10 bar (the enthalpy reference pressure of the fluid model); the water
      // table reproduces it to < 1e-5 relative (solver/fluid/water_table.hpp), so the flow
      // carries that accuracy.
      const double dh = heatnet::fluid::iapws::specific_enthalpy_J_kg(ts + 273.15, 10e5) -
                        heatnet::fluid::iapws::specific_enthalpy_J_kg(50.0 + 273.15, 10e5);
      CHECK(r.dataset("consumers/mass_flow").data[i] ==
            Approx(*d.consumers[i].heat_demand_kW * 1e3 / dh).epsilon(1e-5));
    }
  }
}

TEST_CASE("two sources on a looped network deliver as specified", "[district_heating]") {
  SECTION("fixed_dp plant holds pressure, fixed_flow plant delivers its flow") {
    auto d = dh_ring(dh_fluid(), 8);
    SourceDefinition s;
    s.id = "SECONDARY";
    s.supply_node = "S4";
    s.return_node = "R4";
    s.supply_temperature_C = 95.0;
    s.pump.type = SourcePumpType::fixed_flow;
    s.pump.mass_flow_kg_s = 5.0;
    d.sources.push_back(s);
    Result r = solve(Network::build(d));
    INFO(r.report().full());
    REQUIRE(r.converged());
    const auto& q = r.dataset("sources/mass_flow").data;
    CHECK(q[1] == Approx(5.0).epsilon(1e-12));
    CHECK(q[0] > 0);
    // each plant heats its own flow from the water it takes in to its supply temperature
    const auto& tr = r.dataset("sources/return_temperature").data;
    const auto& heat = r.dataset("sources/heat").data;
    CHECK(heat[0] == Approx(q[0] * kCp * (90.0 - tr[0])).epsilon(1e-9));
    CHECK(heat[1] == Approx(q[1] * kCp * (95.0 - tr[1])).epsilon(1e-9));
    // the fixed_dp plant holds its return pressure and its pump's law (dp less the small
    // open-valve resistance of the plant link, physics::fixed_dp_pump_law)
    const double r_open = physics::kOpenValveResistance;
    CHECK(r.dataset("sources/return_pressure").data[0] == Approx(2e5).epsilon(1e-12));
    CHECK(r.dataset("sources/supply_pressure").data[0] == Approx(5e5 - r_open * q[0]).epsilon(1e-12));
    check_balances(d, r);
  }
  SECTION("two fixed_dp plants") {
    auto d = dh_ring(dh_fluid(), 8);
    add_source_dp(d, "PLANT2", "S4", "R4", 90.0, 2.0, 2.9);
    Result r = solve(Network::build(d));
    INFO(r.report().full());
    REQUIRE(r.converged());
    const auto& q = r.dataset("sources/mass_flow").data;
    CHECK(q[0] > 0);
    CHECK(q[1] > 0);
    CHECK(q[0] + q[1] == Approx(sum(r, "consumers/mass_flow")).epsilon(1e-9));
    const auto& ps = r.dataset("sources/supply_pressure").data;
    const auto& pr = r.dataset("sources/return_pressure").data;
    const double r_open = physics::kOpenValveResistance;
    CHECK(ps[0] - pr[0] == Approx(3e5 - r_open * q[0]).epsilon(1e-12));
    CHECK(ps[1] - pr[1] == Approx(2.9e5 - r_open * q[1]).epsilon(1e-12));
    const auto& tr = r.dataset("sources/return_temperature").data;
    const auto& heat = r.dataset("sources/heat").data;
    CHECK(heat[0] == Approx(q[0] * kCp * (90.0 - tr[0])).epsilon(1e-9));
    CHECK(heat[1] == Approx(q[1] * kCp * (90.0 - tr[1])).epsilon(1e-9));
    check_balances(d, r);
  }
}

TEST_CASE("dp_control holds the named consumer's differential pressure", "[district_heating]") {
  auto d = dh_ring(dh_fluid(), 7);
  auto& pump = d.sources[0].pump;
  pump.type = SourcePumpType::dp_control;
  pump.consumer = "C4";  // far side of the ring
  pump.dp_bar = 0.8;
  Result r = solve(Network::build(d));
  INFO(r.report().full());
  REQUIRE(r.converged());
  const int c4 = index_of(r.ids(ElementGroup::consumers), "C4");
  CHECK(r.dataset("consumers/dp_available").data[c4] == Approx(0.8e5).epsilon(1e-6));
  // the plant's head is the pressure rise it produces, reported consistently
  const double ps = r.dataset("sources/supply_pressure").data[0];
  const double pr = r.dataset("sources/return_pressure").data[0];
  CHECK(ps == Approx(r.dataset("nodes/pressure").data[0]).epsilon(1e-12));  // S0
  CHECK(pr == Approx(2e5).epsilon(1e-12));
  CHECK(ps - pr > 0.8e5);
  CHECK(r.dataset("sources/pump_head").data[0] * kRho * d.settings.gravity_m_s2 ==
        Approx(ps - pr).epsilon(1e-12));
  CHECK(r.dataset("sources/pump_power").data[0] ==
        Approx(r.dataset("sources/mass_flow").data[0] / kRho * (ps - pr)).epsilon(1e-12));
  check_balances(d, r);
}

TEST_CASE("design checks: consumer dp, anti-boiling, velocity", "[district_heating][checks]") {
  SECTION("consumer below its min_dp_bar is flagged") {
    auto d = dh_ring(dh_fluid());
    d.consumers[2].min_dp_bar = 5.0;  // more than the 3 bar plant can give
    d.consumers[0].min_dp_bar = 0.01;
    Result r = solve(Network::build(d));
    REQUIRE(r.converged());
    int found = 0;
    for (const auto& c : r.checks()) {
      if (c.check != "consumer_dp") continue;
      ++found;
      CHECK(c.element_kind == "consumer");
      CHECK(c.element_id == d.consumers[2].id);
      CHECK(c.value == Approx(r.dataset("consumers/dp_available").data[2]).epsilon(1e-12));
      CHECK(c.limit == Approx(5e5).epsilon(1e-12));
    }
    CHECK(found == 1);
  }
  SECTION("anti-boiling: 130 degC water at too low a pressure") {
    // p_sat(130 degC) = 270.28 kPa (IAPWS-IF97 eq. 30; steam tables, e.g. Cengel & Boles,
    // Thermodynamics, Table A-4 "Saturated water - temperature table": 130 degC, 270.28 kPa).
    const double psat = heatnet::fluid::iapws::saturation_pressure_Pa(130.0 + 273.15);
    CHECK(psat == Approx(270.28e3).epsilon(1e-4));
    auto d = dh_ring(water_iapws(), 6, 400.0, 130.0);
    d.sources[0].return_pressure_bar = 0.2;  // supply side at 3.2 bar g = 4.2 bar abs
    d.sources[0].pump.dp_bar = 1.0;          // supply side at 1.2 bar g = 2.2 bar abs < p_sat
    Result r = solve(Network::build(d));
    REQUIRE(r.converged());
    int flagged = 0;
    for (const auto& c : r.checks()) {
      if (c.check != "boiling_margin") continue;
      ++flagged;
      CHECK(c.element_kind == "node");
      const int i = index_of(r.ids(ElementGroup::nodes), c.element_id);
      REQUIRE(i >= 0);
      const double t = r.dataset("nodes/temperature").data[i];
      const double p_abs = r.dataset("nodes/pressure").data[i] + 101325.0;
      const double margin = p_abs - heatnet::fluid::iapws::saturation_pressure_Pa(t + 273.15);
      CHECK(c.value == Approx(margin).margin(1e-5 * psat));  // water table: < 1e-5 relative
      CHECK(c.value < c.limit);
    }
    CHECK(flagged >= 1);
    const int s0 = index_of(r.ids(ElementGroup::nodes), "S0");
    bool s0_flagged = false;
    for (const auto& c : r.checks())
      if (c.check == "boiling_margin" && c.element_id == "S0") s0_flagged = true;
    CHECK(s0_flagged);  // 130 degC at 2.2 bar abs
    CHECK(r.dataset("nodes/temperature").data[s0] == Approx(130.0).margin(1e-9));
    // the same network at a proper static pressure raises no boiling flag
    d.sources[0].return_pressure_bar = 3.0;
    Result ok = solve(Network::build(d));
    REQUIRE(ok.converged());
    for (const auto& c : ok.checks()) CHECK(c.check != "boiling_margin");
  }
  SECTION("velocity above the limit") {
    // a short DN50 pipe under 2 bar runs far above 3 m/s; a DN300 pipe in parallel does not
    auto d = empty_network(dh_fluid());
    add_node(d, "A");
    add_node(d, "B");
    add_pipe(d, "FAST", "A", "B", 50.0, 0.05, 0.05);
    add_pipe(d, "SLOW", "A", "B", 5000.0, 0.3, 0.05);
    add_pressure(d, "A", 3.0);
    add_pressure(d, "B", 1.0);
    Result r = solve(Network::build(d));
    REQUIRE(r.converged());
    const auto& v = r.dataset("pipes/velocity").data;
    REQUIRE(std::abs(v[0]) > 3.0);  // the case really has a fast pipe
    REQUIRE(std::abs(v[1]) < 3.0);
    CHECK(v[0] == Approx(r.dataset("pipes/mass_flow").data[0] / (kRho * 3.14159265358979 * 0.05 * 0.05 / 4)).epsilon(1e-12));
    int found = 0;
    for (const auto& c : r.checks())
      if (c.check == "max_velocity") {
        ++found;
        CHECK(c.element_kind == "pipe");
        CHECK(c.element_id == "FAST");
        CHECK(c.value == Approx(std::abs(v[0])).epsilon(1e-12));
        CHECK(c.limit == 3.0);
      }
    CHECK(found == 1);
  }
}

TEST_CASE("a consumer whose supply is colder than its return is under-supplied, not invalid",
          "[district_heating][substation]") {
  auto d = dh_ring(dh_fluid(), 4, 200.0, 60.0);
  d.consumers[1].return_temperature_C = 70.0;  // supply is at most 60 degC
  Result r = solve(Network::build(d));
  INFO(r.report().full());
  REQUIRE(r.converged());
  check_balances(d, r, true);
  // it cannot cool the water: it returns it at its supply temperature and delivers nothing, at
  // its default flow limit Q / (cp 5 K) (solver/consumer_demand.hpp)
  const auto& ts = r.dataset("consumers/supply_temperature").data;
  CHECK(ts[1] < 60.0);
  CHECK(r.dataset("consumers/return_temperature").data[1] == Approx(ts[1]).margin(1e-12));
  CHECK(r.dataset("consumers/heat").data[1] == Approx(0.0).margin(1e-6));
  CHECK(r.dataset("consumers/heat_demand").data[1] == *d.consumers[1].heat_demand_kW * 1e3);
  CHECK(r.dataset("consumers/mass_flow").data[1] ==
        Approx(*d.consumers[1].heat_demand_kW * 1e3 / (kCp * 5.0)).epsilon(1e-9));
  int flagged = 0;
  for (const auto& c : r.checks())
    if (c.check == "under_supplied") {
      ++flagged;
      CHECK(c.element_id == d.consumers[1].id);
      CHECK(c.limit == *d.consumers[1].heat_demand_kW * 1e3);
    }
  CHECK(flagged == 1);
  CHECK(r.summaries().back().under_supplied == 1);
  CHECK(r.summaries().back().worst_supplied_consumer == d.consumers[1].id);
}

// The re-solve of a changed network (same Solver) equals a fresh solve of the changed definition.
void check_matches_fresh(const Solution& again, const NetworkDefinition& changed) {
  Result fresh = solve(Network::build(changed));
  REQUIRE(fresh.converged());
  const struct { ElementGroup g; const char* name; const char* path; } fields[] = {
      {ElementGroup::pipes, "mass_flow", "pipes/mass_flow"},
      {ElementGroup::pipes, "heat_loss", "pipes/heat_loss"},
      {ElementGroup::nodes, "pressure", "nodes/pressure"},
      {ElementGroup::nodes, "temperature", "nodes/temperature"},
      {ElementGroup::consumers, "mass_flow", "consumers/mass_flow"},
      {ElementGroup::sources, "heat", "sources/heat"}};
  for (const auto& f : fields) {
    const auto& a = again.field(f.g, f.name);
    const auto& b = fresh.dataset(f.path).data;
    REQUIRE(a.size() == b.size());
    double scale = 0;
    for (double x : b) scale = std::max(scale, std::abs(x));
    for (std::size_t i = 0; i < a.size(); ++i) {
      INFO(f.path << "[" << i << "]");
      CHECK(std::abs(a[i] - b[i]) <= 1e-9 * scale);
    }
  }
}

TEST_CASE("resolve after set_consumer_heat_demand reuses the analysis and matches a fresh solve",
          "[district_heating][resolve]") {
  const auto d = dh_ring(dh_fluid(), 7);
  Network net = Network::build(d);
  Solver solver;
  Solution first = solver.solve(net);
  REQUIRE(solver.report().usable());
  CHECK_FALSE(solver.report().symbolic_reused);
  const int c = net.consumer_index("C3");
  net.set_consumer_heat_demand(c, 900e3);
  Solution again = solver.solve(net);
  REQUIRE(solver.report().usable());
  CHECK(solver.report().symbolic_reused);
  auto changed = d;
  changed.consumers[c].heat_demand_kW = 900.0;
  check_matches_fresh(again, changed);
  CHECK(again.field(ElementGroup::consumers, "heat")[c] == Approx(900e3).epsilon(1e-9));
}

TEST_CASE("a solve into a reused Solution writes every value, check and summary afresh",
          "[district_heating][resolve]") {
  // A time series solves each step into one Solution whose fields keep their storage and
  // last step's values (no zero fill): every value must be overwritten.
  const Network net = Network::build(dh_ring(dh_fluid(), 7));
  Solver fresh_solver;
  const Solution fresh = fresh_solver.solve(net);
  REQUIRE(fresh_solver.report().usable());
  Solution reused = fresh;
  for (auto& field : reused.values) std::fill(field.begin(), field.end(), std::nan(""));
  reused.values[0].push_back(1.0);  // a field of another size
  reused.checks.push_back({0, "node", "stale", "max_pressure", 1.0, 0.0});
  reused.summary.under_supplied = 99;
  reused.summary.heat_delivered_W = -1.0;
  Solver solver;
  solver.solve(net, reused);
  REQUIRE(solver.report().usable());
  REQUIRE(reused.values.size() == fresh.values.size());
  for (std::size_t f = 0; f < fresh.values.size(); ++f) {
    INFO(kResultFields[f].name);
    CHECK(reused.values[f] == fresh.values[f]);  // exactly: NaN != NaN catches a stale value
  }
  CHECK(reused.checks.size() == fresh.checks.size());
  CHECK(reused.summary.under_supplied == fresh.summary.under_supplied);
  CHECK(reused.summary.heat_delivered_W == fresh.summary.heat_delivered_W);
  CHECK(reused.iterations == fresh.iterations);
}

TEST_CASE("a consumer switched on from zero demand in a re-solve draws its flow",
          "[district_heating][resolve]") {
  // the warm start begins from the previous solution, where the consumer drew nothing: its
  // flow must still be free to grow (a step limit relative to the last flow would hold it at 0)
  auto d = dh_ring(dh_fluid(), 7);
  const int c = 2;  // C3
  d.consumers[c].heat_demand_kW = 0.0;
  Network net = Network::build(d);
  Solver solver;
  solver.solve(net);
  REQUIRE(solver.report().usable());
  net.set_consumer_heat_demand(c, 700e3);
  Solution again = solver.solve(net);
  INFO(solver.report().full());
  REQUIRE(solver.report().usable());
  auto changed = d;
  changed.consumers[c].heat_demand_kW = 700.0;
  check_matches_fresh(again, changed);
  CHECK(again.field(ElementGroup::consumers, "heat")[c] == Approx(700e3).epsilon(1e-9));
}

TEST_CASE("resolve after heat-loss, length and ambient changes matches a fresh solve",
          "[district_heating][resolve]") {
  // The thermal sweep keeps per-pipe constants (U L, ambient) between sweeps; setters must
  // reach them.
  const auto d = dh_ring(dh_fluid(), 7);
  Network net = Network::build(d);
  Solver solver;
  solver.solve(net);
  REQUIRE(solver.report().usable());
  const int p = net.pipe_index("PS2");
  net.set_pipe_heat_loss(p, 1.1);
  net.set_pipe_length(net.pipe_index("PS4"), 900.0);
  net.set_ambient_temperature(-5.0);
  Solution again = solver.solve(net);
  REQUIRE(solver.report().usable());
  CHECK(solver.report().symbolic_reused);
  auto changed = d;
  changed.pipes[p].heat_loss_W_mK = 1.1;
  changed.pipes[net.pipe_index("PS4")].length_m = 900.0;
  changed.settings.ambient_temperature_C = -5.0;
  check_matches_fresh(again, changed);
}

TEST_CASE("non-convergence is a status with a history, not an exception", "[district_heating]") {
  // Each solve runs in a child process: a crash (rather than a status) must fail this test,
  // not abort the whole test run.
  const Network net = Network::build(dh_ring(dh_fluid()));
  for (bool thermal : {false, true}) {
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      for (int sig : {SIGSEGV, SIGABRT, SIGFPE, SIGBUS, SIGILL}) std::signal(sig, SIG_DFL);
      int code = 0;
      try {
        SolverOptions o;
        o.max_iterations = 1;
        o.thermal = thermal;
        Result r = solve(net, o);
        if (r.report().status == SolveStatus::converged) code |= 2;
        if (r.converged()) code |= 4;
        if (r.report().history.empty()) code |= 8;
        if (r.report().message.empty()) code |= 16;
      } catch (...) {
        code |= 32;
      }
      _exit(code);
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    INFO("thermal " << thermal << ", child: "
                    << (WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                            : "exit code " + std::to_string(WEXITSTATUS(status)))
                    << " (2: status converged, 4: result converged, 8: empty history, 16: empty "
                       "message, 32: exception)");
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
}

namespace {
// One demand-driven consumer at the end of a lossy supply pipe from a fixed_dp plant (lossless
// return): its flow and supply temperature are coupled through
//     m cp (Ts(m) - Tr) = Q,   Ts(m) = Ta + (T0 - Ta) exp(-U L / (m cp)).
struct EndOfPipeConsumer {
  double t0, tr, ta, u, len, dia, q_w, dp_bar;

  NetworkDefinition network() const {
    auto d = empty_network(dh_fluid());
    d.settings.ambient_temperature_C = ta;
    for (const char* id : {"S0", "S1", "R0", "R1"}) add_node(d, id);
    add_pipe(d, "PS", "S0", "S1", len, dia, 0.05, u);
    add_pipe(d, "PR", "R1", "R0", len, dia, 0.05, 0.0);
    add_consumer_kW(d, "C", "S1", "R1", q_w * 1e-3, tr);
    add_source_dp(d, "PLANT", "S0", "R0", t0, 2.0, dp_bar);
    return d;
  }
  double supply_T(double m) const { return ta + (t0 - ta) * std::exp(-u * len / (m * kCp)); }
  // Independent solution: bisection on f(m) = m cp (Ts(m) - Tr) - Q, negative while the supply
  // arrives below the return temperature and rising with m from there (one root above lo).
  double flow_by_bisection(double lo, double hi) const {
    for (int i = 0; i < 200; ++i) {
      const double mid = 0.5 * (lo + hi);
      (mid * kCp * (supply_T(mid) - tr) - q_w > 0 ? hi : lo) = mid;
    }
    return 0.5 * (lo + hi);
  }
};
}  // namespace

TEST_CASE("coupled consumer flow and supply temperature: Newton step, against bisection",
          "[district_heating][coupling]") {
  // A long lossy supply pipe with a small supply - return difference: flow and supply
  // temperature feed back with a gain of about -0.4, which a plain fixed-point iteration needs
  // ~25 iterations to settle to 1e-10 K. The Newton step on the coupling
  // (SolverEngine::coupling_newton_step, ThermalSolver::tree_response) is exact for a tree: a
  // handful of iterations.
  const EndOfPipeConsumer c{80.0, 60.0, 8.0, 0.4, 1500.0, 0.1, 100e3, 1.0};
  auto d = c.network();
  d.settings.tolerance_mass_flow_rel = 1e-12;
  d.settings.tolerance_temperature_K = 1e-10;
  Result r = solve(Network::build(d));
  INFO(r.report().full());
  REQUIRE(r.converged());
  const double m_ref = c.flow_by_bisection(0.1, 100.0);
  CHECK(r.dataset("consumers/mass_flow").data[0] == Approx(m_ref).epsilon(1e-9));
  CHECK(r.dataset("consumers/supply_temperature").data[0] == Approx(c.supply_T(m_ref)).margin(1e-8));
  CHECK(r.report().outer_iterations <= 6);
}

TEST_CASE("a consumer that only settles a few kelvin above its return temperature",
          "[district_heating][coupling]") {
  // 10 kW at the end of 800 m of DN50 losing 3 W/mK: at the flow its design difference would
  // need (70 -> 40 degC: 0.08 kg/s) the pipe cools the water to ambient, below the return
  // temperature; the steady state is a much larger flow (~0.94 kg/s) arriving only ~2.5 K
  // above the return. Iterating on the flow computed from a predicted supply temperature
  // (m = Q / dh(T), singular at T = Tr) jumped between a starved and a floored consumer and
  // never settled (50 outer iterations, dT 49 K); Newton on the heat balance in the flow
  // (SolverEngine::coupling_newton_step) finds it.
  // Its substation is allowed 2 kg/s (the default limit, 5 K of cooling, would cap it: see
  // the next test).
  const EndOfPipeConsumer c{70.0, 40.0, 10.0, 3.0, 800.0, 0.05, 10e3, 3.0};
  auto d = c.network();
  d.consumers[0].max_mass_flow_kg_s = 2.0;
  Result r = solve(Network::build(d));
  INFO(r.report().full());
  REQUIRE(r.converged());
  const double m_ref = c.flow_by_bisection(0.01, 100.0);
  // the default 1e-6 K temperature tolerance: the flow to ~1e-6 K / 2.5 K relative
  CHECK(r.dataset("consumers/mass_flow").data[0] == Approx(m_ref).epsilon(1e-6));
  CHECK(r.dataset("consumers/supply_temperature").data[0] == Approx(c.supply_T(m_ref)).margin(1e-5));
  CHECK(r.dataset("consumers/supply_temperature").data[0] - c.tr > 2.0);
  CHECK(r.report().outer_iterations <= 10);
}

TEST_CASE("the same consumer at its default flow limit is under-supplied",
          "[district_heating][coupling][substation]") {
  // Without max_mass_flow_kg_s or kvs_m3_h it draws at most Q / (cp 5 K) = 0.478 kg/s; at that
  // flow the 800 m of lossy pipe cool its supply below its return temperature: it delivers
  // nothing and returns the water as it came.
  const EndOfPipeConsumer c{70.0, 40.0, 10.0, 3.0, 800.0, 0.05, 10e3, 3.0};
  Result r = solve(Network::build(c.network()));
  INFO(r.report().full());
  REQUIRE(r.converged());
  const double m_cap = c.q_w / (kCp * 5.0);
  const double ts = c.supply_T(m_cap);
  CHECK(r.dataset("consumers/mass_flow").data[0] == Approx(m_cap).epsilon(1e-9));
  CHECK(r.dataset("consumers/supply_temperature").data[0] == Approx(ts).margin(1e-6));
  CHECK(r.dataset("consumers/heat").data[0] ==
        Approx(m_cap * kCp * std::max(ts - c.tr, 0.0)).margin(1e-6));
  CHECK(r.summaries().back().under_supplied == 1);
  CHECK(r.report().outer_iterations <= 10);
}

TEST_CASE("a substation limited by its kvs valve, against bisection",
          "[district_heating][substation]") {
  // 500 kW behind 400 m of DN100 losing 0.5 W/mK; the substation's kvs of 4 m3/h passes far
  // less than the ~6 kg/s the demand needs at the dp the plant leaves it. Independently: the
  // flow m where plant dp = friction of both pipes + (m / K)^2, K = rho kvs / 3600 / sqrt(1 bar)
  // (bisection with the reference Colebrook), then the supply temperature of the exponential
  // pipe law at that flow and the heat m cp (Ts - Tr).
  const EndOfPipeConsumer c{90.0, 60.0, 8.0, 0.5, 400.0, 0.1, 500e3, 1.5};
  auto d = c.network();
  d.consumers[0].kvs_m3_h = 4.0;
  Result r = solve(Network::build(d));
  INFO(r.report().full());
  REQUIRE(r.converged());
  const FluidDefinition f = dh_fluid();
  const double K = kRho * 4.0 / 3600.0 / std::sqrt(1e5);
  double lo = 0.0, hi = 20.0;
  for (int i = 0; i < 200; ++i) {
    const double m = 0.5 * (lo + hi);
    const double need = 2.0 * testing::pipe_dp(m, c.len, c.dia, 0.05, f) + (m / K) * (m / K);
    (need > c.dp_bar * 1e5 ? hi : lo) = m;
  }
  const double m_ref = 0.5 * (lo + hi);
  const double ts = c.supply_T(m_ref);
  CHECK(r.dataset("consumers/mass_flow").data[0] == Approx(m_ref).epsilon(1e-8));
  CHECK(r.dataset("consumers/supply_temperature").data[0] == Approx(ts).margin(1e-6));
  CHECK(r.dataset("consumers/heat").data[0] == Approx(m_ref * kCp * (ts - c.tr)).epsilon(1e-7));
  CHECK(r.dataset("consumers/dp_available").data[0] == Approx((m_ref / K) * (m_ref / K)).epsilon(1e-6));
  CHECK(r.summaries().back().under_supplied == 1);
  CHECK(r.summaries().back().heat_missing_W ==
        Approx(c.q_w - m_ref * kCp * (ts - c.tr)).epsilon(1e-6));
}

TEST_CASE("a far consumer the design cannot serve saturates at its limit; its neighbour is served",
          "[district_heating][coupling][substation]") {
  // FAR (1 kW, return 52 degC) sits behind 800 m of DN50 losing 3 W/mK: even at its default
  // flow limit (Q / (cp 5 K) = 0.048 kg/s) its supply arrives near ambient. NEAR (200 kW)
  // shares the first pipe and gets its demand. Both settle; FAR is reported under-supplied.
  const double ta = 10.0, t0 = 70.0;
  auto d = empty_network(dh_fluid());
  d.settings.ambient_temperature_C = ta;
  for (const char* id : {"S0", "S1", "S2", "R0", "R1", "R2"}) add_node(d, id);
  add_pipe(d, "PS1", "S0", "S1", 300.0, 0.1, 0.05, 0.5);
  add_pipe(d, "PS2", "S1", "S2", 800.0, 0.05, 0.05, 3.0);
  add_pipe(d, "PR2", "R2", "R1", 800.0, 0.05, 0.05, 0.0);
  add_pipe(d, "PR1", "R1", "R0", 300.0, 0.1, 0.05, 0.0);
  add_source_dp(d, "PLANT", "S0", "R0", t0, 2.0, 3.0);
  add_consumer_kW(d, "NEAR", "S1", "R1", 200.0, 40.0);
  add_consumer_kW(d, "FAR", "S2", "R2", 1.0, 52.0);
  Result r = solve(Network::build(d));
  INFO(r.report().full());
  REQUIRE(r.converged());
  CHECK(r.report().outer_iterations < 20);
  // independent state: FAR at its flow limit, NEAR on its heat balance, both through PS1
  const double m_far = 1e3 / (kCp * 5.0);
  double t1 = t0, m_near = 0.0;
  for (int i = 0; i < 200; ++i) {
    m_near = 200e3 / (kCp * (t1 - 40.0));
    t1 = ta + (t0 - ta) * std::exp(-0.5 * 300.0 / ((m_near + m_far) * kCp));
  }
  const double t2 = ta + (t1 - ta) * std::exp(-3.0 * 800.0 / (m_far * kCp));
  const auto& flow = r.dataset("consumers/mass_flow").data;
  const auto& supply = r.dataset("consumers/supply_temperature").data;
  CHECK(flow[1] == Approx(m_far).epsilon(1e-9));
  CHECK(flow[0] == Approx(m_near).epsilon(1e-6));
  CHECK(supply[1] == Approx(t2).margin(1e-5));
  CHECK(r.dataset("consumers/heat").data[0] == Approx(200e3).epsilon(1e-6));
  CHECK(r.dataset("consumers/heat").data[1] == Approx(m_far * kCp * std::max(t2 - 52.0, 0.0)).margin(1e-6));
  REQUIRE(r.summaries().back().under_supplied == 1);
  CHECK(r.summaries().back().worst_supplied_consumer == "FAR");
}

namespace {
// A square of supply pipes from the plant S0 to the consumer Q via X (0 m) and Y (30 m),
// and a cross pipe X-Y up the slope: 300 m DN300 losing 3 W/mK, so its water cools from
// ~90 to ~76 degC when it carries ~1 kg/s. Its flow is set by the weight of its own water
// column (30 m of it: ~285 kPa, against a few pascals of friction), which is set by how far
// it cools, which is set by its flow: a thermosiphon with a loop gain near -1.
NetworkDefinition thermosiphon_square(double height_m) {
  auto d = empty_network(water_iapws());
  d.settings.ambient_temperature_C = 8.0;
  d.settings.temperature_C = 70.0;
  for (auto [id, z] : {std::pair{"S0", 0.0}, {"X", 0.0}, {"Y", height_m}, {"Q", 0.0},
                       {"RQ", 0.0}, {"R0", 0.0}})
    add_node(d, id, z);
  add_pipe(d, "P0X", "S0", "X", 200.0, 0.1, 0.05, 0.3);
  add_pipe(d, "P0Y", "S0", "Y", 200.0, 0.1, 0.05, 0.3);
  add_pipe(d, "PXQ", "X", "Q", 200.0, 0.1, 0.05, 0.3);
  add_pipe(d, "PYQ", "Y", "Q", 200.0, 0.1, 0.05, 0.3);
  add_pipe(d, "CROSS", "X", "Y", 300.0, 0.3, 0.05, 3.0);
  add_pipe(d, "RET", "RQ", "R0", 400.0, 0.1, 0.05, 0.3);
  add_source_dp(d, "PLANT", "S0", "R0", 90.0, 3.0, 1.5);
  add_consumer_kW(d, "C", "Q", "RQ", 500.0, 50.0);
  return d;
}

// Darcy friction factor from Colebrook-White by bisection on 1/sqrt(lambda) (independent of
// the solver's Newton iteration for it).
double colebrook_bisection(double re, double rel_roughness) {
  double lo = 0.5, hi = 50.0;  // 1/sqrt(lambda)
  for (int i = 0; i < 200; ++i) {
    const double x = 0.5 * (lo + hi);
    const double f = x + 2.0 * std::log10(rel_roughness / 3.7 + 2.51 * x / re);
    (f > 0 ? hi : lo) = x;
  }
  const double x = 0.5 * (lo + hi);
  return 1.0 / (x * x);
}
}  // namespace

TEST_CASE("a thermosiphon settles: the cross pipe balances its water column's weight",
          "[district_heating][coupling][thermosiphon]") {
  // Plain iteration of the coupling keeps this cross pipe swinging for hundreds of outer
  // iterations (its mean temperature by ~15 K); it settles once the Newton step sees how its
  // water column's weight follows its flow (HydraulicSolver::column_weight). The same
  // square on level ground is the control.
  Result flat = solve(Network::build(thermosiphon_square(0.0)));
  REQUIRE(flat.converged());
  Result r = solve(Network::build(thermosiphon_square(30.0)));
  INFO(r.report().full());
  REQUIRE(r.converged());
  CHECK(r.report().outer_iterations <= 30);
  // Independent check of the settled state, in the cross pipe: the pressures the network
  // holds at its ends, its water column and its friction must balance. The column's density
  // is that of water at the pipe's mean temperature (the log mean of the reported inlet
  // and outlet temperatures above ambient) and mean pressure; 30 m of it weigh ~285 kPa
  // against ~4 Pa of friction, so the balance holds to 0.05 Pa only if that density is
  // right to ~2e-7 (the mean temperature to ~0.3 mK): the arithmetic mean of inlet and outlet
  // is off by ~40 Pa here. Water properties are the solver's own model (IAPWS-IF97, tested
  // on its own); what is checked is where and how they are taken.
  const Network net = Network::build(thermosiphon_square(30.0));
  const int e = net.pipe_index("CROSS");
  const double q = r.dataset("pipes/mass_flow").data[e];
  const double t_in = r.dataset("pipes/inlet_temperature").data[e];
  const double t_out = r.dataset("pipes/outlet_temperature").data[e];
  const auto& p = r.dataset("nodes/pressure").data;
  const double p_x = p[net.node_index("X")], p_y = p[net.node_index("Y")];
  CHECK(q < -0.1);  // the cooled column sinks: from Y down to X
  const double a = t_in - 8.0, b = t_out - 8.0;
  const double t_mean = 8.0 + (a - b) / std::log(a / b);
  const double p_mean = 0.5 * (p_x + p_y) + 101325.0;
  const fluid::FluidModel water(net.settings().fluid);  // the properties the solver uses
  const double rho = water.density(t_mean, p_mean);
  const double mu = water.dynamic_viscosity(t_mean, p_mean);
  const double area = 0.25 * std::numbers::pi * 0.3 * 0.3;
  const double re = std::abs(q) * 0.3 / (area * mu);
  const double friction = colebrook_bisection(re, 0.05e-3 / 0.3) * (300.0 / 0.3) * q * q /
                          (2.0 * rho * area * area);
  // flow Y -> X: p_Y + rho g (z_Y - z_X) - p_X = friction loss
  const double g = net.settings().gravity_m_s2;
  CHECK(p_y + rho * g * 30.0 - p_x == Approx(friction).margin(0.05));
  CHECK(friction > 1.0);  // the check is not vacuous
}

TEST_CASE("a coupling that does not settle names the pipe that keeps it moving",
          "[district_heating][coupling][thermosiphon]") {
  // The diagnosis of a solve that did not settle, fed the flows of outer iterations in which
  // the thermosiphon square's cross pipe turns every time (the solver itself now settles the
  // square: its Newton step sees how the column's weight follows the flow).
  const Network net = Network::build(thermosiphon_square(30.0));
  const int links = net.topology().link_count();
  std::vector<int> identity(links);
  for (int k = 0; k < links; ++k) identity[k] = k;
  const int cross = net.topology().pipe_offset + net.pipe_index("CROSS");
  solver::CouplingOscillations osc;
  osc.reset();
  std::vector<double> q(links, 1.0);
  for (int it = 0; it < 6; ++it) {
    q[cross] = it % 2 ? 0.4 : -0.5;
    osc.track_flows(q, 1e-9);
  }
  const std::string m = osc.diagnosis(net, identity, identity, q);
  INFO(m);
  CHECK(m.find("pipe 'CROSS' reversed its flow 5 times") != std::string::npos);
  CHECK(m.find("'X' at 0.00 m and 'Y' at 30.00 m") != std::string::npos);
  CHECK(m.find("thermosiphon") != std::string::npos);
  // A flow that only flips within the flow tolerance of zero (1e-10 of the largest: a dead
  // branch at round-off) turns nothing, however often: not named, and CROSS still is
  const int dead = net.topology().pipe_offset + (net.pipe_index("CROSS") == 0 ? 1 : 0);
  solver::CouplingOscillations with_dead;
  with_dead.reset();
  for (int it = 0; it < 12; ++it) {
    q[cross] = it < 6 ? (it % 2 ? 0.4 : -0.5) : 0.4;
    q[dead] = it % 2 ? 1e-10 : -1e-10;
    with_dead.track_flows(q, 1e-9);
  }
  const std::string named = with_dead.diagnosis(net, identity, identity, q);
  INFO(named);
  CHECK(named.find("pipe 'CROSS' reversed its flow 5 times") != std::string::npos);
  // ... while a pipe that stops and starts (a real flow, then zero to the tolerance) turns
  // through zero every time: counted (robustness seed 93's unsettled pipe does this)
  solver::CouplingOscillations stop_start;
  stop_start.reset();
  for (int it = 0; it < 12; ++it) {
    q[cross] = it < 6 ? (it % 2 ? 0.4 : -0.5) : 0.4;
    q[dead] = it % 2 ? 0.6 : -1e-11;
    stop_start.track_flows(q, 1e-9);
  }
  CHECK(stop_start.diagnosis(net, identity, identity, q).find("reversed its flow 11 times") !=
        std::string::npos);
}
