"""The Python API (heatnet package): building networks, zero-copy results, errors, threads,
pickling, DataFrames, modify-and-resolve, HDF5.

Run: PYTHONPATH=build/python /usr/bin/python3 -m pytest -q tests/python
"""
import concurrent.futures
import gc
import json
import math
import pathlib
import pickle
import subprocess
import sys

import numpy as np
import pytest

import heatnet
import pandas as pd

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SMALL = DATA / "small_dh.json"
ORAL = ROOT / "examples" / "oral" / "oral.json"

# Agreement between solves that differ only in starting point / path to the answer. Newton
# stops at a 1e-9 relative flow change, but a coupled solve's flows are only as settled as its
# temperatures (1e-6 K): a consumer's flow m = Q / (cp (Ts - Tr)) moves by 1e-6 / (Ts - Tr),
# ~5e-8 relative at a 20 K difference. 1e-7 covers both paths' errors.
RTOL = 1e-7
ATOL = {"Pa": 1e-3, "m": 1e-7, "degC": 1e-6, "kg/s": 1e-9, "m/s": 1e-9, "W": 1e-3, "-": 1e-6}


def build_small_dh():
    """tests/data/small_dh.json, written in Python."""
    net = heatnet.Network(
        name="small district heating test net",
        description="One plant (fixed dp pump), a supply and a return line of 2 pipes each, "
                    "two consumers. Used by tests/python/test_results_h5py.py.",
        settings={"fluid": "water", "friction": "colebrook", "ambient_temperature_C": 8.0,
                  "temperature_C": 70.0})
    for node, z in [("S0", 10.0), ("S1", 12.0), ("S2", 15.0), ("R0", 10.0), ("R1", 12.0),
                    ("R2", 15.0)]:
        net.add_node(node, elevation_m=z)
    net.add_pipe("SP1", from_="S0", to="S1", length_m=300.0, inner_diameter_m=0.0825,
                 roughness_mm=0.05, heat_loss_W_mK=0.3)
    net.add_pipe("SP2", **{"from": "S1"}, to="S2", length_m=250.0, inner_diameter_m=0.0703,
                 roughness_mm=0.05, heat_loss_W_mK=0.25)
    net.add_pipe("RP2", from_="R2", to="R1", length_m=250.0, inner_diameter_m=0.0703,
                 roughness_mm=0.05, heat_loss_W_mK=0.25)
    net.add_pipe("RP1", from_="R1", to="R0", length_m=300.0, inner_diameter_m=0.0825,
                 roughness_mm=0.05, heat_loss_W_mK=0.3)
    net.add_source("PLANT", supply_node="S0", return_node="R0", supply_temperature_C=90.0,
                   return_pressure_bar=2.0, pump={"type": "fixed_dp", "dp_bar": 1.5})
    net.add_consumer("C1", supply_node="S1", return_node="R1", heat_demand_kW=200.0,
                     return_temperature_C=55.0, min_dp_bar=0.5)
    net.add_consumer("C2", supply_node="S2", return_node="R2", heat_demand_kW=150.0,
                     return_temperature_C=50.0, min_dp_bar=0.5)
    return net


def assert_same_results(a, b, rtol=RTOL, exact=False):
    assert a.keys() == b.keys()
    for group in heatnet.GROUPS:
        assert a.ids(group) == b.ids(group)
    for path in a.keys():
        x, y = a[path], b[path]
        assert x.shape == y.shape, path
        if exact:
            np.testing.assert_array_equal(x, y, err_msg=path)
        else:
            np.testing.assert_allclose(x, y, rtol=rtol, atol=ATOL[a.unit(path)], err_msg=path)


@pytest.fixture(scope="module")
def small_result():
    return heatnet.solve(heatnet.Network.from_json(SMALL))


# ------------------------------------------------------------------------ building
def test_python_build_equals_json():
    py_net = build_small_dh()
    json_net = heatnet.Network.from_json(SMALL)
    assert py_net == json_net  # same NetworkDefinition
    assert py_net.to_json_text() == json_net.to_json_text()
    assert_same_results(heatnet.solve(py_net), heatnet.solve(json_net), exact=True)


