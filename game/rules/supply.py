"""Supply by truck: railhead → convoys → depots → units.

Trucks load at an off-map railhead, drive the road for their travel time, unload at a depot and
drive back. Units trace a path (motor-vehicle costs, not through enemy zones of control) to a
depot and draw tons for what they did since their last supply phase. A unit that cannot draw
lives off its own load, then goes hungry: weaker, slower, then attrition. Every ton is
accounted: delivered = consumed + in depots + lost.
"""

from __future__ import annotations

import heapq
import math

from game.actions import DestroyDepot, OpenDepot, RouteTrucks
from game.errors import IllegalAction
from game.events import Event
from game.hexgrid import Hex, distance
from game.rules import movement
from game.state import ACTIVE, Convoy, Depot, SideSupply, State, Unit

EPS = 1e-9


def _name(state: State, uid: str) -> str:
    return state.scenario.setup(uid).name


def depot_name(state: State, depot_id: str) -> str:
    for d in state.scenario.depots:
        if d.id == depot_id:
            return d.name
    side, _, n = depot_id.partition(FIELD)
    if n.isdigit() and side in state.scenario.sides:
        return f"{side.capitalize()} field depot {n}"
    return depot_id


FIELD = "_field_"  # field depots are named <side>_field_<n>


def field_depots_opened(state: State, side: str) -> int:
    """Every field depot the side has opened, lost or blown ones included (the limit is on opening)."""
    return sum(1 for d in state.depots.values() if d.id.startswith(side + FIELD))


def field_depot_problem(state: State, side: str, h: Hex, road: set[int] | None = None) -> str | None:
    """Why the side cannot open a field depot at h now (None: it can)."""
    scen = state.scenario
    log = scen.logistics.get(side)
    if log is None or log.field_depots <= 0:
        return "this scenario gives you no field depots to open"
    if field_depots_opened(state, side) >= log.field_depots:
        return f"you have opened all {log.field_depots} field depots this scenario allows"
    gm = scen.map
    if not gm.contains(h):
        return f"{h} is off the map"
    if not any(u.side == side and u.status == ACTIVE and u.hex == h for u in state.units.values()):
        return "a field depot opens under one of your own units"
    enemies = [u for u in state.units.values() if u.side != side and u.status == ACTIVE and u.hex is not None]
    if gm.index[h] in movement.zoc_of(scen, enemies):
        return "too close to the enemy: a field depot cannot open in an enemy zone of control"
    if road is not None and gm.index[h] not in road:
        return "convoys cannot reach this hex from your entry point"
    spacing = scen.rules.supply.field_depot_spacing
    near = [d for d in state.depots.values() if d.side == side and d.status == "active" and distance(d.hex, h) < spacing]
    if near:
        return f"{depot_name(state, near[0].id)} is closer than {spacing} km"
    return None


def field_depot_sites(state: State, side: str, road: set[int] | None = None) -> list[Hex]:
    """Hexes where the side could open a field depot now (under its own units).

    Whether convoys can get there is not a condition of the rules (a hidden enemy may be
    cutting the road, and the player must not learn it from the menu); pass ``road`` (from
    ``road_open`` on what the side can see) to keep only the sites it believes reachable.
    """
    log = state.scenario.logistics.get(side)
    if log is None or log.field_depots <= field_depots_opened(state, side):
        return []
    hexes = sorted({u.hex for u in state.units.values() if u.side == side and u.status == ACTIVE and u.hex is not None})
    return [h for h in hexes if field_depot_problem(state, side, h, road) is None]


def open_depot(state: State, a: OpenDepot, events: list[Event]) -> None:
    """A field depot, empty: route railhead convoys or front trucks to it to fill it."""
    why = field_depot_problem(state, a.side, a.hex)
    if why is not None:
        raise IllegalAction(why)
    did = f"{a.side}{FIELD}{field_depots_opened(state, a.side) + 1}"
    state.depots[did] = Depot(did, a.side, a.hex, 0.0, "active")
    events.append(
        Event(
            "depot_opened",
            f"{depot_name(state, did)} opened at {a.hex}: route trucks to it to fill it",
            visible_to=a.side,
            data={"depot": did, "hex": a.hex},
        )
    )


# --- set-up ---------------------------------------------------------------------------------


def one_way_hours(state: State, side: str, depot_id: str) -> float:
    """Railhead to depot: the road to the entry point, then across the map."""
    log = state.scenario.logistics[side]
    dep = state.depots[depot_id]
    km = log.railhead_km + distance(log.entry, dep.hex) * state.scenario.map.hex_km
    return km / log.truck_km_per_day * 24.0


