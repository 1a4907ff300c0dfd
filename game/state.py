"""Game state as plain data, with a canonical serialisation for saves and hashes.

The scenario (map, ruleset, setup) is static and referenced, never copied; everything that
changes during a game, the dice included, lives here and goes into ``to_dict``.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field, fields
from typing import Any

from game.hexgrid import Hex
from game.rng import Rng
from game.scenario.model import Scenario

STATE_FORMAT = 1
COUNTS = ("men", "tanks", "armored_cars", "guns")
LOSS_KINDS = ("men", "tanks", "armored_cars", "guns", "aircraft", "trucks")

PENDING, ACTIVE, ELIMINATED, SURRENDERED = "pending", "active", "eliminated", "surrendered"
STATUSES = (PENDING, ACTIVE, ELIMINATED, SURRENDERED)


class StateFormatError(ValueError):
    """A stored state that cannot be read or belongs to another version of the scenario."""


def _plain(v: Any) -> Any:
    """Tuples (hexes) become lists so the canonical JSON is the same before and after a save."""
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v


_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "float": (int, float),
    "str": (str,),
    "bool": (bool,),
}


def _check_type(owner: str, name: str, typestr: str, value: Any) -> None:
    """Loose type check of a stored value against its field's annotation."""
    base = typestr.split("[")[0].split(" |")[0].strip()
    optional = "None" in typestr
    if value is None:
        if optional:
            return
        raise StateFormatError(f"state is damaged or incomplete: {owner}.{name} is missing")
    if base in _TYPES:
        ok = isinstance(value, _TYPES[base]) and (base == "bool" or not isinstance(value, bool))
    elif base == "Hex":
        ok = isinstance(value, list) and len(value) == 2 and all(type(x) is int for x in value)
    elif base == "dict":
        ok = isinstance(value, dict)
    elif base == "list":
        ok = isinstance(value, list)
    else:
        ok = True
    if not ok:
        raise StateFormatError(f"state is damaged or incomplete: {owner}.{name} has the wrong type ({type(value).__name__})")


class Record:
    """Plain-data records: to_dict / from_dict by field name, hex fields back to tuples."""

    HEX_FIELDS: tuple[str, ...] = ()

    @classmethod
    def _names(cls) -> tuple[str, ...]:
        names = cls.__dict__.get("_field_names")
        if names is None:
            names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
            cls._field_names = names  # type: ignore[attr-defined]
        return names

    def to_dict(self) -> dict[str, Any]:
        d = self.__dict__
        return {n: _plain(d[n]) for n in self._names()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]):
        names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
        if not isinstance(d, dict) or set(d) != set(names):
            missing = set(names) - set(d) if isinstance(d, dict) else set(names)
            raise StateFormatError(
                f"state is damaged or incomplete: {cls.__name__.lower()} record has wrong fields (missing: {', '.join(sorted(missing)) or 'none'})"
            )
        for f in fields(cls):  # type: ignore[arg-type]
            _check_type(cls.__name__, f.name, str(f.type), d[f.name])
        kw = dict(d)
        for h in cls.HEX_FIELDS:
            if kw[h] is not None:
                kw[h] = (int(kw[h][0]), int(kw[h][1]))
        return cls(**kw)

    def copy(self):
        """Shallow copy with its own dicts and lists (records hold no deeper structures).

        Hot: the engine copies every record on every action, so the mutable fields are found
        once per class."""
        cls = type(self)
        mutable = cls.__dict__.get("_mutable")
        if mutable is None:
            mutable = tuple(k for k, v in self.__dict__.items() if isinstance(v, (dict, list)))
            cls._mutable = mutable  # type: ignore[attr-defined]
        d = self.__dict__.copy()
        for k in mutable:
            d[k] = d[k].copy()
        new = object.__new__(cls)
        new.__dict__ = d
        return new


@dataclass
class Unit(Record):
    HEX_FIELDS = ("hex",)

    id: str
    side: str
    type: str
    hex: Hex | None
    status: str
    arrives: int
    men: int
    tanks: int
    armored_cars: int
    guns: int
    quality: float
    cohesion: float  # 0..100: order and will to fight
    supply: float  # 0..1: share of a full supply state
    mp: float = 0.0  # movement points left this phase
    lost: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    entrench_h: float = 0.0  # hours halted in place: builds up the defensive posture
    activity: str = "rest"  # rest | move | defend | attack since its side's last supply phase
    acted: bool = False  # attacked (or fired) this phase
    cut: bool = False  # no supply line at its side's last supply phase

    @property
    def active(self) -> bool:
        return self.status == ACTIVE


@dataclass
class Depot(Record):
    HEX_FIELDS = ("hex",)

    id: str
    side: str  # who holds it now
    hex: Hex
    stock: float  # tons
    status: str  # active | destroyed


