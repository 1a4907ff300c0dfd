"""Save format 2: gzip by magic bytes, snapshots checked against the turn hashes, version and
scenario mismatches as messages, the autosave ring, save-quit-load-continue and play by e-mail."""

from __future__ import annotations

import gzip
import json

import pytest

from game.actions import EndPhase
from game.ai.agents import RandomAgent
from game.engine import observe, state_hash
from game.replay import RECORD_VERSION, read_record, verify_record, write_record
from game.session import AUTOSAVE_RING, SaveError, Session, autosave_game, list_saves, saves_dir
from game.simulate import play_game


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_DATA_DIR", str(tmp_path / "kgdata"))
    return tmp_path / "kgdata"


@pytest.fixture(scope="module")
def record(skirmish):
    return play_game(skirmish, 3, {"soviet": "random", "japanese": "random"})


def _play(s: Session, agents: dict, n: int | None = None) -> None:
    k = 0
    while s.to_act() is not None and (n is None or k < n):
        side = s.to_act()
        s.apply(agents[side].act(observe(s.state, side), side))
        k += 1


def test_gzip_record_verifies_and_damage_is_named(record, tmp_path):
    p = tmp_path / "game.json.gz"
    write_record(record, p)
    assert p.read_bytes()[:2] == b"\x1f\x8b"
    data = read_record(p)
    assert data["version"] == RECORD_VERSION and data["snapshots"]
    assert verify_record(p).ok
    # the same bytes under a .json name are still read (magic bytes, not the suffix)
    other = tmp_path / "renamed.json"
    other.write_bytes(p.read_bytes())
    assert verify_record(other).ok
    # a cut-short gzip, and a flipped action inside a gzip
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2])
    res = verify_record(cut)
    assert not res.ok and "cut short" in res.message
    idx = next(i for i, a in enumerate(data["actions"]) if a["kind"] == "move")
    bad = json.loads(json.dumps(data))
    q, r = bad["actions"][idx]["to"]
    bad["actions"][idx]["to"] = [q, r + 1]
    turn = next(t["turn"] for t in data["turn_hashes"] if t["action"] > idx) + 1
    (tmp_path / "bad.json.gz").write_bytes(gzip.compress(json.dumps(bad).encode()))
    res = verify_record(tmp_path / "bad.json.gz")
    assert not res.ok and f"turn {turn}" in res.message


def test_a_changed_snapshot_is_caught(record, tmp_path):
    p = tmp_path / "game.json"
    write_record(record, p)
    data = read_record(p)
    data["snapshots"][0]["state"]["seed"] = 999
    p.write_text(json.dumps(data))
    res = verify_record(p)
    assert not res.ok and "snapshot" in res.message


def test_version_1_records_still_read(record, tmp_path):
    data = read_record_v1(record)
    p = tmp_path / "old.json"
    p.write_text(json.dumps(data))
    assert verify_record(p).ok
    assert state_hash(Session.load(p).state) == record.final_hash


def read_record_v1(record) -> dict:
    from game.replay import record_to_dict

    d = record_to_dict(record, snapshots=False)
    d["version"] = 1
    for k in ("snapshots", "engine", "kind"):
        d.pop(k)
    return d


def test_newer_format_and_changed_scenario_are_messages(skirmish, tmp_path, data_dir):
    s = Session.new(skirmish, 2, {"soviet": "human", "japanese": "human"})
    _play(s, {side: RandomAgent(1, side) for side in skirmish.sides}, 30)
    good = s.save()
    keep = good.read_bytes()
    newer = read_record(good)
    newer["version"] = RECORD_VERSION + 1
    newer["engine"] = "9.9"
    (tmp_path / "newer.json").write_text(json.dumps(newer))
    with pytest.raises(SaveError, match="newer version of the game"):
        Session.load(tmp_path / "newer.json")
    changed = read_record(good)
    changed["scenario_sha256"] = "0" * 64
    (tmp_path / "changed.json").write_text(json.dumps(changed))
    with pytest.raises(SaveError, match="another version of scenario 'test_skirmish'"):
        Session.load(tmp_path / "changed.json")
    for junk in (b"\x89PNG\r\n\x1a\n....", b"\x1f\x8b\x08\x00garbage", b""):
        (tmp_path / "junk.json").write_bytes(junk)
        with pytest.raises(SaveError):
            Session.load(tmp_path / "junk.json")
    with pytest.raises(SaveError, match="folder"):
        Session.load(tmp_path)
    assert good.read_bytes() == keep and Session.load(good).actions == s.actions


def test_save_quit_load_continue_gives_the_same_final_hash(skirmish, tmp_path):
    agents = {side: RandomAgent(7, side) for side in skirmish.sides}
    straight = Session.new(skirmish, 5, {"soviet": "human", "japanese": "human"})
    _play(straight, agents)
    agents = {side: RandomAgent(7, side) for side in skirmish.sides}
    first = Session.new(skirmish, 5, {"soviet": "human", "japanese": "human"})
    _play(first, agents, 70)
    path = first.save(tmp_path / "half.json.gz")
    back = Session.load(path)
    assert state_hash(back.state) == state_hash(first.state)
    _play(back, agents)
    assert back.state.result is not None
    assert state_hash(back.state) == state_hash(straight.state)
    assert verify_record(back.save(tmp_path / "done.json.gz")).ok