def init(state: State) -> None:
    """Depots with their stock, and convoys already on the road at a steady rhythm."""
    scen = state.scenario
    for d in scen.depots:
        state.depots[d.id] = Depot(d.id, d.side, d.hex, float(d.stock_t), "active")
    avail = scen.rules.supply.truck_availability
    for side, log in sorted(scen.logistics.items()):
        sup = SideSupply(trucks_idle=log.trucks, front_idle=log.front_trucks, routes=dict(log.routes))
        sup.initial = sum(d.stock for d in state.depots.values() if d.side == side)
        state.logistics[side] = sup
        rolling = round(log.trucks * avail)
        shares = split(rolling, sup.routes)
        for dep, n in shares.items():
            if n <= 0:
                continue
            ow = one_way_hours(state, side, dep)
            rt = 2 * ow
            m = max(2, min(60, math.ceil(rt / scen.turn_hours[0])))
            for i, k in enumerate(split(n, dict.fromkeys(range(m), 1)).values()):
                if k <= 0:
                    continue
                pos = (i + 0.5) / m * rt
                if pos < ow:
                    cargo = k * log.payload_t
                    _new_convoy(state, side, k, cargo, "railhead", dep, "out", ow - pos)
                    sup.shipped += cargo
                else:
                    _new_convoy(state, side, k, 0.0, dep, "railhead", "back", rt - pos)
                sup.trucks_idle -= k


def _new_convoy(state: State, side: str, trucks: int, cargo: float, source: str, dest: str, leg: str, arrive_h: float) -> None:
    state.convoys.append(Convoy(state.next_id, side, trucks, cargo, source, dest, leg, arrive_h))
    state.next_id += 1


def split(total: int, weights: dict) -> dict:
    """Share ``total`` out by weights, whole numbers, largest remainders first (deterministic)."""
    keys = [k for k in weights if weights[k] > 0]
    wsum = sum(weights[k] for k in keys)
    out = dict.fromkeys(weights, 0)
    if total <= 0 or wsum <= 0:
        return out
    raw = {k: total * weights[k] / wsum for k in keys}
    for k in keys:
        out[k] = math.floor(raw[k])
    left = total - sum(out.values())
    for k in sorted(keys, key=lambda k: (-(raw[k] - math.floor(raw[k])), str(k)))[:left]:
        out[k] += 1
    return out


# --- tracing --------------------------------------------------------------------------------


def trace(state: State, side: str, blocked_by_enemy: bool = True) -> tuple[dict[int, float], dict[int, str], dict[int, int]]:
    """Multi-source search from the side's depots: cost, depot and previous hex per hex reached."""
    scen = state.scenario
    gm = scen.map
    rules = scen.rules.supply
    table = movement.cost_table(scen, rules.trace_class, frozenset(state.destroyed))
    enemies = [u for u in state.units.values() if u.side != side and u.status == ACTIVE and u.hex is not None]
    friends = {gm.index[u.hex] for u in state.units.values() if u.side == side and u.status == ACTIVE and u.hex is not None}
    blocked: set[int] = set()
    if blocked_by_enemy:
        blocked = {gm.index[u.hex] for u in enemies}  # type: ignore[index]
        blocked |= movement.zoc_of(scen, enemies) - friends
    cost: dict[int, float] = {}
    depot_of: dict[int, str] = {}
    prev: dict[int, int] = {}
    heap: list[tuple[float, str, int]] = []
    for d in sorted(state.depots.values(), key=lambda d: d.id):
        if d.side == side and d.status == "active":
            i = gm.index[d.hex]
            if i in blocked and i not in friends:
                continue
            if i not in cost:
                cost[i] = 0.0
                depot_of[i] = d.id
                heapq.heappush(heap, (0.0, d.id, i))
    while heap:
        c, dep, a = heapq.heappop(heap)
        if c > cost[a] + EPS:
            continue
        for b, w in table[a]:
            nc = c + w
            if nc > rules.trace_range + EPS or b in blocked:
                continue
            if b not in cost or nc < cost[b] - EPS:
                cost[b] = nc
                depot_of[b] = dep
                prev[b] = a
                heapq.heappush(heap, (nc, dep, b))
    return cost, depot_of, prev


