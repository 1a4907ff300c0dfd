"""The ``ai`` agent in the real scenarios: only legal actions, the same game for the same seeds,
and ``simulate``'s parallel runner gives the serial results.

Kept short for CI (a few turns per scenario and seed); the strength figures over hundreds of
games are in docs/AI.md.
"""

from __future__ import annotations

import pytest

from game.actions import AssignAir, Attack, EndPhase, Move
from game.ai.agents import make_agent
from game.ai.planner import AIAgent
from game.engine import IllegalAction, apply, current_actors, legal_actions, new_game, observe, state_hash
from game.scenario.loader import load_scenario
from game.simulate import run_games


def play_turns(scen, seed, agents, turns):
    """Play until ``turns`` turns are over; check every AI action against the rules on the way."""
    players = {s: make_agent(agents[s], seed, s) for s in scen.sides}
    state = new_game(scen, seed)
    while current_actors(state) and state.turn < turns:
        side = current_actors(state)[0]
        view = observe(state, side)
        a = players[side].act(view, side)
        if agents[side] == "ai":
            _check_legal(view, side, a)
        try:
            state, _ = apply(state, a)
        except IllegalAction as e:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{side} ai chose an illegal action {a}: {e.reason}")
    return state, players


def _check_legal(view, side, a):
    """Listed by legal_actions, or (attacks, trucks) built like them and accepted by apply."""
    if isinstance(a, Move):
        assert a in legal_actions(view, side, unit=a.unit)
    elif isinstance(a, (EndPhase, AssignAir)):
        assert a in legal_actions(view, side)
    elif isinstance(a, Attack):
        assert any(isinstance(x, Attack) and x.target == a.target for x in legal_actions(view, side))


@pytest.fixture(scope="module")
def july():
    return load_scenario("crossing_3_july")


@pytest.fixture(scope="module")
def august():
    return load_scenario("encirclement_20_august")


@pytest.mark.parametrize("seed", [1, 2])
def test_july_only_legal_actions_either_side(july, seed):
    play_turns(july, seed, {"soviet": "ai", "japanese": "random"}, turns=4)
    play_turns(july, seed, {"soviet": "random", "japanese": "ai"}, turns=4)


def test_august_only_legal_actions_both_sides(august):
    play_turns(august, 3, {"soviet": "ai", "japanese": "ai"}, turns=2)


def test_same_seeds_same_game(july):
    a, _ = play_turns(july, 5, {"soviet": "ai", "japanese": "ai"}, turns=4)
    b, _ = play_turns(july, 5, {"soviet": "ai", "japanese": "ai"}, turns=4)
    assert state_hash(a) == state_hash(b)
    c, _ = play_turns(july, 6, {"soviet": "ai", "japanese": "ai"}, turns=4)
    assert state_hash(c) != state_hash(a)


def test_thinking_time_is_recorded_per_turn(july):
    _, players = play_turns(july, 1, {"soviet": "ai", "japanese": "passive"}, turns=3)
    ai = players["soviet"]
    assert isinstance(ai, AIAgent) and sorted(ai.turn_times) == [0, 1, 2]
    assert all(t >= 0 for t in ai.turn_times.values())


def test_parallel_games_equal_serial_ones():
    agents = {"soviet": "ai", "japanese": "random"}
    serial = run_games("test_skirmish", "default", [0, 1, 2], agents, workers=1)
    seen = []
    parallel = run_games("test_skirmish", "default", [0, 1, 2], agents, workers=2, progress=lambda k, n: seen.append((k, n)))
    assert serial == parallel
    assert [g["seed"] for g in parallel] == [0, 1, 2]
    assert seen[-1] == (3, 3)
