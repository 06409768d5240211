// heatnet-network/1 fast path (see network_json_fast.hpp): one simdjson on-demand pass, each
// object read through its schema table straight into the definition. Every surprise is a
// NotPlain exception caught at the top, and the precise reader takes over.
#include "io/network_json_fast.hpp"

#include <simdjson.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <variant>

#include "heatnet/network_schema.hpp"
#include "heatnet/version.hpp"

namespace heatnet::io::json_detail {
namespace {

namespace od = simdjson::ondemand;

// Not a document the fast path reads with certainty: hand it to the precise reader.
struct NotPlain {};
[[noreturn]] void not_plain() { throw NotPlain{}; }

// A byte the precise reader rejects anywhere: a control character other than the whitespace
// JSON allows between tokens (nlohmann: control characters in strings must be escaped;
// whitespace is space, tab, newline, carriage return only).
constexpr unsigned char is_stray_control(unsigned char b) {
  return (b < 0x20) & (b != '\t') & (b != '\n') & (b != '\r');  // no branches: vectorises
}

// Every byte of the file is looked at: in 64-byte blocks without an early exit inside a block,
// a loop the compiler turns into vector compares (SSE2 on baseline x86-64, NEON on arm64);
// byte by byte it was a fifth of the reader's instructions.
bool has_stray_control_bytes(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  constexpr std::size_t kBlock = 64;
  std::size_t i = 0;
  for (; i + kBlock <= text.size(); i += kBlock) {
    unsigned char stray = 0;
    for (std::size_t j = 0; j < kBlock; ++j) stray |= is_stray_control(bytes[i + j]);
    if (stray) return true;
  }
  for (; i < text.size(); ++i)
    if (is_stray_control(bytes[i])) return true;
  return false;
}

// The bytes of the 8-byte word `w` that end a plain string or make it not plain: '"', '\\'
// or a control character; the lowest marked byte (high bit of its lane) is exact (the borrow
// of a match can only mark bytes above it). "Determine if a word has a byte equal to / less
// than n", Bit Twiddling Hacks (S. E. Anderson, graphics.stanford.edu/~seander/bithacks.html).
constexpr std::uint64_t string_stop_bytes(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101u, kHighs = 0x8080808080808080u;
  const auto zero_bytes = [](std::uint64_t x) { return (x - kOnes) & ~x & kHighs; };
  return zero_bytes(w ^ (kOnes * '"')) | zero_bytes(w ^ (kOnes * '\\')) |
         ((w - kOnes * 0x20) & ~w & kHighs);
}

// The characters of a string token, read in place: no escapes (a backslash is left to the
// precise reader, which knows every escape rule), no tab/newline/carriage return (legal
// only outside strings). `raw` points past the opening quote; stage 1 found the closing one,
// so the scan stops inside the text, and its 8-byte reads stay within the read-ahead bytes.
std::string_view plain_chars(const char* raw) {
  const char* end = raw;
  if constexpr (std::endian::native == std::endian::little) {
    for (;;) {
      std::uint64_t word;
      std::memcpy(&word, end, sizeof word);
      if (const std::uint64_t stops = string_stop_bytes(word)) {
        end += std::countr_zero(stops) / 8;
        break;
      }
      end += sizeof word;
    }
  } else {
    while (*end != '"' && *end != '\\' && static_cast<unsigned char>(*end) >= 0x20) ++end;
  }
  if (*end != '"') not_plain();
  return {raw, static_cast<std::size_t>(end - raw)};
}

std::string_view string_of(od::value v) { return plain_chars(v.get_raw_json_string().value().raw()); }

// More than 19 significant digits (leading zeros do not count). simdjson 3.0.1 misreads some
// of these: after "0." its overflow check counts the leading zeros instead of the digits, so
// 0.95000000000000000000 reads as 0.0277 and 0.1888...8 (140 eights) as 1.02e-122
// (simdjson issue #2093, fixed after 3.6.2; found here by fuzz_network_json). They are left to
// the precise reader; a network heatnet writes has at most 17 significant digits.
bool has_over_19_digits(std::string_view token) {
  std::size_t digits = 0;
  for (const char c : token) {
    if (c == '-' || c == '.' || (c == '0' && digits == 0)) continue;
    if (c < '0' || c > '9') break;  // the exponent, or whitespace after the number
    ++digits;
  }
  return digits > 19;
}

double number_of(od::value v) {
  const std::string_view token = v.raw_json_token();
  if (token.size() > 19 && has_over_19_digits(token)) not_plain();
  const double x = v.get_double();  // errors (overflow, not a number) throw: not plain
  if (!std::isfinite(x)) not_plain();
  // nlohmann reads "-0" as the integer 0 (+0.0); "-0.0" and "-0e0" as -0.0.
  if (x == 0 && std::signbit(x) && token.find_first_of(".eE") == std::string_view::npos)
    return 0.0;
  return x;
}

int integer_of(od::value v) {
  const double x = number_of(v);
  if (x != std::floor(x) || x < std::numeric_limits<int>::min() ||
      x > std::numeric_limits<int>::max())
    not_plain();
  return static_cast<int>(x);
}

CurvePoints curve_of(od::value v) {
  CurvePoints points;
  for (od::value point : v.get_array()) {
    double xy[2];
    std::size_t n = 0;
    for (od::value c : point.get_array()) {
      if (n == 2) not_plain();
      xy[n++] = number_of(c);
    }
    if (n != 2) not_plain();
    points.push_back({xy[0], xy[1]});
  }
  return points;
}

// Whether the key token at `raw` (past its opening quote) is `key`: the same bytes, then the
// closing quote. Table keys are plain, so a match needs no scan for escapes. The comparison
// may read past a shorter token's closing quote, by less than the read-ahead bytes.
bool key_is(const char* raw, std::string_view key) {
  return key.size() < kReadAheadBytes && std::memcmp(raw, key.data(), key.size()) == 0 &&
         raw[key.size()] == '"';
}

// The field of `fields` whose key is the token at `raw`: the one after `hint` first (files
// written by heatnet, or by hand from the spec, list keys in table order), else a search.
// -1: not in the table.
template <class Def>
int field_index(schema::Fields<Def> fields, const char* raw, std::size_t hint) {
  if (hint < fields.size() && key_is(raw, fields[hint].key)) return static_cast<int>(hint);
  const std::string_view key = plain_chars(raw);
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (fields[i].key == key) return static_cast<int>(i);
  return -1;
}

// Which fields of a table an object had (tables have at most 64 fields).
using Seen = std::uint64_t;
bool was_seen(Seen seen, std::size_t i) { return (seen >> i) & 1u; }

template <class Def>
std::size_t index_of_key(schema::Fields<Def> fields, std::string_view key) {
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (fields[i].key == key) return i;
  return fields.size();
}

// Reads one object through its table into `d`, as the precise reader's read_fields does;
// object-valued fields go to read_object(key, value). Returns which keys it had: absent ones
// are finish_absent's.
template <class Def, class ReadObject>
Seen read_present_fields(od::object object, schema::Fields<Def> fields, Def& d,
                         ReadObject read_object) {
  if (fields.size() > 64) not_plain();
  Seen seen = 0;
  std::size_t hint = 0;
  for (od::field field : object) {
    const int i = field_index(fields, field.key().raw(), hint);
    if (i < 0 || was_seen(seen, static_cast<std::size_t>(i))) not_plain();  // unknown, duplicate
    seen |= Seen{1} << i;
    hint = static_cast<std::size_t>(i) + 1;
    const schema::Field<Def>& f = fields[static_cast<std::size_t>(i)];
    od::value v = field.value();
    std::visit(
        [&](const auto& m) {
          using M = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<M, std::monostate>) {
            read_object(f.key, v);
          } else if constexpr (std::is_same_v<M, std::string Def::*>) {
            d.*m = std::string(string_of(v));
          } else if constexpr (std::is_same_v<M, double Def::*> ||
                               std::is_same_v<M, std::optional<double> Def::*>) {
            d.*m = number_of(v);
          } else if constexpr (std::is_same_v<M, int Def::*>) {
            d.*m = integer_of(v);
          } else if constexpr (std::is_same_v<M, bool Def::*>) {
            d.*m = v.get_bool().value();
          } else if constexpr (std::is_same_v<M, CurvePoints Def::*>) {
            d.*m = curve_of(v);
          } else {  // schema::Choice<Def>
            if (!m.set(d, string_of(v))) not_plain();
          }
        },
        f.member);
  }
  return seen;
}

// The fields (of source pump type `type` where the table says so) an object did not have:
// a required one is an error (the precise reader words it); absent optional numbers and curves
// are empty, as the precise reader leaves them; everything else keeps its default. Integers,
// flags and nested objects are never required by the precise reader, nor here.
template <class Def>
void finish_absent(schema::Fields<Def> fields, Seen seen, Def& d, std::string_view type = {}) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto& f = fields[i];
    if (was_seen(seen, i) || !schema::applies_to(f, type)) continue;
    const auto t = schema::type_of(f);
    const bool may_be_required = t == schema::Type::string || t == schema::Type::number ||
                                 t == schema::Type::curve || t == schema::Type::choice;
    if (may_be_required && f.presence == schema::Presence::required &&
        (f.unless.empty() || !was_seen(seen, index_of_key(fields, f.unless))))
      not_plain();
    if (auto* opt = std::get_if<std::optional<double> Def::*>(&f.member)) d.**opt = std::nullopt;
    if (auto* curve = std::get_if<CurvePoints Def::*>(&f.member)) (d.**curve).clear();
  }
}

