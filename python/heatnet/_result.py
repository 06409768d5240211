"""heatnet.Result and heatnet.SolveReport."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import numpy as np

from . import _heatnet as _c

__all__ = ["Result", "SolveReport", "read_results", "RESULT_FIELDS", "GROUPS"]

#: (group, name, unit, description) of every result dataset, from the C++ registry (units.hpp)
RESULT_FIELDS = [tuple(f) for f in _c.result_fields()]
GROUPS = ("nodes", "pipes", "consumers", "sources", "pumps", "valves", "pressure_nodes")


@dataclass(frozen=True)
class SolveReport:
    """What happened in a solve (C++ ``heatnet::SolveReport``).

    ``status`` is one of converged, max_iterations, outer_not_converged, invalid_solution,
    numerical_failure; ``history`` lists one dict per Newton iteration (outer, iteration,
    max_flow_change_rel, max_link_residual_Pa, max_mass_imbalance_kg_s, step_length,
    status_changes, worst_node, worst_link); ``timings`` the seconds spent in analyse_s,
    factorise_s, linear_solve_s, assemble_s, thermal_s, total_s; ``backend`` the linear solver
    actually used; ``symbolic_reused`` whether the symbolic factorisation of an earlier solve
    of the same topology was reused.
    """

    status: str
    message: str
    converged: bool
    iterations: int
    outer_iterations: int
    #: numeric factorisations of the pressure system (Newton steps that solved a linear system)
    factorisations: int
    max_flow_change_rel: float
    max_mass_imbalance_kg_s: float
    max_temperature_change_K: float
    backend: str
    symbolic_reused: bool
    #: the pressure system's factor: nonzeros of L and the floating-point operations of one
    #: numeric factorisation (0 where there is no system to factorise)
    factor_nonzeros: float = 0.0
    factor_flops: float = 0.0
    timings: Dict[str, float] = field(default_factory=dict)
    history: List[Dict[str, Any]] = field(default_factory=list)
    #: water entering (+) / leaving (-) where pressure is held, beyond round-off: one dict per
    #: source return node (make-up / spill) or pressure node (element_kind, element_id,
    #: mass_flow_kg_s); mass and energy close over them
    boundary_flows: List[Dict[str, Any]] = field(default_factory=list)
    brief_text: str = ""
    full_text: str = ""

    @classmethod
    def _from_dict(cls, d: Dict[str, Any]) -> "SolveReport":
        d = dict(d)
        d["brief_text"] = d.pop("brief")
        d["full_text"] = d.pop("full")
        return cls(**d)

    @property
    def usable(self) -> bool:
        return self.converged

    @property
    def residual_history(self) -> List[float]:
        """max_flow_change_rel of every Newton iteration."""
        return [h["max_flow_change_rel"] for h in self.history]

    def brief(self) -> str:
        """One line: status, iterations, flow change, imbalance, time."""
        return self.brief_text

    def full(self) -> str:
        """Brief line, boundary flows (when any), backend, timings and the iteration history
        table."""
        return self.full_text

    def history_table(self):
        """The iteration history as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.history, columns=[
            "outer", "iteration", "max_flow_change_rel", "max_link_residual_Pa",
            "max_mass_imbalance_kg_s", "step_length", "status_changes", "worst_node",
            "worst_link"])

    def __str__(self) -> str:
        return self.brief_text

    def __repr__(self) -> str:
        return f"<heatnet.SolveReport {self.brief_text}>"


