"""Pydantic models for the ruleset and scenario files.

Field-level checks that need other parts of the files (known unit types, sides, places, the
map's extent) read them from the validation context, so pydantic reports every problem in
one pass; cross-field checks live in ``checks.py``.
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from game.scenario.systems_schema import AircraftSpec, AirRules, CombatRules, EquipmentSpec, SideDoctrine, SupplyRules

PHASE_KINDS = ("air", "supply", "movement", "combat", "end_of_turn")
SIDE_IDS = ("soviet", "japanese")
COUNT_FIELDS = ("men", "tanks", "armored_cars", "guns")

Point = Annotated[list[float], Field(min_length=2, max_length=2)]
Ident = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


def did_you_mean(value: str, known: list[str] | tuple[str, ...] | set[str]) -> str:
    """' did you mean 'x'?' for a near miss, else the list of choices when short."""
    close = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    if 0 < len(known) <= 8:
        return "; expected one of: " + ", ".join(sorted(known))
    return ""


def check_id(value: str, info: ValidationInfo, key: str, what: str) -> str:
    """Raise a readable error when ``value`` is not among ``context[key]`` (skip if unknown)."""
    known = (info.context or {}).get(key)
    if known is not None and value not in known:
        raise PydanticCustomError(
            "unknown_id",
            "unknown {what} '{value}'{hint}",
            {"what": what, "value": value, "hint": did_you_mean(value, known)},
        )
    return value


def ref(key: str, what: str) -> Any:
    """A string that must name one of ``context[key]`` (unit types, terrain, sides, places...)."""

    def check(v: str, info: ValidationInfo) -> str:
        return check_id(v, info, key, what)

    return Annotated[str, AfterValidator(check)]


TerrainRef = ref("terrain", "terrain")
RiverRef = ref("rivers", "river kind")
CrossingRef = ref("crossings", "crossing kind")
RoadRef = ref("roads", "road kind")
ClassRef = ref("movement_classes", "movement class")
SideRef = ref("sides", "side")
UnitTypeRef = ref("unit_types", "unit type")
PlaceRef = ref("places", "place")
AircraftRef = ref("aircraft", "aircraft type")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --- ruleset --------------------------------------------------------------------------------


class CostTable(Strict):
    """Movement cost per class; ``None`` means impassable. Classes come from the ruleset."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)
    default: float | None = None

    def for_class(self, cls: str) -> float | None:
        extra = self.model_extra or {}
        return extra[cls] if cls in extra else self.default


def _validate_costs(v: Any, info: ValidationInfo) -> Any:
    if isinstance(v, dict):
        classes = (info.context or {}).get("movement_classes")
        for k, val in v.items():
            if k != "default" and classes is not None and k not in classes:
                raise PydanticCustomError(
                    "unknown_id",
                    "unknown movement class '{k}'{hint}",
                    {"k": k, "hint": did_you_mean(str(k), classes)},
                )
            if val is not None and (isinstance(val, bool) or not isinstance(val, (int, float)) or val < 0):
                raise PydanticCustomError(
                    "cost_type",
                    "cost for '{k}' must be a number >= 0 or null (impassable), got {val}",
                    {"k": k, "val": repr(val)[:40]},
                )
        if "default" not in v and classes is not None:
            missing = [c for c in classes if c not in v]
            if missing:
                raise PydanticCustomError("cost_missing", "no cost for {m} and no default", {"m": ", ".join(missing)})
    return v


class _Costed(Strict):
    name: str
    cost: CostTable
    source: str | None = None

    @field_validator("cost", mode="before")
    @classmethod
    def _costs(cls, v: Any, info: ValidationInfo) -> Any:
        return _validate_costs(v, info)


class TerrainSpec(_Costed):
    defence: float = Field(gt=0)  # defender's strength multiplier in this terrain
    elevation_m: float = 0.0
    spot_bonus: int = 0
    color: str | None = None


class RiverKindSpec(_Costed):
    blocks_zoc: bool = False


class CrossingKindSpec(_Costed):
    pass


class RoadKindSpec(_Costed):
    pass


