"""What a play-tester found, driven with posted events under SDL's dummy driver: modal windows
that let clicks through, truck shares that did not add up, the victory conditions (and no hidden
enemy numbers), history pop-ups shown twice, the log wheel, and the odds preview's camera."""

from __future__ import annotations

import pygame
import pytest
from conftest import UI_SIZE as SIZE

from game.actions import EndPhase, RouteTrucks
from game.events import Event
from game.rules import supply
from game.scenario.loader import load_scenario
from game.session import Session
from game.ui import dialogs, fonts, game_draw
from game.ui.app import App
from game.ui.game_mode import GameMode, Popup
from game.ui.menus import Command

pytestmark = pytest.mark.usefixtures("screen")  # conftest: a dummy-driver window, saves in tmp


@pytest.fixture(scope="module")
def crossing():
    return load_scenario("crossing_3_july")


def click(mode, pos, button=1):
    out = [mode.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))]
    out.append(mode.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button)))
    out.append(mode.handle(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button)))
    return next((o for o in out if o is not None), None)


def wheel(mode, pos, y):
    mode.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
    return mode.handle(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=y, flipped=False))


def hit(g: GameMode, prefix: str):
    for rect, k in g.hits.items:
        if k.startswith(prefix):
            return rect.center
    raise AssertionError(f"no button {prefix!r}: {[k for _, k in g.hits.items]}")


def to_phase(s: Session, side: str, phase: str) -> None:
    while not (s.to_act() == side and s.state.phase.phase == phase):
        s.apply(EndPhase(s.to_act()))


def seat(s: Session, screen) -> GameMode:
    s.viewer = s.view_side()
    g = GameMode(s, SIZE)
    g.popups.clear()
    g.modal = None
    game_draw.draw(g, screen)
    return g


def test_a_modal_window_takes_every_click_but_its_own(crossing, screen):
    s = Session.new(crossing, 1, {"soviet": "human", "japanese": "passive"})
    to_phase(s, "soviet", "supply")
    g = seat(s, screen)
    g.command("panel:supply")
    game_draw.draw(g, screen)
    behind = [hit(g, "end_phase"), hit(g, "supply_act:"), hit(g, "route:"), hit(g, "panel:air")]
    g.popups.append(Popup("An event", "1939-07-02 21:00: something happened", "src"))
    game_draw.draw(g, screen)
    assert g.modal == "popup"
    assert {k for _, k in g.hits.items} <= {"close", "popup_skip"}
    n = len(s.actions)
    for pos in behind:
        assert click(g, pos) is None
    assert g.modal == "popup" and g.docked == "supply" and len(s.actions) == n and g.confirm is None
    assert g.key(pygame.K_e) is None and g.key(pygame.K_F2) is None  # keys too
    click(g, hit(g, "close"))
    game_draw.draw(g, screen)
    assert g.modal is None
    for modal in ("help", "sources", "victory", "menu"):
        g.modal = modal
        game_draw.draw(g, screen)
        assert click(g, behind[0]) is None and len(s.actions) == n


def test_truck_shares_add_up_to_the_trucks_and_the_buttons_are_legal(crossing, screen):
    s = Session.new(crossing, 1, {"soviet": "human", "japanese": "passive"})
    to_phase(s, "soviet", "supply")
    g = seat(s, screen)
    assert g.docked is None  # not opened by itself
    g.command("panel:supply")
    game_draw.draw(g, screen)
    total, weights, got = g.railhead_shares()
    assert total == supply.trucks_alive(s.state, "soviet")["railhead"] > 0
    assert sum(got.values()) == total and all(0 <= n <= total for n in got.values())
    dep = sorted(weights)[0]
    for op in ("all", "less", "more", "none", "more"):
        acts = g.route_actions(dep, op)
        for a in acts:
            assert isinstance(a, RouteTrucks) and a.source == "railhead" and 0 <= a.trucks <= total
            s.apply(a)  # the engine checks each one
        total, weights, got = g.railhead_shares()
        assert sum(got.values()) == total
        if op == "all":
            assert got[dep] == total
        if op == "none":
            assert got[dep] == 0
    # the click path: a share button gives the orders, drawn numbers never exceed the trucks
    game_draw.draw(g, screen)
    acts = click(g, hit(g, "route:"))
    assert isinstance(acts, list) and acts