class Result:
    """Results of a solve (or read from a ``heatnet-results/1`` file).

    ``result["pipes/mass_flow"]`` is the ``[time, element]`` float64 array of a dataset (any
    path of the results spec), a read-only view of the C++ buffer without copy; its ``base``
    keeps the data alive after the Result is gone. Values are SI: Pa (gauge), degC, kg/s, W,
    m, m/s (see :data:`RESULT_FIELDS` and :meth:`unit`). Element order is :meth:`ids`.
    """

    def __init__(self, cresult):
        if not isinstance(cresult, _c.CResult):
            raise TypeError("heatnet.Result is made by heatnet.solve or heatnet.read_results")
        self._r = cresult
        self._pending_definition = None  # set by solve: hash it for input_sha256 on demand
        self._source_path = None  # the results file it was read from

    def _fill_sha256(self) -> None:
        if self._pending_definition is not None:
            if not self._r.input_sha256:
                text = self._pending_definition.to_json(1)
                self._r.input_sha256 = _c.sha256_hex(text.encode())
            self._pending_definition = None

    # -------------------------------------------------------------- datasets
    def __getitem__(self, path: str) -> np.ndarray:
        return self._r.array(path)

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and path in self._r.paths()

    def __iter__(self):
        return iter(self._r.paths())

    def keys(self) -> List[str]:
        """Dataset paths ("nodes/pressure", "pipes/mass_flow", ...)."""
        return list(self._r.paths())

    def unit(self, path: str) -> str:
        """Unit of a dataset (the HDF5 `units` attribute)."""
        return self._r.unit(path)

    def ids(self, group: str) -> List[str]:
        """Element ids of a group ("nodes", "pipes", "consumers", "sources", "pumps",
        "valves", "pressure_nodes": the node ids), in the column order of its datasets."""
        return self._r.ids(group)

    @property
    def time(self) -> np.ndarray:
        """Seconds from the start of the run, [steps] (0.0 for a steady solve)."""
        return self._r.time()

    @property
    def iterations(self) -> np.ndarray:
        """Newton iterations per time step, [steps]."""
        return self._r.iterations()

    @property
    def steps(self) -> int:
        return self._r.steps

    def table(self, group: str, step: int = -1):
        """A pandas DataFrame indexed by element id with one column per quantity of the group
        at one time step (default the last); units in ``df.attrs["units"]``."""
        import pandas as pd

        if group not in GROUPS:
            raise ValueError(f"unknown group {group!r}; expected one of " + ", ".join(GROUPS))
        names = [name for g, name, _unit, _d in RESULT_FIELDS if g == group]
        ids = self.ids(group)
        steps = self.steps
        if steps == 0:
            data = {n: np.empty(len(ids)) for n in names}
        else:
            if not -steps <= step < steps:
                raise IndexError(f"step {step} out of range for {steps} steps")
            data = {n: self[f"{group}/{n}"][step] for n in names}
        df = pd.DataFrame(data, index=pd.Index(ids, name="id", dtype=object), copy=True)
        df.attrs["units"] = {n: self.unit(f"{group}/{n}") for n in names}
        return df

    # -------------------------------------------------------------- status and metadata
    @property
    def converged(self) -> bool:
        return self._r.converged

    @property
    def complete(self) -> bool:
        return self._r.complete

    @property
    def report(self) -> Optional[SolveReport]:
        """The (last step's) :class:`SolveReport`; None for a result read from a file."""
        if not self._r.has_report:
            return None
        return SolveReport._from_dict(self._r.report())

    @property
    def summary(self) -> Optional[Dict[str, Any]]:
        """The last step's summary figures (SI: W, Pa, m/s, kg/s); None when read from a
        file."""
        summaries = self._r.summaries()
        return summaries[-1] if summaries else None

    @property
    def summaries(self) -> List[Dict[str, Any]]:
        return self._r.summaries()

    @property
    def checks(self):
        """The failed design checks as a DataFrame (time_index, element_kind, element_id,
        check, value, limit; SI values)."""
        import pandas as pd

        return pd.DataFrame(self._r.checks(), columns=["time_index", "element_kind",
                                                       "element_id", "check", "value",
                                                       "limit"])

    @property
    def network_name(self) -> str:
        return self._r.network_name

    @property
    def input_sha256(self) -> str:
        """SHA-256 of the network file read (unmodified) or of the canonical JSON solved."""
        self._fill_sha256()
        return self._r.input_sha256

    @property
    def wall_time_s(self) -> float:
        return self._r.wall_time_s

    # -------------------------------------------------------------- files
    def to_hdf5(self, path: "os.PathLike[str] | str", gzip_level: int = 0,
                chunk_steps: int = 64, sync: bool = False) -> None:
        """Write the ``heatnet-results/1`` file, exactly as the CLI's ``solve -o`` does
        (atomically: a temporary file renamed on success). ``sync=True`` also flushes it to
        disk before the rename (like ``--sync``), so a power cut cannot leave an empty file."""
        self._fill_sha256()
        self._r.write_hdf5(os.fspath(path), gzip_level, chunk_steps, bool(sync))

    def report_html(self, path: "os.PathLike[str] | str", network, **options):
        """Write a self-contained HTML design report of this result for ``network`` (the
        heatnet.Network solved, its dict or its JSON path): key figures, map, piezometric
        graph, tables, solver report (and for a time series the duration curve, monthly
        energy and failed-check hours). Options as :func:`heatnet.report.write_report`."""
        from .report import write_report
        return write_report(self, network, path, **options)

    def __repr__(self) -> str:
        counts = ", ".join(f"{len(self.ids(g))} {g}" for g in GROUPS if self.ids(g))
        state = "converged" if self.converged else "NOT converged"
        return f"<heatnet.Result {self.network_name!r}: {self.steps} step(s), {counts}, {state}>"


def read_results(path: "os.PathLike[str] | str") -> Result:
    """Read a ``heatnet-results/1`` HDF5 file (written by the CLI or :meth:`Result.to_hdf5`)."""
    result = Result(_c.CResult.read_hdf5(os.fspath(path)))
    result._source_path = os.fspath(path)  # the report reads the file's attributes from it
    return result
