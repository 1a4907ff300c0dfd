"""Second play-test round, driven with posted events under SDL's dummy driver: a "blow up" that
stayed armed, the odds preview as an estimate and the odds actually used on the result, hot-seat
games that must open on the hand-off, the air panel after its phase, the stale phase banner, Esc
on cards, picking attackers, the outcome rows, the score wording and hexes in the log."""

from __future__ import annotations

import pygame
import pytest
from conftest import UI_SIZE as SIZE
from test_ui_modes import _combat_state, click, game, hex_pos, hit_pos, key, to_phase
from test_ui_playtest import record_text

import game.ui.game_mode as gm
from game.actions import AssignAir, Attack, DestroyDepot, EndPhase
from game.engine import legal_actions
from game.events import Event
from game.scenario.loader import load_scenario
from game.session import Session
from game.ui import dialogs, game_draw, hud
from game.ui.app import App
from game.ui.game_mode import CombatCard, Estimate, GameMode
from game.ui.menus import Command, Handoff

pytestmark = pytest.mark.usefixtures("screen")  # conftest: a dummy-driver window, saves in tmp


@pytest.fixture(scope="module")
def crossing():
    return load_scenario("crossing_3_july")


def g_screen() -> pygame.Surface:
    return pygame.display.get_surface()


def _blow(g: GameMode) -> str:
    """Arm the first 'blow up' of the supply panel; returns its key."""
    game_draw.draw(g, g_screen())
    acts = g.indexed_actions()
    i = next(i for i, a in enumerate(acts) if isinstance(a, DestroyDepot))
    k = f"supply_act:{i}"
    assert click(g, hit_pos(g, k)) is None  # the first click only arms it
    assert g.armed(k)
    return k


def test_blow_up_is_disarmed_by_any_other_click_closing_a_phase_change_or_time(crossing, screen, monkeypatch):
    s = Session.new(crossing, 1, {"soviet": "human", "japanese": "passive"})
    to_phase(s, "soviet", "supply")
    g = game(s, screen)
    g.command("panel:supply")
    n = len(s.actions)
    # another button of the panel
    k = _blow(g)
    game_draw.draw(g, screen)
    other = next(k2 for _, k2 in g.hits.items if k2.startswith("route:") or k2 == "panel:air")
    click(g, hit_pos(g, other))
    assert g.confirm is None and not g.armed(k)
    if g.docked != "supply":
        g.command("panel:supply")
    # a click on the map
    k = _blow(g)
    click(g, (g.map_rect.right - 40, g.map_rect.bottom - 40))
    assert g.confirm is None
    # closing the panel (F3) and opening it again: one click only arms again
    k = _blow(g)
    key(g, pygame.K_F3)
    assert g.docked is None and g.confirm is None
    key(g, pygame.K_F3)
    game_draw.draw(g, screen)
    assert click(g, hit_pos(g, k)) is None and len(s.actions) == n
    # the toast runs out
    now = gm.time.monotonic()
    monkeypatch.setattr(gm.time, "monotonic", lambda: now + GameMode.CONFIRM_SECS + 1)
    game_draw.draw(g, screen)
    assert g.confirm is None
    assert click(g, hit_pos(g, k)) is None and len(s.actions) == n  # it arms again, it does not blow
    monkeypatch.undo()
    # Esc
    g.disarm()
    k = _blow(g)
    key(g, pygame.K_ESCAPE)
    assert g.confirm is None
    # a phase change
    g.command("panel:supply") if g.docked != "supply" else None
    k = _blow(g)
    s.apply(EndPhase("soviet"))
    g.after_apply()
    assert g.confirm is None
    assert len(s.actions) == n + 1  # only the EndPhase: no depot was blown
    # and two clicks in a row still blow it (the confirmation itself works)
    s2 = Session.new(crossing, 1, {"soviet": "human", "japanese": "passive"})
    to_phase(s2, "soviet", "supply")
    g2 = game(s2, screen)
    g2.command("panel:supply")
    k = _blow(g2)
    game_draw.draw(g2, screen)
    assert isinstance(click(g2, hit_pos(g2, k)), DestroyDepot)


