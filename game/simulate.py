"""Headless games between agents, with a record that can be replayed and verified."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from game import actions as act
from game.ai.agents import Agent, make_agent
from game.engine import IllegalAction, apply, current_actors, new_game, observe, state_hash
from game.scenario.model import Scenario
from game.state import State

MAX_ACTIONS_PER_TURN = 5_000  # a runaway agent is stopped, not left to spin forever


class AgentError(RuntimeError):
    pass


@dataclass
class GameRecord:
    scenario: Scenario
    variant: str
    seed: int
    agents: dict[str, str]
    actions: list[dict[str, Any]] = field(default_factory=list)
    turn_hashes: list[dict[str, Any]] = field(default_factory=list)  # after each turn's end
    final: State | None = None
    event_counts: dict[str, int] = field(default_factory=dict)
    objectives: list[dict[str, Any]] = field(default_factory=list)  # when each objective changed hands

    @property
    def final_hash(self) -> str:
        assert self.final is not None
        return state_hash(self.final)


def play_game(scen: Scenario, seed: int, agent_names: dict[str, str]) -> GameRecord:
    """One game of the scenario as loaded (its variant included)."""
    agents: dict[str, Agent] = {side: make_agent(agent_names[side], seed, side) for side in scen.sides}
    state = new_game(scen, seed)
    rec = GameRecord(scen, scen.variant, seed, dict(agent_names))
    per_turn = 0
    while current_actors(state):
        side = current_actors(state)[0]
        action = agents[side].act(observe(state, side), side)
        try:
            nxt, events = apply(state, action)
        except IllegalAction as e:
            raise AgentError(f"agent '{agents[side].name}' ({side}) chose an illegal action {action}: {e.reason}") from None
        rec.actions.append(act.to_dict(action))
        for ev in events:
            rec.event_counts[ev.kind] = rec.event_counts.get(ev.kind, 0) + 1
            if ev.kind == "objective":
                when = scen.turn_starts[nxt.turn]
                rec.objectives.append({"turn": nxt.turn + 1, "date": f"{when:%Y-%m-%dT%H:%M}", **ev.data})
        per_turn += 1
        if nxt.turn != state.turn or nxt.result is not None:
            rec.turn_hashes.append({"turn": state.turn, "action": len(rec.actions), "hash": state_hash(nxt)})
            per_turn = 0
        elif per_turn > MAX_ACTIONS_PER_TURN:
            raise AgentError(f"agent for {side} made more than {MAX_ACTIONS_PER_TURN} actions in one turn")
        state = nxt
    rec.final = state
    return rec


# --- many games, on several cores ---------------------------------------------------------

_WORKER: dict[str, Any] = {}


def game_summary(rec: GameRecord) -> dict[str, Any]:
    """The per-game figures ``simulate`` prints (plain data: it crosses process boundaries)."""
    from game.rules.supply import side_report
    from game.state import LOSS_KINDS

    final = rec.final
    assert final is not None
    sides = final.scenario.sides
    res = final.result or {}
    return {
        "seed": rec.seed,
        "winner": res.get("winner"),
        "result": res.get("result"),
        "score": res.get("score"),
        "turns": final.turn + 1,
        "actions": len(rec.actions),
        "final_hash": rec.final_hash,
        "losses": {s: {k: final.losses[s][k] for k in LOSS_KINDS} for s in sorted(sides, reverse=True)},
        "prisoners": {s: final.prisoners.get(s, 0) for s in sorted(sides, reverse=True)},
        "supply": {s: side_report(final, s) for s in sorted(sides, reverse=True) if s in final.logistics},
        "events": dict(sorted(rec.event_counts.items())),
        "objectives": rec.objectives,
    }


def _worker_init(ref: str, variant: str) -> None:
    from game.scenario.loader import load_scenario

    if _WORKER.get("key") != (ref, variant):
        _WORKER["scen"] = load_scenario(ref, variant)
        _WORKER["key"] = (ref, variant)


def _worker_game(seed: int, agent_names: dict[str, str], record: str | None) -> dict[str, Any]:
    try:
        rec = play_game(_WORKER["scen"], seed, agent_names)
    except AgentError as e:
        raise AgentError(f"seed {seed}: {e}") from None
    if record:
        from game.replay import write_record

        write_record(rec, record)
    return game_summary(rec)


def run_games(
    ref: str,
    variant: str,
    seeds: list[int],
    agent_names: dict[str, str],
    workers: int = 1,
    records: dict[int, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[dict[str, Any]]:
    """Play one game per seed and return their summaries in seed order, whatever the workers:
    each game depends only on its seeds, so running them in parallel changes nothing but time."""
    records = records or {}
    out: dict[int, dict[str, Any]] = {}
    if workers <= 1 or len(seeds) <= 1:
        _worker_init(ref, variant)
        for k, seed in enumerate(seeds):
            out[seed] = _worker_game(seed, agent_names, records.get(seed))
            if progress:
                progress(k + 1, len(seeds))
        return [out[s] for s in seeds]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init, initargs=(ref, variant)) as pool:
        futures = {pool.submit(_worker_game, s, agent_names, records.get(s)): s for s in seeds}
        try:
            for k, fut in enumerate(as_completed(futures)):
                out[futures[fut]] = fut.result()
                if progress:
                    progress(k + 1, len(seeds))
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    return [out[s] for s in seeds]
