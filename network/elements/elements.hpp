// Per element kind: the value rules of its fields (validate_*), used by Network::build and by
// every Network::set_*, and its compilation into the network's SI arrays (compile_*).
//
// A field's own rule (range, temperature) is its schema entry (heatnet/network_schema.hpp);
// the rules that tie fields together (roughness below the diameter, exactly one of heat
// demand and mass flow, a valve type's own setting...) live in the kind's file here. A setter
// rebuilds the element's definition from the compiled arrays, changes the one value and runs
// the same validate_*, so an edit is refused or accepted alike before and after compiling.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <variant>
#include <vector>

#include "heatnet/errors.hpp"
#include "heatnet/network.hpp"
#include "network/compiled.hpp"
#include "heatnet/network_schema.hpp"
#include "network/checks.hpp"

namespace heatnet::detail {

// What the value rules depend on beyond the element itself.
struct RuleContext {
  const FluidDefinition& fluid;  // temperature ranges
  FrictionModel friction;        // roughness and Hazen-Williams rules
};

// Whether `value` keeps the field's rule (inline: it runs for every field of every element,
// check_value with its error only where a rule is broken).
template <class Def>
bool keeps_rule(const schema::Field<Def>& f, double value, const FluidDefinition& fluid) {
  switch (f.check) {
    case schema::Check::temperature: return temperature_allowed(fluid, value);
    case schema::Check::range: return f.range.contains(value);
    default: return true;
  }
}

// The schema rule of one field (value in the field's file unit). `prefix` names a nested
// object in errors ("pump.", "fluid.").
template <class Def>
void check_value(const schema::Field<Def>& f, double value, const FluidDefinition& fluid,
                 const char* kind, const std::string& id, std::string_view prefix = {}) {
  if (keeps_rule(f, value, fluid)) return;
  // the field's name only for the error (made for every field of every element, its string
  // was ~2 % of reading and building a million-pipe network)
  const std::string field = std::string(prefix) + std::string(f.key);
  if (f.check == schema::Check::temperature)
    return require_temperature(fluid, value, kind, id, field.c_str());
  throw NetworkError(ErrorCode::invalid_value, kind, id, field, format_value(value),
                     f.range.rule);
}

// The schema rule of field `f` of `d`, where it is a number that is set.
template <class Def>
void check_member(const schema::Field<Def>& f, const Def& d, const FluidDefinition& fluid,
                  const char* kind, const std::string& id, std::string_view prefix = {}) {
  auto check = [&](double value) {
    if (!keeps_rule(f, value, fluid)) check_value(f, value, fluid, kind, id, prefix);
  };
  if (const auto* m = std::get_if<double Def::*>(&f.member)) check(d.**m);
  else if (const auto* o = std::get_if<std::optional<double> Def::*>(&f.member); o && d.**o)
    check(*(d.**o));
  else if (const auto* n = std::get_if<int Def::*>(&f.member)) check(static_cast<double>(d.**n));
}

// The schema rules of every numeric field of `d` that is set (of pump type `type` where the
// table says so).
template <class Def>
void check_values(schema::Fields<Def> fields, const Def& d, const FluidDefinition& fluid,
                  const char* kind, const std::string& id, std::string_view prefix = {},
                  std::string_view type = {}) {
  for (const auto& f : fields)
    if (f.check != schema::Check::none && schema::applies_to(f, type))
      check_member(f, d, fluid, kind, id, prefix);
}

// check_values with the table's ruled fields picked once (the fields of a kind's table that
// carry a rule, of every type), each as its member and its rule's closed interval: the kinds
// of which a network has a million elements test a value with two comparisons, not the
// member variant, the check switch and the range's inclusive flags per field (a pipe: 560 ->
// ~60 instructions). A value outside goes to check_member, which makes the error: same rules
// in the same order, same errors.
template <class Def>
class ValueRules {
 public:
  explicit ValueRules(schema::Fields<Def> fields) {
    for (const auto& f : fields)
      if (f.check != schema::Check::none && schema::applies_to(f, {})) add(f);
  }
  void check(const Def& d, const FluidDefinition& fluid, const char* kind,
             const std::string& id) const {
    const TemperatureRange temperature = temperature_range(fluid);
    for (const Rule& r : rules_) {
      double value;
      if (r.number) {
        value = d.*r.number;
      } else if (r.optional) {
        if (!(d.*r.optional)) continue;
        value = *(d.*r.optional);
      } else {
        value = static_cast<double>(d.*r.integer);
      }
      const double lowest = r.temperature ? temperature.lowest : r.lowest;
      const double highest = r.temperature ? temperature.highest : r.highest;
      if (!(value >= lowest && value <= highest)) check_member(*r.field, d, fluid, kind, id);
    }
  }

