"""The C++ `heatnet` runs the commands of python/heatnet/__main__.py (docs/python-commands.md):
`--help` lists them, unknown names and a missing interpreter or package are exit code 2 with an
"error:" line, and the Python command's own exit code comes back unchanged.

Run: HEATNET_BIN=build/bin/heatnet PYTHONPATH=build/python /usr/bin/python3 -m pytest -q \
     tests/python/test_python_commands.py
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HEATNET_BIN = Path(os.environ.get("HEATNET_BIN", REPO / "build" / "bin" / "heatnet"))

pytestmark = pytest.mark.skipif(not HEATNET_BIN.exists(), reason=f"no CLI at {HEATNET_BIN}")


def run(*args, binary=HEATNET_BIN, env=None):
    return subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120)


def test_help_lists_the_python_registry():
    from heatnet.__main__ import COMMANDS

    r = run("--help")
    assert r.returncode == 0, r.stderr
    assert "Python commands" in r.stdout
    for name in COMMANDS:
        assert f"  {name}  " in r.stdout


def test_unknown_command_is_bad_usage():
    r = run("no-such-command", "x")
    assert r.returncode == 2
    assert "unknown command 'no-such-command'" in r.stderr


def test_builtin_commands_stay_in_cpp():
    r = run("check")          # CLI11's own usage error, not forwarded
    assert r.returncode == 2
    assert "network is required" in r.stderr


def test_python_command_help_runs_through_the_cli():
    r = run("size", "--help")
    assert r.returncode == 0, r.stderr
    assert "usage: heatnet size" in r.stdout


def test_exit_code_of_the_python_command_comes_back(tmp_path):
    r = run("size", tmp_path / "missing.json", "--catalogue", "en253-series2",
            "-o", tmp_path / "out.json")
    assert r.returncode == 2
    assert r.stderr.startswith("error: ") and "missing.json" in r.stderr
    assert not (tmp_path / "out.json").exists()


def test_missing_interpreter_is_named():
    env = dict(os.environ, HEATNET_PYTHON="/nonexistent/python3")
    r = run("size", "--help", env=env)
    assert r.returncode == 2
    assert "/nonexistent/python3" in r.stderr and "HEATNET_PYTHON" in r.stderr


def test_missing_package_is_a_clear_error(tmp_path):
    # a copy of the binary with no build tree next to it, and no heatnet on the interpreter's path
    (tmp_path / "bin").mkdir()
    lonely = tmp_path / "bin" / "heatnet"
    shutil.copy(HEATNET_BIN, lonely)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["HEATNET_PYTHON"] = sys.executable
    probe = subprocess.run([sys.executable, "-c", "import heatnet"], env=env, capture_output=True)
    if probe.returncode == 0:
        pytest.skip("heatnet is installed for this interpreter: the package is not missing")
    r = run("size", "--help", binary=lonely, env=env)
    assert r.returncode == 2
    assert "needs the Python package heatnet" in r.stderr
    h = run("--help", binary=lonely, env=env)
    assert h.returncode == 0 and "Python commands: unavailable" in h.stdout


def test_python_dash_m_is_the_same_entry():
    r = subprocess.run([sys.executable, "-m", "heatnet", "--commands"], capture_output=True,
                       text=True, env=dict(os.environ))
    assert r.returncode == 0, r.stderr
    assert "size" in r.stdout


def test_an_installed_package_is_found_without_a_build_tree(tmp_path):
    # a binary with no build tree next to it uses whatever heatnet its interpreter imports
    # (here the build's package through PYTHONPATH, as a pip-installed one would be)
    import heatnet

    (tmp_path / "bin").mkdir()
    lonely = tmp_path / "bin" / "heatnet"
    shutil.copy(HEATNET_BIN, lonely)
    package_root = str(Path(heatnet.__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=package_root, HEATNET_PYTHON=sys.executable)
    r = run("size", "--help", binary=lonely, env=env)
    assert r.returncode == 0, r.stderr
    assert "usage: heatnet size" in r.stdout
