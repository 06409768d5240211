// The network model.
//
// Two layers:
//  * NetworkDefinition: a plain, editable description whose fields are named exactly like the
//    keys of the JSON format `heatnet-network/1` (units in the name: _m, _mm, _bar, _C, _kW...).
//    The JSON reader/writer and the Python builder produce and consume it; it round-trips
//    without loss.
//  * Network: the validated, compiled model the solver uses. SI units inside (Pa gauge, m,
//    kg/s, W, degC for temperatures), contiguous arrays per element kind and the incidence in
//    CSR form, built once. The topology is immutable and shared between copies, so the solver
//    can cache its symbolic factorisation; parameters (diameters, demands, set points) can be
//    changed cheaply through the set_* methods without touching the topology.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heatnet {

// ---------------------------------------------------------------------------------------------
// Enumerations (each with to_string / parse round trips used by JSON, HDF5 and Python)

enum class FrictionModel {
  colebrook,              // Colebrook-White, exact; laminar 64/Re; C1 cubic transition 2000..4000
  swamee_jain,            // Swamee-Jain explicit turbulent law, same laminar/transition handling
  hazen_williams,         // Hazen-Williams with per-pipe C factor (EPANET's constant)
  nikuradse,              // pandapipes' law: 64/Re + rough-pipe Nikuradse term, no switch
  epanet_darcy_weisbach,  // EPANET 2.x D-W: Swamee-Jain + Dunlop's cubic transition
};
std::string_view to_string(FrictionModel m);
std::optional<FrictionModel> parse_friction_model(std::string_view s);

enum class SourcePumpType {
  fixed_dp,    // pump differential pressure fixed (dp_bar)
  curve,       // head-flow curve through points (quadratic least squares)
  dp_control,  // head is whatever holds a named consumer's differential pressure at dp_bar
  fixed_flow,  // heatnet extension: the plant circulates a fixed mass flow (secondary plants)
};
std::string_view to_string(SourcePumpType t);
std::optional<SourcePumpType> parse_source_pump_type(std::string_view s);

// check/closed/open: the spec's. The others are EPANET's control valves (heatnet-network/1
// extension, docs/network-format.md): prv, psv, pbv hold a pressure (setting_bar),
// fcv a mass flow (mass_flow_kg_s), tcv is a fixed loss (minor_loss is its setting), gpv
// follows a head-loss curve (curve_m3_h_m).
enum class ValveType { check, closed, open, prv, psv, pbv, fcv, tcv, gpv };
std::string_view to_string(ValveType t);
std::optional<ValveType> parse_valve_type(std::string_view s);

// How a booster pump's points become a curve. quadratic: the spec's least-squares quadratic.
// epanet: EPANET 2.x's rules (1 point -> 3-point power fit; 3 points starting at Q = 0 ->
// h = A - B Q^C; otherwise piecewise-linear through the points, end segments extended).
enum class PumpCurveKind { quadratic, epanet };
std::string_view to_string(PumpCurveKind k);
std::optional<PumpCurveKind> parse_pump_curve_kind(std::string_view s);

// ---------------------------------------------------------------------------------------------
// Definition (file-level description, JSON key names and units)

using CurvePoints = std::vector<std::array<double, 2>>;  // [[flow m3/h, head m], ...]

struct FluidDefinition {
  bool is_water = true;  // "water": IAPWS-IF97 properties from temperature
  // constant-property fluid (is_water == false)
  double density_kg_m3 = 0.0;
  double kinematic_viscosity_m2_s = 0.0;
  double specific_heat_J_kgK = 0.0;
  bool operator==(const FluidDefinition&) const = default;
};

struct SettingsDefinition {
  FluidDefinition fluid;
  FrictionModel friction = FrictionModel::colebrook;
  double ambient_temperature_C = 10.0;
  double temperature_C = 20.0;
  double gravity_m_s2 = 9.80665;
  double tolerance_mass_flow_rel = 1e-9;
  double tolerance_temperature_K = 1e-6;
  int max_iterations = 100;
  // Extension: resistance of a closed link (Pa per kg/s); unset = the solver's default
  // (1e14). EPANET import sets EPANET's 1/CBIG (1e8 ft per cfs = 1.0564e10 Pa per kg/s), which
  // fixes the head of parts of the network isolated by closed links.
  std::optional<double> closed_link_resistance_Pa_s_kg;
  bool operator==(const SettingsDefinition&) const = default;
};

