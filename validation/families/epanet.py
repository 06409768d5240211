"""EPANET cases: steady t = 0 solutions of public EPANET networks by EPANET 2.3.5
(shared reference folder epanet/<name>/: network.inp, nodes.csv, links.csv, meta.txt; see its
README). heatnet solves the unmodified .inp through its EPANET importer (io/epanet_inp.cpp).

Quantities:
* node_head  (m)    every node, by EPANET id: /nodes/head.
* link_flow  (m3/s) every pipe, pump and valve, by EPANET id: mass_flow / density, with density
                    = 1000 kg/m3 x the file's SPECIFIC GRAVITY (the importer's fluid).

The computed rows carry no scale; case.json tolerances give link_flow an absolute floor of 1e-4 of
the network's largest |flow| plus a relative part.
"""
from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

from results_h5 import Results


def _specific_gravity(inp_path: str) -> float:
    """[OPTIONS] SPECIFIC GRAVITY of the .inp (1.0 when absent), as the importer reads it."""
    section = ""
    with open(inp_path, errors="replace") as f:
        for raw in f:
            line = raw.split(";", 1)[0].strip()
            if not line:
                continue
            if line.startswith("["):
                section = line.split()[0].upper()
                continue
            if section == "[OPTIONS]":
                m = re.match(r"specific\s+gravity\s+(\S+)", line, re.I)
                if m:
                    return float(m.group(1))
    return 1.0


def prepare_network(case_dir, case, network_path, work_dir) -> Path:
    """`heatnet convert` the .inp to heatnet-network/1 JSON (exercises the converter; the runner's
    balance checks read JSON). Solving the JSON or the .inp directly gives identical results."""
    import runner  # the runner's binary lookup (HEATNET_BIN)

    out = Path(work_dir) / "network.json"
    proc = subprocess.run([str(runner.heatnet_bin()), "convert", str(network_path), "-o", str(out)],
                          capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise RuntimeError("heatnet convert failed: " + (proc.stderr.strip() or proc.stdout.strip()))
    return out


def load_reference(case_dir, case) -> list[dict]:
    rows = []
    with open(case["reference"]["nodes"], newline="") as f:
        for r in csv.DictReader(f):
            rows.append({"quantity": "node_head", "element_id": r["id"],
                         "value": float(r["head_m"]), "unit": "m"})
    with open(case["reference"]["links"], newline="") as f:
        for r in csv.DictReader(f):
            rows.append({"quantity": "link_flow", "element_id": r["id"],
                         "value": float(r["flow_m3_s"]), "unit": "m3/s"})
    return rows


def computed(case_dir, case, results_h5_path) -> list[dict]:
    res = Results(results_h5_path)
    rho = 1000.0 * _specific_gravity(case["network"])
    rows = []
    for node_id, h in zip(res.ids["nodes"], res.get("nodes", "head")):
        rows.append({"quantity": "node_head", "element_id": node_id, "value": float(h), "unit": "m"})
    for group in ("pipes", "pumps", "valves"):
        if not res.ids.get(group):
            continue
        for link_id, q in zip(res.ids[group], res.get(group, "mass_flow")):
            rows.append({"quantity": "link_flow", "element_id": link_id,
                         "value": float(q) / rho, "unit": "m3/s"})
    return rows
