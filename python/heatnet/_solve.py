"""heatnet.solve: keyword options -> heatnet::SolverOptions, the GIL released during the solve."""
from __future__ import annotations

from typing import Any, Dict, Optional

from . import _heatnet as _c
from ._errors import ConvergenceError
from ._network import Network
from ._result import Result

__all__ = ["solve", "solver_options"]

_LIMITS = {"boiling_margin_bar": ("boiling_margin_Pa", 1e5),
           "max_pressure_bar": ("max_pressure_Pa", 1e5),
           "max_velocity_m_s": ("max_velocity_m_s", 1.0)}
_OPTIONS = ("friction", "tolerance", "tolerance_temperature_K", "max_iterations",
            "max_outer_iterations", "thermal", "backend", "limits")


def solver_options(friction: Optional[str] = None, tolerance: Optional[float] = None,
                   tolerance_temperature_K: Optional[float] = None,
                   max_iterations: Optional[int] = None,
                   max_outer_iterations: Optional[int] = None,
                   thermal: bool = True, backend: str = "automatic",
                   limits: Optional[Dict[str, float]] = None):
    """Build (and validate) the C++ SolverOptions; see :func:`solve` for the meaning."""
    o = _c.SolverOptions()
    o.friction = friction
    o.tolerance_mass_flow_rel = None if tolerance is None else float(tolerance)
    o.tolerance_temperature_K = (None if tolerance_temperature_K is None
                                 else float(tolerance_temperature_K))
    o.max_iterations = None if max_iterations is None else _int("max_iterations", max_iterations)
    if max_outer_iterations is not None:  # else the C++ default, as the CLI uses
        o.max_outer_iterations = _int("max_outer_iterations", max_outer_iterations)
    o.thermal = bool(thermal)
    o.backend = backend
    for key, value in (limits or {}).items():
        if key not in _LIMITS:
            raise TypeError(f"solve() got an unknown limit {key!r}; expected one of "
                            + ", ".join(_LIMITS))
        attr, factor = _LIMITS[key]
        setattr(o, attr, float(value) * factor)
    o.validate()
    return o


def _int(name: str, v: Any) -> int:
    if isinstance(v, bool) or int(v) != v:
        raise TypeError(f"solve() option {name!r} must be an integer, got {v!r}")
    return int(v)


def solve(network: Network, *, warm_start: bool = True, raise_on_failure: bool = True,
          **options) -> Result:
    """Solve the steady state of a network; the GIL is released while the C++ solver runs.

    Options (all optional; unknown names are a TypeError):

    friction: "colebrook" | "swamee_jain" | "hazen_williams" | "nikuradse" |
        "epanet_darcy_weisbach" (default: the network's settings).
    tolerance: Newton convergence on the relative mass-flow change (settings: mass_flow_rel).
    tolerance_temperature_K: outer thermal loop tolerance in K.
    max_iterations: Newton iterations per hydraulic solve; a coupled thermal solve takes one
        Newton step per outer iteration, and the bound then applies to those steps together.
    max_outer_iterations: thermal-hydraulic coupling iterations (default 800, as in the C++
        API and the command line).
    thermal: False for an isothermal solve at settings.temperature_C (default True).
    backend: "automatic" (from the factor's flops per nonzero: heatnet's own simplicial
        LDL^T for light, tree-like systems, else CHOLMOD simplicial or supernodal;
        ``report.backend`` names the one used: "simplicial_ldl", "cholmod_simplicial" or
        "cholmod_supernodal") | "cholmod_supernodal" | "cholmod_simplicial".
    limits: design checks, ``{"boiling_margin_bar": 0.5, "max_pressure_bar": 16.0,
        "max_velocity_m_s": 3.0}`` (defaults shown; bar are pressure differences/gauge).

    warm_start: True (default) solves with the network's cached Solver when the options are
        unchanged: same topology -> the symbolic factorisation is reused
        (``result.report.symbolic_reused``) and Newton starts from the last solution.
        False solves with a fresh Solver, as from scratch.
    raise_on_failure: True (default) raises :class:`heatnet.ConvergenceError` (with
        ``.report``) when the solve does not converge; False returns the unusable Result
        (``result.converged`` is False).

    Invalid networks raise :class:`heatnet.NetworkError` naming element and field.
    """
    unknown = [k for k in options if k not in _OPTIONS]
    if unknown:
        raise TypeError(f"solve() got an unexpected keyword argument {unknown[0]!r}")
    if not isinstance(network, Network):
        raise TypeError(f"solve() expects a heatnet.Network, got {type(network).__name__}")
    key = tuple(sorted((k, repr(v)) for k, v in options.items()))
    opts = solver_options(**options)
    with network._lock:
        compiled = network._compiled_network()
        if warm_start:
            if network._solver is None or network._solver_key != key:
                network._solver = _c.Solver(opts)
                network._solver_key = key
            cresult = network._solver.solve(compiled)
        else:
            cresult = _c.solve(compiled, opts)
        if network._sha256 is not None:
            cresult.input_sha256 = network._sha256
            pending = None
        else:
            # hashing the canonical JSON costs about as much as a re-solve of a mid-size
            # network: keep a copy of the definition and hash only when asked (to_hdf5)
            pending = _c.NetworkDefinition(network._def)
    result = Result(cresult)
    result._pending_definition = pending
    if raise_on_failure and not result.converged:
        report = result.report
        raise ConvergenceError("the solve did not converge: " + report.brief(), report=report,
                               result=result, element_kind="network",
                               element_id=network.name, reason=report.message or report.status)
    return result
