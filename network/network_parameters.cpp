// Parameter changes that keep the topology: the solver's cached symbolic factorisation stays
// valid. Each rebuilds the element's definition from the compiled arrays, changes the one
// value and runs the element kind's validate_* (network/elements/), the rules Network::build
// applies: an edit is accepted or refused alike whether or not the network was compiled.
#include <bit>
#include <cmath>
#include <cstdint>
#include <string>

#include "heatnet/errors.hpp"
#include "heatnet/network.hpp"
#include "network/compiled.hpp"
#include "network/elements/elements.hpp"

namespace heatnet {
namespace {

void check_index(int i, int size, const char* kind) {
  if (i < 0 || i >= size)
    throw NetworkError(ErrorCode::unknown_reference, kind, "#" + std::to_string(i), "index",
                       std::to_string(i), "index out of range (0.." + std::to_string(size - 1) + ")");
}

// Rebuilds element i's definition (`definition`), applies `change` and validates it like build.
template <class Data, class Def, class Change>
void check_edit(const Network& net, int i, int count, const char* kind, const Data& data,
                Def (*definition)(const Data&, int),
                void (*validate)(const Def&, const detail::RuleContext&), Change change) {
  check_index(i, count, kind);
  Def d = definition(data, i);
  change(d);
  validate(d, {net.settings().fluid, net.settings().friction});
}
template <class Change>
void check_pipe(const Network& net, int i, Change change) {
  check_edit(net, i, net.pipe_count(), "pipe", net.pipes(), &detail::pipe_definition,
             &detail::validate_pipe, change);
}
template <class Change>
void check_consumer(const Network& net, int i, Change change) {
  check_edit(net, i, net.consumer_count(), "consumer", net.consumers(),
             &detail::consumer_definition, &detail::validate_consumer, change);
}
template <class Change>
void check_source(const Network& net, int i, Change change) {
  check_edit(net, i, net.source_count(), "source", net.sources(), &detail::source_definition,
             &detail::validate_source, change);
}
template <class Change>
void check_node(const Network& net, int i, Change change) {
  check_edit(net, i, net.node_count(), "node", net.nodes(), &detail::node_definition,
             &detail::validate_node, change);
}

}  // namespace

// ---- pipes
void Network::set_pipe_diameter(int i, double diameter_m) {
  check_pipe(*this, i, [&](PipeDefinition& d) { d.inner_diameter_m = diameter_m; });
  impl_->pipes.diameter_m[i] = diameter_m;
}
void Network::set_pipe_roughness(int i, double roughness_m) {
  check_pipe(*this, i, [&](PipeDefinition& d) { d.roughness_mm = roughness_m * 1e3; });
  impl_->pipes.roughness_m[i] = roughness_m;
}
void Network::set_pipe_heat_loss(int i, double u) {
  check_pipe(*this, i, [&](PipeDefinition& d) { d.heat_loss_W_mK = u; });
  impl_->pipes.heat_loss_W_mK[i] = u;
}
void Network::set_pipe_length(int i, double length) {
  check_pipe(*this, i, [&](PipeDefinition& d) { d.length_m = length; });
  impl_->pipes.length_m[i] = length;
}
void Network::set_pipe_minor_loss(int i, double zeta) {
  check_pipe(*this, i, [&](PipeDefinition& d) { d.minor_loss = zeta; });
  impl_->pipes.minor_loss[i] = zeta;
}

// ---- consumers
void Network::set_consumer_heat_demand(int i, double w) {
  check_consumer(*this, i, [&](ConsumerDefinition& d) {
    d.heat_demand_kW = w * 1e-3;
    d.mass_flow_kg_s.reset();
  });
  store_consumer_heat_demand(i, w);
}
void Network::set_consumer_mass_flow(int i, double m) {
  check_consumer(*this, i, [&](ConsumerDefinition& d) {
    d.mass_flow_kg_s = m;
    d.heat_demand_kW.reset();
  });
  store_consumer_mass_flow(i, m);
}
void Network::set_consumer_return_temperature(int i, double t) {
  check_consumer(*this, i, [&](ConsumerDefinition& d) { d.return_temperature_C = t; });
  store_consumer_return_temperature(i, t);
}
void Network::store_consumer_heat_demand(int i, double w) {
  impl_->consumers.heat_demand_W[i] = w;
  impl_->consumers.fixed_mass_flow_kg_s[i] = detail::kNaN;
}
void Network::store_consumer_mass_flow(int i, double m) {
  impl_->consumers.fixed_mass_flow_kg_s[i] = m;
  impl_->consumers.heat_demand_W[i] = detail::kNaN;
}
void Network::store_consumer_return_temperature(int i, double t) {
  impl_->consumers.return_temperature_C[i] = t;
}
void Network::set_consumer_min_dp(int i, double dp) {  // NaN: no requirement
  check_consumer(*this, i, [&](ConsumerDefinition& d) {
    d.min_dp_bar = std::isnan(dp) ? std::nullopt : std::optional<double>(dp / detail::kBarToPa);
  });
  impl_->consumers.min_dp_Pa[i] = dp;
}

// ---- sources
void Network::set_source_supply_temperature(int i, double t) {
  check_source(*this, i, [&](SourceDefinition& d) { d.supply_temperature_C = t; });
  impl_->sources.supply_temperature_C[i] = t;
}
void Network::set_source_pump_dp(int i, double dp) {
  check_source(*this, i, [&](SourceDefinition& d) { d.pump.dp_bar = dp / detail::kBarToPa; });
  impl_->sources.pump_dp_Pa[i] = dp;
}
void Network::set_source_return_pressure(int i, double p) {
  check_index(i, source_count(), "source");
  // Holding or not decides which nodes are unknowns (the solver's cached structure): a
  // floating source stays floating (a fixed_flow source always floats: validate_source says so).
  if (std::isnan(impl_->sources.return_pressure_Pa[i]) &&
      impl_->sources.pump_type[i] != SourcePumpType::fixed_flow)
    throw NetworkError(ErrorCode::invalid_value, "source", impl_->sources.id[i], "return_pressure_bar",
                       format_value(p / detail::kBarToPa),
                       "the source floats (built without return_pressure_bar); build the "
                       "network again to make it hold pressure");
  check_source(*this, i,
               [&](SourceDefinition& d) { d.return_pressure_bar = p / detail::kBarToPa; });
  impl_->sources.return_pressure_Pa[i] = p;
}

// ---- nodes and settings
void Network::set_node_demand(int i, double m) {
  check_node(*this, i, [&](NodeDefinition& d) { d.demand_kg_s = m; });
  impl_->nodes.demand_kg_s[i] = m;
}
void Network::set_node_elevation(int i, double z) {
  check_node(*this, i, [&](NodeDefinition& d) { d.elevation_m = z; });
  impl_->nodes.elevation_m[i] = z;
}
// All pipes without their own override take it. The value the network holds (to the bit:
// not -0 for 0) changes nothing: those pipes hold it already (they are built with the
// settings' value and change only here), and it was checked when set (a time series sets the
// soil temperature every step; it changes a few times a year).
void Network::set_ambient_temperature(double t) {
  if (std::bit_cast<std::uint64_t>(t) ==
      std::bit_cast<std::uint64_t>(impl_->settings.ambient_temperature_C))
    return;
  detail::check_field(schema::settings_fields(), "ambient_temperature_C", t, impl_->settings.fluid,
                      "settings", "");
  impl_->settings.ambient_temperature_C = t;
  const int np = pipe_count();
  for (int i = 0; i < np; ++i)
    if (!impl_->pipe_has_own_ambient[i]) impl_->pipes.ambient_temperature_C[i] = t;
}

}  // namespace heatnet
