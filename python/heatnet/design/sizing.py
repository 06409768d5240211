"""Automatic pipe sizing: the smallest catalogue size that meets a specific pressure-loss limit
and a velocity limit at the solved flows of a design load case, repeated until the sizes stop
changing (docs/sizing.md).

One round: solve the network as given (the design load case: demands, temperatures and pumps
as they are); for every pipe, or supply/return twin pair (they share a size), evaluate every
catalogue size at the pipe's solved mass flow and fluid properties (density and viscosity from
the solve: rho = m/(v A), nu = v d/Re), and pick the smallest size whose specific friction loss
R = f/d * rho v^2/2 and velocity both stay within the limits for every member of the pair; set
the new sizes (diameter, and the catalogue's roughness and U where it has them) and solve again.
Flows come from the solve, so a ring or mesh is sized by how it really splits, not by a tree.

Termination: in a mesh, sizes change the split, which can change sizes back. The first
``free_rounds`` rounds choose freely; after that, or as soon as a set of sizes repeats, a pipe
can only grow. Growth is bounded by the catalogue, so sizing always ends; ``max_rounds`` is the
hard bound (an error, never a silent stop).
"""
from __future__ import annotations

import fnmatch
import math
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from .catalogue import Catalogue, PipeSize, load_catalogue
from .friction import LAWS, darcy_friction_factor

__all__ = ["size_pipes", "SizingResult", "SizingError", "read_pipe_limits", "twin_pairs"]


class SizingError(ValueError):
    """Sizing cannot meet the limits (names the pipe, its flow and the largest size's figures),
    or its input is bad."""


@dataclass
class SizingResult:
    network: Any                 # the sized heatnet.Network
    result: Any                  # the heatnet.Result of the final solve (with the final sizes)
    rounds: int                  # solves done, the last one confirming that nothing changes
    converged: bool
    table: Any                   # pandas DataFrame, one row per sized pipe or twin pair
    history: List[Dict[str, Any]] = field(default_factory=list)   # one dict per round
    time_s: float = 0.0

    def changes(self):
        """The rows of :attr:`table` whose size changed."""
        return self.table[self.table["changed"]]

    def lines(self) -> List[str]:
        t = self.table
        out = [f"sized {len(t)} pipes/pairs in {self.rounds} rounds ({self.time_s:.2f} s): "
               f"{int(t['changed'].sum())} changed, governed by "
               + ", ".join(f"{k} {v}" for k, v in t["governed_by"].value_counts().items())]
        for h in self.history:
            out.append(f"  round {h['round']}: {h['changed']} changed"
                       + (" (grow only)" if h["grow_only"] else ""))
        return out


# --------------------------------------------------------------------------- limits
_LIMIT_COLUMNS = ("max_dp_Pa_m", "max_velocity_m_s", "min_dn", "min_inner_diameter_m")


