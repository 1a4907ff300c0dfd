"""Watching a recorded game: seek to any turn, step forward and back action by action, bookmarks
at every turn and every timeline event, and 'take command from here'. Pure (no pygame): the
replay viewer draws it, tests drive it.

States are rebuilt with ``engine.apply`` from the nearest checkpoint: the record's turn-start
snapshots (accepted only when their hash matches the recorded turn hash) and states kept every
few actions as the playback goes. Since ``apply`` never changes its input, checkpoints are
shared references, not copies, so memory stays modest even for the August battle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game import actions as act
from game.actions import Action
from game.engine import IllegalAction, apply, new_game, observe, state_hash
from game.events import Event
from game.replay import RecordError, read_record, record_scenario, snapshot_hash, turn_checks
from game.scenario.model import Scenario
from game.state import State, StateFormatError

CHECKPOINT_EVERY = 12  # actions between in-memory checkpoints: a seek applies at most this many
EVENT_CACHE = 4000


class PlaybackError(Exception):
    """A record that cannot be played back; the message is for the player."""


@dataclass(frozen=True)
class Bookmark:
    """A place to jump to: the start of a turn, or a documented event of the timeline."""

    pos: int  # actions applied before it
    turn: int
    kind: str  # turn | timeline | end
    title: str
    text: str = ""
    source: str = ""
    when: str = ""  # a timeline event's hour ('14:00'; with the day when not the turn's own)
    frac: float = 0.0  # where that hour falls in the turn's span, 0 (its start) to 1


class Playback:
    """A record's game, positioned after ``pos`` of its actions."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        actions: list[dict[str, Any]],
        turn_hashes: list[dict[str, Any]] | None = None,
        snapshots: list[dict[str, Any]] | None = None,
        agents: dict[str, str] | None = None,
        title: str = "",
        path: Path | None = None,
        start: State | None = None,
        finished: bool = False,
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self.raw = list(actions)
        self.agents = dict(agents or {})
        self.title = title or scenario.title
        self.path = path
        self.turn_hashes = list(turn_hashes or [])
        self.checks = {th["action"]: th["hash"] for th in self.turn_hashes}
        self.problem: str | None = None  # set when the record stops replaying (tampered, other engine)
        self.limit = len(self.raw)  # how far the record replays
        self._parsed: list[Action | None] = [None] * len(self.raw)
        self._checkpoints: dict[int, State] = {0: start if start is not None else new_game(scenario, seed)}
        self._events: dict[int, list[Event]] = {}
        for sn in snapshots or []:
            self._accept_snapshot(sn)
        self.pos = 0
        self.state = self._checkpoints[0]
        self._starts = self._turn_starts(finished)

    # --- opening ----------------------------------------------------------------------------

    @classmethod
    def from_record(cls, data: dict[str, Any], path: Path | None = None) -> Playback:
        """From a read record or save (formats 1 and 2); PlaybackError when it cannot be played."""
        where = str(path) if path else "record"
        try:
            scen = record_scenario(data, where)
            checks = turn_checks(data, where)
        except RecordError as e:
            raise PlaybackError(str(e)) from None
        snaps = [s for s in data.get("snapshots", []) if isinstance(s, dict)]
        return cls(
            scen,
            int(data["seed"]),
            data["actions"],
            list(checks.values()),
            snaps,
            data.get("agents") if isinstance(data.get("agents"), dict) else {},
            path=path,
            finished=data.get("final_hash") is not None,
        )

    @classmethod
    def open(cls, path: str | Path) -> Playback:
        """Read a record or save from disk; PlaybackError with a clear reason otherwise."""
        try:
            data = read_record(path)
        except RecordError as e:
            raise PlaybackError(str(e)) from None
        return cls.from_record(data, Path(path))

    @classmethod
    def from_session(cls, session: Any, start_pos: int = 0) -> Playback:
        """A session's own history (hot-seat: the opponent's last turn), positioned at ``start_pos``."""
        snaps = [{"action": k, "state": v} for k, v in session.snapshots.items()]
        pb = cls(
            session.scenario,
            session.seed,
            session.actions,
            session.turn_hashes,
            None,
            dict(session.controllers),
            finished=session.state.result is not None,
        )
        for sn in snaps:
            pb._checkpoints[sn["action"]] = sn["state"]
        pb._checkpoints[len(session.actions)] = session.state
        pb.seek(start_pos)
        return pb

    def _accept_snapshot(self, sn: dict[str, Any]) -> None:
        """A snapshot is used only if it hashes to the recorded turn hash at that action."""
        n = sn.get("action")
        st = sn.get("state")
        if not isinstance(n, int) or not isinstance(st, dict) or not 0 < n <= len(self.raw):
            return
        want = self.checks.get(n)
        if want is None or snapshot_hash(st) != want:
            return
        try:
            state = State.from_dict(st, self.scenario)
        except StateFormatError:
            return
        self._checkpoints[n] = state

    # --- the record's shape -----------------------------------------------------------------

    @property
    def n(self) -> int:
        return len(self.raw)

    def action(self, i: int) -> Action:
        """The i-th action (0-based), parsed once."""
        a = self._parsed[i]
        if a is None:
            a = self._parsed[i] = act.from_dict(self.raw[i])
        return a

    def turn_starts(self) -> list[int]:
        """Actions before each turn's start, in turn order (from the recorded turn hashes)."""
        return [p for _, p in self._starts]

    def _turn_starts(self, finished: bool) -> list[tuple[int, int]]:
        out = [(self._checkpoints[0].turn, 0)]
        for th in sorted(self.turn_hashes, key=lambda t: t["action"]):
            t = th["turn"] + 1
            if t >= self.scenario.turns or (finished and th["action"] >= self.n) or th["action"] > self.n:
                continue
            if t > out[-1][0] and th["action"] >= out[-1][1]:
                out.append((t, th["action"]))
        return out

    def turn_pos(self, turn: int) -> int:
        """Where a turn starts (the nearest recorded turn, clamped to what replays)."""
        best = 0
        for t, p in self._starts:
            if t <= turn:
                best = p
        return min(best, self.limit)

    @property
    def turns(self) -> int:
        """Turns the record covers (the last one may be cut short)."""
        return len(self._starts)

    def bookmarks(self) -> list[Bookmark]:
        """Every turn start, every timeline event of the scenario (at its turn) and the end."""
        out: list[Bookmark] = []
        scen = self.scenario
        for t, pos in self._starts:
            when = scen.turn_starts[t]
            light = "night" if scen.night[t] else "day"
            out.append(Bookmark(pos, t, "turn", f"Turn {t + 1} · {when:%d %b %H:%M} ({light})"))
            for ev in scen.timeline:
                if ev.turn == t:
                    hour, frac = _hour_in_turn(ev.at, when, scen.turn_hours[t])
                    out.append(
                        Bookmark(pos, t, "timeline", ev.title, f"{ev.at.replace('T', ' ')}: {ev.text}", ev.source, hour, frac)
                    )
        if self.n:
            out.append(Bookmark(self.n, -1, "end", "End of the record"))
        return out

    # --- moving -----------------------------------------------------------------------------

    def seek(self, pos: int) -> State:
        """Jump to after ``pos`` actions: from the nearest checkpoint at or before it."""
        pos = max(0, min(pos, self.limit))
        if pos == self.pos:
            return self.state
        if self.pos < pos and pos - self.pos <= CHECKPOINT_EVERY:
            base, state = self.pos, self.state
        else:
            base = max(k for k in self._checkpoints if k <= pos)
            state = self._checkpoints[base]
        for i in range(base, pos):
            nxt = self._apply(i, state)
            if nxt is None:
                pos = i
                break
            state = nxt
        self.pos, self.state = pos, state
        return state

    def _apply(self, i: int, state: State) -> State | None:
        """Apply action i to the state before it; None (and ``problem`` set) if the record breaks."""
        try:
            nxt, events = apply(state, self.action(i))
        except (act.ActionFormatError, IllegalAction) as e:
            self._broken(i, state, f"action {i + 1} cannot be replayed ({e})")
            return None
        want = self.checks.get(i + 1)
        if want is not None and state_hash(nxt) != want:
            self._broken(i, state, f"the state after action {i + 1} does not match the record")
            return None
        if len(self._events) > EVENT_CACHE:
            self._events.clear()
        self._events[i] = events
        if (i + 1) % CHECKPOINT_EVERY == 0 or nxt.turn != state.turn:
            self._checkpoints.setdefault(i + 1, nxt)
        return nxt

    def _broken(self, i: int, state: State, why: str) -> None:
        self.limit = min(self.limit, i)
        self.problem = f"the record diverges at turn {state.turn + 1}: {why}; playback stops there"

    def step(self, delta: int = 1) -> State:
        return self.seek(self.pos + delta)

    def seek_turn(self, turn: int) -> State:
        return self.seek(self.turn_pos(turn))

    def next_turn(self) -> State:
        """To the start of the next turn (or the end)."""
        later = [p for p in self.turn_starts() if p > self.pos]
        return self.seek(later[0] if later else self.limit)

    def prev_turn(self) -> State:
        """To the start of this turn, or of the previous one when already there."""
        earlier = [p for p in self.turn_starts() if p < self.pos]
        return self.seek(earlier[-1] if earlier else 0)

    def prepare(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Walk the whole record once from the start: checkpoints every few actions (so any seek
        applies at most CHECKPOINT_EVERY actions) and any divergence found now, not mid-viewing."""
        here = self.pos
        state = self._checkpoints[0]
        for i in range(self.limit):
            nxt = self._apply(i, state)
            if nxt is None:
                break
            state = nxt
            if progress is not None and (i % 25 == 0 or i + 1 == self.limit):
                progress(i + 1, self.n)
        self.pos, self.state = self.limit, state
        self.seek(here)

    # --- what the viewer shows --------------------------------------------------------------

    @property
    def at_end(self) -> bool:
        return self.pos >= self.limit

    def view(self, side: str | None) -> State:
        """The state as a side saw it (its fog of war), or everything for None."""
        return self.state if side is None else observe(self.state, side)

    def last_action(self) -> Action | None:
        return self.action(self.pos - 1) if self.pos > 0 else None

    def events(self, side: str | None = None, back: int = 40) -> list[tuple[int, Event]]:
        """Events of the last ``back`` actions of this turn that ``side`` could see, oldest first."""
        out: list[tuple[int, Event]] = []
        start = max(0, self.pos - back)
        for i in range(start, self.pos):
            for e in self._events.get(i, []):
                if side is None or e.seen_by(side):
                    out.append((i, e))
        return out

    def events_of(self, i: int) -> list[Event]:
        """Events action i produced (computed by replaying to it if not yet seen)."""
        if i not in self._events and 0 <= i < self.limit:
            here = self.pos
            self.seek(i)
            self.seek(i + 1)
            self.seek(here)
        return self._events.get(i, [])

    def timeline_here(self) -> list[Bookmark]:
        """The documented events of the current turn: what the viewer shows 'as it happens'."""
        t = self.state.turn
        return [b for b in self.bookmarks() if b.kind == "timeline" and b.turn == t]

    # --- branching --------------------------------------------------------------------------

    def take_command(self, controllers: dict[str, str]) -> Any:
        """A new game from this moment: the same history up to here, then whoever the player chose.

        The branch keeps the record's actions, hashes and turn-start states, so its saves are
        full records that verify from the first action.
        """
        from game.session import Session

        if self.state.result is not None:
            raise PlaybackError("the game is over at this point: step back to take command")
        ses = Session.new(self.scenario, self.seed, controllers)
        ses.state = self.state
        ses.actions = [dict(a) for a in self.raw[: self.pos]]
        ses.turn_hashes = [dict(th) for th in self.turn_hashes if th["action"] <= self.pos]
        ses.snapshots = {k: v for k, v in self._checkpoints.items() if 0 < k <= self.pos and k in self.checks}
        ses.log = [e for _, e in self.events(None, back=60)]
        ses.version += 1
        return ses


def _hour_in_turn(at: str, start: Any, hours: float) -> tuple[str, float]:
    """A timeline event's time as the bookmark names it ('14:00', or '17 Aug 06:00' on
    another day than the turn's start) and its place in the turn's hours (0..1)."""
    from datetime import datetime

    try:
        t = datetime.fromisoformat(at)
    except ValueError:
        return "", 0.0
    label = t.strftime("%H:%M") if t.date() == start.date() else t.strftime("%d %b %H:%M")
    frac = (t - start).total_seconds() / 3600.0 / hours if hours > 0 else 0.0
    return label, max(0.0, min(1.0, frac))


# --- the documented course ------------------------------------------------------------------


def history_path(scenario: Scenario) -> Path:
    """The cache of a scenario's historical playback: one per scenario content and engine."""
    from game.replay import ENGINE_VERSION
    from game.session import data_dir

    return data_dir() / "history" / f"{scenario.id}-{scenario.variant}-{scenario.sha256[:12]}-{ENGINE_VERSION}.json.gz"


def history_playback(scenario: Scenario, progress: Callable[[int, int], None] | None = None) -> Playback:
    """The documented course: both sides played by the ``historical`` agents, cached in the data dir.

    A damaged cache is simply played again; a failed write of the cache costs only time.
    """
    from game.session import Session

    path = history_path(scenario)
    if path.exists():
        try:
            pb = Playback.open(path)
            pb.title = f"{scenario.title} — the documented course"
            pb.prepare(progress)
            return pb
        except PlaybackError:
            path.unlink(missing_ok=True)
    ses = Session.new(scenario, 0, {s: "historical" for s in scenario.sides})
    steps = 0
    while ses.to_act() is not None:
        side = ses.to_act()
        assert side is not None
        ses.apply_quiet(ses.agent(side).act(observe(ses.state, side), side))
        steps += 1
        if progress is not None and steps % 10 == 0:
            progress(4 * ses.state.turn, 5 * scenario.turns)  # playing out: the first four fifths
        if steps > 20_000:
            raise PlaybackError("the historical agents did not finish the scenario")
    try:
        from game.replay import write_json_atomic

        write_json_atomic(path, ses.to_record("history"))
    except OSError:
        pass
    pb = Playback.from_session(ses)
    pb.title = f"{scenario.title} — the documented course"
    pb.prepare(None if progress is None else lambda k, n: progress(4 * n + k, 5 * n))
    return pb


def build_playback_report(pb: Playback, progress: Callable[[int, int], None] | None = None) -> Any:
    """The after-action report of a playback, as far as it replays (``game.aar``, by re-applying)."""
    from game.aar import Tracker, build_report

    state = pb._checkpoints[0]
    tracker = Tracker(state)
    warning = pb.problem
    for i in range(pb.limit):
        state, events = apply(state, pb.action(i))
        tracker.after(state, events)
        want = pb.checks.get(i + 1)
        if warning is None and want is not None and state_hash(state) != want:
            warning = f"the record diverges at turn {state.turn}: the report is of the actions as recorded"
        if progress is not None and (i % 40 == 0 or i + 1 == pb.limit):
            progress(i + 1, pb.limit)
    rep = build_report(tracker, state)
    rep.warning = warning
    return rep
