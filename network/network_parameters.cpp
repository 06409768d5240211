// Parameter changes that keep the topology: the solver's cached symbolic factorisation stays
// valid. Each rebuilds the element's definition from the compiled arrays, changes the one
// value and runs the element kind's validate_* (network/elements/), the rules Network::build
// applies: an edit is accepted or refused alike whether or not the network was compiled.
#include <cmath>
#include <string>

#include "heatnet/errors.hpp"
#include "heatnet/network.hpp"
#include "network/elements/elements.hpp"

namespace heatnet {
namespace {

void check_index(int i, int size, const char* kind) {
  if (i < 0 || i >= size)
    throw NetworkError(ErrorCode::unknown_reference, kind, "#" + std::to_string(i), "index",
                       std::to_string(i), "index out of range (0.." + std::to_string(size - 1) + ")");
}

}  // namespace

// ---- pipes
namespace {
template <class Change>
PipeDefinition changed_pipe(const Network& net, const PipeData& pipes, int i, bool own_ambient,
                            Change change) {
  check_index(i, net.pipe_count(), "pipe");
  PipeDefinition d = detail::pipe_definition(pipes, i, own_ambient);
  change(d);
  detail::validate_pipe(d, {net.settings().fluid, net.settings().friction});
  return d;
}
}  // namespace

void Network::set_pipe_diameter(int i, double diameter_m) {
  changed_pipe(*this, pipes_, i, false, [&](PipeDefinition& d) { d.inner_diameter_m = diameter_m; });
  pipes_.diameter_m[i] = diameter_m;
}
void Network::set_pipe_roughness(int i, double roughness_m) {
  changed_pipe(*this, pipes_, i, false, [&](PipeDefinition& d) { d.roughness_mm = roughness_m * 1e3; });
  pipes_.roughness_m[i] = roughness_m;
}
void Network::set_pipe_heat_loss(int i, double u) {
  changed_pipe(*this, pipes_, i, false, [&](PipeDefinition& d) { d.heat_loss_W_mK = u; });
  pipes_.heat_loss_W_mK[i] = u;
}
void Network::set_pipe_length(int i, double length) {
  changed_pipe(*this, pipes_, i, false, [&](PipeDefinition& d) { d.length_m = length; });
  pipes_.length_m[i] = length;
}
void Network::set_pipe_minor_loss(int i, double zeta) {
  changed_pipe(*this, pipes_, i, false, [&](PipeDefinition& d) { d.minor_loss = zeta; });
  pipes_.minor_loss[i] = zeta;
}

// ---- consumers
namespace {
template <class Change>
void check_consumer(const Network& net, const ConsumerData& consumers, int i, Change change) {
  check_index(i, net.consumer_count(), "consumer");
  ConsumerDefinition d = detail::consumer_definition(consumers, i);
  change(d);
  detail::validate_consumer(d, {net.settings().fluid, net.settings().friction});
}
}  // namespace

void Network::set_consumer_heat_demand(int i, double w) {
  check_consumer(*this, consumers_, i, [&](ConsumerDefinition& d) {
    d.heat_demand_kW = w * 1e-3;
    d.mass_flow_kg_s.reset();
  });
  consumers_.heat_demand_W[i] = w;
  consumers_.fixed_mass_flow_kg_s[i] = detail::kNaN;
}
void Network::set_consumer_mass_flow(int i, double m) {
  check_consumer(*this, consumers_, i, [&](ConsumerDefinition& d) {
    d.mass_flow_kg_s = m;
    d.heat_demand_kW.reset();
  });
  consumers_.fixed_mass_flow_kg_s[i] = m;
  consumers_.heat_demand_W[i] = detail::kNaN;
}
void Network::set_consumer_return_temperature(int i, double t) {
  check_consumer(*this, consumers_, i, [&](ConsumerDefinition& d) { d.return_temperature_C = t; });
  consumers_.return_temperature_C[i] = t;
}
void Network::set_consumer_min_dp(int i, double dp) {  // NaN: no requirement
  check_consumer(*this, consumers_, i, [&](ConsumerDefinition& d) {
    d.min_dp_bar = std::isnan(dp) ? std::nullopt : std::optional<double>(dp / detail::kBarToPa);
  });
  consumers_.min_dp_Pa[i] = dp;
}

// ---- sources
namespace {
template <class Change>
void check_source(const Network& net, const SourceData& sources, int i, Change change) {
  check_index(i, net.source_count(), "source");
  SourceDefinition d = detail::source_definition(sources, i);
  change(d);
  detail::validate_source(d, {net.settings().fluid, net.settings().friction});
}
}  // namespace

void Network::set_source_supply_temperature(int i, double t) {
  check_source(*this, sources_, i, [&](SourceDefinition& d) { d.supply_temperature_C = t; });
  sources_.supply_temperature_C[i] = t;
}
void Network::set_source_pump_dp(int i, double dp) {
  check_source(*this, sources_, i, [&](SourceDefinition& d) { d.pump.dp_bar = dp / detail::kBarToPa; });
  sources_.pump_dp_Pa[i] = dp;
}
void Network::set_source_return_pressure(int i, double p) {
  check_index(i, source_count(), "source");
  // Holding or not decides which nodes are unknowns (the solver's cached structure): a
  // floating source stays floating (a fixed_flow source always floats: validate_source says so).
  if (std::isnan(sources_.return_pressure_Pa[i]) &&
      sources_.pump_type[i] != SourcePumpType::fixed_flow)
    throw NetworkError(ErrorCode::invalid_value, "source", sources_.id[i], "return_pressure_bar",
                       format_value(p / detail::kBarToPa),
                       "the source floats (built without return_pressure_bar); build the "
                       "network again to make it hold pressure");
  check_source(*this, sources_, i,
               [&](SourceDefinition& d) { d.return_pressure_bar = p / detail::kBarToPa; });
  sources_.return_pressure_Pa[i] = p;
}

// ---- nodes and settings
namespace {
template <class Change>
void check_node(const Network& net, const NodeData& nodes, int i, Change change) {
  check_index(i, net.node_count(), "node");
  NodeDefinition d = detail::node_definition(nodes, i);
  change(d);
  detail::validate_node(d, {net.settings().fluid, net.settings().friction});
}
}  // namespace

void Network::set_node_demand(int i, double m) {
  check_node(*this, nodes_, i, [&](NodeDefinition& d) { d.demand_kg_s = m; });
  nodes_.demand_kg_s[i] = m;
}
void Network::set_node_elevation(int i, double z) {
  check_node(*this, nodes_, i, [&](NodeDefinition& d) { d.elevation_m = z; });
  nodes_.elevation_m[i] = z;
}
void Network::set_ambient_temperature(double t) {  // all pipes without their own override
  detail::check_field(schema::settings_fields(), "ambient_temperature_C", t, settings_.fluid,
                      "settings", "");
  settings_.ambient_temperature_C = t;
  for (int i = 0; i < pipe_count(); ++i)
    if (!pipe_has_own_ambient_[i]) pipes_.ambient_temperature_C[i] = t;
}

}  // namespace heatnet
