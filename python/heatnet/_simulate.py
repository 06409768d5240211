"""heatnet.simulate: a time series (docs/time-series.md) from Python.

The C++ run releases the GIL; the per-step callback runs with it. Ctrl-C (KeyboardInterrupt)
or an exception raised by ``callback`` stops the run after the current step: the results file
(if any) is committed with ``complete = 0`` and the exception propagates.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

import numpy as np

from . import _heatnet as _c
from ._network import Network
from ._result import Result
from ._solve import solver_options

__all__ = ["simulate", "read_profiles", "SimulationResult", "SimulationSummary", "StepInfo",
           "StepArrival", "THERMAL_MODELS", "STEP_STATUS"]

#: the thermal models of :func:`simulate`
THERMAL_MODELS = ("quasi_static", "plug_flow")
#: SolveStatus codes of ``SimulationResult.step_status`` (also /solver/step_status in files)
STEP_STATUS = ("converged", "max_iterations", "outer_not_converged", "invalid_solution",
               "numerical_failure")

ProfilesLike = Union[str, "os.PathLike[str]", Mapping[str, Sequence[float]], Any]


@dataclass(frozen=True)
class StepArrival:
    """A supply-temperature step and its arrival at each consumer (C++ ``StepArrival``).

    ``delay_s[c]`` is the time from the step (``step_time_s``, profile step ``step``) until
    consumer ``consumer_ids[c]``'s supply temperature crosses the midpoint of its change; NaN
    when it does not within the window (up to the next supply-temperature change).
    """

    step: int
    step_time_s: float
    source: str
    step_K: float
    delay_s: np.ndarray
    consumer_ids: List[str]
    arrived: int
    min_s: float
    median_s: float
    max_s: float

    def table(self):
        """pandas DataFrame indexed by consumer id with the delay in s and h."""
        import pandas as pd

        df = pd.DataFrame({"delay_s": self.delay_s, "delay_h": self.delay_s / 3600.0},
                          index=pd.Index(self.consumer_ids, name="id", dtype=object))
        return df


class SimulationSummary(dict):
    """The annual summary (C++ ``SimulationSummary``): a dict whose keys are also attributes
    (``summary.heat_delivered_MWh``): steps_planned, steps_done, failed_steps, complete,
    stopped, hours, heat_supplied_MWh, heat_delivered_MWh, heat_loss_MWh, heat_loss_percent,
    heat_stored_change_MWh and boundary_heat_MWh (plug flow), max_energy_balance_rel,
    pump_energy_MWh, hours_with_failed_checks, peak_heat_delivered_W, thermal_model,
    wall_time_s, brief, full."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __str__(self) -> str:
        return self["full"]


class StepInfo(dict):
    """Passed to the ``callback`` of :func:`simulate` after every step; keys are also
    attributes: step (0-based), total, time_s, status, converged, iterations,
    heat_supplied_W, heat_delivered_W, heat_loss_W, pump_power_W (hydraulic),
    heat_missing_W (demand not delivered, summed over under-supplied consumers),
    min_consumer_dp_margin_Pa (smallest dp_available - min_dp over consumers) and
    failed_checks ({check name: rows in /checks for this step}, empty when all hold)."""

    __getattr__ = SimulationSummary.__getattr__


