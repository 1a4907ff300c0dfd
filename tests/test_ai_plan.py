"""The scenario's operational plan (``operational_plan:``) and the ``ai``'s memory.

The loader checks the section as it checks the others (PATH:LINE:COL, did-you-mean); the agent
pushes toward a phase line once its date has come, garrisons a hold line without attacking out of
it, falls back by the way out when the line is lost, and keeps an enemy it saw in its threat map
for a few turns after losing sight of it. Hand-built maps come from ``tests/builders.py``.
"""

from __future__ import annotations

import pytest
from builders import advance_to, build, unit

from game.actions import Attack, Move
from game.ai import opplan
from game.ai.planner import AIAgent
from game.engine import apply, current_actors, legal_actions, new_game, observe
from game.hexgrid import distance, neighbors
from game.rules import fog
from game.scenario.loader import ScenarioError, load_scenario

W = 3  # neighbour direction: west


def parked(specs):
    return [unit(uid, side, utype, [-9.5 + i, -5.5], **counts) for i, (uid, side, utype, counts) in enumerate(specs)]


def place(state, **where):
    for uid, h in where.items():
        state.units[uid].hex = h
    fog.recompute(state)
    return state


def plan_doc(**soviet):
    return {"operational_plan": {"soviet": {"intent": "Test intent", "source": "TEST", **soviet}}}


LINE = {"name": "North-west line", "task": "reach", "at": [[-5.0, 4.0]], "by": "1939-07-03T20:00", "weight": 3, "source": "TEST"}


# --- the loader ------------------------------------------------------------------------------


def test_the_plan_is_read_with_its_turns(tmp_path):
    line = dict(LINE, start="1939-07-03T12:00")
    hold = {"name": "Centre", "task": "hold", "places": ["centre"], "by": "1939-07-03T15:59", "source": "TEST"}
    way = {"name": "Back west", "at": [[-8.0, 0.0]], "source": "TEST"}
    scen = build(
        tmp_path,
        parked([("su_1", "soviet", "rifle_bn", {"men": 800})]),
        extra=plan_doc(phase_lines=[line, hold], way_out=way, objectives=[{"place": "centre", "task": "hold", "source": "TEST"}]),
    )
    plan = scen.plans["soviet"]
    assert plan.intent == "Test intent" and "japanese" not in scen.plans
    reach, held = plan.phase_lines
    assert (reach.start_turn, reach.due_turn) == (1, 3)  # 4-h turns from 08:00: 12:00 is turn 1, 20:00 turn 3
    assert reach.hexes == (scen.map.km_to_hex(-5.0, 4.0),)
    assert (held.start_turn, held.due_turn, held.hexes) == (0, 1, (scen.map.places["centre"].hex,))
    assert plan.way_out is not None and plan.way_out.hexes == (scen.map.km_to_hex(-8.0, 0.0),)
    assert opplan.intent(scen, "soviet") == "Test intent" and opplan.intent(scen, "japanese") == ""


def test_a_bad_place_name_is_reported_with_its_position_and_a_suggestion(tmp_path):
    bad = dict(LINE, places=["centr"])
    with pytest.raises(ScenarioError) as exc:
        build(tmp_path, parked([("su_1", "soviet", "rifle_bn", {"men": 800})]), extra=plan_doc(phase_lines=[bad]))
    text = [str(p) for p in exc.value.problems]
    hit = [t for t in text if "unknown place 'centr'" in t]
    assert hit, text
    path, line, col, _ = hit[0].split(":", 3)
    assert path.endswith("scenario.yaml") and int(line) > 1 and int(col) > 1
    assert "did you mean 'centre'?" in hit[0]
    assert "operational_plan.soviet.phase_lines[0].places[0]" in hit[0]


