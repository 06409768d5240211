// Network::build — validation of a NetworkDefinition and compilation into SI arrays.
// Every rule broken throws NetworkError naming the element kind, id, field and value.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "heatnet/errors.hpp"
#include "heatnet/network.hpp"
#include "network/checks.hpp"
#include "network/topology.hpp"

namespace heatnet {
namespace {

using detail::require;
using detail::require_temperature;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kBarToPa = 1e5;


// A substation's limits: positive and finite, and only where the flow follows a heat demand
// (a fixed-flow consumer has no control valve to saturate).
void require_substation_limits(const ConsumerDefinition& d) {
  const char* k = "consumer";
  auto check = [&](const std::optional<double>& v, const char* field, double upper,
                   const char* rule) {
    if (!v) return;
    if (!d.heat_demand_kW)
      throw NetworkError(ErrorCode::invalid_value, k, d.id, field, format_value(*v),
                         "only a consumer with heat_demand_kW has substation limits");
    require(*v > 0 && *v < upper, k, d.id, field, *v, rule);
  };
  check(d.max_mass_flow_kg_s, "max_mass_flow_kg_s", 1e6, "must be > 0 (and < 1e6 kg/s)");
  check(d.kvs_m3_h, "kvs_m3_h", 1e8, "must be > 0 (and < 1e8 m3/h)");
}

// Element indices in id order (ids are unique: checked by IdIndex during the build).
std::shared_ptr<const std::vector<int>> sorted_by_id(const std::vector<std::string>& ids) {
  auto order = std::make_shared<std::vector<int>>(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) (*order)[i] = static_cast<int>(i);
  std::sort(order->begin(), order->end(), [&](int a, int b) { return ids[a] < ids[b]; });
  return order;
}

// Element ids -> index during the build: open addressing over views of the definition's ids
// (no copies: a million node ids are two flat arrays, not a million heap nodes). Checks, in
// element order, that every id is non-empty and unique.
class IdIndex {
 public:
  template <class Def>
  IdIndex(const std::vector<Def>& items, const char* kind) {
    std::size_t capacity = 16;
    while (capacity < 2 * items.size()) capacity *= 2;
    mask_ = capacity - 1;
    slots_.assign(capacity, Slot{});
    ids_.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string& id = items[i].id;
      if (id.empty())
        throw NetworkError(ErrorCode::missing_field, kind, "#" + std::to_string(i), "id", "",
                           "id must be a non-empty string");
      ids_.push_back(id);
      const std::size_t h = std::hash<std::string_view>{}(id);
      std::size_t k = h & mask_;
      for (; slots_[k].index >= 0; k = (k + 1) & mask_)
        if (slots_[k].hash == static_cast<std::uint32_t>(h) && ids_[slots_[k].index] == id)
          throw NetworkError(ErrorCode::duplicate_id, kind, id, "id", "",
                             "duplicate id (ids must be unique among " + std::string(kind) +
                                 "s)");
      slots_[k] = Slot{static_cast<std::uint32_t>(h), static_cast<int>(i)};
    }
  }

  // The element's index, or -1.
  int find(std::string_view id) const {
    const std::size_t h = std::hash<std::string_view>{}(id);
    for (std::size_t k = h & mask_; slots_[k].index >= 0; k = (k + 1) & mask_)
      if (slots_[k].hash == static_cast<std::uint32_t>(h) && ids_[slots_[k].index] == id)
        return slots_[k].index;
    return -1;
  }

