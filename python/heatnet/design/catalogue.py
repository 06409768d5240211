"""Pipe catalogues: the sizes a designer may choose from, read from CSV.

A catalogue CSV has one row per size. Required column: ``inner_diameter_m``. Optional:
``dn`` (nominal size, an integer), ``roughness_mm``, ``heat_loss_W_mK`` (written to a sized
pipe with the diameter), ``max_velocity_m_s`` (a velocity limit of that size; sizing applies
the smaller of it and the global limit). Other columns (outer diameter, casing, source) are
kept for reading but not used. Lines starting with ``#`` are comments.
"""
from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional, Union

__all__ = ["PipeSize", "Catalogue", "load_catalogue", "BUILTIN_CATALOGUES"]

_DIR = Path(__file__).resolve().parent / "catalogues"
#: names accepted by :func:`load_catalogue` for the catalogues shipped with heatnet
BUILTIN_CATALOGUES = {f"en253-series{s}": _DIR / f"en253_series{s}.csv" for s in (1, 2, 3)}
_OPTIONAL = ("dn", "roughness_mm", "heat_loss_W_mK", "max_velocity_m_s")


@dataclass(frozen=True)
class PipeSize:
    inner_diameter_m: float
    dn: Optional[int] = None
    roughness_mm: Optional[float] = None
    heat_loss_W_mK: Optional[float] = None
    max_velocity_m_s: Optional[float] = None

    @property
    def label(self) -> str:
        return f"DN{self.dn}" if self.dn is not None else f"d{self.inner_diameter_m * 1e3:g}mm"

    def pipe_fields(self) -> dict:
        """The pipe keys a sized pipe gets from this size."""
        out = {"inner_diameter_m": self.inner_diameter_m}
        if self.roughness_mm is not None:
            out["roughness_mm"] = self.roughness_mm
        if self.heat_loss_W_mK is not None:
            out["heat_loss_W_mK"] = self.heat_loss_W_mK
        return out


class Catalogue:
    """Sizes sorted by inner diameter (smallest first)."""

    def __init__(self, sizes: List[PipeSize], name: str = ""):
        if not sizes:
            raise ValueError(f"catalogue {name}: no sizes")
        self.sizes = sorted(sizes, key=lambda s: s.inner_diameter_m)
        self.name = name
        for a, b in zip(self.sizes, self.sizes[1:]):
            if a.inner_diameter_m == b.inner_diameter_m:
                raise ValueError(f"catalogue {name}: two sizes with inner_diameter_m "
                                 f"{a.inner_diameter_m}")
        dns = [s.dn for s in self.sizes if s.dn is not None]
        if len(set(dns)) != len(dns):
            raise ValueError(f"catalogue {name}: a dn appears twice")

    def __iter__(self) -> Iterator[PipeSize]:
        return iter(self.sizes)

    def __len__(self) -> int:
        return len(self.sizes)

    def by_dn(self, dn: int) -> PipeSize:
        for s in self.sizes:
            if s.dn == dn:
                return s
        raise ValueError(f"dn {dn} is not in catalogue {self.name} (it has "
                         + ", ".join(str(s.dn) for s in self.sizes if s.dn is not None) + ")")

    def nearest(self, inner_diameter_m: float) -> PipeSize:
        """The size whose inner diameter is closest (to label a given pipe)."""
        return min(self.sizes, key=lambda s: abs(s.inner_diameter_m - inner_diameter_m))

    @classmethod
    def from_csv(cls, path: Union[str, os.PathLike], name: Optional[str] = None) -> "Catalogue":
        path = os.fspath(path)
        with open(path, newline="", encoding="utf-8") as f:
            text = f.read()
        return cls.from_csv_text(text, name or path)

    @classmethod
    def from_csv_text(cls, text: str, name: str = "catalogue") -> "Catalogue":
        lines = text.splitlines()
        data = [(n + 1, line) for n, line in enumerate(lines)
                if line.strip() and not line.lstrip().startswith("#")]
        if not data:
            raise ValueError(f"{name}: no header line")
        reader = csv.reader(io.StringIO("\n".join(line for _, line in data)))
        rows = list(reader)
        header = [h.strip() for h in rows[0]]
        if "inner_diameter_m" not in header:
            raise ValueError(f"{name}:{data[0][0]}: no column inner_diameter_m (columns: "
                             + ", ".join(header) + ")")
        sizes = []
        for (lineno, _), row in zip(data[1:], rows[1:]):
            if len(row) != len(header):
                raise ValueError(f"{name}:{lineno}: {len(row)} fields, the header has "
                                 f"{len(header)}")
            values = dict(zip(header, (c.strip() for c in row)))
            sizes.append(_size(values, f"{name}:{lineno}"))
        return cls(sizes, name)


def _size(values: dict, where: str) -> PipeSize:
    def number(key: str, positive: bool) -> Optional[float]:
        text = values.get(key, "")
        if text == "":
            if key == "inner_diameter_m":
                raise ValueError(f"{where}: inner_diameter_m is empty")
            return None
        try:
            v = float(text)
        except ValueError:
            raise ValueError(f"{where}: {key} = {text!r} is not a number") from None
        if not math.isfinite(v) or (v <= 0 if positive else v < 0):
            raise ValueError(f"{where}: {key} = {text}; must be "
                             + ("> 0" if positive else ">= 0"))
        return v

    dn = number("dn", True)
    if dn is not None and dn != int(dn):
        raise ValueError(f"{where}: dn = {values['dn']!r} is not an integer")
    return PipeSize(inner_diameter_m=number("inner_diameter_m", True),
                    dn=None if dn is None else int(dn),
                    roughness_mm=number("roughness_mm", False),
                    heat_loss_W_mK=number("heat_loss_W_mK", False),
                    max_velocity_m_s=number("max_velocity_m_s", True))


def load_catalogue(spec: Union["Catalogue", str, os.PathLike]) -> Catalogue:
    """A Catalogue from a Catalogue, a built-in name (:data:`BUILTIN_CATALOGUES`) or a CSV
    path."""
    if isinstance(spec, Catalogue):
        return spec
    if isinstance(spec, str) and spec in BUILTIN_CATALOGUES:
        return Catalogue.from_csv(BUILTIN_CATALOGUES[spec], spec)
    path = os.fspath(spec)
    if not os.path.exists(path):
        raise ValueError(f"catalogue {path!r}: no such file and not a built-in catalogue ("
                         + ", ".join(BUILTIN_CATALOGUES) + ")")
    return Catalogue.from_csv(path)