def test_unknown_keys_sides_and_bad_dates_are_reported(tmp_path):
    doc = {
        "operational_plan": {
            "sovet": {"intent": "x", "source": "TEST"},
            "japanese": {"intnt": "x", "source": "TEST", "phase_lines": [dict(LINE, by="3 July")]},
        }
    }
    with pytest.raises(ScenarioError) as exc:
        build(tmp_path, parked([("su_1", "soviet", "rifle_bn", {"men": 800})]), extra=doc)
    text = "\n".join(str(p) for p in exc.value.problems)
    assert "unknown side 'sovet'; did you mean 'soviet'?" in text
    assert "unknown key 'intnt'; did you mean 'intent'?" in text
    assert "'3 July' is not a date-time" in text


def test_the_historical_scenarios_carry_a_cited_plan_for_each_side():
    for sid in ("crossing_3_july", "encirclement_20_august"):
        scen = load_scenario(sid)
        assert set(scen.plans) == {"soviet", "japanese"}
        for plan in scen.plans.values():
            assert plan.intent and plan.source and plan.phase_lines
            assert all(x.source for x in plan.objectives + plan.phase_lines)
    july, august = load_scenario("crossing_3_july"), load_scenario("encirclement_20_august")
    assert july.plans["japanese"].way_out is not None and august.plans["japanese"].way_out is not None
    summit = july.plans["japanese"].phase_lines[0]
    assert summit.task == "hold" and july.map.places["bain_tsagan"].hex in summit.hexes


# --- the agent -------------------------------------------------------------------------------


def _one_soviet_unit(tmp_path, **plan):
    return build(
        tmp_path,
        parked([("su_1", "soviet", "motor_rifle_bn", {"men": 600}), ("jp_far", "japanese", "infantry_bn", {"men": 300})]),
        extra=plan_doc(**plan) if plan else None,
    )


def _first_move(scen, at_km):
    state = advance_to(new_game(scen, 1), "movement", "soviet")
    state = place(state, su_1=scen.map.km_to_hex(*at_km), jp_far=scen.map.km_to_hex(9.0, -5.0))
    agent = AIAgent(0, "soviet")
    a = agent.act(observe(state, "soviet"), "soviet")
    return state, a


def test_the_ai_pushes_toward_a_phase_line_once_its_time_has_come(tmp_path):
    line_hex = None
    for case, start in (("now", None), ("later", "1939-07-03T16:00")):
        d = tmp_path / case
        d.mkdir()
        line = dict(LINE) if start is None else dict(LINE, start=start)
        scen = _one_soviet_unit(d, phase_lines=[line])
        line_hex = scen.map.km_to_hex(-5.0, 4.0)
        centre = scen.map.places["centre"].hex
        state, a = _first_move(scen, (-1.0, -2.0))
        here = state.units["su_1"].hex
        assert isinstance(a, Move) and a.unit == "su_1"
        if case == "now":  # the line is due: the unit heads for it, away from the objective
            assert distance(a.to, line_hex) < distance(here, line_hex)
        else:  # not yet: it goes for the victory objective as without a plan
            assert distance(a.to, centre) < distance(here, centre)
    assert line_hex is not None


def test_without_a_plan_the_ai_goes_for_the_victory_objective(tmp_path):
    scen = _one_soviet_unit(tmp_path)
    assert scen.plans == {}
    state, a = _first_move(scen, (-1.0, -2.0))
    centre = scen.map.places["centre"].hex
    assert isinstance(a, Move) and distance(a.to, centre) < distance(state.units["su_1"].hex, centre)


