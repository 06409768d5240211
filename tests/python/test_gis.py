"""GeoJSON in and out (heatnet.gis, `heatnet import-geojson` / `export-geojson`, docs/gis.md).

The round trip: a route layer with a T-junction, a ring, a dangling line, a mis-snapped vertex,
a building off the route and one on it imports to the topology drawn below (asserted node by
node through positions, since ids follow from them), solves, exports, and geopandas reads the
export. Bad GIS input is exit code 2 with a message naming the feature, and no output file.

        (100,80) J3 ---- ringB ---- (120,80) J5 ---- (200,80) J4 ---- stub ---- (260,80) dangling
           |                          |                |
         branch                  B2 service         ringA
           |                     (120,90) B2           + B3 at (200.1,40): on the route
  plant (0,0) -- main -- (100,0) J1 -- (150,0) T -- (200,0) J2
                      (branch starts  |
                       at (100.3,0.2)) tee
                                      |
                                 (150,-60) B1
"""
import json
import math
import os
import subprocess
from pathlib import Path

import pytest

heatnet = pytest.importorskip("heatnet")
gpd = pytest.importorskip("geopandas")
from heatnet import gis  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
HEATNET_BIN = Path(os.environ.get("HEATNET_BIN", REPO / "build" / "bin" / "heatnet"))
needs_cli = pytest.mark.skipif(not HEATNET_BIN.exists(), reason=f"no CLI at {HEATNET_BIN}")
CRS = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32639"}}
DEFAULTS = {"pipe": {"inner_diameter_m": 0.1, "roughness_mm": 0.1, "heat_loss_W_mK": 0.3},
            "consumer": {"return_temperature_C": 50, "min_dp_bar": 0.5}}
SETTINGS = {"ambient_temperature_C": 8.0}


def line(fid, coords, **props):
    return {"type": "Feature", "properties": dict(props, id=fid),
            "geometry": {"type": "LineString", "coordinates": coords}}


def point(fid, xy, **props):
    return {"type": "Feature", "properties": dict(props, id=fid),
            "geometry": {"type": "Point", "coordinates": xy}}


def collection(features, crs=CRS):
    out = {"type": "FeatureCollection", "features": features}
    if crs:
        out["crs"] = crs
    return out


def routes():
    return collection([
        line("main", [[0, 0], [100, 0], [200, 0]], qgis_fid=7),
        line("branch", [[100.3, 0.2], [100, 80]]),          # mis-snapped start: 0.36 m off J1
        line("tee", [[150, 0], [150, -60]]),                # ends on main's interior: T-junction
        line("ringA", [[200, 0], [200, 80]]),
        line("ringB", [[200, 80], [100, 80]]),              # closes the ring J1-J3-J4-J2
        line("stub", [[200, 80], [260, 80]]),               # dangling
    ])


def buildings():
    return collection([
        point("B1", [150, -60], heat_demand_kW=300),        # at the end of tee
        point("B2", [120, 90], heat_demand_kW=200),         # 10 m off ringB: service pipe
        point("B3", [200.1, 40], heat_demand_kW=250),       # 0.1 m off ringA: on the route
    ])


def plants():
    return collection([point("PLANT", [0, 0], supply_temperature_C=90, return_pressure_bar=2.0,
                             pump={"type": "fixed_dp", "dp_bar": 1.5})])


def write_layers(folder, r=None, b=None, p=None):
    paths = []
    for name, layer in (("routes", r or routes()), ("buildings", b or buildings()),
                        ("plants", p or plants())):
        path = folder / f"{name}.geojson"
        path.write_text(json.dumps(layer))
        paths.append(path)
    return paths


def import_network(**kw):
    options = dict(defaults=DEFAULTS, settings=SETTINGS)
    options.update(kw)
    return heatnet.Network.from_geojson(kw.pop("r", None) or routes(), buildings(), plants(),
                                        **options)


# (x, y) -> node; pipes as {frozenset of end positions: length}
EXPECTED_NODES = {(0, 0), (100, 0), (150, 0), (200, 0), (150, -60), (100, 80), (120, 80),
                  (200, 80), (260, 80), (120, 90), (200, 40)}
