"""Single-line route geometry -> a graph of junction nodes and pipe pieces.

Rules (docs/gis.md):
- snapping: every vertex within ``tol`` of an earlier vertex is merged into it (first come,
  no chaining), so a mis-snapped end joins the junction it was meant for;
- a line end within ``tol`` of another line's interior splits that line there (T-junction);
- a point (building, plant) attaches at the nearest point of the route: within ``tol`` it sits
  on the route, farther away a service pipe joins it to that point, which splits the line;
- lines are pieces between nodes: line ends, junctions, attachment points. A vertex two lines
  share is a junction; lines crossing without a shared vertex are not connected (a crossing
  at different depths is normal in a trench network);
- a line that crosses or touches itself is an error, a closed line (a ring drawn as one
  feature) is not.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ._layers import Feature, GisInputError


@dataclass
class Vertex:
    x: float
    y: float
    z: Optional[float]


@dataclass
class Piece:
    """One pipe's worth of a route line (or a service pipe): vertex ids from end to end."""
    feature: Feature
    vertices: List[int]
    number: int = 0              # 1.. along its line; 0 = the line is one piece
    service_for: Optional[Feature] = None


@dataclass
class Attachment:
    feature: Feature             # the building or plant
    vertex: int                  # where its element sits (its own vertex if it has a service pipe)
    route_vertex: int            # the route point it connects to
    distance_m: float            # from the point to the route


@dataclass
class Topology:
    vertices: List[Vertex]
    pieces: List[Piece]
    attachments: List[Attachment]
    snapped: int = 0             # vertices merged into an earlier one at a distance > 0
    t_junctions: int = 0         # line ends that split another line
    dangling: List[int] = field(default_factory=list)   # route ends with nothing attached


class _Snapper:
    """Vertex registry that merges positions within tol (grid hash of cell size tol)."""

    def __init__(self, tol: float):
        self.tol = tol
        self.vertices: List[Vertex] = []
        self.grid: Dict[Tuple[int, int], List[int]] = {}
        self.moved = 0

    def _cell(self, x: float, y: float) -> Tuple[int, int]:
        return (math.floor(x / self.tol), math.floor(y / self.tol)) if self.tol > 0 else (0, 0)

    def find(self, x: float, y: float) -> Optional[int]:
        cx, cy = self._cell(x, y)
        best, best_d = None, math.inf
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for v in self.grid.get((cx + dx, cy + dy), ()):
                    d = math.hypot(self.vertices[v].x - x, self.vertices[v].y - y)
                    if d <= self.tol and (d < best_d or (d == best_d and v < best)):
                        best, best_d = v, d
        return best

    def add(self, x: float, y: float, z: Optional[float], snap: bool = True) -> int:
        if snap:
            v = self.find(x, y)
            if v is not None:
                if self.vertices[v].x != x or self.vertices[v].y != y:
                    self.moved += 1
                return v
        self.vertices.append(Vertex(x, y, z))
        self.grid.setdefault(self._cell(x, y), []).append(len(self.vertices) - 1)
        return len(self.vertices) - 1


def build_topology(lines: Sequence[Feature], points: Sequence[Feature], tol: float,
                   connect_to: Dict[int, int]) -> Topology:
    """``connect_to`` maps an index into ``points`` to the index of the only line it may attach
    to (the point's explicit attribute); other points attach to the nearest line."""
    snapper = _Snapper(tol)
    sequences = [_line_vertices(f, snapper) for f in lines]
    for f, seq in zip(lines, sequences):
        _check_simple(f, seq, snapper.vertices)
    segs = _Segments(sequences, snapper.vertices)
    inserts: Dict[Tuple[int, int], List[Tuple[float, int]]] = {}
    t_junctions = _split_at_line_ends(sequences, segs, snapper, tol, inserts)
    attachments = []
    for i, p in enumerate(points):
        attachments.append(_attach(p, segs, snapper, tol, inserts, connect_to.get(i)))
    sequences = _apply_inserts(sequences, inserts, snapper.vertices, tol)
    node_vertices = _node_vertices(sequences, attachments)
    pieces = []
    for f, seq in zip(lines, sequences):
        pieces.extend(_cut(f, seq, node_vertices))
    for a in attachments:
        if a.vertex != a.route_vertex:
            pieces.append(Piece(a.feature, [a.route_vertex, a.vertex], 0, service_for=a.feature))
    attached = {a.route_vertex for a in attachments}
    ends = [seq[i] for seq in sequences for i in (0, -1)]
    degree: Dict[int, int] = {}
    for piece in pieces:
        for v in (piece.vertices[0], piece.vertices[-1]):
            degree[v] = degree.get(v, 0) + 1
    dangling = sorted({v for v in ends if degree.get(v, 0) == 1 and v not in attached})
    return Topology(snapper.vertices, pieces, attachments, snapper.moved, t_junctions, dangling)


