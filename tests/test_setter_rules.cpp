// One rule per field (issue #19 finding 2): every Network::set_* accepts exactly the values
// Network::build accepts for the same edit of the definition. Each case edits a compiled
// network through the setter and, separately, the definition before building; both must
// succeed or both throw NetworkError naming the same field.
#include <catch2/catch.hpp>

#include <functional>
#include <optional>
#include <string>

#include "heatnet/errors.hpp"
#include "heatnet/network.hpp"
#include "network_builders.hpp"

using namespace heatnet;
using namespace heatnet::testing;

namespace {

// Two nodes, a pipe (D 0.1 m, roughness 1 mm), a dp_control plant and two consumers (one with
// a heat demand and a kvs, one with a fixed flow).
NetworkDefinition plant(FrictionModel friction = FrictionModel::colebrook) {
  NetworkDefinition d = empty_network(FluidDefinition{});  // IAPWS water
  d.settings.friction = friction;
  add_node(d, "S");
  add_node(d, "R");
  add_node(d, "A");
  add_pipe(d, "P", "S", "A", 100, 0.1, 1.0);
  SourceDefinition src;
  src.id = "CHP";
  src.supply_node = "S";
  src.return_node = "R";
  src.supply_temperature_C = 80;
  src.return_pressure_bar = 2.0;
  src.pump.type = SourcePumpType::dp_control;
  src.pump.consumer = "C1";
  src.pump.dp_bar = 1.0;
  d.sources.push_back(src);
  ConsumerDefinition c1;
  c1.id = "C1";
  c1.supply_node = "A";
  c1.return_node = "R";
  c1.heat_demand_kW = 100;
  c1.return_temperature_C = 50;
  c1.kvs_m3_h = 10;
  d.consumers.push_back(c1);
  ConsumerDefinition c2 = c1;
  c2.id = "C2";
  c2.heat_demand_kW.reset();
  c2.kvs_m3_h.reset();
  c2.mass_flow_kg_s = 1.0;
  d.consumers.push_back(c2);
  return d;
}

// The field named by the NetworkError `action` throws, or "" if it does not throw.
std::string refused_field(const std::function<void()>& action) {
  try {
    action();
    return "";
  } catch (const NetworkError& e) {
    return e.field().empty() ? "(no field)" : e.field();
  }
}

struct Edit {
  const char* what;
  std::function<void(Network&)> setter;
  std::function<void(NetworkDefinition&)> definition;
};

void check_same_outcome(const NetworkDefinition& base, const Edit& edit) {
  INFO(edit.what);
  Network net = Network::build(base);
  const std::string by_setter = refused_field([&] { edit.setter(net); });
  NetworkDefinition changed = base;
  edit.definition(changed);
  const std::string by_build = refused_field([&] { (void)Network::build(changed); });
  CHECK(by_setter == by_build);
}

}  // namespace

