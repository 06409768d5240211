"""The Oral example as `make run` runs it: examples/oral/run_design.py into a temporary folder.

Run: PYTHONPATH=build/python /usr/bin/python3 -m pytest -q tests/python/test_oral_example.py
"""
import csv
import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

heatnet = pytest.importorskip("heatnet")
pytest.importorskip("matplotlib")
pytest.importorskip("pandas")

ROOT = pathlib.Path(__file__).resolve().parents[2]
ORAL = ROOT / "examples" / "oral"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# Tolerances, declared once.
DP_CONTROL_ATOL_PA = 1.0         # the dp_control pump holds the set value (1.0 bar) to ~1 Pa
ENERGY_BALANCE_REL = 1e-6        # supplied = delivered + pipe losses, relative to supplied
RUN_TIMEOUT_S = 600


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("oral_out")
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, str(ORAL / "run_design.py"), "--output-dir", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(out / "oral_summary.csv", newline="", encoding="utf-8") as f:
        cases = {row["case"]: row for row in csv.DictReader(f)}
    return out, proc.stdout, cases


def test_outputs_exist(run):
    out, _stdout, _cases = run
    assert (out / "oral_design.h5").stat().st_size > 0
    for png in ("oral_piezometric.png", "oral_map.png"):
        assert (out / png).read_bytes()[:8] == PNG_MAGIC, png
    res = heatnet.read_results(out / "oral_design.h5")
    assert res.converged and len(res.ids("consumers")) == 189


def test_summary_is_printed(run):
    _out, stdout, _cases = run
    for text in ("heat delivered", "heat losses", "pump", "critical consumer", "C8-19-APT",
                 "pressure", "failed checks", "MW", "kW", "%", "part load"):
        assert text in stdout, text


def test_dp_control_holds_the_critical_consumer(run):
    out, _stdout, cases = run
    net = heatnet.Network.from_json(ORAL / "oral.json")
    pump = net.element("sources", "CHP")["pump"]
    assert pump["type"] == "dp_control"
    for name in ["oral_design.h5"] + sorted(p.name for p in out.glob("oral_part_load_*.h5")):
        res = heatnet.read_results(out / name)
        dp = dict(zip(res.ids("consumers"), res["consumers/dp_available"][-1]))
        assert dp[pump["consumer"]] == pytest.approx(pump["dp_bar"] * 1e5, abs=DP_CONTROL_ATOL_PA), name
        # ... and it is the critical consumer: nobody has less margin than it
        need = {c: (net.element("consumers", c)["min_dp_bar"] or 0.0) * 1e5 for c in dp}
        assert min(dp[c] - need[c] for c in dp) >= -DP_CONTROL_ATOL_PA, name
    assert cases["design"]["critical_consumer"] == pump["consumer"]


def _energy_balance(res):
    supplied = float(np.sum(res["sources/heat"][-1]))
    delivered = float(np.sum(res["consumers/heat"][-1]))
    losses = float(np.sum(res["pipes/heat_loss"][-1]))
    return abs(supplied - delivered - losses) / supplied


def test_energy_balance(run):
    out, _stdout, cases = run
    for path in [out / "oral_design.h5"] + list(out.glob("oral_part_load_*.h5")):
        assert _energy_balance(heatnet.read_results(path)) <= ENERGY_BALANCE_REL, path.name
    for case in cases.values():
        assert abs(float(case["energy_balance_rel"])) <= ENERGY_BALANCE_REL


