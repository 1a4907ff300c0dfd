"""Ground combat on small purpose-built maps: the outcome distribution and its modifiers,
the roll against that distribution, retreat, advance, surrender, loss bookkeeping, refusals
and the attacks ``legal_actions`` offers.

Scenarios come from ``tests/builders.py`` (major river at x = 0 with a bridge at y = -3, a
minor stream along y = 3.3 east of the river, plateau for x < -6, dunes for x > 6). Units start
parked in a row along the southern edge and are put in place by mutating the fresh state at the
start of the combat phase (test set-up); ``fog.recompute`` then lets the attacker see its target.
Most fights happen around T, a steppe hex at (3.5, -1.8) km with no water within two hexes.
"""

from __future__ import annotations

import math
from collections import Counter

import pytest
import yaml
from builders import advance_to, build, unit

from game.actions import Attack, EndPhase
from game.engine import IllegalAction, apply, legal_actions, new_game, state_hash
from game.hexgrid import distance, neighbors
from game.rng import Rng
from game.rules import combat, fog, movement
from game.scenario.loader import SCENARIO_DIR
from game.state import ACTIVE, COUNTS, SURRENDERED

RULES = yaml.safe_load((SCENARIO_DIR / "ruleset.yaml").read_text(encoding="utf-8"))
C = RULES["combat"]
EQ = RULES["equipment"]
DAY = "1939-07-03T08:00"
NIGHT = "1939-07-03T22:00"  # a 4-hour turn centred on midnight

E, NE, NW, W, SW, SE = range(6)  # neighbour directions, hexgrid.DIRECTIONS order

# The cast; men and weapons give round strengths:
#   Soviet rifle battalion attack    800 + 8 × 8 (45 mm AT)   = 864
#   Japanese infantry raw defence    800 + 4 × 14 (37 mm AT)  = 856  (× 1.2 on steppe = 1027.2)
CAST = {
    "su_rifle_1": ("soviet", "rifle_bn", {"men": 800, "guns": 8}),
    "su_rifle_2": ("soviet", "rifle_bn", {"men": 800, "guns": 8}),
    "su_rifle_3": ("soviet", "rifle_bn", {"men": 800, "guns": 8}),
    "su_tank": ("soviet", "tank_bn", {"men": 250, "tanks": 40}),
    "su_art": ("soviet", "artillery_bn", {"men": 400, "guns": 12}),
    "su_weak": ("soviet", "rifle_bn", {"men": 300}),
    "su_reserve": ("soviet", "rifle_bn", {"men": 500}),
    "jp_inf_1": ("japanese", "infantry_bn", {"men": 800, "guns": 4}),
    "jp_inf_2": ("japanese", "infantry_bn", {"men": 800, "guns": 4}),
    "jp_inf_3": ("japanese", "infantry_bn", {"men": 800, "guns": 4}),
    "jp_weak": ("japanese", "infantry_bn", {"men": 300}),
    "jp_reserve": ("japanese", "infantry_bn", {"men": 500}),
}
RIFLE_ATTACK = 800 + 8 * EQ["gun_45mm_at"]["attack"]  # 864
JP_RAW_DEFENCE = 800 + 4 * EQ["gun_37mm_at"]["defence"]  # 856
STEPPE = RULES["terrain"]["steppe"]["defence"]  # 1.2
TANK_ATTACK = 250 * RULES["unit_types"]["tank_bn"]["men_factor"] + 40 * EQ["bt5"]["attack"]  # 50 + 1120


def fight(tmp_path, where, *, side="soviet", start=DAY, seed=1):
    """A fresh state at ``side``'s combat phase with only the units in ``where`` on the map.

    ``where`` maps unit id -> position: "T" (the target hex), a direction 0..5 (the neighbour of
    T that way), or a function of the map giving a hex."""
    units = [unit(uid, CAST[uid][0], CAST[uid][1], [-9.5 + i, -5.5], **CAST[uid][2]) for i, uid in enumerate(where)]
    scen = build(tmp_path, units, start=start)
    state = advance_to(new_game(scen, seed), "combat", side)
    T = target(state)
    for uid, pos in where.items():
        if pos == "T":
            h = T
        elif isinstance(pos, int):
            h = neighbors(T)[pos]
        else:
            h = pos(scen.map)
        state.units[uid].hex = h
    fog.recompute(state)
    return state


def place(state, **where):
    for uid, h in where.items():
        state.units[uid].hex = h
    fog.recompute(state)
    return state


def target(state):
    return state.scenario.map.km_to_hex(3.5, -1.8)


def three_west(m):
    q, r = m.km_to_hex(3.5, -1.8)
    return (q - 3, r)


def mod(preview, start):
    """The factor of the one modifier whose name starts with ``start``."""
    found = [m for m in preview.modifiers if m.name.startswith(start)]
    assert len(found) == 1, f"no single modifier {start!r} in {[m.name for m in preview.modifiers]}"
    return found[0].factor


def names(preview):
    return [m.name for m in preview.modifiers]


def outcomes(state, side, units, at=None):
    return combat.combat_outcomes(state, side, at or target(state), tuple(units))


def resolve(state, side, units, at=None):
    """Resolve on ``state`` itself (mutates it); returns (preview, events)."""
    events = []
    p = combat.resolve(state, Attack(side, at or target(state), tuple(units)), events)
    return p, events


def kinds(events):
    return [e.kind for e in events]


def the(events, kind):
    found = [e for e in events if e.kind == kind]
    assert len(found) == 1, f"expected one {kind!r} event, got {kinds(events)}"
    return found[0]


@pytest.fixture
def tp(tmp_path):
    """A new empty directory per call: one test may build several scenarios."""
    n = iter(range(1000))

    def make():
        p = tmp_path / f"s{next(n)}"
        p.mkdir()
        return p

    return make