struct NodeDefinition {
  std::string id;
  double elevation_m = 0.0;
  std::optional<double> x, y;
  double demand_kg_s = 0.0;
  std::optional<double> injection_temperature_C;
  bool operator==(const NodeDefinition&) const = default;
};

struct PipeDefinition {
  std::string id, from, to;
  double length_m = 0.0;
  double inner_diameter_m = 0.0;
  double roughness_mm = 0.0;
  double minor_loss = 0.0;
  double heat_loss_W_mK = 0.0;
  std::optional<double> ambient_temperature_C;
  std::optional<double> hazen_williams_c;
  // Extensions (EPANET import): a check valve in the pipe (flow only from -> to), and a pipe
  // closed by its status (carries no flow).
  bool check_valve = false;
  bool closed = false;
  bool operator==(const PipeDefinition&) const = default;
};

struct PressureNodeDefinition {
  std::string node;
  double pressure_bar = 0.0;
  double temperature_C = 0.0;
  // Extensions (EPANET tank at its maximum / minimum level): links that would carry water
  // into (no_inflow) or out of (no_outflow) this node are closed.
  bool no_inflow = false;
  bool no_outflow = false;
  bool operator==(const PressureNodeDefinition&) const = default;
};

struct SourcePumpDefinition {
  SourcePumpType type = SourcePumpType::fixed_dp;
  double dp_bar = 0.0;            // fixed_dp, dp_control
  CurvePoints points_m3_h_m;      // curve
  std::string consumer;           // dp_control
  double mass_flow_kg_s = 0.0;    // fixed_flow
  bool operator==(const SourcePumpDefinition&) const = default;
};

struct SourceDefinition {
  std::string id, supply_node, return_node;
  double supply_temperature_C = 0.0;
  std::optional<double> return_pressure_bar;  // required unless pump is fixed_flow
  SourcePumpDefinition pump;
  bool operator==(const SourceDefinition&) const = default;
};

struct ConsumerDefinition {
  std::string id, supply_node, return_node;
  std::optional<double> heat_demand_kW;  // exactly one of heat_demand_kW / mass_flow_kg_s
  std::optional<double> mass_flow_kg_s;
  double return_temperature_C = 0.0;
  std::optional<double> min_dp_bar;
  std::optional<double> max_mass_flow_kg_s;  // substation limit (heat-demand consumers only)
  std::optional<double> kvs_m3_h;            // flow coefficient of the fully open substation
  bool operator==(const ConsumerDefinition&) const = default;
};

struct PumpDefinition {
  std::string id, from, to;
  CurvePoints points_m3_h_m;
  // Extensions (EPANET import). power_kW: constant-power pump (no points), EPANET's law
  // h = 8.814 P/Q in ft, hp, cfs. speed: relative speed (affinity laws). closed: off.
  PumpCurveKind curve_kind = PumpCurveKind::quadratic;
  std::optional<double> power_kW;
  double speed = 1.0;
  bool closed = false;
  bool operator==(const PumpDefinition&) const = default;
};

struct ValveDefinition {
  std::string id, from, to;
  ValveType type = ValveType::open;
  std::optional<double> inner_diameter_m;
  double minor_loss = 0.0;
  // Extensions (EPANET control valves): prv/psv/pbv pressure setting (gauge pressure for
  // prv/psv at the controlled node, pressure drop for pbv); fcv flow setting; gpv head-loss
  // curve [[flow m3/h, head loss m], ...].
  std::optional<double> setting_bar;
  std::optional<double> mass_flow_kg_s;
  CurvePoints curve_m3_h_m;
  // An EPANET valve fixed closed: stays in the network as a closed link (EPANET's tiny
  // closed-link conductance), unlike type "closed", which removes the valve.
  bool closed = false;
  bool operator==(const ValveDefinition&) const = default;
};

struct NetworkDefinition {
  std::string name;
  std::string description;
  SettingsDefinition settings;
  std::vector<NodeDefinition> nodes;
  std::vector<PipeDefinition> pipes;
  std::vector<PressureNodeDefinition> pressure_nodes;
  std::vector<SourceDefinition> sources;
  std::vector<ConsumerDefinition> consumers;
  std::vector<PumpDefinition> pumps;
  std::vector<ValveDefinition> valves;
  bool operator==(const NetworkDefinition&) const = default;
};

