"""Ground combat: Dupuy-style strengths and casualty rates, rolled Unity-of-Command style.

An attack is one or more units next to the target hex plus artillery within range. Strengths
come from men and weapons with their type values, quality, cohesion and supply; named
modifiers (terrain, height, river, posture, night, air, combined arms) scale them. The odds are
then shifted by a roll of σ ≈ one column (five outcomes), each with real losses by kind,
cohesion changes and retreats. ``combat_outcomes`` returns that distribution without rolling;
``resolve`` rolls it with the state's dice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from game.actions import Attack
from game.errors import IllegalAction
from game.events import Event
from game.gamemap import edge
from game.hexgrid import Hex, distance
from game.rng import Rng
from game.rules import fog, movement
from game.scenario.systems_schema import PostureSpec
from game.state import ACTIVE, COUNTS, ELIMINATED, SURRENDERED, State, Unit

KINDS = ("tanks", "armored_cars", "guns")


@dataclass(frozen=True)
class Modifier:
    name: str
    applies_to: str  # attack | defence | attacker losses | defender losses
    factor: float


@dataclass(frozen=True)
class CombatOutcome:
    p: float
    shift: int
    odds: float  # after the roll's shift
    result: str
    retreat: int
    attacker_rates: dict[str, float]  # share of each count lost
    defender_rates: dict[str, float]
    attacker_losses: dict[str, float]  # expected counts lost
    defender_losses: dict[str, float]
    attacker_cohesion: float
    defender_cohesion: float


@dataclass(frozen=True)
class CombatPreview:
    side: str
    target: Hex
    attackers: tuple[str, ...]  # adjacent units (they take losses)
    artillery: tuple[str, ...]  # firing from range
    defenders: tuple[str, ...]
    defensive_artillery: tuple[str, ...]
    attack: float
    defence: float
    odds: float
    modifiers: tuple[Modifier, ...]
    outcomes: tuple[CombatOutcome, ...]
    cas_used: float = 0.0  # tons of bombs from the zone's ground-support pool
    notes: tuple[str, ...] = field(default_factory=tuple)
    unit_factor: dict[str, float] = field(default_factory=dict)  # per-unit casualty multiplier

    def expected_losses(self, who: str) -> dict[str, float]:
        key = "attacker_losses" if who == "attacker" else "defender_losses"
        return {k: sum(o.p * getattr(o, key)[k] for o in self.outcomes) for k in COUNTS}

    @property
    def p_defender_retreats(self) -> float:
        return sum(o.p for o in self.outcomes if o.retreat > 0)

    @property
    def most_likely(self) -> CombatOutcome:
        return max(self.outcomes, key=lambda o: (o.p, -abs(o.shift)))


# --- strengths ------------------------------------------------------------------------------


def posture_of(state: State, u: Unit) -> PostureSpec:
    best = state.scenario.rules.combat.postures[0]
    for p in state.scenario.rules.combat.postures:
        if u.entrench_h >= p.after_hours:
            best = p
    return best


def posture_index(state: State, u: Unit) -> int:
    return state.scenario.rules.combat.postures.index(posture_of(state, u))


def condition(state: State, u: Unit) -> float:
    """Quality × cohesion × supply: what the unit's state makes of its weapons."""
    c = state.scenario.rules.combat
    coh = c.cohesion_floor + (1 - c.cohesion_floor) * max(0.0, min(100.0, u.cohesion)) / 100
    sup = 1.0
    if u.supply < c.supply_out["below"]:
        sup = c.supply_out["factor"]
    elif u.supply < c.supply_low["below"]:
        sup = c.supply_low["factor"]
    return u.quality * coh * sup


def raw_value(state: State, u: Unit, role: str, weapons_only: bool = False) -> float:
    """Men and weapons in 'riflemen', before the unit's condition; role: attack | defence."""
    scen = state.scenario
    utype = scen.unit_type(u.type)
    setup = scen.setup(u.id)
    total = 0.0 if weapons_only else u.men * utype.men_factor
    for kind in KINDS:
        n = getattr(u, kind)
        eq = setup.equipment.get(kind)
        if n and eq:
            spec = scen.rules.equipment[eq]
            total += n * (spec.attack if role == "attack" else spec.defence)
    return total


