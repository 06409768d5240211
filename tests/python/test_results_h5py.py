"""The HDF5 results file as an outside reader sees it: the CLI solves a network, h5py opens the
file, and names, shapes, dtypes, `units` and root attributes are checked against the contract
in spec/results-format.md.

The expected names and units below are copied from the SPEC text on purpose, not taken from
heatnet's own registry (kResultFields): if the code drifts from the spec, this test fails.

Run: HEATNET_BIN=build/bin/heatnet /usr/bin/python3 -m pytest -q tests/python
"""
import json
import os
import re
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
HEATNET_BIN = Path(os.environ.get("HEATNET_BIN", REPO / "build" / "bin" / "heatnet"))

FORMAT = "heatnet-results/1"

# From the spec's layout block and its SI statement ("pressure in Pa (gauge), temperature in
# degC, mass flow in kg/s, ... heat and power in W, ... velocity in m/s, head in m").
SPEC_FIELDS = {
    "nodes": {"pressure": "Pa", "head": "m", "temperature": "degC"},
    "pipes": {
        "mass_flow": "kg/s",
        "velocity": "m/s",
        "pressure_drop": "Pa",
        "friction_factor": "-",
        "reynolds": "-",
        "inlet_temperature": "degC",
        "outlet_temperature": "degC",
        "heat_loss": "W",
    },
    "consumers": {
        "mass_flow": "kg/s",
        "heat": "W",
        "supply_temperature": "degC",
        "return_temperature": "degC",
        "dp_available": "Pa",
        "heat_demand": "W",
    },
    "sources": {
        "mass_flow": "kg/s",
        "heat": "W",
        "supply_pressure": "Pa",
        "return_pressure": "Pa",
        "pump_head": "m",
        "pump_power": "W",
        "return_temperature": "degC",
        "makeup_mass_flow": "kg/s",
    },
    "pressure_nodes": {"mass_flow": "kg/s", "temperature": "degC"},
}
# "/pumps/... and /valves/... likewise (id, mass_flow, head or pressure_drop)": the spec names
# these; it does not close the list, so more fields are allowed there (with SI units).
SPEC_REQUIRED_FIELDS = {
    "pumps": {"mass_flow": "kg/s", "head": "m"},
    "valves": {"mass_flow": "kg/s", "pressure_drop": "Pa"},
}
SI_UNITS = {"Pa", "degC", "kg/s", "m3/s", "W", "m", "m/s", "-", "s"}
SOLVER_ATTRS = [
    "converged",
    "iterations",
    "max_mass_imbalance_kg_s",
    "max_temperature_change_K",
    "wall_time_s",
]
CHECK_COLUMNS = ["time_index", "element_kind", "element_id", "check", "value", "limit"]
JSON_KIND = {  # results group -> list in the network JSON
    "nodes": "nodes",
    "pipes": "pipes",
    "consumers": "consumers",
    "sources": "sources",
    "pumps": "pumps",
    "valves": "valves",
    "pressure_nodes": "pressure_nodes",
}
# the key that names an element in its JSON list (a pressure node is named by its node)
JSON_ID_KEY = {"pressure_nodes": "node"}


def solve(network: Path, out: Path) -> subprocess.CompletedProcess:
    """The CLI's solve command (cli/ owns its flags; this is the one line to adapt)."""
    return subprocess.run(
        [str(HEATNET_BIN), "solve", str(network), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )


needs_cli = pytest.mark.skipif(
    not HEATNET_BIN.exists(), reason=f"heatnet CLI not built ({HEATNET_BIN})"
)


@pytest.fixture(params=["small_dh.json", "two_reservoirs.json"])
def solved(request, tmp_path):
    network = DATA / request.param
    out = tmp_path / "result.h5"
    run = solve(network, out)
    assert run.returncode == 0, f"heatnet solve failed:\n{run.stdout}\n{run.stderr}"
    assert out.exists()
    # atomic write: nothing but the result in the folder (no temporary file left)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.h5"]
    with h5py.File(out, "r") as f:
        yield network, json.loads(network.read_text()), f


def as_str(v):
    return v.decode() if isinstance(v, bytes) else v


@needs_cli
def test_root_attributes(solved):
    _, definition, f = solved
    assert as_str(f.attrs["format"]) == FORMAT
    assert isinstance(f.attrs["format"], str)  # variable-length UTF-8: h5py gives str
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", as_str(f.attrs["heatnet_version"]))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", as_str(f.attrs["created_utc"]))
    assert as_str(f.attrs["network_name"]) == definition["name"]
    sha = as_str(f.attrs["input_sha256"])
    assert re.fullmatch(r"[0-9a-f]{64}", sha)
    # the spec allows the hash of the file bytes or of its canonical JSON: only the form is fixed
    assert int(f.attrs["complete"]) == 1  # heatnet's addition: 0 = interrupted series


@needs_cli
def test_time_and_solver(solved):
    _, _, f = solved
    time = f["time"]
    assert time.ndim == 1 and time.dtype == np.float64
    assert time.shape == (1,)  # steady solve: one step at t = 0
    assert time[0] == 0.0
    assert as_str(time.attrs["units"]) == "s"
    solver = f["solver"]
    for name in SOLVER_ATTRS:
        assert name in solver.attrs, name
        assert np.isscalar(solver.attrs[name]) or np.ndim(solver.attrs[name]) == 0
    assert int(solver.attrs["converged"]) == 1
    assert int(solver.attrs["iterations"]) >= 1
    it = solver["iterations"]
    assert it.shape == time.shape
    assert np.issubdtype(it.dtype, np.integer)
    assert int(np.sum(it[()])) == int(solver.attrs["iterations"])


