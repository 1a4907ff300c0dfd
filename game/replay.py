"""Game records on disk and their verification by re-simulation.

A record is readable JSON (gzip when the name ends in .gz), never pickle: the scenario id and
content hash, variant, seed, the actions, and the state hash after every turn. Re-applying the
actions must reproduce every hash, which proves the record untampered and the engine stable.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game import actions as act
from game.engine import IllegalAction, apply, new_game, state_hash
from game.scenario.loader import load_scenario_checked
from game.simulate import GameRecord

RECORD_FORMAT = "khalkhin-gol-record"
RECORD_VERSION = 1
MAX_RECORD_BYTES = 200_000_000


class RecordError(Exception):
    """A record that cannot be read or verified; the message is for the player."""


def record_to_dict(rec: GameRecord) -> dict[str, Any]:
    scen = rec.scenario
    return {
        "format": RECORD_FORMAT,
        "version": RECORD_VERSION,
        "scenario": scen.id,
        "scenario_path": scen.path,
        "scenario_sha256": scen.sha256,
        "variant": rec.variant,
        "seed": rec.seed,
        "agents": rec.agents,
        "actions": rec.actions,
        "turn_hashes": rec.turn_hashes,
        "final_hash": rec.final_hash if rec.final is not None else None,
    }


def write_json_atomic(path: str | Path, data: dict[str, Any]) -> None:
    """Temp file + rename in the same folder: a crash never leaves half a file behind."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=1, sort_keys=False).encode("utf-8")
    if path.suffix == ".gz":
        text = gzip.compress(text, mtime=0)
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
    write_json_atomic(path, record_to_dict(rec))


def read_record(path: str | Path) -> dict[str, Any]:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_RECORD_BYTES:
            raise RecordError(f"{p}: file is too large to be a record")
        raw = p.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        data = json.loads(raw.decode("utf-8"))
    except RecordError:
        raise
    except FileNotFoundError:
        raise RecordError(f"{p}: no such file") from None
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise RecordError(f"{p}: cannot read the file ({e})") from None
    except UnicodeDecodeError:
        raise RecordError(f"{p}: not a text record (bad UTF-8)") from None
    except json.JSONDecodeError as e:
        raise RecordError(f"{p}:{e.lineno}:{e.colno}: the record is damaged or cut short ({e.msg})") from None
    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
        raise RecordError(f"{p}: not a Khalkhin Gol game record")
    if data.get("version") != RECORD_VERSION:
        raise RecordError(f"{p}: record version {data.get('version')!r}; this game reads version {RECORD_VERSION}")
    for key, typ in (
        ("scenario", str),
        ("scenario_sha256", str),
        ("variant", str),
        ("seed", int),
        ("actions", list),
        ("turn_hashes", list),
    ):
        if not isinstance(data.get(key), typ):
            raise RecordError(f"{p}: the record's '{key}' is missing or damaged")
    return data


@dataclass
class VerifyResult:
    ok: bool
    message: str
    turns_checked: int = 0


def verify_record(path: str | Path) -> VerifyResult:
    """Re-simulate a record headless and compare every recorded hash."""
    try:
        data = read_record(path)
    except RecordError as e:
        return VerifyResult(False, str(e))
    ref = (
        data.get("scenario_path")
        if isinstance(data.get("scenario_path"), str) and Path(data["scenario_path"]).exists()
        else data["scenario"]
    )
    scen, problems = load_scenario_checked(ref, data["variant"])
    if scen is None:
        return VerifyResult(
            False, f"{path}: cannot load scenario '{data['scenario']}': " + "; ".join(str(p) for p in problems[:3])
        )
    if scen.sha256 != data["scenario_sha256"]:
        return VerifyResult(
            False,
            f"{path}: recorded with another version of scenario '{scen.id}' (content hash differs); it cannot be verified against this one",
        )
    checks = {}
    for th in data["turn_hashes"]:
        if not (
            isinstance(th, dict)
            and isinstance(th.get("action"), int)
            and isinstance(th.get("hash"), str)
            and isinstance(th.get("turn"), int)
        ):
            return VerifyResult(False, f"{path}: a turn hash entry is damaged: {th!r}")
        checks[th["action"]] = th
    state = new_game(scen, data["seed"])
    checked = 0
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
        if th is not None:
            if state_hash(state) != th["hash"]:
                return VerifyResult(
                    False,
                    f"{path}: diverges at turn {th['turn'] + 1}: the state after action {i + 1} does not match the record",
                    checked,
                )
            checked += 1
    if checked != len(checks):
        return VerifyResult(
            False, f"{path}: the record is cut short: {len(checks) - checked} recorded turn(s) have no actions", checked
        )
    final = data.get("final_hash")
    if final is not None and final != state_hash(state):
        return VerifyResult(False, f"{path}: the final state does not match the record", checked)
    if state.result is None and final is not None:
        return VerifyResult(False, f"{path}: the record ends before the game does (cut short?)", checked)
    return VerifyResult(True, f"{path}: OK, {checked} turn(s) and {len(data['actions'])} actions verified", checked)
