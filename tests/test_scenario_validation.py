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


ORDERS = """
sources:
  TEST: {title: "Test data"}
historical_orders:
  soviet:
    - {start: "1939-07-03T04:00", units: [su_rifle, jp_tank], hold: true, source: TEST}
    - {start: "1939-07-03T12:00", until: "1939-07-03T08:00", units: [su_cav], go: army_bridge, source: TEST}
    - {start: "1939-07-03T08:00", units: [su_art], hold: true, source: Zhukov memoirs}
"""


def test_order_naming_an_enemy_unit_and_ending_before_it_starts(tmp_path):
    text = SKIRMISH + ORDERS
    probs = [str(x) for x in validate_path(write(tmp_path, text))]
    n = line_of(text, "su_rifle, jp_tank")
    col = text.splitlines()[n - 1].index("jp_tank") + 1
    assert f"scen.yaml:{n}:{col}: historical_orders.soviet[0].units: 'jp_tank' is a japanese unit" in "\n".join(probs), probs
    n = line_of(text, "until:")
    col = text.splitlines()[n - 1].index("until") + 1
    assert any(
        f":{n}:{col}: historical_orders.soviet[1].until: until 1939-07-03T08:00 is before start 1939-07-03T12:00" in x
        for x in probs
    ), probs
    # an unknown source says what a source field may cite
    src = [x for x in probs if "Zhukov memoirs" in x]
    assert len(src) == 1 and "DES (a design choice)" in src[0] and "TEST" in src[0] and ".md" in src[0], src
    assert len(probs) == 3, probs
    # the same orders without the mistakes are fine
    good = ORDERS.replace("su_rifle, jp_tank", "su_rifle").replace(
        '"1939-07-03T08:00", units: [su_cav]', '"1939-07-03T16:00", units: [su_cav]'
    )
    good = good.replace("Zhukov memoirs", "DES")
    assert validate_path(write(tmp_path, SKIRMISH + good, "good.yaml")) == []


def test_missing_ruleset_or_map_file_does_not_cascade(tmp_path):
    # without the ruleset the map cannot be built: place ids are taken as written, and said once
    p = write(tmp_path, SKIRMISH.replace("ruleset: ruleset.yaml", "ruleset: nowhere.yaml"))
    probs = [str(x) for x in validate_path(p)]
    assert len(probs) == 1 and "not found" in probs[0] and "were not checked" in probs[0], probs
    # a missing map file: nothing about places that the map would have held
    text = SKIRMISH.replace("map:\n  extent_km:", "map:\n  file: maps/nowhere.yaml\n  extent_km:")
    start = text.index("  base_terrain: steppe")
    text = text[:start] + text[text.index("\nunits:") + 1 :]
    probs = [str(x) for x in validate_path(write(tmp_path, text, "nomap.yaml"))]
    assert len(probs) == 1, probs
    assert f":{line_of(text, 'file: maps/nowhere.yaml')}:" in probs[0]
    assert "'maps/nowhere.yaml' not found" in probs[0] and "places and positions were not checked" in probs[0]


def test_messages_do_not_repeat_the_value(tmp_path):
    text = SKIRMISH.replace('start: "1939-07-03T04:00"', 'start: "03/07/1939 04:00"')
    probs = [str(x) for x in validate_path(write(tmp_path, text))]
    assert any(x.endswith("calendar.start: '03/07/1939 04:00' is not a date-time like 1939-07-02T20:00") for x in probs), probs


def test_binary_file_is_one_line(tmp_path, capsys):
    import random

    rnd = random.Random(7)
    p = tmp_path / "binary.json"
    p.write_bytes(bytes(rnd.randrange(256) for _ in range(2000)))
    assert main(["validate", str(p)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1, out
    assert re.match(
        rf"^{re.escape(str(p))}:\d+:\d+: invalid UTF-8 byte 0x[0-9a-f]{{2}} \(and \d+ more\): this is a binary file", out[0]
    )


def test_readme_lists_every_top_level_key():
    from game.scenario.schema import ScenarioSpec

    readme = (SCENARIO_DIR / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("Required top-level keys") :].split("```")[0]
    named = set(re.findall(r"`([a-z_]+)", section))
    assert set(ScenarioSpec.model_fields) <= named, set(ScenarioSpec.model_fields) - named
    assert "historical_outcome:" in readme  # and its schema is described
