"""A match as a person plays it: the state, the action history, who controls each side, undo,
saves and the hot-seat hand-off. No pygame here: the UI drives a Session, tests can too.

Saves use the replay record format (game/replay.py) so every save is also a verifiable record:
scenario id + content hash + variant + seed + actions + per-turn hashes + turn-start snapshots.
Loading replays the actions through ``engine.apply`` and checks every recorded hash; nothing
else is trusted from the file. Saves are gzipped JSON in the user data dir; each game (its
``game_id``, kept through save and load) has its own ring of autosaves of its last ten turns; a
play-by-e-mail turn is a save with a note of who plays next, under a name the player chooses.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from game import actions as act
from game.actions import Action, EndPhase, Move
from game.ai.agents import Agent, AgentUnavailable, make_agent
from game.engine import IllegalAction, apply, current_actors, new_game, observe, state_hash
from game.events import Event
from game.replay import (
    ENGINE_VERSION,
    RECORD_FORMAT,
    RECORD_VERSION,
    RecordError,
    engine_note,
    read_record,
    record_scenario,
    snapshot_entries,
    turn_checks,
    write_json_atomic,
)
from game.scenario.model import Scenario
from game.state import State

HUMAN = "human"
CONTROLLERS = ("human", "ai", "random", "passive", "historical")
UNDOABLE_EVENTS = frozenset({"move", "zoc_stop"})
MAX_LOG = 400
AUTOSAVE_RING = 10  # autosaves kept per game (one a turn)
AUTOSAVE_GAMES = 12  # games whose autosaves are kept: the oldest game's go when a 13th starts saving
SAVE_SUFFIX = ".json.gz"


class SaveError(Exception):
    """A save that cannot be read or replayed; the message is for the player."""


def data_dir() -> Path:
    """Where saves live: the user data dir (platformdirs), overridable for tests."""
    env = os.environ.get("KG_DATA_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("khalkhin-gol", appauthor=False))


def saves_dir() -> Path:
    return data_dir() / "saves"


def pbem_dir() -> Path:
    """Where 'Send turn (play by e-mail)' puts the files to attach to a mail."""
    return data_dir() / "pbem"


_GAME_ID = re.compile(r"[0-9A-Za-z]{4,32}")
_AUTOSAVE_NAME = re.compile(r"^autosave-.*-g([0-9A-Za-z]{4,32})\.json(\.gz)?$")


def new_game_id() -> str:
    """A game's identity: kept in its saves, the same after save and load, new for a branch."""
    return secrets.token_hex(6)


def autosave_game(name: str) -> str | None:
    """The game id in an autosave's file name (None for other files and older autosaves)."""
    m = _AUTOSAVE_NAME.match(name)
    return m.group(1) if m else None


def _stamp() -> str:
    """A sortable timestamp with microseconds: file names in a folder sort in time order."""
    now = datetime.now(UTC)
    return now.strftime("%Y%m%d-%H%M%S-") + f"{now.microsecond:06d}"


def agent_for(name: str, seed: int, side: str) -> Agent:
    """The named agent; 'ai' falls back to the historical, then random agent until it exists."""
    for candidate in (name, "historical", "random") if name == "ai" else (name,):
        try:
            return make_agent(candidate, seed, side)
        except AgentUnavailable:
            continue
        except Exception:  # an agent that cannot start for this scenario
            continue
    return make_agent("passive", seed, side)


@dataclass
class _Undo:
    state: State
    n_actions: int
    n_hashes: int
    n_log: int
    side: str


