"""The one entry point that changes the game: ``apply(state, action) -> (state, events)``.

Also the read-only questions everyone asks the same way: ``legal_actions`` (the AI, the UI and
the tests), ``observe`` (fog of war), ``state_hash``, ``is_over`` and ``outcome``. Phase
resolution follows the turn sequence declared in the ruleset YAML.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.actions import Action, AssignAir, Attack, DestroyCrossing, DestroyDepot, EndPhase, Move, OpenDepot, RouteTrucks
from game.errors import IllegalAction
from game.events import Event
from game.hexgrid import Hex, distance, spiral
from game.rng import Rng
from game.rules import air, combat, fog, movement, supply, victory
from game.scenario.model import Scenario
from game.state import ACTIVE, COUNTS, LOSS_KINDS, PENDING, State, Unit, state_hash

__all__ = [
    "IllegalAction",
    "Outcome",
    "new_game",
    "current_actors",
    "legal_actions",
    "apply",
    "observe",
    "state_hash",
    "is_over",
    "outcome",
    "turn_label",
]

observe = fog.observe


@dataclass(frozen=True)
class Outcome:
    winner: str | None
    result: str  # decisive | marginal | draw
    score: float
    reason: str


# --- setting up -----------------------------------------------------------------------------


def new_game(scenario: Scenario, seed: int = 0, variant: str | None = None) -> State:
    """A fresh game of the scenario as loaded (its variant: load_scenario(ref, variant))."""
    if variant is not None and variant != scenario.variant:
        raise ValueError(f"the scenario was loaded as variant '{scenario.variant}', not '{variant}'")
    variant = scenario.variant
    units: dict[str, Unit] = {}
    for s in sorted(scenario.units, key=lambda s: s.id):
        units[s.id] = Unit(
            id=s.id,
            side=s.side,
            type=s.type,
            hex=s.hex,
            status=ACTIVE if s.arrives == 0 and s.hex is not None else PENDING,
            arrives=s.arrives,
            men=s.men,
            tanks=s.tanks,
            armored_cars=s.armored_cars,
            guns=s.guns,
            quality=s.quality,
            cohesion=s.cohesion,
            supply=s.supply,
            entrench_h=_posture_hours(scenario, s.posture),
        )
    state = State(
        scenario=scenario,
        variant=variant,
        seed=seed,
        turn=0,
        step=0,
        done=[],
        units=units,
        rng=Rng.from_seed(f"{scenario.id}:{variant}:{seed}"),
        spotted={s: [] for s in scenario.sides},
        control={o.id: o.owner for o in scenario.objectives},
        destroyed=[],
        losses={s: dict.fromkeys(LOSS_KINDS, 0) for s in scenario.sides},
    )
    supply.init(state)
    air.init(state)
    events: list[Event] = []
    _arrivals(state, events)  # reinforcements due on turn 0 with an entry point
    _begin_step(state, events)
    if not current_actors(state):  # e.g. a night start: no air phase to play
        _advance(state, events)
    return state


def _posture_hours(scenario: Scenario, posture: str | None) -> float:
    for p in scenario.rules.combat.postures:
        if p.name == posture:
            return p.after_hours
    return 0.0


def turn_label(state: State) -> str:
    scen = state.scenario
    t = scen.turn_starts[state.turn]
    light = "night" if state.night else "day"
    return f"Turn {state.turn + 1}/{scen.turns} · {t:%d %b %Y %H:%M} ({light}, {scen.turn_hours[state.turn]:g} h)"


# --- whose move -----------------------------------------------------------------------------


def _step_sides(state: State) -> list[str]:
    who = state.phase.side
    scen = state.scenario
    if who == "both":
        return [scen.first_side, scen.second_side]
    if who == "first":
        return [scen.first_side]
    if who == "second":
        return [scen.second_side]
    return []


def current_actors(state: State) -> list[str]:
    """Sides that may act now (both, in a phase played simultaneously); empty once over."""
    if state.result is not None:
        return []
    return [s for s in _step_sides(state) if s not in state.done]


def is_over(state: State) -> bool:
    return state.result is not None


def outcome(state: State) -> Outcome | None:
    r = state.result
    if r is None:
        return None
    return Outcome(r["winner"], r["result"], float(r["score"]), r["reason"])


# --- legal actions --------------------------------------------------------------------------


def legal_actions(state: State, side: str, unit: str | None = None) -> list[Action]:
    """What ``side`` may do now, in a fixed order, EndPhase last.

    Moves list every reachable hex. Attacks list, per known enemy hex, the attack with every
    eligible unit and each adjacent unit alone (apply accepts any other valid combination).
    Air and truck orders list whole-unit and whole-route choices. With ``unit``, only that
    unit's moves (and EndPhase): what an agent asks when it has already picked a unit.
    """
    if side not in current_actors(state):
        return []
    out: list[Action] = []
    phase = state.phase.phase
    if phase == "movement":
        visible = set(state.spotted.get(side, []))
        for u in state.units.values():
            if u.side == side and u.status == ACTIVE and u.mp > movement.EPS and (unit is None or u.id == unit):
                reach = movement.reachable(state, u, visible)
                out.extend(Move(side, u.id, h) for h in reach.destinations())
    elif unit is not None:
        pass
    elif phase == "combat":
        out.extend(_legal_attacks(state, side))
        out.extend(DestroyCrossing(side, name) for name in _blowable(state, side))
    elif phase == "air":
        out.extend(air.legal_assignments(state, side))
    elif phase == "supply":
        out.extend(_legal_supply(state, side))
    out.append(EndPhase(side))
    return out


def _legal_attacks(state: State, side: str) -> list[Action]:
    out: list[Action] = []
    visible = set(state.spotted.get(side, []))
    targets = sorted({u.hex for u in state.units.values() if u.id in visible and u.status == ACTIVE and u.hex is not None})
    mine = [u for u in state.units.values() if u.side == side and u.status == ACTIVE and not u.acted and u.hex is not None]
    for t in targets:
        cands = [
            u.id
            for u in mine
            if (
                combat.is_artillery(state, u) and u.guns > 0 and distance(u.hex, t) <= state.scenario.unit_type(u.type).fire_range
            )
            or (not combat.is_artillery(state, u) and distance(u.hex, t) == 1)
        ]
        options: list[tuple[str, ...]] = []
        ok: list[str] = []
        for uid in cands:
            try:
                combat.plan_attack(state, side, t, (uid,))
                ok.append(uid)
            except IllegalAction:
                continue
        if not ok:
            continue
        options.append(tuple(ok))
        for uid in ok:
            if not combat.is_artillery(state, state.units[uid]) and (uid,) not in options:
                options.append((uid,))
        out.extend(Attack(side, t, units) for units in options)
    return out


def _blowable(state: State, side: str) -> list[str]:
    """Destructible crossings with one of the side's units at either end, still standing."""
    gm = state.scenario.map
    mine = {gm.index[u.hex] for u in state.units.values() if u.side == side and u.status == ACTIVE and u.hex is not None}
    return sorted(
        c.name
        for c in gm.crossings.values()
        if c.destructible and c.name not in state.destroyed and (c.edge[0] in mine or c.edge[1] in mine)
    )


