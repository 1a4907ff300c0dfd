"""Objectives, score and the graded result (decisive / marginal / draw)."""

from __future__ import annotations

from game.events import Event
from game.state import ACTIVE, PENDING, State


def update_control(state: State, events: list[Event]) -> None:
    """An objective belongs to the last side to stand on it alone."""
    occ = state.occupancy()
    for obj in state.scenario.objectives:
        here = occ.get(obj.hex, [])
        if here:
            side = here[0].side
            if state.control.get(obj.id) != side:
                state.control[obj.id] = side
                events.append(
                    Event(
                        "objective", f"{obj.name} taken by the {side.capitalize()} side", data={"objective": obj.id, "side": side}
                    )
                )


def score(state: State) -> float:
    """Soviet points minus Japanese points: places held, and what each side lost (pro rata)."""
    total = 0.0
    for obj in state.scenario.objectives:
        holder = state.control.get(obj.id)
        if holder == "soviet":
            total += obj.points.get("soviet", 0)
        elif holder == "japanese":
            total -= obj.points.get("japanese", 0)
    return round(total + loss_points(state), 2)


def loss_points(state: State) -> float:
    """Soviet minus Japanese points earned by the losses inflicted (the scenario's ``victory.losses``)."""
    total = 0.0
    for lp in state.scenario.loss_points:
        earned = state.losses[lp.side][lp.kind] / lp.per * lp.points
        total += -earned if lp.side == "soviet" else earned
    return total


def grade(state: State, value: float) -> tuple[str | None, str]:
    for lv in state.scenario.levels:
        if lv.at_least is None or value >= lv.at_least:
            return lv.winner, lv.result
    last = state.scenario.levels[-1]
    return last.winner, last.result


def check_end(state: State, events: list[Event], final: bool) -> None:
    """Sudden death when a side has nothing left on or coming to the map; else grade at the end."""
    scen = state.scenario
    for side in scen.sides:
        alive = [u for u in state.units.values() if u.side == side and u.status in (ACTIVE, PENDING)]
        if not alive:
            winner = scen.other(side)
            state.result = {
                "winner": winner,
                "result": "decisive",
                "score": score(state),
                "reason": f"the {side} forces were destroyed",
            }
            events.append(
                Event(
                    "game_over",
                    f"The {side.capitalize()} forces are destroyed: decisive {winner.capitalize()} victory",
                    data=dict(state.result),
                )
            )
            return
    if final:
        value = score(state)
        winner, result = grade(state, value)
        state.result = {"winner": winner, "result": result, "score": value, "reason": "the last turn ended"}
        text = "Draw" if winner is None else f"{result.capitalize()} {winner.capitalize()} victory"
        events.append(Event("game_over", f"{text} (score {value:+g})", data=dict(state.result)))