@dataclass
class Session:
    scenario: Scenario = field(repr=False)
    seed: int
    controllers: dict[str, str]
    state: State = field(repr=False)
    actions: list[dict[str, Any]] = field(default_factory=list, repr=False)
    turn_hashes: list[dict[str, Any]] = field(default_factory=list, repr=False)
    log: list[Event] = field(default_factory=list, repr=False)
    viewer: str | None = None  # the human side whose view was last on screen (hot-seat)
    save_path: Path | None = None
    version: int = 0  # bumped on every change of state: the UI's caches key on it
    snapshots: dict[int, State] = field(default_factory=dict, repr=False)  # turn starts, by actions before them
    game_id: str = field(default_factory=new_game_id)  # one autosave ring per game
    started: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    pbem: bool = False  # a play-by-e-mail game: the hand-off offers to send the turn
    seat_marks: dict[str, int] = field(default_factory=dict)  # side -> actions when it last took the seat
    _undo: list[_Undo] = field(default_factory=list, repr=False)
    _autosave: tuple[Path, int] | None = None
    _on_disk: int | None = None  # ``version`` when a file last held this game (loaded, saved, autosaved)
    _agents: dict[str, Agent] = field(default_factory=dict)

    # --- starting -------------------------------------------------------------------------

    @classmethod
    def new(cls, scenario: Scenario, seed: int = 0, controllers: dict[str, str] | None = None) -> Session:
        """A fresh match; sides not named in ``controllers`` are played by humans."""
        ctl = {s: HUMAN for s in scenario.sides}
        ctl.update(controllers or {})
        s = cls(scenario=scenario, seed=seed, controllers=ctl, state=new_game(scenario, seed))
        return s

    # --- who acts -------------------------------------------------------------------------

    def to_act(self) -> str | None:
        """The side whose decision is awaited (in simultaneous phases, the first not done)."""
        actors = current_actors(self.state)
        return actors[0] if actors else None

    def is_human(self, side: str | None) -> bool:
        return side is not None and self.controllers.get(side) == HUMAN

    @property
    def humans(self) -> list[str]:
        return [s for s in self.scenario.sides if self.is_human(s)]

    @property
    def hotseat(self) -> bool:
        return len(self.humans) > 1

    def view_side(self) -> str | None:
        """Whose eyes the screen shows: the human to act, else the last human, None when AIs watch."""
        side = self.to_act()
        if self.is_human(side):
            return side
        if self.viewer is not None:
            return self.viewer
        return self.humans[0] if self.humans else None

    def needs_handoff(self) -> bool:
        """Hot-seat: a different human must take the seat before anything of their view is drawn."""
        side = self.to_act()
        return self.hotseat and self.is_human(side) and side != self.viewer

    def view(self, side: str | None) -> State:
        """The fog-of-war projection for a side; the full state only when nobody human plays."""
        if side is None:
            return self.state
        return observe(self.state, side)

    def agent(self, side: str) -> Agent:
        a = self._agents.get(side)
        if a is None:
            a = self._agents[side] = agent_for(self.controllers.get(side, "passive"), self.seed, side)
        return a

    # --- acting ---------------------------------------------------------------------------

    def apply(self, action: Action) -> list[Event]:
        """Apply through the engine (raises IllegalAction); record, log, remember undo."""
        before = self.state
        new, events = apply(before, action)
        undoable = (
            isinstance(action, Move)
            and new.rng.state == before.rng.state
            and new.spotted == before.spotted
            and all(e.kind in UNDOABLE_EVENTS for e in events)
        )
        if undoable:
            self._undo.append(_Undo(before, len(self.actions), len(self.turn_hashes), len(self.log), action.side))
        else:
            self._undo.clear()
        self._record(before, new, action)
        self.log.extend(events)
        if len(self.log) > MAX_LOG * 2:
            del self.log[:MAX_LOG]
            self._undo.clear()
        if new.turn != before.turn or new.result is not None:
            self.autosave()
        return events

    def can_undo(self, side: str | None) -> bool:
        """Undo is offered only to the side to act, for its last quiet move."""
        return bool(self._undo) and self._undo[-1].side == side and self.to_act() == side

    def undo(self, side: str | None) -> bool:
        """Take back the last move of this side if it used no dice and revealed nothing."""
        if not self.can_undo(side):
            return False
        u = self._undo.pop()
        self.state = u.state
        self.version += 1
        del self.actions[u.n_actions :]
        del self.turn_hashes[u.n_hashes :]
        del self.log[u.n_log :]
        self.snapshots = {k: v for k, v in self.snapshots.items() if k <= u.n_actions}
        return True

    def log_for(self, side: str | None) -> list[Event]:
        """The message log as ``side`` may read it (everything when AIs play each other)."""
        if side is None:
            return list(self.log)
        return [e for e in self.log if e.seen_by(side)]

    def end_phase(self, side: str) -> list[Event]:
        return self.apply(EndPhase(side))

    # --- saving ---------------------------------------------------------------------------

    def to_record(self, kind: str = "save", every: int = 1) -> dict[str, Any]:
        """The replay record format, plus who controls each side, when it was saved and why."""
        scen = self.scenario
        return {
            "format": RECORD_FORMAT,
            "version": RECORD_VERSION,
            "engine": ENGINE_VERSION,
            "kind": kind,
            "game_id": self.game_id,
            "started": self.started,
            "scenario": scen.id,
            "scenario_path": scen.path,
            "scenario_sha256": scen.sha256,
            "variant": scen.variant,
            "seed": self.seed,
            "agents": dict(self.controllers),
            "saved_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "turn": self.state.turn,
            "to_act": self.to_act(),
            "pbem": self.pbem,
            "seat_marks": dict(self.seat_marks),
            "actions": list(self.actions),
            "turn_hashes": list(self.turn_hashes),
            "final_hash": state_hash(self.state) if self.state.result is not None else None,
            "snapshots": snapshot_entries(self.snapshots, every),
        }

    def save(self, path: str | Path | None = None) -> Path:
        """Atomic write (temp + rename); raises OSError for the caller to show."""
        if path is None:
            path = self.save_path or saves_dir() / f"{self.scenario.id}-{time.strftime('%Y%m%d-%H%M%S')}{SAVE_SUFFIX}"
        path = Path(path)
        write_json_atomic(path, self.to_record())
        self.save_path = path
        self._on_disk = self.version
        return path

    def autosave(self) -> Path | None:
        """Every turn, into this game's ring of its last ten turns: a failed autosave must never
        stop the game.

        Each game has its own ring (the game id is in the file name), so playing another game
        never takes this one's autosaves; only when more than AUTOSAVE_GAMES games have
        autosaves do the rings of the games saved longest ago go. Files that are not autosaves
        of this format (manual saves, play-by-e-mail turns, older autosaves) are never deleted.
        A second autosave in the same turn of the same game (leaving, quitting) replaces the
        first, so the ring holds ten different turns. Nothing is written when a file already holds
        this very game (just loaded, saved or autosaved, no move since): returns None then.
        """
        if self._on_disk == self.version:
            return None
        try:
            folder = saves_dir()
            if self._autosave is not None and self._autosave[1] == self.state.turn and self._autosave[0].exists():
                path = self._autosave[0]
            else:
                path = folder / (
                    f"autosave-{_stamp()}-{self.scenario.id}-turn{self.state.turn + 1:02d}-g{self.game_id}{SAVE_SUFFIX}"
                )
            write_json_atomic(path, self.to_record("autosave"))
            self._autosave = (path, self.state.turn)
            self._on_disk = self.version
            prune_autosaves(folder, keep_game=self.game_id)
            return path
        except OSError:
            return None

    def pbem_default_name(self) -> str:
        """The name offered for an e-mailed turn: scenario, turn and the side that plays next,
        e.g. ``pbem-crossing_3_july-turn07-japanese``."""
        nxt = self.to_act() or "end"
        return f"pbem-{self.scenario.id}-turn{self.state.turn + 1:02d}-{nxt}"

    def pbem_path(self, name: str, folder: str | Path | None = None) -> Path:
        """Where a turn of that name goes (raises ValueError with the reason for a bad name)."""
        problem = file_name_problem(name)
        if problem:
            raise ValueError(problem)
        name = name.strip()
        if not name.endswith((".json.gz", ".json")):
            name += SAVE_SUFFIX
        return (Path(folder) if folder is not None else pbem_dir()) / name

    def export_turn(self, folder: str | Path | None = None, name: str | None = None) -> Path:
        """Play by e-mail: a verified save named for who plays next, to attach to a mail.

        ``name``: the player's own file name (checked by ``file_name_problem``; the suffix is
        added), written into ``folder`` (the pbem folder by default)."""
        if name is not None:
            path = self.pbem_path(name, folder)
        else:
            nxt = self.to_act() or "nobody"
            who = self.viewer or "x"
            auto = f"pbem-{self.scenario.id}-turn{self.state.turn + 1:02d}-{who}-to-{nxt}-{time.strftime('%Y%m%d-%H%M%S')}{SAVE_SUFFIX}"
            path = Path(folder) if folder is not None else pbem_dir()
            if path.suffix not in (".gz", ".json"):
                path = path / auto
        self.pbem = True
        write_json_atomic(path, self.to_record("pbem"))
        return path

    @classmethod
    def load(
        cls,
        path: str | Path,
        controllers: dict[str, str] | None = None,
        progress: Any = None,
    ) -> Session:
        """Replay a save through the engine, checking every recorded hash; raises SaveError with a
        player-readable reason (changed scenario, other engine, tampered or damaged file)."""
        try:
            data = read_record(path)
            scen = record_scenario(data, str(path))
            checks = turn_checks(data, str(path))
        except RecordError as e:
            raise SaveError(str(e)) from None
        ctl = data.get("agents") if isinstance(data.get("agents"), dict) else {}
        ctl = {s: str(ctl.get(s, HUMAN)) for s in scen.sides}
        ctl = {s: (c if c in CONTROLLERS else HUMAN) for s, c in ctl.items()}
        ctl.update(controllers or {})
        s = cls.new(scen, data["seed"], ctl)
        n = len(data["actions"])
        for i, raw in enumerate(data["actions"]):
            turn = s.state.turn
            try:
                s.apply_quiet(act.from_dict(raw))
            except (act.ActionFormatError, IllegalAction) as e:
                raise SaveError(f"{path}: diverges at turn {turn + 1}: action {i + 1} cannot be replayed ({e})") from None
            th = checks.get(i + 1)
            if th is not None and s.turn_hashes[-1]["hash"] != th["hash"]:
                raise SaveError(
                    f"{path}: diverges at turn {th['turn'] + 1}: the replayed game does not match the save" + engine_note(data)
                )
            if progress is not None and (i % 50 == 0 or i + 1 == n):
                progress(i + 1, n)
        if len(s.turn_hashes) < len(checks):
            raise SaveError(f"{path}: the save is cut short ({len(checks) - len(s.turn_hashes)} recorded turn(s) missing)")
        s._undo.clear()
        s.log = s.log[-MAX_LOG:]
        gid = data.get("game_id")
        if isinstance(gid, str) and _GAME_ID.fullmatch(gid):  # anything else (hand-edited): a new game
            s.game_id = gid
        started = data.get("started")
        if isinstance(started, str) and len(started) <= 40:
            s.started = started
        s.pbem = data.get("pbem") is True or data.get("kind") == "pbem"
        marks = data.get("seat_marks")
        if isinstance(marks, dict):
            s.seat_marks = {k: v for k, v in marks.items() if k in scen.sides and isinstance(v, int) and 0 <= v <= n}
        name = Path(path).name
        # F5 never writes over an autosave or an e-mailed turn (whatever the player named it)
        not_own = data.get("kind") in ("autosave", "pbem") or name.startswith(("autosave-", "pbem-"))
        s.save_path = None if not_own else Path(path)
        s._on_disk = s.version  # leaving without a move writes no copy of what was loaded
        return s

    def apply_quiet(self, action: Action) -> list[Event]:
        """Apply while loading: no autosave, same history as in play."""
        before = self.state
        new, events = apply(before, action)
        self._record(before, new, action)
        self.log.extend(events)
        if len(self.log) > MAX_LOG * 2:
            del self.log[:MAX_LOG]
        return events

    def _record(self, before: State, new: State, action: Action) -> None:
        """History for saves: the action, and at a turn's end its hash and a snapshot."""
        self.actions.append(act.to_dict(action))
        if new.turn != before.turn or new.result is not None:
            self.turn_hashes.append({"turn": before.turn, "action": len(self.actions), "hash": state_hash(new)})
            self.snapshots[len(self.actions)] = new  # states are never changed in place: no copy needed
        self.state = new
        self.version += 1


