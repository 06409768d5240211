#!/usr/bin/env python3
"""How big a design report gets and how long a browser takes to render it, at 10^5 pipes.

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/report_render.py [--build-dir build]
        [--pipes 100000] [--repeats 5] [--keep DIR]

Generates the benchmark network (heatnet_bench --kind realistic --write-json), solves it
(heatnet solve), writes the report (heatnet report) and opens it in headless Chromium: a
screenshot of the first screen (the page loaded, laid out and painted) and a print to PDF (every
page laid out for A4). Prints the file size, the time to write the report and the median
(min..max) browser times over the repeats. The machine is shared: compare medians, not single runs.
Target (issue #20): under 20 MB and under 10 s.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(cmd, **kw) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, timeout=1800, **kw)
    return time.perf_counter() - t0


def browser(chromium: str, html: Path, out: Path, mode: str, profile: Path) -> float:
    flag = ["--no-pdf-header-footer", f"--print-to-pdf={out}"] if mode == "pdf" \
        else [f"--screenshot={out}"]
    return timed([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                  f"--user-data-dir={profile}", "--window-size=1280,900", *flag, html.as_uri()])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", default="build")
    ap.add_argument("--pipes", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--keep", help="folder to keep the network, results and report in")
    a = ap.parse_args(argv)
    bindir = Path(a.build_dir).resolve() / "bin"
    chromium = shutil.which(os.environ.get("CHROMIUM", "chromium"))
    if chromium is None:
        sys.exit("no chromium on PATH (apt-get install chromium)")
    work = Path(a.keep or tempfile.mkdtemp(prefix="heatnet_report_bench_")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    net, res, html = work / "net.json", work / "net.h5", work / "report.html"
    timed([str(bindir / "heatnet_bench"), "--kind", "realistic", "--pipes", str(a.pipes),
           "--repeats", "1", "--write-json", str(net)])
    t_solve = timed([str(bindir / "heatnet"), "solve", str(net), "-o", str(res)])
    t_report = timed([str(bindir / "heatnet"), "report", str(res), "--network", str(net),
                      "-o", str(html)], env=dict(os.environ, MPLBACKEND="Agg"))
    print(f"{a.pipes:,} pipes: solve {t_solve:.1f} s, report written in {t_report:.1f} s, "
          f"{html.stat().st_size / 1e6:.2f} MB")
    for mode in ("screenshot", "pdf"):
        times = []
        for i in range(a.repeats):
            with tempfile.TemporaryDirectory() as profile:
                out = work / (f"shot{i}.png" if mode == "screenshot" else f"print{i}.pdf")
                times.append(browser(chromium, html, out, mode, Path(profile)))
        print(f"  chromium --{mode}: median {statistics.median(times):.2f} s "
              f"({min(times):.2f}..{max(times):.2f} s, {a.repeats} runs)")
    if not a.keep:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
