"""Substations that cannot get what they ask for: under-supply is a result (issue: the README's
two-pipe demo with its consumer at 20 MW on DN80 'converged' with 136 kg/s through the consumer
and dp_available = -497 bar, i.e. the substation pumped)."""
import math
import os
import subprocess

import numpy as np

import heatnet


def readme_demo(heat_kW: float, **consumer) -> heatnet.Network:
    net = heatnet.Network(name="demo", settings={"ambient_temperature_C": 8.0})
    for n in ("S0", "S1", "R0", "R1"):
        net.add_node(n, elevation_m=10.0)
    for pid, a, b in (("SP1", "S0", "S1"), ("RP1", "R1", "R0")):
        net.add_pipe(pid, from_=a, to=b, length_m=300, inner_diameter_m=0.08,
                     roughness_mm=0.05, heat_loss_W_mK=0.3)
    net.add_source("PLANT", supply_node="S0", return_node="R0", supply_temperature_C=90,
                   return_pressure_bar=2.0, pump={"type": "fixed_dp", "dp_bar": 1.5})
    net.add_consumer("C1", supply_node="S1", return_node="R1", heat_demand_kW=heat_kW,
                     return_temperature_C=55, **consumer)
    return net


def test_an_impossible_demand_is_under_supplied_and_never_pumps():
    r = heatnet.solve(readme_demo(20_000))
    c = r.table("consumers").loc["C1"]
    assert c["dp_available"] >= 0.0            # the substation never pumps
    assert c["heat_demand"] == 20e6
    assert 0 < c["heat"] < 0.5 * c["heat_demand"]
    # what the network can push through DN80 with 1.5 bar: far below the 136 kg/s of old
    assert c["mass_flow"] < 30.0
    s = r.summary
    assert s["under_supplied"] == 1 and s["worst_supplied_consumer"] == "C1"
    assert math.isclose(s["heat_missing_W"], c["heat_demand"] - c["heat"], rel_tol=1e-12)
    checks = r.checks
    row = checks[checks.check == "under_supplied"].iloc[0]
    assert row.element_id == "C1" and row.value == c["heat"] and row.limit == 20e6
    assert "under-supplied" in r.report.message
    assert s["energy_balance_rel"] <= 1e-9


def test_max_mass_flow_caps_the_flow():
    r = heatnet.solve(readme_demo(20_000, max_mass_flow_kg_s=5.0))
    c = r.table("consumers").loc["C1"]
    assert abs(c["mass_flow"] - 5.0) <= 5.0 * 1e-9
    assert c["heat"] < c["heat_demand"]


def test_a_served_consumer_is_not_reported():
    r = heatnet.solve(readme_demo(200, kvs_m3_h=25.0))
    c = r.table("consumers").loc["C1"]
    assert abs(c["heat"] - 200e3) <= 200e3 * 1e-6
    assert r.summary["under_supplied"] == 0
    assert (r.checks.check != "under_supplied").all()


def test_cli_prints_the_under_supply_line(tmp_path):
    net_file = tmp_path / "demo.json"
    readme_demo(20_000).to_json(str(net_file))
    out = subprocess.run([os.environ.get("HEATNET_BIN", "heatnet"), "solve", str(net_file), "-o",
                          str(tmp_path / "demo.h5")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "under-supply: 1 consumer gets less than asked" in out.stdout
    assert "worst 'C1'" in out.stdout


def test_substation_keys_round_trip(tmp_path):
    net = readme_demo(200, kvs_m3_h=12.5, max_mass_flow_kg_s=3.0)
    path = tmp_path / "n.json"
    net.to_json(str(path))
    again = heatnet.Network.from_json(str(path))
    c = [x for x in again.to_dict()["consumers"] if x["id"] == "C1"][0]
    assert c["kvs_m3_h"] == 12.5 and c["max_mass_flow_kg_s"] == 3.0