def test_json_round_trip(tmp_path):
    net = build_small_dh()
    out = tmp_path / "net.json"
    net.to_json(out)
    back = heatnet.Network.from_json(out)
    assert back == net
    assert json.loads(out.read_text())["format"] == heatnet.NETWORK_FORMAT
    assert net.to_dict()["pipes"][1]["from"] == "S1"


def test_dataframe_construction():
    ref = heatnet.Network.from_json(SMALL)
    nodes = pd.DataFrame({"id": ["S0", "S1", "S2", "R0", "R1", "R2"],
                          "elevation_m": [10.0, 12.0, 15.0, 10.0, 12.0, 15.0]})
    pipes = pd.DataFrame({
        "id": ["SP1", "SP2", "RP2", "RP1"], "from": ["S0", "S1", "R2", "R1"],
        "to": ["S1", "S2", "R1", "R0"], "length_m": [300.0, 250.0, 250.0, 300.0],
        "inner_diameter_m": [0.0825, 0.0703, 0.0703, 0.0825], "roughness_mm": 0.05,
        "heat_loss_W_mK": [0.3, 0.25, 0.25, 0.3],
        "ambient_temperature_C": np.nan})  # empty cells: not given
    sources = pd.DataFrame({"id": ["PLANT"], "supply_node": ["S0"], "return_node": ["R0"],
                            "supply_temperature_C": [90.0], "return_pressure_bar": [2.0],
                            "pump.type": ["fixed_dp"], "pump.dp_bar": [1.5]})
    consumers = pd.DataFrame({"id": ["C1", "C2"], "supply_node": ["S1", "S2"],
                              "return_node": ["R1", "R2"], "heat_demand_kW": [200.0, 150.0],
                              "mass_flow_kg_s": [None, None],
                              "return_temperature_C": [55.0, 50.0], "min_dp_bar": 0.5})
    net = heatnet.Network.from_dataframes(nodes=nodes, pipes=pipes, sources=sources,
                                          consumers=consumers, name=ref.name,
                                          description=ref.description, settings=ref.settings)
    assert net == ref
    # the definition tables read back into the same network (index = id, pump as dicts)
    tables = {k: ref.table(k) for k in ("nodes", "pipes", "sources", "consumers")}
    assert list(tables["pipes"].index) == ["SP1", "SP2", "RP2", "RP1"]
    assert tables["pipes"].loc["SP2", "inner_diameter_m"] == 0.0703
    again = heatnet.Network.from_dataframes(**tables, name=ref.name, description=ref.description,
                                            settings=ref.settings)
    assert again == ref


def test_dataframes_columnwise_path_equals_adding_row_by_row():
    # plain text/number tables go column by column (no Python loop per row); the result must
    # be what add_node/add_pipe give row by row, NaN meaning "not given"
    n = 50
    rng = np.random.default_rng(3)
    elevation = rng.uniform(0, 30, n)
    elevation[::7] = np.nan
    x = rng.uniform(0, 1e3, n)
    x[::5] = np.nan
    nodes = pd.DataFrame({"id": [f"N{i}" for i in range(n)], "elevation_m": elevation, "x": x,
                          "demand_kg_s": np.arange(n)})  # ints are numbers
    pipes = pd.DataFrame({"id": [f"P{i}" for i in range(n - 1)],
                          "from_": [f"N{i}" for i in range(n - 1)],
                          "to": [f"N{i + 1}" for i in range(n - 1)], "length_m": 100,
                          "inner_diameter_m": 0.1, "roughness_mm": 0.05,
                          "hazen_williams_c": np.where(np.arange(n - 1) % 3, 120.0, np.nan)})
    fast = heatnet.Network.from_dataframes(nodes=nodes, pipes=pipes)
    slow = heatnet.Network()
    for row in nodes.itertuples(index=False):
        slow.add_node(row.id, **{k: getattr(row, k) for k in ("elevation_m", "x", "demand_kg_s")
                                 if not np.isnan(getattr(row, k))})
    for row in pipes.itertuples(index=False):
        extra = {} if np.isnan(row.hazen_williams_c) else {"hazen_williams_c": row.hazen_williams_c}
        slow.add_pipe(row.id, from_=row.from_, to=row.to, length_m=row.length_m,
                      inner_diameter_m=row.inner_diameter_m, roughness_mm=row.roughness_mm,
                      **extra)
    assert fast == slow
    assert fast.element("node", "N3")["demand_kg_s"] == 3.0
    # a required number left empty, or a repeated id: the row path words the error
    with pytest.raises(heatnet.InputError, match="length_m"):
        heatnet.Network.from_dataframes(nodes=nodes, pipes=pipes.assign(
            length_m=np.where(np.arange(n - 1) == 4, np.nan, 100.0)))
    with pytest.raises(heatnet.NetworkError, match="duplicate"):
        heatnet.Network.from_dataframes(nodes=pd.concat([nodes, nodes.iloc[:1]]))