def _line_vertices(f: Feature, snapper: _Snapper) -> List[int]:
    seq: List[int] = []
    for c in f.coords:
        v = snapper.add(c[0], c[1], c[2] if len(c) > 2 else None)
        if not seq or seq[-1] != v:
            seq.append(v)
    if len(seq) < 2:
        raise GisInputError(f"{f.label}: shorter than the snap tolerance ({snapper.tol:g} m); "
                            "all its vertices merge into one point")
    return seq


def _check_simple(f: Feature, seq: List[int], vertices: List[Vertex]) -> None:
    """A line may not cross or touch itself (a closed line may only close at its ends)."""
    closed = seq[0] == seq[-1]
    inner = seq[:-1] if closed else seq
    if len(set(inner)) != len(inner):
        v = next(v for v in inner if inner.count(v) > 1)
        raise GisInputError(f"{f.label}: the line touches itself at ({vertices[v].x:.3f}, "
                            f"{vertices[v].y:.3f}); draw it as separate lines")
    n = len(seq) - 1
    pts = [(vertices[v].x, vertices[v].y) for v in seq]
    for i in range(n):
        for j in range(i + 2, n):
            if closed and i == 0 and j == n - 1:
                continue
            if _segments_cross(pts[i], pts[i + 1], pts[j], pts[j + 1]):
                raise GisInputError(f"{f.label}: self-intersecting line (segment {i + 1} "
                                    f"crosses segment {j + 1}); draw it as separate lines")


def _segments_cross(a, b, c, d) -> bool:
    def orient(p, q, r):
        v = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return (v > 0) - (v < 0)

    def on(p, q, r):   # r on segment pq, given collinear
        return min(p[0], q[0]) <= r[0] <= max(p[0], q[0]) and \
            min(p[1], q[1]) <= r[1] <= max(p[1], q[1])

    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    if o1 != o2 and o3 != o4:
        return True
    return ((o1 == 0 and on(a, b, c)) or (o2 == 0 and on(a, b, d)) or
            (o3 == 0 and on(c, d, a)) or (o4 == 0 and on(c, d, b)))


class _Segments:
    """All segments of all lines as arrays, for nearest-point queries."""

    def __init__(self, sequences: List[List[int]], vertices: List[Vertex]):
        rows = [(li, si, seq[si], seq[si + 1]) for li, seq in enumerate(sequences)
                for si in range(len(seq) - 1)]
        self.line = np.array([r[0] for r in rows])
        self.seg = np.array([r[1] for r in rows])
        self.a = np.array([r[2] for r in rows])
        self.b = np.array([r[3] for r in rows])
        xy = np.array([(v.x, v.y) for v in vertices])
        self.p = xy[self.a]
        self.d = xy[self.b] - self.p
        self.len2 = np.maximum((self.d ** 2).sum(axis=1), 1e-300)

    def project(self, x: float, y: float, mask=None):
        """(distance, t in [0, 1]) of (x, y) to every segment (or those in mask)."""
        t = np.clip(((x - self.p[:, 0]) * self.d[:, 0] + (y - self.p[:, 1]) * self.d[:, 1])
                    / self.len2, 0.0, 1.0)
        qx, qy = self.p[:, 0] + t * self.d[:, 0], self.p[:, 1] + t * self.d[:, 1]
        dist = np.hypot(qx - x, qy - y)
        if mask is not None:
            dist = np.where(mask, dist, np.inf)
        return dist, t


def _point_on(seg_index: int, t: float, segs: _Segments, vertices: List[Vertex]):
    a, b = vertices[segs.a[seg_index]], vertices[segs.b[seg_index]]
    z = None if a.z is None or b.z is None else a.z + t * (b.z - a.z)
    return a.x + t * (b.x - a.x), a.y + t * (b.y - a.y), z


