// heatnet-network/1 writer: canonical JSON. Fixed key order (the spec's), optional fields only
// when set, settings always written in full (the file then means the same thing even if a
// default changes), numbers in nlohmann's shortest round-trip form.
#include <cmath>
#include <string>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "heatnet/version.hpp"
#include "io/json_strict_parse.hpp"
#include "io/text_file.hpp"

namespace heatnet::io {
namespace {

using json_detail::Json;

// Adds numbers, refusing NaN/inf: JSON has no spelling for them (nlohmann would write null,
// which the reader then rejects far from the cause).
class Emitter {
 public:
  Emitter(std::string path, std::string kind, std::string id)
      : path_(std::move(path)), kind_(std::move(kind)), id_(std::move(id)) {}

  Json& object() { return object_; }
  void number(const char* key, double v) { object_[key] = finite(key, v); }
  void optional(const char* key, const std::optional<double>& v) {
    if (v) number(key, *v);
  }
  void nonzero(const char* key, double v) {  // optional keys whose absence means 0
    if (v != 0.0) number(key, v);
  }
  void string(const char* key, const std::string& v) { object_[key] = v; }
  void flag(const char* key, bool v) {  // optional booleans whose absence means false
    if (v) object_[key] = true;
  }
  void curve(const char* key, const CurvePoints& points) {
    Json a = Json::array();
    for (const auto& p : points) a.push_back(Json::array({finite(key, p[0]), finite(key, p[1])}));
    object_[key] = std::move(a);
  }