@dataclass
class SimulationResult:
    """What :func:`simulate` returns.

    ``result`` is a :class:`heatnet.Result` with the ``[time, element]`` arrays (zero-copy
    views) when the run kept its steps in memory (``keep_result=True``, the default), else
    None (read the file with :func:`heatnet.read_results`). ``summary`` holds the annual
    figures (heat_supplied_MWh, heat_delivered_MWh, heat_loss_MWh, heat_stored_change_MWh,
    pump_energy_MWh, steps_done, failed_steps, complete, wall_time_s, ...).
    ``step_status`` is the SolveStatus code per step (:data:`STEP_STATUS`).
    """

    summary: SimulationSummary
    step_status: np.ndarray
    result: Optional[Result]
    step_arrival: Optional[StepArrival] = None
    output: Optional[str] = None
    thermal_model: str = "quasi_static"
    _brief: str = field(default="", repr=False)

    @property
    def complete(self) -> bool:
        return bool(self.summary["complete"])

    @property
    def converged(self) -> bool:
        """Every step done converged."""
        return bool(np.all(self.step_status == 0))

    @property
    def time(self) -> np.ndarray:
        if self.result is None:
            raise ValueError("the steps were not kept in memory (keep_result=False)")
        return self.result.time

    def __getitem__(self, path: str) -> np.ndarray:
        if self.result is None:
            raise ValueError("the steps were not kept in memory (keep_result=False); read "
                             f"the results file {self.output!r} with heatnet.read_results")
        return self.result[path]

    def brief(self) -> str:
        return self.summary["brief"]

    def full(self) -> str:
        return self.summary["full"]

    def __repr__(self) -> str:
        return f"<heatnet.SimulationResult ({self.thermal_model}) {self.summary['brief']}>"


def _step_callback(callback: Callable[[StepInfo], Optional[bool]]):
    def call(info: Dict[str, Any]) -> bool:
        r = callback(StepInfo(info))
        return r is None or bool(r)
    return call


def read_profiles(path: "os.PathLike[str] | str"):
    """Read a ``heatnet-profiles/1`` file (.csv or .json) into the C++ Profiles object."""
    return _c.read_profiles(os.fspath(path))


def _profiles(profiles: ProfilesLike, schedules: Optional[Mapping[str, Sequence]]):
    """Path, C++ Profiles, pandas DataFrame or {column: values} -> C++ Profiles.

    Tables go through the CSV form (repr of every float round-trips), so they are validated
    exactly like a file and errors name the column.
    """
    if isinstance(profiles, _c.CProfiles):
        if schedules:
            raise TypeError("schedules= only goes with a table of profiles, not a parsed file")
        return profiles
    if isinstance(profiles, (str, os.PathLike)):
        if schedules:
            raise TypeError("schedules= only goes with a table; put them in the file")
        return read_profiles(profiles)
    columns: Dict[str, Sequence[float]]
    if hasattr(profiles, "to_dict") and hasattr(profiles, "columns"):  # pandas DataFrame
        columns = {str(c): list(profiles[c]) for c in profiles.columns}
        if "time_h" not in columns and getattr(profiles.index, "name", None) == "time_h":
            columns = {"time_h": list(profiles.index), **columns}
    elif isinstance(profiles, Mapping):
        columns = {str(k): list(v) for k, v in profiles.items()}
    else:
        raise TypeError("profiles must be a file path, a pandas DataFrame, a {column: values} "
                        f"mapping or read_profiles(...), got {type(profiles).__name__}")
    if "time_h" not in columns:
        raise ValueError("profiles table needs a 'time_h' column")
    names = ["time_h"] + [c for c in columns if c != "time_h"]
    n = len(columns["time_h"])
    for c in names:
        if len(columns[c]) != n:
            raise ValueError(f"profiles column {c!r} has {len(columns[c])} values; time_h has {n}")
    lines = []
    for name, points in (schedules or {}).items():
        pts = " ".join(f"{float(x)!r}:{float(y)!r}" for x, y in points)
        lines.append(f"#! schedule {name} {pts}")
    lines.append(",".join(names))
    for i in range(n):
        lines.append(",".join(repr(float(columns[c][i])) for c in names))
    return _c.parse_profiles_csv("\n".join(lines) + "\n", "<table>")


