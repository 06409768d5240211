#!/usr/bin/python3
"""Write validation/cases/analytic_*/{network.json, case.json} from one parameter set per case.

The network is generated from the same physical parameters that case.json's "reference" carries;
validation/families/analytic.py computes the reference values from those parameters with closed
forms and independent numerics. Re-run after changing a parameter:

    /usr/bin/python3 validation/make_analytic_cases.py
"""
from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLUID = {"density_kg_m3": 998.2, "kinematic_viscosity_m2_s": 1.004e-6, "specific_heat_J_kgK": 4182.0}
G = 9.81

HYD_TOL = {
    "mass_flow": {"atol": 1e-12, "rtol": 1e-9, "unit": "kg/s",
                  "why": "exact Colebrook reference solved to round-off; heatnet's Newton converges "
                         "quadratically, so its result is exact to far below its 1e-9 stopping test"},
    "velocity": {"atol": 1e-12, "rtol": 1e-9, "unit": "m/s", "why": "as mass_flow (v = m/(rho A))"},
    "friction_factor": {"atol": 0.0, "rtol": 1e-9, "unit": "-",
                        "why": "exact Colebrook at the reference Reynolds number"},
    "pressure": {"atol": 1e-6, "rtol": 1e-9, "unit": "Pa",
                 "why": "closed form / exact Colebrook; atol covers round-off of p ~ 1e6 Pa"},
}
HYDROSTATIC_TOL = dict(HYD_TOL, mass_flow={
    "atol": 1e-8, "rtol": 0.0, "unit": "kg/s",
    "why": "zero flow: the residual flow is pressure round-off (ulp of 7e5 Pa = 1.2e-10 Pa) through the "
           "laminar resistance of P1 (128 mu L/(pi D^4 rho) = 0.04 Pa per kg/s), i.e. up to ~3e-9 kg/s"})
THERMAL_TOL = {
    "mass_flow": {"atol": 1e-12, "rtol": 1e-12, "unit": "kg/s",
                  "why": "flows fixed by the demands (tree network): exact"},
    "outlet_temperature": {"atol": 1e-9, "rtol": 0.0, "unit": "K",
                           "why": "exact exponential law with constant cp (issue: 1e-9 K)"},
    "temperature": {"atol": 1e-9, "rtol": 0.0, "unit": "K",
                    "why": "exact exponential law and mass-weighted mixing with constant cp (issue: 1e-9 K)"},
    "heat_loss": {"atol": 1e-6, "rtol": 1e-9, "unit": "W", "why": "m cp (T_in - T_out), exact"},
}
PROVENANCE = {
    "tool": "closed form / independent numerics (validation/families/analytic.py)",
    "version": "this repository",
    "settings": "constant fluid rho 998.2 kg/m3, nu 1.004e-6 m2/s, cp 4182 J/kgK; g 9.81 m/s2; Colebrook "
                "1/sqrt(l) = -2 log10(k/(3.7 D) + 2.51/(Re sqrt(l))) solved by fixed-point iteration, "
                "flows by bisection to the last bit",
    "source": "Colebrook (1939) J. ICE 11(4); steady 1-D energy equation of a pipe with linear heat loss",
}


def settings(**extra):
    s = {"fluid": dict(FLUID), "friction": "colebrook", "ambient_temperature_C": 10.0,
         "temperature_C": 20.0, "gravity_m_s2": G}
    s.update(extra)
    return s


def net(name, desc, nodes, pipes, pressure_nodes, **extra):
    d = {"format": "heatnet-network/1", "name": name, "description": desc, "settings": settings(),
         "nodes": nodes, "pipes": pipes, "pressure_nodes": pressure_nodes}
    d.update(extra)
    return d


def pipe_json(p, frm, to, **extra):
    d = {"id": p["id"], "from": frm, "to": to, "length_m": p["L"], "inner_diameter_m": p["D"],
         "roughness_mm": p["k_mm"]}
    if p.get("zeta"):
        d["minor_loss"] = p["zeta"]
    d.update(extra)
    return d


def parameters(**kw):
    out = dict(FLUID)
    out["gravity_m_s2"] = G
    out.update(kw)
    return out