def test_part_load_delivers_less_heat_at_a_lower_supply_temperature(run):
    out, _stdout, cases = run
    design = cases["design"]
    parts = [c for name, c in cases.items() if name.startswith("part load")]
    assert parts
    d_res = heatnet.read_results(out / "oral_design.h5")
    t_s0 = dict(zip(d_res.ids("nodes"), d_res["nodes/temperature"][-1]))["S0"]
    for c in parts:
        assert float(c["heat_delivered_MW"]) < float(design["heat_delivered_MW"])
        assert float(c["supply_temperature_C"]) < float(design["supply_temperature_C"])
        t_out = float(c["outdoor_C"])
        res = heatnet.read_results(out / f"oral_part_load_{t_out:+g}C.h5")
        t_pl = dict(zip(res.ids("nodes"), res["nodes/temperature"][-1]))["S0"]
        assert t_pl < t_s0
        assert float(np.sum(res["consumers/heat"][-1])) < float(np.sum(d_res["consumers/heat"][-1]))


def test_part_load_schedule_and_factors():
    sys.path.insert(0, str(ORAL))
    try:
        import part_load
    finally:
        sys.path.remove(str(ORAL))
    assert part_load.schedule(part_load.SUPPLY_SCHEDULE, -31.0) == pytest.approx(130.0)
    assert part_load.schedule(part_load.SUPPLY_SCHEDULE, 8.0) == pytest.approx(70.0)
    assert part_load.schedule(part_load.SUPPLY_SCHEDULE, -40.0) == pytest.approx(130.0)
    assert part_load.schedule(part_load.SUPPLY_SCHEDULE, 20.0) == pytest.approx(70.0)
    # design: factor 1; above the +8 C switch-off only the DHW share remains (APT 15 of 115 W/m2)
    assert part_load.demand_factor("APT", -31.0) == pytest.approx(1.0)
    assert part_load.demand_factor("APT", 12.0) == pytest.approx(15.0 / 115.0)
    # at +8 C the heating is still on: (20 - 8) / (20 + 31) of 100 W/m2, plus 15 W/m2 DHW
    assert part_load.demand_factor("APT", 8.0) == pytest.approx((100 * 12 / 51 + 15) / 115)


# --------------------------------------------------------------------------- GIS pipeline
HEATNET_BIN = pathlib.Path(os.environ.get("HEATNET_BIN", ROOT / "build" / "bin" / "heatnet"))


@pytest.mark.skipif(not HEATNET_BIN.exists(), reason=f"no CLI at {HEATNET_BIN}")
def test_oral_json_is_built_from_the_gis_layers(tmp_path):
    """examples/oral/build_oral.sh (import-geojson + size) reproduces the committed oral.json,
    and its design is oral_model's within one DN step per pipe (docs: examples/oral/README.md
    "Built from GIS layers": 3 of 306 pipes one step larger)."""
    out, report = tmp_path / "oral.json", tmp_path / "sizing.csv"
    run = subprocess.run(["sh", str(ORAL / "build_oral.sh"), str(out), str(report)], cwd=ROOT,
                         capture_output=True, text=True, env=dict(os.environ, HEATNET=str(HEATNET_BIN)))
    assert run.returncode == 0, run.stderr
    assert out.read_bytes() == (ORAL / "oral.json").read_bytes()
    assert report.read_bytes() == (ORAL / "sizing_report.csv").read_bytes()
    sys.path.insert(0, str(ORAL))
    try:
        import oral_model as om
        model = om.build_model()
    finally:
        sys.path.remove(str(ORAL))
    dns = [s.dn for s in om.load_catalogue(ORAL / "pipe_catalogue.csv")]
    by_bore = {round(s.inner_diameter_m, 5): s.dn for s in om.load_catalogue(ORAL / "pipe_catalogue.csv")}
    built = {p["id"]: by_bore[round(p["inner_diameter_m"], 5)]
             for p in json.loads(out.read_text())["pipes"]}
    steps = {}
    for e in model.layout.edges:
        for pid in (f"PS{e.num}", f"PR{e.num}"):
            steps[pid] = dns.index(built[pid]) - dns.index(e.size.dn)
    assert set(steps.values()) <= {0, 1}
    assert sorted(p for p, s in steps.items() if s and p.startswith("PS")) == ["PS156", "PS60", "PS7"]
