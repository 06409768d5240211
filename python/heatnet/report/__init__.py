"""heatnet.report: one self-contained HTML design report of a solve or a time series.

    heatnet report RESULTS.h5 --network NET.json -o report.html     # the CLI
    result.report_html("report.html", network=net)                  # a heatnet.Result
    heatnet.report.write_report(result, net, "report.html", map_quantity="velocity")

The file needs nothing else to be viewed: styles, the small sorting script and the charts (inline
SVG drawn by heatnet.plot and matplotlib) are inside it; it prints to A4. A steady solve gives the
key figures, a map coloured by temperature, velocity, pressure or specific pressure loss (failed
checks marked), the piezometric graph to the critical consumer, the tables of consumers, of the
pipes closest to their velocity limit and of the failed checks, and the solver's report. A time
series adds the load duration curve, the monthly heat and losses and the hours with failed checks,
and details its worst hour (most failed checks, then the smallest dp margin).
"""
from __future__ import annotations

import argparse
import hashlib
import os
from pathlib import Path
from typing import Any, Dict, Optional, Sequence

from .._cli_util import write_text_atomically
from . import figures
from .charts import MAP_QUANTITIES
from .page import ReportInput, render

__all__ = ["write_report", "render_report", "main", "MAP_QUANTITIES"]

#: element groups whose ids a results file and its network must share (same names in both)
_ELEMENT_GROUPS = ("nodes", "pipes", "consumers", "sources", "pumps", "valves")


def _network_doc(network) -> Dict[str, Any]:
    from ..plot import _doc
    return _doc(network)


def _check_matches(result, doc: Dict[str, Any]) -> None:
    """The results must be of this network: the same element ids in every group."""
    for group in _ELEMENT_GROUPS:
        in_results = set(result.ids(group))
        in_network = {e["id"] for e in doc.get(group, [])}
        if in_results != in_network:
            extra = sorted(in_results - in_network)
            missing = sorted(in_network - in_results)
            what = (f"{group[:-1]} {extra[0]!r} is in the results but not in the network"
                    if extra else f"{group[:-1]} {missing[0]!r} is in the network but not in "
                    "the results")
            raise ValueError(f"the results were not computed for this network: {what} "
                             f"({len(extra)} extra, {len(missing)} missing {group})")


def _file_meta(path: os.PathLike) -> Dict[str, Any]:
    """Root and /solver attributes of a heatnet-results/1 file (h5py)."""
    import h5py

    def plain(v):
        if isinstance(v, bytes):
            return v.decode("utf-8", "replace")
        return v.item() if hasattr(v, "item") else v

    with h5py.File(path, "r") as f:
        meta = {k: plain(v) for k, v in f.attrs.items()}
        meta["solver"] = {k: plain(v) for k, v in f["solver"].attrs.items()} if "solver" in f else {}
    meta["source"] = os.path.basename(os.fspath(path))
    return meta


def _memory_meta(result) -> Dict[str, Any]:
    """What a results file would record, for a result still in memory."""
    from .. import __version__
    report = result.report
    solver = {"wall_time_s": result.wall_time_s,
              "max_temperature_change_K": result._r.max_temperature_change_K}
    if report is not None:
        solver["max_mass_imbalance_kg_s"] = report.max_mass_imbalance_kg_s
    return {"heatnet_version": __version__, "created_utc": "", "input_sha256": result.input_sha256,
            "network_name": result.network_name, "solver": solver, "source": "in memory"}


def _checksum_warning(meta: Dict[str, Any], network) -> Optional[str]:
    """A warning when the network file given is not the file the results were solved from."""
    recorded = meta.get("input_sha256")
    if not recorded or not isinstance(network, (str, os.PathLike)):
        return None
    with open(network, "rb") as f:
        actual = hashlib.sha256(f.read()).hexdigest()
    if actual == recorded:
        return None
    return (f"The network file {os.path.basename(os.fspath(network))} (SHA-256 {actual[:12]}…) "
            f"is not the input recorded in the results ({recorded[:12]}…): the results may have "
            "been solved from a modified network or from Python (canonical JSON).")


def render_report(result, network, *, map_quantity: str = "temperature",
                  limits: Optional[Dict[str, float]] = None, step: Optional[int] = None,
                  title: str = "", results_path: Optional[os.PathLike] = None) -> str:
    """The report of ``result`` (a heatnet.Result) for ``network`` (heatnet.Network, its dict or
    the path of its JSON file) as an HTML string; see :func:`write_report`."""
    if map_quantity not in MAP_QUANTITIES:
        raise ValueError(f"unknown map quantity {map_quantity!r}; expected one of "
                         + ", ".join(MAP_QUANTITIES))
    doc = _network_doc(network)
    _check_matches(result, doc)
    path = results_path or getattr(result, "_source_path", None)
    meta = _file_meta(path) if path else _memory_meta(result)
    warnings = [w for w in (_checksum_warning(meta, network),) if w]
    report = result.report
    inp = ReportInput(result=result, doc=doc, meta=meta, limits=figures.check_limits(limits),
                      map_quantity=map_quantity, step=step, title=title,
                      solver_text=report.full() if report is not None else "", warnings=warnings)
    return render(inp)


def write_report(result, network, path: "os.PathLike[str] | str", **options) -> Path:
    """Write the report of ``result`` for ``network`` to ``path`` (atomically: a temporary file
    in the same folder, renamed when complete). Options: map_quantity (the map shown first:
    temperature, velocity, pressure, pressure_loss), limits ({"boiling_margin_bar",
    "max_pressure_bar", "max_velocity_m_s"}: the limits drawn and stated; the solver's defaults),
    step (the step detailed; default: the steady step, or the worst hour of a time series),
    title. Returns the path."""
    html = render_report(result, network, **options)
    out = Path(path)
    write_text_atomically(out, html)
    return out


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="heatnet report",
        description="Write a self-contained HTML design report of a results file.")
    ap.add_argument("results", help="results file (.h5, heatnet-results/1)")
    ap.add_argument("--network", required=True, help="the network solved (.json, heatnet-network/1)")
    ap.add_argument("-o", "--output", required=True, help="report file (.html)")
    ap.add_argument("--map", dest="map_quantity", default="temperature", choices=MAP_QUANTITIES,
                    help="map colour shown first (default %(default)s; the others are a click away)")
    ap.add_argument("--step", type=int, help="time step to detail (default: the steady step, or "
                    "the worst hour of a time series)")
    ap.add_argument("--title", default="", help="report title")
    for key, default in figures.DEFAULT_LIMITS.items():
        ap.add_argument("--" + key.replace("_", "-"), dest=key, type=float, default=default,
                        help="design limit drawn and stated (default %(default)g)")
    return ap


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``heatnet report``. Bad input raises (heatnet.__main__ turns it into exit 2 and one
    "error: ..." line); no file is written then."""
    a = _parser().parse_args(argv)
    from .. import read_results
    result = read_results(a.results)
    limits = {k: getattr(a, k) for k in figures.DEFAULT_LIMITS}
    try:
        out = write_report(result, a.network, a.output, map_quantity=a.map_quantity,
                           limits=limits, step=a.step, title=a.title, results_path=a.results)
    except KeyError as exc:  # a network dict without a required key (the JSON reader has
        raise ValueError(f"network {a.network}: missing key {exc}") from None  # none)
    print(f"report: {out} ({out.stat().st_size / 1e6:.2f} MB)")
    return 0


