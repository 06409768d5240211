// The allowed keys of each object of heatnet-network/1, in the spec's order, taken from the
// schema table (heatnet/network_schema.hpp): the reader's allowed sets and the writer's order
// come from that one table, so they cannot drift apart.
#pragma once
#include <string_view>
#include <vector>

#include "heatnet/network_schema.hpp"

namespace heatnet::io::json_detail::keys {

using List = std::vector<std::string_view>;

template <class Def>
List of(schema::Fields<Def> fields) {
  List out;
  for (const auto& f : fields) out.push_back(f.key);
  return out;
}

// The keys of a source pump object of this type ("type" and the type's own keys).
inline List source_pump(std::string_view type) {
  List out;
  for (const auto& f : schema::source_pump_fields())
    if (schema::applies_to(f, type)) out.push_back(f.key);
  return out;
}

inline const List kTop{schema::top_level_keys().begin(), schema::top_level_keys().end()};

}  // namespace heatnet::io::json_detail::keys
