"""Movement rules on small purpose-built maps: costs per class, rivers and crossings, roads,
zones of control, stacking, night, paths, and hidden enemies met on the way.

Maps are written as YAML next to a copy of the shared ruleset. Hexes are placed by (column,
row) in odd-r offset coordinates with 1 km hexes: the centre of (col, row) lies at
x = col + 0.5 * (row odd) km, and row 0 is the northern edge. A river at x = c + 0.75 therefore
separates column c from column c + 1 on every row.
"""

from __future__ import annotations

import math
import shutil

import pytest
import yaml

from game import engine
from game.actions import EndPhase, Move
from game.engine import IllegalAction
from game.hexgrid import distance, hex_range, offset_to_axial
from game.rules import movement
from game.scenario.loader import SCENARIO_DIR, load_scenario

RULESET = SCENARIO_DIR / "ruleset.yaml"
RULES = yaml.safe_load(RULESET.read_text(encoding="utf-8"))
ROW_KM = math.sqrt(3) / 2

# one unit type per movement class
TYPE_OF_CLASS = {
    "tank": "tank_bn",
    "armored_car": "armored_car_bn",
    "motorized": "motor_rifle_bn",
    "foot": "rifle_bn",
    "cavalry": "cavalry_rgt",
    "artillery": "artillery_bn",
}
DAY = "1939-07-03T08:00"
NIGHT = "1939-07-03T22:00"  # a 4-hour turn centred on midnight


def rule_cost(section: str, kind: str, cls: str):
    cost = RULES[section][kind]["cost"]
    return cost[cls] if cls in cost else cost.get("default")


def ax(col: int, row: int):
    return offset_to_axial(col, row)


class Grid:
    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.top = (height - 1) * ROW_KM

    def km(self, col: float, row: int) -> list[float]:
        return [col + 0.5 * (row & 1), self.top - row * ROW_KM]

    def x_line(self, x: float) -> list[list[float]]:
        """A north-south course through the whole map at km x."""
        return [[x, -2.0], [x, self.top + 2.0]]

    def edge_mid(self, col: int, row: int) -> list[float]:
        """Midpoint of the edge between (col, row) and (col + 1, row)."""
        x, y = self.km(col, row)
        return [x + 0.5, y]

    def rows_box(self, x0: float, x1: float, row0: int, row1: int) -> list[list[float]]:
        """A polygon over km x0..x1 covering the centres of rows row0..row1."""
        ya = self.top - row0 * ROW_KM + 0.3
        yb = self.top - row1 * ROW_KM - 0.3
        return [[x0, ya], [x1, ya], [x1, yb], [x0, yb]]


def unit(uid: str, side: str, typ: str, col: int, row: int) -> dict:
    return {"id": uid, "name": uid.replace("_", " "), "side": side, "type": typ, "hex": [col, row], "men": 500, "source": "TEST"}


def build(
    tmp_path,
    name: str,
    width: int,
    height: int,
    units: list[dict],
    *,
    base: str = "steppe",
    areas=(),
    rivers=(),
    crossings=(),
    roads=(),
    start: str = DAY,
):
    shutil.copy(RULESET, tmp_path / "ruleset.yaml")
    doc = {
        "kind": "scenario",
        "id": name,
        "title": f"test {name}",
        "ruleset": "ruleset.yaml",
        "sides": {"soviet": {"name": "Soviet"}, "japanese": {"name": "Japanese"}},
        "first_side": "soviet",
        "calendar": {"start": start, "turns": 2, "turn_hours": [4], "daylight": ["04:00", "20:00"]},
        "map": {
            "extent_km": {"x": [0, width - 1], "y": [-0.01, (height - 1) * ROW_KM]},
            "base_terrain": base,
            "areas": list(areas),
            "rivers": list(rivers),
            "crossings": list(crossings),
            "roads": list(roads),
        },
        "units": units,
        "victory": {"levels": [{"winner": "soviet", "result": "decisive"}]},
    }
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    scen = load_scenario(path)
    assert (scen.map.width, scen.map.height) == (width, height)
    return scen


def to_movement(state):
    for _ in range(100):
        if state.phase.phase == "movement":
            return state
        state, _ = engine.apply(state, EndPhase(engine.current_actors(state)[0]))
    raise AssertionError("never reached a movement phase")


def start(scen, seed: int = 1):
    state = to_movement(engine.new_game(scen, seed))
    assert engine.current_actors(state) == ["soviet"]
    return state


def idx(scen, col, row) -> int:
    return scen.map.index[ax(col, row)]


def step(scen, cls, a, b, destroyed=frozenset()):
    return movement.step_cost(scen, cls, idx(scen, *a), idx(scen, *b), frozenset(destroyed))


# --- open steppe ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def steppe(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("steppe")
    return build(tmp, "steppe", 31, 31, [unit("tank", "soviet", "tank_bn", 15, 15)])


