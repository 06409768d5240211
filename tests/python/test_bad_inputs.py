"""The CLI on every file of tests/data/bad: exit code 2, a message naming the problem, and no
results file (nor a leftover temporary file) in the output folder.

Each NAME.json has a NAME.expect next to it: one substring per line that stderr must contain.
The CLI comes from $HEATNET_BIN (default: build/bin/heatnet under the repository root).
"""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "data" / "bad"
# absolute now: some tests run the CLI from a temporary working directory
HEATNET = pathlib.Path(os.environ.get("HEATNET_BIN", ROOT / "build" / "bin" / "heatnet")).absolute()
CASES = sorted(BAD.glob("*.json"))


def run(*args, cwd=None):
    if not HEATNET.exists():
        pytest.skip(f"heatnet CLI not built: {HEATNET}")
    return subprocess.run([str(HEATNET), *map(str, args)], capture_output=True, cwd=cwd,
                          timeout=60)


def expected(case):
    lines = (case.with_suffix(".expect")).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip()]


def test_corpus_is_complete():
    assert len(CASES) >= 30
    for case in CASES:
        assert case.with_suffix(".expect").exists(), f"{case.name} has no .expect file"
        assert expected(case), f"{case.name}.expect is empty"


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_solve_rejects_bad_network(case, tmp_path):
    out = tmp_path / "out.h5"
    r = run("solve", case, "-o", out)
    # errors must be printable text even when the input had invalid UTF-8
    stderr = r.stderr.decode("utf-8")
    assert r.returncode == 2, stderr
    assert stderr.startswith("error: "), stderr
    for text in expected(case):
        assert text in stderr, f"expected {text!r} in: {stderr}"
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [], "leftover files: %s" % list(tmp_path.iterdir())
    assert r.stdout == b""


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_check_rejects_bad_network(case):
    r = run("check", case)
    stderr = r.stderr.decode("utf-8")
    assert r.returncode == 2, stderr
    for text in expected(case):
        assert text in stderr, f"expected {text!r} in: {stderr}"


def test_version():
    r = run("--version")
    assert r.returncode == 0
    assert r.stdout.decode().strip() == "heatnet 0.1.0"


@pytest.mark.parametrize("args", [
    [],                                  # no subcommand
    ["frobnicate"],                      # unknown subcommand
    ["solve"],                           # missing network and -o
    ["solve", "net.json"],               # missing -o
    ["solve", "net.json", "-o", "x.h5", "--gzip", "12"],
    ["solve", "net.json", "-o", "x.h5", "--max-iterations", "many"],
    ["check", "a.json", "b.json"],
])
def test_usage_errors_exit_2(args, tmp_path):
    r = run(*args, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert r.stderr.decode().startswith("error: ")
    assert list(tmp_path.iterdir()) == []


def test_missing_file_and_unknown_extension(tmp_path):
    r = run("solve", tmp_path / "absent.json", "-o", tmp_path / "out.h5")
    assert r.returncode == 2
    assert "absent.json" in r.stderr.decode() and "cannot open" in r.stderr.decode()
    other = tmp_path / "net.yaml"
    other.write_text("{}")
    r = run("check", other)
    assert r.returncode == 2
    assert "unknown network file extension" in r.stderr.decode()


def test_bad_friction_option(tmp_path):
    r = run("solve", BAD / "negative_diameter.json", "-o", tmp_path / "o.h5", "--friction", "moody")
    assert r.returncode == 2
    assert "moody" in r.stderr.decode()