def minor_edge(m):
    """(south bank hex, north bank hex) across the stream, both steppe."""
    for (a, b), kind in sorted(m.river_edges.items()):
        ha, hb = m.hexes[a], m.hexes[b]
        xa, ya = m.hex_to_km(ha)
        if kind == "minor" and 2 < xa < 5:
            south, north = (ha, hb) if ya < m.hex_to_km(hb)[1] else (hb, ha)
            return south, north
    raise AssertionError("no stream edge")


def major_edge(m, bridged):
    """(west bank hex, east bank hex) across the major river, at the bridge or away from it."""
    for (a, b), kind in sorted(m.river_edges.items()):
        if kind != "major" or ((a, b) in m.crossings) != bridged:
            continue
        ha, hb = m.hexes[a], m.hexes[b]
        if not bridged and abs(m.hex_to_km(ha)[1]) > 1:
            continue  # near y = 0, away from the bridge at y = -3
        return (ha, hb) if m.hex_to_km(ha)[0] < m.hex_to_km(hb)[0] else (hb, ha)
    raise AssertionError("no river edge")


# --- 1. the outcome distribution ---------------------------------------------------------------


def test_outcomes_are_a_distribution_and_reading_them_changes_nothing(tp):
    state = fight(tp(), {"jp_inf_1": "T", "su_rifle_1": W})
    before, dice = state_hash(state), state.rng.state
    p = outcomes(state, "soviet", ["su_rifle_1"])
    assert state_hash(state) == before
    assert state.rng.state == dice  # no dice thrown

    assert len(p.outcomes) == 5
    assert [o.shift for o in p.outcomes] == [-2, -1, 0, 1, 2]
    assert sum(o.p for o in p.outcomes) == pytest.approx(1.0, abs=1e-9)
    assert p.attack == pytest.approx(RIFLE_ATTACK)
    assert p.defence == pytest.approx(JP_RAW_DEFENCE * STEPPE)
    assert p.odds == pytest.approx(864 / 1027.2)
    for o in p.outcomes:
        assert o.odds == pytest.approx(p.odds * C["column_ratio"] ** o.shift)
        for kind in COUNTS:
            assert o.attacker_losses[kind] >= 0 and o.defender_losses[kind] >= 0
            assert 0 <= o.attacker_rates[kind] <= C["max_loss_share"]
            assert 0 <= o.defender_rates[kind] <= C["max_loss_share"]
    # results by the rolled odds: 0.40 repulsed, 0.58 and 0.84 stall, 1.21 holds, 1.75 retreats
    assert [o.result for o in p.outcomes] == [
        "Attack repulsed",
        "Attack stalls",
        "Attack stalls",
        "Defender holds",
        "Defender retreats",
    ]
    assert [o.retreat for o in p.outcomes] == [0, 0, 0, 0, 1]
    d = [o.defender_losses["men"] for o in p.outcomes]
    assert d == sorted(d) and d[0] < d[-1]
    assert p.attackers == ("su_rifle_1",) and p.defenders == ("jp_inf_1",) and p.artillery == ()


def test_defender_losses_rise_with_the_odds(tp):
    state = fight(tp(), {"jp_inf_1": "T", "su_rifle_1": W, "su_rifle_2": NW, "su_rifle_3": SW})
    before, dice = state_hash(state), state.rng.state
    groups = (["su_rifle_1"], ["su_rifle_1", "su_rifle_2"], ["su_rifle_1", "su_rifle_2", "su_rifle_3"])
    previews = [outcomes(state, "soviet", g) for g in groups]
    assert state_hash(state) == before and state.rng.state == dice
    assert [p.odds for p in previews] == pytest.approx([n * 864 / 1027.2 for n in (1, 2, 3)])
    lost = [p.expected_losses("defender")["men"] for p in previews]
    assert 0 < lost[0] < lost[1] < lost[2]
    assert [p.p_defender_retreats for p in previews] == pytest.approx([0.067, 0.691, 0.933])


# --- 2. rivers ---------------------------------------------------------------------------------


def test_assault_across_the_stream_is_weaker_and_costlier_than_on_open_ground(tp):
    def south(m):
        return minor_edge(m)[0]

    def north(m):
        return minor_edge(m)[1]

    def south_dry(m):  # the same pair of hexes two rows further south: no water between
        h = minor_edge(m)[0]
        return (h[0], h[1] + 2)

    def north_dry(m):
        h = minor_edge(m)[1]
        return (h[0], h[1] + 2)

    wet = fight(tp(), {"jp_inf_1": north, "su_rifle_1": south})
    dry = fight(tp(), {"jp_inf_1": north_dry, "su_rifle_1": south_dry})
    m = wet.scenario.map
    assert m.river_between(wet.units["su_rifle_1"].hex, wet.units["jp_inf_1"].hex) == "minor"
    assert m.river_between(dry.units["su_rifle_1"].hex, dry.units["jp_inf_1"].hex) is None
    assert {m.terrain_at(u.hex) for s in (wet, dry) for u in s.units.values()} == {"steppe"}

    p_wet = outcomes(wet, "soviet", ["su_rifle_1"], wet.units["jp_inf_1"].hex)
    p_dry = outcomes(dry, "soviet", ["su_rifle_1"], dry.units["jp_inf_1"].hex)
    factor = C["river_assault"]["minor"]
    assert p_wet.attack == pytest.approx(p_dry.attack * factor)
    assert p_wet.defence == pytest.approx(p_dry.defence)
    assert p_wet.odds == pytest.approx(p_dry.odds * factor)
    assert mod(p_wet, "River assault") == pytest.approx(factor)
    assert mod(p_wet, "Across water") == pytest.approx(C["river_attacker_losses"])
    assert not [n for n in names(p_dry) if "River" in n or "water" in n]
    # each roll costs the attacker at least the river factor more (worse odds add to it)
    for ow, od in zip(p_wet.outcomes, p_dry.outcomes):
        assert ow.attacker_losses["men"] >= od.attacker_losses["men"] * C["river_attacker_losses"] - 1e-9
    assert p_wet.expected_losses("attacker")["men"] > 1.5 * p_dry.expected_losses("attacker")["men"]


