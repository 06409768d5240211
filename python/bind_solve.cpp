// SolverOptions, Solver and heatnet::solve. The GIL is released during every solve; a Solver
// must not be used from two threads at once (the Python layer holds a lock per Network).
#include <pybind11/stl.h>

#include <chrono>
#include <memory>
#include <string>

#include "bindings.hpp"
#include "heatnet/solve.hpp"

namespace heatnet::python {
namespace {

std::shared_ptr<Result> solve_once(Solver& solver, const Network& network) {
  const auto t0 = std::chrono::steady_clock::now();
  Solution s = solver.solve(network);
  auto result = std::make_shared<Result>(network);
  result->append(0.0, std::move(s), solver.report());
  result->wall_time_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace

void bind_solve(py::module_& m) {
  py::class_<SolverOptions>(m, "SolverOptions",
                            "heatnet::SolverOptions (SI); heatnet.solve maps keywords onto it.")
      .def(py::init<>())
      .def(py::init<const SolverOptions&>())
      .def_property(
          "friction",
          [](const SolverOptions& o) -> py::object {
            if (!o.friction) return py::none();
            return py::str(std::string(to_string(*o.friction)));
          },
          [](SolverOptions& o, const py::object& v) {
            if (v.is_none()) {
              o.friction.reset();
              return;
            }
            const auto name = v.cast<std::string>();
            auto f = parse_friction_model(name);
            if (!f)
              throw InputError(ErrorCode::invalid_value, "solver options", "", "friction",
                               "'" + name + "'",
                               "unknown friction model; expected one of colebrook, swamee_jain, "
                               "hazen_williams, nikuradse, epanet_darcy_weisbach");
            o.friction = *f;
          })
      .def_readwrite("tolerance_mass_flow_rel", &SolverOptions::tolerance_mass_flow_rel)
      .def_readwrite("tolerance_temperature_K", &SolverOptions::tolerance_temperature_K)
      .def_readwrite("max_iterations", &SolverOptions::max_iterations)
      .def_readwrite("max_outer_iterations", &SolverOptions::max_outer_iterations)
      .def_readwrite("thermal", &SolverOptions::thermal)
      .def_property(
          "backend", [](const SolverOptions& o) { return std::string(to_string(o.backend)); },
          [](SolverOptions& o, const std::string& name) {
            auto b = parse_linear_backend(name);
            if (!b)
              throw InputError(ErrorCode::invalid_value, "solver options", "", "backend",
                               "'" + name + "'",
                               "unknown linear backend; expected one of automatic, "
                               "cholmod_supernodal, cholmod_simplicial");
            o.backend = *b;
          })
      .def_readwrite("warm_start", &SolverOptions::warm_start)
      .def_property(
          "boiling_margin_Pa", [](const SolverOptions& o) { return o.limits.boiling_margin_Pa; },
          [](SolverOptions& o, double v) { o.limits.boiling_margin_Pa = v; })
      .def_property(
          "max_pressure_Pa", [](const SolverOptions& o) { return o.limits.max_pressure_Pa; },
          [](SolverOptions& o, double v) { o.limits.max_pressure_Pa = v; })
      .def_property(
          "max_velocity_m_s", [](const SolverOptions& o) { return o.limits.max_velocity_m_s; },
          [](SolverOptions& o, double v) { o.limits.max_velocity_m_s = v; })
      .def("validate", &SolverOptions::validate);

  py::class_<Solver>(m, "Solver",
                     "heatnet::Solver: caches the symbolic factorisation of a topology and the "
                     "last state (warm start). Not for concurrent use from several threads.")
      .def(py::init<SolverOptions>(), py::arg("options") = SolverOptions{})
      .def_property_readonly("options", &Solver::options)
      .def("set_options", &Solver::set_options, py::arg("options"))
      .def(
          "solve",
          [](Solver& solver, const Network& network) {
            py::gil_scoped_release release;
            return solve_once(solver, network);
          },
          py::arg("network"), "One steady solve into a Result (the GIL is released).")
      .def("report", [](const Solver& s) { return report_dict(s.report()); })
      .def("reset_state", &Solver::reset_state);

  m.def(
      "solve",
      [](const Network& network, const SolverOptions& options) {
        py::gil_scoped_release release;
        return std::make_shared<Result>(heatnet::solve(network, options));
      },
      py::arg("network"), py::arg("options") = SolverOptions{},
      "heatnet::solve: one steady solve with a fresh Solver (the GIL is released).");
}

}  // namespace heatnet::python
