"""Engine contract: turn sequence from the ruleset, apply/IllegalAction, fog, arrivals, victory."""

from __future__ import annotations

import pytest

from game.actions import EndPhase, Move
from game.engine import (
    IllegalAction,
    apply,
    current_actors,
    is_over,
    legal_actions,
    new_game,
    observe,
    outcome,
    state_hash,
)
from game.state import ACTIVE, PENDING


def end(state, side=None):
    side = side or current_actors(state)[0]
    return apply(state, EndPhase(side))


def until(state, phase, side):
    for _ in range(500):
        if state.phase.phase == phase and side in current_actors(state):
            return state
        state, _ = end(state)
    raise AssertionError(f"never reached {phase} for {side}")


def test_turn_sequence_follows_the_ruleset(skirmish):
    state = new_game(skirmish, 1)
    seen = []
    while state.turn == 0:
        seen.append((state.phase.phase, tuple(current_actors(state))))
        state, _ = end(state)
    assert seen == [
        ("air", ("japanese", "soviet")),  # both sides allocate, hidden from each other
        ("air", ("soviet",)),
        ("supply", ("japanese",)),
        ("movement", ("japanese",)),
        ("combat", ("japanese",)),
        ("supply", ("soviet",)),
        ("movement", ("soviet",)),
        ("combat", ("soviet",)),
    ]
    assert state.turn == 1 and state.phase.phase == "air"


def test_night_turns_skip_the_air_phase_and_carry_their_time(skirmish):
    state = new_game(skirmish, 1)
    assert skirmish.night == [False, False, False, False, True, True, False, False]
    while state.turn < 4:
        state, _ = end(state)
    assert state.night
    assert state.phase.phase == "supply"  # the air phase passed by itself
    assert skirmish.turn_starts[4].strftime("%Y-%m-%d %H:%M") == "1939-07-03 20:00"


def test_movement_points_reset_each_movement_phase_and_halve_at_night(skirmish):
    state = until(new_game(skirmish, 1), "movement", "japanese")
    assert state.units["jp_tank"].mp == 12
    assert state.units["su_tank_1"].mp == 0  # not the Soviet phase
    while state.turn < 4:
        state, _ = end(state)
    state = until(state, "movement", "japanese")
    assert state.units["jp_tank"].mp == 6


def test_apply_never_changes_its_input(skirmish):
    state = until(new_game(skirmish, 1), "movement", "japanese")
    before = state_hash(state)
    move = next(a for a in legal_actions(state, "japanese") if isinstance(a, Move))
    new, events = apply(state, move)
    assert state_hash(state) == before
    assert state_hash(new) != before
    assert any(e.kind == "move" for e in events)


@pytest.mark.parametrize(
    "action, words",
    [
        (Move("soviet", "su_tank_1", (0, 10)), "not the Soviet side's turn"),
        (Move("japanese", "su_tank_1", (0, 10)), "not yours"),
        (Move("japanese", "nobody", (0, 10)), "no unit"),
        (Move("japanese", "jp_inf_3", (5, 5)), "has not arrived"),
        (Move("japanese", "jp_tank", (99, 99)), "off the map"),
        (Move("japanese", "jp_inf_1", (-2, 11)), "movement points"),
        (EndPhase("martians"), "unknown side"),
    ],
)
def test_illegal_actions_give_reasons(skirmish, action, words):
    state = until(new_game(skirmish, 1), "movement", "japanese")
    with pytest.raises(IllegalAction) as exc:
        apply(state, action)
    assert words in exc.value.reason


def test_moving_outside_movement_phase_is_refused(skirmish):
    state = new_game(skirmish, 1)
    with pytest.raises(IllegalAction, match="movement phase"):
        apply(state, Move("japanese", "jp_tank", (5, 3)))


