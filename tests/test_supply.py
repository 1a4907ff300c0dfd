"""Truck supply: drawing from depots, going short, convoys, routing, interdiction, depots lost.

Scenarios are hand-built with ``tests/builders.py``: steppe, a west plateau, a major river at
x = 0 km with one bridge at y = -3 km, dunes east of x = 6 km; air zones 'west' and 'east'.
"""

from __future__ import annotations

import math

import pytest
from builders import advance_to, build, refused, soviet_logistics, unit

from game.actions import AssignAir, DestroyDepot, EndPhase, Move, RouteTrucks
from game.engine import IllegalAction, apply, current_actors, is_over, new_game, observe
from game.rules import air, movement, supply

PAYLOAD = 2.0  # t per truck in soviet_logistics()


# --- helpers --------------------------------------------------------------------------------


def japanese_logistics(depot_at: list[float], stock: float = 100.0, trucks: int = 60, **extra) -> dict:
    d = {
        "railhead": {"name": "Handagai", "distance_km": 200, "source": "TEST"},
        "truck_km_per_day": 250,
        "trucks": {"value": trucks, "source": "TEST"},
        "payload_t": 2.0,
        "front_trucks": {"value": 6, "source": "TEST"},
        "entry": [10, 0],
        "depots": [{"id": "jp_depot", "name": "Japanese depot", "at": depot_at, "stock_t": stock, "source": "TEST"}],
    }
    d.update(extra)
    return d


def two_soviet_depots(stock_a: float = 100.0, stock_b: float = 0.0, **extra) -> dict:
    """Depot A next to the Soviet troops, depot B 6 km north of it, off every unit's way."""
    depots = [
        {"id": "su_a", "name": "Depot A", "at": [-8, -3], "stock_t": stock_a, "source": "TEST"},
        {"id": "su_b", "name": "Depot B", "at": [-8, 3], "stock_t": stock_b, "source": "TEST"},
    ]
    return soviet_logistics([-8, -3], depots=depots, **extra)


def end(state, side=None):
    side = side or current_actors(state)[0]
    return apply(state, EndPhase(side))


def next_phase(state):
    """End the current step (both sides, if both are acting) and return the new state and events."""
    step, turn = state.step, state.turn
    events = []
    while (state.step, state.turn) == (step, turn) and not is_over(state):
        state, ev = end(state)
        events += ev
    return state, events


def assert_balanced(state, side):
    b = supply.tonnage_balance(state, side)
    assert b["depots_in"] == pytest.approx(b["depots_out"], abs=1e-6), b
    assert b["road_in"] == pytest.approx(b["road_out"], abs=1e-6), b


def bridge_ends(scen):
    """(west hex, east hex) of the one bridge."""
    gm = scen.map
    ((a, b),) = list(gm.crossings)
    ha, hb = gm.hexes[a], gm.hexes[b]
    return (ha, hb) if gm.hex_to_km(ha)[0] < gm.hex_to_km(hb)[0] else (hb, ha)


# --- 1. drawing from a depot ----------------------------------------------------------------


def test_unit_near_its_depot_draws_exactly_what_is_consumed(tmp_path):
    scen = build(
        tmp_path,
        [
            unit("su_inf", "soviet", "rifle_bn", [-7, -3], men=800, guns=10),
            unit("su_low", "soviet", "rifle_bn", [-7, -2], men=600, supply=0.8),
            unit("jp_inf", "japanese", "infantry_bn", [8, 0], men=800),
        ],
        logistics={"soviet": soviet_logistics([-8, -3], stock=100)},
    )
    state = new_game(scen, 1)
    assert state.phase.phase == "air"
    stock0 = state.depots["su_depot"].stock
    consumed0 = state.logistics["soviet"].consumed
    assert (stock0, consumed0) == (100.0, 0.0)

    state = advance_to(state, "supply", "soviet")  # the phase start ran the Soviet supply step
    sup = state.logistics["soviet"]
    drawn = sup.consumed - consumed0
    # at rest, 4 h: (800 men × 3.1 kg + 10 guns × 30 kg) / 1000 × 4/24 = 0.46333 t, no top-up needed
    need_inf = (800 * 3.1 + 10 * 30) / 1000 * 4 / 24
    # 600 men at 80 %: 0.31 t for the turn + a refill of 1/6 of a 3-day load (0.31 t × 6 × 3 / 6)
    need_low = 600 * 3.1 / 1000 * 4 / 24
    top_up = (4 / 24 / 1.0) * 3 * need_low * 24 / 4
    assert drawn == pytest.approx(need_inf + need_low + top_up, abs=1e-9)
    # the depot fell by exactly what was consumed (deliveries of this phase aside)
    assert state.depots["su_depot"].stock == pytest.approx(stock0 + sup.delivered_turn - drawn, abs=1e-9)
    assert state.logistics["soviet"].draws == {"su_depot": round(drawn, 3)}
    for uid in ("su_inf", "su_low"):
        note = state.notes[uid]
        assert note.startswith("In supply from Soviet depot") and "depot short" not in note
        assert state.units[uid].cut is False
    assert state.units["su_inf"].supply == 1.0
    assert state.units["su_low"].supply == pytest.approx(0.8 + 4 / 24)  # refilled a sixth of a day
    assert_balanced(state, "soviet")
    # the next turn it is back to full and stays there
    state = advance_to(next_phase(state)[0], "supply", "soviet")
    assert state.turn == 1
    assert state.units["su_low"].supply == 1.0 and state.units["su_inf"].supply == 1.0