 private:
  double finite(const char* key, double v) const {
    if (!std::isfinite(v))
      throw InputError(ErrorCode::invalid_value, kind_, id_, key, format_value(v),
                       "cannot write a non-finite number to JSON",
                       (path_.empty() ? "" : path_ + ".") + key);
    return v;
  }
  std::string path_, kind_, id_;
  Json object_ = Json::object();
};

std::string item(const char* array, std::size_t i) {
  return std::string(array) + "[" + std::to_string(i) + "]";
}

Json settings_json(const SettingsDefinition& s) {
  Emitter e("settings", "settings", "");
  if (s.fluid.is_water) {
    e.string("fluid", "water");
  } else {
    Emitter f("settings.fluid", "settings", "");
    f.number("density_kg_m3", s.fluid.density_kg_m3);
    f.number("kinematic_viscosity_m2_s", s.fluid.kinematic_viscosity_m2_s);
    f.number("specific_heat_J_kgK", s.fluid.specific_heat_J_kgK);
    e.object()["fluid"] = std::move(f.object());
  }
  e.string("friction", std::string(to_string(s.friction)));
  e.number("ambient_temperature_C", s.ambient_temperature_C);
  e.number("temperature_C", s.temperature_C);
  e.number("gravity_m_s2", s.gravity_m_s2);
  Emitter t("settings.tolerance", "settings", "");
  t.number("mass_flow_rel", s.tolerance_mass_flow_rel);
  t.number("temperature_K", s.tolerance_temperature_K);
  e.object()["tolerance"] = std::move(t.object());
  e.object()["max_iterations"] = s.max_iterations;
  e.optional("closed_link_resistance_Pa_s_kg", s.closed_link_resistance_Pa_s_kg);
  return std::move(e.object());
}

Json node_json(const NodeDefinition& d, std::size_t i) {
  Emitter e(item("nodes", i), "node", d.id);
  e.string("id", d.id);
  e.number("elevation_m", d.elevation_m);
  e.optional("x", d.x);
  e.optional("y", d.y);
  e.nonzero("demand_kg_s", d.demand_kg_s);
  e.optional("injection_temperature_C", d.injection_temperature_C);
  return std::move(e.object());
}

Json pipe_json(const PipeDefinition& d, std::size_t i) {
  Emitter e(item("pipes", i), "pipe", d.id);
  e.string("id", d.id);
  e.string("from", d.from);
  e.string("to", d.to);
  e.number("length_m", d.length_m);
  e.number("inner_diameter_m", d.inner_diameter_m);
  e.number("roughness_mm", d.roughness_mm);
  e.nonzero("minor_loss", d.minor_loss);
  e.nonzero("heat_loss_W_mK", d.heat_loss_W_mK);
  e.optional("ambient_temperature_C", d.ambient_temperature_C);
  e.optional("hazen_williams_c", d.hazen_williams_c);
  e.flag("check_valve", d.check_valve);
  e.flag("closed", d.closed);
  return std::move(e.object());
}

Json pressure_node_json(const PressureNodeDefinition& d, std::size_t i) {
  Emitter e(item("pressure_nodes", i), "pressure_node", d.node);
  e.string("node", d.node);
  e.number("pressure_bar", d.pressure_bar);
  e.number("temperature_C", d.temperature_C);
  e.flag("no_inflow", d.no_inflow);
  e.flag("no_outflow", d.no_outflow);
  return std::move(e.object());
}

// Only the keys of the pump's own type: the reader rejects the others.
Json source_json(const SourceDefinition& d, std::size_t i) {
  Emitter e(item("sources", i), "source", d.id);
  e.string("id", d.id);
  e.string("supply_node", d.supply_node);
  e.string("return_node", d.return_node);
  e.number("supply_temperature_C", d.supply_temperature_C);
  e.optional("return_pressure_bar", d.return_pressure_bar);
  Emitter p(item("sources", i) + ".pump", "source", d.id);
  p.string("type", std::string(to_string(d.pump.type)));
  switch (d.pump.type) {
    case SourcePumpType::fixed_dp: p.number("dp_bar", d.pump.dp_bar); break;
    case SourcePumpType::curve: p.curve("points_m3_h_m", d.pump.points_m3_h_m); break;
    case SourcePumpType::dp_control:
      p.string("consumer", d.pump.consumer);
      p.number("dp_bar", d.pump.dp_bar);
      break;
    case SourcePumpType::fixed_flow: p.number("mass_flow_kg_s", d.pump.mass_flow_kg_s); break;
  }
  e.object()["pump"] = std::move(p.object());
  return std::move(e.object());
}

Json consumer_json(const ConsumerDefinition& d, std::size_t i) {
  Emitter e(item("consumers", i), "consumer", d.id);
  e.string("id", d.id);
  e.string("supply_node", d.supply_node);
  e.string("return_node", d.return_node);
  e.optional("heat_demand_kW", d.heat_demand_kW);
  e.optional("mass_flow_kg_s", d.mass_flow_kg_s);
  e.number("return_temperature_C", d.return_temperature_C);
  e.optional("min_dp_bar", d.min_dp_bar);
  e.optional("max_mass_flow_kg_s", d.max_mass_flow_kg_s);
  e.optional("kvs_m3_h", d.kvs_m3_h);
  return std::move(e.object());
}

Json pump_json(const PumpDefinition& d, std::size_t i) {
  Emitter e(item("pumps", i), "pump", d.id);
  e.string("id", d.id);
  e.string("from", d.from);
  e.string("to", d.to);
  if (!d.points_m3_h_m.empty() || !d.power_kW) e.curve("points_m3_h_m", d.points_m3_h_m);
  if (d.curve_kind != PumpCurveKind::quadratic)
    e.string("curve_kind", std::string(to_string(d.curve_kind)));
  e.optional("power_kW", d.power_kW);
  if (d.speed != 1.0) e.number("speed", d.speed);
  e.flag("closed", d.closed);
  return std::move(e.object());
}

Json valve_json(const ValveDefinition& d, std::size_t i) {
  Emitter e(item("valves", i), "valve", d.id);
  e.string("id", d.id);
  e.string("from", d.from);
  e.string("to", d.to);
  e.string("type", std::string(to_string(d.type)));
  e.optional("inner_diameter_m", d.inner_diameter_m);
  e.nonzero("minor_loss", d.minor_loss);
  e.optional("setting_bar", d.setting_bar);
  e.optional("mass_flow_kg_s", d.mass_flow_kg_s);
  if (!d.curve_m3_h_m.empty()) e.curve("curve_m3_h_m", d.curve_m3_h_m);
  e.flag("closed", d.closed);
  return std::move(e.object());
}

template <class Def, class ToJson>
void add_array(Json& root, const char* key, const std::vector<Def>& items, ToJson to_json,
               bool always = false) {
  if (items.empty() && !always) return;
  Json a = Json::array();
  for (std::size_t i = 0; i < items.size(); ++i) a.push_back(to_json(items[i], i));
  root[key] = std::move(a);
}

}  // namespace

std::string network_to_json(const NetworkDefinition& def, int indent) {
  Json root = Json::object();
  root["format"] = kNetworkFormat;
  root["name"] = def.name;
  if (!def.description.empty()) root["description"] = def.description;
  root["settings"] = settings_json(def.settings);
  add_array(root, "nodes", def.nodes, node_json, /*always=*/true);  // required key
  add_array(root, "pipes", def.pipes, pipe_json);
  add_array(root, "pressure_nodes", def.pressure_nodes, pressure_node_json);
  add_array(root, "sources", def.sources, source_json);
  add_array(root, "consumers", def.consumers, consumer_json);
  add_array(root, "pumps", def.pumps, pump_json);
  add_array(root, "valves", def.valves, valve_json);
  // error_handler strict: a std::string that is not UTF-8 (Python can't produce one, C++ can)
  // is an error here rather than a file the reader rejects.
  try {
    return root.dump(indent < 0 ? -1 : indent, ' ', false, Json::error_handler_t::strict) + "\n";
  } catch (const nlohmann::json::exception& e) {
    throw InputError(ErrorCode::invalid_value, "network", def.name, "", "",
                     std::string("cannot write JSON: ") + json_detail::printable(e.what()));
  }
}

void write_network_json(const NetworkDefinition& definition, const std::filesystem::path& path) {
  json_detail::write_file_atomic(path, network_to_json(definition));
}

}  // namespace heatnet::io