def anti_tank(state: State, u: Unit) -> float:
    """The unit's weapons against attacking armour, in 45 mm gun-equivalents."""
    scen = state.scenario
    setup = scen.setup(u.id)
    return sum(getattr(u, k) * scen.rules.equipment[eq].anti_tank for k, eq in setup.equipment.items() if k in KINDS)


def is_artillery(state: State, u: Unit) -> bool:
    return state.scenario.unit_type(u.type).combat == "artillery"


def air_level(state: State, h: Hex, side: str) -> str | None:
    """'superiority' / 'contested' / 'enemy' over the hex for ``side`` this turn, None if nobody flew."""
    zone = state.scenario.zone_of[state.scenario.map.index[h]] if state.scenario.zone_of else None
    ctrl = state.air.get("control", {}).get(zone) if zone else None
    if ctrl is None or ctrl == "none":
        return None
    if ctrl == "contested":
        return "contested"
    return "superiority" if ctrl == side else "enemy"


# --- validation -----------------------------------------------------------------------------


def _name(state: State, uid: str) -> str:
    return state.scenario.setup(uid).name


def plan_attack(state: State, side: str, target: Hex, unit_ids: tuple[str, ...]) -> tuple[list[Unit], list[Unit], list[Unit]]:
    """Check an attack and split it into (adjacent attackers, artillery at range, defenders)."""
    scen = state.scenario
    if not scen.map.contains(target):
        raise IllegalAction(f"{target} is off the map")
    visible = set(state.spotted.get(side, []))
    defenders = [u for u in state.units_at(target) if u.side != side]
    if not defenders or not any(u.id in visible for u in defenders):
        raise IllegalAction(f"no enemy is known to be in {target}")
    if not unit_ids:
        raise IllegalAction("choose at least one unit to attack with")
    if len(set(unit_ids)) != len(unit_ids):
        raise IllegalAction("a unit is listed twice in the attack")
    c = scen.rules.combat
    attackers: list[Unit] = []
    artillery: list[Unit] = []
    for uid in unit_ids:
        u = state.units.get(uid)
        if u is None:
            raise IllegalAction(f"there is no unit '{uid}'")
        name = _name(state, uid)
        if u.side != side:
            raise IllegalAction(f"{name} is not yours to command")
        if u.status != ACTIVE:
            raise IllegalAction(f"{name} is not on the map")
        if u.acted:
            raise IllegalAction(f"{name} has already fought this phase")
        if u.supply < c.supply_out["below"]:
            raise IllegalAction(f"{name} has no ammunition left: it can only defend")
        d = distance(u.hex, target)  # type: ignore[arg-type]
        if is_artillery(state, u) and u.guns > 0:
            rng = scen.unit_type(u.type).fire_range
            if d > rng:
                raise IllegalAction(f"{name} is {d} km from {target}; its guns reach {rng} km")
            artillery.append(u)
            continue
        if d != 1:
            raise IllegalAction(f"{name} is not next to {target}")
        if u.cohesion < c.min_attack_cohesion:
            raise IllegalAction(f"{name} is too disorganised to attack (cohesion {u.cohesion:.0f})")
        a, b = scen.map.index[u.hex], scen.map.index[target]  # type: ignore[index]
        e = edge(a, b)
        river = scen.map.river_edges.get(e)
        if river is not None:
            crossing = scen.map.crossings.get(e)
            usable = crossing is not None and crossing.name not in state.destroyed
            if not usable and scen.rules.rivers[river].cost.default is None:
                raise IllegalAction(f"{name} cannot assault across the {scen.map.river_names[e]} here: no crossing")
        attackers.append(u)
    return attackers, artillery, defenders


# --- outcomes -------------------------------------------------------------------------------