def _short_depot(tmp_path, stock):
    # no trucks at all: only what lies in the depot
    return build(
        tmp_path,
        [
            unit("su_inf", "soviet", "rifle_bn", [-7, -3], men=800, guns=10),
            unit("jp_inf", "japanese", "infantry_bn", [8, 0], men=800),
        ],
        logistics={"soviet": soviet_logistics([-8, -3], stock=stock, trucks=0)},
    )


def test_without_trucks_the_depot_falls_by_exactly_the_draw(tmp_path):
    state = new_game(_short_depot(tmp_path, 50.0), 1)
    assert state.convoys == []
    state = advance_to(state, "supply", "soviet")
    consumed = state.logistics["soviet"].consumed
    assert consumed == pytest.approx((800 * 3.1 + 10 * 30) / 1000 * 4 / 24)
    assert state.depots["su_depot"].stock == pytest.approx(50.0 - consumed, abs=1e-12)
    state = advance_to(next_phase(state)[0], "supply", "soviet")
    assert state.logistics["soviet"].consumed == pytest.approx(2 * consumed)
    assert state.depots["su_depot"].stock == pytest.approx(50.0 - 2 * consumed, abs=1e-12)
    assert state.units["su_inf"].supply == 1.0


def test_an_empty_depot_leaves_the_unit_on_its_own_load(tmp_path):
    state = advance_to(new_game(_short_depot(tmp_path, 0.0), 1), "supply", "soviet")
    assert state.logistics["soviet"].consumed == 0.0
    assert "drew 0.0 of 0.5 t (depot short)" in state.notes["su_inf"]
    assert state.units["su_inf"].cut is False  # a supply line, but nothing at the end of it
    assert state.units["su_inf"].supply == pytest.approx(1.0 - 4 / 24 / 3)
    assert_balanced(state, "soviet")


def test_a_short_depot_leaves_a_full_unit_short(tmp_path):
    # the depot holds 0.1 t, about a fifth of one turn's need (0.463 t)
    state = advance_to(new_game(_short_depot(tmp_path, 0.1), 1), "supply", "soviet")
    need = (800 * 3.1 + 10 * 30) / 1000 * 4 / 24
    f = 0.1 / need
    assert state.depots["su_depot"].stock == pytest.approx(0.0)
    assert state.logistics["soviet"].consumed == pytest.approx(0.1)
    assert "(depot short)" in state.notes["su_inf"]
    # it ate its own load for the unmet share of the turn: 4 h of a 3-day load at rest × (1 - f)
    assert state.units["su_inf"].supply == pytest.approx(1.0 - (4 / 24 / 3) * (1 - f))


# --- 2. out of supply -----------------------------------------------------------------------


@pytest.fixture
def cut_off(tmp_path):
    """Soviet units east of the river; a Japanese battalion sits on the west end of the only bridge."""
    probe = build(tmp_path, [unit("x", "soviet", "rifle_bn", [-7, -3], men=1)])
    west_end, _ = bridge_ends(probe)
    wx, wy = probe.map.hex_to_km(west_end)
    scen = build(
        tmp_path,
        [
            unit("su_a", "soviet", "rifle_bn", [3, -3], men=800),
            unit("su_b", "soviet", "rifle_bn", [3, -1], men=800, supply=0.08),
            unit("su_c", "soviet", "rifle_bn", [3, 1], men=800, supply=0.3),
            unit("su_far", "soviet", "rifle_bn", [8, -3], men=800),  # in the dunes, beyond trace range
            unit("jp_block", "japanese", "infantry_bn", [wx, wy], men=800),
        ],
        logistics={"soviet": soviet_logistics([-8, -3], stock=100)},
    )
    assert scen.map.km_to_hex(wx, wy) == west_end
    return scen


