"""heatnet exceptions.

Invalid input is an exception (the solve could not run); non-convergence is a status in the
C++ library and :class:`ConvergenceError` here. Every error carries the attributes of the C++
``heatnet::Error`` so a program can find the offending element without parsing the message:

``code``
    one of ``invalid_value``, ``missing_field``, ``unknown_field``, ``wrong_type``,
    ``duplicate_id``, ``unknown_reference``, ``no_pressure_reference``,
    ``conflicting_boundary``, ``out_of_range``, ``parse_error``, ``io_error``,
    ``unsupported``, ``solve_failed``
``element_kind``, ``element_id``
    e.g. ``"pipe"``, ``"P17"``
``field``, ``value``
    the field (JSON key) and the offending value as text
``reason``
    the rule that was broken
``path``
    JSON path (``pipes[17].length_m``) or file name, when known

The message (``str(e)``) is exactly the C++ ``what()``.
"""

__all__ = ["Error", "NetworkError", "InputError", "IoError", "ConvergenceError"]

_ATTRS = ("code", "element_kind", "element_id", "field", "value", "reason", "path")


def _rebuild(cls, message, attrs):
    return cls(message, **attrs)


class Error(Exception):
    """Base class of every heatnet error (C++ ``heatnet::Error``)."""

    def __init__(self, message="", *, code="", element_kind="", element_id="", field="",
                 value="", reason="", path=""):
        super().__init__(message)
        self.code = code
        self.element_kind = element_kind
        self.element_id = element_id
        self.field = field
        self.value = value
        self.reason = reason
        self.path = path

    def __str__(self):
        return str(self.args[0]) if self.args else ""

    def _attrs(self):
        return {k: getattr(self, k) for k in _ATTRS}

    def __reduce__(self):
        return (_rebuild, (type(self), str(self), self._attrs()))


class NetworkError(Error, ValueError):
    """The network breaks a model rule (bad value, dangling reference, no pressure reference)."""


class InputError(NetworkError):
    """The input could not be read into a network (syntax, types, unknown or missing keys)."""


class IoError(Error, OSError):
    """Reading or writing a file failed at the operating-system or HDF5 level."""

    def __str__(self):  # OSError formats errno/filename; keep the heatnet message
        return str(self.args[0]) if self.args else ""


class ConvergenceError(Error, RuntimeError):
    """The solver ran but produced no usable answer.

    ``report`` is the :class:`heatnet.SolveReport` with the iteration history (worst node and
    link of every iteration); ``result`` the unusable :class:`heatnet.Result` (for diagnosis).
    """

    def __init__(self, message="", *, report=None, result=None, code="solve_failed", **attrs):
        super().__init__(message, code=code, **attrs)
        self.report = report
        self.result = result

    def __reduce__(self):
        attrs = self._attrs()
        attrs["report"] = self.report  # the result (C++ buffers) is not shipped
        return (_rebuild, (type(self), str(self), attrs))
