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
#include <new>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <variant>
#include <vector>

#include "heatnet/network_schema.hpp"
#include "heatnet/version.hpp"

namespace heatnet::io::json_detail {
namespace {

namespace od = simdjson::ondemand;

// Not a document the fast path reads with certainty: hand it to the precise reader.
struct NotPlain {};
[[noreturn]] void not_plain() { throw NotPlain{}; }

// Control characters (other than tab, newline and carriage return between tokens), which the
// precise reader rejects anywhere, need no scan of their own: inside a string, simdjson's
// stage 1 refuses them (UNESCAPED_CHARS) and plain_chars below stops at them too, and a key
// matched whole has none; outside strings, one either joins a number or literal token, which
// its parser refuses, or forms a token of its own where a comma, colon, bracket or key is
// due. The test "declines a control byte at any offset" puts one everywhere.

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

// A table key as the bytes a key token holds after its opening quote: the key, then the
// closing quote, in 8-byte words with a mask of the bytes that count. Comparing a token is
// one or a few word compares (keys up to 15 characters: two), no call and no length scan.
class KeyPattern {
 public:
  explicit KeyPattern(std::string_view key) {
    if (key.size() + 1 > sizeof bytes_) return;  // never matches: the key goes to plain_chars
    std::memcpy(bytes_, key.data(), key.size());
    bytes_[key.size()] = '"';
    std::memset(mask_, 0xFF, key.size() + 1);
    words_ = (key.size() + 1 + 7) / 8;
  }
  // Whether the token at `raw` (past its opening quote) is this key. The words may read past a
  // shorter token's closing quote, by less than the read-ahead bytes (the quote is in the
  // text, so at most 63 bytes follow inside the padded buffer).
  bool matches(const char* raw) const {
    if (words_ == 0 || differs(raw, 0)) return false;  // most other keys differ in word 0
    for (std::size_t w = 1; w < words_; ++w)
      if (differs(raw, w)) return false;
    return true;
  }

 private:
  bool differs(const char* raw, std::size_t w) const {
    return ((load(raw + 8 * w) ^ load(bytes_ + 8 * w)) & load(mask_ + 8 * w)) != 0;
  }
  static std::uint64_t load(const void* p) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
  }
  char bytes_[kReadAheadBytes] = {};
  unsigned char mask_[kReadAheadBytes] = {};
  std::size_t words_ = 0;
};

// Which fields of a table an object had (tables have at most 64 fields).
using Seen = std::uint64_t;
bool was_seen(Seen seen, std::size_t i) { return (seen >> i) & 1u; }

// One table prepared for reading many objects: its keys as patterns, and the fields whose
// absence asks nothing of finish_absent (see there).
template <class Def>
struct ObjectTable {
  explicit ObjectTable(schema::Fields<Def> table) : fields(table) {
    if (fields.size() > 64) not_plain();
    keys.reserve(fields.size());
    for (const auto& f : fields) keys.emplace_back(f.key);
    const Def defaults{};
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (absence_keeps_default(fields[i], defaults)) quiet_when_absent |= Seen{1} << i;
  }

  // The field whose key is the token at `raw`, searched from `hint` on, round the table (files
  // written by heatnet, or by hand from the spec, list keys in table order: the key is the
  // one at `hint` or soon after, past absent optional ones). -1: not in the table (a key with
  // escapes or control characters is not plain).
  int field_index(const char* raw, std::size_t hint) const {
    for (std::size_t i = hint; i < keys.size(); ++i)
      if (keys[i].matches(raw)) return static_cast<int>(i);
    for (std::size_t i = 0; i < hint && i < keys.size(); ++i)
      if (keys[i].matches(raw)) return static_cast<int>(i);
    const std::string_view key = plain_chars(raw);  // not plain: NotPlain; else a long key
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (fields[i].key == key) return static_cast<int>(i);
    return -1;
  }

  schema::Fields<Def> fields;
  std::vector<KeyPattern> keys;
  Seen quiet_when_absent = 0;

