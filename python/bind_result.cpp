// Result: datasets exposed as read-only numpy views of the C++ buffers (no copy). The Result
// lives in a std::shared_ptr held by its Python object; every view's `base` is that object, so
// a view keeps the data alive after the Python Result is gone.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <memory>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "heatnet/io.hpp"
#include "heatnet/result.hpp"
#include "heatnet/version.hpp"

namespace heatnet::python {
namespace {

// A read-only [rows, cols] (or [rows] when cols < 0) view of `data` owned by `owner`.
template <class T>
py::array view(const py::object& owner, const T* data, std::size_t rows, py::ssize_t cols) {
  std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(rows)};
  std::vector<py::ssize_t> strides{static_cast<py::ssize_t>(sizeof(T))};
  if (cols >= 0) {
    shape.push_back(cols);
    strides = {static_cast<py::ssize_t>(cols * sizeof(T)), static_cast<py::ssize_t>(sizeof(T))};
  }
  // An empty vector may have no storage: any non-null address is fine for zero elements.
  static const T dummy{};
  const T* ptr = data ? data : &dummy;
  py::array a(py::dtype::of<T>(), shape, strides, const_cast<T*>(ptr), owner);
  a.attr("setflags")(py::arg("write") = false);  // numpy's public API: a read-only view
  return a;
}

ElementGroup group_of(const std::string& name) {
  for (int g = 0; g < kElementGroupCount; ++g)
    if (to_string(static_cast<ElementGroup>(g)) == name) return static_cast<ElementGroup>(g);
  throw Error(ErrorCode::unknown_reference, "result group", name, "", "",
              "no such element group; expected one of nodes, pipes, consumers, sources, pumps, "
              "valves, pressure_nodes");
}

py::dict summary_dict(const StepSummary& s) {
  py::dict d;
  d["heat_supplied_W"] = s.heat_supplied_W;
  d["heat_delivered_W"] = s.heat_delivered_W;
  d["heat_loss_W"] = s.heat_loss_W;
  d["pump_power_W"] = s.pump_power_W;
  d["min_pressure_Pa"] = s.min_pressure_Pa;
  d["min_pressure_node"] = s.min_pressure_node;
  d["max_pressure_Pa"] = s.max_pressure_Pa;
  d["max_pressure_node"] = s.max_pressure_node;
  d["max_velocity_m_s"] = s.max_velocity_m_s;
  d["max_velocity_pipe"] = s.max_velocity_pipe;
  d["min_consumer_dp_margin_Pa"] = s.min_consumer_dp_margin_Pa;
  d["critical_consumer"] = s.critical_consumer;
  d["under_supplied"] = s.under_supplied;
  d["heat_missing_W"] = s.heat_missing_W;
  d["worst_supplied_consumer"] = s.worst_supplied_consumer;
  d["worst_supply_ratio"] = s.worst_supply_ratio;
  d["min_boiling_margin_Pa"] = s.min_boiling_margin_Pa;
  d["min_boiling_margin_node"] = s.min_boiling_margin_node;
  d["max_mass_imbalance_kg_s"] = s.max_mass_imbalance_kg_s;
  d["energy_balance_rel"] = s.energy_balance_rel;
  d["failed_checks"] = s.failed_checks;
  return d;
}

}  // namespace

// Plain-Python form of a report (the Python layer wraps it in a picklable dataclass).
py::dict report_dict(const SolveReport& r) {
  py::dict d;
  d["status"] = std::string(to_string(r.status));
  d["message"] = r.message;
  d["converged"] = r.usable();
  d["iterations"] = r.iterations;
  d["outer_iterations"] = r.outer_iterations;
  d["factorisations"] = r.factorisations;
  d["max_flow_change_rel"] = r.max_flow_change_rel;
  d["max_mass_imbalance_kg_s"] = r.max_mass_imbalance_kg_s;
  d["max_temperature_change_K"] = r.max_temperature_change_K;
  d["backend"] = r.backend;
  d["symbolic_reused"] = r.symbolic_reused;
  d["factor_nonzeros"] = r.factor_nonzeros;
  d["factor_flops"] = r.factor_flops;
  py::dict t;
  t["analyse_s"] = r.timings.analyse_s;
  t["factorise_s"] = r.timings.factorise_s;
  t["linear_solve_s"] = r.timings.linear_solve_s;
  t["assemble_s"] = r.timings.assemble_s;
  t["thermal_s"] = r.timings.thermal_s;
  t["total_s"] = r.timings.total_s;
  d["timings"] = t;
  py::list history;
  for (const auto& h : r.history) {
    py::dict row;
    row["outer"] = h.outer;
    row["iteration"] = h.iteration;
    row["max_flow_change_rel"] = h.max_flow_change_rel;
    row["max_link_residual_Pa"] = h.max_link_residual_Pa;
    row["max_mass_imbalance_kg_s"] = h.max_mass_imbalance_kg_s;
    row["step_length"] = h.step_length;
    row["status_changes"] = h.status_changes;
    row["worst_node"] = h.worst_node;
    row["worst_link"] = h.worst_link;
    history.append(row);
  }
  d["history"] = history;
  py::list boundary;
  for (const auto& b : r.boundary_flows) {
    py::dict row;
    row["element_kind"] = b.element_kind;
    row["element_id"] = b.element_id;
    row["mass_flow_kg_s"] = b.mass_flow_kg_s;
    boundary.append(row);
  }
  d["boundary_flows"] = boundary;
  d["brief"] = r.brief();
  d["full"] = r.full();
  return d;
}

