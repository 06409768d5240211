"""GeoJSON route lines, building points and plant points -> a heatnet-network/1 network.

Every route line is one trench of a two-pipe network: it becomes a supply pipe and its return
twin per piece (docs/gis.md). Ids:

- nodes ``S<k>`` / ``R<k>`` (supply / return twin at the same place), numbered by distance
  along the route from the first plant (``S0``/``R0`` is its node);
- pipes ``PS<line id>`` / ``PR<line id>``, with ``.<n>`` appended (1, 2, ... along the line)
  where a line is split into several pipes, and ``PS<building id>.svc`` for the service pipe
  that joins a building (or plant) off the route. A supply pipe points away from the plant,
  its return twin back to it;
- consumers and sources keep their feature's ``id``.

Feature properties use the network format's own keys (a route line: pipe keys, plus ``dn`` with
a catalogue; a building: consumer keys; a plant: source keys, ``pump`` as an object or as
``pump.type``, ``pump.dp_bar``, ... columns; any point: ``elevation_m`` and ``connect_to``, the id
of the only route line it may connect to). Other properties (a GIS layer's own columns) are
ignored and listed in the import report; a property that looks like a misspelt key (a known key
in another case, or a unit suffix such as ``_mm``) is an error.
"""
from __future__ import annotations

import heapq
import json
import math
import os
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ._layers import Feature, GisInputError, LOCAL_CRS, read_layer, resolve_crs
from ._topology import Topology, build_topology

__all__ = ["ImportReport", "network_from_geojson", "network_dict_from_geojson",
           "DEFAULT_SNAP_TOLERANCE_M"]

DEFAULT_SNAP_TOLERANCE_M = 0.5
_UNIT_SUFFIX = re.compile(r"_(m|mm|bar|C|K|kW|W|kg_s|m3_h|W_mK|m_s|Pa|Pa_m)$", re.IGNORECASE)
_POINT_EXTRA = ("id", "elevation_m", "connect_to")


@dataclass
class ImportReport:
    """What the import did, for the user to check (printed by `heatnet import-geojson`)."""
    crs: str = ""
    nodes: int = 0
    pipes: int = 0
    consumers: int = 0
    sources: int = 0
    route_length_m: float = 0.0
    snapped_vertices: int = 0
    t_junctions: int = 0
    service_pipes: int = 0
    dangling_ends: List[str] = field(default_factory=list)      # node ids
    ignored_properties: Dict[str, List[str]] = field(default_factory=dict)   # layer -> names
    origins: Dict[str, str] = field(default_factory=dict)   # element id -> feature label

    def lines(self) -> List[str]:
        out = [f"{self.nodes} nodes, {self.pipes} pipes ({self.pipes // 2} supply/return pairs, "
               f"{self.route_length_m / 1000:.3f} km of route), {self.consumers} consumers, "
               f"{self.sources} sources; CRS {self.crs}",
               f"{self.snapped_vertices} vertices snapped, {self.t_junctions} lines split at a "
               f"T-junction, {self.service_pipes} service pipes added"]
        if self.dangling_ends:
            out.append(f"{len(self.dangling_ends)} dangling route ends (nothing attached): "
                       + ", ".join(self.dangling_ends[:10])
                       + (" ..." if len(self.dangling_ends) > 10 else ""))
        for layer, names in self.ignored_properties.items():
            out.append(f"ignored {layer} properties (not network keys): " + ", ".join(names))
        return out


def _network_keys() -> Dict[str, set]:
    """Keys of each element kind, from the network schema itself (an empty network's tables)."""
    from .._network import Network

    net = Network()
    return {kind: set(net.table(kind).columns) | {net.table(kind).index.name}
            for kind in ("pipes", "consumers", "sources")}


