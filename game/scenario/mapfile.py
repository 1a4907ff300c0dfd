"""A scenario's map: inline features, or a window of a shared map file with exclusions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from game.gamemap import GameMap
from game.scenario.mapbuild import build_map, empty_map
from game.scenario.problems import validate_model
from game.scenario.schema import MapFileSpec, MapRefSpec, MapSpec, RulesetSpec, did_you_mean
from game.scenario.yamlload import LoadedYaml, Problem, load_yaml

Loc = tuple[str | int, ...]
FEATURES = ("areas", "rivers", "crossings", "roads", "places")


def load_map_file(path: Path, ctx: dict, rules: RulesetSpec | None) -> tuple[MapFileSpec | None, LoadedYaml, list[Problem]]:
    """Read and check a map file on its own (its problems carry its own path)."""
    doc = load_yaml(path)
    problems = list(doc.problems)
    spec = None
    if doc.data is None and not problems:
        problems.append(Problem(str(path), 1, 1, "the file is empty"))
    elif doc.data is not None:
        spec = validate_model(MapFileSpec, doc.data, doc, (), ctx, problems)
        if spec is not None and rules is not None:
            _, mprobs = build_map(spec, rules)
            problems.extend(doc.problem(loc[1:], msg) for loc, msg in mprobs)
    return spec, doc, problems


def resolve_map(
    raw: Any, doc: LoadedYaml, base: Path, ctx: dict, rules: RulesetSpec | None, problems: list[Problem]
) -> tuple[MapSpec | None, GameMap | None, str]:
    """The scenario's MapSpec and built map; the third value is the map file's content hash."""
    if isinstance(raw, dict) and "file" in raw:
        ref = validate_model(MapRefSpec, raw, doc, ("map",), ctx, problems)
        if ref is None:
            return None, None, ""
        mpath = (base / ref.file).resolve()
        if not mpath.exists():
            problems.append(doc.problem(("map", "file"), f"map.file: '{ref.file}' not found (looked in {base})"))
            return None, None, ""
        file_spec, mdoc, mprobs = load_map_file(mpath, ctx, rules)
        problems.extend(mprobs)
        if file_spec is None:
            return None, None, mdoc.sha256
        names = {f.name for k in FEATURES for f in getattr(file_spec, k)}
        for i, name in enumerate(ref.exclude):
            if name not in names:
                problems.append(
                    doc.problem(
                        ("map", "exclude", i), f"map.exclude: the map file has no feature '{name}'{did_you_mean(name, names)}"
                    )
                )
        kept = {k: [f for f in getattr(file_spec, k) if f.name not in ref.exclude] + list(getattr(ref, k)) for k in FEATURES}
        spec = MapSpec.model_construct(extent_km=ref.extent_km, base_terrain=ref.base_terrain or file_spec.base_terrain, **kept)
        if rules is None:
            return spec, empty_map(spec, 1.0), mdoc.sha256
        gmap, bprobs = build_map(spec, rules, windowed=True)
        for _loc, msg in bprobs:  # a problem only the combination shows: point at the map section
            problems.append(doc.problem(("map",), f"map (with {ref.file}): {msg}"))
        return spec, gmap, mdoc.sha256
    spec = validate_model(MapSpec, raw, doc, ("map",), ctx, problems)
    if spec is None:
        return None, None, ""
    if rules is None:
        return spec, empty_map(spec, 1.0), ""
    gmap, mprobs = build_map(spec, rules)
    problems.extend(doc.problem(loc, msg) for loc, msg in mprobs)
    return spec, gmap, ""


def raw_place_ids(raw_map: Any, base: Path) -> list[str]:
    """Place ids as written (for hints when the map itself has problems)."""
    out: list[str] = []
    sources = [raw_map]
    if isinstance(raw_map, dict) and isinstance(raw_map.get("file"), str):
        p = (base / raw_map["file"]).resolve()
        if p.exists():
            sources.append(load_yaml(p).data)
    for m in sources:
        if isinstance(m, dict) and isinstance(m.get("places"), list):
            out += [p["id"] for p in m["places"] if isinstance(p, dict) and isinstance(p.get("id"), str)]
    return out
