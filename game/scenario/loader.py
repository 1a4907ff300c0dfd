"""Load and validate ruleset and scenario files, reporting every problem as PATH:LINE:COL.

Sections are validated separately (top level, map, each unit, victory) so one bad section
never hides the problems of another; only a file with no problems becomes a ``Scenario``.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from game.gamemap import GameMap
from game.hexgrid import Hex, offset_to_axial
from game.rules.movement import can_stand
from game.scenario import schema
from game.scenario.mapbuild import off_map_message
from game.scenario.mapfile import raw_place_ids, resolve_map
from game.scenario.model import (
    HistoricalOrder,
    Objective,
    PhaseLine,
    PlanObjective,
    Scenario,
    SidePlan,
    TimelineEntry,
    UnitSetup,
    VictoryLevel,
    WayOut,
)
from game.scenario.problems import dedupe_sorted, loc_text, validate_model
from game.scenario.schema import (
    COUNT_FIELDS,
    SIDE_IDS,
    ConflictSpec,
    HistoricalOutcomeSpec,
    MapSpec,
    OrderSpec,
    RulesetSpec,
    ScenarioSpec,
    SidePlanSpec,
    SourceSpec,
    TimelineSpec,
    UnitSpec,
    VariantSpec,
    VictorySpec,
    did_you_mean,
)
from game.scenario.systems_loader import check_systems
from game.scenario.yamlload import LoadedYaml, Problem, load_yaml

Loc = tuple[str | int, ...]

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"


class ScenarioError(Exception):
    """Raised when a scenario cannot be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- ruleset --------------------------------------------------------------------------------


def _ruleset_context(data: Any) -> dict:
    ctx: dict = {}
    if isinstance(data, dict):
        mc = data.get("movement_classes")
        if isinstance(mc, list) and all(isinstance(c, str) for c in mc):
            ctx["movement_classes"] = list(mc)
    return ctx


def load_ruleset(path: Path) -> tuple[RulesetSpec | None, str, list[Problem]]:
    doc = load_yaml(path)
    problems = list(doc.problems)
    spec = None
    if doc.data is None and not problems:
        problems.append(Problem(str(path), 1, 1, "the file is empty"))
    elif doc.data is not None:
        spec = validate_model(RulesetSpec, doc.data, doc, (), _ruleset_context(doc.data), problems)
        if spec is not None:
            problems.extend(_ruleset_checks(spec, doc))
    return (spec if not problems else None), doc.sha256, dedupe_sorted(problems)


def _ruleset_checks(spec: RulesetSpec, doc: LoadedYaml) -> list[Problem]:
    problems = []
    for tid, t in spec.unit_types.items():
        for kind, eq in t.equipment.items():
            loc = ("unit_types", tid, "equipment", kind)
            if eq not in spec.equipment:
                problems.append(doc.problem(loc, f"{loc_text(loc)}: unknown equipment '{eq}'{did_you_mean(eq, spec.equipment)}"))
            elif spec.equipment[eq].kind != kind:
                problems.append(
                    doc.problem(
                        loc,
                        f"{loc_text(loc)}: '{eq}' is {spec.equipment[eq].kind.replace('_', ' ')}, not {kind.replace('_', ' ')}",
                    )
                )
    if spec.supply.trace_class not in spec.movement_classes:
        problems.append(
            doc.problem(
                ("supply", "trace_class"),
                f"supply.trace_class: unknown movement class '{spec.supply.trace_class}'{did_you_mean(spec.supply.trace_class, spec.movement_classes)}",
            )
        )
    if spec.combat.results[-1].at_least is not None or any(r.at_least is None for r in spec.combat.results[:-1]):
        problems.append(
            doc.problem(
                ("combat", "results"), "combat.results: every result but the last needs at_least; the last catches the rest"
            )
        )
    if abs(sum(x.p for x in spec.combat.shifts) - 1.0) > 1e-6:
        problems.append(
            doc.problem(
                ("combat", "shifts"), f"combat.shifts: probabilities add up to {sum(x.p for x in spec.combat.shifts):g}, not 1"
            )
        )
    has_move = any(s.phase == "movement" for s in spec.turn_sequence)
    if not has_move:
        problems.append(doc.problem(("turn_sequence",), "turn_sequence has no movement phase"))
    if spec.turn_sequence[-1].phase != "end_of_turn":
        problems.append(doc.problem(("turn_sequence",), "turn_sequence must end with the end_of_turn phase"))
    for i, s in enumerate(spec.turn_sequence):
        if (s.phase == "end_of_turn") != (s.side == "none"):
            problems.append(
                doc.problem(("turn_sequence", i, "side"), "only end_of_turn is resolved by the engine alone (side: none)")
            )
    return problems


# --- scenario -------------------------------------------------------------------------------

_SKIPPED_WITHOUT_RULES = "unit types, terrain, equipment and postures were not checked"
_SKIPPED_WITHOUT_MAP = "places and positions were not checked"