def test_cut_off_units_live_on_their_load_then_starve(cut_off):
    scen = cut_off
    state = new_game(scen, 1)
    # without the blocker, su_a would be in reach of the depot: it is the enemy that cuts it
    free = supply.trace(state, "soviet", blocked_by_enemy=False)[0]
    assert scen.map.index[state.units["su_a"].hex] in free
    assert scen.map.index[state.units["su_far"].hex] not in free

    drain_rest = 4 / 24 / 3 * 1.0  # hours / 24 / carried_days × drain_factor[rest]
    state, events = end(state, "soviet")
    state, events = end(state, "japanese")  # the air battle, then the Soviet supply phase starts
    assert state.phase.phase == "supply"
    a, b, c, far = (state.units[k] for k in ("su_a", "su_b", "su_c", "su_far"))
    assert a.supply == pytest.approx(1.0 - drain_rest)
    assert far.supply == pytest.approx(1.0 - drain_rest)
    assert c.supply == pytest.approx(0.3 - drain_rest)
    assert all(u.cut for u in (a, b, c, far))
    assert "the way to every depot is cut by the enemy" in state.notes["su_a"]
    assert f"no depot within {scen.rules.supply.trace_range:g} MP" in state.notes["su_far"]
    assert state.logistics["soviet"].consumed == 0.0

    # su_b had 8 % left: now below 5 % — it loses men and cohesion
    assert b.supply == pytest.approx(0.08 - drain_rest)
    assert b.supply < scen.rules.supply.out
    expected_men = 800 * 0.03 * 4 / 24  # attrition_per_day × hours / 24 = 4 men exactly
    att = [e for e in events if e.kind == "attrition" and e.data["unit"] == "su_b"]
    assert len(att) == 1 and att[0].data["men"] == math.floor(expected_men)
    assert b.men == 800 - 4 and b.lost["men"] == 4
    assert b.men + b.lost["men"] == 800
    assert state.losses["soviet"]["men"] == 4
    assert b.cohesion == pytest.approx(100.0 + scen.rules.supply.out_cohesion_per_12h * 4 / 12)  # −5 per 12 h
    assert not any(e.kind == "attrition" and e.data["unit"] != "su_b" for e in events)

    # movement allowance: a rifle battalion walks on without fuel (4 MP whatever its supply);
    # vehicles out of supply ×0.25, low ×0.75
    state = advance_to(state, "movement", "soviet")
    a, b, c = (state.units[k] for k in ("su_a", "su_b", "su_c"))
    assert "foot" not in scen.rules.supply.fuel_classes
    assert movement.mp_allowance(state, a) == 4.0 and a.mp == 4.0
    assert movement.mp_allowance(state, b) == 4.0 and b.mp == 4.0
    assert movement.mp_allowance(state, c) == 4.0 and c.mp == 4.0
    for u, factor in ((b, 0.25), (c, 0.75)):  # the same men in trucks: 10 MP, fuel-bound
        u.type = "motor_rifle_bn"
        assert movement.mp_allowance(state, u) == pytest.approx(10 * factor)
        u.type = "rifle_bn"

    # su_a moves one hex: the next supply phase drains it at the 'move' rate (×1.5)
    to = scen.map.km_to_hex(4, -3)
    state, _ = apply(state, Move("soviet", "su_a", to))
    assert state.units["su_a"].hex == to
    before_a = state.units["su_a"].supply
    before_b = state.units["su_b"]
    state = advance_to(state, "supply", "soviet")
    assert state.turn == 1
    a, b = state.units["su_a"], state.units["su_b"]
    assert a.supply == pytest.approx(before_a - drain_rest * 1.5)
    assert b.supply == 0.0  # floored
    assert b.men == before_b.men - 4 and b.men + b.lost["men"] == 800
    assert b.cohesion == pytest.approx(before_b.cohesion + scen.rules.supply.out_cohesion_per_12h * 4 / 12)
    assert a.activity == "rest"  # activities are reset after the draw


def test_supply_falls_every_phase_while_cut(cut_off):
    state = new_game(cut_off, 2)
    drain = 4 / 24 / 3
    seen = []
    for turn in range(3):
        state = advance_to(state, "supply", "soviet")
        assert state.turn == turn
        seen.append(state.units["su_a"].supply)
        state, _ = next_phase(state)
    assert seen == pytest.approx([1 - drain, 1 - 2 * drain, 1 - 3 * drain])


# --- 3. convoys -----------------------------------------------------------------------------


