#!/usr/bin/env python3
"""Write the Oral example as GIS layers (GeoJSON), the input of `heatnet import-geojson`.

    /usr/bin/python3 examples/oral/make_gis_layers.py [--output-dir examples/oral/gis]

Writes, from the layout of oral_model.py (the same districts, streets, buildings and seed):
- routes.geojson: one LineString per trench (trunk, branch, ring, street and service lines), id =
  the pipe number k of PS<k>/PR<k>, Z = ground elevation, property `role`; no diameters (sizing
  decides them), roughness 0.1 mm;
- buildings.geojson: one Point per substation (consumer keys: id, heat_demand_kW,
  return_temperature_C, min_dp_bar; `type` and `floor_area_m2` for the map);
- plant.geojson: the CHP (source keys; its dp_control pump holds 1.0 bar at the critical
  consumer of oral_model's hydraulic check);
- settings.json, defaults.json (the import's --settings/--defaults);
- sizing_limits.csv: the sizing rules of oral_model.DEFAULT_RULES per pipe role (README "Sizing
  rule"), and the ring link's minimum DN (the smaller of the two branches it joins).

CRS: UTM zone 39N (EPSG:32639). The layout is schematic [EST]: its local frame (CHP at 0, 0) is
placed so that the centroid of the district centres falls on Oral's coordinates, 51.22 N 51.37 E
(FACTS §1 "Location / elevation"), i.e. UTM 39N (525840, 5674355) [COMPUTED with pyproj]; the CHP
then lies west of the districts, towards the river, as in the layout.
Standard library only; deterministic output.
"""
import argparse
import csv
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import oral_model as om  # noqa: E402

CRS = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32639"}}
ORAL_UTM39N = (525839.74, 5674355.22)       # 51.37 E, 51.22 N (FACTS §1), pyproj EPSG:4326 -> 32639


def origin(model) -> tuple:
    """UTM position of the local frame's (0, 0), rounded to 10 m."""
    hubs = [n for n in model.layout.nodes if n.role == "hub"]
    cx = sum(n.x for n in hubs) / len(hubs)
    cy = sum(n.y for n in hubs) / len(hubs)
    return (round((ORAL_UTM39N[0] - cx) / 10) * 10, round((ORAL_UTM39N[1] - cy) / 10) * 10)


def feature(geometry, properties):
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def layers(model):
    p, lay = model.params, model.layout
    ox, oy = origin(model)

    def xyz(n):
        return [round(n.x + ox, 2), round(n.y + oy, 2), n.z]

    routes = [feature({"type": "LineString", "coordinates": [xyz(lay.nodes[e.a]), xyz(lay.nodes[e.b])]},
                      {"id": str(e.num), "role": e.role, "district": e.district,
                       "roughness_mm": p.roughness_mm}) for e in lay.edges]
    buildings = [feature({"type": "Point", "coordinates": xyz(lay.nodes[c.node])},
                         {"id": c.id, "heat_demand_kW": round(c.heat_kW, 1),
                          "return_temperature_C": p.return_temperature_C, "min_dp_bar": p.min_dp_bar,
                          "type": c.type, "floor_area_m2": round(c.floor_area_m2)})
                 for c in lay.consumers]
    plant_node = lay.nodes[0]
    source = model.network["sources"][0]
    plant = [feature({"type": "Point", "coordinates": xyz(plant_node)},
                     {"id": source["id"], "supply_temperature_C": source["supply_temperature_C"],
                      "return_pressure_bar": source["return_pressure_bar"], "pump": source["pump"]})]
    return [{"type": "FeatureCollection", "name": name, "crs": CRS, "features": fs}
            for name, fs in (("routes", routes), ("buildings", buildings), ("plant", plant))]


def sizing_limits(model):
    """One row per route line: its role's rule; the ring: min DN of the branches it joins."""
    rows = []
    for e in model.layout.edges:
        if e.role == "ring":
            rows.append({"pipe": f"PS{e.num}", "max_dp_Pa_m": "", "max_velocity_m_s": "",
                         "min_dn": e.size.dn})
            continue
        rule = model.params.rules[e.role]
        rows.append({"pipe": f"PS{e.num}", "max_dp_Pa_m": rule.max_r_pa_m,
                     "max_velocity_m_s": rule.max_velocity_m_s, "min_dn": rule.min_dn})
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--output-dir", default=str(om.DATA_DIR / "gis"))
    a = ap.parse_args(argv)
    out = Path(a.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = om.build_model(om.DesignParameters())
    p = model.params
    for layer in layers(model):
        (out / f"{layer['name']}.geojson").write_text(
            "{\"type\": \"FeatureCollection\", \"name\": " + json.dumps(layer["name"]) + ", \"crs\": "
            + json.dumps(CRS) + ", \"features\": [\n"
            + ",\n".join(json.dumps(f) for f in layer["features"]) + "\n]}\n", encoding="utf-8")
    settings = model.network["settings"]
    (out / "settings.json").write_text(json.dumps(settings, indent=1) + "\n", encoding="utf-8")
    defaults = {"pipe": {"inner_diameter_m": 0.3, "roughness_mm": p.roughness_mm}}
    (out / "defaults.json").write_text(json.dumps(defaults, indent=1) + "\n", encoding="utf-8")
    with open(out / "sizing_limits.csv", "w", newline="", encoding="utf-8") as f:
        f.write("# Oral sizing rules per route line (oral_model.DEFAULT_RULES, README 'Sizing rule'):\n"
                "# trunk/branch <= 80 Pa/m, street <= 100 Pa/m, service <= 250 Pa/m; 2.0 m/s (service 2.5);\n"
                "# min DN by role; the ring link (redundancy) at least the smaller branch it joins.\n")
        w = csv.DictWriter(f, fieldnames=["pipe", "max_dp_Pa_m", "max_velocity_m_s", "min_dn"],
                           lineterminator="\n")
        w.writeheader()
        w.writerows(sizing_limits(model))
    print(f"wrote {out}/routes.geojson ({len(model.layout.edges)} lines), buildings.geojson "
          f"({len(model.layout.consumers)} points), plant.geojson, settings.json, defaults.json, "
          f"sizing_limits.csv; UTM 39N origin {origin(model)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
