"""`heatnet study STUDY.json`: a life-cycle study described in a file (docs/lifecycle.md).

    {"format": "heatnet-study/1",
     "profiles": "annual_profiles.csv",
     "variants": [{"name": "design", "network": "oral.json"},
                  {"name": "dn900", "network": "oral_dn900.json", "group": "trunk DN"},
                  {"name": "s150", "network": "oral_150.json", "profiles": "profiles_150.csv"}],
     "costs": {"catalogue": "my_costs.csv", "pipe_sizes": "pipe_catalogue.csv",
               "economics": {"heat_price_EUR_per_MWh": 30, "discount_rate": 0.05}},
     "blocking_checks": ["max_pressure", "under_supplied"],
     "design_outdoor_temperature_C": -31}

Paths are relative to the study file. Only "profiles" (or every variant's own) and "variants"
are required; "costs" defaults to the shipped catalogue, the shipped EN 253 sizes and the
documented economics.
"""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any, Dict, List, Mapping, Tuple

from .._cli_util import atomic_output
from .costs import CostCatalogue, Costs, Economics, PipeSizes, StudyInputError
from .lifecycle import LifecycleResult, Variant, lifecycle

__all__ = ["read_study", "study_main", "STUDY_FORMAT"]

STUDY_FORMAT = "heatnet-study/1"
_TOP_KEYS = {"format", "description", "profiles", "variants", "costs", "blocking_checks",
             "design_outdoor_temperature_C"}
_VARIANT_KEYS = {"name", "network", "profiles", "insulation_series", "group", "description"}
_COST_KEYS = {"catalogue", "pipe_sizes", "economics"}


def _unknown(where: str, got: Mapping[str, Any], allowed: set) -> None:
    extra = sorted(set(got) - allowed)
    if extra:
        raise StudyInputError(f"{where}: unknown key {extra[0]!r}; expected "
                              + ", ".join(sorted(allowed)))


