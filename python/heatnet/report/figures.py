"""The numbers of a design report, computed from the result datasets and the network.

Every figure is recomputed from the ``heatnet-results/1`` datasets (a file read back carries no
solver summary), with the definitions of the solver's own step summary (solver/solution_builder.cpp):
heat supplied = sum of sources/heat, delivered = sum of consumers/heat, losses = sum of
pipes/heat_loss, pump power = sources/pump_power + pumps/power, critical consumer = the one with the
smallest dp_available, boiling margin = p + p_atm - p_sat(T) over the nodes (IAPWS-IF97 region 4,
the same equation as heatnet.plot). Values stay SI here (W, Pa, kg/s, degC, m/s); the page converts.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import numpy as np

from ..plot import P_ATM, saturation_pressure_Pa

#: the solver's default design limits (include/heatnet/solver_options.hpp, DesignLimits); the
#: results file does not record the limits a run used, so the report states the ones it draws
DEFAULT_LIMITS = {"boiling_margin_bar": 0.5, "max_pressure_bar": 16.0, "max_velocity_m_s": 3.0}

#: hours per calendar month of a non-leap year: a time series starts on 1 January 00:00
MONTH_HOURS = (744, 672, 744, 720, 744, 720, 744, 744, 720, 744, 720, 744)
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Figure:
    """One key figure: ``value`` in SI (or a string), ``unit`` its SI unit, ``where`` the element
    it belongs to (node, pipe or consumer id) when it is an extreme."""

    key: str
    label: str
    value: Any
    unit: str = ""
    where: str = ""


class StepData:
    """The datasets of one time step as {group: {name: array}} plus ids, and the network's
    per-element inputs the figures need (consumers' min_dp, nodes' elevation)."""

    def __init__(self, result, doc: Dict[str, Any], step: int):
        self.result, self.doc, self.step = result, doc, step
        self._cache: Dict[str, np.ndarray] = {}

    def ids(self, group: str) -> List[str]:
        return self.result.ids(group)

    def __call__(self, path: str) -> np.ndarray:
        """Row ``step`` of a dataset as a float array (empty for an empty group)."""
        if path not in self._cache:
            group = path.split("/")[0]
            if not self.ids(group):
                self._cache[path] = np.zeros(0)
            else:
                self._cache[path] = np.array(self.result[path][self.step], dtype=float)
        return self._cache[path]

    def min_dp_Pa(self) -> np.ndarray:
        """Required dp of each consumer in result order (NaN where the network sets none)."""
        need = {c["id"]: c.get("min_dp_bar") for c in self.doc.get("consumers", [])}
        return np.array([np.nan if need.get(i) is None else need[i] * 1e5
                         for i in self.ids("consumers")], dtype=float)


def _argext(values: np.ndarray, ids: List[str], fn) -> tuple:
    if values.size == 0:
        return math.nan, ""
    i = int(fn(values))
    return float(values[i]), ids[i]


def boiling_margin_Pa(data: StepData) -> np.ndarray:
    """p + p_atm - p_sat(T) at every node; empty for a constant-property fluid (no boiling)."""
    if data.doc.get("settings", {}).get("fluid", "water") != "water":
        return np.zeros(0)
    return data("nodes/pressure") + P_ATM - saturation_pressure_Pa(data("nodes/temperature"))


def step_checks(result, step_index: int):
    """The /checks rows of one time step (a DataFrame)."""
    checks = result.checks
    return checks[checks["time_index"] == step_index]


def key_figures(data: StepData, step_index: int) -> List[Figure]:
    """The key figures of one step (the report's first table), in reading order."""
    f: List[Figure] = []
    supplied = float(data("sources/heat").sum())
    delivered = float(data("consumers/heat").sum())
    demand = float(data("consumers/heat_demand").sum())
    loss = float(data("pipes/heat_loss").sum())
    f += [Figure("heat_supplied", "Heat supplied by the plants", supplied, "W"),
          Figure("heat_demand", "Heat demand of the consumers", demand, "W"),
          Figure("heat_delivered", "Heat delivered to the consumers", delivered, "W"),
          Figure("heat_delivered_share", "Delivered, share of supplied",
                 delivered / supplied if supplied else math.nan, "1"),
          Figure("heat_loss", "Heat lost by the pipes", loss, "W"),
          Figure("heat_loss_share", "Losses, share of supplied",
                 loss / supplied if supplied else math.nan, "1"),
          Figure("pump_power", "Pump power (hydraulic, plants and boosters)",
                 float(data("sources/pump_power").sum() + data("pumps/power").sum()), "W")]
    f += _plant_figures(data)
    f += _consumer_figures(data)
    p = data("nodes/pressure")
    nodes = data.ids("nodes")
    v, at = _argext(p, nodes, np.argmin)
    f.append(Figure("min_pressure", "Lowest pressure", v, "Pa", at))
    v, at = _argext(p, nodes, np.argmax)
    f.append(Figure("max_pressure", "Highest pressure", v, "Pa", at))
    margin = boiling_margin_Pa(data)
    if margin.size:
        v, at = _argext(margin, nodes, np.argmin)
        f.append(Figure("min_boiling_margin", "Smallest boiling margin (p − p_sat)", v, "Pa", at))
    v, at = _argext(np.abs(data("pipes/velocity")), data.ids("pipes"), np.argmax)
    f.append(Figure("max_velocity", "Highest velocity", v, "m/s", at))
    checks = step_checks(data.result, step_index)
    under = checks[checks["check"] == "under_supplied"]
    f.append(Figure("under_supplied", "Under-supplied consumers", int(len(under)), ""))
    if len(under):
        f.append(Figure("heat_missing", "Heat missing at under-supplied consumers",
                        float((under["limit"] - under["value"]).sum()), "W"))
    f.append(Figure("failed_checks", "Failed design checks", int(len(checks)), ""))
    return f


def _plant_figures(data: StepData) -> List[Figure]:
    """Flow, supply and return temperature and pressures of each plant."""
    out = []
    node_t = dict(zip(data.ids("nodes"), data("nodes/temperature")))
    doc_src = {s["id"]: s for s in data.doc.get("sources", [])}
    for i, sid in enumerate(data.ids("sources")):
        supply_node = doc_src[sid]["supply_node"]
        out += [Figure(f"plant_flow:{sid}", f"Plant {sid}: mass flow",
                       float(data("sources/mass_flow")[i]), "kg/s"),
                Figure(f"plant_supply_temperature:{sid}", f"Plant {sid}: supply temperature",
                       float(node_t[supply_node]), "°C", supply_node),
                Figure(f"plant_return_temperature:{sid}", f"Plant {sid}: return temperature",
                       float(data("sources/return_temperature")[i]), "°C"),
                Figure(f"plant_dp:{sid}", f"Plant {sid}: pump differential pressure",
                       float(data("sources/supply_pressure")[i] - data("sources/return_pressure")[i]),
                       "Pa")]
    return out


def _consumer_figures(data: StepData) -> List[Figure]:
    """The critical consumer (smallest available dp) and the smallest dp margin."""
    ids = data.ids("consumers")
    if not ids:
        return []
    dp = data("consumers/dp_available")
    i = int(np.argmin(dp))
    out = [Figure("critical_consumer", "Critical consumer (smallest available dp)", ids[i]),
           Figure("critical_dp", "Available dp at the critical consumer", float(dp[i]), "Pa",
                  ids[i])]
    margin = dp - data.min_dp_Pa()
    if np.isfinite(margin).any():
        j = int(np.nanargmin(margin))
        out.append(Figure("min_dp_margin", "Smallest dp margin (available − required)",
                          float(margin[j]), "Pa", ids[j]))
    return out


# ------------------------------------------------------------------------------ time series
def step_hours(time_s: np.ndarray) -> np.ndarray:
    """Duration of each step in h: the time to the next step; the last step lasts as long as
    the one before it (1 h for a single step)."""
    t = np.asarray(time_s, dtype=float) / 3600.0
    if t.size < 2:
        return np.ones(t.size)
    dt = np.diff(t)
    return np.append(dt, dt[-1])


def month_of(time_s: np.ndarray) -> np.ndarray:
    """Calendar month index 0..11 of each step, the series starting on 1 January 00:00 of a
    non-leap year (a longer series wraps into the next year)."""
    ends = np.cumsum(MONTH_HOURS)
    h = np.mod(np.asarray(time_s, dtype=float) / 3600.0, ends[-1])
    return np.searchsorted(ends, h, side="right")


@dataclass
class Series:
    """Per-step totals of a time series (W), the step durations (h) and the check hours."""

    time_s: np.ndarray
    hours: np.ndarray
    supplied_W: np.ndarray
    delivered_W: np.ndarray
    loss_W: np.ndarray
    pump_W: np.ndarray
    failed_per_step: np.ndarray
    check_hours: Dict[str, float]   # check kind -> hours with at least one failure of that kind


def series(result) -> Series:
    """Row sums over elements of every step, and the hours with failed checks by kind."""
    def total(path):
        group = path.split("/")[0]
        if not result.ids(group):
            return np.zeros(result.steps)
        return np.asarray(result[path]).sum(axis=1)

    t = np.asarray(result.time, dtype=float)
    hours = step_hours(t)
    checks = result.checks
    failed = np.bincount(checks["time_index"].to_numpy(dtype=int), minlength=result.steps)
    check_hours = {}
    for kind, rows in checks.groupby("check"):
        steps = np.unique(rows["time_index"].to_numpy(dtype=int))
        check_hours[str(kind)] = float(hours[steps].sum())
    return Series(t, hours, total("sources/heat"), total("consumers/heat"),
                  total("pipes/heat_loss"), total("sources/pump_power") + total("pumps/power"),
                  failed[:result.steps], check_hours)


def worst_step(result, doc: Dict[str, Any]) -> int:
    """The step a time-series report details: the one with the most failed checks; among
    equals (also when none fails) the one with the smallest consumer dp margin (available dp
    minus required, or the available dp where no consumer sets one), i.e. the hour closest to
    the hydraulic limit."""
    s = series(result)
    if result.ids("consumers"):
        dp = np.asarray(result["consumers/dp_available"])
        need = StepData(result, doc, 0).min_dp_Pa()
        margin = dp - np.where(np.isnan(need), 0.0, need)
        closeness = margin.min(axis=1)
    else:
        closeness = np.zeros(result.steps)
    order = np.lexsort((closeness, -s.failed_per_step))
    return int(order[0])


def series_figures(s: Series, worst: int) -> List[Figure]:
    """The year's (or run's) energy figures: energies in Wh."""
    e = lambda w: float((w * s.hours).sum())  # noqa: E731 - W x h = Wh
    supplied = e(s.supplied_W)
    peak = int(np.argmax(s.supplied_W)) if s.supplied_W.size else 0
    out = [Figure("steps", "Time steps", int(s.time_s.size), ""),
           Figure("duration", "Duration of the run", float(s.hours.sum()), "h"),
           Figure("energy_supplied", "Heat supplied", supplied, "Wh"),
           Figure("energy_delivered", "Heat delivered", e(s.delivered_W), "Wh"),
           Figure("energy_loss", "Heat lost by the pipes", e(s.loss_W), "Wh"),
           Figure("energy_loss_share", "Losses, share of supplied",
                  e(s.loss_W) / supplied if supplied else math.nan, "1"),
           Figure("pump_energy", "Pump energy (hydraulic)", e(s.pump_W), "Wh"),
           Figure("peak_load", "Peak heat supplied", float(s.supplied_W[peak]) if s.supplied_W.size
                  else math.nan, "W", f"step {peak}"),
           Figure("hours_failed", "Hours with failed checks",
                  float(s.hours[s.failed_per_step > 0].sum()), "h"),
           Figure("worst_step", "Worst hour (most failed checks, then smallest dp margin)",
                  int(worst), "", f"t = {s.time_s[worst] / 3600.0:g} h")]
    return out


def monthly(s: Series) -> Dict[str, np.ndarray]:
    """Heat delivered, lost and supplied per calendar month, Wh (12 values each)."""
    m = month_of(s.time_s)
    out = {}
    for name, w in (("delivered", s.delivered_W), ("loss", s.loss_W), ("supplied", s.supplied_W)):
        out[name] = np.bincount(m, weights=w * s.hours, minlength=12)[:12]
    out["hours"] = np.bincount(m, weights=s.hours, minlength=12)[:12]
    return out


def check_limits(limits: Optional[Dict[str, float]]) -> Dict[str, float]:
    """The design limits drawn and stated (defaults of the solver, overridden by ``limits``)."""
    out = dict(DEFAULT_LIMITS)
    for k, v in (limits or {}).items():
        if k not in out:
            raise ValueError(f"unknown limit {k!r}; expected one of " + ", ".join(out))
        if not (isinstance(v, (int, float)) and math.isfinite(v)):
            raise ValueError(f"limit {k} = {v!r}; must be a finite number")
        out[k] = float(v)
    return out
