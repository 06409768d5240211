// Every validation rule of Network::build produces its own readable message (the exact text,
// which is the user-facing contract: "element 'id': field = value; rule"), the right error
// code and the offending element id.
#include <catch2/catch.hpp>
#include <functional>
#include <string>

#include "heatnet/errors.hpp"
#include "heatnet/network.hpp"
#include "tests/network_builders.hpp"

using namespace heatnet;
using namespace heatnet::testing;

namespace {
// A valid two-node network: pressure node A, pipe P1 A -> B.
NetworkDefinition base(FluidDefinition fluid = constant_water()) {
  auto d = empty_network(fluid);
  add_node(d, "A");
  add_node(d, "B");
  add_pipe(d, "P1", "A", "B", 100.0, 0.1, 0.1);
  add_pressure(d, "A", 2.0, 20.0);
  return d;
}

void expect_error(const NetworkDefinition& d, ErrorCode code, const std::string& message,
                  const std::string& element_id) {
  try {
    Network::build(d);
    FAIL("Network::build accepted the network; expected: " << message);
  } catch (const NetworkError& e) {
    CHECK(std::string(e.what()) == message);
    CHECK(e.code() == code);
    CHECK(e.element_id() == element_id);
  }
}
}  // namespace

TEST_CASE("the base network of the validation tests is valid", "[validation]") {
  CHECK_NOTHROW(Network::build(base()));
  CHECK_NOTHROW(Network::build(base(water_iapws())));
}

TEST_CASE("duplicate ids", "[validation]") {
  auto d = base();
  add_pipe(d, "P1", "B", "A", 50.0, 0.1, 0.1);
  expect_error(d, ErrorCode::duplicate_id,
               "pipe 'P1': id; duplicate id (ids must be unique among pipes)", "P1");
  auto n = base();
  add_node(n, "B");
  expect_error(n, ErrorCode::duplicate_id,
               "node 'B': id; duplicate id (ids must be unique among nodes)", "B");
  auto c = base();
  add_node(c, "R");
  add_pipe(c, "P2", "B", "R", 10, 0.1, 0.1);
  add_consumer_flow(c, "C1", "B", "R", 1.0, 40.0);
  add_consumer_flow(c, "C1", "B", "R", 1.0, 40.0);
  expect_error(c, ErrorCode::duplicate_id,
               "consumer 'C1': id; duplicate id (ids must be unique among consumers)", "C1");
}

TEST_CASE("unknown node references", "[validation]") {
  auto d = base();
  d.pipes[0].to = "X";
  expect_error(d, ErrorCode::unknown_reference, "pipe 'P1': to = 'X'; no node with this id", "P1");
  auto p = base();
  p.pressure_nodes[0].node = "Q";
  expect_error(p, ErrorCode::unknown_reference,
               "pressure_node 'Q': node = 'Q'; no node with this id", "Q");
  auto c = base();
  add_consumer_flow(c, "C1", "B", "nowhere", 1.0, 40.0);
  expect_error(c, ErrorCode::unknown_reference,
               "consumer 'C1': return_node = 'nowhere'; no node with this id", "C1");
  auto v = base();
  add_valve(v, "V1", "Z", "B", ValveType::open);
  expect_error(v, ErrorCode::unknown_reference, "valve 'V1': from = 'Z'; no node with this id", "V1");
}

// Network::build looks a kind's references up in a pass of their own before it checks the
// elements one by one (network/elements/elements.hpp, find_link_ends); the error a file gets
// is still the first broken element's, its references before its values.
TEST_CASE("the first broken element is reported, its references before its values", "[validation]") {
  auto d = base();
  add_pipe(d, "P2", "B", "A", 100.0, 0.1, 0.1);
  d.pipes[1].length_m = 0.0;
  add_pipe(d, "P3", "A", "X", 100.0, 0.1, 0.1);
  expect_error(d, ErrorCode::invalid_value,
               "pipe 'P2': length_m = 0; must be > 0 (and < 10000 km)", "P2");
  d.pipes[1].to = "Y";  // P2 now breaks a reference and a value: the reference is named
  expect_error(d, ErrorCode::unknown_reference, "pipe 'P2': to = 'Y'; no node with this id", "P2");
  d.pipes[1].to = "B";  // both ends one node
  expect_error(d, ErrorCode::invalid_value,
               "pipe 'P2': to = 'B'; a pipe must connect two different nodes", "P2");

  auto c = base();
  add_node(c, "R");
  add_pipe(c, "P2", "B", "R", 10, 0.1, 0.1);
  add_consumer_flow(c, "C1", "B", "R", 1.0, 40.0).mass_flow_kg_s.reset();  // no demand given
  add_consumer_flow(c, "C2", "B", "nowhere", 1.0, 40.0);
  try {
    Network::build(c);
    FAIL("Network::build accepted the network");
  } catch (const NetworkError& e) {
    CHECK(e.element_id() == "C1");
    CHECK(e.code() == ErrorCode::missing_field);
  }
}

