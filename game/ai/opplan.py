"""The scenario's operational plan for one side, read at the current turn.

A scenario may give each side an ``operational_plan:`` (intent, objectives by priority, phase lines
with dates, a way out; see scenarios/README.md). This module turns it into what the planner needs
for one movement phase: how much more each victory objective matters, which hexes to hold whatever
the threat (and dig in on), which to push toward, and the line of retreat. Without a plan (test
scenarios, user scenarios) everything is empty and the planner works from the victory objectives.

Phase lines move the effort forward as the date passes: a *reach* line is pushed from its start
until the next reach line starts (before its date the pressure grows as the date comes closer);
a *hold* line is garrisoned from its start to its date; the way out is guarded once the enemy can
reach it, and cut-off units fall back along it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from game.hexgrid import Hex
from game.state import State


@dataclass
class PlanNow:
    """The plan's demands at one turn (all empty without a plan)."""

    intent: str = ""
    unlisted: float = 1.0  # value multiplier of the victory objectives the plan does not name
    weight: dict[Hex, float] = field(default_factory=dict)  # victory objective hex -> value multiplier
    holds: list[tuple[str, Hex, float]] = field(default_factory=list)  # (label, hex, value): garrison and dig in
    reaches: list[tuple[str, Hex, float]] = field(default_factory=list)  # (label, hex, value): push toward
    way_out: tuple[Hex, ...] = ()  # entry first, exit last
    # hold phase lines, active (False) or past their date (True): left by the way out when lost
    hold_lines: list[tuple[tuple[Hex, ...], bool]] = field(default_factory=list)


def read(view: State, side: str, w: dict[str, Any]) -> PlanNow:
    scen = view.scenario
    sp = getattr(scen, "plans", {}).get(side)
    out = PlanNow()
    if sp is None:
        return out
    p = w["plan"]
    t = view.turn
    out.intent = sp.intent
    if sp.objectives:
        out.unlisted = p["unlisted"]
    victory = {o.hex for o in scen.objectives}
    for o in sp.objectives:
        if o.hex in victory:
            out.weight[o.hex] = max(out.weight.get(o.hex, 1.0), o.weight)
        elif o.task == "hold":
            out.holds.append((o.name, o.hex, o.weight * p["point"]))
        else:
            out.reaches.append((o.name, o.hex, o.weight * p["point"]))
    for o in sp.objectives:  # a victory objective the plan says to hold is held whatever the threat
        if o.hex in victory and o.task == "hold":
            out.holds.append((o.name, o.hex, 0.0))
    reach_starts = sorted({ln.start_turn for ln in sp.phase_lines if ln.task == "reach"})
    for ln in sp.phase_lines:
        if ln.task == "hold":
            if ln.start_turn <= t <= ln.due_turn:
                out.holds.extend((ln.name, h, ln.weight * p["point"]) for h in ln.hexes)
                out.hold_lines.append((ln.hexes, False))
            elif t > ln.due_turn:
                out.hold_lines.append((ln.hexes, True))
            continue
        later = [s for s in reach_starts if s > ln.start_turn]
        if ln.start_turn <= t and (not later or t < later[0]):
            left = max(ln.due_turn - t, 0)
            urgency = 1.0 + p["urgency"] / (1.0 + left)
            out.reaches.extend((ln.name, h, ln.weight * p["point"] * urgency) for h in ln.hexes)
    if sp.way_out is not None and sp.way_out.start_turn <= t:
        out.way_out = sp.way_out.hexes
    return out


def intent(scen: Any, side: str) -> str:
    """The side's intent in one line, for the game to show ("" without a plan)."""
    sp = getattr(scen, "plans", {}).get(side)
    return sp.intent if sp is not None else ""
