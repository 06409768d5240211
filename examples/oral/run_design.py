#!/usr/bin/env python3
"""Solve the Oral heat main at design and at part load; write results, summary and plots.

    make run          # = PYTHONPATH=build/python /usr/bin/python3 examples/oral/run_design.py --output-dir out

Writes into --output-dir:
  oral_design.h5               heatnet-results/1 file of the design case (-31 C, 130/70 C)
  oral_part_load_<T>C.h5       the same for each part-load case (default -6.8 C and +8 C)
  oral_summary.csv             one row per case: heat, losses, pump, pressures, margins, checks
  oral_piezometric.png         piezometric graph plant -> critical consumer (design)
  oral_map.png                 map of the supply side coloured by supply temperature (design)
  oral_map_pressure.png        the same coloured by supply pressure
  oral_design.geojson          the design results for GIS (heatnet export-geojson; UTM 39N, EPSG:32639)
  oral_gis_map.png             that GeoJSON drawn with geopandas: pipes by specific pressure loss,
                               substations by available differential pressure
and prints the summary of every case and a side-by-side comparison.

Part load: see part_load.py (demands scaled by (T_in - T_out)/(T_in - T_design) for space heating,
DHW share constant, supply/return temperatures from the schedule 130/70 C at -31 C -> 70/42 C at +8 C).
"""
from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

try:
    import heatnet
except ImportError as exc:  # pragma: no cover - a clear message instead of a traceback
    sys.exit(f"run_design.py: cannot import heatnet ({exc}). Build it (make build) and run with "
             "PYTHONPATH=build/python, as `make run` does.")

import part_load  # noqa: E402

SOURCE = "CHP"
CRS = "EPSG:32639"      # the CRS of examples/oral/gis/ and so of oral.json's x, y (make_gis_layers.py)


def gis_map(geojson: Path, png: Path) -> None:
    """The exported GeoJSON on a map (geopandas): what a GIS user sees after export-geojson."""
    import geopandas as gpd
    import matplotlib.pyplot as plt

    g = gpd.read_file(geojson)
    pipes = g[(g["kind"] == "pipe") & (g["side"] == "supply")]
    consumers = g[g["kind"] == "consumer"]
    plant = g[g["kind"] == "source"]
    fig, ax = plt.subplots(figsize=(12, 7.5))
    pipes.plot(ax=ax, column="friction_loss_Pa_m", cmap="viridis", vmin=0, vmax=250,
               linewidth=0.6 + 6 * pipes["inner_diameter_m"], legend=True,
               legend_kwds={"label": "specific pressure loss (friction), Pa/m", "shrink": 0.45,
                            "orientation": "horizontal", "pad": 0.02})
    consumers.plot(ax=ax, column="dp_available_bar", cmap="plasma", markersize=consumers["heat_kW"] / 60,
                   edgecolor="k", linewidth=0.3, legend=True,
                   legend_kwds={"label": "substation: available dp, bar (marker size: heat)",
                                "shrink": 0.45, "orientation": "horizontal", "pad": 0.1})
    plant.plot(ax=ax, marker="s", color="k", markersize=60)
    ax.set_title("Oral heat main, design (−31 °C): heatnet export-geojson read by geopandas")
    ax.set_xlabel(f"easting, m ({g.crs.to_string() if g.crs else 'local'})")
    ax.set_ylabel("northing, m")
    ax.set_aspect("equal")
    ax.ticklabel_format(style="plain", useOffset=False)
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    plt.close(fig)


def summarize(result, net, label: str = "", outdoor_C: float | None = None) -> dict:
    """The figures of one solve (SI inputs; kW, MW, bar, % in the output), as a flat dict."""
    s = result.summary
    src = result.table("sources").loc[SOURCE] if SOURCE in result.ids("sources") else \
        result.table("sources").iloc[0]
    cons = result.table("consumers")
    doc_cons = {c["id"]: c for c in net.to_dict()["consumers"]}
    crit = s["critical_consumer"]
    need = (doc_cons[crit].get("min_dp_bar") or 0.0) if crit in doc_cons else 0.0
    heat_supplied = s["heat_supplied_W"]
    checks = result.checks
    by_check = checks.groupby("check").size().to_dict() if len(checks) else {}
    src_def = net.element("sources", src.name)
    return {
        "case": label,
        "outdoor_C": outdoor_C,
        "supply_temperature_C": src_def["supply_temperature_C"],
        "heat_supplied_MW": heat_supplied / 1e6,
        "heat_delivered_MW": s["heat_delivered_W"] / 1e6,
        "heat_loss_kW": s["heat_loss_W"] / 1e3,
        "heat_loss_pct": 100.0 * s["heat_loss_W"] / heat_supplied if heat_supplied else math.nan,
        "plant_flow_kg_s": float(src["mass_flow"]),
        "plant_return_temperature_C": float(src["return_temperature"]),
        "pump_dp_bar": (src["supply_pressure"] - src["return_pressure"]) / 1e5,
        "pump_power_kW": s["pump_power_W"] / 1e3,
        "plant_supply_pressure_bar": src["supply_pressure"] / 1e5,
        "plant_return_pressure_bar": src["return_pressure"] / 1e5,
        "min_pressure_bar": s["min_pressure_Pa"] / 1e5,
        "min_pressure_node": s["min_pressure_node"],
        "max_pressure_bar": s["max_pressure_Pa"] / 1e5,
        "max_pressure_node": s["max_pressure_node"],
        "max_velocity_m_s": s["max_velocity_m_s"],
        "max_velocity_pipe": s["max_velocity_pipe"],
        "critical_consumer": crit,
        "critical_dp_bar": float(cons.loc[crit, "dp_available"]) / 1e5 if crit in cons.index else math.nan,
        "critical_required_dp_bar": need,
        "min_dp_margin_bar": s["min_consumer_dp_margin_Pa"] / 1e5,
        "min_boiling_margin_bar": s["min_boiling_margin_Pa"] / 1e5,
        "min_boiling_margin_node": s["min_boiling_margin_node"],
        "failed_checks": int(s["failed_checks"]),
        "failed_checks_by_kind": "; ".join(f"{k} {v}" for k, v in sorted(by_check.items())),
        "energy_balance_rel": s["energy_balance_rel"],
        "newton_iterations": result.report.iterations if result.report else None,
        "solve_time_s": result.wall_time_s,
    }