def demand_tons(state: State, u: Unit, activity: str | None = None) -> float:
    """Tons the unit uses over this turn for its activity, from the ruleset's rates."""
    rates = state.scenario.rules.supply.consumption_kg_per_day
    act = activity or u.activity
    kg = u.men * rates.man[act] + u.guns * rates.gun[act] + u.tanks * rates.tank[act] + u.armored_cars * rates.armored_car[act]
    return kg / 1000.0 * state.scenario.turn_hours[state.turn] / 24.0


# --- the supply phase -----------------------------------------------------------------------


def supply_phase(state: State, side: str, events: list[Event]) -> None:
    """Deliveries arrive, units draw (or go short), then the railhead dispatches convoys."""
    if side in state.logistics:
        _deliveries(state, side, events)
    _draw(state, side, events)
    if side in state.logistics:
        _dispatch(state, side, events)


def _turn_end_h(state: State) -> float:
    return state.scenario.turn_start_hours[state.turn + 1]


def _deliveries(state: State, side: str, events: list[Event]) -> None:
    scen = state.scenario
    sup = state.logistics[side]
    log = scen.logistics[side]
    now_end = _turn_end_h(state)
    enemy = scen.other(side)
    interdiction = state.air.get("interdiction", {}).get(enemy, {})
    rules = scen.rules.supply
    sup.delivered_turn = 0.0
    open_road = road_open(state, side)
    held: dict[str, int] = {}
    keep: list[Convoy] = []
    for cv in state.convoys:
        if cv.side != side or cv.arrive_h >= now_end - EPS:
            keep.append(cv)
            continue
        if cv.leg == "back":
            sup.trucks_idle += cv.trucks
            continue
        if cv.leg == "out":
            dest = _receiving_depot(state, side, cv.dest, open_road)
            if dest is None and any(_usable(state, side, d) for d in state.depots):
                # the road is cut on the ground: the convoy waits at the entry for a way through
                cv.arrive_h = now_end
                held[cv.dest] = held.get(cv.dest, 0) + cv.trucks
                keep.append(cv)
                continue
        else:
            dest = _receiving_depot(state, side, cv.dest)
        if cv.leg == "out" and not state.night and dest is not None:
            zone_ids = (
                {scen.zone_of[scen.map.index[state.depots[dest].hex]], scen.zone_of[scen.map.index[log.entry]]}
                if scen.zone_of
                else set()
            )
            sorties = sum(interdiction.get(z, 0.0) for z in zone_ids)
            frac = min(rules.interdiction_cap, sorties * rules.interdiction_per_sortie)
            if frac > 0:
                lost_trucks = min(cv.trucks, math.floor(cv.trucks * frac + state.rng.random()))
                lost_cargo = cv.cargo * lost_trucks / cv.trucks if cv.trucks else 0.0
                cv.trucks -= lost_trucks
                cv.cargo -= lost_cargo
                sup.lost_transit += lost_cargo
                state.losses[side]["trucks"] += lost_trucks
                if lost_trucks:
                    events.append(
                        Event(
                            "interdiction",
                            f"Air attack on a convoy for {depot_name(state, cv.dest)}: {lost_trucks} trucks and {lost_cargo:.0f} t lost",
                            data={"side": side, "trucks": lost_trucks, "tons": lost_cargo},
                        )
                    )
        if cv.leg == "front":  # stock moved between our own depots: not a new delivery
            if dest is None:
                sup.lost_depot += cv.cargo
            else:
                state.depots[dest].stock += cv.cargo
            sup.front_idle += cv.trucks
            continue
        if dest is None:
            sup.returned += cv.cargo
        else:
            state.depots[dest].stock += cv.cargo
            sup.delivered += cv.cargo
            sup.delivered_turn += cv.cargo
        back_to = dest if dest is not None else cv.dest
        cv.leg, cv.cargo, cv.source, cv.dest = "back", 0.0, back_to, "railhead"
        cv.arrive_h = cv.arrive_h + one_way_hours(state, side, back_to)
        keep.append(cv)
    state.convoys = keep
    for dep, n in sorted(held.items()):
        events.append(
            Event(
                "convoy_held",
                f"{n} trucks for {depot_name(state, dep)} cannot get through: the road is cut",
                visible_to=side,
                data={"depot": dep, "trucks": n},
            )
        )
    if sup.delivered_turn > 0:
        events.append(
            Event(
                "deliveries",
                f"{sup.delivered_turn:.0f} t delivered to {side.capitalize()} depots",
                visible_to=side,
                data={"tons": sup.delivered_turn},
            )
        )


