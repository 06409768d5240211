"""Oral (Uralsk, West Kazakhstan) heat-main example: pure model functions.

Everything here is a pure function of the CSV inputs and a `DesignParameters` value, so a design-study
script can import this module and build variants in memory::

    import oral_model as om
    net = om.build_network(om.DesignParameters(insulation_series=3, trunk_dn=900))
    chk = om.hydraulic_check(net)
    print(chk.pump_dp_bar, chk.critical_consumer)

`generate_oral.py` is the command-line wrapper; `make_pipe_catalogue.py` (re)derives pipe_catalogue.csv.
Facts are cited from examples/oral/FACTS.md ("FACTS §n"); [EST] marks estimates.
Standard library only (Python >= 3.9).
"""
from __future__ import annotations

import csv
import heapq
import json
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
FORMAT = "heatnet-network/1"
G = 9.80665                # m/s2, standard gravity (the spec's default)
P_ATM_BAR = 1.01325        # bar, gauge <-> absolute

# ----------------------------------------------------------------------------------------------------
# Water properties
# ----------------------------------------------------------------------------------------------------
# FACTS §7 [COMPUTED] IAPWS-IF97 / IAPWS-2008 table at 16 bar: T [C], rho [kg/m3], cp [kJ/kgK],
# nu [mm2/s], p_sat [bar abs]. Linear interpolation is ample for sizing and a sanity check.
_WATER_TABLE = (
    (5, 1000.70, 4.1985, 1.5150, 0.0087),
    (10, 1000.42, 4.1898, 1.3040, 0.0123),
    (20, 998.89, 4.1802, 1.0023, 0.0234),
    (30, 996.32, 4.1760, 0.8001, 0.0425),
    (40, 992.88, 4.1749, 0.6576, 0.0738),
    (50, 988.70, 4.1761, 0.5531, 0.1235),
    (60, 983.86, 4.1794, 0.4741, 0.1995),
    (70, 978.44, 4.1848, 0.4128, 0.3120),
    (80, 972.47, 4.1922, 0.3645, 0.4741),
    (90, 966.00, 4.2017, 0.3257, 0.7018),
    (100, 959.06, 4.2132, 0.2940, 1.0142),
    (110, 951.65, 4.2269, 0.2680, 1.4338),
    (115, 947.78, 4.2345, 0.2566, 1.6918),
    (120, 943.81, 4.2428, 0.2462, 1.9867),
    (130, 935.52, 4.2612, 0.2280, 2.7026),
    (140, 926.80, 4.2824, 0.2125, 3.6150),
    (150, 917.64, 4.3066, 0.1993, 4.7610),
    (160, 908.04, 4.3344, 0.1880, 6.1814),
)


@dataclass(frozen=True)
class Water:
    rho: float      # kg/m3
    cp: float       # J/(kg K)
    nu: float       # m2/s
    p_sat_bar_abs: float


def water(t_c: float) -> Water:
    """Water properties at t_c [C] (5..160 C) by linear interpolation of the FACTS §7 table."""
    tab = _WATER_TABLE
    if not tab[0][0] <= t_c <= tab[-1][0]:
        raise ValueError(f"water temperature {t_c} C outside the table range 5..160 C")
    for lo, hi in zip(tab, tab[1:]):
        if lo[0] <= t_c <= hi[0]:
            f = (t_c - lo[0]) / (hi[0] - lo[0])
            v = [a + f * (b - a) for a, b in zip(lo[1:], hi[1:])]
            if lo[0] >= 100 or hi[0] <= 100:     # p_sat is strongly non-linear: interpolate its log
                v[3] = math.exp(math.log(lo[4]) + f * (math.log(hi[4]) - math.log(lo[4])))
            return Water(rho=v[0], cp=v[1] * 1e3, nu=v[2] * 1e-6, p_sat_bar_abs=v[3])
    raise AssertionError("unreachable")


def mean_cp(t_supply_c: float, t_return_c: float) -> float:
    """Mean specific heat [J/kgK] between return and supply temperature (Simpson's rule)."""
    return (water(t_supply_c).cp + 4 * water(0.5 * (t_supply_c + t_return_c)).cp + water(t_return_c).cp) / 6


# ----------------------------------------------------------------------------------------------------
# Hydraulics
# ----------------------------------------------------------------------------------------------------
def friction_factor(re: float, rel_roughness: float) -> float:
    """Darcy friction factor: Swamee-Jain (turbulent, within ~1 % of Colebrook), 64/Re laminar."""
    if re < 1e-9:
        return 0.0
    if re < 2300:
        return 64.0 / re
    return 0.25 / math.log10(rel_roughness / 3.7 + 5.74 / re ** 0.9) ** 2


def fully_rough_friction_factor(rel_roughness: float) -> float:
    """von Karman fully rough limit 1/sqrt(f) = -2 log10(k/(3.7 D))."""
    return 0.25 / math.log10(rel_roughness / 3.7) ** 2


def pipe_dp_pa(m_kg_s: float, d_m: float, length_m: float, roughness_mm: float, minor_loss: float,
               t_c: float) -> float:
    """Signed friction + minor pressure loss [Pa] along the flow direction of m (Darcy-Weisbach)."""
    w = water(t_c)
    area = math.pi * d_m * d_m / 4
    v = abs(m_kg_s) / (w.rho * area)
    f = friction_factor(v * d_m / w.nu, roughness_mm * 1e-3 / d_m)
    dp = (f * length_m / d_m + minor_loss) * w.rho * v * v / 2
    return math.copysign(dp, m_kg_s)


def specific_loss(m_kg_s: float, d_m: float, roughness_mm: float, t_c: float) -> tuple[float, float]:
    """(R [Pa/m], v [m/s]) of a straight pipe at mass flow m and temperature t_c."""
    w = water(t_c)
    area = math.pi * d_m * d_m / 4
    v = abs(m_kg_s) / (w.rho * area)
    f = friction_factor(v * d_m / w.nu, roughness_mm * 1e-3 / d_m)
    return f / d_m * w.rho * v * v / 2, v


# ----------------------------------------------------------------------------------------------------
# Pipe catalogue
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PipeSize:
    dn: int
    outer_diameter_mm: float
    wall_mm: float
    inner_diameter_mm: float
    casing_mm: tuple[float, float, float]     # insulation series 1, 2, 3
    u_W_mK: tuple[float, float, float]        # linear heat-loss coefficient, series 1, 2, 3
    source: str
    derived: str

    @property
    def inner_diameter_m(self) -> float:
        return self.inner_diameter_mm / 1000.0

    def u(self, series: int) -> float:
        return self.u_W_mK[series - 1]


