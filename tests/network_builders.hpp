// Small helpers to write test networks in a few lines.
#pragma once
#include <string>

#include "heatnet/network.hpp"

namespace heatnet::testing {

inline FluidDefinition constant_water() {
  // water near 20 degC (the numbers only need to be fixed; references use the same)
  FluidDefinition f;
  f.is_water = false;
  f.density_kg_m3 = 998.2;
  f.kinematic_viscosity_m2_s = 1.004e-6;
  f.specific_heat_J_kgK = 4182.0;
  return f;
}

inline NetworkDefinition empty_network(FluidDefinition fluid = constant_water()) {
  NetworkDefinition d;
  d.name = "test";
  d.settings.fluid = fluid;
  return d;
}

inline void add_node(NetworkDefinition& d, const std::string& id, double z = 0.0,
                     double demand = 0.0) {
  NodeDefinition n;
  n.id = id;
  n.elevation_m = z;
  n.demand_kg_s = demand;
  d.nodes.push_back(n);
}

inline void add_pipe(NetworkDefinition& d, const std::string& id, const std::string& from,
                     const std::string& to, double length, double diameter, double roughness_mm,
                     double heat_loss = 0.0) {
  PipeDefinition p;
  p.id = id;
  p.from = from;
  p.to = to;
  p.length_m = length;
  p.inner_diameter_m = diameter;
  p.roughness_mm = roughness_mm;
  p.heat_loss_W_mK = heat_loss;
  d.pipes.push_back(p);
}

inline void add_pressure(NetworkDefinition& d, const std::string& node, double bar,
                         double temperature = 20.0) {
  d.pressure_nodes.push_back({node, bar, temperature});
}

}  // namespace heatnet::testing

// ---------------------------------------------------------------------------------------------
// Extensions for the hydraulic / thermal / district-heating suites.
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "heatnet/result.hpp"

namespace heatnet::testing {

inline FluidDefinition constant_fluid(double rho, double nu, double cp) {
  FluidDefinition f;
  f.is_water = false;
  f.density_kg_m3 = rho;
  f.kinematic_viscosity_m2_s = nu;
  f.specific_heat_J_kgK = cp;
  return f;
}

inline FluidDefinition water_iapws() { return FluidDefinition{}; }  // is_water = true

inline void add_pressure_T(NetworkDefinition& d, const std::string& node, double bar, double t_C) {
  d.pressure_nodes.push_back({node, bar, t_C});
}

inline ConsumerDefinition& add_consumer_kW(NetworkDefinition& d, const std::string& id,
                                           const std::string& s, const std::string& r,
                                           double kW, double t_return) {
  ConsumerDefinition c;
  c.id = id;
  c.supply_node = s;
  c.return_node = r;
  c.heat_demand_kW = kW;
  c.return_temperature_C = t_return;
  d.consumers.push_back(c);
  return d.consumers.back();
}

inline ConsumerDefinition& add_consumer_flow(NetworkDefinition& d, const std::string& id,
                                             const std::string& s, const std::string& r,
                                             double kg_s, double t_return) {
  ConsumerDefinition c;
  c.id = id;
  c.supply_node = s;
  c.return_node = r;
  c.mass_flow_kg_s = kg_s;
  c.return_temperature_C = t_return;
  d.consumers.push_back(c);
  return d.consumers.back();
}

inline SourceDefinition& add_source_dp(NetworkDefinition& d, const std::string& id,
                                       const std::string& s, const std::string& r,
                                       double t_supply, double return_bar, double dp_bar) {
  SourceDefinition src;
  src.id = id;
  src.supply_node = s;
  src.return_node = r;
  src.supply_temperature_C = t_supply;
  src.return_pressure_bar = return_bar;
  src.pump.type = SourcePumpType::fixed_dp;
  src.pump.dp_bar = dp_bar;
  d.sources.push_back(src);
  return d.sources.back();
}

inline void add_valve(NetworkDefinition& d, const std::string& id, const std::string& from,
                      const std::string& to, ValveType type, std::optional<double> diameter = {},
                      double zeta = 0.0) {
  ValveDefinition v;
  v.id = id;
  v.from = from;
  v.to = to;
  v.type = type;
  v.inner_diameter_m = diameter;
  v.minor_loss = zeta;
  d.valves.push_back(v);
}

inline void add_booster(NetworkDefinition& d, const std::string& id, const std::string& from,
                        const std::string& to, CurvePoints points) {
  PumpDefinition p;
  p.id = id;
  p.from = from;
  p.to = to;
  p.points_m3_h_m = std::move(points);
  d.pumps.push_back(p);
}

// Index of `id` in a result id list (-1 if absent).
inline int index_of(const std::vector<std::string>& ids, const std::string& id) {
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == id) return static_cast<int>(i);
  return -1;
}

