"""Tests for game.scenario.yamlload: positions, problems, recovery and hostile input."""

from __future__ import annotations

import hashlib
import json
import os
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.scenario import yamlload
from game.scenario.yamlload import (
    DEFAULT_LIMITS,
    Limits,
    LoadedYaml,
    Problem,
    load_yaml,
    load_yaml_text,
)


def load(text: str, **kwargs: Any) -> LoadedYaml:
    return load_yaml_text(textwrap.dedent(text), "s.yaml", **kwargs)


def messages(result: LoadedYaml) -> list[str]:
    return [p.message for p in result.problems]


def lines_of(result: LoadedYaml) -> list[int]:
    return [p.line for p in result.problems]


def get(data: Any, loc: tuple) -> Any:
    for part in loc:
        data = data[part]
    return data


@pytest.fixture(params=["c", "python"])
def any_loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with libyaml and with the pure-Python fallback loader."""
    if request.param == "python":
        monkeypatch.setattr(yamlload, "_LOADER", yaml.SafeLoader)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("libyaml not available")
    return request.param


# --------------------------------------------------------------------------- basics


def test_problem_str_format() -> None:
    assert str(Problem("a/b.yaml", 3, 7, "bad")) == "a/b.yaml:3:7: bad"


def test_default_limits() -> None:
    assert DEFAULT_LIMITS == Limits(4_000_000, 500_000, 1_000, 64)


SCENARIO = """\
name: Khalkhin Gol
sides:
  japan:
    units:
      - id: j1
        men: 100
      - {id: j2, men: 50}
map: [1, 2,
  3]