def test_dataframe_unknown_column_is_type_error():
    with pytest.raises(TypeError, match="lenght_m"):
        heatnet.Network.from_dataframes(nodes=pd.DataFrame({"id": ["A"], "lenght_m": [1.0]}))


def test_add_requires_fields_and_types():
    net = heatnet.Network()
    net.add_node("A")
    with pytest.raises(heatnet.InputError) as e:
        net.add_pipe("P1", from_="A", to="B", inner_diameter_m=0.1, roughness_mm=0.1)
    assert (e.value.code, e.value.element_kind, e.value.element_id, e.value.field) == \
        ("missing_field", "pipe", "P1", "length_m")
    assert str(e.value) == "pipe 'P1': length_m; missing required key"
    with pytest.raises(heatnet.InputError) as e:
        net.add_pipe("P1", from_="A", to="B", length_m="long", inner_diameter_m=0.1,
                     roughness_mm=0.1)
    assert e.value.code == "wrong_type" and "expected a number, got string" in str(e.value)
    with pytest.raises(TypeError, match="colour"):
        net.add_node("B", colour="red")
    with pytest.raises(heatnet.NetworkError) as e:
        net.add_node("A")
    assert e.value.code == "duplicate_id" and e.value.element_id == "A"
    with pytest.raises(heatnet.InputError) as e:
        net.add_valve("V", from_="A", to="A", type="sometimes")
    assert e.value.field == "type" and "'sometimes'" in str(e.value)
    with pytest.raises(heatnet.InputError) as e:
        heatnet.Network(settings={"frcition": "colebrook"})
    assert e.value.code == "unknown_field" and "frcition" in str(e.value)
    assert net.count("pipes") == 0  # failed adds leave nothing behind


def test_help_explains_units():
    doc = heatnet.Network.add_pipe.__doc__
    for text in ("length_m", "in m", "roughness_mm", "in mm", "W/(m K)"):
        assert text in doc
    assert "kW" in heatnet.Network.add_consumer.__doc__
    assert "bar" in heatnet.Network.add_source.__doc__


# ------------------------------------------------------------------------ results, zero copy
def test_result_arrays_are_zero_copy_views(small_result):
    r = small_result
    a = r["pipes/mass_flow"]
    b = r["pipes/mass_flow"]
    assert a.shape == (1, len(r.ids("pipes"))) and a.dtype == np.float64
    assert np.shares_memory(a, b)
    assert a.base is not None and a.base is b.base  # the C++ Result's Python object
    assert not a.flags.writeable and not a.flags.owndata
    with pytest.raises(ValueError):
        a[0, 0] = 1.0
    assert a.flags.c_contiguous


