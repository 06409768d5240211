#!/usr/bin/env python3
"""Robustness sweep of the coupled solve on seeded random small district-heating networks.

Seeds 0-299 (`random_network`): n twin supply/return nodes (4-25), a random spanning tree plus up
to n extra loop pipes (DN50-DN300, 20-800 m, U 0-3 W/mK), one fixed-dp plant (70-110 degC,
0.5-4 bar), heat-demand consumers (1 kW-1 MW, return 30-60 degC) at ~70 % of the nodes; every
other seed on terrain (0-40 m), the others level.
Seeds from 300 (`harsh_network`): summer supply 55-75 degC, old pipes losing 1-3 W/mK, mains one
or two sizes too small, a third of the substations with kvs_m3_h and a third with
max_mass_flow_kg_s, and 2-3 plants: one holds the pressure (fixed_dp, curve or dp_control on a
random consumer), the others float (fixed_dp or curve without return_pressure_bar) or circulate
a fixed flow; every other seed on terrain, each return node at its supply node's elevation
(a substation's two connections are in one building; the first 300 keep their independent
elevations, see add_twin_nodes).
Seeds from 1000 (`tree_network`, `--tree`, 200 by default): mostly tree-shaped networks of 40-120
twin nodes with a few rings (loops at most 5 % of the pipes), the shape of real district heating
and the only family on which the solver's tree-shaped start, loop start and prediction from the
start run (the others have more loops).
Many of these are poor designs (a 1 MW consumer behind DN50, a 1 kW consumer at the end of 800 m
losing 3 W/mK): the point is that the solver answers (under-supply is an answer) and says why
where it cannot. Prints the count of each outcome per family, the slowest solve (CPU time of
the solve call, the measure of the issue's 1 s limit on a shared machine, and its wall time) and, over the
converged solves, the worst mass and energy balances. Never an exception other than the
solver's own statuses, never a hang.

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/robustness.py [--count 1000] [--tree 200]
"""
import argparse
import collections
import random
import time

import heatnet


def add_twin_nodes(net: heatnet.Network, rnd: random.Random, n: int, hilly: bool,
                   twin_elevations: bool = False) -> None:
    """Supply nodes S0..S(n-1) and return nodes R0..R(n-1), on 0-40 m of terrain if hilly.

    twin_elevations: each return node Ri at the elevation of its supply node Si (a consumer's or
    plant's supply and return connections are in one building, the pipes share a trench). The
    sweep's first 300 networks draw the two independently (up to 40 m apart: a static column
    of up to 4 bar inside a substation, which no design has); they are kept as they were. The
    same random numbers are drawn either way, so everything after the nodes is the same network.
    """
    elevations = {}
    for side in "SR":
        for i in range(n):
            z = rnd.uniform(0, 40) if hilly else 0.0
            elevations[side, i] = elevations["S", i] if side == "R" and twin_elevations else z
            net.add_node(f"{side}{i}", elevation_m=elevations[side, i])


def tree_and_loops(rnd: random.Random, n: int, most_loops: int, least_loops: int = 0) -> list:
    """Edges (a, b), a < b, of a random spanning tree of n nodes plus least_loops to most_loops
    more."""
    edges = {(rnd.randrange(i), i) for i in range(1, n)}
    for _ in range(rnd.randint(least_loops, most_loops)):
        a, b = rnd.sample(range(n), 2)
        edges.add((min(a, b), max(a, b)))
    return sorted(edges)


def new_network(name: str, rnd: random.Random, temperature_C: float,
                ambient_C: tuple) -> heatnet.Network:
    """An empty network of water with Colebrook friction, its ambient drawn from ambient_C."""
    return heatnet.Network(name=name, settings={
        "fluid": "water", "friction": "colebrook", "temperature_C": temperature_C,
        "ambient_temperature_C": rnd.uniform(*ambient_C)})


def random_network(seed: int) -> heatnet.Network:
    rnd = random.Random(seed)
    n = rnd.randint(4, 25)
    hilly = seed % 2 == 1
    net = new_network(f"random_{seed}", rnd, 70.0, (-10, 15))
    add_twin_nodes(net, rnd, n, hilly)
    for a, b in tree_and_loops(rnd, n, n):
        d = rnd.choice([0.05, 0.08, 0.1, 0.15, 0.2, 0.3])
        length, u = rnd.uniform(20, 800), rnd.uniform(0, 3)
        for pid, f, t in ((f"PS{a}_{b}", f"S{a}", f"S{b}"), (f"PR{a}_{b}", f"R{b}", f"R{a}")):
            net.add_pipe(pid, from_=f, to=t, length_m=length, inner_diameter_m=d,
                         roughness_mm=0.05, heat_loss_W_mK=u)
    net.add_source("PLANT", supply_node="S0", return_node="R0",
                   supply_temperature_C=rnd.uniform(70, 110), return_pressure_bar=3.0,
                   pump={"type": "fixed_dp", "dp_bar": rnd.uniform(0.5, 4)})
    for i in range(1, n):
        if rnd.random() < 0.7:
            net.add_consumer(f"C{i}", supply_node=f"S{i}", return_node=f"R{i}",
                             heat_demand_kW=rnd.choice([1, 10, 50, 200, 1000]),
                             return_temperature_C=rnd.uniform(30, 60))
    return net


