"""Air superiority: hidden allocations, the air battle per zone, control levels and their effects.

Scenarios are hand-built with ``tests/builders.py``: air zones 'west' (x < 0 km) and 'east',
airfields 'su_field' and 'jp_field' 100 km away. A 4 h day turn gives each committed aircraft
(sorties per day) × 4/15 × 0.9 (range) sorties: fighters 0.6, bombers 0.24, recon 0.48.
"""

from __future__ import annotations

import math
import statistics

import pytest
from builders import advance_to, build, refused, unit

from game.actions import AssignAir, Attack, EndPhase
from game.engine import IllegalAction, apply, current_actors, legal_actions, new_game, observe
from game.rules import air, combat
from game.scenario.loader import load_scenario

FIGHTER_SORTIES = 2.5 * 4 / 15 * 0.9
BOMBER_SORTIES = 1.0 * 4 / 15 * 0.9


# --- helpers --------------------------------------------------------------------------------


def air_unit(uid: str, side: str, typ: str, aircraft: int, pilot_quality: float = 1.0, base: str | None = None) -> dict:
    return {
        "id": uid,
        "name": uid.replace("_", " ").title(),
        "side": side,
        "type": typ,
        "aircraft": aircraft,
        "pilot_quality": pilot_quality,
        "base": base or ("su_field" if side == "soviet" else "jp_field"),
        "source": "TEST",
    }


GROUND = [
    unit("su_inf", "soviet", "rifle_bn", [-5, 0], men=800),
    unit("jp_inf", "japanese", "infantry_bn", [5, 0], men=800),
]


def scenario(tmp_path, air_units, units=None, **kw):
    return build(tmp_path, units or GROUND, air_units=air_units, **kw)


def fly(state, *orders: AssignAir):
    """Give the orders in the air phase, then both sides end it: the air battle is fought."""
    assert state.phase.phase == "air" and set(current_actors(state)) == {"soviet", "japanese"}
    for o in orders:
        state, _ = apply(state, o)
    events = []
    for side in ("soviet", "japanese"):
        state, ev = apply(state, EndPhase(side))
        events += ev
    assert state.phase.phase == "supply"
    return state, events


def fighters(tmp_path, su: int = 40, jp: int = 40):
    """I-16 (0.9) with pilots 1.0 against Ki-27 (1.0) with pilots 0.9: equal quality 0.9."""
    return scenario(
        tmp_path,
        [air_unit("su_fighters", "soviet", "i16", su, 1.0), air_unit("jp_fighters", "japanese", "ki27", jp, 0.9)],
    )


# --- 1. control -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "n_su, n_jp, expected",
    [(20, 10, "soviet"), (10, 20, "japanese"), (10, 10, "contested"), (0, 0, "none"), (10, 0, "soviet"), (0, 10, "japanese")],
)
def test_twice_the_fighters_of_equal_quality_win_the_air(tmp_path, n_su, n_jp, expected):
    scen = fighters(tmp_path)
    rules = scen.rules
    q_su = rules.aircraft["i16"].quality * 1.0
    q_jp = rules.aircraft["ki27"].quality * 0.9
    assert q_su == pytest.approx(q_jp)
    for seed in range(6):
        orders = []
        if n_su:
            orders.append(AssignAir("soviet", "su_fighters", "superiority", "east", n_su))
        if n_jp:
            orders.append(AssignAir("japanese", "jp_fighters", "superiority", "east", n_jp))
        state, events = fly(new_game(scen, seed), *orders)
        assert state.air["control"] == {"east": expected, "west": "none"}, seed
        ctl = [e for e in events if e.kind == "air_control"]
        if expected == "none":
            assert ctl == []
        else:
            assert [e.data for e in ctl] == [{"zone": "east", "control": expected}]


