"""Small hand-built scenarios for rules tests, written as YAML the way authors write them.

The default map (x -10..10 km, y -6..6 km): steppe; a west plateau (x < -6, 50 m higher);
a major river along x = 0 with one bridge at y = -3; a minor stream along y = 3 east of the
river; dunes for x > 6. Two air zones split at the river. A Soviet airfield and a Japanese one.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from game.actions import EndPhase
from game.engine import IllegalAction, apply, current_actors, state_hash
from game.scenario.loader import SCENARIO_DIR, load_scenario
from game.scenario.model import Scenario
from game.state import State

BASE_MAP: dict[str, Any] = {
    "extent_km": {"x": [-10, 10], "y": [-6, 6]},
    "base_terrain": "steppe",
    "areas": [
        {"name": "Plateau", "terrain": "plateau", "polygon": [[-11, -7], [-6, -7], [-6, 7], [-11, 7]]},
        {"name": "Dunes", "terrain": "dunes", "polygon": [[6, -7], [11, -7], [11, 7], [6, 7]]},
    ],
    "rivers": [
        {"name": "Big river", "kind": "major", "course": [[0.05, -7], [0.05, 7]]},
        {"name": "Stream", "kind": "minor", "course": [[0.05, 3.3], [11, 3.3]]},
    ],
    "crossings": [{"name": "Bridge", "kind": "bridge", "at": [0.05, -3]}],
    "roads": [],
    "places": [{"id": "centre", "name": "Centre", "at": [3, 0]}],
}

AIR = {
    "air_zones": [
        {"id": "west", "name": "West", "polygon": [[-11, -7], [0.05, -7], [0.05, 7], [-11, 7]]},
        {"id": "east", "name": "East", "polygon": [[0.05, -7], [11, -7], [11, 7], [0.05, 7]]},
    ],
    "airfields": [
        {"id": "su_field", "name": "Soviet field", "side": "soviet", "distance_km": 100, "source": "TEST"},
        {"id": "jp_field", "name": "Japanese field", "side": "japanese", "distance_km": 100, "source": "TEST"},
    ],
}


def unit(uid: str, side: str, utype: str, at: list[float], **counts: Any) -> dict[str, Any]:
    """A unit dict; counts like men=800, tanks=40; extra keys (quality, supply...) pass through."""
    d: dict[str, Any] = {"id": uid, "name": uid, "side": side, "type": utype, "at": at, "source": "TEST"}
    d.update(counts)
    return d


def build(
    tmp_path: Path,
    units: list[dict[str, Any]],
    *,
    logistics: dict[str, Any] | None = None,
    air_units: list[dict[str, Any]] | None = None,
    start: str = "1939-07-03T08:00",
    turns: int = 6,
    turn_hours: list[float] | None = None,
    first_side: str = "soviet",
    map_changes: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> Scenario:
    shutil.copy(SCENARIO_DIR / "ruleset.yaml", tmp_path / "ruleset.yaml")
    m = dict(BASE_MAP)
    m.update(map_changes or {})
    doc: dict[str, Any] = {
        "kind": "scenario",
        "id": "rules_test",
        "title": "Rules test",
        "ruleset": "ruleset.yaml",
        "sides": {"soviet": {"name": "Soviet"}, "japanese": {"name": "Japanese"}},
        "first_side": first_side,
        "calendar": {"start": start, "turns": turns, "turn_hours": turn_hours or [4], "daylight": ["04:00", "20:00"]},
        "map": m,
        "units": units,
        "victory": {
            "objectives": [{"place": "centre", "points": 1}],
            "levels": [{"at_least": 1, "winner": "soviet", "result": "marginal"}, {"result": "draw"}],
        },
        **AIR,
    }
    if logistics:
        doc["logistics"] = logistics
    if air_units:
        doc["air_units"] = air_units
    doc.update(extra or {})
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return load_scenario(path)


def advance_to(state: State, phase: str, side: str | None = None, limit: int = 500) -> State:
    """End phases until ``phase`` (for ``side``, if given) is being played."""
    for _ in range(limit):
        actors = current_actors(state)
        if state.phase.phase == phase and actors and (side is None or side in actors):
            return state
        if not actors:
            raise AssertionError("the game ended first")
        state, _ = apply(state, EndPhase(actors[0]))
    raise AssertionError(f"never reached the {phase} phase")


def soviet_logistics(depot_at: list[float], stock: float = 100.0, trucks: int = 100, **extra: Any) -> dict[str, Any]:
    d = {
        "railhead": {"name": "Railhead", "distance_km": 270, "source": "TEST"},
        "truck_km_per_day": 270,
        "trucks": {"value": trucks, "source": "TEST"},
        "payload_t": 2.0,
        "front_trucks": {"value": 10, "source": "TEST"},
        "entry": [-10, -3],
        "depots": [{"id": "su_depot", "name": "Soviet depot", "at": depot_at, "stock_t": stock, "source": "TEST"}],
    }
    d.update(extra)
    return d


def refused(state: State, action: Any, words: str) -> None:
    """The action is refused with a reason containing ``words``, and the state is unchanged."""
    before = state_hash(state)
    with pytest.raises(IllegalAction) as exc:
        apply(state, action)
    assert words in exc.value.reason
    assert state_hash(state) == before