"""


def test_positions_of_nested_keys_and_items(any_loader: str) -> None:
    r = load_yaml_text(SCENARIO, "scn.yaml")
    assert r.problems == []
    assert r.path == "scn.yaml"
    assert r.data == yaml.safe_load(SCENARIO)
    p, k = r.positions, r.key_positions
    assert p[()] == (1, 1)
    assert k[("name",)] == (1, 1) and p[("name",)] == (1, 7)
    assert k[("sides",)] == (2, 1) and p[("sides",)] == (3, 3)
    assert k[("sides", "japan")] == (3, 3)
    assert p[("sides", "japan", "units")] == (5, 7)
    assert p[("sides", "japan", "units", 0)] == (5, 9)
    assert k[("sides", "japan", "units", 0, "men")] == (6, 9)
    assert p[("sides", "japan", "units", 0, "men")] == (6, 14)
    assert p[("sides", "japan", "units", 1)] == (7, 9)
    assert k[("sides", "japan", "units", 1, "men")] == (7, 18)
    assert p[("sides", "japan", "units", 1, "men")] == (7, 23)
    assert p[("map",)] == (8, 6)
    assert p[("map", 2)] == (9, 3)
    # every recorded position addresses something that exists in data
    for loc in p:
        get(r.data, loc)


def test_pos_and_problem_helpers() -> None:
    r = load_yaml_text(SCENARIO, "scn.yaml")
    men = ("sides", "japan", "units", 0, "men")
    assert r.pos(men) == (6, 14)
    assert r.pos(men, key=True) == (6, 9)
    # unknown loc -> nearest known ancestor (a missing key is reported at its mapping)
    assert r.pos(("sides", "japan", "units", 0, "missing", 3)) == (5, 9)
    # key=True for a sequence item (no key) falls back to the value position
    assert r.pos(("map", 1), key=True) == (8, 10)
    assert r.pos(("nope",)) == (1, 1)
    prob = r.problem(men, "must be positive", key=True)
    assert str(prob) == "scn.yaml:6:9: must be positive"
    assert r.problems == []  # problem() builds, it does not record
    empty = load_yaml_text("")
    assert empty.pos(()) == (1, 1) and empty.pos(("a", 0)) == (1, 1)


def test_columns_count_characters_not_bytes(any_loader: str) -> None:
    r = load_yaml_text("name: Халхин-Гол\nплан: [ä, b]\n")
    assert r.problems == []
    assert r.key_positions[("план",)] == (2, 1)
    assert r.positions[("план", 1)] == (2, 11)


def test_scalars_resolve_like_yaml11_safe_load() -> None:
    text = textwrap.dedent(
        """\
        i: 12
        hexa: 0x1f
        under: 1_000
        f: 1.5
        inf: .inf
        b1: yes
        b2: Off
        n1: ~
        n2:
        s: "12"
        tagged: !!str 12
        toint: !!int "7"
        sexagesimal: 1:30
        """
    )
    r = load_yaml_text(text)
    assert r.problems == []
    assert r.data == yaml.safe_load(text)
    assert r.data["b1"] is True and r.data["tagged"] == "12" and r.data["sexagesimal"] == 90


def test_timestamps_stay_iso_strings() -> None:
    r = load("d: 1939-05-11\nt: 1939-08-20 05:45:00\nx: !!timestamp 2001-12-14t21:59:43.10-05:00\n")
    assert r.problems == []
    assert r.data == {
        "d": "1939-05-11",
        "t": "1939-08-20 05:45:00",
        "x": "2001-12-14t21:59:43.10-05:00",
    }
    json.dumps(r.data)


def test_sha256_of_text_and_file(tmp_path: Path) -> None:
    text = "a: 1\n"
    assert load_yaml_text(text).sha256 == hashlib.sha256(text.encode()).hexdigest()
    f = tmp_path / "x.yaml"
    raw = b"\xef\xbb\xbfa: [1, 2]\n"
    f.write_bytes(raw)
    r = load_yaml(f)
    assert r.sha256 == hashlib.sha256(raw).hexdigest()
    assert r.data == {"a": [1, 2]} and r.problems == []
    assert r.positions[("a", 1)] == (1, 8)  # the BOM is not a column


# --------------------------------------------------------------------------- keys


def test_duplicate_keys_keep_first_value() -> None:
    r = load("a: 1\nb:\n  x: 1\n  x: 2\na: 3\n")
    assert r.data == {"a": 1, "b": {"x": 1}}
    assert [str(p) for p in r.problems] == [
        "s.yaml:4:3: duplicate key 'x' (first defined at line 3)",
        "s.yaml:5:1: duplicate key 'a' (first defined at line 1)",
    ]
    assert r.positions[("a",)] == (1, 4)  # the first definition's position is kept


def test_non_scalar_and_non_string_keys() -> None:
    r = load("1: one\n2.5: f\nnull: n\n? [x, y]\n: seq\n? {k: v}\n: map\nok: 1\n")
    assert r.data == {1: "one", 2.5: "f", None: "n", "ok": 1}
    assert r.key_positions[(1,)] == (1, 1) and r.positions[(None,)] == (3, 7)
    assert messages(r) == [
        "mapping keys must be scalars, not a sequence",
        "mapping keys must be scalars, not a mapping",
    ]
    assert lines_of(r) == [4, 6]


# --------------------------------------------------------------------------- merges and aliases

MERGE = """\
base: &base
  speed: 2
  armor: 1
heavy: &heavy
  armor: 3
  gun: 45mm
tank:
  <<: [*heavy, *base]
  speed: 4
single:
  <<: *base
inline:
  <<: {a: 1}
  b: 2