def _map_file_unusable(raw_map: Any, base: Path) -> bool:
    """The scenario names a map file that is missing or that does not load."""
    if not (isinstance(raw_map, dict) and isinstance(raw_map.get("file"), str)):
        return False
    p = (base / raw_map["file"]).resolve()
    if not p.is_file():
        return True
    doc = load_yaml(p)
    return doc.data is None or bool(doc.problems)


def resolve_scenario(ref: str | Path) -> Path:
    """A scenario id (``crossing_3_july``) or a path to a YAML file."""
    p = Path(ref)
    if p.suffix in (".yaml", ".yml") or p.exists():
        return p
    return SCENARIO_DIR / f"{ref}.yaml"


def scenario_ids() -> list[str]:
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml") if p.stem != "ruleset")


def load_scenario_checked(ref: str | Path, variant: str = "default") -> tuple[Scenario | None, list[Problem]]:
    """Never raises for bad input: returns the scenario (in ``variant``) or every problem found."""
    path = resolve_scenario(ref)
    if not path.exists():
        known = scenario_ids()
        hint = did_you_mean(str(ref), known) if known else ""
        return None, [Problem(str(path), 1, 1, f"no such scenario file or id '{ref}'{hint}")]
    doc = load_yaml(path)
    problems: list[Problem] = list(doc.problems)
    data = doc.data
    if data is None:
        if not problems:
            problems.append(Problem(str(path), 1, 1, "the file is empty"))
        return None, dedupe_sorted(problems)
    if not isinstance(data, dict):
        problems.append(doc.problem((), "a scenario file must be a mapping of keys (kind, id, map, units, ...)"))
        return None, dedupe_sorted(problems)

    # the ruleset the scenario names
    rules = None
    rules_sha = ""
    rref = data.get("ruleset")
    if isinstance(rref, str):
        rpath = (path.parent / rref).resolve()
        if not rpath.exists():
            problems.append(
                doc.problem(
                    ("ruleset",),
                    f"ruleset file '{rref}' not found (looked in {path.parent}); {_SKIPPED_WITHOUT_RULES}",
                )
            )
        else:
            rules, rules_sha, rprobs = load_ruleset(rpath)
            problems.extend(rprobs)
            if rules is None:
                problems.append(
                    doc.problem(
                        ("ruleset",), f"ruleset '{rref}' has problems (listed with its own path); {_SKIPPED_WITHOUT_RULES}"
                    )
                )

    ctx = _ruleset_context_for(rules)

    top = validate_model(ScenarioSpec, data, doc, (), ctx, problems)

    # the map first: placements are checked against it
    gmap: GameMap | None = None
    map_spec: MapSpec | None = None
    map_sha = ""
    if "map" in data:
        before = len(problems)
        map_spec, gmap, map_sha = resolve_map(data["map"], doc, path.parent, ctx, rules, problems)
        if map_spec is None and _map_file_unusable(data["map"], path.parent):
            # the map file is missing or broken: places cannot be checked; say so once
            for k in range(before, len(problems)):
                if problems[k].path == str(path):
                    problems[k] = Problem(
                        problems[k].path, problems[k].line, problems[k].col, f"{problems[k].message}; {_SKIPPED_WITHOUT_MAP}"
                    )
                    break
            else:
                problems.append(doc.problem(("map", "file"), f"map.file: the map file has problems; {_SKIPPED_WITHOUT_MAP}"))
    if gmap is not None and rules is not None:
        ctx["places"] = sorted(gmap.places)
    elif map_spec is not None:
        ctx["places"] = sorted(p.id for p in map_spec.places)  # not built without a ruleset: the places as written
    elif not _map_file_unusable(data.get("map"), path.parent):
        ctx["places"] = raw_place_ids(data.get("map"), path.parent)
    # else: no "places" in ctx, so place ids are not checked (the map could not be read)

    raw_units, raw_air, raw_logistics = apply_variant(data, variant, doc, problems)
    if variant != "default" and variant not in (data.get("variants") or {}):
        known = ["default", *sorted(data.get("variants") or {})]
        problems.append(
            doc.problem(("variants",) if "variants" in data else (), f"no variant '{variant}'{did_you_mean(variant, known)}")
        )
    units: list[tuple[Loc, UnitSpec]] = []
    for loc, u in raw_units:
        spec = validate_model(UnitSpec, u, doc, loc, ctx, problems)
        if spec is not None:
            units.append((loc, spec))
    victory = None
    if "victory" in data:
        victory = validate_model(VictorySpec, data["victory"], doc, ("victory",), ctx, problems)

    calendar = _calendar(top.calendar) if top is not None else None
    setups = _check_units(units, doc, gmap, map_spec, rules, calendar, problems)
    objectives, levels = _check_victory(victory, doc, gmap, map_spec, problems) if victory else ([], [])

    systems = check_systems(data, raw_logistics, raw_air, doc, ctx, gmap, map_spec, rules, problems)
    timeline = _check_timeline(data, doc, ctx, top, problems)
    orders = _check_orders(data, doc, ctx, top, gmap, {s.id for s in setups}, _all_unit_ids(data), problems)
    plans = _check_plans(data, doc, ctx, top, gmap, problems)
    _check_sources(data, doc, ctx, problems)
    outcome = None
    if data.get("historical_outcome") is not None:
        outcome = validate_model(HistoricalOutcomeSpec, data["historical_outcome"], doc, ("historical_outcome",), ctx, problems)

    problems = dedupe_sorted(problems)
    if problems or top is None or gmap is None or rules is None or victory is None:
        if not problems:
            problems.append(doc.problem((), "the scenario is incomplete"))
        return None, problems

    sha = hashlib.sha256((doc.sha256 + rules_sha + map_sha).encode()).hexdigest()
    starts, hours, night = _calendar(top.calendar)
    second = [s for s in SIDE_IDS if s != top.first_side][0]
    return Scenario(
        id=top.id,
        title=top.title,
        description=top.description,
        path=str(path),
        sha256=sha,
        rules=rules,
        spec=top,
        map=gmap,
        first_side=top.first_side,
        second_side=second,
        turn_starts=starts,
        turn_hours=hours,
        night=night,
        units=setups,
        objectives=objectives,
        levels=levels,
        loss_points=list(victory.losses),
        variant=variant,
        variants=["default", *sorted(top.variants)],
        timeline=timeline,
        historical_orders=orders,
        historical_outcome=outcome,
        plans=plans,
        **systems,
    ), []


