"""Player choices as data. Every choice lives in the action so replays never re-decide.

Actions are frozen dataclasses that round-trip through plain dicts (``to_dict``/``from_dict``)
for saves, records and play-by-email.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
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
class Attack:
    """Attack the enemy in ``target`` with adjacent units and artillery within range."""

    kind: ClassVar[str] = "attack"
    side: str
    target: Hex
    units: tuple[str, ...]


@dataclass(frozen=True)
class AssignAir:
    """Commit aircraft of an air unit to a mission over an air zone (or an enemy airfield).

    ``aircraft=0`` withdraws the unit's order(s) for that mission and target, all of its
    aircraft on it: the way to correct a wrong order before the side ends its air phase."""

    kind: ClassVar[str] = "assign_air"
    side: str
    unit: str
    mission: str  # superiority | ground_support | interdiction | airfield_strike | recon
    target: str  # air zone id, or enemy airfield id for airfield_strike
    aircraft: int  # 0: withdraw this unit's order for this mission and target


@dataclass(frozen=True)
class RouteTrucks:
    """From the railhead: standing number of trucks on the route to ``dest``.
    From a depot: send that many front trucks with stock to ``dest`` now."""

    kind: ClassVar[str] = "route_trucks"
    side: str
    source: str  # "railhead" or a depot id
    dest: str  # depot id
    trucks: int


@dataclass(frozen=True)
class DestroyDepot:
    """Blow up one's own depot so the enemy cannot take it."""

    kind: ClassVar[str] = "destroy_depot"
    side: str
    depot: str


@dataclass(frozen=True)
class OpenDepot:
    """Open a field depot under one's own unit, out of enemy contact, clear of one's other depots."""

    kind: ClassVar[str] = "open_depot"
    side: str
    hex: Hex


@dataclass(frozen=True)
class DestroyCrossing:
    """Blow a destructible bridge or pontoon with a unit standing at one end of it."""

    kind: ClassVar[str] = "destroy_crossing"
    side: str
    crossing: str  # the crossing's name on the map


@dataclass(frozen=True)
class EndPhase:
    """The side is done with the current phase."""

    kind: ClassVar[str] = "end_phase"
    side: str


Action = Move | Attack | AssignAir | RouteTrucks | OpenDepot | DestroyDepot | DestroyCrossing | EndPhase
ACTION_TYPES: dict[str, type] = {
    cls.kind: cls for cls in (Move, Attack, AssignAir, RouteTrucks, OpenDepot, DestroyDepot, DestroyCrossing, EndPhase)
}


def to_dict(action: Action) -> dict[str, Any]:
    d: dict[str, Any] = {"kind": action.kind}
    for f in fields(action):
        v = getattr(action, f.name)
        d[f.name] = list(v) if isinstance(v, tuple) else v
    return d


def _field(kind: str, name: str, typ: str, v: Any) -> Any:
    if typ == "Hex":
        if isinstance(v, (list, tuple)) and len(v) == 2 and all(type(x) is int for x in v):
            return (v[0], v[1])
        raise ActionFormatError(f"{kind} '{name}' must be [q, r] integers, got {v!r}")
    if typ == "tuple[str, ...]":
        if isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v):
            return tuple(v)
        raise ActionFormatError(f"{kind} '{name}' must be a list of unit ids, got {v!r}")
    if typ == "int":
        if type(v) is int:
            return v
        raise ActionFormatError(f"{kind} '{name}' must be a whole number, got {v!r}")
    if not isinstance(v, str):
        raise ActionFormatError(f"action field '{name}' must be text, got {v!r}")
    return v


def from_dict(d: Any) -> Action:
    if not isinstance(d, dict):
        raise ActionFormatError(f"an action must be a mapping, got {type(d).__name__}")
    kind = d.get("kind")
    cls = ACTION_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ActionFormatError(f"unknown action kind {kind!r}; known: {', '.join(ACTION_TYPES)}")
    spec = {f.name: str(f.type) for f in fields(cls)}
    extra = set(d) - set(spec) - {"kind"}
    if extra:
        raise ActionFormatError(f"unknown action field(s) for {kind}: {', '.join(sorted(map(str, extra)))}")
    return cls(**{name: _field(kind, name, typ, d.get(name)) for name, typ in spec.items()})