def cases():
    out = []
    # 1, 2: one pipe between two pressure nodes (with elevation; the second with minor loss).
    for name, pipe, z in (
        ("analytic_single_pipe", {"id": "P1", "L": 800.0, "D": 0.15, "k_mm": 0.1}, (10.0, 12.0)),
        ("analytic_single_pipe_minor_loss", {"id": "P1", "L": 250.0, "D": 0.08, "k_mm": 0.02, "zeta": 3.5}, (0.0, -5.0)),
    ):
        par = parameters(pipe=pipe, p_from_bar=5.0, p_to_bar=4.2, z_from_m=z[0], z_to_m=z[1])
        n = net(name, "one pipe between two pressure nodes, exact Colebrook",
                [{"id": "A", "elevation_m": z[0]}, {"id": "B", "elevation_m": z[1]}],
                [pipe_json(pipe, "A", "B")],
                [{"node": "A", "pressure_bar": 5.0, "temperature_C": 20.0},
                 {"node": "B", "pressure_bar": 4.2, "temperature_C": 20.0}])
        out.append((name, "One pipe between two pressure nodes at different elevations; flow from the exact "
                    "Colebrook law by bisection.", "single_pipe", par, n, HYD_TOL))
    # 3: series
    a = {"id": "PA", "L": 600.0, "D": 0.2, "k_mm": 0.05}
    b = {"id": "PB", "L": 400.0, "D": 0.125, "k_mm": 0.05}
    par = parameters(pipes=[a, b], p_from_bar=6.0, p_to_bar=5.0, z_from_m=0.0, z_mid_m=3.0, z_to_m=1.0, mid_node="M")
    n = net("analytic_series_pipes", "two pipes in series",
            [{"id": "A", "elevation_m": 0.0}, {"id": "M", "elevation_m": 3.0}, {"id": "B", "elevation_m": 1.0}],
            [pipe_json(a, "A", "M"), pipe_json(b, "M", "B")],
            [{"node": "A", "pressure_bar": 6.0, "temperature_C": 20.0},
             {"node": "B", "pressure_bar": 5.0, "temperature_C": 20.0}])
    out.append(("analytic_series_pipes", "Two pipes in series between two pressure nodes (elevations differ); "
                "common flow by bisection, middle pressure from the first pipe's loss.", "series", par, n, HYD_TOL))
    # 4: parallel
    feed = {"id": "PF", "L": 300.0, "D": 0.25, "k_mm": 0.05}
    b1 = {"id": "P1", "L": 500.0, "D": 0.15, "k_mm": 0.05}
    b2 = {"id": "P2", "L": 800.0, "D": 0.1, "k_mm": 0.2}
    outp = {"id": "PO", "L": 200.0, "D": 0.25, "k_mm": 0.05}
    par = parameters(feed=feed, branch_1=b1, branch_2=b2, outlet=outp, p_from_bar=4.0, p_to_bar=3.0,
                     node_1="J1", node_2="J2")
    n = net("analytic_parallel_pipes", "feeder, two parallel pipes, outlet",
            [{"id": i, "elevation_m": 0.0} for i in ("A", "J1", "J2", "B")],
            [pipe_json(feed, "A", "J1"), pipe_json(b1, "J1", "J2"), pipe_json(b2, "J1", "J2"), pipe_json(outp, "J2", "B")],
            [{"node": "A", "pressure_bar": 4.0, "temperature_C": 20.0},
             {"node": "B", "pressure_bar": 3.0, "temperature_C": 20.0}])
    out.append(("analytic_parallel_pipes", "Feeder pipe, two parallel pipes of different size and roughness, "
                "outlet pipe; split by bisection on the common pressure drop.", "parallel", par, n, HYD_TOL))
    # 5: hydrostatics
    zs = {"R": 50.0, "A": 20.0, "B": 35.0, "C": 0.0}
    par = parameters(p0_bar=2.0, z0_m=50.0, nodes=zs, pipes=["P1", "P2", "P3"])
    pipes = [{"id": "P1", "L": 100.0, "D": 0.1, "k_mm": 0.1}, {"id": "P2", "L": 80.0, "D": 0.1, "k_mm": 0.1},
             {"id": "P3", "L": 150.0, "D": 0.05, "k_mm": 0.1}]
    n = net("analytic_hydrostatic", "dead-end tree below a pressure node: no flow",
            [{"id": k, "elevation_m": v} for k, v in zs.items()],
            [pipe_json(pipes[0], "R", "A"), pipe_json(pipes[1], "A", "B"), pipe_json(pipes[2], "A", "C")],
            [{"node": "R", "pressure_bar": 2.0, "temperature_C": 20.0}])
    out.append(("analytic_hydrostatic", "Dead-end tree below a pressure node, no demand: p = p0 + rho g (z0 - z), "
                "zero flow.", "hydrostatic", par, n, HYDROSTATIC_TOL))
    # 6: insulated pipe with heat loss
    p = {"id": "P1", "L": 1000.0, "D": 0.1, "k_mm": 0.05, "U_W_mK": 2.0}
    par = parameters(pipe=p, mass_flow_kg_s=2.0, inlet_temperature_C=90.0, ambient_temperature_C=10.0, outlet_node="E")
    n = net("analytic_insulated_pipe", "one pipe with linear heat loss, fixed flow",
            [{"id": "S", "elevation_m": 0.0}, {"id": "E", "elevation_m": 0.0, "demand_kg_s": 2.0}],
            [pipe_json(p, "S", "E", heat_loss_W_mK=2.0, ambient_temperature_C=10.0)],
            [{"node": "S", "pressure_bar": 3.0, "temperature_C": 90.0}])
    out.append(("analytic_insulated_pipe", "One pipe with heat loss 2 W/mK, 2 kg/s at 90 degC in, ambient 10 degC: "
                "T_out = T_amb + (T_in - T_amb) exp(-U L/(m cp)).", "insulated_pipe", par, n, THERMAL_TOL))
    # 7: two-branch mixing
    pa = {"id": "PA", "L": 400.0, "D": 0.08, "k_mm": 0.05, "U_W_mK": 1.5}
    pb = {"id": "PB", "L": 250.0, "D": 0.05, "k_mm": 0.05, "U_W_mK": 0.8}
    pm = {"id": "PM", "L": 600.0, "D": 0.1, "k_mm": 0.05, "U_W_mK": 1.2}
    par = parameters(ambient_temperature_C=5.0, mixing_node="M", outlet_pipe=pm,
                     branches=[{"pipe": pa, "mass_flow_kg_s": 1.5, "temperature_C": 90.0},
                               {"pipe": pb, "mass_flow_kg_s": 0.5, "temperature_C": 60.0}])
    n = net("analytic_two_branch_mixing", "two injections mix at M and leave through PM",
            [{"id": "J1", "elevation_m": 0.0, "demand_kg_s": -1.5, "injection_temperature_C": 90.0},
             {"id": "J2", "elevation_m": 0.0, "demand_kg_s": -0.5, "injection_temperature_C": 60.0},
             {"id": "M", "elevation_m": 0.0}, {"id": "R", "elevation_m": 0.0}],
            [pipe_json(pa, "J1", "M", heat_loss_W_mK=1.5, ambient_temperature_C=5.0),
             pipe_json(pb, "J2", "M", heat_loss_W_mK=0.8, ambient_temperature_C=5.0),
             pipe_json(pm, "M", "R", heat_loss_W_mK=1.2, ambient_temperature_C=5.0)],
            [{"node": "R", "pressure_bar": 2.0, "temperature_C": 50.0}])
    out.append(("analytic_two_branch_mixing", "Injections of 1.5 kg/s at 90 degC and 0.5 kg/s at 60 degC cool "
                "in their pipes, mix at M (mass-weighted, constant cp) and cool again in PM.", "mixing", par, n,
                THERMAL_TOL))
    return out


def main():
    for name, desc, model, par, network, tol in cases():
        d = HERE / "cases" / name
        d.mkdir(parents=True, exist_ok=True)
        (d / "network.json").write_text(json.dumps(network, indent=1) + "\n")
        case = {"name": name, "family": "analytic", "description": desc, "network": "network.json",
                "reference": {"model": model, "parameters": par}, "provenance": PROVENANCE,
                "tolerances": tol}
        (d / "case.json").write_text(json.dumps(case, indent=1) + "\n")
        print("wrote", d)


if __name__ == "__main__":
    main()
