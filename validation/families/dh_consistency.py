"""District-heating consistency: physical invariants of a solved DH network at a load level.

case.json "reference": {"load_scale": s, "design_limits": {"boiling_margin_Pa", "max_pressure_Pa",
"max_velocity_m_s"}}. prepare_network writes the network with every consumer's heat_demand_kW
(or mass_flow_kg_s) scaled by s. Every reference value is 0 (a violation measure); the runner adds
mass and energy balance. Quantities:

  pipe_cooling_violation_K   pipe: distance of the outlet temperature outside [inlet, ambient]
                             (a pipe only cools towards ambient)
  node_mixing_violation_K    node: distance of the node temperature outside [min, max] of the
                             temperatures flowing into it
  consumer_return_above_supply_K  consumer: max(0, T_return - T_supply)
  check_table_mismatch       per design check: number of (element, check) pairs that differ
                             between the /checks table and the violations recomputed here from the
                             datasets and the design limits (consumer_dp, max_velocity, max_pressure,
                             boiling_margin with IAPWS-IF97 saturation pressure)
  check_value_<check>        per /checks row: the table's value against the value recomputed from
                             the datasets (reference = recomputed)
"""
from __future__ import annotations

import json
import math
from pathlib import Path

from results_h5 import Results

ATM = 101325.0
CHECKS = ("consumer_dp", "max_velocity", "max_pressure", "boiling_margin")
# heatnet flags a check only beyond 1e-6 of the limit (solver/solution_builder.cpp, kCheckSlack):
# a dp-controlled pump holds its consumer exactly at the limit, up to round-off.
SLACK = 1e-6


def p_sat_if97(t_c: float) -> float:
    """IAPWS-IF97 region 4 saturation pressure (Pa) at t_c degC."""
    n = [0.11670521452767e4, -0.72421316703206e6, -0.17073846940092e2, 0.12020824702470e5,
         -0.32325550322333e7, 0.14915108613530e2, -0.48232657361591e4, 0.40511340542057e6,
         -0.23855557567849, 0.65017534844798e3]
    t = t_c + 273.15
    th = t + n[8] / (t - n[9])
    a = th * th + n[0] * th + n[1]
    b = n[2] * th * th + n[3] * th + n[4]
    c = n[5] * th * th + n[6] * th + n[7]
    return (2 * c / (-b + math.sqrt(b * b - 4 * a * c))) ** 4 * 1e6


def prepare_network(case_dir, case, network_path, work_dir):
    s = float(case["reference"]["load_scale"])
    with open(network_path) as f:
        net = json.load(f)
    for c in net.get("consumers", []):
        for key in ("heat_demand_kW", "mass_flow_kg_s"):
            if key in c:
                c[key] = c[key] * s
    out = Path(work_dir) / "network_scaled.json"
    out.write_text(json.dumps(net))
    return out


def _recomputed_violations(net, res, limits):
    """{(kind, id, check): value} of every violated design check, from datasets and limits."""
    out = {}
    const_fluid = isinstance(net.get("settings", {}).get("fluid"), dict)
    p = dict(zip(res.ids["nodes"], res.get("nodes", "pressure")))
    t = dict(zip(res.ids["nodes"], res.get("nodes", "temperature")))
    for nid in res.ids["nodes"]:
        if p[nid] > limits["max_pressure_Pa"] * (1 + SLACK):
            out[("node", nid, "max_pressure")] = p[nid]
        if not const_fluid:
            margin = p[nid] + ATM - p_sat_if97(t[nid])
            if margin < limits["boiling_margin_Pa"] * (1 - SLACK):
                out[("node", nid, "boiling_margin")] = margin
    for pid, v in zip(res.ids["pipes"], res.get("pipes", "velocity")):
        if abs(v) > limits["max_velocity_m_s"] * (1 + SLACK):
            out[("pipe", pid, "max_velocity")] = abs(v)
    dp = dict(zip(res.ids["consumers"], res.get("consumers", "dp_available")))
    for c in net.get("consumers", []):
        if "min_dp_bar" in c and dp[c["id"]] < c["min_dp_bar"] * 1e5 * (1 - SLACK):
            out[("consumer", c["id"], "consumer_dp")] = dp[c["id"]]
    return out