def network_dict_from_geojson(routes: Any, buildings: Any = None, plants: Any = None, *,
                              settings: Optional[Dict[str, Any]] = None,
                              defaults: Optional[Dict[str, Dict[str, Any]]] = None,
                              name: str = "", description: str = "",
                              crs: Optional[str] = None, to_crs: Optional[str] = None,
                              snap_tolerance_m: float = DEFAULT_SNAP_TOLERANCE_M,
                              catalogue: Any = None) -> Tuple[Dict[str, Any], ImportReport]:
    """The network JSON document and the import report; see :func:`network_from_geojson`."""
    if not (isinstance(snap_tolerance_m, (int, float)) and snap_tolerance_m >= 0
            and math.isfinite(snap_tolerance_m)):
        raise GisInputError(f"snap tolerance {snap_tolerance_m!r}: must be a number >= 0 (m)")
    keys = _network_keys()
    defaults = _check_defaults(defaults or {}, keys)
    layers = [read_layer(routes, "routes", "line")]
    if buildings is not None:
        layers.append(read_layer(buildings, "buildings", "point"))
    if plants is None:
        raise GisInputError("no plants layer: a network needs at least one plant (source)")
    layers.append(read_layer(plants, "plants", "point"))
    report = ImportReport(crs=resolve_crs(layers, crs, to_crs))
    lines = layers[0].features
    points = [f for layer in layers[1:] for f in layer.features]
    line_index = _unique_ids(lines)
    connect_to = {}
    for i, p in enumerate(points):
        if "connect_to" in p.properties:
            target = str(p.properties["connect_to"])
            if target not in line_index:
                raise GisInputError(f"{p.label}: connect_to = {target!r} is not the id of a "
                                    "routes feature")
            connect_to[i] = line_index[target]
    _check_elevations(lines, points)
    topo = build_topology(lines, points, snap_tolerance_m, connect_to)
    report.snapped_vertices, report.t_junctions = topo.snapped, topo.t_junctions
    builder = _Builder(topo, keys, defaults, catalogue, report)
    net = builder.build(name, description, settings or {})
    return net, report


def network_from_geojson(routes: Any, buildings: Any = None, plants: Any = None, **options):
    """Build a :class:`heatnet.Network` from GeoJSON layers (paths, dicts or GeoDataFrames).

    routes: LineStrings, one per trench (single-line); properties are pipe keys
        (``inner_diameter_m`` or ``dn`` with ``catalogue``, ``roughness_mm``,
        ``heat_loss_W_mK``, ``minor_loss``, ``length_m`` to override the geometric length,
        ``id``). Z coordinates, when given, are the node elevations.
    buildings: Points with consumer keys (``id``, ``heat_demand_kW`` or ``mass_flow_kg_s``,
        ``return_temperature_C``, ``min_dp_bar``, ...), ``elevation_m``, ``connect_to``.
    plants: Points with source keys (``id``, ``supply_temperature_C``,
        ``return_pressure_bar``, ``pump``), ``elevation_m``, ``connect_to``.
    settings: the network's ``settings`` object. defaults: values for keys a feature does not
        carry, ``{"pipe": {...}, "service_pipe": {...}, "consumer": {...}, "source": {...}}``
        (``service_pipe`` falls back to ``pipe``).
    crs: the CRS of the coordinates when the files do not say ("EPSG:32639", "local");
        to_crs: reproject with pyproj ("utm" or "EPSG:xxxx"); a geographic CRS needs it.
    snap_tolerance_m: vertices closer than this merge; line ends this close to another line
        split it; points this close to a line sit on it (default 0.5 m).
    catalogue: for ``dn`` properties (a :class:`heatnet.design.Catalogue`, a built-in name
        such as "en253-series2", or a CSV path).

    Returns the Network (validated); ``.import_report`` on it is the :class:`ImportReport`.
    Every rejected feature raises :class:`heatnet.gis.GisInputError` (a ValueError) naming its
    layer, index, id and the reason.
    """
    from .._network import Network

    definition, report = network_dict_from_geojson(routes, buildings, plants, **options)
    net = _validated(Network, definition, report)
    net.import_report = report
    return net


def _validated(network_cls, definition: Dict[str, Any], report: ImportReport):
    """The Network, compiled once so that topology errors (no pressure reference, ...) show at
    import, not at the first solve; an error names the feature the element came from."""
    from .._errors import Error

    try:
        net = network_cls.from_json_text(json.dumps(definition))
        net.compile()
    except Error as e:
        origin = report.origins.get(getattr(e, "element_id", ""))
        if origin is None and getattr(e, "element_kind", "") == "pipe":
            origin = report.origins.get("PS" + e.element_id[2:])
        if origin is None:
            raise
        raise GisInputError(f"{origin}: {e}") from e
    return net