def _river_factor(state: State, u: Unit, target: Hex) -> float:
    scen = state.scenario
    e = edge(scen.map.index[u.hex], scen.map.index[target])  # type: ignore[index]
    river = scen.map.river_edges.get(e)
    if river is None:
        return 1.0
    if e in scen.map.crossings and scen.map.crossings[e].name not in state.destroyed:
        return scen.rules.combat.river_assault["crossing"]
    return scen.rules.combat.river_assault["minor"]


def _size(c, men: float) -> float:
    sf = c.size_factor
    if men <= 0:
        return sf.max
    return min(sf.max, max(sf.min, (men / sf.reference_men) ** sf.exponent))


def _elev(state: State, h: Hex) -> float:
    return state.scenario.rules.terrain[state.scenario.map.terrain_at(h)].elevation_m


def combat_outcomes(state: State, side: str, target: Hex, unit_ids: tuple[str, ...]) -> CombatPreview:
    """The outcome distribution of an attack (probabilities and expected losses), no dice."""
    scen = state.scenario
    c = scen.rules.combat
    attackers, artillery, defenders = plan_attack(state, side, target, unit_ids)
    enemy = scen.other(side)
    night = state.night
    mods: list[Modifier] = []
    notes: list[str] = []

    # attack strength
    doctrine = scen.rules.sides[side].night_attack if night else 1.0
    art_night = c.night_artillery if night else 1.0
    # each unit: weapons and men × its river factor × night doctrine; 'base' leaves out the
    # unit's own condition (quality, cohesion, supply), which is listed as one modifier
    raw = {u.id: raw_value(state, u, "attack") for u in attackers}
    raw.update({u.id: raw_value(state, u, "attack", weapons_only=True) for u in artillery})
    river = {u.id: _river_factor(state, u, target) for u in attackers}
    situation = {u.id: river[u.id] * doctrine for u in attackers}
    situation.update({u.id: art_night for u in artillery})
    base = sum(raw[u.id] * situation[u.id] for u in attackers + artillery)
    attack = sum(raw[u.id] * situation[u.id] * condition(state, u) for u in attackers + artillery)
    river_units = sum(1 for f in river.values() if f < 1.0)
    if night and attackers and doctrine != 1.0:
        mods.append(Modifier("Night attack", "attack", doctrine))
    if night and artillery:
        mods.append(Modifier("Artillery fire at night (unobserved)", "attack", c.night_artillery))
    if river_units:
        a_raw = sum(raw[u.id] for u in attackers)
        with_r = sum(raw[u.id] * river[u.id] for u in attackers)
        mods.append(Modifier(f"River assault ({river_units} of {len(attackers)} units)", "attack", with_r / max(a_raw, 1e-9)))
    mods.append(Modifier("Attackers' quality, cohesion and supply", "attack", attack / base if base > 0 else 1.0))

    a_combat = {scen.unit_type(u.type).combat for u in attackers}
    has_armour = any(u.tanks > 0 or u.armored_cars > 0 for u in attackers)
    foot = bool(a_combat & {"infantry", "cavalry"})
    d_infantry = any(scen.unit_type(u.type).combat in ("infantry", "cavalry") for u in defenders)
    if has_armour and foot:
        attack *= c.combined_arms
        mods.append(Modifier("Combined arms (armour with infantry)", "attack", c.combined_arms))
    armour_alone = has_armour and not foot and d_infantry
    if attackers:
        if min(_elev(state, u.hex) for u in attackers) - _elev(state, target) >= c.higher_ground_m:  # type: ignore[arg-type]
            attack *= c.attacker_higher_ground
            mods.append(Modifier("Attacking from higher ground", "attack", c.attacker_higher_ground))
    lvl_a = air_level(state, target, side)
    if lvl_a == "superiority":
        attack *= c.air_superiority
        mods.append(Modifier("Air superiority over the target", "attack", c.air_superiority))
    cas_pool = state.air.get("cas", {}).get(side, {}).get(_zone(state, target), 0.0)
    cas_used = 0.0
    if cas_pool > 0 and attack > 0:
        bonus = min(c_air(state).cas_cap * attack, cas_pool * c_air(state).cas_per_bomb_ton)
        cas_used = bonus / c_air(state).cas_per_bomb_ton
        mods.append(Modifier(f"Close air support ({cas_used:.1f} t of bombs)", "attack", (attack + bonus) / attack))
        attack += bonus

    # defence strength
    terrain = scen.rules.terrain[scen.map.terrain_at(target)]
    d_raw = 0.0
    defence = 0.0
    post_best = 0
    for u in defenders:
        p = posture_of(state, u)
        post_best = max(post_best, c.postures.index(p))
        v = raw_value(state, u, "defence")
        d_raw += v * p.defence
        defence += v * condition(state, u) * p.defence
    cond_d = defence / d_raw if d_raw > 0 else 1.0
    mods.append(Modifier("Defenders' quality, cohesion and supply", "defence", cond_d))
    if post_best > 0:
        mods.append(Modifier(f"Defender dug in ({c.postures[post_best].name})", "defence", c.postures[post_best].defence))
    defence *= terrain.defence
    mods.append(Modifier(f"Terrain: {terrain.name.lower()}", "defence", terrain.defence))
    if attackers and _elev(state, target) - max(_elev(state, u.hex) for u in attackers) >= c.higher_ground_m:  # type: ignore[arg-type]
        defence *= c.higher_ground_defence
        mods.append(Modifier("Defender on higher ground", "defence", c.higher_ground_defence))
    def_art = [
        u
        for u in state.units.values()
        if u.side == enemy
        and u.status == ACTIVE
        and u.hex is not None
        and u.hex != target
        and is_artillery(state, u)
        and u.guns > 0
        and u.supply >= c.supply_out["below"]
        and distance(u.hex, target) <= scen.unit_type(u.type).fire_range
    ]
    if def_art:
        support = sum(raw_value(state, u, "defence", weapons_only=True) * condition(state, u) for u in def_art)
        support *= c.artillery_defensive_support * art_night
        if defence > 0:
            mods.append(Modifier(f"Defensive artillery ({len(def_art)} battalions)", "defence", (defence + support) / defence))
        defence += support
    if air_level(state, target, enemy) == "superiority":
        defence *= c.air_superiority
        mods.append(Modifier("Enemy air superiority over the target", "defence", c.air_superiority))
    defence = max(defence, 1e-6)
    odds = attack / defence

    # losses and results
    k = max(c.min_day_fraction, scen.turn_hours[state.turn] * c.day_fraction_per_hour["night" if night else "day"])
    # the size factor reads a unit's combat weight (riflemen-equivalent), not its head count:
    # a tank battalion of 250 crewmen is not a company
    n_att = sum(raw_value(state, u, "attack") for u in attackers)
    n_def = sum(raw_value(state, u, "defence") for u in defenders)
    lo, hi = c.opposition_clamp
    night_loss = c.night_losses if night else 1.0
    armour_x = c.armour_alone_tank_losses if armour_alone else 1.0
    att_afv = sum(u.tanks + u.armored_cars for u in attackers)
    def_at = sum(anti_tank(state, u) for u in defenders)
    at_x = min(c.anti_armour.max, 1 + c.anti_armour.weight * def_at / att_afv) if att_afv else 1.0
    if at_x > 1.005:
        mods.append(Modifier(f"Anti-tank fire ({def_at:.0f} gun-equivalents)", "attacker losses", at_x))
    # per-unit casualty factors: only the units that cross water pay for it; each defender's
    # own posture protects it (not its neighbour's trench)
    unit_factor = {u.id: (c.river_attacker_losses if _river_factor(state, u, target) < 1.0 else 1.0) for u in attackers}
    unit_factor.update({u.id: posture_of(state, u).vulnerability for u in defenders})
    if river_units:
        mods.append(Modifier(f"Across water: casualties of {river_units} unit(s)", "attacker losses", c.river_attacker_losses))
    if armour_alone:
        mods.append(Modifier("Armour without infantry: vehicle losses", "attacker losses", armour_x))
        if post_best >= 2:
            notes.append("Armour alone cannot take a dug-in position: no retreat result possible")
    if post_best > 0:
        mods.append(Modifier("Dug in: defender casualties", "defender losses", c.postures[post_best].vulnerability))
    if night:
        mods.append(Modifier("Night: casualties", "attacker losses", night_loss))
    if not attackers:
        notes.append("Bombardment only: no ground assault, so no retreat and no attacker losses")

    outcomes = []
    for sh in c.shifts:
        r = odds * c.column_ratio**sh.shift
        res = next(x for x in c.results if x.at_least is None or r >= x.at_least)
        win = r >= 1.0
        f_att = min(hi, max(lo, r**-c.opposition_exponent))
        f_def = min(hi, max(lo, r**c.opposition_exponent))
        att = c.base_loss_rate["attacker"] * _size(c, n_att) * f_att * k * (c.winner_loss if win else c.loser_loss) * night_loss
        dfn = c.base_loss_rate["defender"] * _size(c, n_def) * f_def * k * (c.loser_loss if win else c.winner_loss) * night_loss
        retreat = res.retreat
        if not attackers or (armour_alone and post_best >= 2):
            retreat = 0
        att *= res.attacker_losses
        # stragglers and abandoned weapons come with being driven back, not with shelling alone
        dfn *= res.defender_losses if attackers and (retreat or not res.retreat) else 1.0
        a_rates = {"men": att}
        d_rates = {"men": dfn}
        for kind in KINDS:
            a_rates[kind] = (
                att * c.kind_loss_factor["attacker"][kind] * (armour_x * at_x if kind in ("tanks", "armored_cars") else 1.0)
            )
            d_rates[kind] = dfn * c.kind_loss_factor["defender"][kind]
        if not attackers:
            a_rates = dict.fromkeys(COUNTS, 0.0)
        outcomes.append(
            CombatOutcome(
                p=sh.p,
                shift=sh.shift,
                odds=r,
                result=res.name,
                retreat=retreat,
                attacker_rates=a_rates,
                defender_rates=d_rates,
                attacker_losses=_expected(state, attackers, a_rates, unit_factor),
                defender_losses=_expected(state, defenders, d_rates, unit_factor),
                attacker_cohesion=res.attacker_cohesion if attackers else 0.0,
                defender_cohesion=res.defender_cohesion,
            )
        )
    return CombatPreview(
        side=side,
        target=target,
        attackers=tuple(u.id for u in attackers),
        artillery=tuple(u.id for u in artillery),
        defenders=tuple(u.id for u in defenders),
        defensive_artillery=tuple(u.id for u in def_art),
        attack=attack,
        defence=defence,
        odds=odds,
        modifiers=tuple(mods),
        outcomes=tuple(outcomes),
        cas_used=cas_used,
        notes=tuple(notes),
        unit_factor=unit_factor,
    )


