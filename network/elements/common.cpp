// Shared by the element kinds' compile steps: node references and pressure holders.
#include "network/elements/elements.hpp"

namespace heatnet::detail {

int lookup_node(const IdMap& nodes, const std::string& ref, const char* kind,
                const std::string& id, const char* field) {
  const int node = nodes.find(ref);
  if (node < 0)
    throw NetworkError(ErrorCode::unknown_reference, kind, id, field, quoted_input(ref),
                       "no node with this id");
  return node;
}

LinkEnds link_ends(const IdMap& nodes, const std::string& from, const std::string& to,
                   const char* kind, const std::string& id, const char* from_field,
                   const char* to_field) {
  const LinkEnds ends{lookup_node(nodes, from, kind, id, from_field),
                      lookup_node(nodes, to, kind, id, to_field)};
  if (ends.from == ends.to) {
    // Sources and consumers name the rule by their node fields.
    const bool plant = std::string_view(to_field) == "return_node";
    throw NetworkError(ErrorCode::invalid_value, kind, id, to_field, quoted_input(to),
                       plant ? std::string("supply and return node must differ")
                             : "a " + std::string(kind) + " must connect two different nodes");
  }
  return ends;
}

void PressureHolders::hold(int node, const std::string& who, const char* kind,
                           const std::string& id, const char* field) {
  if (holder_of_[node] >= 0)
    throw NetworkError(ErrorCode::conflicting_boundary, kind, id, field,
                       quoted_input(node_ids_[node]),
                       "node's pressure is already held by " + holders_[holder_of_[node]]);
  holder_of_[node] = static_cast<int>(holders_.size());
  holders_.push_back(who);
}

}  // namespace heatnet::detail
