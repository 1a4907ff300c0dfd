"""The ``historical`` agent: plays a scenario's ``historical_orders`` — the documented course.

Each order names units, a target (a place or a position) and whether they attack. Every
movement phase each ordered unit takes the reachable hex nearest its target; every combat
phase the ordered units next to a known enemy attack it whatever the odds (as they were
committed in 1939), joined by their side's artillery in range. Fighters fly over the air zone of
the main effort, bombers support it. Units without an active order stay put. Like every agent
it sees only ``observe(state, side)`` and acts through ``legal_actions``/``apply``.
"""

from __future__ import annotations

import heapq
from collections import Counter

from game.actions import Action, AssignAir, Attack, DestroyCrossing, EndPhase, Move
from game.ai.depots import field_depot_action
from game.engine import legal_actions
from game.errors import IllegalAction
from game.hexgrid import Hex, distance, neighbors
from game.rules import air, combat, movement
from game.scenario.model import HistoricalOrder
from game.state import ACTIVE, State, Unit


def road_to(view: State, cls: str, target: Hex) -> dict[int, float]:
    """Movement cost from every hex to ``target`` for a class (rivers, crossings, terrain), so a
    unit heads for the bridge rather than the nearest river bank. Cached per scenario."""
    scen = view.scenario
    cache: dict = scen.__dict__.setdefault("_road_to", {})
    key = (cls, target, frozenset(view.destroyed))
    if key in cache:
        return cache[key]
    table = movement.cost_table(scen, cls, frozenset(view.destroyed))
    back: list[list[tuple[int, float]]] = [[] for _ in range(scen.map.size)]
    for a, row in enumerate(table):
        for b, w in row:
            back[b].append((a, w))
    start = scen.map.index[target]
    cost = {start: 0.0}
    heap = [(0.0, start)]
    while heap:
        c, b = heapq.heappop(heap)
        if c > cost[b]:
            continue
        for a, w in back[b]:
            if c + w < cost.get(a, float("inf")):
                cost[a] = c + w
                heapq.heappush(heap, (c + w, a))
    cache[key] = cost
    return cost