// ---------------------------------------------------------------------------------------------
// Compiled network (SI)

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
struct Settings {
  FluidDefinition fluid;
  FrictionModel friction = FrictionModel::colebrook;
  double ambient_temperature_C = 10.0;
  double temperature_C = 20.0;
  double gravity_m_s2 = 9.80665;
  double tolerance_mass_flow_rel = 1e-9;
  double tolerance_temperature_K = 1e-6;
  int max_iterations = 100;
  double closed_link_resistance_Pa_s_kg = 1e14;
};

class Network {
 public:
  // Validates and compiles; throws NetworkError naming element and field on any rule broken.
  static Network build(const NetworkDefinition& definition);

  const std::string& name() const { return name_; }
  const Settings& settings() const { return settings_; }
  const Topology& topology() const { return *topology_; }
  std::shared_ptr<const Topology> shared_topology() const { return topology_; }
  const NodeData& nodes() const { return nodes_; }
  const PipeData& pipes() const { return pipes_; }
  const PressureNodeData& pressure_nodes() const { return pressure_nodes_; }
  const SourceData& sources() const { return sources_; }
  const ConsumerData& consumers() const { return consumers_; }
  const PumpData& pumps() const { return pumps_; }
  const ValveData& valves() const { return valves_; }

  int node_count() const { return static_cast<int>(nodes_.id.size()); }
  int pipe_count() const { return static_cast<int>(pipes_.id.size()); }
  int source_count() const { return static_cast<int>(sources_.id.size()); }
  int consumer_count() const { return static_cast<int>(consumers_.id.size()); }
  int pump_count() const { return static_cast<int>(pumps_.id.size()); }
  int valve_count() const { return static_cast<int>(valves_.id.size()); }

  // Index lookup by id (-1 if absent).
  int node_index(std::string_view id) const;
  int pipe_index(std::string_view id) const;
  int pump_index(std::string_view id) const;
  int valve_index(std::string_view id) const;
  int consumer_index(std::string_view id) const;
  int source_index(std::string_view id) const;

  // Number of hydraulically connected parts (computed during build).
  int component_count() const { return component_count_; }

  // Parameter changes that keep the topology (and so the cached symbolic factorisation).
  // Each validates its value and throws NetworkError like build() would.
  void set_pipe_diameter(int pipe, double diameter_m);
  void set_pipe_roughness(int pipe, double roughness_m);
  void set_pipe_heat_loss(int pipe, double heat_loss_W_mK);
  void set_consumer_heat_demand(int consumer, double heat_demand_W);
  void set_consumer_mass_flow(int consumer, double mass_flow_kg_s);
  void set_consumer_return_temperature(int consumer, double temperature_C);
  void set_source_supply_temperature(int source, double temperature_C);
  void set_source_pump_dp(int source, double dp_Pa);
  void set_ambient_temperature(double temperature_C);  // all pipes without their own override
  void set_node_demand(int node, double demand_kg_s);
  void set_node_elevation(int node, double elevation_m);
  void set_pipe_length(int pipe, double length_m);
  void set_pipe_minor_loss(int pipe, double minor_loss);
  void set_consumer_min_dp(int consumer, double min_dp_Pa);  // NaN: no requirement
  void set_source_return_pressure(int source, double pressure_Pa);  // gauge

 private:
  std::string name_;
  Settings settings_;
  std::shared_ptr<const Topology> topology_;
  NodeData nodes_;
  PipeData pipes_;
  PressureNodeData pressure_nodes_;
  SourceData sources_;
  ConsumerData consumers_;
  PumpData pumps_;
  ValveData valves_;
  std::vector<bool> pipe_has_own_ambient_;
  // Element indices sorted by id, for lookups by binary search (4 bytes per element; a hash
  // map of the ids would cost ~70 bytes per element, ~160 MB for a million pipes).
  std::shared_ptr<const std::vector<int>> node_lookup_, pipe_lookup_, consumer_lookup_,
      source_lookup_, pump_lookup_, valve_lookup_;
  int component_count_ = 0;
};

}  // namespace heatnet
