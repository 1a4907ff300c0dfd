"""Hex maths: distances, neighbours, rings, lines, offset coordinates and the plane layout."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.hexgrid import (
    DIRECTIONS,
    SQRT3,
    Layout,
    axial_to_offset,
    direction_to,
    distance,
    from_cube,
    hex_range,
    hex_round,
    km_layout,
    line,
    neighbor,
    neighbors,
    offset_to_axial,
    ring,
    spiral,
    to_cube,
)

coord = st.integers(min_value=-1000, max_value=1000)
hexes = st.tuples(coord, coord)
small = st.integers(min_value=-40, max_value=40)
small_hexes = st.tuples(small, small)


# --- distance ------------------------------------------------------------------------------


def test_distance_known_values():
    assert distance((0, 0), (0, 0)) == 0
    assert distance((0, 0), (3, 0)) == 3
    assert distance((0, 0), (0, -4)) == 4
    assert distance((0, 0), (2, -1)) == 2  # E then NE
    assert distance((0, 0), (2, 1)) == 3
    assert distance((-2, 5), (1, 1)) == 4


@given(hexes, hexes)
def test_distance_symmetric_and_non_negative(a, b):
    assert distance(a, b) == distance(b, a) >= 0
    assert (distance(a, b) == 0) == (a == b)


@given(hexes, hexes, hexes)
def test_distance_triangle_inequality(a, b, c):
    assert distance(a, c) <= distance(a, b) + distance(b, c)


@given(hexes, hexes)
def test_distance_is_cube_max_norm(a, b):
    ca, cb = to_cube(a), to_cube(b)
    assert distance(a, b) == max(abs(x - y) for x, y in zip(ca, cb))


# --- neighbours and directions -----------------------------------------------------------


def test_directions_fixed_order():
    # E, NE, NW, W, SW, SE on a pointy-top grid with y down
    assert DIRECTIONS == ((1, 0), (1, -1), (0, -1), (-1, 0), (-1, 1), (0, 1))


@given(hexes)
def test_neighbors_at_distance_one_in_directions_order(h):
    ns = neighbors(h)
    assert len(ns) == 6 == len(set(ns))
    assert all(distance(h, n) == 1 for n in ns)
    assert ns == [(h[0] + dq, h[1] + dr) for dq, dr in DIRECTIONS]
    assert ns == [neighbor(h, i) for i in range(6)]


def test_neighbor_direction_wraps():
    assert neighbor((0, 0), 6) == neighbor((0, 0), 0) == (1, 0)
    assert neighbor((0, 0), -1) == neighbor((0, 0), 5) == (0, 1)


@given(hexes)
def test_direction_to_adjacent(h):
    for i, n in enumerate(neighbors(h)):
        assert direction_to(h, n) == i
        assert direction_to(n, h) == (i + 3) % 6  # the opposite direction


def test_direction_to_not_adjacent():
    assert direction_to((0, 0), (0, 0)) is None
    assert direction_to((0, 0), (2, 0)) is None
    assert direction_to((0, 0), (1, 1)) is None  # distance 2
    assert direction_to((3, -2), (4, -2)) == 0


# --- rings, ranges, spirals --------------------------------------------------------------


@given(small_hexes, st.integers(min_value=0, max_value=12))
def test_ring_size_and_distance(c, k):
    r = ring(c, k)
    assert len(r) == (1 if k == 0 else 6 * k)
    assert len(set(r)) == len(r)
    assert all(distance(c, h) == k for h in r)


def test_ring_radius_zero_is_centre():
    assert ring((4, -2), 0) == [(4, -2)]


def test_ring_consecutive_hexes_adjacent_and_closed():
    r = ring((1, 1), 3)
    for a, b in zip(r, r[1:] + r[:1]):
        assert distance(a, b) == 1


def test_ring_negative_radius_rejected():
    with pytest.raises(ValueError):
        ring((0, 0), -1)


@given(small_hexes, st.integers(min_value=0, max_value=10))
def test_hex_range_size_and_contents(c, n):
    hs = hex_range(c, n)
    assert len(hs) == 3 * n * (n + 1) + 1
    assert len(set(hs)) == len(hs)
    assert all(distance(c, h) <= n for h in hs)
    assert hs == sorted(hs)  # ordered by (q, r)
    assert set(hs) == {h for k in range(n + 1) for h in ring(c, k)}


def test_hex_range_known_sizes():
    assert [len(hex_range((0, 0), n)) for n in range(5)] == [1, 7, 19, 37, 61]


def test_spiral_nearest_first():
    sp = list(spiral((2, 2), 3))
    assert sp[0] == (2, 2)
    assert len(sp) == 37
    ds = [distance((2, 2), h) for h in sp]
    assert ds == sorted(ds)


# --- lines ------------------------------------------------------------------------------


@given(small_hexes, small_hexes)
def test_line_properties(a, b):
    ln = line(a, b)
    assert len(ln) == distance(a, b) + 1
    assert ln[0] == a
    assert ln[-1] == b
    for x, y in zip(ln, ln[1:]):
        assert distance(x, y) == 1


def test_line_known():
    assert line((0, 0), (0, 0)) == [(0, 0)]
    assert line((0, 0), (3, 0)) == [(0, 0), (1, 0), (2, 0), (3, 0)]
    assert line((0, 0), (0, -2)) == [(0, 0), (0, -1), (0, -2)]


# --- cube helpers and rounding -------------------------------------------------------------


@given(hexes)
def test_cube_round_trip(h):
    c = to_cube(h)
    assert sum(c) == 0
    assert from_cube(c) == h


@pytest.mark.parametrize("bad", [(1, 0, 0), (1, 1, 1), (0, 0, -1)])
def test_from_cube_rejects_nonzero_sum(bad):
    with pytest.raises(ValueError, match="sum to zero"):
        from_cube(bad)


@given(hexes)
def test_hex_round_integers_are_fixed_points(h):
    assert hex_round(float(h[0]), float(h[1])) == h


def _cube_dist_frac(fq: float, fr: float, h) -> float:
    fs = -fq - fr
    q, r = h
    s = -q - r
    return max(abs(fq - q), abs(fr - r), abs(fs - s))


@pytest.mark.parametrize(
    "fq, fr, candidates",
    [
        (0.5, 0.0, {(0, 0), (1, 0)}),  # midway E
        (0.0, 0.5, {(0, 0), (0, 1)}),  # midway SE
        (0.5, -0.5, {(0, 0), (1, -1)}),  # midway NE (q and r tie, s exact)
        (-0.5, 0.5, {(0, 0), (-1, 1)}),
        (1.5, 0.0, {(1, 0), (2, 0)}),
        (2.5, -1.0, {(2, -1), (3, -1)}),
        (1 / 3, 1 / 3, {(0, 0), (1, 0), (0, 1)}),  # a corner shared by three hexes
    ],
)
def test_hex_round_ties_give_a_nearest_valid_hex(fq, fr, candidates):
    h = hex_round(fq, fr)
    assert isinstance(h[0], int) and isinstance(h[1], int)
    assert h in candidates
    best = min(_cube_dist_frac(fq, fr, c) for c in candidates)
    assert _cube_dist_frac(fq, fr, h) == pytest.approx(best)
    assert hex_round(fq, fr) == h  # deterministic


@given(st.floats(-50, 50), st.floats(-50, 50))
def test_hex_round_is_a_nearest_hex(fq, fr):
    h = hex_round(fq, fr)
    d = _cube_dist_frac(fq, fr, h)
    # no neighbour of the answer is strictly nearer (cube rounding picks a nearest hex)
    for n in neighbors(h):
        assert d <= _cube_dist_frac(fq, fr, n) + 1e-9


# --- offset coordinates ---------------------------------------------------------------------


@given(coord, coord)
def test_offset_axial_round_trip(col, row):
    h = offset_to_axial(col, row)
    assert axial_to_offset(h) == (col, row)


@given(hexes)
def test_axial_offset_round_trip(h):
    assert offset_to_axial(*axial_to_offset(h)) == h


def test_offset_odd_rows_shoved_right():
    assert offset_to_axial(0, 0) == (0, 0)
    assert offset_to_axial(3, 0) == (3, 0)
    assert offset_to_axial(0, 1) == (0, 1)
    assert offset_to_axial(0, 2) == (-1, 2)
    assert offset_to_axial(0, 3) == (-1, 3)
    assert offset_to_axial(0, -1) == (1, -1)
    # in odd-r, (col 0, row 1) sits SE of (col 0, row 0); (col 0, row 2) sits SW of (col 0, row 1)
    assert direction_to(offset_to_axial(0, 0), offset_to_axial(0, 1)) == 5
    assert direction_to(offset_to_axial(0, 1), offset_to_axial(0, 2)) == 4


# --- layout -------------------------------------------------------------------------------

sizes = st.floats(min_value=0.05, max_value=500, allow_nan=False, allow_infinity=False)
origins = st.tuples(st.floats(-1e4, 1e4), st.floats(-1e4, 1e4))


@settings(max_examples=200)
@given(small_hexes, sizes, origins, st.booleans())
def test_layout_round_trip(h, size, origin, y_down):
    lay = Layout(size=size, origin=origin, y_down=y_down)
    x, y = lay.hex_to_point(h)
    assert lay.point_to_hex(x, y) == h
    fq, fr = lay.point_to_fractional(x, y)
    assert fq == pytest.approx(h[0], abs=1e-6)
    assert fr == pytest.approx(h[1], abs=1e-6)


@settings(max_examples=200)
@given(
    small_hexes,
    st.floats(min_value=0.5, max_value=100),
    origins,
    st.booleans(),
    st.floats(0, 0.45),
    st.floats(0, 2 * math.pi),
)
def test_points_near_centre_round_to_that_hex(h, size, origin, y_down, frac, angle):
    lay = Layout(size=size, origin=origin, y_down=y_down)
    cx, cy = lay.hex_to_point(h)
    rad = frac * size
    assert lay.point_to_hex(cx + rad * math.cos(angle), cy + rad * math.sin(angle)) == h


def test_layout_pointy_top_orientation_screen():
    lay = Layout(size=10.0)
    x0, y0 = lay.hex_to_point((0, 0))
    assert (x0, y0) == (0.0, 0.0)
    # (1, 0): due right, same y, sqrt(3)*size away
    x1, y1 = lay.hex_to_point((1, 0))
    assert y1 == pytest.approx(y0)
    assert x1 == pytest.approx(10 * SQRT3)
    # (0, 1): below-right on screen (y grows downward)
    x2, y2 = lay.hex_to_point((0, 1))
    assert x2 == pytest.approx(5 * SQRT3)
    assert y2 == pytest.approx(15.0)
    assert x2 > x0 and y2 > y0
    # pointy top: a corner straight above the centre
    corners = lay.corners((0, 0))
    assert len(corners) == 6
    assert any(cx == pytest.approx(0.0, abs=1e-9) and cy == pytest.approx(-10.0) for cx, cy in corners)
    assert all(math.hypot(cx, cy) == pytest.approx(10.0) for cx, cy in corners)


def test_layout_y_up_mirrors_y():
    down = Layout(size=2.0, origin=(5.0, 7.0), y_down=True)
    up = Layout(size=2.0, origin=(5.0, 7.0), y_down=False)
    for h in [(0, 1), (2, -3), (-1, 4)]:
        xd, yd = down.hex_to_point(h)
        xu, yu = up.hex_to_point(h)
        assert xu == pytest.approx(xd)
        assert yu - 7.0 == pytest.approx(-(yd - 7.0))


@given(small_hexes)
def test_km_layout_neighbours_exactly_one_km_apart(h):
    lay = km_layout((-6.0, 5.0))
    p = lay.hex_to_point(h)
    for n in neighbors(h):
        q = lay.hex_to_point(n)
        assert math.hypot(q[0] - p[0], q[1] - p[1]) == pytest.approx(1.0, abs=1e-9)


def test_km_layout_orientation_and_scale():
    lay = km_layout((-6.0, 5.0))
    assert lay.y_down is False
    assert lay.hex_to_point((0, 0)) == (-6.0, 5.0)
    x1, y1 = lay.hex_to_point((1, 0))
    assert (x1, y1) == (pytest.approx(-5.0), pytest.approx(5.0))  # east, same latitude
    x2, y2 = lay.hex_to_point((0, 1))
    assert x2 == pytest.approx(-5.5)
    assert y2 == pytest.approx(5.0 - SQRT3 / 2)  # south: y decreases
    assert y2 < 5.0
    big = km_layout((0.0, 0.0), hex_km=2.5)
    bx, by = big.hex_to_point((0, 1))
    assert math.hypot(bx, by) == pytest.approx(2.5)