def _usable(state: State, side: str, depot_id: str) -> bool:
    d = state.depots.get(depot_id)
    return d is not None and d.side == side and d.status == "active"


def _receiving_depot(state: State, side: str, depot_id: str, open_road: set[int] | None = None) -> str | None:
    """The convoy's depot, or the nearest other one still ours and reachable, or None."""
    gm = state.scenario.map

    def ok(o: Depot) -> bool:
        return o.side == side and o.status == "active" and (open_road is None or gm.index[o.hex] in open_road)

    d = state.depots.get(depot_id)
    if d is not None and ok(d):
        return depot_id
    others = [o for o in state.depots.values() if ok(o)]
    if not others or d is None:
        return None
    return min(others, key=lambda o: (distance(o.hex, d.hex), o.id)).id


def road_open(state: State, side: str) -> set[int]:
    """Hexes convoys can reach from the side's entry point: not through enemy units or their
    zones of control (unless our own troops hold the hex), across rivers only at crossings."""
    scen = state.scenario
    gm = scen.map
    table = movement.cost_table(scen, scen.rules.supply.trace_class, frozenset(state.destroyed))
    enemies = [u for u in state.units.values() if u.side != side and u.status == ACTIVE and u.hex is not None]
    friends = {gm.index[u.hex] for u in state.units.values() if u.side == side and u.status == ACTIVE and u.hex is not None}
    blocked = ({gm.index[u.hex] for u in enemies} | movement.zoc_of(scen, enemies)) - friends  # type: ignore[index]
    start = gm.index[scen.logistics[side].entry]
    if start in blocked:
        return set()
    seen = {start}
    todo = [start]
    while todo:
        a = todo.pop()
        for b, _w in table[a]:
            if b not in seen and b not in blocked:
                seen.add(b)
                todo.append(b)
    return seen


def _dispatch(state: State, side: str, events: list[Event]) -> None:
    scen = state.scenario
    sup = state.logistics[side]
    log = scen.logistics[side]
    ready = round(sup.trucks_idle * scen.rules.supply.truck_availability)
    routes = {
        d: w
        for d, w in sup.routes.items()
        if d in state.depots and state.depots[d].side == side and state.depots[d].status == "active"
    }
    start_h = scen.turn_start_hours[state.turn]
    for dep, n in split(ready, routes).items():
        if n <= 0:
            continue
        cargo = n * log.payload_t
        _new_convoy(state, side, n, cargo, "railhead", dep, "out", start_h + one_way_hours(state, side, dep))
        sup.trucks_idle -= n
        sup.shipped += cargo


def _draw(state: State, side: str, events: list[Event]) -> None:
    scen = state.scenario
    gm = scen.map
    rules = scen.rules.supply
    hours = scen.turn_hours[state.turn]
    has_logistics = side in state.logistics
    if has_logistics:
        cost, depot_of, _ = trace(state, side)
        free_cost = None
        draws: dict[str, float] = {}
    units = [u for u in state.units.values() if u.side == side and u.status == ACTIVE and u.hex is not None]
    units.sort(key=lambda u: (cost.get(gm.index[u.hex], math.inf) if has_logistics else 0.0, u.id))  # type: ignore[index]
    enemy_near = _enemy_adjacent(state, side)
    for u in units:
        act = u.activity
        need = demand_tons(state, u, act)
        refill = hours / 24.0 / rules.refill_days
        drain = hours / 24.0 / rules.carried_days * rules.drain_factor[act]
        if not has_logistics:  # the scenario does not model this side's trucks: general supply
            u.supply, u.cut = 1.0, False
            state.notes[u.id] = "General supply (this scenario does not model the side's trucks)"
        else:
            i = gm.index[u.hex]
            if i in cost:
                dep = state.depots[depot_of[i]]
                top_up = min(refill, 1.0 - u.supply) * rules.carried_days * demand_tons(state, u, "rest") * 24.0 / hours
                want = need + top_up
                take = min(want, dep.stock)
                dep.stock -= take
                state.logistics[side].consumed += take
                draws[dep.id] = draws.get(dep.id, 0.0) + take
                f = 1.0 if want <= EPS else take / want
                u.supply = min(1.0, max(0.0, u.supply + min(refill, 1.0 - u.supply) * f - drain * (1.0 - f)))
                u.cut = False
                state.notes[u.id] = (
                    f"In supply from {depot_name(state, dep.id)}, {cost[i]:g} MP away: drew {take:.1f} of {want:.1f} t"
                    + ("" if f >= 1 - EPS else " (depot short)")
                )
            else:
                u.supply = max(0.0, u.supply - drain)
                u.cut = True
                if free_cost is None:
                    free_cost = trace(state, side, blocked_by_enemy=False)[0]
                why = (
                    "the way to every depot is cut by the enemy"
                    if i in free_cost
                    else f"no depot within {rules.trace_range:g} MP"
                )
                state.notes[u.id] = f"Out of supply: {why}; living on its own load ({u.supply:.0%} left)"
        if u.supply < rules.out:
            lost = min(u.men, math.floor(u.men * rules.attrition_per_day * hours / 24.0 + state.rng.random()))
            if lost:
                u.men -= lost
                u.lost["men"] += lost
                state.losses[side]["men"] += lost
                events.append(
                    Event(
                        "attrition",
                        f"{_name(state, u.id)} loses {lost} men to hunger, thirst and straggling",
                        visible_to=side,
                        data={"unit": u.id, "men": lost},
                    )
                )
            u.cohesion = max(0.0, u.cohesion + rules.out_cohesion_per_12h * hours / 12.0)
        elif u.supply >= rules.low and act == "rest" and u.id not in enemy_near:
            u.cohesion = min(100.0, u.cohesion + rules.rest_cohesion_per_12h * hours / 12.0)
        u.activity = "rest"
    if has_logistics:
        state.logistics[side].draws = {k: round(v, 3) for k, v in sorted(draws.items())}


