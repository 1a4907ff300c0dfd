"""The replay viewer and the screens around it, driven by posted events under SDL's dummy
driver: play, pause, step back, seek by the turn bar and bookmarks, whose eyes, take command,
the after-action report, hot-seat replay through one side's fog, play by e-mail, bad files."""

from __future__ import annotations

import os
from pathlib import Path

import pygame
import pytest
from conftest import UI_SIZE as SIZE

from game.actions import EndPhase
from game.ai.agents import RandomAgent
from game.engine import observe, state_hash
from game.playback import Playback, history_playback
from game.replay import write_record
from game.session import Session
from game.simulate import play_game
from game.ui.aar_view import AARScreen
from game.ui.app import App
from game.ui.game_mode import GameMode
from game.ui.loading import LoadingMode
from game.ui.menus import Command, Handoff, MainMenu, PbemDialog, ReplayMenu
from game.ui.replay_view import ReplayMode

pytestmark = pytest.mark.usefixtures("screen")  # conftest: a dummy-driver window, saves in tmp


@pytest.fixture(scope="module")
def record_path(skirmish, tmp_path_factory):
    rec = play_game(skirmish, 8, {"soviet": "random", "japanese": "random"})
    p = tmp_path_factory.mktemp("ui") / "game.json.gz"
    write_record(rec, p)
    return p


def keydown(mode, k, mod=0, uni=""):
    return mode.handle(pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode=uni))


def click(mode, pos):
    mode.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
    out = mode.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    mode.handle(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))
    return out


def hit(mode, key):
    for rect, k in mode.hits.items:
        if k == key:
            return rect.center
    raise AssertionError(f"no {key!r} on screen: {[k for _, k in mode.hits.items]}")


def settle(app, kind, limit=400):
    """Frames until the app shows a mode of this kind (loading jobs run on a thread)."""
    for _ in range(limit):
        app.step()
        if isinstance(app.mode, kind):
            return app.mode
        if isinstance(app.mode, LoadingMode):
            app.mode.job.wait(10)
    raise AssertionError(f"still {type(app.mode).__name__}: {getattr(app.mode, 'message', '')}")


