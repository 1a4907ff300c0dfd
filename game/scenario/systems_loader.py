"""Validate and compile a scenario's logistics, air zones, airfields and air units."""

from __future__ import annotations

from typing import Any

import numpy as np

from game.gamemap import GameMap
from game.scenario.mapbuild import _points_in_polygon, off_map_message
from game.scenario.model import Airfield, AirUnitSetup, AirZone, DepotSetup, LogisticsSetup
from game.scenario.problems import loc_text, validate_model
from game.scenario.schema import (
    SIDE_IDS,
    AirfieldSpec,
    AirUnitSpec,
    AirZoneSpec,
    MapSpec,
    RulesetSpec,
    SideLogisticsSpec,
    did_you_mean,
)
from game.scenario.yamlload import LoadedYaml, Problem

Loc = tuple[str | int, ...]


def check_systems(
    data: dict[str, Any],
    logistics_in: dict[str, tuple[Loc, Any]],
    air_in: list[tuple[Loc, Any]],
    doc: LoadedYaml,
    ctx: dict,
    gmap: GameMap | None,
    map_spec: MapSpec | None,
    rules: RulesetSpec | None,
    problems: list[Problem],
) -> dict[str, Any]:
    """Everything the supply and air systems need from the scenario, or problems."""
    out: dict[str, Any] = {"logistics": {}, "depots": [], "air_zones": [], "zone_of": [], "airfields": {}, "air_units": []}
    ctx = dict(ctx)
    if rules is not None:
        ctx["aircraft"] = sorted(rules.aircraft)

    def hex_at(at: list[float], loc: Loc, what: str):
        if gmap is None or map_spec is None:
            return None
        h = gmap.km_to_hex(*at)
        if not gmap.contains(h):
            problems.append(doc.problem(loc, f"{loc_text(loc)}: " + off_map_message(what, at, map_spec)))
            return None
        return h

    # --- logistics -------------------------------------------------------------------------
    logistics = data.get("logistics") or {}
    depot_ids: dict[str, Loc] = {}
    if isinstance(logistics, dict):
        for side, (loc, raw) in logistics_in.items():
            if side not in SIDE_IDS:
                problems.append(
                    doc.problem(loc, f"logistics: unknown side '{side}'{did_you_mean(str(side), SIDE_IDS)}", key=True)
                )
                continue
            spec = validate_model(SideLogisticsSpec, raw, doc, loc, ctx, problems)
            if spec is None:
                continue
            if spec.tankers.value > 0 and spec.tanker_payload_t <= 0:
                problems.append(doc.problem(loc + ("tanker_payload_t",), f"{loc_text(loc)}: tankers need tanker_payload_t > 0"))
            for k in ("trucks", "tankers", "front_trucks"):
                s = getattr(spec, k)
                if s.value > 0 and not (s.source or spec.source):
                    problems.append(doc.problem(loc + (k,), f"{loc_text(loc + (k,))}: {s.value} trucks have no source"))
            entry = hex_at(spec.entry, loc + ("entry",), f"{side} convoy entry")
            for i, d in enumerate(spec.depots):
                dloc = loc + ("depots", i)
                if d.id in depot_ids:
                    problems.append(doc.problem(dloc + ("id",), f"{loc_text(dloc)}.id: duplicate depot id '{d.id}'"))
                depot_ids[d.id] = dloc
                h = hex_at(d.at, dloc + ("at",), f"depot '{d.id}'")
                if h is not None:
                    out["depots"].append(DepotSetup(d.id, d.name, side, h, d.stock_t))
            own = [d.id for d in spec.depots]
            for dep, n in spec.routes.items():
                if dep not in own:
                    problems.append(
                        doc.problem(
                            loc + ("routes", dep),
                            f"{loc_text(loc)}.routes: unknown depot '{dep}'{did_you_mean(dep, own)}",
                            key=True,
                        )
                    )
                elif n < 0:
                    problems.append(doc.problem(loc + ("routes", dep), f"{loc_text(loc)}.routes.{dep}: truck count must be >= 0"))
            if entry is not None:
                routes = dict(spec.routes) if spec.routes else {d.id: 1 for d in spec.depots}
                road = spec.trucks.value + spec.tankers.value
                payload = (
                    (spec.trucks.value * spec.payload_t + spec.tankers.value * spec.tanker_payload_t) / road
                    if road
                    else spec.payload_t
                )
                out["logistics"][side] = LogisticsSetup(
                    side=side,
                    railhead=spec.railhead.name,
                    railhead_km=spec.railhead.distance_km,
                    truck_km_per_day=spec.truck_km_per_day,
                    trucks=road,
                    payload_t=payload,
                    front_trucks=spec.front_trucks.value,
                    field_depots=spec.field_depots,
                    entry=entry,
                    routes=routes,
                    sources={
                        "trucks": spec.trucks.source or spec.source or "",
                        "railhead": spec.railhead.source or spec.source or "",
                    },
                )
    elif logistics:
        problems.append(doc.problem(("logistics",), "logistics must map each side to its truck supply"))

    # --- air zones -------------------------------------------------------------------------
    zones = []
    raw_zones = data.get("air_zones") or []
    for i, raw in enumerate(raw_zones if isinstance(raw_zones, list) else []):
        z = validate_model(AirZoneSpec, raw, doc, ("air_zones", i), ctx, problems)
        if z is not None:
            if any(z.id == o.id for o in zones):
                problems.append(doc.problem(("air_zones", i, "id"), f"air_zones[{i}].id: duplicate zone id '{z.id}'"))
                continue
            zones.append(z)
    if gmap is not None:
        if zones:
            out["air_zones"], out["zone_of"] = _zone_map(gmap, zones)
            used = set(out["zone_of"])
            for zi, z in enumerate(zones):
                if z.id not in used:
                    problems.append(doc.problem(("air_zones", zi), f"air_zones[{zi}]: zone '{z.id}' covers no hex"))
        else:  # one zone over the whole map
            out["air_zones"] = [AirZone("all", "Whole battlefield")]
            out["zone_of"] = ["all"] * gmap.size

    # --- airfields and air units -----------------------------------------------------------
    raw_fields = data.get("airfields") or []
    for i, raw in enumerate(raw_fields if isinstance(raw_fields, list) else []):
        f = validate_model(AirfieldSpec, raw, doc, ("airfields", i), ctx, problems)
        if f is not None:
            if f.id in out["airfields"]:
                problems.append(doc.problem(("airfields", i, "id"), f"airfields[{i}].id: duplicate airfield id '{f.id}'"))
            out["airfields"][f.id] = Airfield(f.id, f.name, f.side, f.distance_km)
    seen: set[str] = set()
    for loc, raw in air_in:
        a = validate_model(AirUnitSpec, raw, doc, loc, ctx, problems)
        if a is None:
            continue
        if a.id in seen:
            problems.append(doc.problem(loc + ("id",), f"{loc_text(loc)}.id: duplicate air unit id '{a.id}'"))
        seen.add(a.id)
        fields = out["airfields"]
        if a.base not in fields:
            problems.append(
                doc.problem(
                    loc + ("base",), f"{loc_text(loc)}.base: unknown airfield '{a.base}'{did_you_mean(a.base, sorted(fields))}"
                )
            )
            continue
        if fields[a.base].side != a.side:
            problems.append(doc.problem(loc + ("base",), f"{loc_text(loc)}.base: '{a.base}' is a {fields[a.base].side} airfield"))
        if a.aircraft.value > 0 and not (a.aircraft.source or a.source):
            problems.append(
                doc.problem(loc + ("aircraft",), f"{loc_text(loc)}.aircraft: {a.aircraft.value} aircraft have no source")
            )
        out["air_units"].append(
            AirUnitSetup(
                a.id, a.name, a.side, a.type, a.aircraft.value, a.pilot_quality, a.base, a.aircraft.source or a.source or ""
            )
        )
    return out


def _zone_map(gmap: GameMap, zones: list[AirZoneSpec]) -> tuple[list[AirZone], list[str]]:
    """Each hex belongs to the first zone containing its centre, else to the nearest zone centroid."""
    centres = np.array([gmap.hex_to_km(h) for h in gmap.hexes], dtype=float)
    px, py = centres[:, 0], centres[:, 1]
    zone_of: list[str | None] = [None] * gmap.size
    for z in zones:
        mask = _points_in_polygon(px, py, z.polygon)
        for i in np.nonzero(mask)[0]:
            if zone_of[int(i)] is None:
                zone_of[int(i)] = z.id
    cent = [np.mean(np.array(z.polygon, dtype=float), axis=0) for z in zones]
    for i, zid in enumerate(zone_of):
        if zid is None:
            d = [float(np.hypot(px[i] - c[0], py[i] - c[1])) for c in cent]
            zone_of[i] = zones[int(np.argmin(d))].id
    return [AirZone(z.id, z.name) for z in zones], [str(z) for z in zone_of]
