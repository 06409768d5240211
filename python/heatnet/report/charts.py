"""The report's charts as inline SVG: the map and the piezometric graph are heatnet.plot's;
the time-series charts are matplotlib here. Text stays text (svg.fonttype none: searchable,
small); a network with many pipes has its line and marker collections rasterised inside the SVG,
so the file stays small (10^5 pipes would be ~200 bytes of SVG path each)."""
from __future__ import annotations

import io
from typing import Any, Dict, List, Optional

import numpy as np

from .. import plot
from . import figures as fig_mod

#: above this many drawn pipes a map's collections become an embedded PNG
RASTER_ABOVE_PIPES = 3000
RASTER_DPI = 100

#: the map quantities offered, in the order of the selector: heatnet.plot quantity names
MAP_QUANTITIES = ("temperature", "velocity", "pressure", "pressure_loss")

_CHECK_MARKER = dict(marker="X", s=70, facecolor="#d62728", edgecolor="white", lw=0.8, zorder=7)


def _pyplot():
    import matplotlib
    if matplotlib.get_backend().lower() not in ("agg", "svg", "pdf"):
        import matplotlib.pyplot as plt
        if not plt.get_fignums():
            plt.switch_backend("Agg")
    import matplotlib.pyplot as plt
    return plt


def to_svg(figure, name: str) -> str:
    """The figure as an <svg> element (no XML prologue), scaled by CSS (viewBox kept). ``name``
    salts the ids matplotlib gives clip paths and markers: unique per chart, because one HTML
    document holds all the SVGs (four maps with equal axes would otherwise share ids, and a
    hidden map's clip path would serve the visible one), and the same in every run."""
    import matplotlib
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": f"heatnet-{name}"}):
        figure.savefig(buf, format="svg", dpi=RASTER_DPI)
    _pyplot().close(figure)
    text = buf.getvalue()
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def _rasterise_if_large(ax, n_pipes: int) -> None:
    if n_pipes > RASTER_ABOVE_PIPES:
        for coll in ax.collections:
            coll.set_rasterized(True)


def _element_xy(doc: Dict[str, Any]):
    """{(kind, id): (x km, y km)} of the elements a check can name: nodes, pipes (midpoint),
    consumers and sources (their supply node)."""
    xy = {n["id"]: (n.get("x"), n.get("y")) for n in doc.get("nodes", [])}
    ok = lambda p: p is not None and None not in p  # noqa: E731
    out = {}
    for n, p in xy.items():
        if ok(p):
            out[("node", n)] = (p[0] / 1e3, p[1] / 1e3)
    for p in doc.get("pipes", []):
        a, b = xy.get(p["from"]), xy.get(p["to"])
        if ok(a) and ok(b):
            out[("pipe", p["id"])] = ((a[0] + b[0]) / 2e3, (a[1] + b[1]) / 2e3)
    for kind, group in (("consumer", "consumers"), ("source", "sources")):
        for e in doc.get(group, []):
            p = xy.get(e["supply_node"])
            if ok(p):
                out[(kind, e["id"])] = (p[0] / 1e3, p[1] / 1e3)
    return out


def network_map(result, doc, quantity: str, step: int, checks, critical: Optional[str],
                title: str) -> str:
    """heatnet.plot.network_map of the supply side, the critical consumer highlighted and the
    failed checks of the step marked."""
    ax = plot.network_map(result, doc, quantity=quantity, step=step, title=title,
                          critical=critical)
    _rasterise_if_large(ax, len(doc.get("pipes", [])))
    where = _element_xy(doc)
    pts = [where[(k, i)] for k, i in zip(checks["element_kind"], checks["element_id"])
           if (k, i) in where]
    if pts:
        pts = np.array(sorted(set(pts)))
        marks = ax.scatter(pts[:, 0], pts[:, 1], label=f"failed check ({len(checks)})",
                           **_CHECK_MARKER)
        marks.set_rasterized(len(pts) > RASTER_ABOVE_PIPES)
        handles, names = ax.get_legend_handles_labels()
        uniq = dict(zip(names, handles))
        ax.legend(uniq.values(), uniq.keys(), loc="best", fontsize=8.5, framealpha=0.9)
    return to_svg(ax.figure, f"map-{quantity}")


