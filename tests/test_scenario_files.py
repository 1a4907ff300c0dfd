"""Shared map files with windows, variants, the timeline, sources, and destructible crossings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from builders import advance_to

from game.actions import DestroyCrossing, EndPhase, Move
from game.engine import IllegalAction, apply, current_actors, legal_actions, new_game, timeline_now
from game.scenario.loader import SCENARIO_DIR, load_scenario, load_scenario_checked, validate_path

MAP = {
    "kind": "map",
    "id": "mini",
    "title": "Mini battlefield",
    "extent_km": {"x": [-12, 12], "y": [-10, 10]},
    "base_terrain": "steppe",
    "areas": [{"name": "Far dunes", "terrain": "dunes", "polygon": [[8, -10], [12, -10], [12, 10], [8, 10]]}],
    "rivers": [{"name": "River", "kind": "major", "course": [[0.05, -11], [0.05, 11]]}],
    "crossings": [
        {"name": "North bridge", "kind": "bridge", "at": [0.05, 5]},
        {"name": "Pontoon", "kind": "pontoon", "at": [0.05, -2], "destructible": True},
        {"name": "Far ford", "kind": "ford", "at": [0.05, -9]},
    ],
    "roads": [],
    "places": [
        {"id": "west_hill", "name": "West hill", "at": [-3, 0]},
        {"id": "far_east", "name": "Far east", "at": [10, 8]},
    ],
}


def scenario_doc(**over) -> dict:
    doc = {
        "kind": "scenario",
        "id": "windowed",
        "title": "Windowed",
        "ruleset": "ruleset.yaml",
        "sides": {"soviet": {"name": "Soviet"}, "japanese": {"name": "Japanese"}},
        "first_side": "soviet",
        "calendar": {"start": "1939-07-03T08:00", "turns": 4, "turn_hours": [4], "daylight": ["04:00", "20:00"]},
        "map": {"file": "maps/mini.yaml", "extent_km": {"x": [-6, 6], "y": [-5, 5]}, "exclude": ["North bridge"]},
        "units": [
            {
                "id": "su1",
                "name": "Soviet battalion",
                "side": "soviet",
                "type": "rifle_bn",
                "at": [-2, -2],
                "men": {"value": 800, "source": "SEED002"},
            },
            {
                "id": "jp1",
                "name": "Japanese battalion",
                "side": "japanese",
                "type": "infantry_bn",
                "at": [3, 0],
                "men": {"value": 700, "source": "MEL"},
            },
        ],
        "victory": {
            "objectives": [{"place": "west_hill", "owner": "soviet", "points": 1}],
            "levels": [{"at_least": 1, "winner": "soviet", "result": "marginal"}, {"result": "draw"}],
        },
        "timeline": [
            {"at": "1939-07-03T09:00", "text": "First event", "source": "MEL"},
            {"at": "1939-07-03T13:30", "text": "Afternoon event", "source": "SEED002"},
        ],
        "sources": {"MEL": {"title": "Meltyukhov"}, "SEED002": {"title": "Seed 002", "file": "002_15abd40749a7dcb4.txt"}},
        "conflicts": [
            {
                "topic": "Men of the battalion",
                "values": [{"value": 800, "source": "SEED002"}, {"value": 650, "source": "MEL"}],
                "chosen": "800",
            }
        ],
        "variants": {
            "research": {
                "title": "Research",
                "remove_units": ["jp1"],
                "units": [
                    {
                        "id": "su1",
                        "name": "Soviet battalion (research)",
                        "side": "soviet",
                        "type": "rifle_bn",
                        "at": [-2, -2],
                        "men": {"value": 650, "source": "MEL"},
                    },
                    {
                        "id": "jp2",
                        "name": "Other Japanese battalion",
                        "side": "japanese",
                        "type": "infantry_bn",
                        "at": [4, 1],
                        "men": {"value": 900, "source": "MEL"},
                    },
                ],
            }
        },
    }
    doc.update(over)
    return doc


def write(tmp_path: Path, doc: dict, map_doc: dict | None = None) -> Path:
    shutil.copy(SCENARIO_DIR / "ruleset.yaml", tmp_path / "ruleset.yaml")
    (tmp_path / "maps").mkdir(exist_ok=True)
    (tmp_path / "maps" / "mini.yaml").write_text(yaml.safe_dump(map_doc or MAP, sort_keys=False), encoding="utf-8")
    p = tmp_path / "scen.yaml"
    p.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return p


def test_a_window_of_a_map_file_drops_outside_features_and_exclusions(tmp_path):
    scen = load_scenario(write(tmp_path, scenario_doc()))
    gm = scen.map
    assert gm.width == 13 and gm.height < 14  # the window, not the file's 25 km
    names = {c.name for c in gm.crossings.values()}
    assert names == {"Pontoon"}  # North bridge excluded, Far ford outside the window
    assert set(gm.places) == {"west_hill"}  # far_east lies outside
    assert "dunes" not in set(gm.terrain)
    assert validate_path(tmp_path / "maps" / "mini.yaml") == []


def test_map_file_problems_are_reported_in_the_map_file(tmp_path):
    bad = dict(MAP, areas=[{"name": "Bog", "terrain": "swamp", "polygon": [[0, 0], [1, 0], [1, 1]]}])
    p = write(tmp_path, scenario_doc(), bad)
    probs = [str(x) for x in validate_path(p)]
    assert any("maps/mini.yaml" in x and "unknown terrain 'swamp'" in x for x in probs), probs
    doc = scenario_doc()
    doc["map"]["exclude"] = ["Nort bridge"]
    probs = [str(x) for x in validate_path(write(tmp_path, doc))]
    assert any("no feature 'Nort bridge'; did you mean 'North bridge'" in x for x in probs), probs


def test_content_hash_covers_the_map_file(tmp_path):
    a = load_scenario(write(tmp_path, scenario_doc()))
    changed = dict(MAP, title="Mini battlefield, revised")
    b = load_scenario(write(tmp_path, scenario_doc(), changed))
    assert a.sha256 != b.sha256


def test_variants_replace_remove_and_add_units(tmp_path):
    p = write(tmp_path, scenario_doc())
    default = load_scenario(p)
    research = load_scenario(p, "research")
    assert default.variants == ["default", "research"]
    assert {u.id for u in default.units} == {"su1", "jp1"}
    assert {u.id for u in research.units} == {"su1", "jp2"}
    assert research.setup("su1").men == 650 and default.setup("su1").men == 800
    state = new_game(research, 3)
    assert state.variant == "research"
    scen, probs = load_scenario_checked(p, "reserch")
    assert scen is None and "did you mean 'research'" in str(probs[0])


def test_variant_problems_point_into_the_variant(tmp_path):
    doc = scenario_doc()
    doc["variants"]["research"]["units"][1]["type"] = "infantry_bnn"
    doc["variants"]["research"]["remove_units"] = ["jp9"]
    probs = [str(x) for x in validate_path(write(tmp_path, doc))]
    assert any("variants.research.units[1].type: unknown unit type 'infantry_bnn'" in x for x in probs), probs
    assert any("no unit 'jp9' to remove" in x for x in probs), probs


def test_timeline_events_fall_in_their_turns(tmp_path):
    scen = load_scenario(write(tmp_path, scenario_doc()))
    assert [(t.turn, t.text) for t in scen.timeline] == [(0, "First event"), (1, "Afternoon event")]
    state = new_game(scen, 1)
    assert [t.text for t in timeline_now(state)] == ["First event"]
    events = []
    while state.turn == 0:
        state, ev = apply(state, EndPhase(current_actors(state)[0]))
        events += ev
    assert [e.text for e in events if e.kind == "timeline"] == ["1939-07-03 13:30: Afternoon event"]


def test_cited_sources_must_be_listed(tmp_path):
    doc = scenario_doc()
    doc["units"][0]["men"]["source"] = "MELL"
    probs = [str(x) for x in validate_path(write(tmp_path, doc))]
    assert any("source 'MELL' is not in the scenario's sources list; did you mean 'MEL'" in x for x in probs), probs
    doc = scenario_doc()
    doc["conflicts"] = [{"topic": "x", "values": []}]
    assert any("conflicts[0].values" in str(x) for x in validate_path(write(tmp_path, doc)))


def test_a_destructible_crossing_can_be_blown_by_a_unit_at_its_end(tmp_path):
    scen = load_scenario(write(tmp_path, scenario_doc()))
    pontoon = scen.map.crossing_named("Pontoon")
    west, east = scen.map.hexes[pontoon.edge[0]], scen.map.hexes[pontoon.edge[1]]
    state = advance_to(new_game(scen, 1), "movement", "soviet")
    # before: the Soviet battalion can cross the river on the pontoon
    state.units["su1"].hex = west if scen.map.river_between(west, east) else east
    here = state.units["su1"].hex
    other = east if here == west else west
    assert Move("soviet", "su1", other) in legal_actions(state, "soviet")
    with pytest.raises(IllegalAction, match="combat phase"):
        apply(state, DestroyCrossing("soviet", "Pontoon"))
    state = advance_to(state, "combat", "soviet")
    assert DestroyCrossing("soviet", "Pontoon") in legal_actions(state, "soviet")
    state, events = apply(state, DestroyCrossing("soviet", "Pontoon"))
    assert "Pontoon" in state.destroyed and any(e.kind == "crossing_destroyed" for e in events)
    with pytest.raises(IllegalAction, match="already destroyed"):
        apply(state, DestroyCrossing("soviet", "Pontoon"))
    with pytest.raises(IllegalAction, match="no crossing"):
        apply(state, DestroyCrossing("soviet", "Golden Gate"))
    # next turn the river cannot be crossed there any more
    state = advance_to(state, "movement", "soviet")
    assert state.turn == 1
    state.units["su1"].mp = 4
    assert Move("soviet", "su1", other) not in legal_actions(state, "soviet")
