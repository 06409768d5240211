// Parameter changes that keep the topology: the solver's cached symbolic factorisation stays
// valid. Each validates like Network::build.
#include <cmath>
#include <string>

#include "heatnet/errors.hpp"
#include "heatnet/network.hpp"
#include "network/checks.hpp"

namespace heatnet {
namespace {
using detail::require;

void check_index(int i, int size, const char* kind) {
  if (i < 0 || i >= size)
    throw NetworkError(ErrorCode::unknown_reference, kind, "#" + std::to_string(i), "index",
                       std::to_string(i), "index out of range (0.." + std::to_string(size - 1) + ")");
}
}  // namespace

void Network::set_pipe_diameter(int i, double d) {
  check_index(i, pipe_count(), "pipe");
  require(d > 0 && d < 100, "pipe", pipes_.id[i], "inner_diameter_m", d, "must be > 0 (and < 100 m)");
  pipes_.diameter_m[i] = d;
}
void Network::set_pipe_roughness(int i, double k) {
  check_index(i, pipe_count(), "pipe");
  require(k >= 0 && k < pipes_.diameter_m[i], "pipe", pipes_.id[i], "roughness_mm", k * 1e3,
          "must be >= 0 and smaller than the diameter");
  pipes_.roughness_m[i] = k;
}
void Network::set_pipe_heat_loss(int i, double u) {
  check_index(i, pipe_count(), "pipe");
  require(u >= 0 && u < 1e6, "pipe", pipes_.id[i], "heat_loss_W_mK", u, "must be >= 0");
  pipes_.heat_loss_W_mK[i] = u;
}
void Network::set_consumer_heat_demand(int i, double w) {
  check_index(i, consumer_count(), "consumer");
  require(w >= 0 && w < 1e11, "consumer", consumers_.id[i], "heat_demand_kW", w * 1e-3, "must be >= 0");
  consumers_.heat_demand_W[i] = w;
  consumers_.fixed_mass_flow_kg_s[i] = std::nan("");
}
void Network::set_consumer_mass_flow(int i, double m) {
  check_index(i, consumer_count(), "consumer");
  require(m >= 0 && m < 1e6, "consumer", consumers_.id[i], "mass_flow_kg_s", m, "must be >= 0");
  consumers_.fixed_mass_flow_kg_s[i] = m;
  consumers_.heat_demand_W[i] = std::nan("");
}
void Network::set_consumer_return_temperature(int i, double t) {
  check_index(i, consumer_count(), "consumer");
  detail::require_temperature(settings_.fluid, t, "consumer", consumers_.id[i], "return_temperature_C");
  consumers_.return_temperature_C[i] = t;
}
void Network::set_source_supply_temperature(int i, double t) {
  check_index(i, source_count(), "source");
  detail::require_temperature(settings_.fluid, t, "source", sources_.id[i], "supply_temperature_C");
  sources_.supply_temperature_C[i] = t;
}
void Network::set_source_pump_dp(int i, double dp) {
  check_index(i, source_count(), "source");
  require(std::isfinite(dp) && dp >= 0, "source", sources_.id[i], "pump.dp_bar", dp * 1e-5, "must be >= 0");
  sources_.pump_dp_Pa[i] = dp;
}
void Network::set_ambient_temperature(double t) {
  require(std::isfinite(t) && t > -100 && t < 200, "settings", "", "ambient_temperature_C", t,
          "must be within -100..200 degC");
  settings_.ambient_temperature_C = t;
  for (int i = 0; i < pipe_count(); ++i)
    if (!pipe_has_own_ambient_[i]) pipes_.ambient_temperature_C[i] = t;
}
void Network::set_node_demand(int i, double m) {
  check_index(i, node_count(), "node");
  require(std::isfinite(m) && std::abs(m) < 1e6, "node", nodes_.id[i], "demand_kg_s", m,
          "must be finite and within +-1e6 kg/s");
  nodes_.demand_kg_s[i] = m;
}

void Network::set_node_elevation(int i, double z) {
  check_index(i, node_count(), "node");
  require(std::isfinite(z) && std::abs(z) < 1e5, "node", nodes_.id[i], "elevation_m", z,
          "must be finite and within +-100 km");
  nodes_.elevation_m[i] = z;
}
void Network::set_pipe_length(int i, double length) {
  check_index(i, pipe_count(), "pipe");
  require(length > 0 && length < 1e7, "pipe", pipes_.id[i], "length_m", length,
          "must be > 0 (and < 10000 km)");
  pipes_.length_m[i] = length;
}
void Network::set_pipe_minor_loss(int i, double zeta) {
  check_index(i, pipe_count(), "pipe");
  require(zeta >= 0 && zeta < 1e9, "pipe", pipes_.id[i], "minor_loss", zeta, "must be >= 0");
  pipes_.minor_loss[i] = zeta;
}
void Network::set_consumer_min_dp(int i, double dp) {
  check_index(i, consumer_count(), "consumer");
  if (!std::isnan(dp))
    require(dp >= 0 && dp < 1e9, "consumer", consumers_.id[i], "min_dp_bar", dp * 1e-5, "must be >= 0");
  consumers_.min_dp_Pa[i] = dp;
}
void Network::set_source_return_pressure(int i, double p) {
  check_index(i, source_count(), "source");
  if (sources_.pump_type[i] == SourcePumpType::fixed_flow)
    throw NetworkError(ErrorCode::invalid_value, "source", sources_.id[i], "return_pressure_bar",
                       format_value(p * 1e-5),
                       "a fixed_flow source does not hold pressure; omit return_pressure_bar");
  // Holding or not decides which nodes are unknowns (the solver's cached structure): a
  // floating source stays floating.
  if (std::isnan(sources_.return_pressure_Pa[i]))
    throw NetworkError(ErrorCode::invalid_value, "source", sources_.id[i], "return_pressure_bar",
                       format_value(p * 1e-5),
                       "the source floats (built without return_pressure_bar); build the "
                       "network again to make it hold pressure");
  require(std::isfinite(p) && p > -101325.0 && p < 1e9, "source", sources_.id[i],
          "return_pressure_bar", p * 1e-5, "must be above vacuum (-1.01325 bar gauge) and < 1e4");
  sources_.return_pressure_Pa[i] = p;
}

}  // namespace heatnet