 private:
  // An absent field that finish_absent would neither refuse (required) nor reset (an optional
  // number or curve whose default is not empty), for every pump type: absent = as constructed.
  static bool absence_keeps_default(const schema::Field<Def>& f, const Def& defaults) {
    if (!f.only_for.empty() || !f.unless.empty()) return false;
    const auto t = schema::type_of(f);
    const bool may_be_required = t == schema::Type::string || t == schema::Type::number ||
                                 t == schema::Type::curve || t == schema::Type::choice;
    if (may_be_required && f.presence == schema::Presence::required) return false;
    if (auto* opt = std::get_if<std::optional<double> Def::*>(&f.member))
      return !(defaults.**opt).has_value();
    if (auto* curve = std::get_if<CurvePoints Def::*>(&f.member)) return (defaults.**curve).empty();
    return true;
  }
};

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
Seen read_present_fields(od::object object, const ObjectTable<Def>& table, Def& d,
                         ReadObject read_object) {
  const schema::Fields<Def> fields = table.fields;
  Seen seen = 0;
  std::size_t hint = 0;
  for (od::field field : object) {
    const int i = table.field_index(field.key().raw(), hint);
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
            (d.*m).assign(string_of(v));  // in place: no temporary string to move
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
// `d` is as constructed before its object was read (every caller's is), so an absent field
// of table.quiet_when_absent is already right: an object that lacks only such fields needs
// no walk over the table.
template <class Def>
void finish_absent(const ObjectTable<Def>& table, Seen seen, Def& d, std::string_view type = {}) {
  const schema::Fields<Def> fields = table.fields;
  const Seen all = fields.size() == 64 ? ~Seen{0} : (Seen{1} << fields.size()) - 1;
  if ((all & ~seen & ~table.quiet_when_absent) == 0) return;
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
void read_object_fields(od::object object, const ObjectTable<Def>& table, Def& d,
                        ReadObject read_object) {
  finish_absent(table, read_present_fields(object, table, d, read_object), d);
}

template <class Def, class ReadObject>
void read_object_fields(od::object object, schema::Fields<Def> fields, Def& d,
                        ReadObject read_object) {
  read_object_fields(object, ObjectTable<Def>(fields), d, read_object);
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
  const ObjectTable<SourcePumpDefinition> table(fields);
  SourcePumpDefinition p;
  const Seen seen = read_present_fields(v.get_object().value(), table, p,
                                        [](std::string_view, od::value) { not_plain(); });
  if (!was_seen(seen, index_of_key(fields, "type"))) not_plain();
  const std::string_view type = to_string(p.type);
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (was_seen(seen, i) && !schema::applies_to(fields[i], type)) not_plain();  // other type's key
  finish_absent(table, seen, p, type);
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

// Room for the rest of a list, once its first `sampled` elements were read from `first` to
// `here`: as many elements of their mean size as the text from `here` to `end` could hold.
// That bounds the list unless its later elements are smaller than its first (then it grows
// as usual). The capacity past the list's end is never written: address space, not memory;
// where the system refuses that much address space (a strict overcommit policy, a text of
// tiny elements followed by a huge one), the list grows as usual too.
template <class Def>
void reserve_for_rest(std::vector<Def>& list, const char* first, const char* here, const char* end) {
  const auto sampled = static_cast<std::size_t>(list.size());
  const auto sampled_bytes = static_cast<std::size_t>(here - first);
  if (sampled_bytes == 0) return;
  try {
    list.reserve(sampled + static_cast<std::size_t>(end - here) * sampled / sampled_bytes + 1);
  } catch (const std::bad_alloc&) {
  } catch (const std::length_error&) {
  }
}

// Each element read in place (a definition is ~100-200 bytes: no move per element). Counting
// the list first (simdjson's count_elements walks every token of the list once more) cost an
// eighth of the reader's instructions; growing it by doubling moved it and wrote twice its
// memory. So its first elements are read, and their size in the text tells how much room
// the rest can need at most (`end`: the end of the text).
template <class Def>
std::vector<Def> read_plain_list(od::value v, schema::Fields<Def> fields, const char* end) {
  constexpr std::size_t kSampled = 256;
  const ObjectTable<Def> table(fields);
  const auto no_nested_objects = [](std::string_view, od::value) { not_plain(); };
  std::vector<Def> out;
  out.reserve(kSampled);
  const char* first = nullptr;
  for (od::value e : v.get_array()) {
    if (out.size() == 0) first = e.raw_json_token().data();
    if (out.size() == kSampled) reserve_for_rest(out, first, e.raw_json_token().data(), end);
    read_object_fields(e.get_object().value(), table, out.emplace_back(), no_nested_objects);
  }
  return out;
}

NetworkDefinition read_top(od::object top, const char* end) {
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
      def.nodes = read_plain_list(v, schema::node_fields(), end);
    } else if (key == "pipes") {
      def.pipes = read_plain_list(v, schema::pipe_fields(), end);
    } else if (key == "pressure_nodes") {
      def.pressure_nodes = read_plain_list(v, schema::pressure_node_fields(), end);
    } else if (key == "sources") {
      def.sources = read_list<SourceDefinition>(v, read_source);
    } else if (key == "consumers") {
      def.consumers = read_plain_list(v, schema::consumer_fields(), end);
    } else if (key == "pumps") {
      def.pumps = read_plain_list(v, schema::pump_fields(), end);
    } else if (key == "valves") {
      def.valves = read_plain_list(v, schema::valve_fields(), end);
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
    NetworkDefinition def = read_top(doc.get_object(), data + text.size());
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
