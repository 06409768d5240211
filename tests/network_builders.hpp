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