def _enemy_adjacent(state: State, side: str) -> set[str]:
    enemy_hexes = {u.hex for u in state.units.values() if u.side != side and u.status == ACTIVE and u.hex is not None}
    out = set()
    for u in state.units.values():
        if u.side == side and u.status == ACTIVE and u.hex is not None:
            if any(distance(u.hex, h) <= 1 for h in enemy_hexes):
                out.add(u.id)
    return out


# --- player actions -------------------------------------------------------------------------


def route_trucks(state: State, a: RouteTrucks, events: list[Event]) -> None:
    scen = state.scenario
    if a.side not in state.logistics:
        raise IllegalAction("this scenario does not model your trucks")
    sup = state.logistics[a.side]
    dest = state.depots.get(a.dest)
    if dest is None or dest.side != a.side or dest.status != "active":
        raise IllegalAction(f"'{a.dest}' is not one of your depots")
    if a.source == "railhead":
        total = trucks_alive(state, a.side)["railhead"]
        if not 0 <= a.trucks <= total:
            raise IllegalAction(f"you have {total} trucks on the railhead road, not {a.trucks}")
        if a.trucks == 0 and sum(v for k, v in sup.routes.items() if k != a.dest and _usable(state, a.side, k)) <= 0:
            raise IllegalAction("every truck would stand idle at the railhead: route trucks to another depot first")
        sup.routes[a.dest] = a.trucks
        events.append(
            Event(
                "routing",
                f"Convoys from {scen.logistics[a.side].railhead}: {a.trucks} trucks to {depot_name(state, a.dest)}",
                visible_to=a.side,
                data={"dest": a.dest, "trucks": a.trucks},
            )
        )
        return
    src = state.depots.get(a.source)
    if src is None or src.side != a.side or src.status != "active":
        raise IllegalAction(f"'{a.source}' is not one of your depots or the railhead")
    if a.source == a.dest:
        raise IllegalAction("a convoy needs two different depots")
    if not 1 <= a.trucks <= sup.front_idle:
        raise IllegalAction(f"you have {sup.front_idle} trucks free at the front, not {a.trucks}")
    if src.stock <= EPS:
        raise IllegalAction(f"{depot_name(state, a.source)} is empty")
    cargo = min(src.stock, a.trucks * scen.logistics[a.side].payload_t)
    src.stock -= cargo
    sup.front_idle -= a.trucks
    km = distance(src.hex, dest.hex) * scen.map.hex_km
    arrive = scen.turn_start_hours[state.turn] + km / scen.rules.supply.front_truck_km_per_hour
    _new_convoy(state, a.side, a.trucks, cargo, a.source, a.dest, "front", arrive)
    events.append(
        Event(
            "convoy",
            f"{a.trucks} trucks take {cargo:.0f} t from {depot_name(state, a.source)} to {depot_name(state, a.dest)}",
            visible_to=a.side,
            data={"tons": cargo},
        )
    )


