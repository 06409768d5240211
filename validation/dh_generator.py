#!/usr/bin/python3
"""Seeded generator of district-heating networks in heatnet-network/1 JSON.

Layout: a supply ring trunk S0..S{n-1} (plant at S0) mirrored by a return ring R0..R{n-1}; from
some ring nodes a branch of 1-3 pipes (supply SBk_j, return RBk_j) leads to consumers; more
consumers sit directly on the ring. One source at S0/R0 with a fixed_dp or dp_control pump.
Deterministic for a given seed (random.Random(seed)), so the committed networks can be
regenerated bit for bit:

    /usr/bin/python3 validation/dh_generator.py --seed 1 --ring 8 --pump fixed_dp -o net.json
    /usr/bin/python3 validation/dh_generator.py --write-cases    # validation/cases/dh_*
"""
from __future__ import annotations

import argparse
import json
import math
import random

TRUNK_DN = [0.2101, 0.1603, 0.1325]   # inner diameters (m), steel DN200/150/125
BRANCH_DN = [0.1071, 0.0825, 0.0703]  # DN100/80/65


def generate(seed: int, ring: int = 8, pump: str = "fixed_dp", name: str | None = None) -> dict:
    rng = random.Random(seed)
    nodes, pipes, consumers = [], [], []
    elev = {}

    def node(nid, x, y, z):
        elev[nid] = z
        nodes.append({"id": nid, "elevation_m": round(z, 2), "x": round(x, 1), "y": round(y, 1)})

    def pipe(pid, a, b, length, d, u):
        pipes.append({"id": pid, "from": a, "to": b, "length_m": round(length, 1), "inner_diameter_m": d,
                      "roughness_mm": 0.1, "heat_loss_W_mK": u})

    radius = 400.0 + 50.0 * ring
    for i in range(ring):
        ang = 2 * math.pi * i / ring
        x, y, z = radius * math.cos(ang), radius * math.sin(ang), rng.uniform(0.0, 20.0)
        node(f"S{i}", x, y, z)
        node(f"R{i}", x + 2.0, y, z)
    seg = 2 * radius * math.sin(math.pi / ring)
    for i in range(ring):
        j = (i + 1) % ring
        # trunk narrows away from the plant (both directions of the ring)
        d = TRUNK_DN[min(2, min(i, ring - 1 - i) * 3 // ring)]
        u = round(rng.uniform(0.35, 0.5), 3)
        length = seg * rng.uniform(1.0, 1.3)
        pipe(f"TS{i}", f"S{i}", f"S{j}", length, d, u)
        pipe(f"TR{i}", f"R{j}", f"R{i}", length, d, u)
    k = 0
    for i in range(1, ring):
        if rng.random() < 0.6:
            # branch of 1-3 pipes with a consumer at its end (and one midway if long)
            n_seg = rng.randint(1, 3)
            prev_s, prev_r = f"S{i}", f"R{i}"
            x0, y0 = radius * math.cos(2 * math.pi * i / ring), radius * math.sin(2 * math.pi * i / ring)
            for j in range(n_seg):
                s_id, r_id = f"SB{k}_{j}", f"RB{k}_{j}"
                f = 1.0 + 0.25 * (j + 1)
                z = elev[prev_s] + rng.uniform(-3.0, 3.0)
                node(s_id, x0 * f, y0 * f, z)
                node(r_id, x0 * f + 2.0, y0 * f, z)
                d = BRANCH_DN[min(j, 2)]
                u = round(rng.uniform(0.25, 0.4), 3)
                length = rng.uniform(80.0, 250.0)
                pipe(f"BS{k}_{j}", prev_s, s_id, length, d, u)
                pipe(f"BR{k}_{j}", r_id, prev_r, length, d, u)
                if j == n_seg - 1 or rng.random() < 0.4:
                    consumers.append((s_id, r_id))
                prev_s, prev_r = s_id, r_id
            k += 1
        if rng.random() < 0.5:
            consumers.append((f"S{i}", f"R{i}"))
    cons = []
    for c, (s, r) in enumerate(consumers):
        cons.append({"id": f"C{c}", "supply_node": s, "return_node": r,
                     "heat_demand_kW": round(rng.uniform(60.0, 450.0), 1),
                     "return_temperature_C": round(rng.uniform(45.0, 60.0), 1),
                     "min_dp_bar": 0.5 if pump == "fixed_dp" else 1.0})
    if pump == "fixed_dp":
        pump_spec = {"type": "fixed_dp", "dp_bar": 3.0}
    elif pump == "dp_control":
        far = cons[len(cons) // 2]  # consumers are generated around the ring: the middle one is farthest
        pump_spec = {"type": "dp_control", "consumer": far["id"], "dp_bar": 0.8}
    else:
        raise ValueError(f"unknown pump type '{pump}'")
    return {
        "format": "heatnet-network/1",
        "name": name or f"generated DH ring, seed {seed}",
        "description": (f"validation/dh_generator.py --seed {seed} --ring {ring} --pump {pump}: supply/return "
                        f"ring trunk with {ring} nodes, {k} branches, {len(cons)} consumers, one plant"),
        "settings": {"fluid": "water", "friction": "colebrook", "ambient_temperature_C": 8.0, "temperature_C": 70.0},
        "nodes": nodes,
        "pipes": pipes,
        "sources": [{"id": "PLANT", "supply_node": "S0", "return_node": "R0", "supply_temperature_C": 95.0,
                     "return_pressure_bar": 3.0, "pump": pump_spec}],
        "consumers": cons,
    }


# ---------------------------------------------------------------------------- validation cases
LOADS = (1.0, 0.6, 0.3)
NETWORKS = [  # (case prefix, network path in the case folder or None = generate, generator args)
    ("dh_oral", "../../../examples/oral/oral.json", None),
    ("dh_ring_s1_fixed_dp", "network.json", {"seed": 1, "ring": 8, "pump": "fixed_dp"}),
    ("dh_ring_s2_dp_control", "network.json", {"seed": 2, "ring": 10, "pump": "dp_control"}),
]
DESIGN_LIMITS = {"boiling_margin_Pa": 0.5e5, "max_pressure_Pa": 16e5, "max_velocity_m_s": 3.0}
DH_TOL = {
    "pipe_cooling_violation_K": {"atol": 1e-6, "rtol": 0.0, "unit": "K",
        "why": "a pipe only cools towards ambient; 1e-6 K = the thermal convergence tolerance (settings.tolerance.temperature_K default)"},
    "node_mixing_violation_K": {"atol": 1e-6, "rtol": 0.0, "unit": "K",
        "why": "a mixed node temperature lies between its inflow temperatures; 1e-6 K thermal convergence tolerance"},
    "consumer_return_above_supply_K": {"atol": 0.0, "rtol": 0.0, "unit": "K",
        "why": "the spec forbids a consumer whose return is not below its supply at the solution"},
    "check_table_mismatch": {"atol": 0.0, "rtol": 0.0, "unit": "count",
        "why": "the /checks table must list exactly the violations recomputed from the datasets"},
    "check_value_consumer_dp": {"atol": 1e-6, "rtol": 1e-12, "unit": "Pa",
        "why": "value in /checks = dp_available dataset (same number)"},
    "check_value_max_velocity": {"atol": 1e-12, "rtol": 1e-12, "unit": "m/s",
        "why": "value in /checks = |velocity| dataset (same number)"},
    "check_value_max_pressure": {"atol": 1e-6, "rtol": 1e-12, "unit": "Pa",
        "why": "value in /checks = pressure dataset (same number)"},
    "check_value_boiling_margin": {"atol": 10.0, "rtol": 0.0, "unit": "Pa",
        "why": "recomputed with the IAPWS-IF97 region-4 saturation equation; heatnet's water model may "
               "tabulate p_sat: 10 Pa is < 1e-4 of p_sat at 130 degC"},
}


def write_cases(root) -> None:
    from pathlib import Path
    root = Path(root)
    for prefix, net_path, gen in NETWORKS:
        for load in LOADS:
            name = f"{prefix}_load{int(round(load * 100)):03d}"
            d = root / name
            d.mkdir(parents=True, exist_ok=True)
            if gen:
                (d / "network.json").write_text(json.dumps(generate(**gen), indent=1) + "\n")
                source = f"validation/dh_generator.py generate({gen})"
            else:
                source = "examples/oral/oral.json (the Oral design example)"
            case = {
                "name": name, "family": "dh_consistency",
                "description": (f"{source} with every consumer's heat demand scaled by {load}: mass and energy "
                                "balance, temperatures fall along every flow path, consumer return below supply, "
                                "design-check table consistent with the datasets"),
                "network": net_path,
                "reference": {"load_scale": load, "design_limits": DESIGN_LIMITS},
                "provenance": {"tool": "physical invariants (validation/families/dh_consistency.py)",
                               "version": "this repository",
                               "settings": f"load scale {load}; design limits = heatnet DesignLimits defaults "
                                           "(include/heatnet/solver_options.hpp), which the CLI uses",
                               "source": source},
                "tolerances": DH_TOL,
            }
            (d / "case.json").write_text(json.dumps(case, indent=1) + "\n")
            print("wrote", d)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int)
    ap.add_argument("--ring", type=int, default=8)
    ap.add_argument("--pump", choices=["fixed_dp", "dp_control"], default="fixed_dp")
    ap.add_argument("-o", "--output")
    ap.add_argument("--write-cases", action="store_true",
                    help="(re)write validation/cases/dh_* (networks and case.json)")
    a = ap.parse_args()
    if a.write_cases:
        from pathlib import Path
        write_cases(Path(__file__).resolve().parent / "cases")
        return
    if a.seed is None or not a.output:
        ap.error("--seed and -o are required (or --write-cases)")
    with open(a.output, "w") as f:
        json.dump(generate(a.seed, a.ring, a.pump), f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