 private:
  struct Rule {
    const schema::Field<Def>* field;
    double Def::* number = nullptr;                  // exactly one of the three members is set
    std::optional<double> Def::* optional = nullptr;
    int Def::* integer = nullptr;
    bool temperature = false;  // the fluid's range, else [lowest, highest]
    double lowest = 0, highest = 0;
  };
  void add(const schema::Field<Def>& f) {
    Rule r{&f};
    if (const auto* m = std::get_if<double Def::*>(&f.member)) r.number = *m;
    else if (const auto* o = std::get_if<std::optional<double> Def::*>(&f.member)) r.optional = *o;
    else if (const auto* n = std::get_if<int Def::*>(&f.member)) r.integer = *n;
    else return;  // check_member tests only numbers
    r.temperature = f.check == schema::Check::temperature;
    r.lowest = closed_lower(f.range);
    r.highest = closed_upper(f.range);
    rules_.push_back(r);
  }
  // x < v holds exactly where v >= the next double above x (NaN: neither); nothing lies
  // above +inf (NaN as the bound refuses every value).
  static double closed_lower(const schema::Range& range) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    if (range.lower_inclusive) return range.lower;
    return range.lower == inf ? std::numeric_limits<double>::quiet_NaN()
                              : std::nextafter(range.lower, inf);
  }
  static double closed_upper(const schema::Range& range) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    if (range.upper_inclusive) return range.upper;
    return range.upper == -inf ? std::numeric_limits<double>::quiet_NaN()
                               : std::nextafter(range.upper, -inf);
  }
  std::vector<Rule> rules_;
};

// The schema rule of the field `key` (a value on its own, e.g. a profile's value).
template <class Def>
void check_field(schema::Fields<Def> fields, std::string_view key, double value,
                 const FluidDefinition& fluid, const char* kind, const std::string& id,
                 std::string_view prefix = {}) {
  const auto* f = schema::find(fields, key);
  if (f) check_value(*f, value, fluid, kind, id, prefix);
}

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kBarToPa = 1e5;
// The compiled arrays spell "absent" as NaN.
inline std::optional<double> unless_nan(double v) {
  return std::isnan(v) ? std::nullopt : std::optional<double>(v);
}

// ---- value rules per kind (references to other elements are the compile step's)
void validate_settings(const SettingsDefinition& s);
void validate_node(const NodeDefinition& d, const RuleContext& c);
void validate_pipe(const PipeDefinition& d, const RuleContext& c);
void validate_pressure_node(const PressureNodeDefinition& d, const RuleContext& c);
void validate_source(const SourceDefinition& d, const RuleContext& c);
void validate_consumer(const ConsumerDefinition& d, const RuleContext& c);
void validate_pump(const PumpDefinition& d, const RuleContext& c);
void validate_valve(const ValveDefinition& d, const RuleContext& c);

// ---- the definition of one compiled element (file units), for the setters' re-validation
NodeDefinition node_definition(const NodeData& n, int i);
PipeDefinition pipe_definition(const PipeData& p, int i);  // without its own ambient
SourceDefinition source_definition(const SourceData& s, int i);
ConsumerDefinition consumer_definition(const ConsumerData& c, int i);