def load_scenario(ref: str | Path, variant: str = "default") -> Scenario:
    scen, problems = load_scenario_checked(ref, variant)
    if scen is None:
        raise ScenarioError(problems)
    return scen


def apply_variant(
    data: dict[str, Any], variant: str, doc: LoadedYaml, problems: list[Problem]
) -> tuple[list[tuple[Loc, Any]], list[tuple[Loc, Any]], dict[str, tuple[Loc, Any]]]:
    """Units, air units and logistics of the variant, each with where it was written."""
    units = [(("units", i), u) for i, u in enumerate(data.get("units") or []) if isinstance(data.get("units"), list)]
    air = [(("air_units", i), a) for i, a in enumerate(data.get("air_units") or []) if isinstance(data.get("air_units"), list)]
    logi = data.get("logistics") if isinstance(data.get("logistics"), dict) else {}
    logistics = {side: (("logistics", side), v) for side, v in logi.items()}
    raw_v = (data.get("variants") or {}).get(variant) if isinstance(data.get("variants"), dict) else None
    if variant == "default" or raw_v is None:
        return units, air, logistics
    vloc: Loc = ("variants", variant)
    spec = validate_model(VariantSpec, raw_v, doc, vloc, {}, problems)
    if spec is None:
        return units, air, logistics

    def overlay(base: list[tuple[Loc, Any]], remove: list[str], add: list[Any], key: str) -> list[tuple[Loc, Any]]:
        ids = [x.get("id") if isinstance(x, dict) else None for _, x in base]
        for i, rid in enumerate(remove):
            if rid not in ids:
                problems.append(
                    doc.problem(
                        vloc + (f"remove_{key}", i),
                        f"variants.{variant}.remove_{key}: no {key[:-1].replace('_', ' ')} '{rid}' to remove{did_you_mean(rid, [x for x in ids if x])}",
                    )
                )
        out = [(loc, x) for loc, x in base if not (isinstance(x, dict) and x.get("id") in remove)]
        for i, x in enumerate(add):
            new = (vloc + (key, i), x)
            xid = x.get("id") if isinstance(x, dict) else None
            pos = next((k for k, (_, y) in enumerate(out) if isinstance(y, dict) and y.get("id") == xid), None)
            if pos is None:
                out.append(new)
            else:
                out[pos] = new
        return out

    units = overlay(units, spec.remove_units, spec.units, "units")
    air = overlay(air, spec.remove_air_units, spec.air_units, "air_units")
    for side, v in spec.logistics.items():
        logistics[side] = (vloc + ("logistics", side), v)
    return units, air, logistics


def _check_timeline(
    data: dict[str, Any], doc: LoadedYaml, ctx: dict, top: ScenarioSpec | None, problems: list[Problem]
) -> list[TimelineEntry]:
    out: list[TimelineEntry] = []
    raw = data.get("timeline")
    if not isinstance(raw, list):
        return out
    starts = hours = None
    if top is not None:
        starts, hours, _ = _calendar(top.calendar)
    for i, t in enumerate(raw):
        spec = validate_model(TimelineSpec, t, doc, ("timeline", i), ctx, problems)
        if spec is None or starts is None or hours is None:
            continue
        when = datetime.fromisoformat(spec.at)
        turn = next((k for k, (s, h) in enumerate(zip(starts, hours)) if when < s + timedelta(hours=h)), None)
        if turn is None:
            turn = len(starts) - 1  # after the end: shown on the last turn (the aftermath)
        out.append(
            TimelineEntry(spec.at, max(0, turn) if when >= starts[0] else 0, spec.title or "", spec.text, spec.source or "")
        )
    return out


