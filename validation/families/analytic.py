"""Analytic cases: reference values from closed forms and independent numerics (no heatnet code).

case.json "reference": {"model": <name>, "parameters": {...}}: the physical problem, from which
validation/make_analytic_cases.py also wrote the case's network.json. Constant-property fluid
(rho, nu, cp), so every reference is exact up to round-off:

* single_pipe   one pipe between two pressure nodes: Darcy-Weisbach with exact Colebrook
                (1/sqrt(l) = -2 log10(k/(3.7 D) + 2.51/(Re sqrt(l))), solved by fixed-point iteration
                to round-off), flow found by bisection on the head balance incl. elevation.
* series        two pipes in series between two pressure nodes: bisection on the common flow.
* parallel      feeder pipe, two parallel pipes, outlet pipe: bisection on the parallel dp.
* hydrostatic   a dead-end tree below a pressure node: p = p0 + rho g (z0 - z), no flow.
* insulated_pipe one pipe with heat loss U (W/mK), fixed flow: T_out = T_amb + (T_in - T_amb)
                exp(-U L / (m cp)), heat loss m cp (T_in - T_out).
* mixing        two injections (fixed flow and temperature) through lossy pipes into a node, then
                one lossy pipe to the outlet pressure node: mixed T = sum(m_i T_i) / sum(m_i).
Quantities: mass_flow, velocity, friction_factor (pipes), pressure (nodes, Pa gauge),
outlet_temperature (pipes, degC), temperature (nodes, degC), heat_loss (pipes, W).
"""
from __future__ import annotations

import math

from results_h5 import Results

BAR = 1e5


# ----------------------------------------------------------------------------- friction
def colebrook(re: float, rel_rough: float) -> float:
    """Darcy factor from the exact Colebrook-White equation (fixed point in x = 1/sqrt(lambda))."""
    a = rel_rough / 3.7
    b = 2.51 / re
    x = 7.0
    for _ in range(200):
        x_new = -2.0 * math.log10(a + b * x)
        if x_new == x:
            break
        x = x_new
    return 1.0 / (x * x)


def pipe_dp(pipe: dict, fluid: dict, q: float) -> float:
    """Frictional pressure loss (Pa) for mass flow q >= 0 (turbulent Colebrook, minor loss)."""
    if q == 0.0:
        return 0.0
    area = math.pi * pipe["D"] ** 2 / 4.0
    v = q / (fluid["rho"] * area)
    re = v * pipe["D"] / fluid["nu"]
    if re <= 0.0:  # q underflowed while bisecting
        return 0.0
    # Below Re 2000 only while bisection explores (64/Re keeps dp(q) increasing); the reference
    # itself must be turbulent (checked in _pipe_rows), where this is exact Colebrook.
    lam = 64.0 / re if re < 2000.0 else colebrook(re, pipe["k_mm"] * 1e-3 / pipe["D"])
    return (lam * pipe["L"] / pipe["D"] + pipe.get("zeta", 0.0)) * fluid["rho"] * v * v / 2.0


def bisect(f, lo: float, hi: float) -> float:
    """Root of increasing f on [lo, hi], to the last representable bit."""
    flo, fhi = f(lo), f(hi)
    if flo > 0 or fhi < 0:
        raise ValueError(f"no sign change on [{lo}, {hi}]: f = {flo}, {fhi}")
    for _ in range(2000):
        mid = 0.5 * (lo + hi)
        if mid == lo or mid == hi:
            break
        if f(mid) > 0:
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


def flow_for_dp(pipe, fluid, dp):
    """Mass flow through a pipe whose frictional loss is dp (Pa, > 0)."""
    if dp <= 0.0:
        return 0.0
    hi = 1.0
    while pipe_dp(pipe, fluid, hi) < dp:
        hi *= 2.0
    return bisect(lambda q: pipe_dp(pipe, fluid, q) - dp, 0.0, hi)


def _fluid(par):
    return {"rho": par["density_kg_m3"], "nu": par["kinematic_viscosity_m2_s"], "cp": par["specific_heat_J_kgK"]}


def _pipe_rows(pipe, fluid, q):
    area = math.pi * pipe["D"] ** 2 / 4.0
    v = q / (fluid["rho"] * area)
    re = abs(v) * pipe["D"] / fluid["nu"]
    if re < 4000.0:
        raise ValueError(f"pipe {pipe['id']}: Re = {re:.0f} < 4000; analytic cases must be fully turbulent")
    return [
        {"quantity": "mass_flow", "element_id": pipe["id"], "value": q, "unit": "kg/s"},
        {"quantity": "velocity", "element_id": pipe["id"], "value": v, "unit": "m/s"},
        {"quantity": "friction_factor", "element_id": pipe["id"], "value": colebrook(re, pipe["k_mm"] * 1e-3 / pipe["D"]), "unit": "-"},
    ]


def _p(node_id, value):
    return {"quantity": "pressure", "element_id": node_id, "value": value, "unit": "Pa"}


# ----------------------------------------------------------------------------- models
def single_pipe(par):
    fl, pipe = _fluid(par), par["pipe"]
    g = par["gravity_m_s2"]
    p1, p2 = par["p_from_bar"] * BAR, par["p_to_bar"] * BAR
    dpf = p1 - p2 + fl["rho"] * g * (par["z_from_m"] - par["z_to_m"])
    q = flow_for_dp(pipe, fl, dpf)
    return _pipe_rows(pipe, fl, q)