CATALOGUE_COLUMNS = ("dn", "outer_diameter_mm", "wall_mm", "inner_diameter_mm",
                     "casing_s1_mm", "casing_s2_mm", "casing_s3_mm",
                     "u_s1_W_mK", "u_s2_W_mK", "u_s3_W_mK", "derived", "source")


def read_csv_rows(path: Path) -> list[dict]:
    """CSV rows as dicts; lines starting with '#' are comments."""
    with open(path, newline="", encoding="utf-8") as fh:
        lines = [ln for ln in fh if not ln.lstrip().startswith("#") and ln.strip()]
    return list(csv.DictReader(lines))


def load_catalogue(path: Path | str = DATA_DIR / "pipe_catalogue.csv") -> list[PipeSize]:
    out = []
    for r in read_csv_rows(Path(path)):
        out.append(PipeSize(
            dn=int(r["dn"]), outer_diameter_mm=float(r["outer_diameter_mm"]), wall_mm=float(r["wall_mm"]),
            inner_diameter_mm=float(r["inner_diameter_mm"]),
            casing_mm=(float(r["casing_s1_mm"]), float(r["casing_s2_mm"]), float(r["casing_s3_mm"])),
            u_W_mK=(float(r["u_s1_W_mK"]), float(r["u_s2_W_mK"]), float(r["u_s3_W_mK"])),
            source=r["source"], derived=r["derived"]))
    out.sort(key=lambda p: p.dn)
    return out


# --- derivation of the catalogue (used by make_pipe_catalogue.py) -----------------------------------
# EN 253 casing (jacket) outer diameters in mm: the ladder series 2/3 step along. From the series in the
# Modesto single / reinforced catalogues (FACTS §5) and MoSDH DN65..250 records (e.g. DN150_250/280/315).
CASING_LADDER_MM = (90, 110, 125, 140, 160, 180, 200, 225, 250, 280, 315, 355, 400, 450, 500, 560, 630,
                    670, 710, 800, 900, 1000, 1100, 1200, 1300, 1400)
LAMBDA_INS = 0.028     # W/mK PUR foam, as in the Modesto catalogue (FACTS §5)
LAMBDA_SOIL = 1.8      # W/mK, Modesto (FACTS §5/§6)
COVER_M = 0.8          # m soil cover above the casing, Modesto (FACTS §5)

# FACTS §5, EN 253 single pipes from energyville/modesto RigidSingleCompound.csv:
# DN: (OD mm, ID mm, wall mm, casing mm, Rs K m/W)
MODESTO_EN253 = {
    250: (273.0, 263.0, 5.0, 400, 2.99), 300: (323.9, 312.7, 5.6, 450, 2.65),
    350: (355.6, 344.4, 5.6, 500, 2.67), 400: (406.4, 393.8, 6.3, 560, 2.53),
    450: (457.0, 444.4, 6.3, 630, 2.48), 500: (508.0, 495.4, 6.3, 670, 2.20),
    600: (610.0, 595.8, 7.1, 800, 2.11), 700: (711.0, 695.0, 8.0, 900, 1.88),
    800: (813.0, 795.4, 8.8, 1000, 1.68), 900: (914.0, 894.0, 10.0, 1100, 1.54),
    1000: (1016.0, 994.0, 11.0, 1200, 1.41),
}
# FACTS §5, Logstor 2018.12 bores (DN: ID mm, OD mm); casing series 1 from FACTS (DN50 125, DN100 200) or
# MoSDH (DN65 140, DN80 160); DN125 225 is [EST] (next ladder step above DN100's 200).
LOGSTOR_SMALL = {50: (54.5, 60.3, 125), 65: (70.3, 76.1, 140), 80: (82.5, 88.9, 160),
                 100: (107.1, 114.3, 200), 125: (132.5, 139.7, 225)}
# MoSDH records DN150_250 and DN200_315 (FACTS §5 pointer): OD mm, wall mm, series-1 casing mm
MOSDH_MID = {150: (168.3, 4.5, 250), 200: (219.1, 6.3, 315)}


def r_single_pipe(od_mm: float, casing_mm: float) -> float:
    """Insulation + soil resistance [K m/W] of one buried single pipe:
    R = ln(Dc/Do)/(2 pi lambda_ins) + ln(4H/Dc)/(2 pi lambda_soil), H = cover + Dc/2 (pipe-axis depth)."""
    dc, do = casing_mm / 1000, od_mm / 1000
    h = COVER_M + dc / 2
    return math.log(dc / do) / (2 * math.pi * LAMBDA_INS) + math.log(4 * h / dc) / (2 * math.pi * LAMBDA_SOIL)


def casing_steps(casing_s1_mm: float) -> tuple[float, float, float]:
    i = CASING_LADDER_MM.index(int(casing_s1_mm))
    return (CASING_LADDER_MM[i], CASING_LADDER_MM[i + 1], CASING_LADDER_MM[i + 2])


