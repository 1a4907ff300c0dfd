"""Movement: per-class costs from the ruleset, rivers only at crossings, ZOC, stacking.

Static edge costs are compiled once per (scenario, movement class, destroyed crossings) into
flat adjacency lists; ``reachable`` is then a plain Dijkstra over hex indices, fast enough to
run for every unit whenever the UI or the AI asks.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from game.gamemap import GameMap, edge
from game.hexgrid import Hex
from game.scenario.model import Scenario
from game.scenario.schema import RulesetSpec
from game.state import ACTIVE, State, Unit

EPS = 1e-9

# adjacency per hex: list of (neighbour index, cost) — impassable edges are left out
CostTable = list[list[tuple[int, float]]]


def step_cost(scen: Scenario, cls: str, a: int, b: int, destroyed: frozenset[str] = frozenset()) -> float | None:
    """Cost for a unit of class ``cls`` to go from hex index a to the adjacent b (None = cannot)."""
    rules, gm = scen.rules, scen.map
    e = edge(a, b)
    road = gm.road_edges.get(e)
    if road is not None:  # a track climbs the escarpment; the terrain below it does not count
        cost = rules.roads[road].cost.for_class(cls)
    else:
        cost = rules.terrain[gm.terrain[b]].cost.for_class(cls)
    if cost is None:
        return None
    river = gm.river_edges.get(e)
    if river is not None:
        crossing = gm.crossings.get(e)
        if crossing is not None and crossing.name not in destroyed:
            extra = rules.crossings[crossing.kind].cost.for_class(cls)
            if extra is None:  # e.g. armoured cars at a ford: try the river itself
                extra = rules.rivers[river].cost.for_class(cls)
        else:
            extra = rules.rivers[river].cost.for_class(cls)
        if extra is None:
            return None
        cost += extra
    return cost


def can_stand(rules: RulesetSpec, gm: GameMap, cls: str, i: int) -> bool:
    """A hex a unit of class ``cls`` may occupy: passable terrain, or a road runs through it."""
    if rules.terrain[gm.terrain[i]].cost.for_class(cls) is not None:
        return True
    return any(edge(i, j) in gm.road_edges for j in gm.nbrs[i])


def cost_table(scen: Scenario, cls: str, destroyed: frozenset[str] = frozenset()) -> CostTable:
    cache: dict = scen.__dict__.setdefault("_cost_tables", {})
    key = (cls, destroyed)
    table = cache.get(key)
    if table is None:
        gm = scen.map
        table = []
        for a in range(gm.size):
            row = []
            for b in gm.nbrs[a]:
                c = step_cost(scen, cls, a, b, destroyed)
                if c is not None:
                    row.append((b, c))
            table.append(row)
        cache[key] = table
    return table


def zoc_blocked_across(scen: Scenario, a: int, b: int) -> bool:
    """True if a unit in hex a does not exert ZOC into b (an unbridged major river between)."""
    river = scen.map.river_edges.get(edge(a, b))
    if river is None or scen.rules.parameters.zoc_across_major_river:
        return False
    return scen.rules.rivers[river].blocks_zoc and edge(a, b) not in scen.map.crossings


def zoc_of(scen: Scenario, units: list[Unit]) -> set[int]:
    """Hex indices in the zone of control of the given units."""
    gm = scen.map
    out: set[int] = set()
    for u in units:
        if u.hex is None or not scen.unit_type(u.type).zoc:
            continue
        a = gm.index[u.hex]
        out.add(a)
        for b in gm.nbrs[a]:
            if not zoc_blocked_across(scen, a, b):
                out.add(b)
    return out


def mp_allowance(state: State, unit: Unit) -> float:
    scen = state.scenario
    mp = scen.unit_type(unit.type).mp * scen.spec.calendar.mp_factor
    if state.night:
        mp *= scen.rules.parameters.night_mp_factor
    sup = scen.rules.supply
    if scen.unit_type(unit.type).movement_class not in sup.fuel_classes:
        return mp
    if unit.supply < sup.out:
        mp *= sup.out_mp_factor
    elif unit.supply < sup.low:
        mp *= sup.low_mp_factor
    return mp


@dataclass
class Reach:
    """Result of a movement search from one unit's hex."""

    map: GameMap
    start: int
    cost: dict[int, float]  # every hex the unit can get to (pass through or stop)
    prev: dict[int, int]
    ends: set[int]  # hexes where it may end its move (stacking respected)

    def can_end(self, h: Hex) -> bool:
        i = self.map.idx(h)
        return i is not None and i in self.ends

    def cost_to(self, h: Hex) -> float | None:
        i = self.map.idx(h)
        return None if i is None else self.cost.get(i)

    def path(self, h: Hex) -> list[Hex]:
        """Hexes from the start to h inclusive (empty if unreachable)."""
        i = self.map.idx(h)
        if i is None or i not in self.cost:
            return []
        out = [i]
        while out[-1] != self.start:
            out.append(self.prev[out[-1]])
        return [self.map.hexes[k] for k in reversed(out)]

    def destinations(self) -> list[Hex]:
        return [self.map.hexes[i] for i in sorted(self.ends) if i != self.start]


def reachable(state: State, unit: Unit, visible: set[str] | None = None, mp: float | None = None) -> Reach:
    """Where ``unit`` can move with its movement points left.

    ``visible`` restricts the enemy units taken into account to those the moving side has
    spotted (fog): hidden enemies stop the move only when it is carried out.
    """
    scen = state.scenario
    gm = scen.map
    cls = scen.unit_type(unit.type).movement_class
    table = cost_table(scen, cls, frozenset(state.destroyed))
    budget = unit.mp if mp is None else mp
    start = gm.index[unit.hex]  # type: ignore[index]
    enemies = [
        u
        for u in state.units.values()
        if u.side != unit.side and u.status == ACTIVE and u.hex is not None and (visible is None or u.id in visible)
    ]
    blocked = {gm.index[u.hex] for u in enemies}  # type: ignore[index]
    zoc = zoc_of(scen, enemies)
    limit = scen.rules.parameters.stacking_limit
    friends: dict[int, int] = {}
    for u in state.units.values():
        if u.side == unit.side and u.status == ACTIVE and u.hex is not None and u.id != unit.id:
            k = gm.index[u.hex]
            friends[k] = friends.get(k, 0) + 1

    # the minimum move: a unit with all its points may always take one step it could take at all
    one_step = mp is None and scen.rules.parameters.always_one_hex and budget > EPS and budget >= mp_allowance(state, unit) - EPS
    cost = {start: 0.0}
    prev: dict[int, int] = {}
    heap: list[tuple[float, int]] = [(0.0, start)]
    while heap:
        c, a = heapq.heappop(heap)
        if c > cost[a] + EPS:
            continue
        if a != start and a in zoc:
            continue  # entering an enemy zone of control ends the move
        for b, w in table[a]:
            nc = c + w
            if one_step and a == start and nc > budget + EPS:
                nc = budget
            if nc > budget + EPS or b in blocked:
                continue
            old = cost.get(b)
            if old is None or nc < old - EPS:
                cost[b] = nc
                prev[b] = a
                heapq.heappush(heap, (nc, b))
    ends = {k for k in cost if friends.get(k, 0) < limit}
    ends.add(start)
    return Reach(gm, start, cost, prev, ends)
