"""Map readability (play-test findings): counters stay inside their hex at every zoom, a stack
shows as cards and a count, place names never lie under a counter, the air-control overlay is
hatching (never a flat blue that reads as water) and the air-zone labels keep off the counters."""

from __future__ import annotations

import dataclasses

import pygame
import pytest

from game.scenario.loader import load_scenario
from game.session import Session
from game.ui import counters
from game.ui.camera import ZOOMS, Camera, layout_for
from game.ui.mapview import MapView, Marks

pytestmark = pytest.mark.usefixtures("screen")


@pytest.fixture(scope="module")
def crossing():
    return load_scenario("crossing_3_july")


def _outside_hex(surf: pygame.Surface, size: int) -> int:
    """How many drawn pixels of ``surf`` (centred on a hex) fall outside that hex (1 px slack)."""
    w, h = surf.get_size()
    lay = layout_for(size)
    cx, cy = lay.hex_to_point((0, 0))
    hexs = pygame.Surface((w, h), pygame.SRCALPHA)
    pts = [(x - cx + w / 2, y - cy + h / 2) for x, y in lay.corners((0, 0))]
    pygame.draw.polygon(hexs, (255, 255, 255, 255), pts)
    pygame.draw.polygon(hexs, (255, 255, 255, 255), pts, 2)  # anti-aliasing slack on the edge
    drawn = pygame.mask.from_surface(surf, 1)
    inside = pygame.mask.from_surface(hexs, 1)
    return drawn.count() - drawn.overlap_area(inside, (0, 0))


@pytest.mark.parametrize("size", ZOOMS)
@pytest.mark.parametrize("n", [1, 2, 5])
def test_counters_and_stacks_stay_inside_their_hex(size, n):
    label = "149MRR/1" if size >= counters.DESIGNATION_MIN_HEX else ""
    c = counters.counter("soviet", "infantry", "rifle_bn", "1.2k", size, 2, False, label, n)
    canvas = pygame.Surface((4 * size, 4 * size), pygame.SRCALPHA)
    centre = canvas.get_rect().center
    if n > 1:
        counters.draw_stack_layers(canvas, "japanese", size, n, centre)
    canvas.blit(c, c.get_rect(center=centre))
    assert _outside_hex(canvas, size) == 0


def test_a_stack_shows_its_count_and_the_selected_unit_on_top(crossing):
    s = Session.new(crossing, 1, {"soviet": "human", "japanese": "human"})
    view = s.state
    by_hex: dict = {}
    for u in view.units.values():
        if u.hex is not None and u.status == "active":
            by_hex.setdefault(u.hex, []).append(u.id)
    hx, ids = next((h, v) for h, v in by_hex.items() if len(v) >= 2)
    mv = MapView(crossing)
    size = ZOOMS[5]
    a = mv.world(size, view, Marks(side="japanese", selected=ids[0])).copy()
    rects = {mv._counter_rects[i].topleft for i in ids}
    assert len(rects) == 1, "a stack is one counter in its hex, not a fan spilling out"
    b = mv.world(size, view, Marks(side="japanese", selected=ids[1]))
    r = mv._counter_rects[ids[0]]
    assert pygame.image.tobytes(a.subsurface(r), "RGB") != pygame.image.tobytes(b.subsurface(r), "RGB")
    assert counters.stack_badge(len(ids), size) is not None and counters.stack_badge(1, size) is None


@pytest.mark.parametrize("zoom", [4, 5, 6])
def test_place_names_never_lie_under_a_counter(crossing, zoom):
    s = Session.new(crossing, 1, {"soviet": "human", "japanese": "human"})
    mv = MapView(crossing)
    size = ZOOMS[zoom]
    mv.world(size, s.state, Marks(side=None))
    counters_at = list(mv._counter_rects.values())
    assert counters_at and mv._label_rects
    for r in mv._label_rects:
        assert r.inflate(-4, 0).collidelist(counters_at) < 0
    # most names still show (the few left out would sit on counters)
    names = [p for p in crossing.map.places.values() if p.kind != "border"]
    assert len(mv._label_rects) >= 0.75 * len(names)


def _air_view(scen, s):
    zones = [z.id for z in scen.air_zones]
    ctrl = {z: ["japanese", "soviet", "contested", "none"][i % 4] for i, z in enumerate(zones)}
    return dataclasses.replace(s.state, air={**s.state.air, "control": ctrl}), ctrl


