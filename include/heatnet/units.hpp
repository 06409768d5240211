// One registry of result quantities and their units. It feeds the HDF5 `units` attributes,
// the docs and the Python package, so a unit is written in exactly one place.
#pragma once
#include <array>
#include <string_view>

namespace heatnet {

// pressure_nodes: the network's pressure nodes (fixed-pressure boundaries), id = the node id.
enum class ElementGroup { nodes, pipes, consumers, sources, pumps, valves, pressure_nodes };
std::string_view to_string(ElementGroup g);
inline constexpr int kElementGroupCount = 7;

struct ResultField {
  ElementGroup group;
  std::string_view name;   // dataset name inside the group
  std::string_view unit;   // value of the HDF5 `units` attribute
  std::string_view description;
};

// Order matters only for iteration; lookups are by (group, name).
inline constexpr std::array kResultFields = {
    ResultField{ElementGroup::nodes, "pressure", "Pa", "gauge pressure"},
    ResultField{ElementGroup::nodes, "head", "m", "piezometric head z + p/(rho g)"},
    ResultField{ElementGroup::nodes, "temperature", "degC", "mixed water temperature"},
    ResultField{ElementGroup::pipes, "mass_flow", "kg/s", "positive from -> to"},
    ResultField{ElementGroup::pipes, "velocity", "m/s", "mean velocity, signed like the flow"},
    ResultField{ElementGroup::pipes, "pressure_drop", "Pa", "p_from - p_to, elevation included"},
    ResultField{ElementGroup::pipes, "friction_factor", "-", "Darcy friction factor"},
    ResultField{ElementGroup::pipes, "reynolds", "-", "Reynolds number"},
    ResultField{ElementGroup::pipes, "inlet_temperature", "degC", "at the end the water enters"},
    ResultField{ElementGroup::pipes, "outlet_temperature", "degC", "at the end the water leaves"},
    ResultField{ElementGroup::pipes, "heat_loss", "W", "heat lost to the ground"},
    ResultField{ElementGroup::consumers, "mass_flow", "kg/s", "supply -> return"},
    ResultField{ElementGroup::consumers, "heat", "W", "heat delivered"},
    ResultField{ElementGroup::consumers, "supply_temperature", "degC", "at the supply node"},
    ResultField{ElementGroup::consumers, "return_temperature", "degC", "leaving the substation"},
    ResultField{ElementGroup::consumers, "dp_available", "Pa", "p_supply - p_return"},
    ResultField{ElementGroup::consumers, "heat_demand", "W", "heat asked for (heat: delivered)"},
    ResultField{ElementGroup::sources, "mass_flow", "kg/s", "return -> supply"},
    ResultField{ElementGroup::sources, "heat", "W", "heat put into the water"},
    ResultField{ElementGroup::sources, "supply_pressure", "Pa", "gauge, at the supply node"},
    ResultField{ElementGroup::sources, "return_pressure", "Pa", "gauge, at the return node"},
    ResultField{ElementGroup::sources, "pump_head", "m", "pump head in m of pumped water"},
    ResultField{ElementGroup::sources, "pump_power", "W", "hydraulic power Q*dp (no efficiency)"},
    ResultField{ElementGroup::sources, "return_temperature", "degC", "water entering the plant"},
    ResultField{ElementGroup::sources, "makeup_mass_flow", "kg/s",
                "entering from outside at the return node (make-up; negative = spilled); 0 for "
                "a source that holds no pressure"},
    ResultField{ElementGroup::pumps, "mass_flow", "kg/s", "positive from -> to"},
    ResultField{ElementGroup::pumps, "head", "m", "head gain in m of pumped water"},
    ResultField{ElementGroup::pumps, "power", "W", "hydraulic power Q*dp (no efficiency)"},
    ResultField{ElementGroup::valves, "mass_flow", "kg/s", "positive from -> to"},
    ResultField{ElementGroup::valves, "pressure_drop", "Pa", "p_from - p_to, elevation included"},
    ResultField{ElementGroup::pressure_nodes, "mass_flow", "kg/s",
                "into the network at the node (negative = out)"},
    ResultField{ElementGroup::pressure_nodes, "temperature", "degC", "of the node"},
};
inline constexpr int kResultFieldCount = static_cast<int>(kResultFields.size());

// Index into kResultFields, or -1.
int result_field_index(ElementGroup group, std::string_view name);

}  // namespace heatnet