def test_autosave_ring_keeps_the_last_ten_turns(skirmish, data_dir):
    s = Session.new(skirmish, 1, {"soviet": "human", "japanese": "human"})
    while s.to_act() is not None:
        s.apply(EndPhase(s.to_act()))
    s.autosave()  # leaving in the same turn replaces that turn's autosave
    ring = sorted(p.name for p in saves_dir().glob("autosave-*"))
    turns = skirmish.turns
    assert len(ring) == min(AUTOSAVE_RING, turns - 1)  # turns 2..8: one file a turn reached
    assert len({n.rsplit("-turn", 1)[1] for n in ring}) == len(ring)
    assert all(autosave_game(n) == s.game_id for n in ring)
    s2 = Session.new(skirmish, 2, {"soviet": "human", "japanese": "human"})
    while s2.to_act() is not None:
        s2.apply(EndPhase(s2.to_act()))
    # the second game has its own ring: the first game's autosaves are all still there
    assert sorted(p.name for p in saves_dir().glob(f"autosave-*-g{s.game_id}.json.gz")) == ring
    assert len(list(saves_dir().glob(f"autosave-*-g{s2.game_id}.json.gz"))) == len(ring)
    newest = list_saves()[0][0]
    assert Session.load(newest).seed == 2


def _end_turn(s: Session) -> None:
    turn = s.state.turn
    while s.to_act() is not None and s.state.turn == turn:
        s.apply(EndPhase(s.to_act()))


def test_each_game_has_its_own_autosave_ring_and_manual_saves_stay(skirmish, data_dir, monkeypatch):
    import game.session as session_mod

    monkeypatch.setattr(session_mod, "AUTOSAVE_RING", 3)
    monkeypatch.setattr(session_mod, "AUTOSAVE_GAMES", 3)
    folder = saves_dir()
    first = Session.new(skirmish, 1, {"soviet": "human", "japanese": "human"})
    manual = first.save()  # F5: named for the scenario and the time, never an autosave
    legacy = folder / "autosave-20200101-000000-000000-test_skirmish-turn02.json.gz"  # an older version's
    legacy.write_bytes(manual.read_bytes())
    mail = first.export_turn()
    for _ in range(5):
        _end_turn(first)
    mine = sorted(folder.glob(f"autosave-*-g{first.game_id}.json.gz"))
    assert [p.name.rsplit("-turn", 1)[1][:2] for p in mine] == ["04", "05", "06"]  # this game's last three turns
    # the game id survives a save and a load: playing on fills the same ring
    back = Session.load(mine[-1])
    assert back.game_id == first.game_id and back.started == first.started
    _end_turn(back)
    mine = sorted(folder.glob(f"autosave-*-g{first.game_id}.json.gz"))
    assert len(mine) == 3 and mine[-1].name.rsplit("-turn", 1)[1][:2] == "07"
    # a second game never takes the first one's autosaves
    second = Session.new(skirmish, 2, {"soviet": "human", "japanese": "human"})
    for _ in range(4):
        _end_turn(second)
    assert sorted(folder.glob(f"autosave-*-g{first.game_id}.json.gz")) == mine
    assert len(list(folder.glob(f"autosave-*-g{second.game_id}.json.gz"))) == 3
    # 'take command' from a replay is a new game, with its own ring
    from game.playback import Playback

    pb = Playback.open(mine[0])
    pb.seek(pb.n // 2)
    branch = pb.take_command({"soviet": "human", "japanese": "human"})
    assert branch.game_id not in (first.game_id, second.game_id)
    _end_turn(branch)
    assert len(list(folder.glob(f"autosave-*-g{branch.game_id}.json.gz"))) == 1
    # more games than AUTOSAVE_GAMES: the game saved longest ago loses its ring, nothing else goes
    fourth = Session.new(skirmish, 4, {"soviet": "human", "japanese": "human"})
    _end_turn(fourth)
    assert not list(folder.glob(f"autosave-*-g{first.game_id}.json.gz"))
    for g in (second, branch, fourth):
        assert list(folder.glob(f"autosave-*-g{g.game_id}.json.gz"))
    assert manual.exists() and legacy.exists() and mail.exists()
    # the load list says which game each file belongs to, newest first
    from game.session import save_info

    info = save_info(sorted(folder.glob(f"autosave-*-g{fourth.game_id}.json.gz"))[-1])
    assert info["game_id"] == fourth.game_id and info["kind"] == "autosave" and info["started"] == fourth.started
    listed = list_saves()
    assert listed[0][1]["game_id"] == fourth.game_id
    assert {i.get("game_id") for _, i in listed} >= {second.game_id, branch.game_id, fourth.game_id, first.game_id}


def test_play_by_email_round_trip_and_tamper_refusal(skirmish, tmp_path):
    s = Session.new(skirmish, 4, {"soviet": "human", "japanese": "human"})
    first = s.to_act()
    s.viewer = first
    while s.to_act() == first:
        s.apply(EndPhase(first))
    path = s.export_turn()
    assert path.name.startswith(f"pbem-test_skirmish-turn01-{first}-to-") and path.exists()
    other = Session.load(path)
    assert other.pbem and other.to_act() != first and other.needs_handoff()
    assert state_hash(other.state) == state_hash(s.state)
    nxt = other.to_act()
    other.viewer = nxt
    while other.to_act() == nxt:
        other.apply(EndPhase(nxt))
    back = Session.load(other.export_turn(tmp_path))
    assert back.to_act() == first and len(back.actions) == len(other.actions)
    # a longer game: change one recorded move and the file is refused, naming the turn
    _play(back, {side: RandomAgent(3, side) for side in skirmish.sides}, 60)
    sent = back.export_turn(tmp_path / "sent.json.gz")
    data = read_record(sent)
    idx = next(i for i, a in enumerate(data["actions"]) if a["kind"] == "move")
    q, r = data["actions"][idx]["to"]
    data["actions"][idx]["to"] = [q + 1, r]
    tampered = tmp_path / "tampered.json.gz"
    tampered.write_bytes(gzip.compress(json.dumps(data).encode()))
    with pytest.raises(SaveError, match="diverges at turn"):
        Session.load(tampered)