def test_tank_on_open_steppe_reaches_exactly_twelve(steppe):
    state = start(steppe)
    tank = state.units["tank"]
    assert tank.mp == 12.0
    reach = movement.reachable(state, tank)
    here = ax(15, 15)
    want = {h for h in hex_range(here, 12) if h != here}
    assert len(want) == 468
    assert set(reach.destinations()) == want
    assert all(reach.cost_to(h) == pytest.approx(distance(here, h)) for h in want)
    for h in hex_range(here, 13):
        if distance(here, h) == 13:
            assert reach.cost_to(h) is None and not reach.can_end(h)
    assert reach.can_end(here) and reach.cost_to(here) == 0.0
    # the engine offers exactly these moves
    moves = {a.to for a in engine.legal_actions(state, "soviet") if isinstance(a, Move)}
    assert moves == want


def test_reachable_respects_explicit_mp(steppe):
    state = start(steppe)
    tank = state.units["tank"]
    assert len(movement.reachable(state, tank, mp=3).destinations()) == 36
    assert movement.reachable(state, tank, mp=0).destinations() == []


def test_apply_move_deducts_path_cost_on_steppe(steppe):
    state = start(steppe)
    new, events = engine.apply(state, Move("soviet", "tank", ax(20, 15)))
    assert new.units["tank"].hex == ax(20, 15)
    assert new.units["tank"].mp == pytest.approx(7.0)
    assert state.units["tank"].hex == ax(15, 15) and state.units["tank"].mp == 12.0  # input untouched
    assert [e.kind for e in events if e.kind == "move"] == ["move"]


def test_move_too_far_names_movement_points(steppe):
    state = start(steppe)
    with pytest.raises(IllegalAction, match=r"needs 13 movement points .* but has 12 left"):
        engine.apply(state, Move("soviet", "tank", ax(28, 15)))


def test_move_outside_movement_phase_or_side(steppe):
    state = engine.new_game(steppe, 1)
    assert state.phase.phase == "air"
    with pytest.raises(IllegalAction, match="movement phase"):
        engine.apply(state, Move("soviet", "tank", ax(16, 15)))
    state = start(steppe)
    with pytest.raises(IllegalAction, match="not the Japanese side's turn"):
        engine.apply(state, Move("japanese", "tank", ax(16, 15)))
    # and after the side has ended its movement phase
    after, _ = engine.apply(state, EndPhase("soviet"))
    assert after.phase.phase == "combat"
    with pytest.raises(IllegalAction):
        engine.apply(after, Move("soviet", "tank", ax(16, 15)))


def test_second_move_uses_remaining_points(steppe):
    state = start(steppe)
    s1, _ = engine.apply(state, Move("soviet", "tank", ax(22, 15)))  # 7
    assert s1.units["tank"].mp == pytest.approx(5.0)
    reach = movement.reachable(s1, s1.units["tank"])
    assert max(reach.cost_to(h) for h in reach.destinations()) == pytest.approx(5.0)
    with pytest.raises(IllegalAction, match="movement points"):
        engine.apply(s1, Move("soviet", "tank", ax(28, 15)))  # 6 more
    s2, _ = engine.apply(s1, Move("soviet", "tank", ax(27, 15)))
    assert s2.units["tank"].mp == pytest.approx(0.0)
    with pytest.raises(IllegalAction, match="no movement points left"):
        engine.apply(s2, Move("soviet", "tank", ax(26, 15)))


# --- terrain costs per class ------------------------------------------------------------


def _class_row_scenario(tmp_path, terrain: str):
    """One unit per movement class at column 1 (steppe); everything from column 2 east is ``terrain``."""
    g = Grid(6, 11)
    units = [unit(f"u_{cls}", "soviet", typ, 1, 2 * i) for i, (cls, typ) in enumerate(TYPE_OF_CLASS.items())]
    areas = [{"name": "T", "terrain": terrain, "polygon": [[1.7, -3], [9, -3], [9, g.top + 3], [1.7, g.top + 3]]}]
    return build(tmp_path, f"terrain_{terrain}", 6, 11, units, areas=areas)


@pytest.mark.parametrize("terrain", sorted(RULES["terrain"]))
def test_terrain_cost_per_class_from_ruleset(tmp_path, terrain):
    scen = _class_row_scenario(tmp_path, terrain)
    state = start(scen)
    assert scen.map.terrain_at(ax(1, 0)) == "steppe"
    assert scen.map.terrain_at(ax(2, 0)) == terrain
    for i, (cls, _typ) in enumerate(TYPE_OF_CLASS.items()):
        u = state.units[f"u_{cls}"]
        reach = movement.reachable(state, u, mp=100.0)
        want = rule_cost("terrain", terrain, cls)
        got = reach.cost_to(ax(2, 2 * i))
        if want is None:
            assert got is None, (cls, terrain)
        else:
            assert got == pytest.approx(want), (cls, terrain)


