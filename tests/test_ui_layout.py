"""Layout at the window sizes the game supports (1024×700 minimum, the tests' 1280×800, a large
1600×1000): the supply panel in August's Soviet supply phase (nine depots, field-depot offers)
and the odds preview. Every button lies inside its panel, no two buttons overlap, no text is
printed over other text or over a button, and an overflowing panel scrolls to every order."""

from __future__ import annotations

import pygame
import pytest

from game.actions import Attack, EndPhase, OpenDepot
from game.ai.agents import RandomAgent
from game.engine import legal_actions, observe
from game.scenario.loader import load_scenario
from game.session import Session
from game.ui import fonts, game_draw
from game.ui.game_mode import GameMode

pytestmark = pytest.mark.usefixtures("screen")  # conftest: a dummy-driver window, saves in tmp

SIZES = [(1024, 700), (1280, 800), (1600, 1000)]


class Recorder(pygame.Surface):
    """A screen that remembers where each piece of text went (the blits smaller than a panel)."""

    def __init__(self, size) -> None:
        super().__init__(size)
        self.texts: list[tuple[pygame.Rect, int]] = []

    def blit(self, source, dest, area=None, special_flags=0):  # type: ignore[override]
        r = super().blit(source, dest, area, special_flags)
        if source.get_height() < 30 and r.w and r.h:
            self.texts.append((pygame.Rect(r), id(source)))
        return r


def to_phase(s: Session, side: str, phase: str) -> None:
    while not (s.to_act() == side and s.state.phase.phase == phase):
        s.apply(EndPhase(s.to_act()))


def seat(s: Session, size) -> tuple[GameMode, Recorder]:
    s.viewer = s.view_side()
    g = GameMode(s, size)
    g.popups.clear()
    g.modal = None
    scr = Recorder(size)
    game_draw.draw(g, scr)
    return g, scr


def draw(g: GameMode, scr: Recorder) -> None:
    scr.texts.clear()
    game_draw.draw(g, scr)


@pytest.fixture(scope="module")
def august() -> Session:
    s = Session.new(load_scenario("encirclement_20_august"), 3, {"soviet": "human", "japanese": "passive"})
    to_phase(s, "soviet", "supply")
    return s


def panel_hits(g: GameMode, prefixes: tuple[str, ...]) -> list[tuple[pygame.Rect, str]]:
    return [(r, k) for r, k in g.hits.items if k.startswith(prefixes)]


def assert_laid_out(g: GameMode, scr: Recorder, rect: pygame.Rect, prefixes: tuple[str, ...]) -> None:
    mine = panel_hits(g, prefixes)
    assert mine
    for r, k in mine:
        assert rect.contains(r), f"{k} at {r} is outside {rect}"
    every = list(g.hits.items)  # against each other and against the HUD's buttons
    for i, (r, k) in enumerate(every):
        for r2, k2 in every[i + 1 :]:
            assert not r.colliderect(r2), f"{k} {r} overlaps {k2} {r2}"
    # a text's surface has a pixel or two of empty line gap above and below: wrapped lines touch
    inside = [t.inflate(-2, -4) for t, _ in scr.texts if rect.contains(t)]
    for i, t in enumerate(inside):  # text over text
        for t2 in inside[i + 1 :]:
            assert not t.colliderect(t2), f"text at {t} overprints text at {t2}"
        for r, k in every:  # text half on a button (a button's own label lies within it)
            assert r.contains(t) or not t.colliderect(r), f"text at {t} runs onto button {k} {r}"


