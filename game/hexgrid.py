"""Hex maths on axial coordinates (after Red Blob Games), kept free of any game rules.

Hexes are pointy-topped. Axial ``(q, r)`` is used everywhere inside the engine; offset
coordinates ("odd-r": odd rows shifted half a hex right) appear only at the file boundary,
where map authors think in columns and rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

Hex = tuple[int, int]

#: Neighbour directions in a fixed order: E, NE, NW, W, SW, SE (pointy-top, y down).
DIRECTIONS: tuple[Hex, ...] = ((1, 0), (1, -1), (0, -1), (-1, 0), (-1, 1), (0, 1))

SQRT3 = math.sqrt(3.0)


def add(a: Hex, b: Hex) -> Hex:
    return (a[0] + b[0], a[1] + b[1])


def neighbor(h: Hex, direction: int) -> Hex:
    d = DIRECTIONS[direction % 6]
    return (h[0] + d[0], h[1] + d[1])


def neighbors(h: Hex) -> list[Hex]:
    """The six adjacent hexes, in DIRECTIONS order (deterministic for the engine)."""
    q, r = h
    return [(q + dq, r + dr) for dq, dr in DIRECTIONS]


def direction_to(a: Hex, b: Hex) -> int | None:
    """Index of the direction from a to an adjacent b, or None if not adjacent."""
    d = (b[0] - a[0], b[1] - a[1])
    try:
        return DIRECTIONS.index(d)
    except ValueError:
        return None


def distance(a: Hex, b: Hex) -> int:
    dq = a[0] - b[0]
    dr = a[1] - b[1]
    return (abs(dq) + abs(dr) + abs(dq + dr)) // 2


def to_cube(h: Hex) -> tuple[int, int, int]:
    return (h[0], h[1], -h[0] - h[1])


def from_cube(c: tuple[int, int, int]) -> Hex:
    if sum(c) != 0:
        raise ValueError(f"cube coordinate {c} does not sum to zero")
    return (c[0], c[1])


def hex_round(fq: float, fr: float) -> Hex:
    """Nearest hex to fractional axial coordinates (cube rounding)."""
    fs = -fq - fr
    q, r, s = round(fq), round(fr), round(fs)
    dq, dr, ds = abs(q - fq), abs(r - fr), abs(s - fs)
    if dq > dr and dq > ds:
        q = -r - s
    elif dr > ds:
        r = -q - s
    return (int(q), int(r))


def line(a: Hex, b: Hex) -> list[Hex]:
    """Hexes on the straight line from a to b inclusive (nudged to break ties consistently)."""
    n = distance(a, b)
    if n == 0:
        return [a]
    aq, ar = a[0] + 1e-6, a[1] + 1e-6
    bq, br = b[0] + 1e-6, b[1] + 1e-6
    return [hex_round(aq + (bq - aq) * i / n, ar + (br - ar) * i / n) for i in range(n + 1)]


def ring(center: Hex, radius: int) -> list[Hex]:
    """Hexes at exactly ``radius`` from center (one hex for radius 0)."""
    if radius < 0:
        raise ValueError("radius must be >= 0")
    if radius == 0:
        return [center]
    results: list[Hex] = []
    h = (center[0] + DIRECTIONS[4][0] * radius, center[1] + DIRECTIONS[4][1] * radius)
    for side in range(6):
        for _ in range(radius):
            results.append(h)
            h = neighbor(h, side)
    return results


def hex_range(center: Hex, radius: int) -> list[Hex]:
    """All hexes within ``radius`` of center, ordered by (q, r) for determinism."""
    out: list[Hex] = []
    cq, cr = center
    for dq in range(-radius, radius + 1):
        for dr in range(max(-radius, -dq - radius), min(radius, -dq + radius) + 1):
            out.append((cq + dq, cr + dr))
    return out


def spiral(center: Hex, radius: int) -> Iterator[Hex]:
    """Center, then rings outward: nearest hexes first."""
    for k in range(radius + 1):
        yield from ring(center, k)


# --- offset coordinates (file boundary only) -------------------------------------------


def offset_to_axial(col: int, row: int) -> Hex:
    """odd-r offset (odd rows shoved right) to axial."""
    return (col - (row - (row & 1)) // 2, row)


def axial_to_offset(h: Hex) -> tuple[int, int]:
    q, r = h
    return (q + (r - (r & 1)) // 2, r)


# --- layout ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Pointy-top hex <-> plane conversion.

    ``size`` is the centre-to-corner radius; neighbouring centres are ``sqrt(3)*size`` apart.
    ``origin`` is the plane position of hex (0, 0). ``y_down`` follows screen convention;
    set it False for map kilometres where y grows northward.
    """

    size: float
    origin: tuple[float, float] = (0.0, 0.0)
    y_down: bool = True

    def hex_to_point(self, h: Hex) -> tuple[float, float]:
        q, r = h
        x = self.size * (SQRT3 * q + SQRT3 / 2 * r)
        y = self.size * 1.5 * r
        return (self.origin[0] + x, self.origin[1] + (y if self.y_down else -y))

    def point_to_fractional(self, x: float, y: float) -> tuple[float, float]:
        px = (x - self.origin[0]) / self.size
        py = (y - self.origin[1]) / self.size
        if not self.y_down:
            py = -py
        fq = SQRT3 / 3 * px - 1.0 / 3 * py
        fr = 2.0 / 3 * py
        return (fq, fr)

    def point_to_hex(self, x: float, y: float) -> Hex:
        return hex_round(*self.point_to_fractional(x, y))

    def corners(self, h: Hex) -> list[tuple[float, float]]:
        cx, cy = self.hex_to_point(h)
        pts = []
        for i in range(6):
            ang = math.radians(60 * i - 30)
            dy = self.size * math.sin(ang)
            pts.append((cx + self.size * math.cos(ang), cy + (dy if self.y_down else -dy)))
        return pts


def km_layout(origin_km: tuple[float, float], hex_km: float = 1.0) -> Layout:
    """Layout placing hex (0,0) at ``origin_km`` with centres ``hex_km`` apart, y north."""
    return Layout(size=hex_km / SQRT3, origin=origin_km, y_down=False)