def _split_at_line_ends(sequences, segs: _Segments, snapper: _Snapper, tol: float,
                        inserts) -> int:
    count = 0
    for li, seq in enumerate(sequences):
        for v in {seq[0], seq[-1]}:
            vx = snapper.vertices[v]
            touches = (segs.a != v) & (segs.b != v)
            dist, t = segs.project(vx.x, vx.y, touches)
            near = np.nonzero(dist <= tol)[0]
            best_per_line: Dict[int, int] = {}
            for k in near:
                line = int(segs.line[k])
                if line == li and _is_neighbour_segment(seq, int(segs.seg[k]), v):
                    continue
                if line not in best_per_line or dist[k] < dist[best_per_line[line]]:
                    best_per_line[line] = int(k)
            for line, k in best_per_line.items():
                inserts.setdefault((line, int(segs.seg[k])), []).append((float(t[k]), v))
                count += 1
    return count


def _is_neighbour_segment(seq: List[int], seg: int, v: int) -> bool:
    return v in (seq[seg], seq[seg + 1])


def _attach(p: Feature, segs: _Segments, snapper: _Snapper, tol: float, inserts,
            only_line: Optional[int]) -> Attachment:
    x, y = p.coords[0][0], p.coords[0][1]
    mask = None if only_line is None else (segs.line == only_line)
    dist, t = segs.project(x, y, mask)
    k = int(np.argmin(dist))
    qx, qy, qz = _point_on(k, float(t[k]), segs, snapper.vertices)
    route_vertex = snapper.find(qx, qy)
    if route_vertex is None:
        route_vertex = snapper.add(qx, qy, qz, snap=False)
        inserts.setdefault((int(segs.line[k]), int(segs.seg[k])), []).append(
            (float(t[k]), route_vertex))
    elif route_vertex not in (segs.a[k], segs.b[k]):
        # close to a vertex made for an earlier attachment or T-junction on this segment
        inserts.setdefault((int(segs.line[k]), int(segs.seg[k])), []).append(
            (float(t[k]), route_vertex))
    distance = float(dist[k])
    if distance <= tol:
        return Attachment(p, route_vertex, route_vertex, distance)
    z = p.coords[0][2] if len(p.coords[0]) > 2 else snapper.vertices[route_vertex].z
    own = snapper.add(x, y, z, snap=False)
    return Attachment(p, own, route_vertex, distance)


def _apply_inserts(sequences, inserts, vertices: List[Vertex], tol: float):
    out = []
    for li, seq in enumerate(sequences):
        new = [seq[0]]
        for si in range(len(seq) - 1):
            for _t, v in sorted(inserts.get((li, si), []), key=lambda tv: (tv[0], tv[1])):
                if v != new[-1]:
                    new.append(v)
            if seq[si + 1] != new[-1]:
                new.append(seq[si + 1])
        out.append(new)
    return out


def _node_vertices(sequences, attachments: List[Attachment]) -> set:
    use: Dict[int, int] = {}
    nodes = set()
    for seq in sequences:
        nodes.update((seq[0], seq[-1]))
        for v in set(seq):
            use[v] = use.get(v, 0) + 1
    nodes.update(v for v, n in use.items() if n > 1)
    for a in attachments:
        nodes.update((a.vertex, a.route_vertex))
    return nodes


def _cut(f: Feature, seq: List[int], nodes: set) -> List[Piece]:
    pieces, current = [], [seq[0]]
    for v in seq[1:]:
        current.append(v)
        if v in nodes:
            pieces.append(current)
            current = [v]
    pieces = [half for vs in pieces for half in _split_loop(vs)]
    numbered = len(pieces) > 1
    return [Piece(f, vs, k + 1 if numbered else 0) for k, vs in enumerate(pieces)]


def _split_loop(vs: List[int]) -> List[List[int]]:
    """A closed piece (a ring drawn as one line, nothing attached) becomes two pipes: a pipe
    may not start and end at the same node."""
    if vs[0] != vs[-1]:
        return [vs]
    mid = len(vs) // 2
    return [vs[:mid + 1], vs[mid:]]
