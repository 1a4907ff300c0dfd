"""Air superiority: hidden allocations, an air battle per zone, a control level per zone.

Each day turn both sides commit aircraft, unseen by the other, to missions over air zones:
fighters fly for superiority, bombers for ground support or against convoys, or strike an
enemy airfield; recon aircraft look. Per zone a short-window square law (models.md §3.2) takes
losses with the dice and leaves a control level — Soviet, Japanese, contested or none — that
feeds ground combat, reconnaissance and interdiction for the turn. No flying at night.
"""

from __future__ import annotations

import math

from game.actions import AssignAir
from game.errors import IllegalAction
from game.events import Event
from game.rng import Rng
from game.scenario.systems_schema import MISSIONS
from game.state import AirUnit, State

ROLE_MISSIONS = {
    "fighter": ("superiority",),
    "bomber": ("ground_support", "interdiction", "airfield_strike"),
    "recon": ("recon",),
}


def init(state: State) -> None:
    for a in sorted(state.scenario.air_units, key=lambda a: a.id):
        state.air_units[a.id] = AirUnit(a.id, a.side, a.type, a.aircraft, a.pilot_quality, a.base)
    reset(state)


def reset(state: State) -> None:
    """A new turn: no orders, no control until the air battle is fought."""
    zones = [z.id for z in state.scenario.air_zones]
    state.air_orders = {s: [] for s in state.scenario.sides}
    for a in state.air_units.values():
        a.assigned = 0
    state.air = {
        "control": dict.fromkeys(zones, "none"),
        "cas": {s: {} for s in state.scenario.sides},
        "interdiction": {s: {} for s in state.scenario.sides},
        "recon": {s: [] for s in state.scenario.sides},
    }


def role(state: State, au: AirUnit) -> str:
    return state.scenario.rules.aircraft[au.type].role


def sortie_rate(state: State, au: AirUnit) -> float:
    """Sorties per committed aircraft this turn: time of day, the role's tempo, the base's distance."""
    air = state.scenario.rules.air
    hours = state.scenario.turn_hours[state.turn]
    dist = state.scenario.airfields[au.base].distance_km
    range_f = max(air.min_range_factor, 1.0 - air.range_penalty_per_100km * dist / 100.0)
    return air.sorties_per_day[role(state, au)] * min(1.0, hours / air.daylight_hours) * range_f


def available(state: State, au: AirUnit) -> int:
    """Serviceable aircraft not yet committed this turn."""
    return max(0, math.floor(au.aircraft * state.scenario.rules.air.serviceability) - au.assigned)


def assign(state: State, a: AssignAir, events: list[Event]) -> None:
    au = state.air_units.get(a.unit)
    if au is None:
        raise IllegalAction(f"there is no air unit '{a.unit}'")
    if au.side != a.side:
        raise IllegalAction(f"{_name(state, au.id)} is not yours to command")
    if state.night:
        raise IllegalAction("no flying at night")
    if a.mission not in MISSIONS:
        raise IllegalAction(f"unknown mission '{a.mission}'")
    r = role(state, au)
    if a.mission not in ROLE_MISSIONS[r]:
        raise IllegalAction(f"{_name(state, au.id)} flies {r}s: {', '.join(ROLE_MISSIONS[r])} only")
    if a.mission == "airfield_strike":
        f = state.scenario.airfields.get(a.target)
        if f is None or f.side == a.side:
            raise IllegalAction(f"'{a.target}' is not an enemy airfield")
    elif a.target not in state.air["control"]:
        raise IllegalAction(f"'{a.target}' is not an air zone")
    if a.aircraft == 0:
        _withdraw(state, au, a, events)
        return
    free = available(state, au)
    if not 1 <= a.aircraft <= free:
        raise IllegalAction(f"{_name(state, au.id)} has {free} serviceable aircraft free, not {a.aircraft}")
    au.assigned += a.aircraft
    state.air_orders[a.side].append({"unit": a.unit, "mission": a.mission, "target": a.target, "aircraft": a.aircraft})
    events.append(
        Event(
            "air_order",
            f"{_name(state, au.id)}: {a.aircraft} aircraft on {a.mission.replace('_', ' ')} over {a.target}",
            visible_to=a.side,
        )
    )