def test_odds_preview_is_labelled_an_estimate_and_the_card_shows_the_odds_used(skirmish, screen, monkeypatch):
    s = _combat_state(skirmish)
    g = game(s, screen)
    target = next(a for a in legal_actions(g.view, "soviet") if isinstance(a, Attack)).target
    click(g, hex_pos(g, target))
    seen = record_text(monkeypatch)
    game_draw.draw(g, screen)
    assert dialogs.ESTIMATE_NOTE in seen and "unseen enemy support may change the odds" in dialogs.ESTIMATE_NOTE
    assert any(t.startswith("Estimated: attack") for t in seen)
    est = g.attack.preview.odds
    act = click(g, hit_pos(g, "attack_commit"))
    assert isinstance(act, Attack)
    assert g.estimates[("soviet", target, s.state.turn)].odds == pytest.approx(est)
    # the engine's odds differ from the estimate (enemy support the attacker did not see)
    g.estimates[("soviet", target, s.state.turn)] = Estimate(est * 1.25, (("Terrain: steppe", "defence", 1.2),))
    events = s.apply(act)
    g.after_apply()
    used = next(e for e in events if e.kind == "combat").data["odds"]
    c = g.card
    assert c is not None and c.estimate is not None and c.shift is not None
    seen.clear()
    game_draw.draw(g, screen)
    assert any(f"Odds used {used:.2f} : 1" in t for t in seen)
    # the modifiers applied are the engine's (from the result event), not the estimate's
    told = next(e for e in events if e.kind == "combat").data["modifiers"]
    terrain = next((n, f) for n, _, f in told if n.startswith("Terrain"))
    assert any(f"×{terrain[1]:.2f} {terrain[0]}" in t for t in seen)
    assert not any("Terrain: steppe" in t for t in seen) or terrain[0] == "Terrain: steppe"
    assert any("could not see" in t for t in seen) and any(f"×{used / (est * 1.25):.2f}" in t for t in seen)
    # fog: no enemy unit the attacker does not see is named on the card or in the log
    hidden = [u for u in s.state.units.values() if u.side == "japanese" and u.id not in g.view.units]
    names = {skirmish.setup(u.id).name for u in hidden}
    card_text = " ".join(seen) + " ".join(hud.log_text(g, e) for e in s.log_for("soviet"))
    assert not [n for n in names if n in card_text]
    assert any("your estimate was" in hud.log_text(g, e) for e in s.log_for("soviet") if e.kind == "combat")


@pytest.mark.parametrize("sid", ["crossing_3_july", "encirclement_20_august"])
def test_every_hot_seat_game_opens_on_the_hand_off(sid, screen, monkeypatch, tmp_path):
    import game.ui.mapview as mapview

    drawn: list[str] = []
    real = mapview.MapView.draw
    monkeypatch.setattr(mapview.MapView, "draw", lambda *a, **k: drawn.append("map") or real(*a, **k))
    app = App(SIZE)
    app.open("new")
    app.mode.command(f"scen:{sid}")
    app.mode.command("ctl:soviet:human")
    app.mode.command("ctl:japanese:human")
    enter = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode="\r")
    app.handle(enter)  # "Start (Enter)"
    assert app.session is not None and app.session.hotseat
    assert isinstance(app.mode, Handoff) and app.game is None
    app.handle(enter)  # the key repeat of the same press (a big scenario takes a while to load)
    assert isinstance(app.mode, Handoff) and app.game is None
    app.draw()
    assert drawn == []  # nothing of a side's view
    app.handle(pygame.event.Event(pygame.KEYUP, key=pygame.K_RETURN, mod=0))
    app.handle(enter)  # the next player's own press
    assert isinstance(app.mode, GameMode)
    # a loaded hot-seat save opens on the hand-off too
    path = app.session.save(tmp_path / "hs.json")
    app.dispatch(Command("started", Session.load(path)))
    assert isinstance(app.mode, Handoff) and app.game is None
    drawn.clear()
    app.draw()
    assert drawn == []


def test_air_panel_closes_after_the_air_phase_and_explains_instead_of_an_engine_error(skirmish, screen, monkeypatch):
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "passive"})
    to_phase(s, "soviet", "air")
    g = game(s, screen)
    assert g.docked == "air"
    unit = g.air_units()[0]
    click(g, hit_pos(g, f"air_unit:{unit.id}"))
    game_draw.draw(g, screen)
    order = click(g, hit_pos(g, "air_assign"))
    s.apply(order)
    g.after_apply()
    while s.state.phase.phase == "air":
        s.apply(EndPhase(s.to_act()))
        g.after_apply()
    assert g.docked is None  # closed when the phase ended
    key(g, pygame.K_F2)  # opened again to read: no live order button, the reason in words
    seen = record_text(monkeypatch)
    game_draw.draw(g, screen)
    keys = [k for _, k in g.hits.items]
    assert not [k for k in keys if k.startswith(("air_unit:", "air_assign", "air_withdraw:"))]
    assert "air phase" in " ".join(seen) and "for reading only" in " ".join(seen)
    g.toasts.clear()
    assert g.command(f"air_withdraw:{order.unit}|{order.mission}|{order.target}") is None
    assert g.toasts and "aircraft are assigned in the air phase" not in g.toasts[-1].text


