"""The static map drawn once per zoom level: terrain, grid, rivers on hex edges, crossings,
tracks, the claimed border and the names of places. Blitting it is the whole terrain cost of a
frame (the bench's 8 ms budget depends on it)."""

from __future__ import annotations

import math

import pygame

from game.gamemap import GameMap
from game.hexgrid import Layout
from game.ui import fonts, theme
from game.ui.camera import layout_for, world_size


def _darker(c: tuple[int, int, int], f: float = 0.82) -> tuple[int, int, int]:
    return (int(c[0] * f), int(c[1] * f), int(c[2] * f))


def shared_edge(layout: Layout, a, b) -> tuple[tuple[float, float], tuple[float, float]]:
    """The two corners of hex a nearest hex b: the edge between them."""
    bx, by = layout.hex_to_point(b)
    cs = sorted(layout.corners(a), key=lambda p: (p[0] - bx) ** 2 + (p[1] - by) ** 2)
    return cs[0], cs[1]


def border_line(gm: GameMap) -> list:
    """The claimed border as the hexes of its marker places, north to south."""
    pts = [p for p in gm.places.values() if p.kind == "border"]
    return [p.hex for p in sorted(pts, key=lambda p: p.hex[1])]


def _hash(i: int) -> int:
    x = (i * 2654435761) & 0xFFFFFFFF
    return x ^ (x >> 13)


def draw_terrain(gm: GameMap, size: int, rules=None, labels: bool = True) -> pygame.Surface:
    """Terrain fills and textures, grid, tracks, rivers, crossings, border and labels (the map
    view passes ``labels=False`` and places the names itself, around the counters)."""
    lay = layout_for(size)
    w, h = world_size(gm, size)
    surf = pygame.Surface((w, h))
    surf.fill(theme.BG)
    grid = size >= 9
    for i, hx in enumerate(gm.hexes):
        t = gm.terrain[i]
        col = theme.TERRAIN.get(t, theme.TERRAIN_DEFAULT)
        corners = lay.corners(hx)
        pygame.draw.polygon(surf, col, corners)
        cx, cy = lay.hex_to_point(hx)
        hv = _hash(i)
        if t == "dunes" and size >= 9:
            for k in range(3):
                ox = ((hv >> (k * 4)) % 9 - 4) / 9 * size
                oy = ((hv >> (k * 4 + 2)) % 9 - 4) / 9 * size
                r = pygame.Rect(0, 0, size * 0.5, size * 0.3)
                r.center = (int(cx + ox), int(cy + oy))
                pygame.draw.arc(surf, _darker(col, 0.78), r, 0.3, math.pi - 0.3, 1)
        elif t == "valley" and size >= 9:
            for k in range(3):
                ox = ((hv >> (k * 4)) % 9 - 4) / 10 * size
                oy = ((hv >> (k * 4 + 2)) % 9 - 4) / 10 * size
                x0, y0 = cx + ox, cy + oy
                c2 = (70, 120, 90)
                pygame.draw.line(surf, c2, (x0 - size * 0.15, y0), (x0 + size * 0.15, y0), 1)
                for dx in (-0.1, 0.0, 0.1):
                    pygame.draw.line(surf, c2, (x0 + dx * size, y0), (x0 + dx * size * 1.6, y0 - size * 0.18), 1)
        elif t == "heights":
            inner = [(cx + (px - cx) * 0.62, cy + (py - cy) * 0.62) for px, py in corners]
            pygame.draw.polygon(surf, _darker(col, 0.88), inner)
            inner2 = [(cx + (px - cx) * 0.3, cy + (py - cy) * 0.3) for px, py in corners]
            pygame.draw.polygon(surf, _darker(col, 0.76), inner2)
        elif t == "escarpment":
            for k in range(-2, 3):
                x0 = cx + k * size * 0.3
                pygame.draw.line(
                    surf, _darker(col, 0.7), (x0 - size * 0.2, cy + size * 0.45), (x0 + size * 0.2, cy - size * 0.45), 1
                )
        elif t == "lake":
            for k in (-1, 1):
                y0 = cy + k * size * 0.25
                pygame.draw.arc(surf, (200, 225, 245), pygame.Rect(cx - size * 0.4, y0 - 3, size * 0.4, 6), 0, math.pi, 1)
        if grid:
            pygame.draw.polygon(surf, _darker(col, 0.86), corners, 1)
    _draw_roads(surf, gm, lay, size)
    draw_rivers(surf, gm, lay, size)
    draw_crossings(surf, gm, lay, size)
    _draw_border(surf, gm, lay, size)
    _draw_height_marks(surf, gm, lay, size)
    if labels:
        draw_place_labels(surf, gm, size)
    return surf


