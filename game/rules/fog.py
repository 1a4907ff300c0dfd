"""Spotting and the fog-of-war projection: a side knows only the enemy units it has spotted."""

from __future__ import annotations

from game.events import Event
from game.hexgrid import distance
from game.rng import Rng
from game.rules.supply import FIELD
from game.state import ACTIVE, PENDING, State, Unit


def spot_range(state: State, unit: Unit) -> int:
    scen = state.scenario
    params = scen.rules.parameters
    base = scen.unit_type(unit.type).spot_range
    rng = params.default_spot_range if base is None else base
    if state.night:
        return min(rng, params.night_spot_range)
    if unit.hex is not None:
        rng += scen.rules.terrain[scen.map.terrain_at(unit.hex)].spot_bonus
    return rng


def recompute(state: State) -> None:
    """Who sees whom now (at each phase start); moves then add to it incrementally."""
    active = [u for u in state.units.values() if u.status == ACTIVE and u.hex is not None]
    scen = state.scenario
    for side in scen.sides:
        own = [(u.hex, spot_range(state, u)) for u in active if u.side == side]
        recon = set(state.air.get("recon", {}).get(side, [])) if not state.night else set()
        seen = [
            e.id
            for e in active
            if e.side != side
            and (
                any(distance(h, e.hex) <= r for h, r in own)  # type: ignore[arg-type]
                or (recon and scen.zone_of[scen.map.index[e.hex]] in recon)  # type: ignore[index]
            )
        ]
        state.spotted[side] = sorted(seen)


def reveal(state: State, side: str, unit_ids: list[str], events: list[Event], why: str = "spotted") -> None:
    known = set(state.spotted.get(side, []))
    new = [u for u in unit_ids if u not in known]
    if not new:
        return
    state.spotted[side] = sorted(known | set(new))
    for uid in new:
        u = state.units[uid]
        events.append(Event("spotted", f"Enemy unit {why} at {u.hex}", visible_to=side, data={"unit": uid, "hex": u.hex}))


def after_step(state: State, mover: Unit, events: list[Event]) -> None:
    """The mover sees enemies near its new hex, and enemies near it see the mover."""
    rng_m = spot_range(state, mover)
    seen, seen_by = [], False
    for e in state.units.values():
        if e.side == mover.side or e.status != ACTIVE or e.hex is None:
            continue
        d = distance(e.hex, mover.hex)  # type: ignore[arg-type]
        if d <= rng_m:
            seen.append(e.id)
        if d <= spot_range(state, e):
            seen_by = True
    reveal(state, mover.side, seen, events)
    if seen_by:
        reveal(state, state.scenario.other(mover.side), [mover.id], events)


def observe(state: State, side: str) -> State:
    """The game as ``side`` may know it: own units, spotted enemies, no dice, no enemy secrets."""
    view = state.copy()
    seen = set(state.spotted.get(side, []))
    view.units = {k: u for k, u in view.units.items() if u.side == side or (u.status == ACTIVE and u.id in seen)}
    enemy = state.scenario.other(side)
    view.spotted = {side: sorted(seen), enemy: []}
    view.losses = {s: (v if s == side else dict.fromkeys(v, 0)) for s, v in view.losses.items()}
    # the enemy's orders, trucks and stocks are its own secret; the places of its depots at the
    # start are known (the scenario's intelligence picture), a field depot only once seen
    hidden = [k for k, d in view.depots.items() if d.side == enemy and d.id.startswith(enemy + FIELD)]
    if hidden:  # observe runs on every agent decision: spot ranges only when there is one to judge
        own = [(u.hex, spot_range(state, u)) for u in state.units.values() if u.side == side and u.status == ACTIVE and u.hex]
        for k in hidden:
            if not any(distance(h, view.depots[k].hex) <= r for h, r in own):  # type: ignore[arg-type]
                del view.depots[k]
    view.air_orders = {side: view.air_orders.get(side, []), enemy: []}
    for a in view.air_units.values():
        if a.side == enemy:
            a.assigned = 0
    view.convoys = [c for c in view.convoys if c.side == side]
    view.logistics = {k: v for k, v in view.logistics.items() if k == side}
    for d in view.depots.values():
        if d.side == enemy:
            d.stock = 0.0
    view.notes = {k: v for k, v in view.notes.items() if k in view.units and view.units[k].side == side}
    for key in ("cas", "interdiction", "recon"):
        if key in view.air:
            view.air[key] = {k: (v if k == side else type(v)()) for k, v in view.air[key].items()}
    view.rng = Rng(0)
    view.view_of = side
    return view


def pending_units(state: State, side: str) -> list[Unit]:
    return [u for u in state.units.values() if u.side == side and u.status == PENDING]