# ---------------------------------------------------------------------------- checks
def _check_defaults(defaults: Dict[str, Any], keys: Dict[str, set]) -> Dict[str, Dict]:
    kinds = {"pipe": "pipes", "service_pipe": "pipes", "consumer": "consumers",
             "source": "sources"}
    if not isinstance(defaults, dict):
        raise GisInputError("defaults: expected an object {\"pipe\": {...}, \"consumer\": ...}")
    for section, values in defaults.items():
        if section not in kinds:
            raise GisInputError(f"defaults: unknown section {section!r}; expected "
                                + ", ".join(kinds))
        if not isinstance(values, dict):
            raise GisInputError(f"defaults.{section}: expected an object")
        allowed = keys[kinds[section]] | ({"dn"} if "pipe" in section else set())
        if "dn" in values and "inner_diameter_m" in values:
            raise GisInputError(f"defaults.{section}: both dn and inner_diameter_m; give one")
        for k in values:
            if k not in allowed or k in ("id", "from", "to", "supply_node", "return_node",
                                         "length_m"):
                raise GisInputError(f"defaults.{section}: {k!r} is not a default a "
                                    f"{section} can take")
    return defaults


def _unique_ids(lines: Sequence[Feature]) -> Dict[str, int]:
    seen: Dict[str, int] = {}
    for i, f in enumerate(lines):
        if f.fid is None:
            continue
        if f.fid in seen:
            raise GisInputError(f"{f.label}: id {f.fid!r} is also the id of "
                                f"{lines[seen[f.fid]].label}; route ids must be unique")
        seen[f.fid] = i
    return seen


def _check_elevations(lines: Sequence[Feature], points: Sequence[Feature]) -> None:
    dims = {len(c) for f in lines for c in f.coords}
    if len(dims) > 1:
        first = len(lines[0].coords[0])
        f = next(f for f in lines if any(len(c) != first for c in f.coords))
        raise GisInputError(f"{f.label}: some route positions have a Z coordinate and some do "
                            "not; give every route vertex its elevation (Z) or none")
    if dims == {2}:
        for p in points:
            if "elevation_m" in p.properties or len(p.coords[0]) > 2:
                raise GisInputError(
                    f"{p.label}: carries an elevation but the route lines have no Z "
                    "coordinates, so the junctions would sit at 0 m; give the route lines Z "
                    "(elevations), or drop the point's elevation")