def _turn_of(when: datetime, starts: list[datetime], hours: list[float]) -> int:
    for k, (s, h) in enumerate(zip(starts, hours)):
        if when < s + timedelta(hours=h):
            return k
    return len(starts)


def _all_unit_ids(data: dict[str, Any]) -> dict[str, str | None]:
    """Unit ids of the default order of battle and of every variant, with their side as written."""
    ids: dict[str, str | None] = {}
    lists = [data.get("units")]
    variants = data.get("variants")
    if isinstance(variants, dict):
        lists += [v.get("units") for v in variants.values() if isinstance(v, dict)]
    for lst in lists:
        if isinstance(lst, list):
            for u in lst:
                if isinstance(u, dict) and isinstance(u.get("id"), str):
                    side = u.get("side") if isinstance(u.get("side"), str) else None
                    ids.setdefault(u["id"], side)
    return ids


def _check_orders(
    data: dict[str, Any],
    doc: LoadedYaml,
    ctx: dict,
    top: ScenarioSpec | None,
    gmap: GameMap | None,
    unit_ids: set[str],
    any_variant_ids: dict[str, str | None],
    problems: list[Problem],
) -> dict[str, list[HistoricalOrder]]:
    """The documented course as orders per side, with their turns and target hexes. Orders may
    name units of any variant; each variant keeps the orders of its own units."""
    out: dict[str, list[HistoricalOrder]] = {}
    raw = data.get("historical_orders")
    if not isinstance(raw, dict) or top is None:
        return out
    starts, hours, _ = _calendar(top.calendar)
    for side, orders in raw.items():
        if side not in SIDE_IDS:
            problems.append(_unknown_side(doc, "historical_orders", side))
            continue
        for i, o in enumerate(orders if isinstance(orders, list) else []):
            loc: Loc = ("historical_orders", side, i)
            spec = validate_model(OrderSpec, o, doc, loc, ctx, problems)
            if spec is None:
                continue
            for k, uid in enumerate(spec.units):
                if uid not in any_variant_ids:
                    problems.append(
                        doc.problem(
                            loc + ("units", k), f"{loc_text(loc)}.units: unknown unit '{uid}'{did_you_mean(uid, any_variant_ids)}"
                        )
                    )
                elif any_variant_ids[uid] in SIDE_IDS and any_variant_ids[uid] != side:
                    problems.append(
                        doc.problem(loc + ("units", k), f"{loc_text(loc)}.units: '{uid}' is a {any_variant_ids[uid]} unit")
                    )
            if spec.until is not None:
                t0, t1 = datetime.fromisoformat(spec.start), datetime.fromisoformat(spec.until)
                if t1 < t0:
                    problems.append(
                        doc.problem(
                            loc + ("until",),
                            f"{loc_text(loc)}.until: until {spec.until} is before start {spec.start}; the order would never be in force",
                            key=True,
                        )
                    )
                elif t1 == t0:
                    problems.append(
                        doc.problem(
                            loc + ("until",),
                            f"{loc_text(loc)}.until: until {spec.until} is the same as start; the order would never be in force",
                            key=True,
                        )
                    )
            if (spec.go is None and spec.at is None) and not spec.hold:
                problems.append(doc.problem(loc, f"{loc_text(loc)}: give 'go' (a place), 'at' (km) or hold: true"))
            target = None
            if gmap is not None:
                if spec.go is not None and spec.go in gmap.places:
                    target = gmap.places[spec.go].hex
                elif spec.at is not None:
                    h = gmap.km_to_hex(*spec.at)
                    if gmap.contains(h):
                        target = h
                    else:
                        problems.append(doc.problem(loc + ("at",), f"{loc_text(loc)}.at: {spec.at} km is off the map"))
                if spec.destroy is not None:
                    named = sorted({c.name for c in gmap.crossings.values() if c.destructible})
                    if spec.destroy not in named:
                        problems.append(
                            doc.problem(
                                loc + ("destroy",),
                                f"{loc_text(loc)}.destroy: no destructible crossing '{spec.destroy}'"
                                f"{did_you_mean(spec.destroy, named)}",
                            )
                        )
            start = _turn_of(datetime.fromisoformat(spec.start), starts, hours)
            end = _turn_of(datetime.fromisoformat(spec.until), starts, hours) if spec.until else len(starts)
            out.setdefault(side, []).append(
                HistoricalOrder(
                    side,
                    start,
                    end,
                    tuple(u for u in spec.units if u in unit_ids),
                    target,
                    spec.attack,
                    spec.hold,
                    spec.note or "",
                    spec.source or "",
                    round(spec.sweep / gmap.hex_km) if spec.sweep and gmap is not None else 0,
                    spec.destroy or "",
                )
            )
    return out


