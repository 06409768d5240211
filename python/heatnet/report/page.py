"""The report page: header, key figures, map, piezometric graph, tables, time series, solver.

Each ``*_section`` function returns the HTML of one section; :func:`render` puts them in order
inside one self-contained document (CSS and script inline, charts as inline SVG)."""
from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from html import escape
from importlib import resources
from typing import Any, Dict, List, Optional

import numpy as np

from .. import plot
from . import charts
from . import figures as F
from .html import Column, figure, fixed, fmt_si, section, table

#: longest consumer and check tables; the report says how many rows it leaves out (all rows are
#: in the results file), so a 10^5-element network still gives a file a browser opens quickly
MAX_TABLE_ROWS = 1000
WORST_PIPES = 50

_CHECK_UNITS = {"boiling_margin": "Pa", "max_pressure": "Pa", "consumer_dp": "Pa",
                "max_velocity": "m/s", "under_supplied": "W"}


@dataclass
class ReportInput:
    """What one report is made of (SI values; see figures.py for the definitions)."""

    result: Any                      # heatnet.Result
    doc: Dict[str, Any]              # the network's heatnet-network/1 dict
    meta: Dict[str, Any]             # heatnet_version, created_utc, input_sha256, solver{...}, ...
    limits: Dict[str, float]
    map_quantity: str = "temperature"
    step: Optional[int] = None       # detailed step; None: the steady step / the worst hour
    title: str = ""
    solver_text: str = ""            # the SolveReport's full text (in-memory results only)
    warnings: List[str] = field(default_factory=list)


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


# ------------------------------------------------------------------------------ sections
def header(inp: ReportInput, detail_step: int) -> str:
    m = inp.meta
    name = inp.result.network_name or inp.doc.get("name") or "network"
    rows = [("Network", name),
            ("Description", inp.doc.get("description", "")),
            ("Input checksum", f"SHA-256 {m.get('input_sha256') or 'not recorded'}"),
            ("Results", f"{m.get('source', 'in memory')}, written {m.get('created_utc') or '–'}"),
            ("Report date", _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
            ("heatnet version", m.get("heatnet_version", "")),
            ("Run", _run_line(inp, detail_step))]
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in rows if v)
    title = inp.title or f"District-heating design report: {name}"
    return (f'<header class="report"><h1>{escape(title)}</h1><dl id="meta">{items}</dl></header>')


def _run_line(inp: ReportInput, detail_step: int) -> str:
    r = inp.result
    counts = ", ".join(f"{len(r.ids(g)):,} {g}" for g in ("nodes", "pipes", "consumers", "sources")
                       if r.ids(g))
    if r.steps > 1:
        return (f"time series of {r.steps:,} steps; detailed step {detail_step} "
                f"(t = {r.time[detail_step] / 3600.0:g} h); {counts}")
    return f"steady solve; {counts}"


def banners(inp: ReportInput, figs: List[F.Figure]) -> str:
    out = []
    if not inp.result.converged:
        out.append("The solver did NOT converge (in at least one step): the values below are "
                   "those of the last iterate and are not a valid design state.")
    if not inp.result.complete:
        out.append("The run is incomplete: the results file ends before the last profile step.")
    failed = next((f.value for f in figs if f.key == "failed_checks"), 0)
    if failed:
        out.append(f"{failed} design check(s) failed in the detailed step: see the map and the "
                   "checks table.")
    html = "".join(f'<div class="banner">{escape(t)}</div>' for t in out)
    html += "".join(f'<div class="banner warn">{escape(t)}</div>' for t in inp.warnings)
    return html


def key_figure_table(figs: List[F.Figure], table_id: str) -> str:
    """Key figures: the exact SI value in data-value, the rounded one as text."""
    rows = []
    for f in figs:
        value = f.value if isinstance(f.value, str) else repr(f.value)
        where = f" at {f.where}" if f.where else ""
        rows.append(f'<tr id="{escape(table_id)}-{escape(f.key)}" data-key="{escape(f.key)}" '
                    f'data-value="{escape(value)}" data-unit="{escape(f.unit)}">'
                    f"<th>{escape(f.label)}</th><td class=\"value\">{escape(fmt_si(f.value, f.unit))}"
                    f'</td><td class="where">{escape(where)}</td></tr>')
    half = (len(rows) + 1) // 2
    cols = [rows[:half], rows[half:]]
    return ('<div class="keyfigs" id="' + escape(table_id) + '-figures">' +
            "".join(f'<table class="keyfigures">{"".join(c)}</table>' for c in cols) + "</div>")


