"""Deterministic dice that live inside the game state.

SplitMix64 (Steele, Lea & Flood 2014) as a counter: the whole generator state is one
64-bit integer, so it serialises into saves and hashes trivially and yields the same
stream on every machine and every Python/numpy version. Never use ``random`` or numpy
distribution methods for game dice: their algorithms are allowed to change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def _mix(z: int) -> int:
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def seed_state(seed: int | str) -> int:
    """Initial generator state from any integer or text seed (stable hash, no Python hash())."""
    digest = hashlib.sha256(str(seed).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "little")


class Rng:
    """A tiny mutable generator; the engine copies it with the state and stores ``.state``."""

    __slots__ = ("state",)

    def __init__(self, state: int) -> None:
        self.state = state & MASK64

    @classmethod
    def from_seed(cls, seed: int | str) -> Rng:
        return cls(seed_state(seed))

    def copy(self) -> Rng:
        return Rng(self.state)

    def next_u64(self) -> int:
        self.state = (self.state + GOLDEN) & MASK64
        return _mix(self.state)

    def random(self) -> float:
        """Uniform float in [0, 1) with 53 bits."""
        return (self.next_u64() >> 11) * (1.0 / (1 << 53))

    def below(self, n: int) -> int:
        """Unbiased integer in [0, n) by rejection."""
        if n <= 0:
            raise ValueError("n must be positive")
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            x = self.next_u64()
            if x < limit:
                return x % n

    def choice(self, items: Sequence):
        return items[self.below(len(items))]

    def weighted(self, weights: Sequence[float]) -> int:
        """Index drawn in proportion to non-negative weights."""
        total = float(sum(weights))
        if total <= 0:
            raise ValueError("weights must have a positive sum")
        x = self.random() * total
        acc = 0.0
        for i, w in enumerate(weights):
            acc += w
            if x < acc:
                return i
        return len(weights) - 1

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Rng) and other.state == self.state

    def __repr__(self) -> str:
        return f"Rng({self.state:#018x})"
