"""The systems against history's anchors (models.md §5.4, history.md §2.5, §5, §6).

Expectations are read from the engine's own functions (``combat_outcomes``, the supply phase,
the air battle), so a change of a number in the ruleset that breaks an anchor fails here.
The bands are wide on purpose: the anchors themselves are uncertain (M/L confidence).
"""

from __future__ import annotations

from builders import advance_to, build, unit

from game.engine import new_game
from game.hexgrid import neighbors
from game.rng import Rng
from game.rules import air, combat, fog, supply


def _expected_rates(preview, who: str) -> dict[str, float]:
    rates = "attacker_rates" if who == "attacker" else "defender_rates"
    return {k: sum(o.p * getattr(o, rates)[k] for o in preview.outcomes) for k in ("men", "tanks")}


def test_tanks_alone_at_bain_tsagan_lose_about_half_in_a_day(tmp_path):
    """3 July: the 11th Tank Brigade (~150–182 BT-5) attacked without infantry and lost 82 of
    182 tanks (45 %) in about a day of attacks (MEL; 3 day turns of 4 h)."""
    # the brigade's three battalions against a stack of three Japanese battalions of the
    # strike group on the mountain, each with its regimental and 37 mm anti-tank guns
    units = [unit(f"tb{i}", "soviet", "tank_bn", [-3, i], men=250, tanks=50) for i in range(3)]
    units += [
        unit(f"jp{i}", "japanese", "infantry_bn", [-2, 0.5], men=800, guns=8, quality=1.2, posture="hasty defence")
        for i in range(3)
    ]
    scen = build(tmp_path, units)
    state = advance_to(new_game(scen, 1), "combat", "soviet")
    target = state.units["jp0"].hex
    for i in range(3):
        state.units[f"tb{i}"].hex = neighbors(target)[2 + i]
    fog.recompute(state)
    remaining = 1.0
    for _ in range(3):  # three attacks in one day
        p = combat.combat_outcomes(state, "soviet", target, ("tb0", "tb1", "tb2"))
        remaining *= 1 - _expected_rates(p, "attacker")["tanks"]
    lost = 1 - remaining
    assert 0.30 <= lost <= 0.60, f"tanks alone lost {lost:.0%} in a day; history 45 %"


def test_battalion_day_casualty_rates_in_dupuys_band(tmp_path):
    """Battalion-days of fighting cost 5–15 % a day (models.md §5.4, after Dupuy [R2b])."""
    units = [
        unit("su", "soviet", "rifle_bn", [-3, 0], men=850, guns=4),
        unit("jp", "japanese", "infantry_bn", [-2, 0.5], men=800, guns=4),
    ]
    scen = build(tmp_path, units, turn_hours=[12], start="1939-08-20T06:00")
    state = advance_to(new_game(scen, 1), "combat", "soviet")
    state.units["su"].hex = neighbors(state.units["jp"].hex)[3]
    fog.recompute(state)
    p = combat.combat_outcomes(state, "soviet", state.units["jp"].hex, ("su",))
    assert 0.7 < p.odds < 1.4  # an even fight
    att = _expected_rates(p, "attacker")["men"]
    dfn = _expected_rates(p, "defender")["men"]
    assert 0.05 <= att <= 0.15, att
    assert 0.02 <= dfn <= 0.12, dfn
    assert dfn < att  # the defender loses at the lower rate (Dupuy's verity)


def _steady_delivery(tmp_path, side_trucks: int, railhead_km: float, km_day: float, payload: float) -> float:
    logistics = {
        "soviet": {
            "railhead": {"name": "Railhead", "distance_km": railhead_km, "source": "TEST"},
            "truck_km_per_day": km_day,
            "trucks": {"value": side_trucks, "source": "TEST"},
            "payload_t": payload,
            "entry": [-10, -3],
            "depots": [{"id": "d", "name": "Depot", "at": [-8, -3], "stock_t": 0, "source": "TEST"}],
        }
    }
    units = [unit("su", "soviet", "rifle_bn", [-8, 0], men=100), unit("jp", "japanese", "infantry_bn", [8, 0], men=100)]
    scen = build(tmp_path, units, logistics=logistics, turn_hours=[12], turns=20, start="1939-08-01T06:00")
    state = new_game(scen, 1)
    delivered = []
    for _ in range(14):  # a week of 12 h turns
        state = advance_to(state, "supply", "soviet")
        delivered.append(state.logistics["soviet"].delivered_turn)
        state = advance_to(state, "movement", "soviet")
    return sum(delivered[2:]) / (len(delivered[2:]) / 2)  # tons per day, after the start-up