def print_summary(s: dict) -> None:
    head = f"== {s['case']}"
    if s["outdoor_C"] is not None:
        head += f" (outdoor {s['outdoor_C']:+.1f} C, plant supply {s['supply_temperature_C']:.1f} C)"
    print(head)
    rows = [
        ("heat delivered", f"{s['heat_delivered_MW']:.2f} MW (supplied {s['heat_supplied_MW']:.2f} MW, "
                           f"plant flow {s['plant_flow_kg_s']:.0f} kg/s, return {s['plant_return_temperature_C']:.1f} C)"),
        ("heat losses", f"{s['heat_loss_kW']:.0f} kW = {s['heat_loss_pct']:.2f} % of the heat supplied"),
        ("pump", f"dp {s['pump_dp_bar']:.2f} bar, hydraulic power {s['pump_power_kW']:.0f} kW"),
        ("critical consumer", f"{s['critical_consumer']}: dp {s['critical_dp_bar']:.3f} bar "
                              f"(required {s['critical_required_dp_bar']:.2f} bar, min margin "
                              f"{s['min_dp_margin_bar']:+.3f} bar)"),
        ("pressure", f"max {s['max_pressure_bar']:.2f} bar g at {s['max_pressure_node']}, "
                     f"min {s['min_pressure_bar']:.2f} bar g at {s['min_pressure_node']}"),
        ("boiling margin", f"{s['min_boiling_margin_bar']:.2f} bar at {s['min_boiling_margin_node']} "
                           "(p - p_sat(T), check >= 0.5 bar)"),
        ("max velocity", f"{s['max_velocity_m_s']:.2f} m/s in {s['max_velocity_pipe']}"),
        ("failed checks", f"{s['failed_checks']}" + (f" ({s['failed_checks_by_kind']})"
                                                     if s["failed_checks"] else "")),
        ("energy balance", f"{s['energy_balance_rel']:.1e} (relative)"),
        ("solver", f"{s['newton_iterations']} Newton iterations, {s['solve_time_s'] * 1e3:.0f} ms"),
    ]
    for k, v in rows:
        print(f"  {k:<18} {v}")


COMPARE = [  # (key, label, format)
    ("outdoor_C", "outdoor temperature, C", "{:+.1f}"),
    ("supply_temperature_C", "plant supply temperature, C", "{:.1f}"),
    ("heat_delivered_MW", "heat delivered, MW", "{:.2f}"),
    ("heat_loss_kW", "heat losses, kW", "{:.0f}"),
    ("heat_loss_pct", "heat losses, % of supplied", "{:.2f}"),
    ("plant_flow_kg_s", "plant flow, kg/s", "{:.0f}"),
    ("plant_return_temperature_C", "plant return temperature, C", "{:.1f}"),
    ("pump_dp_bar", "pump dp, bar", "{:.2f}"),
    ("pump_power_kW", "pump hydraulic power, kW", "{:.0f}"),
    ("plant_supply_pressure_bar", "plant supply pressure, bar g", "{:.2f}"),
    ("max_pressure_bar", "max pressure, bar g", "{:.2f}"),
    ("min_pressure_bar", "min pressure, bar g", "{:.2f}"),
    ("critical_consumer", "critical consumer", "{}"),
    ("min_dp_margin_bar", "min consumer dp margin, bar", "{:+.3f}"),
    ("min_boiling_margin_bar", "min boiling margin, bar", "{:.2f}"),
    ("max_velocity_m_s", "max velocity, m/s", "{:.2f}"),
    ("failed_checks", "failed checks", "{}"),
    ("energy_balance_rel", "energy balance (rel.)", "{:.1e}"),
]


