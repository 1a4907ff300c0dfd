"""Numpy maps over the hex grid: who can bring how much force where, and how far to the goals.

An operational AI reasons about "how strong are we / are they around this hex" thousands of
times a turn; computed per hex in Python that is the slow part, as arrays it is a few
milliseconds. Everything here reads only a side's view (its fog).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from game.hexgrid import Hex
from game.rules import combat, movement
from game.scenario.yamlload import load_yaml
from game.state import ACTIVE, State, Unit

WEIGHTS_PATH = Path(__file__).with_name("weights.yaml")
FAR = 1e6


def load_weights(path: Path = WEIGHTS_PATH) -> dict[str, Any]:
    """The AI's numbers (game/ai/weights.yaml), read once per process."""
    cache = load_weights.__dict__.setdefault("_cache", {})
    if path not in cache:
        doc = load_yaml(path)
        if doc.data is None or not isinstance(doc.data, dict):
            raise ValueError(f"cannot read AI weights from {path}: {doc.problems}")
        cache[path] = doc.data
    return cache[path]


@dataclass(frozen=True)
class Grid:
    """Axial coordinates of every hex index, as arrays (cached on the scenario)."""

    q: np.ndarray
    r: np.ndarray

    def dist_from(self, h: Hex) -> np.ndarray:
        dq = self.q - h[0]
        dr = self.r - h[1]
        return (np.abs(dq) + np.abs(dr) + np.abs(dq + dr)) // 2

    def dist_many(self, hexes: list[Hex]) -> np.ndarray:
        """K × N distances from K hexes to every hex."""
        if not hexes:
            return np.zeros((0, self.q.size), dtype=np.int32)
        src = np.array(hexes, dtype=np.int32)
        dq = self.q[None, :] - src[:, 0:1]
        dr = self.r[None, :] - src[:, 1:2]
        return (np.abs(dq) + np.abs(dr) + np.abs(dq + dr)) // 2


def grid(view: State) -> Grid:
    scen = view.scenario
    g = scen.__dict__.get("_ai_grid")
    if g is None:
        hexes = scen.map.hexes
        g = Grid(np.array([h[0] for h in hexes], dtype=np.int32), np.array([h[1] for h in hexes], dtype=np.int32))
        scen.__dict__["_ai_grid"] = g
    return g