class UnitTypeSpec(Strict):
    name: str
    movement_class: ClassRef = Field(alias="class")
    mp: float = Field(gt=0, le=100)
    symbol: str = "infantry"
    spot_range: int | None = Field(default=None, ge=0, le=10)
    zoc: bool = True
    combat: Literal["infantry", "armour", "artillery", "cavalry", "support"]
    men_factor: float = Field(default=1.0, ge=0, le=2)
    fire_range: int = Field(default=0, ge=0, le=30)
    equipment: dict[Literal["tanks", "armored_cars", "guns"], str] = {}
    source: str | None = None


class PhaseStep(Strict):
    phase: str
    side: Literal["both", "first", "second", "none"]
    name: str = ""

    @field_validator("phase")
    @classmethod
    def _phase(cls, v: str) -> str:
        if v not in PHASE_KINDS:
            raise PydanticCustomError("unknown_id", "unknown phase '{v}'{hint}", {"v": v, "hint": did_you_mean(v, PHASE_KINDS)})
        return v


class Parameters(Strict):
    """Every number is required: they live in the ruleset YAML with their sources."""

    stacking_limit: int = Field(ge=1, le=20)
    night_mp_factor: float = Field(gt=0, le=1)
    always_one_hex: bool
    default_spot_range: int = Field(ge=0, le=10)
    night_spot_range: int = Field(ge=0, le=10)
    zoc_across_major_river: bool
    crossing_snap_km: float = Field(gt=0, le=5)


class RulesetSpec(Strict):
    kind: Literal["ruleset"]
    id: Ident
    title: str
    hex_km: float = Field(default=1.0, gt=0)
    parameters: Parameters
    movement_classes: list[Ident] = Field(min_length=1)
    terrain: dict[Ident, TerrainSpec] = Field(min_length=1)
    rivers: dict[Ident, RiverKindSpec] = {}
    crossings: dict[Ident, CrossingKindSpec] = {}
    roads: dict[Ident, RoadKindSpec] = {}
    unit_types: dict[Ident, UnitTypeSpec] = Field(min_length=1)
    equipment: dict[Ident, EquipmentSpec] = Field(min_length=1)
    aircraft: dict[Ident, AircraftSpec] = Field(min_length=1)
    sides: dict[Literal["soviet", "japanese"], SideDoctrine]
    combat: CombatRules
    supply: SupplyRules
    air: AirRules
    turn_sequence: list[PhaseStep] = Field(min_length=1)


# --- map ------------------------------------------------------------------------------------


class Extent(Strict):
    x: Point
    y: Point

    @field_validator("x", "y")
    @classmethod
    def _ordered(cls, v: list[float]) -> list[float]:
        if v[0] >= v[1]:
            raise PydanticCustomError("extent", "range must be [low, high], got {v}", {"v": v})
        if v[1] - v[0] > 400:
            raise PydanticCustomError("extent", "range is wider than 400 km", {})
        return v


class AreaSpec(Strict):
    name: str
    terrain: TerrainRef
    polygon: Annotated[list[Point], Field(min_length=3, max_length=10_000)] | None = None
    circle: Point | None = None
    radius_km: float | None = Field(default=None, gt=0)


class RiverSpec(Strict):
    name: str
    kind: RiverRef
    course: Annotated[list[Point], Field(min_length=2, max_length=10_000)]


class CrossingSpec(Strict):
    name: str
    kind: CrossingRef
    at: Point
    river: str | None = None
    destructible: bool = False
    source: str | None = None


class RoadSpec(Strict):
    name: str
    kind: RoadRef
    course: Annotated[list[Point], Field(min_length=2, max_length=10_000)]


class PlaceSpec(Strict):
    id: Ident
    name: str
    at: Point
    kind: str = "landmark"
    source: str | None = None


class MapSpec(Strict):
    extent_km: Extent
    base_terrain: TerrainRef
    areas: list[AreaSpec] = []
    rivers: list[RiverSpec] = []
    crossings: list[CrossingSpec] = []
    roads: list[RoadSpec] = []
    places: list[PlaceSpec] = []


class MapFileSpec(MapSpec):
    """A map file (kind: map): the whole battlefield; scenarios show a window of it."""

    kind: Literal["map"]
    id: Ident
    title: str
    notes: str | None = None


class MapRefSpec(Strict):
    """A scenario's map taken from a map file: a window, features left out, features added."""

    file: str
    extent_km: Extent
    exclude: list[str] = []
    base_terrain: TerrainRef | None = None
    areas: list[AreaSpec] = []
    rivers: list[RiverSpec] = []
    crossings: list[CrossingSpec] = []
    roads: list[RoadSpec] = []
    places: list[PlaceSpec] = []