def test_no_assault_across_the_major_river_without_a_crossing(tp):
    state = fight(
        tp(),
        {"jp_inf_1": lambda m: major_edge(m, False)[1], "su_rifle_1": lambda m: major_edge(m, False)[0]},
    )
    h = state.units["jp_inf_1"].hex
    assert "jp_inf_1" in state.spotted["soviet"]
    before = state_hash(state)
    with pytest.raises(IllegalAction, match="no crossing"):
        outcomes(state, "soviet", ["su_rifle_1"], h)
    with pytest.raises(IllegalAction, match="no crossing"):
        apply(state, Attack("soviet", h, ("su_rifle_1",)))
    assert state_hash(state) == before


def test_assault_over_the_bridge_is_allowed_at_the_crossing_factor(tp):
    state = fight(
        tp(),
        {
            "jp_inf_1": lambda m: major_edge(m, True)[1],
            "su_rifle_1": lambda m: major_edge(m, True)[0],
            "su_reserve": lambda m: m.km_to_hex(-8, 4),
        },
    )
    h = state.units["jp_inf_1"].hex
    p = outcomes(state, "soviet", ["su_rifle_1"], h)
    assert mod(p, "River assault") == pytest.approx(C["river_assault"]["crossing"])
    assert p.attack == pytest.approx(RIFLE_ATTACK * C["river_assault"]["crossing"])
    assert mod(p, "Across water") == pytest.approx(C["river_attacker_losses"])
    new, events = apply(state, Attack("soviet", h, ("su_rifle_1",)))
    assert the(events, "combat").data["target"] == h


# --- 3. named modifiers ------------------------------------------------------------------------


def test_dunes_defend_better(tp):
    def dune(m):
        return next(h for h in m.hexes if m.terrain_at(h) == "dunes" and m.terrain_at(neighbors(h)[W]) == "steppe")

    def before_dune(m):
        return neighbors(dune(m))[W]

    state = fight(tp(), {"jp_inf_1": dune, "su_rifle_1": before_dune})
    p = outcomes(state, "soviet", ["su_rifle_1"], state.units["jp_inf_1"].hex)
    assert mod(p, "Terrain: sand dunes") == pytest.approx(1.4)
    assert p.defence == pytest.approx(JP_RAW_DEFENCE * 1.4)


def test_defender_on_the_plateau_holds_the_higher_ground(tp):
    def plateau(m):
        return next(
            h
            for h in m.hexes
            if m.terrain_at(h) == "plateau" and m.contains(neighbors(h)[E]) and m.terrain_at(neighbors(h)[E]) == "steppe"
        )

    def below(m):
        return neighbors(plateau(m))[E]

    up = fight(tp(), {"jp_inf_1": plateau, "su_rifle_1": below})
    p = outcomes(up, "soviet", ["su_rifle_1"], up.units["jp_inf_1"].hex)
    assert mod(p, "Defender on higher ground") == pytest.approx(C["higher_ground_defence"])
    # plateau and steppe have the same terrain factor: the height alone makes the difference
    assert p.defence == pytest.approx(JP_RAW_DEFENCE * 1.2 * C["higher_ground_defence"])
    assert "Attacking from higher ground" not in names(p)

    down = fight(tp(), {"jp_inf_1": below, "su_rifle_1": plateau})
    p = outcomes(down, "soviet", ["su_rifle_1"], down.units["jp_inf_1"].hex)
    assert mod(p, "Attacking from higher ground") == pytest.approx(C["attacker_higher_ground"])
    assert p.attack == pytest.approx(RIFLE_ATTACK * C["attacker_higher_ground"])
    assert "Defender on higher ground" not in names(p)


@pytest.mark.parametrize(
    "hours, posture, defence, vulnerability",
    [(4, "hasty defence", 1.3, 0.7), (16, "prepared defence", 1.5, 0.6)],
)
def test_dug_in_defenders(tp, hours, posture, defence, vulnerability):
    state = fight(tp(), {"jp_inf_1": "T", "su_rifle_1": W})
    open_ground = outcomes(state, "soviet", ["su_rifle_1"])
    assert not [n for n in names(open_ground) if "dug in" in n.lower()]
    state.units["jp_inf_1"].entrench_h = hours
    p = outcomes(state, "soviet", ["su_rifle_1"])
    assert mod(p, f"Defender dug in ({posture})") == pytest.approx(defence)
    assert mod(p, "Dug in: defender casualties") == pytest.approx(vulnerability)
    assert p.defence == pytest.approx(open_ground.defence * defence)
    # still one step below the next posture
    state.units["jp_inf_1"].entrench_h = hours - 0.5
    assert f"Defender dug in ({posture})" not in names(outcomes(state, "soviet", ["su_rifle_1"]))


def test_soviet_attacks_are_weaker_at_night(tp):
    day = fight(tp(), {"jp_inf_1": "T", "su_rifle_1": W})
    night = fight(tp(), {"jp_inf_1": "T", "su_rifle_1": W}, start=NIGHT)
    assert not day.night and night.night
    p_day = outcomes(day, "soviet", ["su_rifle_1"])
    p_night = outcomes(night, "soviet", ["su_rifle_1"])
    assert mod(p_night, "Night attack") == pytest.approx(RULES["sides"]["soviet"]["night_attack"])
    assert p_night.attack == pytest.approx(p_day.attack * RULES["sides"]["soviet"]["night_attack"])
    assert "Night attack" not in names(p_day)