def unit_rates(state: State, rates: dict[str, float], factor: float) -> dict[str, float]:
    """A unit's share lost per kind: the outcome's rates × its own factor, capped."""
    cap = state.scenario.rules.combat.max_loss_share
    return {k: min(cap, v * factor) for k, v in rates.items()}


def _expected(state: State, units: list[Unit], rates: dict[str, float], factors: dict[str, float]) -> dict[str, float]:
    """Expected counts lost by a group at these rates, crews of lost vehicles included."""
    crew = state.scenario.rules.combat.crew_per_vehicle
    out = dict.fromkeys(COUNTS, 0.0)
    for u in units:
        r = unit_rates(state, rates, factors.get(u.id, 1.0))
        vehicles = {k: getattr(u, k) * r[k] for k in KINDS}
        for k in KINDS:
            out[k] += vehicles[k]
        crews = vehicles["tanks"] * crew["tanks"] + vehicles["armored_cars"] * crew["armored_cars"]
        out["men"] += min(u.men, u.men * r["men"] + crews)
    return out


def c_air(state: State):
    return state.scenario.rules.air


def _zone(state: State, h: Hex) -> str | None:
    z = state.scenario.zone_of
    return z[state.scenario.map.index[h]] if z else None


# --- resolution -----------------------------------------------------------------------------


