"""heatnet.plot: the piezometric graph and a network map for any solved network (matplotlib).

    import heatnet, heatnet.plot
    net = heatnet.Network.from_json("examples/oral/oral.json")
    res = heatnet.solve(net)
    heatnet.plot.piezometric(res, net, file="piezo.png")          # path to the critical consumer
    heatnet.plot.piezometric(res, net, to="C1-01-APT")            # ... or to any consumer
    heatnet.plot.network_map(res, net, quantity="pressure", file="map.png")

Both functions take a :class:`heatnet.Result` (from :func:`heatnet.solve` or
:func:`heatnet.read_results`) and the network it was solved for (a :class:`heatnet.Network`, its
JSON dict, or the path of a ``heatnet-network/1`` file). They draw into ``ax`` (a new figure when
None), save to ``file`` when given, and return the matplotlib Axes. matplotlib is imported only
when a plot is drawn; without a display, use the Agg backend (``matplotlib.use("Agg")``), which is
what happens automatically when ``file`` is given and no figure is open.

The piezometric graph follows the CIS convention (FACTS.md section 4): heads in m (elevation + pressure
head, the ``nodes/head`` of the results) along the route from the plant to one consumer, with the
terrain, the supply and return lines, the static line, the anti-boiling limit of the supply line,
the maximum-pressure limit and the available differential pressure at the consumer.
"""
from __future__ import annotations

import heapq
import json
import math
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

__all__ = ["piezometric", "network_map", "specific_pressure_loss", "find_path", "PiezometricPath",
           "saturation_pressure_Pa", "water_density"]

G = 9.80665          # m/s2, as the solver's default gravity
P_ATM = 101325.0     # Pa, gauge <-> absolute


# ------------------------------------------------------------------------------------ water
def saturation_pressure_Pa(t_c):
    """Saturation pressure of water in Pa (absolute) at t_c degC: IAPWS-IF97 region 4
    (R7-97(2012) eq. 30); valid 0..373.9 degC. Accepts scalars and arrays."""
    n = (0.11670521452767e4, -0.72421316703206e6, -0.17073846940092e2, 0.12020824702470e5,
         -0.32325550322333e7, 0.14915108613530e2, -0.48232657361591e4, 0.40511340542057e6,
         -0.23855557567849, 0.65017534844798e3)
    t = np.asarray(t_c, dtype=float) + 273.15
    th = t + n[8] / (t - n[9])
    a = th * th + n[0] * th + n[1]
    b = n[2] * th * th + n[3] * th + n[4]
    c = n[5] * th * th + n[6] * th + n[7]
    p = (2 * c / (-b + np.sqrt(b * b - 4 * a * c))) ** 4 * 1e6
    return float(p) if np.ndim(p) == 0 else p


# FACTS.md section 7 [COMPUTED] IAPWS-IF97 density at 16 bar; the pressure effect is ~0.1 %.
_RHO_T = np.array([5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 115, 120, 130, 140, 150, 160],
                  dtype=float)
_RHO = np.array([1000.70, 1000.42, 998.89, 996.32, 992.88, 988.70, 983.86, 978.44, 972.47,
                 966.00, 959.06, 951.65, 947.78, 943.81, 935.52, 926.80, 917.64, 908.04])


def water_density(t_c):
    """Density of water in kg/m3 at t_c degC (IF97 at 16 bar, interpolated; 5..160 degC,
    clamped outside). Used only to convert pressure limits to heads."""
    d = np.interp(np.asarray(t_c, dtype=float), _RHO_T, _RHO)
    return float(d) if np.ndim(d) == 0 else d


# ------------------------------------------------------------------------------------ inputs
def _doc(network) -> Dict[str, Any]:
    """The network as its JSON dict (heatnet.Network, dict or file path)."""
    if hasattr(network, "to_dict"):
        return network.to_dict()
    if isinstance(network, dict):
        return network
    if isinstance(network, (str, os.PathLike)):
        with open(network, encoding="utf-8") as f:
            return json.load(f)
    raise TypeError("network must be a heatnet.Network, a heatnet-network/1 dict or a file path, "
                    f"got {type(network).__name__}")


