"""Draws the map for one side's view: cached terrain, cached overlay tints, objectives, depots,
highlights and unit counters. Only what is in the view state is drawn — fog is the engine's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pygame

from game.engine import current_actors
from game.hexgrid import Hex
from game.rules import movement, supply
from game.scenario.model import Scenario
from game.state import ACTIVE, State
from game.ui import counters, fonts, theme
from game.ui.camera import ZOOMS, Camera, layout_for, world_size
from game.ui.terrain import draw_terrain

RGBA = tuple[int, int, int, int]


@dataclass
class Marks:
    """What the player has picked, for the renderer to show."""

    side: str | None = None
    selected: str | None = None
    reach: dict[Hex, float] = field(default_factory=dict)
    path: list[Hex] = field(default_factory=list)
    path_cost: float | None = None
    attackers: set[str] = field(default_factory=set)
    target: Hex | None = None
    hover: Hex | None = None
    overlay: str | None = None  # supply | air | zoc
    zones: bool = False  # name the air zones on the map (the air panel is open)
    avoid: pygame.Rect | None = None  # a docked panel over the map: labels keep out of it
    spot: Hex | None = None  # a hex to point out (a field-depot offer under the mouse)
    version: int = 0


def supply_flag(view: State, u) -> int:
    """0 supplied, 1 low, 2 out: the corner mark on a counter and the overlay colour."""
    sup = view.scenario.rules.supply
    if u.supply < sup.out:
        return 2
    if u.supply < sup.low:
        return 1
    return 0


def overlay_colors(view: State, side: str | None, kind: str) -> dict[Hex, RGBA]:
    """Hex tints for an overlay, from what the side knows."""
    scen = view.scenario
    gm = scen.map
    out: dict[Hex, RGBA] = {}
    if kind == "zoc":
        enemies = [u for u in view.units.values() if u.status == ACTIVE and u.hex is not None and u.side != side]
        for i in movement.zoc_of(scen, enemies):
            out[gm.hexes[i]] = (204, 40, 40, 90)
    elif kind == "air":
        ctrl = view.air.get("control", {})
        cols = {
            "soviet": (*theme.SIDE["soviet"], 70),
            "japanese": (*theme.SIDE["japanese"], 70),
            "contested": (120, 120, 120, 70),
        }
        if scen.zone_of:
            for i, z in enumerate(scen.zone_of):
                c = cols.get(ctrl.get(z, "none"))
                if c:
                    out[gm.hexes[i]] = c
    elif kind == "supply" and side is not None:
        if side in view.logistics or any(d.side == side for d in view.depots.values()):
            cost, _, _ = supply.trace(view, side)
            for i, hx in enumerate(gm.hexes):  # beyond a depot's reach: dimmed
                if i not in cost:
                    out[hx] = (20, 20, 30, 110)
        for u in view.units.values():
            if u.side == side and u.status == ACTIVE and u.hex is not None:
                f = supply_flag(view, u)
                out[u.hex] = [(0, 158, 115, 120), (230, 159, 0, 150), (204, 40, 40, 160)][f]
    return out


class _WorldCam:
    """Camera stand-in for drawing on the world surface itself (no pan)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.layout = layout_for(size)
        self.x = self.y = 0.0

    def hex_center(self, h: Hex) -> tuple[float, float]:
        return self.layout.hex_to_point(h)


