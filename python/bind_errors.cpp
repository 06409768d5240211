// heatnet::Error and subclasses -> heatnet.Error / NetworkError / InputError / IoError.
// The classes are defined in Python (heatnet/_errors.py: docstrings, pickling, multiple
// inheritance from ValueError/OSError); this file only translates, keeping the C++ message
// and the attributes code, element_kind, element_id, field, value, reason, path.
#include <array>
#include <string>

#include "bindings.hpp"

namespace heatnet::python {
namespace {

// Strong references kept for the life of the process (never released: the translator can run
// during interpreter shutdown and must not touch a destroyed object).
PyObject* g_error = nullptr;
PyObject* g_network_error = nullptr;
PyObject* g_input_error = nullptr;
PyObject* g_io_error = nullptr;

constexpr std::array kCodes = {
    ErrorCode::invalid_value,    ErrorCode::missing_field,         ErrorCode::unknown_field,
    ErrorCode::wrong_type,       ErrorCode::duplicate_id,          ErrorCode::unknown_reference,
    ErrorCode::no_pressure_reference, ErrorCode::conflicting_boundary, ErrorCode::out_of_range,
    ErrorCode::parse_error,      ErrorCode::io_error,              ErrorCode::unsupported,
    ErrorCode::solve_failed,
};

ErrorCode parse_code(const std::string& s) {
  for (ErrorCode c : kCodes)
    if (to_string(c) == s) return c;
  throw py::value_error("unknown heatnet error code '" + s + "'");
}

PyObject* class_of(const Error& e) {
  if (dynamic_cast<const IoError*>(&e)) return g_io_error;
  if (dynamic_cast<const InputError*>(&e)) return g_input_error;
  if (dynamic_cast<const NetworkError*>(&e)) return g_network_error;
  return g_error;
}

}  // namespace

py::object to_python_error(const Error& e) {
  py::handle cls(class_of(e));
  return cls(py::str(e.what()), py::arg("code") = std::string(to_string(e.code())),
             py::arg("element_kind") = e.element_kind(), py::arg("element_id") = e.element_id(),
             py::arg("field") = e.field(), py::arg("value") = e.value(),
             py::arg("reason") = e.reason(), py::arg("path") = e.path());
}

void bind_errors(py::module_& m) {
  py::module_ errors = py::module_::import("heatnet._errors");
  auto keep = [&](const char* name) {
    py::object cls = errors.attr(name);
    return cls.release().ptr();  // intentionally leaked reference (see above)
  };
  g_error = keep("Error");
  g_network_error = keep("NetworkError");
  g_input_error = keep("InputError");
  g_io_error = keep("IoError");

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      py::object instance;
      try {
        instance = to_python_error(e);
      } catch (py::error_already_set& inner) {
        inner.restore();  // building the exception failed: report that instead
        return;
      }
      PyErr_SetObject(class_of(e), instance.ptr());
    }
  });

  m.def(
      "_make_error",
      [](const std::string& cls, const std::string& code, std::string element_kind,
         std::string element_id, std::string field, std::string value, std::string reason,
         std::string path) -> py::object {
        const ErrorCode c = parse_code(code);
        if (cls == "Error")
          return to_python_error(Error(c, std::move(element_kind), std::move(element_id),
                                       std::move(field), std::move(value), std::move(reason),
                                       std::move(path)));
        if (cls == "NetworkError")
          return to_python_error(NetworkError(c, std::move(element_kind), std::move(element_id),
                                              std::move(field), std::move(value),
                                              std::move(reason), std::move(path)));
        if (cls == "InputError")
          return to_python_error(InputError(c, std::move(element_kind), std::move(element_id),
                                            std::move(field), std::move(value), std::move(reason),
                                            std::move(path)));
        if (cls == "IoError")
          return to_python_error(IoError(c, std::move(element_kind), std::move(element_id),
                                         std::move(field), std::move(value), std::move(reason),
                                         std::move(path)));
        throw py::value_error("unknown heatnet error class '" + cls + "'");
      },
      py::arg("cls"), py::arg("code"), py::arg("element_kind") = "", py::arg("element_id") = "",
      py::arg("field") = "", py::arg("value") = "", py::arg("reason") = "", py::arg("path") = "",
      "Build a heatnet exception the way the C++ library does (same message composition).");

  m.def("format_value", &format_value, py::arg("value"),
        "A number as error messages show it (shortest round-trip form).");
}

}  // namespace heatnet::python
