"""Random-playout contract: many seeded games through legal_actions/apply, invariants every step."""

from __future__ import annotations

import pytest

from game import actions as act
from game.actions import EndPhase, Move
from game.engine import IllegalAction, apply, current_actors, legal_actions, men_accounted, new_game, observe
from game.rng import Rng
from game.rules.movement import can_stand
from game.rules.supply import tonnage_balance, trucks_alive
from game.state import ACTIVE, COUNTS, State, state_hash

GAMES = 200


def check_invariants(state: State, initial_men: dict[str, int], deep: bool = True) -> None:
    """Every step: counts, places, accounting. ``deep`` adds the serialisation and fog checks."""
    scen = state.scenario
    limit = scen.rules.parameters.stacking_limit
    per_hex: dict = {}
    for u in state.units.values():
        for k in COUNTS:
            assert getattr(u, k) >= 0, f"{u.id} has negative {k}"
            assert u.lost[k] >= 0
        assert u.mp >= 0
        assert 0 <= u.cohesion <= 100 and 0 <= u.supply <= 1
        if u.status == ACTIVE:
            assert u.hex is not None and scen.map.contains(u.hex), f"{u.id} is off the map"
            cls = scen.unit_type(u.type).movement_class
            terrain = scen.rules.terrain[scen.map.terrain_at(u.hex)]
            assert can_stand(scen.rules, scen.map, cls, scen.map.index[u.hex]), f"{u.id} stands on impassable {terrain.name}"
            per_hex.setdefault(u.hex, []).append(u)
    for h, units in per_hex.items():
        assert len({u.side for u in units}) == 1, f"enemy units share hex {h}"
        assert len(units) <= limit, f"{len(units)} units stacked in {h}"
    for side in scen.sides:
        assert men_accounted(state, side) == initial_men[side], "men are not conserved as present + lost"
    for a in state.air_units.values():
        assert a.aircraft >= 0 and a.lost >= 0 and 0 <= a.assigned
    for side, sup in state.logistics.items():
        assert sup.trucks_idle >= 0 and sup.front_idle >= 0
        assert all(c.trucks >= 0 and c.cargo >= -1e-9 for c in state.convoys)
        assert all(d.stock >= -1e-9 for d in state.depots.values())
        bal = tonnage_balance(state, side)
        assert abs(bal["depots_in"] - bal["depots_out"]) < 1e-6, bal
        assert abs(bal["road_in"] - bal["road_out"]) < 1e-6, bal
        alive = trucks_alive(state, side)
        setup = scen.logistics[side]
        assert alive["railhead"] + alive["front"] + state.losses[side]["trucks"] == setup.trucks + setup.front_trucks
    for side in scen.sides:
        flown = sum(a.aircraft + a.lost for a in state.air_units.values() if a.side == side)
        assert flown == sum(a.aircraft for a in scen.air_units if a.side == side)
        assert state.losses[side]["aircraft"] == sum(a.lost for a in state.air_units.values() if a.side == side)
    if not deep:
        return
    assert State.from_dict(state.to_dict(), scen) == state
    for side in scen.sides:
        view = observe(state, side)
        seen = set(state.spotted[side])
        for u in view.units.values():
            assert u.side == side or u.id in seen, f"{side} sees unspotted enemy {u.id}"
        assert view.rng.state == 0


def random_illegal(rng: Rng, state: State, side: str) -> act.Action:
    """Something a careless player might try: any unit of any side to any hex."""
    unit = rng.choice(sorted(state.units))
    h = rng.choice(state.scenario.map.hexes)
    return Move(rng.choice(["soviet", "japanese"]), unit, h) if rng.below(2) else EndPhase(rng.choice(["soviet", "japanese"]))


@pytest.mark.parametrize("block", range(4))
def test_random_playouts_keep_invariants(skirmish, block):
    per_block = GAMES // 4
    for seed in range(block * per_block, (block + 1) * per_block):
        state = new_game(skirmish, seed)
        initial = {s: men_accounted(state, s) for s in skirmish.sides}
        rng = Rng.from_seed(f"playout:{seed}")
        actions: list[dict] = []
        steps = 0
        while current_actors(state):
            side = current_actors(state)[0]
            if rng.below(10) == 0:  # now and then an arbitrary action: legal or refused, never a crash
                probe = random_illegal(rng, state, side)
                before = state_hash(state)
                try:
                    nxt, _ = apply(state, probe)
                except IllegalAction as e:
                    assert e.reason and "Traceback" not in e.reason
                    assert state_hash(state) == before, "a refused action changed the state"
                else:
                    assert probe in legal_actions(state, probe.side), f"apply accepted {probe} that legal_actions omits"
                    actions.append(act.to_dict(probe))
                    state = nxt
                    check_invariants(state, initial)
                    continue
            legal = legal_actions(state, side)
            assert legal and isinstance(legal[-1], EndPhase)
            moves = legal[:-1]
            action = legal[-1] if not moves or rng.below(4) == 0 else rng.choice(moves)
            state, _ = apply(state, action)
            actions.append(act.to_dict(action))
            steps += 1
            check_invariants(state, initial, deep=steps % 3 == 0 or not current_actors(state))
            assert steps < 20_000
        assert state.result is not None and state.result["result"] in ("decisive", "marginal", "draw")
        # replaying the recorded actions reproduces the game exactly
        replay = new_game(skirmish, seed)
        for d in actions:
            replay, _ = apply(replay, act.from_dict(d))
        assert state_hash(replay) == state_hash(state)


def test_same_seed_same_game_different_seed_different_game(skirmish):
    from game.simulate import play_game

    agents = {"soviet": "random", "japanese": "random"}
    a = play_game(skirmish, 7, agents)
    b = play_game(skirmish, 7, agents)
    c = play_game(skirmish, 8, agents)
    assert a.final_hash == b.final_hash and a.actions == b.actions
    assert a.final_hash != c.final_hash


def test_legal_actions_are_deterministic_and_all_legal(skirmish):
    state = new_game(skirmish, 3)
    while state.phase.phase != "movement":
        state, _ = apply(state, EndPhase(current_actors(state)[0]))
    side = current_actors(state)[0]
    first = legal_actions(state, side)
    assert first == legal_actions(state.copy(), side)
    assert len(first) > 20
    for a in first:
        apply(state, a)  # must not raise
    other = skirmish.other(side)
    assert legal_actions(state, other) == []
