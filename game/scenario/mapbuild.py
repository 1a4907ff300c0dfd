"""Turn a map authored as geographic features in km into hexes.

Areas (polygons, circles) paint terrain in order; rivers become hex *edges* wherever the line
between two hex centres crosses the river's course; crossings attach to the nearest river
edge; roads become chains of adjacent hexes. Positions stay in km so the sources can be
checked against the geography sheet rather than against a hand-typed grid.
"""

from __future__ import annotations

import math

import numpy as np

from game import hexgrid
from game.gamemap import Crossing, GameMap, Place, edge
from game.scenario.schema import MapSpec, RulesetSpec

Loc = tuple[str | int, ...]
Problems = list[tuple[Loc, str]]


def grid_size(spec: MapSpec, hex_km: float) -> tuple[int, int]:
    x0, x1 = spec.extent_km.x
    y0, y1 = spec.extent_km.y
    width = int(math.floor((x1 - x0) / hex_km + 1e-9)) + 1
    height = int(math.floor((y1 - y0) / (hex_km * hexgrid.SQRT3 / 2) + 1e-9)) + 1
    return width, height


def empty_map(spec: MapSpec, hex_km: float) -> GameMap:
    """The hex rectangle alone (base terrain): enough to check placements against."""
    width, height = grid_size(spec, hex_km)
    n = width * height
    return GameMap(
        width=width,
        height=height,
        origin_km=(spec.extent_km.x[0], spec.extent_km.y[1]),
        hex_km=hex_km,
        terrain=[spec.base_terrain] * n,
        area=[""] * n,
    )


def _points_in_polygon(px: np.ndarray, py: np.ndarray, poly: list[list[float]]) -> np.ndarray:
    """Even-odd rule, vectorised over the hex centres."""
    inside = np.zeros(px.shape, dtype=bool)
    n = len(poly)
    for i in range(n):
        xa, ya = poly[i]
        xb, yb = poly[(i + 1) % n]
        if ya == yb:
            continue
        cond = (ya > py) != (yb > py)
        xint = (xb - xa) * (py - ya) / (yb - ya) + xa
        inside ^= cond & (px < xint)
    return inside


def _segments_cross(p1, p2, q1, q2) -> np.ndarray:
    """Proper-or-touching intersection of segment arrays p1p2 (N,2) with q1q2 (M,2): (N,M)."""

    def orient(a, b, c):
        return (b[..., 0] - a[..., 0]) * (c[..., 1] - a[..., 1]) - (b[..., 1] - a[..., 1]) * (c[..., 0] - a[..., 0])

    P1, P2 = p1[:, None, :], p2[:, None, :]
    Q1, Q2 = q1[None, :, :], q2[None, :, :]
    d1 = orient(Q1, Q2, P1)
    d2 = orient(Q1, Q2, P2)
    d3 = orient(P1, P2, Q1)
    d4 = orient(P1, P2, Q2)
    return ((d1 > 0) != (d2 > 0)) & ((d3 > 0) != (d4 > 0))


