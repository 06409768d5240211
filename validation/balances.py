"""Mass and energy balance recomputed from a results file and its network (no heatnet code).

Every case gets these rows, compared against 0 with the case's (or validation/defaults.json's)
tolerance for the quantities `mass_balance`, `solver_mass_imbalance` and `energy_balance`. Each row
carries a `scale`: the bound is atol + rtol*scale (relative to the flow or energy throughput).

* mass_balance (per free node): |sum of link/consumer/source/demand flows| in kg/s, scale = the
  largest |flow| of any element or demand. Boundary nodes (pressure nodes and the return
  nodes of sources with return_pressure_bar, whose make-up flow is free) are excluded.
* solver_mass_imbalance: /solver attribute max_mass_imbalance_kg_s, same scale.
* energy_balance (whole network): |E_in - E_out| in W, scale max(E_in, E_out), with
  E_in  = sum sources/heat + enthalpy carried in at boundaries,
  E_out = sum consumers/heat + sum pipes/heat_loss + enthalpy carried out at boundaries.
  Boundary enthalpy needs h(T): exact for a constant-property fluid (h = cp*T); for "water" the
  balance is only formed when no water crosses a boundary (closed district-heating loops), where
  it needs no enthalpy at all.
"""
from __future__ import annotations

import math

import numpy as np

from results_h5 import Results


def network_flow_terms(net: dict, res: Results):
    """Net inflow into every node from all elements and demands (kg/s), and the flow scale."""
    node_ids = [n["id"] for n in net.get("nodes", [])]
    inflow = {n: 0.0 for n in node_ids}
    scale = 0.0
    for group, key in (("pipes", "pipes"), ("pumps", "pumps"), ("valves", "valves")):
        if not net.get(key):
            continue
        q = res.get(group, "mass_flow")
        for el in net[key]:
            i = res.index(group, el["id"])
            if i is None:
                raise KeyError(f"{group} '{el['id']}' missing from the results")
            inflow[el["from"]] -= q[i]
            inflow[el["to"]] += q[i]
            scale = max(scale, abs(q[i]))
    for c in net.get("consumers", []):
        q = res.value("consumers", "mass_flow", c["id"])
        inflow[c["supply_node"]] -= q
        inflow[c["return_node"]] += q
        scale = max(scale, abs(q))
    for s in net.get("sources", []):
        q = res.value("sources", "mass_flow", s["id"])
        inflow[s["return_node"]] -= q
        inflow[s["supply_node"]] += q
        scale = max(scale, abs(q))
    for n in net.get("nodes", []):
        d = float(n.get("demand_kg_s", 0.0))
        inflow[n["id"]] -= d
        scale = max(scale, abs(d))
    return inflow, scale


def boundary_nodes(net: dict) -> set[str]:
    b = {p["node"] for p in net.get("pressure_nodes", [])}
    # a source holds its return node only with return_pressure_bar (without it, it floats)
    b |= {s["return_node"] for s in net.get("sources", []) if "return_pressure_bar" in s}
    return b


def balance_rows(net: dict, res: Results) -> tuple[list[dict], list[str]]:
    """Rows (quantity, element_id, value, unit) to compare with 0, and notes on what was skipped."""
    rows: list[dict] = []
    notes: list[str] = []
    inflow, scale = network_flow_terms(net, res)
    bnd = boundary_nodes(net)
    for nid, v in inflow.items():
        if nid in bnd:
            continue
        rows.append({"quantity": "mass_balance", "element_id": nid, "value": abs(v), "scale": scale, "unit": "kg/s"})
    attr = res.solver.get("max_mass_imbalance_kg_s")
    if attr is not None:
        rows.append({"quantity": "solver_mass_imbalance", "element_id": "/solver",
                     "value": abs(float(attr)), "scale": scale, "unit": "kg/s"})
    else:
        notes.append("/solver has no max_mass_imbalance_kg_s attribute")

    e = energy_balance(net, res, inflow, bnd)
    if e is None:
        notes.append("energy balance not formed: water (temperature-dependent enthalpy) crosses a boundary")
    else:
        rows.append({"quantity": "energy_balance", "element_id": "network", "value": e[0], "scale": e[1], "unit": "W"})
    return rows, notes


def energy_balance(net: dict, res: Results, inflow: dict, bnd: set[str]) -> tuple[float, float] | None:
    """(|E_in - E_out| in W, max(E_in, E_out) in W), or None where it cannot be formed."""
    fluid = net.get("settings", {}).get("fluid", "water")
    cp = float(fluid["specific_heat_J_kgK"]) if isinstance(fluid, dict) else None
    t_node = dict(zip(res.ids["nodes"], res.get("nodes", "temperature")))
    pn_temp = {p["node"]: float(p["temperature_C"]) for p in net.get("pressure_nodes", [])}
    e_in = float(np.sum(res.get("sources", "heat"))) if res.ids["sources"] else 0.0
    e_out = float(np.sum(res.get("consumers", "heat"))) if res.ids["consumers"] else 0.0
    e_out += float(np.sum(res.get("pipes", "heat_loss"))) if res.ids["pipes"] else 0.0
    # Water crossing the boundary: demands, and net flow at boundary nodes.
    crossing = []  # (kg/s entering (+) or leaving (-), temperature of that water)
    for n in net.get("nodes", []):
        d = float(n.get("demand_kg_s", 0.0))
        if d > 0:
            crossing.append((-d, t_node[n["id"]]))
        elif d < 0:
            crossing.append((-d, float(n.get("injection_temperature_C", t_node[n["id"]]))))
    for nid in sorted(bnd):  # a fixed order: the sums (and report.md) the same every run
        net_in = inflow[nid]  # > 0: the network delivers water that leaves through the boundary
        if net_in > 0:
            crossing.append((-net_in, t_node[nid]))
        elif net_in < 0:
            crossing.append((-net_in, pn_temp.get(nid, t_node[nid])))
    flow_scale = max([abs(m) for m, _ in crossing] + [0.0])
    if cp is None:
        if any(abs(m) > 1e-9 * max(flow_scale, 1.0) for m, _ in crossing):
            return None
    else:
        for m, t in crossing:
            if m > 0:
                e_in += m * cp * t
            else:
                e_out += -m * cp * t
    return abs(e_in - e_out), max(abs(e_in), abs(e_out))
