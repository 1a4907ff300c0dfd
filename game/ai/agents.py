"""Simple agents: ``random`` (a legal move at random) and ``passive`` (always ends the phase).

Agents see only ``observe(state, side)`` and choose among ``legal_actions`` on that view, the
same contract a human player has. Each has its own seeded generator, never the game's dice.
"""

from __future__ import annotations

from typing import Protocol

from game.actions import Action, EndPhase
from game.engine import legal_actions
from game.rng import Rng
from game.state import State

AGENT_NAMES = ("ai", "random", "passive", "historical")
AVAILABLE = ("ai", "random", "passive", "historical")


class Agent(Protocol):
    name: str

    def act(self, view: State, side: str) -> Action: ...


class PassiveAgent:
    """Holds its ground: ends every phase at once. The baseline every AI must beat."""

    name = "passive"

    def act(self, view: State, side: str) -> Action:
        return EndPhase(side)


class RandomAgent:
    """Picks uniformly among legal moves; ends the phase about once per unit still able to move."""

    name = "random"

    def __init__(self, seed: int, side: str) -> None:
        self.rng = Rng.from_seed(f"random-agent:{side}:{seed}")

    def act(self, view: State, side: str) -> Action:
        if view.phase.phase == "movement":
            return self._move(view, side)
        actions = legal_actions(view, side)
        others = [a for a in actions if not isinstance(a, EndPhase)]
        if not others:
            return actions[-1]
        choices = len({getattr(a, "unit", None) or getattr(a, "target", None) for a in others})
        if self.rng.below(choices + 1) == 0:
            return EndPhase(side)
        return self.rng.choice(others)

    def _move(self, view: State, side: str) -> Action:
        """Pick a unit first, then one of its moves: no need to search every unit's range."""
        movers = sorted(u.id for u in view.units.values() if u.side == side and u.active and u.mp > 1e-9)
        while movers:
            if self.rng.below(len(movers) + 1) == 0:
                break
            uid = movers.pop(self.rng.below(len(movers)))
            moves = legal_actions(view, side, unit=uid)[:-1]
            if moves:
                return self.rng.choice(moves)
        return EndPhase(side)


class AgentUnavailable(ValueError):
    pass


def make_agent(name: str, seed: int, side: str) -> Agent:
    if name == "passive":
        return PassiveAgent()
    if name == "random":
        return RandomAgent(seed, side)
    if name == "ai":
        from game.ai.planner import AIAgent

        return AIAgent(seed, side)
    if name == "historical":
        from game.ai.historical import HistoricalAgent

        return HistoricalAgent(seed, side)
    if name in AGENT_NAMES:
        raise AgentUnavailable(f"the '{name}' agent is not built yet; available now: {', '.join(AVAILABLE)}")
    raise AgentUnavailable(f"unknown agent '{name}'; choose from: {', '.join(AGENT_NAMES)}")