class HistoricalAgent:
    name = "historical"

    def __init__(self, seed: int, side: str) -> None:
        self.side = side
        self.key: tuple[int, int] | None = None
        self.done: set[str] = set()

    # --- orders -------------------------------------------------------------------------

    def order_for(self, view: State, uid: str) -> HistoricalOrder | None:
        """The latest order in force this turn that names the unit."""
        best = None
        for o in view.scenario.historical_orders.get(self.side, []):
            if uid in o.units and o.start_turn <= view.turn <= o.end_turn:
                if best is None or o.start_turn >= best.start_turn:
                    best = o
        return best

    def act(self, view: State, side: str) -> Action:
        key = (view.turn, view.step)
        if key != self.key:
            self.key, self.done = key, set()
        phase = view.phase.phase
        if phase == "movement":
            return self._move(view, side)
        if phase == "combat":
            return self._combat(view, side)
        if phase == "air":
            return self._air(view, side)
        if phase == "supply":
            return self._supply(view, side)
        return EndPhase(side)

    def _mine(self, view: State) -> list[Unit]:
        return [u for u in view.units.values() if u.side == self.side and u.status == ACTIVE and u.hex is not None]

    # --- movement -----------------------------------------------------------------------

    def _move(self, view: State, side: str) -> Action:
        visible = set(view.spotted.get(side, []))
        for u in self._mine(view):
            if u.id in self.done or u.mp <= movement.EPS:
                continue
            self.done.add(u.id)
            o = self.order_for(view, u.id)
            if o is None or o.hold or o.target is None:
                continue
            goal = self._sweep_target(view, u, o, visible) if o.sweep else o.target
            if u.hex == goal or goal is None:
                continue
            reach = movement.reachable(view, u, visible)
            field = road_to(view, view.scenario.unit_type(u.type).movement_class, goal)
            idx = view.scenario.map.index
            far = float("inf")
            best, best_key = None, (field.get(idx[u.hex], far), 0.0)  # type: ignore[index]
            for h in reach.destinations():
                k = (field.get(idx[h], far), reach.cost_to(h) or 0.0)
                if k < best_key:
                    best, best_key = h, k
            if best is not None:
                return Move(side, u.id, best)
        return EndPhase(side)

    def _sweep_target(self, view: State, u: Unit, o: HistoricalOrder, visible: set[str]) -> Hex | None:
        """Mopping up: the nearest known enemy within the order's radius of its target, else the target."""
        assert o.target is not None and u.hex is not None
        near = [
            e.hex
            for e in view.units.values()
            if e.id in visible
            and e.side != u.side
            and e.status == ACTIVE
            and e.hex is not None
            and distance(e.hex, o.target) <= o.sweep
        ]
        if not near:
            return o.target
        best = min(near, key=lambda h: (distance(u.hex, h), h))  # type: ignore[arg-type]
        if distance(u.hex, best) == 1:  # already in contact: the combat phase takes it on
            return None
        return best

    # --- supply -------------------------------------------------------------------------

    def _supply(self, view: State, side: str) -> Action:
        """Follow the advance with field depots (game/ai/depots.py); nothing else to decide."""
        return field_depot_action(view, side, self.done) or EndPhase(side)

    # --- combat -------------------------------------------------------------------------

    def _blow(self, view: State, side: str) -> Action | None:
        """Blow a crossing an order names once no unit of ours is left beyond it."""
        gm = view.scenario.map
        for o in self._orders_now(view):
            if not o.destroy or o.destroy in view.destroyed or o.target is None or f"blow:{o.destroy}" in self.done:
                continue
            c = gm.crossing_named(o.destroy)
            if c is None:
                continue
            ends = [gm.hexes[c.edge[0]], gm.hexes[c.edge[1]]]
            far = max(ends, key=lambda h: (distance(h, o.target), h))  # type: ignore[arg-type]
            beyond = _bank(view, far, radius=25)
            if any(u.hex in beyond for u in self._mine(view)):
                continue
            self.done.add(f"blow:{o.destroy}")
            try:
                return _legal_blow(view, side, o.destroy)
            except IllegalAction:
                continue
        return None

    def _combat(self, view: State, side: str) -> Action:
        blow = self._blow(view, side)
        if blow is not None:
            return blow
        visible = set(view.spotted.get(side, []))
        enemy_hexes = sorted({e.hex for e in view.units.values() if e.id in visible and e.status == ACTIVE and e.hex is not None})
        mine = self._mine(view)
        current = {u.id: self.order_for(view, u.id) for u in mine}
        # every unit whose own current order says attack joins an attack next to it
        attacking = [
            u
            for u in mine
            if current[u.id] is not None and current[u.id].attack and not u.acted and not combat.is_artillery(view, u)
        ]
        for o in self._orders_now(view):
            if not o.attack:
                continue
            ready = [u for u in attacking if current[u.id] is o]
            targets: list[tuple[int, int, Hex]] = []
            for h in enemy_hexes:
                adj = [u for u in ready if distance(u.hex, h) == 1]  # type: ignore[arg-type]
                if adj and f"{h}" not in self.done:
                    far = distance(h, o.target) if o.target is not None else 0
                    targets.append((-len(adj), far, h))
            for _, _, h in sorted(targets):
                self.done.add(f"{h}")
                attackers = [u.id for u in attacking if distance(u.hex, h) == 1]  # type: ignore[arg-type]
                guns = [
                    u.id
                    for u in mine
                    if combat.is_artillery(view, u)
                    and not u.acted
                    and u.guns > 0
                    and distance(u.hex, h) <= view.scenario.unit_type(u.type).fire_range  # type: ignore[arg-type]
                ]
                units = tuple(self._usable(view, side, h, attackers + guns))
                if any(uid in attackers for uid in units):
                    return Attack(side, h, units)
        return EndPhase(side)

    def _usable(self, view: State, side: str, target: Hex, ids: list[str]) -> list[str]:
        """Drop the units the rules would refuse (no ammunition, disorganised, across water)."""
        ok = []
        for uid in ids:
            try:
                combat.plan_attack(view, side, target, (uid,))
                ok.append(uid)
            except IllegalAction:
                continue
        return ok

    def _orders_now(self, view: State) -> list[HistoricalOrder]:
        return [o for o in view.scenario.historical_orders.get(self.side, []) if o.start_turn <= view.turn <= o.end_turn]

    # --- air ----------------------------------------------------------------------------

    def _air(self, view: State, side: str) -> Action:
        zone = self._main_zone(view)
        if zone is not None:
            for au in sorted(view.air_units.values(), key=lambda a: a.id):
                if au.side != side or au.id in self.done or air.available(view, au) <= 0:
                    continue
                self.done.add(au.id)
                mission = {"fighter": "superiority", "bomber": "ground_support", "recon": "recon"}[air.role(view, au)]
                return AssignAir(side, au.id, mission, zone, air.available(view, au))
        return EndPhase(side)

    def _main_zone(self, view: State) -> str | None:
        """The air zone of the target most ordered units are heading for."""
        if view.night or not view.scenario.zone_of:
            return None
        weight: Counter[str] = Counter()
        for u in self._mine(view):
            o = self.order_for(view, u.id)  # superseded orders no longer count
            if o is not None and o.target is not None and not o.hold:
                weight[view.scenario.zone_of[view.scenario.map.index[o.target]]] += 1
        if not weight:
            return None
        return max(sorted(weight), key=lambda z: weight[z])


def _bank(view: State, start: Hex, radius: int) -> set[Hex]:
    """Hexes on the same side of the major rivers as ``start``, within ``radius``."""
    gm = view.scenario.map
    seen = {start}
    todo = [start]
    while todo:
        h = todo.pop()
        for n in neighbors(h):
            if n not in seen and gm.contains(n) and distance(n, start) <= radius and gm.river_between(h, n) != "major":
                seen.add(n)
                todo.append(n)
    return seen


def _legal_blow(view: State, side: str, crossing: str) -> Action:
    """The DestroyCrossing action if the rules allow it now, else IllegalAction."""
    action = DestroyCrossing(side, crossing)
    if action not in legal_actions(view, side):
        raise IllegalAction(f"{crossing} cannot be blown now")
    return action
