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
from game.ui.terrain import draw_crossings, draw_place_labels, draw_rivers, draw_terrain, shared_edge

RGBA = tuple[int, int, int, int]


@dataclass
class Marks:
    """What the player has picked, for the renderer to show."""

    side: str | None = None
    selected: str | None = None
    reach: dict[Hex, float] = field(default_factory=dict)
    path: list[Hex] = field(default_factory=list)
    path_cost: float | None = None
    path_note: str | None = None  # what the move costs besides MP, e.g. leaving a dug-in position
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
    elif kind == "air":  # drawn as hatching (``air_hatch``): a flat blue wash reads as marsh or river
        pass
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


AIR_HATCH: dict[str, tuple[tuple[int, int, int], str, int]] = {
    # level: (line colour, directions, line alpha) — the direction alone tells the sides apart;
    # thin, sparse and see-through, so heights, marsh and roads still read under it
    "soviet": (theme.SIDE["soviet"], "/", 145),
    "japanese": (theme.SIDE_DARK["japanese"], "\\", 145),
    "contested": ((60, 60, 60), "/\\", 95),
}


def hatch_geometry(size: int) -> tuple[int, int]:
    """(gap between lines, line width) of the air-control hatching at one zoom."""
    return max(8, round(size * 0.9)), (1 if size < 27 else 2)


MISSION_WORDS = {
    "superiority": "air superiority",
    "ground_support": "ground support",
    "interdiction": "interdiction",
    "recon": "reconnaissance",
    "airfield_strike": "airfield strike",
}