def test_the_air_control_index_at_two_to_one(tmp_path):
    """The index is the share of fighter strength left after the battle's expected losses."""
    scen = fighters(tmp_path)
    state, _ = fly(
        new_game(scen, 0),
        AssignAir("soviet", "su_fighters", "superiority", "east", 20),
        AssignAir("japanese", "jp_fighters", "superiority", "east", 10),
    )
    n_su, n_jp = 20 * FIGHTER_SORTIES, 10 * FIGHTER_SORTIES
    kills_su = 0.05 * 0.4 * n_su  # kill_rate × engaged_fraction × sorties × quality ratio 1
    kills_jp = 0.05 * 0.4 * n_jp
    s_su = n_su * 0.9 * (1 - kills_jp / n_su)
    s_jp = n_jp * 0.9 * (1 - kills_su / n_jp)
    ac = s_su / (s_su + s_jp)
    assert ac == pytest.approx(0.6733, abs=1e-3) and ac >= 0.65
    assert state.air["control"]["east"] == "soviet"


# --- 2. hidden allocations ------------------------------------------------------------------


def test_allocations_are_hidden_from_the_enemy(tmp_path):
    scen = scenario(
        tmp_path,
        [
            air_unit("su_fighters", "soviet", "i16", 40),
            air_unit("su_bombers", "soviet", "sb", 20),
            air_unit("jp_fighters", "japanese", "ki27", 40),
        ],
    )
    state = new_game(scen, 1)
    state, events = apply(state, AssignAir("soviet", "su_fighters", "superiority", "east", 25))
    state, more = apply(state, AssignAir("soviet", "su_bombers", "interdiction", "east", 15))
    events += more
    assert [o["unit"] for o in state.air_orders["soviet"]] == ["su_fighters", "su_bombers"]
    assert state.air_units["su_fighters"].assigned == 25
    assert all(e.visible_to == "soviet" for e in events)

    jp = observe(state, "japanese")
    assert jp.air_orders == {"japanese": [], "soviet": []}
    assert jp.air_units["su_fighters"].assigned == 0 and jp.air_units["su_bombers"].assigned == 0
    assert air.available(jp, jp.air_units["su_fighters"]) == 30  # looks untouched
    su = observe(state, "soviet")
    assert su.air_orders["soviet"] == state.air_orders["soviet"]
    assert su.air_units["su_fighters"].assigned == 25
    # the Japanese side still acts in the same phase, without knowing
    assert "japanese" in current_actors(state)
    state, _ = apply(state, AssignAir("japanese", "jp_fighters", "superiority", "west", 10))
    su = observe(state, "soviet")
    assert su.air_orders["japanese"] == [] and su.air_units["jp_fighters"].assigned == 0
    # after the battle, the enemy's interdiction pool stays secret too
    state, _ = fly(state)
    assert state.air["interdiction"]["soviet"]["east"] > 0
    assert observe(state, "japanese").air["interdiction"]["soviet"] == {}


# --- 3. refused orders ----------------------------------------------------------------------


@pytest.fixture
def air_phase(tmp_path):
    scen = scenario(
        tmp_path,
        [
            air_unit("su_fighters", "soviet", "i16", 20),
            air_unit("su_bombers", "soviet", "sb", 20),
            air_unit("jp_fighters", "japanese", "ki27", 20),
            air_unit("jp_recon", "japanese", "ki15", 8),
        ],
    )
    return new_game(scen, 1)


@pytest.mark.parametrize(
    "action, words",
    [
        # floor(20 × 0.75) = 15 serviceable
        (AssignAir("soviet", "su_fighters", "superiority", "east", 16), "has 15 serviceable aircraft free, not 16"),
        (AssignAir("soviet", "su_fighters", "superiority", "east", -1), "not -1"),
        (AssignAir("soviet", "su_fighters", "superiority", "east", 0), "has no order for superiority over east to withdraw"),
        (AssignAir("soviet", "su_fighters", "ground_support", "east", 5), "flies fighters: superiority only"),
        (AssignAir("soviet", "su_bombers", "superiority", "east", 5), "flies bombers"),
        (AssignAir("japanese", "jp_recon", "interdiction", "west", 2), "flies recons: recon only"),
        (AssignAir("soviet", "su_fighters", "superiority", "north", 5), "'north' is not an air zone"),
        (AssignAir("soviet", "su_bombers", "airfield_strike", "su_field", 5), "'su_field' is not an enemy airfield"),
        (AssignAir("soviet", "su_bombers", "airfield_strike", "east", 5), "'east' is not an enemy airfield"),
        (AssignAir("soviet", "su_bombers", "bombing", "east", 5), "unknown mission 'bombing'"),
        (AssignAir("soviet", "jp_fighters", "superiority", "east", 5), "Jp Fighters is not yours to command"),
        (AssignAir("soviet", "nobody", "superiority", "east", 5), "no air unit 'nobody'"),
    ],
)
def test_bad_air_orders_are_refused_with_a_reason(air_phase, action, words):
    refused(air_phase, action, words)