class MapView:
    def __init__(self, scenario: Scenario) -> None:
        self.scen = scenario
        self._terrain: dict[int, pygame.Surface] = {}
        self._tints: dict[tuple, pygame.Surface] = {}
        self._mini: pygame.Surface | None = None
        self._mini_for = (0, 0)
        self._base: tuple | None = None
        self._world: tuple | None = None
        self._counter_rects: dict[str, pygame.Rect] = {}
        self._zone_pos: tuple | None = None  # where the zone labels go, for one camera and free area

    def terrain(self, size: int) -> pygame.Surface:
        """The static map at one zoom, drawn once and kept for the last three zooms used."""
        s = self._terrain.get(size)
        if s is None:
            if len(self._terrain) >= 3:
                self._terrain.pop(next(iter(self._terrain)))
            s = self._terrain[size] = (
                draw_terrain(self.scen.map, size).convert() if pygame.display.get_surface() else draw_terrain(self.scen.map, size)
            )
        return s

    def world(self, size: int, view: State, marks: Marks) -> pygame.Surface:
        """The whole map with units, depots and objectives for this view: redrawn only when
        the view, the zoom, the overlay or the movement range changes."""
        key = (
            size,
            id(view),
            marks.version,
            marks.side,
            marks.overlay,
            marks.selected if marks.reach else None,
            len(marks.reach),
        )
        if self._world is not None and self._world[0] == key:
            return self._world[1]
        surf = self.base(size, view, marks).copy()
        wc = _WorldCam(size)
        wr = surf.get_rect()
        self._counter_rects = {}
        self._depots(surf, wr, wc, view)
        self._objectives(surf, wr, wc, view)  # under the counters: a star never hides a designation
        self._units(surf, wr, wc, view, marks)
        self._world = (key, surf)
        return surf

    def base(self, size: int, view: State, marks: Marks) -> pygame.Surface:
        """Terrain with the overlay and the movement range blended in, as one opaque surface:
        one plain blit a frame instead of alpha-blending layers every frame."""
        ov = marks.overlay
        night = view.night
        key = (
            size,
            night,
            ov and (ov, marks.side, marks.version),
            marks.reach and (marks.selected, marks.version, len(marks.reach)),
        )
        if self._base is not None and self._base[0] == key:
            return self._base[1]
        surf = self.terrain(size)
        if ov or marks.reach or night:
            surf = surf.copy()
            if night:  # night turns: the map darkens with a blue cast, at a glance
                surf.fill((178, 186, 214), special_flags=pygame.BLEND_RGB_MULT)
            if ov:
                surf.blit(
                    self.tint(("ov", ov, marks.side, marks.version), size, lambda: overlay_colors(view, marks.side, ov)), (0, 0)
                )
            if ov == "air":
                self._zone_borders(surf, size)
            if marks.reach:
                reach = marks.reach
                surf.blit(
                    self.tint(("reach", marks.selected, marks.version), size, lambda: dict.fromkeys(reach, (255, 255, 255, 110))),
                    (0, 0),
                )
        self._base = (key, surf)
        return surf

    def _zone_borders(self, surf: pygame.Surface, size: int) -> None:
        """Where one air zone meets the next: a dark line along the hex edges."""
        from game.ui.terrain import shared_edge

        scen = self.scen
        if not scen.zone_of:
            return
        lay = layout_for(size)
        gm = scen.map
        for a, nbrs in enumerate(gm.nbrs):
            for b in nbrs:
                if a < b and scen.zone_of[a] != scen.zone_of[b]:
                    p, q = shared_edge(lay, gm.hexes[a], gm.hexes[b])
                    pygame.draw.line(surf, (15, 15, 25), p, q, max(4, size // 4))  # dark under light: seen on any terrain
                    pygame.draw.line(surf, (250, 250, 235), p, q, max(2, size // 9))

    def tint(self, key: tuple, size: int, colors: Callable[[], dict[Hex, RGBA]]) -> pygame.Surface:
        """A world-sized tint layer, computed only when its key changes."""
        k = (key, size)
        s = self._tints.get(k)
        if s is None:
            if len(self._tints) >= 4:
                self._tints.pop(next(iter(self._tints)))
            lay = layout_for(size)
            s = pygame.Surface(world_size(self.scen.map, size), pygame.SRCALPHA)
            for h, c in colors().items():
                pygame.draw.polygon(s, c, lay.corners(h))
            self._tints[k] = s
        return s

    def terrain_size_px(self, size: int) -> tuple[int, int]:
        return world_size(self.scen.map, size)

    def minimap(self, w: int, h: int) -> pygame.Surface:
        """The whole map scaled into the minimap box, drawn once."""
        if self._mini is None or self._mini_for != (w, h):
            self._mini_for = (w, h)
            base = draw_terrain(self.scen.map, ZOOMS[0])
            bw, bh = base.get_size()
            f = min(w / bw, h / bh)
            self._mini = pygame.transform.smoothscale(base, (max(1, int(bw * f)), max(1, int(bh * f))))
        return self._mini

    # --- drawing --------------------------------------------------------------------------

    def draw(self, screen: pygame.Surface, rect: pygame.Rect, cam: Camera, view: State, marks: Marks) -> None:
        """One blit of the cached world picture, then what follows the mouse and the selection."""
        size = cam.size
        prev_clip = screen.get_clip()
        screen.set_clip(rect)
        src = pygame.Rect(int(cam.x), int(cam.y), rect.w, rect.h)
        world = self.world(size, view, marks)
        w, h = world.get_size()
        if src.x < 0 or src.y < 0 or src.right > w or src.bottom > h:
            screen.fill(theme.BG, rect)
        screen.blit(world, rect.topleft, src)
        if marks.overlay == "air" or marks.zones:
            self._zone_labels(screen, rect, cam, view, marks.avoid)
        self._path(screen, rect, cam, marks)
        for uid, col in [(a, theme.BAD) for a in marks.attackers] + [(marks.selected, theme.ACCENT)]:
            r = self._counter_rects.get(uid or "")
            if r is not None:
                pygame.draw.rect(screen, col, r.move(rect.x - int(cam.x), rect.y - int(cam.y)).inflate(4, 4), 2)
        if marks.target is not None:
            self._hex_outline(screen, rect, cam, marks.target, theme.BAD, 3)
        if marks.hover is not None:
            self._hex_outline(screen, rect, cam, marks.hover, (255, 255, 255), 1)
        if marks.spot is not None:
            self._hex_outline(screen, rect, cam, marks.spot, (20, 20, 20), 6)
            self._hex_outline(screen, rect, cam, marks.spot, theme.ACCENT, 3)
        screen.set_clip(prev_clip)

    def _to_screen(self, rect: pygame.Rect, cam: Camera, h: Hex) -> tuple[float, float]:
        x, y = cam.hex_center(h)
        return x + rect.x, y + rect.y

    def _hex_outline(self, screen, rect, cam, h: Hex, col, w: int) -> None:
        pts = [(x - cam.x + rect.x, y - cam.y + rect.y) for x, y in cam.layout.corners(h)]
        pygame.draw.polygon(screen, col, pts, w)

    def _objectives(self, screen, rect, cam, view: State) -> None:
        s = cam.size
        for o in view.scenario.objectives:
            x, y = self._to_screen(rect, cam, o.hex)
            if not rect.inflate(40, 40).collidepoint(x, y):
                continue
            owner = view.control.get(o.id)
            col = theme.SIDE.get(owner, (230, 230, 230)) if owner else (230, 230, 230)
            r = max(4, int(s * 0.38))
            pts = []
            import math

            for k in range(10):
                ang = -math.pi / 2 + k * math.pi / 5
                rr = r if k % 2 == 0 else r * 0.45
                pts.append((x + s * 0.7 + rr * math.cos(ang), y - s * 0.7 + rr * math.sin(ang)))
            pygame.draw.polygon(screen, col, pts)
            pygame.draw.polygon(screen, (20, 20, 20), pts, 1)

    def _depots(self, screen, rect, cam, view: State) -> None:
        s = cam.size
        for d in view.depots.values():
            if d.status != "active":
                continue
            x, y = self._to_screen(rect, cam, d.hex)
            if not rect.inflate(40, 40).collidepoint(x, y):
                continue
            r = pygame.Rect(0, 0, max(8, int(s * 0.7)), max(7, int(s * 0.5)))
            r.center = (int(x - s * 0.45), int(y + s * 0.5))
            pygame.draw.rect(screen, (250, 245, 230), r)
            pygame.draw.rect(screen, theme.SIDE.get(d.side, (90, 90, 90)), r, 2)
            if s >= 12:
                t = fonts.text("D", max(7, r.h - 3), (20, 20, 20), bold=True)
                screen.blit(t, t.get_rect(center=r.center))

    def _zone_labels(self, screen, rect, cam, view: State, avoid: pygame.Rect | None = None) -> None:
        """Each zone's name and air control at the middle of its part on screen (outside a docked
        panel), the labels kept inside the map and apart from each other."""
        scen = view.scenario
        if not scen.zone_of:
            return
        free = pygame.Rect(rect)
        if avoid is not None and avoid.colliderect(rect):  # the strip right of the panel, or below it
            right = pygame.Rect(avoid.right, rect.y, rect.right - avoid.right, rect.h)
            below = pygame.Rect(rect.x, avoid.bottom, rect.w, rect.bottom - avoid.bottom)
            free = right if right.w * right.h >= below.w * below.h else below
        key = (cam.size, int(cam.x), int(cam.y), tuple(free))
        if self._zone_pos is None or self._zone_pos[0] != key:
            acc: dict[str, list[float]] = {}
            lay = cam.layout
            for i, z in enumerate(scen.zone_of):
                x, y = lay.hex_to_point(scen.map.hexes[i])
                x, y = x - cam.x + rect.x, y - cam.y + rect.y
                if not free.collidepoint(x, y):
                    continue
                a = acc.setdefault(z, [0.0, 0.0, 0])
                a[0] += x
                a[1] += y
                a[2] += 1
            self._zone_pos = (key, {z: (a[0] / a[2], a[1] / a[2]) for z, a in acc.items() if a[2] >= 3})
        pos = self._zone_pos[1]
        ctrl = view.air.get("control", {})
        placed: list[pygame.Rect] = []
        for z in scen.air_zones:
            if z.id not in pos:
                continue
            x, y = pos[z.id]
            level = ctrl.get(z.id, "none")
            txt = {"none": "no air activity", "contested": "contested"}.get(level, f"{level.capitalize()} control")
            col = theme.SIDE_TEXT.get(level, (255, 255, 255)) if level not in ("none", "contested") else (255, 255, 255)
            t1 = fonts.text(z.name, 13, (255, 255, 255), bold=True)
            t2 = fonts.text(txt, 12, col if level not in ("none",) else (200, 200, 200))
            box = pygame.Rect(0, 0, max(t1.get_width(), t2.get_width()) + 10, t1.get_height() + t2.get_height() + 4)
            box.center = (int(x), int(y))
            box.clamp_ip(free)
            for _ in range(8):  # step aside from labels already placed
                hit = box.collidelist(placed)
                if hit < 0:
                    break
                other = placed[hit]
                box.top = other.bottom + 2 if box.centery >= other.centery else box.top
                if box.bottom > free.bottom or box.centery < other.centery:
                    box.bottom = other.top - 2
                box.clamp_ip(free)
            placed.append(box)
            pygame.draw.rect(screen, (20, 20, 20), box, border_radius=3)
            pygame.draw.rect(screen, (90, 90, 100), box, 1, border_radius=3)
            screen.blit(t1, t1.get_rect(midtop=(box.centerx, box.y + 2)))
            screen.blit(t2, t2.get_rect(midtop=(box.centerx, box.y + 2 + t1.get_height())))

    def _path(self, screen, rect, cam, marks: Marks) -> None:
        if len(marks.path) < 2:
            return
        pts = [self._to_screen(rect, cam, h) for h in marks.path]
        pygame.draw.lines(screen, (20, 20, 20), False, pts, 5)
        pygame.draw.lines(screen, theme.ACCENT, False, pts, 3)
        if marks.path_cost is not None:
            x, y = pts[-1]
            t = fonts.text(f"{marks.path_cost:g} MP", 14, (255, 255, 255), bold=True)
            bg = t.get_rect(midbottom=(int(x), int(y - cam.size * 0.8))).inflate(8, 4)
            pygame.draw.rect(screen, (20, 20, 20), bg, border_radius=3)
            screen.blit(t, t.get_rect(center=bg.center))

    def _units(self, screen, rect, cam, view: State, marks: Marks) -> None:
        s = cam.size
        stacks: dict[Hex, list] = {}
        for u in view.units.values():
            if u.status == ACTIVE and u.hex is not None:
                stacks.setdefault(u.hex, []).append(u)
        w, h = counters.counter_size(s)
        step = max(2, s // 6)
        names = counters.designations(view.scenario) if s >= counters.DESIGNATION_MIN_HEX else {}
        phase = view.phase.phase
        own_turn = marks.side is not None and marks.side in current_actors(view)  # paler 'spent' counters only then
        for hx, units in stacks.items():
            x, y = self._to_screen(rect, cam, hx)
            if not rect.inflate(2 * w, 2 * h).collidepoint(x, y):
                continue
            units.sort(key=lambda u: u.id)
            n = len(units)
            for k, u in enumerate(units):
                ut = view.scenario.unit_type(u.type)
                spent = (
                    own_turn
                    and u.side == marks.side
                    and ((phase == "movement" and u.mp <= 1e-9) or (phase == "combat" and u.acted))
                )
                surf = counters.counter(
                    u.side, ut.symbol, u.type, counters.strength_text(u), s, supply_flag(view, u), spent, names.get(u.id, "")
                )
                off = (k - (n - 1)) * step
                r = surf.get_rect(center=(int(x + off), int(y + off)))
                screen.blit(surf, r)
                self._counter_rects[u.id] = r