TEST_CASE("non-positive length or diameter, negative roughness", "[validation]") {
  auto d = base();
  d.pipes[0].length_m = 0.0;
  expect_error(d, ErrorCode::invalid_value, "pipe 'P1': length_m = 0; must be > 0 (and < 10000 km)",
               "P1");
  d.pipes[0].length_m = -5.0;
  expect_error(d, ErrorCode::invalid_value, "pipe 'P1': length_m = -5; must be > 0 (and < 10000 km)",
               "P1");
  auto e = base();
  e.pipes[0].inner_diameter_m = -0.1;
  expect_error(e, ErrorCode::invalid_value,
               "pipe 'P1': inner_diameter_m = -0.1; must be > 0 (and < 100 m)", "P1");
  e.pipes[0].inner_diameter_m = 0.0;
  expect_error(e, ErrorCode::invalid_value,
               "pipe 'P1': inner_diameter_m = 0; must be > 0 (and < 100 m)", "P1");
  auto f = base();
  f.pipes[0].roughness_mm = -0.1;
  expect_error(f, ErrorCode::invalid_value,
               "pipe 'P1': roughness_mm = -0.1; must be >= 0 and smaller than the diameter", "P1");
}

TEST_CASE("a connected part without pressure reference is named by one of its nodes",
          "[validation]") {
  auto d = base();
  add_node(d, "C");
  add_node(d, "D");
  add_pipe(d, "P2", "C", "D", 100.0, 0.1, 0.1);
  try {
    Network::build(d);
    FAIL("accepted a floating component");
  } catch (const NetworkError& e) {
    CHECK(e.code() == ErrorCode::no_pressure_reference);
    CHECK((e.element_id() == "C" || e.element_id() == "D"));
    CHECK(std::string(e.what()) ==
          "node '" + e.element_id() +
              "': its connected part (2 node(s)) has no pressure reference (add a pressure node "
              "or give a source return_pressure_bar; a source without it floats and holds no "
              "pressure)");
  }
  // a closed valve separates parts: the far side has no reference
  auto v = base();
  add_node(v, "E");
  add_valve(v, "V1", "B", "E", ValveType::closed);
  try {
    Network::build(v);
    FAIL("accepted a part cut off by a closed valve");
  } catch (const NetworkError& e) {
    CHECK(e.code() == ErrorCode::no_pressure_reference);
    CHECK(e.element_id() == "E");
  }
}

TEST_CASE("conflicting boundaries", "[validation]") {
  auto d = base();
  add_pressure(d, "A", 3.0, 20.0);
  expect_error(d, ErrorCode::conflicting_boundary,
               "pressure_node 'A': node = 'A'; node's pressure is already held by pressure node 'A'",
               "A");
  auto s = base();
  add_node(s, "S");
  add_pipe(s, "P2", "S", "B", 10, 0.1, 0.1);
  add_source_dp(s, "PLANT", "S", "A", 90.0, 2.0, 3.0);  // return node A is a pressure node
  expect_error(s, ErrorCode::conflicting_boundary,
               "source 'PLANT': return_node = 'A'; node's pressure is already held by pressure "
               "node 'A'",
               "PLANT");
}

TEST_CASE("bad pump curves", "[validation]") {
  auto with_pump = [](CurvePoints pts) {
    auto d = base();
    add_node(d, "C");
    add_booster(d, "BP", "B", "C", std::move(pts));
    return d;
  };
  expect_error(with_pump({}), ErrorCode::invalid_value,
               "pump 'BP': points_m3_h_m; needs at least one [flow_m3_h, head_m] point", "BP");
  expect_error(with_pump({{-5.0, 30.0}, {10.0, 25.0}, {20.0, 15.0}}), ErrorCode::invalid_value,
               "pump 'BP': points_m3_h_m; flow -5 m3/h is negative", "BP");
  expect_error(with_pump({{0.0, 10.0}, {100.0, 20.0}, {200.0, 40.0}}), ErrorCode::invalid_value,
               "pump 'BP': points_m3_h_m; fitted head must fall with flow at the largest point "
               "(unstable curve)",
               "BP");
  expect_error(with_pump({{50.0, 30.0}, {50.0, 20.0}}), ErrorCode::invalid_value,
               "pump 'BP': points_m3_h_m; the two points have the same flow", "BP");
  // a source pump curve is checked the same way
  auto s = base();
  add_node(s, "S");
  add_node(s, "R");
  add_pipe(s, "P2", "S", "R", 10, 0.1, 0.1);
  auto& src = add_source_dp(s, "PLANT", "S", "R", 80.0, 2.0, 0.0);
  src.pump.type = SourcePumpType::curve;
  src.pump.points_m3_h_m = {{0.0, 10.0}, {100.0, 20.0}, {200.0, 40.0}};
  expect_error(s, ErrorCode::invalid_value,
               "source 'PLANT': points_m3_h_m; fitted head must fall with flow at the largest "
               "point (unstable curve)",
               "PLANT");
}

