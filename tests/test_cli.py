"""The command line as DESIGN §5 promises it: ids, exit codes, JSON keys, records."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from game.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run_main(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_commands_and_without_a_display_no_arguments_print_it():
    out = subprocess.run([sys.executable, "main.py", "--help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "usage:" in out and "simulate" in out and "play" in out
    # with no window possible (the dummy driver) a bare `main.py` prints help and the scenarios
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy"}
    out = subprocess.run([sys.executable, "main.py"], cwd=ROOT, capture_output=True, text=True, check=True, env=env).stdout
    assert "usage:" in out and "test_skirmish" in out


def test_scenarios_lists_ids_titles_dates_turns(capsys):
    code, out, _ = run_main(capsys, "scenarios")
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith("test_skirmish"))
    assert "03 Jul 1939 04:00" in row and " 8 " in row and "Skirmish" in row
    assert "bench" not in out  # unlisted scenarios stay out of the menu


def test_simulate_json_is_deterministic_and_seed_dependent(capsys):
    _, a, _ = run_main(capsys, "simulate", "test_skirmish", "--seed", "7", "--json")
    _, b, _ = run_main(capsys, "simulate", "test_skirmish", "--seed", "7", "--json")
    _, c, _ = run_main(capsys, "simulate", "test_skirmish", "--seed", "8", "--json")
    ja, jb, jc = json.loads(a), json.loads(b), json.loads(c)
    assert ja["games"][0]["final_hash"] == jb["games"][0]["final_hash"]
    assert ja["games"][0]["final_hash"] != jc["games"][0]["final_hash"]
    assert {"scenario", "variant", "games", "summary"} <= set(ja)
    g = ja["games"][0]
    assert {"seed", "winner", "result", "turns", "final_hash", "losses", "events"} <= set(g)
    assert set(g["losses"]) == {"soviet", "japanese"}
    assert all({"turn", "date", "objective", "side"} <= set(o) for o in g["objectives"])
    assert set(g["losses"]["soviet"]) == {"men", "tanks", "armored_cars", "guns", "aircraft", "trucks"}
    assert g["turns"] == 8 and g["seed"] == 7


def test_simulate_by_path_and_many_games(capsys):
    code, out, _ = run_main(
        capsys,
        "simulate",
        str(ROOT / "scenarios" / "test_skirmish.yaml"),
        "--games",
        "3",
        "--json",
        "--soviet",
        "passive",
        "--japanese",
        "random",
    )
    data = json.loads(out)
    assert code == 0 and [g["seed"] for g in data["games"]] == [0, 1, 2]
    assert data["summary"]["games"] == 3
    assert data["agents"] == {"soviet": "passive", "japanese": "random"}


def test_simulate_errors_are_messages_not_tracebacks(capsys):
    code, _, err = run_main(capsys, "simulate", "no_such_scenario")
    assert code == 1 and "no such scenario" in err
    code, _, err = run_main(capsys, "simulate", "test_skirmish", "--games", "0")
    assert code == 1 and "--games" in err and "Traceback" not in err


def test_record_then_verify_then_tamper_and_truncate(capsys, tmp_path):
    rec = tmp_path / "game.json"
    code, _, _ = run_main(capsys, "simulate", "test_skirmish", "--seed", "3", "--record", str(rec))
    assert code == 0 and rec.exists()
    data = json.loads(rec.read_text())
    assert data["scenario"] == "test_skirmish" and len(data["scenario_sha256"]) == 64
    assert data["seed"] == 3 and len(data["turn_hashes"]) == 8 and data["actions"]
    code, out, _ = run_main(capsys, "replay", str(rec), "--verify")
    assert code == 0 and "OK" in out

    # flip one move to another legal-looking hex: the game diverges at that move's turn
    idx = next(i for i, a in enumerate(data["actions"]) if a["kind"] == "move")
    bad = json.loads(json.dumps(data))
    q, r = bad["actions"][idx]["to"]
    bad["actions"][idx]["to"] = [q, r + 1]
    turn = next(t["turn"] for t in data["turn_hashes"] if t["action"] > idx) + 1
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(bad))
    code, _, err = run_main(capsys, "replay", str(tampered), "--verify")
    assert code == 1 and f"turn {turn}" in err and "Traceback" not in err

    truncated = tmp_path / "truncated.json"
    truncated.write_text(rec.read_text()[: len(rec.read_text()) // 2])
    code, _, err = run_main(capsys, "replay", str(truncated), "--verify")
    assert code == 1 and ("damaged" in err or "cut short" in err)

    shorter = json.loads(json.dumps(data))
    shorter["actions"] = shorter["actions"][: len(shorter["actions"]) // 2]
    (tmp_path / "short.json").write_text(json.dumps(shorter))
    code, _, err = run_main(capsys, "replay", str(tmp_path / "short.json"), "--verify")
    assert code == 1 and "cut short" in err

    code, _, err = run_main(capsys, "replay", str(tmp_path / "missing.json"), "--verify")
    assert code == 1 and "no such file" in err


def test_oob_totals_and_sources(capsys):
    code, out, _ = run_main(capsys, "oob", "test_skirmish", "--json")
    data = json.loads(out)
    assert code == 0
    jp = data["sides"]["japanese"]
    assert jp["totals"]["men"] == 800 + 780 + 300 + 200 + 800
    assert jp["totals"]["tanks"] == 20
    assert all(u["sources"] for u in jp["units"])
    code, out, _ = run_main(capsys, "oob", "test_skirmish")
    assert "2,880 men" in out


def test_bench_reports_figures(capsys):
    code, out, _ = run_main(capsys, "bench", "--json", "--quick")
    figures = json.loads(out)
    assert code == 0 and figures["quick"] == 1
    assert figures["movement_range_ms"] > 0 and figures["simulate_game_s"] > 0
    assert figures["ai_turn_s_p95"] > 0 and figures["frame_ms_p95"] > 0
    assert figures["movement_map_hexes"] >= 3000
    assert figures["movement_range_hexes"] > 300  # a 12-MP tank on open steppe really searched


def test_report_shows_supply_depots_and_air(capsys):
    code, out, _ = run_main(
        capsys, "report", "test_skirmish", "--turns", "2", "--soviet", "random", "--japanese", "random", "--seed", "4"
    )
    assert code == 0
    assert "Soviet supply:" in out and "trucks" in out and "delivered" in out
    assert "Plateau dump" in out and "forecast" in out
    assert "In supply from" in out or "Out of supply" in out
    code, out, _ = run_main(capsys, "report", "test_skirmish", "--turns", "1", "--json")
    data = json.loads(out)
    assert code == 0 and set(data["supply"]) == {"soviet", "japanese"}
    assert all("supply_note" in u for u in data["units"])


def test_rules_prints_numbers_from_the_ruleset(capsys):
    code, out, _ = run_main(capsys, "rules")
    assert code == 0 and "BT-5 (45 mm)" in out and "Combat results" in out


def test_oob_of_the_historical_scenarios(capsys):
    """Issue 4's acceptance: 130 Japanese tanks in the July default; sources on every unit."""
    code, out, _ = run_main(capsys, "oob", "crossing_3_july", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["sides"]["japanese"]["totals"]["tanks"] == 130
    for side in data["sides"].values():
        assert set(side["totals"]) == {"men", "tanks", "armored_cars", "guns", "aircraft", "trucks"}
        assert all(any(u["sources"].values()) for u in side["units"])
    code, out, _ = run_main(capsys, "oob", "crossing_3_july", "--variant", "research", "--json")
    assert json.loads(out)["sides"]["japanese"]["totals"]["tanks"] == 87
    code, out, _ = run_main(capsys, "oob", "encirclement_20_august", "--json")
    su = json.loads(out)["sides"]["soviet"]["totals"]
    assert (su["tanks"], su["armored_cars"], su["aircraft"]) == (498, 385, 515)  # history.md §3.1
    assert 45_000 <= su["men"] <= 60_000 and 420 <= su["guns"] <= 550


def test_cli_review_mends(capsys, tmp_path, monkeypatch):
    """What a new player tripped over: ids for validate, play with no display, aar on the wrong
    file or on a changed record, --record into a folder."""
    code, out, _ = run_main(capsys, "validate", "test_skirmish")  # an id, as oob and simulate take
    assert code == 0 and out.strip().endswith("test_skirmish.yaml: OK")

    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")  # no window possible: a message and exit 2, no hang
    code, _, err = run_main(capsys, "play", "test_skirmish")
    assert code == 2 and "no display" in err and "simulate test_skirmish" in err

    code, _, err = run_main(capsys, "aar", str(ROOT / "scenarios" / "test_skirmish.yaml"))
    assert code == 1 and "scenario file, not a game record" in err

    code, _, err = run_main(capsys, "simulate", "test_skirmish", "--record", str(tmp_path))
    assert code == 1 and "that is a folder" in err
    code, _, err = run_main(capsys, "simulate", "test_skirmish", "--record", str(tmp_path / "nope" / "g.json"))
    assert code == 1 and "does not exist" in err and not (tmp_path / "nope").exists()

    rec = tmp_path / "g.json"
    assert run_main(capsys, "simulate", "test_skirmish", "--seed", "3", "--record", str(rec))[0] == 0
    code, out, err = run_main(capsys, "aar", str(rec))
    assert code == 0 and "WARNING" not in out and not err
    data = json.loads(rec.read_text())
    data["actions"] = data["actions"][:-5]  # cut short: the report must not pass for the game
    rec.write_text(json.dumps(data))
    code, out, err = run_main(capsys, "aar", str(rec))
    assert "WARNING: this record does not re-play" in out and "warning" in err
    code, out, _ = run_main(capsys, "aar", str(rec), "--json")
    assert "does not re-play" in json.loads(out)["warning"]
