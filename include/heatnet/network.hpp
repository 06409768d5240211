// The network model.
//
// Two layers:
//  * NetworkDefinition: a plain, editable description whose fields are named exactly like the
//    keys of the JSON format `heatnet-network/1` (units in the name: _m, _mm, _bar, _C, _kW...).
//    The JSON reader/writer and the Python builder produce and consume it; it round-trips
//    without loss.
//  * Network: the validated, compiled model the solver uses. SI units inside (Pa gauge, m,
//    kg/s, W, degC for temperatures), contiguous arrays per element kind and the incidence in
//    CSR form (network/compiled.hpp, internal), built once. The topology is immutable and shared between copies, so the solver
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

// ---------------------------------------------------------------------------------------------
// Compiled network (SI). Its arrays, topology and pump curves are the library's internals
// (network/compiled.hpp): reached through the accessors below by the solver, never needed by
// a user of the public API.

struct Topology;
struct NodeData;
struct PipeData;
struct PressureNodeData;
struct SourceData;
struct ConsumerData;
struct PumpData;
struct ValveData;
namespace detail {
struct NetworkImpl;
}

class ProfileBinding;

class Network {
 public:
  // Validates and compiles; throws NetworkError naming element and field on any rule broken.
  static Network build(const NetworkDefinition& definition);

  Network();  // an empty network (no nodes), to be assigned a built one
  Network(const Network& other);  // parameters copied, topology shared
  Network& operator=(const Network& other);
  Network(Network&&) noexcept;
  Network& operator=(Network&&) noexcept;
  ~Network();

  const std::string& name() const;
  const Settings& settings() const;

  int node_count() const;
  int pipe_count() const;
  int pressure_node_count() const;
  int source_count() const;
  int consumer_count() const;
  int pump_count() const;
  int valve_count() const;

  // Index lookup by id (-1 if absent), and the id of an index.
  int node_index(std::string_view id) const;
  int pipe_index(std::string_view id) const;
  int pump_index(std::string_view id) const;
  int valve_index(std::string_view id) const;
  int consumer_index(std::string_view id) const;
  int source_index(std::string_view id) const;
  const std::string& consumer_id(int consumer) const;

  // Number of hydraulically connected parts (computed during build).
  int component_count() const;
  // Whether both share one compiled topology (copies, and networks changed only through the
  // set_* methods): a solver's cached symbolic factorisation serves both.
  bool same_topology(const Network& other) const;
  // The head (m) above which source i's curve pump delivers nothing (NaN for other pumps).
  double source_shutoff_head_m(int source) const;

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

  // ---- the compiled model (network/compiled.hpp; for the library's solver and io)
  const Topology& topology() const;
  std::shared_ptr<const Topology> shared_topology() const;
  const NodeData& nodes() const;
  const PipeData& pipes() const;
  const PressureNodeData& pressure_nodes() const;
  const SourceData& sources() const;
  const ConsumerData& consumers() const;
  const PumpData& pumps() const;
  const ValveData& valves() const;

 private:
  // The consumer setters without the consumer's re-validation, for values a ProfileBinding has
  // already checked, cell by cell, against this network's rules (its apply() runs every step).
  friend class ProfileBinding;
  void store_consumer_heat_demand(int consumer, double heat_demand_W);
  void store_consumer_mass_flow(int consumer, double mass_flow_kg_s);
  void store_consumer_return_temperature(int consumer, double temperature_C);

  std::unique_ptr<detail::NetworkImpl> impl_;
};

}  // namespace heatnet
