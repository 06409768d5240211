"""The numbers behind the shipped cost catalogue (``cost_catalogue_en253.csv``), each with its
source, and the derivation that turns them into catalogue rows.

``python3 -m heatnet.design._cost_sources`` rewrites the CSV; ``tests/python/test_lifecycle.py``
checks that the shipped file equals :func:`catalogue_rows` (one source of truth).

Currency EUR. Price bases differ by source and are stated per number; no inflation index is
applied (none of the sources states a common base year). docs/lifecycle.md discusses the level.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Dict, List, Tuple

CATALOGUE_PATH = Path(__file__).with_name("cost_catalogue_en253.csv")

#: Installed cost of one pre-insulated steel pipe (EN 253 bonded, single), EUR per metre of pipe,
#: "Combined investment and installation costs" of the ESDL Energy Data Repository (EDR) assets
#: "Logstor/Steel-S1-DN-<DN>" (dimensions: Logstor product catalogue 2020.03), as mirrored in
#: github.com/Multi-Energy-Systems-Optimization/mesido src/mesido/esdl/_edr_pipes.json at commit
#: 3ab9258cef88e1da20280d0b1c0d0c26423a64fe (2026-07-14). The EDR gives the same figure for
#: series 1, 2 and 3, states no price year and does not itemise pipe vs. civil works. Its values
#: grow by a constant factor per DN step (x1.203 for DN200-500, x1.448 above DN500): a fitted
#: curve, not per-project data; above DN500 it is an extrapolation (docs/lifecycle.md).
EDR_COMBINED_EUR_PER_M: Dict[int, float] = {
    50: 778.0, 65: 822.4, 80: 869.4, 100: 936.1, 125: 1026.9, 150: 1126.4, 200: 1355.3,
    250: 1630.7, 300: 1962.1, 350: 2360.9, 400: 2840.6, 450: 3417.9, 500: 4112.5,
    600: 5953.9, 700: 8619.6, 800: 12479.0, 900: 18066.3, 1000: 26155.2,
}
EDR_SOURCE = ("EDR Logstor/Steel-S1-DN-{dn} combined investment+installation "
              "(mesido _edr_pipes.json @3ab9258c)")

#: Casing (jacket) outer diameters in mm for EN 253 insulation series 1/2/3: the ladder of
#: examples/oral/pipe_catalogue.csv (series 1 from the Modesto/Logstor/MoSDH catalogues,
#: series 2/3 one and two EN 253 casing steps up; FACTS.md section 5).
CASING_MM: Dict[int, Tuple[float, float, float]] = {
    50: (125, 140, 160), 65: (140, 160, 180), 80: (160, 180, 200), 100: (200, 225, 250),
    125: (225, 250, 280), 150: (250, 280, 315), 200: (315, 355, 400), 250: (400, 450, 500),
    300: (450, 500, 560), 350: (500, 560, 630), 400: (560, 630, 670), 450: (630, 670, 710),
    500: (670, 710, 800), 600: (800, 900, 1000), 700: (900, 1000, 1100),
    800: (1000, 1100, 1200), 900: (1100, 1200, 1300), 1000: (1200, 1300, 1400),
}

#: Series-2 surcharge reference: CPV Ltd (UK pipe maker) quotes "around GBP 40,000 extra" to
#: upgrade "a 5,000-metre long network (flow and return)" of DN150 steel pre-insulated pipe from
#: standard insulation to series 2 (cpv.co.uk media centre "DH Developers Missing Out on
#: Millions", ~2014; also HVP magazine). Read as 5,000 m of pipe: GBP 8.00 per metre of pipe.
CPV_SURCHARGE_GBP_PER_M = 40_000.0 / 5_000.0
CPV_DN = 150
#: EUR per GBP: National Bank of Kazakhstan official rates of 2024-04-24, GBP/KZT 548.78 and
#: EUR/KZT 473.33 (nationalbank.kz daily official rates), cross rate 548.78 / 473.33.
EUR_PER_GBP = 548.78 / 473.33
CPV_SOURCE = ("CPV DN150 S1->S2 GBP 40k / 5 km (~2014) x EUR/GBP 548.78/473.33 (NBK 2024-04-24), "
              "scaled by added foam cross-section (casing_s^2 - casing_s1^2)")

#: Trench (civil works) cost per metre of trench: 0 in this catalogue, because the EDR figure is
#: a combined investment-and-installation cost per pipe. Catalogues that itemise civil works
#: (e.g. Swedish Energiforetagen "Kostnadskatalog Fjarrvarme" 2023) fill this column.
TRENCH_SOURCE = "0: included in the EDR combined investment+installation cost (not itemised)"


def series_surcharge_EUR_per_m(dn: int, series: int) -> float:
    """Extra cost of insulation series ``series`` over series 1 for one pipe of DN ``dn``: the
    CPV DN150 series-2 figure scaled by the added foam cross-section, (Dc_s^2 - Dc_1^2) /
    (Dc_2^2 - Dc_1^2 at DN150). Rule: the steel pipe is the same, only foam and casing grow."""
    d1 = CASING_MM[dn][0]
    ds = CASING_MM[dn][series - 1]
    ref = CASING_MM[CPV_DN][1] ** 2 - CASING_MM[CPV_DN][0] ** 2
    return CPV_SURCHARGE_GBP_PER_M * EUR_PER_GBP * (ds ** 2 - d1 ** 2) / ref


COLUMNS = ("dn", "series", "pipe_EUR_per_m", "trench_EUR_per_m", "derived", "source")


def catalogue_rows() -> List[Dict[str, object]]:
    rows = []
    for dn in sorted(EDR_COMBINED_EUR_PER_M):
        for series in (1, 2, 3):
            surcharge = series_surcharge_EUR_per_m(dn, series)
            derived = "" if series == 1 else "pipe_EUR_per_m"
            source = EDR_SOURCE.format(dn=dn)
            if series > 1:
                source += f" + series-{series} surcharge {surcharge:.2f}: " + CPV_SOURCE
            source += "; trench " + TRENCH_SOURCE
            rows.append({"dn": dn, "series": series,
                         "pipe_EUR_per_m": round(EDR_COMBINED_EUR_PER_M[dn] + surcharge, 2),
                         "trench_EUR_per_m": 0.0, "derived": derived, "source": source})
    return rows


HEADER = """\
# heatnet cost catalogue: EN 253 pre-insulated single steel pipes, EUR per metre of one pipe
# (supply and return are two pipes), by DN and insulation series; trench EUR per metre of trench
# (one trench holds a supply/return pair). Written by heatnet/design/_cost_sources.py; every
# row names its source. Currency EUR; price bases: EDR (not stated, dimensions 2020.03), CPV
# (~2014), exchange rate 2024-04-24. See docs/lifecycle.md before using it for a real project.
"""


def catalogue_text() -> str:
    out = io.StringIO()
    out.write(HEADER)
    w = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in catalogue_rows():
        w.writerow(r)
    return out.getvalue()


if __name__ == "__main__":
    CATALOGUE_PATH.write_text(catalogue_text(), encoding="utf-8")
    print(f"wrote {CATALOGUE_PATH}")
