"""Zoom and pan over the map: hex <-> screen conversion at a set of fixed zoom levels, so the
terrain can be drawn once per level and blitted every frame."""

from __future__ import annotations

import math

from game.gamemap import GameMap
from game.hexgrid import Hex, Layout, offset_to_axial

ZOOMS = (7, 9, 12, 16, 21, 27, 34)  # hex radius in pixels
SQRT3 = math.sqrt(3.0)
PAD = 6


def layout_for(size: int) -> Layout:
    """Pixel layout of the whole map at one zoom: hex (0, 0) sits just inside the top-left corner."""
    return Layout(size=float(size), origin=(size * SQRT3 / 2 + PAD, size + PAD), y_down=True)


def world_size(gm: GameMap, size: int) -> tuple[int, int]:
    w = size * SQRT3 * (gm.width + 0.5) + 2 * PAD
    h = size * (1.5 * (gm.height - 1) + 2) + 2 * PAD
    return int(math.ceil(w)), int(math.ceil(h))


def fit_zoom(gm: GameMap, view_w: int, view_h: int, most: int = len(ZOOMS) - 1) -> int:
    """The closest zoom (up to ``most``) at which the whole map fits the view; 0 if none does."""
    fits = [
        k for k in range(min(most, len(ZOOMS) - 1) + 1) if all(a <= b for a, b in zip(world_size(gm, ZOOMS[k]), (view_w, view_h)))
    ]
    return fits[-1] if fits else 0


class MapDrag:
    """Drag-to-pan with the left button, shared by the game and the replay viewer: a press on the
    map starts it, moving more than a few pixels pans, and a release without a drag is a click."""

    THRESHOLD = 4  # pixels of travel before a press becomes a drag (a shaky click stays a click)

    def __init__(self) -> None:
        self.last: tuple[int, int] | None = None
        self.dragged = False

    @property
    def active(self) -> bool:
        """The button is down on the map (no tooltip while the map may be moving)."""
        return self.last is not None

    def press(self, pos: tuple[int, int]) -> None:
        self.last, self.dragged = pos, False

    def move(self, cam: Camera, pos: tuple[int, int], buttons) -> bool:
        """Pan ``cam`` while the left button is held; True when this motion was a drag."""
        if self.last is None or not (buttons and buttons[0]):
            return False
        dx, dy = pos[0] - self.last[0], pos[1] - self.last[1]
        if self.dragged or abs(dx) + abs(dy) > self.THRESHOLD:
            self.dragged = True
            cam.pan(-dx, -dy)
            self.last = pos
        return self.dragged

    def release(self) -> bool:
        """End it; True when it was a click (pressed on the map and never dragged)."""
        click = self.last is not None and not self.dragged
        self.last = None
        return click


class Camera:
    """The visible window onto the world surface of the current zoom level."""

    def __init__(self, gm: GameMap, view_w: int, view_h: int, zoom: int = 3) -> None:
        self.gm = gm
        self.view_w, self.view_h = view_w, view_h
        self.zoom = max(0, min(len(ZOOMS) - 1, zoom))
        self.x = 0.0
        self.y = 0.0
        self.layout = layout_for(self.size)

    @property
    def size(self) -> int:
        return ZOOMS[self.zoom]

    def resize(self, view_w: int, view_h: int) -> None:
        self.view_w, self.view_h = view_w, view_h
        self.clamp()

    def clamp(self) -> None:
        """Keep some map in view: pan no further than a margin past the edges."""
        w, h = world_size(self.gm, self.size)
        margin = 120
        self.x = max(-margin, min(self.x, w - self.view_w + margin)) if w + 2 * margin > self.view_w else (w - self.view_w) / 2
        self.y = max(-margin, min(self.y, h - self.view_h + margin)) if h + 2 * margin > self.view_h else (h - self.view_h) / 2

    def pan(self, dx: float, dy: float) -> None:
        self.x += dx
        self.y += dy
        self.clamp()

    def set_zoom(self, zoom: int, anchor: tuple[float, float] | None = None) -> None:
        """Change zoom keeping the map point under ``anchor`` (view pixels) where it is."""
        zoom = max(0, min(len(ZOOMS) - 1, zoom))
        if zoom == self.zoom:
            return
        ax, ay = anchor if anchor is not None else (self.view_w / 2, self.view_h / 2)
        old = self.layout
        ux = (self.x + ax - old.origin[0]) / old.size
        uy = (self.y + ay - old.origin[1]) / old.size
        self.zoom = zoom
        self.layout = layout_for(self.size)
        self.x = ux * self.size + self.layout.origin[0] - ax
        self.y = uy * self.size + self.layout.origin[1] - ay
        self.clamp()

    def centre_world(self) -> None:
        """The middle of the map in the middle of the view."""
        w, h = world_size(self.gm, self.size)
        self.x = (w - self.view_w) / 2
        self.y = (h - self.view_h) / 2
        self.clamp()

    def center_on(self, h: Hex) -> None:
        px, py = self.layout.hex_to_point(h)
        self.x = px - self.view_w / 2
        self.y = py - self.view_h / 2
        self.clamp()

    def hex_center(self, h: Hex) -> tuple[float, float]:
        """View pixel of a hex centre."""
        px, py = self.layout.hex_to_point(h)
        return px - self.x, py - self.y

    def hex_at(self, vx: float, vy: float) -> Hex | None:
        """The map hex under a view pixel, None off the map."""
        h = self.layout.point_to_hex(vx + self.x, vy + self.y)
        return h if self.gm.contains(h) else None

    def center_hex(self) -> Hex:
        h = self.layout.point_to_hex(self.x + self.view_w / 2, self.y + self.view_h / 2)
        if self.gm.contains(h):
            return h
        return offset_to_axial(self.gm.width // 2, self.gm.height // 2)
