"""Performance figures for ``python main.py bench`` (figures, not pass/fail tests)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from game.actions import EndPhase
from game.engine import apply, current_actors, new_game
from game.rules.movement import reachable
from game.scenario.loader import SCENARIO_DIR, load_scenario
from game.simulate import play_game

BENCH_MAP = SCENARIO_DIR / "bench" / "steppe_3000.yaml"
GAME_SCENARIO = "test_skirmish"
LARGEST = "encirclement_20_august"


def _to_movement(state):
    while state.phase.phase != "movement" or "soviet" not in current_actors(state):
        state, _ = apply(state, EndPhase(current_actors(state)[0]))
    return state


def movement_range_ms(path: Path = BENCH_MAP, repeats: int = 200) -> dict[str, float]:
    """Median time of reachable() for a 12-MP tank battalion on a 3,000+-hex map."""
    scen = load_scenario(path)
    state = _to_movement(new_game(scen, 1))
    unit = state.units["su_tank"]
    reach = reachable(state, unit)  # warm the cost-table cache, as in play
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        reach = reachable(state, unit)
        times.append((time.perf_counter() - t0) * 1000)
    return {
        "movement_range_ms": round(statistics.median(times), 3),
        "movement_range_ms_p95": round(sorted(times)[int(0.95 * len(times)) - 1], 3),
        "movement_range_hexes": len(reach.cost),
        "movement_map_hexes": scen.map.size,
    }


def simulate_game_s(scenario: str = GAME_SCENARIO, games: int = 3) -> dict[str, float | str]:
    """Wall time of one whole random-vs-random game (median over a few seeds)."""
    scen = load_scenario(scenario)
    times = []
    for seed in range(games):
        t0 = time.perf_counter()
        play_game(scen, seed, {"soviet": "random", "japanese": "random"})
        times.append(time.perf_counter() - t0)
    return {"simulate_game_s": round(statistics.median(times), 4), "simulate_scenario": scenario}


def run_bench() -> dict[str, float | str | int]:
    figures: dict[str, float | str | int] = {}
    t0 = time.perf_counter()
    load_scenario(BENCH_MAP)
    figures["load_bench_map_s"] = round(time.perf_counter() - t0, 4)
    figures.update(movement_range_ms())
    figures.update(simulate_game_s())
    if (SCENARIO_DIR / f"{LARGEST}.yaml").exists():
        big = simulate_game_s(LARGEST, games=1)
        figures["simulate_largest_s"] = big["simulate_game_s"]
        figures["simulate_largest_scenario"] = LARGEST
    return figures