"""


def test_merge_keys(any_loader: str) -> None:
    r = load_yaml_text(MERGE, "m.yaml")
    assert r.problems == []
    assert r.data == yaml.safe_load(MERGE)
    assert r.data["tank"] == {"speed": 4, "armor": 3, "gun": "45mm"}  # explicit, then first merge wins
    assert r.data["single"] == {"speed": 2, "armor": 1}
    assert r.data["inline"] == {"a": 1, "b": 2}
    assert "<<" not in r.data["tank"]
    # explicit key keeps its own position; merged keys point at their definition
    assert r.positions[("tank", "speed")] == (9, 10)
    assert r.positions[("tank", "armor")] == (5, 10)
    assert r.key_positions[("tank", "gun")] == (6, 3)
    assert r.positions[("single", "speed")] == (2, 10)


def test_merge_problems() -> None:
    r = load("a: &a [1]\nb:\n  <<: *a\nc:\n  <<: [{x: 1}, 5]\nd:\n  <<: {x: 1}\n  <<: {y: 2}\n")
    assert r.data["c"] == {"x": 1}
    assert r.data["d"] == {"x": 1}
    assert [(p.line, p.message) for p in r.problems] == [
        (3, "merge key '<<' expects a mapping or a list of mappings"),
        (5, "merge key '<<' expects a mapping or a list of mappings"),
        (8, "duplicate key '<<' (first defined at line 7)"),
    ]


def test_quoted_merge_key_is_an_ordinary_key() -> None:
    r = load("b: &b {x: 1}\nm:\n  '<<': literal\n  <<: *b\n")
    assert r.problems == []
    assert r.data["m"] == {"<<": "literal", "x": 1}


def test_alias_positions() -> None:
    r = load("defaults: &d\n  men: 10\n  guns: [1, 2]\nunit: *d\n")
    assert r.problems == []
    assert r.data["unit"] == {"men": 10, "guns": [1, 2]}
    assert r.positions[("unit",)] == (4, 7)  # the alias itself
    assert r.positions[("unit", "men")] == (2, 8)  # inside the anchored node
    assert r.positions[("unit", "guns", 1)] == (3, 13)
    # aliased data are independent copies, safe to mutate
    r.data["unit"]["men"] = 99
    assert r.data["defaults"]["men"] == 10


def test_alias_problems() -> None:
    r = load("a: *nope\nb: &x 1\nc: &x 2\nd: *x\ne: &r [1, *r]\nf: &m {k: 1, <<: *m}\n")
    assert r.data == {"a": None, "b": 1, "c": 2, "d": 2, "e": [1, None], "f": {"k": 1}}
    assert [str(p) for p in r.problems] == [
        "s.yaml:1:4: undefined alias '*nope'",
        "s.yaml:3:4: duplicate anchor '&x' (first defined at line 2)",
        "s.yaml:5:11: recursive alias '*r'",
        "s.yaml:6:18: recursive alias '*m'",
    ]


# --------------------------------------------------------------------------- tags


def test_unsupported_tags() -> None:
    r = load(
        """\
        evil: !!python/object/apply:os.system ["echo hi"]
        custom: !foo bar
        set: !!set {a, b}
        binary: !!binary aGk=
        badint: !!int twelve
        ok: !!float 1
        """
    )
    assert r.data == {"evil": None, "custom": None, "set": None, "binary": None, "badint": None, "ok": 1.0}
    assert [(p.line, p.col) for p in r.problems] == [(1, 7), (2, 9), (3, 6), (4, 9), (5, 9)]
    assert r.problems[0].message == "unsupported tag '!!python/object/apply:os.system'"
    assert r.problems[1].message == "unsupported tag '!foo'"
    assert r.problems[4].message.startswith("invalid !!int value 'twelve'")
    assert "Error" not in " ".join(messages(r))  # no Python class names


def test_plain_merge_and_value_indicators_as_values_are_text() -> None:
    r = load("a: <<\nb: =\n")
    assert r.data == {"a": "<<", "b": "="} and r.problems == []


# --------------------------------------------------------------------------- documents


def test_multiple_documents() -> None:
    r = load("a: 1\n---\nb: 2\n---\nc: 3\n")
    assert r.data == {"a": 1}
    assert [str(p) for p in r.problems] == ["s.yaml:2:1: only one YAML document per file"]


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "\n\n   \n"])
def test_empty_documents_are_none_without_problems(text: str) -> None:
    r = load_yaml_text(text)
    assert r.data is None and r.problems == []


def test_explicit_single_document_is_fine() -> None:
    r = load("---\na: 1\n...\n")
    assert r.data == {"a": 1} and r.problems == []


# --------------------------------------------------------------------------- limits


def billion_laughs(levels: int = 9, width: int = 10) -> str:
    out = ['lol0: &lol0 "lol"']
    for i in range(1, levels + 1):
        refs = ", ".join([f"*lol{i - 1}"] * width)
        out.append(f"lol{i}: &lol{i} [{refs}]")
    return "\n".join(out) + "\n"


def test_billion_laughs_is_stopped_fast() -> None:
    start = time.perf_counter()
    r = load_yaml_text(billion_laughs(), "bomb.yaml")
    assert time.perf_counter() - start < 5.0  # a real expansion would take hours
    assert r.data is None
    assert len(r.problems) == 1
    assert r.problems[0].message == "document too large after alias expansion (billion laughs?)"


def test_max_nodes_counts_alias_expansion() -> None:
    text = "a: &a [1, 2, 3, 4]\nb: [*a, *a, *a]\n"
    assert load_yaml_text(text, limits=Limits(max_nodes=100)).problems == []
    r = load_yaml_text(text, limits=Limits(max_nodes=12))
    assert r.data is None and "billion laughs" in r.problems[0].message


def test_max_nodes_without_aliases() -> None:
    r = load_yaml_text("[" + ", ".join(["1"] * 50) + "]", limits=Limits(max_nodes=20))
    assert r.data is None
    assert messages(r) == ["document too large (more than 20 nodes)"]


def test_max_aliases() -> None:
    text = "a: &a 1\nb: [" + ", ".join(["*a"] * 11) + "]\n"
    assert load_yaml_text(text, limits=Limits(max_aliases=11)).problems == []
    r = load_yaml_text(text, limits=Limits(max_aliases=10))
    assert r.data is None
    assert messages(r) == ["too many aliases (more than 10)"]


def test_max_depth() -> None:
    ok = "[" * 64 + "]" * 64
    assert load_yaml_text(ok).problems == []
    r = load_yaml_text("[" * 65 + "]" * 65)
    assert r.data is None
    assert [str(p) for p in r.problems] == ["<string>:1:65: nesting deeper than 64 levels"]
    block = "".join("  " * i + f"k{i}:\n" for i in range(70))
    assert "nesting deeper" in load_yaml_text(block).problems[0].message


def test_max_depth_through_aliases() -> None:
    text = "a: &a [[[[1]]]]\nb: &b [[[*a]]]\nc: [[[*b]]]\n"
    assert load_yaml_text(text, limits=Limits(max_depth=13)).problems == []
    r = load_yaml_text(text, limits=Limits(max_depth=10))
    assert r.data is None and "nesting deeper than 10 levels" in messages(r)[0]


@pytest.mark.parametrize(
    "text",
    ["[" * 1_000_000, "- " * 200_000 + "x", "{a: " * 300_000],
    ids=["flow-seq", "block-seq", "flow-map"],
)
def test_hostile_nesting_is_fast_and_does_not_crash(text: str) -> None:
    # PyYAML's own C composer segfaults on ~100k nested '[': we must not.
    start = time.perf_counter()
    r = load_yaml_text(text)
    assert time.perf_counter() - start < 5.0  # guards against a blow-up, not a speed test
    assert r.data is None and "nesting deeper than 64 levels" in messages(r)[0]


def test_max_bytes_text() -> None:
    r = load_yaml_text("a: 1\n" * 10, limits=Limits(max_bytes=20))
    assert r.data is None and r.problems[0].line == 1
    assert "too large" in r.problems[0].message
    assert "too large" in load_yaml_text("é" * 15, limits=Limits(max_bytes=20)).problems[0].message


def test_max_bytes_file_is_not_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "big.yaml"
    f.write_text("a: [\n" * 1000)  # would be full of syntax errors if parsed
    monkeypatch.setattr(yamlload, "_load", lambda *a: pytest.fail("parsed"))
    r = load_yaml(f, limits=Limits(max_bytes=100))
    assert r.data is None
    assert [str(p) for p in r.problems] == [f"{f}:1:1: file is too large (5000 bytes, limit 100)"]


# --------------------------------------------------------------------------- syntax errors


def assert_rest_intact(r: LoadedYaml, key: str, line: int, value: Any) -> None:
    assert r.data is not None and r.data[key] == value
    assert r.key_positions[(key,)] == (line, 1)


def test_unclosed_flow_sequence_mid_file(any_loader: str) -> None:
    r = load("name: x\nmen: [1, 2\ntanks: 5\nsub:\n  a: 1\nguns: 3\n")
    # libyaml only notices at 3:6 (the ':' after 'tanks'); we report at the '['
    # and mention where it was detected.
    assert [(p.line, p.col) for p in r.problems] == [(2, 6)]
    assert "flow sequence" in r.problems[0].message
    assert "detected at line 3, column 6" in r.problems[0].message
    assert "men" not in r.data
    assert_rest_intact(r, "tanks", 3, 5)
    assert_rest_intact(r, "guns", 6, 3)
    assert r.positions[("sub", "a")] == (5, 6)


def test_mapping_values_not_allowed(any_loader: str) -> None:
    r = load("name: x\ntanks: 5: 6\nguns: 3\n")
    assert [(p.line, p.col) for p in r.problems] == [(2, 9)]
    assert r.problems[0].message.startswith("mapping values are not allowed")
    assert_rest_intact(r, "guns", 3, 3)
    assert "tanks" not in r.data


def test_tab_indentation(any_loader: str) -> None:
    r = load("name: x\nunits:\n\ta: 1\nguns: 3\n")
    assert [(p.line, p.col) for p in r.problems] == [(3, 1)]
    assert "tab" in r.problems[0].message
    assert_rest_intact(r, "guns", 4, 3)


def test_tab_after_indented_block(any_loader: str) -> None:
    r = load("name: x\nunits:\n  a: 1\n\tb: 2\nguns: 3\n")
    assert [p.line for p in r.problems] == [4]
    assert "tab" in r.problems[0].message
    assert r.data["units"] == {"a": 1}
    assert_rest_intact(r, "guns", 5, 3)


def test_over_indented_key(any_loader: str) -> None:
    r = load("name: x\nunits:\n  a: 1\n   b: 2\nguns: 3\n")
    assert [(p.line, p.col) for p in r.problems] == [(4, 5)]
    assert r.data["units"] == {"a": 1}
    assert_rest_intact(r, "guns", 5, 3)


def test_under_indented_key(any_loader: str) -> None:
    r = load("name: x\nunits:\n  a: 1\n b: 2\nguns: 3\n")
    assert [(p.line, p.col) for p in r.problems] == [(4, 2)]
    assert "did not find expected key" in r.problems[0].message or "expected <block end>" in r.problems[0].message
    assert_rest_intact(r, "guns", 5, 3)


def test_unclosed_quote_and_key_without_colon(any_loader: str) -> None:
    r = load("a: 1\nname: 'Zhukov\nfoo\nguns: 3\n")
    # reported at the opening quote (libyaml hits the end of the stream first)
    assert [(p.line, p.col) for p in r.problems][0] == (2, 7)
    assert "quoted scalar" in r.problems[0].message
    assert_rest_intact(r, "guns", 4, 3)
    r = load("a: 1\nfoo\nguns: 3\n")
    # libyaml detects the missing ':' on the next line; we report the key's line
    assert [(p.line, p.col) for p in r.problems] == [(2, 1)]
    assert "detected at line 3" in r.problems[0].message
    assert_rest_intact(r, "guns", 3, 3)


def test_every_syntax_error_is_reported(any_loader: str) -> None:
    r = load("a: [1\nb: 2\nc: 3: 4\nd: 1\n\te: 1\nf: 6\n")
    assert lines_of(r) == [1, 3, 5]
    assert r.data == {"b": 2, "d": 1, "f": 6}
    assert r.key_positions[("f",)] == (6, 1)
    assert all("Error" not in m and "Traceback" not in m for m in messages(r))


def test_error_at_end_of_stream() -> None:
    # libyaml reports an unclosed '[' on the last line at the (empty) line after it
    r = load("a: 1\nb: [\n")
    assert [(p.line, p.col) for p in r.problems] == [(3, 1)]
    assert r.data == {"a": 1}


def test_recovery_rounds_are_capped() -> None:
    text = "".join(f"k{i}: 1: 2\n" for i in range(40))
    start = time.perf_counter()
    r = load_yaml_text(text)
    assert time.perf_counter() - start < 5.0  # guards against a blow-up, not a speed test
    assert len(r.problems) == 20  # one per round, distinct
    assert r.data is None  # never got a clean parse


def test_crlf_line_endings(any_loader: str) -> None:
    r = load_yaml_text("a: 1\r\nb: 2: 3\r\nc:\r\n  - x\r\n")
    assert lines_of(r) == [2]
    assert r.data == {"a": 1, "c": ["x"]}
    assert r.positions[("c", 0)] == (4, 5)


# --------------------------------------------------------------------------- encoding and files


def test_invalid_utf8_reports_first_bad_byte(tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_bytes(b"name: ok\nleader: \xd0\x96\xd1\x83 \xff!\nmen: 5\nx: \xc3")
    r = load_yaml(f)
    # the first bad byte, with a count of the others (one line, not one per byte)
    assert [str(p) for p in r.problems] == [
        f"{f}:2:12: invalid UTF-8 byte 0xff (and 1 more): the file is not UTF-8; save it as UTF-8",
    ]
    assert r.data["men"] == 5  # the rest is still loaded
    assert r.positions[("men",)] == (3, 6)


def test_binary_file_is_one_problem(tmp_path: Path) -> None:
    f = tmp_path / "binary.bin"
    f.write_bytes(bytes(range(256)) * 4)  # byte 0x80 is on line 3 (after \n and \r), column 115
    r = load_yaml(f)
    assert r.data is None
    assert [str(p) for p in r.problems] == [
        f"{f}:3:115: invalid UTF-8 byte 0x80 (and 511 more): this is a binary file, not YAML text"
    ]


def test_layout_errors_say_how_to_fix_them(any_loader: str) -> None:
    r = load("units:\n  - id: a\n    men: 1\n   tanks: 2\nguns: 3\n")
    assert len(r.problems) == 1
    assert r.problems[0].message.endswith("; check the indentation of this line and the one above"), messages(r)
    r = load("name: x\nunits:\n\ta: 1\nguns: 3\n")
    assert r.problems[0].message.endswith("; YAML does not allow tabs for indentation: use spaces"), messages(r)
    r = load("name: x\nunits:\n  a: 1\n\tb: 2\nguns: 3\n")
    assert r.problems[0].message.endswith("; YAML does not allow tabs for indentation: use spaces"), messages(r)


def test_control_characters(any_loader: str) -> None:
    r = load_yaml_text("a: b\x01c\nb: \x00\nc: 3\n")
    assert [(p.line, p.col) for p in r.problems] == [(1, 5), (2, 4)]
    assert r.problems[0].message == "character U+0001 is not allowed in YAML"
    assert r.data["c"] == 3


def test_lone_surrogate_in_text(any_loader: str) -> None:
    r = load_yaml_text("a: x\ud800\nb: 2\n")
    assert [(p.line, p.col) for p in r.problems] == [(1, 5)]
    assert r.data["b"] == 2


def test_many_control_characters_are_summarised() -> None:
    r = load_yaml_text("a: '" + "\x07" * 30 + "'\nb: 1\n")
    assert len(r.problems) == 21
    assert r.problems[-1].message.endswith("(10 more not listed individually)")
    assert r.data["b"] == 1


def test_missing_file_and_directory(tmp_path: Path) -> None:
    r = load_yaml(tmp_path / "nope.yaml")
    assert r.data is None and [str(p) for p in r.problems] == [f"{tmp_path / 'nope.yaml'}:1:1: file not found"]
    r = load_yaml(tmp_path)
    assert r.data is None and (r.problems[0].line, r.problems[0].col) == (1, 1)
    assert "directory" in r.problems[0].message


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file(tmp_path: Path) -> None:
    f = tmp_path / "secret.yaml"
    f.write_text("a: 1\n")
    f.chmod(0)
    r = load_yaml(f)
    assert r.data is None and r.problems[0].message == "permission denied"


def test_permission_error_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "secret.yaml"
    f.write_text("a: 1\n")

    def denied(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(yamlload, "open", denied, raising=False)  # shadows the builtin in the module
    r = load_yaml(f)
    assert r.data is None and [str(p) for p in r.problems] == [f"{f}:1:1: permission denied"]


def test_load_yaml_reads_file_and_accepts_str_path(tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text(SCENARIO, encoding="utf-8")
    r = load_yaml(str(f))
    assert r.path == str(f) and r.problems == []
    assert r.positions[("sides", "japan", "units", 1, "men")] == (7, 23)


def test_bad_path_values(tmp_path: Path) -> None:
    r = load_yaml(str(tmp_path) + "/x\0y.yaml")
    assert r.data is None and r.problems[0].message == "invalid file name"
    f = tmp_path / "b.yaml"
    f.write_text("a: 1\n")
    assert load_yaml(os.fsencode(f)).data == {"a": 1}


def test_unexpected_internal_error_becomes_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any) -> Any:
        raise ValueError("kaput")

    monkeypatch.setattr(yamlload, "_compose", boom)
    r = load_yaml_text("a: 1\n")
    assert r.data is None
    assert [str(p) for p in r.problems] == ["<string>:1:1: could not read YAML: kaput"]


# --------------------------------------------------------------------------- fuzzing


def check_invariants(r: LoadedYaml) -> None:
    assert isinstance(r, LoadedYaml)
    for p in r.problems:
        assert isinstance(p, Problem) and p.line >= 1 and p.col >= 1 and p.message
    for line, col in [*r.positions.values(), *r.key_positions.values()]:
        assert line >= 1 and col >= 1
    for loc in r.positions:
        get(r.data, loc)
    json.dumps(r.data, default=repr)


FRAGMENTS = [
    ":",
    ": ",
    "-",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "<<: ",
    "\t",
    "\n",
    "\n  ",
    " ",
    "  ",
    "a",
    "key",
    "12",
    "1.5",
    "yes",
    "~",
    "'",
    '"',
    "#",
    "!!str ",
    "!foo ",
    "? ",
    "|",
    ">",
    "---",
    "...",
    "%YAML 1.1",
    "\\",
    "é",
    "\r\n",
]

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.text(max_size=200))
def test_fuzz_random_text(text: str) -> None:
    check_invariants(load_yaml_text(text))


@FUZZ
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join))
def test_fuzz_yamlish_text(text: str) -> None:
    check_invariants(load_yaml_text(text, limits=Limits(max_nodes=2_000, max_depth=16)))


@FUZZ
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
def test_fuzz_yamlish_text_python_loader(text: str) -> None:
    saved = yamlload._LOADER
    yamlload._LOADER = yaml.SafeLoader
    try:
        check_invariants(load_yaml_text(text, limits=Limits(max_nodes=2_000, max_depth=16)))
    finally:
        yamlload._LOADER = saved


VALID_FRAGMENTS = [
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "&a ",
    "*a",
    "<<: ",
    "\n",
    "\n  ",
    " ",
    "a",
    "b",
    "12",
    "1.5",
    "yes",
    "~",
    "'x'",
    "? ",
    "!!str 1",
]


@FUZZ
@given(st.lists(st.sampled_from(VALID_FRAGMENTS), max_size=30).map("".join))
def test_fuzz_agrees_with_yaml_safe_load(text: str) -> None:
    try:
        expected = yaml.load(text, Loader=yamlload._LOADER)
    except yaml.YAMLError:
        return
    r = load_yaml_text(text)
    if not r.problems:  # duplicate keys are accepted by PyYAML but reported here
        assert r.data == expected


@FUZZ
@given(st.binary(max_size=120))
def test_fuzz_file_bytes(tmp_path_factory: pytest.TempPathFactory, raw: bytes) -> None:
    f = tmp_path_factory.getbasetemp() / "fuzz.yaml"
    f.write_bytes(raw)
    r = load_yaml(f)
    check_invariants(r)
    assert r.sha256 == hashlib.sha256(raw).hexdigest()
