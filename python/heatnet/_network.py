"""heatnet.Network: an editable network description plus, lazily, its compiled C++ model and a
cached Solver (symbolic factorisation + warm start)."""
from __future__ import annotations

import json
import math
import numbers
import os
import threading
from typing import Any, Dict, Iterable, List, Optional

from . import _heatnet as _c
from ._errors import InputError, NetworkError

try:  # numpy's bool (pandas bool columns) is not a Python bool
    from numpy import bool_ as _np_bool
except ImportError:  # pragma: no cover
    _np_bool = bool

__all__ = ["Network"]

class _Required:
    """Default of a required argument (shown as <required> by help())."""

    def __repr__(self):
        return "<required>"


_MISSING = _Required()

# Element kinds: JSON list name -> (singular kind used in messages, C++ definition class,
# accessor suffix on NetworkDefinition, id key)
_KINDS = {
    "nodes": ("node", _c.NodeDefinition, "node", "id"),
    "pipes": ("pipe", _c.PipeDefinition, "pipe", "id"),
    "pressure_nodes": ("pressure_node", _c.PressureNodeDefinition, "pressure_node", "node"),
    "sources": ("source", _c.SourceDefinition, "source", "id"),
    "consumers": ("consumer", _c.ConsumerDefinition, "consumer", "id"),
    "pumps": ("pump", _c.PumpDefinition, "pump", "id"),
    "valves": ("valve", _c.ValveDefinition, "valve", "id"),
}
_SINGULAR = {v[0]: k for k, v in _KINDS.items()}

# Field specs per kind from the schema table (heatnet/network_schema.hpp, the one source of the
# keys, their types, presence, units and topology-keeping setters), in JSON key order:
# key -> (type, required). Types: "str", "num" (a finite number), "opt" (optional number,
# None = absent), "int", "bool", "curve", "curve_opt" (optional curve, None/[] = absent),
# "pump" (a source's pump object), "enum:<a|b>".
_TYPES = {"string": "str", "number": "num", "optional_number": "opt", "integer": "int",
          "flag": "bool", "curve": "curve", "object": "pump"}


def _field_spec(row: Dict[str, Any]):
    if row["type"] == "choice":
        typ = "enum:" + row["choices"].replace(", ", "|")
    elif row["type"] == "curve" and row["presence"] == "optional":
        typ = "curve_opt"
    else:
        typ = _TYPES[row["type"]]
    return typ, row["presence"] == "required" and not row["unless"]


_SCHEMA = {kinds: _c.schema_fields(kinds) for kinds in _KINDS}
_FIELDS = {kinds: {row["key"]: _field_spec(row) for row in rows}
           for kinds, rows in _SCHEMA.items()}
# Required unless another key is given (a pump's points_m3_h_m unless power_kW).
_UNLESS = {kinds: {row["key"]: row["unless"] for row in rows if row["unless"]}
           for kinds, rows in _SCHEMA.items()}
# Keys whose change keeps the topology (the compiled network has a setter for them).
_FAST = {kinds: {row["key"] for row in rows if row["setter"]} for kinds, rows in _SCHEMA.items()}
_PUMP_SCHEMA = _c.schema_fields("source_pump")
_PUMP_FAST = {row["key"] for row in _PUMP_SCHEMA if row["setter"]}


def _pump_keys() -> Dict[str, tuple]:
    """Keys of a source pump per type (the JSON reader's rule), from the schema."""
    types = next(r for r in _PUMP_SCHEMA if r["key"] == "type")["choices"].split(", ")
    return {t: tuple(r["key"] for r in _PUMP_SCHEMA
                     if r["key"] != "type" and (not r["only_for"] or t in r["only_for"].split()))
            for t in types}


_PUMP_KEYS = _pump_keys()


def _attr(key: str) -> str:
    return "from_" if key == "from" else key


def _error(cls: str, code: str, kind: str, element_id: str, field: str, value: str,
           reason: str):
    return _c._make_error(cls, code, kind, element_id, field, value, reason, "")


def _type_name(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, numbers.Number):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "object"
    if isinstance(v, (list, tuple)):
        return "array"
    return type(v).__name__