def build_map(spec: MapSpec, rules: RulesetSpec, windowed: bool = False) -> tuple[GameMap, Problems]:
    """``windowed``: the spec is a window of a larger map, so features outside it are dropped
    silently instead of reported."""
    problems: Problems = []
    x0, x1 = spec.extent_km.x
    y0, y1 = spec.extent_km.y

    def outside(p: list[float]) -> bool:
        return not (x0 - 0.5 <= p[0] <= x1 + 0.5 and y0 - 0.5 <= p[1] <= y1 + 0.5)

    gm = empty_map(spec, rules.hex_km)
    centres = np.array([gm.hex_to_km(h) for h in gm.hexes], dtype=float)
    px, py = centres[:, 0], centres[:, 1]

    for ai, area in enumerate(spec.areas):
        if area.polygon is not None:
            mask = _points_in_polygon(px, py, area.polygon)
        elif area.circle is not None and area.radius_km is not None:
            cx, cy = area.circle
            mask = (px - cx) ** 2 + (py - cy) ** 2 <= area.radius_km**2
        else:
            problems.append((("map", "areas", ai), "an area needs a polygon, or a circle with radius_km"))
            continue
        hits = np.nonzero(mask)[0]
        if len(hits) == 0 and not windowed:
            problems.append((("map", "areas", ai), f"area '{area.name}' covers no hex centre of the map"))
        for i in hits:
            gm.terrain[int(i)] = area.terrain
            gm.area[int(i)] = area.name

    # every edge once: (i, j) with i < j
    pairs = sorted({edge(i, j) for i in range(gm.size) for j in gm.nbrs[i]})
    ea = np.array([p[0] for p in pairs], dtype=np.int64)
    eb = np.array([p[1] for p in pairs], dtype=np.int64)
    for ri, river in enumerate(spec.rivers):
        pts = np.array(river.course, dtype=float)
        hit = _segments_cross(centres[ea], centres[eb], pts[:-1], pts[1:]).any(axis=1)
        idx = np.nonzero(hit)[0]
        if len(idx) == 0 and not windowed:
            problems.append((("map", "rivers", ri, "course"), f"river '{river.name}' crosses no hex edge of the map"))
        for k in idx:
            e = pairs[int(k)]
            if e in gm.river_edges and gm.river_names[e] != river.name:
                # the confluence: the larger river wins the edge
                if rules.rivers[gm.river_edges[e]].cost.default is None:
                    continue
            gm.river_edges[e] = river.kind
            gm.river_names[e] = river.name

    if spec.crossings:
        redges = sorted(gm.river_edges)
        mids = np.array([(centres[a] + centres[b]) / 2 for a, b in redges]) if redges else np.zeros((0, 2))
        for ci, c in enumerate(spec.crossings):
            if windowed and outside(c.at):
                continue
            cand = [k for k, e in enumerate(redges) if c.river is None or gm.river_names[e] == c.river]
            if not cand:
                what = f"river '{c.river}'" if c.river else "a river"
                problems.append(
                    (("map", "crossings", ci, "river" if c.river else "at"), f"no edge of {what} for crossing '{c.name}'")
                )
                continue
            d = np.hypot(mids[cand, 0] - c.at[0], mids[cand, 1] - c.at[1])
            best = int(np.argmin(d))
            snap = rules.parameters.crossing_snap_km
            if d[best] > snap:
                problems.append(
                    (
                        ("map", "crossings", ci, "at"),
                        f"crossing '{c.name}' is {d[best]:.1f} km from the nearest river edge (max {snap:g})",
                    )
                )
                continue
            e = redges[cand[best]]
            if e in gm.crossings:
                problems.append(
                    (("map", "crossings", ci, "at"), f"crossing '{c.name}' falls on the same edge as '{gm.crossings[e].name}'")
                )
                continue
            gm.crossings[e] = Crossing(c.name, c.kind, e, gm.river_names[e], c.destructible)

    for ri, road in enumerate(spec.roads):
        chain: list[int] = []
        for a, b in zip(road.course[:-1], road.course[1:]):
            for h in hexgrid.line(gm.km_to_hex(*a), gm.km_to_hex(*b)):
                i = gm.idx(h)
                if i is not None and (not chain or chain[-1] != i):
                    chain.append(i)
        for a, b in zip(chain[:-1], chain[1:]):
            if b in gm.nbrs[a]:
                gm.road_edges[edge(a, b)] = road.kind
        if len(chain) < 2 and not windowed:
            problems.append((("map", "roads", ri, "course"), f"road '{road.name}' has fewer than two hexes on the map"))

    for pi, p in enumerate(spec.places):
        h = gm.km_to_hex(*p.at)
        if not gm.contains(h) and windowed:
            continue
        if not gm.contains(h):
            problems.append((("map", "places", pi, "at"), f"place '{p.name}' at {p.at} km is off the map{_extent_text(spec)}"))
            continue
        if p.id in gm.places:
            problems.append((("map", "places", pi, "id"), f"duplicate place id '{p.id}'"))
            continue
        gm.places[p.id] = Place(p.id, p.name, h, p.kind)
    return gm, problems


def _extent_text(spec: MapSpec) -> str:
    x, y = spec.extent_km.x, spec.extent_km.y
    return f" (map covers x {x[0]:g}..{x[1]:g}, y {y[0]:g}..{y[1]:g} km)"


def off_map_message(what: str, at: list[float] | tuple[float, ...], spec: MapSpec) -> str:
    return f"{what} at {list(at)} km is off the map{_extent_text(spec)}"
