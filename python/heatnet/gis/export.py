"""Results + network -> GeoJSON: pipes as LineStrings, nodes, consumers and sources as Points.

Every feature has ``kind`` ("pipe", "node", "consumer", "source"), ``id`` and the results of
one time step with the unit in the property name (bar gauge, kW, degC, kg/s, m/s), so that a
GIS user can style by any column without a units table. Pipes also carry ``side`` ("supply",
"return", or "" where the pipe belongs to neither a source's supply nor its return network)
and two per-metre figures:

- ``pressure_drop_Pa_m``: (p_from - p_to) / length, what a pressure gauge sees, elevation and
  fittings included;
- ``friction_loss_Pa_m``: f/d * rho v^2/2 (Darcy-Weisbach), the specific pressure loss design
  rules limit (100-300 Pa/m) and :func:`heatnet.design.size_pipes` sizes with.

A pipe is drawn straight from its from-node to its to-node (the network file keeps node
positions, not the route's intermediate vertices).
"""
from __future__ import annotations

import json
import math
import os
from typing import Any, Dict, List, Optional

import numpy as np

from .._cli_util import atomic_output

__all__ = ["result_to_geojson", "result_to_geodataframe", "write_geojson", "pipe_sides"]

# (results field, property name, factor from the SI value)
_NODE_FIELDS = [("pressure", "pressure_bar", 1e-5), ("head", "head_m", 1.0),
                ("temperature", "temperature_C", 1.0)]
_PIPE_FIELDS = [("mass_flow", "mass_flow_kg_s", 1.0), ("velocity", "velocity_m_s", 1.0),
                ("pressure_drop", "pressure_drop_bar", 1e-5),
                ("inlet_temperature", "inlet_temperature_C", 1.0),
                ("outlet_temperature", "outlet_temperature_C", 1.0),
                ("heat_loss", "heat_loss_kW", 1e-3), ("reynolds", "reynolds", 1.0),
                ("friction_factor", "friction_factor", 1.0)]
_CONSUMER_FIELDS = [("heat_demand", "heat_demand_kW", 1e-3), ("heat", "heat_kW", 1e-3),
                    ("mass_flow", "mass_flow_kg_s", 1.0),
                    ("supply_temperature", "supply_temperature_C", 1.0),
                    ("return_temperature", "return_temperature_C", 1.0),
                    ("dp_available", "dp_available_bar", 1e-5)]
_SOURCE_FIELDS = [("heat", "heat_kW", 1e-3), ("mass_flow", "mass_flow_kg_s", 1.0),
                  ("supply_pressure", "supply_pressure_bar", 1e-5),
                  ("return_pressure", "return_pressure_bar", 1e-5),
                  ("pump_head", "pump_head_m", 1.0), ("pump_power", "pump_power_kW", 1e-3),
                  ("return_temperature", "return_temperature_C", 1.0),
                  ("makeup_mass_flow", "makeup_mass_flow_kg_s", 1.0)]
#: delivered heat below demand by more than this share marks a consumer under-supplied
_UNDER_SUPPLY_REL = 1e-6


