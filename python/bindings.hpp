// Shared declarations of the heatnet Python bindings (one bind_*.cpp per area).
// Bindings only: conversions between Python and the public C++ API, no model logic.
#pragma once
#include <pybind11/pybind11.h>

#include "heatnet/errors.hpp"
#include "heatnet/solve_report.hpp"

namespace py = pybind11;

namespace heatnet::python {

void bind_errors(py::module_& m);   // heatnet.Error hierarchy + exception translation
void bind_network(py::module_& m);  // NetworkDefinition (editable) and compiled Network
void bind_result(py::module_& m);   // Result (zero-copy numpy views), SolveReport, io results
void bind_solve(py::module_& m);    // SolverOptions, Solver (GIL released), heatnet::solve
void bind_simulate(py::module_& m); // Profiles, heatnet::simulate (GIL released per run)

// Python exception instance of the right heatnet class for a C++ error (needs the GIL).
py::object to_python_error(const Error& error);

// Plain-Python (dict) form of a SolveReport, wrapped by heatnet.SolveReport.
py::dict report_dict(const SolveReport& report);

}  // namespace heatnet::python
