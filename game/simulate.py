"""Headless games between agents, with a record that can be replayed and verified."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from game import actions as act
from game.ai.agents import Agent, make_agent
from game.engine import IllegalAction, apply, current_actors, new_game, observe, state_hash
from game.scenario.model import Scenario
from game.state import State

MAX_ACTIONS_PER_TURN = 5_000  # a runaway agent is stopped, not left to spin forever


class AgentError(RuntimeError):
    pass


@dataclass
class GameRecord:
    scenario: Scenario
    variant: str
    seed: int
    agents: dict[str, str]
    actions: list[dict[str, Any]] = field(default_factory=list)
    turn_hashes: list[dict[str, Any]] = field(default_factory=list)  # after each turn's end
    final: State | None = None
    event_counts: dict[str, int] = field(default_factory=dict)
    objectives: list[dict[str, Any]] = field(default_factory=list)  # when each objective changed hands

    @property
    def final_hash(self) -> str:
        assert self.final is not None
        return state_hash(self.final)


def play_game(scen: Scenario, seed: int, agent_names: dict[str, str]) -> GameRecord:
    """One game of the scenario as loaded (its variant included)."""
    agents: dict[str, Agent] = {side: make_agent(agent_names[side], seed, side) for side in scen.sides}
    state = new_game(scen, seed)
    rec = GameRecord(scen, scen.variant, seed, dict(agent_names))
    per_turn = 0
    while current_actors(state):
        side = current_actors(state)[0]
        action = agents[side].act(observe(state, side), side)
        try:
            nxt, events = apply(state, action)
        except IllegalAction as e:
            raise AgentError(f"agent '{agents[side].name}' ({side}) chose an illegal action {action}: {e.reason}") from None
        rec.actions.append(act.to_dict(action))
        for ev in events:
            rec.event_counts[ev.kind] = rec.event_counts.get(ev.kind, 0) + 1
            if ev.kind == "objective":
                when = scen.turn_starts[nxt.turn]
                rec.objectives.append({"turn": nxt.turn + 1, "date": f"{when:%Y-%m-%dT%H:%M}", **ev.data})
        per_turn += 1
        if nxt.turn != state.turn or nxt.result is not None:
            rec.turn_hashes.append({"turn": state.turn, "action": len(rec.actions), "hash": state_hash(nxt)})
            per_turn = 0
        elif per_turn > MAX_ACTIONS_PER_TURN:
            raise AgentError(f"agent for {side} made more than {MAX_ACTIONS_PER_TURN} actions in one turn")
        state = nxt
    rec.final = state
    return rec
