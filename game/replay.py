"""Game records and saves on disk, and their verification by re-simulation.

A record is readable JSON (gzip when the name ends in .gz; read by magic bytes whatever the
name), never pickle: the scenario id and content hash, variant, seed, who played, the actions,
the state hash after every turn and (format 2) snapshots of the state at turn starts so a viewer
can seek without replaying from the first action. Re-applying the actions must reproduce every
hash, which proves the record untampered and the engine unchanged; snapshots are checked against
the same hashes, so nothing in the file is trusted on its own.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game import __version__ as ENGINE_VERSION
from game import actions as act
from game.engine import IllegalAction, apply, new_game, state_hash
from game.scenario.loader import load_scenario_checked
from game.scenario.model import Scenario
from game.simulate import GameRecord
from game.state import State, canonical_json

RECORD_FORMAT = "khalkhin-gol-record"
RECORD_VERSION = 2
READABLE_VERSIONS = (1, 2)
MAX_RECORD_BYTES = 200_000_000
PLAIN_SNAPSHOT_EVERY = 4  # turns between snapshots in an uncompressed file (gzip: every turn)

__all__ = [
    "ENGINE_VERSION",
    "RECORD_FORMAT",
    "RECORD_VERSION",
    "RecordError",
    "VerifyResult",
    "read_record",
    "record_scenario",
    "record_to_dict",
    "snapshot_entries",
    "verify_record",
    "write_json_atomic",
    "write_record",
]


class RecordError(Exception):
    """A record that cannot be read or verified; the message is for the player."""


# --- writing --------------------------------------------------------------------------------


def snapshot_entries(states: dict[int, State], every: int = 1) -> list[dict[str, Any]]:
    """Turn-start states keyed by the number of actions before them, thinned to every N turns."""
    out = []
    for k, (n, st) in enumerate(sorted(states.items())):
        if n > 0 and (k % max(1, every) == 0 or st.result is not None):
            out.append({"action": n, "turn": st.turn, "state": st.to_dict()})
    return out


def record_to_dict(rec: GameRecord, snapshots: bool = True, every: int = 1) -> dict[str, Any]:
    """A simulated game as a format-2 record; snapshots are taken by re-applying its actions
    (about 2 ms an action), which also proves the record replays before it is written."""
    scen = rec.scenario
    states: dict[int, State] = {}
    if snapshots and rec.actions:
        st = new_game(scen, rec.seed)
        for i, raw in enumerate(rec.actions):
            nxt, _ = apply(st, act.from_dict(raw))
            if nxt.turn != st.turn or nxt.result is not None:
                states[i + 1] = nxt
            st = nxt
    return {
        "format": RECORD_FORMAT,
        "version": RECORD_VERSION,
        "engine": ENGINE_VERSION,
        "kind": "record",
        "scenario": scen.id,
        "scenario_path": scen.path,
        "scenario_sha256": scen.sha256,
        "variant": rec.variant,
        "seed": rec.seed,
        "agents": rec.agents,
        "actions": rec.actions,
        "turn_hashes": rec.turn_hashes,
        "final_hash": rec.final_hash if rec.final is not None else None,
        "snapshots": snapshot_entries(states, every),
    }


def _dumps(data: dict[str, Any]) -> str:
    """One top-level key a line and one action a line: diffable and hand-editable, yet compact."""
    parts = []
    for k, v in data.items():
        if isinstance(v, list) and k in ("actions", "turn_hashes", "snapshots") and v:
            inner = ",\n  ".join(json.dumps(x, separators=(",", ":"), ensure_ascii=False) for x in v)
            parts.append(f"{json.dumps(k)}: [\n  {inner}\n ]")
        else:
            parts.append(f"{json.dumps(k)}: {json.dumps(v, separators=(',', ':'), ensure_ascii=False)}")
    return "{\n " + ",\n ".join(parts) + "\n}\n"


def write_json_atomic(path: str | Path, data: dict[str, Any]) -> None:
    """Temp file + rename in the same folder: a crash never leaves half a file behind."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = _dumps(data).encode("utf-8")
    if path.name.endswith(".gz"):
        text = gzip.compress(text, compresslevel=6, mtime=0)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_record(rec: GameRecord, path: str | Path) -> None:
    """Plain JSON keeps a snapshot every few turns to stay small; gzip keeps one every turn."""
    every = 1 if str(path).endswith(".gz") else PLAIN_SNAPSHOT_EVERY
    write_json_atomic(path, record_to_dict(rec, every=every))