def derive_catalogue() -> list[dict]:
    """Rows of pipe_catalogue.csv. Series-1 U of DN250..1000 is 1/Rs from the Modesto catalogue.
    Everything else is DERIVED additively: R_derived = R_single(OD, Dc_series) + offset, where offset =
    Rs_catalogue - R_single(OD, Dc_s1) of the same DN (DN250..1000) or of DN250, the nearest catalogue
    row (DN50..200). The offset carries whatever the catalogue includes beyond the single-pipe formula
    (Modesto's Rs is for a pair of compound single pipes 0.15 m apart)."""
    rows = []
    off250 = MODESTO_EN253[250][4] - r_single_pipe(MODESTO_EN253[250][0], MODESTO_EN253[250][3])
    small = {dn: (od, round((od - idm) / 2, 2), idm, c1) for dn, (idm, od, c1) in LOGSTOR_SMALL.items()}
    mid = {dn: (od, w, round(od - 2 * w, 1), c1) for dn, (od, w, c1) in MOSDH_MID.items()}
    for dn in sorted(set(small) | set(mid) | set(MODESTO_EN253)):
        if dn in MODESTO_EN253:
            od, idm, wall, c1, rs = MODESTO_EN253[dn]
            cs = casing_steps(c1)
            offset = rs - r_single_pipe(od, c1)
            r = [rs] + [r_single_pipe(od, c) + offset for c in cs[1:]]
            derived = "u_s2,u_s3"
            src = ("steel+casing s1+U s1: EN 253 via energyville/modesto RigidSingleCompound.csv (FACTS s5); "
                   "s2/s3 casing = +1/+2 EN 253 casing steps (Modesto reinforced / MoSDH ladder)")
        else:
            od, wall, idm, c1 = small.get(dn) or mid[dn]
            cs = casing_steps(c1)
            r = [r_single_pipe(od, c) + off250 for c in cs]
            derived = "u_s1,u_s2,u_s3" + (",wall_mm" if dn in small else ",inner_diameter_mm")
            src = ("ID/OD: Logstor 2018.12 via H.I. Tol code (FACTS s5)" if dn in small else
                   "OD/wall/casing s1: MoSDH DistrictHeatingPipes DN%d_%d.mo (FACTS s5 pointer)" % (dn, c1))
            src += "; casing s1 " + ("FACTS s5" if dn in (50, 100) else "MoSDH" if dn in (65, 80, 150, 200)
                                     else "[EST] ladder step") + "; casings s2/s3 +1/+2 EN 253 steps"
        rows.append({
            "dn": dn, "outer_diameter_mm": od, "wall_mm": wall, "inner_diameter_mm": idm,
            "casing_s1_mm": cs[0], "casing_s2_mm": cs[1], "casing_s3_mm": cs[2],
            "u_s1_W_mK": round(1 / r[0], 3), "u_s2_W_mK": round(1 / r[1], 3), "u_s3_W_mK": round(1 / r[2], 3),
            "derived": derived, "source": src})
    return rows


# ----------------------------------------------------------------------------------------------------
# Inputs: districts, building types, route
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BuildingType:
    type: str
    code: str
    heating_W_m2: float
    dhw_avg_W_m2: float
    substation_area_m2: float

    @property
    def design_W_m2(self) -> float:
        return self.heating_W_m2 + self.dhw_avg_W_m2


@dataclass(frozen=True)
class District:
    id: str
    name: str
    junction: str
    x: float
    y: float
    elevation_m: float
    floor_area_m2: dict            # building type -> heated floor area m2
    ring_partner: str


def load_building_types(path: Path | str = DATA_DIR / "building_types.csv") -> dict[str, BuildingType]:
    return {r["type"]: BuildingType(r["type"], r["code"], float(r["heating_W_m2"]), float(r["dhw_avg_W_m2"]),
                                    float(r["substation_area_m2"])) for r in read_csv_rows(Path(path))}


def load_districts(path: Path | str = DATA_DIR / "districts.csv",
                   types: dict[str, BuildingType] | None = None) -> list[District]:
    types = types or load_building_types()
    out = []
    for r in read_csv_rows(Path(path)):
        areas = {t: float(r[f"{t}_m2"]) for t in types}
        out.append(District(r["id"], r["name"], r["junction"], float(r["centre_x_m"]), float(r["centre_y_m"]),
                            float(r["elevation_m"]), areas, r.get("ring_partner", "").strip()))
    return out


def load_route(path: Path | str = DATA_DIR / "trunk_route.csv") -> list[tuple[str, float, float]]:
    return [(r["id"], float(r["x_m"]), float(r["y_m"])) for r in read_csv_rows(Path(path))]


# ----------------------------------------------------------------------------------------------------
# Design parameters and sizing rules
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SizingRule:
    max_velocity_m_s: float
    max_r_pa_m: float
    min_dn: int


# Pipe roles and their criteria (README "Sizing rule"). Mains: CIS <= 80 Pa/m [EST, FACTS §3] and v <= 2 m/s
# (EU 0.5-2.5 m/s, CEA 2 m/s, FACTS §3); street distribution <= 100 Pa/m (our choice, to keep the pump head
# and the return pressure moderate); service pipes up to 250 Pa/m (FACTS §3: 200-300 Pa/m).
DEFAULT_RULES = {
    "trunk": SizingRule(2.0, 80.0, 200),
    "branch": SizingRule(2.0, 80.0, 150),
    "street": SizingRule(2.0, 100.0, 65),
    "service": SizingRule(2.5, 250.0, 50),
}


@dataclass(frozen=True)
class DesignParameters:
    supply_temperature_C: float = 130.0      # design schedule 130/70 (150/70 alternative), FACTS §1 [EST]
    return_temperature_C: float = 70.0
    insulation_series: int = 2               # EN 253 series 1/2/3
    trunk_dn: int | None = None              # None: telescoped by flow; else every trunk section this DN
    roughness_mm: float = 0.1                # new pre-insulated steel (EU value, FACTS §3)
    ambient_temperature_C: float = 4.0       # design soil temperature [EST] +3..+5 C (FACTS §2/§6)
    fluid_temperature_C: float = 80.0        # settings.temperature_C (only where no thermal solve applies)
    return_pressure_bar: float = 4.0         # static / make-up pressure at the plant return (gauge), README
    min_dp_bar: float = 1.0                  # at every substation [EST] (FACTS §3: 8-15 m)
    local_loss_allowance: float = 0.2        # minor_loss = a * f_rough * L / D  [EST]
    chp_elevation_m: float = 31.0            # plant on the river terrace [EST]
    street_spacing_m: float = 150.0          # distance between street tee nodes
    arms_per_district: int = 4
    seed: int = 20251125
    rules: dict = field(default_factory=lambda: dict(DEFAULT_RULES))
    building_height_m: float = 30.0          # highest served building (9-storey block) [EST]
    static_margin_m: float = 5.0             # CIS minimum 5 m in the return line [EST, FACTS §3]
    pressure_class_bar: float = 16.0         # PN16 (FACTS §3)


def size_pipe(m_kg_s: float, catalogue: list[PipeSize], rule: SizingRule, p: DesignParameters) -> PipeSize:
    """Smallest catalogue size >= rule.min_dn meeting v <= v_max and R <= R_max at both the supply and the
    return temperature (the return is denser and more viscous, the supply faster)."""
    for size in catalogue:
        if size.dn < rule.min_dn:
            continue
        ok = True
        for t in (p.supply_temperature_C, p.return_temperature_C):
            r, v = specific_loss(m_kg_s, size.inner_diameter_m, p.roughness_mm, t)
            if r > rule.max_r_pa_m or v > rule.max_velocity_m_s:
                ok = False
        if ok:
            return size
    raise ValueError(f"no catalogue pipe carries {m_kg_s:.1f} kg/s within {rule}")


