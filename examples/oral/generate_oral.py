#!/usr/bin/env python3
"""Build the Oral (Uralsk) heat-main example with oral_model's own sizing, print its summary and check.

examples/oral/oral.json itself is built from the GIS layers by heatnet (make_gis_layers.py, then
build_oral.sh); this script is the reference design it is compared with, and the tool for variants.

Reads districts.csv, building_types.csv, trunk_route.csv and pipe_catalogue.csv next to this script,
builds the two-pipe network with oral_model.py, validates it against the format's structural rules and
writes it. Deterministic (fixed seed). Standard library only; runs with /usr/bin/python3.

    /usr/bin/python3 examples/oral/generate_oral.py --check    # default variant: summary + check
    /usr/bin/python3 examples/oral/generate_oral.py --output /tmp/oral_model.json
    /usr/bin/python3 examples/oral/generate_oral.py --supply-temperature 150 --output /tmp/oral_150.json
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import oral_model as om  # noqa: E402


def main(argv=None) -> int:
    d = om.DesignParameters()
    ap = argparse.ArgumentParser(description="Generate the Oral heat-main example network (heatnet-network/1).")
    ap.add_argument("--supply-temperature", type=float, default=d.supply_temperature_C,
                    help="design supply temperature C (default %(default)s; 150 for the 150/70 schedule)")
    ap.add_argument("--return-temperature", type=float, default=d.return_temperature_C,
                    help="design consumer return temperature C (default %(default)s)")
    ap.add_argument("--insulation-series", type=int, choices=(1, 2, 3), default=d.insulation_series,
                    help="EN 253 insulation series for heat_loss_W_mK (default %(default)s)")
    ap.add_argument("--trunk-dn", type=int, default=None,
                    help="force every trunk section to this DN (default: telescoped by design flow)")
    ap.add_argument("--roughness-mm", type=float, default=d.roughness_mm,
                    help="pipe roughness mm (default %(default)s new pre-insulated steel; 0.5 = CIS norm)")
    ap.add_argument("--output", help="write the network here (default: none; examples/oral/oral.json "
                    "comes from build_oral.sh)")
    ap.add_argument("--check", action="store_true", help="print the design-flow hydraulic sanity check")
    a = ap.parse_args(argv)

    p = om.DesignParameters(supply_temperature_C=a.supply_temperature, return_temperature_C=a.return_temperature,
                            insulation_series=a.insulation_series, trunk_dn=a.trunk_dn,
                            roughness_mm=a.roughness_mm)
    model = om.build_model(p)
    problems = om.validate_network(model.network)
    if problems:
        for pr in problems:
            print("INVALID:", pr, file=sys.stderr)
        return 1
    if a.output:
        Path(a.output).write_text(om.dumps_network(model.network), encoding="utf-8")
        print(f"wrote {a.output}")
    for line in om.summary(model):
        print(line)
    c = model.check
    print(f"dp_control       pump holds {p.min_dp_bar} bar at {c.critical_consumer} "
          f"(estimated pump dp {c.pump_dp_bar:.2f} bar)")
    if a.check:
        print("hydraulic check (design flows, Darcy-Weisbach + Swamee-Jain, loop by Hardy Cross, "
              f"{c.loop_iterations} iterations):")
        for line in c.lines():
            print("  " + line)
        if c.plant_supply_pressure_bar >= p.pressure_class_bar:
            print("WARNING: plant supply pressure exceeds PN16", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
