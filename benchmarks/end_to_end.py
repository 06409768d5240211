#!/usr/bin/env python3
"""End-to-end benchmark (`make bench`): what a user sees, whole processes on real files.

For the realistic district-heating networks (written once by `heatnet_bench --write-json` into
benchmarks/networks/, keyed by the generator's source) and the EPANET reference networks:

  file size, then `heatnet solve FILE -o OUT.h5 --timings` as a whole process: read, build,
  solve, write (its own --timings), wall and peak RSS of the process; Python's json.load of the
  same file (reference: a general-purpose parser that only parses); the Python API
  (Network.from_json, Result.table("pipes"), Result.to_hdf5); and for the .inp files native
  EPANET's own reader (EN_open), when HEATNET_EPANET_NATIVE names an EPANET build
  (include/epanet2_2.h and build/lib/libepanet2.so under it), else "not available".

Every figure is the median of --repeats runs (1 from 1e6 pipes), each in a fresh process pinned
to one core; the ratios are taken within one run. Writes benchmarks/end_to_end.json and
benchmarks/end_to_end.png.

  python3 benchmarks/end_to_end.py [--build-dir build] [--sizes 10000,100000,1000000]
                                   [--repeats 3] [--skip-epanet] [--skip-python]
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import native_epanet

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NETWORKS = HERE / "networks"  # git-ignored
EPANET_REF = Path(os.environ.get("HEATNET_EPANET_REFERENCE", ROOT / "validation/reference/epanet"))
PYTHON = sys.executable

TARGETS = {  # the targets (one core, this machine); peak RSS in MiB (ru_maxrss / 1024),
    # "under 1 GB" read as 10^9 bytes
    "whole_1e6_s": 4.0, "peak_1e6_MB": 1e9 / 2**20, "whole_1e5_s": 0.5,
    "whole_over_json_load": 1.0, "inp_read_build_over_native": 1.0, "cli_13_links_s": 0.005,
    "python_from_json_1e6_s": 3.0, "python_table_1e6_s": 0.5,
}


def pin_one_core():
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[-1]})
    except (AttributeError, OSError):
        pass


def one_core_env() -> dict:
    env = dict(os.environ)
    for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[k] = "1"
    return env


def run(cmd: list[str], env=None, timeout=1800) -> dict:
    """One fresh process on one core (the harness pins itself in main(), children inherit it:
    a preexec_fn would force a slow fork of this interpreter into every timing): wall
    seconds, peak RSS (MB), exit code, stdout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env or one_core_env())
        killer = threading.Timer(timeout, p.kill)  # a blocking wait4 sees the exit at once
        killer.start()
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        killer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        return {"wall_s": wall, "peak_MB": usage.ru_maxrss / 1024.0,
                "rc": os.waitstatus_to_exitcode(status), "stdout": out.read().decode(errors="replace"),
                "stderr": err.read().decode(errors="replace")}


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt_s(x) -> str:
    if x is None:
        return "-"
    return f"{x * 1e3:.1f} ms" if x < 1 else f"{x:.2f} s"


TIMINGS = re.compile(r"timings: (.*)")


def heatnet_run(bindir: Path, network: Path, repeats: int, command: str = "solve",
                extra: tuple = ()) -> dict:
    """`heatnet solve` (or `check`) as a whole process: its --timings phases, wall, peak RSS."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeats):
            cmd = [str(bindir / "heatnet"), command, str(network)]
            if command == "solve":
                cmd += ["-o", f"{tmp}/out.h5", "-q"]
            cmd += list(extra)
            r = run(cmd + ["--timings"])
            if r["rc"] != 0 and "--timings" in r["stderr"]:  # a build before --timings existed
                r = run(cmd)
            if r["rc"] != 0:
                return {"error": (r["stderr"].strip().splitlines() or ["?"])[0][:300]}
            m = TIMINGS.search(r["stdout"])
            phases = ({k: float(v) * (1e-3 if unit == "ms" else 1.0)
                       for k, v, unit in re.findall(r"(\w+) ([0-9.]+) (ms|s)\b", m.group(1))}
                      if m else {})
            rows.append({**phases, "whole_s": r["wall_s"], "peak_MB": r["peak_MB"]})
    keys = rows[0].keys()
    return {k: median([row[k] for row in rows]) for k in keys}


JSON_LOAD = """
import json, sys, time
t = time.perf_counter()
with open(sys.argv[1], "rb") as f:
    json.load(f)
