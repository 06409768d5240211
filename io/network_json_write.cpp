// heatnet-network/1 writer: canonical JSON, driven by the schema table (heatnet/network_schema.hpp).
// Fixed key order (the spec's), optional fields only when set, settings always written in full (the file then means the same thing even if a
// default changes), numbers in nlohmann's shortest round-trip form.
#include <cmath>
#include <string>
#include <type_traits>
#include <variant>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "heatnet/network_schema.hpp"
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
  void number(std::string_view key, double v) { object_[std::string(key)] = finite(key, v); }
  void value(std::string_view key, Json v) { object_[std::string(key)] = std::move(v); }
  void curve(std::string_view key, const CurvePoints& points) {
    Json a = Json::array();
    for (const auto& p : points) a.push_back(Json::array({finite(key, p[0]), finite(key, p[1])}));
    object_[std::string(key)] = std::move(a);
  }

 private:
  double finite(std::string_view key, double v) const {
    if (!std::isfinite(v))
      throw InputError(ErrorCode::invalid_value, kind_, id_, std::string(key), format_value(v),
                       "cannot write a non-finite number to JSON",
                       (path_.empty() ? "" : path_ + ".") + std::string(key));
    return v;
  }
  std::string path_, kind_, id_;
  Json object_ = Json::object();
};

// Whether `key` of `d` holds a value (an optional number that is set, a non-empty curve).
template <class Def>
bool is_set(schema::Fields<Def> fields, const Def& d, std::string_view key) {
  const auto* f = schema::find(fields, key);
  if (!f) return false;
  if (auto m = std::get_if<std::optional<double> Def::*>(&f->member)) return (d.**m).has_value();
  if (auto m = std::get_if<CurvePoints Def::*>(&f->member)) return !(d.**m).empty();
  return true;
}

// Writes the fields of `d` (of pump type `type` where the table says so) in the table's order:
// required and `written` keys always, optional keys when set, omitted_at_default keys when not
// the default; object-valued fields through write_object(key).
template <class Def, class WriteObject>
void write_fields(Emitter& e, schema::Fields<Def> fields, const Def& d, WriteObject write_object,
                  std::string_view type = {}) {
  static const Def defaults{};
  for (const auto& f : fields) {
    if (!schema::applies_to(f, type)) continue;
    const std::string_view key = f.key;
    const bool at_default_omitted = f.presence == schema::Presence::omitted_at_default;
    std::visit(
        [&](const auto& m) {
          using M = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<M, std::monostate>) {
            write_object(key);
          } else if constexpr (std::is_same_v<M, std::optional<double> Def::*>) {
            if (d.*m) e.number(key, *(d.*m));
          } else if constexpr (std::is_same_v<M, CurvePoints Def::*>) {
            const bool write = f.presence == schema::Presence::optional
                                   ? !(d.*m).empty()
                                   : !(d.*m).empty() || f.unless.empty() ||
                                         !is_set(fields, d, f.unless);
            if (write) e.curve(key, d.*m);
          } else if constexpr (std::is_same_v<M, schema::Choice<Def>>) {
            if (!at_default_omitted || m.get(d) != m.get(defaults))
              e.value(key, std::string(m.get(d)));
          } else {
            if (at_default_omitted && d.*m == defaults.*m) return;
            if constexpr (std::is_same_v<M, double Def::*>)
              e.number(key, d.*m);
            else
              e.value(key, d.*m);
          }
        },
        f.member);
  }
}

template <class Def>
void write_fields(Emitter& e, schema::Fields<Def> fields, const Def& d) {
  write_fields(e, fields, d, [](std::string_view) {});
}

std::string item(const char* array, std::size_t i) {
  return std::string(array) + "[" + std::to_string(i) + "]";
}

Json settings_json(const SettingsDefinition& s) {
  Emitter e("settings", "settings", "");
  write_fields(e, schema::settings_fields(), s, [&](std::string_view key) {
    if (key == "fluid" && s.fluid.is_water) {
      e.value(key, "water");
    } else if (key == "fluid") {
      Emitter f("settings.fluid", "settings", "");
      write_fields(f, schema::fluid_fields(), s.fluid);
      e.value(key, std::move(f.object()));
    } else {  // "tolerance"
      Emitter t("settings.tolerance", "settings", "");
      write_fields(t, schema::tolerance_fields(), s);
      e.value(key, std::move(t.object()));
    }
  });
  return std::move(e.object());
}

// An element kind whose fields are all plain (no nested objects).
template <class Def>
auto plain_json(const char* array, const char* kind, schema::Fields<Def> fields,
                std::string Def::*id) {
  return [=](const Def& d, std::size_t i) {
    Emitter e(item(array, i), kind, d.*id);
    write_fields(e, fields, d);
    return std::move(e.object());
  };
}

// Only the keys of the pump's own type: the reader rejects the others.
Json source_json(const SourceDefinition& d, std::size_t i) {
  Emitter e(item("sources", i), "source", d.id);
  write_fields(e, schema::source_fields(), d, [&](std::string_view key) {
    Emitter p(item("sources", i) + ".pump", "source", d.id);
    write_fields(p, schema::source_pump_fields(), d.pump, [](std::string_view) {},
                 to_string(d.pump.type));
    e.value(key, std::move(p.object()));
  });
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
  add_array(root, "nodes", def.nodes,
            plain_json("nodes", "node", schema::node_fields(), &NodeDefinition::id),
            /*always=*/true);  // required key
  add_array(root, "pipes", def.pipes,
            plain_json("pipes", "pipe", schema::pipe_fields(), &PipeDefinition::id));
  add_array(root, "pressure_nodes", def.pressure_nodes,
            plain_json("pressure_nodes", "pressure_node", schema::pressure_node_fields(),
                       &PressureNodeDefinition::node));
  add_array(root, "sources", def.sources, source_json);
  add_array(root, "consumers", def.consumers,
            plain_json("consumers", "consumer", schema::consumer_fields(),
                       &ConsumerDefinition::id));
  add_array(root, "pumps", def.pumps,
            plain_json("pumps", "pump", schema::pump_fields(), &PumpDefinition::id));
  add_array(root, "valves", def.valves,
            plain_json("valves", "valve", schema::valve_fields(), &ValveDefinition::id));
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