# --- scenario -------------------------------------------------------------------------------


class Alternative(Strict):
    value: int = Field(ge=0)
    source: str
    note: str | None = None


class Strength(Strict):
    """A sourced count: men, tanks, armoured cars or guns."""

    value: int = Field(ge=0, le=10_000_000)
    source: str | None = None
    note: str | None = None
    alternatives: list[Alternative] = []


def _strength_before(v: Any) -> Any:
    if isinstance(v, bool) or not isinstance(v, (int, dict)):
        raise PydanticCustomError(
            "strength_type", "expected a whole number or a mapping with value: and source:, got {got}", {"got": repr(v)[:40]}
        )
    if isinstance(v, int):
        return {"value": v}
    return v


class Arrival(Strict):
    """When and where a reinforcement enters: a turn index, or a date-time (the turn holding it)."""

    turn: int | None = Field(default=None, ge=0)
    time: str | None = None
    at: Point | None = None
    hex: Annotated[list[int], Field(min_length=2, max_length=2)] | None = None


class UnitSpec(Strict):
    id: Ident
    name: str
    side: SideRef
    type: UnitTypeRef
    at: Point | None = None
    hex: Annotated[list[int], Field(min_length=2, max_length=2)] | None = None
    source: str | None = None
    men: Strength = Strength(value=0)
    tanks: Strength = Strength(value=0)
    armored_cars: Strength = Strength(value=0)
    guns: Strength = Strength(value=0)
    quality: float = Field(default=1.0, gt=0, le=3)
    cohesion: float = Field(default=100.0, ge=0, le=100)
    supply: float = Field(default=1.0, ge=0, le=1)
    arrives: Arrival | None = None
    posture: str | None = None  # a posture from the ruleset (e.g. fortified) held at the start
    equipment: dict[Literal["tanks", "armored_cars", "guns"], str] = {}
    note: str | None = None

    @field_validator("men", "tanks", "armored_cars", "guns", mode="before")
    @classmethod
    def _strength(cls, v: Any) -> Any:
        return _strength_before(v)


class RailheadSpec(Strict):
    name: str
    distance_km: float = Field(gt=0, le=5000)
    source: str | None = None


class DepotSpec(Strict):
    id: Ident
    name: str
    at: Point
    stock_t: float = Field(ge=0)
    source: str | None = None


class SideLogisticsSpec(Strict):
    """One side's truck supply: railhead, truck pool, entry, depots and standing routes."""

    railhead: RailheadSpec
    truck_km_per_day: float = Field(gt=0)
    trucks: Strength  # cargo trucks
    payload_t: float = Field(gt=0, le=20)
    tankers: Strength = Strength(value=0)  # fuel tankers, on the same road
    tanker_payload_t: float = Field(default=0.0, ge=0, le=20)
    front_trucks: Strength = Strength(value=0)
    field_depots: int = Field(default=0, ge=0, le=30)  # field depots the side may open during the game
    entry: Point
    depots: list[DepotSpec] = Field(min_length=1)
    routes: dict[str, int] = {}
    source: str | None = None

    @field_validator("trucks", "tankers", "front_trucks", mode="before")
    @classmethod
    def _strength(cls, v: Any) -> Any:
        return _strength_before(v)


class AirZoneSpec(Strict):
    id: Ident
    name: str
    polygon: Annotated[list[Point], Field(min_length=3, max_length=1000)]


class AirfieldSpec(Strict):
    id: Ident
    name: str
    side: SideRef
    distance_km: float = Field(ge=0, le=3000)
    source: str | None = None


class AirUnitSpec(Strict):
    id: Ident
    name: str
    side: SideRef
    type: AircraftRef
    aircraft: Strength
    pilot_quality: float = Field(gt=0, le=3)
    base: str
    source: str | None = None
    note: str | None = None

    @field_validator("aircraft", mode="before")
    @classmethod
    def _strength(cls, v: Any) -> Any:
        return _strength_before(v)


class SourceSpec(Strict):
    title: str
    file: str | None = None
    url: str | None = None
    confidence: str | None = None
    note: str | None = None


