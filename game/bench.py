"""Performance figures for ``python main.py bench`` (figures, not pass/fail tests)."""

from __future__ import annotations

import math
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


def ai_turn_s(scenario: str = LARGEST, games: int = 2) -> dict[str, float | str | int]:
    """Thinking time of the ``ai`` agent per side-turn (all its act() calls for one side in one
    game turn), AI against AI, over whole games; the first turn includes building its caches."""
    from game.ai.planner import AIAgent
    from game.engine import observe

    scen = load_scenario(scenario)
    times: list[float] = []
    walls = []
    for seed in range(games):
        agents = {s: AIAgent(seed, s) for s in scen.sides}
        state = new_game(scen, seed)
        t0 = time.perf_counter()
        while current_actors(state):
            side = current_actors(state)[0]
            state, _ = apply(state, agents[side].act(observe(state, side), side))
        walls.append(time.perf_counter() - t0)
        for a in agents.values():
            times.extend(a.turn_times.values())
    times.sort()
    return {
        "ai_turn_s_p50": round(statistics.median(times), 4),
        "ai_turn_s_p95": round(times[max(0, math.ceil(0.95 * len(times)) - 1)], 4),
        "ai_turn_s_max": round(times[-1], 4),
        "ai_turn_samples": len(times),
        "ai_game_s": round(statistics.median(walls), 3),
        "ai_turn_scenario": scenario,
    }


def run_bench(quick: bool = False) -> dict[str, float | str | int]:
    """Every figure; ``quick`` (tests) measures the same things small: the skirmish instead of
    August for the AI, few repeats and frames — the numbers then mean little, the keys are there."""
    figures: dict[str, float | str | int] = {}
    t0 = time.perf_counter()
    load_scenario(BENCH_MAP)
    figures["load_bench_map_s"] = round(time.perf_counter() - t0, 4)
    figures.update(movement_range_ms(repeats=20) if quick else movement_range_ms())
    figures.update(simulate_game_s(games=1) if quick else simulate_game_s())
    if quick:
        figures["quick"] = 1
        figures.update(ai_turn_s(GAME_SCENARIO, games=1))
        figures.update(frame_ms(frames=10))
        return figures
    if (SCENARIO_DIR / f"{LARGEST}.yaml").exists():
        big = simulate_game_s(LARGEST, games=1)
        figures["simulate_largest_s"] = big["simulate_game_s"]
        figures["simulate_largest_scenario"] = LARGEST
        figures.update(ai_turn_s(LARGEST))
        figures.update(frame_ms())
    return figures


def frame_ms(frames: int = 200) -> dict[str, float]:
    """Game-screen frame time (p50/p95): August map, all units, supply overlay, 1600x1000, dummy video."""
    from game.ui.benchframe import frame_ms as measure  # pygame stays out of the core's imports

    return measure(frames=frames)