@dataclass
class Convoy(Record):
    id: int
    side: str
    trucks: int
    cargo: float  # tons aboard
    source: str  # "railhead" or a depot id
    dest: str  # depot id (or "railhead" on the way back)
    leg: str  # out | back | front
    arrive_h: float  # hours from the scenario start


@dataclass
class SideSupply(Record):
    trucks_idle: int  # at the railhead
    front_idle: int  # local transport at the front
    routes: dict[str, int]  # depot -> standing weight for railhead convoys
    initial: float = 0.0  # tons in depots at the start
    shipped: float = 0.0
    delivered: float = 0.0
    delivered_turn: float = 0.0
    consumed: float = 0.0
    lost_transit: float = 0.0
    lost_depot: float = 0.0
    captured_in: float = 0.0
    returned: float = 0.0  # cargo brought back when no depot could take it
    draws: dict[str, float] = field(default_factory=dict)  # depot -> tons drawn at the last supply phase


@dataclass
class AirUnit(Record):
    id: str
    side: str
    type: str
    aircraft: int
    pilot_quality: float
    base: str
    lost: int = 0
    assigned: int = 0  # aircraft committed this turn


@dataclass
class State:
    scenario: Scenario = field(compare=False, repr=False)
    variant: str
    seed: int
    turn: int  # 0-based index into the scenario calendar
    step: int  # index into the ruleset's turn sequence
    done: list[str]  # sides that have ended the current phase (for phases both sides play)
    units: dict[str, Unit]  # in unit-id order
    rng: Rng
    spotted: dict[str, list[str]]  # side -> sorted enemy unit ids it currently sees
    control: dict[str, str | None]  # objective id -> side holding it
    destroyed: list[str]  # names of crossings destroyed
    losses: dict[str, dict[str, int]]  # side -> kind -> count, for the after-action report
    result: dict[str, Any] | None = None  # {winner, result, score, reason} once over
    view_of: str | None = None  # set on observe() projections: they cannot be played
    depots: dict[str, Depot] = field(default_factory=dict)
    convoys: list[Convoy] = field(default_factory=list)
    logistics: dict[str, SideSupply] = field(default_factory=dict)  # per side with truck supply
    air_units: dict[str, AirUnit] = field(default_factory=dict)
    air_orders: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # this turn's, hidden from the enemy
    air: dict[str, Any] = field(default_factory=dict)  # this turn's results: control, cas, interdiction, recon
    notes: dict[str, str] = field(default_factory=dict)  # unit id -> why it is (not) in supply
    prisoners: dict[str, int] = field(default_factory=dict)  # side -> its men taken prisoner
    next_id: int = 1

    def copy(self) -> State:
        return State(
            scenario=self.scenario,
            variant=self.variant,
            seed=self.seed,
            turn=self.turn,
            step=self.step,
            done=list(self.done),
            units={k: u.copy() for k, u in self.units.items()},
            rng=self.rng.copy(),
            spotted={k: list(v) for k, v in self.spotted.items()},
            control=dict(self.control),
            destroyed=list(self.destroyed),
            losses={k: dict(v) for k, v in self.losses.items()},
            result=None if self.result is None else dict(self.result),
            view_of=self.view_of,
            depots={k: d.copy() for k, d in self.depots.items()},
            convoys=[c.copy() for c in self.convoys],
            logistics={k: v.copy() for k, v in self.logistics.items()},
            air_units={k: a.copy() for k, a in self.air_units.items()},
            air_orders={k: [dict(o) for o in v] for k, v in self.air_orders.items()},
            air=copy.deepcopy(self.air),
            notes=dict(self.notes),
            prisoners=dict(self.prisoners),
            next_id=self.next_id,
        )

    # --- convenience reads ----------------------------------------------------------------

    @property
    def phase(self):
        return self.scenario.rules.turn_sequence[self.step]

    @property
    def night(self) -> bool:
        return self.scenario.night[self.turn]

    def units_of(self, side: str, status: str = ACTIVE) -> list[Unit]:
        return [u for u in self.units.values() if u.side == side and u.status == status]

    def units_at(self, h: Hex) -> list[Unit]:
        return [u for u in self.units.values() if u.hex == h and u.status == ACTIVE]

    def occupancy(self) -> dict[Hex, list[Unit]]:
        occ: dict[Hex, list[Unit]] = {}
        for u in self.units.values():
            if u.status == ACTIVE and u.hex is not None:
                occ.setdefault(u.hex, []).append(u)
        return occ

    # --- serialisation --------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "scenario": self.scenario.id,
            "scenario_sha256": self.scenario.sha256,
            "variant": self.variant,
            "seed": self.seed,
            "turn": self.turn,
            "step": self.step,
            "done": sorted(self.done),
            "units": [u.to_dict() for u in self.units.values()],
            "rng": f"{self.rng.state:016x}",
            "spotted": {k: sorted(v) for k, v in sorted(self.spotted.items())},
            "control": dict(sorted(self.control.items())),
            "destroyed": sorted(self.destroyed),
            "losses": {s: {k: self.losses[s][k] for k in LOSS_KINDS} for s in sorted(self.losses)},
            "result": self.result,
            "view_of": self.view_of,
            "depots": [d.to_dict() for d in self.depots.values()],
            "convoys": [c.to_dict() for c in self.convoys],
            "logistics": {k: v.to_dict() for k, v in sorted(self.logistics.items())},
            "air_units": [a.to_dict() for a in self.air_units.values()],
            "air_orders": {k: v for k, v in sorted(self.air_orders.items())},
            "air": _plain(self.air),
            "notes": dict(sorted(self.notes.items())),
            "prisoners": dict(sorted(self.prisoners.items())),
            "next_id": self.next_id,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], scenario: Scenario | None = None) -> State:
        try:
            if d.get("format") != STATE_FORMAT:
                raise StateFormatError(f"state format {d.get('format')!r} is not {STATE_FORMAT}")
            if scenario is None:
                from game.scenario.loader import ScenarioError, load_scenario

                try:
                    scenario = load_scenario(d["scenario"], str(d.get("variant", "default")))
                except ScenarioError as e:
                    raise StateFormatError(f"cannot load scenario {d['scenario']!r}: {e.problems[0]}") from None
            if scenario.sha256 != d["scenario_sha256"]:
                raise StateFormatError(
                    f"this state was made with another version of scenario '{d['scenario']}' (its content hash differs)"
                )
            if not isinstance(d["units"], list) or not isinstance(d["done"], list):
                raise StateFormatError("state is damaged or incomplete (units and done must be lists)")
            state = cls(
                scenario=scenario,
                variant=str(d["variant"]),
                seed=int(d["seed"]),
                turn=int(d["turn"]),
                step=int(d["step"]),
                done=list(d["done"]),
                units={u["id"]: Unit.from_dict(u) for u in d["units"]},
                rng=Rng(int(d["rng"], 16)),
                spotted={k: list(v) for k, v in d["spotted"].items()},
                control=dict(d["control"]),
                destroyed=list(d["destroyed"]),
                losses={s: {k: int(v[k]) for k in LOSS_KINDS} for s, v in d["losses"].items()},
                result=d["result"],
                view_of=d.get("view_of"),
                depots={x["id"]: Depot.from_dict(x) for x in d["depots"]},
                convoys=[Convoy.from_dict(x) for x in d["convoys"]],
                logistics={k: SideSupply.from_dict(v) for k, v in d["logistics"].items()},
                air_units={x["id"]: AirUnit.from_dict(x) for x in d["air_units"]},
                air_orders={k: list(v) for k, v in d["air_orders"].items()},
                air=dict(d["air"]),
                notes=dict(d["notes"]),
                prisoners={k: int(v) for k, v in d["prisoners"].items()},
                next_id=int(d["next_id"]),
            )
            _check_loaded(state)
            return state
        except StateFormatError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
            raise StateFormatError(f"state is damaged or incomplete ({type(e).__name__}: {e})") from None