TEST_CASE("dp_control naming an unknown consumer", "[validation]") {
  auto d = base();
  add_node(d, "S");
  add_node(d, "R");
  add_pipe(d, "P2", "S", "R", 10, 0.1, 0.1);
  auto& src = add_source_dp(d, "PLANT", "S", "R", 80.0, 2.0, 0.0);
  src.pump.type = SourcePumpType::dp_control;
  src.pump.dp_bar = 1.0;
  src.pump.consumer = "CX";
  expect_error(d, ErrorCode::unknown_reference,
               "source 'PLANT': pump.consumer = 'CX'; no consumer with this id", "PLANT");
}

TEST_CASE("consumer with both or none of heat demand and mass flow", "[validation]") {
  auto both = base();
  add_node(both, "R");
  add_pipe(both, "P2", "B", "R", 10, 0.1, 0.1);
  auto& c = add_consumer_kW(both, "C1", "B", "R", 100.0, 40.0);
  c.mass_flow_kg_s = 1.0;
  expect_error(both, ErrorCode::missing_field,
               "consumer 'C1': heat_demand_kW; give exactly one of heat_demand_kW or mass_flow_kg_s",
               "C1");
  auto none = both;
  none.consumers[0].heat_demand_kW.reset();
  none.consumers[0].mass_flow_kg_s.reset();
  expect_error(none, ErrorCode::missing_field,
               "consumer 'C1': heat_demand_kW; give exactly one of heat_demand_kW or mass_flow_kg_s",
               "C1");
}

TEST_CASE("temperatures outside 1..180 degC are rejected for water", "[validation]") {
  auto hot = base(water_iapws());
  hot.pressure_nodes[0].temperature_C = 190.0;
  expect_error(hot, ErrorCode::out_of_range,
               "pressure_node 'A': temperature_C = 190; outside the water model's range 1..180 degC",
               "A");
  auto cold = base(water_iapws());
  cold.pressure_nodes[0].temperature_C = 0.5;
  expect_error(cold, ErrorCode::out_of_range,
               "pressure_node 'A': temperature_C = 0.5; outside the water model's range 1..180 degC",
               "A");
  auto ret = base(water_iapws());
  add_node(ret, "R");
  add_pipe(ret, "P2", "B", "R", 10, 0.1, 0.1);
  add_consumer_flow(ret, "C1", "B", "R", 1.0, 185.0);
  expect_error(ret, ErrorCode::out_of_range,
               "consumer 'C1': return_temperature_C = 185; outside the water model's range 1..180 "
               "degC",
               "C1");
  auto src = base(water_iapws());
  add_node(src, "S");
  add_node(src, "R");
  add_pipe(src, "P2", "S", "R", 10, 0.1, 0.1);
  add_source_dp(src, "PLANT", "S", "R", 200.0, 2.0, 1.0);
  expect_error(src, ErrorCode::out_of_range,
               "source 'PLANT': supply_temperature_C = 200; outside the water model's range 1..180 "
               "degC",
               "PLANT");
  // the bounds themselves are valid, and a constant-property fluid is not limited to them
  auto edge = base(water_iapws());
  edge.pressure_nodes[0].temperature_C = 180.0;
  CHECK_NOTHROW(Network::build(edge));
  edge.pressure_nodes[0].temperature_C = 1.0;
  CHECK_NOTHROW(Network::build(edge));
  auto oil = base();
  oil.pressure_nodes[0].temperature_C = 190.0;
  CHECK_NOTHROW(Network::build(oil));
}

TEST_CASE("hazen_williams without a C factor", "[validation]") {
  auto d = base();
  d.settings.friction = FrictionModel::hazen_williams;
  expect_error(d, ErrorCode::missing_field,
               "pipe 'P1': hazen_williams_c; required when settings.friction is hazen_williams",
               "P1");
  d.pipes[0].hazen_williams_c = 130.0;
  CHECK_NOTHROW(Network::build(d));
}