// ---- compilation (validate, resolve references, convert to SI)
// Ids of a kind -> index: open addressing over views of the definition's ids (no copies: a
// million node ids are two flat arrays, not a million heap nodes). Built by index_ids; the
// definition must outlive it.
class IdMap {
 public:
  // The element's index, or -1. (`hash`: hash(id), where the caller has it already.)
  int find(std::string_view id) const { return find(id, hash(id)); }
  int find(std::string_view id, std::uint64_t hash) const {
    const Key key = key_of(id, hash);
    for (std::size_t k = key.hash & mask_; slots_[k].index >= 0; k = (k + 1) & mask_)
      if (matches(slots_[k], key, id)) return slots_[k].index;
    return -1;
  }
  // Adds `id` as element `index`; false if it is there already.
  bool insert(std::string_view id, int index) { return insert(id, index, hash(id)); }
  bool insert(std::string_view id, int index, std::uint64_t hash) {
    const Key key = key_of(id, hash);
    std::size_t k = key.hash & mask_;
    for (; slots_[k].index >= 0; k = (k + 1) & mask_)
      if (matches(slots_[k], key, id)) return false;
    slots_[k] = Slot{key.head, key.tag, index};
    const auto at = static_cast<std::size_t>(index);
    if (ids_.size() == at) {
      ids_.push_back(id);  // index_ids' order: the next index
    } else {
      if (ids_.size() < at) ids_.resize(at + 1);
      ids_[at] = id;
    }
    return true;
  }
  // Asks the cache for the slot where a lookup of an id of this hash starts. At a million ids
  // the table (32 MB) is far beyond the cache and each id's slot is a random read: one lookup
  // after another they were ~25 % of `heatnet check`'s wall at a million pipes. Loops over
  // many ids hash and prefetch the id kPrefetchAhead elements on (HashesAhead), so the reads
  // overlap.
  static constexpr std::size_t kPrefetchAhead = 8;
  void prefetch(std::uint64_t hash) const { __builtin_prefetch(&slots_[hash & mask_]); }
  // The hash a lookup of `id` starts from.
  static std::uint64_t hash_of(std::string_view id) { return hash(id); }
  explicit IdMap(std::size_t count) {
    std::size_t capacity = 16;
    while (capacity < 2 * count) capacity *= 2;
    mask_ = capacity - 1;
    slots_.assign(capacity, Slot{});
    ids_.reserve(count);
  }

 private:
  // A slot holds the id's first 8 bytes and its length (with 24 bits of hash) besides its
  // index: an id of up to 8 bytes ("S123456") is compared in the slot alone, longer ones
  // read their string only when those agree. At a million ids the slots, the id views and
  // the strings are three cache misses apart; the lookups were ~25 % of `heatnet check`'s
  // wall at a million pipes.
  static constexpr std::size_t kHeadBytes = 8;
  struct Slot {
    std::uint64_t head = 0;  // the id's first bytes, zero-padded
    std::uint32_t tag = 0;   // hash bits 40.. above, min(length, 255) in the low byte
    int index = -1;
  };
  struct Key {
    std::uint64_t hash, head;
    std::uint32_t tag;
  };
  static Key key_of(std::string_view id, std::uint64_t h) {
    const auto length = static_cast<std::uint32_t>(std::min<std::size_t>(id.size(), 255));
    return {h, head_of(id), static_cast<std::uint32_t>(h >> 40) << 8 | length};
  }
  bool matches(const Slot& s, const Key& key, std::string_view id) const {
    return s.tag == key.tag && s.head == key.head &&
           (id.size() <= kHeadBytes || ids_[s.index] == id);
  }
  static std::uint64_t head_of(std::string_view id) {
    std::uint64_t head = 0;
    if (id.size() >= kHeadBytes) {
      std::memcpy(&head, id.data(), kHeadBytes);
    } else if (id.size() >= 4) {  // bytes 0-3, then 4.. from the last four (overlapping)
      std::uint32_t lo, hi;
      std::memcpy(&lo, id.data(), 4);
      std::memcpy(&hi, id.data() + id.size() - 4, 4);
      head = lo | (static_cast<std::uint64_t>(hi) >> (8 * (kHeadBytes - id.size()))) << 32;
    } else {
      for (std::size_t j = 0; j < id.size(); ++j)
        head |= static_cast<std::uint64_t>(static_cast<unsigned char>(id[j])) << (8 * j);
    }
    return head;
  }
  // Ids are short ("P123456"): their bytes 8 at a time through a multiply-xorshift mix,
  // inline (std::hash's out-of-line murmur was ~60 instructions an id, 31 M of building a
  // 1e5-pipe network). The slot comes from the low bits, the tag from the high ones.
  static std::uint64_t hash(std::string_view id) {
    constexpr std::uint64_t kOdd = 0x9E3779B97F4A7C15ull;
    std::uint64_t h = id.size() * kOdd;
    std::size_t i = 0;
    for (; i + 8 <= id.size(); i += 8) {
      std::uint64_t word;
      std::memcpy(&word, id.data() + i, 8);
      h = (h ^ word) * kOdd;
      h ^= h >> 29;
    }
    if (const std::size_t tail = id.size() - i; tail > 0) {
      // the last 1-7 bytes as wyhash reads them: two overlapping 4-byte words, or the first,
      // middle and last byte (the length is in h already, so overlaps do not collide)
      const char* p = id.data() + i;
      std::uint64_t word;
      if (tail >= 4) {
        std::uint32_t lo, hi;
        std::memcpy(&lo, p, 4);
        std::memcpy(&hi, p + tail - 4, 4);
        word = lo | static_cast<std::uint64_t>(hi) << 32;
      } else {
        word = static_cast<unsigned char>(p[0]) |
               static_cast<std::uint64_t>(static_cast<unsigned char>(p[tail / 2])) << 8 |
               static_cast<std::uint64_t>(static_cast<unsigned char>(p[tail - 1])) << 16;
      }
      h = (h ^ word) * kOdd;
      h ^= h >> 29;
    }
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 32);
  }
  std::vector<std::string_view> ids_;
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
};

