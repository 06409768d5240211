"""heatnet validation runner (entry point: validation/run).

Solves every case in validation/cases/ with the CLI, pairs reference and computed values by
(quantity, element_id), applies |a - b| <= atol + rtol*|ref| per quantity (tolerances live in each
case.json, never here), checks mass and energy balance, prints a table, writes
validation/report.md and plots, and exits non-zero on any failure.

Case format (case.json): name, family, description, network ("network.json", a path relative to
the case folder, or "${HEATNET_REFERENCE_DIR}/..." = validation/reference/... unless the
environment variable points elsewhere; a case whose files are missing FAILS), reference (family-specific), provenance
{tool, version, settings, source}, tolerances {quantity: {atol, rtol, unit, why
[, expected_failure]}}, options {friction, tolerance, max_iterations} (CLI flags, optional).

A case may carry "expected_solve_failure": "<reason>" for a documented solver limitation (reported
XFAIL while the solve fails, XPASS once it succeeds).
A tolerance entry may carry "expected_failure": "<physical explanation>". Such a quantity is still
compared at its full tolerance; when it fails it is reported XFAIL with the explanation (not a
suite failure); when it passes it is reported XPASS so the note can be removed.

Family plug-ins validation/families/<family>.py expose
    load_reference(case_dir, case) -> list[dict(quantity, element_id, value, unit)]
    computed(case_dir, case, results_h5_path) -> list[dict(...)]
and optionally
    prepare_network(case_dir, case, network_path, work_dir) -> path of the network to solve.
`case` is the parsed case.json with ${HEATNET_REFERENCE_DIR} expanded, plus "_case_dir",
"_network_path" (the network actually solved) and "_results_path" (its results file; set before
load_reference, for families whose reference is an invariant evaluated on the solution).
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import copy
import fnmatch
import importlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

VALIDATION_DIR = Path(__file__).resolve().parent
REPO = VALIDATION_DIR.parent
if str(VALIDATION_DIR) not in sys.path:
    sys.path.insert(0, str(VALIDATION_DIR))

import balances  # noqa: E402
from results_h5 import Results  # noqa: E402

REF_VAR = "${HEATNET_REFERENCE_DIR}"
SOLVE_TIMEOUT_S = 300


# ---------------------------------------------------------------------------- configuration
def reference_dir() -> Path:
    env = os.environ.get("HEATNET_REFERENCE_DIR")
    return Path(env) if env else (VALIDATION_DIR / "reference")


def repo_relative(path: Path) -> str:
    """The path as the report shows it: relative to the repository when inside it, so that a
    committed report names no folder of the machine it ran on."""
    try:
        return str(Path(path).resolve().relative_to(REPO.resolve()))
    except ValueError:
        return str(path)


def heatnet_bin() -> Path:
    env = os.environ.get("HEATNET_BIN")
    if env:
        p = Path(env)
        return p if p.is_absolute() else (REPO / p)
    return REPO / "build" / "bin" / "heatnet"


def load_defaults() -> dict:
    with open(VALIDATION_DIR / "defaults.json") as f:
        return json.load(f)


def expand(obj, ref_dir: Path):
    """Expand ${HEATNET_REFERENCE_DIR} in every string of a JSON value."""
    if isinstance(obj, str):
        return obj.replace(REF_VAR, str(ref_dir))
    if isinstance(obj, list):
        return [expand(v, ref_dir) for v in obj]
    if isinstance(obj, dict):
        return {k: expand(v, ref_dir) for k, v in obj.items()}
    return obj


def external_paths(obj) -> list[str]:
    """Strings that point into the external reference data (before expansion)."""
    out = []
    if isinstance(obj, str) and REF_VAR in obj:
        out.append(obj)
    elif isinstance(obj, list):
        for v in obj:
            out += external_paths(v)
    elif isinstance(obj, dict):
        for v in obj.values():
            out += external_paths(v)
    return out


def discover(cases_dir: Path, families: list[str] | None, patterns: list[str] | None) -> list[Path]:
    found = []
    for d in sorted(p for p in cases_dir.iterdir() if (p / "case.json").is_file()):
        if families or patterns:
            try:
                with open(d / "case.json") as f:
                    fam = json.load(f).get("family")
            except (OSError, ValueError):
                fam = None
            if families and fam not in families:
                continue
            if patterns and not any(fnmatch.fnmatch(d.name, pat) for pat in patterns):
                continue
        found.append(d)
    return found


def load_family(name: str):
    return importlib.import_module(f"families.{name}")


# ---------------------------------------------------------------------------- one case
def solve(network: Path, out: Path, options: dict, log: list[str]) -> tuple[bool, str]:
    cmd = [str(heatnet_bin()), "solve", str(network), "-o", str(out), "-q"]
    flags = {"friction": "--friction", "tolerance": "--tolerance", "max_iterations": "--max-iterations"}
    for key, value in (options or {}).items():
        if key not in flags:
            return False, f"unknown option '{key}' in case.json (known: {', '.join(flags)})"
        cmd += [flags[key], str(value)]
    log.append(" ".join(cmd))
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=SOLVE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return False, f"heatnet solve timed out after {SOLVE_TIMEOUT_S} s"
    except OSError as e:
        return False, f"cannot run {cmd[0]}: {e}"
    if proc.returncode != 0 or not out.is_file():
        msg = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
        return False, f"heatnet solve exit {proc.returncode}: " + " | ".join(msg[:4])
    return True, ""


def tolerance_for(quantity: str, case: dict, defaults: dict) -> dict | None:
    tol = case.get("tolerances", {}).get(quantity)
    if tol is None:
        tol = defaults.get("tolerances", {}).get(quantity)
    return tol


def compare(ref_rows: list[dict], comp_rows: list[dict], case: dict, defaults: dict) -> list[dict]:
    """One summary dict per reference quantity (in first-seen order)."""
    comp, scales = {}, {}
    for r in comp_rows:
        comp[(r["quantity"], str(r["element_id"]))] = float(r["value"])
        if "scale" in r:
            scales[(r["quantity"], str(r["element_id"]))] = abs(float(r["scale"]))
    by_q: dict[str, list[dict]] = {}
    for r in ref_rows:
        by_q.setdefault(r["quantity"], []).append(r)
    out = []
    for q, rows in by_q.items():
        tol = tolerance_for(q, case, defaults)
        entry = {"quantity": q, "n": len(rows), "unit": rows[0].get("unit", ""), "missing": [],
                 "duplicates": [], "max_abs": 0.0, "max_rel": 0.0, "worst": None,
                 "n_fail": 0, "ref": [], "comp": [], "ids": []}
        seen = set()
        if tol is None:
            entry.update(status="FAIL", reason=f"no tolerance for quantity '{q}'", atol=None, rtol=None, why="")
            out.append(entry)
            continue
        atol, rtol = float(tol.get("atol", 0.0)), float(tol.get("rtol", 0.0))
        entry.update(atol=atol, rtol=rtol, why=tol.get("why", ""), tol_unit=tol.get("unit", entry["unit"]))
        worst_ratio = -1.0
        for r in rows:
            key = (q, str(r["element_id"]))
            if key in seen:
                entry["duplicates"].append(key[1])
            seen.add(key)
            ref = float(r["value"])
            if key not in comp:
                entry["missing"].append(key[1])
                continue
            a = comp[key]
            # `scale` (balance rows): the magnitude a relative tolerance refers to when ref = 0
            mag = max(abs(ref), scales.get(key, 0.0), abs(float(r.get("scale", 0.0))))
            err = abs(a - ref) if math.isfinite(a) else math.inf
            rel = err / mag if mag != 0 else (0.0 if err == 0 else math.inf)
            bound = atol + rtol * mag
            ok = err <= bound
            if not ok:
                entry["n_fail"] += 1
            ratio = err / bound if bound > 0 else (0.0 if err == 0 else math.inf)
            if ratio > worst_ratio:
                worst_ratio = ratio
                entry["worst"] = key[1]
            entry["max_abs"] = max(entry["max_abs"], err)
            if mag != 0 or err != 0:
                entry["max_rel"] = max(entry["max_rel"], rel)
            entry["ref"].append(ref)
            entry["comp"].append(a)
            entry["ids"].append(key[1])
        entry["worst_ratio"] = worst_ratio
        passed = entry["n_fail"] == 0 and not entry["missing"] and not entry["duplicates"]
        reasons = []
        if entry["missing"]:
            reasons.append(f"{len(entry['missing'])} reference rows without a computed value "
                           f"(e.g. {', '.join(entry['missing'][:3])})")
        if entry["duplicates"]:
            reasons.append(f"duplicate reference rows {entry['duplicates'][:3]}")
        if entry["n_fail"]:
            reasons.append(f"{entry['n_fail']} of {len(rows)} outside tolerance (worst {entry['worst']})")
        entry["reason"] = "; ".join(reasons)
        xfail = tol.get("expected_failure")
        if passed:
            entry["status"] = "XPASS" if xfail else "PASS"
        else:
            entry["status"] = "XFAIL" if xfail else "FAIL"
        entry["expected_failure"] = xfail or ""
        out.append(entry)
    return out


def run_case(case_dir: str, plots_dir: str | None, keep_dir: str | None) -> dict:
    case_dir = Path(case_dir)
    t0 = time.time()
    outcome = {"case": case_dir.name, "family": "?", "status": "FAIL", "reason": "", "quantities": [],
               "notes": [], "plot": None, "log": [], "description": ""}
    try:
        with open(case_dir / "case.json") as f:
            raw = json.load(f)
        outcome["family"] = raw.get("family", "?")
        outcome["description"] = raw.get("description", "")
        outcome["provenance"] = raw.get("provenance", {})
        name = raw.get("name", case_dir.name)
        outcome["case"] = name
        ref_dir = reference_dir()
        missing = [p for p in external_paths({"n": raw.get("network"), "r": raw.get("reference")})
                   if not Path(p.replace(REF_VAR, str(ref_dir))).exists()]
        if missing:  # missing data is a failure: a case that cannot run has not passed
            outcome["reason"] = ("reference data missing: " + missing[0].replace(REF_VAR, str(ref_dir))
                                 + (f" (+{len(missing) - 1} more)" if len(missing) > 1 else ""))
            return outcome
        case = expand(raw, ref_dir)
        case["_case_dir"] = str(case_dir)
        defaults = load_defaults()
        family = load_family(case["family"])
        net_path = Path(case["network"])
        if not net_path.is_absolute():
            net_path = (case_dir / net_path).resolve()
        if not net_path.is_file():
            outcome["reason"] = f"network file {net_path} not found"
            return outcome
        work = Path(tempfile.mkdtemp(prefix=f"hnval-{case_dir.name}-"))
        try:
            if hasattr(family, "prepare_network"):
                net_path = Path(family.prepare_network(case_dir, case, net_path, work))
            case["_network_path"] = str(net_path)
            h5 = work / "results.h5"
            ok, msg = solve(net_path, h5, case.get("options"), outcome["log"])
            if not ok:
                # a case may document a known solver failure ("expected_solve_failure": reason):
                # reported XFAIL with the reason, never silently; a later success shows as XPASS
                known = case.get("expected_solve_failure")
                outcome["status"] = "XFAIL" if known else "FAIL"
                outcome["reason"] = (f"expected solve failure: {known} ({msg[:200]})" if known else msg)
                return outcome
            if keep_dir:
                shutil.copy(h5, Path(keep_dir) / f"{case_dir.name}.h5")
            case["_results_path"] = str(h5)
            ref_rows = family.load_reference(case_dir, case)
            comp_rows = family.computed(case_dir, case, str(h5))
            with open(net_path) as f:
                net = json.load(f)
            res = Results(h5)
            bal_rows, notes = balances.balance_rows(net, res)
            outcome["notes"] += notes
            ref_rows = list(ref_rows) + [dict(r, value=0.0) for r in bal_rows]
            comp_rows = list(comp_rows) + bal_rows
            qs = compare(ref_rows, comp_rows, case, defaults)
            outcome["quantities"] = qs
            fails = [q for q in qs if q["status"] == "FAIL"]
            xfails = [q for q in qs if q["status"] == "XFAIL"]
            if fails:
                outcome["status"] = "FAIL"
                outcome["reason"] = "; ".join(f"{q['quantity']}: {q['reason']}" for q in fails)
            elif xfails:
                outcome["status"] = "XFAIL"
                outcome["reason"] = "; ".join(f"{q['quantity']}: expected failure" for q in xfails)
            else:
                outcome["status"] = "PASS"
            if case.get("expected_solve_failure") and outcome["status"] == "PASS":
                outcome["status"] = "XPASS"
                outcome["reason"] = "documented solve failure no longer happens: remove the note"
            if plots_dir:
                outcome["plot"] = plot_case(outcome, Path(plots_dir))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    except Exception as e:  # a broken case or family module is a failure, never a crash
        outcome["reason"] = f"{type(e).__name__}: {e}"
        outcome["log"].append(traceback.format_exc())
    finally:
        outcome["wall_s"] = time.time() - t0
        for q in outcome["quantities"]:  # keep plot data out of the summary
            q.pop("ref", None), q.pop("comp", None), q.pop("ids", None)
    return outcome


def plot_case(outcome: dict, plots_dir: Path) -> str | None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    qs = [q for q in outcome["quantities"] if q.get("ref") and q["quantity"] not in
          ("mass_balance", "solver_mass_imbalance", "energy_balance")]
    if not qs:
        return None
    plots_dir.mkdir(parents=True, exist_ok=True)
    n = len(qs)
    cols = min(n, 3)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.8 * rows), squeeze=False)
    for ax, q in zip(axes.flat, qs):
        ref, comp = np.array(q["ref"]), np.array(q["comp"])
        ok = np.abs(comp - ref) <= q["atol"] + q["rtol"] * np.abs(ref)
        lo, hi = float(min(ref.min(), comp.min())), float(max(ref.max(), comp.max()))
        pad = 0.05 * (hi - lo) if hi > lo else max(abs(hi), 1.0) * 0.05
        ax.plot([lo - pad, hi + pad], [lo - pad, hi + pad], color="0.6", lw=1)
        ax.scatter(ref[ok], comp[ok], s=14, color="tab:blue", label="within tolerance")
        if (~ok).any():
            ax.scatter(ref[~ok], comp[~ok], s=18, color="tab:red", marker="x", label="outside")
        ax.set_title(f"{q['quantity']} [{q['status']}]", fontsize=9)
        ax.set_xlabel(f"reference [{q['unit']}]", fontsize=8)
        ax.set_ylabel(f"heatnet [{q['unit']}]", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=6)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle(f"{outcome['case']} ({outcome['family']})", fontsize=10)
    fig.tight_layout()
    path = plots_dir / f"{outcome['case']}.png"
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return str(path)


# ---------------------------------------------------------------------------- reporting
def fmt(x, digits=2) -> str:
    if x is None:
        return "-"
    if isinstance(x, float) and (math.isinf(x) or math.isnan(x)):
        return str(x)
    return f"{x:.{digits}e}"


def md(text, limit=400) -> str:
    """Text safe inside a markdown table cell."""
    text = str(text).replace("\n", " ").replace("|", "\\|")
    return text if len(text) <= limit else text[:limit] + " ..."


def tol_text(q: dict) -> str:
    if q.get("atol") is None:
        return "none"
    parts = []
    if q["atol"]:
        parts.append(f"{q['atol']:.3g} {q.get('tol_unit', q['unit'])}")
    if q["rtol"]:
        parts.append(f"{q['rtol']:.3g} rel")
    return " + ".join(parts) if parts else "exact"


def table_lines(outcomes: list[dict]) -> list[str]:
    head = f"{'case':44s} {'quantity':24s} {'n':>4s} {'max abs err':>11s} {'max rel err':>11s} {'tolerance':>22s}  result"
    lines = [head, "-" * len(head)]
    for o in outcomes:
        if not o["quantities"]:
            lines.append(f"{o['case'][:44]:44s} {'-':24s} {'':>4s} {'':>11s} {'':>11s} {'':>22s}  {o['status']}: {o['reason']}")
            continue
        for q in o["quantities"]:
            lines.append(f"{o['case'][:44]:44s} {q['quantity'][:24]:24s} {q['n']:4d} {fmt(q['max_abs']):>11s} "
                         f"{fmt(q['max_rel']):>11s} {tol_text(q)[:22]:>22s}  {q['status']}")
    return lines


def summarise(outcomes):
    counts = {}
    for o in outcomes:
        counts[o["status"]] = counts.get(o["status"], 0) + 1
    return counts


def heatnet_version() -> str:
    try:
        p = subprocess.run([str(heatnet_bin()), "--version"], capture_output=True, text=True, timeout=30)
        return (p.stdout.strip() or p.stderr.strip()) or "unknown"
    except OSError:
        return "unavailable"


def write_report(outcomes: list[dict], path: Path, plots_dir: Path | None, wall: float, args) -> None:
    import findings

    counts = summarise(outcomes)
    lines = ["# heatnet validation report", "",
             "Generated by `validation/run` (do not edit by hand: edit `validation/findings.py` for the "
             "analysis text, then re-run).", "",
             f"* heatnet: `{heatnet_version()}` ({repo_relative(heatnet_bin())})",
             f"* reference data: `{repo_relative(reference_dir())}` (env `HEATNET_REFERENCE_DIR`)",
             f"* cases: {len(outcomes)}; " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())),
             f"* wall time: {wall:.1f} s with {args.workers} workers",
             f"* selection: families={args.family or 'all'}, cases={args.case or 'all'}",
             "* comparison: |heatnet - reference| <= atol + rtol*|reference| per element; every tolerance "
             "and its justification is in the case's `case.json`.",
             "", findings.SUMMARY.strip(), ""]
    fams = []
    for o in outcomes:
        if o["family"] not in fams:
            fams.append(o["family"])
    lines += ["## Cases: worst error per case", "",
              "| family | case | status | worst quantity (error / bound) | plot |", "|---|---|---|---|---|"]
    for o in outcomes:
        worst = None
        for q in o["quantities"]:
            r = q.get("worst_ratio", -1)
            if worst is None or r > worst.get("worst_ratio", -1):
                worst = q
        wtxt = (f"{worst['quantity']} {fmt(worst['max_abs'])} {worst['unit']} "
                f"({worst.get('worst_ratio', 0):.2g} of bound)") if worst else md(o["reason"], 200)
        plot = ""
        if o.get("plot"):
            rel = os.path.relpath(o["plot"], path.parent)
            plot = f"[png]({rel})"
        lines.append(f"| {o['family']} | {o['case']} | {o['status']} | {wtxt} | {plot} |")
    lines.append("")
    lines += ["Balance rows (every case): `mass_balance` = |net flow| at each free node (kg/s), "
              "`solver_mass_imbalance` = the /solver attribute, `energy_balance` = |E_in - E_out| (W); "
              "their relative error is taken against the largest element flow / the energy throughput "
              "(validation/balances.py).", ""]
    for fam in fams:
        lines += [f"## Family `{fam}`", ""]
        fam_text = findings.FAMILY.get(fam)
        if fam_text:
            lines += [fam_text.strip(), ""]
        lines += ["| case | quantity | n | max abs err | max rel err | tolerance | result | why this tolerance |",
                  "|---|---|---|---|---|---|---|---|"]
        for o in outcomes:
            if o["family"] != fam:
                continue
            if not o["quantities"]:
                lines.append(f"| {o['case']} | - | - | - | - | - | {o['status']} | {md(o['reason'])} |")
            for q in o["quantities"]:
                lines.append(f"| {o['case']} | {q['quantity']} | {q['n']} | {fmt(q['max_abs'])} | "
                             f"{fmt(q['max_rel'])} | {tol_text(q)} | {q['status']} | {md(q.get('why', ''))} |")
        lines.append("")
    bad = [o for o in outcomes if o["status"] in ("FAIL", "XFAIL")]
    xpass = [(o, q) for o in outcomes for q in o["quantities"] if q["status"] == "XPASS"]
    lines += ["## Failures and expected failures", ""]
    if not bad and not xpass:
        lines.append("None.")
    for o in bad:
        lines.append(f"* **{o['status']}** `{o['case']}`: {md(o['reason'], 600)}")
        for q in o["quantities"]:
            if q["status"] == "XFAIL":
                lines.append(f"  * `{q['quantity']}` ({q['reason']}): {q['expected_failure']}")
        note = findings.CASE_NOTES.get(o["case"])
        if note:
            lines.append(f"  * analysis: {note}")
    for o, q in xpass:
        lines.append(f"* **XPASS** `{o['case']}` `{q['quantity']}` passes although marked as an expected "
                     f"failure: remove the note.")
    lines.append("")
    if findings.DETAILS.strip():
        lines += [findings.DETAILS.strip(), ""]
    path.write_text("\n".join(lines))


# ---------------------------------------------------------------------------- main
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="validation/run", description=__doc__.split("\n")[0])
    ap.add_argument("--family", action="append", help="only this family (repeatable)")
    ap.add_argument("--case", action="append", help="only cases whose folder matches this glob (repeatable)")
    ap.add_argument("--cases-dir", default=str(VALIDATION_DIR / "cases"))
    ap.add_argument("--report", default=str(VALIDATION_DIR / "report.md"),
                    help="report path ('' = no report)")
    ap.add_argument("--plots", default=str(VALIDATION_DIR / "plots"), help="plot folder ('' = no plots)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep-results", default="", help="copy every results file into this folder")
    ap.add_argument("--verbose", "-v", action="store_true", help="print solver command lines and tracebacks")
    args = ap.parse_args(argv)

    cases_dir = Path(args.cases_dir)
    cases = discover(cases_dir, args.family, args.case)
    if not cases:
        print(f"no cases found in {cases_dir} (families={args.family}, cases={args.case})", file=sys.stderr)
        return 2
    if not heatnet_bin().is_file():
        print(f"heatnet binary not found: {heatnet_bin()} (set HEATNET_BIN)", file=sys.stderr)
        return 2
    if args.keep_results:
        Path(args.keep_results).mkdir(parents=True, exist_ok=True)
    plots = args.plots or None
    t0 = time.time()
    with cf.ProcessPoolExecutor(max_workers=max(1, args.workers)) as ex:
        futures = [ex.submit(run_case, str(c), plots, args.keep_results or None) for c in cases]
        outcomes = [f.result() for f in futures]
    wall = time.time() - t0

    for line in table_lines(outcomes):
        print(line)
    if args.verbose:
        for o in outcomes:
            for entry in o["log"]:
                print(f"[{o['case']}] {entry}")
    counts = summarise(outcomes)
    print()
    print(f"{len(outcomes)} cases in {wall:.1f} s: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    for o in outcomes:
        if o["status"] in ("FAIL", "XFAIL"):
            print(f"  {o['status']:8s} {o['case']}: {o['reason']}")
    if args.report:
        write_report(outcomes, Path(args.report), Path(plots) if plots else None, wall, args)
        print(f"report: {args.report}")
    return 1 if counts.get("FAIL", 0) else 0


if __name__ == "__main__":
    sys.exit(main())
