"""Modify-and-resolve benchmark: first solve vs re-solves after parameter changes.

A parameter change through Network.set_* (pipe diameter, consumer demand, supply temperature)
keeps the compiled topology, so the cached Solver reuses its symbolic factorisation and
warm-starts Newton from the last state. Compared with a cold solve of a freshly loaded network.

    PYTHONPATH=build/python python3 examples/python/resolve_benchmark.py [network.json] [repeats]
"""
import pathlib
import statistics
import sys
import time

import heatnet

ROOT = pathlib.Path(__file__).resolve().parents[2]


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main(path=ROOT / "examples" / "oral" / "oral.json", repeats=20):
    path = pathlib.Path(path)
    net = heatnet.Network.from_json(path)
    print(f"{path.name}: {net.count('nodes')} nodes, {net.count('pipes')} pipes, "
          f"{net.count('consumers')} consumers, {net.count('sources')} sources")

    # cold: load + compile + symbolic analysis + solve from scratch
    cold = []
    for _ in range(repeats):
        fresh = heatnet.Network.from_json(path)
        r, dt = timed(lambda: heatnet.solve(fresh))
        cold.append((dt, r.report))
    first, dt_first = timed(lambda: heatnet.solve(net))
    pipe = net.ids("pipes")[len(net.ids("pipes")) // 2]
    consumer = net.ids("consumers")[0]
    source = net.ids("sources")[0]
    d0 = net.element("pipe", pipe)["inner_diameter_m"]
    q0 = net.element("consumer", consumer)["heat_demand_kW"] or 100.0
    t0 = net.element("source", source)["supply_temperature_C"]

    changes = [
        ("consumer demand", lambda k: net.set_consumer(consumer, heat_demand_kW=q0 * (1.1 + 0.01 * k))),
        ("pipe diameter", lambda k: net.set_pipe(pipe, inner_diameter_m=d0 * (1.05 + 0.01 * k))),
        ("supply temperature", lambda k: net.set_source(source, supply_temperature_C=t0 - 1 - k)),
    ]
    rows = []
    for label, change in changes:
        times, reused, iters = [], [], []
        for k in range(repeats):
            change(k)
            r, dt = timed(lambda: heatnet.solve(net))
            times.append(dt)
            reused.append(r.report.symbolic_reused)
            iters.append(r.report.iterations)
            # the same answer as a fresh solve of the modified network
            check = heatnet.solve(net.copy(), warm_start=False)
            diff = abs(check["pipes/mass_flow"] - r["pipes/mass_flow"]).max()
            scale = abs(check["pipes/mass_flow"]).max()
            assert diff <= 1e-6 * scale, (label, diff)
        rows.append((label, min(times), all(reused), statistics.median(iters),
                     statistics.median(times)))

    # min over repeats: the machine may be shared, medians are shown for reference
    cold_t = min(t for t, _ in cold)
    cold_med = statistics.median(t for t, _ in cold)
    cold_rep = cold[0][1]
    print(f"(times: min / median of {repeats} runs, wall clock around heatnet.solve)")
    print(f"cold solve (fresh network: compile + analyse + solve): {cold_t * 1e3:7.2f} / "
          f"{cold_med * 1e3:7.2f} ms  {cold_rep.iterations} Newton its, "
          f"{cold_rep.outer_iterations} outer, analyse {cold_rep.timings['analyse_s'] * 1e3:.2f} "
          f"ms, backend {cold_rep.backend}")
    print(f"first solve of the benchmark network (process warm): {dt_first * 1e3:7.2f} ms  "
          f"symbolic_reused={first.report.symbolic_reused}")
    for label, t, reused, its, med in rows:
        print(f"resolve after {label:<19}: {t * 1e3:7.2f} / {med * 1e3:7.2f} ms  "
              f"symbolic_reused={reused}, {its:g} Newton its (median), "
              f"speed-up x{cold_t / t:.1f} (min vs min)")
    return rows


if __name__ == "__main__":
    args = sys.argv[1:]
    main(*(args[:1] or []), *(map(int, args[1:2]) if len(args) > 1 else []))
