"""The game screen driven by events under SDL's dummy driver: the actions the modes emit
(select, move, undo, attack after its preview, end phase, air orders) and the hot-seat
hand-off that shows nothing of the map."""

from __future__ import annotations

import pygame
import pytest
from conftest import UI_SIZE as SIZE

from game.actions import AssignAir, Attack, EndPhase, Move
from game.ai.agents import RandomAgent
from game.engine import legal_actions, observe, state_hash
from game.session import Session
from game.ui import game_draw
from game.ui.app import App
from game.ui.game_mode import GameMode
from game.ui.menus import Handoff

pytestmark = pytest.mark.usefixtures("screen")  # conftest: a dummy-driver window, saves in tmp


def click(mode, pos, button=1):
    """A press and release at one spot; returns whatever the mode emitted."""
    out = [mode.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))]
    out.append(mode.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button)))
    out.append(mode.handle(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button)))
    return next((o for o in out if o is not None), None)


def key(mode, k, mod=0):
    return mode.handle(pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode=""))


def hex_pos(g: GameMode, h):
    g.cam.center_on(h)
    x, y = g.cam.hex_center(h)
    return int(x + g.map_rect.x), int(y + g.map_rect.y)


def hit_pos(g: GameMode, prefix: str):
    for rect, k in g.hits.items:
        if k.startswith(prefix):
            return rect.center
    raise AssertionError(f"no button {prefix!r} on screen: {[k for _, k in g.hits.items]}")


def to_phase(s: Session, side: str, phase: str) -> None:
    while not (s.to_act() == side and s.state.phase.phase == phase):
        s.apply(EndPhase(s.to_act()))


def game(s: Session, screen) -> GameMode:
    s.viewer = s.view_side()
    g = GameMode(s, SIZE)
    g.popups.clear()
    game_draw.draw(g, screen)
    return g


def test_select_move_and_undo(skirmish, screen):
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "passive"})
    to_phase(s, "soviet", "movement")
    g = game(s, screen)
    u = next(u for u in g.view.units.values() if u.side == "soviet" and u.active and u.mp > 0)
    assert click(g, hex_pos(g, u.hex)) is None
    sel = g.marks.selected
    assert sel in {o.id for o in g.units_at(u.hex) if o.side == "soviet"}
    assert g.marks.reach, "reachable hexes are highlighted"
    game_draw.draw(g, screen)
    before = state_hash(s.state)
    dest = max(g.marks.reach, key=lambda h: g.marks.reach[h])
    act = click(g, hex_pos(g, dest))
    assert act == Move("soviet", sel, dest)
    s.apply(act)
    g.after_apply()
    if s.can_undo("soviet"):
        assert key(g, pygame.K_u) is None
        assert state_hash(s.state) == before
    assert key(g, pygame.K_e) == EndPhase("soviet")


def _combat_state(skirmish) -> Session:
    s = Session.new(skirmish, 3, {"soviet": "human", "japanese": "random"})
    agents = {side: RandomAgent(5, side) for side in skirmish.sides}
    for _ in range(500):
        side = s.to_act()
        v = observe(s.state, side)
        if side == "soviet" and v.phase.phase == "combat" and any(isinstance(a, Attack) for a in legal_actions(v, side)):
            return s
        s.apply(agents[side].act(v, side))
    raise AssertionError("no attack came up")