def test_views_survive_the_result():
    r = heatnet.solve(heatnet.Network.from_json(SMALL))
    a = r["nodes/pressure"]
    t = r.time
    expected = a.copy()
    del r
    gc.collect()
    # churn the allocator: a dangling view would now read garbage
    junk = [np.full(1000, 7.0) for _ in range(100)]
    heatnet.solve(heatnet.Network.from_json(SMALL))
    np.testing.assert_array_equal(a, expected)
    assert t.tolist() == [0.0]
    del junk


def test_result_tables_and_metadata(small_result):
    r = small_result
    df = r.table("pipes")
    assert list(df.index) == r.ids("pipes") == ["SP1", "SP2", "RP2", "RP1"]
    assert df.index.name == "id"
    assert set(df.columns) == {n for g, n, _u, _d in heatnet.RESULT_FIELDS if g == "pipes"}
    np.testing.assert_array_equal(df["mass_flow"].to_numpy(), r["pipes/mass_flow"][-1])
    assert df.attrs["units"]["mass_flow"] == "kg/s"
    heat = r.table("consumers")["heat"]
    assert heat["C1"] == pytest.approx(200e3, rel=1e-6)
    assert r.unit("nodes/pressure") == "Pa"
    assert "pipes/mass_flow" in r and "pipes/nope" not in r
    assert r.converged and r.complete and r.steps == 1
    assert r.network_name == "small district heating test net"
    rep = r.report
    assert rep.converged and rep.status == "converged" and rep.iterations >= 1
    assert rep.outer_iterations >= 1 and rep.backend
    assert len(rep.history) == rep.iterations
    assert len(rep.residual_history) == rep.iterations
    assert set(rep.timings) >= {"analyse_s", "factorise_s", "total_s"}
    assert rep.brief() in rep.full() and "outer" in rep.full()
    assert list(rep.history_table().columns)[:2] == ["outer", "iteration"]
    assert r.summary["heat_delivered_W"] == pytest.approx(350e3, rel=1e-6)
    checks = r.checks
    assert list(checks.columns) == ["time_index", "element_kind", "element_id", "check",
                                    "value", "limit"]
    assert len(checks) == r.summary["failed_checks"]
    with pytest.raises(heatnet.Error) as e:
        r["pipes/nope"]
    assert e.value.code == "unknown_reference"


def test_design_checks_table():
    net = heatnet.Network.from_json(SMALL)
    r = heatnet.solve(net, limits={"max_velocity_m_s": 0.3, "max_pressure_bar": 3.0})
    checks = r.checks
    assert set(checks["check"]) == {"max_velocity", "max_pressure"}
    v = checks[checks["check"] == "max_velocity"]
    assert set(v["element_id"]) == {"SP1", "RP1"}
    assert (v["limit"] == 0.3).all()
    assert (checks[checks["check"] == "max_pressure"]["limit"] == 3e5).all()  # SI


