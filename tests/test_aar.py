"""The after-action report: losses against the documents, the turn-by-turn series, the luck line."""

from __future__ import annotations

import math

import pytest

from game.aar import CombatLuck, Tracker, build_report, luck_line, render_text, report_from_record
from game.ai.agents import make_agent
from game.engine import apply, current_actors, new_game, observe
from game.replay import read_record, write_record
from game.scenario.loader import load_scenario, load_scenario_checked
from game.simulate import play_game


@pytest.fixture(scope="module")
def july_game():
    """Six turns of the July scenario, historical against historical, with a tracker."""
    scen = load_scenario("crossing_3_july")
    state = new_game(scen, 5)
    tracker = Tracker(state)
    agents = {s: make_agent("historical", 5, s) for s in scen.sides}
    while current_actors(state) and state.turn < 6:
        side = current_actors(state)[0]
        state, events = apply(state, agents[side].act(observe(state, side), side))
        tracker.after(state, events)
    return scen, state, tracker


def test_one_point_per_turn_with_score_control_air_and_tonnage(july_game):
    scen, state, tracker = july_game
    assert [p.turn for p in tracker.points] == list(range(6))
    rep = build_report(tracker, state)  # closes the turn in progress too
    assert [p.turn for p in rep.series] == list(range(7))
    first = tracker.points[0]
    assert first.label == "02 Jul 20:00"
    assert set(first.held) == set(scen.sides) and set(first.air) == {z.id for z in scen.air_zones}
    # nights have no air; by 03 Jul 04:00 (turn 2, day) somebody flew
    assert all(v == "none" for v in tracker.points[0].air.values())
    assert any(v != "none" for p in tracker.points[2:] for v in p.air.values())
    # tonnage: what the depots received, turn by turn, adds up to the side's delivered total
    for side in scen.sides:
        assert sum(p.delivered[side] for p in rep.series) == pytest.approx(state.logistics[side].delivered, abs=0.5)
    # losses are cumulative and end at the state's figures
    for side in scen.sides:
        men = [p.losses[side]["men"] for p in tracker.points]
        assert men == sorted(men) and men[-1] == state.losses[side]["men"]
    assert tracker.combats, "the Japanese attack on the first night"


def test_losses_are_set_against_the_documents_range(july_game):
    scen, state, tracker = july_game
    rep = build_report(tracker, state)
    tanks = rep.losses["japanese"]["tanks"]
    figs = scen.historical_outcome.losses["japanese"]["tanks"]
    assert tanks.game == state.losses["japanese"]["tanks"]
    assert (tanks.low, tanks.high) == (min(f.value for f in figs), max(f.value for f in figs))
    assert {f["source"] for f in tanks.figures} == {f.source for f in figs}
    assert rep.losses["soviet"]["trucks"].low is None  # no document gives a figure
    assert rep.historical_result["winner"] == "soviet"
    d = rep.to_dict()
    assert d["losses"]["japanese"]["tanks"]["game"] == tanks.game and len(d["series"]) == 7
    text = render_text(rep)
    assert "Losses against the documents" in text and "ULSH" in text and "Luck" in text


def _combat(attacker: str, shift: int) -> CombatLuck:
    other = "japanese" if attacker == "soviet" else "soviet"
    return CombatLuck(0, attacker, shift, "", {attacker: 10, other: 10}, {attacker: 8.0, other: 12.0})


def test_luck_line_counts_columns_for_and_against_and_gives_a_probability():
    scen = load_scenario("test_skirmish")
    var = sum(s.p * s.shift**2 for s in scen.rules.combat.shifts)
    even = [_combat("soviet", 0)] * 10
    line = luck_line(scen, even, "soviet")
    assert line.columns == 0 and line.combats == 10 and "even dice" in line.text
    # the Soviets rolled +2 on their four attacks and the Japanese −1 on their four: +12 columns
    rolls = [_combat("soviet", 2)] * 4 + [_combat("japanese", -1)] * 4
    su, jp = luck_line(scen, rolls, "soviet"), luck_line(scen, rolls, "japanese")
    assert (su.columns, jp.columns) == (12, -12)
    z = (12 - 0.5) / math.sqrt(8 * var)
    assert su.probability == pytest.approx(0.5 * math.erfc(z / math.sqrt(2)))
    assert su.probability < 0.01 and "lucky" in su.text and "unlucky" in jp.text
    assert su.men_lost == 80 and su.men_expected == pytest.approx(4 * 8.0 + 4 * 12.0)
    assert luck_line(scen, [], "soviet").combats == 0