def test_destroyed_depot_keeps_its_place_and_shows_no_trucks(crossing, screen, monkeypatch):
    s = Session.new(crossing, 1, {"soviet": "human", "japanese": "passive"})
    to_phase(s, "soviet", "supply")
    from game.actions import DestroyDepot

    g = seat(s, screen)
    first = [d.id for d in dialogs_depots(g)]
    s.apply(DestroyDepot("soviet", first[1]))
    g.command("panel:supply")
    drawn = record_text(monkeypatch)
    game_draw.draw(g, screen)
    assert [d.id for d in dialogs_depots(g)] == first  # stable order
    assert any("destroyed" in t for t in drawn)
    assert first[1] not in g.railhead_shares()[1]


def dialogs_depots(g):
    from game.ui.panels import depot_order

    return depot_order(g.view, "soviet")


def record_text(monkeypatch) -> list[str]:
    seen: list[str] = []
    real = fonts.text

    def spy(s, *a, **k):
        seen.append(str(s))
        return real(s, *a, **k)

    monkeypatch.setattr(fonts, "text", spy)
    return seen


def test_victory_panel_shows_objectives_and_no_hidden_enemy_number(crossing, screen, monkeypatch):
    s = Session.new(crossing, 1, {"soviet": "human", "japanese": "passive"})
    to_phase(s, "soviet", "movement")
    s.state.losses["japanese"]["men"] = 4321  # known to the engine, hidden from the Soviet seat
    s.state.losses["japanese"]["tanks"] = 57
    s.state.losses["soviet"]["men"] = 123
    s.version += 1
    g = seat(s, screen)
    drawn = record_text(monkeypatch)
    g.key(pygame.K_v)
    assert g.modal == "victory"
    game_draw.draw(g, screen)
    text = " ".join(drawn)
    for o in crossing.objectives:
        assert o.name in text
    assert "123" in text  # own losses are known
    assert "4321" not in text and "4,321" not in text and "57 " not in text
    assert "unknown" in text
    facts = dialogs.victory_facts(g)
    assert not facts["complete"]
    assert all(n is None for sd, _, _, _, n, _ in facts["losses"] if sd == "japanese")
    assert "score" not in dialogs.score_line(g)  # the top bar gives no score it cannot know
    g.key(pygame.K_v)
    assert g.modal is None


def test_history_pops_up_once_per_side_in_hot_seat_and_after_a_load(crossing, screen, tmp_path):
    app = App(SIZE)
    s = Session.new(crossing, 1, {"soviet": "human", "japanese": "human"})
    app.start_game(s)
    shown: list[tuple[str, str]] = []
    for _ in range(14):  # hand-offs through the first turns
        if app.game is None:
            app.dispatch(Command("ready", s.to_act()))
        g = app.game
        assert g is not None
        shown += [(g.side, p.title) for p in g.popups]
        g.popups.clear()
        g.modal = None
        app.submit(EndPhase(s.to_act()))
    assert shown, "the scenario has history for its first turns"
    assert len(shown) == len(set(shown))
    assert {side for side, _ in shown} == {"soviet", "japanese"}
    # a loaded game: the side that already acted this turn is not shown the day's history again
    path = s.save(tmp_path / "g.json")
    loaded = Session.load(path)
    side = loaded.to_act()
    start = loaded.turn_hashes[-1]["action"] if loaded.turn_hashes else 0
    acted = any(a.get("side") == side for a in loaded.actions[start:])
    app2 = App(SIZE)
    app2.start_game(loaded)
    if app2.game is None:
        app2.dispatch(Command("ready", side))
    if acted:
        assert app2.game.popups == []
    assert all(p.text.startswith("1939") for p in app2.game.popups)
    app2.game.popups = [Popup("t", "1939-07-02 21:00: text")]
    assert dialogs.history_text("1939-07-02 21:00: text").startswith("Historically, on 2 July 1939 at 21:00: text")


def test_log_wheel_up_goes_back_into_history(skirmish, screen):
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "passive"})
    s.log.extend(Event("note", f"line {i}") for i in range(80))
    s.version += 1
    g = seat(s, screen)
    r = g.log_rect
    assert r is not None
    wheel(g, r.center, 1)
    assert g.log_scroll > 0
    game_draw.draw(g, screen)
    back = g.log_scroll
    wheel(g, r.center, -1)
    assert g.log_scroll < back
    zoom = g.cam.zoom
    wheel(g, g.map_rect.center, 1)  # on the map the wheel still zooms
    assert g.cam.zoom != zoom or zoom == max(range(10))


