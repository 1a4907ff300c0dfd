"""The historical agent plays the documented course from the scenario's orders, legally."""

from __future__ import annotations

import pytest
from builders import build, unit

from game.actions import Attack, Move
from game.ai.historical import HistoricalAgent, road_to
from game.engine import apply, current_actors, new_game, observe
from game.scenario.loader import load_scenario
from game.simulate import play_game


def _orders(**kw):
    base = {"start": "1939-07-03T08:00", "units": ["su"], "go": "centre", "attack": True}
    base.update(kw)
    return {"historical_orders": {"soviet": [base]}}


def test_ordered_units_head_for_their_target_and_attack(tmp_path):
    units = [unit("su", "soviet", "rifle_bn", [-5, 0], men=800), unit("jp", "japanese", "infantry_bn", [3, 0], men=600)]
    scen = build(tmp_path, units, extra=_orders())
    assert scen.historical_orders["soviet"][0].target == scen.map.places["centre"].hex
    state = new_game(scen, 1)
    agents = {"soviet": HistoricalAgent(1, "soviet"), "japanese": HistoricalAgent(1, "japanese")}
    start = state.units["su"].hex
    moved, attacked = False, False
    target = scen.map.places["centre"].hex
    for _ in range(400):
        if not current_actors(state):
            break
        side = current_actors(state)[0]
        action = agents[side].act(observe(state, side), side)
        if isinstance(action, Move):
            assert action.side == "soviet" and action.unit == "su"
            field = road_to(state, "foot", target)  # the way round by the bridge, not the river bank
            idx = scen.map.index
            assert field[idx[action.to]] < field[idx[state.units["su"].hex]]
            moved = True
        if isinstance(action, Attack):
            attacked = True
            assert "su" in action.units
        state, _ = apply(state, action)
        if attacked:
            break
    assert moved and state.units["su"].hex != start
    assert attacked  # the Japanese battalion stands on the way at (3, 0)


def test_units_without_orders_stay_put(tmp_path):
    units = [unit("su", "soviet", "rifle_bn", [-5, 0], men=800), unit("jp", "japanese", "infantry_bn", [5, 0], men=600)]
    scen = build(tmp_path, units, extra=_orders(units=["su"], hold=True, go=None, attack=False))
    rec = play_game(scen, 2, {"soviet": "historical", "japanese": "historical"})
    assert rec.final.units["su"].hex == scen.setup("su").hex
    assert all(a["kind"] in ("end_phase",) for a in rec.actions)


@pytest.mark.parametrize("scenario, seeds", [("crossing_3_july", (1, 2)), ("encirclement_20_august", (1,))])
def test_historical_agents_play_the_scenarios_legally(scenario, seeds):
    scen = load_scenario(scenario)
    for seed in seeds:
        rec = play_game(scen, seed, {"soviet": "historical", "japanese": "historical"})  # raises on an illegal action
        assert rec.final.result is not None
        assert rec.final.turn == scen.turns - 1 or rec.final.result["reason"] != "the last turn ended"
        assert any(a["kind"] == "move" for a in rec.actions) and any(a["kind"] == "attack" for a in rec.actions)