def test_dunes_concrete_costs(tmp_path):
    units = [
        unit("ac", "soviet", "armored_car_bn", 5, 4),
        unit("rifles", "soviet", "rifle_bn", 5, 10),
        unit("tank", "soviet", "tank_bn", 12, 10),
    ]
    scen = build(tmp_path, "dunes", 18, 15, units, base="dunes")
    state = start(scen)
    ac, rifles, tank = state.units["ac"], state.units["rifles"], state.units["tank"]
    assert (ac.mp, rifles.mp, tank.mp) == (14.0, 4.0, 12.0)
    r = movement.reachable(state, ac)
    assert r.cost_to(ax(6, 4)) == pytest.approx(3.3)
    assert r.cost_to(ax(9, 4)) == pytest.approx(13.2)  # 4 hexes
    assert r.cost_to(ax(10, 4)) is None  # 5 hexes = 16.5 > 14
    assert {distance(ax(5, 4), h) for h in r.destinations()} == {1, 2, 3, 4}
    r = movement.reachable(state, rifles)
    assert r.cost_to(ax(6, 10)) == pytest.approx(1.5)
    assert r.cost_to(ax(7, 10)) == pytest.approx(3.0)
    assert r.cost_to(ax(8, 10)) is None  # 4.5 > 4
    assert len(r.destinations()) == 18  # rings 1 and 2
    r = movement.reachable(state, tank)
    assert r.cost_to(ax(17, 10)) == pytest.approx(8.5)  # 5 x 1.7
    # apply charges the same
    new, _ = engine.apply(state, Move("soviet", "ac", ax(8, 4)))
    assert new.units["ac"].mp == pytest.approx(14 - 9.9)


# --- rivers and crossings -------------------------------------------------------------------

MAJOR_X = 5.75  # between columns 5 and 6


@pytest.fixture(scope="module")
def crossings_map(tmp_path_factory):
    """A major river between columns 5 and 6 with a ford (row 2), a bridge (row 8), a pontoon (row 14)."""
    tmp = tmp_path_factory.mktemp("crossings")
    g = Grid(12, 17)
    units = [
        unit("tank", "soviet", "tank_bn", 5, 2),
        unit("ac", "soviet", "armored_car_bn", 4, 2),
        unit("guns", "soviet", "artillery_bn", 5, 4),
    ]
    return build(
        tmp,
        "crossings",
        12,
        17,
        units,
        rivers=[{"name": "Big river", "kind": "major", "course": g.x_line(MAJOR_X)}],
        crossings=[
            {"name": "Ford", "kind": "ford", "at": g.edge_mid(5, 2)},
            {"name": "Bridge", "kind": "bridge", "at": g.edge_mid(5, 8)},
            {"name": "Pontoon", "kind": "pontoon", "at": g.edge_mid(5, 14), "destructible": True},
        ],
    )


def east_bank(scen) -> list:
    return [ax(c, r) for r in range(scen.map.height) for c in range(6, scen.map.width)]


def test_river_edges_and_crossings_where_expected(crossings_map):
    gm = crossings_map.map
    for row in range(17):
        assert gm.river_between(ax(5, row), ax(6, row)) == "major"
        assert gm.river_between(ax(4, row), ax(5, row)) is None
        assert gm.river_between(ax(6, row), ax(7, row)) is None
    assert gm.crossing_between(ax(5, 2), ax(6, 2)).kind == "ford"
    assert gm.crossing_between(ax(5, 8), ax(6, 8)).kind == "bridge"
    assert gm.crossing_between(ax(5, 14), ax(6, 14)).kind == "pontoon"
    assert len(gm.crossings) == 3


@pytest.mark.parametrize("cls", list(TYPE_OF_CLASS))
def test_major_river_only_at_crossings_with_extra_cost(crossings_map, cls):
    scen = crossings_map
    steppe = rule_cost("terrain", "steppe", cls)
    assert rule_cost("rivers", "major", cls) is None
    for row in (0, 4, 5, 9, 16):  # no crossing here: the major river's null cost forbids it
        assert step(scen, cls, (5, row), (6, row)) is None
        assert step(scen, cls, (6, row), (5, row)) is None
    assert step(scen, cls, (5, 8), (6, 8)) == pytest.approx(steppe + rule_cost("crossings", "bridge", cls))
    assert step(scen, cls, (6, 14), (5, 14)) == pytest.approx(steppe + rule_cost("crossings", "pontoon", cls))
    ford = rule_cost("crossings", "ford", cls)
    got = step(scen, cls, (5, 2), (6, 2))
    if ford is None:  # armoured cars: the ford is no use, and the river itself is impassable
        assert got is None
    else:
        assert got == pytest.approx(steppe + ford)


def test_crossing_costs_concrete(crossings_map):
    scen = crossings_map
    assert step(scen, "tank", (5, 2), (6, 2)) == pytest.approx(4.0)  # ford +3
    assert step(scen, "tank", (6, 2), (5, 2)) == pytest.approx(4.0)  # either way
    assert step(scen, "artillery", (5, 2), (6, 2)) == pytest.approx(5.0)  # ford +4
    assert step(scen, "armored_car", (5, 2), (6, 2)) is None
    assert step(scen, "tank", (5, 8), (6, 8)) == pytest.approx(1.0)  # bridge +0
    assert step(scen, "foot", (5, 14), (6, 14)) == pytest.approx(2.0)  # pontoon +1