void bind_result(py::module_& m) {
  m.attr("RESULTS_FORMAT") = kResultsFormat;
  m.def("result_fields", [] {
    py::list out;
    for (const auto& f : kResultFields)
      out.append(py::make_tuple(std::string(to_string(f.group)), std::string(f.name),
                                std::string(f.unit), std::string(f.description)));
    return out;
  }, "(group, name, unit, description) of every result dataset (units.hpp registry).");

  py::class_<Result, std::shared_ptr<Result>>(m, "CResult",
                                              "C++ heatnet::Result (wrapped by heatnet.Result).")
      .def_property_readonly("steps", &Result::steps)
      .def_property_readonly("converged", &Result::converged)
      .def_property_readonly("complete", &Result::complete)
      .def_property_readonly("max_temperature_change_K", &Result::max_temperature_change_K)
      .def_readwrite("network_name", &Result::network_name)
      .def_readwrite("input_sha256", &Result::input_sha256)
      .def_readwrite("wall_time_s", &Result::wall_time_s)
      .def_property_readonly("has_report", [](const Result& r) { return !r.summaries().empty(); })
      .def("time",
           [](py::object self) {
             const auto& r = self.cast<const Result&>();
             return view(self, r.time().data(), r.time().size(), -1);
           })
      .def("iterations",
           [](py::object self) {
             const auto& r = self.cast<const Result&>();
             return view(self, r.iterations().data(), r.iterations().size(), -1);
           })
      .def("ids", [](const Result& r, const std::string& g) { return r.ids(group_of(g)); },
           py::arg("group"))
      .def("paths",
           [](const Result& r) {
             std::vector<std::string> out;
             for (const auto& d : r.datasets()) out.push_back(d.path);
             return out;
           })
      .def("unit", [](const Result& r, const std::string& p) { return r.dataset(p).unit; },
           py::arg("path"))
      .def(
          "array",
          [](py::object self, const std::string& path) {
            const Dataset& d = self.cast<const Result&>().dataset(path);
            return view(self, d.data.data(), d.steps, static_cast<py::ssize_t>(d.count));
          },
          py::arg("path"), "Read-only [time, element] view of a dataset (no copy).")
      .def("checks",
           [](const Result& r) {
             const auto& c = r.checks();
             std::vector<int> t;
             std::vector<std::string> kind, id, check;
             std::vector<double> value, limit;
             for (const auto& x : c) {
               t.push_back(x.time_index);
               kind.push_back(x.element_kind);
               id.push_back(x.element_id);
               check.push_back(x.check);
               value.push_back(x.value);
               limit.push_back(x.limit);
             }
             py::dict d;
             d["time_index"] = t;
             d["element_kind"] = kind;
             d["element_id"] = id;
             d["check"] = check;
             d["value"] = value;
             d["limit"] = limit;
             return d;
           },
           "The failed design checks as columns (SI values).")
      .def("summaries",
           [](const Result& r) {
             py::list out;
             for (const auto& s : r.summaries()) out.append(summary_dict(s));
             return out;
           })
      .def("report", [](const Result& r) { return report_dict(r.report()); })
      .def(
          "write_hdf5",
          [](const Result& r, const std::filesystem::path& path, int gzip_level,
             std::size_t chunk_steps, bool sync) {
            py::gil_scoped_release release;
            io::write_results(r, path, io::ResultsFileOptions{gzip_level, chunk_steps, sync});
          },
          py::arg("path"), py::arg("gzip_level") = 0, py::arg("chunk_steps") = 64,
          py::arg("sync") = false)
      .def_static(
          "read_hdf5",
          [](const std::filesystem::path& path) {
            std::shared_ptr<Result> r;
            {
              py::gil_scoped_release release;
              r = std::make_shared<Result>(io::read_results(path));
            }
            return r;
          },
          py::arg("path"));
}

}  // namespace heatnet::python