def _values(result, group: str, name: str, step: int) -> Dict[str, float]:
    """{element id: value} of one result dataset at one time step."""
    ids = result.ids(group)
    if not ids:
        return {}
    arr = np.asarray(result[f"{group}/{name}"])
    row = arr[step] if arr.ndim == 2 else arr
    return dict(zip(ids, (float(v) for v in row)))


def _links(doc: Dict[str, Any]) -> List[Tuple[str, str, str, str, float]]:
    """(kind, id, from, to, length m) of every link that carries water between two nodes:
    pipes, booster pumps and valves that are not closed (pumps and valves have length 0)."""
    out = [("pipe", p["id"], p["from"], p["to"], float(p["length_m"]))
           for p in doc.get("pipes", [])]
    out += [("pump", p["id"], p["from"], p["to"], 0.0) for p in doc.get("pumps", [])]
    out += [("valve", v["id"], v["from"], v["to"], 0.0) for v in doc.get("valves", [])
            if v.get("type") != "closed"]
    return out


def _source(doc: Dict[str, Any], source: Optional[str]) -> Dict[str, Any]:
    sources = doc.get("sources", [])
    if not sources:
        raise ValueError("the network has no source; the plot needs a plant to start from")
    if source is None:
        return sources[0]
    for s in sources:
        if s["id"] == source:
            return s
    raise ValueError(f"no source {source!r}; the network has " + ", ".join(s["id"] for s in sources))


def _consumer(doc: Dict[str, Any], cid: str) -> Dict[str, Any]:
    for c in doc.get("consumers", []):
        if c["id"] == cid:
            return c
    raise ValueError(f"no consumer {cid!r} in the network")


# ------------------------------------------------------------------------------------ paths
@dataclass
class PiezometricPath:
    """The route of a piezometric graph.

    ``supply_nodes`` run from the plant's supply node to the consumer's supply node,
    ``return_nodes`` from the plant's return node to the consumer's return node (the mirror route,
    listed from the plant outwards); ``*_links`` are the link ids between consecutive nodes and
    ``*_distance_m`` the cumulative pipe length from the plant at each node.
    """

    source: str
    consumer: Optional[str]
    supply_nodes: List[str]
    supply_links: List[str]
    supply_distance_m: np.ndarray
    return_nodes: List[str] = field(default_factory=list)
    return_links: List[str] = field(default_factory=list)
    return_distance_m: np.ndarray = field(default_factory=lambda: np.zeros(0))


def _shortest(links, start: str, goal: str) -> Tuple[List[str], List[str], List[float]]:
    """Dijkstra over the undirected link graph, weights = length; (nodes, links, distances)."""
    adj: Dict[str, List[Tuple[str, str, float]]] = {}
    for _kind, lid, a, b, length in links:
        adj.setdefault(a, []).append((b, lid, length))
        adj.setdefault(b, []).append((a, lid, length))
    dist = {start: 0.0}
    prev: Dict[str, Tuple[str, str]] = {}
    heap = [(0.0, start)]
    done = set()
    while heap:
        d, n = heapq.heappop(heap)
        if n in done:
            continue
        done.add(n)
        if n == goal:
            break
        for m, lid, length in adj.get(n, ()):
            nd = d + length
            if nd < dist.get(m, math.inf) - 1e-12:
                dist[m] = nd
                prev[m] = (n, lid)
                heapq.heappush(heap, (nd, m))
    if goal not in done:
        raise ValueError(f"no path of pipes from node {start!r} to node {goal!r}")
    nodes, lids = [goal], []
    while nodes[-1] != start:
        n, lid = prev[nodes[-1]]
        nodes.append(n)
        lids.append(lid)
    nodes.reverse()
    lids.reverse()
    return nodes, lids, [dist[n] for n in nodes]