class ConflictValue(Strict):
    value: Any
    source: str
    note: str | None = None


class ConflictSpec(Strict):
    """Where the documents disagree: shown to the player in the sources panel."""

    topic: str
    values: list[ConflictValue] = Field(min_length=1)
    chosen: str | None = None
    note: str | None = None


class HistoricalFigure(Strict):
    """One document's figure for a loss: the after-action report shows them all, and their range."""

    value: float = Field(ge=0)
    source: str
    note: str | None = None


class HistoricalResultSpec(Strict):
    winner: SideRef | None = None
    result: Literal["decisive", "marginal", "draw"]
    source: str
    note: str | None = None


class HistoricalOutcomeSpec(Strict):
    """What really happened, for the after-action report and the Monte Carlo check."""

    result: HistoricalResultSpec
    losses: dict[
        SideRef, dict[Literal["men", "tanks", "armored_cars", "guns", "aircraft", "trucks"], list[HistoricalFigure]]
    ] = {}


class TimelineSpec(Strict):
    at: str
    text: str
    title: str | None = None
    source: str | None = None

    @field_validator("at")
    @classmethod
    def _at(cls, v: str) -> str:
        return _datetime(v) or v


class OrderSpec(Strict):
    """One historical order: these units go to a place (and attack on the way) from a date-time."""

    start: str  # date-time the order is given
    until: str | None = None  # date-time it ends (else it holds until a later order)
    units: list[str] = Field(min_length=1)
    go: PlaceRef | None = None  # a place id of the map
    at: Point | None = None  # or a position in km
    attack: bool = False  # attack known enemies next to these units
    hold: bool = False  # stay where they are
    sweep: float = Field(default=0, ge=0, le=30)  # km round the target: seek out and attack known enemies there
    destroy: str | None = None  # a destructible crossing to blow once none of the side's units is left beyond it
    note: str | None = None
    source: str | None = None

    @field_validator("start", "until")
    @classmethod
    def _when(cls, v: str | None) -> str | None:
        return _datetime(v)


def _datetime(v: str | None) -> str | None:
    """A date-time as the scenario files write them (ISO 8601), or a problem saying so."""
    from datetime import datetime

    if v is None:
        return v
    try:
        datetime.fromisoformat(v)
    except ValueError:
        raise PydanticCustomError("datetime", "'{v}' is not a date-time like 1939-07-03T10:45", {"v": v}) from None
    return v


class PlanObjectiveSpec(Strict):
    """One of a side's operational objectives: a place (or a point in km) to take or to hold."""

    place: PlaceRef | None = None
    at: Point | None = None
    name: str | None = None
    task: Literal["take", "hold"]
    weight: float = Field(default=1.0, gt=0, le=10)  # how much it matters beside the victory points
    note: str | None = None
    source: str


class PhaseLineSpec(Strict):
    """A named line of places (or points) to reach by a date-time, or to hold until one."""

    name: str
    task: Literal["reach", "hold"]
    places: list[PlaceRef] = []
    at: list[Point] = []
    start: str | None = None  # from when the line applies (default: the scenario's start)
    by: str  # reach: the date-time it should be reached by; hold: held until then
    weight: float = Field(default=1.0, gt=0, le=10)
    note: str | None = None
    source: str

    _when = field_validator("start", "by")(classmethod(lambda cls, v: _datetime(v)))


class WayOutSpec(Strict):
    """A line of retreat kept open: guarded, and where cut-off units go back to."""

    name: str
    places: list[PlaceRef] = []
    at: list[Point] = []
    start: str | None = None  # from when it is guarded (default: the scenario's start)
    note: str | None = None
    source: str

    _when = field_validator("start")(classmethod(lambda cls, v: _datetime(v)))


class SidePlanSpec(Strict):
    """A side's operational plan for the ``ai`` opponent (and for the player to read): its intent,
    its objectives by priority, its phase lines and its way out."""

    intent: str = Field(min_length=1, max_length=200)
    source: str
    objectives: list[PlanObjectiveSpec] = []
    phase_lines: list[PhaseLineSpec] = []
    way_out: WayOutSpec | None = None


class VariantSpec(Strict):
    """Another order of battle over the same scenario: units removed, replaced or added."""

    title: str
    description: str = ""
    remove_units: list[str] = []
    units: list[Any] = []
    remove_air_units: list[str] = []
    air_units: list[Any] = []
    logistics: dict[str, Any] = {}