def test_japanese_night_attacks_keep_their_strength(tp):
    where = {"su_rifle_1": "T", "jp_inf_1": W}
    day = fight(tp(), where, side="japanese")
    night = fight(tp(), where, side="japanese", start=NIGHT)
    assert night.night and RULES["sides"]["japanese"]["night_attack"] == 1.0
    p_day = outcomes(day, "japanese", ["jp_inf_1"])
    p_night = outcomes(night, "japanese", ["jp_inf_1"])
    assert p_night.attack == pytest.approx(p_day.attack)
    assert p_night.odds == pytest.approx(p_day.odds)
    assert "Night attack" not in names(p_night)
    assert mod(p_night, "Night: casualties") == pytest.approx(C["night_losses"])  # both sides fight blind


def test_combined_arms_tanks_with_infantry(tp):
    state = fight(tp(), {"jp_inf_1": "T", "su_rifle_1": W, "su_tank": NW})
    p = outcomes(state, "soviet", ["su_rifle_1", "su_tank"])
    assert mod(p, "Combined arms") == pytest.approx(C["combined_arms"])
    assert p.attack == pytest.approx((RIFLE_ATTACK + TANK_ATTACK) * C["combined_arms"])
    assert "Armour without infantry: vehicle losses" not in names(p)
    alone = outcomes(state, "soviet", ["su_rifle_1"])
    assert "Combined arms (tanks with infantry)" not in names(alone)


def test_tanks_without_infantry_lose_more_tanks(tp):
    state = fight(tp(), {"jp_inf_1": "T", "su_rifle_1": W, "su_tank": NW})
    alone = outcomes(state, "soviet", ["su_tank"])
    together = outcomes(state, "soviet", ["su_rifle_1", "su_tank"])
    x = C["armour_alone_tank_losses"]
    assert mod(alone, "Armour without infantry") == pytest.approx(x)
    assert "Combined arms (tanks with infantry)" not in names(alone)
    # The two attacks differ in odds and size, which scale every rate alike; the tank rate
    # relative to the men's rate isolates the tank-loss factor at any odds.
    tank_factor = C["kind_loss_factor"]["attacker"]["tanks"]
    for oa, ot in zip(alone.outcomes, together.outcomes):
        # the same tanks face the same guns either way: the anti-tank factor is common to both
        at = mod(alone, "Anti-tank fire")
        assert mod(together, "Anti-tank fire") == pytest.approx(at)
        assert oa.attacker_rates["tanks"] / oa.attacker_rates["men"] == pytest.approx(tank_factor * x * at)
        assert ot.attacker_rates["tanks"] / ot.attacker_rates["men"] == pytest.approx(tank_factor * at)
    # equal odds: give the lone tanks the strength of the combined attack (quality moves
    # strength only, not the size that sets the rates' base) and compare the expected tank losses
    base = outcomes(state, "soviet", ["su_tank"])
    state.units["su_tank"].quality = together.odds / base.odds
    equal = outcomes(state, "soviet", ["su_tank"])
    assert equal.odds == pytest.approx(together.odds)
    share_alone = equal.expected_losses("attacker")["tanks"] / 40
    share_together = together.expected_losses("attacker")["tanks"] / 40
    # the rates' base still differs by the attackers' size (their combat weight, models §1.5)
    sf = C["size_factor"]

    def size(n):
        return min(sf["max"], max(sf["min"], (n / sf["reference_men"]) ** sf["exponent"]))

    assert share_alone / share_together == pytest.approx(x * size(TANK_ATTACK) / size(TANK_ATTACK + RIFLE_ATTACK))


def test_tanks_alone_cannot_make_a_prepared_defender_retreat(tp):
    state = fight(tp(), {"jp_weak": "T", "su_tank": W})
    state.units["su_tank"].tanks = 100  # overwhelming: 50 + 100 × 28 = 2850 riflemen
    state.units["jp_weak"].entrench_h = 4  # hasty: tanks can still drive it out
    hasty = outcomes(state, "soviet", ["su_tank"])
    assert hasty.odds / C["column_ratio"] ** 2 >= 1.6
    assert all(o.retreat > 0 for o in hasty.outcomes)
    state.units["jp_weak"].entrench_h = 16  # prepared
    p = outcomes(state, "soviet", ["su_tank"])
    assert p.odds / C["column_ratio"] ** 2 >= 1.6  # every roll would be a retreat result...
    assert all(o.retreat == 0 for o in p.outcomes)  # ...but tanks cannot clear trenches
    assert p.p_defender_retreats == 0
    assert any("dug-in" in n for n in p.notes)
    _, events = resolve(state, "soviet", ["su_tank"])
    assert "retreat" not in kinds(events) and state.units["jp_weak"].hex == target(state)


# --- 4. the roll follows the distribution ------------------------------------------------------


def test_resolve_rolls_the_outcome_distribution(tp):
    state = fight(tp(), {"jp_inf_1": "T", "su_rifle_1": W, "su_rifle_2": NW})
    attack = Attack("soviet", target(state), ("su_rifle_1", "su_rifle_2"))
    p = combat.combat_outcomes(state, "soviet", attack.target, attack.units)
    expected_men = p.expected_losses("defender")["men"]
    assert expected_men > 20
    n = 2000
    shifts: Counter[int] = Counter()
    men_lost = 0
    for i in range(n):
        s = state.copy()
        s.rng = Rng.from_seed(i)
        events = []
        combat.resolve(s, attack, events)
        data = the(events, "combat").data
        shifts[data["shift"]] += 1
        men_lost += data["defender_losses"]["men"]
        assert data["result"] == next(o.result for o in p.outcomes if o.shift == data["shift"])
    chi2 = sum((shifts[o.shift] - n * o.p) ** 2 / (n * o.p) for o in p.outcomes)
    assert chi2 < 18.5, (chi2, dict(shifts))  # 4 degrees of freedom, p ≈ 0.001
    assert men_lost / n == pytest.approx(expected_men, rel=0.10)