def _along(links, nodes: Sequence[str]) -> Tuple[List[str], List[float]]:
    """Links and cumulative distances of a given node sequence (consecutive nodes must be
    joined by a link; the shortest one is taken)."""
    best: Dict[frozenset, Tuple[float, str]] = {}
    for _kind, lid, a, b, length in links:
        key = frozenset((a, b))
        if key not in best or length < best[key][0]:
            best[key] = (length, lid)
    lids, dist = [], [0.0]
    for a, b in zip(nodes, nodes[1:]):
        hit = best.get(frozenset((a, b)))
        if hit is None:
            raise ValueError(f"path: no pipe, pump or valve joins nodes {a!r} and {b!r}")
        lids.append(hit[1])
        dist.append(dist[-1] + hit[0])
    return lids, dist


def find_path(network, to: Optional[str] = None, path: Optional[Sequence[str]] = None,
              source: Optional[str] = None) -> PiezometricPath:
    """The route of the piezometric graph from the plant to consumer ``to`` (shortest by pipe
    length, Dijkstra, on the supply side and, mirrored, on the return side), or along the
    given supply-side node ids ``path`` (starting at the plant's supply node). With ``path``,
    the return route is found to the consumer whose supply node ends the path, if any."""
    doc = _doc(network)
    src = _source(doc, source)
    links = _links(doc)
    consumer = None
    if path is not None:
        nodes = list(path)
        if len(nodes) < 2:
            raise ValueError("path needs at least two node ids")
        if nodes[0] != src["supply_node"]:
            raise ValueError(f"path must start at the supply node {src['supply_node']!r} of "
                             f"source {src['id']!r}, not {nodes[0]!r}")
        lids, dist = _along(links, nodes)
        if to is not None:
            consumer = _consumer(doc, to)
        else:
            ends = [c for c in doc.get("consumers", []) if c["supply_node"] == nodes[-1]]
            consumer = ends[0] if ends else None
    else:
        if to is None:
            raise ValueError("give the consumer `to` or a node `path`")
        consumer = _consumer(doc, to)
        nodes, lids, dist = _shortest(links, src["supply_node"], consumer["supply_node"])
    out = PiezometricPath(source=src["id"], consumer=consumer["id"] if consumer else None,
                          supply_nodes=nodes, supply_links=lids,
                          supply_distance_m=np.asarray(dist, dtype=float))
    if consumer is not None:
        rn, rl, rd = _shortest(links, src["return_node"], consumer["return_node"])
        out.return_nodes, out.return_links = rn, rl
        out.return_distance_m = np.asarray(rd, dtype=float)
    return out


def _default_consumer(result, doc, step: int) -> str:
    """The critical consumer: the summary's, else the smallest dp margin, else the smallest
    available dp."""
    summary = getattr(result, "summary", None)
    if summary and summary.get("critical_consumer"):
        return summary["critical_consumer"]
    dp = _values(result, "consumers", "dp_available", step)
    if not dp:
        raise ValueError("the result has no consumers; give `path`")
    need = {c["id"]: (c.get("min_dp_bar") or 0.0) * 1e5 for c in doc.get("consumers", [])}
    return min(dp, key=lambda c: dp[c] - need.get(c, 0.0))


# ------------------------------------------------------------------------------------ plots
def _axes(ax, figsize):
    import matplotlib
    if ax is not None:
        return ax.figure, ax
    import matplotlib.pyplot as plt
    if not plt.get_fignums() and matplotlib.get_backend().lower() not in ("agg", "pdf", "svg"):
        try:  # headless by default: a script saving PNGs must not need a display
            plt.switch_backend("Agg")
        except Exception:  # pragma: no cover
            pass
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return fig, ax


def _save(fig, file, dpi):
    if file is not None:
        fig.savefig(os.fspath(file), dpi=dpi)