def test_tank_fords_armoured_car_goes_round_by_the_bridge(crossings_map):
    state = start(crossings_map)
    gm = crossings_map.map
    tank = movement.reachable(state, state.units["tank"])
    assert tank.cost_to(ax(6, 2)) == pytest.approx(4.0)
    assert tank.path(ax(6, 2)) == [ax(5, 2), ax(6, 2)]
    new, _ = engine.apply(state, Move("soviet", "tank", ax(6, 2)))
    assert new.units["tank"].hex == ax(6, 2)
    assert new.units["tank"].mp == pytest.approx(8.0)
    # the armoured car, beside the tank, cannot use the ford: its way over is the bridge
    ac = movement.reachable(state, state.units["ac"], mp=1000.0)
    path = ac.path(ax(6, 2))
    crossed = [(a, b) for a, b in zip(path, path[1:]) if gm.river_between(a, b)]
    assert len(crossed) == 1
    assert gm.crossing_between(*crossed[0]).kind == "bridge"
    assert ac.cost_to(ax(6, 2)) == pytest.approx(13.0)  # 6 hexes to the bridge, over it, 6 back up
    guns = movement.reachable(state, state.units["guns"], mp=1000.0)
    assert guns.cost_to(ax(6, 3)) == pytest.approx(8.0)  # (5,3), (5,2), the ford (1 + 4), (6,3): 1 + 1 + 5 + 1


def test_destroyed_crossings_block(crossings_map):
    scen = crossings_map
    assert step(scen, "tank", (5, 8), (6, 8), {"Bridge"}) is None
    assert step(scen, "tank", (5, 14), (6, 14), {"Pontoon"}) is None
    assert step(scen, "tank", (5, 2), (6, 2), {"Ford"}) is None
    assert step(scen, "tank", (5, 8), (6, 8), {"Pontoon"}) == pytest.approx(1.0)  # only the named one
    state = start(crossings_map)
    state.destroyed = ["Bridge", "Pontoon"]
    ac = movement.reachable(state, state.units["ac"], mp=1000.0)
    assert not any(ac.cost_to(h) is not None for h in east_bank(scen))  # no way over at all
    tank = movement.reachable(state, state.units["tank"], mp=1000.0)
    assert all(tank.cost_to(h) is not None for h in east_bank(scen))  # the ford still serves tanks
    state.destroyed = ["Ford"]
    tank = movement.reachable(state, state.units["tank"], mp=1000.0)
    assert tank.cost_to(ax(6, 2)) == pytest.approx(13.0)  # round by the bridge now
    with pytest.raises(IllegalAction, match="needs 13 movement points"):
        engine.apply(state, Move("soviet", "tank", ax(6, 2)))
    state.destroyed = ["Bridge", "Ford", "Pontoon"]
    with pytest.raises(IllegalAction, match="no way to"):
        engine.apply(state, Move("soviet", "tank", ax(6, 2)))


def test_minor_river_fordable_at_extra_cost(tmp_path):
    g = Grid(10, 7)
    units = [
        unit("tank", "soviet", "tank_bn", 4, 2),
        unit("ac", "soviet", "armored_car_bn", 4, 4),
        unit("rifles", "soviet", "rifle_bn", 4, 6),
    ]
    scen = build(tmp_path, "minor", 10, 7, units, rivers=[{"name": "Stream", "kind": "minor", "course": g.x_line(4.75)}])
    for row in range(7):
        assert scen.map.river_between(ax(4, row), ax(5, row)) == "minor"
    for cls in TYPE_OF_CLASS:
        assert step(scen, cls, (4, 3), (5, 3)) == pytest.approx(1 + rule_cost("rivers", "minor", cls))
    state = start(scen)
    assert movement.reachable(state, state.units["tank"]).cost_to(ax(5, 2)) == pytest.approx(3.0)  # +2
    assert movement.reachable(state, state.units["ac"]).cost_to(ax(5, 4)) == pytest.approx(4.0)  # +3
    rifles = movement.reachable(state, state.units["rifles"])
    assert rifles.cost_to(ax(5, 6)) == pytest.approx(3.0)  # +2, within 4 MP
    assert rifles.cost_to(ax(6, 6)) == pytest.approx(4.0)  # 3 + 1: all 4 MP
    assert rifles.cost_to(ax(7, 6)) is None
    assert rifles.cost_to(ax(2, 6)) == pytest.approx(2.0)  # the same distance on this bank


# --- roads ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def road_map(tmp_path_factory):
    """A track along row 2 over steppe, climbing an escarpment at columns 10-11."""
    tmp = tmp_path_factory.mktemp("road")
    g = Grid(30, 5)
    units = [
        unit("tank", "soviet", "tank_bn", 1, 2),
        unit("rifles", "soviet", "rifle_bn", 1, 0),
        unit("cav", "soviet", "cavalry_rgt", 0, 4),
    ]
    return build(
        tmp,
        "road",
        30,
        5,
        units,
        areas=[{"name": "Scarp", "terrain": "escarpment", "polygon": [[9.6, -3], [11.4, -3], [11.4, 10], [9.6, 10]]}],
        roads=[{"name": "Track", "kind": "track", "course": [g.km(0, 2), g.km(29, 2)]}],
    )


