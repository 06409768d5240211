"""Life-cycle cost of design variants (docs/lifecycle.md).

For every variant network: the investment (pipes by DN and insulation series, trench, substations)
priced from a cost catalogue, an annual :func:`heatnet.simulate` run (through
:func:`heatnet.sweep.run`, so on a process pool or a Dask cluster), and from it the annual heat
loss, the electric pump energy, the hours with failed design checks by kind and the peak
under-supply; then the present value of the costs over the lifetime and a ranking.

    import heatnet.design as hd
    costs = hd.Costs.default(pipe_sizes="examples/oral/pipe_catalogue.csv")
    study = hd.lifecycle([hd.Variant("design", "examples/oral/oral.json"), ...],
                         "examples/oral/annual_profiles.csv", costs)
    study.table; study.to_csv("out/study.csv"); study.plot(file="out/study.png")
"""
from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from .._cli_util import write_text_atomically
from .costs import Costs, Economics, StudyInputError
from .npv import annuity_factor

__all__ = ["Variant", "LifecycleResult", "lifecycle", "price_network", "CHECK_KINDS",
           "HOURS_PER_YEAR"]

#: The design checks of the solver (docs/models.md "Design checks"), in report order.
CHECK_KINDS = ("boiling_margin", "max_pressure", "max_velocity", "consumer_dp", "under_supplied",
               "freezing", "source_closed", "source_reverse_flow")
#: The profiles stand for one year: period sums are scaled by HOURS_PER_YEAR / simulated hours.
HOURS_PER_YEAR = 8760.0

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")
NetworkLike = Union[str, "os.PathLike[str]", Mapping[str, Any], Any]


@dataclass(frozen=True)
class Variant:
    """One design alternative.

    name: unique; letters, digits and ``_ . + -`` (it names the results files).
    network: a network file (.json), its dict, or a :class:`heatnet.Network`.
    profiles: this variant's profiles (e.g. its own temperature schedule); None: the study's.
    insulation_series: EN 253 series of every pipe; None: told apart by heat_loss_W_mK
        through the study's pipe sizes (their u_s1/2/3 columns).
    group, description: free text for tables and plots.
    """

    name: str
    network: NetworkLike
    profiles: Optional[Any] = None
    insulation_series: Optional[int] = None
    group: str = ""
    description: str = ""


def _network_dict(variant: Variant) -> Dict[str, Any]:
    """The variant's network as the heatnet-network/1 dict, validated by heatnet."""
    from .._network import Network

    net = variant.network
    try:
        if isinstance(net, Network):
            text = net.to_json_text()
        elif isinstance(net, Mapping):
            text = Network.from_json_text(json.dumps(net)).to_json_text()
        else:
            text = Network.from_json(os.fspath(net)).to_json_text()
    except (ValueError, OSError) as e:
        raise StudyInputError(f"variant '{variant.name}': network: {e}") from None
    return json.loads(text)


def price_network(network: Mapping[str, Any], costs: Costs, insulation_series: Optional[int] = None,
                  variant: str = "") -> Dict[str, float]:
    """Investment of one network (EUR): pipes (catalogue cost + trench share) x length x
    investment_factor, plus substations (EUR/kW x design heat_demand_kW of every consumer).
    Also the catalogue pipe cost before the factor and the design demand (for repricing)."""
    where = f"variant '{variant}': " if variant else ""
    e = costs.economics
    pipes_EUR = 0.0
    for p in network.get("pipes", []):
        pid = p["id"]
        dn = _dn(costs, p, where)
        series = insulation_series
        if series is None:
            try:
                series = costs.pipe_sizes.series_of(pid, dn, float(p.get("heat_loss_W_mK", 0.0)))
            except StudyInputError as err:
                raise StudyInputError(where + str(err)) from None
        per_m = costs.catalogue.cost_per_m(dn, series, e.pipes_per_trench, f"{where}pipe '{pid}'")
        pipes_EUR += per_m * float(p["length_m"])
    demand_kW = sum(float(c.get("heat_demand_kW", 0.0)) for c in network.get("consumers", []))
    return {"pipes_catalogue_EUR": pipes_EUR, "design_demand_kW": demand_kW,
            "pipes_EUR": pipes_EUR * e.investment_factor,
            "substations_EUR": demand_kW * e.substation_EUR_per_kW,
            "investment_EUR": pipes_EUR * e.investment_factor
            + demand_kW * e.substation_EUR_per_kW}


