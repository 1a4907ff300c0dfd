"""Scenario and ruleset validation: every problem at once, as PATH:LINE:COL: message."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from game.cli import main
from game.scenario.loader import SCENARIO_DIR, ScenarioError, load_scenario, load_scenario_checked, validate_path

DATA = Path(__file__).parent / "data"
SKIRMISH = (SCENARIO_DIR / "test_skirmish.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str, name: str = "scen.yaml") -> Path:
    shutil.copy(SCENARIO_DIR / "ruleset.yaml", tmp_path / "ruleset.yaml")
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_shipped_files_are_valid():
    for p in sorted(SCENARIO_DIR.rglob("*.yaml")):
        assert validate_path(p) == [], p


def test_four_problems_in_one_file_all_reported_with_lines(capsys):
    path = DATA / "four_errors.yaml"
    text = path.read_text(encoding="utf-8")
    code = main(["validate", str(path)])
    out = capsys.readouterr().out.strip().splitlines()
    assert code == 1
    assert len(out) == 4, out
    pat = re.compile(r"^(.+):(\d+):(\d+): (.+)$")
    parsed = [pat.match(line).groups() for line in out]
    assert all(p[0] == str(path) for p in parsed)
    lines = [int(p[1]) for p in parsed]
    assert lines == [
        line_of(text, "broken: [1, 2"),  # syntax error
        line_of(text, "men: lots"),  # wrong type
        line_of(text, "type: enginer_bn"),  # unknown unit type
        line_of(text, "at: [40, -1.8]"),  # off the map
    ]
    msgs = [p[3] for p in parsed]
    assert "flow sequence" in msgs[0]
    assert "whole number" in msgs[1] and "'lots'" in msgs[1]
    assert "did you mean 'engineer_bn'" in msgs[2]
    assert "off the map" in msgs[3]
    assert "Traceback" not in " ".join(out)


def test_duplicate_keys_and_unknown_keys_with_hints(tmp_path):
    text = SKIRMISH.replace("first_side: japanese\n", "first_side: japanese\nfirst_side: soviet\n")
    text = text.replace("    quality: 0.8\n", "    qualty: 0.8\n")
    p = write(tmp_path, text)
    probs = [str(x) for x in validate_path(p)]
    dup = line_of(text, "first_side: soviet")
    assert any(f":{dup}:1: duplicate key 'first_side'" in x for x in probs), probs
    q = line_of(text, "qualty")
    assert any(f":{q}:" in x and "unknown key 'qualty'" in x and "did you mean 'quality'" in x for x in probs), probs


def test_missing_source_and_bad_reinforcement_turn(tmp_path):
    text = SKIRMISH.replace("    source: TEST\n    men: 300\n", "    men: 300\n", 1)
    text = text.replace("arrives: {turn: 3,", "arrives: {turn: 30,")
    p = write(tmp_path, text)
    probs = [str(x) for x in validate_path(p)]
    assert any("men = 300 has no source" in x and f":{line_of(text, 'men: 300')}:" in x for x in probs), probs
    assert any("after the last turn" in x for x in probs), probs


def test_unit_on_impassable_ground_and_enemy_hex(tmp_path):
    # the lake is at (4.5, 4); the Soviet cavalry is moved into it
    text = SKIRMISH.replace("    at: [4, -1.8]\n", "    at: [4.5, 4]\n")
    p = write(tmp_path, text)
    probs = [str(x) for x in validate_path(p)]
    assert any("cannot stand on lake" in x for x in probs), probs


def test_ruleset_problems_are_reported_in_the_ruleset_file(tmp_path):
    rules = (SCENARIO_DIR / "ruleset.yaml").read_text(encoding="utf-8")
    rules = rules.replace("class: tank, mp: 12", "class: tnak, mp: 12")
    rules = rules.replace("{phase: combat, side: first", "{phase: combta, side: first")
    p = write(tmp_path, SKIRMISH)
    (tmp_path / "ruleset.yaml").write_text(rules, encoding="utf-8")
    probs = [str(x) for x in validate_path(p)]
    assert any(x.startswith(str(tmp_path / "ruleset.yaml")) and "did you mean 'tank'" in x for x in probs), probs
    assert any("unknown phase 'combta'; did you mean 'combat'" in x for x in probs), probs
    assert any(f":{line_of(rules, 'combta')}:" in x for x in probs)


def test_missing_ruleset_and_missing_file(tmp_path):
    p = write(tmp_path, SKIRMISH.replace("ruleset: ruleset.yaml", "ruleset: nowhere.yaml"))
    probs = [str(x) for x in validate_path(p)]
    assert any("ruleset file 'nowhere.yaml' not found" in x for x in probs)
    scen, probs = load_scenario_checked("test_skirmsh")
    assert scen is None and "did you mean 'test_skirmish'" in str(probs[0])


def test_hostile_files_fail_fast_with_a_message(tmp_path):
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n" for p, c in zip("abcdefgh", "bcdefghi")
    )
    p = write(tmp_path, laughs, "bomb.yaml")
    probs = validate_path(p)
    assert probs and all(x.line >= 1 for x in probs)
    big = write(tmp_path, "kind: scenario\n" + "# padding\n" * 600_000, "big.yaml")
    assert any("too large" in x.message or "bytes" in x.message for x in validate_path(big))


def test_load_scenario_raises_with_every_problem():
    with pytest.raises(ScenarioError) as exc:
        load_scenario(DATA / "four_errors.yaml")
    assert len(exc.value.problems) == 4


def test_validate_cli_exit_codes(capsys, tmp_path):
    assert main(["validate", str(SCENARIO_DIR / "test_skirmish.yaml")]) == 0
    assert "OK" in capsys.readouterr().out
    junk = write(tmp_path, "just: [a list\n", "junk.yaml")
    assert main(["validate", str(junk)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"junk\.yaml:\d+:\d+: ", out)


def test_reinforcements_by_date_time(tmp_path, skirmish):
    # the shipped skirmish dates the second tank battalion 12:30 on 3 July: turn index 2 (12:00-16:00)
    assert skirmish.setup("su_tank_2").arrives == 2
    late = SKIRMISH.replace('time: "1939-07-03T12:30"', 'time: "1939-07-09T12:30"')
    both = SKIRMISH.replace('arrives: {time: "1939-07-03T12:30",', 'arrives: {turn: 1, time: "1939-07-03T12:30",')
    bad = SKIRMISH.replace('time: "1939-07-03T12:30"', 'time: "noon"')
    assert any("after the scenario ends (1939-07-04 12:00)" in str(x) for x in validate_path(write(tmp_path, late, "late.yaml")))
    assert any("either 'turn'" in str(x) for x in validate_path(write(tmp_path, both, "both.yaml")))
    assert any("'noon' is not a date-time" in str(x) for x in validate_path(write(tmp_path, bad, "bad.yaml")))