def map_section(inp: ReportInput, step: int, checks, critical: Optional[str]) -> str:
    if not any(n.get("x") is not None and n.get("y") is not None for n in inp.doc.get("nodes", [])):
        return section("map", "Network map", "<p class=note>The network's nodes have no x/y "
                       "coordinates: no map.</p>")
    name = inp.result.network_name or inp.doc.get("name") or "network"
    buttons, figs = [], []
    for q in charts.MAP_QUANTITIES:
        label, unit, _ = plot._QUANTITIES[q]
        on = q == inp.map_quantity
        try:
            svg = charts.network_map(inp.result, inp.doc, q, step, checks, critical,
                                     charts.map_title(name, q))
        except ValueError as exc:  # e.g. no supply-side pipe with coordinates at both ends
            return section("map", "Network map", f"<p class=note>No map: {escape(str(exc))}.</p>")
        figs.append(figure(f"map-{q}", svg, f"Supply side coloured by {label} ({unit}); line "
                           "width by diameter; square: plant; red diamond: critical consumer; "
                           "red crosses: failed checks.", hidden=not on, extra_class="map"))
        buttons.append(f'<button type="button" data-map="map-{q}" aria-pressed='
                       f'"{"true" if on else "false"}">{escape(label)}</button>')
    select = f'<div class="map-select" role="group" aria-label="map colour">{"".join(buttons)}</div>'
    return section("map", "Network map", select + "".join(figs))


def piezometric_section(inp: ReportInput, step: int, critical: Optional[str]) -> str:
    if not critical or not inp.doc.get("sources"):
        return ""
    lim = inp.limits
    try:
        svg = charts.piezometric(inp.result, inp.doc, critical, step, lim,
                                 f"Piezometric graph: plant → critical consumer {critical}")
    except ValueError as exc:  # e.g. no pipe route from the first plant to the consumer
        return section("piezometric", "Piezometric graph",
                       f"<p class=note>No piezometric graph: {escape(str(exc))}.</p>")
    cap = (f"Heads along the shortest pipe route from the plant to {critical}; anti-boiling "
           f"limit p_sat(T) + {lim['boiling_margin_bar']:g} bar, maximum pressure "
           f"PN {lim['max_pressure_bar']:g} bar g.")
    return section("piezometric", "Piezometric graph", figure("piezo", svg, cap))


def consumer_table(inp: ReportInput, data: F.StepData, failed_ids: set) -> str:
    ids = data.ids("consumers")
    if not ids:
        return ""
    need = data.min_dp_Pa()
    dp = data("consumers/dp_available")
    margin = dp - need
    order = np.argsort(np.where(np.isnan(margin), dp, margin), kind="stable")
    shown = order[:MAX_TABLE_ROWS]
    cols = [Column("consumer"), Column("demand, kW", fixed(1, 1e-3)),
            Column("delivered, kW", fixed(1, 1e-3)), Column("flow, kg/s", fixed(3)),
            Column("supply T, °C", fixed(1)), Column("return T, °C", fixed(1)),
            Column("dp available, bar", fixed(3, 1e-5)), Column("dp required, bar", fixed(3, 1e-5)),
            Column("dp margin, bar", fixed(3, 1e-5))]
    g = lambda n: data(f"consumers/{n}")  # noqa: E731
    rows = [[ids[i], g("heat_demand")[i], g("heat")[i], g("mass_flow")[i],
             g("supply_temperature")[i], g("return_temperature")[i], dp[i],
             None if np.isnan(need[i]) else need[i], None if np.isnan(margin[i]) else margin[i]]
            for i in shown]
    cap = _cap_note(len(ids), len(shown), "consumers", "smallest dp margin first")
    return "<h3>Consumers</h3>" + table("consumers-table", cols, rows, cap,
                                        lambda r: "fail" if r[0] in failed_ids else "")


def pipe_table(inp: ReportInput, data: F.StepData, failed_ids: set) -> str:
    ids = data.ids("pipes")
    if not ids:
        return ""
    v = np.abs(data("pipes/velocity"))
    vmax = inp.limits["max_velocity_m_s"]
    margin = vmax - v
    order = np.argsort(margin, kind="stable")[:WORST_PIPES]
    r_spec = plot.specific_pressure_loss(inp.result, inp.doc, data.step)
    by_id = {p["id"]: p for p in inp.doc.get("pipes", [])}
    cols = [Column("pipe"), Column("from"), Column("to"), Column("inner diameter, mm", fixed(0, 1e3)),
            Column("length, m", fixed(0)), Column("flow, kg/s", fixed(2)),
            Column("velocity, m/s", fixed(2)), Column(f"margin to {vmax:g} m/s", fixed(2)),
            Column("pressure loss, Pa/m", fixed(1)), Column("inlet T, °C", fixed(1)),
            Column("outlet T, °C", fixed(1)), Column("heat loss, kW", fixed(2, 1e-3))]
    rows = []
    for i in order:
        p = by_id[ids[i]]
        rows.append([ids[i], p["from"], p["to"], p["inner_diameter_m"], p["length_m"],
                     data("pipes/mass_flow")[i], v[i], margin[i], r_spec[ids[i]],
                     data("pipes/inlet_temperature")[i], data("pipes/outlet_temperature")[i],
                     data("pipes/heat_loss")[i]])
    cap = (f"The {len(rows)} pipes closest to the velocity limit ({vmax:g} m/s) of {len(ids):,}; "
           "click a column header to sort.")
    return "<h3>Pipes with the smallest margins</h3>" + table(
        "pipes-table", cols, rows, cap, lambda r: "fail" if r[0] in failed_ids else "")


