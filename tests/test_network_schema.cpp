// The schema table (include/heatnet/network_schema.hpp) against the spec's key lists and the
// definition structs: every key once, in the spec's order, typed like its member.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "heatnet/network_schema.hpp"

using namespace heatnet;

namespace {
template <class Def>
std::vector<std::string> keys_of(schema::Fields<Def> fields) {
  std::vector<std::string> out;
  for (const auto& f : fields) out.emplace_back(f.key);
  return out;
}
using Keys = std::vector<std::string>;
}  // namespace

TEST_CASE("schema: keys per kind in the spec's order (docs/spec network-format)", "[schema]") {
  // The spec's keys followed by the model extensions, as heatnet-network/1 documents them.
  CHECK(keys_of(schema::node_fields()) ==
        Keys{"id", "elevation_m", "x", "y", "demand_kg_s", "injection_temperature_C"});
  CHECK(keys_of(schema::pipe_fields()) ==
        Keys{"id", "from", "to", "length_m", "inner_diameter_m", "roughness_mm", "minor_loss",
             "heat_loss_W_mK", "ambient_temperature_C", "hazen_williams_c", "check_valve",
             "closed"});
  CHECK(keys_of(schema::pressure_node_fields()) ==
        Keys{"node", "pressure_bar", "temperature_C", "no_inflow", "no_outflow"});
  CHECK(keys_of(schema::source_fields()) ==
        Keys{"id", "supply_node", "return_node", "supply_temperature_C", "return_pressure_bar",
             "pump"});
  CHECK(keys_of(schema::consumer_fields()) ==
        Keys{"id", "supply_node", "return_node", "heat_demand_kW", "mass_flow_kg_s",
             "return_temperature_C", "min_dp_bar", "max_mass_flow_kg_s", "kvs_m3_h"});
  CHECK(keys_of(schema::pump_fields()) ==
        Keys{"id", "from", "to", "points_m3_h_m", "curve_kind", "power_kW", "speed", "closed"});
  CHECK(keys_of(schema::valve_fields()) ==
        Keys{"id", "from", "to", "type", "inner_diameter_m", "minor_loss", "setting_bar",
             "mass_flow_kg_s", "curve_m3_h_m", "closed"});
  CHECK(keys_of(schema::settings_fields()) ==
        Keys{"fluid", "friction", "ambient_temperature_C", "temperature_C", "gravity_m_s2",
             "tolerance", "max_iterations", "closed_link_resistance_Pa_s_kg"});
}

TEST_CASE("schema: source pump keys per type", "[schema]") {
  auto keys_for = [](std::string_view type) {
    Keys out;
    for (const auto& f : schema::source_pump_fields())
      if (schema::applies_to(f, type)) out.emplace_back(f.key);
    return out;
  };
  CHECK(keys_for("fixed_dp") == Keys{"type", "dp_bar"});
  CHECK(keys_for("curve") == Keys{"type", "points_m3_h_m"});
  CHECK(keys_for("dp_control") == Keys{"type", "consumer", "dp_bar"});
  CHECK(keys_for("fixed_flow") == Keys{"type", "mass_flow_kg_s"});
}

TEST_CASE("schema: types, presence, unit factors and rules", "[schema]") {
  using schema::Presence;
  using schema::Type;
  const auto* rough = schema::find(schema::pipe_fields(), "roughness_mm");
  REQUIRE(rough);
  CHECK(schema::type_of(*rough) == Type::number);
  CHECK(rough->presence == Presence::required);
  CHECK(rough->to_si == 1e-3);
  CHECK(rough->setter == &Network::set_pipe_roughness);
  CHECK_FALSE(rough->range.contains(-1e-9));
  CHECK(rough->range.contains(0.0));
  const auto* closed = schema::find(schema::pipe_fields(), "closed");
  REQUIRE(closed);
  CHECK(schema::type_of(*closed) == Type::flag);
  CHECK(closed->extension);
  const auto* p = schema::find(schema::pressure_node_fields(), "pressure_bar");
  REQUIRE(p);
  CHECK(p->to_si == 1e5);
  CHECK_FALSE(p->range.contains(-1.01325));  // vacuum itself is refused
  const auto* q = schema::find(schema::consumer_fields(), "heat_demand_kW");
  REQUIRE(q);
  CHECK(schema::type_of(*q) == Type::optional_number);
  CHECK(q->to_si == 1e3);
  const auto* valve_type = schema::find(schema::valve_fields(), "type");
  REQUIRE(valve_type);
  REQUIRE(schema::type_of(*valve_type) == Type::choice);
  const auto& choice = std::get<schema::Choice<ValveDefinition>>(valve_type->member);
  ValveDefinition v;
  CHECK(choice.set(v, "prv"));
  CHECK(v.type == ValveType::prv);
  CHECK(choice.get(v) == "prv");
  CHECK_FALSE(choice.set(v, "butterfly"));
  const auto* points = schema::find(schema::pump_fields(), "points_m3_h_m");
  REQUIRE(points);
  CHECK(points->unless == "power_kW");
  // NaN never passes a range rule.
  for (const auto& f : schema::pipe_fields())
    if (f.check == schema::Check::range) CHECK_FALSE(f.range.contains(std::nan("")));
}

TEST_CASE("schema: element lists and top-level keys", "[schema]") {
  std::set<std::string> lists;
  for (const auto& l : schema::element_lists()) lists.emplace(l.key);
  CHECK(lists == std::set<std::string>{"nodes", "pipes", "pressure_nodes", "sources",
                                       "consumers", "pumps", "valves"});
  CHECK(schema::element_lists()[0].required);
  CHECK(schema::top_level_keys().size() == 11);
}
