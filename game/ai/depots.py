"""Field depots for the agents: follow the advance with the dumps, as the staffs did.

Shared by the ``historical`` and ``ai`` agents. Works on a side's view only (fog): the convoy
road is the one the side believes open.
"""

from __future__ import annotations

from game.actions import Action, OpenDepot, RouteTrucks
from game.ai.influence import load_weights
from game.hexgrid import Hex, distance
from game.rules import supply
from game.state import ACTIVE, State


def field_depot_action(view: State, side: str, done: set[str]) -> Action | None:
    """One step, or None: feed a new or empty field depot, else open one where units have
    outrun every depot. ``done`` remembers what was tried this phase."""
    sup = view.logistics.get(side)
    if sup is None:
        return None
    for d in sorted(view.depots.values(), key=lambda d: d.id):
        if d.side != side or d.status != "active" or supply.FIELD not in d.id:
            continue
        fresh = d.id not in sup.routes
        if fresh and f"route:{d.id}" not in done:
            done.add(f"route:{d.id}")
            share = max(1, supply.trucks_alive(view, side)["railhead"] // max(1, len(sup.routes)))
            return RouteTrucks(side, "railhead", d.id, share)
        if (fresh or d.stock < 1.0) and f"front:{d.id}" not in done and sup.front_idle > 0:
            done.add(f"front:{d.id}")
            src = _nearest_stocked(view, side, d.id)
            if src is not None:
                return RouteTrucks(side, src, d.id, max(1, sup.front_idle // 2))
    if "open" not in done:
        done.add("open")
        site = depot_site(view, side)
        if site is not None:
            return OpenDepot(side, site)
    return None


def _nearest_stocked(view: State, side: str, dest: str) -> str | None:
    far = view.depots[dest].hex
    own = [d for d in view.depots.values() if d.side == side and d.status == "active" and d.id != dest and d.stock > 1.0]
    if not own:
        return None
    return min(own, key=lambda d: (distance(d.hex, far), d.id)).id


def depot_site(view: State, side: str) -> Hex | None:
    """The legal site with the most stranded units within reach (at least weights.yaml's
    ``supply.field_depot_min_stranded``)."""
    sites = supply.field_depot_sites(view, side, supply.road_open(view, side))
    if not sites:
        return None
    stranded = [
        u.hex
        for u in view.units.values()
        if u.side == side and u.status == ACTIVE and u.hex is not None and u.cut and "no depot within" in view.notes.get(u.id, "")
    ]
    reach = view.scenario.rules.supply.field_depot_spacing
    best, best_n = None, load_weights()["supply"]["field_depot_min_stranded"] - 1
    for h in sites:
        n = sum(1 for s in stranded if distance(s, h) <= reach)
        if n > best_n:
            best, best_n = h, n
    return best
