#!/usr/bin/env python3
"""Generate examples/oral/annual_profiles.csv: a documented synthetic hourly year for Oral.

The file is a heatnet-profiles/1 CSV (docs/time-series.md) for
    heatnet simulate examples/oral/oral.json --profiles examples/oral/annual_profiles.csv -o out/oral_year.h5

Nothing here is measured weather. The year is *synthetic*, built from the climate figures of
examples/oral/FACTS.md section 2 (Aktobe proxy, SNiP RK 2.04-01-2001) so that it
reproduces them by construction:

  * heating season (days with daily mean <= +8 C): 200 days with mean -6.8 C      [FACTS 2, proxy]
  * design outdoor temperature (coldest 5-day period, 0.92): -31 C                [FACTS 2, proxy]
  * heating on/off at +8 C daily mean, 3 consecutive days                         [FACTS 2, Uralsk]
  * hot summer (Koeppen Dfa/BSk)                                                   [FACTS 2]

Outdoor temperature, hour h of day d (0-based, day 0 = 1 January, 365 days, 8760 hours):
    T(d, h) = A0 - A1 cos(2 pi (d - 15) / 365)          seasonal cycle, coldest on 16 January
            + a(d)                                      synoptic anomaly: seeded AR(1) on daily
                                                        means, phi 0.75, stationary sd 5.5 K in
                                                        January .. 3 K in July
            - W exp(-(d - 20)^2 / (2 * 3^2))            one design cold spell around 21 January
            + D(d) cos(2 pi (h - 15) / 24)              diurnal cycle, max 15:00, min 03:00,
                                                        half-range 3 K (winter) .. 5.5 K (summer)
A0, A1 and W are solved for (Newton on the daily means) so that the 200 coldest days average
-6.8 C, the 200th/201st coldest lie at +8 C and the coldest 5-day running mean is -31 C. The
diurnal term has zero daily mean, so it does not disturb those figures.

Soil temperature at pipe depth (~1.2 m) [EST, FACTS 2/6 give only "+2..+5 C winter minimum"]:
    T_soil(d) = 9 - 6 cos(2 pi (d - 65) / 365)     min +3 C in early March, max +15 C in September.

Demand factors per building type (columns demand_factor:*-<CODE>, multiplying each consumer's
design demand in oral.json, which is area x (heating_W_m2 + dhw_avg_W_m2) of building_types.csv):
    factor = (heating_W_m2 * SH + dhw_avg_W_m2 * DHW(h)) / (heating_W_m2 + dhw_avg_W_m2)
    SH     = max(0, (T_in - T_out) / (T_in + 31)) while the heating is on, 0 otherwise
             (space heating + ventilation proportional to indoor-outdoor difference; T_in 20 C,
             22 C for kindergartens and hospitals [EST])
    DHW(h) = daily shape with mean 1 per type (residential morning/evening peaks, daytime use in
             schools/public buildings/kindergartens, flat-ish for hospitals) [EST]
The factor is 1.0 at -31 C for a DHW shape of 1; it can exceed 1 at design cold with a DHW peak.
Heating on/off: the season state starts "on" on 1 January; it switches off the day after three
consecutive daily means >= +8 C (from 1 March) and on again the day after three consecutive daily
means <= +8 C (from 15 August).

Temperature schedules (directive lines, interpolated by heatnet on the outdoor temperature):
    supply_temperature_C:CHP  130 C at -31 C down to 70 C at +8 C; constant 70 C above (hot-water
                              floor) and 130 C below -31 C (the cut-off).  [EST: FACTS 1 "Temperature
                              schedule" NOT FOUND; 130/70 is the network's design, oral.json]
    return_temperature_C:*    70 C at -31 C down to 42 C at +8 C; 42 C above.  [EST]

Not modelled: the ~10-day September DHW outage of the CHP (FACTS 1 "Hot water"), holidays,
weekends, solar gains, wind. Deterministic: same seed -> byte-identical file.

Usage: make_annual_profiles.py [--seed 51] [--output examples/oral/annual_profiles.csv]
"""
from __future__ import annotations

import argparse
import csv
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DAYS = 365
HEATING_DAYS = 200          # FACTS 2: days <= +8 C (Aktobe proxy)
HEATING_MEAN_C = -6.8       # FACTS 2: their mean temperature
HEATING_LIMIT_C = 8.0       # FACTS 2: on/off rule
DESIGN_C = -31.0            # FACTS 2: coldest 5-day period, 0.92
COLDEST_DAY = 15            # 16 January (0-based day index) [EST]
COLD_SPELL_DAY = 20         # centre of the design cold spell [EST]
COLD_SPELL_WIDTH_D = 3.0
AR_PHI = 0.75               # day-to-day persistence of weather anomalies [EST]
INDOOR_C = {"APT": 20.0, "SCH": 20.0, "KDG": 22.0, "HSP": 22.0, "PUB": 20.0}   # [EST]