def test_result_card_keeps_clear_of_a_docked_panel(skirmish, screen):
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "passive"})
    g = game(s, screen)
    g.docked = "air"
    g.panel_rect = pygame.Rect(g.map_rect.x + 8, g.map_rect.y + 8, 420, 74)  # the night notice
    assert not hud.card_rect(g, 150).colliderect(g.panel_rect)


def test_phase_banner_goes_when_the_phase_passes(skirmish, screen):
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "ai"})
    to_phase(s, "soviet", "movement")
    g = game(s, screen)
    g.toast("Your Movement phase", 3.0, tag="phase")
    s.apply(EndPhase("soviet"))
    g.after_apply()
    if not g.can_act:
        assert not [t for t in g.toasts if t.tag == "phase"]
    # and at draw time, whatever started the other side's turn
    g.toast("Your Movement phase", 3.0, tag="phase")
    while g.can_act:
        s.apply(EndPhase("soviet"))
    game_draw.draw(g, screen)
    assert not [t for t in g.toasts if t.tag == "phase"]


def test_escape_closes_a_card_first_then_the_result_then_opens_the_menu(skirmish, screen):
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "passive"})
    g = game(s, screen)
    g.card = CombatCard("japanese", (3, 9), "Attack stalls", 0.7, 0.7, {"men": 3}, {"men": 1}, 1e12)
    key(g, pygame.K_ESCAPE)
    assert g.card is None and g.modal is None
    key(g, pygame.K_ESCAPE)
    assert g.modal == "menu"
    key(g, pygame.K_ESCAPE)
    assert g.modal is None
    g.modal = "result"  # the graded result
    key(g, pygame.K_ESCAPE)
    assert g.modal == "result_seen"
    key(g, pygame.K_ESCAPE)  # one press: the menu
    assert g.modal == "menu"


def test_picking_attackers_takes_the_stack_and_says_why_a_unit_cannot_join(skirmish, screen):
    s = _combat_state(skirmish)
    g = game(s, screen)
    able = g._can_attack()
    own = [u for u in g.view.units.values() if u.side == "soviet" and u.status == "active" and not u.acted and u.hex]
    u = next(u for u in own if u.id in able)
    mates = {x.id for x in g.units_at(u.hex) if x.side == "soviet" and not x.acted and x.id in able}
    g.command("select:" + u.id)
    click(g, hex_pos(g, u.hex))
    assert mates <= g.marks.attackers  # the whole stack joins
    click(g, hex_pos(g, u.hex))
    assert not mates & g.marks.attackers  # and leaves again
    idle = [x for x in own if x.id not in able]
    if idle:
        x = idle[0]
        g.toasts.clear()
        click(g, hex_pos(g, x.hex))
        if not ({y.id for y in g.units_at(x.hex)} & able):
            assert x.id not in g.marks.attackers and g.toasts and "cannot attack" in g.toasts[-1].text
    # a picked unit that is not next to the target is named, not dropped silently
    atk = next(a for a in legal_actions(g.view, "soviet") if isinstance(a, Attack))
    stray = next((x.id for x in own if x.id not in atk.units), None)
    if stray is not None:
        g.marks.attackers = {stray, atk.units[0]}
        g.toasts.clear()
        g.open_attack(atk.target)
        assert any("Not in this attack" in t.text for t in g.toasts)
        g.command("cancel")
    # the "all" button in the preview
    g.marks.attackers = {atk.units[0]}
    g.open_attack(atk.target)
    game_draw.draw(g, screen)
    if len(atk.units) > 1:
        click(g, hit_pos(g, "attack_all"))
        assert g.attack.chosen == set(atk.units)
        game_draw.draw(g, screen)
        click(g, hit_pos(g, "attack_all"))
        assert g.attack.chosen == {atk.units[0]}
    else:
        assert not [k for _, k in g.hits.items if k == "attack_all"]  # already all: greyed