def _diag_agreement(alpha, x0: int, y0: int, step: int) -> float:
    """How often a pixel's alpha matches its neighbour one down and ``step`` across (±1)."""
    same = total = 0
    for y in range(y0, y0 + 16):
        for x in range(x0 + 1, x0 + 17):
            total += 1
            same += (alpha[x][y] > 60) == (alpha[x + step][y + 1] > 60)
    return same / total


def test_air_control_is_hatching_not_a_flat_wash(crossing):
    s = Session.new(crossing, 1, {"soviet": "human", "japanese": "human"})
    view, ctrl = _air_view(crossing, s)
    mv = MapView(crossing)
    size = ZOOMS[4]
    hatch = mv.air_hatch(size, ctrl)
    lay = layout_for(size)
    alpha = pygame.surfarray.pixels_alpha(hatch)
    seen = {}
    for i, z in enumerate(crossing.zone_of):
        level = ctrl[z]
        if level in seen:
            continue
        x, y = (int(v) for v in lay.hex_to_point(crossing.map.hexes[i]))
        patch = alpha[x - 8 : x + 9, y - 8 : y + 9]
        if level == "none":
            assert patch.max() == 0
        else:  # lines and gaps: never one flat tint
            assert patch.max() > 80 and patch.min() < 40
            seen[level] = (x - 8, y - 8)
    assert {"soviet", "japanese"} <= set(seen)
    # the sides' lines run the other way: told apart without colour
    sx, sy = seen["soviet"]
    jx, jy = seen["japanese"]
    assert _diag_agreement(alpha, sx, sy, -1) > 0.9 > _diag_agreement(alpha, sx, sy, 1)
    assert _diag_agreement(alpha, jx, jy, 1) > 0.9 > _diag_agreement(alpha, jx, jy, -1)
    del alpha


def test_air_zone_labels_keep_off_the_counters(crossing, screen):
    s = Session.new(crossing, 1, {"soviet": "human", "japanese": "human"})
    view, _ = _air_view(crossing, s)
    mv = MapView(crossing)
    rect = pygame.Rect(0, 0, 1000, 700)
    cam = Camera(crossing.map, rect.w, rect.h, zoom=4)
    cam.center_on(next(u.hex for u in view.units.values() if u.hex is not None and u.side == "soviet"))
    mv.draw(screen, rect, cam, view, Marks(side="soviet", overlay="air", zones=True))
    assert mv._zone_label_rects
    on_screen = [r.move(rect.x - int(cam.x), rect.y - int(cam.y)) for r in mv._counter_rects.values()]
    for box in mv._zone_label_rects.values():
        assert box.collidelist(on_screen) < 0


def test_air_zone_labels_show_your_own_orders(crossing, screen, monkeypatch):
    from game.ui import fonts

    s = Session.new(crossing, 1, {"soviet": "human", "japanese": "human"})
    zone = crossing.air_zones[0].id
    orders = {"soviet": [{"unit": "x", "mission": "superiority", "target": zone, "aircraft": 12}], "japanese": []}
    view = dataclasses.replace(s.state, air_orders=orders)
    written: list[str] = []
    real = fonts.text
    monkeypatch.setattr(fonts, "text", lambda t, *a, **k: written.append(t) or real(t, *a, **k))
    rect = pygame.Rect(0, 0, 1200, 780)
    cam = Camera(crossing.map, rect.w, rect.h, zoom=0)
    mv = MapView(crossing)
    mv.draw(screen, rect, cam, view, Marks(side="soviet", overlay="air", zones=True))
    assert any("your orders: 12 aircraft" in t for t in written)
    written.clear()
    mv.draw(screen, rect, cam, view, Marks(side="japanese", overlay="air", zones=True))
    assert not any("your orders" in t for t in written)