# ---------------------------------------------------------------------------- building
class _Builder:
    def __init__(self, topo: Topology, keys: Dict[str, set], defaults: Dict[str, Dict],
                 catalogue: Any, report: ImportReport):
        self.topo = topo
        self.keys = keys
        self.defaults = defaults
        self.catalogue = catalogue
        self.report = report

    def build(self, name: str, description: str, settings: Dict[str, Any]) -> Dict[str, Any]:
        topo = self.topo
        plants = [a for a in topo.attachments if a.feature.layer == "plants"]
        buildings = [a for a in topo.attachments if a.feature.layer == "buildings"]
        number, distance = self._number_nodes([a.vertex for a in plants])
        nodes = self._nodes(number, plants + buildings)
        pipes = self._pipes(number, distance)
        consumers = [self._element(a, number, "consumers", "consumer") for a in buildings]
        sources = [self._element(a, number, "sources", "source") for a in plants]
        for kind, elements in (("consumer", consumers), ("source", sources)):
            _unique_element_ids(elements, kind, buildings if kind == "consumer" else plants)
        self.report.nodes, self.report.pipes = 2 * len(nodes), 2 * len(pipes)
        self.report.consumers, self.report.sources = len(consumers), len(sources)
        self.report.service_pipes = sum(1 for p in topo.pieces if p.service_for is not None)
        self.report.dangling_ends = [f"S{number[v]}" for v in topo.dangling]
        return {
            "format": "heatnet-network/1",
            "name": name,
            "description": description,
            "settings": settings,
            "nodes": [dict(n, id=f"S{k}") for k, n in nodes] +
                     [dict(n, id=f"R{k}") for k, n in nodes],
            "pipes": [supply for supply, _ in pipes] + [ret for _, ret in pipes],
            "sources": sources,
            "consumers": consumers,
        }

    # nodes are numbered by their distance along the route from the plants (Dijkstra)
    def _number_nodes(self, plant_vertices: List[int]):
        adjacency: Dict[int, List[Tuple[int, float]]] = {}
        for piece in self.topo.pieces:
            a, b = piece.vertices[0], piece.vertices[-1]
            length = self._plan_length(piece.vertices)
            adjacency.setdefault(a, []).append((b, length))
            adjacency.setdefault(b, []).append((a, length))
        distance: Dict[int, float] = {}
        heap = [(0.0, i, v) for i, v in enumerate(plant_vertices)]
        order: List[int] = []
        while heap:
            d, _, v = heapq.heappop(heap)
            if v in distance:
                continue
            distance[v] = d
            order.append(v)
            for w, length in adjacency.get(v, ()):
                if w not in distance:
                    heapq.heappush(heap, (d + length, w, w))
        for piece in self.topo.pieces:
            if piece.vertices[0] not in distance:
                raise GisInputError(f"{piece.feature.label}: not connected to any plant "
                                    "(no route leads from it to a plant)")
        return {v: k for k, v in enumerate(order)}, distance

    def _plan_length(self, vs: List[int]) -> float:
        pts = self.topo.vertices
        return sum(math.hypot(pts[b].x - pts[a].x, pts[b].y - pts[a].y)
                   for a, b in zip(vs, vs[1:]))

    def _nodes(self, number: Dict[int, int], attachments) -> List[Tuple[int, Dict]]:
        elevation = {}
        for a in attachments:
            if "elevation_m" in a.feature.properties:
                elevation[a.vertex] = _float(a.feature, "elevation_m",
                                             a.feature.properties["elevation_m"])
        out = []
        for v, k in sorted(number.items(), key=lambda vk: vk[1]):
            p = self.topo.vertices[v]
            z = elevation.get(v, p.z)
            out.append((k, {"elevation_m": round(z, 3) if z is not None else 0.0,
                            "x": round(p.x, 3), "y": round(p.y, 3)}))
        return out

    def _pipes(self, number: Dict[int, int], distance: Dict[int, float]):
        lines_total: Dict[int, float] = {}
        for piece in self.topo.pieces:
            if piece.service_for is None:
                lines_total[id(piece.feature)] = lines_total.get(id(piece.feature), 0.0) + \
                    self._plan_length(piece.vertices)
        pairs, seen = [], {}
        for piece in self.topo.pieces:
            a, b = piece.vertices[0], piece.vertices[-1]
            if (distance[b], number[b]) < (distance[a], number[a]):
                a, b = b, a
            props = self._pipe_properties(piece)
            length = self._plan_length(piece.vertices)
            self.report.route_length_m += length
            if "length_m" in props:       # the line's own length, shared by its pieces
                length = props["length_m"] * length / lines_total[id(piece.feature)]
            props["length_m"] = round(length, 3)
            self.report.origins[f"PS{_piece_name(piece)}"] = piece.feature.label
            base = _piece_name(piece)
            if base in seen:
                raise GisInputError(f"{piece.feature.label}: its pipe name {base!r} is also made "
                                    f"by {seen[base]}; give the features distinct ids")
            seen[base] = piece.feature.label
            supply = {"id": f"PS{base}", "from": f"S{number[a]}", "to": f"S{number[b]}", **props}
            ret = {"id": f"PR{base}", "from": f"R{number[b]}", "to": f"R{number[a]}", **props}
            pairs.append((supply, ret))
        return pairs

    def _pipe_properties(self, piece) -> Dict[str, Any]:
        f = piece.feature
        if piece.service_for is not None:
            own = dict(self.defaults.get("service_pipe", {}))
            base = self.defaults.get("pipe", {})
            label = f"{f.label} (its service pipe)"
        else:
            own = self._properties(f, "pipes", extra=("dn",))
            own.pop("id", None)
            base = self.defaults.get("pipe", {})
            label = f.label
        if "dn" in own and "inner_diameter_m" in own:
            raise GisInputError(f"{label}: both dn and inner_diameter_m; give one")
        given = dict(base)
        if "dn" in own or "inner_diameter_m" in own:   # the element's own size beats a default
            given.pop("dn", None)
            given.pop("inner_diameter_m", None)
        given.update(own)
        dn = given.pop("dn", None)
        if dn is not None:      # precedence: the element's keys, the catalogue's, the defaults
            own.pop("dn", None)
            given = {**given, **self._size_of_dn(label, dn), **own}
        if "inner_diameter_m" not in given:
            raise GisInputError(f"{label}: no inner_diameter_m or dn (give one, or a default: "
                                "--defaults '{\"pipe\": {\"inner_diameter_m\": 0.1}}' before "
                                "`heatnet size`)")
        return given

    def _size_of_dn(self, label: str, dn: Any) -> Dict[str, Any]:
        if self.catalogue is None:
            raise GisInputError(f"{label}: dn = {dn!r} needs a pipe catalogue (--catalogue)")
        from ..design.catalogue import load_catalogue

        self.catalogue = load_catalogue(self.catalogue)
        try:
            size = self.catalogue.by_dn(int(dn))
        except (TypeError, ValueError) as e:
            raise GisInputError(f"{label}: dn = {dn!r}: {e}") from None
        return size.pipe_fields()

    def _element(self, a, number, kinds: str, kind: str) -> Dict[str, Any]:
        f = a.feature
        values = dict(self.defaults.get(kind, {}))
        values.update(self._properties(f, kinds, extra=_POINT_EXTRA))
        for k in ("elevation_m", "connect_to"):
            values.pop(k, None)
        values["id"] = _element_id(f)
        self.report.origins[values["id"]] = f.label
        node = number[a.vertex]
        values["supply_node"], values["return_node"] = f"S{node}", f"R{node}"
        if kind == "consumer" and "heat_demand_kW" not in values and \
                "mass_flow_kg_s" not in values:
            raise GisInputError(f"{f.label}: no heat_demand_kW (or mass_flow_kg_s); every "
                                "building needs its demand")
        return values

    def _properties(self, f: Feature, kinds: str, extra: Sequence[str] = ()) -> Dict[str, Any]:
        """The feature's network keys; unknown ones ignored (and reported) unless they look like
        a misspelt key."""
        allowed = self.keys[kinds] | set(extra)
        allowed -= {"from", "to", "supply_node", "return_node"}
        lower = {k.lower(): k for k in allowed}
        out: Dict[str, Any] = {}
        pump: Dict[str, Any] = {}
        for key, value in f.properties.items():
            if kinds == "sources" and key.startswith("pump."):
                pump[key[5:]] = value
            elif key in allowed:
                out[key] = _decode(f, key, value)
            elif key.lower() in lower or _UNIT_SUFFIX.search(key):
                hint = lower.get(key.lower())
                raise GisInputError(f"{f.label}: property {key!r} is not a {kinds[:-1]} key"
                                    + (f" (did you mean {hint!r}?)" if hint else "")
                                    + "; keys: " + ", ".join(sorted(allowed)))
            else:
                ignored = self.report.ignored_properties.setdefault(f.layer, [])
                if key not in ignored:
                    ignored.append(key)
        if pump:
            if "pump" in out:
                raise GisInputError(f"{f.label}: both pump and pump.* properties")
            out["pump"] = pump
        return out