def test_a_second_order_cannot_exceed_what_is_left(air_phase):
    state, _ = apply(air_phase, AssignAir("soviet", "su_fighters", "superiority", "east", 10))
    refused(state, AssignAir("soviet", "su_fighters", "superiority", "west", 6), "has 5 serviceable aircraft free, not 6")
    state, _ = apply(state, AssignAir("soviet", "su_fighters", "superiority", "west", 5))
    refused(state, AssignAir("soviet", "su_fighters", "superiority", "west", 1), "has 0 serviceable aircraft free")
    assert state.air_units["su_fighters"].assigned == 15
    # a new turn frees them again
    state, _ = fly(state)
    state = advance_to(state, "air")
    assert state.turn == 1 and state.air_units["su_fighters"].assigned == 0
    assert air.available(state, state.air_units["su_fighters"]) == math.floor(state.air_units["su_fighters"].aircraft * 0.75)


def test_aircraft_are_assigned_only_in_the_air_phase(air_phase):
    state = advance_to(air_phase, "movement", "soviet")
    refused(state, AssignAir("soviet", "su_fighters", "superiority", "east", 5), "air phase")
    state = advance_to(state, "supply", "japanese")
    refused(state, AssignAir("japanese", "jp_fighters", "superiority", "east", 5), "air phase")
    # once a side has ended the air phase it has no more say in it
    state = advance_to(state, "air")
    state, _ = apply(state, EndPhase("soviet"))
    refused(state, AssignAir("soviet", "su_fighters", "superiority", "east", 5), "not the Soviet side's turn")


# --- 3b. withdrawing an order (AssignAir with 0 aircraft) ------------------------------------


def test_an_order_can_be_withdrawn_until_the_side_ends_its_air_phase(air_phase):
    from game.engine import state_hash

    start = air_phase
    state, _ = apply(start, AssignAir("soviet", "su_fighters", "superiority", "east", 10))
    state, _ = apply(state, AssignAir("soviet", "su_fighters", "superiority", "west", 3))
    state, _ = apply(state, AssignAir("soviet", "su_fighters", "superiority", "east", 2))  # more on the same order
    assert air.order_groups(state.air_orders["soviet"]) == [
        {"unit": "su_fighters", "mission": "superiority", "target": "east", "aircraft": 12},
        {"unit": "su_fighters", "mission": "superiority", "target": "west", "aircraft": 3},
    ]
    state, events = apply(state, AssignAir("soviet", "su_fighters", "superiority", "east", 0))
    # the whole order over 'east' is gone, its 12 aircraft are free again, the other stays
    assert state.air_orders["soviet"] == [{"unit": "su_fighters", "mission": "superiority", "target": "west", "aircraft": 3}]
    assert state.air_units["su_fighters"].assigned == 3
    assert air.available(state, state.air_units["su_fighters"]) == 12
    assert [e.kind for e in events] == ["air_order"] and all(e.visible_to == "soviet" for e in events)
    assert "withdrawn (12 aircraft free again)" in events[0].text
    # nothing of it shows to the enemy, no dice were used
    assert observe(state, "japanese").air_orders["soviet"] == [] and state.rng.state == start.rng.state
    # deterministic, and withdrawing everything gives back the very state before the orders
    state2, _ = apply(state, AssignAir("soviet", "su_fighters", "superiority", "west", 0))
    assert state_hash(state2) == state_hash(start)
    refused(state2, AssignAir("soviet", "su_fighters", "superiority", "west", 0), "no order for superiority over west")
    # another side's order is not yours to withdraw, and once the phase is ended there is no way back
    state3, _ = apply(state, AssignAir("japanese", "jp_fighters", "superiority", "west", 5))
    refused(state3, AssignAir("soviet", "jp_fighters", "superiority", "west", 0), "not yours to command")
    state4, _ = apply(state3, EndPhase("soviet"))
    refused(state4, AssignAir("soviet", "su_fighters", "superiority", "west", 0), "not the Soviet side's turn")
    state5, _ = apply(state4, AssignAir("japanese", "jp_fighters", "superiority", "west", 0))  # the other side still can
    assert state5.air_orders["japanese"] == [] and state5.air_units["jp_fighters"].assigned == 0
    # out of the air phase: refused
    later = advance_to(state5, "movement", "soviet")
    refused(later, AssignAir("soviet", "su_fighters", "superiority", "west", 0), "air phase")


