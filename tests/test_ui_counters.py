"""Counters carry a short designation ('11TB/1', '26IR/2', '149RR') read from the unit's name,
readable at the game's default zoom and left off when zoomed out too far."""

from __future__ import annotations

from types import SimpleNamespace

import pygame
import pytest

from game.scenario.loader import load_scenario
from game.ui import counters
from game.ui.camera import ZOOMS
from game.ui.counters import DESIGNATION_MIN_HEX, counter, counter_size, designation, designations, fit_label

pytestmark = pytest.mark.usefixtures("screen")


@pytest.mark.parametrize(
    "name, uid, short",
    [
        ("1st Tank Bn, 11th Tank Brigade (BT-5)", "su_11tb_1", "11TB/1"),
        ("II/26th Infantry Regt (Sumi, from 7th Div)", "j26_2", "26IR/2"),
        ("149th Rifle Regiment", "su_149", "149RR"),
        ("III/71st Infantry (Kobayashi group)", "jp_71_3", "71IR/3"),
        ("1st Bn, 149th Motorized Rifle Regt (Maj. Remizov)", "su_149_1", "149MRR/1"),
        ("9th Motor-Armoured Bde, 1st armoured-car bn (BA-10)", "su_9mab_1", "9MAB/1"),
        ("8th Motor-Armoured Bde: motor rifle bn", "s8mab_mr", "8MAB/MR"),
        ("57th RD anti-tank bn (45 mm)", "s57_at", "57RD/AT"),
        ("57th RD artillery: howitzer bn (122 mm)", "s57_art_h1", "57RD/H"),
        ("6th Cavalry Division (MPRA), less 15th Regt", "su_6cd", "6CD"),
        ("Rifle-MG Bn, 11th Tank Brigade", "su_11tb_mg", "11TB/MG"),
        ("Khingan Cavalry Division: 1st regiment (Manchukuo)", "mk_kh1", "KCD/1"),
        ("3rd Heavy Artillery Bde (Hata): 15 cm howitzer bn", "j_hv_1", "3HAB/H"),
        ("Ioki detachment (23rd Reconnaissance Regt + attached), Fui Heights", "j_ioki", "Ioki"),
        ("Army Group pontoon-bridge bn (central)", "s_pont_1", "Pont/1"),
    ],
)
def test_designation_from_the_name(name, uid, short):
    assert designation(name, uid) == short


@pytest.mark.parametrize("sid", ["crossing_3_july", "encirclement_20_august", "test_skirmish"])
def test_every_counter_has_its_own_short_designation(sid):
    scen = load_scenario(sid)
    d = designations(scen)
    assert set(d) == {u.id for u in scen.units}
    assert len(set(d.values())) == len(d), "two units of a scenario read alike"
    assert all(0 < len(x) <= 9 for x in d.values())
    # at the default zoom and closer the whole designation (or a shorter form of it) is drawn,
    # never cut, in letters at least 7 pixels high; the strength below it stays whole too
    for size in [z for z in ZOOMS if z >= DESIGNATION_MIN_HEX]:
        w, _ = counter_size(size)
        for label in d.values():
            surf, shown = fit_label(label, counters.label_font_size(size), w - 4)
            assert shown in counters._shorter(label) and surf.get_width() <= w - 4
            assert surf.get_height() >= 7
        for strength in ("880", "1.2k", "40AC", "61T", "12.5k", "150AC"):
            surf, shown = fit_label(strength, counters.strength_font_size(size), w - 4)
            assert shown == strength and surf.get_width() <= w - 4


def test_a_short_field_in_the_scenario_wins():
    units = [
        SimpleNamespace(id="a_1", name="1st Bn, 5th Rifle Regiment", short="Kolya"),
        SimpleNamespace(id="a_2", name="2nd Bn, 5th Rifle Regiment", short=None),
        SimpleNamespace(id="b_3", name="Some detachment", short=None),
        SimpleNamespace(id="b_4", name="Some detachment", short=None),
    ]
    d = designations(SimpleNamespace(units=units))
    assert d == {"a_1": "Kolya", "a_2": "5RR/2", "b_3": "Some3", "b_4": "Some4"}


