"""Cost inputs of a life-cycle study: the pipe cost catalogue, the pipe size catalogue that tells
a network's pipes apart (DN by inner diameter, insulation series by heat-loss coefficient), and the
economic parameters (prices, discount rate, lifetime, pump efficiency) with their sources.

Every check raises :class:`StudyInputError` (a ValueError) naming the file or field, the value
and the rule (docs/lifecycle.md).
"""
from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Tuple, Union

__all__ = ["StudyInputError", "Economics", "CostCatalogue", "PipeSizes", "Costs",
           "DEFAULT_COST_CATALOGUE", "STANDARD_DN", "GCAL_MWH"]

DEFAULT_COST_CATALOGUE = Path(__file__).with_name("cost_catalogue_en253.csv")

#: Nominal sizes of EN 253 bonded steel pipes (EN 253 covers DN 15-1200; EN 10220 steps).
STANDARD_DN = (15, 20, 25, 32, 40, 50, 65, 80, 100, 125, 150, 200, 250, 300, 350, 400, 450, 500,
               600, 700, 800, 900, 1000, 1100, 1200)
#: 1 Gcal = 4.1868 GJ (International Table calorie) = 1.163 MWh.
GCAL_MWH = 4.1868e9 / 3.6e9
#: National Bank of Kazakhstan official rate of 2024-04-24: 1 EUR = 473.33 KZT (nationalbank.kz).
KZT_PER_EUR = 473.33

PathLike = Union[str, "os.PathLike[str]"]


class StudyInputError(ValueError):
    """Bad study input: the message names the file/field, the value and the rule."""


def _finite(name: str, value: object, *, minimum: Optional[float] = None,
            exclusive: bool = False, maximum: Optional[float] = None) -> float:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise StudyInputError(f"{name} = {value!r}: not a number") from None
    if not math.isfinite(v):
        raise StudyInputError(f"{name} = {value!r}: must be finite")
    if minimum is not None and (v <= minimum if exclusive else v < minimum):
        raise StudyInputError(f"{name} = {v:g}: must be {'>' if exclusive else '>='} {minimum:g}")
    if maximum is not None and v > maximum:
        raise StudyInputError(f"{name} = {v:g}: must be <= {maximum:g}")
    return v


@dataclass(frozen=True)
class Economics:
    """Prices and financial parameters (EUR). The defaults are Kazakh prices for the Oral example
    (docs/lifecycle.md "Defaults"); change them for another market.

    heat_price_EUR_per_MWh: value of a MWh of heat lost in the pipes (it must be produced):
        Kyzylorda CHP heat *production* tariff from 2025-01-01, 4126.85 KZT/Gcal excl. VAT
        (syrdidary.kz/?p=2532), / 1.163 MWh/Gcal / 473.33 KZT/EUR (NBK 2024-04-24) = 7.50.
    electricity_price_EUR_per_MWh: pump electricity: first-level electricity tariff of
        1 July 2025, 33.13 KZT/kWh (rek-rudny.kz tariff table, households without electric
        stoves; the only 2025 Kazakh tariff at hand) / 473.33 KZT/EUR = 69.99.
    discount_rate: real, per year: 4 %, the default real WACC of the Energy Transition Model
        (quintel/documentation docs/main/heat-infrastructure-costs.md, "Annualised costs").
    lifetime_years: 30, the design life of EN 253 bonded pipe systems (FACTS.md section 3).
    pump_efficiency: wire-to-water efficiency of the circulation pumps (hydraulic power /
        electric power): 0.7 [EST] for large centrifugal pumps with motor and drive
        (mesido uses 0.5 as a conservative default).
    substation_EUR_per_kW: 135 EUR per kW of design demand ("Sub station", Vesta MAIS 4.0 via
        quintel/documentation heat-infrastructure-costs.md).
    pipes_per_trench: pipes sharing one trench (2: a supply/return pair); each pipe carries
        trench_EUR_per_m / pipes_per_trench.
    investment_factor: multiplies pipe and trench costs (regional price level; 1 = catalogue).
    """

    heat_price_EUR_per_MWh: float = 4126.85 / GCAL_MWH / KZT_PER_EUR
    electricity_price_EUR_per_MWh: float = 33.13e3 / KZT_PER_EUR
    discount_rate: float = 0.04
    lifetime_years: float = 30.0
    pump_efficiency: float = 0.7
    substation_EUR_per_kW: float = 135.0
    pipes_per_trench: float = 2.0
    investment_factor: float = 1.0

    def validate(self) -> "Economics":
        _finite("heat_price_EUR_per_MWh", self.heat_price_EUR_per_MWh, minimum=0)
        _finite("electricity_price_EUR_per_MWh", self.electricity_price_EUR_per_MWh, minimum=0)
        _finite("discount_rate", self.discount_rate, minimum=-1, exclusive=True, maximum=1)
        _finite("lifetime_years", self.lifetime_years, minimum=0, exclusive=True, maximum=200)
        _finite("pump_efficiency", self.pump_efficiency, minimum=0, exclusive=True, maximum=1)
        _finite("substation_EUR_per_kW", self.substation_EUR_per_kW, minimum=0)
        _finite("pipes_per_trench", self.pipes_per_trench, minimum=0, exclusive=True)
        _finite("investment_factor", self.investment_factor, minimum=0)
        return self

    @classmethod
    def from_mapping(cls, values: Mapping[str, object], where: str = "economics") -> "Economics":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise StudyInputError(f"{where}: unknown key {unknown[0]!r}; expected "
                                  + ", ".join(sorted(known)))
        converted = {k: _finite(f"{where}.{k}", v) for k, v in values.items()}
        try:
            return cls(**converted).validate()  # type: ignore[arg-type]
        except StudyInputError as e:
            raise StudyInputError(f"{where}.{e}") from None