// IdMap::hash_of of the ids of a loop over elements, computed kPrefetchAhead elements before
// their use with their slots prefetched (IdMap::prefetch), each id hashed once. Per element
// `References` ids (an element's id, or a link's two node references).
template <std::size_t References>
class HashesAhead {
 public:
  // ids_of(i): the element's ids as a tuple of strings
  template <class IdsOf>
  HashesAhead(const IdMap& map, std::size_t count, IdsOf ids_of) : map_(map), count_(count) {
    for (std::size_t i = 0; i < std::min(count, IdMap::kPrefetchAhead); ++i) fetch(i, ids_of);
  }
  // The hashes of element i's ids; call for i = 0, 1, ... in order.
  template <class IdsOf>
  std::array<std::uint64_t, References> take(std::size_t i, IdsOf ids_of) {
    const auto hashes = ahead_[i % IdMap::kPrefetchAhead];
    if (i + IdMap::kPrefetchAhead < count_) fetch(i + IdMap::kPrefetchAhead, ids_of);
    return hashes;
  }

 private:
  template <class IdsOf>
  void fetch(std::size_t i, IdsOf ids_of) {
    auto& hashes = ahead_[i % IdMap::kPrefetchAhead];
    std::size_t r = 0;
    std::apply([&](const auto&... id) { ((hashes[r++] = IdMap::hash_of(id)), ...); }, ids_of(i));
    for (std::uint64_t h : hashes) map_.prefetch(h);
  }
  const IdMap& map_;
  std::size_t count_;
  std::array<std::uint64_t, References> ahead_[IdMap::kPrefetchAhead];
};

// Ids of a kind -> index; throws on an empty or duplicate id (in element order). also(i) runs
// for every element before its id goes in (index_link_ids' lookups; it must not throw).
template <class Def, class Also>
std::shared_ptr<IdMap> index_ids(const std::vector<Def>& items, const char* kind, Also also) {
  auto map = std::make_shared<IdMap>(items.size());
  auto id_of = [&](std::size_t i) { return std::tie(items[i].id); };
  HashesAhead<1> hashes(*map, items.size(), id_of);
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::uint64_t hash = hashes.take(i, id_of)[0];
    also(i);
    const std::string& id = items[i].id;
    if (id.empty())
      throw NetworkError(ErrorCode::missing_field, kind, "#" + std::to_string(i), "id", "",
                         "id must be a non-empty string");
    if (!map->insert(id, static_cast<int>(i), hash))
      throw NetworkError(ErrorCode::duplicate_id, kind, id, "id", "",
                         "duplicate id (ids must be unique among " + std::string(kind) + "s)");
  }
  return map;
}
template <class Def>
std::shared_ptr<IdMap> index_ids(const std::vector<Def>& items, const char* kind) {
  return index_ids(items, kind, [](std::size_t) {});
}

// Index of node `ref` named by field `field` of element kind/id; unknown_reference if absent.
int lookup_node(const IdMap& nodes, const std::string& ref, const char* kind,
                const std::string& id, const char* field);