 private:
  struct Slot {
    std::uint32_t hash = 0;
    int index = -1;
  };
  std::vector<std::string_view> ids_;
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
};

int lookup_node(const IdIndex& nodes, const std::string& ref, const char* kind,
                const std::string& id, const char* field) {
  const int node = nodes.find(ref);
  if (node < 0)
    throw NetworkError(ErrorCode::unknown_reference, kind, id, field, quoted_input(ref),
                       "no node with this id");
  return node;
}

void validate_settings(const SettingsDefinition& s) {
  const char* k = "settings";
  if (!s.fluid.is_water) {
    require(s.fluid.density_kg_m3 > 0, k, "", "fluid.density_kg_m3", s.fluid.density_kg_m3, "must be > 0");
    require(s.fluid.kinematic_viscosity_m2_s > 0, k, "", "fluid.kinematic_viscosity_m2_s",
            s.fluid.kinematic_viscosity_m2_s, "must be > 0");
    require(s.fluid.specific_heat_J_kgK > 0, k, "", "fluid.specific_heat_J_kgK",
            s.fluid.specific_heat_J_kgK, "must be > 0");
  }
  require(std::isfinite(s.ambient_temperature_C) && s.ambient_temperature_C > -100 &&
              s.ambient_temperature_C < 200,
          k, "", "ambient_temperature_C", s.ambient_temperature_C, "must be within -100..200 degC");
  require_temperature(s.fluid, s.temperature_C, k, "", "temperature_C");
  require(s.gravity_m_s2 > 0 && s.gravity_m_s2 < 100, k, "", "gravity_m_s2", s.gravity_m_s2,
          "must be within 0..100 m/s2");
  require(s.tolerance_mass_flow_rel > 0 && s.tolerance_mass_flow_rel < 1, k, "",
          "tolerance.mass_flow_rel", s.tolerance_mass_flow_rel, "must be within 0..1");
  require(s.tolerance_temperature_K > 0 && s.tolerance_temperature_K < 100, k, "",
          "tolerance.temperature_K", s.tolerance_temperature_K, "must be within 0..100");
  if (s.closed_link_resistance_Pa_s_kg)
    require(*s.closed_link_resistance_Pa_s_kg >= 1e6 && *s.closed_link_resistance_Pa_s_kg <= 1e20,
            k, "", "closed_link_resistance_Pa_s_kg", *s.closed_link_resistance_Pa_s_kg,
            "must be within 1e6..1e20 Pa per kg/s");
  if (s.max_iterations < 1 || s.max_iterations > 100000)
    throw NetworkError(ErrorCode::invalid_value, k, "", "max_iterations",
                       std::to_string(s.max_iterations), "must be within 1..100000");
}

std::string no_reference_reason(int part_nodes) {
  return "its connected part (" + std::to_string(part_nodes) +
         " node(s)) has no pressure reference (add a pressure node or give a source "
         "return_pressure_bar; a source without it floats and holds no pressure)";
}

// A node that no pipe, pump, valve, source or pressure node touches is a connected part of its
// own without a pressure reference. When there are more nodes than such touches, one exists and
// is found with a hash set of the few touched ids, before any per-node work: 10 M nodes without
// pipes are refused at once instead of after indexing and checking every node.
void refuse_untouched_node(const NetworkDefinition& def) {
  const std::size_t touches = 2 * (def.pipes.size() + def.pumps.size() + def.valves.size() +
                                   def.sources.size()) + def.pressure_nodes.size();
  if (def.nodes.size() <= touches) return;  // every node may be touched: the full check decides
  std::unordered_set<std::string_view> touched;
  touched.reserve(touches);
  auto touch = [&](const auto& elements) {
    for (const auto& e : elements) touched.insert(e.from), touched.insert(e.to);
  };
  touch(def.pipes);
  touch(def.pumps);
  touch(def.valves);
  for (const auto& d : def.sources) touched.insert(d.supply_node), touched.insert(d.return_node);
  for (const auto& d : def.pressure_nodes) touched.insert(d.node);
  for (const auto& d : def.nodes)
    if (!d.id.empty() && !touched.count(d.id))
      throw NetworkError(ErrorCode::no_pressure_reference, "node", d.id, "", "", no_reference_reason(1));
}

}  // namespace