def _destroy_crossing(state: State, a: DestroyCrossing, events: list[Event]) -> None:
    c = state.scenario.map.crossing_named(a.crossing)
    if c is None:
        raise IllegalAction(f"there is no crossing '{a.crossing}' on this map")
    if c.name in state.destroyed:
        raise IllegalAction(f"{c.name} is already destroyed")
    if not c.destructible:
        raise IllegalAction(f"{c.name} cannot be destroyed in this scenario")
    if c.name not in _blowable(state, a.side):
        raise IllegalAction(f"none of your units stands at either end of {c.name}")
    state.destroyed.append(c.name)
    events.append(Event("crossing_destroyed", f"{c.name} is destroyed", data={"crossing": c.name, "side": a.side}))


def timeline_now(state: State) -> list:
    """The scenario's historical events that fall in the current turn."""
    return [t for t in state.scenario.timeline if t.turn == state.turn]


def _timeline(state: State, events: list[Event]) -> None:
    for t in timeline_now(state):
        events.append(
            Event("timeline", f"{t.at.replace('T', ' ')}: {t.text}", data={"at": t.at, "title": t.title, "source": t.source})
        )


def _legal_supply(state: State, side: str) -> list[Action]:
    out: list[Action] = []
    if side not in state.logistics:
        return out
    sup = state.logistics[side]
    own = sorted(d.id for d in state.depots.values() if d.side == side and d.status == "active")
    total = supply.trucks_alive(state, side)["railhead"]
    for d in own:
        others = sum(w for k, w in sup.routes.items() if k != d and k in own)
        for n in sorted({0, total // 2, total}):
            if sup.routes.get(d, 0) != n and (n > 0 or others > 0):
                out.append(RouteTrucks(side, "railhead", d, n))
    if sup.front_idle > 0:
        for src in own:
            if state.depots[src].stock > 0:
                out.extend(RouteTrucks(side, src, d, sup.front_idle) for d in own if d != src)
    out.extend(OpenDepot(side, h) for h in supply.field_depot_sites(state, side))
    out.extend(DestroyDepot(side, d) for d in own)
    return out


# --- apply ----------------------------------------------------------------------------------


def apply(state: State, action: Action) -> tuple[State, list[Event]]:
    """Validate and apply; the input state is never changed. Illegal -> IllegalAction."""
    if state.view_of is not None:
        raise IllegalAction("this is a side's view of the game, not the game itself")
    if state.result is not None:
        raise IllegalAction("the game is over")
    actors = current_actors(state)
    side = getattr(action, "side", None)
    if side not in state.scenario.sides:
        raise IllegalAction(f"unknown side {side!r}")
    if side not in actors:
        now = " and ".join(a.capitalize() for a in actors) or "nobody"
        raise IllegalAction(
            f"it is not the {side.capitalize()} side's turn to act ({state.phase.name or state.phase.phase}: {now})"
        )
    new = state.copy()
    events: list[Event] = []
    phase = state.phase.phase
    if isinstance(action, Move):
        _move(new, action, events)
    elif isinstance(action, Attack):
        if phase != "combat":
            raise IllegalAction(f"attacks are made in the combat phase (now: {state.phase.name or phase})")
        combat.resolve(new, action, events)
        victory.update_control(new, events)
        victory.check_end(new, events, final=False)
    elif isinstance(action, DestroyCrossing):
        if phase != "combat":
            raise IllegalAction(f"bridges are blown in the combat phase (now: {state.phase.name or phase})")
        _destroy_crossing(new, action, events)
    elif isinstance(action, AssignAir):
        if phase != "air":
            raise IllegalAction(f"aircraft are assigned in the air phase (now: {state.phase.name or phase})")
        air.assign(new, action, events)
    elif isinstance(action, (RouteTrucks, OpenDepot, DestroyDepot)):
        if phase != "supply":
            raise IllegalAction(f"trucks and depots are handled in the supply phase (now: {state.phase.name or phase})")
        if isinstance(action, RouteTrucks):
            supply.route_trucks(new, action, events)
        elif isinstance(action, OpenDepot):
            supply.open_depot(new, action, events)
        else:
            supply.destroy_depot(new, action, events)
    elif isinstance(action, EndPhase):
        new.done.append(side)
        events.append(Event("phase_end", f"{side.capitalize()} ends {state.phase.name or phase}", data={"side": side}))
        if not current_actors(new):
            _end_step(new, events)
            _advance(new, events)
    else:
        raise IllegalAction(f"unknown action {action!r}")
    return new, events


def _move(state: State, a: Move, events: list[Event]) -> None:
    scen = state.scenario
    if state.phase.phase != "movement":
        raise IllegalAction(f"units move only in the movement phase (now: {state.phase.name or state.phase.phase})")
    u = state.units.get(a.unit)
    if u is None:
        raise IllegalAction(f"there is no unit '{a.unit}'")
    name = _unit_name(state, u)
    if u.side != a.side:
        raise IllegalAction(f"{name} is not yours to command")
    if u.status != ACTIVE:
        why = {PENDING: f"has not arrived yet (due turn {u.arrives + 1})"}.get(u.status, f"is {u.status}")
        raise IllegalAction(f"{name} {why}")
    if u.mp <= movement.EPS:
        raise IllegalAction(f"{name} has no movement points left this phase")
    if not scen.map.contains(a.to):
        raise IllegalAction(f"{a.to} is off the map")
    if a.to == u.hex:
        raise IllegalAction(f"{name} is already there")
    visible = set(state.spotted.get(a.side, []))
    reach = movement.reachable(state, u, visible)
    if not reach.can_end(a.to):
        raise IllegalAction(_why_not(state, u, a.to, reach, visible))
    path = reach.path(a.to)
    start = u.hex
    _walk(state, u, path, events)
    events.append(
        Event(
            "move",
            f"{name} moves {start} → {u.hex}",
            visible_to=a.side,
            data={"unit": u.id, "from": start, "to": u.hex, "mp_left": u.mp},
        )
    )
    victory.update_control(state, events)


def _walk(state: State, u: Unit, path: list[Hex], events: list[Event]) -> None:
    """Carry out a move hex by hex against the true state: hidden enemies ambush and stop it."""
    scen = state.scenario
    gm = scen.map
    table = movement.cost_table(scen, scen.unit_type(u.type).movement_class, frozenset(state.destroyed))
    enemies = [e for e in state.units.values() if e.side != u.side and e.status == ACTIVE and e.hex is not None]
    occupied = {e.hex: e for e in enemies}
    zoc = movement.zoc_of(scen, enemies)
    limit = scen.rules.parameters.stacking_limit
    walked = [path[0]]
    for nxt in path[1:]:
        here = gm.index[u.hex]  # type: ignore[index]
        j = gm.index[nxt]
        w = next(c for b, c in table[here] if b == j)
        if nxt in occupied:  # bumped into an unseen enemy: stop short, surprised
            fog.reveal(state, u.side, [occupied[nxt].id], events, why="met")
            u.mp = 0.0
            events.append(
                Event(
                    "ambush",
                    f"{_unit_name(state, u)} runs into an unseen enemy and halts",
                    visible_to=u.side,
                    data={"unit": u.id, "hex": u.hex},
                )
            )
            break
        u.mp = max(0.0, u.mp - w)
        u.hex = nxt
        u.entrench_h = 0.0
        u.activity = "move" if u.activity == "rest" else u.activity
        walked.append(nxt)
        fog.after_step(state, u, events)
        supply.capture_depots(state, u, events)
        if j in zoc:
            u.mp = 0.0
            if nxt != path[-1]:
                events.append(
                    Event(
                        "zoc_stop",
                        f"{_unit_name(state, u)} is halted by enemy contact",
                        visible_to=u.side,
                        data={"unit": u.id, "hex": nxt},
                    )
                )
            break
    # never end over the stacking limit: fall back along the path walked
    while (
        len(walked) > 1
        and sum(1 for o in state.units.values() if o.hex == u.hex and o.status == ACTIVE and o.side == u.side) > limit
    ):
        walked.pop()
        u.hex = walked[-1]


def _why_not(state: State, u: Unit, to: Hex, reach: movement.Reach, visible: set[str]) -> str:
    scen = state.scenario
    name = _unit_name(state, u)
    occ = [o for o in state.units_at(to)]
    if any(o.side != u.side and o.id in visible for o in occ):
        return f"{to} is held by the enemy: attack it in the combat phase"
    if reach.cost_to(to) is not None:
        return f"{to} already holds {scen.rules.parameters.stacking_limit} friendly units (stacking limit)"
    cls = scen.unit_type(u.type).movement_class
    terr = scen.rules.terrain[scen.map.terrain_at(to)]
    if not movement.can_stand(scen.rules, scen.map, cls, scen.map.index[to]):
        return f"{name} ({cls.replace('_', ' ')}) cannot enter {terr.name.lower()}"
    full = movement.reachable(state, u, visible, mp=10_000.0)
    need = full.cost_to(to)
    if need is None:
        return f"{name} has no way to {to} (river without a crossing, impassable ground or enemy in the way)"
    return f"{name} needs {need:g} movement points to reach {to} but has {u.mp:g} left"


def _unit_name(state: State, u: Unit) -> str:
    return state.scenario.setup(u.id).name


# --- the turn sequence ----------------------------------------------------------------------


def _advance(state: State, events: list[Event]) -> None:
    """Move to the next step of the turn sequence, running the engine's own steps on the way."""
    seq = state.scenario.rules.turn_sequence
    while state.result is None:
        state.step += 1
        state.done = []
        if state.step >= len(seq):
            state.step = 0
        if state.phase.phase == "end_of_turn":
            _end_of_turn(state, events)
            if state.result is not None:
                return
            continue
        _begin_step(state, events)
        if current_actors(state):
            return


def _begin_step(state: State, events: list[Event]) -> None:
    step = state.phase
    sides = _step_sides(state)
    if step.phase == "air":
        air.reset(state)
        if state.night:
            fog.recompute(state)
            state.done = list(sides)  # no flying at night
            events.append(Event("phase_skip", "Night: no air operations"))
            return
    if step.phase == "supply":
        for side in sides:
            supply.supply_phase(state, side, events)
    if step.phase == "movement":
        for side in sides:
            for u in state.units_of(side):
                u.mp = movement.mp_allowance(state, u)
    if step.phase == "combat":
        for side in sides:
            for u in state.units_of(side):
                u.acted = False
    fog.recompute(state)
    events.append(
        Event("phase_start", f"{turn_label(state)}: {step.name or step.phase}", data={"phase": step.phase, "sides": sides})
    )
    if state.step == 0 and not current_actors(state):
        _advance(state, events)


def _end_step(state: State, events: list[Event]) -> None:
    """What happens when every side has ended the phase: the air battle after the air phase."""
    if state.phase.phase == "air":
        air.resolve(state, events)
        fog.recompute(state)


def _end_of_turn(state: State, events: list[Event]) -> None:
    hours = state.scenario.turn_hours[state.turn]
    for u in state.units.values():
        u.mp = 0.0
        if u.status == ACTIVE and u.activity in ("rest", "defend"):
            u.entrench_h += hours
    combat.collapse_pockets(state, hours, events)
    victory.update_control(state, events)
    last = state.turn + 1 >= state.scenario.turns
    victory.check_end(state, events, final=last)
    if state.result is not None:
        return
    state.turn += 1
    _timeline(state, events)
    _arrivals(state, events)
    victory.check_end(state, events, final=False)


def _arrivals(state: State, events: list[Event]) -> None:
    """Reinforcements due by this turn enter at their entry hex or the nearest free one."""
    scen = state.scenario
    limit = scen.rules.parameters.stacking_limit
    for u in state.units.values():
        if u.status != PENDING or u.arrives > state.turn:
            continue
        setup = scen.setup(u.id)
        entry = setup.entry if setup.entry is not None else setup.hex
        if entry is None:
            continue
        spot = _free_hex_near(state, u, entry, limit)
        if spot is None:
            events.append(
                Event("delayed", f"{setup.name} cannot enter: the way is blocked", visible_to=u.side, data={"unit": u.id})
            )
            continue
        u.hex = spot
        u.status = ACTIVE
        events.append(Event("arrival", f"{setup.name} arrives", visible_to=u.side, data={"unit": u.id, "hex": spot}))


def _free_hex_near(state: State, u: Unit, entry: Hex, limit: int) -> Hex | None:
    scen = state.scenario
    cls = scen.unit_type(u.type).movement_class
    occ = state.occupancy()
    for h in spiral(entry, 3):
        if not scen.map.contains(h):
            continue
        here = occ.get(h, [])
        if any(o.side != u.side for o in here) or len(here) >= limit:
            continue
        if not movement.can_stand(scen.rules, scen.map, cls, scen.map.index[h]):
            continue
        return h
    return None


def men_accounted(state: State, side: str) -> int:
    """Men present plus men lost: constant for a side apart from arrivals (an invariant)."""
    return sum(u.men + u.lost["men"] for u in state.units.values() if u.side == side)


__all__ += ["men_accounted", "COUNTS"]