# --- reading --------------------------------------------------------------------------------


def read_record(path: str | Path) -> dict[str, Any]:
    """Parse and shape-check a record or save (format 1 or 2, gzip or not); RecordError otherwise."""
    p = Path(path)
    try:
        if p.is_dir():
            raise RecordError(f"{p}: is a folder, not a saved game")
        if p.stat().st_size > MAX_RECORD_BYTES:
            raise RecordError(f"{p}: file is too large to be a record")
        raw = p.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            try:
                raw = gzip.decompress(raw)
            except (EOFError, gzip.BadGzipFile, zlib.error, OSError):
                raise RecordError(f"{p}: the compressed file is damaged or cut short") from None
        data = json.loads(raw.decode("utf-8"))
    except RecordError:
        raise
    except FileNotFoundError:
        raise RecordError(f"{p}: no such file") from None
    except OSError as e:
        raise RecordError(f"{p}: cannot read the file ({e.strerror or e})") from None
    except UnicodeDecodeError:
        raise RecordError(f"{p}: not a Khalkhin Gol game record (not text)") from None
    except json.JSONDecodeError as e:
        raise RecordError(f"{p}:{e.lineno}:{e.colno}: the record is damaged or cut short ({e.msg})") from None
    except RecursionError:
        raise RecordError(f"{p}: the record is damaged (nested too deeply)") from None
    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
        raise RecordError(f"{p}: not a Khalkhin Gol game record")
    ver = data.get("version")
    if not isinstance(ver, int) or ver not in READABLE_VERSIONS:
        newer = isinstance(ver, int) and ver > RECORD_VERSION
        who = "a newer version of the game" if newer else "an unknown version of the game"
        raise RecordError(
            f"{p}: saved by {who} (record format {ver!r}, engine {data.get('engine', '?')}); "
            f"this game ({ENGINE_VERSION}) reads formats {READABLE_VERSIONS[0]}–{READABLE_VERSIONS[-1]}"
        )
    for key, typ in (
        ("scenario", str),
        ("scenario_sha256", str),
        ("variant", str),
        ("seed", int),
        ("actions", list),
        ("turn_hashes", list),
    ):
        if not isinstance(data.get(key), typ) or isinstance(data.get(key), bool):
            raise RecordError(f"{p}: the record's '{key}' is missing or damaged")
    if not isinstance(data.get("snapshots", []), list):
        raise RecordError(f"{p}: the record's 'snapshots' are damaged")
    data.setdefault("snapshots", [])
    return data


def record_scenario(data: dict[str, Any], where: str = "") -> Scenario:
    """The scenario a record was made with, refused with a clear reason if it has changed since."""
    where = f"{where}: " if where else ""
    ref = data.get("scenario_path")
    if not (isinstance(ref, str) and Path(ref).exists()):
        ref = data["scenario"]
    scen, problems = load_scenario_checked(ref, data["variant"])
    if scen is None:
        raise RecordError(
            f"{where}cannot load scenario '{data['scenario']}' (variant {data['variant']}): "
            + "; ".join(str(p) for p in problems[:2])
        )
    if scen.sha256 != data["scenario_sha256"]:
        raise RecordError(
            f"{where}made with another version of scenario '{scen.id}' (its content hash differs: "
            f"{data['scenario_sha256'][:12]} in the file, {scen.sha256[:12]} installed); it cannot be replayed on this one"
        )
    return scen