def test_random_assign_and_withdraw_keep_the_books_straight(air_phase):
    """A random playout of orders and withdrawals in the air phase: assigned aircraft always
    equal the orders, nothing goes negative or above the serviceable count, and the same
    actions give the same hash (the random-playout invariants, for the new choice)."""
    from game.actions import from_dict, to_dict
    from game.engine import state_hash
    from game.rng import Rng
    from game.state import State

    for seed in range(12):
        rng = Rng.from_seed(f"withdraw:{seed}")
        state, log = air_phase, []
        for _ in range(40):
            side = current_actors(state)[rng.below(len(current_actors(state)))]
            groups = air.order_groups(state.air_orders[side])
            options = [a for a in legal_actions(state, side) if isinstance(a, AssignAir)]
            options = [AssignAir(side, a.unit, a.mission, a.target, 1 + rng.below(a.aircraft)) for a in options]
            options += [AssignAir(side, g["unit"], g["mission"], g["target"], 0) for g in groups]
            if not options:
                break
            a = options[rng.below(len(options))]
            assert from_dict(to_dict(a)) == a
            state, _ = apply(state, a)
            log.append(a)
            for au in state.air_units.values():
                given = sum(o["aircraft"] for o in state.air_orders[au.side] if o["unit"] == au.id)
                assert au.assigned == given >= 0
                assert 0 <= air.available(state, au) <= math.floor(au.aircraft * 0.75)
            assert State.from_dict(state.to_dict(), state.scenario) == state
        replay = air_phase
        for a in log:
            replay, _ = apply(replay, a)
        assert state_hash(replay) == state_hash(state)
        fly(state)  # the battle still resolves from whatever is left


def test_withdraw_is_not_listed_among_the_legal_actions(air_phase):
    """legal_actions lists whole-unit orders only: a random agent never loops assign/withdraw."""
    state, _ = apply(air_phase, AssignAir("soviet", "su_fighters", "superiority", "east", 10))
    assert all(a.aircraft > 0 for a in legal_actions(state, "soviet") if isinstance(a, AssignAir))


# --- 4. losses ------------------------------------------------------------------------------


def test_aircraft_and_losses_are_accounted_for(tmp_path):
    units = [
        air_unit("su_fighters", "soviet", "i16", 60),
        air_unit("su_bombers", "soviet", "sb", 40),
        air_unit("jp_fighters", "japanese", "ki27", 60, 1.2),
        air_unit("jp_bombers", "japanese", "ki30", 40),
    ]
    scen = scenario(tmp_path, units, turns=3)
    start = {a["id"]: a["aircraft"] for a in units}
    for seed in range(3):
        state = new_game(scen, seed)
        for turn in range(3):
            state = advance_to(state, "air")
            assert state.turn == turn
            orders = [
                ("soviet", "su_fighters", "superiority", "east"),
                ("soviet", "su_bombers", "ground_support", "east"),
                ("japanese", "jp_fighters", "superiority", "east"),
                ("japanese", "jp_bombers", "interdiction", "west"),
            ]
            state, events = fly(
                state, *(AssignAir(s, u, m, z, air.available(state, state.air_units[u])) for s, u, m, z in orders)
            )
            for au in state.air_units.values():
                assert au.aircraft >= 0 and au.aircraft + au.lost == start[au.id]
            for side in ("soviet", "japanese"):
                lost = sum(a.lost for a in state.air_units.values() if a.side == side)
                assert state.losses[side]["aircraft"] == lost
            if turn < 2:
                state, _ = apply(state, EndPhase("soviet"))  # leave the supply phase
        assert state.losses["soviet"]["aircraft"] > 0  # better Japanese pilots: Soviet aircraft fall
        assert state.air_units["jp_bombers"].lost == 0  # nobody met them over the west