def catalogue_size(catalogue: list[PipeSize], dn: int) -> PipeSize:
    for s in catalogue:
        if s.dn == dn:
            return s
    raise ValueError(f"DN {dn} not in the catalogue (have {[s.dn for s in catalogue]})")


# ----------------------------------------------------------------------------------------------------
# Layout (topology + geometry), independent of sizing
# ----------------------------------------------------------------------------------------------------
@dataclass
class LNode:
    num: int
    x: float
    y: float
    z: float
    role: str            # plant | trunk | hub | street | building
    district: str = ""


@dataclass
class LEdge:
    num: int
    a: int               # upstream node (supply direction)
    b: int               # downstream node
    role: str            # trunk | branch | ring | street | service
    length_m: float
    district: str = ""
    flow_kg_s: float = 0.0
    size: PipeSize | None = None


@dataclass
class LConsumer:
    id: str
    node: int
    district: str
    type: str
    floor_area_m2: float
    heat_kW: float


@dataclass
class Layout:
    nodes: list[LNode]
    edges: list[LEdge]
    consumers: list[LConsumer]


def _idw_elevation(x: float, y: float, pts: list[tuple[float, float, float]]) -> float:
    """Inverse-distance-squared interpolation of ground level between the control points."""
    num = den = 0.0
    for px, py, pz in pts:
        d2 = (x - px) ** 2 + (y - py) ** 2
        if d2 < 1.0:
            return pz
        num += pz / d2
        den += 1 / d2
    return num / den


def _split_area(total: float, unit: float, rng: random.Random) -> list[float]:
    """Split a district's floor area of one type into substations of about `unit` m2 (+-25 %)."""
    n = max(1, round(total / unit)) if total > 0 else 0
    w = [rng.uniform(0.75, 1.25) for _ in range(n)]
    s = sum(w)
    return [total * wi / s for wi in w]


def build_layout(p: DesignParameters, districts: list[District], types: dict[str, BuildingType],
                 route: list[tuple[str, float, float]]) -> Layout:
    rng = random.Random(p.seed)
    ctrl = [(0.0, 0.0, p.chp_elevation_m)] + [(d.x, d.y, d.elevation_m) for d in districts]
    nodes: list[LNode] = []
    edges: list[LEdge] = []
    consumers: list[LConsumer] = []

    def add_node(x, y, role, district=""):
        z = min(40.0, max(30.0, _idw_elevation(x, y, ctrl)))
        nodes.append(LNode(len(nodes), round(x, 1), round(y, 1), round(z, 2), role, district))
        return len(nodes) - 1

    def add_edge(a, b, role, district=""):
        na, nb = nodes[a], nodes[b]
        length = math.hypot(nb.x - na.x, nb.y - na.y)
        edges.append(LEdge(len(edges) + 1, a, b, role, round(max(length, 1.0), 1), district))

    # trunk
    junction = {}
    prev = None
    for wid, x, y in route:
        n = add_node(x, y, "plant" if prev is None else "trunk")
        junction[wid] = n
        if prev is not None:
            add_edge(prev, n, "trunk")
        prev = n
    if nodes[0].x != 0.0 or nodes[0].y != 0.0:
        raise ValueError("the first trunk waypoint must be the CHP at (0, 0)")

    hubs = {}
    for d in districts:
        j = junction[d.junction]
        hub = add_node(d.x, d.y, "hub", d.id)
        hubs[d.id] = hub
        add_edge(j, hub, "branch", d.id)
        # consumer substations of this district
        items = []
        for t, area in d.floor_area_m2.items():
            for a in _split_area(area, types[t].substation_area_m2, rng):
                items.append((t, a))
        rng.shuffle(items)
        # arms in an X relative to the incoming branch, so no arm runs back along it
        jx, jy = nodes[j].x, nodes[j].y
        base = math.atan2(jy - d.y, jx - d.x)
        arms = [base + math.pi / p.arms_per_district * (2 * k + 1) for k in range(p.arms_per_district)]
        per_arm = [items[k::p.arms_per_district] for k in range(p.arms_per_district)]
        seq = 0
        for ang, arm_items in zip(arms, per_arm):
            ux, uy = math.cos(ang), math.sin(ang)
            prev_n, dist = hub, 0.0
            for i in range(0, len(arm_items), 2):
                dist += p.street_spacing_m * rng.uniform(0.85, 1.15)
                sn = add_node(d.x + ux * dist, d.y + uy * dist, "street", d.id)
                add_edge(prev_n, sn, "street", d.id)
                prev_n = sn
                for side, (t, area) in zip((1, -1), arm_items[i:i + 2]):
                    off = rng.uniform(40, 120)
                    along = rng.uniform(-30, 30)
                    bx = nodes[sn].x - side * uy * off + ux * along
                    by = nodes[sn].y + side * ux * off + uy * along
                    bn = add_node(bx, by, "building", d.id)
                    add_edge(sn, bn, "service", d.id)
                    seq += 1
                    bt = types[t]
                    consumers.append(LConsumer(f"C{d.id[1:]}-{seq:02d}-{bt.code}", bn, d.id, t, area,
                                               area * bt.design_W_m2 / 1000.0))
    done = set()
    for d in districts:
        if d.ring_partner and (d.ring_partner, d.id) not in done:
            add_edge(hubs[d.id], hubs[d.ring_partner], "ring", d.id)
            done.add((d.id, d.ring_partner))
    return Layout(nodes, edges, consumers)


def design_flows(layout: Layout, p: DesignParameters) -> None:
    """Tree design flows (ring pipes carry 0 here) from m = Q / (cp (Ts - Tr)), heat losses neglected."""
    cp = mean_cp(p.supply_temperature_C, p.return_temperature_C)
    dt = p.supply_temperature_C - p.return_temperature_C
    load = {n.num: 0.0 for n in layout.nodes}
    for c in layout.consumers:
        load[c.node] += c.heat_kW * 1e3 / (cp * dt)
    children: dict[int, list[LEdge]] = {}
    for e in layout.edges:
        if e.role != "ring":
            children.setdefault(e.a, []).append(e)

    def subtree(n: int) -> float:
        s = load[n]
        for e in children.get(n, []):
            e.flow_kg_s = subtree(e.b)
            s += e.flow_kg_s
        return s
    subtree(0)


