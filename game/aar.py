"""The after-action report: what a game cost each side against the documents, how the ground,
the air and the supply went turn by turn, and how lucky each side was with the dice.

Pure (no pygame): the desktop game draws it, ``simulate --json`` and ``aar`` print it. A
``Tracker`` watches a game action by action; ``build_report`` turns what it saw into a
``Report``; ``report_from_record`` re-plays a saved game to get one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from game.events import Event
from game.rules import victory
from game.scenario.model import Scenario
from game.state import LOSS_KINDS, State

# A lone documented figure is "matched" by a game within this share of it (a reporting convention,
# not a rule: one document's count is not that exact).
SINGLE_FIGURE_BAND = 0.25

KIND_NAMES = {
    "men": "men",
    "tanks": "tanks",
    "armored_cars": "armoured cars",
    "guns": "guns",
    "aircraft": "aircraft",
    "trucks": "trucks",
}


@dataclass
class TurnPoint:
    """The situation at the end of one turn."""

    turn: int  # 0-based
    label: str  # date-time of the turn's start
    score: float  # Soviet minus Japanese victory points
    held: dict[str, float]  # objective points each side holds
    control: dict[str, str | None]  # objective id -> side
    air: dict[str, str]  # air zone -> soviet | japanese | contested | none
    delivered: dict[str, float]  # tons unloaded at depots this turn, per side
    losses: dict[str, dict[str, int]]  # cumulative, per side and kind


@dataclass
class CombatLuck:
    """One attack's roll: which column it landed in and what was expected."""

    turn: int
    attacker: str
    shift: int  # −2…+2 columns, + good for the attacker
    result: str
    men_lost: dict[str, int]  # side -> men lost in this fight
    men_expected: dict[str, float]


@dataclass
class LossLine:
    """One kind of loss: the game's figure against the documents' figures."""

    game: int
    low: float | None  # the documents' range (None: no figure)
    high: float | None
    figures: list[dict[str, Any]] = field(default_factory=list)  # value, source, note


@dataclass
class LuckLine:
    side: str
    columns: int  # net columns the dice gave this side (its attacks + its defences)
    combats: int
    probability: float  # chance of dice at least this kind to this side in a fair game
    men_lost: int
    men_expected: float
    text: str


@dataclass
class Report:
    scenario: str
    title: str
    variant: str
    result: dict[str, Any] | None
    historical_result: dict[str, Any] | None
    losses: dict[str, dict[str, LossLine]]
    series: list[TurnPoint]
    luck: dict[str, LuckLine]
    sides: list[str]
    warning: str | None = None  # the record does not re-play to its own hashes: tampered or cut short

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Tracker:
    """Call ``after`` with every applied action's new state and events; it keeps one point per turn."""

    def __init__(self, state: State) -> None:
        self.scenario: Scenario = state.scenario
        self.points: list[TurnPoint] = []
        self.combats: list[CombatLuck] = []
        self._turn = state.turn
        # a new game has run its first supply phase already: those tons belong to turn 0
        self._tons: dict[str, float] = {
            s: (state.logistics[s].delivered if s in state.logistics and state.turn == 0 else 0.0) for s in state.scenario.sides
        }
        self._air: dict[str, str] = {}

    def after(self, state: State, events: list[Event]) -> None:
        if state.turn != self._turn:
            self._close_turn(state)  # what follows in these events belongs to the new turn
            self._turn = state.turn
            self._air = {}
            self._tons = dict.fromkeys(self.scenario.sides, 0.0)
        for ev in events:
            if ev.kind == "combat" and "shift" in ev.data:
                self.combats.append(_luck_entry(state, ev))
            elif ev.kind == "deliveries" and ev.visible_to in self._tons:
                self._tons[ev.visible_to] += float(ev.data.get("tons", 0.0))
        ctrl = state.air.get("control", {}) if isinstance(state.air, dict) else {}
        if any(v != "none" for v in ctrl.values()):
            self._air = dict(ctrl)  # the day's air battle, kept through the turn
        if state.result is not None:
            self._close_turn(state)

    def _close_turn(self, state: State) -> None:
        scen = self.scenario
        if self.points and self.points[-1].turn == self._turn:
            return  # already closed (the game ended)
        held = {s: 0.0 for s in scen.sides}
        for obj in scen.objectives:
            side = state.control.get(obj.id)
            if side in held:
                held[side] += obj.points.get(side, 0)
        zones = [z.id for z in scen.air_zones]
        self.points.append(
            TurnPoint(
                turn=self._turn,
                label=f"{scen.turn_starts[self._turn]:%d %b %H:%M}",
                score=victory.score(state),
                held=held,
                control={o.id: state.control.get(o.id) for o in scen.objectives},
                air={z: self._air.get(z, "none") for z in zones},
                delivered={s: round(self._tons[s], 1) for s in scen.sides},
                losses={s: {k: int(state.losses[s][k]) for k in LOSS_KINDS} for s in scen.sides},
            )
        )


