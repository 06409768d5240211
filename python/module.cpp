// heatnet._heatnet: the compiled part of the `heatnet` Python package. Bindings only; the
// user-facing API (heatnet.Network, heatnet.solve, heatnet.Result) is in python/heatnet/.
#include "bindings.hpp"
#include "heatnet/version.hpp"

PYBIND11_MODULE(_heatnet, m) {
  m.doc() = "heatnet C++ bindings (use the `heatnet` package, not this module directly)";
  m.attr("__version__") = heatnet::kVersion;
  heatnet::python::bind_errors(m);
  heatnet::python::bind_network(m);
  heatnet::python::bind_result(m);
  heatnet::python::bind_solve(m);
  heatnet::python::bind_simulate(m);
}