def _read_rows(path: Path) -> List[Dict[str, str]]:
    """CSV rows as dicts; lines starting with '#' and blank lines are comments."""
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            lines = [(i + 1, ln) for i, ln in enumerate(fh)
                     if ln.strip() and not ln.lstrip().startswith("#")]
    except OSError as e:
        raise StudyInputError(f"{path}: cannot read ({e.strerror})") from None
    if not lines:
        raise StudyInputError(f"{path}: no header line")
    reader = csv.DictReader([ln for _, ln in lines])
    rows = []
    for (lineno, _), row in zip(lines[1:], reader):
        row["__line__"] = str(lineno)
        rows.append(row)
    return rows


def _column(path: Path, row: Dict[str, str], name: str) -> str:
    value = row.get(name)
    if value is None or value == "":
        raise StudyInputError(f"{path}:{row['__line__']}: column {name!r} is missing or empty")
    return value


def _dn(path: Path, row: Dict[str, str]) -> int:
    where = f"{path}:{row['__line__']}"
    raw = _column(path, row, "dn")
    try:
        dn = int(float(raw))
    except ValueError:
        raise StudyInputError(f"{where}: dn = {raw!r}: not a number") from None
    if dn != float(raw) or dn not in STANDARD_DN:
        raise StudyInputError(f"{where}: dn = {raw}: unknown DN; EN 253 sizes are "
                              + ", ".join(map(str, STANDARD_DN)))
    return dn


@dataclass(frozen=True)
class CostCatalogue:
    """Installed cost per metre of one pipe by (DN, insulation series), and trench cost per
    metre of trench by DN. CSV columns: dn, series, pipe_EUR_per_m, trench_EUR_per_m, source
    (required, non-empty: every number names where it comes from), derived (optional)."""

    pipe_EUR_per_m: Dict[Tuple[int, int], float]
    trench_EUR_per_m: Dict[Tuple[int, int], float]
    path: str = "<table>"

    @classmethod
    def read(cls, path: PathLike = DEFAULT_COST_CATALOGUE) -> "CostCatalogue":
        p = Path(path)
        pipe: Dict[Tuple[int, int], float] = {}
        trench: Dict[Tuple[int, int], float] = {}
        for row in _read_rows(p):
            where = f"{p}:{row['__line__']}"
            dn = _dn(p, row)
            series = int(_finite(f"{where}: series", _column(p, row, "series")))
            if series not in (1, 2, 3):
                raise StudyInputError(f"{where}: series = {series}: EN 253 series are 1, 2, 3")
            if (dn, series) in pipe:
                raise StudyInputError(f"{where}: DN {dn} series {series} is listed twice")
            pipe[(dn, series)] = _finite(f"{where}: pipe_EUR_per_m",
                                         _column(p, row, "pipe_EUR_per_m"), minimum=0)
            trench[(dn, series)] = _finite(f"{where}: trench_EUR_per_m",
                                           _column(p, row, "trench_EUR_per_m"), minimum=0)
            _column(p, row, "source")
        if not pipe:
            raise StudyInputError(f"{p}: no rows")
        return cls(pipe, trench, str(p))

    def cost_per_m(self, dn: int, series: int, pipes_per_trench: float, where: str) -> float:
        """Pipe cost plus its share of the trench, EUR per metre of this pipe."""
        key = (dn, series)
        if key not in self.pipe_EUR_per_m:
            have = sorted({d for d, s in self.pipe_EUR_per_m if s == series})
            raise StudyInputError(f"{where}: DN {dn} series {series} is not in the cost catalogue "
                                  f"{self.path} (series {series} has DN {have})")
        return self.pipe_EUR_per_m[key] + self.trench_EUR_per_m[key] / pipes_per_trench


