"""Player choices as data. Every choice lives in the action so replays never re-decide.

Actions are frozen dataclasses that round-trip through plain dicts (``to_dict``/``from_dict``)
for saves, records and play-by-email.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from game.hexgrid import Hex


class ActionFormatError(ValueError):
    """A stored action that cannot be read (bad save file, hand-edited record)."""


@dataclass(frozen=True)
class Move:
    """Move a unit to a hex; the engine takes the cheapest path the side can see."""

    kind: ClassVar[str] = "move"
    side: str
    unit: str
    to: Hex


@dataclass(frozen=True)
class EndPhase:
    """The side is done with the current phase."""

    kind: ClassVar[str] = "end_phase"
    side: str


Action = Move | EndPhase
ACTION_TYPES: dict[str, type] = {cls.kind: cls for cls in (Move, EndPhase)}


def to_dict(action: Action) -> dict[str, Any]:
    d: dict[str, Any] = {"kind": action.kind, "side": action.side}
    if isinstance(action, Move):
        d["unit"] = action.unit
        d["to"] = [action.to[0], action.to[1]]
    return d


def _str(d: dict, key: str) -> str:
    v = d.get(key)
    if not isinstance(v, str):
        raise ActionFormatError(f"action field '{key}' must be text, got {v!r}")
    return v


def from_dict(d: Any) -> Action:
    if not isinstance(d, dict):
        raise ActionFormatError(f"an action must be a mapping, got {type(d).__name__}")
    kind = d.get("kind")
    if kind not in ACTION_TYPES:
        raise ActionFormatError(f"unknown action kind {kind!r}; known: {', '.join(ACTION_TYPES)}")
    extra = set(d) - ({"kind", "side"} | ({"unit", "to"} if kind == "move" else set()))
    if extra:
        raise ActionFormatError(f"unknown action field(s): {', '.join(sorted(extra))}")
    side = _str(d, "side")
    if kind == "end_phase":
        return EndPhase(side)
    to = d.get("to")
    if not (isinstance(to, (list, tuple)) and len(to) == 2 and all(type(x) is int for x in to)):
        raise ActionFormatError(f"move 'to' must be [q, r] integers, got {to!r}")
    return Move(side, _str(d, "unit"), (to[0], to[1]))
