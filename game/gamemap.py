"""The compiled battlefield: a rectangle of 1 km hexes with terrain, river edges, crossings,
roads and named places. Built once per scenario by ``game.scenario.mapbuild``; read-only."""

from __future__ import annotations

from dataclasses import dataclass, field

from game import hexgrid
from game.hexgrid import Hex

Edge = tuple[int, int]  # (smaller index, larger index) of two adjacent hexes


def edge(a: int, b: int) -> Edge:
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    hex: Hex
    kind: str = "landmark"


@dataclass(frozen=True)
class Crossing:
    name: str
    kind: str
    edge: Edge
    river: str
    destructible: bool = False


@dataclass
class GameMap:
    """Hexes are indexed row-major over odd-r offset coordinates; axial everywhere else."""

    width: int
    height: int
    origin_km: tuple[float, float]  # km position of hex (col 0, row 0): west edge, north edge
    hex_km: float
    terrain: list[str]
    area: list[str]  # name of the named area painted last on each hex ("" if none)
    river_edges: dict[Edge, str] = field(default_factory=dict)  # edge -> river kind
    river_names: dict[Edge, str] = field(default_factory=dict)
    crossings: dict[Edge, Crossing] = field(default_factory=dict)
    road_edges: dict[Edge, str] = field(default_factory=dict)  # edge -> road kind
    places: dict[str, Place] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.layout = hexgrid.km_layout(self.origin_km, self.hex_km)
        self.hexes: list[Hex] = [hexgrid.offset_to_axial(c, r) for r in range(self.height) for c in range(self.width)]
        self.index: dict[Hex, int] = {h: i for i, h in enumerate(self.hexes)}
        self.nbrs: list[tuple[int, ...]] = [
            tuple(self.index[n] for n in hexgrid.neighbors(h) if n in self.index) for h in self.hexes
        ]

    @property
    def size(self) -> int:
        return self.width * self.height

    def idx(self, h: Hex) -> int | None:
        return self.index.get(h)

    def contains(self, h: Hex) -> bool:
        return h in self.index

    def km_to_hex(self, x: float, y: float) -> Hex:
        return self.layout.point_to_hex(x, y)

    def hex_to_km(self, h: Hex) -> tuple[float, float]:
        return self.layout.hex_to_point(h)

    def terrain_at(self, h: Hex) -> str:
        return self.terrain[self.index[h]]

    def river_between(self, a: Hex, b: Hex) -> str | None:
        ia, ib = self.index.get(a), self.index.get(b)
        if ia is None or ib is None:
            return None
        return self.river_edges.get(edge(ia, ib))

    def crossing_between(self, a: Hex, b: Hex) -> Crossing | None:
        ia, ib = self.index.get(a), self.index.get(b)
        if ia is None or ib is None:
            return None
        return self.crossings.get(edge(ia, ib))

    def crossing_named(self, name: str) -> Crossing | None:
        for c in self.crossings.values():
            if c.name == name:
                return c
        return None