# --- 5. encircled units ------------------------------------------------------------------------


def surrounded(tp, defender, attackers, side):
    """``defender`` at T with ``attackers`` on every other neighbour: their zones of control
    cover all six hexes around it. ``side`` attacks."""
    where = {defender: "T", attackers[0]: E, attackers[1]: NW, attackers[2]: SW}
    # a battalion far away keeps the defending side in the game after the surrender
    where["jp_reserve" if side == "soviet" else "su_reserve"] = lambda m: m.km_to_hex(-8, 4)
    return fight(tp(), where, side=side)


def spy_surrender(monkeypatch):
    """Record how many men a unit still has when it is taken off the map."""
    seen = []
    real = combat.remove_unit

    def spy(state, u, status, events, prisoner_share=0.0):
        seen.append((u.id, u.men, status, prisoner_share))
        return real(state, u, status, events, prisoner_share)

    monkeypatch.setattr(combat, "remove_unit", spy)
    return seen


def assert_no_way_out(state, uid):
    u = state.units[uid]
    enemies = [e for e in state.units.values() if e.side != u.side and e.status == ACTIVE]
    zoc = movement.zoc_of(state.scenario, enemies)
    for h in neighbors(u.hex):
        assert state.scenario.map.index[h] in zoc


@pytest.mark.parametrize("cut_off", ["cut", "no_supply"])
def test_encircled_soviet_battalion_out_of_supply_surrenders(tp, monkeypatch, cut_off):
    state = surrounded(tp, "su_weak", ["jp_inf_1", "jp_inf_2", "jp_inf_3"], "japanese")
    su = state.units["su_weak"]
    if cut_off == "cut":
        su.cut = True
    else:
        su.supply = 0.0
    assert_no_way_out(state, "su_weak")
    attackers = ["jp_inf_1", "jp_inf_2", "jp_inf_3"]
    p = outcomes(state, "japanese", attackers)
    assert all(o.retreat > 0 for o in p.outcomes)
    men0 = su.men
    seen = spy_surrender(monkeypatch)
    losses0 = dict(state.losses["soviet"])
    _, events = resolve(state, "japanese", attackers)

    fought = the(events, "combat").data["defender_losses"]["men"]
    assert [s[0] for s in seen] == ["su_weak"]
    _, men_left, status, share = seen[0]
    assert status == SURRENDERED and share == RULES["sides"]["soviet"]["prisoner_share"] == 0.5
    # the blocked retreat costs another 15 % first
    after_combat = men0 - fought
    extra = after_combat - men_left
    assert (
        math.floor(after_combat * C["blocked_retreat_losses"]) <= extra <= math.ceil(after_combat * C["blocked_retreat_losses"])
    )
    prisoners = round(men_left * 0.5)
    assert prisoners > 0
    assert su.status == SURRENDERED and su.hex is None and su.men == 0
    assert su.lost["men"] == men0
    assert state.losses["soviet"]["men"] - losses0["men"] == men0  # prisoners count as losses
    assert state.prisoners["soviet"] == prisoners
    ev = the(events, "surrender")
    assert ev.data == {"unit": "su_weak", "prisoners": prisoners}
    assert f"surrenders ({prisoners} prisoners)" in ev.text
    # the hex is empty now: the first attacker takes it
    assert state.units["jp_inf_1"].hex == target(state)
    assert the(events, "advance").data["unit"] == "jp_inf_1"


def test_encircled_japanese_battalion_fights_to_the_last(tp, monkeypatch):
    state = surrounded(tp, "jp_weak", ["su_rifle_1", "su_rifle_2", "su_rifle_3"], "soviet")
    jp = state.units["jp_weak"]
    jp.cut = True
    assert_no_way_out(state, "jp_weak")
    attackers = ["su_rifle_1", "su_rifle_2", "su_rifle_3"]
    assert all(o.retreat > 0 for o in outcomes(state, "soviet", attackers).outcomes)
    men0 = jp.men
    seen = spy_surrender(monkeypatch)
    _, events = resolve(state, "soviet", attackers)
    _, men_left, status, share = seen[0]
    assert share == RULES["sides"]["japanese"]["prisoner_share"] == 0.03
    prisoners = round(men_left * 0.03)
    assert prisoners <= 0.05 * men_left
    ev = the(events, "surrender")
    assert "wiped out fighting to the last" in ev.text and f"({prisoners} taken prisoner)" in ev.text
    assert ev.data["prisoners"] == prisoners == state.prisoners["japanese"]
    assert jp.status == SURRENDERED and jp.hex is None and jp.lost["men"] == men0


def test_encircled_unit_still_in_supply_holds_at_heavy_cost(tp):
    state = surrounded(tp, "su_weak", ["jp_inf_1", "jp_inf_2", "jp_inf_3"], "japanese")
    su = state.units["su_weak"]
    assert su.supply == 1.0 and not su.cut
    attackers = ["jp_inf_1", "jp_inf_2", "jp_inf_3"]
    assert all(o.retreat > 0 for o in outcomes(state, "japanese", attackers).outcomes)
    men0 = su.men
    _, events = resolve(state, "japanese", attackers)
    fought = the(events, "combat").data["defender_losses"]["men"]
    assert "surrender" not in kinds(events) and "retreat" not in kinds(events)
    assert the(events, "retreat_blocked").data["unit"] == "su_weak"
    assert su.status == ACTIVE and su.hex == target(state)
    extra = (men0 - fought) - su.men
    assert extra >= math.floor((men0 - fought) * C["blocked_retreat_losses"]) > 0
    assert state.prisoners.get("soviet", 0) == 0
    assert "advance" not in kinds(events)


# --- 6. retreat and advance --------------------------------------------------------------------