def test_report_from_a_record_replays_the_game(tmp_path):
    scen = load_scenario("test_skirmish")
    rec = play_game(scen, 3, {"soviet": "random", "japanese": "random"})
    path = tmp_path / "game.json"
    write_record(rec, path)
    rep = report_from_record(read_record(path))
    assert rep.result == rec.final.result
    assert len(rep.series) == rec.final.turn + 1
    for side in scen.sides:
        assert rep.losses[side]["men"].game == rec.final.losses[side]["men"]


def test_historical_outcome_is_validated_with_positions(tmp_path):
    src = load_scenario("crossing_3_july").path
    text = (
        open(src, encoding="utf-8")
        .read()
        .replace(
            "      armored_cars:\n        - {value: 143, source: MEL", "      armoured_cars:\n        - {value: 143, source: MEL"
        )
    )
    assert "armoured_cars:" in text
    bad = tmp_path / "crossing_3_july.yaml"
    bad.write_text(text, encoding="utf-8")
    for f in ("ruleset.yaml",):
        (tmp_path / f).write_text(open(src.replace("crossing_3_july.yaml", f), encoding="utf-8").read(), encoding="utf-8")
    (tmp_path / "maps").mkdir()
    mp = src.replace("crossing_3_july.yaml", "maps/khalkhin_gol.yaml")
    (tmp_path / "maps" / "khalkhin_gol.yaml").write_text(open(mp, encoding="utf-8").read(), encoding="utf-8")
    scen, problems = load_scenario_checked(bad)
    assert scen is None
    line = text[: text.index("      armoured_cars:\n        - {value: 143")].count("\n") + 1
    assert [(p.line, "armoured_cars" in p.message and "historical_outcome" in p.message) for p in problems] == [(line, True)]


def test_aar_command_prints_the_report_and_refuses_bad_files(tmp_path, capsys):
    from game.cli import main

    scen = load_scenario("test_skirmish")
    rec = play_game(scen, 4, {"soviet": "random", "japanese": "random"})
    path = tmp_path / "game.json"
    write_record(rec, path)
    assert main(["aar", str(path)]) == 0
    out = capsys.readouterr().out
    assert "After-action report" in out and "Luck" in out
    assert main(["aar", str(path), "--json"]) == 0
    import json

    d = json.loads(capsys.readouterr().out)
    assert d["scenario"] == "test_skirmish" and len(d["series"]) == rec.final.turn + 1
    (tmp_path / "junk.json").write_text("{not json", encoding="utf-8")
    assert main(["aar", str(tmp_path / "junk.json")]) == 1
    assert main(["aar", str(tmp_path / "missing.json")]) == 1
    data = json.loads(path.read_text(encoding="utf-8"))
    data["scenario_sha256"] = "0" * 64
    (tmp_path / "changed.json").write_text(json.dumps(data), encoding="utf-8")
    assert main(["aar", str(tmp_path / "changed.json")]) == 1
    err = capsys.readouterr().err
    assert "made with another version of scenario" in err and "Traceback" not in err


def test_monte_carlo_sets_outcomes_and_losses_against_history():
    from game.aar import monte_carlo

    scen = load_scenario("crossing_3_july")
    zero = dict.fromkeys(("men", "tanks", "armored_cars", "guns", "aircraft", "trucks"), 0)
    games = []
    for i, tanks in enumerate([20, 30, 40, 50]):
        jp = {**zero, "tanks": tanks}
        games.append(
            {
                "winner": "soviet" if i else None,
                "result": "marginal" if i else "draw",
                "losses": {"soviet": dict(zero), "japanese": jp},
            }
        )
    mc = monte_carlo(scen, games)
    assert mc["games"] == 4 and mc["results"] == {"draw": 0.25, "soviet_marginal": 0.75}
    assert mc["historical_result"]["result"] == "soviet_marginal"
    assert mc["historical_result"]["share_of_games"] == 0.75 and mc["historical_result"]["same_winner_share"] == 0.75
    row = mc["losses"]["japanese"]["tanks"]
    assert row["mean"] == 35.0 and row["p10"] == 20 and row["p90"] == 50
    assert (row["history_low"], row["history_high"]) == (29, 45)
    assert row["within_history"] == 0.5  # 30 and 40 of 20, 30, 40, 50
    # a single figure: within ±25 %
    assert mc["losses"]["japanese"]["aircraft"]["within_history"] == 0.0
    assert "history_low" not in mc["losses"]["soviet"]["trucks"]