def _dn(costs: Costs, pipe: Mapping[str, Any], where: str) -> int:
    try:
        return costs.pipe_sizes.dn_of(pipe["id"], float(pipe["inner_diameter_m"]))
    except StudyInputError as err:
        raise StudyInputError(where + str(err)) from None


# ---------------------------------------------------------------------------------------------
# The annual run (executes on the sweep's workers: module-level functions, picklable by name)

class _YearRecorder:
    """Per-step callback of :func:`heatnet.simulate`: keeps what the annual figures need
    (step times, failed check kinds, undelivered heat) without keeping the result arrays."""

    def __init__(self) -> None:
        self.time_s: List[float] = []
        self.kinds: List[Sequence[str]] = []
        self.heat_missing_W: List[float] = []
        self.min_dp_margin_Pa = math.inf

    def __call__(self, info: Mapping[str, Any]) -> bool:
        self.time_s.append(float(info["time_s"]))
        self.kinds.append(tuple(info["failed_checks"]))
        self.heat_missing_W.append(float(info["heat_missing_W"]))
        self.min_dp_margin_Pa = min(self.min_dp_margin_Pa,
                                    float(info["min_consumer_dp_margin_Pa"]))
        return True

    def durations_h(self) -> List[float]:
        """Interval each step stands for (docs/time-series.md): to the next step; the last
        repeats the previous interval; a single step counts one hour."""
        t = self.time_s
        if len(t) < 2:
            return [1.0] * len(t)
        d = [(t[i + 1] - t[i]) / 3600.0 for i in range(len(t) - 1)]
        return d + [d[-1]]


def _build(scenario: Mapping[str, Any]):
    from .._network import Network

    return Network.from_json_text(scenario["network_json"])


def _evaluate(network, scenario: Mapping[str, Any]) -> Dict[str, Any]:
    from .._simulate import simulate

    rec = _YearRecorder()
    r = simulate(network, scenario["profiles"], scenario.get("output"), keep_result=False,
                 callback=rec, **scenario.get("solver_options", {}))
    s = r.summary
    dt = rec.durations_h()
    out: Dict[str, Any] = {
        "simulated_hours": float(s["hours"]),
        "steps": int(s["steps_done"]),
        "failed_steps": int(s["failed_steps"]),
        "complete": bool(s["complete"]),
        "heat_delivered_MWh": float(s["heat_delivered_MWh"]),
        "heat_loss_MWh": float(s["heat_loss_MWh"]),
        "pump_hydraulic_MWh": float(s["pump_energy_MWh"]),
        "failed_check_hours": float(s["hours_with_failed_checks"]),
        "peak_under_supply_kW": max(rec.heat_missing_W, default=0.0) / 1e3,
        "min_consumer_dp_margin_bar": rec.min_dp_margin_Pa / 1e5,
        "under_supplied_MWh": sum(w * h for w, h in zip(rec.heat_missing_W, dt)) / 1e6,
        "simulate_wall_time_s": float(s["wall_time_s"]),
    }
    hours: Dict[str, float] = {k: 0.0 for k in CHECK_KINDS}
    for kinds, h in zip(rec.kinds, dt):
        for k in kinds:
            hours[k] = hours.get(k, 0.0) + h
    out.update({f"failed_h_{k}": v for k, v in hours.items()})
    out["blocking_hours"] = _blocking_hours(rec, dt, scenario)
    return out


def _blocking_hours(rec: _YearRecorder, dt: Sequence[float], scenario: Mapping[str, Any]) -> float:
    """Hours of steps with a failed blocking check, leaving out the steps colder than the
    design outdoor temperature (outside the design basis) when one is given."""
    blocking = set(scenario["blocking_checks"])
    design_C = scenario.get("design_outdoor_temperature_C")
    outdoor = (_outdoor_C(scenario["profiles"]) if design_C is not None
               else [math.inf] * len(dt))
    return sum(h for kinds, h, t in zip(rec.kinds, dt, outdoor)
               if t >= (design_C if design_C is not None else -math.inf)
               and blocking.intersection(kinds))