def _withdraw(state: State, au: AirUnit, a: AssignAir, events: list[Event]) -> None:
    """Take back every aircraft the unit has on this mission over this target (its own air
    phase only, before the side ends it: ``apply`` checks whose phase it is). Hidden like the
    order itself; nothing random, nothing else changes."""
    orders = state.air_orders[a.side]
    mine = [o for o in orders if (o["unit"], o["mission"], o["target"]) == (a.unit, a.mission, a.target)]
    if not mine:
        raise IllegalAction(f"{_name(state, au.id)} has no order for {a.mission.replace('_', ' ')} over {a.target} to withdraw")
    back = sum(o["aircraft"] for o in mine)
    state.air_orders[a.side] = [o for o in orders if (o["unit"], o["mission"], o["target"]) != (a.unit, a.mission, a.target)]
    au.assigned -= back
    events.append(
        Event(
            "air_order",
            f"{_name(state, au.id)}: order for {a.mission.replace('_', ' ')} over {a.target} withdrawn ({back} aircraft free again)",
            visible_to=a.side,
            data={"unit": a.unit, "mission": a.mission, "target": a.target, "aircraft": -back},
        )
    )


def order_groups(orders: list[dict]) -> list[dict]:
    """A side's orders merged by unit, mission and target, in the order first given: one line
    (and one 'withdraw' choice) per assignment however many times aircraft were added to it."""
    out: dict[tuple[str, str, str], dict] = {}
    for o in orders:
        key = (o["unit"], o["mission"], o["target"])
        if key in out:
            out[key]["aircraft"] += o["aircraft"]
        else:
            out[key] = dict(o)
    return list(out.values())


def _name(state: State, uid: str) -> str:
    for a in state.scenario.air_units:
        if a.id == uid:
            return a.name
    return uid


def _lose(state: State, au: AirUnit, expected: float, rng: Rng) -> int:
    whole = math.floor(expected)
    n = min(au.aircraft, whole + (1 if rng.random() < expected - whole else 0))
    au.aircraft -= n
    au.lost += n
    state.losses[au.side]["aircraft"] += n
    return n


def _quality(state: State, au: AirUnit) -> float:
    return state.scenario.rules.aircraft[au.type].quality * au.pilot_quality


