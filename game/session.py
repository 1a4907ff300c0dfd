"""A match as a person plays it: the state, the action history, who controls each side, undo,
saves and the hot-seat hand-off. No pygame here: the UI drives a Session, tests can too.

Saves use the replay record format (game/replay.py) so every save is also a verifiable record:
scenario id + content hash + variant + seed + actions (+ per-turn hashes). Loading replays the
actions through ``engine.apply``; nothing else is trusted from the file.
"""

from __future__ import annotations

import os
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
from game.replay import RECORD_FORMAT, RECORD_VERSION, RecordError, read_record, write_json_atomic
from game.scenario.loader import load_scenario_checked
from game.scenario.model import Scenario
from game.state import State

HUMAN = "human"
CONTROLLERS = ("human", "ai", "random", "passive", "historical")
UNDOABLE_EVENTS = frozenset({"move", "zoc_stop"})
MAX_LOG = 400


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
    scenario: Scenario
    seed: int
    controllers: dict[str, str]
    state: State
    actions: list[dict[str, Any]] = field(default_factory=list)
    turn_hashes: list[dict[str, Any]] = field(default_factory=list)
    log: list[Event] = field(default_factory=list)
    viewer: str | None = None  # the human side whose view was last on screen (hot-seat)
    save_path: Path | None = None
    version: int = 0  # bumped on every change of state: the UI's caches key on it
    _undo: list[_Undo] = field(default_factory=list)
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
        self.actions.append(act.to_dict(action))
        if new.turn != before.turn or new.result is not None:
            self.turn_hashes.append({"turn": before.turn, "action": len(self.actions), "hash": state_hash(new)})
        self.state = new
        self.version += 1
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
        return True

    def log_for(self, side: str | None) -> list[Event]:
        """The message log as ``side`` may read it (everything when AIs play each other)."""
        if side is None:
            return list(self.log)
        return [e for e in self.log if e.seen_by(side)]

    def end_phase(self, side: str) -> list[Event]:
        return self.apply(EndPhase(side))

    # --- saving ---------------------------------------------------------------------------

    def to_record(self) -> dict[str, Any]:
        """The replay record format, plus who controls each side and when it was saved."""
        scen = self.scenario
        return {
            "format": RECORD_FORMAT,
            "version": RECORD_VERSION,
            "scenario": scen.id,
            "scenario_path": scen.path,
            "scenario_sha256": scen.sha256,
            "variant": scen.variant,
            "seed": self.seed,
            "agents": dict(self.controllers),
            "actions": list(self.actions),
            "turn_hashes": list(self.turn_hashes),
            "final_hash": state_hash(self.state) if self.state.result is not None else None,
            "saved_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "turn": self.state.turn,
        }

    def save(self, path: str | Path | None = None) -> Path:
        """Atomic write (temp + rename); raises OSError for the caller to show."""
        if path is None:
            path = self.save_path or saves_dir() / f"{self.scenario.id}-{time.strftime('%Y%m%d-%H%M%S')}.json"
        path = Path(path)
        write_json_atomic(path, self.to_record())
        self.save_path = path
        return path

    def autosave(self) -> Path | None:
        """Every turn: a failed autosave must never stop the game."""
        try:
            path = saves_dir() / f"autosave-{self.scenario.id}.json"
            write_json_atomic(path, self.to_record())
            return path
        except OSError:
            return None

    @classmethod
    def load(cls, path: str | Path, controllers: dict[str, str] | None = None) -> Session:
        """Replay a save through the engine; raises SaveError with a player-readable reason."""
        try:
            data = read_record(path)
        except RecordError as e:
            raise SaveError(str(e)) from None
        ref = data.get("scenario_path")
        if not (isinstance(ref, str) and Path(ref).exists()):
            ref = data["scenario"]
        scen, problems = load_scenario_checked(ref, data["variant"])
        if scen is None:
            raise SaveError(f"cannot load scenario '{data['scenario']}': " + "; ".join(str(p) for p in problems[:2]))
        if scen.sha256 != data["scenario_sha256"]:
            raise SaveError(f"this save was made with another version of scenario '{scen.id}'")
        ctl = data.get("agents") if isinstance(data.get("agents"), dict) else {}
        ctl = {s: str(ctl.get(s, HUMAN)) for s in scen.sides}
        ctl = {s: (c if c in CONTROLLERS else HUMAN) for s, c in ctl.items()}
        ctl.update(controllers or {})
        s = cls.new(scen, data["seed"], ctl)
        for i, raw in enumerate(data["actions"]):
            try:
                s.apply_quiet(act.from_dict(raw))
            except (act.ActionFormatError, IllegalAction) as e:
                raise SaveError(f"{path}: action {i + 1} cannot be replayed ({e})") from None
        s._undo.clear()
        s.save_path = Path(path) if not Path(path).name.startswith("autosave-") else None
        return s

    def apply_quiet(self, action: Action) -> None:
        """Apply while loading: no autosave, same history as in play."""
        before = self.state
        new, events = apply(before, action)
        self.actions.append(act.to_dict(action))
        if new.turn != before.turn or new.result is not None:
            self.turn_hashes.append({"turn": before.turn, "action": len(self.actions), "hash": state_hash(new)})
        self.state = new
        self.version += 1
        self.log.extend(events)
        if len(self.log) > MAX_LOG * 2:
            del self.log[:MAX_LOG]


def list_saves() -> list[tuple[Path, dict[str, Any]]]:
    """Saves in the data dir, newest first, with a short summary each (unreadable ones flagged)."""
    out: list[tuple[float, Path, dict[str, Any]]] = []
    folder = saves_dir()
    if not folder.is_dir():
        return []
    for p in folder.glob("*.json"):
        try:
            rec = read_record(p)
            info: dict[str, Any] = {
                k: rec.get(k) for k in ("scenario", "variant", "seed", "agents", "saved_at", "turn", "final_hash")
            }
            info["n_actions"] = len(rec["actions"])
        except RecordError as e:
            info = {"error": str(e)}
        try:
            mtime = p.stat().st_mtime
        except OSError:
            continue
        out.append((mtime, p, info))
    out.sort(key=lambda t: -t[0])
    return [(p, i) for _, p, i in out]