def test_beaten_defender_falls_back_and_the_attacker_follows(tp):
    state = fight(tp(), {"jp_weak": "T", "su_rifle_1": W, "su_rifle_2": NW, "su_rifle_3": SW})
    attackers = ["su_rifle_2", "su_rifle_1", "su_rifle_3"]
    p = outcomes(state, "soviet", attackers)
    assert all(o.retreat > 0 for o in p.outcomes)
    T = target(state)
    threats = {uid: state.units[uid].hex for uid in attackers}
    _, events = resolve(state, "soviet", attackers)
    jp = state.units["jp_weak"]
    assert jp.status == ACTIVE
    assert the(events, "retreat").data == {"unit": "jp_weak", "to": jp.hex}
    assert min(distance(jp.hex, h) for h in threats.values()) > 1
    enemies = [u for u in state.units.values() if u.side == "soviet" and u.status == ACTIVE]
    assert state.scenario.map.index[jp.hex] not in movement.zoc_of(state.scenario, enemies)
    assert jp.entrench_h == 0
    # the first listed ground attacker moves in; the others stay
    assert the(events, "advance").data == {"unit": "su_rifle_2", "to": T}
    assert state.units["su_rifle_2"].hex == T
    assert state.units["su_rifle_1"].hex == threats["su_rifle_1"]
    assert state.units["su_rifle_3"].hex == threats["su_rifle_3"]


def test_rout_goes_two_hexes_away(tp):
    state = fight(tp(), {"jp_weak": "T", "su_rifle_1": W, "su_rifle_2": NW, "su_rifle_3": SW})
    attackers = ["su_rifle_1", "su_rifle_2", "su_rifle_3"]
    threats = [state.units[u].hex for u in attackers]
    for seed in range(20):
        s = state.copy()
        s.rng = Rng.from_seed(seed)
        p, events = resolve(s, "soviet", attackers)
        rolled = next(o for o in p.outcomes if o.shift == the(events, "combat").data["shift"])
        jp = s.units["jp_weak"]
        assert distance(jp.hex, target(s)) == rolled.retreat
        assert min(distance(jp.hex, h) for h in threats) == 1 + rolled.retreat


def test_retreat_may_end_in_enemy_zoc_only_next_to_friends(tp):
    # every hex around T is in a Soviet zone of control, but a friendly battalion holds one
    where = {"jp_weak": "T", "su_rifle_1": E, "su_rifle_2": NW, "su_rifle_3": SW, "jp_reserve": NE}
    state = fight(tp(), where)
    attackers = ["su_rifle_1", "su_rifle_2", "su_rifle_3"]
    assert all(o.retreat > 0 for o in outcomes(state, "soviet", attackers).outcomes)
    _, events = resolve(state, "soviet", attackers)
    jp = state.units["jp_weak"]
    assert jp.status == ACTIVE and "surrender" not in kinds(events)
    enemies = [u for u in state.units.values() if u.side == "soviet" and u.status == ACTIVE]
    zoc = movement.zoc_of(state.scenario, enemies)
    friends = [u for u in state.units_at(jp.hex) if u.side == "japanese" and u.id != "jp_weak"]
    assert state.scenario.map.index[jp.hex] not in zoc or friends


def test_artillery_alone_never_forces_a_retreat_nor_loses_men(tp):
    state = fight(tp(), {"jp_weak": "T", "su_art": three_west})
    state.units["su_art"].guns = 60  # a huge bombardment: odds far above any retreat result
    assert "jp_weak" not in state.spotted["soviet"]  # the gunners see 1 km...
    state.spotted["soviet"] = ["jp_weak"]  # ...a patrol has reported the target (test set-up)
    p = outcomes(state, "soviet", ["su_art"])
    assert p.artillery == ("su_art",) and p.attackers == ()
    assert p.odds / C["column_ratio"] ** 2 >= 3.0
    assert all(o.retreat == 0 for o in p.outcomes)
    assert all(v == 0 for o in p.outcomes for v in o.attacker_losses.values())
    assert any("Bombardment only" in n for n in p.notes)
    for seed in range(30):
        s = state.copy()
        s.rng = Rng.from_seed(seed)
        _, events = resolve(s, "soviet", ["su_art"])
        assert s.units["jp_weak"].hex == target(s)
        assert not {"retreat", "advance", "retreat_blocked", "surrender"} & set(kinds(events))
        assert s.units["su_art"].men == 400 and s.units["su_art"].guns == 60
        assert s.units["su_art"].acted


def se2(m):
    """Two hexes south-east of T."""
    q, r = m.km_to_hex(3.5, -1.8)
    return (q, r + 2)


def test_advancing_unit_sees_from_the_hex_it_takes(tp):
    # jp_reserve is 3 hexes from both attackers (unseen) and 2 from T, where the winner advances
    state = fight(tp(), {"jp_weak": "T", "su_rifle_1": W, "su_rifle_2": NW, "jp_reserve": se2})
    assert "jp_reserve" not in state.spotted["soviet"]
    assert all(o.retreat > 0 for o in outcomes(state, "soviet", ["su_rifle_1", "su_rifle_2"]).outcomes)
    _, events = resolve(state, "soviet", ["su_rifle_1", "su_rifle_2"])
    assert state.units["su_rifle_1"].hex == target(state)
    assert distance(target(state), state.units["jp_reserve"].hex) <= 2  # within a rifle battalion's sight
    # a unit that moves in (movement phase) sees what is around its new hex at once; one that
    # advances after combat should too, so the rest of the phase can use what it sees
    assert "jp_reserve" in state.spotted["soviet"]
    assert any(e.kind == "spotted" and e.data["unit"] == "jp_reserve" for e in events)


