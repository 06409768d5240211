"""pandapipes v0.11.0 validation networks (STANET and OpenModelica references).

External data: ${HEATNET_REFERENCE_DIR}/pandapipes/<family>/<case>/{network.json, reference.csv,
pandapipes.csv} (see that folder's README.md and REFEREE.md). case.json "reference":
    {"reference_csv": path, "pandapipes_csv": path (optional), "family": "<pandapipes family>"}

Quantities (reference.csv, the STANET/OpenModelica values):
  pressure            node gauge pressure, Pa          (pandapipes asserts |1 - p/p_ref|)
  velocity            pipe mean velocity, m/s, signed  (pandapipes asserts |v - v_ref|)
  mean_temperature_K  pipe: mean of the section temperatures, in kelvin (what pandapipes asserts,
                      relative); heatnet's pipe has the exact exponential profile, so the section
                      temperatures are evaluated at the downstream end of each of the reference's
                      n equal sections from the results' inlet temperature, |mass flow|, the pipe's
                      heat_loss_W_mK, ambient temperature and the fluid's cp
  outlet_temperature_K pipe outlet temperature (last section in flow direction), kelvin
Quantities from pandapipes.csv (pandapipes' own solution of the same net) carry the prefix `pp_`:
  pp_pressure, pp_velocity, pp_mass_flow (pipe), pp_temperature (node, degC).
STANET's pump `pressure_rise` rows are not compared (pandapipes asserts no pump quantity).
"""
from __future__ import annotations

import csv
import json
import math
import re

import numpy as np

from results_h5 import Results

KELVIN = 273.15
SECTION_RE = re.compile(r"section_temperature_(\d+)$")


def _read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def _kelvin(v):
    return float(v) + KELVIN


def load_reference(case_dir, case):
    ref = case["reference"]
    rows = []
    for r in _read_csv(ref["reference_csv"]):
        q = r["quantity"]
        if r["kind"] == "node" and q == "pressure":
            rows.append({"quantity": "pressure", "element_id": r["id"], "value": float(r["value"]), "unit": "Pa"})
        elif r["kind"] == "pipe" and q == "velocity":
            rows.append({"quantity": "velocity", "element_id": r["id"], "value": float(r["value"]), "unit": "m/s"})
        elif r["kind"] == "pipe" and q == "mean_temperature":
            rows.append({"quantity": "mean_temperature_K", "element_id": r["id"], "value": _kelvin(r["value"]), "unit": "K"})
        elif r["kind"] == "pipe" and q == "outlet_temperature":
            rows.append({"quantity": "outlet_temperature_K", "element_id": r["id"], "value": _kelvin(r["value"]), "unit": "K"})
    if ref.get("pandapipes_csv"):
        for r in _read_csv(ref["pandapipes_csv"]):
            key = (r["kind"], r["quantity"])
            name = {("node", "pressure"): ("pp_pressure", "Pa"),
                    ("node", "temperature"): ("pp_temperature", "degC"),
                    ("pipe", "velocity"): ("pp_velocity", "m/s"),
                    ("pipe", "mass_flow"): ("pp_mass_flow", "kg/s")}.get(key)
            if name and name[0] in case.get("tolerances", {}):
                rows.append({"quantity": name[0], "element_id": r["id"], "value": float(r["value"]), "unit": name[1]})
    return rows


def section_counts(case) -> dict[str, int]:
    """Number of sections per pipe = number of section_temperature_k rows in reference.csv."""
    n: dict[str, int] = {}
    for r in _read_csv(case["reference"]["reference_csv"]):
        m = SECTION_RE.match(r["quantity"])
        if r["kind"] == "pipe" and m:
            n[r["id"]] = max(n.get(r["id"], 0), int(m.group(1)))
    return n


def section_temperatures(t_in, mdot, u_w_mk, length, t_amb, cp, n_sections, forward=True):
    """Temperatures (degC) at the downstream end of each of n equal sections, numbered from the
    pipe's `from` end like the reference: exact solution of mdot*cp*dT/ds = -U (T - T_amb)."""
    out = []
    for k in range(1, n_sections + 1):
        # downstream end of section k (numbered from `from`): x = k L/n when the flow runs
        # from -> to, x = (k-1) L/n when it runs to -> from; s = distance from the inlet.
        s = k * length / n_sections if forward else length - (k - 1) * length / n_sections
        if mdot <= 0:
            out.append(t_amb if u_w_mk > 0 else t_in)
        else:
            out.append(t_amb + (t_in - t_amb) * math.exp(-u_w_mk * s / (mdot * cp)))
    return out


def computed(case_dir, case, results_h5_path):
    res = Results(results_h5_path)
    with open(case["_network_path"]) as f:
        net = json.load(f)
    rows = []
    for nid, p in zip(res.ids["nodes"], res.get("nodes", "pressure")):
        rows.append({"quantity": "pressure", "element_id": nid, "value": float(p), "unit": "Pa"})
        rows.append({"quantity": "pp_pressure", "element_id": nid, "value": float(p), "unit": "Pa"})
    for nid, t in zip(res.ids["nodes"], res.get("nodes", "temperature")):
        rows.append({"quantity": "pp_temperature", "element_id": nid, "value": float(t), "unit": "degC"})
    for pid, v, m in zip(res.ids["pipes"], res.get("pipes", "velocity"), res.get("pipes", "mass_flow")):
        rows.append({"quantity": "velocity", "element_id": pid, "value": float(v), "unit": "m/s"})
        rows.append({"quantity": "pp_velocity", "element_id": pid, "value": float(v), "unit": "m/s"})
        rows.append({"quantity": "pp_mass_flow", "element_id": pid, "value": float(m), "unit": "kg/s"})

    settings = net.get("settings", {})
    fluid = settings.get("fluid")
    counts = section_counts(case)
    if counts:
        if not isinstance(fluid, dict):
            raise ValueError("heat cases need a constant-property fluid (settings.fluid object) for cp")
        cp = float(fluid["specific_heat_J_kgK"])
        pipes = {p["id"]: p for p in net.get("pipes", [])}
        t_in = res.get("pipes", "inlet_temperature")
        t_out = res.get("pipes", "outlet_temperature")
        mflow = res.get("pipes", "mass_flow")
        for pid, n in counts.items():
            i = res.index("pipes", pid)
            if i is None:
                continue
            p = pipes[pid]
            t_amb = float(p.get("ambient_temperature_C", settings.get("ambient_temperature_C", 0.0)))
            secs = section_temperatures(float(t_in[i]), abs(float(mflow[i])), float(p.get("heat_loss_W_mK", 0.0)),
                                        float(p["length_m"]), t_amb, cp, n, forward=mflow[i] >= 0)
            rows.append({"quantity": "mean_temperature_K", "element_id": pid,
                         "value": float(np.mean(secs)) + KELVIN, "unit": "K"})
            rows.append({"quantity": "outlet_temperature_K", "element_id": pid,
                         "value": float(t_out[i]) + KELVIN, "unit": "K"})
    return rows
