#!/usr/bin/env python3
"""Robustness sweep of the coupled solve on seeded random small district-heating networks.

Each network: n twin supply/return nodes (4-25), a random spanning tree plus up to n extra
loop pipes (DN50-DN300, 20-800 m, U 0-3 W/mK), one fixed-dp plant (70-110 degC, 0.5-4 bar),
heat-demand consumers (1 kW-1 MW, return 30-60 degC) at ~70 % of the nodes; every other seed
on terrain (0-40 m), the others level. Many of these are poor designs (a 1 MW consumer behind
DN50, a 1 kW consumer at the end of 800 m losing 3 W/mK): the point is what the solver reports,
not that they should all converge. Prints the count of each outcome, level vs terrain, and
the slowest solve. Never an exception other than the solver's own statuses, never a hang.

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/robustness.py [--count 300]
"""
import argparse
import collections
import random
import time

import heatnet


def random_network(seed: int) -> heatnet.Network:
    rnd = random.Random(seed)
    n = rnd.randint(4, 25)
    hilly = seed % 2 == 1
    net = heatnet.Network(name=f"random_{seed}", settings={
        "fluid": "water", "friction": "colebrook", "temperature_C": 70.0,
        "ambient_temperature_C": rnd.uniform(-10, 15)})
    for side in "SR":
        for i in range(n):
            net.add_node(f"{side}{i}", elevation_m=rnd.uniform(0, 40) if hilly else 0.0)
    edges = {(rnd.randrange(i), i) for i in range(1, n)}
    for _ in range(rnd.randint(0, n)):
        a, b = rnd.sample(range(n), 2)
        edges.add((min(a, b), max(a, b)))
    for a, b in sorted(edges):
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


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=300)
    a = ap.parse_args()
    outcomes = collections.Counter()
    slowest = (0.0, None)
    for seed in range(a.count):
        net = random_network(seed)
        ground = "terrain" if seed % 2 else "level"
        t0 = time.perf_counter()
        try:
            heatnet.solve(net)
            status = "converged"
        except heatnet.ConvergenceError as e:
            status = e.report.status
        dt = time.perf_counter() - t0
        slowest = max(slowest, (dt, seed))
        outcomes[(status, ground)] += 1
    for ground in ("level", "terrain"):
        row = {s: c for (s, g), c in sorted(outcomes.items()) if g == ground}
        print(f"{ground:8s} {sum(row.values()):4d} networks: " +
              ", ".join(f"{s} {c}" for s, c in row.items()))
    print(f"slowest solve {slowest[0] * 1e3:.1f} ms (seed {slowest[1]})")


if __name__ == "__main__":
    main()