template <class Def, class ReadObject>
void read_object_fields(od::object object, schema::Fields<Def> fields, Def& d,
                        ReadObject read_object) {
  finish_absent(fields, read_present_fields(object, fields, d, read_object), d);
}

template <class Def>
void read_object_fields(od::object object, schema::Fields<Def> fields, Def& d) {
  read_object_fields(object, fields, d, [](std::string_view, od::value) { not_plain(); });
}

FluidDefinition read_fluid(od::value v) {
  FluidDefinition fluid;
  if (v.type() == od::json_type::string) {
    if (string_of(v) != "water") not_plain();
    return fluid;
  }
  fluid.is_water = false;
  read_object_fields(v.get_object().value(), schema::fluid_fields(), fluid);
  return fluid;
}

SettingsDefinition read_settings(od::value v) {
  SettingsDefinition s;
  read_object_fields(v.get_object().value(), schema::settings_fields(), s,
                     [&](std::string_view key, od::value object) {
                       if (key == "fluid") {
                         s.fluid = read_fluid(object);
                       } else {  // "tolerance"
                         read_object_fields(object.get_object().value(),
                                            schema::tolerance_fields(), s);
                       }
                     });
  return s;
}

// A source pump: its type decides which keys it may have, so all are read, then checked.
SourcePumpDefinition read_source_pump(od::value v) {
  const auto fields = schema::source_pump_fields();
  SourcePumpDefinition p;
  const Seen seen = read_present_fields(v.get_object().value(), fields, p,
                                        [](std::string_view, od::value) { not_plain(); });
  if (!was_seen(seen, index_of_key(fields, "type"))) not_plain();
  const std::string_view type = to_string(p.type);
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (was_seen(seen, i) && !schema::applies_to(fields[i], type)) not_plain();  // other type's key
  finish_absent(fields, seen, p, type);
  return p;
}

