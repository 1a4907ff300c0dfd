"""Agents open field depots where their units have outrun every depot, then feed them."""

from __future__ import annotations

from builders import advance_to, build, soviet_logistics, unit

from game.actions import OpenDepot, RouteTrucks
from game.ai.depots import field_depot_action
from game.engine import apply, new_game, observe


def test_stranded_units_get_a_field_depot_then_convoys_and_front_trucks(tmp_path):
    east = [[8, 3], [9, 2], [8, 1]]  # in the dunes beyond the river: far from the only depot
    units = [unit(f"su_{i}", "soviet", "rifle_bn", at, men=600) for i, at in enumerate(east)]
    units.append(unit("jp", "japanese", "infantry_bn", [9, -5], men=600))
    log = soviet_logistics([-9, -5], stock=300)
    log["field_depots"] = 2
    scen = build(tmp_path, units, logistics={"soviet": log}, turns=8)
    state = advance_to(new_game(scen, 1), "supply", "soviet")
    assert all("no depot within" in state.notes[f"su_{i}"] for i in range(3))
    done: set[str] = set()
    first = field_depot_action(observe(state, "soviet"), "soviet", done)
    assert isinstance(first, OpenDepot) and first.hex in {state.units[f"su_{i}"].hex for i in range(3)}
    state, _ = apply(state, first)
    route = field_depot_action(observe(state, "soviet"), "soviet", done)
    assert route == RouteTrucks("soviet", "railhead", "soviet_field_1", route.trucks) and route.trucks > 0
    state, _ = apply(state, route)
    front = field_depot_action(observe(state, "soviet"), "soviet", done)
    assert isinstance(front, RouteTrucks) and front.source == "su_depot" and front.dest == "soviet_field_1"
    state, _ = apply(state, front)
    assert field_depot_action(observe(state, "soviet"), "soviet", done) is None  # nothing more this phase
    forward = [c for c in state.convoys if c.leg == "front" and c.dest == "soviet_field_1"]
    assert forward and forward[0].cargo > 0  # the front trucks are taking stock forward


def test_no_depot_for_fewer_than_three_stranded_units(tmp_path):
    units = [unit("su_0", "soviet", "rifle_bn", [8, 3], men=600), unit("jp", "japanese", "infantry_bn", [9, -5], men=600)]
    log = soviet_logistics([-9, -5], stock=300)
    log["field_depots"] = 2
    scen = build(tmp_path, units, logistics={"soviet": log}, turns=8)
    state = advance_to(new_game(scen, 1), "supply", "soviet")
    assert field_depot_action(observe(state, "soviet"), "soviet", set()) is None