def simulate(network: Network, profiles: ProfilesLike, output: "os.PathLike[str] | str | None" = None,
             *, thermal_model: str = "quasi_static", schedules: Optional[Mapping[str, Sequence]] = None,
             max_steps: Optional[int] = None, on_failure: str = "continue",
             max_consecutive_failures: int = 24, keep_result: bool = True,
             callback: Optional[Callable[[Dict[str, Any]], Optional[bool]]] = None,
             max_parcels_per_pipe: int = 200, arrival_min_step_K: float = 5.0,
             gzip_level: int = 0, chunk_steps: int = 256, **options) -> SimulationResult:
    """Run a time series of ``network`` under ``profiles`` (like ``heatnet simulate``).

    profiles: a ``heatnet-profiles/1`` file (.csv / .json), :func:`read_profiles` of one, a
        pandas DataFrame or ``{column: values}`` with a ``time_h`` column and the profile
        columns (``demand_factor:*-APT``, ``supply_temperature_C:CHP``, ...); ``schedules``
        adds temperature schedules to a table: ``{"supply_temperature_C:CHP": [[-31, 130],
        [8, 70]]}``.
    output: results file (heatnet-results/1), written atomically; None: no file.
    thermal_model: "quasi_static" (a steady thermal solve per step) or "plug_flow" (fronts
        travel with the water: transport delay, attenuation and storage; docs §6).
    max_steps: only the first N steps. on_failure: "continue" | "stop";
        max_consecutive_failures: with "continue", stop after this many failures in a row.
    keep_result: keep every step in memory: ``result[...]`` are zero-copy [time, element]
        arrays (for a long run of a large network pass False and read the file).
    callback(info): after every step with a :class:`StepInfo` (``info.step``, total, time_s,
        status, converged, iterations, heat_supplied_W, heat_delivered_W, heat_loss_W,
        pump_power_W, heat_missing_W, min_consumer_dp_margin_Pa, failed_checks); return
        False to stop (the file is committed with complete = 0). It runs with the GIL while
        the C++ run is paused.
    max_parcels_per_pipe, arrival_min_step_K: plug-flow parcel cap; smallest supply step
        analysed for its arrival (``SimulationResult.step_arrival``).
    Other keywords are the solver options of :func:`heatnet.solve` (tolerance,
        tolerance_temperature_K, max_iterations, friction, ...). Unless given, a time series
        uses its own tolerances, not the network's steady ones: 1e-6 relative flow change and
        1e-3 K (docs/time-series.md: what a step's results are then guaranteed to).
    """
    if not isinstance(network, Network):
        raise TypeError(f"simulate() expects a heatnet.Network, got {type(network).__name__}")
    if thermal_model not in THERMAL_MODELS:
        raise ValueError(f"thermal_model {thermal_model!r}; expected one of "
                         + ", ".join(THERMAL_MODELS))
    if "warm_start" in options:
        raise TypeError("simulate() always warm-starts each step from the previous one")
    opts = solver_options(**options)
    cprofiles = _profiles(profiles, schedules)
    out_path = None if output is None else os.fspath(output)
    with network._lock:
        compiled = network._compiled_network()
        sha = network._sha256 or _c.sha256_hex(network.to_json_text(1).encode())
        raw = _c.simulate(compiled, cprofiles, opts, out_path, thermal_model,
                          0 if max_steps is None else int(max_steps), on_failure,
                          int(max_consecutive_failures), bool(keep_result), int(gzip_level),
                          int(chunk_steps), int(max_parcels_per_pipe), float(arrival_min_step_K),
                          None, sha, None if callback is None else _step_callback(callback))
    result = None
    if raw["result"] is not None:
        result = Result(raw["result"])
    arrival = None
    a = raw["step_arrival"]
    if a is not None:
        ids = list(a["consumer_ids"])
        arrival = StepArrival(step=a["step"], step_time_s=a["step_time_s"], source=a["source"],
                              step_K=a["step_K"], delay_s=np.asarray(a["delay_s"], dtype=float),
                              consumer_ids=ids, arrived=a["arrived"], min_s=a["min_s"],
                              median_s=a["median_s"], max_s=a["max_s"])
    return SimulationResult(summary=SimulationSummary(raw["summary"]),
                            step_status=np.asarray(raw["step_status"], dtype=np.int32),
                            result=result, step_arrival=arrival, output=out_path,
                            thermal_model=thermal_model)