def test_the_designation_is_on_the_counter_at_the_default_zoom_only():
    def pixels(surf):
        return pygame.image.tobytes(surf, "RGBA")

    default = ZOOMS[4]  # GameMode opens at zoom 4
    assert default >= DESIGNATION_MIN_HEX
    a = counter("soviet", "armour", "tank_bn", "61T", default, 0, False, "11TB/1")
    b = counter("soviet", "armour", "tank_bn", "61T", default, 0, False, "11TB/2")
    assert pixels(a) != pixels(b)
    # zoomed out too far: the mapview passes no designation and the counter is the plain one
    from game.scenario.loader import load_scenario as load
    from game.ui.mapview import MapView

    small = max(z for z in ZOOMS if z < DESIGNATION_MIN_HEX)
    plain = counter("soviet", "armour", "tank_bn", "61T", small, 0, False, "")
    assert counter_size(small) == plain.get_size()
    assert MapView(load("test_skirmish")) is not None


def _ink_box(a: pygame.Surface, b: pygame.Surface) -> pygame.Rect:
    """The box round the pixels in which two drawings of the same size differ."""
    w, h = a.get_size()
    xs, ys = [], []
    for y in range(h):
        for x in range(w):
            if a.get_at((x, y)) != b.get_at((x, y)):
                xs.append(x)
                ys.append(y)
    return pygame.Rect(min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1) if xs else pygame.Rect(0, 0, 0, 0)


@pytest.mark.parametrize("strength", ["880", "1.2k", "61T", "40AC", "12.5k"])
def test_the_strength_reads_at_zoom_3(strength):
    """Play-test 2: at zoom 3 (16 px hexes) the strength was a few pixels high. Now symbol and
    strength only, the strength at least 8 px high and whole."""
    size = ZOOMS[3]
    assert size < DESIGNATION_MIN_HEX
    with_s = counter("soviet", "infantry", "rifle_bn", strength, size)
    without = counter("soviet", "infantry", "rifle_bn", "", size)
    box = _ink_box(with_s, without)
    assert box.h >= 8, f"strength {strength!r} only {box.h} px high"
    assert box.bottom <= with_s.get_height() - 1 and box.x >= 1 and box.right <= with_s.get_width() - 1
    _, shown = fit_label(strength, counters.strength_font_size(size), counter_size(size)[0] - 4)
    if shown != strength:  # too wide even squeezed: thousands rounded ('12.5k' -> '13k'), never cut
        short = counter("soviet", "infantry", "rifle_bn", f"{round(float(strength[:-1]))}k", size)
        assert pygame.image.tobytes(short, "RGBA") == pygame.image.tobytes(with_s, "RGBA")


@pytest.mark.parametrize("size", [z for z in ZOOMS if z >= 16])
@pytest.mark.parametrize("symbol", ["infantry", "anti_tank", "armour"])
def test_the_stack_chip_leaves_the_branch_symbol_whole(size, symbol):
    """Play-test 2: the count chip covered half the branch symbol. The symbol moves right of
    the chip: as many white symbol pixels with the chip as without it."""
    label = "36M/T" if size >= DESIGNATION_MIN_HEX else ""
    one = counter("soviet", symbol, "x_bn", "", size, 0, False, label, 1)
    two = counter("soviet", symbol, "x_bn", "", size, 0, False, label, 3)
    assert pygame.image.tobytes(one, "RGBA") != pygame.image.tobytes(two, "RGBA")  # the chip is there

    def white(s: pygame.Surface) -> int:
        return sum(1 for y in range(s.get_height()) for x in range(s.get_width()) if s.get_at((x, y))[:3] == (250, 250, 250))

    assert white(two) >= 0.85 * white(one)
    # and the chip is yellow, left of the symbol's frame
    ys = [(x, y) for y in range(two.get_height()) for x in range(two.get_width()) if two.get_at((x, y))[:3] == (240, 228, 66)]
    assert ys and max(x for x, _ in ys) < two.get_width() // 2
