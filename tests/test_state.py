"""Game state: canonical serialisation, loading back, hashing and deep copies."""

from __future__ import annotations

import copy
import json

import pytest

from game import engine
from game.actions import EndPhase
from game.rng import Rng
from game.scenario.loader import load_scenario
from game.state import COUNTS, LOSS_KINDS, STATE_FORMAT, State, StateFormatError, canonical_json, state_hash


@pytest.fixture(scope="module")
def scen():
    return load_scenario("test_skirmish")


@pytest.fixture()
def game(scen):
    return engine.new_game(scen, seed=7)


def _to_movement(state: State) -> State:
    while state.phase.phase != "movement":
        state, _ = engine.apply(state, EndPhase(engine.current_actors(state)[0]))
    return state


def test_new_game_basics(game, scen):
    assert game.turn == 0 and game.step == 0
    assert game.phase.phase == "air"
    assert list(game.units) == sorted(u.id for u in scen.units)
    assert game.units["jp_inf_3"].status == "pending" and game.units["jp_inf_3"].hex is None
    assert game.units["su_tank_1"].status == "active"
    assert game.rng == Rng.from_seed("test_skirmish:default:7")


def test_to_dict_is_plain_json(game, scen):
    d = game.to_dict()
    assert d["format"] == STATE_FORMAT
    assert d["scenario"] == "test_skirmish"
    assert d["scenario_sha256"] == scen.sha256
    assert d["rng"] == f"{game.rng.state:016x}"
    assert [u["id"] for u in d["units"]] == list(game.units)
    assert json.loads(canonical_json(d)) == d


@pytest.mark.parametrize("advance", [False, True])
def test_round_trip_equal_and_same_hash(game, scen, advance):
    s = _to_movement(game) if advance else game
    d = s.to_dict()
    back = State.from_dict(d, scen)
    assert back == s
    assert back.scenario is scen
    assert state_hash(back) == state_hash(s)
    assert back.to_dict() == d
    # and through a JSON file, as saves are written
    back2 = State.from_dict(json.loads(json.dumps(d)), scen)
    assert back2 == s
    assert state_hash(back2) == state_hash(s)


