// The keys of heatnet-network/1 in the spec's order: the reader's allowed sets and the
// writer's output order come from this one list, so they cannot drift apart.
// Keys after a "model extension" comment are not in the spec yet: they carry the model's EPANET
// extensions (network.hpp) so an imported network can be written out and read back unchanged.
#pragma once
#include <string_view>
#include <vector>

namespace heatnet::io::json_detail::keys {

using List = std::vector<std::string_view>;

inline const List kTop = {"format", "name", "description", "settings", "nodes", "pipes",
                          "pressure_nodes", "sources", "consumers", "pumps", "valves"};
inline const List kSettings = {"fluid", "friction", "ambient_temperature_C", "temperature_C",
                               "gravity_m_s2", "tolerance", "max_iterations",
                               /* model extension */ "closed_link_resistance_Pa_s_kg"};
inline const List kFluid = {"density_kg_m3", "kinematic_viscosity_m2_s", "specific_heat_J_kgK"};
inline const List kTolerance = {"mass_flow_rel", "temperature_K"};
inline const List kNode = {"id", "elevation_m", "x", "y", "demand_kg_s", "injection_temperature_C"};
inline const List kPipe = {"id", "from", "to", "length_m", "inner_diameter_m", "roughness_mm",
                           "minor_loss", "heat_loss_W_mK", "ambient_temperature_C",
                           "hazen_williams_c",
                           /* model extension */ "check_valve", "closed"};
inline const List kPressureNode = {"node", "pressure_bar", "temperature_C",
                                   /* model extension */ "no_inflow", "no_outflow"};
inline const List kSource = {"id", "supply_node", "return_node", "supply_temperature_C",
                             "return_pressure_bar", "pump"};
inline const List kPumpFixedDp = {"type", "dp_bar"};
inline const List kPumpCurve = {"type", "points_m3_h_m"};
inline const List kPumpDpControl = {"type", "consumer", "dp_bar"};
inline const List kPumpFixedFlow = {"type", "mass_flow_kg_s"};
inline const List kConsumer = {"id", "supply_node", "return_node", "heat_demand_kW",
                               "mass_flow_kg_s", "return_temperature_C", "min_dp_bar",
                               "max_mass_flow_kg_s", "kvs_m3_h"};
inline const List kBoosterPump = {"id", "from", "to", "points_m3_h_m",
                                  /* model extension */ "curve_kind", "power_kW", "speed", "closed"};
inline const List kValve = {"id", "from", "to", "type", "inner_diameter_m", "minor_loss",
                            /* model extension */ "setting_bar", "mass_flow_kg_s", "curve_m3_h_m",
                            "closed"};

}  // namespace heatnet::io::json_detail::keys