def load_reference(case_dir, case):
    net, res = _load(case)
    rows = []
    rows += [{"quantity": "pipe_cooling_violation_K", "element_id": i, "value": 0.0, "unit": "K"} for i in res.ids["pipes"]]
    rows += [{"quantity": "node_mixing_violation_K", "element_id": i, "value": 0.0, "unit": "K"}
             for i in _nodes_with_inflow(net, res)]
    rows += [{"quantity": "consumer_return_above_supply_K", "element_id": i, "value": 0.0, "unit": "K"}
             for i in res.ids["consumers"]]
    rows += [{"quantity": "check_table_mismatch", "element_id": c, "value": 0.0, "unit": "count"} for c in CHECKS]
    limits = case["reference"]["design_limits"]
    for (kind, eid, check), value in sorted(_recomputed_violations(net, res, limits).items()):
        rows.append({"quantity": f"check_value_{check}", "element_id": f"{kind}:{eid}", "value": value,
                     "unit": "m/s" if check == "max_velocity" else "Pa"})
    return rows


def _load(case):
    with open(case["_network_path"]) as f:
        net = json.load(f)
    return net, Results(case["_results_path"])


def _inflows(net, res):
    """node -> list of temperatures of water flowing into it."""
    ins: dict[str, list[float]] = {}
    t_node = dict(zip(res.ids["nodes"], res.get("nodes", "temperature")))
    q, ti, to = res.get("pipes", "mass_flow"), res.get("pipes", "inlet_temperature"), res.get("pipes", "outlet_temperature")
    for k, p in enumerate(net.get("pipes", [])):
        i = res.index("pipes", p["id"])
        if q[i] > 0:
            ins.setdefault(p["to"], []).append(float(to[i]))
        elif q[i] < 0:
            ins.setdefault(p["from"], []).append(float(to[i]))
    for group in ("pumps", "valves"):
        if not net.get(group):
            continue
        qq = res.get(group, "mass_flow")
        for el in net[group]:
            i = res.index(group, el["id"])
            if qq[i] > 0:
                ins.setdefault(el["to"], []).append(float(t_node[el["from"]]))
            elif qq[i] < 0:
                ins.setdefault(el["from"], []).append(float(t_node[el["to"]]))
    for c in net.get("consumers", []):
        i = res.index("consumers", c["id"])
        if res.get("consumers", "mass_flow")[i] > 0:
            ins.setdefault(c["return_node"], []).append(float(res.get("consumers", "return_temperature")[i]))
    for s in net.get("sources", []):
        i = res.index("sources", s["id"])
        if res.get("sources", "mass_flow")[i] > 0:
            ins.setdefault(s["supply_node"], []).append(float(s["supply_temperature_C"]))
    return ins


def _nodes_with_inflow(net, res):
    return sorted(_inflows(net, res))


def computed(case_dir, case, results_h5_path):
    net, _ = _load(case)
    res = Results(results_h5_path)
    settings = net.get("settings", {})
    rows = []
    ti, to = res.get("pipes", "inlet_temperature"), res.get("pipes", "outlet_temperature")
    for p in net.get("pipes", []):
        i = res.index("pipes", p["id"])
        amb = float(p.get("ambient_temperature_C", settings.get("ambient_temperature_C", 0.0)))
        lo, hi = min(ti[i], amb), max(ti[i], amb)
        v = max(0.0, to[i] - hi, lo - to[i])
        rows.append({"quantity": "pipe_cooling_violation_K", "element_id": p["id"], "value": float(v), "unit": "K"})
    t_node = dict(zip(res.ids["nodes"], res.get("nodes", "temperature")))
    for nid, temps in _inflows(net, res).items():
        v = max(0.0, t_node[nid] - max(temps), min(temps) - t_node[nid])
        rows.append({"quantity": "node_mixing_violation_K", "element_id": nid, "value": float(v), "unit": "K"})
    for cid, ts, tr in zip(res.ids["consumers"], res.get("consumers", "supply_temperature"),
                           res.get("consumers", "return_temperature")):
        rows.append({"quantity": "consumer_return_above_supply_K", "element_id": cid,
                     "value": float(max(0.0, tr - ts)), "unit": "K"})
    limits = case["reference"]["design_limits"]
    mine = _recomputed_violations(net, res, limits)
    table = {(c["element_kind"], c["element_id"], c["check"]): c["value"] for c in res.checks}
    for check in CHECKS:
        a = {k for k in mine if k[2] == check}
        b = {k for k in table if k[2] == check}
        rows.append({"quantity": "check_table_mismatch", "element_id": check,
                     "value": float(len(a ^ b)) if res.has_checks else math.inf, "unit": "count"})
    for (kind, eid, check), value in table.items():
        rows.append({"quantity": f"check_value_{check}", "element_id": f"{kind}:{eid}", "value": float(value),
                     "unit": "m/s" if check == "max_velocity" else "Pa"})
    return rows
