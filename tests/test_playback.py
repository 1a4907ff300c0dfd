"""Playback: seeking and stepping back give the same states as playing forward, bookmarks at
every turn and timeline event, a broken record stops with a message, and 'take command from
here' continues as a legal game whose save verifies."""

from __future__ import annotations

import json
import random

import pytest

from game import actions as act
from game.engine import apply, legal_actions, new_game, observe, state_hash
from game.playback import Playback, PlaybackError
from game.replay import read_record, verify_record, write_record
from game.simulate import play_game


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_DATA_DIR", str(tmp_path / "kgdata"))


@pytest.fixture(scope="module")
def recorded(skirmish, tmp_path_factory):
    rec = play_game(skirmish, 6, {"soviet": "random", "japanese": "random"})
    p = tmp_path_factory.mktemp("rec") / "game.json.gz"
    write_record(rec, p)
    hashes = []
    st = new_game(skirmish, 6)
    hashes.append(state_hash(st))
    for raw in rec.actions:
        st, _ = apply(st, act.from_dict(raw))
        hashes.append(state_hash(st))
    return p, hashes


def test_seek_and_step_back_match_playing_forward(recorded):
    p, hashes = recorded
    pb = Playback.open(p)
    assert pb.n == len(hashes) - 1 and pb.problem is None
    rng = random.Random(4)
    for pos in rng.sample(range(pb.n + 1), 25) + [pb.n, 0, pb.n // 2]:
        assert state_hash(pb.seek(pos)) == hashes[pos]
    pb.seek(pb.n)
    for pos in range(pb.n - 1, pb.n - 30, -1):
        assert state_hash(pb.step(-1)) == hashes[pos]
    pb.seek_turn(3)
    assert pb.state.turn == 3 and state_hash(pb.state) == hashes[pb.pos]
    pb.next_turn()
    assert pb.state.turn == 4
    pb.prev_turn()
    assert pb.state.turn == 3 and pb.pos == pb.turn_pos(3)
    pb.step(2)
    pb.prev_turn()  # mid-turn: back to this turn's start
    assert pb.pos == pb.turn_pos(3)


def test_bookmarks_cover_every_turn_and_the_timeline(recorded, skirmish):
    pb = Playback.open(recorded[0])
    marks = pb.bookmarks()
    turns = [b for b in marks if b.kind == "turn"]
    assert [b.turn for b in turns] == list(range(skirmish.turns))
    tl = [b for b in marks if b.kind == "timeline"]
    assert len(tl) == len([t for t in skirmish.timeline if t.turn < skirmish.turns])
    for b in tl:
        assert pb.seek(b.pos).turn == b.turn and b.source
    assert marks[-1].kind == "end" and marks[-1].pos == pb.n


def test_a_tampered_record_plays_up_to_the_damage(recorded, tmp_path):
    data = read_record(recorded[0])
    idx = next(i for i, a in enumerate(data["actions"]) if a["kind"] == "move" and i > 40)
    q, r = data["actions"][idx]["to"]
    data["actions"][idx]["to"] = [q, r + 1]
    data["snapshots"] = []
    (tmp_path / "bad.json").write_text(json.dumps(data))
    pb = Playback.open(tmp_path / "bad.json")
    pb.prepare()
    assert pb.problem and "diverges at turn" in pb.problem
    assert pb.limit <= next(t["action"] for t in data["turn_hashes"] if t["action"] > idx)
    assert pb.seek(pb.n).result is None and pb.pos == pb.limit
    with pytest.raises(PlaybackError):
        Playback.open(tmp_path / "missing.json")


def test_fog_views_show_only_spotted_enemies(recorded):
    pb = Playback.open(recorded[0])
    for pos in range(0, pb.n, 7):
        pb.seek(pos)
        for side in pb.scenario.sides:
            v = pb.view(side)
            enemy = {u.id for u in v.units.values() if u.side != side and u.status == "active"}
            assert enemy <= set(pb.state.spotted[side])


def test_take_command_continues_legally_and_verifies(recorded, tmp_path):
    pb = Playback.open(recorded[0])
    pb.seek_turn(4)
    pb.step(3)
    ses = pb.take_command({"soviet": "random", "japanese": "random"})
    assert state_hash(ses.state) == state_hash(pb.state) and len(ses.actions) == pb.pos
    steps = 0
    while ses.to_act() is not None and steps < 400:
        side = ses.to_act()
        a = ses.agent(side).act(observe(ses.state, side), side)
        assert a in legal_actions(ses.state, side) or a.__class__.__name__ == "Attack"
        ses.apply(a)
        steps += 1
    out = ses.save(tmp_path / "branch.json.gz")
    assert verify_record(out).ok
    pb.seek(pb.n)
    with pytest.raises(PlaybackError):
        pb.take_command({"soviet": "human", "japanese": "human"})


def test_timeline_bookmarks_name_their_hour_within_a_long_turn():
    """A 12-hour turn holds several documented events: each bookmark names its hour (and its
    day when that is not the turn's) and knows where in the turn's span it falls."""
    from game.playback import _hour_in_turn
    from game.scenario.loader import load_scenario

    scen = load_scenario("encirclement_20_august")
    pb = Playback(scen, 0, [])
    tl = {b.title: b for b in pb.bookmarks() if b.kind == "timeline"}
    start = scen.turn_starts[0]
    assert scen.turn_hours[0] == 12
    for ev in scen.timeline:
        if ev.turn != 0:
            continue
        b = tl[ev.title]
        assert b.pos == pb.turn_pos(0) and 0.0 <= b.frac <= 1.0
        assert b.when.endswith(ev.at[11:16])
        assert (ev.at[:10] == f"{start:%Y-%m-%d}") == (len(b.when) == 5)  # the day only when another day
    assert tl["The assault"].when == "08:45" and tl["The assault"].frac == pytest.approx(3 / 12)
    assert tl["Rain"].when == "17 Aug 06:00" and tl["Rain"].frac == 0.0  # before the game: at its start
    assert _hour_in_turn("1939-08-20T17:45", start, 12.0) == ("17:45", 1.0)
    assert _hour_in_turn("not a time", start, 12.0) == ("", 0.0)