def _outdoor_C(profiles: Any) -> List[float]:
    from .._simulate import _profiles

    try:
        return list(_profiles(profiles, None).series("outdoor_temperature_C"))
    except KeyError:
        raise StudyInputError("design_outdoor_temperature_C needs an outdoor_temperature_C "
                              "profile column") from None


# ---------------------------------------------------------------------------------------------

@dataclass
class LifecycleResult:
    """What :func:`lifecycle` returns: ``table`` (pandas DataFrame, one row per variant in rank
    order), the economics used and the check kinds that made a variant infeasible."""

    table: Any
    economics: Economics
    blocking_checks: Sequence[str]
    wall_time_s: float = 0.0
    results_dir: Optional[str] = None
    annuity_factor: float = field(init=False)

    def __post_init__(self) -> None:
        self.annuity_factor = annuity_factor(self.economics.discount_rate,
                                             self.economics.lifetime_years)

    def to_csv(self, path: "os.PathLike[str] | str") -> None:
        """Write the table atomically (temporary file + rename)."""
        _atomic_write(Path(path), self.table.to_csv(index=False, float_format="%.6g"))

    def plot(self, file: "os.PathLike[str] | str | None" = None, ax=None, title: str = ""):
        """Stacked bars of the NPV per variant (investment / heat loss / pumping), best first;
        variants that fail a blocking check or a step are hatched. Returns the Axes."""
        from .plot import plot_npv

        return plot_npv(self.table, file=file, ax=ax, title=title)

    def reprice(self, economics: Economics) -> "LifecycleResult":
        """The same annual figures priced with other economics (no new simulation): prices,
        discount rate, lifetime, pump efficiency, substation cost and investment factor.
        (A different catalogue or pipes_per_trench needs a new :func:`lifecycle`.)"""
        table = _price(self.table.drop(columns=[c for c in _PRICE_COLUMNS
                                                if c in self.table.columns]),
                       economics.validate())
        return LifecycleResult(table, economics, self.blocking_checks, 0.0, self.results_dir)


_PRICE_COLUMNS = ("rank", "feasible", "pipes_EUR", "substations_EUR", "investment_EUR", "pump_energy_MWh_a", "heat_loss_MWh_a",
                  "heat_delivered_MWh_a", "under_supplied_MWh_a", "npv_investment_EUR",
                  "npv_heat_loss_EUR", "npv_pumping_EUR", "npv_EUR")


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomically(path, text)


def _price(table, e: Economics):
    """Adds the investment, the annual figures, the present values, feasibility and the rank
    to ``table`` (which holds the period sums, the catalogue pipe cost and the design demand of
    every variant)."""
    t = table.copy()
    t["pipes_EUR"] = t["pipes_catalogue_EUR"] * e.investment_factor
    t["substations_EUR"] = t["design_demand_kW"] * e.substation_EUR_per_kW
    scale = HOURS_PER_YEAR / t["simulated_hours"]
    t["investment_EUR"] = t["pipes_EUR"] + t["substations_EUR"]
    t["heat_delivered_MWh_a"] = t["heat_delivered_MWh"] * scale
    t["heat_loss_MWh_a"] = t["heat_loss_MWh"] * scale
    t["pump_energy_MWh_a"] = t["pump_hydraulic_MWh"] * scale / e.pump_efficiency
    t["under_supplied_MWh_a"] = t["under_supplied_MWh"] * scale
    af = annuity_factor(e.discount_rate, e.lifetime_years)
    t["npv_investment_EUR"] = t["investment_EUR"]
    t["npv_heat_loss_EUR"] = t["heat_loss_MWh_a"] * e.heat_price_EUR_per_MWh * af
    t["npv_pumping_EUR"] = t["pump_energy_MWh_a"] * e.electricity_price_EUR_per_MWh * af
    t["npv_EUR"] = t["npv_investment_EUR"] + t["npv_heat_loss_EUR"] + t["npv_pumping_EUR"]
    t["feasible"] = ((t["blocking_hours"] == 0) & (t["failed_steps"] == 0)
                     & t["complete"].astype(bool))
    t = t.sort_values(["feasible", "npv_EUR"], ascending=[False, True], kind="mergesort")
    t.insert(0, "rank", range(1, len(t) + 1))
    return t[_column_order(t)].reset_index(drop=True)