def test_round_trip_after_moves(game, scen):
    s = _to_movement(game)
    side = engine.current_actors(s)[0]
    moves = [a for a in engine.legal_actions(s, side) if a.kind == "move"]
    s, _ = engine.apply(s, moves[len(moves) // 2])
    back = State.from_dict(s.to_dict(), scen)
    assert back == s
    assert state_hash(back) == state_hash(s)
    # the restored game plays on identically
    a1, _ = engine.apply(s, EndPhase(side))
    a2, _ = engine.apply(back, EndPhase(side))
    assert state_hash(a1) == state_hash(a2)


def test_from_dict_without_scenario_loads_it_by_id(game, scen):
    back = State.from_dict(game.to_dict())
    assert back.scenario.id == "test_skirmish"
    assert back.scenario.sha256 == scen.sha256
    assert back == game
    assert state_hash(back) == state_hash(game)


def test_wrong_scenario_sha_says_another_version(game, scen):
    d = game.to_dict()
    d["scenario_sha256"] = "0" * 64
    with pytest.raises(StateFormatError, match="another version of scenario 'test_skirmish'"):
        State.from_dict(d, scen)
    with pytest.raises(StateFormatError, match="another version"):
        State.from_dict(d)


@pytest.mark.parametrize("fmt", [None, 0, 2, "1"])
def test_wrong_format_number(game, scen, fmt):
    d = game.to_dict()
    if fmt is None:
        del d["format"]
    else:
        d["format"] = fmt
    with pytest.raises(StateFormatError, match="state format"):
        State.from_dict(d, scen)


@pytest.mark.parametrize("bad", [None, [], "state", 42])
def test_not_a_mapping(scen, bad):
    with pytest.raises(StateFormatError):
        State.from_dict(bad, scen)  # type: ignore[arg-type]


TOP_KEYS = [
    "scenario_sha256",
    "variant",
    "seed",
    "turn",
    "step",
    "done",
    "units",
    "rng",
    "spotted",
    "control",
    "destroyed",
    "losses",
    "result",
]


@pytest.mark.parametrize("key", TOP_KEYS)
def test_missing_top_level_key(game, scen, key):
    d = game.to_dict()
    del d[key]
    with pytest.raises(StateFormatError) as e:
        State.from_dict(d, scen)
    assert not isinstance(e.value, KeyError)
    if key != "scenario_sha256":
        assert "damaged or incomplete" in str(e.value)
        assert key in str(e.value)


@pytest.mark.parametrize(
    "key",
    [
        "id",
        "side",
        "type",
        "hex",
        "status",
        "arrives",
        "men",
        "tanks",
        "armored_cars",
        "guns",
        "quality",
        "cohesion",
        "supply",
        "mp",
        "lost",
    ],
)
def test_missing_unit_key(game, scen, key):
    d = game.to_dict()
    del d["units"][0][key]
    with pytest.raises(StateFormatError, match="damaged or incomplete"):
        State.from_dict(d, scen)


def _set(path, value):
    def f(d):
        target = d
        for p in path[:-1]:
            target = target[p]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return f


WRONG_TYPES = {
    "seed_text": _set(["seed"], "seven"),
    "turn_none": _set(["turn"], None),
    "step_list": _set(["step"], [1]),
    "rng_int": _set(["rng"], 12345),
    "rng_not_hex": _set(["rng"], "xyz"),
    "units_not_list_of_dicts": _set(["units"], [1, 2]),
    "units_none": _set(["units"], None),
    "unit_hex_short": _set(["units", 0, "hex"], [3]),
    "unit_hex_number": _set(["units", 0, "hex"], 5),
    "unit_men_text": _set(["units", 0, "men"], "many"),
    "unit_quality_none": _set(["units", 0, "quality"], None),
    "unit_lost_list": _set(["units", 0, "lost"], [0, 0, 0, 0]),
    "unit_lost_missing_kind": _set(["units", 0, "lost", "tanks"], KeyError),
    "spotted_list": _set(["spotted"], ["soviet"]),
    "spotted_value_int": _set(["spotted", "soviet"], 3),
    "control_number": _set(["control"], 3),
    "destroyed_none": _set(["destroyed"], None),
    "losses_list": _set(["losses"], []),
    "losses_missing_kind": _set(["losses", "soviet", "aircraft"], KeyError),
    "losses_value_text": _set(["losses", "soviet", "men"], "x"),
}


@pytest.mark.parametrize("name", sorted(WRONG_TYPES))
def test_damaged_dict_raises_state_format_error(game, scen, name):
    d = copy.deepcopy(game.to_dict())
    WRONG_TYPES[name](d)
    with pytest.raises(StateFormatError, match="damaged or incomplete") as e:
        State.from_dict(d, scen)
    assert isinstance(e.value, ValueError) and not isinstance(e.value, (KeyError, TypeError))


def test_unknown_scenario_id_raises_state_format_error(game):
    d = game.to_dict()
    d["scenario"] = "no_such_scenario"
    with pytest.raises(StateFormatError, match="no_such_scenario"):
        State.from_dict(d)


BAD_VALUES = {
    "turn_out_of_range": _set(["turn"], 99),
    "step_out_of_range": _set(["step"], 99),
    "done_is_text": _set(["done"], "soviet"),
    "units_is_mapping": _set(["units"], {}),
    "unit_type_unknown": _set(["units", 0, "type"], "no_such_type"),
    "unit_status_unknown": _set(["units", 0, "status"], "asleep"),
    "turn_negative": _set(["turn"], -1),
    "unit_hex_off_map": _set(["units", 0, "hex"], [500, 500]),
    "unit_id_unknown": _set(["units", 0, "id"], "no_such_unit"),
}


@pytest.mark.parametrize("name", sorted(BAD_VALUES))
def test_damaged_values_rejected_at_load(game, scen, name):
    # values that int()/list() would happily coerce but the engine would trip over later
    d = copy.deepcopy(game.to_dict())
    BAD_VALUES[name](d)
    with pytest.raises(StateFormatError, match="damaged or incomplete"):
        State.from_dict(d, scen)


# --- hashing -------------------------------------------------------------------------------


def test_state_hash_is_sha256_of_canonical_json(game):
    import hashlib

    h = state_hash(game)
    assert len(h) == 64 and int(h, 16) >= 0
    assert h == hashlib.sha256(canonical_json(game.to_dict()).encode("ascii")).hexdigest()
    assert state_hash(game) == h  # stable


def test_state_hash_same_for_same_seed_differs_for_other_seed(scen):
    assert state_hash(engine.new_game(scen, seed=7)) == state_hash(engine.new_game(scen, seed=7))
    assert state_hash(engine.new_game(scen, seed=7)) != state_hash(engine.new_game(scen, seed=8))


def test_state_hash_changes_with_one_man(game):
    before = state_hash(game)
    s = game.copy()
    s.units["su_rifle"].men += 1
    assert state_hash(s) != before
    s.units["su_rifle"].men -= 1
    assert state_hash(s) == before


def test_state_hash_changes_with_rng_state(game):
    before = state_hash(game)
    s = game.copy()
    s.rng.next_u64()
    assert s != game
    assert state_hash(s) != before
    s2 = game.copy()
    s2.rng = Rng(game.rng.state + 1)
    assert state_hash(s2) != before


def test_state_hash_ignores_dict_order_of_spotted_and_control(game):
    s = game.copy()
    s.spotted = dict(reversed(list(s.spotted.items())))
    s.control = dict(reversed(list(s.control.items())))
    assert state_hash(s) == state_hash(game)


# --- copy ---------------------------------------------------------------------------------


def test_copy_equal_but_deep(game):
    c = game.copy()
    assert c == game
    assert c.scenario is game.scenario  # static data is shared, not copied
    before = state_hash(game)
    u = c.units["su_tank_1"]
    u.men -= 50
    u.hex = (0, 0)
    u.mp = 3.5
    u.lost["men"] += 50
    c.rng.next_u64()
    c.spotted["soviet"].append("jp_tank")
    c.control["height_733"] = "soviet"
    c.destroyed.append("Japanese pontoon")
    c.losses["soviet"]["men"] += 50
    c.done.append("soviet")
    c.turn += 1
    orig = game.units["su_tank_1"]
    assert orig.men == 250 and orig.lost["men"] == 0 and orig.mp == 0.0
    assert orig.hex == game.scenario.setup("su_tank_1").hex
    assert game.spotted == {"japanese": [], "soviet": []}
    assert game.control["height_733"] == "japanese"
    assert game.destroyed == []
    assert game.losses["soviet"]["men"] == 0
    assert game.done == []
    assert game.turn == 0
    assert state_hash(game) == before
    assert c != game


def test_copy_units_are_distinct_objects(game):
    c = game.copy()
    for k in game.units:
        assert c.units[k] is not game.units[k]
        assert c.units[k].lost is not game.units[k].lost
    assert c.rng is not game.rng


def test_unit_round_trip_keeps_counts(game):
    for u in game.units.values():
        d = u.to_dict()
        assert set(d["lost"]) == set(COUNTS)
    d = game.to_dict()
    for side in d["losses"]:
        assert list(d["losses"][side]) == list(LOSS_KINDS)