print(time.perf_counter() - t)
"""


def python_json_load(network: Path, repeats: int) -> float | None:
    times = []
    for _ in range(repeats):
        r = run([PYTHON, "-c", JSON_LOAD, str(network)])
        if r["rc"] != 0:
            return None
        times.append(float(r["stdout"].split()[-1]))
    return median(times)


PYTHON_API = """
import json, os, sys, tempfile, time
import heatnet
import pandas  # imported before the clock starts: a user's session has it loaded already
t0 = time.perf_counter()
net = heatnet.Network.from_json(sys.argv[1])
t1 = time.perf_counter()
res = heatnet.solve(net)
t2 = time.perf_counter()
df = res.table("pipes")
t3 = time.perf_counter()
with tempfile.TemporaryDirectory() as d:
    res.to_hdf5(os.path.join(d, "r.h5"))
t4 = time.perf_counter()
print(json.dumps({"from_json_s": t1 - t0, "solve_s": t2 - t1, "table_s": t3 - t2,
                  "to_hdf5_s": t4 - t3, "rows": len(df)}))
"""


def python_api(bindir: Path, network: Path, repeats: int) -> dict:
    env = one_core_env()
    env["PYTHONPATH"] = str(bindir.parent / "python") + os.pathsep + env.get("PYTHONPATH", "")
    rows = []
    for _ in range(repeats):
        r = run([PYTHON, "-c", PYTHON_API, str(network)], env=env)
        if r["rc"] != 0:
            return {"error": (r["stderr"].strip().splitlines() or ["?"])[-1][:300]}
        rows.append(json.loads(r["stdout"].strip().splitlines()[-1]))
    return {k: median([row[k] for row in rows]) for k in rows[0]}


def generator_key() -> str:
    h = hashlib.sha256()
    for name in ("generators.cpp", "generators.hpp"):
        h.update((HERE / name).read_bytes())
    return h.hexdigest()[:10]


def realistic_network(bindir: Path, pipes: int) -> Path:
    NETWORKS.mkdir(exist_ok=True)
    path = NETWORKS / f"realistic_{pipes}_{generator_key()}.json"
    if not path.exists():
        print(f"  writing {path.name} ...", flush=True)
        r = run([str(bindir / "heatnet_bench"), "--kind", "realistic", "--pipes", str(pipes),
                 "--repeats", "1", "--phases", "first", "--write-json", str(path)])
        if not path.exists():
            raise SystemExit(f"heatnet_bench could not write {path}: {r['stderr'][-500:]}")
    return path


def native_parse(driver: Path, inp: Path, repeats: int) -> float | None:
    r = run([str(driver), "parse", str(repeats), str(inp)])
    try:
        d = json.loads(r["stdout"].strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None
    return d["parse_s"] if d.get("error", 1) <= 100 else None


def warm_page_cache(path: Path) -> None:
    """Reads the file once, untimed: every timed reader then finds it in the page cache (a
    294 MB file read from disk by whichever reader comes first took 1 s more)."""
    with open(path, "rb") as f:
        while f.read(1 << 20):
            pass


def dh_rows(bindir: Path, sizes, repeats: int, skip_python: bool) -> list[dict]:
    rows = []
    for n in sizes:
        path = realistic_network(bindir, n)
        reps = 1 if n >= 1_000_000 else repeats
        print(f"  realistic {n:>9,} pipes ...", end="", flush=True)
        t0 = time.time()
        row = {"network": f"realistic {n:,}", "pipes": n, "file_MB": path.stat().st_size / 1e6}
        warm_page_cache(path)
        row["heatnet"] = heatnet_run(bindir, path, reps)
        row["json_load_s"] = python_json_load(path, reps)
        if not skip_python:
            row["python"] = python_api(bindir, path, reps)
        print(f" {time.time() - t0:.1f} s")
        rows.append(row)
    return rows


def epanet_rows(bindir: Path, repeats: int) -> tuple[list[dict], str]:
    inps = sorted(EPANET_REF.glob("*/network.inp")) if EPANET_REF.is_dir() else []
    if not inps:
        return [], f"no EPANET reference networks under {EPANET_REF}"
    driver = native_epanet.build_driver()
    rows = []
    print(f"  {len(inps)} EPANET networks ...", end="", flush=True)
    for inp in inps:
        # read + build from `check` (every network, solvable or not), the whole solve apart
        row = {"network": inp.parent.name, "file_MB": inp.stat().st_size / 1e6,
               "heatnet": heatnet_run(bindir, inp, repeats, "check"),
               "solve_process": heatnet_run(bindir, inp, repeats),
               "native_parse_s": native_parse(driver, inp, max(repeats, 5)) if driver else None}
        if inp.parent.name == "Net1":  # the small-network CLI figure, also with the fsync
            row["solve_process_sync"] = heatnet_run(bindir, inp, max(repeats, 5), "solve",
                                                    ("--sync",))
        rows.append(row)
    print(" done")
    return rows, "" if driver else "native EPANET: not available (set HEATNET_EPANET_NATIVE)"


def print_table(rows: list[dict], epanet: bool):
    hdr = ["network", "file", "read", "build", "solve", "write", "whole process", "peak RSS",
           "json.load" if not epanet else "native EPANET parse",
           "whole/json.load" if not epanet else "(read+build)/native"]
    if not epanet:
        hdr += ["py from_json", "py table", "py to_hdf5"]
    lines = [hdr]
    for r in rows:
        h = r["heatnet"]
        if "error" in h:
            lines.append([r["network"], f"{r['file_MB']:.1f} MB", h["error"]])
            continue
        if epanet:
            ref = r.get("native_parse_s")
            ratio = (h["read"] + h["build"]) / ref if ref and "read" in h else None
        else:
            ref = r.get("json_load_s")
            ratio = h["whole_s"] / ref if ref else None
        if epanet:  # read + build from `check`; solve, write and the whole process from `solve`
            sp = r.get("solve_process", {})
            h = {**h, "solve": sp.get("solve"), "write": sp.get("write"),
                 "whole_s": sp.get("whole_s"), "peak_MB": sp.get("peak_MB")}
        line = [r["network"], f"{r['file_MB']:.1f} MB", fmt_s(h.get("read")), fmt_s(h.get("build")),
                fmt_s(h.get("solve")), fmt_s(h.get("write")), fmt_s(h.get("whole_s")),
                f"{h['peak_MB']:.0f} MB" if h.get("peak_MB") else "-",
                fmt_s(ref) if ref else "not available", f"{ratio:.2f}" if ratio else "-"]
        if not epanet:
            p = r.get("python", {})
            line += [fmt_s(p.get("from_json_s")), fmt_s(p.get("table_s")), fmt_s(p.get("to_hdf5_s"))]
        lines.append(line)
    widths = [max(len(str(l[i])) for l in lines if i < len(l)) for i in range(len(hdr))]
    for k, l in enumerate(lines):
        print("  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                        for i, (c, w) in enumerate(zip(l, widths))))
        if k == 0:
            print("  ".join("-" * w for w in widths))


def epanet_totals(rows: list[dict]) -> dict:
    ok = [r for r in rows if "error" not in r["heatnet"]]
    total = {"networks": len(ok),
             "heatnet_check_processes_s": sum(r["heatnet"]["whole_s"] for r in ok)}
    if all("read" in r["heatnet"] for r in ok):
        total["heatnet_read_build_s"] = sum(r["heatnet"]["read"] + r["heatnet"]["build"] for r in ok)
    native = [r["native_parse_s"] for r in ok]
    if ok and all(x is not None for x in native):
        total["native_parse_s"] = sum(native)
        if "heatnet_read_build_s" in total:
            total["ratio"] = total["heatnet_read_build_s"] / total["native_parse_s"]
    net1 = [r for r in ok if r["network"] == "Net1" and "error" not in r["solve_process"]]
    if net1:
        total["cli_13_links_whole_s"] = net1[0]["solve_process"]["whole_s"]
        if "whole_s" in net1[0].get("solve_process_sync", {}):
            total["cli_13_links_sync_whole_s"] = net1[0]["solve_process_sync"]["whole_s"]
    return total


def plot(rows: list[dict], path: Path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing: no plot")
        return
    rows = [r for r in rows if "error" not in r["heatnet"]]
    if not rows:
        return
    fig, ax = plt.subplots(figsize=(7, 4.5))
    pipes = [r["pipes"] for r in rows]
    for phase, style in (("read", "o-"), ("build", "s-"), ("solve", "^-"), ("write", "v-")):
        if all(phase in r["heatnet"] for r in rows):
            ax.loglog(pipes, [r["heatnet"][phase] for r in rows], style, label=phase, alpha=0.8)
    ax.loglog(pipes, [r["heatnet"]["whole_s"] for r in rows], "k-", lw=2.5,
              label="whole `heatnet solve` process")
    ax.loglog(pipes, [r["json_load_s"] or float("nan") for r in rows], "m--", lw=2,
              label="Python json.load of the file (parse only)")
    ax.set_xlabel("realistic network, pipes")
    ax.set_ylabel("wall time, one core [s]")
    ax.set_title("heatnet end to end: read, build, solve, write")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"wrote {path}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", default="build")
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-epanet", action="store_true")
    ap.add_argument("--skip-python", action="store_true")
    ap.add_argument("--out", default=str(HERE / "end_to_end.json"))
    ap.add_argument("--plot-only", action="store_true", help="redraw the plot from --out")
    args = ap.parse_args()
    if args.plot_only:
        out = Path(args.out).resolve()
        plot(json.loads(out.read_text())["realistic"], out.with_suffix(".png"))
        return
    bindir = (ROOT / args.build_dir / "bin").resolve()
    pin_one_core()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    load_before = list(os.getloadavg())
    print("end to end: realistic district-heating networks")
    dh = dh_rows(bindir, sizes, args.repeats, args.skip_python)
    epanet, note = ([], "skipped") if args.skip_epanet else epanet_rows(bindir, args.repeats)
    print()
    print_table(dh, epanet=False)
    totals = {}
    if epanet:
        print()
        print_table(epanet, epanet=True)
        totals = epanet_totals(epanet)
        print(f"EPANET networks, whole `heatnet check` processes in total: "
              f"{fmt_s(totals['heatnet_check_processes_s'])}")
        print(f"EPANET networks, read + build in total: {fmt_s(totals.get('heatnet_read_build_s'))}"
              + (f" vs native EPANET's parse {fmt_s(totals['native_parse_s'])} "
                 f"(ratio {totals['ratio']:.2f})" if "ratio" in totals else f"; {note}"))
        if "cli_13_links_whole_s" in totals:
            print(f"13-link network (Net1), whole CLI process: {fmt_s(totals['cli_13_links_whole_s'])}"
                  + (f", with --sync {fmt_s(totals['cli_13_links_sync_whole_s'])}"
                     if "cli_13_links_sync_whole_s" in totals else ""))
    results = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": platform.platform(), "python": platform.python_version(),
        "load_before": load_before, "load_after": list(os.getloadavg()),
        "targets": TARGETS, "realistic": dh, "epanet": epanet, "epanet_totals": totals,
        "notes": [note] if note else [],
    }
    out = Path(args.out).resolve()
    out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {out}")
    plot(dh, out.with_suffix(".png"))


if __name__ == "__main__":
    main()