def test_road_edges_along_the_row(road_map):
    gm = road_map.map
    for c in range(29):
        assert gm.road_edges.get(movement.edge(idx(road_map, c, 2), idx(road_map, c + 1, 2))) == "track"
    assert len(gm.road_edges) == 29
    assert gm.terrain_at(ax(10, 2)) == "escarpment"
    assert gm.terrain_at(ax(10, 0)) == "escarpment"


@pytest.mark.parametrize("cls", list(TYPE_OF_CLASS))
def test_road_cost_per_class(road_map, cls):
    want = rule_cost("roads", "track", cls)
    assert step(road_map, cls, (3, 2), (4, 2)) == pytest.approx(want)
    # the track climbs the escarpment: the road cost replaces the terrain's
    assert step(road_map, cls, (9, 2), (10, 2)) == pytest.approx(want)
    assert step(road_map, cls, (10, 2), (11, 2)) == pytest.approx(want)
    # off the track the escarpment costs what the ruleset says (null for vehicles)
    assert step(road_map, cls, (9, 0), (10, 0)) == rule_cost("terrain", "escarpment", cls)
    # leaving the track sideways is plain terrain
    assert step(road_map, cls, (4, 2), (4, 1)) == rule_cost("terrain", "steppe", cls)


def test_tank_along_road(road_map):
    state = start(road_map)
    reach = movement.reachable(state, state.units["tank"])
    for k in range(1, 25):
        assert reach.cost_to(ax(1 + k, 2)) == pytest.approx(0.5 * k)
    assert reach.can_end(ax(25, 2))
    assert reach.cost_to(ax(26, 2)) is None  # 12.5 > 12
    assert reach.cost_to(ax(10, 0)) is None  # no tank up the escarpment off the track
    assert reach.can_end(ax(10, 2))  # but it may stop on it where the track runs
    new, _ = engine.apply(state, Move("soviet", "tank", ax(21, 2)))
    assert new.units["tank"].mp == pytest.approx(2.0)


def test_foot_and_cavalry_on_road(road_map):
    state = start(road_map)
    rifles = movement.reachable(state, state.units["rifles"])
    assert rifles.cost_to(ax(5, 0)) == pytest.approx(4.0)  # 4 hexes of steppe
    assert rifles.cost_to(ax(6, 0)) is None
    cav = movement.reachable(state, state.units["cav"], mp=100.0)
    # along the track cavalry pays 0.75 a hex instead of 1
    assert cav.cost_to(ax(7, 2)) - cav.cost_to(ax(3, 2)) == pytest.approx(3.0)
    # and crosses the escarpment on it at 0.75 a hex, not 3
    assert cav.cost_to(ax(12, 2)) - cav.cost_to(ax(9, 2)) == pytest.approx(2.25)


# --- zones of control -------------------------------------------------------------------


