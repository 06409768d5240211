// Several plants in one network: floating plants (no return_pressure_bar), plants that close
// like a check valve instead of running backwards, and the boundary flows (make-up, spill,
// pressure nodes) that mass and energy close over. Balances are recomputed here from the
// result datasets, not taken from the solver's summary.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "heatnet/solve.hpp"
#include "solver/physics/link_laws.hpp"
#include "tests/network_builders.hpp"
#include "tests/reference_hydraulics.hpp"
#include "tests/temp_dir.hpp"

using namespace heatnet;
using namespace heatnet::testing;

namespace {
constexpr double kCp = 4186.0;
constexpr double kRelTol = 1e-9;  // mass at every node, energy over the network (issue 15)
// A closed plant leaks q = dp / closed_link_resistance (1e-14 per Pa): never more than this.
constexpr double kLeak = 1e-8;

FluidDefinition plant_fluid() { return constant_fluid(971.8, 3.6e-7, kCp); }

double value(const Result& r, const std::string& path, const std::string& group,
             const std::string& id) {
  const int i = index_of(r.ids(group == "nodes"     ? ElementGroup::nodes
                               : group == "sources" ? ElementGroup::sources
                                                    : ElementGroup::pressure_nodes),
                         id);
  REQUIRE(i >= 0);
  return r.dataset(path).data[i];
}

// Mass closes at every node that holds no pressure; at held nodes the imbalance recomputed
// from the datasets is the boundary flow the results report (make-up / pressure node flow).
// Energy: plant heat + what enters at held nodes - what leaves there = consumer heat + pipe
// losses (constant cp; water enters at a pressure node's temperature_C, at a plant's return
// node at the node's temperature, and leaves at the node's temperature).
void check_closure(const NetworkDefinition& d, const Result& r) {
  const auto imb = node_imbalance(d, r);
  const double scale = flow_scale(r);
  const auto& T = r.dataset("nodes/temperature").data;
  double boundary_heat = 0, boundary_in = 0;
  for (std::size_t i = 0; i < d.nodes.size(); ++i) {
    const std::string& id = d.nodes[i].id;
    INFO("node " << id);
    double reported = 0;  // the boundary flow the results give for this node
    double t_in = T[i];
    bool held = false;
    for (const auto& p : d.pressure_nodes)
      if (p.node == id) {
        held = true;
        reported += value(r, "pressure_nodes/mass_flow", "pressure_nodes", id);
        t_in = p.temperature_C;
      }
    for (const auto& s : d.sources)
      if (s.return_node == id && s.return_pressure_bar && s.pump.type != SourcePumpType::fixed_flow) {
        held = true;
        reported += value(r, "sources/makeup_mass_flow", "sources", s.id);
      }
    CHECK(std::abs(imb[i] - reported) <= kRelTol * scale);
    if (!held) continue;
    const double e = imb[i] * kCp * (imb[i] > 0 ? t_in : T[i]);
    boundary_heat += e;
    boundary_in += std::abs(e);
  }
  double supplied = 0, delivered = 0, losses = 0;
  for (double v : r.dataset("sources/heat").data) supplied += v;
  for (double v : r.dataset("consumers/heat").data) delivered += v;
  for (double v : r.dataset("pipes/heat_loss").data) losses += v;
  INFO("supplied " << supplied << " W, boundary " << boundary_heat << " W, delivered "
                   << delivered << " W, losses " << losses << " W");
  CHECK(losses > 0);
  const double energy_scale = std::max({std::abs(supplied), boundary_in, delivered + losses});
  CHECK(std::abs(supplied + boundary_heat - delivered - losses) <= kRelTol * energy_scale);
  CHECK(r.summaries().back().energy_balance_rel <= kRelTol);
}

// A line: main plant MAIN (R0 -> S0, holds R0) feeds consumer C1 at S1/R1 and C2 at S2/R2
// (fixed flows); at the far end a second plant SEC (R2 -> S2). Supply S0-S1-S2, return
// R2-R1-R0, pipes of 600 m / 400 m, DN150, lossy.
NetworkDefinition line_with_two_plants(double sec_dp_bar, std::optional<double> sec_return_bar) {
  auto d = empty_network(plant_fluid());
  d.name = "two plants on a line";
  d.settings.ambient_temperature_C = 8.0;
  d.settings.tolerance_mass_flow_rel = 1e-12;
  d.settings.tolerance_temperature_K = 1e-10;
  for (const char* n : {"S0", "S1", "S2", "R0", "R1", "R2"}) add_node(d, n);
  add_pipe(d, "PS1", "S0", "S1", 600.0, 0.15, 0.05, 0.3);
  add_pipe(d, "PS2", "S1", "S2", 400.0, 0.15, 0.05, 0.3);
  add_pipe(d, "PR2", "R2", "R1", 400.0, 0.15, 0.05, 0.3);
  add_pipe(d, "PR1", "R1", "R0", 600.0, 0.15, 0.05, 0.3);
  add_consumer_flow(d, "C1", "S1", "R1", 12.0, 55.0);
  add_consumer_flow(d, "C2", "S2", "R2", 8.0, 55.0);
  add_source_dp(d, "MAIN", "S0", "R0", 90.0, 2.0, 3.0);
  auto& sec = add_source_dp(d, "SEC", "S2", "R2", 85.0, 0.0, sec_dp_bar);
  sec.return_pressure_bar = sec_return_bar;
  return d;
}

// Flow through SEC on line_with_two_plants, by bisection on the loop's pressure balance
// (main plant up, supply pipes down, SEC down, return pipes down; both plants' pump laws
// dp - r q with r = kOpenValveResistance).
double secondary_flow_reference(const NetworkDefinition& d, double dp_main, double dp_sec) {
  const FluidDefinition& f = d.settings.fluid;
  const double m1 = 12.0, m2 = 8.0;
  const double r = physics::kOpenValveResistance;
  auto loop = [&](double q_sec) {
    const double q_main = m1 + m2 - q_sec, q2 = m2 - q_sec;
    return dp_main - r * q_main - pipe_dp(q_main, 600.0, 0.15, 0.05, f) -
           pipe_dp(q2, 400.0, 0.15, 0.05, f) - (dp_sec - r * q_sec) -
           pipe_dp(q2, 400.0, 0.15, 0.05, f) - pipe_dp(q_main, 600.0, 0.15, 0.05, f);
  };
  // loop(q) rises with q_sec (less flow through the long pipes); the main plant keeps a
  // turbulent flow at hi
  double lo = 0.0, hi = m1 + m2 - 0.5;
  REQUIRE(loop(lo) < 0);
  REQUIRE(loop(hi) > 0);
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (loop(mid) < 0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

bool has_check(const Result& r, const std::string& id, const std::string& check) {
  for (const auto& c : r.checks())
    if (c.element_id == id && c.check == check) return true;
  return false;
}
}  // namespace

TEST_CASE("a floating fixed_dp plant beside the pressure-holding plant", "[plants]") {
  const auto d = line_with_two_plants(2.5, std::nullopt);
  Result r = solve(Network::build(d));
  INFO(r.report().full());
  REQUIRE(r.converged());
  const double q_ref = secondary_flow_reference(d, 3e5, 2.5e5);
  REQUIRE(std::abs(8.0 - q_ref) > 1.0);  // the pipes between the plants stay turbulent
  // A plant link conducts 1 / kOpenValveResistance = 1000 kg/s per Pa: at 5 bar its flow is
  // resolved to ~1000 x ulp(5e5 Pa) ~ 6e-8 kg/s, and the projection onto exact mass balance
  // (spanning_forest.hpp) moves flows by that much; compared at 1e-8 relative (~5e-8 kg/s).
  const double q_sec = value(r, "sources/mass_flow", "sources", "SEC");
  CHECK(q_sec == Approx(q_ref).epsilon(1e-8));
  CHECK(value(r, "sources/mass_flow", "sources", "MAIN") == Approx(20.0 - q_ref).epsilon(1e-8));
  // its pump holds dp across it (less the open-valve resistance), both its pressures float
  const double dp_sec = value(r, "nodes/pressure", "nodes", "S2") -
                        value(r, "nodes/pressure", "nodes", "R2");
  CHECK(dp_sec == Approx(2.5e5 - physics::kOpenValveResistance * q_sec).epsilon(1e-12));
  CHECK(value(r, "sources/makeup_mass_flow", "sources", "SEC") == 0.0);
  CHECK(std::abs(value(r, "sources/makeup_mass_flow", "sources", "MAIN")) <= 1e-9 * 20.0);
  CHECK(r.report().boundary_flows.empty());  // one pressure holder: nothing enters or leaves
  CHECK(r.checks().empty());
  check_closure(d, r);
}

TEST_CASE("a floating curve plant and a floating-only network", "[plants]") {
  SECTION("curve pump without return_pressure_bar converges and closes") {
    auto d = line_with_two_plants(1.0, std::nullopt);
    d.sources[1].pump.type = SourcePumpType::curve;
    d.sources[1].pump.points_m3_h_m = {{0, 32}, {40, 28}, {80, 18}};
    Result r = solve(Network::build(d));
    INFO(r.report().full());
    REQUIRE(r.converged());
    CHECK(value(r, "sources/mass_flow", "sources", "SEC") > 1.0);
    CHECK(value(r, "sources/makeup_mass_flow", "sources", "SEC") == 0.0);
    check_closure(d, r);
  }
  SECTION("a floating plant is no pressure reference") {
    auto d = line_with_two_plants(1.0, std::nullopt);
    d.sources.erase(d.sources.begin());  // only SEC (floating) is left
    try {
      Network::build(d);
      FAIL("accepted a network whose only plant floats");
    } catch (const NetworkError& e) {
      CHECK(e.code() == ErrorCode::no_pressure_reference);
      CHECK(std::string(e.what()).find("a source without it floats") != std::string::npos);
    }
  }
  SECTION("dp_control needs a return pressure") {
    auto d = line_with_two_plants(1.0, std::nullopt);
    d.sources[1].pump.type = SourcePumpType::dp_control;
    d.sources[1].pump.consumer = "C2";
    try {
      Network::build(d);
      FAIL("accepted a floating dp_control plant");
    } catch (const NetworkError& e) {
      CHECK(e.code() == ErrorCode::missing_field);
      CHECK(e.element_id() == "SEC");
      CHECK(e.field() == "return_pressure_bar");
    }
  }
}

TEST_CASE("two plants holding different return pressures exchange make-up and spill",
          "[plants]") {
  // SEC holds R2 at 0.3 bar above what the main plant's return line would give there: water
  // enters at one return node and leaves at the other.
  const auto d = line_with_two_plants(2.5, 2.3);
  Result r = solve(Network::build(d));
  INFO(r.report().full());
  REQUIRE(r.converged());
  const double main_makeup = value(r, "sources/makeup_mass_flow", "sources", "MAIN");
  const double sec_makeup = value(r, "sources/makeup_mass_flow", "sources", "SEC");
  CHECK(std::abs(main_makeup) > 0.1);
  CHECK(sec_makeup == Approx(-main_makeup).epsilon(1e-9));
  CHECK(value(r, "nodes/pressure", "nodes", "R2") == Approx(2.3e5).epsilon(1e-12));
  REQUIRE(r.report().boundary_flows.size() == 2);
  CHECK(r.report().boundary_flows[0].element_id == "MAIN");
  CHECK(r.report().boundary_flows[0].mass_flow_kg_s == main_makeup);
  CHECK(describe_boundary_flows(r.report().boundary_flows).find("spill") != std::string::npos);
  check_closure(d, r);

  SECTION("and a pressure node beside them") {
    auto dp = d;
    dp.pressure_nodes.push_back({"R1", 2.4, 40.0});
    Result rp = solve(Network::build(dp));
    INFO(rp.report().full());
    REQUIRE(rp.converged());
    REQUIRE(rp.ids(ElementGroup::pressure_nodes) == std::vector<std::string>{"R1"});
    CHECK(value(rp, "pressure_nodes/mass_flow", "pressure_nodes", "R1") > 0.1);  // highest
    CHECK(value(rp, "pressure_nodes/temperature", "pressure_nodes", "R1") ==
          value(rp, "nodes/temperature", "nodes", "R1"));
    check_closure(dp, rp);
  }
}

TEST_CASE("a weak plant pushed backwards by a stronger one closes like a check valve",
          "[plants]") {
  for (const bool holds : {true, false}) {
    // SEC's pump (0.3 bar) is far below the 2+ bar the main plant puts across R2/S2
    const auto d = line_with_two_plants(0.3, holds ? std::optional<double>(2.0) : std::nullopt);
    Result r = solve(Network::build(d));
    INFO("SEC holds its return pressure: " << holds << "\n" << r.report().full());
    REQUIRE(r.converged());
    const double q_sec = value(r, "sources/mass_flow", "sources", "SEC");
    CHECK(q_sec >= -kLeak);
    CHECK(q_sec <= kLeak);
    CHECK(value(r, "sources/heat", "sources", "SEC") <= 1e-6);
    const double dp_net = value(r, "nodes/pressure", "nodes", "S2") -
                          value(r, "nodes/pressure", "nodes", "R2");
    CHECK(dp_net > 0.3e5);  // the network pushes back harder than the pump can hold
    REQUIRE(has_check(r, "SEC", "source_closed"));
    CHECK_FALSE(has_check(r, "SEC", "source_reverse_flow"));
    CHECK_FALSE(has_check(r, "MAIN", "source_closed"));
    for (const auto& c : r.checks())
      if (c.check == "source_closed") CHECK(c.value == Approx(dp_net - 0.3e5).epsilon(1e-9));
    // the main plant carries all the consumers' water
    CHECK(value(r, "sources/mass_flow", "sources", "MAIN") == Approx(20.0).epsilon(1e-9));
    check_closure(d, r);
  }
}

TEST_CASE("boundary flows round-trip through HDF5 with their units", "[plants][hdf5]") {
  auto d = line_with_two_plants(2.5, 2.3);
  d.pressure_nodes.push_back({"R1", 2.4, 40.0});
  Result r = solve(Network::build(d));
  REQUIRE(r.converged());
  TempDir dir;
  const auto path = dir.path / "plants.h5";
  io::write_results(r, path);
  const Result back = io::read_results(path);
  CHECK(back.ids(ElementGroup::pressure_nodes) == std::vector<std::string>{"R1"});
  for (const char* p : {"sources/makeup_mass_flow", "pressure_nodes/mass_flow",
                        "pressure_nodes/temperature"}) {
    INFO(p);
    CHECK(back.dataset(p).data == r.dataset(p).data);
    CHECK(back.dataset(p).steps == 1);
  }
  CHECK(back.dataset("sources/makeup_mass_flow").unit == "kg/s");
  CHECK(back.dataset("pressure_nodes/mass_flow").unit == "kg/s");
  CHECK(back.dataset("pressure_nodes/temperature").unit == "degC");
}

TEST_CASE("a fixed_flow plant pumping more than the consumers draw has no steady state",
          "[plants]") {
  // SEC circulates 30 kg/s, the consumers take 20: the surplus could only go back through the
  // main plant, which closes instead of running backwards. The solve must say so, naming it.
  auto d = line_with_two_plants(2.5, std::nullopt);
  d.sources[1].pump.type = SourcePumpType::fixed_flow;
  d.sources[1].pump.mass_flow_kg_s = 30.0;
  Result r = solve(Network::build(d));
  INFO(r.report().full());
  CHECK_FALSE(r.converged());
  CHECK(r.report().status == SolveStatus::invalid_solution);
  CHECK(r.report().message.find("source 'MAIN'") != std::string::npos);
  CHECK(r.report().message.find("forced back through the closed plant") != std::string::npos);
  // below the draw the same network is fine: the main plant carries the rest
  d.sources[1].pump.mass_flow_kg_s = 15.0;
  Result ok = solve(Network::build(d));
  REQUIRE(ok.converged());
  CHECK(value(ok, "sources/mass_flow", "sources", "MAIN") == Approx(5.0).epsilon(1e-9));
  check_closure(d, ok);
}

TEST_CASE("a dp_control plant whose set point the other plants exceed closes like a check valve",
          "[plants]") {
  // MAIN holds C2's dp at 0.5 bar; SEC (floating, fixed_dp) sits beside C2. With SEC at 4 bar
  // C2 has more than its set point with MAIN idle: the network would push water back into
  // MAIN, which closes. Independently: SEC then carries all 20 kg/s, so C2's dp is SEC's law,
  // 4 bar - r 20 kg/s (both of C2's nodes are SEC's own).
  auto d = line_with_two_plants(4.0, std::nullopt);
  d.sources[0].pump.type = SourcePumpType::dp_control;
  d.sources[0].pump.consumer = "C2";
  d.sources[0].pump.dp_bar = 0.5;
  Result r = solve(Network::build(d));
  INFO(r.report().full());
  REQUIRE(r.converged());
  CHECK(std::abs(value(r, "sources/mass_flow", "sources", "MAIN")) <= kLeak);
  CHECK(value(r, "sources/mass_flow", "sources", "SEC") == Approx(20.0).epsilon(1e-9));
  const double dp_c2 = value(r, "nodes/pressure", "nodes", "S2") - value(r, "nodes/pressure", "nodes", "R2");
  CHECK(dp_c2 == Approx(4e5 - physics::kOpenValveResistance * 20.0).epsilon(1e-9));
  REQUIRE(has_check(r, "MAIN", "source_closed"));
  CHECK_FALSE(has_check(r, "MAIN", "source_reverse_flow"));
  for (const auto& c : r.checks())
    if (c.check == "source_closed") CHECK(c.value == Approx(dp_c2 - 0.5e5).epsilon(1e-9));
  check_closure(d, r);

  SECTION("and reopens where its set point is not met without it") {
    d.sources[1].pump.dp_bar = 0.3;  // SEC alone gives C2 less than 0.5 bar
    Result open = solve(Network::build(d));
    INFO(open.report().full());
    REQUIRE(open.converged());
    CHECK(value(open, "sources/mass_flow", "sources", "MAIN") > 1.0);
    CHECK(value(open, "nodes/pressure", "nodes", "S2") - value(open, "nodes/pressure", "nodes", "R2") ==
          Approx(0.5e5).epsilon(1e-9));
    CHECK_FALSE(has_check(open, "MAIN", "source_closed"));
    check_closure(d, open);
  }
}
