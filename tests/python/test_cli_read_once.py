"""The CLI's read-once path on valid networks: `check` describes the network it read (the
definition is kept for it), `--timings` prints each phase, `--no-sync` still writes a whole,
readable results file carrying the input's SHA-256."""
import hashlib
import os
import pathlib
import re
import subprocess

import h5py
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "small_dh.json"
HEATNET = pathlib.Path(os.environ.get("HEATNET_BIN", ROOT / "build" / "bin" / "heatnet")).absolute()


def run(*args):
    if not HEATNET.exists():
        pytest.skip(f"heatnet CLI not built: {HEATNET}")
    return subprocess.run([str(HEATNET), *map(str, args)], capture_output=True, text=True,
                          timeout=60)


def test_check_describes_a_valid_network_with_timings():
    r = run("check", SMALL, "--timings")
    assert r.returncode == 0, r.stderr
    assert ": valid" in r.stdout
    assert re.search(r"^source '[^']+': pump ", r.stdout, re.M)
    assert re.search(r"^timings: read [0-9.]+ ms, build [0-9.]+ ms$", r.stdout, re.M)


def test_solve_no_sync_writes_results_and_timings(tmp_path):
    out = tmp_path / "r.h5"
    r = run("solve", SMALL, "-o", out, "--timings", "--no-sync", "-q")
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(r"timings: read [0-9.]+ ms, build [0-9.]+ ms, solve [0-9.]+ ms, "
                        r"write [0-9.]+ ms\n", r.stdout)
    assert [p.name for p in tmp_path.iterdir()] == ["r.h5"]  # no temporary file left
    with h5py.File(out, "r") as f:
        sha = f.attrs["input_sha256"]
    sha = sha.decode() if isinstance(sha, bytes) else str(sha)
    assert sha == hashlib.sha256(SMALL.read_bytes()).hexdigest()
