"""Game state as plain data, with a canonical serialisation for saves and hashes.

The scenario (map, ruleset, setup) is static and referenced, never copied; everything that
changes during a game, the dice included, lives here and goes into ``to_dict``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
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


@dataclass
class Unit:
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

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    def copy(self) -> Unit:
        return replace(self, lost=dict(self.lost))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "side": self.side,
            "type": self.type,
            "hex": None if self.hex is None else [self.hex[0], self.hex[1]],
            "status": self.status,
            "arrives": self.arrives,
            "men": self.men,
            "tanks": self.tanks,
            "armored_cars": self.armored_cars,
            "guns": self.guns,
            "quality": self.quality,
            "cohesion": self.cohesion,
            "supply": self.supply,
            "mp": self.mp,
            "lost": {k: self.lost[k] for k in COUNTS},
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Unit:
        h = d["hex"]
        return cls(
            id=d["id"],
            side=d["side"],
            type=d["type"],
            hex=None if h is None else (int(h[0]), int(h[1])),
            status=d["status"],
            arrives=int(d["arrives"]),
            men=int(d["men"]),
            tanks=int(d["tanks"]),
            armored_cars=int(d["armored_cars"]),
            guns=int(d["guns"]),
            quality=float(d["quality"]),
            cohesion=float(d["cohesion"]),
            supply=float(d["supply"]),
            mp=float(d["mp"]),
            lost={k: int(d["lost"][k]) for k in COUNTS},
        )


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
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], scenario: Scenario | None = None) -> State:
        try:
            if d.get("format") != STATE_FORMAT:
                raise StateFormatError(f"state format {d.get('format')!r} is not {STATE_FORMAT}")
            if scenario is None:
                from game.scenario.loader import ScenarioError, load_scenario

                try:
                    scenario = load_scenario(d["scenario"])
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