def series(par):
    fl, (a, b) = _fluid(par), par["pipes"]
    g, rho = par["gravity_m_s2"], par["density_kg_m3"]
    p1, p2 = par["p_from_bar"] * BAR, par["p_to_bar"] * BAR
    z1, zm, z2 = par["z_from_m"], par["z_mid_m"], par["z_to_m"]
    dpf = p1 - p2 + rho * g * (z1 - z2)
    hi = 1.0
    while pipe_dp(a, fl, hi) + pipe_dp(b, fl, hi) < dpf:
        hi *= 2.0
    q = bisect(lambda x: pipe_dp(a, fl, x) + pipe_dp(b, fl, x) - dpf, 0.0, hi)
    pm = p1 + rho * g * (z1 - zm) - pipe_dp(a, fl, q)
    return _pipe_rows(a, fl, q) + _pipe_rows(b, fl, q) + [_p(par["mid_node"], pm)]


def parallel(par):
    fl = _fluid(par)
    feed, b1, b2, out = par["feed"], par["branch_1"], par["branch_2"], par["outlet"]
    rho, g = par["density_kg_m3"], par["gravity_m_s2"]
    p1, p2 = par["p_from_bar"] * BAR, par["p_to_bar"] * BAR   # all nodes at the same elevation
    total = p1 - p2

    def flows(d12):
        return flow_for_dp(b1, fl, d12), flow_for_dp(b2, fl, d12)

    def residual(d12):
        q1, q2 = flows(d12)
        q = q1 + q2
        return pipe_dp(feed, fl, q) + d12 + pipe_dp(out, fl, q) - total

    d12 = bisect(residual, 0.0, total)
    q1, q2 = flows(d12)
    q = q1 + q2
    pj1 = p1 - pipe_dp(feed, fl, q)
    pj2 = pj1 - d12
    return (_pipe_rows(feed, fl, q) + _pipe_rows(b1, fl, q1) + _pipe_rows(b2, fl, q2) + _pipe_rows(out, fl, q)
            + [_p(par["node_1"], pj1), _p(par["node_2"], pj2)])


def hydrostatic(par):
    rho, g = par["density_kg_m3"], par["gravity_m_s2"]
    p0, z0 = par["p0_bar"] * BAR, par["z0_m"]
    rows = [_p(n, p0 + rho * g * (z0 - z)) for n, z in par["nodes"].items()]
    rows += [{"quantity": "mass_flow", "element_id": pid, "value": 0.0, "unit": "kg/s"} for pid in par["pipes"]]
    return rows


def _exp_outlet(t_in, t_amb, u, length, m, cp):
    return t_amb + (t_in - t_amb) * math.exp(-u * length / (m * cp))


def insulated_pipe(par):
    cp, m = par["specific_heat_J_kgK"], par["mass_flow_kg_s"]
    p = par["pipe"]
    t_out = _exp_outlet(par["inlet_temperature_C"], par["ambient_temperature_C"], p["U_W_mK"], p["L"], m, cp)
    return [
        {"quantity": "mass_flow", "element_id": p["id"], "value": m, "unit": "kg/s"},
        {"quantity": "outlet_temperature", "element_id": p["id"], "value": t_out, "unit": "degC"},
        {"quantity": "temperature", "element_id": par["outlet_node"], "value": t_out, "unit": "degC"},
        {"quantity": "heat_loss", "element_id": p["id"], "value": m * cp * (par["inlet_temperature_C"] - t_out), "unit": "W"},
    ]


def mixing(par):
    cp, t_amb = par["specific_heat_J_kgK"], par["ambient_temperature_C"]
    rows, m_sum, mt_sum = [], 0.0, 0.0
    for br in par["branches"]:
        p = br["pipe"]
        t = _exp_outlet(br["temperature_C"], t_amb, p["U_W_mK"], p["L"], br["mass_flow_kg_s"], cp)
        rows.append({"quantity": "outlet_temperature", "element_id": p["id"], "value": t, "unit": "degC"})
        rows.append({"quantity": "heat_loss", "element_id": p["id"],
                     "value": br["mass_flow_kg_s"] * cp * (br["temperature_C"] - t), "unit": "W"})
        m_sum += br["mass_flow_kg_s"]
        mt_sum += br["mass_flow_kg_s"] * t
    t_mix = mt_sum / m_sum
    out = par["outlet_pipe"]
    t_end = _exp_outlet(t_mix, t_amb, out["U_W_mK"], out["L"], m_sum, cp)
    rows += [
        {"quantity": "temperature", "element_id": par["mixing_node"], "value": t_mix, "unit": "degC"},
        {"quantity": "outlet_temperature", "element_id": out["id"], "value": t_end, "unit": "degC"},
        {"quantity": "heat_loss", "element_id": out["id"], "value": m_sum * cp * (t_mix - t_end), "unit": "W"},
        {"quantity": "mass_flow", "element_id": out["id"], "value": m_sum, "unit": "kg/s"},
    ]
    return rows


MODELS = {"single_pipe": single_pipe, "series": series, "parallel": parallel, "hydrostatic": hydrostatic,
          "insulated_pipe": insulated_pipe, "mixing": mixing}


# ----------------------------------------------------------------------------- plug-in API
def load_reference(case_dir, case):
    ref = case["reference"]
    return MODELS[ref["model"]](ref["parameters"])


DATASETS = {  # quantity -> (group, dataset)
    "mass_flow": ("pipes", "mass_flow"), "velocity": ("pipes", "velocity"),
    "friction_factor": ("pipes", "friction_factor"), "outlet_temperature": ("pipes", "outlet_temperature"),
    "heat_loss": ("pipes", "heat_loss"), "pressure": ("nodes", "pressure"), "temperature": ("nodes", "temperature"),
}


def computed(case_dir, case, results_h5_path):
    res = Results(results_h5_path)
    rows = []
    for q, (group, name) in DATASETS.items():
        for eid, v in zip(res.ids[group], res.get(group, name)):
            rows.append({"quantity": q, "element_id": eid, "value": float(v), "unit": res.units.get((group, name), "")})
    return rows