def test_unit_destroyed_while_unable_to_retreat_is_eliminated_not_surrendered(tp):
    state = surrounded(tp, "su_weak", ["jp_inf_1", "jp_inf_2", "jp_inf_3"], "japanese")
    su = state.units["su_weak"]
    su.men = 1  # the last man; in supply, not cut off
    threats = [state.units[u].hex for u in ("jp_inf_1", "jp_inf_2", "jp_inf_3")]
    found = False
    for seed in range(60):
        s = state.copy()
        s.rng = Rng.from_seed(seed)
        events = []
        combat.retreat(s, s.units["su_weak"], 1, threats, events)
        if s.units["su_weak"].men == 0:  # this roll took the last man
            found = True
            assert s.units["su_weak"].status == "eliminated"
            assert "surrender" not in kinds(events)
            assert s.prisoners.get("soviet", 0) == 0
            break
    assert found


# --- 7. men are conserved ----------------------------------------------------------------------

SCENES = {
    "retreat": (
        {"jp_weak": "T", "su_rifle_1": W, "su_rifle_2": NW, "su_rifle_3": SW},
        "soviet",
        ["su_rifle_1", "su_rifle_2", "su_rifle_3"],
    ),
    "even fight": ({"jp_inf_1": "T", "su_rifle_1": W}, "soviet", ["su_rifle_1"]),
    "tanks and infantry": ({"jp_inf_1": "T", "su_rifle_1": W, "su_tank": NW}, "soviet", ["su_rifle_1", "su_tank"]),
    "tanks alone": ({"jp_weak": "T", "su_tank": W}, "soviet", ["su_tank"]),
    "with guns": ({"jp_inf_1": "T", "su_rifle_1": W, "su_art": NW}, "soviet", ["su_rifle_1", "su_art"]),
    "surrender": (
        {"su_weak": "T", "jp_inf_1": E, "jp_inf_2": NW, "jp_inf_3": SW},
        "japanese",
        ["jp_inf_1", "jp_inf_2", "jp_inf_3"],
    ),
}


@pytest.mark.parametrize("scene", sorted(SCENES))
def test_every_man_and_weapon_is_accounted_for(tp, scene):
    where, side, attackers = SCENES[scene]
    state = fight(tp(), where, side=side)
    if scene == "surrender":
        state.units["su_weak"].cut = True
    seen = Counter()
    for seed in range(15):
        s = state.copy()
        s.rng = Rng.from_seed(seed)
        before = {uid: {k: getattr(u, k) + u.lost[k] for k in COUNTS} for uid, u in s.units.items()}
        lost0 = {uid: dict(u.lost) for uid, u in s.units.items()}
        side_losses0 = {sd: dict(v) for sd, v in s.losses.items()}
        _, events = resolve(s, side, attackers)
        seen.update(kinds(events))
        for uid, u in s.units.items():
            assert {k: getattr(u, k) + u.lost[k] for k in COUNTS} == before[uid], uid
            assert all(getattr(u, k) >= 0 for k in COUNTS)
        for sd in s.losses:
            for k in COUNTS:
                units_delta = sum(u.lost[k] - lost0[uid][k] for uid, u in s.units.items() if u.side == sd)
                assert s.losses[sd][k] - side_losses0[sd][k] == units_delta, (sd, k)
        data = the(events, "combat").data
        for k in COUNTS:  # the attackers lose exactly what the combat report says
            assert data["attacker_losses"][k] == sum(s.units[u].lost[k] - lost0[u][k] for u in attackers)
    assert seen["combat"] == 15
    if scene == "surrender":
        assert seen["surrender"] == 15
    if scene == "retreat":
        assert seen["retreat"] == 15


# --- 8. refusals -------------------------------------------------------------------------------


def two_west(m):
    q, r = m.km_to_hex(3.5, -1.8)
    return (q - 2, r)


def nine_west(m):
    q, r = m.km_to_hex(3.5, -1.8)
    return (q - 9, r)


def four_east(m):
    q, r = m.km_to_hex(3.5, -1.8)
    return (q + 4, r)