def test_initial_pipeline_delivers_from_the_first_turn(tmp_path):
    scen = build(
        tmp_path,
        [unit("su_inf", "soviet", "rifle_bn", [-7, -3], men=800), unit("jp_inf", "japanese", "infantry_bn", [8, 0], men=800)],
        logistics={"soviet": soviet_logistics([-8, -3], stock=100)},
    )
    state = new_game(scen, 1)
    sup = state.logistics["soviet"]
    # 80 % of the 100 trucks are already rolling, loaded on the way out or empty on the way back
    assert sum(c.trucks for c in state.convoys) == 80
    assert sup.trucks_idle == 20 and sup.front_idle == 10
    assert sup.shipped == sum(c.cargo for c in state.convoys) > 0
    delivered = []
    for _ in range(2):
        state = advance_to(state, "supply", "soviet")
        delivered.append(state.logistics["soviet"].delivered_turn)
        state, _ = next_phase(state)
    assert delivered[0] > 0 and delivered[1] > 0
    assert state.logistics["soviet"].delivered == pytest.approx(sum(delivered))
    assert all(d % PAYLOAD == 0 for d in delivered)  # whole truck loads


def test_trucks_and_tons_are_conserved_over_a_whole_game(tmp_path):
    """Bombers over the Soviet road, front trucks shuttling, a depot blown up: nothing leaks."""
    scen = build(
        tmp_path,
        [
            unit("su_inf", "soviet", "rifle_bn", [-7, -3], men=800, guns=10),
            unit("su_tank", "soviet", "tank_bn", [-7, 2], men=300, tanks=40),
            unit("jp_inf", "japanese", "infantry_bn", [4, 0], men=800, guns=8),
        ],
        logistics={"soviet": two_soviet_depots(stock_a=80, stock_b=40), "japanese": japanese_logistics([5, 1])},
        air_units=[
            {
                "id": "jp_bombers",
                "name": "Bombers",
                "side": "japanese",
                "type": "ki21",
                "aircraft": 200,
                "pilot_quality": 1.0,
                "base": "jp_field",
                "source": "TEST",
            }
        ],
        turns=14,
    )
    state = new_game(scen, 3)
    totals = {"soviet": 100 + 10, "japanese": 60 + 6}
    phases = 0
    moved_front = set()
    blown = False
    while not is_over(state):
        side = current_actors(state)[0]
        phase = state.phase.phase
        key = (state.turn, state.step)
        if phase == "air" and side == "japanese" and not state.air_orders["japanese"]:
            n = air.available(state, state.air_units["jp_bombers"])
            state, _ = apply(state, AssignAir("japanese", "jp_bombers", "interdiction", "west", n))
        elif phase == "supply" and side == "soviet" and key not in moved_front:
            moved_front.add(key)
            sup = state.logistics["soviet"]
            if sup.front_idle >= 4 and state.depots["su_a"].stock > 0 and state.depots["su_b"].status == "active":
                state, _ = apply(state, RouteTrucks("soviet", "su_a", "su_b", 4))
            if state.turn == 9 and not blown:
                state, _ = apply(state, DestroyDepot("soviet", "su_b"))
                blown = True
        else:
            state, _ = end(state, side)
        phases += 1
        for s in ("soviet", "japanese"):
            assert_balanced(state, s)
            alive = supply.trucks_alive(state, s)
            assert alive["railhead"] + alive["front"] + state.losses[s]["trucks"] == totals[s]
            assert all(c.trucks > 0 or c.leg == "back" for c in state.convoys if c.side == s)
    assert blown and phases > 100
    assert state.losses["soviet"]["trucks"] > 0  # the bombers did hit the road
    assert state.logistics["soviet"].lost_transit > 0
    assert state.logistics["soviet"].lost_depot > 0
    assert state.losses["japanese"]["trucks"] == 0


# --- 4. routing trucks ----------------------------------------------------------------------


@pytest.fixture
def routed(tmp_path):
    scen = build(
        tmp_path,
        [unit("su_inf", "soviet", "rifle_bn", [-7, -3], men=800), unit("jp_inf", "japanese", "infantry_bn", [8, 0], men=800)],
        logistics={
            "soviet": two_soviet_depots(stock_a=100, stock_b=0, routes={"su_a": 1, "su_b": 0}),
            "japanese": japanese_logistics([5, 1]),
        },
    )
    return scen