class SideSpec(Strict):
    name: str
    color: str | None = None


_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class CalendarSpec(Strict):
    start: str
    turns: int = Field(ge=1, le=1000)
    turn_hours: list[float] = Field(min_length=1)
    daylight: Annotated[list[str], Field(min_length=2, max_length=2)] = ["05:00", "20:00"]
    mp_factor: float = Field(default=1.0, gt=0, le=10)

    @field_validator("start")
    @classmethod
    def _start(cls, v: str) -> str:
        from datetime import datetime

        try:
            datetime.fromisoformat(v)
        except ValueError:
            raise PydanticCustomError("datetime", "'{v}' is not a date-time like 1939-07-02T20:00", {"v": v}) from None
        return v

    @field_validator("turn_hours")
    @classmethod
    def _hours(cls, v: list[float]) -> list[float]:
        if any(h <= 0 or h > 48 for h in v):
            raise PydanticCustomError("hours", "turn lengths must be between 0 and 48 hours", {})
        return v

    @field_validator("daylight")
    @classmethod
    def _daylight(cls, v: list[str]) -> list[str]:
        for t in v:
            if not _HHMM.match(t):
                raise PydanticCustomError("hhmm", "'{t}' is not a time like 05:30", {"t": t})
        return v


class ObjectiveSpec(Strict):
    place: PlaceRef | None = None
    at: Point | None = None
    name: str | None = None
    owner: SideRef | None = None
    points: int | dict[str, int] = 1


class LevelSpec(Strict):
    at_least: float | None = None
    winner: SideRef | None = None
    result: Literal["decisive", "marginal", "draw"]


class LossPointsSpec(Strict):
    """Points for what a side loses: a victory bought with half a tank brigade is a narrow one."""

    side: SideRef  # whose losses
    kind: Literal["men", "tanks", "armored_cars", "guns", "aircraft", "trucks"]
    per: float = Field(gt=0)  # this many lost ...
    points: float = Field(gt=0)  # ... give the other side this many points (pro rata)
    source: str | None = None


class VictorySpec(Strict):
    objectives: list[ObjectiveSpec] = []
    losses: list[LossPointsSpec] = []
    levels: list[LevelSpec] = Field(min_length=1)


class ScenarioSpec(Strict):
    kind: Literal["scenario"]
    id: Ident
    title: str
    ruleset: str
    description: str = ""
    sides: dict[str, SideSpec]
    first_side: str
    calendar: CalendarSpec
    map: Any  # validated on its own first (MapSpec), so its errors are reported once
    units: list[Any] = Field(min_length=1)  # each unit validated on its own (UnitSpec)
    victory: Any  # VictorySpec, validated on its own
    logistics: dict[str, Any] = {}  # side -> SideLogisticsSpec, validated on its own
    air_zones: list[Any] = []  # AirZoneSpec each
    airfields: list[Any] = []  # AirfieldSpec each
    air_units: list[Any] = []  # AirUnitSpec each
    sources: dict[str, Any] = {}  # SourceSpec each
    conflicts: list[Any] = []  # ConflictSpec each
    timeline: list[Any] = []  # TimelineSpec each
    variants: dict[str, Any] = {}  # VariantSpec each
    historical_orders: dict[str, list[Any]] = {}  # side -> OrderSpec each
    historical_outcome: Any = None  # HistoricalOutcomeSpec, validated on its own
    operational_plan: dict[str, Any] = {}  # side -> SidePlanSpec, validated on its own
    listed: bool = True

    @field_validator("sides")
    @classmethod
    def _sides(cls, v: dict[str, SideSpec]) -> dict[str, SideSpec]:
        if sorted(v) != sorted(SIDE_IDS):
            raise PydanticCustomError(
                "sides",
                "sides must be exactly {want}, got {got}",
                {"want": ", ".join(SIDE_IDS), "got": ", ".join(v) or "none"},
            )
        return v

    @field_validator("first_side")
    @classmethod
    def _first(cls, v: str) -> str:
        if v not in SIDE_IDS:
            raise PydanticCustomError("unknown_id", "unknown side '{v}'{hint}", {"v": v, "hint": did_you_mean(v, SIDE_IDS)})
        return v
