#!/usr/bin/env python3
"""(Re)derive pipe_catalogue.csv for the Oral example from the cited source values in oral_model.py.

Usage: /usr/bin/python3 examples/oral/make_pipe_catalogue.py [--output PATH] [--verify]
--verify prints the series-2 derivation next to Modesto's RigidSingleCompoundReinforced.csv values
(one casing step larger, same DN), an independent check of the method.
"""
import argparse
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import oral_model as om  # noqa: E402

# energyville/modesto modesto/Data/PipeCatalog/RigidSingleCompoundReinforced.csv: DN -> (casing mm, Rs K m/W)
MODESTO_REINFORCED = {250: (450, 3.633), 300: (500, 3.222), 350: (560, 3.289), 400: (630, 3.168),
                      450: (670, 2.816), 500: (710, 2.513), 600: (900, 2.757), 700: (1000, 2.456),
                      800: (1100, 2.208), 900: (1200, 2.019), 1000: (1300, 1.853)}

HEADER = [
    "# Steel pipe sizes for pre-insulated (EN 253 bonded) district-heating pipes, single pipes, and their linear",
    "# heat-loss coefficient U [W/(m K)] per pipe for insulation series 1/2/3 (directly buried, 0.8 m cover,",
    "# lambda_ins 0.028, lambda_soil 1.8 W/(m K)). Columns listed in `derived` were DERIVED by make_pipe_catalogue.py",
    "# (method in README.md: R = ln(Dc/Do)/(2 pi lambda_ins) + ln(4H/Dc)/(2 pi lambda_soil), H = 0.8 m + Dc/2,",
    "# anchored additively to the catalogue Rs); all other values are from the cited source (FACTS.md section 5).",
    "# Do not edit by hand: change the source values in oral_model.py and rerun make_pipe_catalogue.py.",
]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--output", default=str(om.DATA_DIR / "pipe_catalogue.csv"))
    ap.add_argument("--verify", action="store_true")
    a = ap.parse_args(argv)
    rows = om.derive_catalogue()
    with open(a.output, "w", newline="", encoding="utf-8") as fh:
        fh.write("\n".join(HEADER) + "\n")
        w = csv.DictWriter(fh, fieldnames=om.CATALOGUE_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {a.output}: {len(rows)} sizes DN{rows[0]['dn']}..DN{rows[-1]['dn']}")
    if a.verify:
        print(" DN  casing_s2  U_s2 derived  U Modesto reinforced  diff")
        for r in rows:
            if r["dn"] in MODESTO_REINFORCED:
                c, rs = MODESTO_REINFORCED[r["dn"]]
                flag = "" if c == r["casing_s2_mm"] else f"  (Modesto casing {c})"
                print(f"{r['dn']:5d} {r['casing_s2_mm']:8d} {r['u_s2_W_mK']:10.3f} {1 / rs:14.3f} "
                      f"{(r['u_s2_W_mK'] * rs - 1) * 100:+9.1f} %{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