def test_attack_shows_the_odds_preview_then_commits(skirmish, screen):
    s = _combat_state(skirmish)
    g = game(s, screen)
    target = next(a for a in legal_actions(g.view, "soviet") if isinstance(a, Attack)).target
    assert click(g, hex_pos(g, target)) is None  # first the preview, no action yet
    assert g.modal == "attack" and g.attack is not None and g.attack.preview is not None
    assert len(g.attack.preview.outcomes) >= 2 and g.attack.preview.modifiers
    game_draw.draw(g, screen)
    hit_pos(g, "attack_commit")
    # leave one unit out and back in through the check boxes
    first = g.attack.candidates[0]
    click(g, hit_pos(g, f"toggle_att:{first}"))
    game_draw.draw(g, screen)
    click(g, hit_pos(g, f"toggle_att:{first}"))
    game_draw.draw(g, screen)
    act = click(g, hit_pos(g, "attack_commit"))
    assert isinstance(act, Attack) and act.target == target and set(act.units) == g_units(s, target)
    events = s.apply(act)
    assert any(e.kind == "combat" for e in events)
    g.after_apply()
    assert g.card is not None and g.card.target == target  # the result is shown, not only logged
    game_draw.draw(g, screen)
    click(g, hit_pos(g, "card_close"))
    assert g.card is None


def g_units(s: Session, target) -> set[str]:
    return set(
        next(a for a in legal_actions(observe(s.state, "soviet"), "soviet") if isinstance(a, Attack) and a.target == target).units
    )


def test_escape_cancels_the_preview_without_an_action(skirmish, screen):
    s = _combat_state(skirmish)
    g = game(s, screen)
    target = next(a for a in legal_actions(g.view, "soviet") if isinstance(a, Attack)).target
    click(g, hex_pos(g, target))
    assert key(g, pygame.K_ESCAPE) is None and g.modal is None


def test_air_panel_assigns_aircraft(skirmish, screen):
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "passive"})
    while not (s.to_act() == "soviet" and s.state.phase.phase == "air"):
        s.apply(EndPhase(s.to_act()))
    g = game(s, screen)
    assert g.docked == "air"
    unit = g.air_units()[0]
    click(g, hit_pos(g, f"air_unit:{unit.id}"))
    game_draw.draw(g, screen)
    act = click(g, hit_pos(g, "air_assign"))
    assert isinstance(act, AssignAir) and act.unit == unit.id and act.aircraft > 0
    s.apply(act)


def test_air_panel_withdraws_an_order_until_the_phase_ends(skirmish, screen):
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "passive"})
    to_phase(s, "soviet", "air")
    g = game(s, screen)
    unit = g.air_units()[0]
    click(g, hit_pos(g, f"air_unit:{unit.id}"))
    game_draw.draw(g, screen)
    order = click(g, hit_pos(g, "air_assign"))
    s.apply(order)
    g.after_apply()
    game_draw.draw(g, screen)
    key_ = f"air_withdraw:{order.unit}|{order.mission}|{order.target}"
    act = click(g, hit_pos(g, key_))  # one Withdraw button per order given
    assert act == AssignAir("soviet", order.unit, order.mission, order.target, 0)
    s.apply(act)
    g.after_apply()
    game_draw.draw(g, screen)
    assert s.state.air_orders["soviet"] == [] and s.state.air_units[unit.id].assigned == 0
    assert not [k for _, k in g.hits.items if k.startswith("air_withdraw:")]
    # once the side has ended its air phase the orders are final: no button
    s.apply(order)
    s.apply(EndPhase("soviet"))
    if s.state.phase.phase == "air":  # the other side still in the air phase: the panel is read-only
        game_draw.draw(g, screen)
        assert not [k for _, k in g.hits.items if k.startswith("air_withdraw:")]