def test_railhead_routing_sends_new_convoys_where_told(routed):
    state = advance_to(new_game(routed, 1), "supply", "soviet")
    sup = state.logistics["soviet"]
    assert sup.routes == {"su_a": 1, "su_b": 0}  # the scenario's standing routes
    first = [c for c in state.convoys if c.side == "soviet" and c.source == "railhead" and c.leg == "out"]
    assert first and {c.dest for c in first} == {"su_a"}
    total = supply.trucks_alive(state, "soviet")["railhead"]
    assert total == 100
    with pytest.raises(IllegalAction, match="stand idle"):  # the only route cannot be closed first
        apply(state, RouteTrucks("soviet", "railhead", "su_a", 0))
    state, events = apply(state, RouteTrucks("soviet", "railhead", "su_b", total))
    state, _ = apply(state, RouteTrucks("soviet", "railhead", "su_a", 0))
    assert state.logistics["soviet"].routes == {"su_a": 0, "su_b": total}
    assert [e.kind for e in events] == ["routing"] and events[0].data == {"dest": "su_b", "trucks": total}
    mark = state.next_id
    state = advance_to(next_phase(state)[0], "supply", "soviet")  # the next dispatch
    new = [c for c in state.convoys if c.side == "soviet" and c.id >= mark and c.source == "railhead"]
    assert new and all(c.dest == "su_b" and c.leg == "out" for c in new)
    assert sum(c.cargo for c in new) == sum(c.trucks for c in new) * PAYLOAD
    assert not [c for c in state.convoys if c.id >= mark and c.dest == "su_a" and c.leg == "out"]


def test_front_trucks_carry_stock_between_depots(routed):
    state = advance_to(new_game(routed, 1), "supply", "soviet")
    a0, b0 = state.depots["su_a"].stock, state.depots["su_b"].stock
    assert b0 == 0.0 and state.logistics["soviet"].front_idle == 10
    state, events = apply(state, RouteTrucks("soviet", "su_a", "su_b", 3))
    assert state.depots["su_a"].stock == pytest.approx(a0 - 3 * PAYLOAD)  # leaves now
    assert state.depots["su_b"].stock == 0.0  # not there yet
    assert state.logistics["soviet"].front_idle == 7
    front = [c for c in state.convoys if c.leg == "front"]
    assert len(front) == 1 and (front[0].source, front[0].dest, front[0].trucks, front[0].cargo) == ("su_a", "su_b", 3, 6.0)
    assert events[0].kind == "convoy" and events[0].data == {"tons": 6.0}
    assert_balanced(state, "soviet")  # tons on front trucks are still accounted for
    delivered_before = state.logistics["soviet"].delivered
    state = advance_to(next_phase(state)[0], "supply", "soviet")
    assert state.depots["su_b"].stock == pytest.approx(6.0)  # arrived; nobody draws from B
    assert state.logistics["soviet"].front_idle == 10
    assert not [c for c in state.convoys if c.leg == "front"]
    # moving stock between one's own depots is not a delivery from the railhead
    assert state.logistics["soviet"].delivered - delivered_before == pytest.approx(state.logistics["soviet"].delivered_turn)
    assert_balanced(state, "soviet")


@pytest.mark.parametrize(
    "action, words",
    [
        (RouteTrucks("soviet", "railhead", "su_a", 101), "you have 100 trucks on the railhead road, not 101"),
        (RouteTrucks("soviet", "railhead", "su_a", -1), "you have 100 trucks on the railhead road"),
        (RouteTrucks("soviet", "railhead", "nowhere", 5), "'nowhere' is not one of your depots"),
        (RouteTrucks("soviet", "railhead", "jp_depot", 5), "'jp_depot' is not one of your depots"),
        (RouteTrucks("soviet", "su_a", "su_b", 11), "you have 10 trucks free at the front, not 11"),
        (RouteTrucks("soviet", "su_a", "su_b", 0), "you have 10 trucks free at the front, not 0"),
        (RouteTrucks("soviet", "su_b", "su_a", 1), "Depot B is empty"),
        (RouteTrucks("soviet", "su_a", "su_a", 1), "two different depots"),
        (RouteTrucks("soviet", "jp_depot", "su_a", 1), "'jp_depot' is not one of your depots or the railhead"),
        (DestroyDepot("soviet", "jp_depot"), "'jp_depot' is not one of your depots"),
        (DestroyDepot("soviet", "nowhere"), "'nowhere' is not one of your depots"),
    ],
)
def test_bad_truck_orders_are_refused_with_a_reason(routed, action, words):
    state = advance_to(new_game(routed, 1), "supply", "soviet")
    refused(state, action, words)


def test_truck_orders_only_in_ones_own_supply_phase(routed):
    state = advance_to(new_game(routed, 1), "movement", "soviet")
    refused(state, RouteTrucks("soviet", "railhead", "su_a", 10), "supply phase")
    refused(state, DestroyDepot("soviet", "su_a"), "supply phase")
    state = advance_to(state, "supply", "japanese")
    refused(state, RouteTrucks("soviet", "railhead", "su_a", 10), "not the Soviet side's turn")