def read_pipe_limits(path) -> List[Dict[str, Any]]:
    """Per-pipe limits from CSV: column ``pipe`` (an id or a glob pattern such as ``PS*``) and
    any of ``max_dp_Pa_m``, ``max_velocity_m_s``, ``min_dn``, ``min_inner_diameter_m``; empty
    cells fall back to the global limits. For each pipe the first matching row applies, and to
    its twin too."""
    import csv

    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        lines = [(n + 1, line) for n, line in enumerate(f)
                 if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(line for _, line in lines)
    if reader.fieldnames is None or "pipe" not in reader.fieldnames:
        raise SizingError(f"{path}: no column 'pipe'")
    unknown = set(reader.fieldnames) - {"pipe", *_LIMIT_COLUMNS}
    if unknown:
        raise SizingError(f"{path}: unknown columns {sorted(unknown)}; expected pipe, "
                          + ", ".join(_LIMIT_COLUMNS))
    for (lineno, _), row in zip(lines[1:], reader):
        out: Dict[str, Any] = {"pipe": row["pipe"].strip(), "where": f"{path}:{lineno}"}
        for key in _LIMIT_COLUMNS:
            text = (row.get(key) or "").strip()
            if text:
                try:
                    out[key] = float(text)
                except ValueError:
                    raise SizingError(f"{path}:{lineno}: {key} = {text!r} is not a number") \
                        from None
        rows.append(out)
    return rows


@dataclass
class _Limits:
    max_dp_Pa_m: np.ndarray
    max_velocity_m_s: np.ndarray
    min_inner_diameter_m: np.ndarray


def _pipe_limits(ids: Sequence[str], member_unit: np.ndarray, rows, defaults: Dict[str, float],
                 catalogue: Catalogue) -> _Limits:
    """Limits per member pipe. A row that matches either pipe of a twin pair applies to both
    (the first pipe of the pair that matches a row decides)."""
    rows = rows or []
    n = len(ids)
    r = np.full(n, defaults["max_dp_Pa_m"])
    v = np.full(n, defaults["max_velocity_m_s"])
    dmin = np.full(n, _min_diameter(defaults.get("min_dn"), None, catalogue, "min_dn"))
    used = [False] * len(rows)
    exact = {row["pipe"]: k for k, row in enumerate(rows)}
    unit_row: Dict[int, int] = {}
    for i, pid in enumerate(ids):
        k = exact.get(pid)
        if k is None:
            k = next((k for k, row in enumerate(rows)
                      if fnmatch.fnmatchcase(pid, row["pipe"])), None)
        if k is not None:
            used[k] = True
            unit_row.setdefault(int(member_unit[i]), k)
    for i in range(n):
        k = unit_row.get(int(member_unit[i]))
        if k is None:
            continue
        row = rows[k]
        r[i] = row.get("max_dp_Pa_m", r[i])
        v[i] = row.get("max_velocity_m_s", v[i])
        if "min_dn" in row or "min_inner_diameter_m" in row:
            dmin[i] = _min_diameter(row.get("min_dn"), row.get("min_inner_diameter_m"),
                                    catalogue, row.get("where", "pipe limits"))
    for k, u in enumerate(used):
        if not u:
            raise SizingError(f"{rows[k].get('where', 'pipe limits')}: pipe {rows[k]['pipe']!r} "
                              "matches no pipe of the network")
    for name, a in (("max_dp_Pa_m", r), ("max_velocity_m_s", v)):
        bad = np.nonzero(~(a > 0) | ~np.isfinite(a))[0]
        if len(bad):
            raise SizingError(f"pipe {ids[bad[0]]!r}: {name} = {a[bad[0]]}; must be > 0")
    return _Limits(r, v, dmin)


def _min_diameter(min_dn, min_d, catalogue: Catalogue, where: str) -> float:
    if min_d is not None:
        return float(min_d)
    if min_dn is None:
        return 0.0
    if min_dn != int(min_dn):
        raise SizingError(f"{where}: min_dn = {min_dn}; must be an integer DN")
    try:
        return catalogue.by_dn(int(min_dn)).inner_diameter_m
    except ValueError as e:
        raise SizingError(f"{where}: min_dn: {e}") from None


# --------------------------------------------------------------------------- twins
def twin_pairs(network) -> Dict[str, str]:
    """Supply/return twins: a pipe on a source's supply side and one on its return side that
    join the same two positions (x, y to 1 mm) with the same length (to 1 mm). Returns
    {supply pipe id: return pipe id}. Pipes without a unique partner are sized alone."""
    from ..gis.export import pipe_sides

    pipes = network.table("pipes")
    nodes = network.table("nodes")
    if nodes["x"].isna().any() or nodes["y"].isna().any():
        return {}
    pos = {nid: (round(float(x), 3), round(float(y), 3))
           for nid, x, y in zip(nodes.index, nodes["x"], nodes["y"])}
    side = pipe_sides(network)
    groups: Dict[tuple, Dict[str, List[str]]] = {}
    for pid, a, b, length in zip(pipes.index, pipes["from"], pipes["to"], pipes["length_m"]):
        key = (tuple(sorted((pos[a], pos[b]))), round(float(length), 3))
        groups.setdefault(key, {}).setdefault(side.get(pid, ""), []).append(pid)
    return {g["supply"][0]: g["return"][0] for g in groups.values()
            if len(g.get("supply", ())) == 1 and len(g.get("return", ())) == 1}


# --------------------------------------------------------------------------- sizing
def size_pipes(network, catalogue, *, max_dp_Pa_m: float = 200.0,
               max_velocity_m_s: float = 2.5, min_dn: Optional[int] = None,
               pipe_limits=None, pipes: Optional[Sequence[str]] = None,
               twins: Optional[Dict[str, str]] = None,
               local_loss_allowance: Optional[float] = None, free_rounds: int = 8,
               max_rounds: int = 60, solve_options: Optional[Dict[str, Any]] = None,
               copy: bool = True) -> SizingResult:
    """Size the pipes of ``network`` for the load case it describes.

    catalogue: a :class:`Catalogue`, a built-in name ("en253-series2") or a CSV path.
    max_dp_Pa_m, max_velocity_m_s, min_dn: the limits of every pipe (specific friction loss in
        Pa per metre, velocity, smallest DN); a catalogue column ``max_velocity_m_s`` limits
        its size further (the smaller limit applies).
    pipe_limits: per-pipe limits, rows of :func:`read_pipe_limits` or a CSV path.
    pipes: ids to size (default all); twins of listed pipes are sized with them.
    twins: {supply id: return id} pairs that share a size (default :func:`twin_pairs`).
    local_loss_allowance: when given, each sized pipe gets minor_loss = a * f_rough * L/d (a
        share a of the fully rough friction loss, for fittings and bends) for its new size;
        else minor_loss stays as it is.
    solve_options: keyword options of :func:`heatnet.solve` for every round.
    copy: size a copy (default) or the network itself.

    Raises :class:`SizingError` when even the largest size breaks a limit (naming the pipe)
    and :class:`heatnet.ConvergenceError` when a round's solve does not converge.
    """
    from .._solve import solve

    start = time.perf_counter()
    catalogue = load_catalogue(catalogue)
    net = network.copy() if copy else network
    solve_options = dict(solve_options or {})
    law = LAWS.get(solve_options.get("friction") or net.settings.get("friction", "colebrook"))
    if law is None:
        raise SizingError("sizing needs a Darcy-Weisbach friction law (colebrook, swamee_jain, "
                          "nikuradse, epanet_darcy_weisbach), not "
                          + str(solve_options.get("friction") or net.settings.get("friction")))
    if local_loss_allowance is not None and not local_loss_allowance >= 0:
        raise SizingError(f"local_loss_allowance = {local_loss_allowance}; must be >= 0")
    if isinstance(pipe_limits, (str, bytes)) or hasattr(pipe_limits, "__fspath__"):
        pipe_limits = read_pipe_limits(pipe_limits)
    units = _Units(net, catalogue, twins if twins is not None else twin_pairs(net), pipes)
    limits = _pipe_limits(units.ids, units.member_unit, pipe_limits,
                          {"max_dp_Pa_m": max_dp_Pa_m, "max_velocity_m_s": max_velocity_m_s,
                           "min_dn": min_dn}, catalogue)
    original = units.current_sizes()
    chosen = original.copy()
    seen = {tuple(chosen)}
    history: List[Dict[str, Any]] = []
    grow_only = False
    last_changed = np.zeros(len(units.unit_ids), dtype=int)
    for round_no in range(1, max_rounds + 1):
        t_solve = time.perf_counter()
        result = solve(net, **solve_options)
        t_solve = time.perf_counter() - t_solve
        needed, figures = units.needed_sizes(result, limits, law)
        new = np.maximum(needed, chosen) if grow_only else needed
        changed = np.nonzero(new != chosen)[0]
        history.append({"round": round_no, "changed": int(len(changed)), "grow_only": grow_only,
                        "solve_iterations": result.report.iterations if result.report else 0,
                        "solve_s": t_solve})
        if len(changed) == 0:
            table = units.table(original, chosen, needed, figures, limits, last_changed)
            _raise_if_infeasible(table)
            return SizingResult(net, result, round_no, True, table, history,
                                time.perf_counter() - start)
        last_changed[changed] = round_no
        chosen = new
        units.apply(chosen, changed, local_loss_allowance)
        key = tuple(chosen)
        if round_no >= free_rounds or key in seen:
            grow_only = True
        seen.add(key)
    raise SizingError(f"sizing did not settle in {max_rounds} rounds (max_rounds); the last "
                      f"round changed {history[-1]['changed']} pipes")


def _raise_if_infeasible(table) -> None:
    bad = table[~table["meets_limits"]]
    if len(bad):
        row = bad.iloc[0]
        raise SizingError(
            f"pipe {row.name!r}: no catalogue size meets the limits at "
            f"{row['mass_flow_kg_s']:.3f} kg/s: the largest, {row['new_size']}, has "
            f"{row['dp_Pa_m']:.0f} Pa/m (limit {row['max_dp_Pa_m']:g}) and "
            f"{row['velocity_m_s']:.2f} m/s (limit {row['max_velocity_m_s']:g})"
            + (f"; {len(bad) - 1} more pipes" if len(bad) > 1 else ""))


class _Units:
    """The pipes that get one size each (a pipe, or a supply/return twin pair)."""

    def __init__(self, net, catalogue: Catalogue, twins: Dict[str, str],
                 only: Optional[Sequence[str]]):
        self.net = net
        self.catalogue = catalogue
        table = net.table("pipes")
        all_ids = list(table.index)
        index = {pid: i for i, pid in enumerate(all_ids)}
        for a, b in twins.items():
            for pid in (a, b):
                if pid not in index:
                    raise SizingError(f"twins: pipe {pid!r} does not exist")
        partner = {**twins, **{b: a for a, b in twins.items()}}
        wanted = set(all_ids) if only is None else set(only)
        for pid in wanted:
            if pid not in index:
                raise SizingError(f"pipe {pid!r} (pipes to size) does not exist")
        unit_of: Dict[str, int] = {}
        self.unit_ids: List[str] = []
        self.unit_twin: List[str] = []
        for pid in all_ids:
            if pid not in wanted and partner.get(pid) not in wanted:
                continue
            if pid in unit_of:
                continue
            unit_of[pid] = len(self.unit_ids)
            self.unit_ids.append(pid)
            self.unit_twin.append(partner.get(pid, ""))
            if pid in partner:
                unit_of[partner[pid]] = unit_of[pid]
        self.ids = list(unit_of)                    # member pipes, in unit order of first seen
        self.member_unit = np.array([unit_of[p] for p in self.ids])
        first: Dict[int, int] = {}
        for i, u in enumerate(self.member_unit):
            first.setdefault(int(u), i)
        self.unit_first = [first[u] for u in range(len(self.unit_ids))]
        self.result_index = None
        self.length = table.loc[self.ids, "length_m"].to_numpy(float)
        self.roughness_m = table.loc[self.ids, "roughness_mm"].to_numpy(float) * 1e-3
        self.diameter = table.loc[self.ids, "inner_diameter_m"].to_numpy(float)
        self.original_diameter = self.diameter.copy()
        self.D = np.array([s.inner_diameter_m for s in catalogue])
        self.size_vmax = np.array([s.max_velocity_m_s or np.inf for s in catalogue])
        self.size_k = np.array([np.nan if s.roughness_mm is None else s.roughness_mm * 1e-3
                                for s in catalogue])

    def current_sizes(self) -> np.ndarray:
        """Index of the catalogue size each unit has now (nearest inner diameter; -1 when the
        diameter is no catalogue size)."""
        out = np.full(len(self.unit_ids), -1)
        for u, i in enumerate(self.unit_first):
            d = self.diameter[i]
            k = int(np.argmin(np.abs(self.D - d)))
            out[u] = k if abs(self.D[k] - d) <= 1e-9 * max(d, 1.0) else -1
        return out

    def needed_sizes(self, result, limits: _Limits, law: str):
        """Smallest passing size per unit (the largest where none passes) and the figures."""
        if self.result_index is None:
            pos = {pid: i for i, pid in enumerate(result.ids("pipes"))}
            self.result_index = np.array([pos[p] for p in self.ids])
        ri = self.result_index
        m = np.abs(result["pipes/mass_flow"][-1][ri])
        v = np.abs(result["pipes/velocity"][-1][ri])
        re = np.abs(result["pipes/reynolds"][-1][ri])
        d = self.diameter
        flowing = (m > 0) & (v > 0) & (re > 0)
        rho = np.where(flowing, m / np.where(flowing, v * np.pi * d * d / 4, 1.0), 1000.0)
        nu = np.where(flowing, v * d / np.where(flowing, re, 1.0), 1e-6)
        D = self.D[None, :]
        k = np.where(np.isnan(self.size_k)[None, :], self.roughness_m[:, None],
                     self.size_k[None, :])
        vel = m[:, None] / (rho[:, None] * np.pi * D * D / 4)
        re_s = vel * D / nu[:, None]
        f = np.where(vel > 0, darcy_friction_factor(np.where(vel > 0, re_s, 1.0), k / D, law),
                     0.0)
        R = f / D * rho[:, None] * vel * vel / 2
        vmax = np.minimum(limits.max_velocity_m_s[:, None], self.size_vmax[None, :])
        ok = (R <= limits.max_dp_Pa_m[:, None]) & (vel <= vmax) & \
            (D >= limits.min_inner_diameter_m[:, None] * (1 - 1e-12))
        n_units, n_sizes = len(self.unit_ids), len(self.D)
        unit_ok = np.ones((n_units, n_sizes), dtype=bool)
        np.logical_and.at(unit_ok, self.member_unit, ok)
        any_ok = unit_ok.any(axis=1)
        needed = np.where(any_ok, unit_ok.argmax(axis=1), n_sizes - 1)
        return needed, {"m": m, "R": R, "vel": vel, "ok": ok, "unit_ok": unit_ok,
                        "any_ok": any_ok}

    def apply(self, chosen: np.ndarray, changed: np.ndarray, allowance: Optional[float]) -> None:
        changed_units = set(int(u) for u in changed)
        for i, pid in enumerate(self.ids):
            u = int(self.member_unit[i])
            if u not in changed_units:
                continue
            size: PipeSize = self.catalogue.sizes[chosen[u]]
            fields = size.pipe_fields()
            if allowance is not None:
                k = fields.get("roughness_mm", self.roughness_m[i] * 1e3) * 1e-3
                fields["minor_loss"] = round(allowance * _fully_rough_f(k, size.inner_diameter_m)
                                             * self.length[i] / size.inner_diameter_m, 3)
            self.net.set_pipe(pid, **fields)
            self.diameter[i] = size.inner_diameter_m
            if "roughness_mm" in fields:
                self.roughness_m[i] = fields["roughness_mm"] * 1e-3

    def table(self, original, chosen, needed, fig, limits: _Limits, last_changed):
        import pandas as pd

        rows = []
        sizes = self.catalogue.sizes
        first_member = {}
        for i, u in enumerate(self.member_unit):
            first_member.setdefault(int(u), []).append(i)
        for u, pid in enumerate(self.unit_ids):
            members = first_member[u]
            c = int(chosen[u])
            worst = max(members, key=lambda i: fig["R"][i, c])
            rows.append({
                "pipe": pid, "twin": self.unit_twin[u],
                "length_m": float(self.length[members[0]]),
                "mass_flow_kg_s": float(max(fig["m"][i] for i in members)),
                "old_size": sizes[original[u]].label if original[u] >= 0 else
                f"d{self.original_diameter[members[0]] * 1e3:g}mm",
                "new_size": sizes[c].label, "inner_diameter_m": sizes[c].inner_diameter_m,
                "dp_Pa_m": float(fig["R"][worst, c]),
                "velocity_m_s": float(max(fig["vel"][i, c] for i in members)),
                "max_dp_Pa_m": float(limits.max_dp_Pa_m[members[0]]),
                "max_velocity_m_s": float(min(limits.max_velocity_m_s[members[0]],
                                              sizes[c].max_velocity_m_s or math.inf)),
                "governed_by": self._governing(u, c, members, fig, limits),
                "meets_limits": bool(fig["unit_ok"][u, c]),
                "changed": bool(original[u] != c),
                "round": int(last_changed[u]),
            })
        return pd.DataFrame(rows).set_index("pipe")

    def _governing(self, u: int, c: int, members, fig, limits: _Limits) -> str:
        """Why not one size smaller: the limit the next smaller size breaks."""
        if not fig["unit_ok"][u, c]:
            return "largest size (limits exceeded)"
        if c == 0:
            return "smallest size"
        if fig["unit_ok"][u, c - 1]:
            return "grow only (mesh)"
        smaller = self.D[c - 1]
        if any(smaller < limits.min_inner_diameter_m[i] * (1 - 1e-12) for i in members):
            return "min_dn"
        if any(fig["R"][i, c - 1] > limits.max_dp_Pa_m[i] for i in members):
            return "max_dp_Pa_m"
        return "max_velocity_m_s"


def _fully_rough_f(k: float, d: float) -> float:
    """von Karman's fully rough limit 1/sqrt(f) = -2 log10(k/(3.7 d)); 0 for a smooth pipe."""
    if k <= 0:
        return 0.0
    return 0.25 / math.log10(k / (3.7 * d)) ** 2