def test_hotseat_handoff_draws_nothing_of_the_map(skirmish, screen, monkeypatch):
    app = App(SIZE)
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "human"})
    app.start_game(s)
    assert isinstance(app.mode, Handoff) and app.game is None
    drawn = []
    import game.ui.counters as counters
    import game.ui.mapview as mapview

    real_counter, real_map = counters.counter, mapview.MapView.draw
    monkeypatch.setattr(counters, "counter", lambda *a, **k: drawn.append("counter") or real_counter(*a, **k))
    monkeypatch.setattr(mapview.MapView, "draw", lambda *a, **k: drawn.append("map") or real_map(*a, **k))
    app.draw()
    assert drawn == []  # the neutral screen: no map, no counters, no minimap
    first = s.to_act()
    app.handle(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode="\r"))
    assert isinstance(app.mode, GameMode) and s.viewer == first
    app.handle(pygame.event.Event(pygame.KEYUP, key=pygame.K_RETURN, mod=0))  # a real key comes back up
    app.draw()
    assert "map" in drawn and "counter" in drawn
    while s.to_act() == first:
        app.submit(EndPhase(first))
    assert isinstance(app.mode, Handoff) and app.mode.side == s.to_act() != first
    drawn.clear()
    app.draw()
    assert drawn == []
    # the next seat's log holds nothing the first side alone may see
    app.handle(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode="\r"))
    second = s.viewer
    assert all(e.seen_by(second) for e in s.log_for(second))
    view = app.game.view  # the seat's own fog: no enemy unit it has not spotted
    assert view.view_of == second
    hidden = {u.id for u in s.state.units.values() if u.side != second and u.id not in s.state.spotted[second]}
    assert not hidden & set(view.units)


def test_menu_flow_starts_a_solo_game(screen):
    app = App(SIZE)
    app.draw()
    app.handle(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_n, mod=0, unicode="n"))
    app.draw()
    app.mode.command("scen:test_skirmish")
    app.handle(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode="\r"))
    assert app.session is not None and app.session.scenario.id == "test_skirmish"
    assert app.session.controllers == {"soviet": "human", "japanese": "ai"}
    for _ in range(5):
        app.step()
    for name in ("load", "replays", "rules", "main"):
        app.open(name)
        app.draw()


def test_supply_panel_routes_trucks(screen):
    from game.actions import RouteTrucks
    from game.scenario.loader import load_scenario

    s = Session.new(load_scenario("crossing_3_july"), 1, {"soviet": "human", "japanese": "passive"})
    to_phase(s, "soviet", "supply")
    g = game(s, screen)
    assert g.docked is None  # the panel waits to be asked for (F3): it would cover the fighting
    key(g, pygame.K_F3)
    game_draw.draw(g, screen)
    acts = click(g, hit_pos(g, "route:"))
    assert acts and all(isinstance(a, RouteTrucks) and a.side == "soviet" for a in acts)
    for a in acts:
        s.apply(a)


def test_game_over_shows_the_graded_result(skirmish, screen):
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "passive"})
    while s.to_act() is not None:
        s.apply(EndPhase(s.to_act()))
    g = game(s, screen)
    assert g.modal == "result"
    game_draw.draw(g, screen)
    hit_pos(g, "to_menu")
    assert key(g, pygame.K_e) is None  # no orders once it is over


def test_ai_turns_run_in_a_worker_and_the_window_keeps_going(skirmish, screen):
    import time

    class Slow:
        name = "slow"

        def act(self, view, side):
            time.sleep(0.4)
            return EndPhase(side)

    app = App(SIZE)
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "passive"})
    app.start_game(s)
    s._agents["japanese"] = Slow()
    assert s.to_act() == "japanese"
    t0 = time.monotonic()
    frames = 0
    # as run() does: a frame, then the clock's wait. A bare hot loop of frames would starve the
    # worker of the GIL (each blit releases and retakes it), which the real loop never does.
    while s.to_act() == "japanese" and time.monotonic() - t0 < 10:
        app.step()  # events pumped and frames drawn while the agent thinks
        app.clock.tick(60)
        frames += 1
    assert s.to_act() != "japanese"
    assert frames >= 5