# Hourly DHW shapes (24 values, normalised to mean 1 below) [EST].
DHW_SHAPE_RAW = {
    "APT": [0.3, 0.2, 0.2, 0.2, 0.3, 0.6, 1.4, 1.9, 1.6, 1.1, 0.9, 0.9,
            1.0, 0.9, 0.8, 0.8, 0.9, 1.2, 1.6, 1.9, 1.9, 1.6, 1.0, 0.5],
    "SCH": [0.1] * 7 + [0.8, 1.8, 2.0, 2.0, 2.0, 2.2, 2.0, 1.8, 1.5, 1.0, 0.6] + [0.1] * 6,
    "KDG": [0.2] * 6 + [0.6, 1.5, 1.8, 1.6, 1.5, 1.8, 2.0, 1.4, 1.3, 1.5, 1.6, 1.4, 0.8] + [0.2] * 5,
    "HSP": [0.6, 0.5, 0.5, 0.5, 0.6, 0.8, 1.2, 1.5, 1.5, 1.3, 1.2, 1.2,
            1.2, 1.1, 1.1, 1.1, 1.1, 1.2, 1.3, 1.3, 1.2, 1.0, 0.8, 0.7],
    "PUB": [0.1] * 7 + [0.6, 1.6, 1.9, 1.9, 1.9, 2.1, 1.9, 1.8, 1.8, 1.6, 1.0, 0.4] + [0.1] * 5,
}
DHW_SHAPE = {k: [v * 24.0 / sum(s) for v in s] for k, s in DHW_SHAPE_RAW.items()}

SUPPLY_SCHEDULE = [(-31.0, 130.0), (8.0, 70.0)]   # outdoor C -> supply C [EST]
RETURN_SCHEDULE = [(-31.0, 70.0), (8.0, 42.0)]    # outdoor C -> return C [EST]


def read_building_types(path: str) -> dict[str, tuple[float, float]]:
    with open(path, newline="") as f:
        rows = [r for r in csv.DictReader(line for line in f if not line.startswith("#"))]
    return {r["code"]: (float(r["heating_W_m2"]), float(r["dhw_avg_W_m2"])) for r in rows}


def anomalies(rng: random.Random) -> list[float]:
    """Seeded AR(1) daily anomalies with a seasonal standard deviation (K)."""
    a, out = 0.0, []
    for d in range(-60, DAYS):  # spin-up so day 0 is already stationary
        sd = 4.25 + 1.25 * math.cos(2 * math.pi * (d - COLDEST_DAY) / DAYS)
        a = AR_PHI * a + math.sqrt(1 - AR_PHI ** 2) * sd * rng.gauss(0.0, 1.0)
        if d >= 0:
            out.append(a)
    return out


def daily_means(a0: float, a1: float, w: float, anom: list[float]) -> list[float]:
    return [a0 - a1 * math.cos(2 * math.pi * (d - COLDEST_DAY) / DAYS) + anom[d]
            - w * math.exp(-((d - COLD_SPELL_DAY) ** 2) / (2 * COLD_SPELL_WIDTH_D ** 2))
            for d in range(DAYS)]


def coldest_5day(t: list[float]) -> float:
    return min(sum(t[d:d + 5]) / 5 for d in range(DAYS - 4))


def stats(t: list[float]) -> tuple[float, float, float]:
    s = sorted(t)
    return (sum(s[:HEATING_DAYS]) / HEATING_DAYS - HEATING_MEAN_C,
            0.5 * (s[HEATING_DAYS - 1] + s[HEATING_DAYS]) - HEATING_LIMIT_C,
            coldest_5day(t) - DESIGN_C)


def calibrate(anom: list[float]) -> tuple[float, float, float]:
    """Newton (finite differences) on (A0, A1, W) for the three climate figures."""
    x = [4.9, 20.4, 10.0]  # the pure-cosine solution as a start
    for _ in range(60):
        f = stats(daily_means(*x, anom))
        if max(abs(v) for v in f) < 1e-9:
            break
        jac = []
        for j in range(3):
            xp = list(x)
            xp[j] += 1e-4
            fp = stats(daily_means(*xp, anom))
            jac.append([(fp[i] - f[i]) / 1e-4 for i in range(3)])
        # solve J dx = -f (J[i][j] = d f_i / d x_j; jac is stored column-wise)
        m = [[jac[j][i] for j in range(3)] + [-f[i]] for i in range(3)]
        for c in range(3):
            p = max(range(c, 3), key=lambda r: abs(m[r][c]))
            m[c], m[p] = m[p], m[c]
            for r in range(3):
                if r != c:
                    k = m[r][c] / m[c][c]
                    m[r] = [m[r][i] - k * m[c][i] for i in range(4)]
        dx = [m[i][3] / m[i][i] for i in range(3)]
        x = [x[i] + 0.8 * dx[i] for i in range(3)]
    f = stats(daily_means(*x, anom))
    if max(abs(v) for v in f) > 1e-3:
        sys.exit(f"calibration did not converge: residuals {f}")
    return x[0], x[1], x[2]