def test_log_names_zones_says_whose_phase_and_counts_repeats(crossing, screen):
    from game.ui.hud import _log_lines

    s = Session.new(crossing, 1, {"soviet": "human", "japanese": "passive"})
    z = crossing.air_zones[0]
    s.log.append(Event("air_order", f"Regt: 5 aircraft on ground support over {z.id}", visible_to="soviet"))
    s.log.extend([Event("spotted", "Enemy unit spotted at (3, 4)", visible_to="soviet")] * 3)
    s.log.append(Event("phase_start", "Turn 1: Movement", data={"sides": ["soviet"]}))
    s.version += 1
    g = seat(s, screen)
    text = " ".join(t for t, _ in _log_lines(g, pygame.Rect(0, 0, 2000, 300)))
    assert z.name in text and f"over {z.id}" not in text
    assert "hex 3,4 (×3)" in text
    assert "Soviet-Mongolian side to act" in text


def test_odds_preview_keeps_the_target_beside_it_and_cancel_restores_the_camera(skirmish, screen):
    from game.ui.game_mode import AttackPlan

    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "passive"})
    g = seat(s, screen)
    gm = skirmish.map
    mid = gm.height // 2
    west = min((h for h in gm.hexes if h[1] == mid), key=lambda h: h[0])
    east = max((h for h in gm.hexes if h[1] == mid), key=lambda h: h[0])
    centre = min(gm.hexes, key=lambda h: abs(h[0] - (west[0] + east[0]) // 2) + abs(h[1] - mid))
    for target in (west, centre, east):
        g.cam.center_on(centre)
        before = (g.cam.x, g.cam.y)
        g.attack = AttackPlan(target, (), set(), camera=before)
        g.modal = "attack"
        g._place_preview()
        sx = g.cam.hex_center(target)[0] + g.map_rect.x
        pr = g.preview_rect()
        assert not pr.left - 10 <= sx <= pr.right + 10, (target, sx, pr)
        assert g.map_rect.left <= sx <= g.map_rect.right
        g.command("cancel")
        assert (g.cam.x, g.cam.y) == before and g.modal is None and g.attack is None


def test_enemy_attacks_in_one_phase_make_one_card_queued_behind_a_popup(crossing, screen):
    s = Session.new(crossing, 1, {"soviet": "human", "japanese": "passive"})
    g = seat(s, screen)
    data = {
        "side": "japanese",
        "target": [3, 4],
        "result": "Defender holds",
        "odds": 1.2,
        "rolled_odds": 1.1,
        "attacker_losses": {"men": 10},
        "defender_losses": {"men": 5},
    }
    s.log.append(Event("combat_defended", "Japanese attack", visible_to="soviet", data=data))
    s.log.append(Event("combat_defended", "Japanese attack", visible_to="soviet", data=data))
    s.log.append(Event("timeline", "1939-07-02 21:00: x", data={"at": "1939-07-02T21:00", "title": "Q"}))
    g.pull_events()
    assert g.card is not None and g.card.others == 1
    game_draw.draw(g, screen)
    assert g.modal == "popup" and not g.card.shown  # the card waits for the pop-up
    g.command("close")
    game_draw.draw(g, screen)
    assert g.card.shown


def test_the_victory_window_briefs_your_own_sides_plan_only(skirmish):

    july = load_scenario("crossing_3_july")
    jp = [t for t, *_ in dialogs.plan_lines(july, "japanese")]
    su = [t for t, *_ in dialogs.plan_lines(july, "soviet")]
    assert jp[0] == "Your orders (the historical plan)" and july.plans["japanese"].intent in jp[1]
    assert any("Bain-Tsagan summit" in t for t in jp) and not any(july.plans["japanese"].intent in t for t in su)
    assert dialogs.plan_lines(skirmish, "soviet") == []  # no plan in the file: no briefing


def test_help_tells_the_combat_results_of_this_ruleset(skirmish, screen, monkeypatch):
    g = GameMode(Session.new(skirmish, 1, {"soviet": "human", "japanese": "passive"}), SIZE)
    g.popups.clear()
    g.modal = "help"
    seen = record_text(monkeypatch)
    game_draw.draw(g, screen)
    text = " ".join(seen)
    assert dialogs.COMBAT_RESULTS not in text  # the placeholder is replaced by the rules' own table
    for r in skirmish.rules.combat.results:
        assert r.name in text