@needs_cli
def test_groups_ids_shapes_units(solved):
    _, definition, f = solved
    steps = f["time"].shape[0]
    for group in list(SPEC_FIELDS) + list(SPEC_REQUIRED_FIELDS):
        assert group in f, f"/{group} missing (empty groups must still be written)"
        g = f[group]
        ids = g["id"]
        assert ids.ndim == 1
        assert h5py.check_string_dtype(ids.dtype) is not None, f"/{group}/id is not strings"
        key = JSON_ID_KEY.get(group, "id")
        expected_ids = [e[key] for e in definition.get(JSON_KIND[group], [])]
        assert sorted(ids.asstr()[()]) == sorted(expected_ids)
        count = ids.shape[0]
        fields = {k for k in g.keys() if k != "id"}
        if group in SPEC_FIELDS:
            assert fields == set(SPEC_FIELDS[group]), f"/{group}: datasets differ from spec"
            units = SPEC_FIELDS[group]
        else:
            assert set(SPEC_REQUIRED_FIELDS[group]) <= fields, f"/{group}: spec fields missing"
            units = SPEC_REQUIRED_FIELDS[group]
        for name in fields:
            d = g[name]
            assert d.shape == (steps, count), f"/{group}/{name} shape {d.shape}"
            assert d.dtype == np.float64, f"/{group}/{name} dtype {d.dtype}"
            unit = as_str(d.attrs["units"])
            assert unit == units.get(name, unit), f"/{group}/{name} units {unit!r}"
            assert unit in SI_UNITS, f"/{group}/{name} units {unit!r}"
            assert np.all(np.isfinite(d[()])), f"/{group}/{name} has non-finite values"


@needs_cli
def test_every_dataset_has_units(solved):
    _, _, f = solved
    missing = []

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and "units" not in obj.attrs:
            missing.append(name)

    f.visititems(visit)
    assert missing == []


@needs_cli
def test_checks_table(solved):
    _, _, f = solved
    checks = f["checks"]
    assert checks.ndim == 1
    assert list(checks.dtype.names) == CHECK_COLUMNS
    assert np.issubdtype(checks.dtype["time_index"], np.integer)
    for col in ("element_kind", "element_id", "check"):
        assert h5py.check_string_dtype(checks.dtype[col]) is not None, col
    assert checks.dtype["value"] == np.float64 and checks.dtype["limit"] == np.float64
    assert "units" in checks.attrs
    rows = checks[()]
    steps = f["time"].shape[0]
    for row in rows:
        assert 0 <= row["time_index"] < steps
        assert as_str(row["element_kind"]) in {"node", "pipe", "consumer", "source"}


@needs_cli
def test_values_are_si(solved):
    """Spot checks that catch a unit conversion missed at the edge (bar, kW)."""
    network, definition, f = solved
    if network.name == "two_reservoirs.json":
        ids = list(f["nodes/id"].asstr()[()])
        p = f["nodes/pressure"][0]
        assert p[ids.index("A")] == pytest.approx(3.0e5, rel=1e-9)  # 3 bar gauge, in Pa
        assert p[ids.index("B")] == pytest.approx(1.0e5, rel=1e-9)
        pipes = list(f["pipes/id"].asstr()[()])
        q = dict(zip(pipes, f["pipes/mass_flow"][0]))
        # flows positive from -> to; J1 takes 2 kg/s out
        assert q["P1"] == pytest.approx(q["P2"] + q["P3"] + 2.0, rel=1e-6)
        assert q["P1"] > 0 and q["P2"] > 0 and q["P3"] > 0
        assert f["consumers/heat"].shape == (1, 0)
        # what enters at A (into the network, > 0) feeds J1's 2 kg/s and leaves at B (< 0)
        reservoirs = list(f["pressure_nodes/id"].asstr()[()])
        inflow = dict(zip(reservoirs, f["pressure_nodes/mass_flow"][0]))
        assert inflow["A"] == pytest.approx(q["P1"], rel=1e-9)
        assert inflow["B"] == pytest.approx(-(q["P2"] + q["P3"]), rel=1e-9)
        temperature = dict(zip(reservoirs, f["pressure_nodes/temperature"][0]))
        assert temperature["A"] == pytest.approx(20.0, abs=1e-9)
    else:
        ids = list(f["consumers/id"].asstr()[()])
        heat = dict(zip(ids, f["consumers/heat"][0]))
        assert heat["C1"] == pytest.approx(200e3, rel=1e-6)  # 200 kW in W
        assert heat["C2"] == pytest.approx(150e3, rel=1e-6)
        supplied = f["sources/heat"][0].sum()
        assert supplied > 350e3  # consumers plus pipe losses
        t = f["nodes/temperature"][0]
        assert np.all((t > 40.0) & (t <= 90.0 + 1e-9))  # degC, not K
        assert f["pumps/id"].shape == (0,) and f["pumps/mass_flow"].shape == (1, 0)


@needs_cli
def test_failed_run_leaves_no_file(tmp_path):
    out = tmp_path / "result.h5"
    run = solve(tmp_path / "no_such_network.json", out)
    assert run.returncode != 0
    assert list(tmp_path.iterdir()) == []