def turn_checks(data: dict[str, Any], where: str = "") -> dict[int, dict[str, Any]]:
    """The recorded per-turn hashes keyed by the number of actions before each."""
    out: dict[int, dict[str, Any]] = {}
    for th in data["turn_hashes"]:
        if not (
            isinstance(th, dict)
            and isinstance(th.get("action"), int)
            and isinstance(th.get("hash"), str)
            and isinstance(th.get("turn"), int)
        ):
            raise RecordError(f"{where}: a turn hash entry is damaged: {str(th)[:80]}")
        out[th["action"]] = th
    return out


def snapshot_hash(snap: dict[str, Any]) -> str:
    """The state hash a snapshot's state would have (same canonical form as state_hash)."""
    return hashlib.sha256(canonical_json(snap).encode("ascii")).hexdigest()


def engine_note(data: dict[str, Any]) -> str:
    """Why a replay may diverge although nobody touched the file: another engine made it."""
    eng = data.get("engine")
    if isinstance(eng, str) and eng != ENGINE_VERSION:
        return f" (it was saved by engine {eng}; this is {ENGINE_VERSION})"
    return " (the file was changed after it was written, or the engine has changed)"


# --- verification ---------------------------------------------------------------------------


@dataclass
class VerifyResult:
    ok: bool
    message: str
    turns_checked: int = 0


def verify_record(path: str | Path, progress: Callable[[int, int], None] | None = None) -> VerifyResult:
    """Re-simulate a record headless and compare every recorded hash (and snapshot)."""
    try:
        data = read_record(path)
        scen = record_scenario(data, str(path))
        checks = turn_checks(data, str(path))
    except RecordError as e:
        return VerifyResult(False, str(e))
    snaps: dict[int, dict[str, Any]] = {}
    for sn in data["snapshots"]:
        if not (isinstance(sn, dict) and isinstance(sn.get("action"), int) and isinstance(sn.get("state"), dict)):
            return VerifyResult(False, f"{path}: a snapshot is damaged")
        snaps[sn["action"]] = sn
    state = new_game(scen, data["seed"])
    checked = 0
    n = len(data["actions"])
    for i, raw in enumerate(data["actions"]):
        turn = state.turn
        try:
            action = act.from_dict(raw)
            state, _ = apply(state, action)
        except act.ActionFormatError as e:
            return VerifyResult(False, f"{path}: action {i + 1} (turn {turn + 1}) is damaged: {e}", checked)
        except IllegalAction as e:
            return VerifyResult(
                False, f"{path}: diverges at turn {turn + 1}: action {i + 1} is illegal here ({e.reason})", checked
            )
        th = checks.get(i + 1)
        h = None
        if th is not None:
            h = state_hash(state)
            if h != th["hash"]:
                return VerifyResult(
                    False,
                    f"{path}: diverges at turn {th['turn'] + 1}: the state after action {i + 1} does not match the record"
                    + engine_note(data),
                    checked,
                )
            checked += 1
        sn = snaps.get(i + 1)
        if sn is not None and snapshot_hash(sn["state"]) != (h or state_hash(state)):
            return VerifyResult(False, f"{path}: the snapshot at turn {state.turn + 1} is damaged or was changed", checked)
        if progress is not None and (i % 50 == 0 or i + 1 == n):
            progress(i + 1, n)
    if checked != len(checks):
        return VerifyResult(
            False, f"{path}: the record is cut short: {len(checks) - checked} recorded turn(s) have no actions", checked
        )
    final = data.get("final_hash")
    if final is not None and final != state_hash(state):
        return VerifyResult(False, f"{path}: the final state does not match the record", checked)
    if state.result is None and final is not None:
        return VerifyResult(False, f"{path}: the record ends before the game does (cut short?)", checked)
    return VerifyResult(True, f"{path}: OK, {checked} turn(s) and {n} actions verified", checked)