def _bomber_losses(scen, seeds, escort: bool):
    lost = []
    for seed in seeds:
        state = new_game(scen, seed)
        orders = [
            AssignAir("soviet", "su_bombers", "ground_support", "east", 75),
            AssignAir("japanese", "jp_fighters", "superiority", "east", 30),
        ]
        if escort:
            orders.append(AssignAir("soviet", "su_fighters", "superiority", "east", 30))
        state, _ = fly(state, *orders)
        lost.append(state.air_units["su_bombers"].lost)
    return lost


def test_unescorted_bombers_lose_at_the_unescorted_rate(tmp_path):
    scen = scenario(
        tmp_path,
        [
            air_unit("su_bombers", "soviet", "sb", 100),
            air_unit("su_fighters", "soviet", "i16", 40),
            air_unit("jp_fighters", "japanese", "ki27", 40),
        ],
    )
    sorties = 75 * BOMBER_SORTIES  # 18
    alone = _bomber_losses(scen, range(300), escort=False)
    expected = sorties * scen.rules.air.unescorted_bomber_loss  # 18 × 0.08 = 1.44
    assert expected == pytest.approx(1.44)
    assert set(alone) <= {1, 2}  # whole part plus one more with the fractional part's chance
    assert statistics.mean(alone) == pytest.approx(expected, abs=0.1)
    escorted = _bomber_losses(scen, range(300), escort=True)
    assert set(escorted) <= {0, 1}
    assert statistics.mean(escorted) == pytest.approx(sorties * scen.rules.air.escorted_bomber_loss, abs=0.1)  # 0.36


def test_bombers_with_no_enemy_fighters_are_not_lost(tmp_path):
    scen = scenario(tmp_path, [air_unit("su_bombers", "soviet", "sb", 100), air_unit("jp_fighters", "japanese", "ki27", 40)])
    for seed in range(5):
        state, _ = fly(
            new_game(scen, seed),
            AssignAir("soviet", "su_bombers", "ground_support", "east", 75),
            AssignAir("japanese", "jp_fighters", "superiority", "west", 30),  # the wrong zone
        )
        assert state.air_units["su_bombers"].lost == 0
        assert state.air["control"] == {"east": "none", "west": "japanese"}
        assert state.air["cas"]["soviet"]["east"] == pytest.approx(75 * BOMBER_SORTIES * 0.6)  # full effect


# --- 5. effects on the ground ---------------------------------------------------------------


ATTACK_UNITS = [
    unit("su_tank", "soviet", "tank_bn", [1.5, 0], men=300, tanks=40),  # east of the river, next to jp_inf
    unit("su_inf", "soviet", "rifle_bn", [-5, 0], men=800),
    unit("jp_inf", "japanese", "infantry_bn", [3, 0], men=800),
    unit("jp_far", "japanese", "infantry_bn", [9, -5], men=800),  # 9 km from any Soviet unit
]


def _mod(preview, words):
    return [m for m in preview.modifiers if m.name.startswith(words)]