def test_soviet_truck_capacity_matches_the_cross_check(tmp_path):
    """4,000 trucks × 2 t × 0.8 over a 5-day round trip ≈ 1,300 t/day (models.md §2.2), which
    moved the ~50 kt of the August build-up in about six weeks (RGATE)."""
    per_day = _steady_delivery(tmp_path, 4000, 700, 270, 2.0)
    assert 1000 <= per_day <= 1600, per_day


def test_japanese_truck_capacity(tmp_path):
    """400–1,000 Japanese trucks × 1.4 t × 0.8 over a 2-day round trip ≈ 220–560 t/day."""
    per_day = _steady_delivery(tmp_path, 1000, 200, 200, 1.4)
    assert 400 <= per_day <= 700, per_day


def _exchange(tmp_path, su_pilot: float, jp_pilot: float, su_n: int, jp_n: int, seeds: int = 40) -> float:
    """Japanese aircraft lost per Soviet aircraft lost in fighter battles over one zone."""
    air_units = [
        {
            "id": "su_f",
            "name": "Soviet fighters",
            "side": "soviet",
            "type": "i16",
            "aircraft": su_n,
            "pilot_quality": su_pilot,
            "base": "su_field",
            "source": "TEST",
        },
        {
            "id": "jp_f",
            "name": "Japanese fighters",
            "side": "japanese",
            "type": "ki27",
            "aircraft": jp_n,
            "pilot_quality": jp_pilot,
            "base": "jp_field",
            "source": "TEST",
        },
    ]
    units = [unit("su", "soviet", "rifle_bn", [-8, 0], men=100), unit("jp", "japanese", "infantry_bn", [8, 0], men=100)]
    scen = build(tmp_path, units, air_units=air_units, turn_hours=[12], start="1939-08-20T06:00")
    lost = {"soviet": 0, "japanese": 0}
    for seed in range(seeds):
        state = new_game(scen, seed)
        state.rng = Rng.from_seed(seed)
        for au in state.air_units.values():
            n = air.available(state, au)
            state.air_orders[au.side].append({"unit": au.id, "mission": "superiority", "target": "east", "aircraft": n})
            au.assigned = n
        air.resolve(state, [])
        for s in lost:
            lost[s] += state.losses[s]["aircraft"]
    return lost["japanese"] / max(1, lost["soviet"])


def test_air_exchange_follows_pilot_quality(tmp_path):
    """Vorozheikin's monthly exchange (history.md §6.3, L–M): May 4:1 against the Soviets,
    August 1:10 in their favour; pilot quality by month from models.md §5.3."""
    may = _exchange(tmp_path, su_pilot=0.5, jp_pilot=1.3, su_n=40, jp_n=40)
    august = _exchange(tmp_path, su_pilot=1.2, jp_pilot=0.8, su_n=100, jp_n=50)
    assert may < 1 / 2.5, f"May: {may:.2f} Japanese lost per Soviet; history 1:4"
    assert august > 3, f"August: {august:.2f} Japanese lost per Soviet; history 10:1 (claims-inflated)"


def test_cut_off_unit_runs_dry_in_about_its_carried_days(tmp_path):
    """A surrounded battalion lives on its own load: at rest it lasts ``carried_days`` days."""
    units = [unit("su", "soviet", "rifle_bn", [-3, 0], men=800)]
    units += [
        unit(f"jp{i}", "japanese", "infantry_bn", [x, y], men=800)
        for i, (x, y) in enumerate([[-1, 0], [-5, 0], [-3, 2], [-3, -2]])
    ]
    scen = build(
        tmp_path,
        units,
        logistics={
            "soviet": {
                "railhead": {"name": "R", "distance_km": 300, "source": "TEST"},
                "truck_km_per_day": 300,
                "trucks": {"value": 10, "source": "TEST"},
                "payload_t": 2.0,
                "entry": [-10, -5],
                "depots": [{"id": "d", "name": "Depot", "at": [-9, -5], "stock_t": 100, "source": "TEST"}],
            }
        },
        turns=30,
    )
    state = new_game(scen, 1)
    h = state.units["su"].hex
    ring = [n for n in neighbors(h) if scen.map.contains(n)]
    for i, jp in enumerate(["jp0", "jp1", "jp2", "jp3"]):
        state.units[jp].hex = ring[i]
    turns = 0
    while state.units["su"].supply > 0.05 and turns < 40:
        state = advance_to(state, "supply", "soviet")
        state = advance_to(state, "movement", "soviet")
        turns += 1
    days = turns * 4 / 24
    assert state.units["su"].cut
    assert 2.0 <= days <= 3.5, days
    assert "cut by the enemy" in supply.unit_report(state, state.units["su"])