def result_to_geojson(result, network, *, step: int = -1, crs: Optional[str] = None,
                      to_wgs84: bool = False) -> Dict[str, Any]:
    """The GeoJSON FeatureCollection (a dict) of one time step of ``result`` (default the last)
    drawn on ``network``'s node coordinates (x, y in metres).

    crs: the CRS of those coordinates ("EPSG:32639"; "local" or None for a local frame); it is
    written as the collection's "crs" member, which QGIS, GDAL and geopandas read. to_wgs84:
    reproject to longitude/latitude with pyproj instead (RFC 7946 GeoJSON, no "crs" member).
    """
    steps = result.steps
    if not -steps <= step < steps:
        raise ValueError(f"step {step} out of range: the result has {steps} step(s)")
    xy = _node_positions(network)
    transform = _wgs84_transform(crs) if to_wgs84 else None

    def point(node_id):
        x, y = xy[node_id]
        return {"type": "Point", "coordinates": _coords(x, y, transform)}

    features: List[Dict[str, Any]] = []
    values = _values(result, "nodes", _NODE_FIELDS, step)
    elevation = network.table("nodes")["elevation_m"]
    for i, node_id in enumerate(result.ids("nodes")):
        props = {"kind": "node", "id": node_id, "elevation_m": float(elevation[node_id])}
        features.append(_feature(point(node_id), props, values, i))
    features += _pipe_features(result, network, xy, transform, step)
    values = _values(result, "consumers", _CONSUMER_FIELDS, step)
    for i, cid in enumerate(result.ids("consumers")):
        c = network.element("consumers", cid)
        props = {"kind": "consumer", "id": cid, "supply_node": c["supply_node"],
                 "return_node": c["return_node"]}
        f = _feature(point(c["supply_node"]), props, values, i)
        demand, heat = f["properties"]["heat_demand_kW"], f["properties"]["heat_kW"]
        f["properties"]["under_supplied"] = bool(heat < demand * (1 - _UNDER_SUPPLY_REL))
        features.append(f)
    values = _values(result, "sources", _SOURCE_FIELDS, step)
    for i, sid in enumerate(result.ids("sources")):
        s = network.element("sources", sid)
        props = {"kind": "source", "id": sid, "supply_node": s["supply_node"],
                 "return_node": s["return_node"]}
        features.append(_feature(point(s["supply_node"]), props, values, i))
    collection: Dict[str, Any] = {"type": "FeatureCollection",
                                  "name": result.network_name or network.name or "heatnet",
                                  "features": features}
    if crs and crs != "local" and not to_wgs84:
        collection["crs"] = {"type": "name", "properties": {"name": _urn(crs)}}
    return collection


def result_to_geodataframe(result, network, *, step: int = -1, crs: Optional[str] = None):
    """The same features as :func:`result_to_geojson` as a geopandas GeoDataFrame (needs
    geopandas), with ``crs`` set when given."""
    import geopandas as gpd

    collection = result_to_geojson(result, network, step=step)
    frame = gpd.GeoDataFrame.from_features(collection["features"])
    if crs and crs != "local":
        frame = frame.set_crs(crs)
    return frame