def _check_plans(
    data: dict[str, Any], doc: LoadedYaml, ctx: dict, top: ScenarioSpec | None, gmap: GameMap | None, problems: list[Problem]
) -> dict[str, SidePlan]:
    """Each side's operational plan (``operational_plan:``): intent, objectives, phase lines with
    their turns, the way out. Optional: without it the ``ai`` plans from the victory objectives."""
    out: dict[str, SidePlan] = {}
    raw = data.get("operational_plan")
    if not isinstance(raw, dict) or top is None:
        return out
    starts, hours, _ = _calendar(top.calendar)

    def turn(when: str | None, default: int) -> int:
        return default if when is None else min(_turn_of(datetime.fromisoformat(when), starts, hours), len(starts) - 1)

    def hexes(loc: Loc, places: list[str], at: list[list[float]]) -> tuple[Hex, ...]:
        if not places and not at:
            problems.append(doc.problem(loc, f"{loc_text(loc)}: give 'places' (place ids) or 'at' (points in km), or both"))
        found: list[Hex] = []
        if gmap is None:
            return ()
        for k, p in enumerate(places):
            place = gmap.places.get(p)
            if place is None:
                continue  # unknown names are reported by the schema, with a did-you-mean
            if not gmap.contains(place.hex):
                problems.append(doc.problem(loc + ("places", k), f"{loc_text(loc + ('places', k))}: place '{p}' is off this map"))
            elif place.hex not in found:
                found.append(place.hex)
        for k, pt in enumerate(at):
            h = gmap.km_to_hex(*pt)
            if not gmap.contains(h):
                problems.append(doc.problem(loc + ("at", k), f"{loc_text(loc + ('at', k))}: {pt} km is off the map"))
            elif h not in found:
                found.append(h)
        return tuple(found)

    for side, plan in raw.items():
        if side not in SIDE_IDS:
            problems.append(_unknown_side(doc, "operational_plan", side))
            continue
        loc: Loc = ("operational_plan", side)
        spec = validate_model(SidePlanSpec, plan, doc, loc, ctx, problems)
        if spec is None:
            continue
        objectives: list[PlanObjective] = []
        for i, o in enumerate(spec.objectives):
            oloc = loc + ("objectives", i)
            if (o.place is None) == (o.at is None):
                problems.append(doc.problem(oloc, f"{loc_text(oloc)}: give 'place' (a place id) or 'at' (km), not both"))
                continue
            hs = hexes(oloc, [o.place] if o.place else [], [o.at] if o.at else [])
            if hs:
                name = o.name or (gmap.places[o.place].name if gmap is not None and o.place else f"{o.at} km")
                objectives.append(PlanObjective(name, hs[0], o.task, o.weight, o.note or "", o.source))
        lines: list[PhaseLine] = []
        for i, pl in enumerate(spec.phase_lines):
            lloc = loc + ("phase_lines", i)
            hs = hexes(lloc, pl.places, pl.at)
            first, due = turn(pl.start, 0), turn(pl.by, len(starts) - 1)
            if pl.start is not None and datetime.fromisoformat(pl.start) > datetime.fromisoformat(pl.by):
                problems.append(doc.problem(lloc + ("start",), f"{loc_text(lloc)}.start: {pl.start} is after 'by' ({pl.by})"))
            if hs:
                lines.append(PhaseLine(pl.name, pl.task, hs, first, due, pl.by, pl.weight, pl.note or "", pl.source))
        way_out = None
        if spec.way_out is not None:
            wo = spec.way_out
            hs = hexes(loc + ("way_out",), wo.places, wo.at)
            if hs:
                way_out = WayOut(wo.name, hs, turn(wo.start, 0), wo.note or "", wo.source)
        out[side] = SidePlan(side, spec.intent, spec.source, tuple(objectives), tuple(lines), way_out)
    return out


def _check_sources(data: dict[str, Any], doc: LoadedYaml, ctx: dict, problems: list[Problem]) -> None:
    """Sources and conflicts are well formed; with a sources list, every cited id is in it."""
    sources = data.get("sources")
    if isinstance(sources, dict):
        for k, v in sources.items():
            validate_model(SourceSpec, v, doc, ("sources", k), ctx, problems)
    conflicts = data.get("conflicts")
    if isinstance(conflicts, list):
        for i, c in enumerate(conflicts):
            validate_model(ConflictSpec, c, doc, ("conflicts", i), ctx, problems)
    if not isinstance(sources, dict) or not sources:
        return
    known = set(sources)
    for loc in sorted(doc.positions, key=lambda p: doc.positions[p]):
        if loc and loc[-1] == "source" and loc[0] != "sources":
            val = _get(data, loc)
            if isinstance(val, str) and val and not _cited(val, known):
                problems.append(
                    doc.problem(
                        loc,
                        f"{loc_text(loc)}: source '{val}' is not in the scenario's sources list{_source_hint(val, known)}",
                    )
                )