def _path(base: Path, value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise StudyInputError(f"{where} = {value!r}: expected a file path")
    p = Path(value)
    p = p if p.is_absolute() else base / p
    if not p.is_file():
        raise StudyInputError(f"{where} = {value!r}: no such file ({p})")
    return os.fspath(p)


def read_study(path: "os.PathLike[str] | str") -> Tuple[List[Variant], Any, Costs, Dict[str, Any]]:
    """Variants, profiles, costs and lifecycle() options of a study file; every path is
    resolved and checked, every value validated (StudyInputError names the key)."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise StudyInputError(f"{path}: cannot read ({e.strerror})") from None
    except json.JSONDecodeError as e:
        raise StudyInputError(f"{path}: not valid JSON: {e}") from None
    if not isinstance(doc, dict):
        raise StudyInputError(f"{path}: expected a JSON object")
    _unknown(str(path), doc, _TOP_KEYS)
    if doc.get("format", STUDY_FORMAT) != STUDY_FORMAT:
        raise StudyInputError(f"{path}: format = {doc['format']!r}; expected {STUDY_FORMAT!r}")
    base = path.parent
    profiles = _path(base, doc["profiles"], "profiles") if "profiles" in doc else None
    raw_variants = doc.get("variants")
    if not isinstance(raw_variants, list) or not raw_variants:
        raise StudyInputError(f"{path}: variants: expected a non-empty list")
    variants = []
    for i, v in enumerate(raw_variants):
        where = f"variants[{i}]"
        if not isinstance(v, dict):
            raise StudyInputError(f"{where}: expected an object")
        _unknown(where, v, _VARIANT_KEYS)
        if "name" not in v or "network" not in v:
            raise StudyInputError(f"{where}: 'name' and 'network' are required")
        series = v.get("insulation_series")
        if series is not None and series not in (1, 2, 3):
            raise StudyInputError(f"{where}.insulation_series = {series!r}: EN 253 series are "
                                  "1, 2, 3")
        variants.append(Variant(
            name=str(v["name"]), network=_path(base, v["network"], f"{where}.network"),
            profiles=(_path(base, v["profiles"], f"{where}.profiles")
                      if v.get("profiles") is not None else None),
            insulation_series=series, group=str(v.get("group", "")),
            description=str(v.get("description", ""))))
    costs_doc = doc.get("costs", {})
    if not isinstance(costs_doc, dict):
        raise StudyInputError("costs: expected an object")
    _unknown("costs", costs_doc, _COST_KEYS)
    catalogue = (CostCatalogue.read(_path(base, costs_doc["catalogue"], "costs.catalogue"))
                 if "catalogue" in costs_doc else CostCatalogue.read())
    sizes = (PipeSizes.read(_path(base, costs_doc["pipe_sizes"], "costs.pipe_sizes"))
             if "pipe_sizes" in costs_doc else PipeSizes.en253())
    econ = costs_doc.get("economics", {})
    if not isinstance(econ, dict):
        raise StudyInputError("costs.economics: expected an object")
    costs = Costs(catalogue, sizes, Economics.from_mapping(econ, "costs.economics"))
    options: Dict[str, Any] = {}
    if "blocking_checks" in doc:
        if not isinstance(doc["blocking_checks"], list):
            raise StudyInputError("blocking_checks: expected a list of check names")
        options["blocking_checks"] = doc["blocking_checks"]
    if "design_outdoor_temperature_C" in doc:
        options["design_outdoor_temperature_C"] = _finite_key(doc, "design_outdoor_temperature_C")
    return variants, profiles, costs, options


def _finite_key(doc: Mapping[str, Any], key: str) -> float:
    value = doc[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value \
            or value in (float("inf"), float("-inf")):
        raise StudyInputError(f"{key} = {value!r}: expected a finite number")
    return float(value)


def _executor(name: str):
    return None if name == "serial" else name


def print_ranking(study: LifecycleResult, file=None) -> None:
    """The ranking as a fixed-width table (what `heatnet study` prints)."""
    t = study.table
    print(f"{'rank':>4}  {'variant':<20} {'invest MEUR':>11} {'loss MWh/a':>10} "
          f"{'pump MWh/a':>10} {'NPV MEUR':>9} {'failed h':>8} {'blocking h':>10}  feasible",
          file=file)
    for _, r in t.iterrows():
        print(f"{int(r['rank']):>4}  {r['variant']:<20} {r['investment_EUR'] / 1e6:11.2f} "
              f"{r['heat_loss_MWh_a']:10.0f} {r['pump_energy_MWh_a']:10.0f} "
              f"{r['npv_EUR'] / 1e6:9.2f} {r['failed_check_hours']:8.0f} "
              f"{r['blocking_hours']:10.0f}  {'yes' if r['feasible'] else 'no'}", file=file)


def study_main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(
        prog="heatnet study",
        description="Life-cycle cost of design variants: for each variant network an annual "
                    "simulation, then investment, heat loss, pump energy, failed-check hours "
                    "and the present value of the costs, ranked (docs/lifecycle.md).")
    ap.add_argument("study", help="study file (.json, format heatnet-study/1)")
    ap.add_argument("-o", "--output-dir", required=True,
                    help="folder for lifecycle_study.csv and lifecycle_study.png")
    ap.add_argument("--executor", choices=("processes", "threads", "serial"),
                    default="processes", help="where the annual runs go (default %(default)s)")
    ap.add_argument("--max-workers", type=int, help="worker processes/threads (default: cores)")
    ap.add_argument("--keep-results", action="store_true",
                    help="also keep each variant's results file <variant>.h5 and network")
    ap.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    a = ap.parse_args(argv)

    variants, profiles, costs, options = read_study(a.study)
    out = Path(a.output_dir)
    if not out.is_dir():
        raise StudyInputError(f"--output-dir {a.output_dir!r}: no such folder")
    study = lifecycle(variants, profiles, costs, executor=_executor(a.executor),
                      max_workers=a.max_workers,
                      results_dir=out / "results" if a.keep_results else None, **options)
    csv_path, png_path = out / "lifecycle_study.csv", out / "lifecycle_study.png"
    import matplotlib

    matplotlib.use("Agg")
    with atomic_output(csv_path) as tmp_csv, atomic_output(png_path) as tmp_png:
        study.to_csv(tmp_csv)
        ax = study.plot()
        ax.figure.savefig(tmp_png, dpi=120, format="png")
    if not a.quiet:
        print_ranking(study)
        print(f"{len(variants)} variants, {study.wall_time_s:.1f} s; wrote {csv_path} and "
              f"{png_path}")
    return 0