def _column_order(t) -> List[str]:
    first = ["rank", "variant", "group", "feasible", "investment_EUR", "heat_loss_MWh_a",
             "pump_energy_MWh_a", "npv_EUR", "failed_check_hours", "blocking_hours"]
    first += sorted(c for c in t.columns if c.startswith("failed_h_"))
    first += ["failed_steps", "min_consumer_dp_margin_bar", "peak_under_supply_kW",
              "under_supplied_MWh_a",
              "npv_investment_EUR", "npv_heat_loss_EUR", "npv_pumping_EUR", "pipes_EUR",
              "substations_EUR", "heat_delivered_MWh_a"]
    rest = [c for c in t.columns if c not in first]
    return [c for c in first if c in t.columns] + rest


def _check_variants(variants: Sequence[Variant]) -> None:
    if not variants:
        raise StudyInputError("variants: the study has no variant")
    seen = set()
    for v in variants:
        if not isinstance(v, Variant):
            raise StudyInputError(f"variants: expected heatnet.design.Variant, got "
                                  f"{type(v).__name__}")
        if not _NAME.match(v.name or ""):
            raise StudyInputError(f"variant name {v.name!r}: use letters, digits and _ . + - "
                                  "(it names the results files)")
        if v.name in seen:
            raise StudyInputError(f"variant name {v.name!r} is used twice")
        seen.add(v.name)
        if v.insulation_series not in (None, 1, 2, 3):
            raise StudyInputError(f"variant '{v.name}': insulation_series = "
                                  f"{v.insulation_series!r}: EN 253 series are 1, 2, 3")


def _profiles_arg(p: Any) -> Any:
    return os.fspath(p) if isinstance(p, (str, os.PathLike)) else p


def _unique_runs(scenarios: List[Dict[str, Any]]) -> Tuple[List[Dict[str, Any]], List[int]]:
    """The annual runs the scenarios need, and per scenario the index of its run. Variants with
    the same network, profiles and solver options (e.g. a re-sizing that changes no pipe) share
    one run: an annual simulation is deterministic. A variant that writes its own results file
    runs on its own."""
    unique: List[Dict[str, Any]] = []
    run_of: List[int] = []
    seen: Dict[Tuple[str, str, str], int] = {}
    for s in scenarios:
        prof = s["profiles"]
        key = (s["network_json"], prof if isinstance(prof, str) else f"object {id(prof)}",
               json.dumps(s["solver_options"], sort_keys=True))
        if "output" in s or key not in seen:
            if "output" not in s:
                seen[key] = len(unique)
            run_of.append(len(unique))
            unique.append(s)
        else:
            run_of.append(seen[key])
    return unique, run_of


def _runs_per_variant(runs: Any, scenarios: List[Dict[str, Any]], run_of: List[int]) -> Any:
    """The sweep's table of unique runs, one row per scenario again (in scenario order)."""
    rows = runs.iloc[run_of].reset_index(drop=True)
    rows["variant"] = [s["variant"] for s in scenarios]
    return rows