def test_views_cannot_be_played_and_hide_the_dice(skirmish):
    state = new_game(skirmish, 1)
    view = observe(state, "soviet")
    assert view.rng.state == 0 and view.view_of == "soviet"
    with pytest.raises(IllegalAction, match="view"):
        apply(view, EndPhase("soviet"))


def test_fog_shows_only_spotted_enemies(skirmish):
    state = new_game(skirmish, 1)
    for side in skirmish.sides:
        view = observe(state, side)
        enemies = {u.id for u in view.units.values() if u.side != side}
        assert enemies == set(state.spotted[side])
        # pending enemy reinforcements are never visible
        assert all(u.status == ACTIVE for u in view.units.values() if u.side != side)
    # at the start the Japanese engineers at the pontoon are within 2 km of nobody Soviet...
    assert state.spotted["soviet"] == []
    # ...but a Soviet unit moved next to them sees them at once
    state = until(state, "movement", "soviet")
    eng = state.units["jp_eng"].hex
    state.units["su_cav"].hex = (eng[0], eng[1] + 3)
    from game.hexgrid import distance

    state, events = apply(state, Move("soviet", "su_cav", (eng[0], eng[1] + 2)))
    assert distance(state.units["su_cav"].hex, eng) <= 2
    assert "jp_eng" in state.spotted["soviet"]
    assert any(e.kind == "spotted" and e.visible_to == "soviet" for e in events)


def test_reinforcements_arrive_on_their_turn(skirmish):
    state = new_game(skirmish, 1)
    assert state.units["su_tank_2"].status == PENDING
    while state.turn < 2:
        assert state.units["su_tank_2"].status == PENDING
        state, events = end(state)
    assert state.units["su_tank_2"].status == ACTIVE
    assert state.units["su_tank_2"].hex is not None
    assert state.units["jp_inf_3"].status == PENDING
    while state.turn < 3:
        state, _ = end(state)
    assert state.units["jp_inf_3"].status == ACTIVE


def test_passive_game_ends_on_the_last_turn_with_a_graded_result(skirmish):
    state = new_game(skirmish, 1)
    while not is_over(state):
        state, events = end(state)
    assert state.turn == skirmish.turns - 1
    out = outcome(state)
    # nobody moved: each side keeps its objectives; Soviet 4 + 1 against Japanese 3 = +2
    assert out.score == 2
    assert (out.winner, out.result) == ("soviet", "marginal")
    assert any(e.kind == "game_over" for e in events)
    with pytest.raises(IllegalAction, match="over"):
        apply(state, EndPhase("soviet"))
    assert current_actors(state) == [] and legal_actions(state, "soviet") == []


def test_taking_an_objective_changes_control_and_score(skirmish):
    from game.hexgrid import neighbors
    from game.rules.victory import score
    from game.state import ELIMINATED

    state = until(new_game(skirmish, 1), "movement", "soviet")
    height = skirmish.map.places["height_733"].hex
    for uid in ("jp_inf_1", "jp_inf_2"):  # the height's garrison is gone (test set-up)
        state.units[uid].status, state.units[uid].hex = ELIMINATED, None
    assert score(state) == 2
    start = next(h for h in neighbors(height) if skirmish.map.contains(h) and not state.units_at(h))
    state.units["su_cav"].hex = start
    state, events = apply(state, Move("soviet", "su_cav", height))
    assert state.units["su_cav"].hex == height
    assert state.control["height_733"] == "soviet"
    assert any(e.kind == "objective" for e in events)
    assert score(state) == 2 + 3 + 3  # Japanese lose 3, Soviets gain 3


def test_legal_actions_for_one_unit(skirmish):
    state = until(new_game(skirmish, 1), "movement", "japanese")
    everything = legal_actions(state, "japanese")
    tank = legal_actions(state, "japanese", unit="jp_tank")
    assert tank[-1] == EndPhase("japanese")
    assert tank[:-1] and all(a.unit == "jp_tank" for a in tank[:-1])
    assert [a for a in everything if getattr(a, "unit", None) == "jp_tank"] == tank[:-1]