EXPECTED_PIPES = {  # route id -> (from, to, length): from is nearer the plant along the route
    "main.1": ((0, 0), (100, 0), 100.0), "main.2": ((100, 0), (150, 0), 50.0),
    "main.3": ((150, 0), (200, 0), 50.0), "branch": ((100, 0), (100, 80), 80.0),
    "tee": ((150, 0), (150, -60), 60.0), "ringA.1": ((200, 0), (200, 40), 40.0),
    "ringA.2": ((200, 40), (200, 80), 40.0), "ringB.1": ((120, 80), (200, 80), 80.0),
    "ringB.2": ((100, 80), (120, 80), 20.0), "stub": ((200, 80), (260, 80), 60.0),
    "B2.svc": ((120, 80), (120, 90), 10.0)}


def test_round_trip_topology_node_by_node(tmp_path):
    net = import_network()
    nodes = net.table("nodes")
    pos = {nid: (round(x, 6), round(y, 6)) for nid, x, y in zip(nodes.index, nodes["x"],
                                                                 nodes["y"])}
    supply = {k: v for k, v in pos.items() if k.startswith("S")}
    assert set(supply.values()) == EXPECTED_NODES and len(supply) == len(EXPECTED_NODES)
    for k, xy in supply.items():                 # every supply node has its return twin
        assert pos["R" + k[1:]] == xy
    assert supply["S0"] == (0, 0)                # numbered from the plant
    at = {xy: k for k, xy in supply.items()}
    pipes = net.table("pipes")
    assert set(pipes.index) == {f"P{s}{i}" for s in "SR" for i in EXPECTED_PIPES}
    for rid, (a, b, length) in EXPECTED_PIPES.items():
        ps, pr = pipes.loc["PS" + rid], pipes.loc["PR" + rid]
        assert (ps["from"], ps["to"]) == (at[a], at[b]), rid
        assert (pr["from"], pr["to"]) == ("R" + at[b][1:], "R" + at[a][1:]), rid
        assert ps["length_m"] == pytest.approx(length, abs=1e-9)
        assert pr["length_m"] == ps["length_m"] and ps["inner_diameter_m"] == 0.1
    consumers = net.table("consumers")
    assert {c: pos[n] for c, n in consumers["supply_node"].items()} == {
        "B1": (150, -60), "B2": (120, 90), "B3": (200, 40)}
    assert (consumers["return_node"] == "R" + consumers["supply_node"].str[1:]).all()
    assert consumers.loc["B2", "heat_demand_kW"] == 200
    assert consumers.loc["B1", "return_temperature_C"] == 50       # from the defaults
    src = net.table("sources").loc["PLANT"]
    assert (src["supply_node"], src["return_node"]) == ("S0", "R0")
    report = net.import_report
    assert report.snapped_vertices == 1 and report.t_junctions == 1
    assert report.service_pipes == 1
    assert report.dangling_ends == [at[(260, 80)]]
    assert report.ignored_properties == {"routes": ["qgis_fid"]}


def test_round_trip_solves_and_geopandas_reads_the_export(tmp_path):
    net = import_network()
    result = heatnet.solve(net)
    out = tmp_path / "result.geojson"
    result.to_geojson(net, out, crs="EPSG:32639")
    g = gpd.read_file(out)
    assert g.crs.to_epsg() == 32639
    pipes, points = g[g["kind"] == "pipe"], g[g["kind"] != "pipe"]
    assert len(pipes) == 22 and (pipes.geom_type == "LineString").all()
    assert (points.geom_type == "Point").all()
    assert sorted(points["kind"].value_counts().items()) == [("consumer", 3), ("node", 22),
                                                             ("source", 1)]
    for column in ("mass_flow_kg_s", "velocity_m_s", "pressure_drop_Pa_m", "friction_loss_Pa_m",
                   "inlet_temperature_C", "outlet_temperature_C", "heat_loss_kW", "side"):
        assert column in pipes.columns
    for column in ("pressure_bar", "dp_available_bar", "heat_kW", "heat_demand_kW",
                   "under_supplied"):
        assert column in points.columns
    ps = pipes.set_index("id").loc["PSmain.1"]
    assert ps["side"] == "supply"
    assert list(ps.geometry.coords) == [(0.0, 0.0), (100.0, 0.0)]
    flows = dict(zip(result.ids("pipes"), result["pipes/mass_flow"][-1]))
    assert ps["mass_flow_kg_s"] == pytest.approx(flows["PSmain.1"], rel=1e-12)
    assert ps["pressure_drop_Pa_m"] * 100 == pytest.approx(
        dict(zip(result.ids("pipes"), result["pipes/pressure_drop"][-1]))["PSmain.1"])
    consumers = points[points["kind"] == "consumer"].set_index("id")
    assert consumers.loc["B2"].geometry.coords[0] == (120.0, 90.0)
    assert consumers["heat_kW"].to_numpy() == pytest.approx([300, 200, 250], rel=1e-9)
    assert not consumers["under_supplied"].any()
    assert pipes.set_index("id").loc["PRstub", "side"] == "return"
    assert pipes.set_index("id").loc["PSstub", "mass_flow_kg_s"] == pytest.approx(0, abs=1e-9)


