"""Issue 21 (hardening): every reproducer of the first robustness campaign through the CLI
(tests/data/robustness/README.md), the message bounds, and the kill tests: a SIGKILL during
`heatnet simulate` or a large `heatnet solve` leaves no partial output, and the next run writing
the same output removes the stray temporary file (docs/time-series.md, "Stale temporary files").

Run: HEATNET_BIN=build/bin/heatnet /usr/bin/python3 -m pytest -q tests/python/test_hardening.py
"""
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

import h5py

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "robustness"
ORAL = REPO / "examples" / "oral" / "oral.json"
PROFILES = REPO / "examples" / "oral" / "annual_profiles.csv"
HEATNET_BIN = Path(os.environ.get("HEATNET_BIN", REPO / "build" / "bin" / "heatnet"))

pytestmark = pytest.mark.skipif(not HEATNET_BIN.exists(), reason=f"no CLI at {HEATNET_BIN}")

MAX_MESSAGE_CHARS = 600  # a located message with one quoted value (80) and its reason


def run(*args, timeout=60):
    return subprocess.run([str(HEATNET_BIN), *map(str, args)], capture_output=True, timeout=timeout)


def stderr_text(r):
    return r.stderr.decode("utf-8")  # fails the test if a message is not valid UTF-8


def assert_refused(r, *fragments):
    """Exit 2 (bad input), a message naming every fragment, no crash and no partial output."""
    err = stderr_text(r)
    assert r.returncode == 2, (r.returncode, err)
    for fragment in fragments:
        assert fragment in err, err
    assert len(err) < MAX_MESSAGE_CHARS, err


@pytest.mark.parametrize("thermal_model", ["plug_flow", "quasi_static"])
def test_profile_time_1e305_h_is_refused(tmp_path, thermal_model):
    profiles = DATA / "simulate-plugflow-segv-time-1e305.csv"
    out = tmp_path / "x.h5"
    r = run("simulate", ORAL, "--profiles", profiles, "--thermal-model", thermal_model, "-o", out)
    assert_refused(r, f"{profiles}:2:1", "time_h", "'1e305'", "within +-1e7 h")
    assert list(tmp_path.iterdir()) == []


def test_infinite_profile_times_are_refused(tmp_path):
    profiles = DATA / "profiles-infinite-time.csv"
    out = tmp_path / "x.h5"
    r = run("simulate", ORAL, "--profiles", profiles, "-o", out)
    assert_refused(r, f"{profiles}:2:1", "time_h", "-1e308")
    assert list(tmp_path.iterdir()) == []


def test_json_profile_times_are_refused_too(tmp_path):
    profiles = tmp_path / "p.json"
    profiles.write_text('{"format": "heatnet-profiles/1", "time_h": [0, 1e300]}')
    r = run("simulate", ORAL, "--profiles", profiles, "-o", tmp_path / "x.h5")
    assert_refused(r, ".time_h[1]", "within +-1e7 h")


def test_a_20k_column_header_is_checked_fast(tmp_path):
    # The campaign's 20,000-column header (460 kB): 27 s before (quadratic duplicate check).
    profiles = tmp_path / "wide.csv"
    names = ",".join(f"demand_factor:C{i:07d}" for i in range(20000))
    profiles.write_text(f"time_h,{names}\n")
    t0 = time.perf_counter()
    r = run("simulate", ORAL, "--profiles", profiles, "-o", tmp_path / "x.h5")
    elapsed = time.perf_counter() - t0
    assert_refused(r, "no time steps")
    assert elapsed < 5.0, f"{elapsed:.1f} s"


@pytest.mark.parametrize("name, fragments", [
    ("inp-negative-pattern-start.inp", [":12 ", "PATTERN START", "'-1:00'", ">= 0"]),
    ("inp-pattern-start-inf.inp", [":13 ", "PATTERN START", "'inf:00'"]),
    ("inp-trials-1e300.inp", [":9 ", "TRIALS", "1e300", "1..100000"]),
])
def test_out_of_range_inp_values_are_refused_with_file_and_line(tmp_path, name, fragments):
    inp = DATA / name
    r = run("solve", inp, "-o", tmp_path / "x.h5")
    assert_refused(r, f"{inp}:", *fragments)
    assert list(tmp_path.iterdir()) == []