def write_geojson(collection: Dict[str, Any], path: "os.PathLike[str] | str") -> None:
    """Write atomically: a temporary file in the same folder, renamed when complete."""
    with atomic_output(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(collection, f, allow_nan=False, separators=(",", ":"))


def _node_positions(network) -> Dict[str, tuple]:
    nodes = network.table("nodes")
    missing = nodes.index[nodes["x"].isna() | nodes["y"].isna()]
    if len(missing):
        raise ValueError(f"node {missing[0]!r}: no x/y coordinates; a GeoJSON export needs the "
                         f"position of every node ({len(missing)} nodes have none)")
    return {nid: (float(x), float(y)) for nid, x, y in zip(nodes.index, nodes["x"], nodes["y"])}


def _values(result, group: str, fields, step: int) -> Dict[str, np.ndarray]:
    if result.steps == 0 or not result.ids(group):
        return {}
    return {name: result[f"{group}/{field}"][step] * factor for field, name, factor in fields}


def _feature(geometry, props: Dict[str, Any], values: Dict[str, np.ndarray], i: int):
    for name, column in values.items():
        props[name] = _number(column[i])
    return {"type": "Feature", "geometry": geometry, "properties": props}


def _number(v) -> Optional[float]:
    v = float(v)
    return v if math.isfinite(v) else None     # NaN (not computed) -> null


def _pipe_features(result, network, xy, transform, step: int):
    pipes = network.table("pipes")
    side = pipe_sides(network)
    values = _values(result, "pipes", _PIPE_FIELDS, step)
    out = []
    for i, pid in enumerate(result.ids("pipes")):
        p = pipes.loc[pid]
        (x0, y0), (x1, y1) = xy[p["from"]], xy[p["to"]]
        geometry = {"type": "LineString", "coordinates": [_coords(x0, y0, transform),
                                                          _coords(x1, y1, transform)]}
        props = {"kind": "pipe", "id": pid, "side": side.get(pid, ""), "from": p["from"],
                 "to": p["to"], "length_m": float(p["length_m"]),
                 "inner_diameter_m": float(p["inner_diameter_m"])}
        f = _feature(geometry, props, values, i)
        if values:
            pr = f["properties"]
            pr["pressure_drop_Pa_m"] = _number(pr["pressure_drop_bar"] * 1e5 / p["length_m"])
            pr["friction_loss_Pa_m"] = _number(_friction_loss(
                pr["mass_flow_kg_s"], pr["velocity_m_s"], pr["friction_factor"],
                float(p["inner_diameter_m"])))
        out.append(f)
    return out


def _friction_loss(m: float, v: float, f: float, d: float) -> float:
    """Darcy-Weisbach f/d rho v^2/2 with rho = m / (v A) from the solved flow and velocity."""
    if v is None or m is None or f is None or v == 0.0:
        return 0.0
    rho = abs(m) / (abs(v) * math.pi * d * d / 4)
    return f / d * rho * v * v / 2


def pipe_sides(network) -> Dict[str, str]:
    """Pipe id -> "supply" / "return": the pipes reachable through pipes from a source's supply
    node / return node."""
    pipes = network.table("pipes")
    adjacency: Dict[str, List[tuple]] = {}
    for pid, a, b in zip(pipes.index, pipes["from"], pipes["to"]):
        adjacency.setdefault(a, []).append((pid, b))
        adjacency.setdefault(b, []).append((pid, a))
    out: Dict[str, str] = {}
    sources = network.table("sources")
    for side, column in (("supply", "supply_node"), ("return", "return_node")):
        stack, seen = list(sources[column]), set(sources[column])
        while stack:
            n = stack.pop()
            for pid, m in adjacency.get(n, ()):
                out.setdefault(pid, side)
                if m not in seen:
                    seen.add(m)
                    stack.append(m)
    return out


def _urn(crs: str) -> str:
    if ":" in crs and not crs.startswith("urn:"):
        authority, code = crs.split(":", 1)
        return f"urn:ogc:def:crs:{authority.upper()}::{code}"
    return crs


def _wgs84_transform(crs: Optional[str]):
    if not crs or crs == "local":
        raise ValueError("to WGS84: the CRS of the network coordinates is needed (--crs)")
    try:
        import pyproj
    except ImportError:
        raise ValueError("to WGS84 needs pyproj (Debian: apt-get install python3-pyproj)") \
            from None
    return pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform


def _coords(x: float, y: float, transform) -> List[float]:
    if transform is not None:
        lon, lat = transform(x, y)
        return [round(lon, 8), round(lat, 8)]
    return [x, y]


def _attach_to_result(result_cls) -> None:
    """Result.to_geojson(network, path=None, ...): the export as a method of results."""
    def to_geojson(self, network, path=None, *, step: int = -1, crs: Optional[str] = None,
                   to_wgs84: bool = False):
        """The results of one step drawn on ``network`` as a GeoJSON FeatureCollection (dict);
        written (atomically) to ``path`` when given. See :func:`heatnet.gis.result_to_geojson`."""
        collection = result_to_geojson(self, network, step=step, crs=crs, to_wgs84=to_wgs84)
        if path is not None:
            write_geojson(collection, path)
        return collection

    def to_geodataframe(self, network, *, step: int = -1, crs: Optional[str] = None):
        """The results of one step on ``network`` as a geopandas GeoDataFrame (pipes as lines,
        nodes, consumers and sources as points). See :func:`heatnet.gis.result_to_geojson`."""
        return result_to_geodataframe(self, network, step=step, crs=crs)

    result_cls.to_geojson = to_geojson
    result_cls.to_geodataframe = to_geodataframe