def piezometric(result, network, path: Optional[Sequence[str]] = None, to: Optional[str] = None,
                ax=None, file=None, *, source: Optional[str] = None, step: int = -1,
                boiling_margin_bar: float = 0.5, max_pressure_bar: Optional[float] = 16.0,
                building_height_m: Optional[float] = None, title: Optional[str] = None,
                figsize=(11, 6.2), dpi: int = 150):
    """Draw the piezometric graph (heads in m vs distance from the plant in km).

    result: a :class:`heatnet.Result`; network: the network solved (Network, dict or path).
    to: consumer id at the end of the route (default: the result's critical consumer, the one
        with the smallest dp margin); path: or the supply-side node ids from the plant.
    source: source id (default the first). step: time step (default the last).
    boiling_margin_bar: anti-boiling margin above p_sat(T) of the supply water (0.5 bar, the
        solver's default check, FACTS section 3 [EST]); max_pressure_bar: gauge pressure limit
        drawn as a head line (16 = PN16; None hides it); building_height_m: draws terrain +
        building height (the static line must stay above it to fill the buildings).
    Lines: terrain (elevation), supply and return heads (z + p/(rho g) of the results), the static
    head (the head held at the plant return, which the whole network settles to with no
    circulation), the anti-boiling limit z + (p_sat(T) + margin - p_atm)/(rho g) at the supply
    temperature of each node, the max-pressure limit, the pump at the plant and the available
    dp at the consumer. Returns the Axes; the route is in ``ax.heatnet_path``.
    """
    doc = _doc(network)
    if path is None and to is None:
        to = _default_consumer(result, doc, step)
    route = find_path(doc, to=to, path=path, source=source)
    src = _source(doc, route.source)
    elev = {n["id"]: float(n.get("elevation_m", 0.0)) for n in doc.get("nodes", [])}
    head = _values(result, "nodes", "head", step)
    pres = _values(result, "nodes", "pressure", step)
    temp = _values(result, "nodes", "temperature", step)

    xs = route.supply_distance_m / 1e3
    zs = np.array([elev[n] for n in route.supply_nodes])
    hs = np.array([head[n] for n in route.supply_nodes])
    ts = np.array([temp[n] for n in route.supply_nodes])
    rho_s = water_density(ts)
    h_boil = zs + (saturation_pressure_Pa(ts) + boiling_margin_bar * 1e5 - P_ATM) / (rho_s * G)
    h_static = head[src["return_node"]]

    fig, ax = _axes(ax, figsize)
    ymin = min(zs.min(), min((elev[n] for n in route.return_nodes), default=zs.min()))
    ax.fill_between(xs, zs, ymin - 5, color="#d9c7a7", alpha=0.6, lw=0)
    ax.plot(xs, zs, color="#8c6d3f", lw=1.5, label="terrain (elevation)")
    if building_height_m is not None:
        ax.plot(xs, zs + building_height_m, color="#8c6d3f", lw=1, ls=":",
                label=f"terrain + {building_height_m:g} m building")
    if max_pressure_bar is not None:
        h_max = zs + max_pressure_bar * 1e5 / (rho_s * G)
        ax.plot(xs, h_max, color="0.35", lw=1.2, ls=(0, (6, 3)),
                label=f"max pressure {max_pressure_bar:g} bar g (supply)")
    ax.plot(xs, h_boil, color="tab:orange", lw=1.4, ls="--",
            label=f"anti-boiling limit, p_sat(T) + {boiling_margin_bar:g} bar")
    ax.axhline(h_static, color="tab:green", lw=1.3, ls="-.",
               label=f"static head {h_static:.1f} m ({pres[src['return_node']] / 1e5:.2f} bar g "
                     "at the plant)")
    ax.plot(xs, hs, color="tab:red", lw=2.2, marker="o", ms=2.5, label="supply line")
    hr = None
    if route.return_nodes:
        xr = route.return_distance_m / 1e3
        hr = np.array([head[n] for n in route.return_nodes])
        ax.plot(xr, hr, color="tab:blue", lw=2.2, marker="o", ms=2.5, label="return line")

    # pump at the plant: return head -> supply head
    h_r0, h_s0 = head[src["return_node"]], head[src["supply_node"]]
    dp_pump = (pres[src["supply_node"]] - pres[src["return_node"]]) / 1e5
    pump_head = _values(result, "sources", "pump_head", step).get(src["id"], h_s0 - h_r0)
    ax.annotate("", xy=(0, h_s0), xytext=(0, h_r0),
                arrowprops=dict(arrowstyle="-|>", color="k", lw=1.4, shrinkA=0, shrinkB=0))
    ax.annotate(f"{src['id']} pump\nΔp {dp_pump:.2f} bar\n({pump_head:.1f} m)",
                xy=(0, 0.5 * (h_s0 + h_r0)), xytext=(6, 0), textcoords="offset points",
                va="center", ha="left", fontsize=9)

    # available dp at the consumer
    if route.consumer is not None and hr is not None:
        xe, hse, hre = xs[-1], hs[-1], hr[-1]
        dp = _values(result, "consumers", "dp_available", step).get(route.consumer)
        ax.annotate("", xy=(xe, hse), xytext=(xe, hre),
                    arrowprops=dict(arrowstyle="<|-|>", color="k", lw=1.4, shrinkA=0, shrinkB=0))
        text = f"{route.consumer}\nΔp {dp / 1e5:.2f} bar" if dp is not None else route.consumer
        need = _consumer(doc, route.consumer).get("min_dp_bar")
        if need:
            text += f"\n(required {need:g})"
        # right of the dp arrow, in the margin the x limits leave after the route's end
        ax.annotate(text, xy=(xe, 0.5 * (hse + hre)), xytext=(7, 0), textcoords="offset points",
                    va="center", ha="left", fontsize=8.5,
                    bbox=dict(boxstyle="round,pad=0.25", fc="white", ec="0.7", alpha=0.95))

    ax.set_xlim(-0.02 * xs[-1], xs[-1] * (1.15 if route.consumer is not None else 1.02))
    top = max(hs.max(), h_boil.max(), h_static)
    if max_pressure_bar is not None:
        top = max(top, h_max.max())
    ax.set_ylim(ymin - 5, top + 0.06 * (top - ymin))
    ax.set_xlabel("distance from the plant along the route, km (cumulative pipe length)")
    ax.set_ylabel("head above datum, m (elevation + pressure head)")
    name = doc.get("name") or "network"
    end = route.consumer or route.supply_nodes[-1]
    ax.set_title(title or f"Piezometric graph, {name}: {route.source} → {end}")
    ax.grid(True, color="0.88", lw=0.6)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, fontsize=8.5,
              frameon=False)
    ax.heatnet_path = route
    _save(fig, file, dpi)
    return ax