// Per-node mass imbalance (kg/s, + = more leaves than enters) recomputed from the result
// datasets of the first step, independently of the solver's own bookkeeping: node demands,
// pipes, booster pumps, valves, sources (return -> supply) and consumers (supply -> return).
// At a pressure node the value is what the boundary supplies.
inline std::vector<double> node_imbalance(const NetworkDefinition& d, const Result& r) {
  std::vector<double> imb(d.nodes.size(), 0.0);
  auto node = [&](const std::string& id) {
    for (std::size_t i = 0; i < d.nodes.size(); ++i)
      if (d.nodes[i].id == id) return static_cast<int>(i);
    return -1;
  };
  for (std::size_t i = 0; i < d.nodes.size(); ++i) imb[i] = d.nodes[i].demand_kg_s;
  auto link = [&](const std::string& from, const std::string& to, double q) {
    imb[node(from)] += q;
    imb[node(to)] -= q;
  };
  const auto& pq = r.dataset("pipes/mass_flow").data;
  for (std::size_t e = 0; e < d.pipes.size(); ++e) link(d.pipes[e].from, d.pipes[e].to, pq[e]);
  const auto& bq = r.dataset("pumps/mass_flow").data;
  for (std::size_t e = 0; e < d.pumps.size(); ++e) link(d.pumps[e].from, d.pumps[e].to, bq[e]);
  const auto& vq = r.dataset("valves/mass_flow").data;
  for (std::size_t e = 0; e < d.valves.size(); ++e) link(d.valves[e].from, d.valves[e].to, vq[e]);
  const auto& sq = r.dataset("sources/mass_flow").data;
  for (std::size_t e = 0; e < d.sources.size(); ++e)
    link(d.sources[e].return_node, d.sources[e].supply_node, sq[e]);
  const auto& cq = r.dataset("consumers/mass_flow").data;
  for (std::size_t e = 0; e < d.consumers.size(); ++e)
    link(d.consumers[e].supply_node, d.consumers[e].return_node, cq[e]);
  return imb;
}

// Largest |mass flow| over every element kind (the scale of a relative mass-balance check).
inline double flow_scale(const Result& r) {
  double s = 0;
  for (const char* path : {"pipes/mass_flow", "pumps/mass_flow", "valves/mass_flow",
                           "sources/mass_flow", "consumers/mass_flow"})
    for (double q : r.dataset(path).data) s = std::max(s, std::abs(q));
  return s;
}

// Is `node` held at a fixed pressure (pressure node or the return node of a source with
// return_pressure_bar)? Those nodes may have a boundary in/outflow.
inline bool is_boundary_node(const NetworkDefinition& d, const std::string& node) {
  for (const auto& p : d.pressure_nodes)
    if (p.node == node) return true;
  for (const auto& s : d.sources) {
    if (s.pump.type == SourcePumpType::fixed_flow || !s.return_pressure_bar) continue;
    if (s.return_node == node) return true;
  }
  return false;
}

// Meshed grid of nx * ny junctions ("n<i>_<j>") joined by 2 nx ny - nx - ny pipes with seeded
// random lengths, diameters and roughness; random positive demands at every junction and a
// few pressure nodes (corners and centre) at different pressures. Constant-property water,
// isothermal use (no sources/consumers, adiabatic pipes).
inline NetworkDefinition grid_network(int nx, int ny, unsigned seed) {
  NetworkDefinition d = empty_network();
  d.name = "grid";
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> length(80.0, 250.0), rough(0.01, 0.5),
      demand(0.005, 0.06), elevation(0.0, 20.0);
  const double diameters[] = {0.15, 0.2, 0.25, 0.3, 0.4};
  std::uniform_int_distribution<int> pick(0, 4);
  auto name = [](int i, int j) { return "n" + std::to_string(i) + "_" + std::to_string(j); };
  d.nodes.reserve(static_cast<std::size_t>(nx) * ny);
  for (int i = 0; i < nx; ++i)
    for (int j = 0; j < ny; ++j) add_node(d, name(i, j), elevation(rng), demand(rng));
  int p = 0;
  for (int i = 0; i < nx; ++i)
    for (int j = 0; j < ny; ++j) {
      if (i + 1 < nx)
        add_pipe(d, "p" + std::to_string(p++), name(i, j), name(i + 1, j), length(rng),
                 diameters[pick(rng)], rough(rng));
      if (j + 1 < ny)
        add_pipe(d, "p" + std::to_string(p++), name(i, j), name(i, j + 1), length(rng),
                 diameters[pick(rng)], rough(rng));
    }
  const std::pair<int, int> feeds[] = {{0, 0}, {nx - 1, ny - 1}, {0, ny - 1}, {nx - 1, 0}, {nx / 2, ny / 2}};
  const double bars[] = {6.0, 5.5, 5.8, 6.2, 5.0};
  for (int k = 0; k < 5; ++k) {
    const std::string id = name(feeds[k].first, feeds[k].second);
    for (auto& n : d.nodes)
      if (n.id == id) n.demand_kg_s = 0.0;
    add_pressure(d, id, bars[k]);
  }
  return d;
}

}  // namespace heatnet::testing