def _edges(view: State, cls: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Edge arrays (from, to, cost) of a class's movement graph, sorted by 'from', and the group starts."""
    scen = view.scenario
    cache: dict = scen.__dict__.setdefault("_ai_edges", {})
    key = (cls, frozenset(view.destroyed))
    if key not in cache:
        table = movement.cost_table(scen, cls, frozenset(view.destroyed))
        a = np.array([i for i, row in enumerate(table) for _ in row], dtype=np.int64)
        b = np.array([j for row in table for j, _ in row], dtype=np.int64)
        c = np.array([w for row in table for _, w in row], dtype=float)
        starts = np.flatnonzero(np.r_[True, a[1:] != a[:-1]]) if a.size else np.zeros(0, dtype=np.int64)
        cache[key] = (a, b, c, starts)
    return cache[key]


def fields(view: State, cls: str, targets: list[Hex]) -> dict[Hex, np.ndarray]:
    """Movement cost from every hex to each target (FAR where there is no way), for one class.

    The same costs as a Dijkstra from each target over the reversed graph (rivers only at
    crossings, terrain by class), found for all targets at once by vectorised Bellman-Ford
    relaxation: a few dozen numpy passes instead of one Python search per target."""
    scen = view.scenario
    cache: dict = scen.__dict__.setdefault("_ai_fields", {})
    dkey = frozenset(view.destroyed) if view.destroyed else frozenset()
    if len(targets) == 1 and (cls, targets[0], dkey) in cache:  # the common case, kept cheap
        return {targets[0]: cache[(cls, targets[0], dkey)]}
    todo = sorted({t for t in targets if (cls, t, dkey) not in cache and not _reuse(view, cache, cls, t, dkey)})
    if todo:
        a, b, c, starts = _edges(view, cls)
        n = scen.map.size
        f = np.full((len(todo), n), FAR)
        for k, t in enumerate(todo):
            f[k, scen.map.index[t]] = 0.0
        owners = a[starts] if a.size else a
        for _ in range(n):
            cand = f[:, b] + c[None, :]
            best = np.minimum.reduceat(cand, starts, axis=1) if a.size else np.zeros((len(todo), 0))
            new = f.copy()
            new[:, owners] = np.minimum(f[:, owners], best)
            if np.array_equal(new, f):
                break
            f = new
        f[f >= FAR / 2] = FAR
        for k, t in enumerate(todo):
            cache[(cls, t, dkey)] = f[k]
    return {t: cache[(cls, t, dkey)] for t in targets}


def _reuse(view: State, cache: dict, cls: str, target: Hex, dkey: frozenset[str]) -> bool:
    """A crossing blown since a cached field was made changes it only if a shortest path used it
    (costs only go up): then the old field still holds and is filed under the new key."""
    gm = view.scenario.map
    for (c, t, old), f in list(cache.items()):
        if c != cls or t != target or not old < dkey:
            continue
        table = movement.cost_table(view.scenario, cls, old)
        tight = False
        for name in dkey - old:
            cr = gm.crossing_named(name)
            if cr is None:
                continue
            a, b = cr.edge
            for x, y in ((a, b), (b, a)):
                w = next((w for j, w in table[x] if j == y), None)
                if w is not None and f[x] < FAR and abs(f[x] - (f[y] + w)) < 1e-9:
                    tight = True
        if not tight:
            cache[(cls, target, dkey)] = f
            return True
    return False


def field(view: State, cls: str, target: Hex) -> np.ndarray:
    """Movement cost from every hex to ``target`` for a movement class, as an array (FAR if none)."""
    return fields(view, cls, [target])[target]


def strength(view: State, u: Unit, role: str = "attack") -> float:
    """Combat value of a unit in riflemen, condition included (what the combat rules count)."""
    return combat.raw_value(view, u, role) * combat.condition(view, u)


def reach_radius(view: State, u: Unit, w: dict[str, Any]) -> float:
    """How far a unit's weight reaches within about a turn (hexes)."""
    scen = view.scenario
    ut = scen.unit_type(u.type)
    mp = ut.mp * scen.spec.calendar.mp_factor
    r = 1.0 + mp * w["move"]["reach_factor"]
    if ut.combat == "artillery":
        r = max(r, float(ut.fire_range))
    return max(float(w["move"]["min_radius"]), r)


def influence(
    view: State, units: list[Unit], w: dict[str, Any], role: str = "attack", scale: dict[str, float] | None = None
) -> np.ndarray:
    """Sum over units of strength × (1 − d / (radius + 1)), clipped at 0: force that can arrive.
    ``scale`` weighs some units down (enemies remembered but no longer seen)."""
    g = grid(view)
    out = np.zeros(g.q.size)
    placed = [u for u in units if u.hex is not None and u.status == ACTIVE]
    if not placed:
        return out
    d = g.dist_many([u.hex for u in placed])  # type: ignore[misc]
    s = np.array([strength(view, u, role) * (scale.get(u.id, 1.0) if scale else 1.0) for u in placed])
    rad = np.array([reach_radius(view, u, w) for u in placed])
    wgt = np.clip(1.0 - d / (rad[:, None] + 1.0), 0.0, None)
    return (wgt * s[:, None]).sum(axis=0)


def terrain_defence(view: State) -> np.ndarray:
    """Terrain defence multiplier of every hex (cached on the scenario)."""
    scen = view.scenario
    arr = scen.__dict__.get("_ai_terrain_def")
    if arr is None:
        arr = np.array([scen.rules.terrain[t].defence for t in scen.map.terrain])
        scen.__dict__["_ai_terrain_def"] = arr
    return arr


def zoc_mask(view: State, enemies: list[Unit]) -> np.ndarray:
    out = np.zeros(view.scenario.map.size, dtype=bool)
    idx = list(movement.zoc_of(view.scenario, enemies))
    if idx:
        out[idx] = True
    return out