_QUANTITIES = {
    # quantity: (label, unit, colormap)
    "temperature": ("temperature", "°C", "plasma"),
    "pressure": ("pressure", "bar g", "viridis"),
    "head": ("head", "m", "viridis"),
    "velocity": ("velocity", "m/s", "cividis"),
    "pressure_loss": ("specific pressure loss (friction)", "Pa/m", "magma_r"),
}


def _sides(doc: Dict[str, Any]) -> Tuple[set, set]:
    """(supply-side nodes, all nodes): nodes reached from the sources' supply nodes through
    links without crossing a source or consumer."""
    adj: Dict[str, List[str]] = {}
    for _k, _lid, a, b, _l in _links(doc):
        adj.setdefault(a, []).append(b)
        adj.setdefault(b, []).append(a)
    seen = {s["supply_node"] for s in doc.get("sources", [])}
    returns = {s["return_node"] for s in doc.get("sources", [])}
    stack = list(seen)
    while stack:
        n = stack.pop()
        for m in adj.get(n, ()):
            if m not in seen and m not in returns:
                seen.add(m)
                stack.append(m)
    return seen, {n["id"] for n in doc.get("nodes", [])}


def specific_pressure_loss(result, network, step: int = -1) -> Dict[str, float]:
    """{pipe id: friction pressure loss per metre, Pa/m} ("R", the figure pipe-sizing rules limit,
    100-300 Pa/m): Darcy-Weisbach f / D * rho v^2 / 2 from the results' friction factor, mass flow
    and velocity (rho v^2 = |m v| / A: no density needed, and no elevation term to subtract,
    which on a hilly route is often ten times the friction loss). Fittings (minor_loss) are not
    in it, as in heatnet.design.size_pipes and the GeoJSON export's friction_loss_Pa_m."""
    doc = _doc(network)
    ids = result.ids("pipes")
    if not ids:
        return {}
    by_id = {p["id"]: p for p in doc.get("pipes", [])}
    d = np.array([float(by_id[i]["inner_diameter_m"]) for i in ids])
    row = lambda name: np.asarray(result[f"pipes/{name}"])[step]  # noqa: E731
    rho_v2 = np.abs(row("mass_flow") * row("velocity")) / (math.pi * d * d / 4)
    return dict(zip(ids, (row("friction_factor") / d * rho_v2 / 2).tolist()))


