// The compiled network: contiguous SI arrays per element kind, the link topology with its
// CSR node incidence, and the pump curves fitted from the points. Internal to the library
// (network/, solver/, io/): the public header declares Network's accessors to these types
// but not the types themselves.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "heatnet/network.hpp"

namespace heatnet {

// Pump curve at nominal speed, Q in m3/s, h in m of pumped fluid.
//  quadratic:      h = a + b Q + c Q^2 (the spec's fit)
//  power:          h = a - b Q^c (EPANET's 1- and 3-point curves), evaluated at |Q|
//  piecewise:      linear interpolation of (q_m3_s, h_m), end segments extended (EPANET)
//  constant_power: h = a / Q, a in m * m3/s (EPANET's POWER pumps; no head or flow limit)
enum class PumpCurveForm : std::uint8_t { quadratic, power, piecewise, constant_power };
struct PumpCurve {
  PumpCurveForm form = PumpCurveForm::quadratic;
  double a = 0.0, b = 0.0, c = 0.0;
  std::vector<double> q_m3_s, h_m;  // piecewise only
  double max_flow_m3_s = 0.0;  // largest flow of the given points (for reporting)
  double shutoff_head_m = 0.0; // head above which the pump cannot deliver (EPANET's Hmax)
  double head(double q_m3_s) const;
  double slope(double q_m3_s) const;
};
// EPANET's curve rules (PumpCurveKind::epanet); throws NetworkError like fit_pump_curve.
PumpCurve fit_epanet_pump_curve(const CurvePoints& points_m3_h_m, std::string_view kind,
                                std::string_view id);
// EPANET's constant-power law h[m] = kEpanetPowerHead * P[kW] / Q[m3/s]
// (8.814 ft per hp/cfs, 1 hp = 0.7457 kW).
inline constexpr double kEpanetPowerHead = 8.814 * 0.3048 * 0.028316846592 / 0.7457;
PumpCurve constant_power_curve(double power_kW);
// Least-squares quadratic through the points (exact for three); throws NetworkError naming
// `kind`/`id` if the points are unusable (fewer than 1, non-finite, negative flow, rising fit).
PumpCurve fit_pump_curve(const CurvePoints& points_m3_h_m, std::string_view kind,
                         std::string_view id);

// Every element that moves water between two nodes is a "link" of the graph.
enum class LinkKind : std::uint8_t { pipe, pump, valve, source, consumer };
std::string_view to_string(LinkKind k);

struct Topology {
  int node_count = 0;
  // links in a fixed order: pipes, pumps, valves, sources, consumers
  std::vector<int> link_from, link_to;      // node indices (source: return -> supply)
  std::vector<LinkKind> link_kind;
  std::vector<int> link_element;            // index within its kind
  int pipe_offset = 0, pump_offset = 0, valve_offset = 0, source_offset = 0,
      consumer_offset = 0;
  // CSR node -> incident links
  std::vector<int> node_link_start;         // size node_count + 1
  std::vector<int> node_link;               // link indices
  int link_count() const { return static_cast<int>(link_from.size()); }
};

struct NodeData {
  std::vector<std::string> id;
  std::vector<double> elevation_m, x_m, y_m;  // x/y NaN when absent
  std::vector<double> demand_kg_s;
  std::vector<double> injection_temperature_C;  // NaN: mixed temperature at the node
};
struct PipeData {
  std::vector<std::string> id;
  std::vector<int> from, to;
  std::vector<double> length_m, diameter_m, roughness_m, minor_loss, heat_loss_W_mK,
      ambient_temperature_C, hazen_williams_c;
  std::vector<char> check_valve, closed;
};
struct PressureNodeData {
  std::vector<int> node;
  std::vector<double> pressure_Pa;  // gauge
  std::vector<double> temperature_C;
  std::vector<char> no_inflow, no_outflow;
};
struct SourceData {
  std::vector<std::string> id;
  std::vector<int> supply_node, return_node;
  std::vector<double> supply_temperature_C;
  std::vector<double> return_pressure_Pa;  // NaN: the source floats (always for fixed_flow)
  std::vector<SourcePumpType> pump_type;
  std::vector<double> pump_dp_Pa;          // fixed_dp / dp_control set point
  std::vector<PumpCurve> pump_curve;
  std::vector<int> pump_consumer;          // dp_control: consumer index, else -1
  std::vector<double> pump_mass_flow_kg_s; // fixed_flow
};
struct ConsumerData {
  std::vector<std::string> id;
  std::vector<int> supply_node, return_node;
  std::vector<double> heat_demand_W;       // NaN when mass flow is fixed
  std::vector<double> fixed_mass_flow_kg_s;// NaN when heat demand is given
  std::vector<double> return_temperature_C;
  std::vector<double> min_dp_Pa;           // NaN when no requirement
  // Substation limits of heat-demand consumers (solver/physics/substation.hpp): NaN when absent
  std::vector<double> max_mass_flow_kg_s;
  std::vector<double> kvs_m3_h;
};
struct PumpData {
  std::vector<std::string> id;
  std::vector<int> from, to;
  std::vector<PumpCurve> curve;
  std::vector<double> speed;
  std::vector<char> closed;
};
struct ValveData {
  std::vector<std::string> id;
  std::vector<int> from, to;
  std::vector<ValveType> type;
  std::vector<double> diameter_m;          // NaN when absent (lossless when open)
  std::vector<double> minor_loss;
  std::vector<double> setting_Pa;          // prv/psv: gauge pressure held; pbv: drop; else NaN
  std::vector<double> flow_setting_kg_s;   // fcv, else NaN
  std::vector<std::vector<double>> curve_q_m3_s, curve_h_m;  // gpv head-loss curve
  std::vector<char> closed;                // fixed closed (status "closed")
};

namespace detail {

// What a Network holds. Copies of a Network share the topology and the id lookups (immutable)
// and copy the parameter arrays (the set_* methods change them).

// Element indices sorted by id, for Network::*_index(id) by binary search (4 bytes per element;
// a hash map of the ids would cost ~70 bytes per element, ~160 MB for a million pipes). Sorted
// on the first lookup, not in build(): n log n string comparisons (a fifth of building an
// EPANET network) that a solve from a file never needs. Thread-safe; shared by the copies of a
// network, whose ids never change.
class IdOrder {
 public:
  // Index of `id` among `ids` (the ids this order was made for), or -1.
  int find(const std::vector<std::string>& ids, std::string_view id) const;

 private:
  mutable std::once_flag sorted_;
  mutable std::vector<int> order_;
};

struct NetworkImpl {
  std::string name;
  Settings settings;
  std::shared_ptr<const Topology> topology;
  NodeData nodes;
  PipeData pipes;
  PressureNodeData pressure_nodes;
  SourceData sources;
  ConsumerData consumers;
  PumpData pumps;
  ValveData valves;
  std::vector<bool> pipe_has_own_ambient;
  std::shared_ptr<const IdOrder> node_lookup, pipe_lookup, consumer_lookup, source_lookup,
      pump_lookup, valve_lookup;
  int component_count = 0;
};

}  // namespace detail
}  // namespace heatnet
