#include "heatnet/io.hpp"

#include <strings.h>

namespace heatnet::io {
namespace {

// A heatnet field and the EPANET field it was imported from: the data line's token at `token`,
// or the token after `keyword` (pump options).
struct FieldOrigin {
  const char* epanet_kind;
  const char* field;
  const char* epanet_field;
  int token;
  const char* keyword;
};

constexpr FieldOrigin kFieldOrigins[] = {
    {"junction", "elevation_m", "elevation", 1, nullptr},
    {"junction", "demand_kg_s", "demand", 2, nullptr},
    {"reservoir", "elevation_m", "head", 1, nullptr},
    {"tank", "elevation_m", "elevation", 1, nullptr},
    {"tank", "pressure_bar", "initial level", 2, nullptr},
    {"pipe", "from", "node 1", 1, nullptr},
    {"pipe", "to", "node 2", 2, nullptr},
    {"pipe", "length_m", "length", 3, nullptr},
    {"pipe", "inner_diameter_m", "diameter", 4, nullptr},
    {"pipe", "roughness_mm", "roughness", 5, nullptr},
    {"pipe", "hazen_williams_c", "roughness", 5, nullptr},
    {"pipe", "minor_loss", "minor loss", 6, nullptr},
    {"pump", "from", "node 1", 1, nullptr},
    {"pump", "to", "node 2", 2, nullptr},
    {"pump", "points_m3_h_m", "HEAD", -1, "HEAD"},
    {"pump", "power_kW", "POWER", -1, "POWER"},
    {"pump", "speed", "SPEED", -1, "SPEED"},
    {"valve", "from", "node 1", 1, nullptr},
    {"valve", "to", "node 2", 2, nullptr},
    {"valve", "inner_diameter_m", "diameter", 3, nullptr},
    {"valve", "setting_bar", "setting", 5, nullptr},
    {"valve", "mass_flow_kg_s", "setting", 5, nullptr},
    {"valve", "curve_m3_h_m", "setting", 5, nullptr},
    {"valve", "minor_loss", "minor loss", 6, nullptr},
};

const FieldOrigin* find_field(const std::string& epanet_kind, const std::string& field) {
  for (const FieldOrigin& f : kFieldOrigins)
    if (epanet_kind == f.epanet_kind && field == f.field) return &f;
  return nullptr;
}

// The token the field was read from, or "" when the line does not hold it.
std::string token_of(const FieldOrigin& f, const std::vector<std::string>& tokens) {
  if (f.keyword) {
    for (std::size_t i = 3; i + 1 < tokens.size(); ++i)
      if (strcasecmp(tokens[i].c_str(), f.keyword) == 0) return tokens[i + 1];
    return "";
  }
  const auto index = static_cast<std::size_t>(f.token);
  return index < tokens.size() ? tokens[index] : "";
}

}  // namespace

// Keyed by the id as an Error keeps it (cut and escaped), so long or odd ids are found too.
void InpSourceMap::add(std::string_view kind, const std::string& id, Origin origin) {
  origins.emplace(std::make_pair(std::string(kind), shown_input(id, kErrorFieldChars)), std::move(origin));
}

const InpSourceMap::Origin* InpSourceMap::find(const std::string& kind, const std::string& id) const {
  const auto it = origins.find({kind, id});
  return it == origins.end() ? nullptr : &it->second;
}

NetworkError with_inp_location(const NetworkError& e, const InpSourceMap& map) {
  if (!e.path().empty()) return e;
  const InpSourceMap::Origin* origin = map.find(e.element_kind(), e.element_id());
  if (!origin) return e;
  const std::string path = map.file + ":" + std::to_string(origin->line);
  const FieldOrigin* field = find_field(origin->epanet_kind, e.field());
  if (!field)
    return NetworkError(e.code(), origin->epanet_kind, e.element_id(), e.field(), e.value(), e.reason(),
                      path);
  std::string imported = e.field();
  if (!e.value().empty()) imported += " = " + e.value();
  return NetworkError(e.code(), origin->epanet_kind, e.element_id(), field->epanet_field,
                    shown_input(token_of(*field, origin->tokens)),
                    e.reason() + " (imported as " + imported + ")", path);
}

}  // namespace heatnet::io
