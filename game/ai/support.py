"""Air and supply phases: aircraft where superiority pays, trucks where the troops draw.

Air: fighters concentrate over the zone of the main effort (a contested sky gives no bonus, so
splitting evenly is the worst choice); bombers support the ground attack there when our fighters
are there too, and otherwise strike convoys elsewhere; scouts look where we see least. Supply:
the railhead's standing routes follow the tonnage each depot feeds, and front trucks top up a depot
that will run dry. Depots about to be overrun are blown.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from game.actions import Action, AssignAir, DestroyDepot, EndPhase, RouteTrucks
from game.ai.depots import field_depot_action
from game.hexgrid import distance
from game.rules import air, supply
from game.state import ACTIVE, State


def zone_weights(view: State, side: str, goals: dict[str, float]) -> Counter[str]:
    """Weight of each air zone: our units in contact there plus the objectives we are after."""
    scen = view.scenario
    zw: Counter[str] = Counter()
    if not scen.zone_of:
        return zw
    enemy_hexes = [u.hex for u in view.units.values() if u.side != side and u.status == ACTIVE and u.hex is not None]
    for u in view.units.values():
        if u.side == side and u.status == ACTIVE and u.hex is not None:
            if any(distance(u.hex, h) <= 2 for h in enemy_hexes):
                zw[scen.zone_of[scen.map.index[u.hex]]] += 1.0
    for z, v in goals.items():
        zw[z] += v
    return zw


def air_action(view: State, side: str, zw: Counter[str], done: set[str], w: dict[str, Any]) -> Action:
    """The next air assignment, one air unit at a time, or EndPhase."""
    if view.night or not zw:
        return EndPhase(side)
    zones = sorted(zw, key=lambda z: (-zw[z], z))
    main = zones[0]
    second = zones[1] if len(zones) > 1 else main
    mine = sorted((a for a in view.air_units.values() if a.side == side), key=lambda a: a.id)
    fighters = [a for a in mine if air.role(view, a) == "fighter"]
    enemy_fighters = sum(a.aircraft for a in view.air_units.values() if a.side != side and air.role(view, a) == "fighter")
    own_fighters = sum(a.aircraft for a in fighters)
    split = own_fighters > w["air"]["split_ratio"] * max(1, enemy_fighters)
    for i, au in enumerate(mine):
        if au.id in done or air.available(view, au) <= 0:
            continue
        done.add(au.id)
        n = air.available(view, au)
        kind = air.role(view, au)
        if kind == "fighter":
            zone = second if split and i % 2 == 1 else main
            return AssignAir(side, au.id, "superiority", zone, n)
        if kind == "bomber":
            if fighters:
                return AssignAir(side, au.id, "ground_support", main, n)
            return AssignAir(side, au.id, "interdiction", second, n)
        if kind == "recon":
            return AssignAir(side, au.id, "recon", second, n)
    return EndPhase(side)


def supply_action(view: State, side: str, done: set[str], w: dict[str, Any]) -> Action:
    """One logistics decision at a time: blow threatened depots, re-route, move front stock."""
    if side not in view.logistics:
        return EndPhase(side)
    sup = view.logistics[side]
    own = sorted(d.id for d in view.depots.values() if d.side == side and d.status == "active")
    if not own:
        return EndPhase(side)
    occ = view.occupancy()
    enemy_hexes = [u.hex for u in view.units.values() if u.side != side and u.status == ACTIVE and u.hex is not None]
    # a depot with the enemy next to it and none of ours on it will be taken: deny it
    for d in own:
        dep = view.depots[d]
        guarded = any(u.side == side for u in occ.get(dep.hex, []))
        if not guarded and len(own) > 1 and any(distance(dep.hex, h) <= 1 for h in enemy_hexes) and f"blow:{d}" not in done:
            done.add(f"blow:{d}")
            return DestroyDepot(side, d)
    # field depots behind the advance (new ones get their first convoys and front trucks)
    step = field_depot_action(view, side, done)
    if step is not None:
        return step
    own = sorted(d.id for d in view.depots.values() if d.side == side and d.status == "active")
    # railhead routes: weight by what each depot fed at the last draw, a floor on every depot
    want = _route_plan(view, side, own, w)
    if "routes" not in done:
        done.add("routes")
        cur = {d: sup.routes.get(d, 0) for d in own}
        tot_cur, tot_want = max(1, sum(cur.values())), max(1, sum(want.values()))
        if any(abs(cur[d] / tot_cur - want[d] / tot_want) > w["supply"]["reroute_threshold"] for d in own):
            done.add("reroute")
    if "reroute" in done:
        # raise before lowering so some trucks always stay routed (the rules require it)
        for d in sorted(own, key=lambda d: (want[d] <= sup.routes.get(d, 0), d)):
            if f"route:{d}" in done:
                continue
            done.add(f"route:{d}")
            others = sum(v for k, v in sup.routes.items() if k != d and k in own)
            if want[d] != sup.routes.get(d, 0) and (want[d] > 0 or others > 0):
                return RouteTrucks(side, "railhead", d, want[d])
    # front trucks: from the fullest depot to the one that will run dry first
    if sup.front_idle > 0 and "front" not in done:
        done.add("front")
        turns = {d: view.depots[d].stock / max(sup.draws.get(d, 0.0), 1e-6) for d in own if sup.draws.get(d, 0.0) > 0}
        low = [d for d in turns if turns[d] < w["supply"]["low_turns"]]
        if low:
            dst = min(low, key=lambda d: (turns[d], d))
            srcs = [d for d in own if d != dst and view.depots[d].stock > 2 * max(sup.draws.get(d, 0.0), 1.0)]
            if srcs:
                src = max(srcs, key=lambda d: (view.depots[d].stock, d))
                return RouteTrucks(side, src, dst, sup.front_idle)
    return EndPhase(side)


def _route_plan(view: State, side: str, own: list[str], w: dict[str, Any]) -> dict[str, int]:
    """Standing trucks per depot: its share of the last draw, plus a floor so none is forgotten."""
    sup = view.logistics[side]
    total = supply.trucks_alive(view, side)["railhead"]
    draws = {d: sup.draws.get(d, 0.0) for d in own}
    if sum(draws.values()) <= 0:  # nothing drawn yet: keep the scenario's routes
        return {d: sup.routes.get(d, 0) for d in own}
    floor = w["supply"]["floor_share"] * max(sum(draws.values()), 1.0) / len(own)
    return supply.split(total, {d: draws[d] + floor for d in own})