def test_tooltips_stay_in_the_map_and_off_a_docked_panel(skirmish, screen):
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "passive"})
    to_phase(s, "soviet", "air")
    g = game(s, screen)
    assert g.docked == "air" and g.panel_rect is not None
    panel, mr = g.panel_rect, g.map_rect
    shown = 0
    # the mouse all round the panel (right of it, under it, in the corners) and across the map
    spots = [(panel.right + dx, panel.y + dy) for dx in (2, 30, 200) for dy in (0, 10, panel.h // 2, panel.h - 5)]
    spots += [(panel.x + dx, panel.bottom + dy) for dx in (5, panel.w // 2, panel.w - 5) for dy in (2, 20)]
    spots += [(x, y) for x in range(mr.x + 5, mr.right, 90) for y in range(mr.y + 5, mr.bottom, 110)]
    spots += [(mr.right - 3, mr.bottom - 3), (mr.right - 3, mr.y + 3), (mr.x + 3, mr.bottom - 3)]
    for pos in spots:
        if not mr.collidepoint(pos) or panel.collidepoint(pos):
            continue
        g.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
        game_draw.draw(g, screen)
        if g.tip_box is None:
            continue
        shown += 1
        assert mr.contains(g.tip_box), (pos, g.tip_box)
        assert not g.tip_box.colliderect(g.panel_rect), (pos, g.tip_box, g.panel_rect)
    assert shown > 20


def test_tip_rect_flips_and_clears_the_panel():
    from game.ui.hud import tip_rect

    area = pygame.Rect(0, 44, 1000, 700)
    panel = pygame.Rect(8, 52, 560, 400)
    # room below right: there
    assert tip_rect((700, 300), (200, 80), area, panel).topleft == (718, 318)
    # at the right edge: flipped left, still off the panel
    r = tip_rect((990, 300), (200, 80), area, panel)
    assert r.right <= 990 and area.contains(r) and not r.colliderect(panel)
    # under the panel at the bottom of the map: above the mouse would hit the panel, so beside it
    r = tip_rect((100, 700), (300, 120), area, panel)
    assert area.contains(r) and not r.colliderect(panel)
    # just right of the panel title: below right
    r = tip_rect((570, 60), (250, 90), area, panel)
    assert area.contains(r) and not r.colliderect(panel)


def test_the_path_warns_when_a_move_gives_up_a_dug_in_position(skirmish, screen):
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "passive"})
    to_phase(s, "soviet", "movement")
    g = game(s, screen)
    u = next(u for u in g.view.units.values() if u.side == "soviet" and u.active and u.mp > 0)
    for o in s.state.units.values():  # the stack in that hex dug in for a day (test set-up)
        if o.hex == u.hex:
            o.entrench_h = 20.0
    s.version += 1  # the view is cached per session version
    g.after_apply()
    click(g, hex_pos(g, u.hex))
    uid = g.marks.selected
    assert g.view.units[uid].entrench_h >= 16
    dest = max(g.marks.reach, key=lambda h: g.marks.reach[h])
    g.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=hex_pos(g, dest), rel=(0, 0), buttons=(0, 0, 0)))
    assert g.marks.path_cost is not None and g.marks.path_note == "moving gives up: prepared defence"
    game_draw.draw(g, screen)  # the note is drawn above the MP label


def test_the_window_fits_the_desktop_and_keeps_a_usable_minimum(monkeypatch):
    from game.ui import app as app_mod

    monkeypatch.setattr(pygame.display, "get_driver", lambda: "x11")
    monkeypatch.setattr(pygame.display, "get_desktop_sizes", lambda: [(1366, 768)])
    assert app_mod.fit_to_desktop((1600, 1000)) == (1297, 700)  # a laptop: inside its screen
    monkeypatch.setattr(pygame.display, "get_desktop_sizes", lambda: [(2560, 1440)])
    assert app_mod.fit_to_desktop((1600, 1000)) == (1600, 1000)
    monkeypatch.setattr(pygame.display, "get_desktop_sizes", lambda: [(800, 600)])
    assert app_mod.fit_to_desktop((1600, 1000)) == app_mod.MIN_SIZE  # never below what the layout needs
    assert app_mod.fit_to_desktop((1600, 1000), exact=True) == (1600, 1000)