SourceDefinition read_source(od::object object) {
  SourceDefinition d;
  bool has_pump = false;
  read_object_fields(object, schema::source_fields(), d, [&](std::string_view, od::value v) {
    d.pump = read_source_pump(v);
    has_pump = true;
  });
  if (!has_pump) not_plain();
  return d;
}

template <class Def, class ReadOne>
std::vector<Def> read_list(od::value v, ReadOne read_one) {
  od::array array = v.get_array();
  std::vector<Def> out;
  out.reserve(array.count_elements());  // one allocation: no 1.5x peak while the list grows
  for (od::value e : array) out.push_back(read_one(e.get_object().value()));
  return out;
}

// Each element read in place (a definition is ~100-200 bytes: no move per element).
template <class Def>
std::vector<Def> read_plain_list(od::value v, schema::Fields<Def> fields) {
  od::array array = v.get_array();
  std::vector<Def> out;
  out.reserve(array.count_elements());  // one allocation: no 1.5x peak while the list grows
  for (od::value e : array) read_object_fields(e.get_object().value(), fields, out.emplace_back());
  return out;
}

NetworkDefinition read_top(od::object top) {
  NetworkDefinition def;
  const auto keys = schema::top_level_keys();
  Seen seen = 0;
  for (od::field field : top) {
    const std::string_view key = plain_chars(field.key().raw());
    const auto i = static_cast<std::size_t>(std::find(keys.begin(), keys.end(), key) - keys.begin());
    if (i == keys.size() || was_seen(seen, i)) not_plain();
    seen |= Seen{1} << i;
    od::value v = field.value();
    if (key == "format") {
      if (string_of(v) != kNetworkFormat) not_plain();
    } else if (key == "name") {
      def.name = string_of(v);
    } else if (key == "description") {
      def.description = string_of(v);
    } else if (key == "settings") {
      def.settings = read_settings(v);
    } else if (key == "nodes") {
      def.nodes = read_plain_list(v, schema::node_fields());
    } else if (key == "pipes") {
      def.pipes = read_plain_list(v, schema::pipe_fields());
    } else if (key == "pressure_nodes") {
      def.pressure_nodes = read_plain_list(v, schema::pressure_node_fields());
    } else if (key == "sources") {
      def.sources = read_list<SourceDefinition>(v, read_source);
    } else if (key == "consumers") {
      def.consumers = read_plain_list(v, schema::consumer_fields());
    } else if (key == "pumps") {
      def.pumps = read_plain_list(v, schema::pump_fields());
    } else if (key == "valves") {
      def.valves = read_plain_list(v, schema::valve_fields());
    } else {
      not_plain();  // a top-level key this reader does not know (the table grew)
    }
  }
  const auto required = [&](std::string_view key) {
    return was_seen(seen, static_cast<std::size_t>(std::find(keys.begin(), keys.end(), key) -
                                                   keys.begin()));
  };
  if (!required("format") || !required("nodes")) not_plain();
  return def;
}

}  // namespace

std::optional<NetworkDefinition> parse_network_json_fast(std::string_view text,
                                                         std::size_t capacity) {
  if (has_stray_control_bytes(text)) return std::nullopt;
  simdjson::padded_string copy;
  const char* data = text.data();
  if (capacity < text.size() + kReadAheadBytes) {
    copy = simdjson::padded_string(text);
    data = copy.data();
    capacity = copy.size() + simdjson::SIMDJSON_PADDING;
  }
  static_assert(simdjson::SIMDJSON_PADDING <= kReadAheadBytes);
  try {
    od::parser parser;
    od::document doc = parser.iterate(data, text.size(), capacity);
    NetworkDefinition def = read_top(doc.get_object());
    // Something after the top-level object (the document is exhausted: no location).
    if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) return std::nullopt;
    return def;
  } catch (const NotPlain&) {
    return std::nullopt;
  } catch (const simdjson::simdjson_error&) {
    return std::nullopt;
  }
}

NetworkDefinition parse_network_json_bytes(std::string_view text, std::size_t capacity) {
  if (auto def = parse_network_json_fast(text, capacity)) return std::move(*def);
  return parse_network_json_precise(text);
}

}  // namespace heatnet::io::json_detail
