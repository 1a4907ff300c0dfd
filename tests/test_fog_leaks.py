"""What the enemy learns: field depots only once seen; the guns behind an attack only if spotted."""

from __future__ import annotations

from builders import advance_to, build, soviet_logistics, unit

from game.actions import Attack, OpenDepot
from game.engine import apply, legal_actions, new_game, observe


def test_an_enemy_field_depot_is_hidden_until_seen(tmp_path):
    units = [
        unit("su_far", "soviet", "rifle_bn", [-8, 4], men=600),
        unit("jp_near", "japanese", "infantry_bn", [4, 0], men=600),
        unit("jp_far", "japanese", "infantry_bn", [9, -5], men=600),
    ]
    log = soviet_logistics([-8, -3], stock=200)
    log["field_depots"] = 1
    scen = build(tmp_path, units, logistics={"soviet": log})
    state = advance_to(new_game(scen, 1), "supply", "soviet")
    state, _ = apply(state, OpenDepot("soviet", state.units["su_far"].hex))
    assert "soviet_field_1" in state.depots
    # the Japanese see the scenario's Soviet depot (known before the battle), not the new one
    view = observe(state, "japanese")
    assert "soviet_field_1" not in view.depots and "su_depot" in view.depots
    assert "soviet_field_1" in observe(state, "soviet").depots
    # a Japanese unit within sight of it does see it
    state.units["jp_near"].hex = scen.map.km_to_hex(-7, 4)
    assert "soviet_field_1" in observe(state, "japanese").depots


def test_the_defender_is_told_of_unseen_guns_but_not_their_names(tmp_path):
    units = [
        unit("jp", "japanese", "infantry_bn", [3, 0], men=600),
        unit("su_rifle", "soviet", "rifle_bn", [2, 0], men=800),
        unit("su_art", "soviet", "artillery_bn", [-4, -3], men=400, guns=12),
    ]
    scen = build(tmp_path, units)
    state = advance_to(new_game(scen, 1), "combat", "soviet")
    assert "su_art" not in state.spotted["japanese"]
    target = state.units["jp"].hex
    assert any(isinstance(a, Attack) and a.target == target for a in legal_actions(state, "soviet"))
    attack = Attack("soviet", target, ("su_rifle", "su_art"))
    state, events = apply(state, attack)
    mine = [e for e in events if e.kind == "combat"]
    theirs = [e for e in events if e.kind == "combat_defended"]
    assert len(mine) == 1 and mine[0].visible_to == "soviet" and "su_art" in mine[0].text
    assert len(theirs) == 1 and theirs[0].visible_to == "japanese"
    assert "su_art" not in theirs[0].text and "1 unseen artillery battalion" in theirs[0].text
    assert "su_rifle" in theirs[0].text  # the assault gives the infantry away
    assert theirs[0].data["defender_losses"] == mine[0].data["defender_losses"]