def size_layout(layout: Layout, catalogue: list[PipeSize], p: DesignParameters) -> None:
    for e in layout.edges:
        if e.role == "ring":
            continue
        e.size = size_pipe(e.flow_kg_s, catalogue, p.rules[e.role], p)
        if e.role == "trunk" and p.trunk_dn is not None:
            e.size = catalogue_size(catalogue, p.trunk_dn)
    # ring link: the smaller of the two branches feeding the districts it closes (redundancy link)
    branch_of = {e.district: e for e in layout.edges if e.role == "branch"}
    hub_district = {n.num: n.district for n in layout.nodes if n.role == "hub"}
    for e in layout.edges:
        if e.role == "ring":
            b1, b2 = branch_of[hub_district[e.a]], branch_of[hub_district[e.b]]
            e.size = min(b1.size, b2.size, key=lambda s: s.dn)


# ----------------------------------------------------------------------------------------------------
# Network dict (heatnet-network/1)
# ----------------------------------------------------------------------------------------------------
def _minor_loss(e: LEdge, p: DesignParameters) -> float:
    d = e.size.inner_diameter_m
    return round(p.local_loss_allowance * fully_rough_friction_factor(p.roughness_mm * 1e-3 / d)
                 * e.length_m / d, 3)


def layout_to_network(layout: Layout, p: DesignParameters, critical_consumer: str, name: str,
                      description: str) -> dict:
    nodes = []
    for side in ("S", "R"):
        for n in layout.nodes:
            nodes.append({"id": f"{side}{n.num}", "elevation_m": n.z, "x": n.x, "y": n.y})
    pipes = []
    for side in ("S", "R"):
        for e in layout.edges:
            u = e.size.u(p.insulation_series)
            a, b = (e.a, e.b) if side == "S" else (e.b, e.a)     # return pipes point back to the plant
            pipes.append({"id": f"P{side}{e.num}", "from": f"{side}{a}", "to": f"{side}{b}",
                          "length_m": e.length_m, "inner_diameter_m": round(e.size.inner_diameter_m, 5),
                          "roughness_mm": p.roughness_mm, "minor_loss": _minor_loss(e, p),
                          "heat_loss_W_mK": u})
    consumers = [{"id": c.id, "supply_node": f"S{c.node}", "return_node": f"R{c.node}",
                  "heat_demand_kW": round(c.heat_kW, 1), "return_temperature_C": p.return_temperature_C,
                  "min_dp_bar": p.min_dp_bar} for c in layout.consumers]
    return {
        "format": FORMAT,
        "name": name,
        "description": description,
        "settings": {"fluid": "water", "friction": "colebrook",
                     "ambient_temperature_C": p.ambient_temperature_C,
                     "temperature_C": p.fluid_temperature_C},
        "nodes": nodes,
        "pipes": pipes,
        "sources": [{"id": "CHP", "supply_node": "S0", "return_node": "R0",
                     "supply_temperature_C": p.supply_temperature_C,
                     "return_pressure_bar": p.return_pressure_bar,
                     "pump": {"type": "dp_control", "consumer": critical_consumer, "dp_bar": p.min_dp_bar}}],
        "consumers": consumers,
    }


@dataclass
class Model:
    """The built example: layout with sizes plus the heatnet network dict and its hydraulic check."""
    params: DesignParameters
    layout: Layout
    network: dict
    check: "CheckResult"


def build_model(p: DesignParameters = DesignParameters(), data_dir: Path | str = DATA_DIR) -> Model:
    data_dir = Path(data_dir)
    if p.insulation_series not in (1, 2, 3):
        raise ValueError("insulation_series must be 1, 2 or 3")
    if not p.return_temperature_C < p.supply_temperature_C:
        raise ValueError("return temperature must be below the supply temperature")
    catalogue = load_catalogue(data_dir / "pipe_catalogue.csv")
    types = load_building_types(data_dir / "building_types.csv")
    districts = load_districts(data_dir / "districts.csv", types)
    route = load_route(data_dir / "trunk_route.csv")
    layout = build_layout(p, districts, types, route)
    design_flows(layout, p)
    size_layout(layout, catalogue, p)
    ts, tr = p.supply_temperature_C, p.return_temperature_C
    trunk = [e for e in layout.edges if e.role == "trunk"]
    name = f"Oral heat main, proposal A ({ts:g}/{tr:g} C, EN 253 series {p.insulation_series}, trunk DN{trunk[0].size.dn})"
    description = (
        "Example network for heatnet: a PROPOSED heat transmission main from the Uralsk CHP (Oral, West "
        "Kazakhstan) to eight schematic districts. Route, districts, loads and temperatures are ASSUMPTIONS "
        "(the real main is not documented publicly); see examples/oral/README.md for every assumption and "
        "its basis. Generated by examples/oral/generate_oral.py - do not edit by hand.")
    net = layout_to_network(layout, p, layout.consumers[0].id, name, description)
    chk = hydraulic_check(net, p)
    net["sources"][0]["pump"]["consumer"] = chk.critical_consumer
    return Model(p, layout, net, chk)


def build_network(p: DesignParameters = DesignParameters(), data_dir: Path | str = DATA_DIR) -> dict:
    return build_model(p, data_dir).network