def checks_table(checks) -> str:
    """The /checks rows of a steady solve, as the file holds them."""
    if len(checks) == 0:
        return "<h3>Failed design checks</h3><p>None: every check passed.</p>"
    cols = [Column("element kind"), Column("element"), Column("check"), Column("value"),
            Column("limit")]
    rows = [[k, i, c, fmt_si(v, _CHECK_UNITS.get(c, "")), fmt_si(lim, _CHECK_UNITS.get(c, ""))]
            for k, i, c, v, lim in zip(checks["element_kind"], checks["element_id"],
                                       checks["check"], checks["value"], checks["limit"])]
    shown = rows[:MAX_TABLE_ROWS]
    cap = _cap_note(len(rows), len(shown), "rows", "as in /checks")
    return "<h3>Failed design checks</h3>" + table("checks-table", cols, shown, cap)


def series_checks_table(checks, time_s: np.ndarray) -> str:
    """The /checks rows of a time series: one row per element and check, with the hours it
    failed, its first and last step and its worst value."""
    if len(checks) == 0:
        return "<h3>Failed design checks over the run</h3><p>None: every check passed.</p>"
    hours = F.step_hours(time_s)
    rows = []
    for (kind, eid, check), g in checks.groupby(["element_kind", "element_id", "check"], sort=False):
        steps = g["time_index"].to_numpy(dtype=int)
        low_is_bad = check in ("boiling_margin", "consumer_dp", "under_supplied")
        worst = g.loc[g["value"].idxmin() if low_is_bad else g["value"].idxmax()]
        unit = _CHECK_UNITS.get(check, "")
        rows.append([kind, eid, check, float(hours[np.unique(steps)].sum()), int(steps.min()),
                     int(steps.max()), fmt_si(worst["value"], unit), int(worst["time_index"]),
                     fmt_si(worst["limit"], unit)])
    rows.sort(key=lambda r: -r[3])
    cols = [Column("element kind"), Column("element"), Column("check"),
            Column("hours failed", fixed(0)), Column("first step"), Column("last step"),
            Column("worst value"), Column("at step"), Column("limit")]
    shown = rows[:MAX_TABLE_ROWS]
    cap = _cap_note(len(rows), len(shown), "element checks", "most hours first")
    return "<h3>Failed design checks over the run</h3>" + table("checks-table", cols, shown, cap)


def _cap_note(total: int, shown: int, what: str, order: str) -> str:
    if shown < total:
        return (f"{shown:,} of {total:,} {what} ({order}); the results file holds all of them. "
                "Click a column header to sort.")
    return f"{total:,} {what} ({order}). Click a column header to sort."


def series_section(inp: ReportInput, s: F.Series, worst: int) -> str:
    figs = F.series_figures(s, worst)
    body = key_figure_table(figs, "series")
    body += figure("duration", charts.duration_curve(s),
                   "Heat supplied, delivered and lost, each sorted from its highest step down.")
    m = F.monthly(s)
    body += figure("monthly", charts.monthly_energy(m),
                   "Calendar months of a non-leap year, the run starting on 1 January 00:00.")
    cols = [Column("month"), Column("hours", fixed(0)), Column("delivered, MWh", fixed(1, 1e-6)),
            Column("losses, MWh", fixed(1, 1e-6)), Column("supplied, MWh", fixed(1, 1e-6)),
            Column("losses, %", fixed(2, 100.0))]
    rows = [[F.MONTH_NAMES[i], m["hours"][i], m["delivered"][i], m["loss"][i], m["supplied"][i],
             m["loss"][i] / m["supplied"][i] if m["supplied"][i] > 0 else None]
            for i in range(12) if m["hours"][i] > 0]
    body += table("monthly-table", cols, rows, "Monthly energy")
    ch = charts.check_hours(s.check_hours, float(s.hours.sum()))
    if ch:
        body += figure("check-hours", ch, "Hours in which at least one check of each kind failed.")
    else:
        body += "<p>No design check failed in any step.</p>"
    return section("timeseries", "Time series", body,
                   f"{s.time_s.size:,} steps over {s.hours.sum():,.0f} h.")