def test_superiority_and_close_air_support_strengthen_an_attack(tmp_path):
    scen = scenario(
        tmp_path,
        [
            air_unit("su_fighters", "soviet", "i16", 40),
            air_unit("su_bombers", "soviet", "sb", 200),
            air_unit("jp_fighters", "japanese", "ki27", 40),
        ],
        units=ATTACK_UNITS,
    )
    target = scen.map.km_to_hex(3, 0)
    state, _ = fly(
        new_game(scen, 2),
        AssignAir("soviet", "su_fighters", "superiority", "east", 30),
        AssignAir("soviet", "su_bombers", "ground_support", "east", 150),
    )
    assert state.air["control"]["east"] == "soviet"
    pool = state.air["cas"]["soviet"]["east"]
    assert pool == pytest.approx(150 * BOMBER_SORTIES * 0.6)  # 21.6 t of bombs at full effect
    state = advance_to(state, "combat", "soviet")
    assert state.air["cas"]["soviet"]["east"] == pool  # still there in the combat phase
    preview = combat.combat_outcomes(state, "soviet", target, ("su_tank",))
    sup = _mod(preview, "Air superiority")
    assert len(sup) == 1 and sup[0].factor == pytest.approx(1.1) and sup[0].applies_to == "attack"
    cas = _mod(preview, "Close air support")
    assert len(cas) == 1 and cas[0].factor == pytest.approx(1.25)  # capped at +25 %
    assert preview.cas_used == pytest.approx(0.25 * preview.attack / 1.25 / 25)
    assert preview.cas_used < pool

    # the same attack with no aircraft at all
    quiet = advance_to(new_game(scen, 2), "combat", "soviet")
    base = combat.combat_outcomes(quiet, "soviet", target, ("su_tank",))
    assert not _mod(base, "Air superiority") and not _mod(base, "Close air support")
    assert preview.attack == pytest.approx(base.attack * 1.1 * 1.25)

    # a Japanese attack under Soviet skies meets a defence × 1.1
    assert combat.air_level(state, target, "japanese") == "enemy"
    assert "su_tank" in state.spotted["japanese"]
    jp = combat.combat_outcomes(state, "japanese", state.units["su_tank"].hex, ("jp_inf",))
    enemy_sky = _mod(jp, "Enemy air superiority")
    assert len(enemy_sky) == 1 and enemy_sky[0].factor == pytest.approx(1.1) and enemy_sky[0].applies_to == "defence"
    assert not _mod(jp, "Close air support")

    state, _ = apply(state, Attack("soviet", target, ("su_tank",)))
    assert state.air["cas"]["soviet"]["east"] == pytest.approx(pool - preview.cas_used)


def test_a_small_cas_pool_adds_its_tons_and_is_used_up(tmp_path):
    scen = scenario(tmp_path, [air_unit("su_bombers", "soviet", "sb", 8)], units=ATTACK_UNITS)
    target = scen.map.km_to_hex(3, 0)
    state, _ = fly(new_game(scen, 2), AssignAir("soviet", "su_bombers", "ground_support", "east", 6))
    pool = state.air["cas"]["soviet"]["east"]
    assert pool == pytest.approx(6 * BOMBER_SORTIES * 0.6)  # 0.864 t
    assert state.air["control"]["east"] == "none"  # bombers alone do not make air control
    state = advance_to(state, "combat", "soviet")
    preview = combat.combat_outcomes(state, "soviet", target, ("su_tank",))
    assert not _mod(preview, "Air superiority")
    cas = _mod(preview, "Close air support")
    assert preview.cas_used == pytest.approx(pool)
    attack_before = preview.attack - pool * 25
    assert cas[0].factor == pytest.approx(preview.attack / attack_before) and 1.0 < cas[0].factor < 1.25
    state, _ = apply(state, Attack("soviet", target, ("su_tank",)))
    assert state.air["cas"]["soviet"]["east"] == pytest.approx(0.0)