// A link's two ends: known nodes, and different ones.
struct LinkEnds {
  int from, to;
};
LinkEnds link_ends(const IdMap& nodes, const std::string& from, const std::string& to,
                   const char* kind, const std::string& id, const char* from_field = "from",
                   const char* to_field = "to");

// The node references (first, second) of a pipe and of a consumer.
inline auto pipe_node_references(const PipeDefinition& d) { return std::tie(d.from, d.to); }
inline auto consumer_node_references(const ConsumerDefinition& d) {
  return std::tie(d.supply_node, d.return_node);
}

// index_ids of a kind of link, and in the same pass over the definitions (each read from
// memory once, not twice: ~20 ms a pass over a million pipes) every element's two node
// references (first, second) = ends_of(element) looked up into `found` (-1 where absent; no
// error here, so the errors stay index_ids' in index_ids' order), their slots prefetched
// (HashesAhead). The compile step then takes an element's pair where both ends are known
// and differ (known_ends) and lets link_ends refuse it at that element otherwise, so the first
// error stays the same. (These lookups inside the compile loop, with its dozen output arrays,
// made it slower: 1e6 `check` build 219 -> 323 ms.)
template <class Def, class EndsOf>
std::shared_ptr<IdMap> index_link_ids(const std::vector<Def>& items, const char* kind,
                                      const IdMap& nodes, EndsOf ends_of,
                                      std::vector<LinkEnds>& found) {
  found.resize(items.size());
  auto references = [&](std::size_t i) { return ends_of(items[i]); };
  HashesAhead<2> hashes(nodes, items.size(), references);
  return index_ids(items, kind, [&](std::size_t i) {
    const auto [first_hash, second_hash] = hashes.take(i, references);
    const auto& [first, second] = ends_of(items[i]);
    found[i] = {nodes.find(first, first_hash), nodes.find(second, second_hash)};
  });
}
inline bool known_ends(const LinkEnds& e) { return e.from >= 0 && e.to >= 0 && e.from != e.to; }

// Appends a link's id and its two node indices to its kind's arrays.
template <class Data, class Def>
void add_link_ends(Data& out, const Def& d, const LinkEnds& ends) {
  out.id.push_back(d.id);
  out.from.push_back(ends.from);
  out.to.push_back(ends.to);
}

// Which element holds each node's pressure: at most one per node.
class PressureHolders {
 public:
  PressureHolders(const std::vector<std::string>& node_ids)
      : node_ids_(node_ids), holder_of_(node_ids.size(), -1) {}
  void hold(int node, const std::string& who, const char* kind, const std::string& id,
            const char* field);
  bool held(int node) const { return holder_of_[node] >= 0; }

 private:
  const std::vector<std::string>& node_ids_;
  // per node the index of its holder in holders_ (its description), or -1: a few holders
  // among a million nodes, not a million empty strings
  std::vector<int> holder_of_;
  std::vector<std::string> holders_;
};

void compile_nodes(const std::vector<NodeDefinition>& defs, const RuleContext& c, NodeData& out);
// `found`: index_link_ids' node references of each element
void compile_pipes(const std::vector<PipeDefinition>& defs, const SettingsDefinition& s,
                   const IdMap& nodes, const std::vector<LinkEnds>& found, PipeData& out,
                   std::vector<bool>& own_ambient);
void compile_pressure_nodes(const std::vector<PressureNodeDefinition>& defs, const RuleContext& c,
                            const IdMap& nodes, PressureHolders& holders, PressureNodeData& out);
void compile_consumers(const std::vector<ConsumerDefinition>& defs, const RuleContext& c,
                       const IdMap& nodes, const std::vector<LinkEnds>& found, ConsumerData& out);
void compile_sources(const std::vector<SourceDefinition>& defs, const RuleContext& c,
                     const IdMap& nodes, const IdMap& consumers, PressureHolders& holders,
                     SourceData& out);
void compile_pumps(const std::vector<PumpDefinition>& defs, const RuleContext& c,
                   const IdMap& nodes, PumpData& out);
void compile_valves(const std::vector<ValveDefinition>& defs, const RuleContext& c,
                    const IdMap& nodes, ValveData& out);

}  // namespace heatnet::detail