def _roll_count(rng: Rng, expected: float, cap: int) -> int:
    """Whole losses: the integer part, plus one more with the fractional part's probability."""
    whole = math.floor(expected)
    n = whole + (1 if rng.random() < expected - whole else 0)
    return max(0, min(cap, n))


def take_losses(state: State, u: Unit, rates: dict[str, float], rng: Rng) -> dict[str, int]:
    """Roll whole losses per kind; each vehicle lost takes its crew with it."""
    crew = state.scenario.rules.combat.crew_per_vehicle
    lost = {}
    for kind in KINDS:
        have = getattr(u, kind)
        lost[kind] = _roll_count(rng, have * rates[kind], have)
    crews = lost["tanks"] * crew["tanks"] + lost["armored_cars"] * crew["armored_cars"]
    lost["men"] = _roll_count(rng, u.men * rates["men"] + crews, u.men)
    for kind in COUNTS:
        setattr(u, kind, getattr(u, kind) - lost[kind])
        u.lost[kind] += lost[kind]
        state.losses[u.side][kind] += lost[kind]
    return {k: lost[k] for k in COUNTS}


def remove_unit(state: State, u: Unit, status: str, events: list[Event], prisoner_share: float = 0.0) -> int:
    """Take a unit off the map; everything it still had counts as lost. Returns prisoners."""
    prisoners = math.floor(u.men * prisoner_share + 0.5) if status == SURRENDERED else 0
    for kind in COUNTS:
        n = getattr(u, kind)
        u.lost[kind] += n
        state.losses[u.side][kind] += n
        setattr(u, kind, 0)
    state.prisoners[u.side] = state.prisoners.get(u.side, 0) + prisoners
    u.status, u.hex, u.mp = status, None, 0.0
    return prisoners


