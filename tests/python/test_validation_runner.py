"""validation/run on the analytic family (fast): passes as committed, fails on a tampered reference,
skips a case whose external data is absent.

Run: HEATNET_BIN=build/bin/heatnet /usr/bin/python3 -m pytest -q tests/python/test_validation_runner.py
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUN = REPO / "validation" / "run"
CASES = REPO / "validation" / "cases"
HEATNET_BIN = Path(os.environ.get("HEATNET_BIN", REPO / "build" / "bin" / "heatnet"))

pytestmark = pytest.mark.skipif(not HEATNET_BIN.is_file(), reason=f"heatnet CLI not built ({HEATNET_BIN})")


def run(*args, env_extra=None):
    env = dict(os.environ, HEATNET_BIN=str(HEATNET_BIN))
    env.update(env_extra or {})
    return subprocess.run([sys.executable, str(RUN), "--report", "", "--plots", "", *args],
                          capture_output=True, text=True, env=env, timeout=600)


def copy_case(name, dest):
    shutil.copytree(CASES / name, dest / name)
    return dest / name


def test_analytic_family_passes():
    p = run("--family", "analytic")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "FAIL" not in p.stdout
    assert "analytic_single_pipe" in p.stdout


def test_tampered_reference_fails(tmp_path):
    good = copy_case("analytic_single_pipe", tmp_path)
    bad = copy_case("analytic_insulated_pipe", tmp_path)
    case = json.loads((bad / "case.json").read_text())
    # the reference says 0.001 K warmer inlet than the network: 1e6 times the 1e-9 K bound
    case["reference"]["parameters"]["inlet_temperature_C"] += 1e-3
    (bad / "case.json").write_text(json.dumps(case))
    p = run("--cases-dir", str(tmp_path))
    assert p.returncode == 1, p.stdout + p.stderr
    lines = [line for line in p.stdout.splitlines() if line.startswith("analytic_insulated_pipe")]
    assert any("outlet_temperature" in line and line.endswith("FAIL") for line in lines), p.stdout
    assert any(line.startswith(good.name) and line.endswith("PASS") for line in p.stdout.splitlines())


def test_missing_computed_partner_fails(tmp_path):
    d = copy_case("analytic_single_pipe", tmp_path)
    net = json.loads((d / "network.json").read_text())
    net["pipes"][0]["id"] = "RENAMED"  # the reference rows for P1 find no computed value
    (d / "network.json").write_text(json.dumps(net))
    p = run("--cases-dir", str(tmp_path))
    assert p.returncode == 1, p.stdout + p.stderr
    assert "without a computed value" in p.stdout


def test_absent_reference_data_fails_the_run(tmp_path):
    copy_case("analytic_single_pipe", tmp_path)
    d = tmp_path / "external_missing"
    d.mkdir()
    (d / "case.json").write_text(json.dumps({
        "name": "external_missing", "family": "pandapipes", "description": "data not installed",
        "network": "${HEATNET_REFERENCE_DIR}/no/such/network.json",
        "reference": {"reference_csv": "${HEATNET_REFERENCE_DIR}/no/such/reference.csv"},
        "provenance": {}, "tolerances": {}}))
    p = run("--cases-dir", str(tmp_path), env_extra={"HEATNET_REFERENCE_DIR": str(tmp_path / "nowhere")})
    assert p.returncode == 1, p.stdout + p.stderr  # a case that cannot run has not passed
    assert "FAIL     external_missing: reference data missing" in p.stdout
    assert "SKIPPED" not in p.stdout