HARSH_FROM = 300
TWIN_ELEVATIONS = True


def harsh_network(seed: int) -> heatnet.Network:
    rnd = random.Random(seed)
    n = rnd.randint(5, 25)
    hilly = seed % 2 == 1
    net = new_network(f"harsh_{seed}", rnd, 60.0, (0, 15))
    add_twin_nodes(net, rnd, n, hilly, twin_elevations=TWIN_ELEVATIONS)
    sizes = [0.04, 0.05, 0.065, 0.08, 0.1, 0.125, 0.15, 0.2]
    for a, b in tree_and_loops(rnd, n, n // 2):
        # mains (near the first plant) one or two sizes too small for what they carry
        k = rnd.randrange(len(sizes)) if a > 2 else max(0, rnd.randrange(len(sizes)) - 2)
        d = sizes[k]
        length, u = rnd.uniform(20, 800), rnd.uniform(1, 3)
        for pid, f, t in ((f"PS{a}_{b}", f"S{a}", f"S{b}"), (f"PR{a}_{b}", f"R{b}", f"R{a}")):
            net.add_pipe(pid, from_=f, to=t, length_m=length, inner_diameter_m=d,
                         roughness_mm=rnd.choice([0.05, 0.5, 1.0]), heat_loss_W_mK=u)
    consumers = []
    for i in range(1, n):
        if rnd.random() < 0.75:
            limits = {}
            r = rnd.random()
            if r < 1 / 3:
                limits["kvs_m3_h"] = rnd.choice([0.4, 1.0, 2.5, 6.3, 16.0])
            elif r < 2 / 3:
                limits["max_mass_flow_kg_s"] = rnd.uniform(0.05, 5.0)
            kw = rnd.choice([5, 20, 100, 300, 800])
            net.add_consumer(f"C{i}", supply_node=f"S{i}", return_node=f"R{i}", heat_demand_kW=kw,
                             return_temperature_C=rnd.uniform(30, 50), min_dp_bar=0.5, **limits)
            consumers.append((f"C{i}", kw))
    supply_T = rnd.uniform(55, 75)
    main = rnd.choice(["fixed_dp", "curve", "dp_control"] if consumers else ["fixed_dp", "curve"])
    net.add_source("MAIN", supply_node="S0", return_node="R0", supply_temperature_C=supply_T,
                   return_pressure_bar=3.0, pump=plant_pump(rnd, main, consumers))
    others = rnd.sample(range(1, n), min(rnd.randint(1, 2), n - 1))
    for j, node in enumerate(others):
        kind = rnd.choice(["fixed_dp", "curve", "fixed_flow"])
        if kind == "fixed_flow" and not consumers:
            kind = "fixed_dp"  # no consumer to take a fixed flow
        net.add_source(f"P{j + 2}", supply_node=f"S{node}", return_node=f"R{node}",
                       supply_temperature_C=supply_T + rnd.uniform(-5, 5),
                       pump=plant_pump(rnd, kind, consumers))
    return net


TREE_FROM = 1000


def tree_network(seed: int) -> heatnet.Network:
    """A mostly tree-shaped network (loops at most 5 % of the pipes, the solver's criterion for
    its spanning-forest start, the loop start and the prediction from it): 40-120 twin nodes,
    one to n/25 loops closing rings of the supply and return mains, pipes sized at random
    (DN40-DN300, 20-600 m, U 0.2-3 W/mK), consumers of 5 kW-1 MW (return 30-55 degC) at ~60 %
    of the nodes, a fixed_dp or dp_control plant at 70-110 degC, every other seed on terrain."""
    rnd = random.Random(seed)
    n = rnd.randint(40, 120)
    hilly = seed % 2 == 1
    net = new_network(f"tree_{seed}", rnd, 70.0, (-10, 15))
    add_twin_nodes(net, rnd, n, hilly, twin_elevations=True)
    sizes = [0.04, 0.05, 0.065, 0.08, 0.1, 0.125, 0.15, 0.2, 0.3]
    for a, b in tree_and_loops(rnd, n, max(1, n // 25), least_loops=1):
        d = rnd.choice(sizes)
        length, u = rnd.uniform(20, 600), rnd.uniform(0.2, 3)
        for pid, f, t in ((f"PS{a}_{b}", f"S{a}", f"S{b}"), (f"PR{a}_{b}", f"R{b}", f"R{a}")):
            net.add_pipe(pid, from_=f, to=t, length_m=length, inner_diameter_m=d,
                         roughness_mm=0.05, heat_loss_W_mK=u)
    consumers = []
    for i in range(1, n):
        if rnd.random() < 0.6:
            kw = rnd.choice([5, 20, 100, 300, 1000])
            net.add_consumer(f"C{i}", supply_node=f"S{i}", return_node=f"R{i}", heat_demand_kW=kw,
                             return_temperature_C=rnd.uniform(30, 55))
            consumers.append((f"C{i}", kw))
    main = rnd.choice(["fixed_dp", "dp_control"] if consumers else ["fixed_dp"])
    net.add_source("PLANT", supply_node="S0", return_node="R0",
                   supply_temperature_C=rnd.uniform(70, 110), return_pressure_bar=3.0,
                   pump=plant_pump(rnd, main, consumers))
    return net


def design_flow(consumers) -> float:
    """Total flow (kg/s) of the consumers at a 30 K spread (4.19 kJ/kgK)."""
    return sum(kw for _, kw in consumers) / (4.19 * 30.0)


def plant_pump(rnd: random.Random, kind: str, consumers) -> dict:
    if kind == "fixed_dp":
        return {"type": "fixed_dp", "dp_bar": rnd.uniform(0.5, 4)}
    if kind == "curve":
        h0 = rnd.uniform(10, 50)
        q = rnd.uniform(20, 400)
        return {"type": "curve", "points_m3_h_m": [[0, h0], [q, 0.9 * h0], [2 * q, 0.6 * h0]]}
    if kind == "dp_control":
        return {"type": "dp_control", "consumer": rnd.choice(consumers)[0], "dp_bar": 0.8}
    # a secondary plant circulating a share of the consumers' design flow (design_flow): a
    # fixed flow beyond what the consumers draw has nowhere to go (no steady state)
    return {"type": "fixed_flow", "mass_flow_kg_s": rnd.uniform(0.1, 0.6) * design_flow(consumers)}


def network_for(seed: int) -> heatnet.Network:
    if seed >= TREE_FROM:
        return tree_network(seed)
    return random_network(seed) if seed < HARSH_FROM else harsh_network(seed)


def family(seed: int) -> str:
    ground = "terrain" if seed % 2 else "level"
    if seed >= TREE_FROM:
        return "tree " + ground
    return ground if seed < HARSH_FROM else "harsh " + ground


def balances(result) -> tuple:
    """(mass imbalance relative to the largest flow, energy balance relative) of a solve."""
    s = result.summary
    flows = [abs(v) for g in ("pipes", "consumers", "sources") for v in
             result[f"{g}/mass_flow"].ravel()]
    largest = max(flows) if flows else 1.0
    return s["max_mass_imbalance_kg_s"] / max(largest, 1e-12), s["energy_balance_rel"]


def over_delivery(result) -> float:
    """Largest delivered heat above demand over the consumers, relative to the demand (a
    substation never delivers more than asked: it throttles)."""
    c = result.table("consumers")
    if c.empty:
        return 0.0
    return max(0.0, float(((c["heat"] - c["heat_demand"]) / c["heat_demand"]).max()))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--tree", type=int, default=200,
                    help=f"mostly tree-shaped networks, seeds {TREE_FROM}- (tree_network)")
    ap.add_argument("--max-outer", type=int, default=None, help="outer iterations (default: the solver's)")
    ap.add_argument("--list", action="store_true", help="print each solve that does not converge")
    a = ap.parse_args()
    outcomes = collections.Counter()
    slowest = (0.0, None, 0.0)  # (CPU s, seed, wall s) of the solve call
    worst_mass = worst_energy = worst_over = 0.0
    options = {} if a.max_outer is None else {"max_outer_iterations": a.max_outer}
    for seed in list(range(a.count)) + list(range(TREE_FROM, TREE_FROM + a.tree)):
        net = network_for(seed)
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            try:
                result = heatnet.solve(net, **options)
            finally:
                cpu, wall = time.process_time() - c0, time.perf_counter() - t0
                slowest = max(slowest, (cpu, seed, wall))
            status = "converged"
            mass, energy = balances(result)
            worst_mass, worst_energy = max(worst_mass, mass), max(worst_energy, energy)
            worst_over = max(worst_over, over_delivery(result))
        except heatnet.ConvergenceError as e:
            status = e.report.status
            if a.list:
                print(f"seed {seed} ({family(seed)}): {e.report.status}: {e.report.message[:200]}")
        outcomes[(status, family(seed))] += 1
    total = collections.Counter()
    for fam in ("level", "terrain", "harsh level", "harsh terrain", "tree level", "tree terrain"):
        row = {s: c for (s, f), c in sorted(outcomes.items()) if f == fam}
        if row:
            print(f"{fam:14s} {sum(row.values()):4d} networks: " +
                  ", ".join(f"{s} {c}" for s, c in row.items()))
            total.update(row)
    print(f"all            {sum(total.values()):4d} networks: converged {total['converged']} "
          f"({100.0 * total['converged'] / max(1, sum(total.values())):.1f} %)")
    print(f"slowest solve {slowest[0] * 1e3:.1f} ms CPU ({slowest[2] * 1e3:.1f} ms wall; seed "
          f"{slowest[1]}); converged solves: worst "
          f"mass imbalance {worst_mass:.1e} (relative to the largest flow), worst energy balance "
          f"{worst_energy:.1e}, worst heat delivered above demand {worst_over:.1e}")


if __name__ == "__main__":
    main()