_COUNTED = ("Defensive artillery", "Anti-tank fire", "Across water", "River assault", "Close air support")


def _told_name(name: str) -> str:
    """A modifier as the combat's result tells it to both sides: what it was, not how many units
    made it ('Defensive artillery (3 battalions)' → 'Defensive artillery'), so a result never
    counts units a side has not seen."""
    for head in _COUNTED:
        if name.startswith(head):
            return head
    return name


def resolve(state: State, action: Attack, events: list[Event]) -> CombatPreview:
    scen = state.scenario
    preview = combat_outcomes(state, action.side, action.target, action.units)
    rng = state.rng
    o = preview.outcomes[rng.weighted([x.p for x in preview.outcomes])]
    a_units = [state.units[i] for i in preview.attackers]
    d_units = [state.units[i] for i in preview.defenders]
    a_lost = dict.fromkeys(COUNTS, 0)
    d_lost = dict.fromkeys(COUNTS, 0)
    for u in a_units:
        rates = unit_rates(state, o.attacker_rates, preview.unit_factor.get(u.id, 1.0))
        for kk, n in take_losses(state, u, rates, rng).items():
            a_lost[kk] += n
        u.cohesion = max(0.0, min(100.0, u.cohesion + o.attacker_cohesion))
    for u in d_units:
        rates = unit_rates(state, o.defender_rates, preview.unit_factor.get(u.id, 1.0))
        for kk, n in take_losses(state, u, rates, rng).items():
            d_lost[kk] += n
        u.cohesion = max(0.0, min(100.0, u.cohesion + o.defender_cohesion))
        if u.activity != "attack":
            u.activity = "defend"
    for u in a_units + [state.units[i] for i in preview.artillery]:
        u.acted = True
        u.activity = "attack"
    if preview.cas_used:
        zone = _zone(state, action.target)
        pool = state.air["cas"][action.side]
        pool[zone] = max(0.0, pool.get(zone, 0.0) - preview.cas_used)
    fog.reveal(state, scen.other(action.side), list(preview.attackers), events, why="attacking")

    att_name = ", ".join(_name(state, i) for i in preview.attackers + preview.artillery)
    def_name = ", ".join(_name(state, i) for i in preview.defenders)
    # the defender learns who assaulted it (they are revealed), but not the guns firing from afar
    enemy = scen.other(action.side)
    known = set(state.spotted.get(enemy, []))
    seen_guns = [i for i in preview.artillery if i in known]
    unseen = len(preview.artillery) - len(seen_guns)
    their_name = ", ".join(_name(state, i) for i in preview.attackers + tuple(seen_guns))
    if unseen:
        guns = f"{unseen} unseen artillery battalion{'s' if unseen > 1 else ''}"
        their_name = f"{their_name} and {guns}" if their_name else guns
    expected_def = preview.expected_losses("defender")
    tail = f"odds {preview.odds:.2f} → {o.odds:.2f} ({o.result}). Losses: attacker {_loss_text(a_lost)}; defender {_loss_text(d_lost)}"
    data = {
        "side": action.side,
        "target": action.target,
        "odds": preview.odds,
        "rolled_odds": o.odds,
        "shift": o.shift,
        "result": o.result,
        "attacker_losses": a_lost,
        "defender_losses": d_lost,
        "expected_defender_losses": expected_def,
        "expected_attacker_losses": preview.expected_losses("attacker"),
        "p": o.p,
        "modifiers": [[_told_name(m.name), m.applies_to, m.factor] for m in preview.modifiers],
    }
    events.append(
        Event("combat_defended", f"{their_name} attack {def_name} at {action.target}: {tail}", visible_to=enemy, data=dict(data))
    )
    events.append(
        Event(
            "combat",
            f"{att_name} attack {def_name} at {action.target}: {tail}",
            visible_to=action.side,
            data=data,
        )
    )
    for u in a_units + d_units:
        if u.status == ACTIVE and u.men <= 0:
            remove_unit(state, u, ELIMINATED, events)
            events.append(Event("eliminated", f"{_name(state, u.id)} is destroyed", data={"unit": u.id}))
    attacker_hexes = [u.hex for u in a_units if u.status == ACTIVE and u.hex is not None]
    if o.retreat > 0:
        for u in d_units:
            if u.status == ACTIVE:
                retreat(state, u, o.retreat, attacker_hexes or [action.target], events)
    if not [u for u in state.units_at(action.target) if u.side != action.side]:
        advance(state, a_units, action.target, events)
    return preview


