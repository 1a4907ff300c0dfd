"""The rule numbers as Markdown tables, rendered from the ruleset so the text can never drift.

``docs/RULES.md`` carries this block between markers; a test re-renders it and compares, and
``python main.py rules`` prints it.
"""

from __future__ import annotations

from game.scenario.schema import RulesetSpec

BEGIN = "<!-- BEGIN GENERATED: python main.py rules --markdown -->"
END = "<!-- END GENERATED -->"


def _num(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:g}"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def render(rules: RulesetSpec) -> str:
    classes = list(rules.movement_classes)
    c, s, a = rules.combat, rules.supply, rules.air
    lines: list[str] = []
    add = lines.extend

    lines.append("### Units")
    add(
        _table(
            ["type", "id (for scenarios)", "class", "MP", "combat role", "men count ×", "fire range (km)", "weapons"],
            [
                [
                    t.name,
                    f"`{tid}`",
                    t.movement_class.replace("_", " "),
                    _num(t.mp),
                    t.combat,
                    _num(t.men_factor),
                    _num(t.fire_range) if t.fire_range else "—",
                    ", ".join(rules.equipment[e].name for e in t.equipment.values()) or "—",
                ]
                for tid, t in rules.unit_types.items()
            ],
        )
    )
    lines.append("")
    lines.append("### Movement costs (— = cannot enter)")
    rows = [
        [t.name, f"`{tid}`", *(_num(t.cost.for_class(k)) for k in classes), _num(t.defence), _num(t.elevation_m)]
        for tid, t in rules.terrain.items()
    ]
    add(_table(["terrain", "id", *[k.replace("_", " ") for k in classes], "defence ×", "height m"], rows))
    lines.append("")
    extra = [[f"river: {r.name}", *(_num(r.cost.for_class(k)) for k in classes)] for r in rules.rivers.values()]
    extra += [[f"crossing: {x.name}", *(_num(x.cost.for_class(k)) for k in classes)] for x in rules.crossings.values()]
    extra += [[f"road: {x.name} (replaces terrain)", *(_num(x.cost.for_class(k)) for k in classes)] for x in rules.roads.values()]
    add(_table(["extra cost", *[k.replace("_", " ") for k in classes]], extra))
    lines.append("")
    p = rules.parameters
    lines.append(
        f"Stacking: {p.stacking_limit} units per hex. Night: movement ×{_num(p.night_mp_factor)}. "
        f"Spotting: {p.default_spot_range} km by day (+ the terrain's bonus), {p.night_spot_range} km at night."
    )
    lines.append("")
    lines.append("### Weapons (value in riflemen)")
    add(
        _table(
            ["weapon", "id", "kind", "attack", "defence", "anti-tank (45 mm tank gun = 1)"],
            [
                [e.name, f"`{eid}`", e.kind.replace("_", " "), _num(e.attack), _num(e.defence), _num(e.anti_tank)]
                for eid, e in rules.equipment.items()
            ],
        )
    )
    lines.append("")
    lines.append("### Combat results (by the rolled odds)")
    add(
        _table(
            [
                "odds at least",
                "result",
                "defender retreats (km)",
                "defender losses ×",
                "attacker losses ×",
                "defender cohesion",
                "attacker cohesion",
            ],
            [
                [
                    _num(r.at_least) if r.at_least is not None else "below",
                    r.name,
                    str(r.retreat),
                    _num(r.defender_losses),
                    _num(r.attacker_losses),
                    _num(r.defender_cohesion),
                    _num(r.attacker_cohesion),
                ]
                for r in c.results
            ],
        )
    )
    lines.append("")
    lines.append("The roll shifts the odds by whole columns (one column = ×" + _num(c.column_ratio) + "):")
    add(_table(["shift", "probability"], [[f"{x.shift:+d}", _num(x.p)] for x in c.shifts]))
    lines.append("")
    lines.append("### Postures")
    add(
        _table(
            ["posture", "after halting (h)", "defence ×", "casualties ×"],
            [[x.name, _num(x.after_hours), _num(x.defence), _num(x.vulnerability)] for x in c.postures],
        )
    )
    lines.append("")
    lines.append("### Combat modifiers")
    mods = [
        ["river assault over a bridge or pontoon", f"attack ×{_num(c.river_assault['crossing'])}"],
        ["river assault across a stream", f"attack ×{_num(c.river_assault['minor'])}"],
        ["attacking across water", f"attacker casualties ×{_num(c.river_attacker_losses)}"],
        [f"defender {_num(c.higher_ground_m)} m or more above every attacker", f"defence ×{_num(c.higher_ground_defence)}"],
        ["attackers above the defender", f"attack ×{_num(c.attacker_higher_ground)}"],
        [
            "night attack",
            f"attack ×{_num(c.night_attack)} ({', '.join(f'{k} ×{_num(v.night_attack)}' for k, v in rules.sides.items())})",
        ],
        ["artillery at night", f"×{_num(c.night_artillery)}"],
        ["night", f"casualties ×{_num(c.night_losses)}"],
        [f"supply below {_num(c.supply_low['below'])}", f"×{_num(c.supply_low['factor'])}"],
        [f"supply below {_num(c.supply_out['below'])} (no ammunition: defend only)", f"×{_num(c.supply_out['factor'])}"],
        ["cohesion", f"×{_num(c.cohesion_floor)} at 0 rising to ×1 at 100; below {_num(c.min_attack_cohesion)} no attack"],
        [
            "no way back after a retreat result",
            f"+{c.blocked_retreat_losses:.0%} losses, cohesion {_num(c.blocked_retreat_cohesion)}; out of supply: the unit is lost",
        ],
        ["air superiority over the target", f"×{_num(c.air_superiority)}"],
        ["close air support", f"+{_num(a.cas_per_bomb_ton)} per ton of bombs, at most +{a.cas_cap:.0%}"],
        ["armour (tanks, armoured cars) with infantry", f"attack ×{_num(c.combined_arms)}"],
        [
            "tanks attacking infantry without infantry",
            f"tank losses ×{_num(c.armour_alone_tank_losses)}; cannot drive out a prepared defender",
        ],
        ["defending artillery within range", f"adds {c.artillery_defensive_support:.0%} of its guns' defence value"],
        [
            "attacking vehicles facing guns, tanks and armoured cars",
            f"vehicle losses ×(1 + {_num(c.anti_armour.weight)} × the defenders' anti-tank weapons per attacking AFV), at most ×{_num(c.anti_armour.max)}",
        ],
        [
            f"broken (cohesion below {_num(c.broken_below)}), cut off, out of supply, next to the enemy",
            "gone at the end of a turn with a chance a day of "
            + ", ".join(f"{k} {v.pocket_collapse_per_day:.0%}" for k, v in rules.sides.items())
            + " (surrender or last stand)",
        ],
    ]
    add(_table(["situation", "effect"], mods))
    lines.append("")
    lines.append(
        f"Casualties per day of fighting: attacker {c.base_loss_rate['attacker']:.1%}, defender {c.base_loss_rate['defender']:.1%} "
        f"(division-sized), × size (combat weight / {c.size_factor.reference_men:g})^{_num(c.size_factor.exponent)} "
        f"clamped {_num(c.size_factor.min)}–{_num(c.size_factor.max)}, × odds^∓{_num(c.opposition_exponent)} clamped "
        f"{_num(c.opposition_clamp[0])}–{_num(c.opposition_clamp[1])}, winner ×{_num(c.winner_loss)}, loser ×{_num(c.loser_loss)}. "
        f"A turn is {c.day_fraction_per_hour['day']:g} day of fighting per hour by day, {c.day_fraction_per_hour['night']:g} by night "
        f"(at least {_num(c.min_day_fraction)}). Vehicles and guns are lost at a multiple of the men's rate: attacker tanks "
        f"×{_num(c.kind_loss_factor['attacker']['tanks'])}, armoured cars ×{_num(c.kind_loss_factor['attacker']['armored_cars'])}; "
        f"defender tanks ×{_num(c.kind_loss_factor['defender']['tanks'])}, armoured cars ×{_num(c.kind_loss_factor['defender']['armored_cars'])}; "
        f"guns ×{_num(c.kind_loss_factor['attacker']['guns'])}; each tank lost costs {_num(c.crew_per_vehicle['tanks'])} crew. "
        f"No combat takes more than {c.max_loss_share:.0%} of anything."
    )
    lines.append("")
    lines.append("### Supply")
    cons = s.consumption_kg_per_day
    add(
        _table(
            ["kg per day", "rest", "move", "defend", "attack"],
            [
                [k, *(_num(getattr(cons, k)[act]) for act in ("rest", "move", "defend", "attack"))]
                for k in ("man", "gun", "tank", "armored_car")
            ],
        )
    )
    lines.append("")
    lines.append(
        f"Units trace up to {_num(s.trace_range)} {s.trace_class} movement points to a depot, not through enemy units or their "
        f"zones of control (unless a friendly unit holds the hex). A unit carries {_num(s.carried_days)} days at rest; cut off it "
        f"drains ×{', ×'.join(_num(v) for v in s.drain_factor.values())} (rest, move, defend, attack). Below {_num(s.low)}: movement "
        f"×{_num(s.low_mp_factor)}; below {_num(s.out)}: movement ×{_num(s.out_mp_factor)} (fuel: {', '.join(s.fuel_classes)} only), "
        f"{s.attrition_per_day:.0%} of the men lost "
        f"per day, cohesion {_num(s.out_cohesion_per_12h)} per 12 h. Resting in supply away from the enemy: cohesion "
        f"+{_num(s.rest_cohesion_per_12h)} per 12 h. Convoys cannot get through enemy units or their zones of control between "
        f"the entry point and the depot: they wait for the road to open. Trucks: {s.truck_availability:.0%} available each turn; air interdiction "
        f"destroys {s.interdiction_per_sortie:.1%} of a daylight convoy per bomber sortie over its zone (at most "
        f"{s.interdiction_cap:.0%}); a captured depot yields {s.capture_share:.0%} of its stock; front trucks drive "
        f"{_num(s.front_truck_km_per_hour)} km/h. A field depot opens at least {s.field_depot_spacing} km from any other."
    )
    lines.append("")
    lines.append("### Air")
    add(
        _table(
            ["aircraft", "id", "role", "quality", "bombs (t)"],
            [[x.name, f"`{xid}`", x.role, _num(x.quality), _num(x.bombs_t)] for xid, x in rules.aircraft.items()],
        )
    )
    lines.append("")
    lines.append(
        f"Serviceable: {a.serviceability:.0%}. Sorties per aircraft and day: fighters {_num(a.sorties_per_day['fighter'])}, bombers "
        f"{_num(a.sorties_per_day['bomber'])}, recon {_num(a.sorties_per_day['recon'])}, over {_num(a.daylight_hours)} daylight hours, "
        f"−{a.range_penalty_per_100km:.0%} per 100 km to the airfield (at least ×{_num(a.min_range_factor)}). In each zone "
        f"{a.engaged_fraction:.0%} of the fighter sorties engage and kill {_num(a.kill_rate)} enemy aircraft each, × the quality ratio. "
        f"Bombers facing enemy fighters lose {a.escorted_bomber_loss:.0%} per sortie with escort, {a.unescorted_bomber_loss:.0%} without. "
        f"Control index = own surviving fighter strength / both: ≥ {_num(a.control_thresholds[1])} superiority, ≤ "
        f"{_num(a.control_thresholds[0])} enemy superiority, else contested; fewer than {_num(a.control_min_sorties)} fighter sorties in a zone control nothing. Bombers work at ×{_num(a.effect['superiority'])} / "
        f"×{_num(a.effect['contested'])} / ×{_num(a.effect['enemy'])} under own / contested / enemy control. Airfield strikes destroy "
        f"{_num(a.airfield_kill_per_sortie)} aircraft per sortie on the ground."
    )
    return "\n".join(lines)


def block(rules: RulesetSpec) -> str:
    return f"{BEGIN}\n{render(rules)}\n{END}"


def refresh(doc: str, rules: RulesetSpec) -> str:
    """The document with its generated block replaced by the current numbers."""
    start, end = doc.index(BEGIN), doc.index(END) + len(END)
    return doc[:start] + block(rules) + doc[end:]