def test_superiority_reveals_the_enemy_in_the_zone(tmp_path):
    scen = scenario(
        tmp_path,
        [air_unit("su_fighters", "soviet", "i16", 40), air_unit("jp_fighters", "japanese", "ki27", 40)],
        units=ATTACK_UNITS,
    )
    state = new_game(scen, 3)
    assert "jp_far" not in state.spotted["soviet"]
    sky, _ = fly(state, AssignAir("soviet", "su_fighters", "superiority", "east", 30))
    assert sky.air["control"]["east"] == "soviet"
    assert sky.air["recon"]["soviet"] == ["east"]
    assert "jp_far" in sky.spotted["soviet"] and "jp_inf" in sky.spotted["soviet"]
    assert "jp_far" in observe(sky, "soviet").units
    # contested skies show nothing to a side without recon aircraft
    even, _ = fly(
        state,
        AssignAir("soviet", "su_fighters", "superiority", "east", 10),
        AssignAir("japanese", "jp_fighters", "superiority", "east", 10),
    )
    assert even.air["control"]["east"] == "contested"
    assert "jp_far" not in even.spotted["soviet"] and even.air["recon"]["soviet"] == []
    # and the sight lasts only for the turn
    nxt = advance_to(sky, "air")
    assert nxt.turn == 1 and "jp_far" not in nxt.spotted["soviet"]


def _recon_scenario(tmp_path, spots_contested=True):
    scen = scenario(
        tmp_path,
        [
            air_unit("su_fighters", "soviet", "i16", 40),
            air_unit("jp_fighters", "japanese", "ki27", 40, 0.9),
            air_unit("jp_recon", "japanese", "ki15", 8),
        ],
        units=[
            unit("su_inf", "soviet", "rifle_bn", [-5, 0], men=800),  # west zone, 8 km from the Japanese
            unit("jp_inf", "japanese", "infantry_bn", [3, 0], men=800),
        ],
    )
    if not spots_contested:
        path = tmp_path / "ruleset.yaml"
        text = path.read_text(encoding="utf-8")
        assert "recon_spots_contested: true" in text
        path.write_text(text.replace("recon_spots_contested: true", "recon_spots_contested: false"), encoding="utf-8")
        scen = load_scenario(tmp_path / "scenario.yaml")
        assert scen.rules.air.recon_spots_contested is False
    return scen


@pytest.mark.parametrize(
    "n_su, n_jp, recon, seen",
    [
        (10, 10, 6, True),  # contested + recon aircraft: they look
        (10, 10, 0, False),  # contested, no recon
        (20, 10, 6, False),  # Soviet superiority: the recon aircraft cannot get through
        (0, 0, 6, True),  # nobody contests the sky
    ],
)
def test_recon_aircraft_spot_in_a_contested_zone(tmp_path, n_su, n_jp, recon, seen):
    scen = _recon_scenario(tmp_path)
    orders = []
    if n_su:
        orders.append(AssignAir("soviet", "su_fighters", "superiority", "west", n_su))
    if n_jp:
        orders.append(AssignAir("japanese", "jp_fighters", "superiority", "west", n_jp))
    if recon:
        orders.append(AssignAir("japanese", "jp_recon", "recon", "west", recon))
    state, _ = fly(new_game(scen, 4), *orders)
    assert ("su_inf" in state.spotted["japanese"]) is seen
    assert (state.air["recon"]["japanese"] == ["west"]) is seen


def test_recon_spots_contested_switch_is_honoured(tmp_path):
    scen = _recon_scenario(tmp_path, spots_contested=False)
    state, _ = fly(
        new_game(scen, 4),
        AssignAir("soviet", "su_fighters", "superiority", "west", 10),
        AssignAir("japanese", "jp_fighters", "superiority", "west", 10),
        AssignAir("japanese", "jp_recon", "recon", "west", 6),
    )
    assert state.air["control"]["west"] == "contested"
    assert "su_inf" not in state.spotted["japanese"]


# --- 6. airfield strikes --------------------------------------------------------------------