@needs_cli
def test_cli_import_solve_export(tmp_path):
    r, b, p = write_layers(tmp_path)
    net, res, out = tmp_path / "net.json", tmp_path / "r.h5", tmp_path / "out.geojson"
    cmd = [str(HEATNET_BIN), "import-geojson", str(r), "--buildings", str(b), "--plants", str(p),
           "-o", str(net), "--defaults", json.dumps(DEFAULTS), "--settings", json.dumps(SETTINGS)]
    run = subprocess.run(cmd, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "1 vertices snapped, 1 lines split at a T-junction, 1 service pipes" in run.stdout
    written = heatnet.Network.from_json(net).to_dict()
    assert written.pop("description").startswith("Imported from GeoJSON")
    expected = import_network().to_dict()
    expected.pop("description", None)
    assert written == expected
    run = subprocess.run([str(HEATNET_BIN), "solve", str(net), "-o", str(res), "-q"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    run = subprocess.run([str(HEATNET_BIN), "export-geojson", str(res), "--network", str(net),
                          "-o", str(out), "--crs", "EPSG:32639", "--wgs84"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    g = gpd.read_file(out)
    assert g.crs.to_epsg() == 4326                   # RFC 7946: longitude/latitude
    pyproj = pytest.importorskip("pyproj")
    lon, lat = pyproj.Transformer.from_crs("EPSG:32639", "EPSG:4326", always_xy=True).transform(
        150.0, -60.0)
    b1 = g[(g["kind"] == "consumer") & (g["id"] == "B1")].geometry.iloc[0]
    assert (b1.x, b1.y) == pytest.approx((lon, lat), abs=1e-8)


@needs_cli
def test_cli_export_refuses_another_network(tmp_path):
    r, b, p = write_layers(tmp_path)
    net = import_network()
    net.to_json(tmp_path / "net.json")
    heatnet.solve(net).to_hdf5(tmp_path / "r.h5")
    other = import_network(snap_tolerance_m=0.1)      # branch no longer snaps: other topology
    other.to_json(tmp_path / "other.json")
    run = subprocess.run([str(HEATNET_BIN), "export-geojson", str(tmp_path / "r.h5"), "--network",
                          str(tmp_path / "other.json"), "-o", str(tmp_path / "x.geojson")],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "was not computed from" in run.stderr
    assert not (tmp_path / "x.geojson").exists()


def test_geodataframe_out_equals_the_file():
    net = import_network()
    result = heatnet.solve(net)
    frame = result.to_geodataframe(net, crs="EPSG:32639")
    assert frame.crs.to_epsg() == 32639
    assert len(frame) == 48 and set(frame["kind"]) == {"pipe", "node", "consumer", "source"}
    pipe = frame[frame["id"] == "PSringB.2"].iloc[0]
    assert list(pipe.geometry.coords) == [(100.0, 80.0), (120.0, 80.0)]


def test_geodataframes_in():
    layers = [gpd.GeoDataFrame.from_features(c["features"], crs="EPSG:32639")
              for c in (routes(), buildings(), plants())]
    net = heatnet.Network.from_geojson(*layers, defaults=DEFAULTS, settings=SETTINGS)
    assert net == import_network()


def test_z_coordinates_are_elevations_and_a_point_overrides_its_node():
    r = collection([line("a", [[0, 0, 30.0], [100, 0, 32.0]]),
                    line("b", [[100, 0, 32.0], [100, 50, 35.0]])])
    b = collection([point("C", [100, 60], heat_demand_kW=100, elevation_m=36.5),
                    point("D", [50, 0], heat_demand_kW=100)])
    net = heatnet.Network.from_geojson(r, b, plants(), defaults=DEFAULTS)
    nodes = net.table("nodes")
    elev = {(x, y): z for x, y, z in zip(nodes["x"], nodes["y"], nodes["elevation_m"])}
    assert elev[(0, 0)] == 30.0 and elev[(100, 0)] == 32.0 and elev[(100, 50)] == 35.0
    assert elev[(50, 0)] == 31.0                    # on the route: interpolated along the line
    assert elev[(100, 60)] == 36.5                  # its own elevation_m


def test_dn_with_a_catalogue_and_multilinestring_with_one_part():
    r = routes()
    r["features"][0]["properties"]["dn"] = 80
    r["features"][1]["geometry"] = {"type": "MultiLineString",
                                    "coordinates": [[[100.3, 0.2], [100, 80]]]}
    net = heatnet.Network.from_geojson(r, buildings(), plants(), defaults=DEFAULTS,
                                       catalogue="en253-series2")
    assert net.element("pipes", "PSmain.2")["inner_diameter_m"] == 0.0825
    assert net.element("pipes", "PSmain.2")["heat_loss_W_mK"] == 0.205
    assert net.element("pipes", "PSbranch")["length_m"] == 80.0    # from the snapped vertex


def test_geographic_input_reprojected_to_utm():
    pyproj = pytest.importorskip("pyproj")
    lon0, lat0 = 51.37, 51.22
    wgs = {"type": "name", "properties": {"name": "EPSG:4326"}}
    r = collection([line("a", [[lon0, lat0], [lon0 + 0.01, lat0]])], crs=wgs)
    p = collection([point("PLANT", [lon0, lat0], supply_temperature_C=90,
                          return_pressure_bar=2.0, pump={"type": "fixed_dp", "dp_bar": 1})],
                   crs=wgs)
    b = collection([point("C", [lon0 + 0.01, lat0], heat_demand_kW=100)], crs=wgs)
    net = heatnet.Network.from_geojson(r, b, p, defaults=DEFAULTS, to_crs="utm")
    assert net.import_report.crs == "EPSG:32639"
    geodesic = pyproj.Geod(ellps="WGS84").inv(lon0, lat0, lon0 + 0.01, lat0)[2]
    # UTM distorts lengths by its scale factor, 0.9996..1.0004 inside a zone
    assert net.element("pipes", "PSa")["length_m"] == pytest.approx(geodesic, rel=6e-4)


# --------------------------------------------------------------------------- bad input
def polygon_route():
    r = routes()
    r["features"][3]["geometry"] = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1],
                                                                        [0, 0]]]}
    return r


def self_intersecting():
    r = routes()
    r["features"][5]["geometry"]["coordinates"] = [[200, 80], [260, 80], [260, 120], [230, 60]]
    return r


def no_demand():
    b = buildings()
    del b["features"][1]["properties"]["heat_demand_kW"]
    return b


def misspelt():
    r = routes()
    r["features"][2]["properties"]["Roughness_mm"] = 0.2
    return r


def disconnected():
    r = routes()
    r["features"].append(line("island", [[500, 500], [600, 500]]))
    return r


BAD = {
    "wrong geometry type": (dict(r=polygon_route()),
                            "routes feature 3 (id 'ringA'): geometry type Polygon"),
    "geographic CRS": (dict(crs="EPSG:4326"), "CRS EPSG:4326 is geographic"),
    "missing demand": (dict(b=no_demand()),
                       "buildings feature 1 (id 'B2'): no heat_demand_kW"),
    "self-intersecting line": (dict(r=self_intersecting()),
                               "routes feature 5 (id 'stub'): self-intersecting line"),
    "empty layer": (dict(b=collection([])), "the buildings layer is empty"),
    "no CRS": (dict(r=collection(routes()["features"], crs=None),
                    b=collection(buildings()["features"], crs=None),
                    p=collection(plants()["features"], crs=None)), "no 'crs' member"),
    "misspelt key": (dict(r=misspelt()),
                     "routes feature 2 (id 'tee'): property 'Roughness_mm' is not a pipe key "
                     "(did you mean 'roughness_mm'?)"),
    "not connected": (dict(r=disconnected()),
                      "routes feature 6 (id 'island'): not connected to any plant"),
    "multi-part line": (dict(r=collection([dict(routes()["features"][0], geometry={
        "type": "MultiLineString", "coordinates": [[[0, 0], [1, 0]], [[2, 0], [3, 0]]]})])),
        "routes feature 0 (id 'main'): MultiLineString with 2 parts"),
}


@needs_cli
@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_gis_input_names_the_feature_and_writes_nothing(tmp_path, case):
    layers, message = BAD[case]
    layers = dict(layers)
    crs = layers.pop("crs", None)
    r, b, p = write_layers(tmp_path, layers.get("r"), layers.get("b"), layers.get("p"))
    out = tmp_path / "net.json"
    cmd = [str(HEATNET_BIN), "import-geojson", str(r), "--buildings", str(b), "--plants", str(p),
           "-o", str(out), "--defaults", json.dumps(DEFAULTS)]
    if crs:
        cmd += ["--crs", crs]
    run = subprocess.run(cmd, capture_output=True, text=True)
    assert run.returncode == 2, run.stdout
    assert run.stderr.startswith("error: ") and message in run.stderr, run.stderr
    assert sorted(f.name for f in tmp_path.iterdir()) == ["buildings.geojson", "plants.geojson",
                                                          "routes.geojson"]


def test_the_api_raises_a_value_error_naming_the_feature():
    with pytest.raises(gis.GisInputError, match=r"buildings feature 1 \(id 'B2'\)"):
        heatnet.Network.from_geojson(routes(), no_demand(), plants(), defaults=DEFAULTS)
    with pytest.raises(ValueError, match="connect_to = 'nope'"):
        b = buildings()
        b["features"][0]["properties"]["connect_to"] = "nope"
        heatnet.Network.from_geojson(routes(), b, plants(), defaults=DEFAULTS)


def test_connect_to_picks_the_line():
    b = buildings()
    b["features"][1]["properties"]["connect_to"] = "stub"     # B2 (120, 90) -> stub, not ringB
    net = heatnet.Network.from_geojson(routes(), b, plants(), defaults=DEFAULTS)
    svc = net.element("pipes", "PSB2.svc")
    start = net.element("nodes", svc["from"])
    assert (start["x"], start["y"]) == (200, 80)               # the nearest point of the stub
    assert svc["length_m"] == pytest.approx(math.hypot(80, 10), abs=1e-3)   # mm


def test_size_keys_precedence_feature_catalogue_defaults():
    r = routes()
    r["features"][0]["properties"].update(dn=80, heat_loss_W_mK=0.5)    # own U beats catalogue's
    r["features"][2]["properties"]["inner_diameter_m"] = 0.2            # own bore beats default dn
    defaults = dict(DEFAULTS, pipe={"dn": 100, "roughness_mm": 0.1})
    net = heatnet.Network.from_geojson(r, buildings(), plants(), defaults=defaults,
                                       catalogue="en253-series2")
    main, tee, ring = (net.element("pipes", p) for p in ("PSmain.1", "PStee", "PSringA.1"))
    assert (main["inner_diameter_m"], main["heat_loss_W_mK"]) == (0.0825, 0.5)
    assert (tee["inner_diameter_m"], tee["heat_loss_W_mK"]) == (0.2, 0.0)
    assert (ring["inner_diameter_m"], ring["heat_loss_W_mK"]) == (0.1071, 0.212)   # default dn
    r["features"][2]["properties"]["dn"] = 65
    with pytest.raises(gis.GisInputError, match=r"routes feature 2 \(id 'tee'\): both dn"):
        heatnet.Network.from_geojson(r, buildings(), plants(), defaults=defaults,
                                     catalogue="en253-series2")