def test_hdf5_round_trip_matches_cli(tmp_path, small_result):
    out = tmp_path / "r.h5"
    small_result.to_hdf5(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.h5"]
    back = heatnet.read_results(out)
    assert_same_results(small_result, back, exact=True)
    assert back.network_name == small_result.network_name
    assert back.input_sha256 == small_result.input_sha256
    # a network read from a file carries the file's hash, like the CLI
    assert small_result.input_sha256 == heatnet._heatnet.sha256_hex(SMALL.read_bytes())
    assert back.report is None and back.summary is None and back.converged
    h5py = pytest.importorskip("h5py")
    with h5py.File(out, "r") as f:
        assert f.attrs["format"] == heatnet.RESULTS_FORMAT
        np.testing.assert_array_equal(f["pipes/mass_flow"][()], small_result["pipes/mass_flow"])
    cli = ROOT / "build" / "bin" / "heatnet"
    if cli.exists():
        cli_out = tmp_path / "cli.h5"
        run = subprocess.run([str(cli), "solve", str(SMALL), "-o", str(cli_out), "--quiet"],
                             capture_output=True, timeout=120)
        if run.returncode == 0:
            assert_same_results(heatnet.read_results(cli_out), back, exact=True)


def test_read_results_errors(tmp_path):
    with pytest.raises(heatnet.IoError) as e:
        heatnet.read_results(tmp_path / "absent.h5")
    assert isinstance(e.value, OSError) and e.value.code == "io_error"
    assert "absent.h5" in str(e.value)
    bad = tmp_path / "bad.h5"
    bad.write_bytes(b"not hdf5")
    with pytest.raises(heatnet.InputError):
        heatnet.read_results(bad)


# ------------------------------------------------------------------------ errors
def test_exception_hierarchy():
    assert issubclass(heatnet.NetworkError, heatnet.Error)
    assert issubclass(heatnet.NetworkError, ValueError)
    assert issubclass(heatnet.InputError, heatnet.NetworkError)
    assert issubclass(heatnet.IoError, heatnet.Error) and issubclass(heatnet.IoError, OSError)
    assert issubclass(heatnet.ConvergenceError, heatnet.Error)
    assert issubclass(heatnet.ConvergenceError, RuntimeError)


def test_network_error_from_cpp():
    net = build_small_dh()
    net.set_pipe("SP1", inner_diameter_m=-0.1)
    with pytest.raises(heatnet.NetworkError) as e:
        heatnet.solve(net)
    err = e.value
    assert type(err) is heatnet.NetworkError
    assert (err.code, err.element_kind, err.element_id, err.field) == \
        ("invalid_value", "pipe", "SP1", "inner_diameter_m")
    assert err.value == "-0.1"
    assert str(err) == "pipe 'SP1': inner_diameter_m = -0.1; must be > 0 (and < 100 m)"
    # exceptions pickle with their attributes (multiprocessing)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is heatnet.NetworkError and str(back) == str(err)
    assert back.field == "inner_diameter_m"


def test_setter_validates_on_compiled_network():
    net = build_small_dh()
    heatnet.solve(net)
    with pytest.raises(heatnet.NetworkError) as e:
        net.set_consumer("C1", heat_demand_kW=-5.0)
    assert e.value.field == "heat_demand_kW" and e.value.element_id == "C1"
    assert net.element("consumer", "C1")["heat_demand_kW"] == 200.0  # unchanged
    with pytest.raises(heatnet.NetworkError) as e:
        net.set_pipe("NOPE", inner_diameter_m=0.1)
    assert e.value.code == "unknown_reference"
    heatnet.solve(net)


def test_json_errors_name_the_path(tmp_path):
    f = tmp_path / "net.json"
    doc = json.loads(SMALL.read_text())
    doc["pipes"][1]["length_m"] = "far"
    f.write_text(json.dumps(doc))
    with pytest.raises(heatnet.InputError) as e:
        heatnet.Network.from_json(f)
    assert e.value.path == "pipes[1].length_m" and e.value.element_id == "SP2"
    assert str(e.value).startswith("pipes[1].length_m (pipe 'SP2'): ")
    doc["pipes"][1]["length_m"] = -3.0
    f.write_text(json.dumps(doc))
    net = heatnet.Network.from_json(f)
    with pytest.raises(heatnet.NetworkError) as e:
        heatnet.solve(net)
    assert e.value.path == "pipes[1].length_m"
    with pytest.raises(heatnet.IoError) as e:
        heatnet.Network.from_json(tmp_path / "absent.json")
    assert "absent.json" in str(e.value)


def test_bad_corpus_never_crashes():
    """Every file of tests/data/bad raises a heatnet.Error (read or solve), never a crash."""
    cases = sorted((DATA / "bad").glob("*.json"))
    assert cases
    for case in cases:
        with pytest.raises(heatnet.Error) as e:
            heatnet.solve(heatnet.Network.from_json(case))
        for text in (case.with_suffix(".expect").read_text(encoding="utf-8").splitlines()):
            if text.strip():
                assert text in str(e.value), (case.name, str(e.value))


def test_convergence_error_carries_history():
    net = heatnet.Network.from_json(SMALL)
    # one outer (thermal) iteration cannot settle the coupling: outer_not_converged
    with pytest.raises(heatnet.ConvergenceError) as e:
        heatnet.solve(net, max_outer_iterations=1, warm_start=False)
    err = e.value
    assert isinstance(err, RuntimeError) and err.code == "solve_failed"
    assert str(err).startswith("the solve did not converge: ")
    assert err.report is not None and not err.report.converged
    assert err.report.status == "outer_not_converged"
    assert len(err.report.history) >= 1 and err.report.history[0]["worst_link"]
    assert err.report.brief() in str(err)
    assert err.result is not None and not err.result.converged
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is heatnet.ConvergenceError and back.report == err.report
    r = heatnet.solve(net, max_outer_iterations=1, raise_on_failure=False)
    assert not r.converged and not r.report.converged
    # a failed solve does not poison the network: solving normally works
    assert heatnet.solve(net).converged


NEWTON_FAILURE = """
import heatnet
net = heatnet.Network.from_json({path!r})
try:
    heatnet.solve(net, max_iterations=1, warm_start=False)
except heatnet.ConvergenceError as e:
    assert e.report.status == "max_iterations", e.report.status
    print("ok", len(e.report.history))
"""


def test_newton_failure_is_convergence_error():
    # in a subprocess, so that a crash (a Newton failure in the first outer iteration once read
    # an empty thermal state) fails this test instead of killing the test run
    run = subprocess.run([sys.executable, "-c", NEWTON_FAILURE.format(path=str(SMALL))],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith("ok")


def test_solve_options():
    net = heatnet.Network.from_json(SMALL)
    with pytest.raises(TypeError, match="tolerence"):
        heatnet.solve(net, tolerence=1e-6)
    with pytest.raises(TypeError, match="max_speed"):
        heatnet.solve(net, limits={"max_speed": 2.0})
    with pytest.raises(heatnet.InputError) as e:
        heatnet.solve(net, friction="moody")
    assert "moody" in str(e.value)
    with pytest.raises(heatnet.Error) as e:
        heatnet.solve(net, tolerance=2.0)
    assert e.value.field == "tolerance_mass_flow_rel"
    iso = heatnet.solve(net, thermal=False, friction="swamee_jain", tolerance=1e-10,
                        tolerance_temperature_K=1e-5, max_iterations=50,
                        max_outer_iterations=20, backend="cholmod_simplicial")
    assert iso.converged and iso.report.backend
    assert np.allclose(iso["nodes/temperature"], 70.0)  # settings.temperature_C


# ------------------------------------------------------------------------ factor size
def _water_network(edges, nodes):
    """Level water network: a pressure node at N0, 0.01 kg/s drawn at every other node."""
    net = heatnet.Network()
    for i in range(nodes):
        net.add_node(f"N{i}", demand_kg_s=0.0 if i == 0 else 0.01)
    net.add_pressure_node("N0", pressure_bar=3.0, temperature_C=20.0)
    for k, (a, b) in enumerate(edges):
        net.add_pipe(f"P{k}", **{"from": f"N{a}"}, to=f"N{b}", length_m=100.0,
                     inner_diameter_m=0.1, roughness_mm=0.1)
    return net


def test_report_counts_the_pressure_factor():
    """factor_nonzeros / factor_flops: nonzeros of L (diagonal included) and CHOLMOD's flop
    measure, the sum over L's columns of their count squared. A chain of 20 free nodes behind
    its pressure node is a path graph, which eliminates without fill: 20 diagonal entries and
    19 below, flops 19 * 2^2 + 1. A 10 x 10 grid fills: L holds more than the lower triangle
    of the matrix (99 rows plus 178 links between free nodes)."""
    chain = heatnet.solve(_water_network([(i, i + 1) for i in range(20)], 21))
    assert chain.report.factor_nonzeros == 2 * 20 - 1
    assert chain.report.factor_flops == 19 * 4 + 1
    assert f"{2 * 20 - 1} nonzeros" in chain.report.full_text
    grid_edges = [(r * 10 + c, r * 10 + c + 1) for r in range(10) for c in range(9)]
    grid_edges += [(r * 10 + c, (r + 1) * 10 + c) for r in range(9) for c in range(10)]
    grid = heatnet.solve(_water_network(grid_edges, 100))
    assert grid.report.factor_nonzeros > 99 + 178
    assert grid.report.factor_flops / grid.report.factor_nonzeros > 3.0  # the chain's: 2.0


# ------------------------------------------------------------------------ resolve
def test_modify_and_resolve_reuses_symbolic_analysis():
    net = heatnet.Network.from_json(SMALL)
    first = heatnet.solve(net)
    assert not first.report.symbolic_reused
    net.set_consumer("C1", heat_demand_kW=260.0)
    net.set_pipe("SP2", inner_diameter_m=0.08, roughness_mm=0.1, heat_loss_W_mK=0.2)
    net.set_source("PLANT", supply_temperature_C=85.0, pump={"dp_bar": 1.8})
    net.set_node("S1", demand_kg_s=0.05)
    net.set_settings(ambient_temperature_C=5.0)
    again = heatnet.solve(net)
    assert again.report.symbolic_reused
    assert again.table("consumers")["heat"]["C1"] == pytest.approx(260e3, rel=1e-6)
    fresh = heatnet.solve(heatnet.Network.from_json_text(net.to_json_text()))
    assert not fresh.report.symbolic_reused
    assert_same_results(again, fresh)
    # input_sha256: the canonical JSON of what was solved, even if the network changes later
    solved_sha = heatnet._heatnet.sha256_hex(net.to_json_text().encode())
    net.set_consumer("C2", heat_demand_kW=100.0)
    assert again.input_sha256 == solved_sha == fresh.input_sha256
    # the definition follows the changes
    assert net.element("pipe", "SP2")["roughness_mm"] == 0.1
    assert net.element("source", "PLANT")["pump"] == {"type": "fixed_dp", "dp_bar": 1.8}
    assert net.settings["ambient_temperature_C"] == 5.0
    # a change without an in-place setter rebuilds (no reuse), and still answers like a fresh solve
    net.set_pipe("SP2", hazen_williams_c=120.0)
    rebuilt = heatnet.solve(net)
    assert not rebuilt.report.symbolic_reused
    net.add_node("X")
    net.add_pipe("PX", from_="S2", to="X", length_m=10, inner_diameter_m=0.05, roughness_mm=0.1)
    assert not heatnet.solve(net).report.symbolic_reused
    net.remove("pipe", "PX")
    net.remove("node", "X")
    assert net == heatnet.Network.from_json_text(net.to_json_text())


def test_consumer_switch_between_demand_and_flow():
    net = heatnet.Network.from_json(SMALL)
    heatnet.solve(net)
    net.set_consumer("C2", mass_flow_kg_s=1.2)
    r = heatnet.solve(net)
    assert r.report.symbolic_reused
    assert net.element("consumer", "C2")["heat_demand_kW"] is None
    assert r.table("consumers")["mass_flow"]["C2"] == pytest.approx(1.2, rel=1e-9)
    with pytest.raises(heatnet.NetworkError):
        net.set_consumer("C2", mass_flow_kg_s=1.0, heat_demand_kW=100.0)


def test_warm_start_false_is_a_fresh_solve():
    net = heatnet.Network.from_json(SMALL)
    a = heatnet.solve(net, warm_start=False)
    b = heatnet.solve(net, warm_start=False)
    assert not a.report.symbolic_reused and not b.report.symbolic_reused
    assert_same_results(a, b, exact=True)


# ------------------------------------------------------------------------ pickle, threads
def test_pickle_round_trip():
    net = build_small_dh()
    heatnet.solve(net)  # a compiled model and solver are not pickled
    back = pickle.loads(pickle.dumps(net))
    assert back == net and back is not net
    assert back.to_json_text() == net.to_json_text()
    assert_same_results(heatnet.solve(back), heatnet.solve(net.copy()), exact=True)
    f = heatnet.Network.from_json(SMALL)
    assert pickle.loads(pickle.dumps(f)).input_sha256() == f.input_sha256()


def _variant(k):
    net = heatnet.Network.from_json(ORAL if ORAL.exists() else SMALL)
    consumers = net.ids("consumers")
    for i, c in enumerate(consumers[: 10]):
        q = net.element("consumer", c)["heat_demand_kW"]
        if q is not None:
            net.set_consumer(c, heat_demand_kW=q * (1.0 + 0.05 * ((i + k) % 4)))
    src = net.ids("sources")[0]
    t = net.element("source", src)["supply_temperature_C"]
    net.set_source(src, supply_temperature_C=t - k)
    return net


def test_thread_pool_gives_same_answers():
    nets = [_variant(k) for k in range(8)]
    serial = [heatnet.solve(n.copy()) for n in nets]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda n: heatnet.solve(n), nets))
    for s, p in zip(serial, parallel):
        assert p.converged
        assert_same_results(s, p, exact=True)
    # one network shared by several threads: solves are serialised on its lock
    shared = nets[0]
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        again = list(pool.map(lambda _: heatnet.solve(shared, warm_start=False), range(4)))
    for r in again:
        assert_same_results(serial[0], r, exact=True)


