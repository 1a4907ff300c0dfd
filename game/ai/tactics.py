"""Combat phase: pick the attack with the best expected exchange, or none.

Every candidate is priced with the engine's own ``combat_outcomes`` (the outcome distribution
and expected losses, no dice): enemy losses and cohesion taken, minus our losses weighted by
caution, plus the chance of clearing an objective hex. Artillery fires where it pays most —
with an assault when one is worth making, alone as a free bombardment otherwise. Assaults below
the minimum odds are never made, however the sums come out: that is "don't charge to death".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from game.actions import Attack
from game.errors import IllegalAction
from game.hexgrid import Hex
from game.rules import combat
from game.state import State


@dataclass(frozen=True)
class Priced:
    score: float
    odds: float
    action: Attack


KINDS = ("men", "tanks", "armored_cars", "guns")


def kind_values(view: State, side: str, w: dict[str, Any]) -> dict[str, float]:
    """What each man or weapon of ``side`` is worth, in men: its military value (weights.yaml)
    plus the victory points the scenario gives for it (``victory.losses``), at the weights'
    exchange rate of men per point."""
    out = {k: float(w["value"][k]) for k in KINDS}
    for lp in getattr(view.scenario, "loss_points", []):
        if lp.side == side and lp.kind in out:
            out[lp.kind] += lp.points / lp.per * w["value"]["objective_point"]
    return out


def loss_value(losses: dict[str, float], values: dict[str, float]) -> float:
    return sum(losses.get(k, 0.0) * values[k] for k in KINDS)


def price(view: State, side: str, target: Hex, units: tuple[str, ...], w: dict[str, Any], hex_points: float) -> Priced | None:
    """Score of one attack in men-equivalents (None if the rules refuse it)."""
    try:
        pv = combat.combat_outcomes(view, side, target, units)
    except IllegalAction:
        return None
    gain = loss_value(pv.expected_losses("defender"), kind_values(view, view.scenario.other(side), w))
    cost = loss_value(pv.expected_losses("attacker"), kind_values(view, side, w)) * w["combat"]["caution"]
    coh = -sum(o.p * o.defender_cohesion for o in pv.outcomes) * len(pv.defenders) * w["value"]["defender_cohesion"]
    clear = pv.p_defender_retreats * hex_points * w["value"]["objective_point"] if pv.attackers else 0.0
    # guns in action burn ammunition by the ton (and drain the unit's own load): fire when it pays
    fire = sum(view.units[u].guns for u in pv.artillery) * w["combat"]["gun_fire_cost"]
    return Priced(gain + coh + clear - cost - fire, pv.odds, Attack(side, target, units))


def options(view: State, side: str, eligible: tuple[str, ...], w: dict[str, Any]) -> list[tuple[str, ...]]:
    """Unit sets worth pricing for one target: all in, the artillery alone, the fit ground units,
    each ground unit with the guns (the smallest commitment)."""
    guns = tuple(u for u in eligible if combat.is_artillery(view, view.units[u]))
    ground = [u for u in eligible if u not in guns]
    fit = tuple(u for u in ground if view.units[u].cohesion >= w["combat"]["min_cohesion"])
    out: list[tuple[str, ...]] = []
    for opt in (fit + guns, guns, tuple(ground) + guns):
        if opt and opt not in out:
            out.append(opt)
    if len(fit) > 1:
        for u in fit:
            opt = (u,) + guns
            if opt not in out:
                out.append(opt)
    return out


def best_attack(
    view: State,
    side: str,
    attacks: list[Attack],
    w: dict[str, Any],
    points_at: dict[Hex, float],
    evals_left: int,
    holders: frozenset[str] = frozenset(),
) -> tuple[Attack | None, int]:
    """The best attack among the legal ones' targets, and how many evaluations it used.

    ``holders`` (garrisons of objectives and of lines the plan holds) keep their hexes: they join
    an assault only behind another ground unit, listed after it, so that it is the one to advance
    into the hex taken (the rules move the first attacker able to) — unless the target is itself an
    objective worth taking."""
    c = w["combat"]
    best: Priced | None = None
    used = 0
    seen: set[Hex] = set()
    for a in attacks:  # legal_actions lists each target's all-in attack first
        if a.target in seen:
            continue
        seen.add(a.target)
        keep = holders if points_at.get(a.target, 0.0) <= 0 else frozenset()
        for units in options(view, side, a.units, w):
            movers = [u for u in units if not combat.is_artillery(view, view.units[u])]
            if movers and all(u in keep for u in movers):
                units = tuple(u for u in units if u not in keep)  # the guns may still fire
                if not units:
                    continue
            elif keep:
                units = tuple(u for u in units if u not in keep) + tuple(u for u in units if u in keep)
            if used >= evals_left:
                return (best.action if best else None), used
            used += 1
            p = price(view, side, a.target, units, w, points_at.get(a.target, 0.0))
            if p is None:
                continue
            ground = any(not combat.is_artillery(view, view.units[u]) for u in units)
            if ground and (p.odds < c["min_odds"] or p.score < c["min_score"]):
                continue
            if not ground and p.score < c["min_bombard_score"]:
                continue
            if best is None or p.score > best.score:
                best = p
    return (best.action if best else None), used