def _source_hint(val: str, known: set[str]) -> str:
    """A near miss, else what a source field may cite (the rule of ``_cited``)."""
    words = val.replace(",", ";").split(";")[0].split()
    close = did_you_mean(words[0], known) if words else ""
    if close.startswith("; did you mean"):
        return close
    ids = ", ".join(sorted(known)) if len(known) <= 8 else f"{len(known)} ids"
    return f"; give ids from sources: ({ids}), DES (a design choice), estimate, or a .md/.txt file, separated by ';'"


def _cited(text: str, known: set[str]) -> bool:
    """A source field cites known ids: 'MEL', 'SEED002; ZHB', 'models.md §5.1' (a shared file) all pass."""
    if ".md" in text or ".txt" in text:
        return True
    first = text.replace(",", ";").split(";")

    def ok(part: str) -> bool:
        word = part.strip().split(" ")[0].rstrip(":")
        return word in known or word in ("DES", "estimate", "Estimate")

    return all(ok(part) for part in first if part.strip())


def _get(data: Any, loc: Loc) -> Any:
    for k in loc:
        try:
            data = data[k]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _ruleset_context_for(rules: RulesetSpec | None) -> dict:
    """The ids a scenario or map file may refer to."""
    ctx: dict = {"sides": list(SIDE_IDS)}
    if rules is not None:
        ctx.update(
            unit_types=sorted(rules.unit_types),
            terrain=sorted(rules.terrain),
            rivers=sorted(rules.rivers),
            crossings=sorted(rules.crossings),
            roads=sorted(rules.roads),
            movement_classes=list(rules.movement_classes),
        )
    return ctx


def _place_hex(
    at: list[float] | None,
    hexpos: list[int] | None,
    gmap: GameMap | None,
    map_spec: MapSpec | None,
    doc: LoadedYaml,
    loc: Loc,
    what: str,
    problems: list[Problem],
) -> Hex | None:
    if gmap is None or map_spec is None:
        return None
    if at is not None and hexpos is not None:
        problems.append(doc.problem(loc, f"{what}: give 'at' (km) or 'hex' (column, row), not both"))
        return None
    if at is not None:
        h = gmap.km_to_hex(*at)
        if not gmap.contains(h):
            problems.append(doc.problem(loc + ("at",), f"{loc_text(loc + ('at',))}: " + off_map_message(what, at, map_spec)))
            return None
        return h
    if hexpos is not None:
        col, row = hexpos
        if not (0 <= col < gmap.width and 0 <= row < gmap.height):
            problems.append(
                doc.problem(
                    loc + ("hex",),
                    f"{loc_text(loc + ('hex',))}: {what} at column {col}, row {row} is off the map "
                    f"(columns 0..{gmap.width - 1}, rows 0..{gmap.height - 1})",
                )
            )
            return None
        return offset_to_axial(col, row)
    return None


