"""GeoJSON layers in: read, check the geometry type of every feature, resolve the CRS.

A layer is a GeoJSON FeatureCollection given as a file path, a dict, or a GeoDataFrame (geopandas
only when given one). Each feature becomes a :class:`Feature` with its coordinates, its
properties (nulls dropped: an empty GIS cell means "not given") and a label that every error
message uses: ``routes feature 3 (id 'T1')``.
"""
from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

#: CRS names GeoJSON files use for WGS84 longitude/latitude (RFC 7946's default)
_GEOGRAPHIC_NAMES = ("EPSG:4326", "CRS84", "OGC:1.3:CRS84", "EPSG:4258", "EPSG:4269")
LOCAL_CRS = "local"


class GisInputError(ValueError):
    """Bad GIS input; the message names the layer, the feature (index and id) and the reason."""


@dataclass
class Feature:
    layer: str
    index: int
    fid: Optional[str]                       # the feature's id: property "id", else GeoJSON "id"
    kind: str                                # "line" or "point"
    coords: List[Tuple[float, ...]]          # (x, y) or (x, y, z); one tuple for a point
    properties: Dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.layer} feature {self.index}" + (f" (id {self.fid!r})" if self.fid else "")


@dataclass
class Layer:
    name: str
    features: List[Feature]
    crs: Optional[str]                       # "EPSG:32639", "local", or None (not stated)


def _crs_name(collection: Dict[str, Any]) -> Optional[str]:
    """The legacy GeoJSON 2008 "crs" member (QGIS, GDAL and geopandas write it) as "AUTH:CODE"."""
    crs = collection.get("crs")
    if not crs:
        return None
    name = (crs.get("properties") or {}).get("name") if isinstance(crs, dict) else None
    if not isinstance(name, str):
        raise GisInputError(f"'crs' member {crs!r}: expected {{'type': 'name', 'properties': "
                            "{'name': 'EPSG:xxxx'}}")
    m = re.match(r"urn:ogc:def:crs:([A-Za-z]+):[0-9.]*:([A-Za-z0-9]+)$", name)
    return f"{m.group(1).upper()}:{m.group(2)}" if m else name


def read_layer(source: Any, name: str, kind: str) -> Layer:
    """A layer of lines (kind "line") or points (kind "point") from a path, dict or GeoDataFrame.
    MultiLineString/MultiPoint features with a single part are taken as that part (QGIS writes
    single-part layers as multi-part); more parts are an error naming the feature."""
    collection, where = _as_collection(source, name)
    if collection.get("type") != "FeatureCollection" or not isinstance(collection.get("features"),
                                                                       list):
        raise GisInputError(f"{where}: not a GeoJSON FeatureCollection")
    features = [_feature(raw, name, i, kind) for i, raw in enumerate(collection["features"])]
    if not features:
        raise GisInputError(f"{where}: the {name} layer is empty (no features)")
    return Layer(name, features, _crs_name(collection))


def _as_collection(source: Any, name: str) -> Tuple[Dict[str, Any], str]:
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        try:
            with open(path, encoding="utf-8") as f:
                return json.load(f), f"{name} layer {path}"
        except json.JSONDecodeError as e:
            raise GisInputError(f"{name} layer {path}: not valid JSON: {e}") from None
    if isinstance(source, dict):
        return source, f"{name} layer"
    if hasattr(source, "__geo_interface__") and hasattr(source, "crs"):   # a GeoDataFrame
        collection = dict(source.__geo_interface__)
        if source.crs is not None:
            authority = source.crs.to_authority()
            crs = ":".join(authority) if authority else source.crs.to_string()
            collection["crs"] = {"type": "name", "properties": {"name": crs}}
        return collection, f"{name} layer (GeoDataFrame)"
    raise TypeError(f"{name} layer: expected a path, a GeoJSON dict or a GeoDataFrame, "
                    f"got {type(source).__name__}")


def _feature(raw: Any, layer: str, index: int, kind: str) -> Feature:
    where = f"{layer} feature {index}"
    if not isinstance(raw, dict) or raw.get("type") != "Feature":
        raise GisInputError(f"{where}: not a GeoJSON Feature")
    props = {k: v for k, v in (raw.get("properties") or {}).items() if not _is_null(v)}
    fid = props.get("id", raw.get("id"))
    fid = None if fid is None else str(fid)
    feature = Feature(layer, index, fid, kind, [], props)
    geometry = raw.get("geometry")
    if not isinstance(geometry, dict):
        raise GisInputError(f"{feature.label}: no geometry")
    gtype, coords = geometry.get("type"), geometry.get("coordinates")
    expected = "LineString" if kind == "line" else "Point"
    if gtype == "Multi" + expected:
        if not isinstance(coords, (list, tuple)) or len(coords) != 1:
            raise GisInputError(f"{feature.label}: {gtype} with {len(coords or [])} parts; "
                                f"split it into one {expected} per feature")
        gtype, coords = expected, coords[0]
    if gtype != expected:
        raise GisInputError(f"{feature.label}: geometry type {gtype}; the {layer} layer takes "
                            f"{expected} features")
    points = coords if kind == "line" else [coords]
    if not isinstance(points, (list, tuple)) or not points:
        raise GisInputError(f"{feature.label}: empty {expected}")
    feature.coords = [_position(p, feature) for p in points]
    if kind == "line" and len(feature.coords) < 2:
        raise GisInputError(f"{feature.label}: a LineString needs at least 2 positions")
    return feature


