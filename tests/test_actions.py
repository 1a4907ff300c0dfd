"""Actions as data: frozen, hashable, and a strict round trip through plain dicts."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.actions import (
    ACTION_TYPES,
    ActionFormatError,
    AssignAir,
    Attack,
    DestroyDepot,
    EndPhase,
    Move,
    RouteTrucks,
    from_dict,
    to_dict,
)

text = st.text(min_size=0, max_size=30)
ints = st.integers(min_value=-(10**9), max_value=10**9)
hexes = st.tuples(ints, ints)


def test_known_kinds():
    assert {
        "move",
        "end_phase",
        "attack",
        "assign_air",
        "route_trucks",
        "open_depot",
        "destroy_depot",
        "destroy_crossing",
    } == set(ACTION_TYPES)
    assert ACTION_TYPES["move"] is Move and ACTION_TYPES["end_phase"] is EndPhase


def test_to_dict_shapes():
    assert to_dict(Move("soviet", "su_tank_1", (3, -2))) == {"kind": "move", "side": "soviet", "unit": "su_tank_1", "to": [3, -2]}
    assert to_dict(EndPhase("japanese")) == {"kind": "end_phase", "side": "japanese"}


@given(text, text, hexes)
def test_move_round_trip(side, unit, to):
    a = Move(side, unit, to)
    d = to_dict(a)
    assert from_dict(d) == a
    # and through JSON, as saves and records are written
    b = from_dict(json.loads(json.dumps(d)))
    assert b == a
    assert isinstance(b.to, tuple)
    assert hash(b) == hash(a)


@given(text)
def test_end_phase_round_trip(side):
    a = EndPhase(side)
    assert from_dict(json.loads(json.dumps(to_dict(a)))) == a


def test_move_accepts_tuple_to():
    assert from_dict({"kind": "move", "side": "soviet", "unit": "u", "to": (1, 2)}) == Move("soviet", "u", (1, 2))


@pytest.mark.parametrize("bad", [None, [], "move", 3, ("kind", "move"), [{"kind": "end_phase", "side": "soviet"}]])
def test_rejects_non_mapping(bad):
    with pytest.raises(ActionFormatError, match="must be a mapping"):
        from_dict(bad)


@pytest.mark.parametrize("kind", [None, "charge", "Move", "", 1])
def test_rejects_unknown_kind(kind):
    d = {"side": "soviet"} if kind is None else {"kind": kind, "side": "soviet"}
    with pytest.raises(ActionFormatError, match="unknown action kind") as e:
        from_dict(d)
    assert "move" in str(e.value) and "end_phase" in str(e.value)  # lists the known kinds


@pytest.mark.parametrize(
    "d, field",
    [
        ({"kind": "move", "side": "soviet", "unit": "u", "to": [1, 2], "mp": 3}, "mp"),
        ({"kind": "end_phase", "side": "soviet", "note": "x"}, "note"),
        ({"kind": "move", "side": "soviet", "unit": "u", "to": [1, 2], "Side": "soviet"}, "Side"),
    ],
)
def test_rejects_extra_field(d, field):
    with pytest.raises(ActionFormatError, match="unknown action field") as e:
        from_dict(d)
    assert field in str(e.value)


@pytest.mark.parametrize("extra", [{"unit": "su_tank_1"}, {"to": [1, 2]}])
def test_end_phase_rejects_move_fields(extra):
    # fields are checked per kind: an end_phase carrying a move's fields is malformed
    with pytest.raises(ActionFormatError, match="unknown action field") as e:
        from_dict({"kind": "end_phase", "side": "soviet", **extra})
    assert next(iter(extra)) in str(e.value)


@pytest.mark.parametrize(
    "to",
    [
        [1.0, 2],
        [1, 2.5],
        [1.0, 2.0],
        [1],
        [1, 2, 3],
        [],
        [True, 2],
        [1, False],
        ["1", "2"],
        "1,2",
        None,
        {"q": 1, "r": 2},
        [None, 1],
    ],
)
def test_rejects_bad_to(to):
    with pytest.raises(ActionFormatError, match=r"move 'to' must be \[q, r\] integers") as e:
        from_dict({"kind": "move", "side": "soviet", "unit": "u", "to": to})
    assert repr(to) in str(e.value)  # says what it got


def test_rejects_missing_to():
    with pytest.raises(ActionFormatError, match="'to'"):
        from_dict({"kind": "move", "side": "soviet", "unit": "u"})


@pytest.mark.parametrize("side", [None, 1, ["soviet"], b"soviet", True])
@pytest.mark.parametrize("kind", ["move", "end_phase"])
def test_rejects_non_text_side(kind, side):
    d = {"kind": kind, "unit": "u", "to": [0, 0]} if kind == "move" else {"kind": kind}
    if side is not None:
        d["side"] = side
    with pytest.raises(ActionFormatError, match="action field 'side' must be text") as e:
        from_dict(d)
    assert repr(side) in str(e.value)


@pytest.mark.parametrize("unit", [None, 7, ["u"]])
def test_rejects_non_text_unit(unit):
    d = {"kind": "move", "side": "soviet", "to": [0, 0]}
    if unit is not None:
        d["unit"] = unit
    with pytest.raises(ActionFormatError, match="action field 'unit' must be text"):
        from_dict(d)


def test_action_format_error_is_value_error():
    assert issubclass(ActionFormatError, ValueError)


def test_actions_are_frozen():
    m = Move("soviet", "u", (1, 2))
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.to = (3, 4)  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.side = "japanese"  # type: ignore[misc]
    e = EndPhase("soviet")
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.side = "japanese"  # type: ignore[misc]
    assert m == Move("soviet", "u", (1, 2))


def test_actions_are_hashable_and_compare_by_value():
    a = {Move("soviet", "u", (1, 2)), Move("soviet", "u", (1, 2)), EndPhase("soviet"), EndPhase("soviet")}
    assert len(a) == 2
    assert Move("soviet", "u", (1, 2)) != Move("soviet", "u", (2, 1))
    assert EndPhase("soviet") != EndPhase("japanese")
    d = {Move("soviet", "u", (0, 0)): "x"}
    assert d[from_dict({"kind": "move", "side": "soviet", "unit": "u", "to": [0, 0]})] == "x"


def test_kind_is_class_level_not_a_field():
    assert [f.name for f in dataclasses.fields(Move)] == ["side", "unit", "to"]
    assert [f.name for f in dataclasses.fields(EndPhase)] == ["side"]
    assert Move.kind == "move" and EndPhase.kind == "end_phase"


@pytest.mark.parametrize(
    "action",
    [
        Attack("soviet", (3, 4), ("su_tank_1", "su_art")),
        AssignAir("japanese", "jp_24_sentai", "superiority", "west", 20),
        RouteTrucks("soviet", "railhead", "su_depot", 300),
        DestroyDepot("japanese", "jp_depot"),
    ],
)
def test_new_actions_round_trip(action):
    d = to_dict(action)
    assert from_dict(d) == action
    assert from_dict(json.loads(json.dumps(d))) == action


def test_new_actions_reject_bad_fields():
    with pytest.raises(ActionFormatError, match="list of unit ids"):
        from_dict({"kind": "attack", "side": "soviet", "target": [1, 2], "units": "su_tank_1"})
    with pytest.raises(ActionFormatError, match="whole number"):
        from_dict({"kind": "route_trucks", "side": "soviet", "source": "railhead", "dest": "d", "trucks": 2.5})
    with pytest.raises(ActionFormatError, match="whole number"):
        from_dict({"kind": "assign_air", "side": "soviet", "unit": "u", "mission": "recon", "target": "z", "aircraft": True})