def _loss_text(lost: dict[str, int]) -> str:
    parts = [f"{n} {k.replace('_', ' ')}" for k, n in lost.items() if n]
    return ", ".join(parts) if parts else "none"


def retreat(state: State, u: Unit, hexes: int, threats: list[Hex], events: list[Event]) -> None:
    """Fall back ``hexes`` away from the threats; with no way out, lose more or give up."""
    scen = state.scenario
    c = scen.rules.combat
    gm = scen.map
    table = movement.cost_table(scen, scen.unit_type(u.type).movement_class, frozenset(state.destroyed))
    enemies = [e for e in state.units.values() if e.side != u.side and e.status == ACTIVE and e.hex is not None]
    occupied = {e.hex for e in enemies}
    zoc = movement.zoc_of(scen, enemies)
    limit = scen.rules.parameters.stacking_limit
    visited = {u.hex}
    moved = 0

    def threat_dist(h: Hex) -> int:
        return min(distance(h, t) for t in threats)

    for _ in range(hexes):
        a = gm.index[u.hex]  # type: ignore[index]
        best = None
        for b, _w in table[a]:
            h = gm.hexes[b]
            if h in visited or h in occupied:
                continue
            friends = [f for f in state.units_at(h) if f.side == u.side]
            if len(friends) >= limit:
                continue
            if b in zoc and not friends:
                continue
            if threat_dist(h) < threat_dist(u.hex):  # type: ignore[arg-type]
                continue
            key = (threat_dist(h), len(friends) > 0, -b)
            if best is None or key > best[0]:
                best = (key, h)
        if best is None:
            break
        u.hex = best[1]
        visited.add(u.hex)
        moved += 1
    if moved:
        u.entrench_h = 0.0
        u.cohesion = max(0.0, u.cohesion + c.retreat_cohesion * moved)
        events.append(
            Event("retreat", f"{_name(state, u.id)} falls back {moved} km to {u.hex}", data={"unit": u.id, "to": u.hex})
        )
        return
    # nowhere to go
    extra = {k: c.blocked_retreat_losses for k in COUNTS}
    take_losses(state, u, extra, state.rng)
    u.cohesion = max(0.0, u.cohesion + c.blocked_retreat_cohesion)
    sup = scen.rules.combat.supply_out["below"]
    if u.men <= 0:
        remove_unit(state, u, ELIMINATED, events)
        events.append(Event("eliminated", f"{_name(state, u.id)}, unable to fall back, is destroyed", data={"unit": u.id}))
    elif u.cut or u.supply < sup:
        share = scen.rules.sides[u.side].prisoner_share
        prisoners = remove_unit(state, u, SURRENDERED, events, share)
        if share >= 0.5:
            text = f"{_name(state, u.id)}, surrounded and out of supply, surrenders ({prisoners} prisoners)"
        else:
            text = f"{_name(state, u.id)}, surrounded and out of supply, is wiped out fighting to the last ({prisoners} taken prisoner)"
        events.append(Event("surrender", text, data={"unit": u.id, "prisoners": prisoners}))
    else:
        events.append(
            Event("retreat_blocked", f"{_name(state, u.id)} cannot fall back and holds at heavy cost", data={"unit": u.id})
        )