def lifecycle(variants: Iterable[Variant], profiles: Any, costs: Costs, *,
              executor: Any = "processes", max_workers: Optional[int] = None,
              results_dir: "os.PathLike[str] | str | None" = None,
              blocking_checks: Optional[Sequence[str]] = None,
              design_outdoor_temperature_C: Optional[float] = None,
              progress: Optional[Callable[[int, int], None]] = None,
              **solver_options) -> LifecycleResult:
    """Price, simulate for a year and rank every variant (docs/lifecycle.md).

    profiles: the annual profiles (a heatnet-profiles/1 file; a table works with the serial
        and thread executors); a Variant's own ``profiles`` overrides it.
    costs: :class:`heatnet.design.Costs` (catalogue, pipe sizes, economics).
    executor, max_workers: as :func:`heatnet.sweep.run` (None: serial; "processes"; "threads";
        a concurrent.futures.Executor; a Dask Client).
    results_dir: keep each variant's results file ``<dir>/<variant>.h5`` and network
        ``<dir>/<variant>.json``; None keeps no file.
    blocking_checks: check kinds whose failed hours make a variant infeasible (default: all);
        failed steps always do. Infeasible variants rank after the feasible ones.
    design_outdoor_temperature_C: failures at steps colder than this (the profiles'
        outdoor_temperature_C) are outside the design basis: reported in failed_h_<kind> but
        not counted in blocking_hours. None: every step counts.
    solver_options: passed to :func:`heatnet.simulate` (tolerance, max_iterations, ...).

    Every input is checked and every variant priced before the first simulation, so a bad cost
    table or variant fails in seconds with a :class:`StudyInputError`.
    """
    import time

    import pandas as pd

    from .. import sweep

    variants = list(variants)
    _check_variants(variants)
    e = costs.economics.validate()
    blocking = tuple(CHECK_KINDS if blocking_checks is None else blocking_checks)
    for k in blocking:
        if k not in CHECK_KINDS:
            raise StudyInputError(f"blocking_checks: unknown check {k!r}; expected "
                                  + ", ".join(CHECK_KINDS))
    design_C = None
    if design_outdoor_temperature_C is not None:
        design_C = float(design_outdoor_temperature_C)
        if not math.isfinite(design_C):
            raise StudyInputError(f"design_outdoor_temperature_C = {design_C}: must be finite")
    out_dir = None if results_dir is None else Path(results_dir)
    scenarios, rows = [], []
    for v in variants:
        net = _network_dict(v)
        price = price_network(net, costs, v.insulation_series, v.name)
        prof = v.profiles if v.profiles is not None else profiles
        if prof is None:
            raise StudyInputError(f"variant '{v.name}': no profiles (give the study or the "
                                  "variant a profiles file)")
        if design_C is not None:
            try:
                _outdoor_C(_profiles_arg(prof))
            except StudyInputError as err:
                raise StudyInputError(f"variant '{v.name}': {err}") from None
        scenario = {"variant": v.name, "network_json": json.dumps(net),
                    "profiles": _profiles_arg(prof), "solver_options": dict(solver_options),
                    "blocking_checks": list(blocking),
                    "design_outdoor_temperature_C": design_C}
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            _atomic_write(out_dir / f"{v.name}.json", json.dumps(net, indent=1) + "\n")
            scenario["output"] = os.fspath(out_dir / f"{v.name}.h5")
        scenarios.append(scenario)
        rows.append({"variant": v.name, "group": v.group, "description": v.description,
                     "pipes_catalogue_EUR": price["pipes_catalogue_EUR"],
                     "design_demand_kW": price["design_demand_kW"]})
    t0 = time.perf_counter()
    unique, run_of = _unique_runs(scenarios)
    runs = sweep.run(unique, build=_build, evaluate=_evaluate, executor=executor,
                     max_workers=max_workers, progress=progress)
    runs = _runs_per_variant(runs, scenarios, run_of)
    wall = time.perf_counter() - t0
    failures = [(r["variant"], r["error"]) for _, r in runs.iterrows() if r["error"]]
    if failures:
        name, err = failures[0]
        first = str(err).splitlines()[0]
        more = f" (and {len(failures) - 1} more variants)" if len(failures) > 1 else ""
        if first.startswith(("InputError", "NetworkError", "StudyInputError", "ValueError")):
            raise StudyInputError(f"variant '{name}': {first}{more}")
        raise RuntimeError(f"variant '{name}': the annual run failed: {first}{more}")
    drop = {"network_json", "profiles", "solver_options", "output", "error", "worker",
            "blocking_checks", "design_outdoor_temperature_C"}
    annual = runs[[c for c in runs.columns if c not in drop]]
    table = pd.DataFrame(rows).merge(annual, on="variant", how="left", validate="one_to_one")
    table = _price(table, e)
    return LifecycleResult(table, e, blocking, wall,
                           None if out_dir is None else os.fspath(out_dir))