def _position(p: Any, feature: Feature) -> Tuple[float, ...]:
    if (not isinstance(p, (list, tuple)) or len(p) not in (2, 3)
            or not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in p)
            or not all(math.isfinite(c) for c in p)):
        raise GisInputError(f"{feature.label}: position {p!r} is not [x, y] or [x, y, z] "
                            "with finite numbers")
    return tuple(float(c) for c in p)


def _is_null(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v == ""


# ------------------------------------------------------------------------------------- CRS
def resolve_crs(layers: Sequence[Layer], crs: Optional[str], to_crs: Optional[str]) -> str:
    """The one CRS of all layers, reprojected in place to ``to_crs`` when given (pyproj).

    ``crs`` overrides what the files say. A layer without a "crs" member and no ``crs`` given is
    an error (RFC 7946 files are WGS84, local files are often metres: guessing would be silently
    wrong). "local" means metres in a local frame. A geographic CRS (degrees) is an error unless
    ``to_crs`` names a metric CRS ("utm" picks the UTM zone of the data)."""
    names = {layer.name: (crs or layer.crs) for layer in layers}
    missing = [n for n, c in names.items() if c is None]
    if missing:
        raise GisInputError(
            f"{missing[0]} layer: no 'crs' member; say which CRS the coordinates are in with "
            "--crs (crs=...): a metric projected CRS such as EPSG:32639, 'local' for metres in a "
            "local frame, or EPSG:4326 with --to-crs utm to reproject longitude/latitude")
    distinct = sorted(set(names.values()))
    if len(distinct) > 1:
        raise GisInputError("the layers are in different CRSs (" + ", ".join(
            f"{n}: {c}" for n, c in names.items()) + "); export them in one CRS")
    source = distinct[0]
    if to_crs is None:
        if _is_geographic(source):
            first = layers[0].features[0]
            raise GisInputError(
                f"{first.label}: CRS {source} is geographic (degrees); lengths need a metric "
                "projected CRS: reproject in GIS, or pass --to-crs utm (or EPSG:xxxx) to "
                "reproject with pyproj")
        _require_metric(source, layers[0].features[0])
        return source
    if source == LOCAL_CRS:
        raise GisInputError("--to-crs: a local frame cannot be reprojected")
    target = _reproject(layers, source, to_crs)
    return target


def _is_geographic(name: str) -> bool:
    if name == LOCAL_CRS:
        return False
    if name.upper() in _GEOGRAPHIC_NAMES:
        return True
    try:
        import pyproj
    except ImportError:
        return False
    try:
        return pyproj.CRS.from_user_input(name).is_geographic
    except pyproj.exceptions.CRSError as e:
        raise GisInputError(f"CRS {name!r} is not known to pyproj: {e}") from None


def _require_metric(name: str, first: Feature) -> None:
    if name == LOCAL_CRS:
        return
    try:
        import pyproj
    except ImportError:     # cannot check the unit without pyproj; EPSG projected CRSs are
        return              # almost all metric, the geographic ones are caught above
    unit = pyproj.CRS.from_user_input(name).axis_info[0].unit_name
    if unit not in ("metre", "meter"):
        raise GisInputError(f"{first.label}: CRS {name} has coordinates in {unit}; heatnet "
                            "needs metres: reproject to a metric CRS (--to-crs EPSG:xxxx)")


def _reproject(layers: Sequence[Layer], source: str, to_crs: str) -> str:
    try:
        import pyproj
    except ImportError:
        raise GisInputError("--to-crs needs pyproj (Debian: apt-get install python3-pyproj)") \
            from None
    src = pyproj.CRS.from_user_input(source)
    if to_crs.lower() == "utm":
        xs = [c[0] for layer in layers for f in layer.features for c in f.coords]
        ys = [c[1] for layer in layers for f in layer.features for c in f.coords]
        lon_lat = pyproj.Transformer.from_crs(src, "EPSG:4326", always_xy=True).transform(
            sum(xs) / len(xs), sum(ys) / len(ys))
        zone = int((lon_lat[0] + 180) // 6) + 1
        target_name = f"EPSG:{(32600 if lon_lat[1] >= 0 else 32700) + zone}"
    else:
        target_name = to_crs
    target = pyproj.CRS.from_user_input(target_name)
    if target.is_geographic or target.axis_info[0].unit_name not in ("metre", "meter"):
        raise GisInputError(f"--to-crs {to_crs}: not a metric projected CRS")
    transform = pyproj.Transformer.from_crs(src, target, always_xy=True).transform
    for layer in layers:
        for f in layer.features:
            f.coords = [tuple(transform(c[0], c[1])) + tuple(c[2:]) for c in f.coords]
        layer.crs = target_name
    return target_name