def piezometric(result, doc, consumer: str, step: int, limits: Dict[str, float],
                title: str) -> str:
    """heatnet.plot.piezometric from the plant to ``consumer``, with the report's limits."""
    ax = plot.piezometric(result, doc, to=consumer, step=step,
                          boiling_margin_bar=limits["boiling_margin_bar"],
                          max_pressure_bar=limits["max_pressure_bar"], title=title,
                          figsize=(10, 5.8))
    return to_svg(ax.figure, "piezo")


def duration_curve(s: "fig_mod.Series") -> str:
    """Load duration curve: heat supplied and delivered sorted from the highest hour down,
    against the cumulative hours; the losses' duration curve below."""
    plt = _pyplot()
    fig, (top, low) = plt.subplots(2, 1, figsize=(10, 6.2), sharex=True, layout="constrained",
                                   gridspec_kw={"height_ratios": [2.2, 1]})
    for ax, rows in ((top, (("supplied", s.supplied_W, "tab:red"),
                            ("delivered", s.delivered_W, "tab:blue"))),
                     (low, (("pipe losses", s.loss_W, "tab:orange"),))):
        for name, w, color in rows:
            order = np.argsort(w)[::-1]
            x = np.concatenate([[0.0], np.cumsum(s.hours[order])])
            y = np.concatenate([w[order], [w[order][-1]]]) / 1e6
            ax.step(x, y, where="post", color=color, lw=1.6, label=f"heat {name}")
        ax.grid(True, color="0.88", lw=0.6)
        ax.legend(fontsize=9, loc="upper right")
        ax.set_ylim(bottom=0)
    top.set_ylabel("heat, MW")
    low.set_ylabel("losses, MW")
    low.set_xlabel("hours in which the value is reached or exceeded, h")
    low.set_xlim(0, float(s.hours.sum()))
    top.set_title("Load duration curve")
    return to_svg(fig, "duration")


def monthly_energy(m: Dict[str, np.ndarray]) -> str:
    """Stacked bars per month: heat delivered and pipe losses (= heat supplied), GWh, with the
    loss share of each month above its bar."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(10, 4.6), layout="constrained")
    x = np.arange(12)
    d, loss = m["delivered"] / 1e9, m["loss"] / 1e9
    ax.bar(x, d, color="tab:blue", label="heat delivered")
    ax.bar(x, loss, bottom=d, color="tab:orange", label="pipe losses")
    for i in x:
        if m["supplied"][i] > 0:
            ax.annotate(f"{100 * m['loss'][i] / m['supplied'][i]:.1f} %", (i, d[i] + loss[i]),
                        xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8)
    ax.set_xticks(x, fig_mod.MONTH_NAMES)
    ax.set_ylabel("heat, GWh")
    ax.set_title("Monthly heat delivered and lost (labels: losses, % of supplied)")
    ax.grid(True, axis="y", color="0.88", lw=0.6)
    ax.legend(fontsize=9)
    return to_svg(fig, "monthly")


def check_hours(hours_by_kind: Dict[str, float], total_h: float) -> Optional[str]:
    """Horizontal bars: hours with at least one failed check, per kind of check."""
    if not hours_by_kind:
        return None
    plt = _pyplot()
    kinds = sorted(hours_by_kind, key=hours_by_kind.get)
    fig, ax = plt.subplots(figsize=(10, 0.9 + 0.45 * len(kinds)), layout="constrained")
    bars = ax.barh(kinds, [hours_by_kind[k] for k in kinds], color="#d62728")
    ax.bar_label(bars, labels=[f"{hours_by_kind[k]:.0f} h" for k in kinds], padding=3,
                 fontsize=9)
    ax.set_xlim(0, max(total_h, max(hours_by_kind.values())) * 1.08)
    ax.set_xlabel(f"hours with at least one failed check (of {total_h:.0f} h)")
    ax.set_title("Failed design checks by kind")
    ax.grid(True, axis="x", color="0.88", lw=0.6)
    return to_svg(fig, "check-hours")


def map_title(name: str, quantity: str) -> str:
    label, unit, _cmap = plot._QUANTITIES[quantity]
    return f"{name}: supply {label} ({unit})"


__all__: List[str] = ["to_svg", "network_map", "piezometric", "duration_curve",
                      "monthly_energy", "check_hours", "MAP_QUANTITIES"]