REFUSALS = {
    # name: (set-up on the state, attack (side, target or None for T, units), words)
    "not adjacent": (None, ("soviet", None, ("su_rifle_2",)), "su_rifle_2 is not next to"),
    "guns out of range": (None, ("soviet", None, ("su_art",)), "its guns reach 8 km"),
    "empty hex": (None, ("soviet", "E", ("su_rifle_1",)), "no enemy is known"),
    "enemy not spotted": (  # guns in range, but nobody sees the target
        lambda s: setattr(s.units["su_art"], "hex", three_west(s.scenario.map)),
        ("soviet", "jp_inf_2", ("su_art",)),
        "no enemy is known",
    ),
    "already fought": (
        lambda s: setattr(s.units["su_rifle_1"], "acted", True),
        ("soviet", None, ("su_rifle_1",)),
        "already fought this phase",
    ),
    "no ammunition": (
        lambda s: setattr(s.units["su_rifle_1"], "supply", 0.0),
        ("soviet", None, ("su_rifle_1",)),
        "no ammunition",
    ),
    "disorganised": (
        lambda s: setattr(s.units["su_rifle_1"], "cohesion", 10.0),
        ("soviet", None, ("su_rifle_1",)),
        "too disorganised",
    ),
    "enemy unit": (None, ("soviet", None, ("su_rifle_1", "jp_inf_2")), "jp_inf_2 is not yours to command"),
    "listed twice": (None, ("soviet", None, ("su_rifle_1", "su_rifle_1")), "listed twice"),
    "no such unit": (None, ("soviet", None, ("su_ghost",)), "there is no unit 'su_ghost'"),
    "nobody": (None, ("soviet", None, ()), "choose at least one unit"),
    "off the map": (None, ("soviet", (99, 99), ("su_rifle_1",)), "off the map"),
    "not on the map": (
        lambda s: (setattr(s.units["su_tank"], "status", "eliminated"), setattr(s.units["su_tank"], "hex", None)),
        ("soviet", None, ("su_rifle_1", "su_tank")),
        "su_tank is not on the map",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_refused_attacks_change_nothing_and_say_why(tp, case):
    setup, (side, where, units), words = REFUSALS[case]
    state = fight(
        tp(),
        {
            "jp_inf_1": "T",
            "jp_inf_2": four_east,
            "su_rifle_1": W,
            "su_rifle_2": two_west,
            "su_art": nine_west,
            "su_tank": NW,
        },
    )
    if setup:
        setup(state)
    T = target(state)
    at = {None: T, "E": neighbors(T)[E], "jp_inf_2": state.units["jp_inf_2"].hex}.get(where, where)
    assert "jp_inf_2" not in state.spotted["soviet"]
    attack = Attack(side, at, units)
    before = state_hash(state)
    with pytest.raises(IllegalAction) as exc:
        apply(state, attack)
    assert words in exc.value.reason
    # the rules refuse before touching anything, even when called on the state itself
    with pytest.raises(IllegalAction):
        combat.resolve(state, attack, [])
    with pytest.raises(IllegalAction):
        combat.combat_outcomes(state, side, at, units)
    assert state_hash(state) == before


def test_a_unit_attacks_once_per_phase(tp):
    state = fight(tp(), {"jp_inf_1": "T", "su_art": three_west, "su_rifle_1": W})
    first = Attack("soviet", target(state), ("su_art",))  # guns alone: the target stays put
    state, events = apply(state, first)
    assert the(events, "combat").data["side"] == "soviet" and state.units["su_art"].acted
    before = state_hash(state)
    with pytest.raises(IllegalAction, match="su_art has already fought this phase"):
        apply(state, first)
    assert state_hash(state) == before
    state, _ = apply(state, Attack("soviet", target(state), ("su_rifle_1",)))  # others still may
    # the next combat phase of the side the guns may fire again
    state = advance_to(apply(state, EndPhase("soviet"))[0], "combat", "soviet")
    assert not state.units["su_art"].acted


def test_attacks_only_in_the_own_combat_phase(tp):
    state = fight(tp(), {"jp_inf_1": "T", "su_rifle_1": W, "su_reserve": lambda m: m.km_to_hex(-8, 4)})
    attack = Attack("soviet", target(state), ("su_rifle_1",))
    # the Soviet movement phase of the next turn
    moving = advance_to(apply(state, EndPhase("soviet"))[0], "movement", "soviet")
    place(moving, su_rifle_1=neighbors(target(state))[W], jp_inf_1=target(state))
    before = state_hash(moving)
    with pytest.raises(IllegalAction, match="attacks are made in the combat phase"):
        apply(moving, attack)
    assert state_hash(moving) == before
    # the Japanese combat phase: not the Soviets' turn
    theirs = advance_to(state, "combat", "japanese")
    place(theirs, su_rifle_1=neighbors(target(state))[W], jp_inf_1=target(state))
    with pytest.raises(IllegalAction, match="not the Soviet side's turn"):
        apply(theirs, attack)


# --- 9. legal attacks --------------------------------------------------------------------------


def test_legal_attacks_are_all_accepted_and_include_the_all_in_attack(tp):
    state = fight(
        tp(),
        {
            "jp_inf_1": "T",
            "jp_inf_2": lambda m: major_edge(m, False)[1],  # east bank
            "su_rifle_1": W,
            "su_tank": NW,
            "su_rifle_2": SW,
            "su_rifle_3": E,
            "su_art": three_west,
            "su_reserve": lambda m: major_edge(m, False)[0],  # west bank: no crossing
        },
    )
    state.units["su_rifle_2"].cohesion = 10  # too disorganised
    state.units["su_rifle_3"].supply = 0.0  # no ammunition
    T, east_bank = target(state), state.units["jp_inf_2"].hex
    assert distance(state.units["su_art"].hex, east_bank) <= 8
    assert set(state.spotted["soviet"]) == {"jp_inf_1", "jp_inf_2"}
    actions = legal_actions(state, "soviet")
    assert isinstance(actions[-1], EndPhase)
    attacks = [a for a in actions if isinstance(a, Attack)]
    assert len(attacks) == len(actions) - 1
    by_target = {}
    for a in attacks:
        by_target.setdefault(a.target, set()).add(frozenset(a.units))
    assert by_target == {
        T: {frozenset({"su_rifle_1", "su_tank", "su_art"}), frozenset({"su_rifle_1"}), frozenset({"su_tank"})},
        east_bank: {frozenset({"su_art"})},
    }
    before = state_hash(state)
    for a in attacks:
        new, events = apply(state, a)  # accepted
        assert the(events, "combat").data["target"] == a.target
        assert all(new.units[u].acted for u in a.units)
    assert state_hash(state) == before
    assert legal_actions(state, "japanese") == []


def test_the_result_tells_its_modifiers_without_counting_units(tp):
    """Both sides' result events carry the modifiers actually used (the result card lists them),
    named without the unit counts a side may not have seen."""
    state = fight(tp(), {"jp_inf_1": "T", "su_tank": W})
    p, events = resolve(state, "soviet", ["su_tank"])
    assert any(n.startswith("Anti-tank fire (") for n in names(p))  # the preview counts the guns
    for kind in ("combat", "combat_defended"):
        told = the(events, kind).data["modifiers"]
        assert [f for _, _, f in told] == [m.factor for m in p.modifiers]
        assert "Anti-tank fire" in [n for n, _, _ in told]
        assert not any("(" in n and any(ch.isdigit() for ch in n) for n, _, _ in told if n.startswith("Anti-tank"))
    assert combat._told_name("Defensive artillery (3 battalions)") == "Defensive artillery"
    assert combat._told_name("Terrain: steppe") == "Terrain: steppe"
