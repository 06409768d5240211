"""`heatnet import-geojson` and `heatnet export-geojson` (run by python/heatnet/__main__.py)."""
from __future__ import annotations

import argparse
import sys
from typing import List

from .._cli_util import atomic_output, json_argument
from .importer import DEFAULT_SNAP_TOLERANCE_M


def import_main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(
        prog="heatnet import-geojson",
        description="Build a heatnet-network/1 JSON network from GeoJSON layers: route lines "
                    "(one per trench; each becomes a supply and a return pipe), building points "
                    "(consumers) and plant points (sources). Feature properties use the network "
                    "format's keys (docs/gis.md).")
    ap.add_argument("routes", help="route lines (.geojson)")
    ap.add_argument("--buildings", help="building points (.geojson): consumer keys")
    ap.add_argument("--plants", required=True, help="plant points (.geojson): source keys")
    ap.add_argument("-o", "--output", required=True, help="network file to write (.json)")
    ap.add_argument("--settings", help="the network's settings: a JSON file or inline JSON")
    ap.add_argument("--defaults", help='values for keys a feature lacks, JSON file or inline: '
                    '{"pipe": {...}, "service_pipe": {...}, "consumer": {...}, "source": {...}}')
    ap.add_argument("--name", default="", help="network name")
    ap.add_argument("--description", default=None, help="network description")
    ap.add_argument("--crs", help="CRS of the coordinates when the files do not say "
                    "(EPSG:xxxx, or 'local' for metres in a local frame)")
    ap.add_argument("--to-crs", help="reproject with pyproj: 'utm' or EPSG:xxxx (needed for "
                    "longitude/latitude input)")
    ap.add_argument("--snap-tolerance-m", type=float, default=DEFAULT_SNAP_TOLERANCE_M,
                    help="merge vertices, split lines and attach points within this distance "
                         "(default %(default)s m)")
    ap.add_argument("--catalogue", help="pipe catalogue for `dn` properties (en253-series1/2/3 "
                    "or a CSV)")
    ap.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    a = ap.parse_args(argv)

    from .importer import network_from_geojson

    settings = json_argument(a.settings, "--settings") if a.settings else None
    defaults = json_argument(a.defaults, "--defaults") if a.defaults else None
    description = a.description if a.description is not None else (
        f"Imported from GeoJSON by heatnet import-geojson: routes {a.routes}"
        + (f", buildings {a.buildings}" if a.buildings else "") + f", plants {a.plants}")
    net = network_from_geojson(a.routes, a.buildings, a.plants, settings=settings,
                               defaults=defaults, name=a.name, description=description,
                               crs=a.crs, to_crs=a.to_crs, snap_tolerance_m=a.snap_tolerance_m,
                               catalogue=a.catalogue)
    with atomic_output(a.output) as tmp:
        net.to_json(tmp)
    if not a.quiet:
        print(f"wrote {a.output}")
        for line in net.import_report.lines():
            print("  " + line)
    return 0


def export_main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(
        prog="heatnet export-geojson",
        description="Write the results of a solve as GeoJSON for GIS: pipes as LineStrings "
                    "(flow, velocity, pressure drop per metre, temperatures, heat loss), nodes, "
                    "consumers and sources as Points (pressure, dp available, heat). Units are "
                    "in the property names (docs/gis.md).")
    ap.add_argument("results", help="results file (.h5) from `heatnet solve` or `simulate`")
    ap.add_argument("--network", required=True, help="the network file that was solved (.json)")
    ap.add_argument("-o", "--output", required=True, help="GeoJSON file to write")
    ap.add_argument("--crs", help="CRS of the network coordinates (EPSG:xxxx), written to the "
                    "file; default: none (a local frame)")
    ap.add_argument("--wgs84", action="store_true", help="reproject to longitude/latitude "
                    "(RFC 7946; needs --crs and pyproj)")
    ap.add_argument("--step", type=int, default=-1, help="time step (default: the last)")
    ap.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    a = ap.parse_args(argv)

    from .. import Network, read_results
    from .export import result_to_geojson, write_geojson

    result = read_results(a.results)
    net = Network.from_json(a.network)
    _check_same_network(result, net, a.results, a.network)
    collection = result_to_geojson(result, net, step=a.step, crs=a.crs, to_wgs84=a.wgs84)
    with atomic_output(a.output) as tmp:
        write_geojson(collection, tmp)
    if not a.quiet:
        kinds = {}
        for f in collection["features"]:
            kinds[f["properties"]["kind"]] = kinds.get(f["properties"]["kind"], 0) + 1
        print(f"wrote {a.output}: " + ", ".join(f"{n} {k}s" for k, n in kinds.items()))
    return 0


def _check_same_network(result, net, results_path: str, network_path: str) -> None:
    for group in ("nodes", "pipes", "consumers", "sources"):
        have, want = list(result.ids(group)), net.ids(group)
        if have != want:
            extra = sorted(set(have) ^ set(want))
            raise ValueError(f"{results_path} was not computed from {network_path}: their "
                             f"{group} differ" + (f" (e.g. {extra[0]!r})" if extra else
                                                  " (order)"))