def _luck_entry(state: State, ev: Event) -> CombatLuck:
    d = ev.data
    attacker = d["side"]
    defender = state.scenario.other(attacker)
    return CombatLuck(
        turn=state.turn,
        attacker=attacker,
        shift=int(d["shift"]),
        result=str(d.get("result", "")),
        men_lost={attacker: int(d["attacker_losses"]["men"]), defender: int(d["defender_losses"]["men"])},
        men_expected={
            attacker: float(d["expected_attacker_losses"]["men"]),
            defender: float(d["expected_defender_losses"]["men"]),
        },
    )


# --- the report -----------------------------------------------------------------------------


def build_report(tracker: Tracker, final: State) -> Report:
    scen = tracker.scenario
    if not tracker.points or tracker.points[-1].turn != tracker._turn:
        tracker._close_turn(final)  # the turn in progress (a game saved or stopped mid-turn)
    hist = scen.historical_outcome
    losses: dict[str, dict[str, LossLine]] = {}
    for side in scen.sides:
        losses[side] = {}
        for kind in LOSS_KINDS:
            figs = list(hist.losses.get(side, {}).get(kind, [])) if hist else []
            values = [f.value for f in figs]
            losses[side][kind] = LossLine(
                game=int(final.losses[side][kind]),
                low=min(values) if values else None,
                high=max(values) if values else None,
                figures=[{"value": f.value, "source": f.source, "note": f.note or ""} for f in figs],
            )
    return Report(
        scenario=scen.id,
        title=scen.title,
        variant=scen.variant,
        result=dict(final.result) if final.result else None,
        historical_result=hist.result.model_dump() if hist else None,
        losses=losses,
        series=list(tracker.points),
        luck={s: luck_line(scen, tracker.combats, s) for s in scen.sides},
        sides=sorted(scen.sides, key=lambda sd: sd != "soviet"),  # Soviet first, as the score counts
    )


def luck_line(scen: Scenario, combats: list[CombatLuck], side: str) -> LuckLine:
    """Net columns the dice gave ``side`` and how often a fair game gives at least that much.

    Each roll is −2…+2 columns with the ruleset's probabilities (mean 0); over n rolls the sum is
    close to normal with variance n·σ², so the chance of a sum at least this good is 1 − Φ(z)
    (with a half-column continuity correction).
    """
    shifts = scen.rules.combat.shifts
    var = sum(s.p * s.shift**2 for s in shifts)
    mine = [c for c in combats if side in c.men_lost]
    cols = sum(c.shift if c.attacker == side else -c.shift for c in mine)
    n = len(mine)
    lost = sum(c.men_lost.get(side, 0) for c in mine)
    expected = sum(c.men_expected.get(side, 0.0) for c in mine)
    if n == 0:
        return LuckLine(side, 0, 0, 0.5, 0, 0.0, f"{side.capitalize()}: no combat, no luck either way")
    z = (cols - 0.5) / math.sqrt(n * var) if var > 0 else 0.0
    p = 0.5 * math.erfc(z / math.sqrt(2))  # P(sum ≥ cols)
    if cols > 0:
        verdict = f"lucky: dice this good or better come in {p:.0%} of games"
    elif cols < 0:
        z_bad = (-cols - 0.5) / math.sqrt(n * var) if var > 0 else 0.0
        verdict = f"unlucky: dice this bad or worse come in {0.5 * math.erfc(z_bad / math.sqrt(2)):.0%} of games"
    else:
        verdict = "even dice"
    text = (
        f"{side.capitalize()}: {cols:+d} columns over {n} combats ({verdict}); "
        f"men lost in combat {lost:,} against {expected:,.0f} expected"
    )
    return LuckLine(side, cols, n, p, lost, expected, text)


def report_from_record(record: dict[str, Any], progress: Callable[[int, int], None] | None = None) -> Report:
    """Re-play a record or save (as read by ``game.replay.read_record``) and report on it.

    The scenario is the one the record was made with (``replay.record_scenario``: refused with a
    ``RecordError`` if it has changed since). ``progress(done, total)`` is called now and then.
    """
    from game import actions as act
    from game.engine import apply, new_game
    from game.replay import record_scenario

    scen = record_scenario(record)
    state = new_game(scen, int(record["seed"]))
    tracker = Tracker(state)
    total = len(record["actions"])
    for i, d in enumerate(record["actions"]):
        state, events = apply(state, act.from_dict(d))
        tracker.after(state, events)
        if progress is not None and i % 50 == 0:
            progress(i, total)
    if progress is not None:
        progress(total, total)
    rep = build_report(tracker, state)
    rep.warning = _integrity_warning(record, state)
    return rep


def _integrity_warning(record: dict[str, Any], state: State) -> str | None:
    """The cheap part of ``replay --verify``: the state the actions lead to against the hashes the
    file carries. A report on a changed or cut-short record must say so, not pass for the game."""
    from game.engine import state_hash

    h = state_hash(state)
    final = record.get("final_hash")
    if isinstance(final, str) and final != h:
        return "this record does not re-play to its own final state (changed or cut short): run replay --verify"
    recorded_turns = [t.get("turn") for t in record.get("turn_hashes") or [] if isinstance(t, dict)]
    if recorded_turns and max(t for t in recorded_turns if isinstance(t, int)) > state.turn:
        return "this record is cut short: it ends before turns it has hashes for: run replay --verify"
    return None