@pytest.fixture(scope="module")
def zoc_map(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("zoc")
    units = [
        unit("tank", "soviet", "tank_bn", 6, 8),  # two hexes west of jp
        unit("jp", "japanese", "infantry_bn", 8, 8),
        unit("tank2", "soviet", "tank_bn", 30, 8),  # starts next to jp2 (in its ZOC)
        unit("jp2", "japanese", "infantry_bn", 31, 8),
    ]
    return build(tmp, "zoc", 40, 17, units)


def test_zoc_enter_but_not_continue(zoc_map):
    state = start(zoc_map)
    assert state.spotted["soviet"] == ["jp", "jp2"]
    visible = set(state.spotted["soviet"])
    reach = movement.reachable(state, state.units["tank"], visible)
    e = ax(8, 8)
    zoc = set(hex_range(e, 1))
    assert reach.can_end(ax(7, 8)) and reach.cost_to(ax(7, 8)) == pytest.approx(1.0)
    # behind the enemy: 3 hexes away but reached only round its ZOC (ring 2): 5 + 1
    assert reach.cost_to(ax(9, 8)) == pytest.approx(6.0)
    assert reach.cost_to(ax(10, 8)) == pytest.approx(6.0)
    assert reach.cost_to(ax(11, 8)) == pytest.approx(7.0)
    # no path ever continues out of a ZOC hex
    for h in reach.destinations():
        assert not any(p in zoc for p in reach.path(h)[1:-1]), h
    # carrying out a move into ZOC ends the unit's movement
    new, _ = engine.apply(state, Move("soviet", "tank", ax(7, 8)))
    assert new.units["tank"].hex == ax(7, 8)
    assert new.units["tank"].mp == 0.0
    # and ZOC-to-ZOC is fine, but only one hex
    again = movement.reachable(new, new.units["tank"], visible, mp=12.0)
    assert again.can_end(ax(7, 7)) and again.cost_to(ax(7, 7)) == pytest.approx(1.0)  # also next to jp
    assert again.cost_to(ax(5, 8)) == pytest.approx(2.0)  # leaving is allowed


def test_enemy_hex_never_reachable(zoc_map):
    state = start(zoc_map)
    tank = state.units["tank"]
    for visible in (None, set(state.spotted["soviet"])):
        assert movement.reachable(state, tank, visible, mp=10_000.0).cost_to(ax(8, 8)) is None
    assert all(a.to != ax(8, 8) for a in engine.legal_actions(state, "soviet") if isinstance(a, Move))
    with pytest.raises(IllegalAction, match="held by the enemy"):
        engine.apply(state, Move("soviet", "tank", ax(8, 8)))


def test_starting_in_zoc_may_leave(zoc_map):
    state = start(zoc_map)
    reach = movement.reachable(state, state.units["tank2"], set(state.spotted["soviet"]))
    assert reach.cost_to(ax(18, 8)) == pytest.approx(12.0)  # straight away west, 12 hexes
    assert reach.can_end(ax(18, 8))
    assert reach.cost_to(ax(30, 7)) == pytest.approx(1.0)  # another hex next to jp2
    new, _ = engine.apply(state, Move("soviet", "tank2", ax(25, 8)))
    assert new.units["tank2"].hex == ax(25, 8)
    assert new.units["tank2"].mp == pytest.approx(7.0)


def _corridor(tmp_path, name, bridge: bool):
    """A one-hex corridor (column 9, rows 5-11) between a lake (west) and a major river (east);
    a Japanese battalion stands just across the river at (10, 8)."""
    g = Grid(14, 17)
    crossings = [{"name": "Bridge", "kind": "bridge", "at": g.edge_mid(9, 8)}] if bridge else []
    units = [unit("tank", "soviet", "tank_bn", 9, 2), unit("jp", "japanese", "infantry_bn", 10, 8)]
    return build(
        tmp_path,
        name,
        14,
        17,
        units,
        areas=[{"name": "Lake", "terrain": "lake", "polygon": g.rows_box(-1, 8.7, 5, 11)}],
        rivers=[{"name": "Big river", "kind": "major", "course": g.x_line(9.75)}],
        crossings=crossings,
    )


def test_zoc_not_across_unbridged_major_river(tmp_path):
    scen = _corridor(tmp_path, "corridor", bridge=False)
    gm = scen.map
    assert [gm.terrain_at(ax(c, 8)) for c in (8, 9, 10)] == ["lake", "steppe", "steppe"]
    zoc = {gm.hexes[i] for i in movement.zoc_of(scen, [u for u in engine.new_game(scen).units.values() if u.id == "jp"])}
    assert zoc == {ax(10, 8), ax(11, 8), ax(10, 7), ax(10, 9)}  # east bank only: not (9, 7), (9, 8), (9, 9)
    state = start(scen)
    reach = movement.reachable(state, state.units["tank"], visible=None)  # enemy fully known
    assert reach.cost_to(ax(9, 12)) == pytest.approx(10.0)
    assert ax(9, 8) in reach.path(ax(9, 12))  # straight past the enemy across the water
    new, _ = engine.apply(state, Move("soviet", "tank", ax(9, 12)))
    assert new.units["tank"].hex == ax(9, 12)
    assert new.units["tank"].mp == pytest.approx(2.0)


def test_zoc_across_a_bridge(tmp_path):
    scen = _corridor(tmp_path, "corridor_bridge", bridge=True)
    state = start(scen)
    reach = movement.reachable(state, state.units["tank"], visible=None)
    assert reach.can_end(ax(9, 8)) and reach.cost_to(ax(9, 8)) == pytest.approx(6.0)
    assert reach.cost_to(ax(9, 9)) is None  # the bridge carries ZOC over: the corridor is shut
    assert reach.cost_to(ax(9, 12)) is None
    # unseen, the enemy still halts the move where its ZOC is met
    assert "jp" not in state.spotted["soviet"]
    assert movement.reachable(state, state.units["tank"], set(state.spotted["soviet"])).can_end(ax(9, 12))
    new, events = engine.apply(state, Move("soviet", "tank", ax(9, 12)))
    assert new.units["tank"].hex == ax(9, 8)
    assert new.units["tank"].mp == 0.0
    assert "zoc_stop" in [e.kind for e in events]


def test_zoc_extends_across_minor_river(tmp_path):
    g = Grid(10, 7)
    units = [unit("tank", "soviet", "tank_bn", 4, 2), unit("jp", "japanese", "infantry_bn", 5, 4)]
    scen = build(tmp_path, "minor_zoc", 10, 7, units, rivers=[{"name": "Stream", "kind": "minor", "course": g.x_line(4.75)}])
    jp = [u for u in engine.new_game(scen).units.values() if u.id == "jp"]
    zoc = {scen.map.hexes[i] for i in movement.zoc_of(scen, jp)}
    assert zoc == set(hex_range(ax(5, 4), 1))


# --- stacking -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stack_map(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stack")
    units = [unit(f"rifles{i}", "soviet", "rifle_bn", 6, 4) for i in range(3)] + [unit("tank", "soviet", "tank_bn", 5, 4)]
    return build(tmp, "stack", 15, 9, units)


def test_stacking_pass_through_but_not_stop(stack_map):
    state = start(stack_map)
    assert RULES["parameters"]["stacking_limit"] == 3
    full = ax(6, 4)
    assert len(state.units_at(full)) == 3
    reach = movement.reachable(state, state.units["tank"])
    assert reach.cost_to(full) == pytest.approx(1.0)
    assert not reach.can_end(full)
    assert full not in reach.destinations()
    assert reach.path(ax(8, 4)) == [ax(5, 4), full, ax(7, 4), ax(8, 4)]  # the only shortest way
    assert reach.cost_to(ax(8, 4)) == pytest.approx(3.0)
    assert all(a.to != full for a in engine.legal_actions(state, "soviet") if isinstance(a, Move) and a.unit == "tank")
    with pytest.raises(IllegalAction, match="stacking limit"):
        engine.apply(state, Move("soviet", "tank", full))
    new, _ = engine.apply(state, Move("soviet", "tank", ax(8, 4)))
    assert new.units["tank"].hex == ax(8, 4)
    assert new.units["tank"].mp == pytest.approx(9.0)
    # once one battalion has left, there is room again
    out, _ = engine.apply(state, Move("soviet", "rifles0", ax(6, 5)))
    assert movement.reachable(out, out.units["tank"]).can_end(full)


# --- night ----------------------------------------------------------------------------------


def test_night_halves_movement_points(tmp_path):
    scen = build(
        tmp_path,
        "night",
        31,
        31,
        [unit("tank", "soviet", "tank_bn", 15, 15), unit("rifles", "soviet", "rifle_bn", 3, 3)],
        start=NIGHT,
    )
    assert scen.night[0] is True
    state = start(scen)
    assert state.night
    factor = RULES["parameters"]["night_mp_factor"]
    assert factor == 0.5
    assert (
        state.units["tank"].mp == pytest.approx(12 * factor) == pytest.approx(movement.mp_allowance(state, state.units["tank"]))
    )
    assert state.units["rifles"].mp == pytest.approx(2.0)
    here = ax(15, 15)
    reach = movement.reachable(state, state.units["tank"])
    assert set(reach.destinations()) == {h for h in hex_range(here, 6) if h != here}
    with pytest.raises(IllegalAction, match="needs 7 movement points .* but has 6 left"):
        engine.apply(state, Move("soviet", "tank", ax(22, 15)))


# --- paths and costs ------------------------------------------------------------------------


def _check_paths(state, unit_ids):
    scen = state.scenario
    gm = scen.map
    destroyed = frozenset(state.destroyed)
    checked = 0
    for uid in unit_ids:
        u = state.units[uid]
        cls = scen.unit_type(u.type).movement_class
        visible = set(state.spotted[u.side])
        reach = movement.reachable(state, u, visible)
        for h in reach.destinations():
            path = reach.path(h)
            assert path[0] == u.hex and path[-1] == h
            assert len(set(path)) == len(path)
            total = 0.0
            for a, b in zip(path, path[1:]):
                assert distance(a, b) == 1
                c = movement.step_cost(scen, cls, gm.index[a], gm.index[b], destroyed)
                assert c is not None
                total += c
            assert total == pytest.approx(reach.cost_to(h)), (uid, h)
            assert total <= u.mp + 1e-9
            checked += 1
    return checked


def test_paths_sum_to_cost_on_skirmish():
    scen = load_scenario("test_skirmish")
    state = engine.new_game(scen, 3)
    while not (state.phase.phase == "movement" and engine.current_actors(state) == ["soviet"]):
        state, _ = engine.apply(state, EndPhase(engine.current_actors(state)[0]))
    soviet = [u.id for u in state.units_of("soviet")]
    assert _check_paths(state, soviet) > 200
    japanese_state = to_movement(engine.new_game(scen, 3))
    assert engine.current_actors(japanese_state) == ["japanese"]
    assert _check_paths(japanese_state, [u.id for u in japanese_state.units_of("japanese")]) > 50


def test_paths_sum_to_cost_on_river_and_road_maps(crossings_map, road_map):
    assert _check_paths(start(crossings_map), ["tank", "ac", "guns"]) > 50
    assert _check_paths(start(road_map), ["tank", "rifles", "cav"]) > 50


@pytest.fixture(scope="module")
def mixed_map(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mixed")
    g = Grid(16, 13)
    return build(
        tmp,
        "mixed",
        16,
        13,
        [unit("tank", "soviet", "tank_bn", 3, 6), unit("ac", "soviet", "armored_car_bn", 3, 8)],
        areas=[
            {"name": "Dunes", "terrain": "dunes", "polygon": [[5.6, -3], [9.4, -3], [9.4, 20], [5.6, 20]]},
            {"name": "Marsh", "terrain": "valley", "polygon": g.rows_box(-1, 4.3, 0, 3)},
        ],
        rivers=[{"name": "Stream", "kind": "minor", "course": g.x_line(10.75)}],
        roads=[{"name": "Track", "kind": "track", "course": [g.km(0, 10), g.km(15, 10)]}],
    )


def test_apply_deducts_exactly_the_path_cost(mixed_map):
    state = start(mixed_map)
    gm = mixed_map.map
    for uid in ("tank", "ac"):
        u = state.units[uid]
        reach = movement.reachable(state, u)
        dests = reach.destinations()
        assert len(dests) > 30
        for h in dests:
            new, _ = engine.apply(state, Move("soviet", uid, h))
            assert new.units[uid].hex == h
            assert new.units[uid].mp == pytest.approx(u.mp - reach.cost_to(h)), (uid, h)
    assert {gm.terrain_at(h) for h in movement.reachable(state, state.units["tank"]).destinations()} >= {
        "steppe",
        "dunes",
        "valley",
    }


# --- fog: hidden enemies met on the way -----------------------------------------------------


@pytest.fixture(scope="module")
def hidden_map(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hidden")
    units = [unit("tank", "soviet", "tank_bn", 2, 5), unit("jp", "japanese", "infantry_bn", 10, 5)]
    return build(tmp, "hidden", 20, 11, units)


def test_hidden_enemy_not_in_pre_move_zoc(hidden_map):
    state = start(hidden_map)
    assert state.spotted["soviet"] == []  # 8 hexes away: beyond the 2-hex day spotting range
    visible = set(state.spotted["soviet"])
    reach = movement.reachable(state, state.units["tank"], visible)
    assert reach.cost_to(ax(11, 5)) == pytest.approx(9.0)  # straight through, as if nobody were there
    assert reach.can_end(ax(10, 5))  # even the hidden unit's own hex looks free
    known = movement.reachable(state, state.units["tank"], visible=None)
    assert known.cost_to(ax(10, 5)) is None
    assert known.cost_to(ax(11, 5)) == pytest.approx(12.0)  # round the ZOC, as full knowledge would cost
    assert Move("soviet", "tank", ax(12, 5)) in engine.legal_actions(state, "soviet")


def test_walking_next_to_hidden_enemy_stops_and_reveals(hidden_map):
    state = start(hidden_map)
    new, events = engine.apply(state, Move("soviet", "tank", ax(12, 5)))
    tank = new.units["tank"]
    assert tank.hex == ax(9, 5)  # the first hex in the enemy's ZOC
    assert tank.mp == 0.0
    assert "jp" in new.spotted["soviet"]
    assert "jp" not in state.spotted["soviet"]  # the input state is untouched
    kinds = [e.kind for e in events]
    assert "spotted" in kinds and "zoc_stop" in kinds
    assert new.units["jp"].hex == ax(10, 5)
    assert "tank" in new.spotted["japanese"]  # the enemy saw it coming too
    with pytest.raises(IllegalAction, match="no movement points left"):
        engine.apply(new, Move("soviet", "tank", ax(8, 5)))


def test_bumping_into_hidden_enemy_stops_before_it(tmp_path):
    # Only the first step can run into a hidden unit's hex: any other approach passes through
    # its ZOC first. So the mover starts next to an enemy it has not spotted.
    units = [unit("tank", "soviet", "tank_bn", 9, 5), unit("jp", "japanese", "infantry_bn", 10, 5)]
    scen = build(tmp_path, "bump", 20, 11, units)
    state = start(scen)
    state.spotted["soviet"] = []  # unseen (e.g. dug in and camouflaged)
    reach = movement.reachable(state, state.units["tank"], set())
    assert reach.path(ax(12, 5)) == [ax(9, 5), ax(10, 5), ax(11, 5), ax(12, 5)]
    new, events = engine.apply(state, Move("soviet", "tank", ax(12, 5)))
    tank = new.units["tank"]
    assert tank.hex == ax(9, 5)  # halted before the enemy's hex
    assert tank.mp == 0.0
    assert new.units["jp"].hex == ax(10, 5)
    assert "jp" in new.spotted["soviet"]
    assert "ambush" in [e.kind for e in events]
    assert len(new.units_at(ax(10, 5))) == 1


# --- performance sanity (no timing asserted) ----------------------------------------------


def test_reachable_on_a_large_map(tmp_path):
    scen = build(
        tmp_path, "big", 50, 60, [unit("tank", "soviet", "tank_bn", 25, 30), unit("jp", "japanese", "infantry_bn", 0, 0)]
    )
    assert scen.map.size == 3000
    state = start(scen)
    reach = movement.reachable(state, state.units["tank"])
    assert len(reach.destinations()) > 400
    assert len(reach.destinations()) == 468
    # the cost tables are compiled once per scenario, class and destroyed set
    assert movement.cost_table(scen, "tank") is movement.cost_table(scen, "tank")
