"""heatnet.sweep (python/heatnet/sweep.py; docs/sweeps.md): 20 scenarios (supply temperature x
trunk diameter x load year) give the same table serially, on a local process pool, on
threads, and on a Dask cluster of two worker processes (LocalCluster, processes=True).

Run: PYTHONPATH=build/python /usr/bin/python3 -m pytest -q tests/python/test_sweep.py
"""
import pytest

import pandas as pd
import heatnet
sweep = heatnet.sweep

SCENARIOS = sweep.grid(supply_C=[80.0, 90.0, 100.0, 110.0, 120.0], trunk_mm=[150.0, 200.0],
                       year=[2025, 2035])
RESULT_COLUMNS = ["heat_loss_W", "heat_supplied_W", "pump_power_W", "max_velocity_m_s"]


def build(s):
    """A small branched network; the load grows 15 % from 2025 to 2035."""
    net = heatnet.Network(name=f"sweep-{s['supply_C']}-{s['trunk_mm']}-{s['year']}",
                          settings={"ambient_temperature_C": 8.0})
    load = 1.0 if s["year"] == 2025 else 1.15
    for n in ("S0", "S1", "R0", "R1"):
        net.add_node(n)
    for side, a, b in (("S", "S0", "S1"), ("R", "R1", "R0")):
        net.add_pipe(f"{side}P0", from_=a, to=b, length_m=800, inner_diameter_m=s["trunk_mm"] / 1e3,
                     roughness_mm=0.05, heat_loss_W_mK=0.35)
    for i in range(4):
        net.add_node(f"S2{i}")
        net.add_node(f"R2{i}")
        net.add_pipe(f"SB{i}", from_="S1", to=f"S2{i}", length_m=200 + 50 * i, inner_diameter_m=0.08,
                     roughness_mm=0.05, heat_loss_W_mK=0.3)
        net.add_pipe(f"RB{i}", from_=f"R2{i}", to="R1", length_m=200 + 50 * i, inner_diameter_m=0.08,
                     roughness_mm=0.05, heat_loss_W_mK=0.3)
        net.add_consumer(f"C{i}", supply_node=f"S2{i}", return_node=f"R2{i}",
                         heat_demand_kW=300 * load * (1 + 0.2 * i), return_temperature_C=50)
    net.add_source("PLANT", supply_node="S0", return_node="R0", supply_temperature_C=s["supply_C"],
                   return_pressure_bar=2.0, pump={"type": "fixed_dp", "dp_bar": 2.5})
    return net


def evaluate(net, s):
    r = heatnet.solve(net, warm_start=False)
    return {k: r.summary[k] for k in RESULT_COLUMNS}


@pytest.fixture(scope="module")
def serial():
    df = sweep.run(SCENARIOS, build=build, evaluate=evaluate)
    assert len(df) == 20 and df["error"].isna().all()
    return df


def same(a, b):
    pd.testing.assert_frame_equal(a[["supply_C", "trunk_mm", "year"] + RESULT_COLUMNS],
                                  b[["supply_C", "trunk_mm", "year"] + RESULT_COLUMNS],
                                  check_exact=True)


def test_serial_table_shape(serial):
    assert list(serial.columns[:3]) == ["supply_C", "trunk_mm", "year"]
    # physics sanity: a hotter supply loses more heat; a wider trunk needs less pump power
    hot = serial[(serial.supply_C == 120) & (serial.trunk_mm == 200) & (serial.year == 2025)]
    cold = serial[(serial.supply_C == 80) & (serial.trunk_mm == 200) & (serial.year == 2025)]
    assert hot.heat_loss_W.iloc[0] > cold.heat_loss_W.iloc[0]


def test_processes_equal_serial(serial):
    same(sweep.run(SCENARIOS, build=build, evaluate=evaluate, executor="processes",
                   max_workers=2), serial)


def test_threads_equal_serial(serial):
    same(sweep.run(SCENARIOS, build=build, evaluate=evaluate, executor="threads",
                   max_workers=2), serial)


def test_dask_local_cluster_equals_serial(serial):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        # closures travel with cloudpickle: workers need heatnet importable, nothing else
        df = sweep.run(SCENARIOS, build=lambda s: build(s), evaluate=lambda n, s: evaluate(n, s),
                       executor=client)
        workers = set(df["worker"])
    same(df, serial)
    assert df["error"].isna().all()
    assert len(workers) == 2  # both worker processes took scenarios


def test_errors_are_captured_or_raised():
    def bad_build(s):
        if s["x"] == 1:
            raise ValueError("no network for x = 1")
        return build({"supply_C": 90.0, "trunk_mm": 200.0, "year": 2025})

    df = sweep.run(sweep.grid(x=[0, 1, 2]), build=bad_build, evaluate=evaluate)
    assert df["error"].isna().tolist() == [True, False, True]
    assert "no network for x = 1" in df["error"][1]
    with pytest.raises(ValueError):
        sweep.run(sweep.grid(x=[1]), build=bad_build, evaluate=evaluate, errors="raise")


def test_networks_pickle_as_json():
    import pickle

    net = build(SCENARIOS[0])
    assert pickle.loads(pickle.dumps(net)) == net
