// NetworkDefinition (the editable, JSON-named description) and the compiled Network.
// Element lists are reached through copy-in/copy-out accessors (add_pipe / get_pipe /
// set_pipe ...), never as live references into a std::vector, so no Python object can
// dangle after a list grows.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <memory>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "bindings.hpp"
#include "heatnet/io.hpp"
#include "heatnet/network.hpp"
#include "heatnet/network_schema.hpp"
#include "heatnet/version.hpp"
#include "io/epanet_locate.hpp"
#include "io/json_locate.hpp"
#include "io/text_file.hpp"

namespace heatnet::python {
namespace {

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

// Python attribute name of a JSON key ("from" is a Python keyword).
std::string attribute(std::string_view key) {
  return key == "from" ? "from_" : std::string(key);
}

// One read-write attribute per field of `fields` (object-valued fields are bound by hand).
// Choices read and write their names; an unknown name is an InputError naming kind and field.
template <class Def>
void bind_fields(py::class_<Def>& cls, const char* kind, schema::Fields<Def> fields,
                 const std::string& prefix = "") {
  for (const auto& field : fields) {
    const std::string name = prefix + attribute(field.key);
    std::visit(
        [&](const auto& m) {
          using M = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<M, std::monostate>) {
            // bound by the caller (fluid, tolerance, pump)
          } else if constexpr (std::is_same_v<M, schema::Choice<Def>>) {
            const std::string key(field.key);
            cls.def_property(
                name.c_str(), [m](const Def& d) { return std::string(m.get(d)); },
                [m, kind, key](Def& d, const std::string& v) {
                  if (!m.set(d, v))
                    throw InputError(ErrorCode::invalid_value, kind, "", key, "'" + v + "'",
                                     "unknown value; expected one of " + std::string(m.names));
                });
          } else {
            cls.def_readwrite(name.c_str(), m);
          }
        },
        field.member);
  }
}

template <class Def>
py::list rows(schema::Fields<Def> fields) {
  py::list out;
  for (const auto& f : fields) {
    py::dict row;
    row["key"] = std::string(f.key);
    row["type"] = std::string(to_string(schema::type_of(f)));
    row["presence"] = std::string(to_string(f.presence));
    row["to_si"] = f.to_si;
    row["setter"] = f.setter != nullptr;
    row["extension"] = f.extension;
    row["unless"] = std::string(f.unless);
    row["only_for"] = std::string(f.only_for);
    if (const auto* c = std::get_if<schema::Choice<Def>>(&f.member))
      row["choices"] = std::string(c->names);
    else
      row["choices"] = "";
    out.append(std::move(row));
  }
  return out;
}

py::list schema_rows(const std::string& object) {
  if (object == "nodes") return rows(schema::node_fields());
  if (object == "pipes") return rows(schema::pipe_fields());
  if (object == "pressure_nodes") return rows(schema::pressure_node_fields());
  if (object == "sources") return rows(schema::source_fields());
  if (object == "source_pump") return rows(schema::source_pump_fields());
  if (object == "consumers") return rows(schema::consumer_fields());
  if (object == "pumps") return rows(schema::pump_fields());
  if (object == "valves") return rows(schema::valve_fields());
  if (object == "settings") return rows(schema::settings_fields());
  if (object == "fluid") return rows(schema::fluid_fields());
  if (object == "tolerance") return rows(schema::tolerance_fields());
  throw py::value_error("unknown schema object '" + object + "'");
}

// The compiled-network setter of field `key` of an element list ("pump.dp_bar" for a source's
// pump), called with the value in the file's unit.
template <class Def>
bool call_setter(schema::Fields<Def> fields, std::string_view key, Network& net, int i,
                 double value) {
  const auto* f = schema::find(fields, key);
  if (!f || !f->setter) return false;
  (net.*(f->setter))(i, value * f->to_si);
  return true;
}

void set_value(Network& net, const std::string& object, const std::string& key, int i,
               double value) {
  bool done = false;
  if (object == "nodes") done = call_setter(schema::node_fields(), key, net, i, value);
  if (object == "pipes") done = call_setter(schema::pipe_fields(), key, net, i, value);
  if (object == "consumers") done = call_setter(schema::consumer_fields(), key, net, i, value);
  if (object == "sources")
    done = key.rfind("pump.", 0) == 0
               ? call_setter(schema::source_pump_fields(), key.substr(5), net, i, value)
               : call_setter(schema::source_fields(), key, net, i, value);
  if (!done) throw py::value_error(object + "." + key + " has no topology-keeping setter");
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

  // ---- definition structs: one attribute per schema field (heatnet/network_schema.hpp),
  // named like the JSON key ("from" is from_), units in the names ----
  auto fluid = py::class_<FluidDefinition>(m, "FluidDefinition").def(py::init<>());
  fluid.def_readwrite("is_water", &FluidDefinition::is_water);
  bind_fields(fluid, "settings", schema::fluid_fields());
  auto settings = py::class_<SettingsDefinition>(m, "SettingsDefinition").def(py::init<>());
  settings.def_readwrite("fluid", &SettingsDefinition::fluid);
  bind_fields(settings, "settings", schema::settings_fields());
  bind_fields(settings, "settings", schema::tolerance_fields(), "tolerance_");
  auto node = py::class_<NodeDefinition>(m, "NodeDefinition").def(py::init<>());
  bind_fields(node, "node", schema::node_fields());
  auto pipe = py::class_<PipeDefinition>(m, "PipeDefinition").def(py::init<>());
  bind_fields(pipe, "pipe", schema::pipe_fields());
  auto pressure_node =
      py::class_<PressureNodeDefinition>(m, "PressureNodeDefinition").def(py::init<>());
  bind_fields(pressure_node, "pressure_node", schema::pressure_node_fields());
  auto source_pump =
      py::class_<SourcePumpDefinition>(m, "SourcePumpDefinition").def(py::init<>());
  bind_fields(source_pump, "source pump", schema::source_pump_fields());
  auto source = py::class_<SourceDefinition>(m, "SourceDefinition").def(py::init<>());
  source.def_readwrite("pump", &SourceDefinition::pump);
  bind_fields(source, "source", schema::source_fields());
  auto consumer = py::class_<ConsumerDefinition>(m, "ConsumerDefinition").def(py::init<>());
  bind_fields(consumer, "consumer", schema::consumer_fields());
  auto pump = py::class_<PumpDefinition>(m, "PumpDefinition").def(py::init<>());
  bind_fields(pump, "pump", schema::pump_fields());
  auto valve = py::class_<ValveDefinition>(m, "ValveDefinition").def(py::init<>());
  bind_fields(valve, "valve", schema::valve_fields());

  // The schema itself, for the Python layer's argument checks and tables (_network.py).
  m.def("schema_fields", &schema_rows, py::arg("object"),
        "The schema of one object of heatnet-network/1 ('nodes', 'pipes', ..., 'settings', "
        "'fluid', 'tolerance', 'source_pump'): a list of dicts with key, type, presence, "
        "to_si, setter (bool), extension, unless, only_for, choices.");

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
      .def("same_topology", &Network::same_topology)
      .def("set_value", &set_value, py::arg("object"), py::arg("key"), py::arg("index"),
           py::arg("value"),
           "Change a field that keeps the topology (schema setter), value in the file's unit.")
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
        NetworkDefinition d = io::parse_epanet_inp_with_origins(
            io::json_detail::read_file_bytes(path), path.string(), {}, *origins);
        return py::make_tuple(std::move(d), std::move(origins));
      },
      py::arg("path"), "Import an EPANET .inp file: (definition, origins for build errors).");
  m.def("write_network_json", &io::write_network_json, py::arg("definition"), py::arg("path"));
  m.def("sha256_hex",
        [](const py::bytes& b) { return io::sha256_hex(std::string_view(b)); },
        py::arg("data"), "SHA-256 (hex) of bytes, as the results' input_sha256 attribute.");
}

}  // namespace heatnet::python
