"""The ``ai`` agent on hand-built positions: it takes the good attack and refuses the suicidal
one, and a unit cut off from its depot with a way out falls back into supply.

Maps and units come from ``tests/builders.py`` (a major river at x = 0 with one bridge at
y = -3; steppe east of it). Units start parked along the southern edge and are put in place by
editing the fresh state (test set-up), then ``fog.recompute`` lets each side see the other.
"""

from __future__ import annotations

from builders import advance_to, build, soviet_logistics, unit

from game.actions import Attack, EndPhase, Move
from game.ai.planner import AIAgent
from game.engine import apply, legal_actions, new_game, observe
from game.hexgrid import distance, neighbors
from game.rules import fog, supply

E, NE, NW, W, SW, SE = range(6)


def parked(specs):
    return [unit(uid, side, utype, [-9.5 + i, -5.5], **counts) for i, (uid, side, utype, counts) in enumerate(specs)]


def place(state, **where):
    for uid, h in where.items():
        state.units[uid].hex = h
    fog.recompute(state)
    return state


def play_phase(state, agent, side, limit=50):
    """Let the agent play the current phase to its end; the actions it took, all applied."""
    taken = []
    phase = (state.turn, state.step)
    for _ in range(limit):
        if (state.turn, state.step) != phase or side not in legal_sides(state):
            break
        a = agent.act(observe(state, side), side)
        taken.append(a)
        state, _ = apply(state, a)
        if isinstance(a, EndPhase):
            break
    return state, taken


def legal_sides(state):
    from game.engine import current_actors

    return current_actors(state)


def test_takes_the_good_attack_and_refuses_the_suicidal_one(tmp_path):
    scen = build(
        tmp_path,
        parked(
            [
                ("su_rifle", "soviet", "rifle_bn", {"men": 800, "guns": 8}),
                ("su_tank", "soviet", "tank_bn", {"men": 250, "tanks": 40}),
                ("jp_weak", "japanese", "infantry_bn", {"men": 250}),
                ("jp_1", "japanese", "infantry_bn", {"men": 900, "guns": 4, "posture": "fortified"}),
                ("jp_2", "japanese", "infantry_bn", {"men": 900, "guns": 4, "posture": "fortified"}),
                ("jp_3", "japanese", "infantry_bn", {"men": 900, "guns": 4, "posture": "fortified"}),
            ]
        ),
    )
    state = advance_to(new_game(scen, 1), "combat", "soviet")
    t = scen.map.km_to_hex(3.5, -1.8)
    ours = neighbors(t)[W]
    strong = neighbors(ours)[W]  # next to our units, not to the weak target
    state = place(state, jp_weak=t, su_rifle=ours, su_tank=ours, jp_1=strong, jp_2=strong, jp_3=strong)
    offered = {a.target for a in legal_actions(state, "soviet") if isinstance(a, Attack)}
    assert offered == {t, strong}  # both attacks are on the table
    state, taken = play_phase(state, AIAgent(0, "soviet"), "soviet")
    attacks = [a for a in taken if isinstance(a, Attack)]
    assert attacks and attacks[0].target == t
    assert set(attacks[0].units) == {"su_rifle", "su_tank"}  # tanks with the infantry
    assert all(a.target != strong for a in attacks)


def test_does_not_charge_a_stronger_dug_in_enemy(tmp_path):
    scen = build(
        tmp_path,
        parked(
            [
                ("su_rifle", "soviet", "rifle_bn", {"men": 500}),
                ("jp_1", "japanese", "infantry_bn", {"men": 900, "guns": 4, "posture": "fortified"}),
                ("jp_2", "japanese", "infantry_bn", {"men": 900, "guns": 4, "posture": "fortified"}),
            ]
        ),
    )
    state = advance_to(new_game(scen, 1), "combat", "soviet")
    t = scen.map.km_to_hex(3.5, -1.8)
    state = place(state, jp_1=t, jp_2=t, su_rifle=neighbors(t)[W])
    assert any(isinstance(a, Attack) for a in legal_actions(state, "soviet"))
    _, taken = play_phase(state, AIAgent(0, "soviet"), "soviet")
    assert taken == [EndPhase("soviet")]


def test_a_cut_off_unit_with_a_way_out_falls_back_into_supply(tmp_path):
    scen = build(
        tmp_path,
        parked(
            [
                ("su_rifle", "soviet", "motor_rifle_bn", {"men": 600, "supply": 0.4}),
                ("jp_1", "japanese", "infantry_bn", {"men": 800}),
            ]
        ),
        logistics={"soviet": soviet_logistics([-4, -3])},
    )
    state = advance_to(new_game(scen, 1), "movement", "soviet")
    gm = scen.map
    bridge = next(c for c in gm.crossings.values())
    west, east = sorted((gm.hexes[bridge.edge[0]], gm.hexes[bridge.edge[1]]), key=lambda h: gm.hex_to_km(h)[0])
    # the enemy sits next to the bridge's east end: its zone of control closes the only way to the depot
    bank = [h for h in neighbors(east) if gm.contains(h) and gm.hex_to_km(h)[0] > 0.05]  # the river runs at x = 0.05
    jp, ours = next((a, b) for a in bank for b in bank if distance(a, b) == 2)
    state = place(state, jp_1=jp, su_rifle=ours)
    view = observe(state, "soviet")
    cost, _, _ = supply.trace(view, "soviet")
    assert gm.index[ours] not in cost  # cut off
    way_out = [a.to for a in legal_actions(view, "soviet", unit="su_rifle") if isinstance(a, Move)]
    moved = state.copy()
    assert any(_supplied_if_there(moved, "su_rifle", h) for h in way_out)  # ... with a way out
    state, taken = play_phase(state, AIAgent(0, "soviet"), "soviet")
    moves = [a for a in taken if isinstance(a, Move) and a.unit == "su_rifle"]
    assert moves, taken
    assert _supplied_if_there(state, "su_rifle", state.units["su_rifle"].hex)


def _supplied_if_there(state, uid, h):
    s = state.copy()
    s.units[uid].hex = h
    cost, _, _ = supply.trace(s, s.units[uid].side)
    return s.scenario.map.index[h] in cost
