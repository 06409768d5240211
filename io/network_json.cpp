// heatnet-network/1 reader: strict JSON -> NetworkDefinition. The reader checks syntax, types,
// keys and presence; value rules (positive diameters, known node ids...) are Network::build's.
#include <cctype>
#include <string>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "heatnet/version.hpp"
#include "io/json_object_reader.hpp"
#include "io/json_strict_parse.hpp"
#include "io/network_json_keys.hpp"
#include "io/text_file.hpp"

namespace heatnet::io {
namespace {

using json_detail::ElementContext;
using json_detail::Json;
using json_detail::ObjectReader;
namespace keys = json_detail::keys;

std::string join(const std::vector<std::string_view>& words) {
  std::string s;
  for (auto w : words) s += (s.empty() ? "" : ", ") + std::string(w);
  return s;
}

FluidDefinition read_fluid(const ObjectReader& settings) {
  FluidDefinition fluid;
  const Json* v = settings.find("fluid");
  if (!v) return fluid;
  if (v->is_string()) {
    if (v->get<std::string>() != "water")
      settings.fail(ErrorCode::invalid_value, "fluid", quoted_input(v->get<std::string>()),
                    "expected \"water\" or an object with density_kg_m3, "
                    "kinematic_viscosity_m2_s, specific_heat_J_kgK");
    return fluid;
  }
  if (!v->is_object())
    settings.fail(ErrorCode::wrong_type, "fluid", "",
                  "expected \"water\" or an object, got " + json_detail::describe_type(*v));
  ObjectReader r(*v, settings.child_path("fluid"), {"settings", "", "fluid."}, keys::kFluid,
                 "constant-property fluid");
  fluid.is_water = false;
  fluid.density_kg_m3 = r.number("density_kg_m3");
  fluid.kinematic_viscosity_m2_s = r.number("kinematic_viscosity_m2_s");
  fluid.specific_heat_J_kgK = r.number("specific_heat_J_kgK");
  return fluid;
}

SettingsDefinition read_settings(const ObjectReader& top) {
  SettingsDefinition s;
  const Json* v = top.find("settings");
  if (!v) return s;
  ObjectReader r(*v, top.child_path("settings"), {"settings", "", ""}, keys::kSettings, "settings");
  s.fluid = read_fluid(r);
  if (r.has("friction")) {
    const std::string name = r.string("friction");
    auto model = parse_friction_model(name);
    if (!model)
      r.fail(ErrorCode::invalid_value, "friction", quoted_input(name),
             "unknown friction model; expected one of colebrook, swamee_jain, hazen_williams, "
             "nikuradse, epanet_darcy_weisbach");
    s.friction = *model;
  }
  s.ambient_temperature_C = r.number_or("ambient_temperature_C", s.ambient_temperature_C);
  s.temperature_C = r.number_or("temperature_C", s.temperature_C);
  s.gravity_m_s2 = r.number_or("gravity_m_s2", s.gravity_m_s2);
  if (const Json* t = r.find("tolerance")) {
    ObjectReader tr(*t, r.child_path("tolerance"), {"settings", "", "tolerance."}, keys::kTolerance,
                    "tolerance");
    s.tolerance_mass_flow_rel = tr.number_or("mass_flow_rel", s.tolerance_mass_flow_rel);
    s.tolerance_temperature_K = tr.number_or("temperature_K", s.tolerance_temperature_K);
  }
  s.max_iterations = r.integer_or("max_iterations", s.max_iterations);
  s.closed_link_resistance_Pa_s_kg = r.optional_number("closed_link_resistance_Pa_s_kg");
  return s;
}

// Calls read(element_reader) for each entry of the array under `key`; each entry must be an
// object with only `allowed` keys. `id_key` names the element in errors.
template <class Def, class ReadOne>
std::vector<Def> read_elements(const ObjectReader& top, std::string_view key, const char* kind,
                               std::string_view id_key, const keys::List& allowed,
                               ReadOne read_one, bool required = false) {
  std::vector<Def> out;
  const Json* v = required ? &top.required(key) : top.find(key);
  if (!v) return out;
  if (!v->is_array())
    top.fail(ErrorCode::wrong_type, key, "", "expected an array, got " + json_detail::describe_type(*v));
  out.reserve(v->size());
  for (std::size_t i = 0; i < v->size(); ++i) {
    const Json& e = (*v)[i];
    ObjectReader r(e, top.child_path(key) + "[" + std::to_string(i) + "]",
                   {kind, json_detail::printable(json_detail::peek_string(e, id_key)), ""}, allowed,
                   kind);
    out.push_back(read_one(r));
  }
  return out;
}

NodeDefinition read_node(const ObjectReader& r) {
  NodeDefinition d;
  d.id = r.string("id");
  d.elevation_m = r.number_or("elevation_m", d.elevation_m);
  d.x = r.optional_number("x");
  d.y = r.optional_number("y");
  d.demand_kg_s = r.number_or("demand_kg_s", d.demand_kg_s);
  d.injection_temperature_C = r.optional_number("injection_temperature_C");
  return d;
}

PipeDefinition read_pipe(const ObjectReader& r) {
  PipeDefinition d;
  d.id = r.string("id");
  d.from = r.string("from");
  d.to = r.string("to");
  d.length_m = r.number("length_m");
  d.inner_diameter_m = r.number("inner_diameter_m");
  d.roughness_mm = r.number("roughness_mm");
  d.minor_loss = r.number_or("minor_loss", d.minor_loss);
  d.heat_loss_W_mK = r.number_or("heat_loss_W_mK", d.heat_loss_W_mK);
  d.ambient_temperature_C = r.optional_number("ambient_temperature_C");
  d.hazen_williams_c = r.optional_number("hazen_williams_c");
  d.check_valve = r.boolean_or("check_valve", d.check_valve);
  d.closed = r.boolean_or("closed", d.closed);
  return d;
}

PressureNodeDefinition read_pressure_node(const ObjectReader& r) {
  PressureNodeDefinition d;
  d.node = r.string("node");
  d.pressure_bar = r.number("pressure_bar");
  d.temperature_C = r.number("temperature_C");
  d.no_inflow = r.boolean_or("no_inflow", d.no_inflow);
  d.no_outflow = r.boolean_or("no_outflow", d.no_outflow);
  return d;
}

SourcePumpDefinition read_source_pump(const ObjectReader& source) {
  const Json& v = source.required("pump");
  const ElementContext ctx{source.context().kind, source.context().id, "pump."};
  const std::string path = source.child_path("pump");
  // The type decides which keys are allowed, so read it before checking the others.
  const keys::List all_types = {"fixed_dp", "curve", "dp_control", "fixed_flow"};
  SourcePumpDefinition p;
  {
    ObjectReader peek(v, path, ctx, {"type", "dp_bar", "points_m3_h_m", "consumer", "mass_flow_kg_s"},
                      "pump");
    const std::string type = peek.string("type");
    auto t = parse_source_pump_type(type);
    if (!t)
      peek.fail(ErrorCode::invalid_value, "type", quoted_input(type),
                "unknown pump type; expected one of " + join(all_types));
    p.type = *t;
  }
  switch (p.type) {
    case SourcePumpType::fixed_dp: {
      ObjectReader r(v, path, ctx, keys::kPumpFixedDp, "a fixed_dp pump's");
      p.dp_bar = r.number("dp_bar");
      break;
    }
    case SourcePumpType::curve: {
      ObjectReader r(v, path, ctx, keys::kPumpCurve, "a curve pump's");
      p.points_m3_h_m = r.curve("points_m3_h_m");
      break;
    }
    case SourcePumpType::dp_control: {
      ObjectReader r(v, path, ctx, keys::kPumpDpControl, "a dp_control pump's");
      p.consumer = r.string("consumer");
      p.dp_bar = r.number("dp_bar");
      break;
    }
    case SourcePumpType::fixed_flow: {
      ObjectReader r(v, path, ctx, keys::kPumpFixedFlow, "a fixed_flow pump's");
      p.mass_flow_kg_s = r.number("mass_flow_kg_s");
      break;
    }
  }
  return p;
}

SourceDefinition read_source(const ObjectReader& r) {
  SourceDefinition d;
  d.id = r.string("id");
  d.supply_node = r.string("supply_node");
  d.return_node = r.string("return_node");
  d.supply_temperature_C = r.number("supply_temperature_C");
  // Required unless the pump is fixed_flow: Network::build checks that pairing.
  d.return_pressure_bar = r.optional_number("return_pressure_bar");
  d.pump = read_source_pump(r);
  return d;
}

ConsumerDefinition read_consumer(const ObjectReader& r) {
  ConsumerDefinition d;
  d.id = r.string("id");
  d.supply_node = r.string("supply_node");
  d.return_node = r.string("return_node");
  // Exactly one of the two: Network::build checks it (the Python builder needs it too).
  d.heat_demand_kW = r.optional_number("heat_demand_kW");
  d.mass_flow_kg_s = r.optional_number("mass_flow_kg_s");
  d.return_temperature_C = r.number("return_temperature_C");
  d.min_dp_bar = r.optional_number("min_dp_bar");
  d.max_mass_flow_kg_s = r.optional_number("max_mass_flow_kg_s");
  d.kvs_m3_h = r.optional_number("kvs_m3_h");
  return d;
}

PumpDefinition read_pump(const ObjectReader& r) {
  PumpDefinition d;
  d.id = r.string("id");
  d.from = r.string("from");
  d.to = r.string("to");
  d.power_kW = r.optional_number("power_kW");
  // A constant-power pump (extension) has no curve; Network::build rejects both or neither.
  d.points_m3_h_m = d.power_kW ? r.optional_curve("points_m3_h_m") : r.curve("points_m3_h_m");
  if (r.has("curve_kind")) {
    const std::string kind = r.string("curve_kind");
    auto k = parse_pump_curve_kind(kind);
    if (!k)
      r.fail(ErrorCode::invalid_value, "curve_kind", quoted_input(kind),
             "unknown curve kind; expected quadratic or epanet");
    d.curve_kind = *k;
  }
  d.speed = r.number_or("speed", d.speed);
  d.closed = r.boolean_or("closed", d.closed);
  return d;
}

ValveDefinition read_valve(const ObjectReader& r) {
  ValveDefinition d;
  d.id = r.string("id");
  d.from = r.string("from");
  d.to = r.string("to");
  const std::string type = r.string("type");
  auto t = parse_valve_type(type);
  if (!t)
    r.fail(ErrorCode::invalid_value, "type", quoted_input(type),
           "unknown valve type; expected one of check, closed, open (or the EPANET control "
           "valves prv, psv, pbv, fcv, tcv, gpv)");
  d.type = *t;
  d.inner_diameter_m = r.optional_number("inner_diameter_m");
  d.minor_loss = r.number_or("minor_loss", d.minor_loss);
  d.setting_bar = r.optional_number("setting_bar");
  d.mass_flow_kg_s = r.optional_number("mass_flow_kg_s");
  d.curve_m3_h_m = r.optional_curve("curve_m3_h_m");
  d.closed = r.boolean_or("closed", d.closed);
  return d;
}

}  // namespace

NetworkDefinition parse_network_json(std::string_view text) {
  const Json root = json_detail::parse_strict(text);
  if (!root.is_object())
    throw InputError(ErrorCode::wrong_type, "", "", "", "",
                     "expected a JSON object at the top level, got " +
                         json_detail::describe_type(root));
  ObjectReader top(root, "", {}, keys::kTop, "top-level");
  const std::string format = top.string("format");
  if (format != kNetworkFormat)
    top.fail(ErrorCode::invalid_value, "format", quoted_input(format),
             std::string("unsupported format; expected '") + kNetworkFormat + "'");

  NetworkDefinition def;
  def.name = top.string_or("name", "");
  def.description = top.string_or("description", "");
  def.settings = read_settings(top);
  def.nodes = read_elements<NodeDefinition>(top, "nodes", "node", "id", keys::kNode, read_node,
                                            /*required=*/true);
  def.pipes = read_elements<PipeDefinition>(top, "pipes", "pipe", "id", keys::kPipe, read_pipe);
  def.pressure_nodes = read_elements<PressureNodeDefinition>(
      top, "pressure_nodes", "pressure_node", "node", keys::kPressureNode, read_pressure_node);
  def.sources =
      read_elements<SourceDefinition>(top, "sources", "source", "id", keys::kSource, read_source);
  def.consumers = read_elements<ConsumerDefinition>(top, "consumers", "consumer", "id",
                                                    keys::kConsumer, read_consumer);
  def.pumps = read_elements<PumpDefinition>(top, "pumps", "pump", "id", keys::kBoosterPump, read_pump);
  def.valves = read_elements<ValveDefinition>(top, "valves", "valve", "id", keys::kValve, read_valve);
  return def;
}

NetworkDefinition read_network_json(const std::filesystem::path& path) {
  return parse_network_json(json_detail::read_file_bytes(path));
}

NetworkDefinition read_network(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".json") return read_network_json(path);
  if (ext == ".inp") return read_epanet_inp(path);
  throw InputError(ErrorCode::unsupported, "file", path.string(), "", "",
                   "unknown network file extension '" + ext +
                       "' (expected .json, or .inp for EPANET)");
}

}  // namespace heatnet::io