def advance(state: State, attackers: list[Unit], target: Hex, events: list[Event]) -> None:
    """The first ground attacker able to enter the empty hex moves in (no movement points)."""
    scen = state.scenario
    gm = scen.map
    limit = scen.rules.parameters.stacking_limit
    for u in attackers:
        if u.status != ACTIVE or u.hex is None or u.hex == target:
            continue
        table = movement.cost_table(scen, scen.unit_type(u.type).movement_class, frozenset(state.destroyed))
        b = gm.index[target]
        if not any(nb == b for nb, _ in table[gm.index[u.hex]]):
            continue
        if len([f for f in state.units_at(target) if f.side == u.side]) >= limit:
            return
        u.hex = target
        u.entrench_h = 0.0
        events.append(Event("advance", f"{_name(state, u.id)} advances into {target}", data={"unit": u.id, "to": target}))
        fog.after_step(state, u, events)
        from game.rules import supply  # late: supply imports combat helpers

        supply.capture_depots(state, u, events)
        return


def collapse_pockets(state: State, hours: float, events: list[Event]) -> None:
    """End of turn: broken units, cut off, out of supply and pressed by the enemy may be gone.

    The side's ``pocket_collapse_per_day`` is the chance a day (models.md §4.2): Soviet and
    Mongolian units mostly surrender, Japanese ones die in a last stand. Dice from the game.
    """
    scen = state.scenario
    c = scen.rules.combat
    out = scen.rules.supply.out
    pressed: dict[str, set[int]] = {}  # per side: the hexes in its enemies' zones of control
    for side in scen.sides:
        foes = [e for e in state.units.values() if e.side != side and e.status == ACTIVE and e.hex is not None]
        pressed[side] = movement.zoc_of(scen, foes)
    for uid in sorted(state.units):
        u = state.units[uid]
        if u.status != ACTIVE or u.hex is None or not u.cut or u.supply >= out or u.cohesion >= c.broken_below:
            continue
        if scen.map.index[u.hex] not in pressed[u.side]:
            continue
        doctrine = scen.rules.sides[u.side]
        p = 1 - (1 - doctrine.pocket_collapse_per_day) ** (hours / 24)
        if state.rng.random() >= p:
            continue
        prisoners = remove_unit(state, u, SURRENDERED, events, doctrine.prisoner_share)
        if doctrine.prisoner_share >= 0.5:
            text = f"{_name(state, uid)}, broken, cut off and starving, surrenders ({prisoners} prisoners)"
        else:
            text = f"{_name(state, uid)}, broken, cut off and starving, dies in a last stand ({prisoners} taken prisoner)"
        events.append(Event("surrender", text, data={"unit": uid, "prisoners": prisoners, "pocket": True}))