# ----------------------------------------------------------------------------------------------------
# Hydraulic sanity check on a network dict (works for any tree or meshed two-pipe network)
# ----------------------------------------------------------------------------------------------------
@dataclass
class CheckResult:
    critical_consumer: str
    critical_path_length_m: float
    dp_supply_bar: float           # friction + minor loss plant -> critical consumer, supply line
    dp_return_bar: float           # critical consumer -> plant, return line
    pump_dp_bar: float             # required source differential pressure
    total_flow_kg_s: float
    plant_supply_pressure_bar: float
    min_supply_pressure_bar: float
    min_supply_pressure_node: str
    anti_boiling_min_bar: float    # gauge: p_sat(Ts) + 0.5 bar (FACTS §3/§7)
    max_return_pressure_bar: float
    static_required_bar: float     # return pressure needed to fill the highest building
    max_velocity_m_s: float
    max_velocity_pipe: str
    loop_iterations: int
    consumer_dp_bar: dict          # consumer -> supply + return loss + min_dp (required pump dp)
    pipe_flow_kg_s: dict

    def lines(self) -> list[str]:
        return [
            f"critical consumer            {self.critical_consumer} (path {self.critical_path_length_m / 1000:.2f} km)",
            f"loss plant->consumer, supply {self.dp_supply_bar:.2f} bar; return {self.dp_return_bar:.2f} bar",
            f"required pump dp             {self.pump_dp_bar:.2f} bar  (incl. {self.pump_dp_bar - self.dp_supply_bar - self.dp_return_bar:.2f} bar at the consumer)",
            f"plant supply pressure        {self.plant_supply_pressure_bar:.2f} bar g  (PN16 limit 16 bar: "
            f"{'OK' if self.plant_supply_pressure_bar < 16 else 'EXCEEDED'})",
            f"min supply pressure          {self.min_supply_pressure_bar:.2f} bar g at {self.min_supply_pressure_node}"
            f"  (anti-boiling needs >= {self.anti_boiling_min_bar:.2f} bar g: "
            f"{'OK' if self.min_supply_pressure_bar >= self.anti_boiling_min_bar else 'VIOLATED'})",
            f"max return pressure          {self.max_return_pressure_bar:.2f} bar g",
            f"static fill requirement      {self.static_required_bar:.2f} bar g at the plant return",
            f"max velocity                 {self.max_velocity_m_s:.2f} m/s in {self.max_velocity_pipe}",
        ]


def _component(start: str, adj: dict) -> set:
    seen, stack = {start}, [start]
    while stack:
        n = stack.pop()
        for _, m in adj.get(n, []):
            if m not in seen:
                seen.add(m)
                stack.append(m)
    return seen


def _solve_component_flows(pipes: list[dict], root: str, outflow: dict, t_c: float) -> tuple[dict, int]:
    """Pipe mass flows (+ = from->to) in one connected pipe network fed/drained at `root`, with fixed
    node outflows (kg/s, + leaves). Spanning-tree flows, then Hardy Cross on the fundamental loops."""
    adj: dict[str, list] = {}
    for pp in pipes:
        adj.setdefault(pp["from"], []).append((pp, pp["to"]))
        adj.setdefault(pp["to"], []).append((pp, pp["from"]))
    parent: dict[str, tuple] = {root: (None, None)}
    order = [root]
    for n in order:                                   # BFS spanning tree
        for pp, m in adj.get(n, []):
            if m not in parent:
                parent[m] = (pp, n)
                order.append(m)
    tree_ids = {pp["id"] for pp, _ in parent.values() if pp is not None}
    flow = {pp["id"]: 0.0 for pp in pipes}
    sub = {n: outflow.get(n, 0.0) for n in order}
    for n in reversed(order[1:]):
        pp, par = parent[n]
        sub[par] += sub[n]
        flow[pp["id"]] = sub[n] if pp["to"] == n else -sub[n]
    depth = {root: 0}
    for n in order[1:]:
        depth[n] = depth[parent[n][1]] + 1
    loops = []
    for pp in pipes:
        if pp["id"] in tree_ids:
            continue
        path = [(pp, 1.0)]              # loop orientation = along the chord from->to, back through the tree
        a, b = pp["to"], pp["from"]
        left, right = [], []
        while a != b:
            if depth[a] >= depth[b]:
                q, par = parent[a]
                left.append((q, 1.0 if q["from"] == a else -1.0))
                a = par
            else:
                q, par = parent[b]
                right.append((q, -1.0 if q["from"] == b else 1.0))
                b = par
        loops.append(path + left + right[::-1])
    it = 0
    for it in range(1, 200):
        worst = 0.0
        for loop in loops:
            h = dh = 0.0
            for pp, s in loop:
                q = flow[pp["id"]] * s
                qq = q if abs(q) > 1e-6 else 1e-6
                dp = pipe_dp_pa(qq, pp["inner_diameter_m"], pp["length_m"], pp.get("roughness_mm", 0.0),
                                pp.get("minor_loss", 0.0), t_c)
                h += dp
                dh += 2 * abs(dp / qq)
            corr = -h / dh
            for pp, s in loop:
                flow[pp["id"]] += s * corr
            worst = max(worst, abs(corr))
        if worst < 1e-7:
            break
    return flow, it