def _check_loaded(state: State) -> None:
    """Reject values the engine would trip over later (out of range, unknown ids)."""
    scen = state.scenario
    sides = set(scen.sides)
    problems = []
    if not 0 <= state.turn < scen.turns:
        problems.append(f"turn {state.turn} is outside 0..{scen.turns - 1}")
    if not 0 <= state.step < len(scen.rules.turn_sequence):
        problems.append(f"step {state.step} is outside the turn sequence")
    if any(s not in sides for s in state.done):
        problems.append(f"unknown side in done: {state.done}")
    if set(state.spotted) - sides or set(state.losses) != sides:
        problems.append("unknown side in spotted or losses")
    known = {u.id for u in scen.units}
    for u in state.units.values():
        if set(u.lost) != set(COUNTS) or not all(type(v) is int and v >= 0 for v in u.lost.values()):
            problems.append(f"unit {u.id!r} has damaged losses")
        if u.id not in known or u.side not in sides or u.type not in scen.rules.unit_types:
            problems.append(f"unit {u.id!r} does not belong to scenario {scen.id!r}")
        elif u.status not in STATUSES:
            problems.append(f"unit {u.id!r} has unknown status {u.status!r}")
        elif (u.status == ACTIVE) != (u.hex is not None) or (u.hex is not None and not scen.map.contains(u.hex)):
            problems.append(f"unit {u.id!r} is placed off the map or nowhere")
    if set(state.control) - {o.id for o in scen.objectives}:
        problems.append("unknown objective in control")
    if problems:
        raise StateFormatError("state is damaged or incomplete (" + "; ".join(problems[:3]) + ")")


def canonical_json(d: Any) -> str:
    return json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def state_hash(state: State) -> str:
    """sha256 of the canonical serialisation, dice included."""
    return hashlib.sha256(canonical_json(state.to_dict()).encode("ascii")).hexdigest()