def solver_section(inp: ReportInput, data: F.StepData, detail_step: int) -> str:
    r, sv = inp.result, inp.meta.get("solver", {})
    its = np.asarray(r.iterations)
    supplied = float(data("sources/heat").sum())
    delivered = float(data("consumers/heat").sum())
    loss = float(data("pipes/heat_loss").sum())
    makeup = float(data("sources/makeup_mass_flow").sum())
    figs = [F.Figure("converged", "Converged", "yes" if r.converged else "NO"),
            F.Figure("iterations", "Newton iterations (detailed step)",
                     int(its[detail_step]) if its.size else 0, ""),
            F.Figure("max_mass_imbalance", "Largest nodal mass imbalance",
                     sv.get("max_mass_imbalance_kg_s", math.nan), "kg/s"),
            F.Figure("max_temperature_change", "Last temperature change of the outer loop",
                     sv.get("max_temperature_change_K", math.nan), "K"),
            F.Figure("energy_residual", "Energy balance: supplied − delivered − pipe losses",
                     supplied - delivered - loss, "W"),
            F.Figure("makeup", "Make-up water at the plants (boundary flow)", makeup, "kg/s"),
            F.Figure("wall_time", "Solver wall time", sv.get("wall_time_s", math.nan), "s")]
    if its.size > 1:
        figs.insert(2, F.Figure("iterations_total", "Newton iterations, all steps (max per step)",
                                int(its.sum()), "", f"max {int(its.max())}"))
    body = key_figure_table(figs, "solver")
    body += ('<p class="note">The energy balance closes over boundary flows too (make-up water, '
             "pressure nodes); the solver reports its own relative residual with the solve.</p>")
    if inp.solver_text:
        body += f'<pre class="solver">{escape(inp.solver_text)}</pre>'
    return section("solver", "Solver report", body)


# ------------------------------------------------------------------------------ document
def render(inp: ReportInput) -> str:
    """The whole report as one HTML string."""
    r = inp.result
    if r.steps == 0:
        raise ValueError("the results hold no time step: nothing to report")
    steady = r.steps == 1
    s = None if steady else F.series(r)
    worst = 0 if steady else F.worst_step(r, inp.doc)
    step = worst if inp.step is None else inp.step
    if not -r.steps <= step < r.steps:
        raise ValueError(f"step {step} out of range: the results hold {r.steps} step(s)")
    step %= r.steps
    data = F.StepData(r, inp.doc, step)
    figs = F.key_figures(data, step)
    checks = F.step_checks(r, step)
    critical = next((f.value for f in figs if f.key == "critical_consumer"), None)
    failed_ids = set(checks["element_id"])
    when = "" if steady else f" (step {step}, t = {r.time[step] / 3600.0:g} h)"
    parts = [banners(inp, figs),
             section("key-figures", "Key figures" + when, key_figure_table(figs, "kf"),
                     _limits_line(inp.limits))]
    if s is not None:
        parts.append(series_section(inp, s, worst))
    parts += [map_section(inp, step, checks, critical), piezometric_section(inp, step, critical),
              section("tables", "Tables" + when,
                      consumer_table(inp, data, failed_ids) + pipe_table(inp, data, failed_ids) +
                      (checks_table(checks) if steady
                       else series_checks_table(r.checks, np.asarray(r.time)))),
              solver_section(inp, data, step)]
    toc = [("key-figures", "Key figures"), ("timeseries", "Time series"), ("map", "Map"),
           ("piezometric", "Piezometric graph"), ("tables", "Tables"), ("solver", "Solver")]
    body = "".join(parts)
    nav = "".join(f'<a href="#{k}">{v}</a>' for k, v in toc if f'id="{k}"' in body)
    name = r.network_name or inp.doc.get("name") or "network"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<meta name=\"generator\" content=\"heatnet " + escape(inp.meta.get("heatnet_version", ""))
            + "\">" f"<title>{escape(inp.title or 'heatnet report: ' + name)}</title>"
            f"<style>{_asset('report.css')}</style></head><body>"
            f"{header(inp, step)}<nav class=\"toc\">{nav}</nav><main>{body}</main>"
            "<footer>Written by heatnet report. Values from the results file; SI there, rounded "
            "here (the exact value of each key figure is in its data-value attribute).</footer>"
            f"<script>{_asset('report.js')}</script></body></html>\n")


def _limits_line(lim: Dict[str, float]) -> str:
    return (f"Design limits drawn here: boiling margin ≥ {lim['boiling_margin_bar']:g} bar above "
            f"p_sat(T), pressure ≤ {lim['max_pressure_bar']:g} bar g, velocity ≤ "
            f"{lim['max_velocity_m_s']:g} m/s, each consumer's required dp. The failed checks "
            "are the solver's (the solve's limits; by default these).")


__all__ = ["ReportInput", "render", "MAX_TABLE_ROWS"]
