#include "io/json_locate.hpp"

#include <charconv>

#include "io/json_strict_parse.hpp"
#include "network/compiled.hpp"

namespace heatnet::io {
namespace {

// Index of the element whose id is `id`. Errors about a repeated id or a node held twice name
// the *later* element (Network::build meets it second), so those take the second match.
template <class Def, class IdOf>
long find_index(const std::vector<Def>& items, const std::string& id, IdOf id_of, bool second) {
  // "#3": the builder's name for an element with an empty id.
  if (id.size() > 1 && id[0] == '#') {
    long i = -1;
    auto [end, ec] = std::from_chars(id.data() + 1, id.data() + id.size(), i);
    if (ec == std::errc() && end == id.data() + id.size() && i >= 0 &&
        static_cast<std::size_t>(i) < items.size())
      return i;
  }
  long first = -1;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string& item_id = id_of(items[i]);
    if (item_id != id && shown_input(item_id, kErrorFieldChars) != id) continue;  // long/odd ids
    if (!second) return static_cast<long>(i);
    if (first >= 0) return static_cast<long>(i);
    first = static_cast<long>(i);
  }
  return first;
}

// "pump.dp_bar" -> ".pump.dp_bar"; fields are plain identifiers joined by dots.
std::string field_suffix(const std::string& field) {
  std::string s;
  std::size_t start = 0;
  while (start <= field.size() && !field.empty()) {
    const std::size_t dot = field.find('.', start);
    s += json_detail::path_key(field.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return s;
}

}  // namespace

std::string json_path_of(const NetworkError& e, const NetworkDefinition& def) {
  const std::string& kind = e.element_kind();
  const std::string& id = e.element_id();
  std::string field = e.field();
  const bool second =
      e.code() == ErrorCode::duplicate_id || e.code() == ErrorCode::conflicting_boundary;
  auto by_id = [](const auto& d) -> const std::string& { return d.id; };
  std::string array;
  long index = -1;
  if (kind == "settings") {
    return "settings" + field_suffix(field);
  } else if (kind == "network") {
    return field.empty() ? std::string() : field;  // "nodes": the network has none
  } else if (kind == "node") {
    array = "nodes", index = find_index(def.nodes, id, by_id, second);
  } else if (kind == "pipe") {
    array = "pipes", index = find_index(def.pipes, id, by_id, second);
  } else if (kind == "pressure_node") {
    array = "pressure_nodes";
    index = find_index(def.pressure_nodes, id, [](const auto& d) -> const std::string& { return d.node; },
                       second);
  } else if (kind == "source") {
    array = "sources", index = find_index(def.sources, id, by_id, second);
    if (field == "points_m3_h_m") field = "pump.points_m3_h_m";  // fit_pump_curve's name
  } else if (kind == "consumer") {
    array = "consumers", index = find_index(def.consumers, id, by_id, second);
  } else if (kind == "pump") {
    array = "pumps", index = find_index(def.pumps, id, by_id, second);
  } else if (kind == "valve") {
    array = "valves", index = find_index(def.valves, id, by_id, second);
  }
  if (index < 0) return {};
  return array + "[" + std::to_string(index) + "]" + field_suffix(field);
}

NetworkError with_json_path(const NetworkError& e, const NetworkDefinition& def) {
  if (!e.path().empty()) return e;
  std::string path = json_path_of(e, def);
  if (path.empty()) return e;
  return NetworkError(e.code(), e.element_kind(), e.element_id(), e.field(), e.value(), e.reason(),
                      std::move(path));
}

}  // namespace heatnet::io
