"""The CLI's read-once path on valid networks: `check` describes the network it read (the
definition is kept for it), `--timings` prints each phase, the results file is whole and
readable with or without `--sync` (the disk flush before the rename, off by default;
`--no-sync` is still accepted) and carries the input's SHA-256."""
import hashlib
import os
import pathlib
import re
import shutil
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


@pytest.mark.parametrize("flags", [(), ("--sync",), ("--no-sync",)])
def test_solve_writes_results_and_timings(tmp_path, flags):
    out = tmp_path / "r.h5"
    r = run("solve", SMALL, "-o", out, "--timings", "-q", *flags)
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(r"timings: read [0-9.]+ ms, build [0-9.]+ ms, solve [0-9.]+ ms, "
                        r"write [0-9.]+ ms\n", r.stdout)
    assert [p.name for p in tmp_path.iterdir()] == ["r.h5"]  # no temporary file left
    with h5py.File(out, "r") as f:
        sha = f.attrs["input_sha256"]
    sha = sha.decode() if isinstance(sha, bytes) else str(sha)
    assert sha == hashlib.sha256(SMALL.read_bytes()).hexdigest()


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace not installed")
@pytest.mark.parametrize("flags, flushes", [((), 0), (("--no-sync",), 0), (("--sync",), 1)])
def test_results_file_is_flushed_to_disk_only_with_sync(tmp_path, flags, flushes):
    if not HEATNET.exists():
        pytest.skip(f"heatnet CLI not built: {HEATNET}")
    trace = tmp_path / "trace.txt"
    r = subprocess.run(["strace", "-f", "-e", "trace=fsync,fdatasync", "-o", str(trace),
                        str(HEATNET), "solve", str(SMALL), "-o", str(tmp_path / "r.h5"), "-q",
                        *flags], capture_output=True, text=True, timeout=60)
    if r.returncode != 0 and not trace.exists():
        pytest.skip(f"strace cannot trace here: {r.stderr.strip()[:200]}")
    assert r.returncode == 0, r.stderr
    calls = [l for l in trace.read_text().splitlines() if re.search(r"\bf(data)?sync\(", l)]
    assert len(calls) == flushes, calls


def _execs(tmp_path, network, env=None):
    """How many programs `heatnet check network` executes (strace), or None where strace cannot
    trace."""
    trace = tmp_path / "exec.txt"
    r = subprocess.run(["strace", "-f", "-e", "trace=execve", "-o", str(trace), str(HEATNET),
                        "check", str(network)], capture_output=True, text=True, timeout=120,
                       env=env)
    if r.returncode != 0 and not trace.exists():
        return None
    assert r.returncode == 0, r.stderr
    return sum(1 for l in trace.read_text().splitlines() if re.search(r"\bexecve\(.*= 0$", l))


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace not installed")
def test_mid_sized_networks_run_once_more_with_huge_pages(tmp_path):
    """A network file of 16 to 48 MiB: the CLI executes itself once more with glibc's malloc
    asking for transparent huge pages (cli/huge_pages.hpp); a smaller or larger one, or a
    user's own GLIBC_TUNABLES, runs as it is."""
    if not HEATNET.exists():
        pytest.skip(f"heatnet CLI not built: {HEATNET}")
    large = tmp_path / "large.json"  # the small network, padded with whitespace past 16 MiB
    large.write_bytes(SMALL.read_bytes() + b" " * (17 << 20))
    small_execs = _execs(tmp_path, SMALL)
    if small_execs is None:
        pytest.skip("strace cannot trace here")
    assert small_execs == 1
    assert _execs(tmp_path, large) == 2
    env = dict(os.environ, GLIBC_TUNABLES="glibc.malloc.arena_max=2")
    assert _execs(tmp_path, large, env) == 1
    larger = tmp_path / "larger.json"  # past 48 MiB: no huge pages
    larger.write_bytes(SMALL.read_bytes() + b" " * (49 << 20))
    assert _execs(tmp_path, larger) == 1
