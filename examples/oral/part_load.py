#!/usr/bin/env python3
"""Oral heat main at part load: the design network at a warmer outdoor temperature.

    PYTHONPATH=build/python /usr/bin/python3 examples/oral/part_load.py --outdoor 8 --outdoor -6.8

The part-load state uses the same assumptions as the synthetic year (make_annual_profiles.py,
annual_profiles.csv), so that a steady part-load solve and the time series agree:

* demand of each consumer = design demand x (heating_W_m2 * SH + dhw_avg_W_m2) / (heating_W_m2 +
  dhw_avg_W_m2), with SH = (T_in - T_out) / (T_in - T_design) while the heating is on; building-type
  loads from building_types.csv [EST], T_in 20 C (22 C for kindergartens and hospitals) [EST],
  T_design -31 C (FACTS section 2, Aktobe proxy); the DHW share is kept at its daily average.
* heating on/off at a daily mean of +8 C (FACTS section 2, Uralsk rule): +8 C is the last heating day, so
  the heating is on there; above +8 C only DHW remains.
* plant supply temperature from the piecewise-linear schedule 130 C at -31 C -> 70 C at +8 C, and
  consumer return temperature 70 C -> 42 C (both [EST]; FACTS section 1 "Temperature schedule" is NOT
  FOUND).
* the soil temperature stays at the design +4 C of oral.json (conservative for heat losses).

Pipe sizes, the dp-controlled pump (1.0 bar at the design critical consumer) and the static
pressure stay as in the design network.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import oral_model as om  # noqa: E402
import make_annual_profiles as prof  # noqa: E402  (constants only: schedules, T_in, limits)

DESIGN_OUTDOOR_C = prof.DESIGN_C              # -31 C (FACTS section 2, proxy)
HEATING_LIMIT_C = prof.HEATING_LIMIT_C        # +8 C (FACTS section 2)
HEATING_SEASON_MEAN_C = prof.HEATING_MEAN_C   # -6.8 C mean of the heating season (FACTS section 2, proxy)
INDOOR_C = prof.INDOOR_C                      # per building-type code [EST]
SUPPLY_SCHEDULE = prof.SUPPLY_SCHEDULE        # [(outdoor C, supply C)] [EST]
RETURN_SCHEDULE = prof.RETURN_SCHEDULE        # [(outdoor C, return C)] [EST]


def schedule(points, t_out: float) -> float:
    """Piecewise-linear schedule, constant beyond its end points."""
    pts = sorted(points)
    if t_out <= pts[0][0]:
        return pts[0][1]
    if t_out >= pts[-1][0]:
        return pts[-1][1]
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        if x0 <= t_out <= x1:
            return y0 + (t_out - x0) / (x1 - x0) * (y1 - y0)
    raise AssertionError("unreachable")


def building_types_by_code() -> dict:
    """building_types.csv rows keyed by the type code that ends each consumer id (APT, SCH, ...)."""
    return {bt.code: bt for bt in om.load_building_types().values()}


def demand_factor(code: str, t_out: float, types=None, heating_on=None) -> float:
    """Part-load factor of a consumer of building type `code` (APT, SCH, KDG, HSP, PUB) at outdoor
    temperature t_out (1.0 at -31 C)."""
    types = types or building_types_by_code()
    bt = types.get(code)
    if bt is None:
        raise ValueError(f"unknown building type code {code!r}")
    if heating_on is None:
        heating_on = t_out <= HEATING_LIMIT_C
    t_in = INDOOR_C.get(code, 20.0)
    sh = max(0.0, (t_in - t_out) / (t_in - DESIGN_OUTDOOR_C)) if heating_on else 0.0
    h, dhw = bt.heating_W_m2, bt.dhw_avg_W_m2
    return (h * sh + dhw) / (h + dhw)


def apply_part_load(net, t_out: float, source: str = "CHP", heating_on=None) -> dict:
    """Change a heatnet.Network (the design Oral network) in place to outdoor temperature t_out:
    consumer demands and return temperatures, plant supply temperature. Returns the settings
    used (supply_C, return_C, demand factor per type)."""
    types = building_types_by_code()
    t_supply = schedule(SUPPLY_SCHEDULE, t_out)
    t_return = schedule(RETURN_SCHEDULE, t_out)
    factors = {code: demand_factor(code, t_out, types, heating_on) for code in types}
    net.set_source(source, supply_temperature_C=t_supply)
    for c in net.to_dict()["consumers"]:
        code = c["id"].rsplit("-", 1)[-1]
        if c.get("heat_demand_kW") is None:
            raise ValueError(f"consumer {c['id']}: part load needs a heat demand, not a fixed flow")
        net.set_consumer(c["id"], heat_demand_kW=c["heat_demand_kW"] * factors[code],
                         return_temperature_C=t_return)
    return {"outdoor_C": t_out, "supply_C": t_supply, "return_C": t_return, "factors": factors}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--network", default=str(HERE / "oral.json"), help="design network (default %(default)s)")
    ap.add_argument("--outdoor", type=float, action="append",
                    help="outdoor temperature C (repeatable; default +8 and -6.8)")
    ap.add_argument("--output-dir", default="out", help="where to write oral_part_load_<T>.h5")
    a = ap.parse_args(argv)
    import run_design
    outdoor = a.outdoor or [HEATING_SEASON_MEAN_C, HEATING_LIMIT_C]
    cases = run_design.run_cases(Path(a.network), Path(a.output_dir), outdoor, plots=False)
    run_design.print_comparison(cases)
    return 0


if __name__ == "__main__":
    sys.exit(main())
