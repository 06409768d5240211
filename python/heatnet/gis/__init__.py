"""heatnet.gis: GeoJSON in (route lines, buildings, plants -> a network) and out (results as
GeoJSON lines and points). docs/gis.md has the rules and the workflow.

The geometry code is Python, not C++ in io/: GIS work needs CRS handling (pyproj), reading the
formats GIS tools write (GeoJSON here; geopandas/fiona for anything else) and tolerance-based
snapping, none of which the solver needs, and all of which the Python GIS stack already does
well. The importer itself needs only numpy (pyproj for reprojection, geopandas only when
GeoDataFrames are passed), and the C++ `heatnet` runs it as `heatnet import-geojson`.
"""
from ._layers import GisInputError, LOCAL_CRS
from .export import result_to_geodataframe, result_to_geojson, write_geojson
from .importer import (DEFAULT_SNAP_TOLERANCE_M, ImportReport, network_dict_from_geojson,
                       network_from_geojson)

__all__ = ["GisInputError", "ImportReport", "network_from_geojson", "network_dict_from_geojson",
           "result_to_geojson", "result_to_geodataframe", "write_geojson", "LOCAL_CRS",
           "DEFAULT_SNAP_TOLERANCE_M"]