def test_a_side_without_logistics_cannot_route_trucks(tmp_path):
    scen = build(
        tmp_path,
        [unit("su_inf", "soviet", "rifle_bn", [-7, -3], men=800), unit("jp_inf", "japanese", "infantry_bn", [8, 0], men=800)],
        logistics={"soviet": soviet_logistics([-8, -3])},
    )
    state = advance_to(new_game(scen, 1), "supply", "japanese")
    refused(state, RouteTrucks("japanese", "railhead", "su_depot", 1), "does not model your trucks")
    # and its units are in general supply
    assert state.units["jp_inf"].supply == 1.0 and not state.units["jp_inf"].cut
    assert state.notes["jp_inf"].startswith("General supply")


# --- 5. interdiction ------------------------------------------------------------------------


def _interdiction_game(tmp_path, bomb: bool, seed: int = 5):
    scen = build(
        tmp_path,
        [unit("su_inf", "soviet", "rifle_bn", [-7, -3], men=800), unit("jp_inf", "japanese", "infantry_bn", [8, 0], men=800)],
        logistics={"soviet": soviet_logistics([-8, -3], stock=100)},
        air_units=[
            {
                "id": "jp_bombers",
                "name": "Bombers",
                "side": "japanese",
                "type": "ki30",
                "aircraft": 150,
                "pilot_quality": 1.0,
                "base": "jp_field",
                "source": "TEST",
            },
            {
                "id": "jp_heavy",
                "name": "Heavies",
                "side": "japanese",
                "type": "ki21",
                "aircraft": 150,
                "pilot_quality": 1.0,
                "base": "jp_field",
                "source": "TEST",
            },
        ],
        turns=6,
    )
    assert scen.zone_of[scen.map.index[scen.map.km_to_hex(-8, -3)]] == "west"
    assert scen.zone_of[scen.map.index[scen.logistics["soviet"].entry]] == "west"
    state = new_game(scen, seed)
    by_turn = {}
    while not is_over(state):
        side = current_actors(state)[0]
        if bomb and state.phase.phase == "air" and side == "japanese" and not state.air_orders["japanese"]:
            for au in ("jp_bombers", "jp_heavy"):
                n = air.available(state, state.air_units[au])
                assert n == math.floor(state.air_units[au].aircraft * 0.75) > 0
                state, _ = apply(state, AssignAir("japanese", au, "interdiction", "west", n))
            continue
        state, events = end(state, side)
        for e in events:
            if e.kind == "interdiction":
                by_turn.setdefault(state.turn, []).append(e)
    return scen, state, by_turn