def print_comparison(cases: list[dict]) -> None:
    print("\n== design vs part load")
    width = max(14, *(len(c["case"]) for c in cases))
    print(f"  {'':<30}" + "".join(f"{c['case']:>{width + 2}}" for c in cases))
    for key, label, fmt in COMPARE:
        cells = []
        for c in cases:
            v = c[key]
            cells.append("-" if v is None or (isinstance(v, float) and math.isnan(v)) else fmt.format(v))
        print(f"  {label:<30}" + "".join(f"{x:>{width + 2}}" for x in cells))


def write_csv(cases: list[dict], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(cases[0]))
        w.writeheader()
        for c in cases:
            w.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in c.items()})


def _case_label(t_out: float) -> str:
    return f"part load {t_out:+g} C"


def run_cases(network_path: Path, out_dir: Path, part_load_outdoor: list[float], plots: bool = True,
              verbose: bool = True) -> list[dict]:
    """Solve the design case and each part-load case; write the h5 files (and plots)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    net = heatnet.Network.from_json(network_path)
    t0 = time.perf_counter()
    res = heatnet.solve(net)
    t_solve = time.perf_counter() - t0
    res.to_hdf5(out_dir / "oral_design.h5")
    design = summarize(res, net, "design", part_load.DESIGN_OUTDOOR_C)
    cases = [design]
    if verbose:
        print(f"solved {network_path} in {t_solve:.2f} s -> {out_dir / 'oral_design.h5'}")
        print_summary(design)
    res.to_geojson(net, out_dir / "oral_design.geojson", crs=CRS)
    if verbose:
        print(f"GIS export -> {out_dir / 'oral_design.geojson'} ({CRS}; QGIS, geopandas)")
    if plots:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from heatnet import plot
        t0 = time.perf_counter()
        files = []
        import oral_model as om
        ax = plot.piezometric(res, net, file=out_dir / "oral_piezometric.png",
                              building_height_m=om.DesignParameters().building_height_m,
                              title=f"Oral heat main, design (−31 °C, 130/70 °C): piezometric graph "
                                    f"CHP → {design['critical_consumer']}")
        files.append("oral_piezometric.png")
        plt.close(ax.figure)
        ax = plot.network_map(res, net, quantity="temperature", file=out_dir / "oral_map.png",
                              title="Oral heat main, design (−31 °C): supply temperature")
        files.append("oral_map.png")
        plt.close(ax.figure)
        ax = plot.network_map(res, net, quantity="pressure", file=out_dir / "oral_map_pressure.png",
                              title="Oral heat main, design (−31 °C): supply pressure")
        files.append("oral_map_pressure.png")
        plt.close(ax.figure)
        try:
            gis_map(out_dir / "oral_design.geojson", out_dir / "oral_gis_map.png")
            files.append("oral_gis_map.png")
        except ImportError as exc:
            print(f"no GIS map ({exc}; Debian: apt-get install python3-geopandas)")
        if verbose:
            print(f"plots ({time.perf_counter() - t0:.1f} s): " + ", ".join(str(out_dir / f) for f in files))
    for t_out in part_load_outdoor:
        pnet = net.copy()
        used = part_load.apply_part_load(pnet, t_out, SOURCE)
        r = heatnet.solve(pnet)
        name = f"oral_part_load_{t_out:+g}C.h5"
        r.to_hdf5(out_dir / name)
        s = summarize(r, pnet, _case_label(t_out), t_out)
        cases.append(s)
        if verbose:
            f = used["factors"]
            print(f"\n{_case_label(t_out)}: supply {used['supply_C']:.1f} C, return {used['return_C']:.1f} C, "
                  "demand factors " + ", ".join(f"{k} {v:.3f}" for k, v in f.items()) + f" -> {out_dir / name}")
            print_summary(s)
    write_csv(cases, out_dir / "oral_summary.csv")
    return cases


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Solve the Oral heat main (design + part load), write results and plots.")
    ap.add_argument("--network", default=str(HERE / "oral.json"), help="network file (default %(default)s)")
    ap.add_argument("--output-dir", default="out", help="output folder (default %(default)s)")
    ap.add_argument("--part-load", type=float, action="append", metavar="T_OUT_C",
                    help="outdoor temperature of a part-load case, C (repeatable; default "
                         f"{part_load.HEATING_SEASON_MEAN_C:g} = heating-season mean and "
                         f"{part_load.HEATING_LIMIT_C:+g} = heating switch-off)")
    ap.add_argument("--no-part-load", action="store_true", help="design case only")
    ap.add_argument("--no-plots", action="store_true", help="skip the PNG files")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    outdoor = [] if a.no_part_load else (a.part_load or [part_load.HEATING_SEASON_MEAN_C,
                                                         part_load.HEATING_LIMIT_C])
    cases = run_cases(Path(a.network), Path(a.output_dir), outdoor, plots=not a.no_plots)
    if len(cases) > 1:
        print_comparison(cases)
    print(f"\nsummary table -> {Path(a.output_dir) / 'oral_summary.csv'}; total {time.perf_counter() - t0:.1f} s")
    failed = [c["case"] for c in cases if c["failed_checks"]]
    if failed:
        print("NOTE: design checks failed in: " + ", ".join(failed) + " (see result.checks / the h5 /checks table)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