# --- text -----------------------------------------------------------------------------------


def render_text(rep: Report) -> str:
    """The report as text for the terminal (``python main.py aar``)."""
    out = [f"After-action report — {rep.title} ({rep.scenario}, variant {rep.variant})"]
    if rep.warning:
        out.append(f"WARNING: {rep.warning}")
    if rep.result:
        winner = rep.result.get("winner")
        grade = "Draw" if winner is None else f"{str(rep.result['result']).capitalize()} {winner.capitalize()} victory"
        out.append(f"Result: {grade} (score {rep.result.get('score', 0):+g})")
    if rep.historical_result:
        h = rep.historical_result
        grade = "a draw" if h.get("winner") is None else f"a {h['result']} {str(h['winner']).capitalize()} victory"
        out.append(f"History: {grade} — {h.get('note') or ''} [{h['source']}]")
    out.append("")
    out.append("Losses against the documents")
    for side in rep.sides:
        out.append(f"  {side.capitalize()}")
        for kind, line in rep.losses[side].items():
            if line.low is None:
                hist = "no figure"
            elif line.low == line.high:
                hist = f"{line.low:,.0f}"
            else:
                hist = f"{line.low:,.0f}–{line.high:,.0f}"
            srcs = "; ".join(f"{f['value']:,.0f} {f['source']}" for f in line.figures)
            out.append(f"    {KIND_NAMES[kind]:<14} {line.game:>8,}   history {hist}{f'  ({srcs})' if srcs else ''}")
    out.append("")
    out.append("Turn by turn: score, objective points held, air control, tons delivered")
    for p in rep.series:
        held = " ".join(f"{s[:2]} {v:g}" for s, v in p.held.items())
        air = " ".join(f"{z}:{c[:3]}" for z, c in p.air.items() if c != "none") or "no air"
        tons = " ".join(f"{s[:2]} {v:,.0f} t" for s, v in p.delivered.items())
        out.append(f"  {p.label:<13} score {p.score:+7.2f}  held {held:<16} {air:<40} {tons}")
    out.append("")
    out.append("Luck")
    for side in rep.sides:
        out.append(f"  {rep.luck[side].text}")
    return "\n".join(out)


# --- many games -----------------------------------------------------------------------------


def monte_carlo(scen: Scenario, games: list[dict[str, Any]]) -> dict[str, Any]:
    """Outcomes and losses over many games (``simulate --json`` game rows) against the documents.

    For every side and kind: mean and 10/50/90th percentiles of the games' losses, the
    documents' low–high, and the share of games that land inside it (or, for a single figure,
    within ±25 % of it).
    """
    n = len(games)
    hist = scen.historical_outcome
    key = [f"{g['winner']}_{g['result']}" if g.get("winner") else "draw" for g in games]
    results = {k: round(key.count(k) / n, 3) for k in sorted(set(key))} if n else {}
    out: dict[str, Any] = {"games": n, "results": results, "historical_result": None, "losses": {}}
    if hist is not None:
        h = hist.result
        hkey = f"{h.winner}_{h.result}" if h.winner else "draw"
        out["historical_result"] = {
            "result": hkey,
            "source": h.source,
            "share_of_games": results.get(hkey, 0.0),
            "same_winner_share": round(sum(1 for g in games if g.get("winner") == h.winner) / n, 3) if n else 0.0,
        }
    for side in scen.sides:
        out["losses"][side] = {}
        for kind in LOSS_KINDS:
            vals = sorted(float(g["losses"][side][kind]) for g in games)
            row: dict[str, Any] = {
                "mean": round(sum(vals) / n, 1) if n else 0.0,
                "p10": _pct(vals, 0.1),
                "p50": _pct(vals, 0.5),
                "p90": _pct(vals, 0.9),
            }
            figs = hist.losses.get(side, {}).get(kind, []) if hist else []
            if figs:
                lo, hi = min(f.value for f in figs), max(f.value for f in figs)
                if lo == hi:
                    lo, hi = lo * (1 - SINGLE_FIGURE_BAND), hi * (1 + SINGLE_FIGURE_BAND)
                row.update(
                    history_low=min(f.value for f in figs),
                    history_high=max(f.value for f in figs),
                    sources=sorted({f.source for f in figs}),
                    within_history=round(sum(1 for v in vals if lo <= v <= hi) / n, 3) if n else 0.0,
                )
            out["losses"][side][kind] = row
    return out


def _pct(sorted_vals: list[float], q: float) -> float:
    if not sorted_vals:
        return 0.0
    i = min(len(sorted_vals) - 1, max(0, round(q * (len(sorted_vals) - 1))))
    return sorted_vals[i]