@dataclass(frozen=True)
class PipeSizes:
    """Tells a network's pipes apart: DN from the inner diameter (within 0.5 mm), insulation
    series from heat_loss_W_mK (within 5e-4 W/(m K)) when the variant does not state it.
    CSV columns: dn, inner_diameter_mm or inner_diameter_m, optional u_s1_W_mK, u_s2_W_mK,
    u_s3_W_mK (examples/oral/pipe_catalogue.csv has this layout)."""

    inner_diameter_m: Dict[int, float]
    u_W_mK: Dict[Tuple[int, int], float] = field(default_factory=dict)
    path: str = "<table>"

    DIAMETER_TOLERANCE_M = 0.5e-3
    U_TOLERANCE_W_MK = 5e-4

    @classmethod
    def read(cls, path: PathLike) -> "PipeSizes":
        p = Path(path)
        diam: Dict[int, float] = {}
        u: Dict[Tuple[int, int], float] = {}
        for row in _read_rows(p):
            where = f"{p}:{row['__line__']}"
            dn = _dn(p, row)
            if row.get("inner_diameter_m"):
                d = _finite(f"{where}: inner_diameter_m", row["inner_diameter_m"],
                            minimum=0, exclusive=True)
            else:
                d = _finite(f"{where}: inner_diameter_mm", _column(p, row, "inner_diameter_mm"),
                            minimum=0, exclusive=True) / 1000.0
            if dn in diam:
                raise StudyInputError(f"{where}: DN {dn} is listed twice")
            diam[dn] = d
            for s in (1, 2, 3):
                raw = row.get(f"u_s{s}_W_mK")
                if raw:
                    u[(dn, s)] = _finite(f"{where}: u_s{s}_W_mK", raw, minimum=0, exclusive=True)
        if not diam:
            raise StudyInputError(f"{p}: no rows")
        return cls(diam, u, str(p))

    @classmethod
    def en253(cls) -> "PipeSizes":
        """The EN 253 series 1/2/3 catalogues shipped for sizing ("en253-series1" ...,
        catalogues/README.md): a pipe sized from any of them is told apart by DN and series."""
        from .catalogue import load_catalogue

        diam: Dict[int, float] = {}
        u: Dict[Tuple[int, int], float] = {}
        for s in (1, 2, 3):
            for size in load_catalogue(f"en253-series{s}"):
                diam[int(size.dn)] = size.inner_diameter_m
                u[(int(size.dn), s)] = float(size.heat_loss_W_mK)
        return cls(diam, u, "en253-series1/2/3")

    def dn_of(self, pipe_id: str, inner_diameter_m: float) -> int:
        best = min(self.inner_diameter_m, key=lambda dn: abs(self.inner_diameter_m[dn]
                                                             - inner_diameter_m))
        if abs(self.inner_diameter_m[best] - inner_diameter_m) > self.DIAMETER_TOLERANCE_M:
            raise StudyInputError(
                f"pipe '{pipe_id}': inner_diameter_m = {inner_diameter_m:g} matches no DN of "
                f"{self.path} (nearest DN {best}: {self.inner_diameter_m[best]:g} m)")
        return best

    def series_of(self, pipe_id: str, dn: int, heat_loss_W_mK: float) -> int:
        matches = [s for s in (1, 2, 3) if (dn, s) in self.u_W_mK
                   and abs(self.u_W_mK[(dn, s)] - heat_loss_W_mK) <= self.U_TOLERANCE_W_MK]
        if not matches:
            known = {s: self.u_W_mK[(dn, s)] for s in (1, 2, 3) if (dn, s) in self.u_W_mK}
            raise StudyInputError(
                f"pipe '{pipe_id}': heat_loss_W_mK = {heat_loss_W_mK:g} matches no insulation "
                f"series of DN {dn} in {self.path} ({known or 'no u_s*_W_mK columns'}); give the "
                "variant an insulation_series")
        return matches[0]


@dataclass(frozen=True)
class Costs:
    """Everything a study prices with: :class:`CostCatalogue`, :class:`PipeSizes` and
    :class:`Economics`. ``Costs.default()`` uses the shipped catalogues."""

    catalogue: CostCatalogue
    pipe_sizes: PipeSizes
    economics: Economics = Economics()

    @classmethod
    def default(cls, pipe_sizes: Optional[PathLike] = None,
                economics: Optional[Economics] = None,
                catalogue: PathLike = DEFAULT_COST_CATALOGUE) -> "Costs":
        """The shipped cost catalogue (or ``catalogue``), pipe sizes from a CSV (default: the
        shipped EN 253 series catalogues) and ``economics`` (default: :class:`Economics`)."""
        sizes = PipeSizes.en253() if pipe_sizes is None else PipeSizes.read(pipe_sizes)
        return cls(CostCatalogue.read(catalogue), sizes, (economics or Economics()).validate())
