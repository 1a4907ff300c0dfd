"""Ruleset sections for the three per-turn systems: combat, truck supply, air superiority.

Every field is required: the numbers live in ``scenarios/ruleset.yaml`` with their sources,
never as Python defaults.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ACTIVITIES = ("rest", "move", "defend", "attack")
COMBAT_ROLES = ("infantry", "armour", "artillery", "cavalry", "support")
MISSIONS = ("superiority", "ground_support", "interdiction", "airfield_strike", "recon")
AIR_ROLES = ("fighter", "bomber", "recon")


class _S(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


Fraction = float


class EquipmentSpec(_S):
    name: str
    kind: Literal["tanks", "armored_cars", "guns"]
    attack: float = Field(ge=0)
    defence: float = Field(ge=0)
    anti_tank: float = Field(ge=0, le=5)  # what one item does against attacking armour (45 mm gun = 1)
    source: str | None = None


class ShiftSpec(_S):
    shift: int
    p: float = Field(gt=0, le=1)


class AntiArmourSpec(_S):
    weight: float = Field(ge=0)  # × defending guns+AFVs per attacking AFV
    max: float = Field(ge=1)


class ResultSpec(_S):
    at_least: float | None = None
    name: str
    retreat: int = Field(ge=0, le=4)
    defender_cohesion: float
    attacker_cohesion: float
    defender_losses: float = Field(gt=0)  # × the defender's casualty rates with this result
    attacker_losses: float = Field(gt=0)


class PostureSpec(_S):
    name: str
    after_hours: float = Field(ge=0)  # halted this long to reach it
    defence: float = Field(gt=0)
    vulnerability: float = Field(gt=0)


class SizeFactor(_S):
    reference_men: float = Field(gt=0)
    exponent: float
    min: float = Field(gt=0)
    max: float = Field(gt=0)


class CombatRules(_S):
    base_loss_rate: dict[Literal["attacker", "defender"], float]
    size_factor: SizeFactor
    opposition_exponent: float
    opposition_clamp: list[float] = Field(min_length=2, max_length=2)
    winner_loss: float
    loser_loss: float
    kind_loss_factor: dict[Literal["attacker", "defender"], dict[Literal["tanks", "armored_cars", "guns"], float]]
    crew_per_vehicle: dict[Literal["tanks", "armored_cars"], float]
    max_loss_share: Fraction = Field(gt=0, le=1)
    day_fraction_per_hour: dict[Literal["day", "night"], float]
    min_day_fraction: float = Field(ge=0)
    shifts: list[ShiftSpec] = Field(min_length=1)
    column_ratio: float = Field(gt=1)
    results: list[ResultSpec] = Field(min_length=2)
    postures: list[PostureSpec] = Field(min_length=1)
    higher_ground_m: float
    higher_ground_defence: float
    attacker_higher_ground: float
    river_assault: dict[Literal["minor", "crossing"], float]
    river_attacker_losses: float
    night_attack: float
    night_artillery: float
    night_losses: float
    supply_low: dict[Literal["below", "factor"], float]
    supply_out: dict[Literal["below", "factor"], float]
    cohesion_floor: Fraction = Field(ge=0, le=1)  # strength at cohesion 0 (1.0 at cohesion 100)
    air_superiority: float
    combined_arms: float
    armour_alone_tank_losses: float
    anti_armour: AntiArmourSpec
    artillery_defensive_support: Fraction = Field(ge=0, le=1)
    blocked_retreat_losses: Fraction = Field(ge=0, le=1)
    blocked_retreat_cohesion: float
    min_attack_cohesion: float = Field(ge=0, le=100)
    broken_below: float = Field(ge=0, le=100)
    retreat_cohesion: float


class SideDoctrine(_S):
    night_attack: float = Field(gt=0)  # attacker strength at night (replaces combat.night_attack)
    prisoner_share: Fraction = Field(ge=0, le=1)  # share of a destroyed unit's men taken prisoner
    pocket_collapse_per_day: Fraction = Field(ge=0, le=1)  # broken, cut off, out of supply and pressed: chance a day it is gone
    source: str | None = None


class ConsumptionSpec(_S):
    """Kilograms per day for each activity."""

    man: dict[Literal["rest", "move", "defend", "attack"], float]
    gun: dict[Literal["rest", "move", "defend", "attack"], float]
    tank: dict[Literal["rest", "move", "defend", "attack"], float]
    armored_car: dict[Literal["rest", "move", "defend", "attack"], float]
    source: str | None = None


class SupplyRules(_S):
    consumption_kg_per_day: ConsumptionSpec
    trace_range: float = Field(gt=0)  # path cost (motorized movement points) from a depot
    trace_class: str
    carried_days: float = Field(gt=0)  # a unit's own load, in days at rest
    drain_factor: dict[Literal["rest", "move", "defend", "attack"], float]
    refill_days: float = Field(gt=0)
    low: Fraction
    out: Fraction
    out_mp_factor: Fraction
    low_mp_factor: Fraction
    fuel_classes: list[str]
    attrition_per_day: Fraction
    out_cohesion_per_12h: float
    rest_cohesion_per_12h: float
    truck_availability: Fraction
    interdiction_per_sortie: Fraction
    interdiction_cap: Fraction
    capture_share: Fraction  # stock a captor takes over
    front_truck_km_per_hour: float = Field(gt=0)
    field_depot_spacing: int = Field(ge=1, le=50)
    source: str | None = None


class AircraftSpec(_S):
    name: str
    role: Literal["fighter", "bomber", "recon"]
    quality: float = Field(gt=0)
    bombs_t: float = Field(ge=0)
    source: str | None = None


class AirRules(_S):
    serviceability: Fraction
    sorties_per_day: dict[Literal["fighter", "bomber", "recon"], float]
    daylight_hours: float = Field(gt=0)
    range_penalty_per_100km: Fraction
    min_range_factor: Fraction
    engaged_fraction: Fraction
    kill_rate: Fraction
    escorted_bomber_loss: Fraction
    unescorted_bomber_loss: Fraction
    control_thresholds: list[float] = Field(min_length=2, max_length=2)
    control_min_sorties: float = Field(ge=0)
    effect: dict[Literal["superiority", "contested", "enemy"], float]
    cas_per_bomb_ton: float  # riflemen-equivalent per ton of bombs
    cas_cap: Fraction
    airfield_kill_per_sortie: Fraction
    recon_spots_contested: bool
    source: str | None = None