def test_fuzzed_inp_files_end_in_a_located_error(tmp_path):
    for name in ["fuzz-trials-float-cast.inp", "fuzz-invalid-utf8.inp"]:
        inp = DATA / name
        r = run("solve", inp, "-o", tmp_path / "x.h5")
        assert_refused(r, f"{inp}:")
    assert list(tmp_path.iterdir()) == []


def test_latin1_ids_are_stored_as_utf8(tmp_path):
    out = tmp_path / "x.h5"
    r = run("solve", DATA / "inp-latin1-id.inp", "-o", out)
    assert r.returncode == 0, stderr_text(r)
    with h5py.File(out, "r") as f:
        ids = list(f["nodes/id"].asstr()[:])  # fails on bytes that are not UTF-8
    assert "J\u00e91" in ids


def test_latin1_title_converts_to_utf8_json(tmp_path):
    out = tmp_path / "x.json"
    r = run("convert", DATA / "inp-latin1-title.inp", "-o", out)
    assert r.returncode == 0, stderr_text(r)
    text = out.read_bytes().decode("utf-8")
    assert "R\u00e9seau de la ville" in text
    assert "Windows-1252" in text


def test_inp_build_errors_keep_line_field_and_file_value(tmp_path):
    inp = tmp_path / "net.inp"
    inp.write_text("[JUNCTIONS]\nJ1 0 1\n[RESERVOIRS]\nR1 10\n[PIPES]\nP1 R1 J1 -300 12 100\n[END]\n")
    r = run("solve", inp, "-o", tmp_path / "x.h5")
    assert_refused(r, f"{inp}:6 (pipe 'P1')", "length = -300", "length_m = -91.44")


def test_inp_without_reference_names_the_line(tmp_path):
    inp = tmp_path / "net.inp"
    inp.write_text("[JUNCTIONS]\nJ1 0 1\nJ2 0 1\n[PIPES]\nP1 J1 J2 100 12 100\n[END]\n")
    r = run("solve", inp, "-o", tmp_path / "x.h5")
    assert_refused(r, f"{inp}:2 (junction 'J1')", "no pressure reference")


def test_huge_tokens_and_raw_bytes_are_not_echoed(tmp_path):
    inp = tmp_path / "net.inp"
    token = "X" * 100_000
    inp.write_bytes(b"[JUNCTIONS]\nJ1 0 1\n[RESERVOIRS]\nR1 10\n[PIPES]\nP1 R1 " + token.encode()
                    + b" 100 12 100\n[END]\n")
    r = run("solve", inp, "-o", tmp_path / "x.h5")
    assert_refused(r, f"{inp}:6", "XXX...")
    net = tmp_path / "net.json"
    net.write_bytes(b'{"format": "heatnet-network/1", "nodes": [{"id": "' + b"\x01" * 50_000 + b'"}]}')
    r = run("check", net)
    assert r.returncode == 2
    assert len(stderr_text(r)) < MAX_MESSAGE_CHARS


def test_nodes_without_pipes_are_refused_before_per_node_work(tmp_path):
    # 10 M nodes took 17.7 s and 2.95 GB before; 1 M keeps the test fast. The error names the
    # first node whichever check finds it.
    net = tmp_path / "nodes.json"
    with open(net, "w") as f:
        f.write('{"format": "heatnet-network/1", "nodes": [')
        f.write(",".join(f'{{"id": "N{i}"}}' for i in range(1_000_000)))
        f.write("]}")
    t0 = time.perf_counter()
    r = run("check", net)
    elapsed = time.perf_counter() - t0
    assert_refused(r, "nodes[0] (node 'N0')", "no pressure reference")
    assert elapsed < 10.0, f"{elapsed:.1f} s"


def stray_files(folder, output_name):
    return [p.name for p in folder.iterdir() if p.name != output_name]


