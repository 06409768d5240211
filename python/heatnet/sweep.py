"""heatnet.sweep: many independent scenarios, serially, on local processes or threads, or on a
Dask cluster -- the same call (docs/sweeps.md).

    import heatnet.sweep as sw

    scenarios = sw.grid(supply_C=[90, 110, 130], trunk_mm=[600, 700, 800], year=[2024, 2035])

    def build(s):                       # scenario -> heatnet.Network (runs on the worker)
        net = heatnet.Network.from_json("oral.json")
        net.set_source("CHP", supply_temperature_C=s["supply_C"]) ...
        return net

    def evaluate(net, s):               # -> {name: scalar} (runs on the worker)
        r = heatnet.solve(net)
        return {"loss_kW": r.summary["heat_loss_W"] / 1e3}

    df = sw.run(scenarios, build=build, evaluate=evaluate, executor="processes")
    df = sw.run(scenarios, build=build, evaluate=evaluate, executor=Client("tcp://host:8786"))

Each scenario is built and evaluated where it runs, so only the scenario dict and the result
dict cross process or machine boundaries (a Network pickles as its JSON if you send one).
Results come back in scenario order as a pandas DataFrame: the scenario's keys, then the
evaluated values, then ``error`` (None, or the exception text when ``errors="capture"``).
"""
from __future__ import annotations

import concurrent.futures as cf
import itertools
import os
import time
import traceback
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Union

__all__ = ["grid", "run", "evaluate_one", "default_evaluate"]

Scenario = Mapping[str, Any]
Build = Callable[[Scenario], Any]
Evaluate = Callable[[Any, Scenario], Mapping[str, Any]]


def grid(**axes: Sequence[Any]) -> List[Dict[str, Any]]:
    """Every combination of the axes, as scenario dicts (the last axis varies fastest):
    ``grid(supply_C=[90, 130], trunk_mm=[600, 800])`` -> 4 scenarios."""
    names = list(axes)
    return [dict(zip(names, values)) for values in itertools.product(*(axes[n] for n in names))]


def default_evaluate(network: Any, scenario: Scenario) -> Dict[str, Any]:
    """A steady solve and its summary figures (SI) plus converged and the wall time."""
    from ._solve import solve

    r = solve(network, warm_start=False, raise_on_failure=False)
    out = {k: v for k, v in (r.summary or {}).items() if isinstance(v, (int, float, str, bool))}
    out["converged"] = r.converged
    return out


def evaluate_one(build: Build, evaluate: Optional[Evaluate], scenario: Scenario,
                 capture: bool = True) -> Dict[str, Any]:
    """Build and evaluate one scenario (what every worker runs). Returns the evaluated dict
    plus ``error`` (None or the exception text when ``capture``), ``wall_time_s`` and
    ``worker`` (host:pid)."""
    t0 = time.perf_counter()
    try:
        values = dict((evaluate or default_evaluate)(build(scenario), scenario))
        error = None
    except Exception as e:  # noqa: BLE001 - reported per scenario, see errors=
        if not capture:
            raise
        values = {}
        error = f"{type(e).__name__}: {e}\n" + "".join(traceback.format_tb(e.__traceback__)[-3:])
    values["error"] = error
    values["wall_time_s"] = time.perf_counter() - t0
    values["worker"] = f"{os.uname().nodename}:{os.getpid()}"
    return values


def _is_dask_client(executor: Any) -> bool:
    return hasattr(executor, "submit") and hasattr(executor, "gather") and hasattr(executor, "scheduler_info")


def run(scenarios: Iterable[Scenario], build: Build, evaluate: Optional[Evaluate] = None, *,
        executor: Union[None, str, cf.Executor, Any] = None, max_workers: Optional[int] = None,
        errors: str = "capture", progress: Optional[Callable[[int, int], None]] = None):
    """Run ``evaluate(build(s), s)`` for every scenario ``s``; a pandas DataFrame in scenario
    order.

    executor: None (serial, in this process), "processes" (a local ProcessPoolExecutor;
        build/evaluate must be importable functions, not lambdas), "threads" (a
        ThreadPoolExecutor: heatnet releases the GIL while it solves), any
        ``concurrent.futures.Executor``, or a ``dask.distributed.Client`` (the functions are
        sent with cloudpickle, so lambdas and closures work; every worker needs the same
        Python and heatnet).
    max_workers: for "processes" / "threads" (default: os.cpu_count()).
    errors: "capture" (default: a failing scenario gets its exception text in ``error``,
        the others go on) or "raise" (the first failure propagates).
    progress(done, total): called as results arrive (in completion order).
    """
    import pandas as pd

    if errors not in ("capture", "raise"):
        raise ValueError(f"errors={errors!r}; expected 'capture' or 'raise'")
    scenarios = [dict(s) for s in scenarios]
    capture = errors == "capture"
    n = len(scenarios)
    results: List[Optional[Dict[str, Any]]] = [None] * n

    def done(i: int, value: Dict[str, Any]) -> None:
        results[i] = value
        if progress is not None:
            progress(sum(r is not None for r in results), n)

    if executor is None:
        for i, s in enumerate(scenarios):
            done(i, evaluate_one(build, evaluate, s, capture))
    elif _is_dask_client(executor):
        futures = [executor.submit(evaluate_one, build, evaluate, s, capture, pure=False)
                   for s in scenarios]
        index = {f.key: i for i, f in enumerate(futures)}
        from distributed import as_completed  # only needed with a Dask client

        for f in as_completed(futures):
            done(index[f.key], f.result())
    else:
        own = isinstance(executor, str)
        if own:
            if executor == "processes":
                pool: cf.Executor = cf.ProcessPoolExecutor(max_workers=max_workers)
            elif executor == "threads":
                pool = cf.ThreadPoolExecutor(max_workers=max_workers or os.cpu_count())
            else:
                raise ValueError(f"executor={executor!r}; expected None, 'processes', "
                                 "'threads', a concurrent.futures.Executor or a Dask Client")
        else:
            pool = executor
        try:
            futures = {pool.submit(evaluate_one, build, evaluate, s, capture): i
                       for i, s in enumerate(scenarios)}
            for f in cf.as_completed(futures):
                done(futures[f], f.result())
        finally:
            if own:
                pool.shutdown(wait=True, cancel_futures=True)

    rows = []
    for s, r in zip(scenarios, results):
        row = dict(s)
        for k, v in (r or {}).items():
            row[k if k not in s else f"result_{k}"] = v
        rows.append(row)
    df = pd.DataFrame(rows)
    df.attrs["scenario_columns"] = list(dict.fromkeys(k for s in scenarios for k in s))
    return df