def hydraulic_check(net: dict, p: DesignParameters | None = None) -> CheckResult:
    """Design-flow pressure losses (Darcy-Weisbach, Swamee-Jain) supply and return, loop flows by Hardy
    Cross, pump dp to hold min_dp at the worst consumer, and pressure-level checks."""
    p = p or DesignParameters()
    src = net["sources"][0]
    ts = src["supply_temperature_C"]
    node = {n["id"]: n for n in net["nodes"]}
    adj: dict[str, list] = {}
    for pp in net["pipes"]:
        adj.setdefault(pp["from"], []).append((pp, pp["to"]))
        adj.setdefault(pp["to"], []).append((pp, pp["from"]))
    sup_nodes = _component(src["supply_node"], adj)
    ret_nodes = _component(src["return_node"], adj)
    if sup_nodes & ret_nodes:
        raise ValueError("supply and return pipe networks are connected by a pipe")
    out_s: dict[str, float] = {}
    out_r: dict[str, float] = {}
    tr_max = 0.0
    for c in net["consumers"]:
        tr = c["return_temperature_C"]
        tr_max = max(tr_max, tr)
        m = c["heat_demand_kW"] * 1e3 / (mean_cp(ts, tr) * (ts - tr))
        out_s[c["supply_node"]] = out_s.get(c["supply_node"], 0.0) + m
        out_r[c["return_node"]] = out_r.get(c["return_node"], 0.0) - m
    total = sum(out_s.values())
    sp = [pp for pp in net["pipes"] if pp["from"] in sup_nodes]
    rp = [pp for pp in net["pipes"] if pp["from"] in ret_nodes]
    fs, it_s = _solve_component_flows(sp, src["supply_node"], out_s, ts)
    fr, it_r = _solve_component_flows(rp, src["return_node"], out_r, tr_max)
    flows = {**fs, **fr}

    def potentials(pipes, root, t_c):
        pot = {root: 0.0}
        stack = [root]
        a2: dict[str, list] = {}
        for pp in pipes:
            a2.setdefault(pp["from"], []).append((pp, pp["to"], 1.0))
            a2.setdefault(pp["to"], []).append((pp, pp["from"], -1.0))
        while stack:
            n = stack.pop()
            for pp, m, s in a2.get(n, []):
                if m in pot:
                    continue
                dp = pipe_dp_pa(flows[pp["id"]], pp["inner_diameter_m"], pp["length_m"],
                                pp.get("roughness_mm", 0.0), pp.get("minor_loss", 0.0), t_c)
                pot[m] = pot[n] - s * dp            # pressure falls along the flow
                stack.append(m)
        return pot

    ps = potentials(sp, src["supply_node"], ts)
    pr = potentials(rp, src["return_node"], tr_max)
    req = {}
    for c in net["consumers"]:
        req[c["id"]] = (-ps[c["supply_node"]] + pr[c["return_node"]]) / 1e5 + c.get("min_dp_bar", 0.0)
    crit = max(req, key=req.get)
    cc = next(c for c in net["consumers"] if c["id"] == crit)
    pump = req[crit]
    # shortest route length plant -> critical consumer (supply side)
    dist = {src["supply_node"]: 0.0}
    heap = [(0.0, src["supply_node"])]
    while heap:
        d, n = heapq.heappop(heap)
        if d > dist.get(n, math.inf):
            continue
        for pp, m in adj.get(n, []):
            nd = d + pp["length_m"]
            if nd < dist.get(m, math.inf):
                dist[m] = nd
                heapq.heappush(heap, (nd, m))
    ws, wr = water(ts), water(tr_max)
    z0s, z0r = node[src["supply_node"]]["elevation_m"], node[src["return_node"]]["elevation_m"]
    p_r0 = src["return_pressure_bar"]
    p_s0 = p_r0 + pump
    psup = {n: p_s0 + ps[n] / 1e5 - ws.rho * G * (node[n]["elevation_m"] - z0s) / 1e5 for n in ps}
    pret = {n: p_r0 + pr[n] / 1e5 - wr.rho * G * (node[n]["elevation_m"] - z0r) / 1e5 for n in pr}
    nmin = min(psup, key=psup.get)
    zmax = max(n["elevation_m"] for n in net["nodes"])
    w100 = water(100.0)
    static_req = w100.rho * G * (zmax - z0r + p.building_height_m + p.static_margin_m) / 1e5
    vmax, vpipe = 0.0, ""
    for pp in net["pipes"]:
        t = ts if pp["from"] in sup_nodes else tr_max
        v = abs(flows[pp["id"]]) / (water(t).rho * math.pi * pp["inner_diameter_m"] ** 2 / 4)
        if v > vmax:
            vmax, vpipe = v, pp["id"]
    return CheckResult(
        critical_consumer=crit, critical_path_length_m=dist[cc["supply_node"]],
        dp_supply_bar=-ps[cc["supply_node"]] / 1e5, dp_return_bar=pr[cc["return_node"]] / 1e5,
        pump_dp_bar=pump, total_flow_kg_s=total, plant_supply_pressure_bar=p_s0,
        min_supply_pressure_bar=psup[nmin], min_supply_pressure_node=nmin,
        anti_boiling_min_bar=ws.p_sat_bar_abs + 0.5 - P_ATM_BAR,
        max_return_pressure_bar=max(pret.values()), static_required_bar=static_req,
        max_velocity_m_s=vmax, max_velocity_pipe=vpipe, loop_iterations=max(it_s, it_r),
        consumer_dp_bar=req, pipe_flow_kg_s=flows)


# ----------------------------------------------------------------------------------------------------
# Spec sanity check (structure only; the solver does the real validation)
# ----------------------------------------------------------------------------------------------------
_ALLOWED = {
    "top": {"format", "name", "description", "settings", "nodes", "pipes", "pressure_nodes", "sources",
            "consumers", "pumps", "valves"},
    "settings": {"fluid", "friction", "ambient_temperature_C", "temperature_C", "gravity_m_s2", "tolerance",
                 "max_iterations"},
    "node": {"id", "elevation_m", "x", "y", "demand_kg_s", "injection_temperature_C"},
    "pipe": {"id", "from", "to", "length_m", "inner_diameter_m", "roughness_mm", "minor_loss",
             "heat_loss_W_mK", "ambient_temperature_C", "hazen_williams_c"},
    "source": {"id", "supply_node", "return_node", "supply_temperature_C", "return_pressure_bar", "pump"},
    "consumer": {"id", "supply_node", "return_node", "heat_demand_kW", "return_temperature_C", "min_dp_bar",
                 "mass_flow_kg_s"},
}