def test_outcome_rows_have_their_own_labels_and_one_man_is_a_man(skirmish, screen, monkeypatch):
    s = _combat_state(skirmish)
    g = game(s, screen)
    target = next(a for a in legal_actions(g.view, "soviet") if isinstance(a, Attack)).target
    click(g, hex_pos(g, target))
    seen = record_text(monkeypatch)
    game_draw.draw(g, screen)
    rows = [dialogs.roll_name(o.shift) for o in g.attack.preview.outcomes]
    assert len(set(rows)) == len(rows) == 5 and all(r in seen for r in rows)
    assert gm.men(1) == "1 man" and gm.men(0) == "0 men" and gm.men(21) == "21 men"
    assert hud.count_text(1, "men") == "1 man" and hud.count_text(1, "tanks") == "1 tank"
    assert not [t for t in seen if " 1 men" in t or t.startswith("1 men")]


def test_score_reads_the_same_in_the_top_bar_and_the_victory_panel(crossing, screen, monkeypatch):
    assert dialogs.score_text(6.32, "soviet") == "Soviet +6.3 (Soviet points − Japanese points)"
    assert dialogs.score_text(-2.0, "japanese").startswith("Japanese ahead by 2.0")
    assert dialogs.score_text(2.0, "japanese").startswith("Soviet ahead by 2.0")
    for side in ("soviet", "japanese"):
        s = Session.new(crossing, 1, {"soviet": "human" if side == "soviet" else "passive", side: "human"})
        s.controllers = {"soviet": "passive", "japanese": "passive", side: "human"}
        to_phase(s, side, "movement")
        g = game(s, screen)
        facts = dialogs.victory_facts(g)
        want = dialogs.score_text(facts["known_score"], side)
        assert want in dialogs.score_line(g)
        seen = record_text(monkeypatch)
        g.command("victory")
        game_draw.draw(g, screen)
        assert any(want in t for t in seen) or any(dialogs.fmt_score(facts["known_score"]) in t for t in seen)
        assert any(t in seen for t in dialogs.score_lines(g))  # the top bar: one of its forms, the same number
        assert all(dialogs.fmt_score(facts["known_score"]).lstrip("+−") in t for t in dialogs.score_lines(g))
        monkeypatch.undo()
        if side == "japanese":
            assert ("Japanese ahead" in want) == (round(facts["known_score"], 1) < 0)


def test_log_writes_hexes_one_way_and_never_negative(crossing, screen):
    s = Session.new(crossing, 1, {"soviet": "human", "japanese": "passive"})
    g = game(s, screen)
    t = hud.log_text(g, Event("move", "II/71st Infantry moves (-8, 41) → (5, 21)"))
    assert t == "II/71st Infantry enters from the map edge → hex 5,21"
    assert "(-" not in hud.log_text(g, Event("spot", "spotted at (2, 2)")) and "hex 2,2" in hud.log_text(
        g, Event("spot", "spotted at (2, 2)")
    )


def test_air_orders_are_not_sent_at_night_or_out_of_phase(skirmish, screen):
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "passive"})
    to_phase(s, "soviet", "movement")
    g = game(s, screen)
    g.airpick.unit, g.airpick.mission, g.airpick.target, g.airpick.count = "x", "y", "z", 3
    assert g.command("air_assign") is None and g.air_closed() is not None
    assert not isinstance(g.command("air_assign"), AssignAir)


def test_repeat_last_turns_air_orders_through_ordinary_actions(skirmish, screen):
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "passive"})
    to_phase(s, "soviet", "air")
    g = game(s, screen)
    assert g.repeat_air_orders() == []  # the first turn: nothing to repeat, the button is grey
    game_draw.draw(g, screen)
    assert "air_repeat" not in [k for _, k in g.hits.items]
    unit = g.air_units()[0]
    click(g, hit_pos(g, f"air_unit:{unit.id}"))
    game_draw.draw(g, screen)
    order = click(g, hit_pos(g, "air_assign"))
    s.apply(order)
    turn = s.state.turn
    while not (s.state.turn > turn and s.to_act() == "soviet" and s.state.phase.phase == "air" and not s.state.night):
        s.apply(EndPhase(s.to_act()))
    g.after_apply()
    game_draw.draw(g, screen)
    acts = click(g, hit_pos(g, "air_repeat"))
    assert isinstance(acts, list) and acts
    assert [(a.unit, a.mission, a.target) for a in acts] == [(order.unit, order.mission, order.target)]
    assert all(isinstance(a, AssignAir) and 0 < a.aircraft <= order.aircraft for a in acts)
    app = App(SIZE)
    app.session, app.game, app.mode = s, g, g
    app.dispatch(acts)  # through the session, as any order
    assert s.state.air_orders["soviet"] and g.repeat_air_orders() == []  # not doubled