def destroy_depot(state: State, a: DestroyDepot, events: list[Event]) -> None:
    d = state.depots.get(a.depot)
    if d is None or d.side != a.side or d.status != "active":
        raise IllegalAction(f"'{a.depot}' is not one of your depots")
    state.logistics[a.side].lost_depot += d.stock if a.side in state.logistics else 0.0
    d.stock, d.status = 0.0, "destroyed"
    events.append(Event("depot_destroyed", f"{depot_name(state, d.id)} is blown up", data={"depot": d.id}))


def capture_depots(state: State, u: Unit, events: list[Event]) -> None:
    """Entering an enemy depot takes it, with part of its stock."""
    share = state.scenario.rules.supply.capture_share
    for d in state.depots.values():
        if d.hex == u.hex and d.side != u.side and d.status == "active":
            loser = d.side
            if loser in state.logistics:
                state.logistics[loser].lost_depot += d.stock
            taken = d.stock * share
            if u.side in state.logistics:
                state.logistics[u.side].captured_in += taken
            d.side, d.stock = u.side, taken
            if u.side not in state.logistics:
                d.status, d.stock = "destroyed", 0.0
            events.append(
                Event(
                    "depot_captured",
                    f"{depot_name(state, d.id)} captured by the {u.side.capitalize()} side ({taken:.0f} t taken)",
                    data={"depot": d.id, "side": u.side},
                )
            )


# --- inspection -----------------------------------------------------------------------------


def trucks_alive(state: State, side: str) -> dict[str, int]:
    sup = state.logistics.get(side)
    if sup is None:
        return {"railhead": 0, "front": 0}
    road = sup.trucks_idle + sum(c.trucks for c in state.convoys if c.side == side and c.leg in ("out", "back"))
    front = sup.front_idle + sum(c.trucks for c in state.convoys if c.side == side and c.leg == "front")
    return {"railhead": road, "front": front}


def depot_forecast(state: State, depot_id: str) -> dict[str, float]:
    """Stock now, tons arriving by the end of next turn, and last draw."""
    d = state.depots[depot_id]
    scen = state.scenario
    horizon = scen.turn_start_hours[min(state.turn + 2, scen.turns)]
    inbound = sum(
        c.cargo
        for c in state.convoys
        if c.dest == depot_id and c.side == d.side and c.leg in ("out", "front") and c.arrive_h < horizon
    )
    sup = state.logistics.get(d.side)
    drawn = sup.draws.get(depot_id, 0.0) if sup is not None else 0.0
    return {"stock": d.stock, "inbound": inbound, "last_draw": drawn, "forecast": max(0.0, d.stock + inbound - drawn)}


def tonnage_balance(state: State, side: str) -> dict[str, float]:
    """Both sides of the two conservation equations (they must match to rounding).

    depots: initial + delivered + captured = consumed + stock + on front trucks + lost in depots
    road:   shipped = delivered + lost to air attack + brought back + on railhead trucks
    """
    sup = state.logistics[side]
    stock = sum(d.stock for d in state.depots.values() if d.side == side and d.status == "active")
    front = sum(c.cargo for c in state.convoys if c.side == side and c.leg == "front")
    rail = sum(c.cargo for c in state.convoys if c.side == side and c.leg != "front")
    return {
        "depots_in": sup.initial + sup.delivered + sup.captured_in,
        "depots_out": sup.consumed + stock + front + sup.lost_depot,
        "road_in": sup.shipped,
        "road_out": sup.delivered + sup.lost_transit + sup.returned + rail,
    }


def side_report(state: State, side: str) -> dict[str, float | int]:
    sup = state.logistics.get(side)
    if sup is None:
        return {}
    stock = sum(d.stock for d in state.depots.values() if d.side == side)
    in_flight = sum(c.cargo for c in state.convoys if c.side == side)
    alive = trucks_alive(state, side)
    return {
        "trucks": alive["railhead"] + alive["front"],
        "trucks_lost": state.losses[side]["trucks"],
        "delivered_turn": round(sup.delivered_turn, 3),
        "delivered": round(sup.delivered, 3),
        "consumed": round(sup.consumed, 3),
        "stock": round(stock, 3),
        "in_flight": round(in_flight, 3),
        "lost": round(sup.lost_transit + sup.lost_depot, 3),
    }


def unit_report(state: State, u: Unit) -> str:
    return state.notes.get(u.id, "Not yet traced this game")