def test_sigkill_during_simulate_leaves_no_output_and_the_next_run_cleans_up(tmp_path):
    out = tmp_path / "out.h5"
    p = subprocess.Popen([str(HEATNET_BIN), "simulate", str(ORAL), "--profiles", str(PROFILES),
                          "-o", str(out), "--quiet"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not stray_files(tmp_path, "out.h5") and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # some steps written
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=30)
    assert p.returncode == -signal.SIGKILL
    stray = stray_files(tmp_path, "out.h5")
    assert stray, "the run was killed before it created its temporary file"
    assert all(name.startswith(".out.h5.") or name.startswith("..out.h5.") for name in stray)
    assert f"-{p.pid}-" in stray[0]
    assert not out.exists()  # never a partial file under the requested name

    r = run("simulate", ORAL, "--profiles", PROFILES, "--steps", 2, "-o", out, "--quiet")
    assert r.returncode == 0, stderr_text(r)
    assert [p.name for p in tmp_path.iterdir()] == ["out.h5"]


def test_temp_files_of_live_processes_and_other_outputs_are_kept(tmp_path):
    live = tmp_path / f".out.h5.sim-{os.getpid()}-0123abcd"   # this (live) process
    other = tmp_path / ".other.h5.sim-999999999-0123abcd"     # another output
    mine = tmp_path / ".out.h5.notes"                          # not a temporary name
    for p in (live, other, mine):
        p.write_bytes(b"x")
    r = run("solve", ORAL, "-o", tmp_path / "out.h5")
    assert r.returncode == 0, stderr_text(r)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["out.h5", live.name, other.name, mine.name])


def test_convert_locates_inp_build_errors_too(tmp_path):
    inp = tmp_path / "net.inp"
    inp.write_text("[JUNCTIONS]\nJ1 0 1\n[RESERVOIRS]\nR1 10\n[PIPES]\nP1 R1 J1 100 -12 100\n[END]\n")
    out = tmp_path / "net.json"
    r = run("convert", inp, "-o", out)
    assert_refused(r, f"{inp}:6 (pipe 'P1')", "diameter = -12", "imported as inner_diameter_m = -0.3047")
    assert not out.exists()


def grid_network(n):
    """An n x n grid of pipes (hydraulic only) held at one corner, every node drawing a little."""
    node = lambda i, j: f"N{i}_{j}"  # noqa: E731
    nodes = [{"id": node(i, j), "demand_kg_s": 0.01} for i in range(n) for j in range(n)]
    pipes = []
    for i in range(n):
        for j in range(n):
            for di, dj, tag in ((1, 0, "v"), (0, 1, "h")):
                if i + di < n and j + dj < n:
                    pipes.append({"id": f"P{tag}{i}_{j}", "from": node(i, j), "to": node(i + di, j + dj),
                                  "length_m": 50, "inner_diameter_m": 0.2, "roughness_mm": 0.1})
    return {"format": "heatnet-network/1", "name": "grid", "nodes": nodes, "pipes": pipes,
            "pressure_nodes": [{"node": node(0, 0), "pressure_bar": 5.0, "temperature_C": 20.0}]}


def test_sigkill_during_a_large_solve_leaves_no_output_and_the_next_run_cleans_up(tmp_path):
    import json
    net = tmp_path / "grid.json"
    net.write_text(json.dumps(grid_network(200)))
    work = tmp_path / "out"
    work.mkdir()
    out = work / "out.h5"
    for _attempt in range(5):  # the kill must land while the file is written: retry a lost race
        out.unlink(missing_ok=True)
        p = subprocess.Popen([str(HEATNET_BIN), "solve", str(net), "-o", str(out)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while p.poll() is None and not stray_files(work, "out.h5"):
            time.sleep(0.002)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
        if p.returncode == -signal.SIGKILL:
            break
    assert p.returncode == -signal.SIGKILL, "five solves finished before a kill reached the writing"
    assert not out.exists()
    assert stray_files(work, "out.h5"), "killed while writing: its temporary file stays"

    r = run("solve", ORAL, "-o", out)
    assert r.returncode == 0, stderr_text(r)
    assert [p.name for p in work.iterdir()] == ["out.h5"]


def test_python_from_inp_locates_build_errors(tmp_path):
    heatnet = pytest.importorskip("heatnet")
    inp = tmp_path / "net.inp"
    inp.write_text("[JUNCTIONS]\nJ1 0 1\n[RESERVOIRS]\nR1 10\n[PIPES]\nP1 R1 J1 -300 12 100\n[END]\n")
    net = heatnet.Network.from_inp(inp)
    with pytest.raises(heatnet.NetworkError) as e:
        net.compile()
    assert f"{inp}:6 (pipe 'P1'): length = -300" in str(e.value)
    assert e.value.field == "length" and e.value.value == "-300"