def test_viewer_play_pause_step_back_seek(record_path, screen):
    pb = Playback.open(record_path)
    forward = []
    for pos in range(pb.n + 1):
        forward.append(state_hash(pb.seek(pos)))
    pb.seek(0)
    m = ReplayMode(pb, SIZE)
    m.draw(screen)
    click(m, hit(m, "play"))
    assert m.playing
    m._last -= 1.0  # one second passes
    m.update()
    assert pb.pos == 4  # the default speed: 4 actions a second
    keydown(m, pygame.K_SPACE)
    assert not m.playing
    keydown(m, pygame.K_RIGHT)
    keydown(m, pygame.K_RIGHT)
    keydown(m, pygame.K_LEFT)
    assert pb.pos == 5 and state_hash(pb.state) == forward[5]
    m.draw(screen)
    click(m, hit(m, "step:-1"))
    assert pb.pos == 4 and state_hash(pb.state) == forward[4]
    r = m.slider_rect
    click(m, (r.x + r.w // 2, r.centery))
    assert abs(pb.pos - pb.n // 2) <= 1 and state_hash(pb.state) == forward[pb.pos]
    keydown(m, pygame.K_RIGHT, pygame.KMOD_SHIFT)
    assert pb.pos in pb.turn_starts()
    m.draw(screen)
    marks = m.bookmarks()
    k = next(i for i, b in enumerate(marks) if b.kind == "turn" and b.turn == 5)
    m.bm_scroll = max(0, k - 2)
    m.draw(screen)
    click(m, hit(m, f"bm:{k}"))
    assert pb.state.turn == 5 and state_hash(pb.state) == forward[pb.pos]
    m.cam.set_zoom(2)
    keydown(m, pygame.K_EQUALS)  # + zooms, as in the game
    assert m.speed == 3 and m.cam.zoom == 3
    keydown(m, pygame.K_RIGHTBRACKET)  # ] is faster
    assert m.speed == 4
    keydown(m, pygame.K_END)
    m.draw(screen)
    assert pb.at_end and pb.state.result is not None
    assert keydown(m, pygame.K_ESCAPE) == Command("mode", "replays")


def test_eyes_selector_shows_only_what_a_side_spotted(record_path, screen):
    pb = Playback.open(record_path)
    m = ReplayMode(pb, SIZE)
    pb.seek(pb.n // 2)
    m.draw(screen)
    assert m.view.view_of is None
    click(m, hit(m, "view:japanese"))
    m.draw(screen)
    v = m.view
    assert v.view_of == "japanese"
    seen = {u.id for u in v.units.values() if u.side != "japanese" and u.status == "active"}
    assert seen <= set(pb.state.spotted["japanese"])


def test_take_command_starts_a_branch_and_report_opens(record_path, screen):
    app = App(SIZE)
    app.dispatch(Command("replay", record_path))
    m = settle(app, ReplayMode)
    m.pb.seek_turn(3)
    app.draw()
    click(m, hit(m, "take"))
    app.draw()
    click(m, hit(m, "take_ctl:japanese=human"))
    app.draw()
    click(m, hit(m, "take_ctl:soviet=human"))
    app.draw()
    out = click(m, hit(m, "take_start"))
    assert out is not None and out.name == "branch"
    app.dispatch(out)
    s = app.session
    assert s is not None and s.state.turn == 3 and s.controllers == {"soviet": "human", "japanese": "human"}
    assert isinstance(app.mode, (Handoff, GameMode))
    # the report from the viewer, then back to the same viewer
    app.dispatch(Command("replay", record_path))
    m = settle(app, ReplayMode)
    app.dispatch(keydown(m, pygame.K_r))
    rep = settle(app, AARScreen)
    app.draw()
    assert rep.report.series and set(rep.report.losses) == {"soviet", "japanese"}
    app.dispatch(keydown(rep, pygame.K_ESCAPE))
    assert app.mode is m


def test_bad_files_are_messages_on_screen(tmp_path, screen):
    app = App(SIZE)
    (tmp_path / "junk.json").write_text("{not json")
    for p in (tmp_path / "junk.json", tmp_path / "missing.json.gz", tmp_path):
        app.dispatch(Command("replay", p))
        for _ in range(100):
            app.step()
            if app.mode.job.done:
                break
            app.mode.job.wait(5)
        app.step()
        assert isinstance(app.mode, LoadingMode) and app.mode.message
    app.open("replays")
    menu = app.mode
    assert isinstance(menu, ReplayMenu)
    app.draw()
    click(menu, hit(menu, "path_focus"))
    for ch in str(tmp_path / "junk.json"):
        keydown(menu, 0, uni=ch)
    app.dispatch(keydown(menu, pygame.K_RETURN))
    app.step()
    assert isinstance(app.mode, LoadingMode)


def test_hotseat_watch_the_opponents_turn_through_own_fog(skirmish, screen):
    app = App(SIZE)
    s = Session.new(skirmish, 3, {"soviet": "human", "japanese": "human"})
    app.start_game(s)
    agents = {side: RandomAgent(5, side) for side in skirmish.sides}
    for _ in range(3):  # a few seats: each player acts until the other must sit down
        assert isinstance(app.mode, Handoff)
        app.dispatch(Command("ready", app.mode.side))
        side = s.viewer
        while s.to_act() == side:
            app.submit(agents[side].act(observe(s.state, side), side))
    ho = app.mode
    assert isinstance(ho, Handoff) and ho.can_watch
    app.draw()
    me = ho.side
    app.dispatch(click(ho, hit(ho, "watch")))
    m = app.mode
    assert isinstance(m, ReplayMode) and m.locked and m.side == me
    assert "view:soviet" not in [k for _, k in m.hits.items]
    start = m.start
    assert 0 < start < m.pb.n
    m.command("home")
    while True:
        app.draw()
        v = m.view
        assert v.view_of == me
        hidden = {u.id for u in m.pb.state.units.values() if u.side != me and u.id not in m.pb.state.spotted[me]}
        assert not hidden & {u.id for u in v.units.values()}
        assert all(e.seen_by(me) for _, e in m.pb.events(me))
        if m.pb.at_end:
            break
        keydown(m, pygame.K_RIGHT)
    keydown(m, pygame.K_LEFT, pygame.KMOD_SHIFT)
    keydown(m, pygame.K_LEFT, pygame.KMOD_SHIFT)
    assert m.pb.pos >= start  # never before the opponent's turn began
    app.dispatch(keydown(m, pygame.K_ESCAPE))
    assert isinstance(app.mode, GameMode) and s.viewer == me


def test_pbem_send_from_the_game_menu_then_load_and_play_on(skirmish, screen, tmp_path):
    app = App(SIZE)
    s = Session.new(skirmish, 2, {"soviet": "human", "japanese": "human"})
    app.start_game(s)
    app.dispatch(Command("ready", app.mode.side))
    first = s.viewer
    g = app.game
    g.command("menu")
    app.draw()
    app.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=hit(g, "pbem"), button=1))
    dlg = app.mode
    assert isinstance(dlg, PbemDialog)
    nxt = s.to_act()
    assert dlg.name == f"pbem-test_skirmish-turn{s.state.turn + 1:02d}-{nxt}"  # the name offered
    # Esc goes back to the game, nothing written
    app.dispatch(keydown(dlg, pygame.K_ESCAPE))
    assert app.mode is g and not (Path(os.environ["KG_DATA_DIR"]) / "pbem").exists()
    g.command("menu")
    app.draw()
    app.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=hit(g, "pbem"), button=1))
    dlg = app.mode
    # the player names the file; a character no file name may hold is refused, with the reason
    for _ in range(len(dlg.name)):
        keydown(dlg, pygame.K_BACKSPACE)
    for ch in "turn 3/for Kenji":
        keydown(dlg, 0, uni=ch)
    app.draw()
    assert "cannot contain /" in dlg.message
    assert app.dispatch(keydown(dlg, pygame.K_RETURN)) is None and isinstance(app.mode, PbemDialog) and dlg.path is None
    assert "cannot contain /" in dlg.message
    for _ in range(len("/for Kenji")):
        keydown(dlg, pygame.K_BACKSPACE)
    for ch in " for Kenji":
        keydown(dlg, 0, uni=ch)
    assert dlg.message == ""
    app.dispatch(keydown(dlg, pygame.K_RETURN))
    folder = Path(os.environ["KG_DATA_DIR"]) / "pbem"
    assert dlg.path == folder / "turn 3 for Kenji.json.gz" and dlg.path.exists()
    app.draw()  # the full path is on screen, to attach to a mail
    assert "copy" in [k for _, k in dlg.hits.items]
    app.dispatch(click(dlg, hit(dlg, "done")))
    assert isinstance(app.mode, MainMenu) and "send this file" in app.mode.message and str(dlg.path) in app.mode.message
    sent = sorted(folder.glob("*.json.gz"))
    assert sent == [dlg.path]
    # sending again under the same name asks first
    again = PbemDialog(SIZE, "turn 3 for Kenji", folder)
    assert again.command("send") is None and "already exists" in again.message
    assert again.command("send") == Command("pbem_write", "turn 3 for Kenji")
    app.dispatch(Command("load", sent[0]))
    settle(app, (Handoff, GameMode))
    assert app.session is not None and state_hash(app.session.state) == state_hash(s.state)
    assert isinstance(app.mode, (Handoff, GameMode))
    # tampered: refused with a message, the game is not started
    data = sent[0].read_bytes()
    bad = tmp_path / "bad.json.gz"
    bad.write_bytes(data[:-20])
    app.open("load")
    app.dispatch(Command("load", bad))
    app.mode.job.wait(10)
    app.step()
    assert isinstance(app.mode, LoadingMode) and "cut short" in app.mode.message
    assert first in skirmish.sides


