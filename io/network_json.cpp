// heatnet-network/1 reader: strict JSON -> NetworkDefinition. The reader checks syntax, types,
// keys and presence; value rules (positive diameters, known node ids...) are Network::build's.
// This is the precise reader; documents the fast path (network_json_fast.cpp) reads with
// certainty never get here.
#include <cctype>
#include <string>
#include <type_traits>
#include <variant>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "heatnet/network_schema.hpp"
#include "heatnet/version.hpp"
#include "io/json_object_reader.hpp"
#include "io/json_strict_parse.hpp"
#include "io/network_json_fast.hpp"
#include "io/network_json_keys.hpp"
#include "io/text_file.hpp"

namespace heatnet::io {
namespace {

using json_detail::ElementContext;
using json_detail::Json;
using json_detail::ObjectReader;
namespace keys = json_detail::keys;

// Reads the fields of `fields` (those of pump type `type` where the table says so) from `r`
// into `d`; object-valued fields go to read_object(key). Absent optional keys keep the
// default-constructed definition's value.
template <class Def, class ReadObject>
void read_fields(const ObjectReader& r, schema::Fields<Def> fields, Def& d, ReadObject read_object,
                 std::string_view type = {}) {
  for (const auto& f : fields) {
    if (!schema::applies_to(f, type)) continue;
    const std::string_view key = f.key;
    const bool required = f.presence == schema::Presence::required &&
                          (f.unless.empty() || !r.has(f.unless));
    std::visit(
        [&](const auto& m) {
          using M = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<M, std::monostate>) {
            read_object(key);
          } else if constexpr (std::is_same_v<M, std::string Def::*>) {
            d.*m = required ? r.string(key) : r.string_or(key, d.*m);
          } else if constexpr (std::is_same_v<M, double Def::*>) {
            d.*m = required ? r.number(key) : r.number_or(key, d.*m);
          } else if constexpr (std::is_same_v<M, std::optional<double> Def::*>) {
            d.*m = r.optional_number(key);
          } else if constexpr (std::is_same_v<M, int Def::*>) {
            d.*m = r.integer_or(key, d.*m);
          } else if constexpr (std::is_same_v<M, bool Def::*>) {
            d.*m = r.boolean_or(key, d.*m);
          } else if constexpr (std::is_same_v<M, CurvePoints Def::*>) {
            d.*m = required ? r.curve(key) : r.optional_curve(key);
          } else {  // schema::Choice<Def>
            if (!required && !r.has(key)) return;
            const std::string name = r.string(key);
            if (!m.set(d, name))
              r.fail(ErrorCode::invalid_value, key, quoted_input(name), m.unknown_reason);
          }
        },
        f.member);
  }
}

template <class Def>
void read_fields(const ObjectReader& r, schema::Fields<Def> fields, Def& d) {
  read_fields(r, fields, d, [](std::string_view) {});
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
  ObjectReader r(*v, settings.child_path("fluid"), {"settings", "", "fluid."},
                 keys::of(schema::fluid_fields()), "constant-property fluid");
  fluid.is_water = false;
  read_fields(r, schema::fluid_fields(), fluid);
  return fluid;
}

SettingsDefinition read_settings(const ObjectReader& top) {
  SettingsDefinition s;
  const Json* v = top.find("settings");
  if (!v) return s;
  ObjectReader r(*v, top.child_path("settings"), {"settings", "", ""},
                 keys::of(schema::settings_fields()), "settings");
  read_fields(r, schema::settings_fields(), s, [&](std::string_view key) {
    if (key == "fluid") {
      s.fluid = read_fluid(r);
    } else if (const Json* t = r.find(key)) {  // "tolerance"
      ObjectReader tr(*t, r.child_path("tolerance"), {"settings", "", "tolerance."},
                      keys::of(schema::tolerance_fields()), "tolerance");
      read_fields(tr, schema::tolerance_fields(), s);
    }
  });
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

// An element kind whose fields are all plain (no nested objects).
template <class Def>
std::vector<Def> read_plain(const ObjectReader& top, std::string_view key, const char* kind,
                            std::string_view id_key, schema::Fields<Def> fields,
                            bool required = false) {
  return read_elements<Def>(
      top, key, kind, id_key, keys::of(fields),
      [&](const ObjectReader& r) {
        Def d;
        read_fields(r, fields, d);
        return d;
      },
      required);
}

SourcePumpDefinition read_source_pump(const ObjectReader& source) {
  const Json& v = source.required("pump");
  const ElementContext ctx{source.context().kind, source.context().id, "pump."};
  const std::string path = source.child_path("pump");
  // The type decides which keys are allowed, so read it before checking the others.
  SourcePumpDefinition p;
  {
    ObjectReader peek(v, path, ctx, keys::of(schema::source_pump_fields()), "pump");
    const std::string type = peek.string("type");
    const auto& choice = std::get<schema::Choice<SourcePumpDefinition>>(
        schema::find(schema::source_pump_fields(), "type")->member);
    if (!choice.set(p, type))
      peek.fail(ErrorCode::invalid_value, "type", quoted_input(type), choice.unknown_reason);
  }
  const std::string type(to_string(p.type));
  ObjectReader r(v, path, ctx, keys::source_pump(type), "a " + type + " pump's");
  read_fields(r, schema::source_pump_fields(), p, [](std::string_view) {}, type);
  return p;
}

SourceDefinition read_source(const ObjectReader& r) {
  SourceDefinition d;
  read_fields(r, schema::source_fields(), d, [&](std::string_view) { d.pump = read_source_pump(r); });
  return d;
}

}  // namespace

NetworkDefinition json_detail::parse_network_json_precise(std::string_view text) {
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
  def.nodes = read_plain(top, "nodes", "node", "id", schema::node_fields(), /*required=*/true);
  def.pipes = read_plain(top, "pipes", "pipe", "id", schema::pipe_fields());
  def.pressure_nodes = read_plain(top, "pressure_nodes", "pressure_node", "node",
                                  schema::pressure_node_fields());
  def.sources = read_elements<SourceDefinition>(
      top, "sources", "source", "id", keys::of(schema::source_fields()), read_source);
  def.consumers = read_plain(top, "consumers", "consumer", "id", schema::consumer_fields());
  def.pumps = read_plain(top, "pumps", "pump", "id", schema::pump_fields());
  def.valves = read_plain(top, "valves", "valve", "id", schema::valve_fields());
  return def;
}

NetworkDefinition parse_network_json(std::string_view text) {
  return json_detail::parse_network_json_bytes(text, 0);
}

NetworkDefinition read_network_json(const std::filesystem::path& path) {
  const json_detail::FileBytes bytes = json_detail::read_file_bytes(path);
  return json_detail::parse_network_json_bytes(bytes, bytes.capacity());
}

namespace {
enum class NetworkFormat { json, inp };

NetworkFormat network_format(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".json") return NetworkFormat::json;
  if (ext == ".inp") return NetworkFormat::inp;
  throw InputError(ErrorCode::unsupported, "file", path.string(), "", "",
                   "unknown network file extension '" + ext +
                       "' (expected .json, or .inp for EPANET)");
}
}  // namespace

NetworkDefinition read_network(const std::filesystem::path& path) {
  return network_format(path) == NetworkFormat::json ? read_network_json(path)
                                                     : read_epanet_inp(path);
}

NetworkFile read_network_file(const std::filesystem::path& path,
                              const EpanetImportOptions& inp_options, bool with_sha256) {
  const NetworkFormat format = network_format(path);
  const json_detail::FileBytes bytes = json_detail::read_file_bytes(path);
  NetworkFile file;
  if (with_sha256) file.sha256 = sha256_hex(bytes);
  file.definition = format == NetworkFormat::json
                        ? json_detail::parse_network_json_bytes(bytes, bytes.capacity())
                        : parse_epanet_inp(bytes, path.string(), inp_options);
  return file;
}

}  // namespace heatnet::io