def test_process_pool_with_pickled_networks():
    nets = [_variant(k) for k in range(2)]
    ctx = __import__("multiprocessing").get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        flows = list(pool.map(_solve_flows, nets))
    for net, q in zip(nets, flows):
        np.testing.assert_array_equal(q, heatnet.solve(net.copy())["pipes/mass_flow"])


def _solve_flows(net):
    return np.array(heatnet.solve(net)["pipes/mass_flow"])


def test_gil_released_during_solve():
    """While a worker thread solves, the main thread keeps running Python code."""
    if not ORAL.exists():
        pytest.skip("examples/oral/oral.json missing")
    import threading
    import time
    nets = [heatnet.Network.from_json(ORAL) for _ in range(2)]
    done = threading.Event()
    ticks = 0

    def work():
        for _ in range(10):
            for n in nets:
                heatnet.solve(n, warm_start=False)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    while not done.is_set():
        ticks += 1
        time.sleep(0.0005)
    t.join()
    assert ticks > 10


# ------------------------------------------------------------------------ examples
def test_quickstart_example_runs():
    script = ROOT / "examples" / "python" / "quickstart.py"
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    assert "symbolic analysis reused: True" in run.stdout


def test_resolve_benchmark_example_runs():
    if not ORAL.exists():
        pytest.skip("examples/oral/oral.json missing")
    sys.path.insert(0, str(ROOT / "examples" / "python"))
    try:
        import resolve_benchmark
    finally:
        sys.path.pop(0)
    rows = resolve_benchmark.main(ORAL, repeats=2)
    assert all(reused for _label, _t, reused, _its, _a in rows)


def test_more_parameters_keep_the_topology():
    """Length, minor loss, elevation, min dp and the plant's static pressure change in place."""
    net = heatnet.Network.from_json(SMALL)
    heatnet.solve(net)
    pipe = net.ids("pipes")[0]
    node = net.ids("nodes")[1]
    source = net.ids("sources")[0]
    consumer = net.ids("consumers")[0]
    net.set_pipe(pipe, length_m=net.element("pipes", pipe)["length_m"] * 1.5, minor_loss=2.0)
    net.set_node(node, elevation_m=net.element("nodes", node)["elevation_m"] + 3.0)
    net.set_consumer(consumer, min_dp_bar=0.2)
    net.set_source(source, return_pressure_bar=net.element("sources", source)["return_pressure_bar"] + 0.5)
    again = heatnet.solve(net)
    assert again.report.symbolic_reused
    fresh = heatnet.solve(heatnet.Network.from_json_text(net.to_json_text()))
    for path in ("nodes/pressure", "pipes/mass_flow", "nodes/temperature"):
        np.testing.assert_allclose(again[path], fresh[path], rtol=RTOL, atol=ATOL[again.unit(path)])