def test_game_end_offers_the_report(skirmish, screen):
    app = App(SIZE)
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "passive"})
    while s.to_act() is not None:
        s.apply(EndPhase(s.to_act()))
    app.start_game(s)
    g = app.game
    app.draw()
    app.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=hit(g, "aar"), button=1))
    rep = settle(app, AARScreen)
    app.draw()
    assert rep.report.result is not None
    app.dispatch(keydown(rep, pygame.K_ESCAPE))
    assert app.mode is g


def test_history_playback_is_cached(skirmish, screen):
    pb = history_playback(skirmish)
    again = history_playback(skirmish)
    assert again.n == pb.n and again.path is not None
    m = ReplayMode(again, SIZE)
    m.draw(screen)


def test_replay_command_line_without_a_display_or_with_a_bad_file(record_path, tmp_path, capsys):
    from game.cli import main

    assert main(["replay", str(record_path)]) == 2  # the dummy driver: no window to open
    assert "--verify" in capsys.readouterr().err
    (tmp_path / "x.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert main(["replay", str(tmp_path / "x.png")]) == 1
    err = capsys.readouterr().err
    assert "not a Khalkhin Gol game record" in err and "Traceback" not in err
    assert main(["replay", str(record_path), "--verify"]) == 0


def _watch(s: Session, me: str, start: int, screen) -> list:
    """Everything the hot-seat watch shows, stop by stop: the frame, the last-action line, the
    turn's log, the buttons, the turn bar's handle; and where a click half way along the bar goes."""
    m = ReplayMode(Playback.from_session(s, start), SIZE, side=me, locked=True, start=start, back=Command("ready", me))
    shown = []
    m.command("home")
    while True:
        m.draw(screen)
        shown.append(
            (
                pygame.image.tobytes(screen, "RGB"),
                m.action_text(),
                [e.text for e in m.turn_events()],
                sorted(k for _, k in m.hits.items),
            )
        )
        if m.pb.at_end:
            break
        m.command("step:1")
    for key in ("prev_turn", "home", "next_turn", "end"):
        m.command(key)
        m.draw(screen)
        shown.append((key, pygame.image.tobytes(screen, "RGB")))
    m._slide(m.slider_rect.centerx)
    m.draw(screen)
    shown.append(("slide", pygame.image.tobytes(screen, "RGB"), m.action_text()))
    return shown


def test_hotseat_watch_shows_nothing_of_the_opponents_unseen_actions(skirmish, screen):
    """Two hot-seat games that differ only in what the watching side could not see — air orders
    given and withdrawn, moves of unseen units — give the very same watch, stop for stop: same
    number of steps, same frames (map, turn bar, step counter), same log and last-action line."""
    from game.actions import AssignAir, Move
    from game.engine import legal_actions

    me, opp = skirmish.first_side, skirmish.second_side
    a = Session.new(skirmish, 3, {s: "human" for s in skirmish.sides})
    b = Session.new(skirmish, 3, {s: "human" for s in skirmish.sides})

    def both(action):
        a.apply(action)
        b.apply(action)

    def same_view():
        va, vb = observe(a.state, me), observe(b.state, me)
        assert {u.id: u.hex for u in va.units.values()} == {u.id: u.hex for u in vb.units.values()}
        assert va.spotted == vb.spotted and va.air == vb.air

    # 1. the opponent's air phase: in game b it gives an order and withdraws it
    while not (a.to_act() == opp and a.state.phase.phase == "air"):
        both(EndPhase(a.to_act()))
    start = len(a.actions)
    order = next(x for x in legal_actions(b.state, opp) if isinstance(x, AssignAir))
    b.apply(order)
    b.apply(AssignAir(opp, order.unit, order.mission, order.target, 0))
    b.apply(AssignAir(opp, order.unit, order.mission, order.target, max(1, order.aircraft // 2)))
    b.apply(AssignAir(opp, order.unit, order.mission, order.target, 0))
    both(EndPhase(opp))
    assert a.to_act() == me and len(b.actions) == len(a.actions) + 4
    same_view()
    wa, wb = _watch(a, me, start, screen), _watch(b, me, start, screen)
    assert len(wa) == len(wb) and wa == wb

    # 2. the opponent's supply, movement and combat: in game b two of its unseen units move
    while a.to_act() != opp:
        both(EndPhase(a.to_act()))
    start_a, start_b = len(a.actions), len(b.actions)  # where the opponent took the seat, in each game
    while a.state.phase.phase != "movement":
        both(EndPhase(opp))
    moved = 0
    mine = [u.hex for u in a.state.units.values() if u.side == me and u.active]
    for u in sorted(b.state.units.values(), key=lambda u: u.id):
        if moved == 2 or u.side != opp or not u.active or u.id in b.state.spotted[me]:
            continue
        far = [
            x
            for x in legal_actions(b.state, opp, unit=u.id)
            if isinstance(x, Move) and min(max(abs(x.to[0] - h[0]), abs(x.to[1] - h[1])) for h in mine) > 4
        ]
        if not far:
            continue
        events = b.apply(far[0])
        assert not any(e.seen_by(me) for e in events if e.kind != "phase_end")
        assert u.id not in b.state.spotted[me]
        moved += 1
    assert moved == 2, "no unseen opponent unit could move out of sight"
    while a.to_act() == opp:
        both(EndPhase(opp))
    same_view()
    wa, wb = _watch(a, me, start_a, screen), _watch(b, me, start_b, screen)
    assert len(wa) == len(wb) and wa == wb
    assert any(t[1] != wa[0][1] for t in wa[1:-6])  # and the watch does show something: the phases go by


def test_both_eyes_list_each_combat_once(record_path, screen):
    pb = Playback.open(record_path)
    m = ReplayMode(pb, SIZE, side=None)
    found = False
    for pos in range(1, pb.limit + 1, 3):
        pb.seek(pos)
        evs = m.turn_events()
        kinds = [e.kind for e in evs]
        assert "combat_defended" not in kinds
        fights = [(e.data.get("target"), e.data.get("odds")) for e in evs if e.kind == "combat"]
        assert len(fights) == len(set(fights))
        found = found or bool(fights)
        if pb.action(pos - 1).__class__.__name__ == "Attack":
            assert "unseen" not in m.action_text()  # the attacker's full account, not the defender's
    assert found, "the record has combats to list"
    # through one side's eyes the defender's account is the one shown, once
    m.command("view:japanese")
    m.draw(screen)
    for i in range(pb.limit):
        evs = [e for e in pb.events_of(i) if e.seen_by("japanese") and e.kind in ("combat", "combat_defended")]
        assert len(evs) <= 1


def test_a_small_map_is_fitted_to_the_window_and_a_large_one_is_not(record_path, screen):
    from game.ui.camera import world_size

    m = ReplayMode(Playback.open(record_path), SIZE)
    w, h = world_size(m.pb.scenario.map, m.cam.size)
    assert m.cam.zoom > 2 and w <= m.map_rect.w and h <= m.map_rect.h
    assert abs(-m.cam.x * 2 - (m.map_rect.w - w)) <= 2 and abs(-m.cam.y * 2 - (m.map_rect.h - h)) <= 2  # centred
    from game.scenario.loader import load_scenario
    from game.ui.camera import fit_zoom

    assert fit_zoom(load_scenario("encirclement_20_august").map, *m.map_rect.size) <= 2  # the viewer keeps zoom 2


@pytest.mark.parametrize("eyes", ["soviet", "japanese"])
def test_take_command_puts_the_human_on_the_eyes_side(record_path, screen, eyes):
    m = ReplayMode(Playback.open(record_path), SIZE, side=eyes)
    m.command("take")
    other = "japanese" if eyes == "soviet" else "soviet"
    assert m.take is not None and m.take.controllers == {eyes: "human", other: "ai"}
    m.draw(screen)
    # the dialog lists the Soviet side first, whatever the scenario's order
    assert hit(m, "take_ctl:soviet=human")[1] < hit(m, "take_ctl:japanese=human")[1]


def test_aar_air_chart_tells_no_activity_from_night():
    from game.ui.aar_view import AIR_COLOURS, air_cell_colour

    idle, night = air_cell_colour("none", False), air_cell_colour("none", True)
    assert idle != night and night == AIR_COLOURS["none"]
    assert idle not in (AIR_COLOURS["soviet"], AIR_COLOURS["japanese"], AIR_COLOURS["contested"])


def test_aar_air_legend_names_every_cell_colour(record_path, screen):
    from game.playback import build_playback_report
    from game.ui import aar_view

    rep = build_playback_report(Playback.open(record_path))
    a = AARScreen(rep, SIZE, Command("close"))
    legends = []
    real = a._legend
    a._legend = lambda scr, rect, items: legends.append(items) or real(scr, rect, items)
    a.draw(screen)
    air = next(items for items in legends if any(n == "contested" for n, _ in items))
    cols = {c for _, c in air}
    assert aar_view.AIR_COLOURS["idle"] in cols and aar_view.AIR_COLOURS["none"] in cols
    assert "no air activity" in [n for n, _ in air]


def test_new_game_rows_keep_soviet_first_in_every_scenario(screen):
    from game.scenario.loader import load_scenario
    from game.ui.menus import NewGameMenu

    scens = [(sid, load_scenario(sid)) for sid in ("crossing_3_july", "encirclement_20_august")]
    assert {tuple(sc.sides) for _, sc in scens} == {("japanese", "soviet"), ("soviet", "japanese")}
    m = NewGameMenu(SIZE, scens)
    where = {}
    for sid, _ in scens:
        m.command(f"scen:{sid}")
        m.draw(screen)
        s_y, j_y = hit(m, "ctl:soviet:human")[1], hit(m, "ctl:japanese:human")[1]
        assert s_y < j_y
        where[sid] = (s_y, j_y)


def test_load_list_marks_differ_in_colour_and_shape():
    from game.ui.menus import game_marks

    gids = ["aaaa1", "bbbb2", "aaaa1", "cccc3", "dddd4", "eeee5", "ffff6"]
    marks = game_marks(gids)
    assert len(marks) == 6
    assert len({c for c, _ in marks.values()}) == 6 and len({g for _, g in marks.values()}) == 6
    assert game_marks(gids) == marks  # steady for the same list


def test_rules_page_names_sources_for_a_player():
    from game.ui.menus import RulesScreen

    r = RulesScreen(SIZE)
    text = " ".join(t for segs, *_ in r._layout(1000) for _, t in segs)
    assert "../" not in text and "shared/" not in text and ".md" not in text
    assert "design notes: models" in text


def test_aar_of_a_changed_record_says_so(skirmish, tmp_path, screen, monkeypatch):
    import json

    from game.playback import build_playback_report
    from game.ui import widgets

    p = tmp_path / "changed.json"
    write_record(play_game(skirmish, 8, {"soviet": "random", "japanese": "random"}), p)
    data = json.loads(p.read_text())
    data["turn_hashes"][1]["hash"] = "0" * 64  # the file no longer matches its own game
    data["snapshots"] = []
    p.write_text(json.dumps(data))
    rep = build_playback_report(Playback.open(p))
    assert rep.warning and "diverges" in rep.warning
    shown = []
    real = widgets.paragraph
    monkeypatch.setattr("game.ui.aar_view.paragraph", lambda scr, text, *a, **k: shown.append(text) or real(scr, text, *a, **k))
    AARScreen(rep, SIZE, Command("close")).draw(screen)
    assert any(t.startswith("Warning: the record diverges") for t in shown)


def test_replay_log_speaks_like_the_game_log(record_path, screen):
    import re

    m = ReplayMode(Playback.open(record_path), SIZE, side=None)
    z = m.pb.scenario.air_zones[0]
    assert m._words(f"fighters over {z.id}; spotted at (7, 5)") == f"fighters over {z.name}; spotted at hex 7,5"
    texts = []
    for _ in range(60):  # through the game, collecting every turn's log as the viewer words it
        m.command("step:1")
        texts += [m._words(e.text) for e in m.turn_events()]
    m.draw(screen)
    assert texts and not any(re.search(r"\(\d+, \d+\)", t) for t in texts)