def heating_state(t_day: list[float]) -> list[bool]:
    on, out = True, []
    for d in range(DAYS):
        out.append(on)
        last3 = t_day[max(0, d - 2):d + 1]
        if len(last3) == 3:
            if on and d >= 59 and all(v >= HEATING_LIMIT_C for v in last3):
                on = False
            elif not on and d >= 226 and all(v <= HEATING_LIMIT_C for v in last3):
                on = True
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=51)
    ap.add_argument("--output", default=os.path.join(HERE, "annual_profiles.csv"))
    args = ap.parse_args()

    types = read_building_types(os.path.join(HERE, "building_types.csv"))
    rng = random.Random(args.seed)
    anom = anomalies(rng)
    a0, a1, w = calibrate(anom)
    t_day = daily_means(a0, a1, w, anom)
    heating = heating_state(t_day)
    season_days = sum(heating)
    season_mean = sum(t for t, h in zip(t_day, heating) if h) / max(season_days, 1)
    codes = list(types)

    rows = []
    t_min = t_max = None
    for d in range(DAYS):
        diurnal = 3.0 + 2.5 * 0.5 * (1 - math.cos(2 * math.pi * (d - COLDEST_DAY) / DAYS))
        soil = 9.0 - 6.0 * math.cos(2 * math.pi * (d - 65) / DAYS)
        for h in range(24):
            t = t_day[d] + diurnal * math.cos(2 * math.pi * (h - 15) / 24)
            t_min = t if t_min is None else min(t_min, t)
            t_max = t if t_max is None else max(t_max, t)
            factors = []
            for code in codes:
                q_sh, q_dhw = types[code]
                t_in = INDOOR_C[code]
                sh = max(0.0, (t_in - t) / (t_in - DESIGN_C)) if heating[d] else 0.0
                factors.append((q_sh * sh + q_dhw * DHW_SHAPE[code][h]) / (q_sh + q_dhw))
            rows.append([d * 24 + h, t, soil] + factors)

    header = ["time_h", "outdoor_temperature_C", "soil_temperature_C"] + [
        f"demand_factor:*-{c}" for c in codes]
    sched = lambda pts: "  ".join(f"{x:g}:{y:g}" for x, y in pts)
    with open(args.output, "w", newline="\n") as f:
        f.write("# heatnet-profiles/1 -- Oral (Uralsk) synthetic hourly year, generated by\n")
        f.write(f"# examples/oral/make_annual_profiles.py --seed {args.seed}; do not edit by hand.\n")
        f.write("# SYNTHETIC weather built from FACTS.md section 2 (Aktobe proxy): see the script's docstring.\n")
        f.write(f"# calibration: A0 = {a0:.4f} C, A1 = {a1:.4f} K, cold spell W = {w:.4f} K\n")
        f.write(f"# check: 200 coldest days mean {HEATING_MEAN_C} C, coldest 5-day mean {coldest_5day(t_day):.2f} C, "
                f"hourly min {t_min:.2f} C, max {t_max:.2f} C, annual mean {sum(t_day) / DAYS:.2f} C\n")
        f.write(f"# heating season (+8 C rule, 3 days): {season_days} days, mean {season_mean:.2f} C\n")
        f.write("# demand_factor:*-<CODE> multiplies the design demand of every consumer whose id ends in -<CODE>\n")
        f.write(f"#! schedule supply_temperature_C:CHP  {sched(SUPPLY_SCHEDULE)}\n")
        f.write(f"#! schedule return_temperature_C:*  {sched(RETURN_SCHEDULE)}\n")
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(f"{r[0]},{r[1]:.2f},{r[2]:.2f}," + ",".join(f"{v:.4f}" for v in r[3:]) + "\n")
    print(f"wrote {args.output}: {len(rows)} hours; heating season {season_days} days at {season_mean:.2f} C; "
          f"coldest 5-day {coldest_5day(t_day):.2f} C; hourly {t_min:.1f}..{t_max:.1f} C; "
          f"A0 {a0:.3f} A1 {a1:.3f} W {w:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