def test_interdiction_cuts_deliveries_by_day_only(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    scen, quiet, none_events = _interdiction_game(tmp_path / "a", bomb=False)
    _, bombed, hits = _interdiction_game(tmp_path / "b", bomb=True)
    assert none_events == {} and quiet.losses["soviet"]["trucks"] == 0
    assert bombed.losses["soviet"]["trucks"] > 0
    assert bombed.logistics["soviet"].lost_transit > 0
    assert bombed.logistics["soviet"].delivered < quiet.logistics["soviet"].delivered
    # the trucks lost account for the tons lost, truck by truck
    assert sum(e.data["trucks"] for es in hits.values() for e in es) == bombed.losses["soviet"]["trucks"]
    assert sum(e.data["tons"] for es in hits.values() for e in es) == pytest.approx(bombed.logistics["soviet"].lost_transit)
    assert bombed.logistics["soviet"].lost_transit == pytest.approx(bombed.losses["soviet"]["trucks"] * PAYLOAD)
    # hits only in day turns (turns 0-2 and 5); turns 3 and 4 are night
    assert scen.night == [False, False, False, True, True, False]
    assert hits and all(not scen.night[t] for t in hits)
    assert_balanced(bombed, "soviet")


def test_no_interdiction_at_night_even_with_sorties_on_record(tmp_path, monkeypatch):
    """Force 1000 bomber sorties over the Soviet road every turn, night included: only day turns bleed."""
    reset = air.reset

    def reset_with_sorties(state):
        reset(state)
        state.air["interdiction"]["japanese"]["west"] = 1000.0

    monkeypatch.setattr(air, "reset", reset_with_sorties)
    scen, _, _ = _interdiction_game(tmp_path, bomb=False)
    state = new_game(scen, 7)
    lost_by_turn = {}
    while not is_over(state):
        state, events = end(state)
        lost = sum(e.data["trucks"] for e in events if e.kind == "interdiction")
        lost_by_turn[state.turn] = lost_by_turn.get(state.turn, 0) + lost
        if state.phase.phase == "supply" and "soviet" in current_actors(state):
            arrived = state.logistics["soviet"].delivered_turn
            assert arrived > 0 or lost > 0  # convoys did reach the depot this turn
    assert scen.night == [False, False, False, True, True, False]
    assert lost_by_turn[3] == 0 and lost_by_turn[4] == 0
    # by day the cap applies: 30 % of each convoy's trucks (floor(n × 0.3 + u))
    assert all(lost_by_turn[t] > 0 for t in (0, 1, 2, 5))
    assert state.losses["soviet"]["trucks"] == sum(lost_by_turn.values())
    assert_balanced(state, "soviet")


# --- 6. depots captured and destroyed --------------------------------------------------------


def _capture_scenario(tmp_path, japanese_trucks: bool):
    logistics = {"soviet": soviet_logistics([-8, -3], stock=100)}
    if japanese_trucks:
        logistics["japanese"] = japanese_logistics([5, 1])
    return build(
        tmp_path,
        [
            unit("su_inf", "soviet", "rifle_bn", [-8, 5], men=800),
            unit("jp_tank", "japanese", "tank_bn", [-6, 0], men=300, tanks=40),
            unit("jp_inf", "japanese", "infantry_bn", [8, 0], men=800),
        ],
        logistics=logistics,
    )


def test_entering_an_enemy_depot_captures_half_its_stock(tmp_path):
    scen = _capture_scenario(tmp_path, japanese_trucks=True)
    state = advance_to(new_game(scen, 1), "movement", "japanese")
    dep = state.depots["su_depot"]
    stock = dep.stock
    assert stock > 0 and dep.side == "soviet"
    lost0 = state.logistics["soviet"].lost_depot
    state, events = apply(state, Move("japanese", "jp_tank", dep.hex))
    assert state.units["jp_tank"].hex == dep.hex
    dep = state.depots["su_depot"]
    assert (dep.side, dep.status) == ("japanese", "active")
    assert dep.stock == pytest.approx(stock * 0.5)
    assert state.logistics["soviet"].lost_depot == pytest.approx(lost0 + stock)
    assert state.logistics["japanese"].captured_in == pytest.approx(stock * 0.5)
    cap = [e for e in events if e.kind == "depot_captured"]
    assert len(cap) == 1 and cap[0].data == {"depot": "su_depot", "side": "japanese"}
    for s in ("soviet", "japanese"):
        assert_balanced(state, s)
    # the Soviet infantry has lost its only depot; Soviet convoys bound there bring their loads back
    state = advance_to(state, "supply", "soviet")
    assert state.units["su_inf"].cut and "no depot within" in state.notes["su_inf"]
    assert state.logistics["soviet"].returned > 0
    assert state.logistics["soviet"].delivered_turn == 0
    for s in ("soviet", "japanese"):
        assert_balanced(state, s)
    # Soviets can no longer route to it, nor blow it up
    refused(state, RouteTrucks("soviet", "railhead", "su_depot", 5), "not one of your depots")
    refused(state, DestroyDepot("soviet", "su_depot"), "not one of your depots")


def test_a_captured_depot_expects_no_enemy_convoys(tmp_path):
    scen = _capture_scenario(tmp_path, japanese_trucks=True)
    state = advance_to(new_game(scen, 1), "movement", "japanese")
    state, _ = apply(state, Move("japanese", "jp_tank", state.depots["su_depot"].hex))
    assert state.depots["su_depot"].side == "japanese"
    soviet_bound = [c for c in state.convoys if c.side == "soviet" and c.dest == "su_depot" and c.leg == "out"]
    assert soviet_bound  # still on the road; they will find the depot in enemy hands
    fc = supply.depot_forecast(state, "su_depot")
    assert fc["inbound"] == 0.0
    assert fc["forecast"] == pytest.approx(state.depots["su_depot"].stock)


def test_a_captor_without_trucks_burns_the_depot(tmp_path):
    scen = _capture_scenario(tmp_path, japanese_trucks=False)
    state = advance_to(new_game(scen, 1), "movement", "japanese")
    stock = state.depots["su_depot"].stock
    state, events = apply(state, Move("japanese", "jp_tank", state.depots["su_depot"].hex))
    dep = state.depots["su_depot"]
    assert (dep.side, dep.status, dep.stock) == ("japanese", "destroyed", 0.0)
    assert state.logistics["soviet"].lost_depot == pytest.approx(stock)
    assert_balanced(state, "soviet")


def test_destroying_ones_own_depot(tmp_path):
    scen = _capture_scenario(tmp_path, japanese_trucks=True)
    state = advance_to(new_game(scen, 1), "supply", "soviet")
    stock = state.depots["su_depot"].stock
    assert stock > 0
    state, events = apply(state, DestroyDepot("soviet", "su_depot"))
    dep = state.depots["su_depot"]
    assert (dep.status, dep.stock, dep.side) == ("destroyed", 0.0, "soviet")
    assert state.logistics["soviet"].lost_depot == pytest.approx(stock)
    assert [e.kind for e in events] == ["depot_destroyed"]
    assert_balanced(state, "soviet")
    refused(state, DestroyDepot("soviet", "su_depot"), "not one of your depots")
    # a destroyed depot cannot be captured
    state = advance_to(state, "movement", "japanese")
    state, events = apply(state, Move("japanese", "jp_tank", dep.hex))
    assert state.depots["su_depot"].side == "soviet" and not [e for e in events if e.kind == "depot_captured"]
    assert state.logistics["japanese"].captured_in == 0.0


# --- 7. reports -----------------------------------------------------------------------------


def test_depot_forecast_and_side_report(routed):
    state = advance_to(new_game(routed, 1), "supply", "soviet")
    sup = state.logistics["soviet"]
    fc = supply.depot_forecast(state, "su_a")
    assert fc["stock"] == state.depots["su_a"].stock > 0
    horizon = routed.turn_start_hours[2]
    inbound = sum(c.cargo for c in state.convoys if c.dest == "su_a" and c.leg == "out" and c.arrive_h < horizon)
    assert fc["inbound"] == pytest.approx(inbound) and fc["inbound"] > 0
    assert fc["last_draw"] == state.logistics["soviet"].draws["su_a"] > 0
    assert fc["forecast"] == pytest.approx(fc["stock"] + fc["inbound"] - fc["last_draw"])
    fb = supply.depot_forecast(state, "su_b")
    assert fb["stock"] == 0.0 and fb["last_draw"] == 0.0 and fb["inbound"] >= 0

    rep = supply.side_report(state, "soviet")
    assert rep["trucks"] == 110 and rep["trucks_lost"] == 0
    assert rep["delivered"] == pytest.approx(sup.delivered, abs=1e-3) and rep["delivered"] > 0
    assert rep["delivered_turn"] == pytest.approx(sup.delivered_turn, abs=1e-3)
    assert rep["consumed"] == pytest.approx(sup.consumed, abs=1e-3) and rep["consumed"] > 0
    assert rep["stock"] == pytest.approx(state.depots["su_a"].stock + state.depots["su_b"].stock, abs=1e-3)
    assert rep["in_flight"] == pytest.approx(sum(c.cargo for c in state.convoys if c.side == "soviet"), abs=1e-3)
    assert rep["lost"] == 0.0
    assert supply.side_report(state, "japanese")["trucks"] == 66
    assert supply.unit_report(state, state.units["su_inf"]).startswith("In supply from Depot A")


def test_the_enemy_sees_neither_convoys_nor_stocks(routed):
    state = advance_to(new_game(routed, 1), "supply", "soviet")
    view = observe(state, "japanese")
    assert not [c for c in view.convoys if c.side == "soviet"]
    assert [c for c in view.convoys if c.side == "japanese"]
    assert view.depots["su_a"].stock == 0.0 and view.depots["su_a"].hex == state.depots["su_a"].hex
    assert view.depots["jp_depot"].stock == state.depots["jp_depot"].stock
    assert set(view.logistics) == {"japanese"}
    assert "soviet" not in view.logistics
    assert "su_inf" not in view.notes


def test_convoys_cannot_drive_through_the_enemy(tmp_path):
    """Enemy units (and their zones of control) across the road from the entry point hold the
    convoys back: nothing is delivered until the road opens again."""
    scen = build(
        tmp_path,
        [unit("su_inf", "soviet", "rifle_bn", [-7, 2], men=800)]
        + [unit(f"jp{i}", "japanese", "infantry_bn", [-9, y], men=800) for i, y in enumerate([-5, -3, -1, 1, 3, 5])],
        logistics={"soviet": soviet_logistics([-4, -3], stock=50)},
    )
    state = new_game(scen, 1)
    # the Japanese line runs north-south between the entry (x = -10) and the depot (x = -4)
    assert supply.road_open(state, "soviet") == set() or scen.map.index[state.depots["su_depot"].hex] not in supply.road_open(
        state, "soviet"
    )
    delivered = 0.0
    for _ in range(3):
        state = advance_to(state, "supply", "soviet")
        delivered += state.logistics["soviet"].delivered_turn
        state, events = end(state)
    assert delivered == 0.0
    assert any(c.leg == "out" and c.cargo > 0 for c in state.convoys)  # still waiting, cargo aboard
    assert_balanced(state, "soviet")
    # the line withdraws: the next supply phase brings the waiting convoys in
    for i in range(6):
        state.units[f"jp{i}"].hex = scen.map.km_to_hex(8, -5 + 2 * i)
    state = advance_to(state, "supply", "soviet")
    assert state.logistics["soviet"].delivered_turn > 0
    assert_balanced(state, "soviet")
