"""The game's dice: SplitMix64 as a single 64-bit state, seeded by a stable hash."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.rng import GOLDEN, MASK64, Rng, seed_state

seeds = st.one_of(st.integers(min_value=-(10**12), max_value=10**12), st.text(max_size=20))


def stream(rng: Rng, n: int) -> list[int]:
    return [rng.next_u64() for _ in range(n)]


@given(seeds)
def test_same_seed_same_stream(seed):
    assert stream(Rng.from_seed(seed), 20) == stream(Rng.from_seed(seed), 20)
    assert Rng.from_seed(seed) == Rng.from_seed(seed)


def test_pinned_seed_state_and_first_values_for_seed_7():
    # Pinned once: any change of the hash, the generator or the mixing constants breaks saves
    # and replays, so it must show up here.
    assert seed_state(7) == 0x8E8A2CE49B690279
    r = Rng.from_seed(7)
    assert [r.next_u64() for _ in range(3)] == [0x50D7A6273FBF302E, 0xBA9CE4666EC2D10C, 0xB1FA9C53AA11F2E6]
    assert r.state == (0x8E8A2CE49B690279 + 3 * GOLDEN) & MASK64


def test_state_is_masked_to_64_bits():
    assert Rng(-1).state == MASK64
    assert Rng(1 << 64).state == 0
    r = Rng(MASK64)
    r.next_u64()
    assert 0 <= r.state <= MASK64


def test_next_u64_in_range():
    r = Rng.from_seed("range")
    assert all(0 <= x <= MASK64 for x in stream(r, 2000))


def test_random_in_unit_interval():
    r = Rng.from_seed("unit")
    xs = [r.random() for _ in range(20_000)]
    assert all(0.0 <= x < 1.0 for x in xs)
    assert 0.48 < sum(xs) / len(xs) < 0.52
    assert min(xs) < 0.001 and max(xs) > 0.999


def test_random_extremes():
    # the largest and smallest 64-bit outputs map inside [0, 1)
    class Fixed(Rng):
        __slots__ = ("value",)

        def next_u64(self):
            return self.value

    f = Fixed(0)
    f.value = MASK64
    assert f.random() < 1.0
    assert f.random() == 1.0 - 2.0**-53
    f.value = 0
    assert f.random() == 0.0


def test_below_in_range_and_roughly_uniform():
    r = Rng.from_seed("dice")
    n, draws = 6, 60_000
    counts = [0] * n
    for _ in range(draws):
        v = r.below(n)
        assert 0 <= v < n
        counts[v] += 1
    expected = draws / n
    chi2 = sum((c - expected) ** 2 / expected for c in counts)
    # 5 degrees of freedom: P(chi2 > 25) ~ 1.4e-4; a fixed seed makes this deterministic anyway
    assert chi2 < 25, counts
    assert all(abs(c - expected) < 0.05 * expected for c in counts)


@pytest.mark.parametrize("n", [1, 2, 3, 7, 1000, (1 << 63) + 1])
def test_below_bounds_various_n(n):
    r = Rng.from_seed(f"below{n}")
    for _ in range(500):
        assert 0 <= r.below(n) < n


def test_below_one_is_always_zero():
    r = Rng.from_seed(1)
    assert {r.below(1) for _ in range(100)} == {0}


@pytest.mark.parametrize("n", [0, -1, -6])
def test_below_non_positive_raises(n):
    with pytest.raises(ValueError, match="positive"):
        Rng.from_seed(3).below(n)


def test_choice_picks_members_evenly():
    r = Rng.from_seed("choice")
    items = ("a", "b", "c")
    picks = [r.choice(items) for _ in range(3000)]
    assert set(picks) == set(items)
    assert all(900 < picks.count(x) < 1100 for x in items)


def test_weighted_proportions():
    r = Rng.from_seed("weights")
    weights = [1.0, 3.0, 0.0, 6.0]
    n = 40_000
    counts = [0] * len(weights)
    for _ in range(n):
        counts[r.weighted(weights)] += 1
    assert counts[2] == 0  # zero weight never drawn
    for c, w in zip(counts, weights):
        assert abs(c / n - w / sum(weights)) < 0.01, counts


def test_weighted_single_positive_weight():
    r = Rng.from_seed("one")
    assert {r.weighted([0, 0, 2.5, 0]) for _ in range(200)} == {2}


@pytest.mark.parametrize("weights", [[], [0, 0], [0.0]])
def test_weighted_rejects_zero_total(weights):
    with pytest.raises(ValueError):
        Rng.from_seed(1).weighted(weights)


def test_copy_is_independent():
    a = Rng.from_seed("copy")
    a.next_u64()
    b = a.copy()
    assert b == a and b is not a
    xa = stream(a, 5)
    assert b.state != a.state  # advancing a left b where it was
    assert stream(b, 5) == xa  # b replays the same numbers
    assert b == a


def test_state_round_trip_through_int():
    a = Rng.from_seed("save me")
    stream(a, 7)
    saved = int(f"{a.state:016x}", 16)  # how State stores it
    b = Rng(saved)
    assert b == a
    assert stream(a, 10) == stream(b, 10)
    assert [a.random() for _ in range(3)] == [b.random() for _ in range(3)]


def test_different_seeds_differ():
    firsts = {Rng.from_seed(s).next_u64() for s in [0, 1, 7, 8, "7a", "a", "b", "test_skirmish:default:7", -7]}
    assert len(firsts) == 9


def test_string_and_int_seeds_differ():
    assert seed_state("seven") != seed_state(7)
    assert stream(Rng.from_seed("test_skirmish:default:7"), 3) != stream(Rng.from_seed(7), 3)
    # The seed is hashed as str(seed): the int 7 and the text "7" deliberately name the same
    # stream, so a seed typed on the command line replays a game seeded with the number.
    assert seed_state("7") == seed_state(7)


def test_seed_state_is_stable_hash():
    # sha256 of the text, first 8 bytes little-endian: independent of PYTHONHASHSEED
    import hashlib

    d = hashlib.sha256(b"test_skirmish:default:7").digest()
    assert seed_state("test_skirmish:default:7") == int.from_bytes(d[:8], "little")


def test_eq_and_repr():
    assert Rng(5) == Rng(5)
    assert Rng(5) != Rng(6)
    assert Rng(5) != 5
    assert repr(Rng(255)) == "Rng(0x00000000000000ff)"