def test_the_river_shows_through_the_air_overlay(crossing):
    """Play-test 2: the zone borders sat on the river's hex edges and hid the Khalkhin Gol."""
    from game.ui import theme
    from game.ui.terrain import shared_edge

    s = Session.new(crossing, 1, {"soviet": "human", "japanese": "human"})
    view, _ = _air_view(crossing, s)
    mv = MapView(crossing)
    gm = crossing.map
    for size in (ZOOMS[3], ZOOMS[4]):
        surf = mv.base(size, view, Marks(side="soviet", overlay="air"))
        lay = layout_for(size)
        majors = [e for e, k in gm.river_edges.items() if k == "major"]
        on_border = [(a, b) for a, b in majors if crossing.zone_of[a] != crossing.zone_of[b]]
        assert on_border, "the test needs a river edge that is also a zone boundary"
        night = (178, 186, 214) if view.night else (255, 255, 255)  # night turns darken the map
        want = [c * m // 255 for c, m in zip(theme.RIVER_MAJOR, night)]
        seen = 0
        for a, b in majors:
            p, q = shared_edge(lay, gm.hexes[a], gm.hexes[b])
            mid = (round((p[0] + q[0]) / 2), round((p[1] + q[1]) / 2))
            seen += all(abs(c - w) <= 3 for c, w in zip(surf.get_at(mid)[:3], want))
        assert seen >= 0.9 * len(majors)


def test_the_contested_hatch_is_light(crossing):
    """Terrain still reads under the contested cross-hatch: most of a hex is left clear."""
    mv = MapView(crossing)
    size = ZOOMS[4]
    zone = crossing.air_zones[0].id
    hatch = mv.air_hatch(size, {zone: "contested"})
    alpha = pygame.surfarray.pixels_alpha(hatch)
    lay = layout_for(size)
    i = crossing.zone_of.index(zone)
    x, y = (int(v) for v in lay.hex_to_point(crossing.map.hexes[i]))
    patch = alpha[x - 10 : x + 10, y - 10 : y + 10]
    assert (patch > 40).mean() < 0.25 and patch.max() <= 110
    del alpha


@pytest.mark.parametrize("zoom", [3, 4, 5])
def test_place_names_keep_off_depot_boxes_and_stars(crossing, zoom):
    """'11th Tank Bde refuelling point' was printed over its own depot box."""
    s = Session.new(crossing, 1, {"soviet": "human", "japanese": "human"})
    mv = MapView(crossing)
    mv.world(ZOOMS[zoom], s.state, Marks(side="soviet"))
    assert mv._marks_rects and mv._label_rects
    for r in mv._label_rects:
        assert r.inflate(-4, 0).collidelist(mv._marks_rects) < 0


@pytest.mark.parametrize("zoom", [3, 4])
def test_air_zone_labels_keep_off_stars_and_depots(crossing, screen, zoom):
    s = Session.new(crossing, 1, {"soviet": "human", "japanese": "human"})
    view, _ = _air_view(crossing, s)
    mv = MapView(crossing)
    rect = pygame.Rect(0, 0, 1000, 700)
    cam = Camera(crossing.map, rect.w, rect.h, zoom=zoom)
    cam.center_on(crossing.objectives[0].hex)
    mv.draw(screen, rect, cam, view, Marks(side="soviet", overlay="air", zones=True))
    shift = (rect.x - int(cam.x), rect.y - int(cam.y))
    marks = [r.move(shift) for r in mv._marks_rects]
    units = [r.move(shift) for r in mv._counter_rects.values()]
    assert mv._zone_label_rects
    for box in mv._zone_label_rects.values():
        assert box.collidelist(marks) < 0 and box.collidelist(units) < 0


def test_a_zone_your_aircraft_fly_never_says_no_air_activity(crossing):
    from game.ui.mapview import zone_status

    s = Session.new(crossing, 1, {"soviet": "human", "japanese": "human"})
    zone = crossing.air_zones[0].id
    air = {**s.state.air, "control": {**s.state.air["control"], zone: "none"}}
    orders = {"soviet": [{"unit": "x", "mission": "interdiction", "target": zone, "aircraft": 44}], "japanese": []}
    view = dataclasses.replace(s.state, air=air, air_orders=orders)
    txt, _ = zone_status(view, zone, "soviet")
    assert "no air activity" not in txt and "your orders: 44 aircraft (interdiction)" in txt
    assert zone_status(view, zone, "japanese")[0] == "no air activity"
    # once flown (the orders cleared), the bombers' mission still shows
    flown = {**air, "interdiction": {"soviet": {zone: 30.0}, "japanese": {}}}
    view = dataclasses.replace(s.state, air=flown, air_orders={"soviet": [], "japanese": []})
    txt, _ = zone_status(view, zone, "soviet")
    assert "no air activity" not in txt and "interdiction" in txt
