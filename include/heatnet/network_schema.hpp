// The schema of heatnet-network/1: one table per element kind, the single source of truth for
// the JSON keys, which definition member each key fills, its unit factor to SI, whether it is
// required (and how its default is written), and its value rule.
//
// Driven by it: the JSON reader and writer (io/), the fast reader, the Python bindings and
// tables (python/), and the per-field value rules Network::build and every Network::set_*
// apply (network/elements/). The table knows no JSON library: a parser walks the fields of a
// kind, reads each key's value as the field's Type and stores it through `member`.
//
// Defaults are the definition structs' member initialisers (network.hpp): a field that is
// absent keeps the value of a default-constructed definition.
#pragma once
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "heatnet/network.hpp"

namespace heatnet::schema {

// Whether a key may be absent, and when the writer leaves it out.
enum class Presence : std::uint8_t {
  required,            // must be present (see Field::unless)
  written,             // may be absent (keeps its default); always written
  omitted_at_default,  // may be absent (keeps its default); written only when not the default
  optional,            // absent = std::nullopt (numbers) or empty (curves); written when set
};

// What the key's JSON value is. Derived from the member's type (type_of).
enum class Type : std::uint8_t {
  string,   // std::string
  number,   // double (finite)
  optional_number,  // std::optional<double>
  integer,  // int (a number without fraction that fits 32 bits)
  flag,     // bool (JSON true/false)
  curve,    // CurvePoints: [[flow_m3_h, y], ...]
  choice,   // an enum spelled as one of a fixed set of names
  object,   // a nested object with its own table (settings.fluid, settings.tolerance, pump)
};
std::string_view to_string(Type t);
std::string_view to_string(Presence p);

// A value rule on a number in the key's own unit. NaN never passes.
enum class Check : std::uint8_t {
  none,
  range,        // lower < (or <=) value < (or <=) upper
  temperature,  // the fluid model's range (water 1..180 degC, other fluids -50..400 degC)
};
struct Range {
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
  bool lower_inclusive = false;
  bool upper_inclusive = false;
  const char* rule = "";  // the message when the value breaks it: "must be > 0 (and < 100 m)"
  bool contains(double v) const {
    return (lower_inclusive ? v >= lower : v > lower) && (upper_inclusive ? v <= upper : v < upper);
  }
};

// An enum field: its spelling goes through the enum's to_string / parse.
template <class Def>
struct Choice {
  std::string_view (*get)(const Def&);
  bool (*set)(Def&, std::string_view);  // false: not one of the names
  std::string_view names;               // "check, closed, open, ..."
  const char* unknown_reason;           // the reader's message for a name not in `names`
};

template <class Def>
using Member = std::variant<std::monostate,  // Type::object: read through its own table
                            std::string Def::*, double Def::*, std::optional<double> Def::*,
                            int Def::*, bool Def::*, CurvePoints Def::*, Choice<Def>>;

// A compiled-network setter that changes this field without touching the topology; it takes
// the value in SI (file value * to_si).
using Setter = void (Network::*)(int element, double si_value);

template <class Def>
struct Field {
  std::string_view key;
  Member<Def> member;
  Presence presence = Presence::required;
  double to_si = 1.0;  // SI value = file value * to_si (bar -> Pa 1e5, kW -> W 1e3, mm -> m 1e-3)
  Check check = Check::none;
  Range range{};
  // Presence::required only while this other key is absent (a pump's points_m3_h_m and
  // power_kW); the writer writes the field when it is non-empty or the other key is absent.
  std::string_view unless{};
  // Source pumps: the pump types (space-separated) whose object has this key; empty = all.
  std::string_view only_for{};
  bool extension = false;  // a model extension, not in the spec (docs/network-format-extensions.md)
  Setter setter = nullptr;
};

template <class Def>
Type type_of(const Field<Def>& f) {
  switch (f.member.index()) {
    case 0: return Type::object;
    case 1: return Type::string;
    case 2: return Type::number;
    case 3: return Type::optional_number;
    case 4: return Type::integer;
    case 5: return Type::flag;
    case 6: return Type::curve;
    default: return Type::choice;
  }
}

// Whether a source pump of type `type` has the field.
template <class Def>
bool applies_to(const Field<Def>& f, std::string_view type) {
  if (f.only_for.empty()) return true;
  std::string_view rest = f.only_for;
  while (!rest.empty()) {
    const auto space = rest.find(' ');
    if (rest.substr(0, space) == type) return true;
    if (space == std::string_view::npos) break;
    rest.remove_prefix(space + 1);
  }
  return false;
}

template <class Def>
using Fields = std::span<const Field<Def>>;

// One table per object, fields in the spec's key order (the writer's order).
Fields<SettingsDefinition> settings_fields();    // includes "fluid" and "tolerance" (objects)
Fields<FluidDefinition> fluid_fields();          // settings.fluid as an object
Fields<SettingsDefinition> tolerance_fields();   // settings.tolerance
Fields<NodeDefinition> node_fields();
Fields<PipeDefinition> pipe_fields();
Fields<PressureNodeDefinition> pressure_node_fields();
Fields<SourceDefinition> source_fields();        // includes "pump" (object)
Fields<SourcePumpDefinition> source_pump_fields();  // keyed by type through only_for
Fields<ConsumerDefinition> consumer_fields();
Fields<PumpDefinition> pump_fields();
Fields<ValveDefinition> valve_fields();

// The element lists of the top-level object: JSON key, the kind as errors name it, the key that
// names an element, and whether the list is required.
struct ElementList {
  std::string_view key;   // "pipes"
  std::string_view kind;  // "pipe"
  std::string_view id_key;  // "id" ("node" for pressure nodes)
  bool required = false;
};
std::span<const ElementList> element_lists();  // nodes, pipes, pressure_nodes, ...
// The top-level keys in the spec's order: format, name, description, settings, then the lists.
std::span<const std::string_view> top_level_keys();

// The field with this key, or nullptr.
template <class Def>
const Field<Def>* find(Fields<Def> fields, std::string_view key) {
  for (const auto& f : fields)
    if (f.key == key) return &f;
  return nullptr;
}

}  // namespace heatnet::schema
