// heatnet::simulate and the profiles documents. The GIL is released for the whole run and
// re-acquired only in the per-step callback, which also runs Python's signal handlers: a
// KeyboardInterrupt (Ctrl-C) or any exception raised by the user's callback makes the callback
// return false, so the run stops after that step, the results file is committed with
// complete = 0, and the exception is raised again once simulate() has returned.
#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <cmath>
#include <memory>
#include <optional>
#include <string>

#include "bindings.hpp"
#include "heatnet/profiles.hpp"
#include "heatnet/simulate.hpp"

namespace heatnet::python {
namespace {

py::dict summary_to_dict(const SimulationSummary& s) {
  py::dict d;
  d["steps_planned"] = s.steps_planned;
  d["steps_done"] = s.steps_done;
  d["failed_steps"] = s.failed_steps;
  d["complete"] = s.complete;
  d["stopped"] = s.stopped;
  d["stopped_on_failure"] = s.stopped_on_failure;
  d["hours"] = s.hours;
  d["heat_supplied_MWh"] = s.heat_supplied_MWh;
  d["heat_delivered_MWh"] = s.heat_delivered_MWh;
  d["heat_loss_MWh"] = s.heat_loss_MWh;
  d["heat_loss_percent"] = s.heat_loss_percent;
  d["pump_energy_MWh"] = s.pump_energy_MWh;
  d["hours_with_failed_checks"] = s.hours_with_failed_checks;
  d["steps_with_failed_checks"] = s.steps_with_failed_checks;
  d["peak_heat_delivered_W"] = s.peak_heat_delivered_W;
  d["min_outdoor_temperature_C"] = s.min_outdoor_temperature_C;
  d["thermal_model"] = std::string(to_string(s.thermal_model));
  d["heat_stored_change_MWh"] = s.heat_stored_change_MWh;
  d["boundary_heat_MWh"] = s.boundary_heat_MWh;
  d["max_energy_balance_rel"] = s.max_energy_balance_rel;
  d["wall_time_s"] = s.wall_time_s;
  d["apply_s"] = s.apply_s;
  d["solve_s"] = s.solve_s;
  d["write_s"] = s.write_s;
  d["total_iterations"] = s.total_iterations;
  d["brief"] = s.brief();
  d["full"] = s.full();
  return d;
}

py::object arrival_to_dict(const std::optional<StepArrival>& a, const Network& net) {
  if (!a) return py::none();
  py::dict d;
  py::list ids;
  for (int i = 0; i < net.consumer_count(); ++i) ids.append(net.consumer_id(i));
  d["consumer_ids"] = ids;
  d["step"] = a->step;
  d["step_time_s"] = a->step_time_s;
  d["source"] = a->source;
  d["step_K"] = a->step_K;
  d["delay_s"] = a->delay_s;
  d["arrived"] = a->arrived;
  d["min_s"] = a->min_s;
  d["median_s"] = a->median_s;
  d["max_s"] = a->max_s;
  return d;
}

template <class E>
E parse_enum(const std::string& field, const std::string& value, std::optional<E> parsed,
             const char* expected) {
  if (!parsed)
    throw InputError(ErrorCode::invalid_value, "simulation options", "", field, "'" + value + "'",
                     std::string("expected one of ") + expected);
  return *parsed;
}

}  // namespace

void bind_simulate(py::module_& m) {
  py::class_<Profiles, std::shared_ptr<Profiles>>(
      m, "CProfiles", "heatnet::Profiles (format heatnet-profiles/1; wrapped by heatnet.simulate)")
      .def_property_readonly("steps", &Profiles::steps)
      .def_property_readonly("time_h", [](const Profiles& p) { return p.time_h; })
      .def_property_readonly("source_name", [](const Profiles& p) { return p.source_name; })
      .def("columns",
           [](const Profiles& p) {
             std::vector<std::string> out;
             for (const auto& s : p.series) out.push_back(s.name());
             return out;
           })
      .def("schedules", [](const Profiles& p) {
        std::vector<std::string> out;
        for (const auto& s : p.schedules) out.push_back(s.name());
        return out;
      });
  m.def(
      "read_profiles",
      [](const std::filesystem::path& path) {
        return std::make_shared<Profiles>(io::read_profiles(path));
      },
      py::arg("path"), "A profiles file (.csv or .json, heatnet-profiles/1).");
  m.def(
      "parse_profiles_csv",
      [](const std::string& text, const std::string& name) {
        return std::make_shared<Profiles>(io::parse_profiles_csv(text, name));
      },
      py::arg("text"), py::arg("source_name") = "<csv>");
  m.def(
      "parse_profiles_json",
      [](const std::string& text, const std::string& name, const std::filesystem::path& base) {
        return std::make_shared<Profiles>(io::parse_profiles_json(text, name, base));
      },
      py::arg("text"), py::arg("source_name") = "<json>", py::arg("base_dir") = std::filesystem::path{});

  m.def(
      "simulate",
      [](const Network& network, const Profiles& profiles, const SolverOptions& solver,
         std::optional<std::filesystem::path> output, const std::string& thermal_model,
         std::size_t max_steps, const std::string& on_failure, int max_consecutive_failures,
         bool keep_result, int gzip_level, std::size_t chunk_steps, int max_parcels_per_pipe,
         double arrival_min_step_K, std::optional<double> default_temperature_tolerance_K,
         const std::string& input_sha256, py::object callback) {
        SimulationOptions o;
        o.solver = solver;
        o.output = std::move(output);
        o.thermal_model = parse_enum("thermal_model", thermal_model, parse_thermal_model(thermal_model),
                                     "quasi_static, plug_flow");
        o.max_steps = max_steps;
        o.on_failure = parse_enum("on_failure", on_failure, parse_on_step_failure(on_failure),
                                  "continue, stop");
        o.max_consecutive_failures = max_consecutive_failures;
        o.keep_result = keep_result;
        o.file.gzip_level = gzip_level;
        o.file.chunk_steps = chunk_steps;
        o.max_parcels_per_pipe = max_parcels_per_pipe;
        o.arrival_min_step_K = arrival_min_step_K;
        if (default_temperature_tolerance_K)
          o.default_temperature_tolerance_K = *default_temperature_tolerance_K;
        o.input_sha256 = input_sha256;

        // The first Python exception raised in the callback (KeyboardInterrupt included).
        std::optional<py::error_already_set> pending;
        auto step_callback = [&](const StepInfo& s) -> bool {
          py::gil_scoped_acquire acquire;
          try {
            if (PyErr_CheckSignals() != 0) throw py::error_already_set();
            if (callback.is_none()) return true;
            py::dict info;
            info["step"] = s.step;
            info["total"] = s.total;
            info["time_s"] = s.time_s;
            info["status"] = std::string(to_string(s.report->status));
            info["converged"] = s.report->usable();
            info["iterations"] = s.report->iterations;
            info["heat_supplied_W"] = s.solution->summary.heat_supplied_W;
            info["heat_delivered_W"] = s.solution->summary.heat_delivered_W;
            info["heat_loss_W"] = s.solution->summary.heat_loss_W;
            const py::object r = callback(info);
            return r.is_none() || r.cast<bool>();
          } catch (py::error_already_set& e) {
            pending.emplace(std::move(e));
            return false;
          }
        };

        SimulationResult r;
        {
          py::gil_scoped_release release;
          r = simulate(network, profiles, o, step_callback);
        }
        if (pending) throw std::move(*pending);
        py::dict out;
        out["summary"] = summary_to_dict(r.summary);
        std::vector<int> status;
        status.reserve(r.step_status.size());
        for (SolveStatus s : r.step_status) status.push_back(static_cast<int>(s));
        out["step_status"] = status;
        out["step_arrival"] = arrival_to_dict(r.step_arrival, network);
        if (r.result)
          out["result"] = std::make_shared<Result>(std::move(*r.result));
        else
          out["result"] = py::none();
        return out;
      },
      py::arg("network"), py::arg("profiles"), py::arg("solver"), py::arg("output"),
      py::arg("thermal_model"), py::arg("max_steps"), py::arg("on_failure"),
      py::arg("max_consecutive_failures"), py::arg("keep_result"), py::arg("gzip_level"),
      py::arg("chunk_steps"), py::arg("max_parcels_per_pipe"), py::arg("arrival_min_step_K"),
      py::arg("default_temperature_tolerance_K"), py::arg("input_sha256"), py::arg("callback"),
      "heatnet::simulate (GIL released; the callback runs with the GIL). Returns a dict: "
      "summary, step_status, step_arrival, result (a CResult when keep_result).");
}

}  // namespace heatnet::python
