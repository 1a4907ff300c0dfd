"""The match a person plays: undo only when nothing was revealed, saves that replay exactly,
autosave every turn, the hot-seat hand-off and the fog-filtered log."""

from __future__ import annotations

import json

import pytest

from game.actions import EndPhase, Move
from game.ai.agents import RandomAgent
from game.engine import legal_actions, observe, state_hash
from game.events import Event
from game.session import SaveError, Session, agent_for, list_saves


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_DATA_DIR", str(tmp_path / "kgdata"))
    return tmp_path / "kgdata"


def _to_phase(s: Session, side: str, phase: str) -> None:
    while not (s.to_act() == side and s.state.phase.phase == phase):
        s.apply(EndPhase(s.to_act()))


def test_undo_a_quiet_move_and_not_after_an_end_phase(skirmish):
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "human"})
    _to_phase(s, "soviet", "movement")
    before, n = state_hash(s.state), len(s.actions)
    undone = False
    for a in legal_actions(observe(s.state, "soviet"), "soviet"):
        if not isinstance(a, Move):
            continue
        s.apply(a)
        if s.can_undo("soviet"):
            assert not s.can_undo("japanese")
            assert s.undo("soviet")
            assert state_hash(s.state) == before and len(s.actions) == n
            undone = True
            break
        before, n = state_hash(s.state), len(s.actions)
    assert undone, "no quiet move found to undo"
    s.apply(EndPhase("soviet"))
    assert not s.can_undo("soviet") and not s.undo("soviet")


def test_save_and_load_replay_to_the_same_state(skirmish, tmp_path):
    s = Session.new(skirmish, 4, {"soviet": "human", "japanese": "random"})
    agents = {side: RandomAgent(2, side) for side in skirmish.sides}
    for _ in range(60):
        side = s.to_act()
        if side is None:
            break
        s.apply(agents[side].act(observe(s.state, side), side))
    path = s.save(tmp_path / "game.json")
    back = Session.load(path)
    assert state_hash(back.state) == state_hash(s.state)
    assert back.controllers == s.controllers and back.actions == s.actions
    assert json.loads(path.read_text())["format"] == "khalkhin-gol-record"


def test_autosave_every_turn(skirmish, data_dir):
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "human"})
    turn = s.state.turn
    while s.state.turn == turn:
        s.apply(EndPhase(s.to_act()))
    saves = list_saves()
    assert (
        saves and saves[0][0].name.startswith("autosave-") and f"-test_skirmish-turn02-g{s.game_id}.json.gz" in saves[0][0].name
    )
    assert Session.load(saves[0][0]).state.turn == s.state.turn


@pytest.mark.parametrize("content", ["", "{not json", '{"format": "khalkhin-gol-record", "version": 1}', "[1, 2]"])
def test_a_damaged_save_is_a_message_not_a_traceback(tmp_path, content):
    p = tmp_path / "bad.json"
    p.write_text(content)
    with pytest.raises(SaveError):
        Session.load(p)


def test_a_save_with_an_illegal_action_is_refused(skirmish, tmp_path):
    s = Session.new(skirmish, 1)
    data = s.to_record()
    data["actions"] = [{"kind": "move", "side": "soviet", "unit": "nobody", "to": [0, 0]}]
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(data))
    with pytest.raises(SaveError, match="action 1"):
        Session.load(p)


def test_hotseat_handoff_and_fogged_log(skirmish):
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "human"})
    first = s.to_act()
    assert s.hotseat and s.needs_handoff()
    s.viewer = first
    assert not s.needs_handoff()
    while s.to_act() == first:
        s.apply(EndPhase(first))
    assert s.needs_handoff()  # the other human must take the seat first
    s.log.append(Event("secret", "only soviet", visible_to="soviet"))
    assert any(e.kind == "secret" for e in s.log_for("soviet"))
    assert not any(e.kind == "secret" for e in s.log_for("japanese"))


def test_solo_never_hands_off_and_ai_falls_back(skirmish):
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "ai"})
    assert not s.needs_handoff() and s.view_side() == "soviet"
    agent = agent_for("ai", 1, "japanese")
    v = observe(s.state, "japanese")
    if "japanese" in s.state.scenario.sides and s.to_act() == "japanese":
        assert agent.act(v, "japanese") is not None


@pytest.mark.parametrize(
    "name, words",
    [
        ("pbem-crossing_3_july-turn07-japanese", None),
        ("Ход 7 для Кэндзи (final)", None),  # any alphabet, spaces and brackets
        ("", "Type a name"),
        ("   ", "Type a name"),
        ("turn/7", "cannot contain /"),
        ("a:b*c?", "cannot contain * : ?"),
        ('say "hi"', 'cannot contain "'),
        ("tab\there", "cannot contain"),
        (".hidden", "start or end with a dot"),
        ("CON", "reserved name"),
        ("x" * 101, "at most 100"),
    ],
)
def test_pbem_file_names_are_checked_with_a_reason(name, words):
    from game.session import file_name_problem

    why = file_name_problem(name)
    if words is None:
        assert why is None
    else:
        assert why is not None and words in why


def test_pbem_export_under_the_players_name(skirmish, data_dir):
    from game.session import pbem_dir

    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "human"})
    nxt = s.to_act()
    assert s.pbem_default_name() == f"pbem-test_skirmish-turn01-{nxt}"
    p = s.export_turn(name="for Kenji, turn 1")
    assert p == pbem_dir() / "for Kenji, turn 1.json.gz" and p.is_file()
    back = Session.load(p)
    assert state_hash(back.state) == state_hash(s.state)
    assert back.save_path is None and back.save() != p  # F5 on the loaded turn never writes over the mailed file
    with pytest.raises(ValueError, match="cannot contain /"):
        s.export_turn(name="../escape")
    assert not (data_dir / "escape.json.gz").exists()


def test_the_load_list_names_each_files_game(skirmish, data_dir):
    from game.ui.menus import game_colour, save_row

    a = Session.new(skirmish, 1, {"soviet": "human", "japanese": "ai"})
    b = Session.new(skirmish, 2, {"soviet": "human", "japanese": "human"})
    pa = a.autosave()
    pb = b.save()
    rows = {p: save_row(p, info) for p, info in list_saves()}
    assert rows[pa].startswith("Autosave ") and f"turn 1 · game {a.game_id[:6]} · " in rows[pa] and "game started" in rows[pa]
    assert pb.name in rows[pb]
    assert rows[pb].startswith("Saved ") and f"game {b.game_id[:6]}" in rows[pb]
    assert "japanese: ai vs soviet: human" in rows[pa]
    assert game_colour(a.game_id) == game_colour(a.game_id) != game_colour(b.game_id)


def test_loading_and_leaving_without_a_move_writes_no_duplicate_autosave(skirmish, data_dir):
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "human"})
    turn = s.state.turn
    while s.state.turn == turn:
        s.apply(EndPhase(s.to_act()))
    assert s.autosave() is None  # the turn's autosave already holds this very game
    files = sorted(p.name for p, _ in list_saves())
    for p in (list_saves()[0][0], s.save()):
        back = Session.load(p)
        assert back.autosave() is None  # leaving at once: nothing new to keep
        assert sorted(q.name for q, _ in list_saves()) == sorted({*files, s.save_path.name})
    back.apply(EndPhase(back.to_act()))  # a move after loading: that is worth an autosave
    assert back.autosave() is not None