def _check_units(
    units: list[tuple[Loc, UnitSpec]],
    doc: LoadedYaml,
    gmap: GameMap | None,
    map_spec: MapSpec | None,
    rules: RulesetSpec | None,
    calendar: tuple[list[datetime], list[float], list[bool]] | None,
    problems: list[Problem],
) -> list[UnitSetup]:
    turns = len(calendar[0]) if calendar is not None else None
    setups: list[UnitSetup] = []
    first_seen: dict[str, Loc] = {}
    stack: dict[Hex, list[str]] = {}
    for loc, u in units:
        if u.id in first_seen:
            line = doc.pos(first_seen[u.id] + ("id",))[0]
            problems.append(doc.problem(loc + ("id",), f"{loc_text(loc)}.id: duplicate unit id '{u.id}' (first at line {line})"))
        first_seen.setdefault(u.id, loc)
        for f in COUNT_FIELDS:
            s = getattr(u, f)
            if s.value > 0 and not (s.source or u.source):
                problems.append(
                    doc.problem(
                        loc + (f,),
                        f"{loc_text(loc + (f,))}: {f} = {s.value} has no source (give source: on the value or the unit)",
                    )
                )
        if u.men.value + u.tanks.value + u.armored_cars.value + u.guns.value == 0:
            problems.append(doc.problem(loc, f"{loc_text(loc)}: unit '{u.id}' has no men, tanks, armoured cars or guns"))
        start = None
        entry = None
        arrive_turn = 0
        if u.arrives is not None:
            arrive_turn = _arrival_turn(u, calendar, doc, loc + ("arrives",), problems)
            if u.at is not None or u.hex is not None:
                problems.append(doc.problem(loc, f"{loc_text(loc)}: a reinforcement is placed by arrives.at, not by at/hex"))
            if u.arrives.at is None and u.arrives.hex is None:
                problems.append(
                    doc.problem(loc + ("arrives",), f"{loc_text(loc)}.arrives: give 'at' (km) or 'hex' for the entry point")
                )
            entry = _place_hex(
                u.arrives.at, u.arrives.hex, gmap, map_spec, doc, loc + ("arrives",), f"entry point of '{u.id}'", problems
            )
            if turns is not None and arrive_turn is not None and arrive_turn >= turns:
                problems.append(
                    doc.problem(
                        loc + ("arrives", "turn"),
                        f"{loc_text(loc)}.arrives.turn: turn {arrive_turn} is after the last turn ({turns - 1}); turns count from 0",
                    )
                )
        else:
            if u.at is None and u.hex is None:
                problems.append(doc.problem(loc, f"{loc_text(loc)}: unit '{u.id}' needs 'at' (km), 'hex' or 'arrives'"))
            start = _place_hex(u.at, u.hex, gmap, map_spec, doc, loc, f"unit '{u.id}'", problems)
        equipment: dict[str, str] = {}
        if rules is not None and u.type in rules.unit_types:
            equipment = dict(rules.unit_types[u.type].equipment)
            for kind, eq in u.equipment.items():
                if eq not in rules.equipment:
                    problems.append(
                        doc.problem(
                            loc + ("equipment", kind),
                            f"{loc_text(loc)}.equipment.{kind}: unknown equipment '{eq}'{did_you_mean(eq, rules.equipment)}",
                        )
                    )
                elif rules.equipment[eq].kind != kind:
                    problems.append(
                        doc.problem(
                            loc + ("equipment", kind), f"{loc_text(loc)}.equipment.{kind}: '{eq}' is not {kind.replace('_', ' ')}"
                        )
                    )
                else:
                    equipment[kind] = eq
            for kind in ("tanks", "armored_cars", "guns"):
                if getattr(u, kind).value > 0 and kind not in equipment:
                    problems.append(
                        doc.problem(
                            loc + (kind,),
                            f"{loc_text(loc + (kind,))}: unit type '{u.type}' has no {kind.replace('_', ' ')}; name the model in equipment.{kind}",
                        )
                    )
            if u.posture is not None and u.posture not in [p.name for p in rules.combat.postures]:
                names = [p.name for p in rules.combat.postures]
                problems.append(
                    doc.problem(
                        loc + ("posture",),
                        f"{loc_text(loc)}.posture: unknown posture '{u.posture}'{did_you_mean(u.posture, names)}",
                    )
                )
        place = start or entry
        if place is not None and rules is not None and gmap is not None and u.type in rules.unit_types:
            cls = rules.unit_types[u.type].movement_class
            terr = gmap.terrain_at(place)
            if not can_stand(rules, gmap, cls, gmap.index[place]):
                key = "at" if start is not None and u.at is not None else ("hex" if start is not None else "arrives")
                problems.append(
                    doc.problem(
                        loc + (key,),
                        f"{loc_text(loc + (key,))}: unit '{u.id}' ({cls}) cannot stand on {rules.terrain[terr].name.lower()}",
                    )
                )
            if start is not None:
                stack.setdefault(start, []).append(u.id)
                if rules and len(stack[start]) > rules.parameters.stacking_limit:
                    problems.append(
                        doc.problem(loc, f"{loc_text(loc)}: more than {rules.parameters.stacking_limit} units start in one hex")
                    )
        setups.append(
            UnitSetup(
                id=u.id,
                name=u.name,
                side=u.side,
                type=u.type,
                hex=start,
                arrives=arrive_turn,
                entry=entry,
                men=u.men.value,
                tanks=u.tanks.value,
                armored_cars=u.armored_cars.value,
                guns=u.guns.value,
                quality=u.quality,
                cohesion=u.cohesion,
                supply=u.supply,
                sources={f: (getattr(u, f).source or u.source or "") for f in COUNT_FIELDS if getattr(u, f).value},
                posture=u.posture,
                equipment=equipment,
            )
        )
    # enemies may not share a starting hex
    sides_at: dict[Hex, set[str]] = {}
    for s in setups:
        if s.hex is not None:
            sides_at.setdefault(s.hex, set()).add(s.side)
    for loc, u in units:
        for s in setups:
            if s.id == u.id and s.hex is not None and len(sides_at[s.hex]) > 1:
                problems.append(doc.problem(loc, f"{loc_text(loc)}: '{u.id}' starts in a hex held by the enemy"))
                break
    return setups


def _arrival_turn(
    u: UnitSpec,
    calendar: tuple[list[datetime], list[float], list[bool]] | None,
    doc: LoadedYaml,
    loc: Loc,
    problems: list[Problem],
) -> int | None:
    """The turn index a reinforcement arrives on, from ``turn`` or from a date-time."""
    arr = u.arrives
    assert arr is not None
    if (arr.turn is None) == (arr.time is None):
        problems.append(doc.problem(loc, f"{loc_text(loc)}: give either 'turn' (counting from 0) or 'time' (a date-time)"))
        return None
    if arr.turn is not None:
        return arr.turn
    try:
        when = datetime.fromisoformat(arr.time)  # type: ignore[arg-type]
    except ValueError:
        problems.append(
            doc.problem(loc + ("time",), f"{loc_text(loc)}.time: '{arr.time}' is not a date-time like 1939-07-03T08:00")
        )
        return None
    if calendar is None:
        return None
    starts, hours, _ = calendar
    for i, (t, h) in enumerate(zip(starts, hours)):
        if when < t + timedelta(hours=h):
            return i
    end = starts[-1] + timedelta(hours=hours[-1])
    problems.append(
        doc.problem(loc + ("time",), f"{loc_text(loc)}.time: {arr.time} is after the scenario ends ({end:%Y-%m-%d %H:%M})")
    )
    return None