def test_airfield_strike_destroys_aircraft_on_the_ground(tmp_path):
    scen = scenario(
        tmp_path,
        [
            air_unit("su_fighters", "soviet", "i16", 40),
            air_unit("su_bombers", "soviet", "sb", 20),
            air_unit("jp_bombers", "japanese", "ki21", 200),
        ],
    )
    sorties = 150 * BOMBER_SORTIES  # 36
    destroyed = []
    for seed in range(6):
        state, events = fly(new_game(scen, seed), AssignAir("japanese", "jp_bombers", "airfield_strike", "su_field", 150))
        strike = [e for e in events if e.kind == "airfield_strike"]
        assert len(strike) == 1 and strike[0].data["airfield"] == "su_field"
        n = strike[0].data["destroyed"]
        assert n == state.losses["soviet"]["aircraft"]
        assert n == state.air_units["su_fighters"].lost + state.air_units["su_bombers"].lost
        # 36 sorties × 0.05 = 1.8 aircraft, shared 2:1 between the units on the field
        assert 1 <= n <= 3
        for au in state.air_units.values():
            assert au.aircraft + au.lost == {"su_fighters": 40, "su_bombers": 20, "jp_bombers": 200}[au.id]
        # the raiders lose at the escorted rate: 36 × 0.02 = 0.72
        assert state.air_units["jp_bombers"].lost in (0, 1)
        assert state.air["control"] == {"east": "none", "west": "none"}
        destroyed.append(n)
    assert sum(destroyed) / len(destroyed) == pytest.approx(sorties * 0.05, abs=0.5)


def test_striking_an_empty_airfield_destroys_nothing(tmp_path):
    scen = scenario(
        tmp_path, [air_unit("su_fighters", "soviet", "i16", 40, base="su_field"), air_unit("jp_bombers", "japanese", "ki21", 40)]
    )
    # move the Soviet fighters off: a field no one uses
    state = new_game(scen, 1)
    state.air_units["su_fighters"].base = "jp_field"  # test set-up: the Soviet unit flies from elsewhere
    state, events = fly(state, AssignAir("japanese", "jp_bombers", "airfield_strike", "su_field", 30))
    assert [e.data["destroyed"] for e in events if e.kind == "airfield_strike"] == [0]
    assert state.losses["soviet"]["aircraft"] == 0


# --- 7. night -------------------------------------------------------------------------------


def test_no_flying_at_night(tmp_path):
    scen = fighters(tmp_path)
    assert scen.night == [False, False, False, True, True, False]
    state = new_game(scen, 1)
    state, _ = fly(state, AssignAir("soviet", "su_fighters", "superiority", "east", 20))
    assert state.air["control"]["east"] == "soviet"
    skipped = []
    while not state.night:
        state, events = apply(state, EndPhase(current_actors(state)[0]))
        skipped += [e for e in events if e.kind == "phase_skip"]
    assert state.turn == 3
    assert len(skipped) == 1 and "Night" in skipped[0].text
    # the air phase passed by itself: the first thing to play is the Soviet supply phase
    assert state.phase.phase == "supply" and current_actors(state) == ["soviet"]
    assert state.air["control"] == {"east": "none", "west": "none"}
    assert state.air["recon"] == {"soviet": [], "japanese": []}
    refused(state, AssignAir("soviet", "su_fighters", "superiority", "east", 5), "air phase")
    assert not [a for a in legal_actions(state, "soviet") if isinstance(a, AssignAir)]
    assert air.legal_assignments(state, "soviet") == []
    with pytest.raises(IllegalAction, match="no flying at night"):
        air.assign(state.copy(), AssignAir("soviet", "su_fighters", "superiority", "east", 5), [])
    # the two night turns pass without an air phase; the next day has one again
    seen_air = set()
    while state.turn < 5:
        state, _ = apply(state, EndPhase(current_actors(state)[0]))
        if state.phase.phase == "air":
            seen_air.add(state.turn)
    assert seen_air == {5}
    assert not state.night and state.phase.phase == "air"
    assert any(isinstance(a, AssignAir) for a in legal_actions(state, "soviet"))


def test_a_handful_of_fighters_controls_nothing(tmp_path):
    """Fewer fighter sorties over a zone than the ruleset's minimum leave it uncontrolled."""
    scen = scenario(tmp_path, [air_unit("su_f", "soviet", "i16", 2), air_unit("jp_f", "japanese", "ki27", 40)])
    state = advance_to(new_game(scen, 1), "air")
    state, _ = fly(state, AssignAir("soviet", "su_f", "superiority", "west", 1))
    assert state.air["control"]["west"] == "none"
    assert scen.rules.air.control_min_sorties > 1 * air.sortie_rate(state, state.air_units["su_f"])