def _number(kind: str, eid: str, field: str, v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise _error("InputError", "wrong_type", kind, eid, field, "",
                     "expected a number, got " + _type_name(v))
    x = float(v)
    if not math.isfinite(x):
        raise _error("InputError", "invalid_value", kind, eid, field, _c.format_value(x),
                     "must be finite")
    return x


def _string(kind: str, eid: str, field: str, v: Any) -> str:
    if not isinstance(v, str):
        raise _error("InputError", "wrong_type", kind, eid, field, "",
                     "expected a string, got " + _type_name(v))
    return str(v)


def _flag(kind: str, eid: str, field: str, v: Any) -> bool:
    if not isinstance(v, (bool, _np_bool)):
        raise _error("InputError", "wrong_type", kind, eid, field, "",
                     "expected true or false, got " + _type_name(v))
    return bool(v)


def _integer(kind: str, eid: str, field: str, v: Any) -> int:
    x = _number(kind, eid, field, v)
    if x != math.floor(x):
        raise _error("InputError", "wrong_type", kind, eid, field, "",
                     "expected an integer, got " + _c.format_value(x))
    return int(x)


def _curve(kind: str, eid: str, field: str, v: Any) -> List[List[float]]:
    try:
        points = [list(p) for p in v]
        ok = all(len(p) == 2 for p in points) and not isinstance(v, (str, dict))
    except TypeError:
        ok = False
    if not ok:
        raise _error("InputError", "wrong_type", kind, eid, field, "",
                     "expected an array of [flow_m3_h, head_m] pairs, got " + _type_name(v))
    return [[_number(kind, eid, field, q), _number(kind, eid, field, h)] for q, h in points]


def _pump(eid: str, v: Any):
    kind = "source"
    if not isinstance(v, dict):
        raise _error("InputError", "wrong_type", kind, eid, "pump", "",
                     "expected an object, got " + _type_name(v))
    if "type" not in v:
        raise _error("InputError", "missing_field", kind, eid, "pump.type", "",
                     "missing required key")
    t = _string(kind, eid, "pump.type", v["type"])
    if t not in _PUMP_KEYS:
        raise _error("InputError", "invalid_value", kind, eid, "pump.type", f"'{t}'",
                     "unknown pump type; expected one of " + ", ".join(_PUMP_KEYS))
    p = _c.SourcePumpDefinition()
    p.type = t
    for key in v:
        if key != "type" and key not in _PUMP_KEYS[t]:
            raise _error("InputError", "unknown_field", kind, eid, "pump." + str(key), "",
                         f"unknown key for a {t} pump; expected "
                         + ", ".join(("type",) + _PUMP_KEYS[t]))
    for key in _PUMP_KEYS[t]:
        if key not in v or v[key] is None:
            raise _error("InputError", "missing_field", kind, eid, "pump." + key, "",
                         "missing required key")
        field = "pump." + key
        if key == "consumer":
            p.consumer = _string(kind, eid, field, v[key])
        elif key == "points_m3_h_m":
            p.points_m3_h_m = _curve(kind, eid, field, v[key])
        else:
            setattr(p, key, _number(kind, eid, field, v[key]))
    return p


def _pump_dict(p) -> Dict[str, Any]:
    d: Dict[str, Any] = {"type": p.type}
    for key in _PUMP_KEYS[p.type]:
        d[key] = getattr(p, key)
    return d


def _assign(obj, kinds: str, eid: str, key: str, value: Any) -> None:
    """Set JSON key `key` of definition `obj` (of list `kinds`) with type checks."""
    kind = _KINDS[kinds][0]
    typ, required = _FIELDS[kinds][key]
    if value is None:
        if typ == "opt":
            setattr(obj, _attr(key), None)
            return
        if typ == "curve_opt":
            setattr(obj, _attr(key), [])
            return
        raise _error("InputError", "missing_field", kind, eid, key, "", "missing required key")
    if typ == "str":
        value = _string(kind, eid, key, value)
    elif typ in ("num", "opt"):
        value = _number(kind, eid, key, value)
    elif typ in ("curve", "curve_opt"):
        value = _curve(kind, eid, key, value)
    elif typ == "bool":
        value = _flag(kind, eid, key, value)
    elif typ == "int":
        value = _integer(kind, eid, key, value)
    elif typ == "pump":
        value = _pump(eid, value)
    elif typ.startswith("enum:"):
        allowed = typ[5:].split("|")
        value = _string(kind, eid, key, value)
        if value not in allowed:
            raise _error("InputError", "invalid_value", kind, eid, key, f"'{value}'",
                         f"unknown {kind} {key}; expected one of " + ", ".join(allowed))
    setattr(obj, _attr(key), value)


def _settings_from_dict(settings: Dict[str, Any]):
    """Settings as in the JSON file, read by the C++ JSON reader (same rules and messages)."""
    if not isinstance(settings, dict):
        raise _error("InputError", "wrong_type", "settings", "", "settings", "",
                     "expected an object, got " + _type_name(settings))

    def plain(o):
        if isinstance(o, numbers.Integral) and not isinstance(o, bool):
            return int(o)
        if isinstance(o, numbers.Real):
            return float(o)
        raise TypeError(f"settings: cannot store a {type(o).__name__} value")

    try:
        text = json.dumps({"format": _c.NETWORK_FORMAT, "settings": settings, "nodes": []},
                          default=plain, allow_nan=False)
    except ValueError:
        raise _error("InputError", "invalid_value", "settings", "", "settings", "",
                     "numbers must be finite") from None
    return _c.NetworkDefinition.from_json(text).settings


class Network:
    """A district-heating network.

    Build it element by element (``add_node``, ``add_pipe``, ``add_pressure_node``,
    ``add_source``, ``add_consumer``, ``add_pump``, ``add_valve``), read it from a file
    (:meth:`from_json`) or from pandas tables (:meth:`from_dataframes`). Keyword arguments are
    named exactly like the keys of the JSON format ``heatnet-network/1`` and carry their unit
    in the name (``_m``, ``_mm``, ``_bar`` gauge, ``_C``, ``_kW``, ``_kg_s``, ``_m3_h``,
    ``_W_mK``); ``from`` is spelled ``from_`` (``**{"from": ...}`` works too).

    The network keeps its description (editable) and, once solved, a compiled C++ model and a
    Solver. ``set_pipe``, ``set_consumer``, ``set_source``, ``set_node`` and ``set_settings``
    change parameters without rebuilding the topology when the C++ model has a setter for
    them (pipe diameter, roughness and heat loss; consumer demand, flow and return
    temperature; source supply temperature and pump dp; node demand; ambient temperature), so
    the next :func:`heatnet.solve` reuses the symbolic factorisation and warm-starts from the
    last state. Any other change, and adding or removing elements, rebuilds on the next solve.

    Settings (``settings={...}``) are the JSON ``settings`` object: ``fluid`` ("water" or
    ``{"density_kg_m3", "kinematic_viscosity_m2_s", "specific_heat_J_kgK"}``), ``friction``
    ("colebrook", "swamee_jain", "hazen_williams", "nikuradse", "epanet_darcy_weisbach"),
    ``ambient_temperature_C``, ``temperature_C``, ``gravity_m_s2``,
    ``tolerance`` (``{"mass_flow_rel", "temperature_K"}``), ``max_iterations``.

    A Network pickles (as its canonical JSON text), so it can be sent to worker processes.
    One Network may be solved from several threads; the solves are serialised on its lock.
    """

    def __init__(self, name: str = "", settings: Optional[Dict[str, Any]] = None,
                 description: str = ""):
        self._init(_c.NetworkDefinition())
        self._def.name = _string("network", "", "name", name)
        self._def.description = _string("network", "", "description", description)
        if settings is not None:
            self._def.settings = _settings_from_dict(settings)

    def _init(self, definition) -> None:
        self._def = definition
        self._lock = threading.RLock()
        self._compiled = None        # _c.CompiledNetwork, built lazily
        self._solver = None          # _c.Solver bound to the compiled topology
        self._solver_key = None      # options the cached solver was made with
        self._index: Dict[str, Dict[str, int]] = {}
        self._sha256: Optional[str] = None
        self._json_paths = False     # build errors name JSON paths (networks read from JSON)
        self._inp_origins = None     # build errors name .inp lines (networks imported, unchanged)

    # ---------------------------------------------------------------- construction helpers
    @classmethod
    def _from_definition(cls, definition, sha256: Optional[str] = None) -> "Network":
        net = cls.__new__(cls)
        net._init(definition)
        net._sha256 = sha256
        return net

    @classmethod
    def from_json(cls, path: "os.PathLike[str] | str") -> "Network":
        """Read a ``heatnet-network/1`` JSON file (strict: unknown keys, wrong types and
        missing fields are :class:`heatnet.InputError` naming the JSON path). Results of this
        network carry the SHA-256 of the file bytes, like the CLI's."""
        path = os.fspath(path)
        definition = _c.read_network(path)
        sha = None
        if path.lower().endswith(".json"):
            with open(path, "rb") as f:
                sha = _c.sha256_hex(f.read())
        net = cls._from_definition(definition, sha)
        net._json_paths = True
        return net

    @classmethod
    def from_inp(cls, path: "os.PathLike[str] | str") -> "Network":
        """Import an EPANET ``.inp`` file (EPANET 2.x conventions: its units, patterns at t = 0,
        curves, valves, constant-property water with EPANET's viscosity and gravity; see
        docs/network-format-extensions.md). Errors name the file and line; so do errors found
        when the network is compiled (first solve), with the EPANET field and the file's value,
        until the network is changed."""
        path = os.fspath(path)
        if not path.lower().endswith(".inp"):
            raise ValueError(f"{path}: an EPANET network file must end in .inp")
        definition, origins = _c.read_epanet_inp_with_origins(path)
        with open(path, "rb") as f:
            sha = _c.sha256_hex(f.read())
        net = cls._from_definition(definition, sha)
        net._inp_origins = origins
        return net

    @classmethod
    def from_json_text(cls, text: str) -> "Network":
        """Parse ``heatnet-network/1`` JSON text."""
        return cls._from_definition(_c.NetworkDefinition.from_json(text))

    def to_json(self, path: "os.PathLike[str] | str") -> None:
        """Write the canonical JSON file (reads back identical)."""
        with self._lock:
            _c.write_network_json(self._def, os.fspath(path))

    def to_json_text(self, indent: int = 1) -> str:
        """The canonical JSON text (fixed key order, shortest round-trip numbers)."""
        with self._lock:
            return self._def.to_json(indent)

    def to_dict(self) -> Dict[str, Any]:
        """The network as the JSON document (a dict)."""
        return json.loads(self.to_json_text(-1))

    def copy(self) -> "Network":
        """An independent copy (description only; the copy compiles on its first solve)."""
        with self._lock:
            net = Network._from_definition(_c.NetworkDefinition(self._def), self._sha256)
            net._json_paths = self._json_paths
            return net

    def __reduce__(self):
        return (_network_from_state, (self.to_json_text(-1), self._sha256, self._json_paths))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Network):
            return NotImplemented
        return self._def == other._def

    __hash__ = None  # mutable

    def __repr__(self) -> str:
        counts = ", ".join(f"{self.count(k)} {k}" for k in _KINDS if self.count(k))
        return f"<heatnet.Network {self._def.name!r}: {counts}>"

    @classmethod
    def from_dataframes(cls, nodes=None, pipes=None, pressure_nodes=None, sources=None,
                        consumers=None, pumps=None, valves=None, *, name: str = "",
                        settings: Optional[Dict[str, Any]] = None,
                        description: str = "") -> "Network":
        """Build a network from pandas DataFrames, one per element kind, with the JSON keys as
        column names (``from`` may be ``from`` or ``from_``). The id may be a column or the
        index (named ``id``; ``node`` for pressure_nodes). Empty cells (NaN/None) mean "not
        given" (the default, or absent for optional fields). A source's pump is either a
        ``pump`` column of dicts or flattened columns ``pump.type``, ``pump.dp_bar``, ...
        :meth:`table` gives tables in this form."""
        net = cls(name=name, settings=settings, description=description)
        tables = {"nodes": nodes, "pipes": pipes, "pressure_nodes": pressure_nodes,
                  "sources": sources, "consumers": consumers, "pumps": pumps, "valves": valves}
        for kinds, df in tables.items():
            if df is None:
                continue
            id_key = _KINDS[kinds][3]
            if id_key not in df.columns and df.index.name == id_key:
                df = df.reset_index()
            add = getattr(net, "add_" + _KINDS[kinds][0])
            columns = [str(c) for c in df.columns]
            pump_cols = [c for c in columns if c.startswith("pump.")]
            for row in df.itertuples(index=False, name=None):
                values = {c: v for c, v in zip(columns, row) if not _is_empty(v)}
                if pump_cols:
                    pump = {c[5:]: values.pop(c) for c in pump_cols if c in values}
                    if pump:
                        values["pump"] = pump
                if "from_" in values:
                    values["from"] = values.pop("from_")
                add(**values)
        return net

    # ---------------------------------------------------------------- inspection
    @property
    def name(self) -> str:
        return self._def.name

    @name.setter
    def name(self, value: str) -> None:
        with self._lock:
            self._def.name = _string("network", "", "name", value)
            self._changed(rebuild=True)

    @property
    def description(self) -> str:
        return self._def.description

    @property
    def settings(self) -> Dict[str, Any]:
        """The settings as in the JSON file (a copy)."""
        return self.to_dict().get("settings", {})

    def count(self, kind: str) -> int:
        """Number of elements of a kind ("nodes", "pipes", ... or "node", "pipe", ...)."""
        kinds = _kinds(kind)
        return getattr(self._def, _KINDS[kinds][2] + "_count")()

    def ids(self, kind: str) -> List[str]:
        """Element ids of a kind in definition order (pressure nodes: their node ids)."""
        kinds = _kinds(kind)
        return list(getattr(self._def, _KINDS[kinds][2] + "_ids")())

    def element(self, kind: str, element_id: str) -> Dict[str, Any]:
        """One element as its JSON object (a dict copy)."""
        kinds = _kinds(kind)
        with self._lock:
            i = self._find(kinds, element_id)
            return _to_dict(kinds, getattr(self._def, "get_" + _KINDS[kinds][2])(i))

    def table(self, kind: str):
        """The elements of a kind as a pandas DataFrame indexed by id, one column per JSON key
        (units in the column names); the form :meth:`from_dataframes` accepts."""
        import pandas as pd

        kinds = _kinds(kind)
        with self._lock:
            get = getattr(self._def, "get_" + _KINDS[kinds][2])
            rows = [_to_dict(kinds, get(i)) for i in range(self.count(kinds))]
        id_key = _KINDS[kinds][3]
        df = pd.DataFrame(rows, columns=list(_FIELDS[kinds]))
        return df.set_index(id_key)

    # ---------------------------------------------------------------- adding / removing
    def _add(self, kinds: str, values: Dict[str, Any], extra: Dict[str, Any]) -> None:
        kind, cls, suffix, id_key = _KINDS[kinds]
        method = "add_" + kind
        if "from" in extra:
            if values.get("from", _MISSING) is not _MISSING:
                raise TypeError(f"{method}() got both 'from_' and 'from'")
            values["from"] = extra.pop("from")
        for key in extra:
            raise TypeError(f"{method}() got an unexpected keyword argument {key!r}")
        eid = values.get(id_key)
        eid_text = eid if isinstance(eid, str) else ""
        obj = cls()
        # the id first, so that every later message names the element
        _assign(obj, kinds, eid_text, id_key, eid)
        for key, value in values.items():
            if key == id_key:
                continue
            if value is _MISSING:
                other = _UNLESS[kinds].get(key)
                required = _FIELDS[kinds][key][1] or (
                    other is not None and values.get(other, _MISSING) in (_MISSING, None))
                if required:
                    raise _error("InputError", "missing_field", kind, eid_text, key, "",
                                 "missing required key")
                continue
            _assign(obj, kinds, eid_text, key, value)
        with self._lock:
            index = self._ids(kinds)
            if eid in index:
                if kinds == "pressure_nodes":
                    raise _error("NetworkError", "conflicting_boundary", "pressure_node", eid,
                                 "node", "", "the node already has a pressure node")
                raise _error("NetworkError", "duplicate_id", kind, eid, "id", "",
                             f"duplicate id (ids must be unique among {kind}s)")
            getattr(self._def, "add_" + suffix)(obj)
            index[eid] = len(index)
            self._changed(rebuild=True)

    def add_node(self, id: str, elevation_m: float = 0.0, x: Optional[float] = None,
                 y: Optional[float] = None, demand_kg_s: float = 0.0,
                 injection_temperature_C: Optional[float] = None) -> None:
        """Add a node.

        id: unique node id.
        elevation_m: elevation in m (default 0).
        x, y: optional coordinates in m (any CRS; not used by the solver).
        demand_kg_s: fixed outflow in kg/s, positive leaves the network (default 0).
        injection_temperature_C: temperature in degC of water entering where demand_kg_s < 0
            (default: the mixed temperature at the node).
        """
        self._add("nodes", dict(id=id, elevation_m=elevation_m, x=x, y=y,
                                demand_kg_s=demand_kg_s,
                                injection_temperature_C=injection_temperature_C), {})

    def add_pipe(self, id: str, from_: str = _MISSING, to: str = _MISSING,
                 length_m: float = _MISSING, inner_diameter_m: float = _MISSING,
                 roughness_mm: float = _MISSING, minor_loss: float = 0.0,
                 heat_loss_W_mK: float = 0.0,
                 ambient_temperature_C: Optional[float] = None,
                 hazen_williams_c: Optional[float] = None, check_valve: bool = False,
                 closed: bool = False, **kwargs) -> None:
        """Add a pipe from node ``from_`` to node ``to`` (flows are positive from -> to).

        length_m: length in m (> 0).
        inner_diameter_m: inner diameter in m (> 0).
        roughness_mm: absolute roughness in mm (>= 0).
        minor_loss: sum of the fittings' loss coefficients zeta (-), default 0.
        heat_loss_W_mK: linear heat loss coefficient in W/(m K) per metre of pipe, default 0
            (adiabatic).
        ambient_temperature_C: soil/ambient temperature in degC (default: the settings').
        hazen_williams_c: Hazen-Williams C factor (-), only read with friction
            "hazen_williams".
        check_valve: flow only from -> to (EPANET's CV pipes; extension).
        closed: the pipe is closed and carries no flow (EPANET status; extension).
        ``from`` may be given as ``**{"from": "S0"}``.
        """
        self._add("pipes", {"id": id, "from": from_, "to": to,
                            "length_m": length_m, "inner_diameter_m": inner_diameter_m,
                            "roughness_mm": roughness_mm, "minor_loss": minor_loss,
                            "heat_loss_W_mK": heat_loss_W_mK,
                            "ambient_temperature_C": ambient_temperature_C,
                            "hazen_williams_c": hazen_williams_c, "check_valve": check_valve,
                            "closed": closed}, kwargs)

    def add_pressure_node(self, node: str, pressure_bar: float = _MISSING,
                          temperature_C: float = _MISSING, no_inflow: bool = False,
                          no_outflow: bool = False) -> None:
        """Hold a node at a fixed pressure (reservoir / external grid).

        node: the node id.
        pressure_bar: gauge pressure in bar.
        temperature_C: temperature in degC of water entering the network there.
        no_inflow, no_outflow: links that would carry water into / out of this node are
            closed (an EPANET tank at its maximum / minimum level; extension).
        """
        self._add("pressure_nodes", dict(node=node, pressure_bar=pressure_bar,
                                         temperature_C=temperature_C, no_inflow=no_inflow,
                                         no_outflow=no_outflow), {})

    def add_source(self, id: str, supply_node: str = _MISSING, return_node: str = _MISSING,
                   supply_temperature_C: float = _MISSING,
                   return_pressure_bar: Optional[float] = None,
                   pump: Dict[str, Any] = _MISSING) -> None:
        """Add a heat source (plant / CHP): takes water from ``return_node``, heats it to
        ``supply_temperature_C`` (degC) and pumps it into ``supply_node``.

        return_pressure_bar: static (make-up) gauge pressure in bar held at return_node;
            optional: without it the source floats (holds no pressure); required for a
            dp_control pump, not allowed for fixed_flow.
        pump: one of
            ``{"type": "fixed_dp", "dp_bar": 8.0}`` (pump differential pressure in bar),
            ``{"type": "curve", "points_m3_h_m": [[0, 95], [1500, 90], [3000, 75]]}``
            (flow in m3/h -> head in m),
            ``{"type": "dp_control", "consumer": "C17", "dp_bar": 1.0}`` (holds the
            differential pressure in bar at a consumer),
            ``{"type": "fixed_flow", "mass_flow_kg_s": 40.0}``.
        """
        self._add("sources", dict(id=id, supply_node=supply_node, return_node=return_node,
                                  supply_temperature_C=supply_temperature_C,
                                  return_pressure_bar=return_pressure_bar, pump=pump), {})

    def add_consumer(self, id: str, supply_node: str = _MISSING, return_node: str = _MISSING,
                     heat_demand_kW: Optional[float] = None,
                     mass_flow_kg_s: Optional[float] = None,
                     return_temperature_C: float = _MISSING,
                     min_dp_bar: Optional[float] = None,
                     max_mass_flow_kg_s: Optional[float] = None,
                     kvs_m3_h: Optional[float] = None) -> None:
        """Add a consumer substation: takes water from ``supply_node``, delivers heat and
        returns it to ``return_node``.

        heat_demand_kW: heat demand in kW (the flow follows from it and the temperatures), or
        mass_flow_kg_s: a fixed mass flow in kg/s (give exactly one of the two).
        return_temperature_C: return temperature in degC (below the supply temperature).
        min_dp_bar: required differential pressure in bar (design check), optional.
        max_mass_flow_kg_s: the most the substation can draw (kg/s), optional.
        kvs_m3_h: flow coefficient of the fully open substation (m3/h at 1 bar), optional;
            at an available differential pressure dp it draws at most kvs sqrt(dp / 1 bar).
        A heat-demand consumer that a limit caps is under-supplied (a result, not an error).
        """
        self._add("consumers", dict(id=id, supply_node=supply_node, return_node=return_node,
                                    heat_demand_kW=heat_demand_kW,
                                    mass_flow_kg_s=mass_flow_kg_s,
                                    return_temperature_C=return_temperature_C,
                                    min_dp_bar=min_dp_bar,
                                    max_mass_flow_kg_s=max_mass_flow_kg_s,
                                    kvs_m3_h=kvs_m3_h), {})

    def add_pump(self, id: str, from_: str = _MISSING, to: str = _MISSING,
                 points_m3_h_m: Iterable = _MISSING, curve_kind: str = "quadratic",
                 power_kW: Optional[float] = None, speed: float = 1.0, closed: bool = False,
                 **kwargs) -> None:
        """Add a booster pump on a line from ``from_`` to ``to``.

        points_m3_h_m: head curve points [[flow m3/h, head m], ...] (least-squares quadratic,
            exact for three points). A pump never runs backwards. Required unless power_kW.
        curve_kind: "quadratic" (the points' least-squares quadratic) or "epanet" (EPANET's
            curve rules; extension).
        power_kW: a constant-power pump (EPANET's POWER pumps) instead of points (extension).
        speed: relative speed (affinity laws), default 1; 0 stops the pump (extension).
        closed: the pump is off (extension).
        """
        self._add("pumps", {"id": id, "from": from_, "to": to,
                            "points_m3_h_m": points_m3_h_m, "curve_kind": curve_kind,
                            "power_kW": power_kW, "speed": speed, "closed": closed}, kwargs)

    def add_valve(self, id: str, from_: str = _MISSING, to: str = _MISSING, type: str = _MISSING,
                  inner_diameter_m: Optional[float] = None, minor_loss: float = 0.0,
                  setting_bar: Optional[float] = None, mass_flow_kg_s: Optional[float] = None,
                  curve_m3_h_m: Optional[Iterable] = None, closed: bool = False,
                  **kwargs) -> None:
        """Add a valve from ``from_`` to ``to``.

        type: "check" (flow only from -> to), "closed" or "open"; or one of EPANET's control
            valves (extension): "prv", "psv", "pbv" (hold setting_bar), "fcv" (holds
            mass_flow_kg_s), "tcv" (a fixed loss, minor_loss), "gpv" (head-loss curve
            curve_m3_h_m).
        inner_diameter_m: diameter in m for the loss zeta*rho*v^2/2 (optional; lossless
            without it).
        minor_loss: loss coefficient zeta (-), default 0.
        setting_bar: prv/psv gauge pressure held, pbv pressure drop, in bar.
        mass_flow_kg_s: fcv flow setting in kg/s.
        curve_m3_h_m: gpv head-loss curve [[flow m3/h, head loss m], ...].
        closed: the valve is fixed closed but stays a (closed) link (EPANET status).
        """
        self._add("valves", {"id": id, "from": from_, "to": to,
                             "type": type, "inner_diameter_m": inner_diameter_m,
                             "minor_loss": minor_loss, "setting_bar": setting_bar,
                             "mass_flow_kg_s": mass_flow_kg_s, "curve_m3_h_m": curve_m3_h_m,
                             "closed": closed}, kwargs)

    def remove(self, kind: str, element_id: str) -> None:
        """Remove an element (kind "pipes"/"pipe", ...; pressure nodes by node id). The
        network is rebuilt on the next solve."""
        kinds = _kinds(kind)
        with self._lock:
            i = self._find(kinds, element_id)
            getattr(self._def, "remove_" + _KINDS[kinds][2])(i)
            self._index.pop(kinds, None)
            self._changed(rebuild=True)

    # ---------------------------------------------------------------- parameter changes
    def set_pipe(self, id: str, **changes) -> None:
        """Change pipe fields (JSON keys, units in the names). ``inner_diameter_m`` (m),
        ``roughness_mm`` (mm) and ``heat_loss_W_mK`` (W/(m K)) keep the topology (no symbolic
        re-analysis); other fields rebuild the network on the next solve."""
        self._set("pipes", id, changes)

    def set_consumer(self, id: str, **changes) -> None:
        """Change consumer fields. ``heat_demand_kW`` (kW; clears mass_flow_kg_s),
        ``mass_flow_kg_s`` (kg/s; clears heat_demand_kW) and ``return_temperature_C`` (degC)
        keep the topology; other fields rebuild the network on the next solve."""
        self._set("consumers", id, changes)

    def set_source(self, id: str, **changes) -> None:
        """Change source fields. ``supply_temperature_C`` (degC) and the pump's ``dp_bar``
        (``pump={"dp_bar": 6.0}``, merged into the current pump; fixed_dp and dp_control
        pumps) keep the topology; other fields rebuild the network on the next solve."""
        self._set("sources", id, changes)

    def set_node(self, id: str, **changes) -> None:
        """Change node fields. ``demand_kg_s`` (kg/s) keeps the topology; other fields
        rebuild the network on the next solve."""
        self._set("nodes", id, changes)

    def set_pump(self, id: str, **changes) -> None:
        """Change booster pump fields (rebuilds the network on the next solve)."""
        self._set("pumps", id, changes)

    def set_valve(self, id: str, **changes) -> None:
        """Change valve fields (rebuilds the network on the next solve)."""
        self._set("valves", id, changes)

    def set_pressure_node(self, node: str, **changes) -> None:
        """Change a pressure node (rebuilds the network on the next solve)."""
        self._set("pressure_nodes", node, changes)

    def set_settings(self, **changes) -> None:
        """Change settings (JSON keys). ``ambient_temperature_C`` keeps the topology; other
        settings rebuild the network on the next solve."""
        with self._lock:
            current = self.settings
            if "from_" in changes:
                raise TypeError("set_settings() got an unexpected keyword argument 'from_'")
            merged = dict(current, **changes)
            new = _settings_from_dict(merged)
            fast = set(changes) <= {"ambient_temperature_C"}
            if fast and self._compiled is not None and changes:
                try:
                    self._compiled.set_ambient_temperature(new.ambient_temperature_C)
                except BaseException:
                    self._changed(rebuild=True)
                    raise
                self._def.settings = new
                self._changed(rebuild=False)
            else:
                self._def.settings = new
                self._changed(rebuild=True)

    _INDEX = {"pipes": "pipe_index", "consumers": "consumer_index", "sources": "source_index",
              "nodes": "node_index"}

    def _set(self, kinds: str, eid: str, changes: Dict[str, Any]) -> None:
        kind, _cls, suffix, id_key = _KINDS[kinds]
        method = "set_" + kind
        if "from_" in changes:
            if "from" in changes:
                raise TypeError(f"{method}() got both 'from_' and 'from'")
            changes["from"] = changes.pop("from_")
        for key in changes:
            if key not in _FIELDS[kinds]:
                raise TypeError(f"{method}() got an unexpected keyword argument {key!r}")
        with self._lock:
            i = self._find(kinds, eid)
            obj = getattr(self._def, "get_" + suffix)(i)
            calls = []  # compiled setter calls that keep the topology
            rebuild = False
            for key, value in changes.items():
                if key == "pump":
                    old = _pump_dict(obj.pump)
                    if value is not None and isinstance(value, dict):
                        merged = dict(old, **value) if "type" not in value or \
                            value["type"] == old["type"] else dict(value)
                    else:
                        merged = value
                    _assign(obj, kinds, eid, key, merged)
                    new = _pump_dict(obj.pump)
                    if new == old:
                        continue
                    changed = {k for k in new if new[k] != old[k]}
                    if new["type"] == old["type"] and len(changed) == 1 and \
                            changed <= _PUMP_FAST:
                        key = changed.pop()
                        calls.append(("pump." + key, new[key]))
                    else:
                        rebuild = True
                    continue
                # a floating source made to hold pressure changes the solver's unknowns
                was_floating = key == "return_pressure_bar" and obj.return_pressure_bar is None
                _assign(obj, kinds, eid, key, value)
                if key not in _FAST[kinds] or value is None or was_floating:
                    rebuild = True
                else:
                    calls.append((key, float(value)))
            if kinds == "consumers":
                # one of heat demand / mass flow replaces the other (like the C++ setters)
                if "heat_demand_kW" in changes and changes["heat_demand_kW"] is not None:
                    if changes.get("mass_flow_kg_s") is None:
                        obj.mass_flow_kg_s = None
                elif "mass_flow_kg_s" in changes and changes["mass_flow_kg_s"] is not None:
                    obj.heat_demand_kW = None
                if obj.heat_demand_kW is not None and obj.mass_flow_kg_s is not None:
                    raise _error("NetworkError", "missing_field", kind, eid, "heat_demand_kW",
                                 "", "give exactly one of heat_demand_kW or mass_flow_kg_s")
            if key_changed_id(changes, id_key, eid):
                rebuild = True
            if not rebuild and self._compiled is not None and calls:
                ci = getattr(self._compiled, self._INDEX[kinds])(eid)
                try:
                    for key, value in calls:
                        self._compiled.set_value(kinds, key, ci, value)
                except BaseException:
                    # the compiled model may be half-updated: rebuild it from the description
                    self._changed(rebuild=True)
                    raise
            getattr(self._def, "set_" + suffix)(i, obj)
            if id_key in changes:
                self._index.pop(kinds, None)
            self._changed(rebuild=rebuild or (self._compiled is None))

    # ---------------------------------------------------------------- internals
    def _ids(self, kinds: str) -> Dict[str, int]:
        index = self._index.get(kinds)
        if index is None:
            ids = getattr(self._def, _KINDS[kinds][2] + "_ids")()
            index = {eid: i for i, eid in reversed(list(enumerate(ids)))}
            self._index[kinds] = index
        return index

    def _find(self, kinds: str, eid: str) -> int:
        i = self._ids(kinds).get(eid)
        if i is None:
            kind = _KINDS[kinds][0]
            raise _error("NetworkError", "unknown_reference", kind, str(eid), "id", "",
                         f"no {kind} with this id")
        return i

    def _changed(self, rebuild: bool) -> None:
        self._sha256 = None
        self._inp_origins = None  # the file no longer holds every value
        if rebuild:
            self._compiled = None
            self._solver = None
            self._solver_key = None

    def _compiled_network(self):
        if self._compiled is None:
            self._compiled = _c.CompiledNetwork.build(self._def, self._json_paths, self._inp_origins)
            self._solver = None
            self._solver_key = None
        return self._compiled

    def compile(self) -> None:
        """Validate and compile now (otherwise done by the first solve); raises
        :class:`heatnet.NetworkError` naming the element and field of a broken rule."""
        with self._lock:
            self._compiled_network()

    def input_sha256(self) -> str:
        """SHA-256 of the file this network was read from (unmodified), else of its
        canonical JSON text: the results' ``input_sha256``."""
        with self._lock:
            if self._sha256 is None:
                self._sha256 = _c.sha256_hex(self._def.to_json(1).encode())
            return self._sha256


def key_changed_id(changes: Dict[str, Any], id_key: str, eid: str) -> bool:
    return id_key in changes and changes[id_key] != eid


def _kinds(kind: str) -> str:
    if kind in _KINDS:
        return kind
    if kind in _SINGULAR:
        return _SINGULAR[kind]
    raise ValueError(f"unknown element kind {kind!r}; expected one of " + ", ".join(_KINDS))


def _is_empty(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    try:
        import pandas as pd

        return v is pd.NA or v is pd.NaT
    except ImportError:  # pragma: no cover
        return False


def _to_dict(kinds: str, obj) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for key in _FIELDS[kinds]:
        v = getattr(obj, _attr(key))
        if key == "pump":
            v = _pump_dict(v)
        elif key == "points_m3_h_m":
            v = [list(p) for p in v]
        out[key] = v
    return out


def _network_from_state(text: str, sha256: Optional[str], json_paths: bool) -> Network:
    net = Network._from_definition(_c.NetworkDefinition.from_json(text), sha256)
    net._json_paths = json_paths
    return net