def _draw_roads(surf: pygame.Surface, gm: GameMap, lay: Layout, size: int) -> None:
    width = max(1, size // 9)
    for (a, b), _kind in gm.road_edges.items():
        p = lay.hex_to_point(gm.hexes[a])
        q = lay.hex_to_point(gm.hexes[b])
        # dashed: two dashes per hex step
        for k in range(4):
            if k % 2:
                continue
            t0, t1 = k / 4, (k + 1) / 4
            pygame.draw.line(
                surf,
                theme.ROAD,
                (p[0] + (q[0] - p[0]) * t0, p[1] + (q[1] - p[1]) * t0),
                (p[0] + (q[0] - p[0]) * t1, p[1] + (q[1] - p[1]) * t1),
                width,
            )


def draw_rivers(surf: pygame.Surface, gm: GameMap, lay: Layout, size: int) -> None:
    for (a, b), kind in gm.river_edges.items():
        p, q = shared_edge(lay, gm.hexes[a], gm.hexes[b])
        major = kind == "major"
        col = theme.RIVER_MAJOR if major else theme.RIVER_MINOR
        w = max(2, int(size * (0.28 if major else 0.14)))
        pygame.draw.line(surf, col, p, q, w)
        r = max(1, w // 2)
        pygame.draw.circle(surf, col, p, r)
        pygame.draw.circle(surf, col, q, r)


def draw_crossings(surf: pygame.Surface, gm: GameMap, lay: Layout, size: int) -> None:
    for (a, b), c in gm.crossings.items():
        pa, pb = lay.hex_to_point(gm.hexes[a]), lay.hex_to_point(gm.hexes[b])
        mx, my = (pa[0] + pb[0]) / 2, (pa[1] + pb[1]) / 2
        dx, dy = pb[0] - pa[0], pb[1] - pa[1]
        n = math.hypot(dx, dy) or 1.0
        ux, uy = dx / n, dy / n
        half = size * 0.5
        wide = max(3, int(size * 0.32))
        p0 = (mx - ux * half, my - uy * half)
        p1 = (mx + ux * half, my + uy * half)
        if c.kind == "bridge":
            pygame.draw.line(surf, (40, 30, 25), p0, p1, wide + 2)
            pygame.draw.line(surf, (150, 120, 90), p0, p1, wide - 1)
        elif c.kind == "pontoon":
            pygame.draw.line(surf, (40, 30, 25), p0, p1, wide)
            for k in range(3):
                t = -0.6 + k * 0.6
                pygame.draw.circle(surf, (220, 210, 180), (mx + ux * half * t, my + uy * half * t), max(1, wide // 3))
        else:  # ford
            for k in range(4):
                t = -0.75 + k * 0.5
                pygame.draw.circle(surf, (245, 240, 220), (mx + ux * half * t, my + uy * half * t), max(1, wide // 3))


def _draw_border(surf: pygame.Surface, gm: GameMap, lay: Layout, size: int) -> None:
    pts = [lay.hex_to_point(h) for h in border_line(gm)]
    w = max(2, size // 7)
    dash = max(4.0, size * 0.6)
    for p, q in zip(pts, pts[1:]):
        n = math.hypot(q[0] - p[0], q[1] - p[1])
        steps = max(1, int(n / dash))
        for k in range(0, steps, 2):
            t0, t1 = k / steps, min(1.0, (k + 1) / steps)
            pygame.draw.line(
                surf,
                theme.BORDER,
                (p[0] + (q[0] - p[0]) * t0, p[1] + (q[1] - p[1]) * t0),
                (p[0] + (q[0] - p[0]) * t1, p[1] + (q[1] - p[1]) * t1),
                w,
            )
    if pts and size >= 12:
        lab = fonts.text("Mongolian-claimed border", max(9, size // 2 + 2), theme.BORDER, bold=True)
        x, y = pts[0]
        surf.blit(lab, (x + 6, y - lab.get_height() - 2))


def _halo_blit(surf: pygame.Surface, fg: pygame.Surface, bg: pygame.Surface, r: pygame.Rect) -> None:
    for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (1, 1), (-1, 1), (1, -1)):
        surf.blit(bg, r.move(dx, dy))
    surf.blit(fg, r)


def _draw_height_marks(surf: pygame.Surface, gm: GameMap, lay: Layout, size: int) -> None:
    if size < 12:
        return
    for p in gm.places.values():
        if p.kind == "height":
            x, y = lay.hex_to_point(p.hex)
            tri = [(x, y - size * 0.35), (x - size * 0.3, y + size * 0.2), (x + size * 0.3, y + size * 0.2)]
            pygame.draw.polygon(surf, (90, 60, 30), tri)


LABEL_ORDER = {"height": 0, "command_post": 0, "village": 1, "crossing": 2, "lake": 2}


def draw_place_labels(
    surf: pygame.Surface,
    gm: GameMap,
    size: int,
    blockers: list[pygame.Rect] | None = None,
    keep_clear: float = 0.0,
) -> list[pygame.Rect]:
    """The names of places with a light halo, each under its hex (or above it, beside it, or a
    line further off) where it covers neither another name nor a ``blockers`` rect (the counters);
    a name with no free place is left out rather than drawn over a counter. ``keep_clear``:
    how far (in hex radii) below and above the hex centre a counter reaches. Returns where
    the names went."""
    if size < 12:
        return []
    lay = layout_for(size)
    px = max(9, int(size * 0.5))
    taken: list[pygame.Rect] = []
    blockers = blockers or []
    for p in sorted(gm.places.values(), key=lambda p: (LABEL_ORDER.get(p.kind, 3), p.name)):
        if p.kind == "border":
            continue
        x, y = lay.hex_to_point(p.hex)
        name = p.name if len(p.name) <= 34 or size >= 27 else p.name.split(" (")[0]
        bold = p.kind in ("height", "command_post", "village")
        fg = fonts.text(name, px, theme.LABEL, bold)
        th = fg.get_height()
        home = fg.get_rect(center=(int(x), int(y + size * 0.75)))
        below = fg.get_rect(midtop=(int(x), int(y + size * keep_clear) + 1))
        above = fg.get_rect(midbottom=(int(x), int(y - size * max(keep_clear, 0.75)) - 1))
        right = fg.get_rect(midleft=(int(x + size * 0.8) + 2, int(y)))  # beside the hex's counter
        left = fg.get_rect(midright=(int(x - size * 0.8) - 2, int(y)))
        cands = [home, below, above, right, left, below.move(0, th), above.move(0, -th)]
        for r in cands:
            if r.collidelist(taken) < 0 and r.collidelist(blockers) < 0:
                break
        else:
            continue
        taken.append(r.inflate(4, 0))
        _halo_blit(surf, fg, fonts.text(name, px, (250, 248, 240), bold), r)
    return taken
