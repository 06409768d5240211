"""heatnet.simulate (python/heatnet/_simulate.py, python/bind_simulate.cpp): the Python side of
the time series. Mirrors the C++ tests: zero-copy [time, element] arrays that survive the
result, the same numbers as the CLI file, plug flow's transport delay, a KeyboardInterrupt in
the callback leaving a valid file with complete = 0, tables as profiles, errors as InputError.

Run: PYTHONPATH=build/python /usr/bin/python3 -m pytest -q tests/python/test_simulate_api.py
"""
import gc
import math
import threading
import time
from pathlib import Path

import pytest

import numpy as np
import h5py
import heatnet

REPO = Path(__file__).resolve().parents[2]
ORAL = REPO / "examples" / "oral" / "oral.json"
PROFILES = REPO / "examples" / "oral" / "annual_profiles.csv"


@pytest.fixture(scope="module")
def oral():
    return heatnet.Network.from_json(str(ORAL))


def long_pipe(length=2000.0, diameter=0.1, u=0.4, flow=5.0):
    net = heatnet.Network(name="pipe", settings={
        "ambient_temperature_C": 8.0,
        "fluid": {"density_kg_m3": 1000.0, "kinematic_viscosity_m2_s": 4e-7,
                  "specific_heat_J_kgK": 4200.0}})
    for n in ("S", "C", "CR", "R"):
        net.add_node(n)
    net.add_pipe("SUP", from_="S", to="C", length_m=length, inner_diameter_m=diameter,
                 roughness_mm=0.1, heat_loss_W_mK=u)
    net.add_pipe("RET", from_="CR", to="R", length_m=10, inner_diameter_m=diameter,
                 roughness_mm=0.1)
    net.add_source("PLANT", supply_node="S", return_node="R", supply_temperature_C=80,
                   return_pressure_bar=2.0, pump={"type": "fixed_dp", "dp_bar": 3.0})
    net.add_consumer("CONS", supply_node="C", return_node="CR", mass_flow_kg_s=flow,
                     return_temperature_C=40)
    return net


def test_simulate_keeps_zero_copy_arrays_and_matches_the_file(oral, tmp_path):
    out = tmp_path / "six.h5"
    res = heatnet.simulate(oral, PROFILES, output=out, max_steps=6)
    assert res.complete and res.converged
    assert res.summary.steps_done == 6 and res.summary["steps_done"] == 6
    q = res["pipes/mass_flow"]
    assert q.shape == (6, len(res.result.ids("pipes")))
    assert not q.flags.writeable
    assert np.shares_memory(q, res.result["pipes/mass_flow"])  # a view, not a copy
    base_view = res.result["consumers/heat"]
    del res
    gc.collect()
    assert np.isfinite(base_view).all()  # the view keeps the C++ buffer alive
    with h5py.File(out, "r") as f:
        assert f.attrs["complete"] == 1
        assert f.attrs["thermal_model"] == "quasi_static"
        np.testing.assert_array_equal(f["pipes/mass_flow"][:], q)


def test_summary_sums_equal_the_arrays(oral):
    res = heatnet.simulate(oral, PROFILES, max_steps=24)
    dt_h = np.diff(res.time) / 3600.0
    dt_h = np.append(dt_h, dt_h[-1])
    delivered = (res["consumers/heat"].sum(axis=1) * dt_h).sum() * 1e-6
    assert res.summary.heat_delivered_MWh == pytest.approx(delivered, rel=1e-12)


def test_plug_flow_delays_a_supply_step():
    net = long_pipe()
    dt_h, steps, t_step = 0.05, 80, 0.5
    t = np.arange(steps) * dt_h
    table = {"time_h": t, "supply_temperature_C:PLANT": np.where(t < t_step - 1e-9, 80.0, 100.0)}
    res = heatnet.simulate(net, table, thermal_model="plug_flow")
    qs = heatnet.simulate(net, table)
    transit = 1000.0 * math.pi * 0.05**2 * 2000.0 / 5.0  # M / m, s
    a = res.step_arrival
    assert a is not None and a.source == "PLANT" and a.step_K == pytest.approx(20.0)
    assert abs(a.delay_s[0] - transit) <= dt_h * 3600
    assert a.consumer_ids == ["CONS"]
    assert qs.step_arrival.delay_s[0] == pytest.approx(0.0, abs=1e-6)
    # attenuated new level after arrival: T_amb + (T_new - T_amb) exp(-U L / (m cp))
    ts = res["consumers/supply_temperature"][:, 0]
    expected = 8.0 + (100.0 - 8.0) * math.exp(-0.4 * 2000.0 / (5.0 * 4200.0))
    assert ts[-1] == pytest.approx(expected, abs=1e-9)
    # before the arrival the consumer still sees the old water, quasi-static does not
    k = int((t_step * 3600 + 0.5 * transit) / (dt_h * 3600))
    assert ts[k] < 80.0 and qs["consumers/supply_temperature"][k, 0] > 90.0
    assert res.summary.thermal_model == "plug_flow"
    assert res.summary.max_energy_balance_rel < 1e-9


def test_keyboard_interrupt_in_callback_leaves_valid_incomplete_file(oral, tmp_path):
    out = tmp_path / "stopped.h5"
    seen = []

    def callback(info):
        seen.append(info.step)
        if info.step == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        heatnet.simulate(oral, PROFILES, output=out, max_steps=12, callback=callback,
                         thermal_model="plug_flow")
    assert seen == [0, 1, 2, 3]
    with h5py.File(out, "r") as f:
        assert f.attrs["complete"] == 0
        assert f.attrs["steps_done"] == 4
        assert f["time"].shape == (4,)
    assert [p.name for p in tmp_path.iterdir()] == ["stopped.h5"]  # no staging leftovers


def test_callback_false_stops(oral):
    res = heatnet.simulate(oral, PROFILES, max_steps=10, callback=lambda s: s.step < 2)
    assert res.summary.steps_done == 3 and not res.complete
    assert res.result.steps == 3


def test_gil_is_released_during_the_run(oral):
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.002)

    th = threading.Thread(target=ticker)
    th.start()
    try:
        start = time.perf_counter()
        heatnet.simulate(oral, PROFILES, max_steps=400, keep_result=False)
        end = time.perf_counter()
    finally:
        stop.set()
        th.join()
    # with the GIL held the ticker would stop for the whole run; released, it ticks about
    # every 2 ms (a quarter of that leaves room for a loaded machine)
    during = [t for t in ticks if start < t < end]
    assert len(during) >= max(3, 0.25 * (end - start) / 0.002)


def test_bad_profiles_are_input_errors(oral, tmp_path):
    with pytest.raises(heatnet.InputError) as e:
        heatnet.simulate(oral, {"time_h": [0, 1], "demand_factor:*-XYZ": [1.0, 1.0]})
    assert "XYZ" in str(e.value)
    with pytest.raises(ValueError):
        heatnet.simulate(oral, PROFILES, thermal_model="dynamic")
    with pytest.raises(TypeError):
        heatnet.simulate(oral, PROFILES, warm_start=False)
    assert not list(tmp_path.iterdir())


def test_dataframe_profiles_with_schedules(oral):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"time_h": [0.0, 1.0, 2.0], "outdoor_temperature_C": [-20.0, -10.0, 0.0]})
    res = heatnet.simulate(oral, df, schedules={"supply_temperature_C:CHP": [[-31, 130], [8, 70]]})
    assert res.converged and res.result.steps == 3
