#!/bin/sh
# Builds examples/oral/oral.json from the GIS layers in examples/oral/gis/ with heatnet itself:
# import the route, buildings and plant, then size every pipe from the EN 253 series-2 catalogue
# with the example's rules (README "Sizing rule"). Run from the repository root after `make`:
#   sh examples/oral/build_oral.sh [OUT.json [REPORT.csv]]   (HEATNET=path/to/heatnet for another binary)
# Defaults: examples/oral/oral.json and examples/oral/sizing_report.csv (both committed).
# The layers come from make_gis_layers.py (the layout of oral_model.py).
set -e
HEATNET=${HEATNET:-build/bin/heatnet}
GIS=examples/oral/gis
OUT=${1:-examples/oral/oral.json}
REPORT=${2:-examples/oral/sizing_report.csv}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

$HEATNET import-geojson $GIS/routes.geojson --buildings $GIS/buildings.geojson \
  --plants $GIS/plant.geojson --settings $GIS/settings.json --defaults $GIS/defaults.json \
  --name "Oral heat main, proposal A (130/70 C, EN 253 series 2)" \
  --description "Example network for heatnet: a PROPOSED heat transmission main from the Uralsk CHP (Oral, West Kazakhstan) to eight schematic districts. Route, districts, loads and temperatures are ASSUMPTIONS (the real main is not documented publicly); see examples/oral/README.md for every assumption and its basis. Built by examples/oral/build_oral.sh from examples/oral/gis/ (heatnet import-geojson + heatnet size) - do not edit by hand." \
  -o "$TMP/oral_unsized.json"

$HEATNET size "$TMP/oral_unsized.json" --catalogue en253-series2 \
  --pipe-limits $GIS/sizing_limits.csv --local-loss-allowance 0.2 \
  --report "$REPORT" -o "$OUT"