def validate_network(net: dict) -> list[str]:
    """Structural checks against heatnet-network/1; returns a list of problems (empty = fine)."""
    err = []

    def keys(obj, kind, label):
        extra = set(obj) - _ALLOWED[kind]
        if extra:
            err.append(f"{label}: unknown keys {sorted(extra)}")

    keys(net, "top", "network")
    if net.get("format") != FORMAT:
        err.append(f"format must be {FORMAT}")
    keys(net.get("settings", {}), "settings", "settings")
    ids = {}
    for kind, lst in (("node", net["nodes"]), ("pipe", net["pipes"]), ("source", net["sources"]),
                      ("consumer", net["consumers"])):
        seen = set()
        for o in lst:
            keys(o, kind, f"{kind} {o.get('id')!r}")
            if not isinstance(o.get("id"), str) or not o["id"]:
                err.append(f"{kind}: missing/non-string id {o!r}")
            if o.get("id") in seen:
                err.append(f"{kind} {o['id']!r}: duplicate id")
            seen.add(o.get("id"))
        ids[kind] = seen
    nodes = ids["node"]
    for n in net["nodes"]:
        if not isinstance(n.get("elevation_m"), (int, float)):
            err.append(f"node {n['id']!r}: elevation_m missing")
    for pp in net["pipes"]:
        for k in ("from", "to"):
            if pp.get(k) not in nodes:
                err.append(f"pipe {pp['id']!r}: {k} = {pp.get(k)!r} is not a node")
        for k in ("length_m", "inner_diameter_m"):
            if not pp.get(k, 0) > 0:
                err.append(f"pipe {pp['id']!r}: {k} = {pp.get(k)!r}; must be > 0")
        if pp.get("roughness_mm", 0) < 0 or pp.get("minor_loss", 0) < 0 or pp.get("heat_loss_W_mK", 0) < 0:
            err.append(f"pipe {pp['id']!r}: negative roughness / minor loss / heat loss")
        if pp["from"] == pp["to"]:
            err.append(f"pipe {pp['id']!r}: from == to")
    for c in net["consumers"]:
        for k in ("supply_node", "return_node"):
            if c.get(k) not in nodes:
                err.append(f"consumer {c['id']!r}: {k} = {c.get(k)!r} is not a node")
        if not c.get("heat_demand_kW", 0) > 0:
            err.append(f"consumer {c['id']!r}: heat_demand_kW must be > 0")
    for s in net["sources"]:
        for k in ("supply_node", "return_node"):
            if s.get(k) not in nodes:
                err.append(f"source {s['id']!r}: {k} = {s.get(k)!r} is not a node")
        pump = s.get("pump", {})
        if pump.get("type") == "dp_control":
            if set(pump) != {"type", "consumer", "dp_bar"}:
                err.append(f"source {s['id']!r}: dp_control pump keys {sorted(pump)}")
            if pump.get("consumer") not in ids["consumer"]:
                err.append(f"source {s['id']!r}: pump consumer {pump.get('consumer')!r} does not exist")
        for c in net["consumers"]:
            if not c["return_temperature_C"] < s["supply_temperature_C"]:
                err.append(f"consumer {c['id']!r}: return temperature not below the supply temperature")
    # two-pipe convention of this example: S<k> has twin R<k> (same x, y, z); PS<k> has twin PR<k>
    byid = {n["id"]: n for n in net["nodes"]}
    for nid, n in byid.items():
        twin = ("R" + nid[1:]) if nid.startswith("S") else ("S" + nid[1:])
        t = byid.get(twin)
        if t is None or (t["x"], t["y"], t["elevation_m"]) != (n["x"], n["y"], n["elevation_m"]):
            err.append(f"node {nid!r}: no twin {twin!r} at the same position/elevation")
    pipes = {pp["id"]: pp for pp in net["pipes"]}
    for pid, pp in pipes.items():
        twin = pipes.get(("PR" if pid.startswith("PS") else "PS") + pid[2:])
        if twin is None or twin["length_m"] != pp["length_m"] or twin["inner_diameter_m"] != pp["inner_diameter_m"]:
            err.append(f"pipe {pid!r}: no matching supply/return twin")
    # connectivity: every node reachable from the source through pipes, consumers and the source itself
    adj: dict[str, set] = {}
    links = [(pp["from"], pp["to"]) for pp in net["pipes"]]
    links += [(c["supply_node"], c["return_node"]) for c in net["consumers"]]
    links += [(s["supply_node"], s["return_node"]) for s in net["sources"]]
    for a, b in links:
        adj.setdefault(a, set()).add(b)
        adj.setdefault(b, set()).add(a)
    if net["sources"]:
        reach = _component(net["sources"][0]["return_node"], {k: [(None, m) for m in v] for k, v in adj.items()})
        lost = nodes - reach
        if lost:
            err.append(f"{len(lost)} nodes not connected to the source, e.g. {sorted(lost)[:5]}")
    return err


# ----------------------------------------------------------------------------------------------------
# Output helpers
# ----------------------------------------------------------------------------------------------------
def dumps_network(net: dict) -> str:
    """JSON text with one element per line (diff-friendly)."""
    out = ["{"]
    items = list(net.items())
    for i, (k, v) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        if isinstance(v, list):
            out.append(f"  {json.dumps(k)}: [")
            for j, el in enumerate(v):
                out.append("    " + json.dumps(el, ensure_ascii=False) + ("," if j < len(v) - 1 else ""))
            out.append("  ]" + comma)
        else:
            out.append(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}{comma}")
    out.append("}")
    return "\n".join(out) + "\n"


def summary(model: Model) -> list[str]:
    lay, p, net = model.layout, model.params, model.network
    total_kw = sum(c.heat_kW for c in lay.consumers)
    trunk = [e for e in lay.edges if e.role == "trunk"]
    supply_len = sum(e.length_m for e in lay.edges)
    heat_loss = sum(e.size.u(p.insulation_series) * e.length_m
                    * (p.supply_temperature_C + p.return_temperature_C - 2 * p.ambient_temperature_C)
                    for e in lay.edges)
    by_role = {}
    for e in lay.edges:
        r = by_role.setdefault(e.role, [0, 0.0, set()])
        r[0] += 1
        r[1] += e.length_m
        r[2].add(e.size.dn)
    by_type = {}
    for c in lay.consumers:
        t = by_type.setdefault(c.type, [0, 0.0, 0.0])
        t[0] += 1
        t[1] += c.floor_area_m2
        t[2] += c.heat_kW
    lines = [
        f"network          {net['name']}",
        f"consumers        {len(net['consumers'])}",
        f"nodes            {len(net['nodes'])} ({len(lay.nodes)} supply + {len(lay.nodes)} return)",
        f"pipes            {len(net['pipes'])} ({len(lay.edges)} supply + {len(lay.edges)} return)",
        f"route length     {supply_len / 1000:.2f} km (pipe length incl. return {2 * supply_len / 1000:.2f} km)",
        f"trunk            {sum(e.length_m for e in trunk) / 1000:.2f} km, DN "
        + " -> ".join(str(e.size.dn) for e in trunk) + f" (outlet DN{trunk[0].size.dn})",
        f"design load      {total_kw / 1000:.1f} MW = {total_kw / 1163:.1f} Gcal/h, "
        f"flow {model.check.total_flow_kg_s:.1f} kg/s at {p.supply_temperature_C:g}/{p.return_temperature_C:g} C",
        f"insulation       EN 253 series {p.insulation_series}; roughness {p.roughness_mm} mm; design heat loss "
        f"~{heat_loss / 1e6:.2f} MW ({100 * heat_loss / (total_kw * 1e3):.1f} % of the load; supply + return pipes "
        f"at {p.supply_temperature_C:g}/{p.return_temperature_C:g} C, soil {p.ambient_temperature_C:g} C)",
    ]
    for role, (n, length, dns) in by_role.items():
        lines.append(f"  {role:8s} {n:4d} pipes {length / 1000:7.2f} km  DN {min(dns)}..{max(dns)}")
    for t, (n, a, q) in by_type.items():
        lines.append(f"  {t:12s} {n:4d} substations {a / 1e3:8.1f} thousand m2 {q / 1000:7.1f} MW")
    return lines