def network_map(result, network, quantity: str = "temperature", ax=None, file=None, *,
                side: str = "supply", step: int = -1, cmap: Optional[str] = None,
                vmin: Optional[float] = None, vmax: Optional[float] = None,
                label_consumers: Sequence[str] = (), title: Optional[str] = None,
                figsize=None, dpi: int = 150, critical: Optional[str] = None):
    """Draw the network from the node x/y (in km): pipes as segments coloured by ``quantity``
    ("temperature" °C = mean of the pipe's inlet and outlet; "pressure" bar g or "head" m = mean
    of its end nodes; "velocity" m/s; "pressure_loss" Pa/m, see :func:`specific_pressure_loss`), line width by diameter; consumers as markers (the
    critical one highlighted), the plant as a square; a colorbar with units.

    side: "supply" (default; supply and return pipes usually share coordinates), "return" or
    "both". label_consumers: consumer ids to label (the critical consumer always is).
    critical: the consumer highlighted as critical (default: the result's summary's, if any).
    Returns the Axes; the pipe LineCollection is ``ax.heatnet_lines`` (its array holds the
    values, its norm the colour range) and the colorbar ``ax.heatnet_colorbar``.
    """
    if quantity not in _QUANTITIES:
        raise ValueError(f"unknown quantity {quantity!r}; expected one of " + ", ".join(_QUANTITIES))
    if side not in ("supply", "return", "both"):
        raise ValueError(f"side must be 'supply', 'return' or 'both', not {side!r}")
    from matplotlib.collections import LineCollection

    doc = _doc(network)
    xy = {n["id"]: (n.get("x"), n.get("y")) for n in doc.get("nodes", [])}
    if not any(v[0] is not None and v[1] is not None for v in xy.values()):
        raise ValueError("the network's nodes have no x/y coordinates; network_map needs them")
    supply_nodes, _ = _sides(doc)

    pipes = doc.get("pipes", [])
    if quantity == "temperature":
        tin = _values(result, "pipes", "inlet_temperature", step)
        tout = _values(result, "pipes", "outlet_temperature", step)
        value = {p: 0.5 * (tin[p] + tout[p]) for p in tin}
    elif quantity in ("pressure", "head"):
        nv = _values(result, "nodes", quantity, step)
        scale = 1e-5 if quantity == "pressure" else 1.0
        value = {p["id"]: 0.5 * (nv[p["from"]] + nv[p["to"]]) * scale for p in pipes}
    elif quantity == "pressure_loss":
        value = specific_pressure_loss(result, doc, step)
    else:
        value = {k: abs(v) for k, v in _values(result, "pipes", "velocity", step).items()}

    segs, vals, widths = [], [], []
    dmax = max((p["inner_diameter_m"] for p in pipes), default=1.0)
    for p in pipes:
        a, b = xy.get(p["from"]), xy.get(p["to"])
        if a is None or b is None or None in a or None in b:
            continue
        on_supply = p["from"] in supply_nodes and p["to"] in supply_nodes
        if (side == "supply" and not on_supply) or (side == "return" and on_supply):
            continue
        segs.append([(a[0] / 1e3, a[1] / 1e3), (b[0] / 1e3, b[1] / 1e3)])
        vals.append(value[p["id"]])
        widths.append(0.7 + 4.3 * math.sqrt(p["inner_diameter_m"] / dmax))
    if not segs:
        raise ValueError(f"no {side}-side pipe has coordinates at both ends")
    vals = np.asarray(vals)

    if ax is None and figsize is None:
        # a figure shaped like the network (equal aspect), 10 in wide plus the colorbar
        pts = np.array([pt for seg in segs for pt in seg])
        dx, dy = np.ptp(pts[:, 0]) or 1.0, np.ptp(pts[:, 1]) or 1.0
        figsize = (11.0, float(np.clip(9.0 * (dy + 0.1 * dx) / (1.1 * dx) + 1.1, 4.5, 11.0)))
    fig, ax = _axes(ax, figsize)
    label, unit, default_cmap = _QUANTITIES[quantity]
    lc = LineCollection(segs, array=vals, cmap=cmap or default_cmap, linewidths=widths,
                        capstyle="round", zorder=2)
    lc.set_clim(vals.min() if vmin is None else vmin, vals.max() if vmax is None else vmax)
    ax.add_collection(lc)
    side_text = {"supply": "supply", "return": "return", "both": "supply and return"}[side]
    # the colorbar exactly as tall as the (equal-aspect) map
    cax = ax.inset_axes([1.015, 0.0, 0.022, 1.0])
    cb = fig.colorbar(lc, cax=cax)
    cb.set_label(f"{side_text} {label}, {unit}")

    if critical is None:
        critical = (getattr(result, "summary", None) or {}).get("critical_consumer")
    cons = doc.get("consumers", [])
    cx, cy = [], []
    for c in cons:
        node = c["supply_node"] if side != "return" else c["return_node"]
        p = xy.get(node)
        if p and None not in p:
            cx.append(p[0] / 1e3)
            cy.append(p[1] / 1e3)
    if cx:
        ax.scatter(cx, cy, s=14, facecolor="white", edgecolor="0.2", lw=0.7, zorder=3,
                   label=f"consumer substations ({len(cx)})")
    labels = list(label_consumers) + ([critical] if critical else [])
    for cid in dict.fromkeys(labels):
        c = next((c for c in cons if c["id"] == cid), None)
        p = xy.get(c["supply_node"]) if c else None
        if not p or None in p:
            continue
        crit = cid == critical
        ax.scatter([p[0] / 1e3], [p[1] / 1e3], s=90 if crit else 40, marker="D",
                   facecolor="tab:red" if crit else "0.3", edgecolor="k", zorder=5,
                   label="critical consumer" if crit else None)
        ax.annotate(cid, (p[0] / 1e3, p[1] / 1e3), xytext=(7, 7), textcoords="offset points",
                    fontsize=8.5, zorder=6,
                    bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="0.6", alpha=0.85))
    for s in doc.get("sources", []):
        p = xy.get(s["supply_node"])
        if not p or None in p:
            continue
        ax.scatter([p[0] / 1e3], [p[1] / 1e3], s=170, marker="s", facecolor="k",
                   edgecolor="white", lw=1.5, zorder=6, label="plant (source)")
        ax.annotate(s["id"], (p[0] / 1e3, p[1] / 1e3), xytext=(9, -12),
                    textcoords="offset points", fontsize=9, weight="bold", zorder=6)
    # one legend entry per label
    handles, names = ax.get_legend_handles_labels()
    uniq = dict(zip(names, handles))
    ax.legend(uniq.values(), uniq.keys(), loc="best", fontsize=8.5, framealpha=0.9)
    pts = np.array([pt for seg in segs for pt in seg])
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    pad = 0.05 * max(x1 - x0, y1 - y0, 1e-3)
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("x (east), km")
    ax.set_ylabel("y (north), km")
    name = doc.get("name") or "network"
    ax.set_title(title or f"{name}: {side_text} {label} ({unit})")
    ax.grid(True, color="0.9", lw=0.5, zorder=0)
    ax.heatnet_lines = lc
    ax.heatnet_colorbar = cb
    _save(fig, file, dpi)
    return ax