def _decode(f: Feature, key: str, value: Any) -> Any:
    """A GIS attribute table cannot hold an object: ``pump`` may be JSON text."""
    if key == "pump" and isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as e:
            raise GisInputError(f"{f.label}: pump = {value!r} is not a JSON object: {e}") \
                from None
    return value


def _float(f: Feature, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not math.isfinite(value):
        raise GisInputError(f"{f.label}: {key} = {value!r}; must be a number")
    return float(value)


def _element_id(f: Feature) -> str:
    """A building's or plant's id: its own, else C<n> / PLANT<n> (n = feature index + 1)."""
    if f.fid is not None:
        return f.fid
    return f"{'C' if f.layer == 'buildings' else 'PLANT'}{f.index + 1}"


def _piece_name(piece) -> str:
    f = piece.feature
    if piece.service_for is not None:
        return f"{_element_id(f)}.svc"
    base = f.fid if f.fid is not None else str(f.index + 1)
    return f"{base}.{piece.number}" if piece.number else base


def _unique_element_ids(elements, kind: str, attachments) -> None:
    seen: Dict[str, str] = {}
    for e, a in zip(elements, attachments):
        if e["id"] in seen:
            raise GisInputError(f"{a.feature.label}: {kind} id {e['id']!r} is also the id of "
                                f"{seen[e['id']]}")
        seen[e["id"]] = a.feature.label


def _attach_to_network(network_cls) -> None:
    """Network.from_geojson: the importer as a constructor of the Network class (defined here,
    next to the importer, so the network schema module stays free of GIS code)."""
    def from_geojson(cls, routes, buildings=None, plants=None, **options):
        return network_from_geojson(routes, buildings, plants, **options)

    from_geojson.__doc__ = network_from_geojson.__doc__
    network_cls.from_geojson = classmethod(from_geojson)