def resolve(state: State, events: list[Event]) -> None:
    """Fight the air battles of the turn, zone by zone, then the airfield strikes."""
    scen = state.scenario
    air = scen.rules.air
    rng = state.rng
    sides = scen.sides
    lost = dict.fromkeys(sides, 0)
    by_zone: dict[str, dict[str, list[tuple[AirUnit, str, float]]]] = {}
    strikes: list[tuple[str, AirUnit, float]] = []
    for side in sides:
        for o in state.air_orders.get(side, []):
            au = state.air_units[o["unit"]]
            sorties = o["aircraft"] * sortie_rate(state, au)
            if o["mission"] == "airfield_strike":
                strikes.append((o["target"], au, sorties))
            else:
                by_zone.setdefault(o["target"], {s: [] for s in sides}).setdefault(side, []).append((au, o["mission"], sorties))
    for zone in sorted(state.air["control"]):
        flights = by_zone.get(zone, {s: [] for s in sides})
        fighters = {s: [(au, n) for au, m, n in flights.get(s, []) if m == "superiority"] for s in sides}
        f_n = {s: sum(n for _, n in fighters[s]) for s in sides}
        f_q = {s: sum(n * _quality(state, au) for au, n in fighters[s]) for s in sides}
        q = {s: (f_q[s] / f_n[s]) if f_n[s] else 0.0 for s in sides}
        survive = dict.fromkeys(sides, 1.0)
        if all(f_n[s] > 0 for s in sides):
            for s in sides:
                o = scen.other(s)
                kills = air.kill_rate * air.engaged_fraction * f_n[s] * (q[s] / q[o])
                share = kills / f_n[o]
                survive[o] = max(0.0, 1.0 - share)
                for au, n in fighters[o]:
                    lost[o] += _lose(state, au, kills * n / f_n[o], rng)
        strength = {s: f_q[s] * survive[s] for s in sides}
        total = sum(strength.values())
        if total <= 0 or sum(f_n.values()) < air.control_min_sorties:
            level = "none"
        else:
            s0, s1 = sides
            ac = strength[s0] / total
            lo, hi = air.control_thresholds
            level = s0 if ac >= hi else (s1 if ac <= lo else "contested")
        state.air["control"][zone] = level
        for s in sides:
            rel = "superiority" if level == s else ("contested" if level in ("contested", "none") else "enemy")
            effect = air.effect[rel] if level != "none" else air.effect["superiority"]
            enemy_f = f_n[scen.other(s)] > 0
            loss_rate = (air.escorted_bomber_loss if f_n[s] > 0 else air.unescorted_bomber_loss) if enemy_f else 0.0
            recon_here = False
            for au, m, n in flights.get(s, []):
                if m == "superiority":
                    continue
                if loss_rate:
                    lost[s] += _lose(state, au, n * loss_rate, rng)
                left = n * (1.0 - loss_rate)
                if m == "ground_support":
                    bombs = left * scen.rules.aircraft[au.type].bombs_t * effect
                    state.air["cas"][s][zone] = round(state.air["cas"][s].get(zone, 0.0) + bombs, 6)
                elif m == "interdiction":
                    state.air["interdiction"][s][zone] = round(state.air["interdiction"][s].get(zone, 0.0) + left * effect, 6)
                elif m == "recon":
                    recon_here = True
            if level == s or (recon_here and (level == "none" or (air.recon_spots_contested and level == "contested"))):
                if zone not in state.air["recon"][s]:
                    state.air["recon"][s].append(zone)
        if level != "none":
            events.append(
                Event(
                    "air_control",
                    f"Air over {_zone_name(state, zone)}: {_level_text(level)}",
                    data={"zone": zone, "control": level},
                )
            )
    for target, au, sorties in strikes:
        lost[au.side] += _lose(state, au, sorties * air.escorted_bomber_loss, rng)
        victims = [v for v in state.air_units.values() if v.base == target and v.aircraft > 0]
        pool = sum(v.aircraft for v in victims)
        kills = sorties * air.airfield_kill_per_sortie
        destroyed = 0
        for v in victims:
            n = _lose(state, v, kills * v.aircraft / pool, rng)
            lost[v.side] += n
            destroyed += n
        events.append(
            Event(
                "airfield_strike",
                f"Bombers strike {scen.airfields[target].name}: {destroyed} aircraft destroyed on the ground",
                data={"airfield": target, "destroyed": destroyed},
            )
        )
    for s in sides:
        state.air["recon"][s].sort()
        if lost[s]:
            events.append(
                Event("air_losses", f"{s.capitalize()} aircraft lost today: {lost[s]}", data={"side": s, "aircraft": lost[s]})
            )


def _zone_name(state: State, zone: str) -> str:
    for z in state.scenario.air_zones:
        if z.id == zone:
            return z.name
    return zone


def _level_text(level: str) -> str:
    return {"contested": "contested", "none": "no air activity"}.get(level, f"{level.capitalize()} superiority")


def legal_assignments(state: State, side: str) -> list[AssignAir]:
    """All available aircraft of a unit on one mission and target, for every unit and choice."""
    out: list[AssignAir] = []
    if state.night:
        return out
    zones = sorted(state.air["control"])
    enemy_fields = sorted(f.id for f in state.scenario.airfields.values() if f.side != side)
    for au in state.air_units.values():
        if au.side != side:
            continue
        free = available(state, au)
        if free <= 0:
            continue
        for m in ROLE_MISSIONS[role(state, au)]:
            for t in enemy_fields if m == "airfield_strike" else zones:
                out.append(AssignAir(side, au.id, m, t, free))
    return out