SUPPLY = ("route:", "supply_act:")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_supply_panel_fits_every_size_and_scrolls_to_every_order(august, size, monkeypatch):
    g, scr = seat(august, size)
    g.command("panel:supply")
    draw(g, scr)
    rect = g.panel_rect
    assert rect is not None and g.map_rect.contains(rect)
    acts = g.indexed_actions()
    assert sum(isinstance(a, OpenDepot) for a in acts) >= 3  # field-depot offers in the list
    from game.ui.panels import depot_order

    depots = [d.id for d in depot_order(g.view, "soviet") if d.status == "active"]
    assert len(depots) >= 9
    wanted = {f"route:{d}:{op}" for d in depots for op in ("none", "less", "more", "all")}
    wanted |= {f"supply_act:{i}" for i, a in enumerate(acts) if not (getattr(a, "source", None) == "railhead")}
    seen: set[str] = set()
    drawn: list[str] = []
    real = fonts.text
    monkeypatch.setattr(fonts, "text", lambda s, *a, **k: drawn.append(s) or real(s, *a, **k))
    g.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=(rect.right - 4, rect.y + 4), rel=(0, 0), buttons=(0, 0, 0)))
    for _ in range(200):
        drawn.clear()
        draw(g, scr)
        assert_laid_out(g, scr, rect, SUPPLY)
        seen |= {k for _, k in panel_hits(g, SUPPLY)}
        # "none" is never under "blow up": each share button is its own order, not a depot's destruction
        for r, k in panel_hits(g, ("route:",)):
            assert g.hits.at(r.center) == k
        before = g.scroll
        g.handle(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-1, flipped=False))  # wheel down over the panel
        draw(g, scr)
        if g.scroll == before:
            break
        assert "▼ more below" in drawn or "end of the list" in drawn
    assert wanted <= seen, f"never shown: {sorted(wanted - seen)[:8]}"
    if size == (1024, 700):
        assert g.scroll > 0  # too much for the minimum window: it did scroll
    for _ in range(100):  # and back up to the top
        g.handle(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=1, flipped=False))
    draw(g, scr)
    assert g.scroll == 0


def test_no_empty_share_column_outside_the_supply_phase(monkeypatch):
    s = Session.new(load_scenario("encirclement_20_august"), 3, {"soviet": "human", "japanese": "passive"})
    to_phase(s, "soviet", "movement")
    g, scr = seat(s, SIZES[1])
    g.command("panel:supply")
    drawn: list[str] = []
    real = fonts.text
    monkeypatch.setattr(fonts, "text", lambda s, *a, **k: drawn.append(s) or real(s, *a, **k))
    draw(g, scr)
    assert "stock" in drawn and "share" not in drawn
    assert not panel_hits(g, SUPPLY)


def _combat(scenario_id: str) -> Session:
    scen = load_scenario(scenario_id)
    s = Session.new(scen, 3, {"soviet": "human", "japanese": "passive"})
    agents = {side: RandomAgent(5, side) for side in scen.sides}
    for _ in range(500):
        side = s.to_act()
        v = observe(s.state, side)
        if side == "soviet" and v.phase.phase == "combat" and any(isinstance(a, Attack) for a in legal_actions(v, side)):
            return s
        s.apply(agents[side].act(v, side))
    raise AssertionError("no attack came up")


PREVIEW = ("attack_", "toggle_att:")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_odds_preview_fits_without_overprinting(size):
    s = _combat("test_skirmish")
    g, scr = seat(s, size)
    target = next(a for a in legal_actions(g.view, "soviet") if isinstance(a, Attack)).target
    g.cam.center_on(target)
    x, y = g.cam.hex_center(target)
    pos = (int(x + g.map_rect.x), int(y + g.map_rect.y))
    g.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
    g.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    g.handle(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))
    assert g.modal == "attack" and g.attack is not None and g.attack.preview is not None
    draw(g, scr)
    rect = g.preview_rect()
    assert g.map_rect.contains(rect)
    assert_laid_out(g, scr, rect, PREVIEW)
    assert {k for _, k in g.hits.items} >= {"attack_commit", "attack_cancel"}
    # leave a unit out: the "All adjacent units" button comes on and must not cover anything either
    first = g.attack.candidates[0]
    g.command(f"toggle_att:{first}")
    draw(g, scr)
    assert_laid_out(g, scr, rect, PREVIEW)