def zone_status(view: State, zone: str, side: str | None) -> tuple[str, tuple[int, int, int]]:
    """The second line of an air-zone label and its colour: who controls the zone, and for the
    side looking, its own orders there this turn (or, once flown, its bombers' missions) —
    never 'no air activity' over a zone its own aircraft fly."""
    level = view.air.get("control", {}).get(zone, "none")
    col = theme.SIDE_TEXT.get(level, (255, 255, 255)) if level not in ("none", "contested") else (255, 255, 255)
    txt = {"none": "", "contested": "contested"}.get(level, f"{level.capitalize()} control")
    mine: dict[str, int] = {}  # this side's orders over the zone this turn, aircraft per mission
    for o in (getattr(view, "air_orders", None) or {}).get(side, []) if side else []:
        if o.get("target") == zone:
            m = str(o.get("mission", ""))
            mine[m] = mine.get(m, 0) + int(o.get("aircraft", 0))
    if mine:
        what = ", ".join(MISSION_WORDS.get(m, m.replace("_", " ")) for m in mine)
        own = f"your orders: {sum(mine.values())} aircraft ({what})"
        return (f"{txt} · {own}" if txt else own), (col if txt else (235, 235, 235))
    flown = [
        word
        for key, word in (("cas", "ground support"), ("interdiction", "interdiction"))
        if side and view.air.get(key, {}).get(side, {}).get(zone, 0.0) > 0
    ]
    if flown:
        own = "your bombers: " + ", ".join(flown)
        return (f"{txt} · {own}" if txt else own), (col if txt else (235, 235, 235))
    return (txt or "no air activity"), (col if txt else (200, 200, 200))


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
        self._zone_label_rects: dict[str, pygame.Rect] = {}  # where the air-zone labels went (screen)
        self._zone_place: tuple | None = None  # the labels' places, for one camera, picture and texts
        self._stacked: set[str] = set()  # units sharing a hex (the selected one is drawn on top)
        self._label_rects: list[pygame.Rect] = []  # where the place names went (world pixels)
        self._marks_rects: list[pygame.Rect] = []  # depot boxes and objective stars (world pixels)

    def terrain(self, size: int) -> pygame.Surface:
        """The static map at one zoom, drawn once and kept for the last three zooms used."""
        s = self._terrain.get(size)
        if s is None:
            if len(self._terrain) >= 3:
                self._terrain.pop(next(iter(self._terrain)))
            s = self._terrain[size] = (
                draw_terrain(self.scen.map, size, labels=False).convert()
                if pygame.display.get_surface()
                else draw_terrain(self.scen.map, size, labels=False)
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
            marks.selected if (marks.reach or marks.selected in self._stacked) else None,
            len(marks.reach),
        )
        if self._world is not None and self._world[0] == key:
            return self._world[1]
        surf = self.base(size, view, marks).copy()
        wc = _WorldCam(size)
        wr = surf.get_rect()
        self._counter_rects = {}
        self._marks_rects = self._depots(surf, wr, wc, view)
        self._marks_rects += self._objectives(surf, wr, wc, view)  # under the counters: a star never hides a designation
        self._units(surf, wr, wc, view, marks)
        # place names after the counters, where no counter, depot box or star covers them
        half = counters.counter_size(size)[1] / 2 + max(1, round(size * 0.12)) * 2
        blockers = [*self._counter_rects.values(), *self._marks_rects]
        self._label_rects = draw_place_labels(surf, self.scen.map, size, blockers, half / size)
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
            if ov == "air":
                surf.blit(self.air_hatch(size, view.air.get("control", {})), (0, 0))
            elif ov:
                surf.blit(
                    self.tint(("ov", ov, marks.side, marks.version), size, lambda: overlay_colors(view, marks.side, ov)), (0, 0)
                )
            if ov == "air":
                self._zone_borders(surf, size)
            if ov:  # the river and its crossings on top: no overlay hides the Khalkhin Gol
                lay = layout_for(size)
                draw_rivers(surf, self.scen.map, lay, size)
                draw_crossings(surf, self.scen.map, lay, size)
            if night:  # night turns: the map darkens with a blue cast, at a glance
                surf.fill((178, 186, 214), special_flags=pygame.BLEND_RGB_MULT)
            if marks.reach:
                reach = marks.reach
                surf.blit(
                    self.tint(("reach", marks.selected, marks.version), size, lambda: dict.fromkeys(reach, (255, 255, 255, 110))),
                    (0, 0),
                )
        self._base = (key, surf)
        return surf

    def _zone_borders(self, surf: pygame.Surface, size: int) -> None:
        """Where one air zone meets the next: a dark line along the hex edges (not along the
        river, which is drawn over the overlay and marks the boundary there itself)."""
        scen = self.scen
        if not scen.zone_of:
            return
        lay = layout_for(size)
        gm = scen.map
        river = gm.river_edges
        for a, nbrs in enumerate(gm.nbrs):
            for b in nbrs:
                if a < b and scen.zone_of[a] != scen.zone_of[b] and (a, b) not in river and (b, a) not in river:
                    p, q = shared_edge(lay, gm.hexes[a], gm.hexes[b])
                    pygame.draw.line(surf, (15, 15, 25), p, q, max(4, size // 4))  # dark under light: seen on any terrain
                    pygame.draw.line(surf, (250, 250, 235), p, q, max(2, size // 9))

    def air_hatch(self, size: int, control: dict[str, str]) -> pygame.Surface:
        """Air control as hatching over the zone's hexes, never a flat wash (which reads as water):
        Soviet control '/' lines in vermillion, Japanese '\\' lines in dark blue, contested
        both ways in grey. The direction tells the sides apart without colour."""
        key = ("air", tuple(sorted(control.items())))
        k = (key, size)
        s = self._tints.get(k)
        if s is not None:
            return s
        if len(self._tints) >= 4:
            self._tints.pop(next(iter(self._tints)))
        scen = self.scen
        lay = layout_for(size)
        ws = world_size(scen.map, size)
        s = pygame.Surface(ws, pygame.SRCALPHA)
        gap, lw = hatch_geometry(size)
        for level, (col, dirs, alpha) in AIR_HATCH.items():
            hexes = [scen.map.hexes[i] for i, z in enumerate(scen.zone_of or []) if control.get(z) == level]
            if not hexes:
                continue
            mask = pygame.Surface(ws, pygame.SRCALPHA)
            for h in hexes:
                pygame.draw.polygon(mask, (255, 255, 255, 255), lay.corners(h))
            lines = pygame.Surface(ws, pygame.SRCALPHA)
            lines.fill((*col, 10))  # a faint wash of the colour under the lines
            w, h = ws
            for d in dirs:
                for x0 in range(-h, w + h, gap):
                    a, b = ((x0, 0), (x0 + h, h)) if d == "\\" else ((x0 + h, 0), (x0, h))
                    pygame.draw.line(lines, (*col, alpha), a, b, lw)
            lines.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MULT)
            s.blit(lines, (0, 0))
        self._tints[k] = s
        return s

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
            self._zone_labels(screen, rect, cam, view, marks.avoid, marks.side)
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

    def _objectives(self, screen, rect, cam, view: State) -> list[pygame.Rect]:
        """The objectives' stars, in the owner's colour; returns where they went."""
        s = cam.size
        out = []
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
            out.append(pygame.draw.polygon(screen, (20, 20, 20), pts, 1))
        return out

    def _depots(self, screen, rect, cam, view: State) -> list[pygame.Rect]:
        """Active depots as small white 'D' boxes; returns where they went."""
        s = cam.size
        out = []
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
            out.append(r)
            if s >= 12:
                t = fonts.text("D", max(7, r.h - 3), (20, 20, 20), bold=True)
                screen.blit(t, t.get_rect(center=r.center))
        return out

    def _zone_labels(self, screen, rect, cam, view: State, avoid: pygame.Rect | None = None, side: str | None = None) -> None:
        """Each zone's name and air control, small and see-through, near the middle of its part on
        screen (outside a docked panel) where it covers no counter, the labels kept inside the
        map and apart from each other."""
        scen = view.scenario
        self._zone_label_rects = {}
        if not scen.zone_of:
            return
        free = pygame.Rect(rect)
        if avoid is not None and avoid.colliderect(rect):  # the strip right of the panel, or below it
            right = pygame.Rect(avoid.right, rect.y, rect.right - avoid.right, rect.h)
            below = pygame.Rect(rect.x, avoid.bottom, rect.w, rect.bottom - avoid.bottom)
            free = right if right.w * right.h >= below.w * below.h else below
        key = (cam.size, int(cam.x), int(cam.y), tuple(free))
        if self._zone_pos is None or self._zone_pos[0] != key:
            pts: dict[str, list[tuple[float, float]]] = {}
            lay = cam.layout
            for i, z in enumerate(scen.zone_of):
                x, y = lay.hex_to_point(scen.map.hexes[i])
                x, y = x - cam.x + rect.x, y - cam.y + rect.y
                if free.collidepoint(x, y):
                    pts.setdefault(z, []).append((x, y))
            spots = {}
            for z, ps in pts.items():
                if len(ps) < 3:
                    continue
                cx, cy = sum(p[0] for p in ps) / len(ps), sum(p[1] for p in ps) / len(ps)
                # the middle first, then the zone's hexes (and the points between them) nearest
                # it: a spot clear of counters
                half = cam.size * 0.87
                ps = ps + [(x + half, y) for x, y in ps]
                near = sorted(ps, key=lambda p: (p[0] - cx) ** 2 + (p[1] - cy) ** 2)[:600]
                spots[z] = [(cx, cy), *near]
            self._zone_pos = (key, spots)
        pos = self._zone_pos[1]
        small = cam.size < counters.DESIGNATION_MIN_HEX  # zoomed out: short names, one size smaller
        texts = []
        for z in scen.air_zones:
            if z.id in pos:
                txt, col = zone_status(view, z.id, side)
                name = z.name.split(" (")[0] if small else z.name
                texts.append((z.id, name, txt, col))
        pkey = (key, self._world[0] if self._world else None, tuple(texts))
        if self._zone_place is None or self._zone_place[0] != pkey:
            self._zone_place = (pkey, self._place_zone_labels(pos, texts, free, small, rect, cam))
        for zid, box, t1, t2 in self._zone_place[1]:
            self._zone_label_rects[zid] = box
            bg = pygame.Surface(box.size, pygame.SRCALPHA)  # see-through: the map shows under it
            pygame.draw.rect(bg, (20, 20, 20, 200), bg.get_rect(), border_radius=3)
            pygame.draw.rect(bg, (90, 90, 100, 200), bg.get_rect(), 1, border_radius=3)
            screen.blit(bg, box)
            screen.blit(t1, t1.get_rect(midtop=(box.centerx, box.y + 1)))
            screen.blit(t2, t2.get_rect(midtop=(box.centerx, box.y + 1 + t1.get_height())))

    def _place_zone_labels(self, pos, texts, free: pygame.Rect, small: bool, rect, cam) -> list:
        """Where each zone's label goes: the first candidate spot covering nothing (else the one
        covering least), apart from the labels already placed. Computed when the camera, the
        map picture or the texts change, not every frame."""
        shift = (rect.x - int(cam.x), rect.y - int(cam.y))
        # counters, place names, depot boxes and objective stars: what a label must not cover
        units = [r.move(shift) for r in (*self._counter_rects.values(), *self._label_rects, *self._marks_rects)]
        placed: list[pygame.Rect] = []
        out = []
        for zid, name, txt, col in texts:
            best = None
            fewest = None
            short = name.split(" (")[0].split(",")[0]
            # the full label, then (nowhere clear) the short name in smaller letters
            for nm, big in dict.fromkeys([(name, not small), (short, False)]):
                t1 = fonts.text(nm, 12 if big else 11, (255, 255, 255), bold=True)
                t2 = fonts.text(txt, 11 if big else 10, col)
                box = pygame.Rect(0, 0, max(t1.get_width(), t2.get_width()) + 8, t1.get_height() + t2.get_height() + 2)
                for x, y in pos[zid]:  # the first spot covering nothing and no other zone's label
                    box.center = (int(x), int(y))
                    box.clamp_ip(free)
                    if box.collidelist(placed) >= 0:
                        continue
                    hits = len(box.collidelistall(units))
                    if hits == 0:
                        best = box.copy()
                        break
                    if fewest is None or hits < fewest[0]:
                        fewest = (hits, box.copy(), t1, t2)
                if best is not None:
                    break
            if best is None and len(pos[zid]) < 60:  # a sliver of the zone on screen, and crowded:
                continue  # no label (panning shows it) rather than one over the counters
            if best is None and fewest is not None:  # nowhere clear: where it covers the fewest
                best, t1, t2 = fewest[1:]
            if best is None:  # nowhere clear: the middle, stepped aside from labels already placed
                box.center = (int(pos[zid][0][0]), int(pos[zid][0][1]))
                box.clamp_ip(free)
                for _ in range(8):
                    hit = box.collidelist(placed)
                    if hit < 0:
                        break
                    other = placed[hit]
                    box.top = other.bottom + 2 if box.centery >= other.centery else box.top
                    if box.bottom > free.bottom or box.centery < other.centery:
                        box.bottom = other.top - 2
                    box.clamp_ip(free)
                best = box.copy()
            placed.append(best)
            out.append((zid, best, t1, t2))
        return out

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
            if marks.path_note:
                n = fonts.text(marks.path_note, 12, theme.WARN)
                nb = n.get_rect(midbottom=(bg.centerx, bg.top - 1)).inflate(8, 4)
                pygame.draw.rect(screen, (20, 20, 20), nb, border_radius=3)
                screen.blit(n, n.get_rect(center=nb.center))

    def _units(self, screen, rect, cam, view: State, marks: Marks) -> None:
        """One counter a hex, inside it: the selected unit of a stack on top, the others as
        cards peeking out above it, and a chip with the number of units in the hex."""
        s = cam.size
        stacks: dict[Hex, list] = {}
        for u in view.units.values():
            if u.status == ACTIVE and u.hex is not None:
                stacks.setdefault(u.hex, []).append(u)
        w, h = counters.counter_size(s)
        names = counters.designations(view.scenario) if s >= counters.DESIGNATION_MIN_HEX else {}
        phase = view.phase.phase
        own_turn = marks.side is not None and marks.side in current_actors(view)  # paler 'spent' counters only then
        self._stacked = set()
        for hx, units in stacks.items():
            x, y = self._to_screen(rect, cam, hx)
            if not rect.inflate(2 * w, 2 * h).collidepoint(x, y):
                continue
            # the top counter: the selected unit if it is here, else the last by id (steady)
            units.sort(key=lambda u: (u.id == marks.selected, u.id))
            n = len(units)
            u = units[-1]
            ut = view.scenario.unit_type(u.type)
            spent = (
                own_turn and u.side == marks.side and ((phase == "movement" and u.mp <= 1e-9) or (phase == "combat" and u.acted))
            )
            surf = counters.counter(
                u.side, ut.symbol, u.type, counters.strength_text(u), s, supply_flag(view, u), spent, names.get(u.id, ""), n
            )
            r = surf.get_rect(center=(int(x), int(y)))
            if n > 1:
                counters.draw_stack_layers(screen, units[-2].side, s, n, r.center)
                self._stacked.update(x.id for x in units)
            screen.blit(surf, r)  # the count chip is part of the counter (``counters.counter``)
            for x_ in units:
                self._counter_rects[x_.id] = r
