#!/usr/bin/env python3
"""Oral heat main design study: trunk DN, insulation series and plant supply temperature.

    PYTHONPATH=build/python /usr/bin/python3 examples/oral/design_study.py --output-dir out

Three groups of alternatives, each solved with heatnet at the design load (-31 C):

  trunk DN            the design's telescoped trunk (DN800 -> 400) and a uniform trunk of DN 700 /
                      800 / 900 / 1000 (oral_model DesignParameters.trunk_dn; every other pipe as designed)
  insulation series   EN 253 series 1 / 2 (design) / 3 (oral_model DesignParameters.insulation_series)
  supply temperature  150 / 130 (design) / 110 C at the plant with the DESIGN pipe sizes and the design
                      consumer return temperature of 70 C: only the plant's set point changes
                      (net.set_source), the question an operator asks. (oral_model's
                      supply_temperature_C would re-size the pipes for the new flows instead.)

The dp-controlled pump holds 1.0 bar at each variant's critical consumer (from oral_model's check).
Prints one table and writes design_study.csv and design_study.png into --output-dir.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import oral_model as om  # noqa: E402

try:
    import heatnet
except ImportError as exc:  # pragma: no cover
    sys.exit(f"design_study.py: cannot import heatnet ({exc}); run with PYTHONPATH=build/python")

from run_design import summarize  # noqa: E402

DESIGN = om.DesignParameters()
PN_BAR = DESIGN.pressure_class_bar


def trunk_text(model) -> str:
    """The trunk DN sequence, collapsed: '800x4 700 600 400' style -> '800→400' or '900'."""
    dns = [e.size.dn for e in model.layout.edges if e.role == "trunk"]
    uniq = list(dict.fromkeys(dns))
    return str(uniq[0]) if len(uniq) == 1 else f"{uniq[0]}→{uniq[-1]}"


def network_of(model) -> "heatnet.Network":
    return heatnet.Network.from_json_text(json.dumps(model.network))


def variants():
    """(group, label, DesignParameters, supply temperature override or None)."""
    yield "trunk DN", "telescoped (design)", DESIGN, None
    for dn in (700, 800, 900, 1000):
        yield "trunk DN", f"uniform DN{dn}", om.DesignParameters(trunk_dn=dn), None
    for s in (1, 2, 3):
        label = f"series {s}" + (" (design)" if s == DESIGN.insulation_series else "")
        yield "insulation", label, om.DesignParameters(insulation_series=s), None
    for t in (150.0, 130.0, 110.0):
        label = f"{t:.0f} °C" + (" (design)" if t == DESIGN.supply_temperature_C else "")
        yield "supply temperature", label, DESIGN, t


COLUMNS = [  # (key, header, format) of the printed table
    ("group", "group", "{}"),
    ("variant", "variant", "{}"),
    ("trunk_dn", "trunk DN", "{}"),
    ("heat_delivered_MW", "heat MW", "{:.1f}"),
    ("heat_loss_kW", "loss kW", "{:.0f}"),
    ("heat_loss_pct", "loss %", "{:.2f}"),
    ("plant_flow_kg_s", "flow kg/s", "{:.0f}"),
    ("pump_dp_bar", "pump dp bar", "{:.2f}"),
    ("pump_power_kW", "pump kW", "{:.0f}"),
    ("max_pressure_bar", "p max bar g", "{:.2f}"),
    ("min_dp_margin_bar", "dp margin bar", "{:+.3f}"),
    ("min_supply_boiling_margin_bar", "boil. margin bar", "{:.2f}"),
    ("max_velocity_m_s", "v max m/s", "{:.2f}"),
    ("failed_checks", "failed", "{}"),
]


def supply_boiling_margin_bar(result, net) -> float:
    """Smallest p + p_atm - p_sat(T) over the supply-side nodes (the anti-boiling margin of the
    supply line; the solver's summary value is over all nodes and at the cold plant return it is
    set by the static pressure)."""
    from heatnet.plot import P_ATM, _sides, saturation_pressure_Pa
    supply_nodes, _ = _sides(net.to_dict())
    ids = result.ids("nodes")
    p = result["nodes/pressure"][-1]
    t = result["nodes/temperature"][-1]
    margins = [p[i] + P_ATM - saturation_pressure_Pa(t[i]) for i, n in enumerate(ids) if n in supply_nodes]
    return min(margins) / 1e5


def run(out_dir: Path, plot: bool = True) -> list[dict]:
    rows = []
    cache = {}
    for group, label, params, t_supply in variants():
        key = repr(params)
        if key not in cache:
            cache[key] = om.build_model(params)
        model = cache[key]
        net = network_of(model)
        if t_supply is not None:
            net.set_source("CHP", supply_temperature_C=t_supply)
        res = heatnet.solve(net)
        s = summarize(res, net, label)
        s.update(group=group, variant=label, trunk_dn=trunk_text(model),
                 insulation_series=params.insulation_series,
                 dp_control_consumer=model.network["sources"][0]["pump"]["consumer"],
                 min_supply_boiling_margin_bar=supply_boiling_margin_bar(res, net))
        rows.append(s)
    out_dir.mkdir(parents=True, exist_ok=True)
    keys = ["group", "variant", "trunk_dn", "insulation_series", "supply_temperature_C"] + \
        [k for k in rows[0] if k not in ("group", "variant", "trunk_dn", "insulation_series",
                                          "supply_temperature_C", "case", "outdoor_C")]
    with open(out_dir / "design_study.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=keys, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in r.items()})
    if plot:
        draw(rows, out_dir / "design_study.png")
    return rows


def table_text(rows: list[dict]) -> str:
    cells = [[fmt.format(r[k]) for k, _h, fmt in COLUMNS] for r in rows]
    heads = [h for _k, h, _f in COLUMNS]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]
    lines = ["  ".join(h.ljust(w) if i < 3 else h.rjust(w) for i, (h, w) in enumerate(zip(heads, widths)))]
    for c in cells:
        lines.append("  ".join(x.ljust(w) if i < 3 else x.rjust(w) for i, (x, w) in enumerate(zip(c, widths))))
    return "\n".join(lines)


def markdown_table(rows: list[dict]) -> str:
    heads = [h for _k, h, _f in COLUMNS]
    out = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    for r in rows:
        out.append("| " + " | ".join(fmt.format(r[k]) for k, _h, fmt in COLUMNS) + " |")
    return "\n".join(out)


def draw(rows: list[dict], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = list(dict.fromkeys(r["group"] for r in rows))
    metrics = [("heat_loss_kW", "heat loss, kW", "tab:red"),
               ("pump_power_kW", "pump hydraulic power, kW", "tab:blue"),
               ("max_pressure_bar", "max pressure, bar g", "tab:gray")]
    sizes = [sum(r["group"] == g for r in rows) for g in groups]
    fig, axes = plt.subplots(len(metrics), len(groups), figsize=(13, 9.5), layout="constrained",
                             sharey="row", gridspec_kw={"width_ratios": sizes}, squeeze=False)
    for j, g in enumerate(groups):
        sub = [r for r in rows if r["group"] == g]
        labels = [r["variant"].replace("uniform ", "").replace("telescoped", "800→400")
                  .replace(" (design)", "\n(design)") for r in sub]
        for i, (key, ylabel, colour) in enumerate(metrics):
            ax = axes[i][j]
            vals = [r[key] for r in sub]
            bars = ax.bar(range(len(sub)), vals, color=colour, alpha=0.75, width=0.65)
            for b, r in zip(bars, sub):
                if "(design)" in r["variant"]:
                    b.set_edgecolor("k")
                    b.set_linewidth(1.6)
                if r["failed_checks"]:
                    b.set_hatch("///")
            for k, (v, r) in enumerate(zip(vals, sub)):
                if key == "max_pressure_bar" and r["failed_checks"]:
                    ax.annotate(f"{r['failed_checks']} failed\nchecks", (k, v / 2), ha="center",
                                va="center", fontsize=8,
                                bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="0.5"))
                txt = f"{v:.0f}" if key != "max_pressure_bar" else f"{v:.1f}"
                if key == "heat_loss_kW":
                    txt += f"\n{r['heat_loss_pct']:.2f} %"
                ax.annotate(txt, (k, v), xytext=(0, 2), textcoords="offset points", ha="center",
                            va="bottom", fontsize=8)
            if key == "max_pressure_bar":
                ax.axhline(PN_BAR, color="k", ls="--", lw=1)
                if j == 0:
                    ax.annotate(f"PN{PN_BAR:.0f} limit", (0, PN_BAR), xytext=(-0.3, 3),
                                textcoords=("data", "offset points"), fontsize=8)
            ax.set_xticks(range(len(sub)))
            ax.set_xticklabels(labels if i == len(metrics) - 1 else [""] * len(sub), fontsize=8.5)
            ax.margins(y=0.22)
            ax.grid(True, axis="y", color="0.9")
            ax.set_axisbelow(True)
            if j == 0:
                ax.set_ylabel(ylabel)
            if i == 0:
                ax.set_title(g + (" (design pipes)" if g == "supply temperature" else ""))
    for ax in axes[-1]:
        ax.tick_params(axis="x", rotation=0)
    fig.suptitle("Oral heat main, design load (−31 °C): design alternatives  "
                 "(black edge = design; hatched = a design check fails)", fontsize=12)
    fig.savefig(path, dpi=150)
    plt.close(fig)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Oral heat-main design study (trunk DN, insulation, supply T).")
    ap.add_argument("--output-dir", default="out", help="output folder (default %(default)s)")
    ap.add_argument("--no-plot", action="store_true")
    ap.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    rows = run(Path(a.output_dir), plot=not a.no_plot)
    print(table_text(rows))
    if a.markdown:
        print()
        print(markdown_table(rows))
    for r in rows:
        if r["failed_checks"]:
            print(f"  {r['group']} / {r['variant']}: {r['failed_checks']} failed checks ({r['failed_checks_by_kind']})")
    out = Path(a.output_dir)
    print(f"-> {out / 'design_study.csv'}" + ("" if a.no_plot else f", {out / 'design_study.png'}")
          + f"; {len(rows)} solves in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
