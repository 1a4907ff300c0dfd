"""The order of battle of a scenario: every unit, air unit and truck pool with its sources."""

from __future__ import annotations

from typing import Any

from game.scenario.model import Scenario

KINDS = ("men", "tanks", "armored_cars", "guns", "aircraft", "trucks")


def _entry(uid: str, name: str, kind: str, sources: dict[str, str], **counts: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"id": uid, "name": name, "kind": kind}
    row.update({k: int(counts.get(k, 0)) for k in KINDS})
    row["sources"] = sources
    row.update({k: v for k, v in counts.items() if k not in KINDS})
    return row


def order_of_battle(scen: Scenario) -> dict[str, Any]:
    sides: dict[str, Any] = {}
    for side in scen.sides:
        rows = [
            _entry(
                u.id,
                u.name,
                "ground",
                u.sources,
                men=u.men,
                tanks=u.tanks,
                armored_cars=u.armored_cars,
                guns=u.guns,
                type=u.type,
                quality=u.quality,
                arrives_turn=u.arrives,
            )
            for u in scen.units
            if u.side == side
        ]
        rows += [
            _entry(
                a.id,
                a.name,
                "air",
                {"aircraft": a.source},
                aircraft=a.aircraft,
                type=a.type,
                pilot_quality=a.pilot_quality,
                base=a.base,
            )
            for a in scen.air_units
            if a.side == side
        ]
        log = scen.logistics.get(side)
        if log is not None:
            rows.append(
                _entry(
                    f"{side}_trucks",
                    f"Truck pool ({log.railhead} road, {log.railhead_km:g} km)",
                    "trucks",
                    {"trucks": log.sources.get("trucks", "")},
                    trucks=log.trucks,
                )
            )
            if log.front_trucks:
                rows.append(
                    _entry(
                        f"{side}_front_trucks",
                        "Trucks at the front",
                        "trucks",
                        {"trucks": log.sources.get("trucks", "")},
                        trucks=log.front_trucks,
                    )
                )
        sides[side] = {
            "name": scen.spec.sides[side].name,
            "totals": {k: sum(r[k] for r in rows) for k in KINDS},
            "units": rows,
        }
    return {
        "scenario": scen.id,
        "variant": scen.variant,
        "variants": scen.variants,
        "sides": sides,
        "conflicts": scen.spec.conflicts,
    }