def _check_victory(
    v: VictorySpec, doc: LoadedYaml, gmap: GameMap | None, map_spec: MapSpec | None, problems: list[Problem]
) -> tuple[list[Objective], list[VictoryLevel]]:
    objectives = []
    for i, o in enumerate(v.objectives):
        loc: Loc = ("victory", "objectives", i)
        if (o.place is None) == (o.at is None):
            problems.append(doc.problem(loc, f"{loc_text(loc)}: give either 'place' or 'at'"))
            continue
        if gmap is None:
            continue
        if o.place is not None:
            if o.place not in gmap.places:
                continue  # reported by the schema, or the map was not built (no ruleset)
            pl = gmap.places[o.place]
            h, name, oid = pl.hex, o.name or pl.name, o.place
        else:
            h = _place_hex(o.at, None, gmap, map_spec, doc, loc, "objective", problems)
            if h is None:
                continue
            name, oid = o.name or f"Objective {i + 1}", f"objective_{i + 1}"
        pts = o.points if isinstance(o.points, dict) else {s: o.points for s in SIDE_IDS}
        for s in pts:
            if s not in SIDE_IDS:
                problems.append(doc.problem(loc + ("points", s), f"unknown side '{s}'{did_you_mean(s, SIDE_IDS)}", key=True))
        objectives.append(Objective(oid, name, h, o.owner, {s: pts.get(s, 0) for s in SIDE_IDS}))
    levels = []
    prev = None
    for i, lv in enumerate(v.levels):
        loc = ("victory", "levels", i)
        last = i == len(v.levels) - 1
        if (lv.at_least is None) != last:
            problems.append(
                doc.problem(loc, f"{loc_text(loc)}: every level but the last needs at_least; the last catches the rest")
            )
        if lv.at_least is not None and prev is not None and lv.at_least >= prev:
            problems.append(
                doc.problem(
                    loc + ("at_least",), f"{loc_text(loc)}.at_least: thresholds must go down ({lv.at_least:g} after {prev:g})"
                )
            )
        if (lv.result == "draw") != (lv.winner is None):
            problems.append(doc.problem(loc, f"{loc_text(loc)}: a draw has no winner; decisive and marginal results need one"))
        prev = lv.at_least if lv.at_least is not None else prev
        levels.append(VictoryLevel(lv.at_least, lv.winner, lv.result))
    return objectives, levels


def _calendar(cal: schema.CalendarSpec) -> tuple[list[datetime], list[float], list[bool]]:
    start = datetime.fromisoformat(cal.start)
    dawn = _minutes(cal.daylight[0])
    dusk = _minutes(cal.daylight[1])
    starts, hours, night = [], [], []
    t = start
    for i in range(cal.turns):
        h = cal.turn_hours[i % len(cal.turn_hours)]
        mid = t + timedelta(hours=h / 2)
        m = mid.hour * 60 + mid.minute
        is_day = dawn <= m < dusk if dawn < dusk else (m >= dawn or m < dusk)
        starts.append(t)
        hours.append(h)
        night.append(not is_day)
        t = t + timedelta(hours=h)
    return starts, hours, night


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _unknown_side(doc, section: str, side: object) -> Problem:
    """A per-side section keyed by something that is not a side (at the key, with did-you-mean)."""
    return doc.problem((section, side), f"{section}: unknown side '{side}'{did_you_mean(str(side), SIDE_IDS)}", key=True)


def validate_path(path: str | Path) -> list[Problem]:
    """Problems in one ruleset or scenario file (kind is read from the file)."""
    p = Path(path)
    doc = load_yaml(p)
    if doc.problems and doc.data is None:
        return list(doc.problems)
    kind = doc.data.get("kind") if isinstance(doc.data, dict) else None
    if kind == "ruleset":
        return load_ruleset(p)[2]
    if kind == "scenario":
        problems = load_scenario_checked(p)[1]
        variants = doc.data.get("variants") if isinstance(doc.data, dict) else None
        for v in sorted(variants) if isinstance(variants, dict) else []:
            problems += load_scenario_checked(p, str(v))[1]
        return dedupe_sorted(problems)
    if kind == "map":
        from game.scenario.mapfile import load_map_file

        rules, _, _ = load_ruleset(SCENARIO_DIR / "ruleset.yaml")
        ctx = _ruleset_context_for(rules)
        return dedupe_sorted(load_map_file(p, ctx, rules)[2])
    got = f"'{kind}'" if kind is not None else "nothing"
    return dedupe_sorted(
        list(doc.problems)
        + [doc.problem(("kind",) if kind is not None else (), f"kind must be 'scenario', 'map' or 'ruleset', got {got}")]
    )