def test_a_hold_line_is_garrisoned_and_not_left_for_an_attack(tmp_path):
    hold = {"name": "Hold here", "task": "hold", "at": [[3.5, -1.8]], "by": "1939-07-04T08:00", "source": "TEST"}
    scen = build(
        tmp_path,
        parked([("su_1", "soviet", "rifle_bn", {"men": 900, "guns": 8}), ("jp_1", "japanese", "infantry_bn", {"men": 200})]),
        extra=plan_doc(phase_lines=[hold]),
    )
    h = scen.map.km_to_hex(3.5, -1.8)
    state = advance_to(new_game(scen, 1), "movement", "soviet")
    state = place(state, su_1=h, jp_1=neighbors(h)[W])
    agent = AIAgent(0, "soviet")
    could_attack = False
    for _ in range(40):  # movement, then combat: the garrison stays and lets the weak enemy be
        if state.turn > 0 or "soviet" not in current_actors(state):
            break
        if state.phase.phase == "combat":
            could_attack |= any(isinstance(x, Attack) and "su_1" in x.units for x in legal_actions(state, "soviet"))
        a = agent.act(observe(state, "soviet"), "soviet")
        assert not (isinstance(a, Move) and a.unit == "su_1"), a
        assert not (isinstance(a, Attack) and "su_1" in a.units), a
        state, _ = apply(state, a)
    assert could_attack  # the attack was there to make
    assert state.units["su_1"].hex == h
    assert "su_1" in agent.holders


def test_a_lost_hold_line_is_left_by_the_way_out(tmp_path):
    hold = {"name": "Forward line", "task": "hold", "at": [[3.5, -1.8]], "by": "1939-07-04T08:00", "source": "TEST"}
    way = {"name": "Back over the bridge", "at": [[-1.0, -3.0], [-4.0, -3.0]], "source": "TEST"}
    scen = build(
        tmp_path,
        parked(
            [
                ("su_1", "soviet", "rifle_bn", {"men": 300}),
                *[(f"jp_{k}", "japanese", "infantry_bn", {"men": 900, "guns": 4}) for k in range(3)],
            ]
        ),
        extra=plan_doc(phase_lines=[hold], way_out=way),
    )
    line = scen.map.km_to_hex(3.5, -1.8)
    state = advance_to(new_game(scen, 1), "movement", "soviet")
    state = place(state, su_1=neighbors(line)[W], jp_0=line, jp_1=line, jp_2=neighbors(line)[0])
    agent = AIAgent(0, "soviet")
    agent.act(observe(state, "soviet"), "soviet")
    assert agent.plan is not None
    assert agent.plan.role["su_1"] == "regroup"
    assert agent.plan.goal["su_1"] == scen.map.km_to_hex(-4.0, -3.0)  # the end of the way out


def test_the_memory_keeps_a_vanished_enemy_in_the_threat_map_for_a_few_turns(tmp_path):
    scen = _one_soviet_unit(tmp_path)
    state = advance_to(new_game(scen, 1), "movement", "soviet")
    seen_at = scen.map.km_to_hex(1.0, -2.0)
    state = place(state, su_1=scen.map.km_to_hex(-1.0, -2.0), jp_far=seen_at)
    agent = AIAgent(0, "soviet")
    view = observe(state, "soviet")
    assert "jp_far" in view.units
    i = scen.map.index[seen_at]
    seen_threat = agent._threat(view, agent._enemies(view))[i]
    assert seen_threat > 0
    # it steps out of sight
    state = place(state, jp_far=scen.map.km_to_hex(9.5, 5.5))
    view = observe(state, "soviet")
    assert "jp_far" not in view.units
    ghost = agent._threat(view, agent._enemies(view))[i]
    assert 0 < ghost <= seen_threat
    assert agent.memory["jp_far"][0].hex == seen_at
    # a few turns later it is forgotten; the threat it carried fell on the way
    weights = []
    for turn in range(1, agent.w["memory"]["turns"] + 2):
        view.turn = turn
        weights.append(agent._threat(view, [])[i])
    assert weights == sorted(weights, reverse=True) and weights[-1] == 0.0
    assert "jp_far" not in agent.memory


def test_memory_and_plan_keep_the_game_deterministic(tmp_path):
    from game.engine import state_hash

    scen = load_scenario("crossing_3_july")

    def run():
        agents = {s: AIAgent(7, s) for s in scen.sides}
        st = new_game(scen, 7)
        while current_actors(st) and st.turn < 3:
            side = current_actors(st)[0]
            st, _ = apply(st, agents[side].act(observe(st, side), side))
        return state_hash(st), {s: sorted(a.memory) for s, a in agents.items()}

    assert run() == run()
