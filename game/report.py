"""A situation report for a game in progress: what the supply, air and combat systems did.

Headless inspection (``python main.py report``): every unit's supply and why, every depot's
stock and forecast, each side's trucks and tonnage, air control per zone, losses so far.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from game.ai.agents import make_agent
from game.engine import apply, current_actors, new_game, observe, turn_label
from game.events import Event
from game.rules import supply
from game.rules.combat import posture_of
from game.scenario.model import Scenario
from game.state import ACTIVE, State


def play_turns(scen: Scenario, seed: int, agents: dict[str, str], turns: int) -> tuple[State, list[Event]]:
    """Play until ``turns`` turns have ended (or the game), keeping the last turn's events."""
    players = {s: make_agent(agents[s], seed, s) for s in scen.sides}
    state = new_game(scen, seed)
    events: list[Event] = []
    while current_actors(state) and state.turn < turns:
        side = current_actors(state)[0]
        before = state.turn
        state, evs = apply(state, players[side].act(observe(state, side), side))
        events = evs if state.turn != before else events + evs
    return state, events


def situation_report(state: State, events: list[Event]) -> dict[str, Any]:
    scen = state.scenario
    units = []
    for u in sorted(state.units.values(), key=lambda u: (u.side, u.id)):
        if u.status != ACTIVE:
            continue
        units.append(
            {
                "id": u.id,
                "name": scen.setup(u.id).name,
                "side": u.side,
                "hex": list(u.hex) if u.hex else None,
                "men": u.men,
                "tanks": u.tanks,
                "armored_cars": u.armored_cars,
                "guns": u.guns,
                "cohesion": round(u.cohesion, 1),
                "supply": round(u.supply, 3),
                "posture": posture_of(state, u).name,
                "supply_note": supply.unit_report(state, u)
                if u.id in state.notes
                else "Arrived after its side's supply phase: traced next turn",
            }
        )
    depots = [
        {
            "id": d.id,
            "name": supply.depot_name(state, d.id),
            "side": d.side,
            "status": d.status,
            **{k: round(v, 1) for k, v in supply.depot_forecast(state, d.id).items()},
        }
        for d in state.depots.values()
    ]
    zones = {z.name: state.air.get("control", {}).get(z.id, "none") for z in scen.air_zones}
    return {
        "scenario": scen.id,
        "turn": turn_label(state),
        "phase": state.phase.name or state.phase.phase,
        "result": state.result,
        "air_control": zones,
        "supply": {s: supply.side_report(state, s) for s in scen.sides if s in state.logistics},
        "depots": depots,
        "losses": state.losses,
        "prisoners": state.prisoners,
        "air_units": [
            {"id": a.id, "side": a.side, "type": a.type, "aircraft": a.aircraft, "lost": a.lost} for a in state.air_units.values()
        ],
        "units": units,
        "events_last_turn": dict(sorted(Counter(e.kind for e in events).items())),
        "combat_last_turn": [
            e.text
            for e in events
            if e.kind
            in ("combat", "surrender", "retreat", "advance", "interdiction", "air_control", "airfield_strike", "attrition")
        ],
    }


def situation_text(rep: dict[str, Any]) -> str:
    out = [f"{rep['scenario']} — {rep['turn']}, {rep['phase']}"]
    if rep["result"]:
        r = rep["result"]
        grade = "a draw" if r.get("winner") is None else f"{r.get('result')} {str(r['winner']).capitalize()} victory"
        out.append(f"Game over: {grade} (score {float(r.get('score', 0)):+.1f})")
    out.append("\nAir control: " + ", ".join(f"{z}: {c}" for z, c in rep["air_control"].items()))
    for side, s in rep["supply"].items():
        out.append(
            f"{side.capitalize()} supply: {s['trucks']} trucks ({s['trucks_lost']} lost); delivered {s['delivered_turn']:.0f} t this turn, "
            f"{s['delivered']:.0f} t so far; consumed {s['consumed']:.0f} t; {s['stock']:.0f} t in depots, {s['in_flight']:.0f} t on the road"
        )
    if rep["depots"]:
        out.append("\nDepots:")
        for d in rep["depots"]:
            out.append(
                f"  {d['name']:<28} {d['side']:<9} {d['status']:<9} stock {d['stock']:>7.1f} t  inbound {d['inbound']:>6.1f} t  drawn {d['last_draw']:>5.1f} t  forecast {d['forecast']:>7.1f} t"
            )
    out.append("\nUnits:")
    for u in rep["units"]:
        counts = ", ".join(f"{u[k]} {k.replace('_', ' ')}" for k in ("men", "tanks", "armored_cars", "guns") if u[k])
        out.append(f"  {u['name']:<40} {counts:<34} cohesion {u['cohesion']:>5.1f}  supply {u['supply']:.0%}  {u['posture']}")
        out.append(f"      {u['supply_note']}")
    out.append(
        "\nLosses so far: "
        + "; ".join(
            f"{s}: "
            + (", ".join(f"{v} {k.replace('armored', 'armoured').replace('_', ' ')}" for k, v in lost.items() if v) or "none")
            for s, lost in rep["losses"].items()
        )
    )
    if rep["combat_last_turn"]:
        out.append("\nLast turn:")
        out.extend(f"  {t}" for t in rep["combat_last_turn"])
    return "\n".join(out)
