"""HTML building blocks of the report: value formatting, tables (sortable by the inline script)
and figures. Everything is escaped here; callers pass plain text and numbers."""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Any, Callable, Iterable, List, Optional, Sequence


def _finite(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def fmt_si(value: Any, unit: str) -> str:
    """A value in SI ``unit`` as a reader expects it: W -> kW/MW, Wh -> MWh/GWh, Pa -> bar,
    share (unit "1") -> %, others with a precision that suits the quantity."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int,)) and not isinstance(value, bool) and unit in ("", "h"):
        return f"{value:,}" + (" h" if unit == "h" else "")
    if not _finite(value):
        return "–"
    v = float(value)
    if unit == "W":
        if abs(v) >= 1e6:
            return f"{v / 1e6:,.3f} MW"
        return f"{v / 1e3:,.1f} kW"
    if unit == "Wh":
        if abs(v) >= 1e9:
            return f"{v / 1e9:,.2f} GWh"
        return f"{v / 1e6:,.1f} MWh"
    if unit == "Pa":
        return f"{v / 1e5:.3f} bar"
    if unit == "1":
        return f"{100 * v:.2f} %"
    if unit == "h":
        return f"{v:,.0f} h"
    digits = {"kg/s": 2, "°C": 1, "m/s": 2, "Pa/m": 1, "m": 1}.get(unit, 3)
    if v != 0 and abs(v) < 10.0 ** -digits:  # a residual: its order of magnitude matters
        return f"{v:.2e} {unit}".strip()
    return f"{v:,.{digits}f} {unit}".strip()


def fixed(digits: int, scale: float = 1.0) -> Callable[[Any], str]:
    """A cell formatter: value x scale with ``digits`` decimals ("–" when not finite)."""
    return lambda v: f"{v * scale:,.{digits}f}" if _finite(v) else "–"


def text(v: Any) -> str:
    return "" if v is None else str(v)


@dataclass
class Column:
    label: str                       # header text, with the unit: "dp available, bar"
    fmt: Callable[[Any], str] = text  # raw value -> cell text
    title: str = ""                  # header tooltip


def table(table_id: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]],
          caption: str = "", row_class: Optional[Callable[[Sequence[Any]], str]] = None) -> str:
    """A sortable table: numeric cells carry their raw value in data-v (the sort key and the
    exact number behind the rounded text)."""
    head = "".join(f'<th scope="col" title="{escape(c.title)}">{escape(c.label)}</th>'
                   for c in columns)
    body: List[str] = []
    for row in rows:
        cells = []
        for c, v in zip(columns, row):
            attr = f' data-v="{float(v)!r}"' if _finite(v) else ""
            cls = ' class="num"' if _finite(v) or v is None else ""
            cells.append(f"<td{attr}{cls}>{escape(c.fmt(v))}</td>")
        cls = row_class(row) if row_class else ""
        body.append(f'<tr class="{cls}">' if cls else "<tr>")
        body.append("".join(cells) + "</tr>")
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return (f'<div class="table-wrap"><table class="sortable" id="{escape(table_id)}">{cap}'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def figure(fig_id: str, svg: str, caption: str, hidden: bool = False,
           extra_class: str = "") -> str:
    """An inline SVG chart in a <figure> with its caption."""
    cls = ("chart " + extra_class).strip()
    hid = " hidden" if hidden else ""
    return (f'<figure class="{cls}" id="{escape(fig_id)}"{hid}>{svg}'
            f"<figcaption>{escape(caption)}</figcaption></figure>")


def section(sec_id: str, title: str, body: str, intro: str = "") -> str:
    p = f"<p>{escape(intro)}</p>" if intro else ""
    return f'<section id="{escape(sec_id)}"><h2>{escape(title)}</h2>{p}{body}</section>'


def definition_list(pairs: Sequence[tuple]) -> str:
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in pairs)
    return f"<dl>{items}</dl>"
