// NetworkDefinition (the editable, JSON-named description) and the compiled Network.
// Element lists are reached through copy-in/copy-out accessors (add_pipe / get_pipe /
// set_pipe ...), never as live references into a std::vector, so no Python object can
// dangle after a list grows.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <memory>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "heatnet/io.hpp"
#include "heatnet/network.hpp"
#include "heatnet/version.hpp"

namespace heatnet::python {
namespace {

template <class Parse>
auto parse_enum(const std::string& text, Parse parse, const char* kind, const std::string& id,
                const char* field, const char* expected) {
  auto v = parse(text);
  if (!v)
    throw InputError(ErrorCode::invalid_value, kind, id, field, "'" + text + "'",
                     std::string("unknown value; expected one of ") + expected);
  return *v;
}

void check_index(py::ssize_t i, std::size_t size, const std::string& kind) {
  if (i < 0 || static_cast<std::size_t>(i) >= size)
    throw py::index_error(kind + " index " + std::to_string(i) + " out of range");
}

// add_X / get_X / set_X / remove_X / X_count on NetworkDefinition for one element list.
template <class T>
void def_list(py::class_<NetworkDefinition>& cls, const std::string& kind,
              std::vector<T> NetworkDefinition::*member) {
  cls.def(("add_" + kind).c_str(),
          [member](NetworkDefinition& d, const T& e) { (d.*member).push_back(e); });
  cls.def(("get_" + kind).c_str(), [member, kind](const NetworkDefinition& d, py::ssize_t i) {
    check_index(i, (d.*member).size(), kind);
    return (d.*member)[i];
  });
  cls.def(("set_" + kind).c_str(),
          [member, kind](NetworkDefinition& d, py::ssize_t i, const T& e) {
            check_index(i, (d.*member).size(), kind);
            (d.*member)[i] = e;
          });
  cls.def(("remove_" + kind).c_str(), [member, kind](NetworkDefinition& d, py::ssize_t i) {
    check_index(i, (d.*member).size(), kind);
    (d.*member).erase((d.*member).begin() + i);
  });
  cls.def((kind + "_count").c_str(),
          [member](const NetworkDefinition& d) { return (d.*member).size(); });
}

template <class T>
std::vector<std::string> ids_of(const std::vector<T>& v) {
  std::vector<std::string> out;
  out.reserve(v.size());
  for (const auto& e : v) out.push_back(e.id);
  return out;
}

}  // namespace

void bind_network(py::module_& m) {
  m.attr("NETWORK_FORMAT") = kNetworkFormat;

  // ---- definition structs: fields named like the JSON keys, units in the names ----
  py::class_<FluidDefinition>(m, "FluidDefinition")
      .def(py::init<>())
      .def_readwrite("is_water", &FluidDefinition::is_water)
      .def_readwrite("density_kg_m3", &FluidDefinition::density_kg_m3)
      .def_readwrite("kinematic_viscosity_m2_s", &FluidDefinition::kinematic_viscosity_m2_s)
      .def_readwrite("specific_heat_J_kgK", &FluidDefinition::specific_heat_J_kgK);

  py::class_<SettingsDefinition>(m, "SettingsDefinition")
      .def(py::init<>())
      .def_readwrite("fluid", &SettingsDefinition::fluid)
      .def_property(
          "friction", [](const SettingsDefinition& s) { return std::string(to_string(s.friction)); },
          [](SettingsDefinition& s, const std::string& v) {
            s.friction = parse_enum(v, parse_friction_model, "settings", "", "friction",
                                    "colebrook, swamee_jain, hazen_williams, nikuradse, "
                                    "epanet_darcy_weisbach");
          })
      .def_readwrite("ambient_temperature_C", &SettingsDefinition::ambient_temperature_C)
      .def_readwrite("temperature_C", &SettingsDefinition::temperature_C)
      .def_readwrite("gravity_m_s2", &SettingsDefinition::gravity_m_s2)
      .def_readwrite("tolerance_mass_flow_rel", &SettingsDefinition::tolerance_mass_flow_rel)
      .def_readwrite("tolerance_temperature_K", &SettingsDefinition::tolerance_temperature_K)
      .def_readwrite("max_iterations", &SettingsDefinition::max_iterations);

  py::class_<NodeDefinition>(m, "NodeDefinition")
      .def(py::init<>())
      .def_readwrite("id", &NodeDefinition::id)
      .def_readwrite("elevation_m", &NodeDefinition::elevation_m)
      .def_readwrite("x", &NodeDefinition::x)
      .def_readwrite("y", &NodeDefinition::y)
      .def_readwrite("demand_kg_s", &NodeDefinition::demand_kg_s)
      .def_readwrite("injection_temperature_C", &NodeDefinition::injection_temperature_C);

  py::class_<PipeDefinition>(m, "PipeDefinition")
      .def(py::init<>())
      .def_readwrite("id", &PipeDefinition::id)
      .def_readwrite("from_", &PipeDefinition::from)
      .def_readwrite("to", &PipeDefinition::to)
      .def_readwrite("length_m", &PipeDefinition::length_m)
      .def_readwrite("inner_diameter_m", &PipeDefinition::inner_diameter_m)
      .def_readwrite("roughness_mm", &PipeDefinition::roughness_mm)
      .def_readwrite("minor_loss", &PipeDefinition::minor_loss)
      .def_readwrite("heat_loss_W_mK", &PipeDefinition::heat_loss_W_mK)
      .def_readwrite("ambient_temperature_C", &PipeDefinition::ambient_temperature_C)
      .def_readwrite("hazen_williams_c", &PipeDefinition::hazen_williams_c);

  py::class_<PressureNodeDefinition>(m, "PressureNodeDefinition")
      .def(py::init<>())
      .def_readwrite("node", &PressureNodeDefinition::node)
      .def_readwrite("pressure_bar", &PressureNodeDefinition::pressure_bar)
      .def_readwrite("temperature_C", &PressureNodeDefinition::temperature_C);

  py::class_<SourcePumpDefinition>(m, "SourcePumpDefinition")
      .def(py::init<>())
      .def_property(
          "type", [](const SourcePumpDefinition& p) { return std::string(to_string(p.type)); },
          [](SourcePumpDefinition& p, const std::string& v) {
            p.type = parse_enum(v, parse_source_pump_type, "source pump", "", "type",
                                "fixed_dp, curve, dp_control, fixed_flow");
          })
      .def_readwrite("dp_bar", &SourcePumpDefinition::dp_bar)
      .def_readwrite("points_m3_h_m", &SourcePumpDefinition::points_m3_h_m)
      .def_readwrite("consumer", &SourcePumpDefinition::consumer)
      .def_readwrite("mass_flow_kg_s", &SourcePumpDefinition::mass_flow_kg_s);

  py::class_<SourceDefinition>(m, "SourceDefinition")
      .def(py::init<>())
      .def_readwrite("id", &SourceDefinition::id)
      .def_readwrite("supply_node", &SourceDefinition::supply_node)
      .def_readwrite("return_node", &SourceDefinition::return_node)
      .def_readwrite("supply_temperature_C", &SourceDefinition::supply_temperature_C)
      .def_readwrite("return_pressure_bar", &SourceDefinition::return_pressure_bar)
      .def_readwrite("pump", &SourceDefinition::pump);

  py::class_<ConsumerDefinition>(m, "ConsumerDefinition")
      .def(py::init<>())
      .def_readwrite("id", &ConsumerDefinition::id)
      .def_readwrite("supply_node", &ConsumerDefinition::supply_node)
      .def_readwrite("return_node", &ConsumerDefinition::return_node)
      .def_readwrite("heat_demand_kW", &ConsumerDefinition::heat_demand_kW)
      .def_readwrite("mass_flow_kg_s", &ConsumerDefinition::mass_flow_kg_s)
      .def_readwrite("return_temperature_C", &ConsumerDefinition::return_temperature_C)
      .def_readwrite("min_dp_bar", &ConsumerDefinition::min_dp_bar)
      .def_readwrite("max_mass_flow_kg_s", &ConsumerDefinition::max_mass_flow_kg_s)
      .def_readwrite("kvs_m3_h", &ConsumerDefinition::kvs_m3_h);

  py::class_<PumpDefinition>(m, "PumpDefinition")
      .def(py::init<>())
      .def_readwrite("id", &PumpDefinition::id)
      .def_readwrite("from_", &PumpDefinition::from)
      .def_readwrite("to", &PumpDefinition::to)
      .def_readwrite("points_m3_h_m", &PumpDefinition::points_m3_h_m);

  py::class_<ValveDefinition>(m, "ValveDefinition")
      .def(py::init<>())
      .def_readwrite("id", &ValveDefinition::id)
      .def_readwrite("from_", &ValveDefinition::from)
      .def_readwrite("to", &ValveDefinition::to)
      .def_property(
          "type", [](const ValveDefinition& v) { return std::string(to_string(v.type)); },
          [](ValveDefinition& v, const std::string& t) {
            v.type = parse_enum(t, parse_valve_type, "valve", v.id, "type", "check, closed, open");
          })
      .def_readwrite("inner_diameter_m", &ValveDefinition::inner_diameter_m)
      .def_readwrite("minor_loss", &ValveDefinition::minor_loss);

  py::class_<NetworkDefinition> def(m, "NetworkDefinition");
  def.def(py::init<>())
      .def(py::init<const NetworkDefinition&>(), py::arg("other"), "Copy.")
      .def_readwrite("name", &NetworkDefinition::name)
      .def_readwrite("description", &NetworkDefinition::description)
      .def_readwrite("settings", &NetworkDefinition::settings)
      .def("__eq__", [](const NetworkDefinition& a, const NetworkDefinition& b) { return a == b; })
      .def("node_ids", [](const NetworkDefinition& d) { return ids_of(d.nodes); })
      .def("pipe_ids", [](const NetworkDefinition& d) { return ids_of(d.pipes); })
      .def("source_ids", [](const NetworkDefinition& d) { return ids_of(d.sources); })
      .def("consumer_ids", [](const NetworkDefinition& d) { return ids_of(d.consumers); })
      .def("pump_ids", [](const NetworkDefinition& d) { return ids_of(d.pumps); })
      .def("valve_ids", [](const NetworkDefinition& d) { return ids_of(d.valves); })
      .def("pressure_node_ids",
           [](const NetworkDefinition& d) {
             std::vector<std::string> out;
             for (const auto& p : d.pressure_nodes) out.push_back(p.node);
             return out;
           })
      .def("to_json", &io::network_to_json, py::arg("indent") = 1,
           "Canonical JSON text (fixed key order, shortest round-trip numbers).")
      .def_static("from_json", &io::parse_network_json, py::arg("text"),
                  "Parse heatnet-network/1 JSON text (strict: unknown keys are errors).")
      .def(py::pickle(
          [](const NetworkDefinition& d) { return py::make_tuple(io::network_to_json(d, -1)); },
          [](const py::tuple& t) { return io::parse_network_json(t[0].cast<std::string>()); }));
  def_list(def, "node", &NetworkDefinition::nodes);
  def_list(def, "pipe", &NetworkDefinition::pipes);
  def_list(def, "pressure_node", &NetworkDefinition::pressure_nodes);
  def_list(def, "source", &NetworkDefinition::sources);
  def_list(def, "consumer", &NetworkDefinition::consumers);
  def_list(def, "pump", &NetworkDefinition::pumps);
  def_list(def, "valve", &NetworkDefinition::valves);

  // ---- compiled network ----
  py::class_<Network>(m, "CompiledNetwork",
                      "The validated, compiled network (SI inside). Built once from a "
                      "NetworkDefinition; set_* change parameters and keep the topology.")
      .def_static(
          "build",
          [](const NetworkDefinition& d, bool locate, const io::InpSourceMap* inp_origins) {
            try {
              return Network::build(d);
            } catch (const InputError&) {
              throw;
            } catch (const NetworkError& e) {
              if (inp_origins) throw io::with_inp_location(e, *inp_origins);
              if (!locate) throw;
              throw io::with_json_path(e, d);
            }
          },
          py::arg("definition"), py::arg("json_paths") = false, py::arg("inp_origins") = nullptr,
          "Validate and compile; with json_paths, errors name the JSON path of the field; with "
          "inp_origins (from read_epanet_inp_with_origins), the .inp file:line, EPANET field and "
          "file value.")
      .def_property_readonly("name", &Network::name)
      .def_property_readonly("node_count", &Network::node_count)
      .def_property_readonly("pipe_count", &Network::pipe_count)
      .def_property_readonly("source_count", &Network::source_count)
      .def_property_readonly("consumer_count", &Network::consumer_count)
      .def_property_readonly("pump_count", &Network::pump_count)
      .def_property_readonly("valve_count", &Network::valve_count)
      .def_property_readonly("component_count", &Network::component_count)
      .def("same_topology",
           [](const Network& a, const Network& b) {
             return a.shared_topology() == b.shared_topology();
           })
      .def("node_index", &Network::node_index)
      .def("pipe_index", &Network::pipe_index)
      .def("consumer_index", &Network::consumer_index)
      .def("source_index", &Network::source_index)
      .def("set_pipe_diameter", &Network::set_pipe_diameter, py::arg("pipe"),
           py::arg("diameter_m"))
      .def("set_pipe_roughness", &Network::set_pipe_roughness, py::arg("pipe"),
           py::arg("roughness_m"))
      .def("set_pipe_heat_loss", &Network::set_pipe_heat_loss, py::arg("pipe"),
           py::arg("heat_loss_W_mK"))
      .def("set_consumer_heat_demand", &Network::set_consumer_heat_demand, py::arg("consumer"),
           py::arg("heat_demand_W"))
      .def("set_consumer_mass_flow", &Network::set_consumer_mass_flow, py::arg("consumer"),
           py::arg("mass_flow_kg_s"))
      .def("set_consumer_return_temperature", &Network::set_consumer_return_temperature,
           py::arg("consumer"), py::arg("temperature_C"))
      .def("set_source_supply_temperature", &Network::set_source_supply_temperature,
           py::arg("source"), py::arg("temperature_C"))
      .def("set_source_pump_dp", &Network::set_source_pump_dp, py::arg("source"),
           py::arg("dp_Pa"))
      .def("set_ambient_temperature", &Network::set_ambient_temperature,
           py::arg("temperature_C"))
      .def("set_node_demand", &Network::set_node_demand, py::arg("node"),
           py::arg("demand_kg_s"))
      .def("set_node_elevation", &Network::set_node_elevation, py::arg("node"),
           py::arg("elevation_m"))
      .def("set_pipe_length", &Network::set_pipe_length, py::arg("pipe"), py::arg("length_m"))
      .def("set_pipe_minor_loss", &Network::set_pipe_minor_loss, py::arg("pipe"),
           py::arg("minor_loss"))
      .def("set_consumer_min_dp", &Network::set_consumer_min_dp, py::arg("consumer"),
           py::arg("min_dp_Pa"))
      .def("set_source_return_pressure", &Network::set_source_return_pressure,
           py::arg("source"), py::arg("pressure_Pa"));

  // ---- files ----
  m.def("read_network", &io::read_network, py::arg("path"),
        "Read a network file (.json; .inp once the EPANET importer lands) into a definition.");
  py::class_<io::InpSourceMap>(m, "InpSourceMap",
                               "Where each element of an imported .inp file came from (opaque).");
  m.def(
      "read_epanet_inp_with_origins",
      [](const std::filesystem::path& path) {
        auto origins = std::make_unique<io::InpSourceMap>();
        NetworkDefinition d = io::read_epanet_inp_with_origins(path, {}, *origins);
        return py::make_tuple(std::move(d), std::move(origins));
      },
      py::arg("path"), "Import an EPANET .inp file: (definition, origins for build errors).");
  m.def("write_network_json", &io::write_network_json, py::arg("definition"), py::arg("path"));
  m.def("sha256_hex",
        [](const py::bytes& b) { return io::sha256_hex(std::string_view(b)); },
        py::arg("data"), "SHA-256 (hex) of bytes, as the results' input_sha256 attribute.");
}

}  // namespace heatnet::python
