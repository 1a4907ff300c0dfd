"""The historical agent plays the documented course from the scenario's orders, legally."""

from __future__ import annotations

import pytest
from builders import build, unit

from game.actions import Attack, EndPhase, Move
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


def _pontoon_scenario(tmp_path, jp_at, destroy="Bridge"):
    """A Japanese rearguard at the east end of a destructible bridge with orders to blow it."""
    crossings = [{"name": "Bridge", "kind": "bridge", "at": [0.05, -3], "destructible": True}]
    probe = build(tmp_path, [unit("x", "soviet", "rifle_bn", [-5, 0], men=1)], map_changes={"crossings": crossings})
    ((a, b),) = list(probe.map.crossings)
    east = max((probe.map.hexes[a], probe.map.hexes[b]), key=lambda h: probe.map.hex_to_km(h)[0])
    ex, ey = probe.map.hex_to_km(east)
    units = [
        unit("jp", "japanese", "infantry_bn", [ex, ey], men=600),
        unit("jp2", "japanese", "infantry_bn", jp_at, men=600),
        unit("su", "soviet", "rifle_bn", [-8, 5], men=800),
    ]
    order = {"start": "1939-07-03T08:00", "units": ["jp"], "at": [ex, ey], "attack": False, "destroy": destroy}
    return build(
        tmp_path,
        units,
        first_side="japanese",
        map_changes={"crossings": crossings},
        extra={"historical_orders": {"japanese": [order]}},
    )


def _blown_by_combat(scen):
    """Play the Japanese through to their first combat phase; return the crossings destroyed."""
    state = new_game(scen, 1)
    agent = HistoricalAgent(1, "japanese")
    passive = {"soviet": lambda v, s: EndPhase(s)}
    for _ in range(60):
        side = current_actors(state)[0]
        if state.phase.phase == "combat" and side == "japanese" and state.turn == 0:
            while state.phase.phase == "combat" and current_actors(state)[0] == "japanese":
                state, _ = apply(state, agent.act(observe(state, side), side))
            return state.destroyed
        act = agent.act(observe(state, side), side) if side == "japanese" else passive["soviet"](None, side)
        state, _ = apply(state, act)
    raise AssertionError("no Japanese combat phase reached")


def test_a_destroy_order_blows_the_crossing_once_nobody_is_left_beyond_it(tmp_path):
    # both Japanese battalions east of the river: the rearguard blows the bridge behind it
    assert _blown_by_combat(_pontoon_scenario(tmp_path, [4, 2])) == ["Bridge"]


def test_a_destroy_order_waits_for_units_still_beyond_the_crossing(tmp_path):
    # a battalion still on the west bank: the bridge stays
    assert _blown_by_combat(_pontoon_scenario(tmp_path, [-4, 2])) == []


def test_a_destroy_order_must_name_a_destructible_crossing(tmp_path):
    from game.scenario.loader import load_scenario_checked

    _pontoon_scenario(tmp_path, [4, 2])  # writes the files
    path = tmp_path / "scenario.yaml"
    text = path.read_text().replace("destroy: Bridge", "destroy: Bridgee")
    path.write_text(text)
    scen, problems = load_scenario_checked(path)
    assert scen is None
    msgs = [p.message for p in problems]
    assert any("no destructible crossing 'Bridgee'" in m and "did you mean 'Bridge'" in m for m in msgs), msgs