TEST_CASE("setters refuse and accept what build refuses and accepts", "[network][rules]") {
  const NetworkDefinition base = plant();
  const Edit edits[] = {
      // a diameter below the roughness (was accepted by set_pipe_diameter)
      {"pipe diameter below roughness", [](Network& n) { n.set_pipe_diameter(0, 0.0005); },
       [](NetworkDefinition& d) { d.pipes[0].inner_diameter_m = 0.0005; }},
      {"pipe diameter fine", [](Network& n) { n.set_pipe_diameter(0, 0.2); },
       [](NetworkDefinition& d) { d.pipes[0].inner_diameter_m = 0.2; }},
      {"pipe roughness above diameter", [](Network& n) { n.set_pipe_roughness(0, 0.2); },
       [](NetworkDefinition& d) { d.pipes[0].roughness_mm = 200; }},
      {"pipe length negative", [](Network& n) { n.set_pipe_length(0, -1); },
       [](NetworkDefinition& d) { d.pipes[0].length_m = -1; }},
      {"pipe minor loss NaN", [](Network& n) { n.set_pipe_minor_loss(0, std::nan("")); },
       [](NetworkDefinition& d) { d.pipes[0].minor_loss = std::nan(""); }},
      {"pipe heat loss", [](Network& n) { n.set_pipe_heat_loss(0, 0.3); },
       [](NetworkDefinition& d) { d.pipes[0].heat_loss_W_mK = 0.3; }},
      // a dp_control set point of 0 (was accepted by set_source_pump_dp)
      {"dp_control dp zero", [](Network& n) { n.set_source_pump_dp(0, 0.0); },
       [](NetworkDefinition& d) { d.sources[0].pump.dp_bar = 0.0; }},
      {"dp_control dp huge", [](Network& n) { n.set_source_pump_dp(0, 1e10); },
       [](NetworkDefinition& d) { d.sources[0].pump.dp_bar = 1e5; }},
      {"supply temperature too hot", [](Network& n) { n.set_source_supply_temperature(0, 250); },
       [](NetworkDefinition& d) { d.sources[0].supply_temperature_C = 250; }},
      {"return pressure below vacuum", [](Network& n) { n.set_source_return_pressure(0, -2e5); },
       [](NetworkDefinition& d) { d.sources[0].return_pressure_bar = -2.0; }},
      // a consumer with a kvs made a fixed-flow consumer (was accepted by set_consumer_mass_flow)
      {"kvs consumer to fixed flow", [](Network& n) { n.set_consumer_mass_flow(0, 1.0); },
       [](NetworkDefinition& d) {
         d.consumers[0].heat_demand_kW.reset();
         d.consumers[0].mass_flow_kg_s = 1.0;
       }},
      {"fixed flow consumer to heat demand", [](Network& n) { n.set_consumer_heat_demand(1, 5e4); },
       [](NetworkDefinition& d) {
         d.consumers[1].mass_flow_kg_s.reset();
         d.consumers[1].heat_demand_kW = 50;
       }},
      {"heat demand too large", [](Network& n) { n.set_consumer_heat_demand(0, 2e11); },
       [](NetworkDefinition& d) { d.consumers[0].heat_demand_kW = 2e8; }},
      {"return temperature NaN", [](Network& n) { n.set_consumer_return_temperature(0, std::nan("")); },
       [](NetworkDefinition& d) { d.consumers[0].return_temperature_C = std::nan(""); }},
      {"min dp negative", [](Network& n) { n.set_consumer_min_dp(0, -1e4); },
       [](NetworkDefinition& d) { d.consumers[0].min_dp_bar = -0.1; }},
      {"node demand inf", [](Network& n) { n.set_node_demand(2, INFINITY); },
       [](NetworkDefinition& d) { d.nodes[2].demand_kg_s = INFINITY; }},
      {"node elevation", [](Network& n) { n.set_node_elevation(2, 2e5); },
       [](NetworkDefinition& d) { d.nodes[2].elevation_m = 2e5; }},
      {"ambient temperature", [](Network& n) { n.set_ambient_temperature(-150); },
       [](NetworkDefinition& d) { d.settings.ambient_temperature_C = -150; }},
  };
  for (const auto& edit : edits) check_same_outcome(base, edit);
}

TEST_CASE("under EPANET's law a roughness above the diameter is accepted by build and setter",
          "[network][rules]") {
  // EPANET's D-W (Swamee-Jain) stays defined for e/D >= 1; build accepts it, so must the setter
  // (set_pipe_roughness refused it before).
  const NetworkDefinition base = plant(FrictionModel::epanet_darcy_weisbach);
  check_same_outcome(base, {"roughness 200 mm", [](Network& n) { n.set_pipe_roughness(0, 0.2); },
                            [](NetworkDefinition& d) { d.pipes[0].roughness_mm = 200; }});
  Network net = Network::build(base);
  CHECK_NOTHROW(net.set_pipe_roughness(0, 0.2));
}