FILE_NAME_MAX = 100
_FORBIDDEN = set('/\\:*?"<>|')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def file_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a file name on any of the players' systems, in words; None if fine.

    Anything printable but the characters some system refuses in a file name (/ \\ : * ? " < > |):
    no folders, not empty, not too long, not a name Windows reserves."""
    n = name.strip()
    if not n:
        return "Type a name for the file."
    if len(n) > FILE_NAME_MAX:
        return f"The name is {len(n)} characters long: at most {FILE_NAME_MAX}."
    bad = sorted({c for c in n if c in _FORBIDDEN or not c.isprintable()})
    if bad:
        shown = " ".join(repr(c)[1:-1] if not c.isprintable() else c for c in bad)
        return f'A file name cannot contain {shown} (none of / \\ : * ? " < > | or control characters).'
    if n.startswith(".") or n.endswith("."):
        return "A file name cannot start or end with a dot."
    if n.split(".")[0].lower() in _RESERVED:
        return f"'{n.split('.')[0]}' is a reserved name on Windows: choose another."
    return None


def prune_autosaves(folder: Path, keep_game: str | None = None) -> None:
    """Each game's ring down to its AUTOSAVE_RING newest, and at most AUTOSAVE_GAMES games
    (``keep_game``, the one being played, always stays). Only autosave files are touched."""
    rings: dict[str, list[Path]] = {}
    for p in folder.glob("autosave-*.json*"):
        gid = autosave_game(p.name)
        if gid is not None:
            rings.setdefault(gid, []).append(p)
    for ring in rings.values():
        ring.sort(key=lambda p: p.name)  # the name starts with a sortable time stamp
        for old in ring[:-AUTOSAVE_RING]:
            old.unlink(missing_ok=True)
        del ring[:-AUTOSAVE_RING]
    games = sorted(rings, key=lambda g: (g == keep_game, rings[g][-1].name), reverse=True)
    for gid in games[AUTOSAVE_GAMES:]:
        for old in rings[gid]:
            old.unlink(missing_ok=True)


def save_info(p: Path) -> dict[str, Any]:
    """A short summary of a save for the menus (an 'error' key when it cannot be read)."""
    try:
        rec = read_record(p)
    except RecordError as e:
        return {"error": str(e).replace(f"{p}: ", "")}
    info: dict[str, Any] = {
        k: rec.get(k)
        for k in (
            "scenario",
            "variant",
            "seed",
            "agents",
            "saved_at",
            "turn",
            "final_hash",
            "kind",
            "to_act",
            "game_id",
            "started",
        )
    }
    if not isinstance(info.get("game_id"), str) or not _GAME_ID.fullmatch(info["game_id"]):
        info["game_id"] = None
    info["n_actions"] = len(rec["actions"])
    info["version"] = rec.get("version")
    if not isinstance(info.get("turn"), int):  # records from 'simulate --record' do not say
        turns = [th.get("turn") for th in rec["turn_hashes"] if isinstance(th, dict) and isinstance(th.get("turn"), int)]
        info["turn"] = max(turns, default=0) + (0 if rec.get("final_hash") else 1 if turns else 0)
    return info


def list_saves(folders: list[Path] | None = None) -> list[tuple[Path, dict[str, Any]]]:
    """Saves in the data dir, newest first, with a short summary each (unreadable ones flagged)."""
    out: list[tuple[float, Path, dict[str, Any]]] = []
    for folder in folders or [saves_dir()]:
        if not folder.is_dir():
            continue
        for p in list(folder.glob("*.json")) + list(folder.glob("*.json.gz")):
            try:
                mtime = p.stat().st_mtime
            except OSError:
                continue
            out.append((mtime, p, save_info(p)))
    out.sort(key=lambda t: (-t[0], t[1].name))
    return [(p, i) for _, p, i in out]