Network Network::build(const NetworkDefinition& def) {
  validate_settings(def.settings);
  refuse_untouched_node(def);
  Network net;
  net.name_ = def.name;
  const auto& sd = def.settings;
  net.settings_ = Settings{sd.fluid, sd.friction, sd.ambient_temperature_C, sd.temperature_C,
                           sd.gravity_m_s2, sd.tolerance_mass_flow_rel, sd.tolerance_temperature_K,
                           sd.max_iterations};
  if (sd.closed_link_resistance_Pa_s_kg)
    net.settings_.closed_link_resistance_Pa_s_kg = *sd.closed_link_resistance_Pa_s_kg;
  const FluidDefinition& fluid = sd.fluid;

  // ---- ids
  const IdIndex node_ids(def.nodes, "node");
  const IdIndex pipe_ids(def.pipes, "pipe");
  const IdIndex source_ids(def.sources, "source");
  const IdIndex consumer_ids(def.consumers, "consumer");
  const IdIndex pump_ids(def.pumps, "pump");
  const IdIndex valve_ids(def.valves, "valve");
  if (def.nodes.empty())
    throw NetworkError(ErrorCode::missing_field, "network", def.name, "nodes", "",
                       "the network has no nodes");

  // ---- nodes
  const std::size_t n = def.nodes.size();
  NodeData& nd = net.nodes_;
  nd.id.reserve(n);
  for (const auto& d : def.nodes) {
    const char* k = "node";
    require(std::isfinite(d.elevation_m) && std::abs(d.elevation_m) < 1e5, k, d.id, "elevation_m",
            d.elevation_m, "must be finite and within +-100 km");
    require(std::isfinite(d.demand_kg_s) && std::abs(d.demand_kg_s) < 1e6, k, d.id, "demand_kg_s",
            d.demand_kg_s, "must be finite and within +-1e6 kg/s");
    if (d.x) require(std::isfinite(*d.x), k, d.id, "x", *d.x, "must be finite");
    if (d.y) require(std::isfinite(*d.y), k, d.id, "y", *d.y, "must be finite");
    if (d.injection_temperature_C)
      require_temperature(fluid, *d.injection_temperature_C, k, d.id, "injection_temperature_C");
    nd.id.push_back(d.id);
    nd.elevation_m.push_back(d.elevation_m);
    nd.x_m.push_back(d.x.value_or(kNaN));
    nd.y_m.push_back(d.y.value_or(kNaN));
    nd.demand_kg_s.push_back(d.demand_kg_s);
    nd.injection_temperature_C.push_back(d.injection_temperature_C.value_or(kNaN));
  }

  // ---- pipes
  PipeData& pd = net.pipes_;
  for (const auto& d : def.pipes) {
    const char* k = "pipe";
    const int from = lookup_node(node_ids, d.from, k, d.id, "from");
    const int to = lookup_node(node_ids, d.to, k, d.id, "to");
    if (from == to)
      throw NetworkError(ErrorCode::invalid_value, k, d.id, "to", quoted_input(d.to),
                         "a pipe must connect two different nodes");
    require(d.length_m > 0 && d.length_m < 1e7, k, d.id, "length_m", d.length_m,
            "must be > 0 (and < 10000 km)");
    require(d.inner_diameter_m > 0 && d.inner_diameter_m < 100, k, d.id, "inner_diameter_m",
            d.inner_diameter_m, "must be > 0 (and < 100 m)");
    // EPANET's D-W accepts any roughness (Swamee-Jain stays defined for e/D >= 1); real
    // EPANET files carry such values (MICROPOLIS), so the EPANET law only requires >= 0.
    const bool any_roughness = sd.friction == FrictionModel::epanet_darcy_weisbach;
    require(d.roughness_mm >= 0 && std::isfinite(d.roughness_mm) &&
                (any_roughness || d.roughness_mm < 1e3 * d.inner_diameter_m),
            k, d.id, "roughness_mm", d.roughness_mm, "must be >= 0 and smaller than the diameter");
    require(d.minor_loss >= 0 && d.minor_loss < 1e9, k, d.id, "minor_loss", d.minor_loss,
            "must be >= 0");
    require(d.heat_loss_W_mK >= 0 && d.heat_loss_W_mK < 1e6, k, d.id, "heat_loss_W_mK",
            d.heat_loss_W_mK, "must be >= 0");
    if (d.ambient_temperature_C)
      require(std::isfinite(*d.ambient_temperature_C) && *d.ambient_temperature_C > -100 &&
                  *d.ambient_temperature_C < 200,
              k, d.id, "ambient_temperature_C", *d.ambient_temperature_C,
              "must be within -100..200 degC");
    if (d.hazen_williams_c)
      require(*d.hazen_williams_c > 0 && *d.hazen_williams_c < 1e4, k, d.id, "hazen_williams_c",
              *d.hazen_williams_c, "must be > 0");
    else if (sd.friction == FrictionModel::hazen_williams)
      throw NetworkError(ErrorCode::missing_field, k, d.id, "hazen_williams_c", "",
                         "required when settings.friction is hazen_williams");
    pd.id.push_back(d.id);
    pd.from.push_back(from);
    pd.to.push_back(to);
    pd.length_m.push_back(d.length_m);
    pd.diameter_m.push_back(d.inner_diameter_m);
    pd.roughness_m.push_back(d.roughness_mm * 1e-3);
    pd.minor_loss.push_back(d.minor_loss);
    pd.heat_loss_W_mK.push_back(d.heat_loss_W_mK);
    pd.ambient_temperature_C.push_back(d.ambient_temperature_C.value_or(sd.ambient_temperature_C));
    pd.hazen_williams_c.push_back(d.hazen_williams_c.value_or(kNaN));
    pd.check_valve.push_back(d.check_valve);
    pd.closed.push_back(d.closed);
    net.pipe_has_own_ambient_.push_back(d.ambient_temperature_C.has_value());
  }

  // ---- boundary bookkeeping: which element holds each node's pressure
  std::vector<std::string> held_by(n);
  auto hold = [&](int node, const std::string& who, const char* kind, const std::string& id,
                  const char* field) {
    if (!held_by[node].empty())
      throw NetworkError(ErrorCode::conflicting_boundary, kind, id, field,
                         quoted_input(nd.id[node]),
                         "node's pressure is already held by " + held_by[node]);
    held_by[node] = who;
  };

  // ---- pressure nodes
  PressureNodeData& pn = net.pressure_nodes_;
  for (std::size_t i = 0; i < def.pressure_nodes.size(); ++i) {
    const auto& d = def.pressure_nodes[i];
    const std::string id = d.node;
    const char* k = "pressure_node";
    const int node = lookup_node(node_ids, d.node, k, id, "node");
    require(std::isfinite(d.pressure_bar) && d.pressure_bar > -1.01325 && d.pressure_bar < 1e4, k,
            id, "pressure_bar", d.pressure_bar, "must be above vacuum (-1.01325 bar gauge) and < 1e4");
    require_temperature(fluid, d.temperature_C, k, id, "temperature_C");
    hold(node, "pressure node '" + id + "'", k, id, "node");
    pn.node.push_back(node);
    pn.pressure_Pa.push_back(d.pressure_bar * kBarToPa);
    pn.temperature_C.push_back(d.temperature_C);
    pn.no_inflow.push_back(d.no_inflow);
    pn.no_outflow.push_back(d.no_outflow);
  }

  // ---- consumers (before sources: dp_control refers to them)
  ConsumerData& cd = net.consumers_;
  for (const auto& d : def.consumers) {
    const char* k = "consumer";
    const int s = lookup_node(node_ids, d.supply_node, k, d.id, "supply_node");
    const int r = lookup_node(node_ids, d.return_node, k, d.id, "return_node");
    if (s == r)
      throw NetworkError(ErrorCode::invalid_value, k, d.id, "return_node", quoted_input(d.return_node),
                         "supply and return node must differ");
    if (d.heat_demand_kW.has_value() == d.mass_flow_kg_s.has_value())
      throw NetworkError(ErrorCode::missing_field, k, d.id, "heat_demand_kW", "",
                         "give exactly one of heat_demand_kW or mass_flow_kg_s");
    if (d.heat_demand_kW)
      require(*d.heat_demand_kW >= 0 && *d.heat_demand_kW < 1e8, k, d.id, "heat_demand_kW",
              *d.heat_demand_kW, "must be >= 0 (and < 1e8 kW)");
    if (d.mass_flow_kg_s)
      require(*d.mass_flow_kg_s >= 0 && *d.mass_flow_kg_s < 1e6, k, d.id, "mass_flow_kg_s",
              *d.mass_flow_kg_s, "must be >= 0 (and < 1e6 kg/s)");
    require_temperature(fluid, d.return_temperature_C, k, d.id, "return_temperature_C");
    if (d.min_dp_bar)
      require(*d.min_dp_bar >= 0 && *d.min_dp_bar < 1e4, k, d.id, "min_dp_bar", *d.min_dp_bar,
              "must be >= 0");
    cd.id.push_back(d.id);
    cd.supply_node.push_back(s);
    cd.return_node.push_back(r);
    cd.heat_demand_W.push_back(d.heat_demand_kW ? *d.heat_demand_kW * 1e3 : kNaN);
    cd.fixed_mass_flow_kg_s.push_back(d.mass_flow_kg_s.value_or(kNaN));
    cd.return_temperature_C.push_back(d.return_temperature_C);
    cd.min_dp_Pa.push_back(d.min_dp_bar ? *d.min_dp_bar * kBarToPa : kNaN);
    require_substation_limits(d);
    cd.max_mass_flow_kg_s.push_back(d.max_mass_flow_kg_s.value_or(kNaN));
    cd.kvs_m3_h.push_back(d.kvs_m3_h.value_or(kNaN));
  }

  // ---- sources
  SourceData& sc = net.sources_;
  for (const auto& d : def.sources) {
    const char* k = "source";
    const int s = lookup_node(node_ids, d.supply_node, k, d.id, "supply_node");
    const int r = lookup_node(node_ids, d.return_node, k, d.id, "return_node");
    if (s == r)
      throw NetworkError(ErrorCode::invalid_value, k, d.id, "return_node", quoted_input(d.return_node),
                         "supply and return node must differ");
    require_temperature(fluid, d.supply_temperature_C, k, d.id, "supply_temperature_C");
    const auto& p = d.pump;
    // A source without return_pressure_bar floats (fixed_flow always does): its pump is a
    // link from return to supply node and the network sets both pressures. A dp_control pump
    // holds its supply pressure relative to a held return pressure, so it cannot float.
    if (p.type == SourcePumpType::dp_control && !d.return_pressure_bar)
      throw NetworkError(ErrorCode::missing_field, k, d.id, "return_pressure_bar", "",
                         "required for a dp_control pump (it holds the supply pressure at the "
                         "return pressure plus its dp); a floating plant uses a fixed_dp, curve "
                         "or fixed_flow pump");
    if (p.type == SourcePumpType::fixed_flow && d.return_pressure_bar)
      throw NetworkError(ErrorCode::invalid_value, k, d.id, "return_pressure_bar",
                         format_value(*d.return_pressure_bar),
                         "a fixed_flow source does not hold pressure; omit return_pressure_bar");
    if (d.return_pressure_bar) {
      require(std::isfinite(*d.return_pressure_bar) && *d.return_pressure_bar > -1.01325 &&
                  *d.return_pressure_bar < 1e4,
              k, d.id, "return_pressure_bar", *d.return_pressure_bar,
              "must be above vacuum (-1.01325 bar gauge) and < 1e4");
      hold(r, "source '" + d.id + "'", k, d.id, "return_node");
    }
    PumpCurve curve;
    int pump_consumer = -1;
    switch (p.type) {
      case SourcePumpType::fixed_dp:
        require(std::isfinite(p.dp_bar) && p.dp_bar >= 0 && p.dp_bar < 1e4, k, d.id, "pump.dp_bar",
                p.dp_bar, "must be >= 0");
        if (d.return_pressure_bar)
          hold(s, "source '" + d.id + "' (fixed_dp pump)", k, d.id, "supply_node");
        break;
      case SourcePumpType::dp_control: {
        require(std::isfinite(p.dp_bar) && p.dp_bar > 0 && p.dp_bar < 1e4, k, d.id, "pump.dp_bar",
                p.dp_bar, "must be > 0");
        pump_consumer = consumer_ids.find(p.consumer);
        if (pump_consumer < 0)
          throw NetworkError(ErrorCode::unknown_reference, k, d.id, "pump.consumer",
                             quoted_input(p.consumer), "no consumer with this id");
        hold(s, "source '" + d.id + "' (dp_control pump)", k, d.id, "supply_node");
        break;
      }
      case SourcePumpType::curve:
        curve = fit_pump_curve(p.points_m3_h_m, "source", d.id);
        curve.shutoff_head_m = curve.a;
        break;
      case SourcePumpType::fixed_flow:
        require(std::isfinite(p.mass_flow_kg_s) && p.mass_flow_kg_s > 0 && p.mass_flow_kg_s < 1e6,
                k, d.id, "pump.mass_flow_kg_s", p.mass_flow_kg_s, "must be > 0");
        break;
    }
    sc.id.push_back(d.id);
    sc.supply_node.push_back(s);
    sc.return_node.push_back(r);
    sc.supply_temperature_C.push_back(d.supply_temperature_C);
    sc.return_pressure_Pa.push_back(d.return_pressure_bar ? *d.return_pressure_bar * kBarToPa : kNaN);
    sc.pump_type.push_back(p.type);
    sc.pump_dp_Pa.push_back(p.dp_bar * kBarToPa);
    sc.pump_curve.push_back(curve);
    sc.pump_consumer.push_back(pump_consumer);
    sc.pump_mass_flow_kg_s.push_back(p.mass_flow_kg_s);
  }

  // ---- booster pumps and valves
  PumpData& bp = net.pumps_;
  for (const auto& d : def.pumps) {
    const char* k = "pump";
    const int from = lookup_node(node_ids, d.from, k, d.id, "from");
    const int to = lookup_node(node_ids, d.to, k, d.id, "to");
    if (from == to)
      throw NetworkError(ErrorCode::invalid_value, k, d.id, "to", quoted_input(d.to),
                         "a pump must connect two different nodes");
    bp.id.push_back(d.id);
    bp.from.push_back(from);
    bp.to.push_back(to);
    require(std::isfinite(d.speed) && d.speed >= 0 && d.speed < 100, k, d.id, "speed", d.speed,
            "must be >= 0 (relative speed)");
    PumpCurve curve;
    if (d.power_kW) {
      require(std::isfinite(*d.power_kW) && *d.power_kW > 0 && *d.power_kW < 1e7, k, d.id,
              "power_kW", *d.power_kW, "must be > 0");
      if (!d.points_m3_h_m.empty())
        throw NetworkError(ErrorCode::invalid_value, k, d.id, "points_m3_h_m", "",
                           "give either points_m3_h_m or power_kW, not both");
      curve = constant_power_curve(*d.power_kW);
    } else if (d.curve_kind == PumpCurveKind::epanet) {
      curve = fit_epanet_pump_curve(d.points_m3_h_m, k, d.id);
    } else {
      curve = fit_pump_curve(d.points_m3_h_m, k, d.id);
      curve.shutoff_head_m = curve.a;
    }
    bp.curve.push_back(std::move(curve));
    bp.speed.push_back(d.speed);
    bp.closed.push_back(d.closed || d.speed == 0.0);
  }
  ValveData& vd = net.valves_;
  for (const auto& d : def.valves) {
    const char* k = "valve";
    const int from = lookup_node(node_ids, d.from, k, d.id, "from");
    const int to = lookup_node(node_ids, d.to, k, d.id, "to");
    if (from == to)
      throw NetworkError(ErrorCode::invalid_value, k, d.id, "to", quoted_input(d.to),
                         "a valve must connect two different nodes");
    if (d.inner_diameter_m)
      require(*d.inner_diameter_m > 0 && *d.inner_diameter_m < 100, k, d.id, "inner_diameter_m",
              *d.inner_diameter_m, "must be > 0");
    require(d.minor_loss >= 0 && d.minor_loss < 1e9, k, d.id, "minor_loss", d.minor_loss,
            "must be >= 0");
    if (d.minor_loss > 0 && !d.inner_diameter_m)
      throw NetworkError(ErrorCode::missing_field, k, d.id, "inner_diameter_m", "",
                         "required when minor_loss > 0 (the loss is zeta*rho*v^2/2)");
    double setting_Pa = kNaN, flow_setting = kNaN;
    std::vector<double> cq, ch;
    const bool pressure_valve =
        d.type == ValveType::prv || d.type == ValveType::psv || d.type == ValveType::pbv;
    if (pressure_valve) {
      if (!d.setting_bar)
        throw NetworkError(ErrorCode::missing_field, k, d.id, "setting_bar", "",
                           "required for a " + std::string(to_string(d.type)) + " valve");
      require(std::isfinite(*d.setting_bar) && *d.setting_bar > -1.01325 && *d.setting_bar < 1e4,
              k, d.id, "setting_bar", *d.setting_bar, "must be finite, above vacuum and < 1e4");
      setting_Pa = *d.setting_bar * kBarToPa;
    } else if (d.setting_bar) {
      throw NetworkError(ErrorCode::invalid_value, k, d.id, "setting_bar",
                         format_value(*d.setting_bar), "only prv, psv and pbv valves take a setting_bar");
    }
    if (d.type == ValveType::fcv) {
      if (!d.mass_flow_kg_s)
        throw NetworkError(ErrorCode::missing_field, k, d.id, "mass_flow_kg_s", "",
                           "required for an fcv valve");
      require(std::isfinite(*d.mass_flow_kg_s) && *d.mass_flow_kg_s >= 0 && *d.mass_flow_kg_s < 1e6,
              k, d.id, "mass_flow_kg_s", *d.mass_flow_kg_s, "must be >= 0");
      flow_setting = *d.mass_flow_kg_s;
    } else if (d.mass_flow_kg_s) {
      throw NetworkError(ErrorCode::invalid_value, k, d.id, "mass_flow_kg_s",
                         format_value(*d.mass_flow_kg_s), "only fcv valves take a mass_flow_kg_s");
    }
    if (d.type == ValveType::gpv) {
      if (d.curve_m3_h_m.size() < 2)
        throw NetworkError(ErrorCode::missing_field, k, d.id, "curve_m3_h_m", "",
                           "a gpv valve needs a head-loss curve of at least two points");
      for (std::size_t j = 0; j < d.curve_m3_h_m.size(); ++j) {
        const auto& p = d.curve_m3_h_m[j];
        require(std::isfinite(p[0]) && std::isfinite(p[1]) && (j == 0 || p[0] > cq.back() * 3600.0),
                k, d.id, "curve_m3_h_m", p[0], "flows must be finite and rise strictly");
        cq.push_back(p[0] / 3600.0);
        ch.push_back(p[1]);
      }
    } else if (!d.curve_m3_h_m.empty()) {
      throw NetworkError(ErrorCode::invalid_value, k, d.id, "curve_m3_h_m", "",
                         "only gpv valves take a curve_m3_h_m");
    }
    vd.id.push_back(d.id);
    vd.from.push_back(from);
    vd.to.push_back(to);
    vd.type.push_back(d.type);
    vd.setting_Pa.push_back(setting_Pa);
    vd.closed.push_back(d.closed);
    vd.flow_setting_kg_s.push_back(flow_setting);
    vd.curve_q_m3_s.push_back(std::move(cq));
    vd.curve_h_m.push_back(std::move(ch));
    vd.diameter_m.push_back(d.inner_diameter_m.value_or(kNaN));
    vd.minor_loss.push_back(d.minor_loss);
  }

  // ---- topology: links in the order pipes, pumps, valves, sources, consumers
  auto topo = std::make_shared<Topology>();
  topo->node_count = static_cast<int>(n);
  auto add_links = [&](LinkKind kind, const std::vector<int>& from, const std::vector<int>& to) {
    for (std::size_t i = 0; i < from.size(); ++i) {
      topo->link_from.push_back(from[i]);
      topo->link_to.push_back(to[i]);
      topo->link_kind.push_back(kind);
      topo->link_element.push_back(static_cast<int>(i));
    }
  };
  topo->pipe_offset = 0;
  add_links(LinkKind::pipe, pd.from, pd.to);
  topo->pump_offset = topo->link_count();
  add_links(LinkKind::pump, bp.from, bp.to);
  topo->valve_offset = topo->link_count();
  add_links(LinkKind::valve, vd.from, vd.to);
  topo->source_offset = topo->link_count();
  add_links(LinkKind::source, sc.return_node, sc.supply_node);
  topo->consumer_offset = topo->link_count();
  add_links(LinkKind::consumer, cd.supply_node, cd.return_node);
  detail::build_incidence(*topo);

  // ---- every hydraulically connected part needs a pressure reference
  detail::DisjointSets parts(static_cast<int>(n));
  for (std::size_t i = 0; i < pd.from.size(); ++i) parts.unite(pd.from[i], pd.to[i]);
  for (std::size_t i = 0; i < bp.from.size(); ++i) parts.unite(bp.from[i], bp.to[i]);
  for (std::size_t i = 0; i < vd.from.size(); ++i)
    if (vd.type[i] != ValveType::closed) parts.unite(vd.from[i], vd.to[i]);
  for (std::size_t i = 0; i < sc.id.size(); ++i)
    if (sc.pump_type[i] != SourcePumpType::fixed_flow) parts.unite(sc.return_node[i], sc.supply_node[i]);
  std::vector<char> has_reference(n, 0);
  for (std::size_t i = 0; i < n; ++i)
    if (!held_by[i].empty()) has_reference[parts.find(static_cast<int>(i))] = 1;
  std::vector<char> seen(n, 0);
  int components = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const int root = parts.find(static_cast<int>(i));
    if (!seen[root]) {
      seen[root] = 1;
      ++components;
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const int root = parts.find(static_cast<int>(i));
    if (!has_reference[root])
      throw NetworkError(ErrorCode::no_pressure_reference, "node", nd.id[i], "", "",
                         no_reference_reason(parts.size_of(root)));
  }
  net.component_count_ = components;
  net.topology_ = std::move(topo);
  net.node_lookup_ = sorted_by_id(net.nodes_.id);
  net.pipe_lookup_ = sorted_by_id(net.pipes_.id);
  net.consumer_lookup_ = sorted_by_id(net.consumers_.id);
  net.source_lookup_ = sorted_by_id(net.sources_.id);
  net.pump_lookup_ = sorted_by_id(net.pumps_.id);
  net.valve_lookup_ = sorted_by_id(net.valves_.id);
  return net;
}

namespace {
int find_in(const std::shared_ptr<const std::vector<int>>& sorted,
            const std::vector<std::string>& ids, std::string_view id) {
  if (!sorted) return -1;
  auto it = std::lower_bound(sorted->begin(), sorted->end(), id,
                             [&](int i, std::string_view key) { return ids[i] < key; });
  return it != sorted->end() && ids[*it] == id ? *it : -1;
}
}  // namespace

int Network::node_index(std::string_view id) const { return find_in(node_lookup_, nodes_.id, id); }
int Network::pipe_index(std::string_view id) const { return find_in(pipe_lookup_, pipes_.id, id); }
int Network::consumer_index(std::string_view id) const {
  return find_in(consumer_lookup_, consumers_.id, id);
}
int Network::source_index(std::string_view id) const {
  return find_in(source_lookup_, sources_.id, id);
}
int Network::pump_index(std::string_view id) const { return find_in(pump_lookup_, pumps_.id, id); }
int Network::valve_index(std::string_view id) const {
  return find_in(valve_lookup_, valves_.id, id);
}

}  // namespace heatnet
