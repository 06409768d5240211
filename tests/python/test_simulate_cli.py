"""`heatnet simulate` as a user runs it (docs/time-series.md): the Oral example year, read back with
h5py; Ctrl-C leaves a valid file flagged incomplete; bad profiles name file:line:column and
write nothing; the Python API (`heatnet.simulate`) when the bindings provide it.

Run: HEATNET_BIN=build/bin/heatnet /usr/bin/python3 -m pytest -q tests/python/test_simulate_cli.py
"""
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

import h5py
import numpy as np

REPO = Path(__file__).resolve().parents[2]
ORAL = REPO / "examples" / "oral" / "oral.json"
PROFILES = REPO / "examples" / "oral" / "annual_profiles.csv"
HEATNET_BIN = Path(os.environ.get("HEATNET_BIN", REPO / "build" / "bin" / "heatnet"))

pytestmark = pytest.mark.skipif(not HEATNET_BIN.exists(), reason=f"no CLI at {HEATNET_BIN}")


def run(*args, **kw):
    return subprocess.run([str(HEATNET_BIN), *map(str, args)], capture_output=True, text=True, **kw)


def test_simulate_48_steps_and_summary(tmp_path):
    out = tmp_path / "year.h5"
    r = run("simulate", ORAL, "--profiles", PROFILES, "-o", out, "--steps", 48, "--quiet")
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    with h5py.File(out, "r") as f:
        assert f.attrs["complete"] == 1
        assert f["time"].shape == (48,)
        assert f["consumers/heat"].shape == (48, len(f["consumers/id"]))
        assert (f["solver/step_status"][:] == 0).all()
        dt_h = np.diff(f["time"][:]) / 3600
        dt_h = np.append(dt_h, dt_h[-1])
        delivered = (f["consumers/heat"][:].sum(axis=1) * dt_h).sum() * 1e-6
        assert f.attrs["heat_delivered_MWh"] == pytest.approx(delivered, rel=1e-12)
        assert f.attrs["steps_done"] == 48
    assert [p.name for p in tmp_path.iterdir()] == ["year.h5"]


def test_ctrl_c_commits_the_steps_done(tmp_path):
    out = tmp_path / "year.h5"
    p = subprocess.Popen([str(HEATNET_BIN), "simulate", str(ORAL), "--profiles", str(PROFILES),
                          "-o", str(out), "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    time.sleep(2.0)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    with h5py.File(out, "r") as f:
        k = f["time"].shape[0]
        assert 0 < k < 8760
        assert f.attrs["complete"] == 0
        assert f["nodes/pressure"].shape[0] == k
        assert f.attrs["steps_done"] == k


def test_bad_profiles_name_the_cell_and_write_nothing(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("time_h,demand_factor:*-APT\n0,1\n1,abc\n")
    out = tmp_path / "x.h5"
    r = run("simulate", ORAL, "--profiles", bad, "-o", out)
    assert r.returncode == 2
    assert f"{bad}:3:3" in r.stderr
    assert not out.exists()


def test_python_simulate_api(tmp_path):
    heatnet = pytest.importorskip("heatnet")
    if not hasattr(heatnet, "simulate"):
        pytest.skip("heatnet.simulate is not bound yet")
    net = heatnet.Network.from_json(str(ORAL))
    profiles = heatnet.read_profiles(str(PROFILES))
    seen = []
    res = heatnet.simulate(net, profiles, output=str(tmp_path / "p.h5"), max_steps=6,
                           callback=lambda s: seen.append(s.step) or s.step < 3)
    assert seen == [0, 1, 2, 3]
    assert res.summary.steps_done == 4 and not res.summary.complete


def test_simulate_plug_flow_reports_step_arrival(tmp_path):
    prof = tmp_path / "step.csv"
    rows = ["time_h,demand_factor:*,supply_temperature_C:CHP"]
    rows += [f"{k * 0.1:.1f},0.6,{100 if k < 20 else 120}" for k in range(80)]
    prof.write_text("\n".join(rows) + "\n")
    out = tmp_path / "step.h5"
    r = run("simulate", ORAL, "--profiles", prof, "-o", out, "--thermal-model", "plug_flow")
    assert r.returncode == 0, r.stderr
    assert "thermal model:    plug_flow" in r.stdout
    assert "step arrival:     +20.0 K at CHP" in r.stdout
    with h5py.File(out, "r") as f:
        assert f.attrs["thermal_model"] == "plug_flow"
        assert abs(f.attrs["max_energy_balance_rel"]) < 1e-9
        d = f["consumers/step_arrival_delay"]
        assert d.shape == (1, len(f["consumers/id"]))
        assert d.attrs["units"] == "s" and d.attrs["step_time_s"] == 7200.0
        delays = d[0]
        assert np.isfinite(delays).all() and (delays > 0).all()  # the front needs time
    bad = run("simulate", ORAL, "--profiles", prof, "-o", tmp_path / "x.h5",
              "--thermal-model", "dynamic")
    assert bad.returncode != 0 and not (tmp_path / "x.h5").exists()
