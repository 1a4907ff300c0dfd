"""The loaded, validated scenario as the engine uses it (read-only after loading)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from game.gamemap import GameMap
from game.hexgrid import Hex
from game.scenario.schema import HistoricalOutcomeSpec, LossPointsSpec, RulesetSpec, ScenarioSpec


@dataclass(frozen=True)
class UnitSetup:
    id: str
    name: str
    side: str
    type: str
    hex: Hex | None  # start hex; None for reinforcements
    arrives: int  # turn index (0 = on the map at the start)
    entry: Hex | None  # where a reinforcement enters
    men: int
    tanks: int
    armored_cars: int
    guns: int
    quality: float
    cohesion: float
    supply: float
    sources: dict[str, str] = field(default_factory=dict)
    posture: str | None = None
    equipment: dict[str, str] = field(default_factory=dict)  # kind -> equipment id (type default filled in)


@dataclass(frozen=True)
class TimelineEntry:
    at: str  # ISO date-time
    turn: int  # the turn it falls in
    title: str
    text: str
    source: str


@dataclass(frozen=True)
class HistoricalOrder:
    side: str
    start_turn: int
    end_turn: int  # inclusive
    units: tuple[str, ...]
    target: Hex | None
    attack: bool
    hold: bool
    note: str
    source: str
    sweep: int = 0  # hexes round the target in which the units seek out known enemies
    destroy: str = ""  # crossing to blow behind the last unit back over it


@dataclass(frozen=True)
class PlanObjective:
    name: str
    hex: Hex
    task: str  # take | hold
    weight: float
    note: str
    source: str


@dataclass(frozen=True)
class PhaseLine:
    name: str
    task: str  # reach | hold
    hexes: tuple[Hex, ...]
    start_turn: int  # the turn it applies from
    due_turn: int  # reach: the turn it should be reached in; hold: the last turn it is held
    by: str  # ISO date-time of ``due_turn``, as written
    weight: float
    note: str
    source: str


@dataclass(frozen=True)
class WayOut:
    name: str
    hexes: tuple[Hex, ...]
    start_turn: int
    note: str
    source: str


@dataclass(frozen=True)
class SidePlan:
    """A side's operational plan from the scenario file (``operational_plan:``)."""

    side: str
    intent: str  # one line the game can show
    source: str
    objectives: tuple[PlanObjective, ...] = ()
    phase_lines: tuple[PhaseLine, ...] = ()
    way_out: WayOut | None = None


@dataclass(frozen=True)
class DepotSetup:
    id: str
    name: str
    side: str
    hex: Hex
    stock_t: float


@dataclass(frozen=True)
class LogisticsSetup:
    side: str
    railhead: str
    railhead_km: float
    truck_km_per_day: float
    trucks: int
    payload_t: float
    front_trucks: int
    entry: Hex
    routes: dict[str, int]  # depot id -> standing weight for railhead convoys
    sources: dict[str, str] = field(default_factory=dict)
    field_depots: int = 0  # field depots the side may open as its front moves


@dataclass(frozen=True)
class AirZone:
    id: str
    name: str


@dataclass(frozen=True)
class Airfield:
    id: str
    name: str
    side: str
    distance_km: float


@dataclass(frozen=True)
class AirUnitSetup:
    id: str
    name: str
    side: str
    type: str
    aircraft: int
    pilot_quality: float
    base: str
    source: str = ""


@dataclass(frozen=True)
class Objective:
    id: str
    name: str
    hex: Hex
    owner: str | None  # who holds it at the start
    points: dict[str, int]  # what it is worth to each side at the end


@dataclass(frozen=True)
class VictoryLevel:
    at_least: float | None  # score threshold (Soviet points minus Japanese points)
    winner: str | None
    result: str  # decisive | marginal | draw


@dataclass
class Scenario:
    id: str
    title: str
    description: str
    path: str
    sha256: str  # content hash of the scenario and its ruleset
    rules: RulesetSpec
    spec: ScenarioSpec
    map: GameMap
    first_side: str
    second_side: str
    turn_starts: list[datetime]
    turn_hours: list[float]
    night: list[bool]
    units: list[UnitSetup]
    objectives: list[Objective]
    levels: list[VictoryLevel]
    loss_points: list[LossPointsSpec] = field(default_factory=list)  # victory points for losses inflicted
    logistics: dict[str, LogisticsSetup] = field(default_factory=dict)
    depots: list[DepotSetup] = field(default_factory=list)
    air_zones: list[AirZone] = field(default_factory=list)
    zone_of: list[str] = field(default_factory=list)  # air zone id of each hex index
    airfields: dict[str, Airfield] = field(default_factory=dict)
    air_units: list[AirUnitSetup] = field(default_factory=list)
    variant: str = "default"
    variants: list[str] = field(default_factory=lambda: ["default"])
    timeline: list[TimelineEntry] = field(default_factory=list)
    historical_orders: dict[str, list[HistoricalOrder]] = field(default_factory=dict)
    historical_outcome: HistoricalOutcomeSpec | None = None  # the documented result and losses
    plans: dict[str, SidePlan] = field(default_factory=dict)  # side -> operational plan (may be empty)

    @property
    def turn_start_hours(self) -> list[float]:
        """Hours from the start of the scenario to the start of each turn (and to its end, last)."""
        out = [0.0]
        for h in self.turn_hours:
            out.append(out[-1] + h)
        return out

    @property
    def turns(self) -> int:
        return len(self.turn_starts)

    @property
    def sides(self) -> tuple[str, str]:
        return (self.first_side, self.second_side)

    def other(self, side: str) -> str:
        return self.second_side if side == self.first_side else self.first_side

    def setup(self, unit_id: str) -> UnitSetup:
        by_id = self.__dict__.get("_setup_by_id")
        if by_id is None:
            by_id = self.__dict__["_setup_by_id"] = {u.id: u for u in self.units}
        return by_id[unit_id]

    def unit_type(self, type_id: str):
        return self.rules.unit_types[type_id]
