"""The ``ai`` agent: an operational plan each turn, then unit moves, attacks, air and trucks.

Plan (once per movement phase, from the side's view only): every objective of the scenario is a
task — one to *take* if the enemy holds it, one to *hold* if we do and known enemies can reach
it. A task is worth the score it swings (our points plus theirs) and needs force: the enemy's
strength that can arrive there (an influence map) times the superiority wanted. Units are given
to tasks greedily by value over time to get there; a share stays back as a reserve; units cut
off, broken or starving are sent back to regroup by a depot instead. A scenario's
``operational_plan`` (game/ai/opplan.py) weighs the objectives, adds dated phase lines to reach
or to hold (every unit on a hex the plan holds stays and digs in) and a way out to guard and to
fall back by. Enemies seen and lost from sight stay in the threat map for a few turns (memory).

Moves: each unit takes, among its legal destinations, the one that best trades progress toward
its task (a movement-cost field to the goal) against danger (enemy strength that can reach the
hex over ours), staying in supply, terrain and the chance of an attack at good odds next phase.
The scoring is vectorised over all destinations with numpy.

Everything is deterministic given the seeds: ties are broken by the agent's own generator, and
work per turn is bounded by counts (weights.yaml ``budget``), not by the clock.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from game.actions import Action, Attack, EndPhase, Move
from game.ai import influence as inf
from game.ai import opplan
from game.ai.support import air_action, supply_action, zone_weights
from game.ai.tactics import best_attack
from game.engine import legal_actions
from game.rng import Rng
from game.rules import combat, movement, supply
from game.state import ACTIVE, State, Unit

TAKE, HOLD = "take", "hold"


@dataclass
class Task:
    kind: str  # take | hold
    obj: str
    hex: tuple[int, int]
    value: float  # score swing, in objective points
    need: float  # strength wanted there
    got: float = 0.0


@dataclass
class Plan:
    """The side's intent for one movement phase."""

    tasks: list[Task]
    role: dict[str, str]  # unit id -> take | hold | reserve | regroup | guns | stay
    goal: dict[str, tuple[int, int] | None]
    order: list[str]
    friendly: np.ndarray
    enemy: np.ndarray
    supplied: np.ndarray  # hexes inside our supply net (all True without modelled trucks)
    known: frozenset[str]
    enemy_dist: np.ndarray  # hexes from each hex to the nearest known enemy
    noise: np.random.Generator  # tie-breaks, seeded from the agent's own generator


class AIAgent:
    """Plays either side of any scenario through observe / legal_actions, like a human."""

    name = "ai"

    def __init__(self, seed: int, side: str, weights: dict[str, Any] | None = None) -> None:
        self.side = side
        self.rng = Rng.from_seed(f"ai:{side}:{seed}")
        self.w = weights if weights is not None else inf.load_weights()
        self.key: tuple[int, int] | None = None
        self.done: set[str] = set()
        self.plan: Plan | None = None
        self.evals = 0
        self.movers = 0
        self.turn_times: dict[int, float] = {}  # game turn -> seconds spent thinking for it
        # enemies seen and lost sight of: unit id -> (the unit as last seen, game turn seen)
        self.memory: dict[str, tuple[Unit, int]] = {}
        self.holders: frozenset[str] = frozenset()  # garrisons of the last plan: they keep their hexes

    # --- entry point ----------------------------------------------------------------------

    def act(self, view: State, side: str) -> Action:
        t0 = time.perf_counter()
        try:
            return self._act(view, side)
        finally:
            self.turn_times[view.turn] = self.turn_times.get(view.turn, 0.0) + time.perf_counter() - t0

    def _over_wall(self, view: State) -> bool:
        return self.turn_times.get(view.turn, 0.0) > self.w["budget"]["wall_s"]

    def _act(self, view: State, side: str) -> Action:
        key = (view.turn, view.step)
        if key != self.key:
            self.key, self.done, self.plan, self.evals = key, set(), None, 0
        if self._over_wall(view):
            return EndPhase(side)
        phase = view.phase.phase
        if phase == "movement":
            return self._move(view, side)
        if phase == "combat":
            return self._combat(view, side)
        if phase == "air":
            return air_action(view, side, zone_weights(view, side, self._air_goals(view, side)), self.done, self.w)
        if phase == "supply":
            return supply_action(view, side, self.done, self.w)
        return EndPhase(side)

    # --- operational plan -----------------------------------------------------------------

    def _mine(self, view: State) -> list[Unit]:
        return [u for u in view.units.values() if u.side == self.side and u.status == ACTIVE and u.hex is not None]

    def _enemies(self, view: State) -> list[Unit]:
        return [u for u in view.units.values() if u.side != self.side and u.status == ACTIVE and u.hex is not None]

    def remember(self, view: State) -> dict[str, float]:
        """Update the memory of enemy units from this view; return the remembered-but-unseen ones
        with the weight they still carry in the threat map (``memory.weight`` in the turn it was
        lost from sight, falling linearly to 0 after ``memory.turns`` turns). Its last known hex
        is kept even when that hex is seen empty: it moved, but its reach (the influence spread)
        still covers where it can be."""
        m = self.w["memory"]
        seen = self._enemies(view)
        for u in seen:
            self.memory[u.id] = (u, view.turn)
        seen_ids = {u.id for u in seen}
        out: dict[str, float] = {}
        for uid in sorted(self.memory):
            if uid in seen_ids:
                continue
            u, turn = self.memory[uid]
            age = view.turn - turn
            if age > m["turns"]:
                del self.memory[uid]
                continue
            out[uid] = m["weight"] * (1.0 - age / (m["turns"] + 1.0))
        return out

    def _threat(self, view: State, enemies: list[Unit]) -> np.ndarray:
        """Enemy strength that can arrive at each hex: the enemies seen now plus those remembered."""
        ghosts = self.remember(view)
        units = enemies + [self.memory[uid][0] for uid in ghosts]
        return inf.influence(view, units, self.w, scale=ghosts)

    def _worth(self, view: State, obj) -> float:
        enemy = view.scenario.other(self.side)
        return float(obj.points.get(self.side, 0) + obj.points.get(enemy, 0))

    def _make_plan(self, view: State) -> Plan:
        w, mv = self.w, self.w["move"]
        scen = view.scenario
        gm = scen.map
        mine, enemies = self._mine(view), self._enemies(view)
        friendly = inf.influence(view, mine, w)
        enemy = self._threat(view, enemies)
        supplied = self._supply_net(view, enemies)
        strengths = {u.id: inf.strength(view, u) for u in mine}
        unit_size = float(np.mean(list(strengths.values()))) if strengths else 1.0
        op = opplan.read(view, self.side, w)
        enemy_at = {u.hex for u in enemies}
        mine_at = {u.hex for u in mine if not combat.is_artillery(view, u)}
        must_hold = {h for _, h, _ in op.holds}
        line_force = w["plan"]["line_units"] * unit_size  # wanted on each hex the plan holds, at the least

        def threatened(i: int) -> bool:
            return bool(enemy[i] > mv["threat_ratio"] * max(friendly[i], 1e-9) or enemy[i] > 0.5 * unit_size)

        tasks: list[Task] = []
        for obj in scen.objectives:
            worth = self._worth(view, obj) * op.weight.get(obj.hex, op.unlisted)
            if worth <= 0:
                continue
            i = gm.index[obj.hex]
            if view.control.get(obj.id) != self.side:
                tasks.append(Task(TAKE, obj.id, obj.hex, worth, max(enemy[i] * mv["attack_ratio"], unit_size)))
            elif obj.hex in must_hold:
                tasks.append(Task(HOLD, obj.id, obj.hex, worth * mv["hold_bias"], max(enemy[i] * mv["hold_ratio"], line_force)))
            elif threatened(i):
                tasks.append(Task(HOLD, obj.id, obj.hex, worth * mv["hold_bias"], enemy[i] * mv["hold_ratio"]))
        # the scenario's operational plan: lines to hold (garrisons dig in), lines to reach, the way out
        by_hex = {t.hex: t for t in tasks}
        keep: set[tuple[int, int]] = set()  # hexes whose garrison stays put
        for label, h, val in op.holds:
            i = gm.index[h]
            if h in by_hex:
                by_hex[h].value += val
            elif h not in enemy_at and val > 0:
                by_hex[h] = Task(HOLD, label, h, val * mv["hold_bias"], max(enemy[i] * mv["hold_ratio"], line_force))
                tasks.append(by_hex[h])
            keep.add(h)
        for label, h, val in op.reaches:
            i = gm.index[h]
            if h in by_hex:
                by_hex[h].value += val
            elif h in mine_at:
                keep.add(h)
            else:
                by_hex[h] = Task(TAKE, label, h, val, max(enemy[i] * mv["attack_ratio"], unit_size))
                tasks.append(by_hex[h])
        # the way out: one guard, on its most threatened hex, once the enemy can reach it in force
        open_way = [h for h in op.way_out if h not in enemy_at]
        if open_way:
            h = max(open_way, key=lambda x: (enemy[gm.index[x]], x))
            i = gm.index[h]
            if enemy[i] > w["plan"]["way_out_threat"] * unit_size:
                if h in by_hex:
                    by_hex[h].value += w["plan"]["way_out"]
                else:
                    by_hex[h] = Task(HOLD, "way out", h, w["plan"]["way_out"], enemy[i] * mv["hold_ratio"])
                    tasks.append(by_hex[h])
                keep.add(h)

        role: dict[str, str] = {}
        goal: dict[str, tuple[int, int] | None] = {}
        # an objective we hold keeps its strongest ground unit in place: control goes to the last
        # side to stand on it, and a garrison digs in where the points are (so does a hex of a
        # line the plan holds)
        for obj in scen.objectives:
            if view.control.get(obj.id) == self.side and self._worth(view, obj) > 0:
                keep.add(obj.hex)
        for h in sorted(keep):
            here = [u for u in mine if u.hex == h and not combat.is_artillery(view, u)]
            if here and h in must_hold:  # a line or place the plan holds: all there stay and dig in
                for g in here:
                    role[g.id], goal[g.id] = "garrison", h
            elif here:
                g = max(here, key=lambda u: (inf.strength(view, u, "defence"), u.id))
                role[g.id], goal[g.id] = "garrison", h
        # a hold line the enemy has overrun (or whose time is past, with the enemy pressing): its
        # units fall back by the way out
        leaving = self._leaving(view, op, friendly, enemy, mine_at)
        ground: list[Unit] = []
        for u in mine:
            if u.id in role and not (role[u.id] == "garrison" and u.id in leaving):
                continue
            i = gm.index[u.hex]  # type: ignore[index]
            if u.id in leaving:
                role[u.id], goal[u.id] = "regroup", op.way_out[-1]
            elif (
                (self.side in view.logistics and not supplied[i] and u.supply < mv["regroup_cut_supply"])
                or u.cohesion < mv["regroup_cohesion"]
                or u.supply < mv["regroup_supply"]
            ):
                role[u.id] = "regroup"
                goal[u.id] = self._depot_goal(view, u, op.way_out)
            elif combat.is_artillery(view, u):
                role[u.id] = "guns"
            else:
                ground.append(u)

        # the cost fields to every goal, per movement class, in one batch each
        # (all objectives at once: one batch now is cheaper than one search per goal as tasks appear)
        goals = (
            [o.hex for o in scen.objectives]
            + [d.hex for d in view.depots.values() if d.side == self.side and d.status == "active"]
            + self._plan_hexes(view)
        )
        fld = {cls: inf.fields(view, cls, goals) for cls in sorted({scen.unit_type(u.type).movement_class for u in mine})}
        # greedy: the best (value / (1 + turns to get there)) pairs first, until each task has its force
        pairs: list[tuple[float, str, int]] = []
        eta: dict[tuple[str, int], float] = {}
        for u in ground:
            cls = scen.unit_type(u.type).movement_class
            per_turn = max(movement.mp_allowance(view, u), 1.0)
            i = gm.index[u.hex]  # type: ignore[index]
            for k, t in enumerate(tasks):
                e = fld[cls][t.hex][i] / per_turn
                if e > mv["max_eta_turns"]:
                    continue
                eta[(u.id, k)] = e
                pairs.append((t.value / (1.0 + e), u.id, k))
        pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
        best_of: dict[str, float] = {}
        for util, uid, k in pairs:
            best_of.setdefault(uid, util)
            t = tasks[k]
            if uid in role or t.got >= t.need:
                continue
            role[uid] = t.kind
            goal[uid] = t.hex
            t.got += strengths[uid]
        # the rest: a reserve held back, the others reinforce the task they value most
        spare = [u for u in ground if u.id not in role]
        n_res = int(round(mv["reserve_share"] * len(ground)))
        spare.sort(key=lambda u: (best_of.get(u.id, 0.0), u.id))
        for u in spare[:n_res]:
            role[u.id], goal[u.id] = "reserve", None
        for u in spare[n_res:]:
            opts = [(util, k) for util, uid, k in pairs if uid == u.id]
            if opts:
                util, k = max(opts, key=lambda x: (x[0], -x[1]))
                role[u.id], goal[u.id] = tasks[k].kind, tasks[k].hex
            else:
                role[u.id], goal[u.id] = "stay", None
        # artillery follows the most valuable task it can serve
        for u in mine:
            if role.get(u.id) == "guns":
                goal[u.id] = self._gun_goal(view, u, tasks)
        # move order: those falling back first (they free hexes), then the nearest to their goal
        rank = {"regroup": 0, TAKE: 1, HOLD: 2, "guns": 3, "reserve": 4, "stay": 5, "garrison": 6}

        def dist_to_goal(u: Unit) -> float:
            g = goal.get(u.id)
            if g is None:
                return 0.0
            return float(inf.field(view, scen.unit_type(u.type).movement_class, g)[gm.index[u.hex]])  # type: ignore[index]

        order = [u.id for u in sorted(mine, key=lambda u: (rank[role[u.id]], dist_to_goal(u), u.id))]
        self.holders = frozenset(uid for uid, r in role.items() if r == "garrison")
        return Plan(
            tasks,
            role,
            goal,
            order,
            friendly,
            enemy,
            supplied,
            frozenset(u.id for u in enemies),
            self._enemy_dist(view, enemies),
            np.random.default_rng(self.rng.below(2**31)),
        )

    def _plan_hexes(self, view: State) -> list[tuple[int, int]]:
        """Every hex the scenario's plan for this side names (their cost fields are built once)."""
        sp = view.scenario.plans.get(self.side)
        if sp is None:
            return []
        hexes = [o.hex for o in sp.objectives] + [h for ln in sp.phase_lines for h in ln.hexes]
        if sp.way_out is not None:
            hexes += list(sp.way_out.hexes)
        return sorted(set(hexes))

    def _leaving(
        self, view: State, op: opplan.PlanNow, friendly: np.ndarray, enemy: np.ndarray, mine_at: set[tuple[int, int]]
    ) -> set[str]:
        """Units to take back by the way out: those near a hold line that is lost — none of ours on
        it and the enemy far stronger there (a little less far once the line's date is past)."""
        if not op.way_out:
            return set()
        p = self.w["plan"]
        gm = view.scenario.map
        g = inf.grid(view)
        out: set[str] = set()
        exit_hex = op.way_out[-1]
        for hexes, expired in op.hold_lines:
            idx = [gm.index[h] for h in hexes]
            ratio = float(enemy[idx].max()) / max(float(friendly[idx].max()), 1e-6)
            held = any(h in mine_at for h in hexes)
            if held or ratio < (p["lost_ratio_after"] if expired else p["lost_ratio"]):
                continue
            near = g.dist_many(list(hexes)).min(axis=0) <= p["leave_radius"]
            for u in self._mine(view):
                i = gm.index[u.hex]  # type: ignore[index]
                if near[i] and u.hex not in op.way_out[1:] and u.hex != exit_hex:
                    out.add(u.id)
        return out

    def _enemy_dist(self, view: State, enemies: list[Unit]) -> np.ndarray:
        g = inf.grid(view)
        if not enemies:
            return np.full(g.q.size, 10**6)
        return g.dist_many(sorted({u.hex for u in enemies})).min(axis=0)  # type: ignore[type-var]

    def _supply_net(self, view: State, enemies: list[Unit]) -> np.ndarray:
        """Hexes where a unit of ours would be in supply: the trace from our depots, plus the
        hexes of the enemy's zone of control next to it (standing there opens the way)."""
        scen = view.scenario
        gm = scen.map
        if self.side not in view.logistics:
            return np.ones(gm.size, dtype=bool)
        cost, _, _ = supply.trace(view, self.side)
        net = np.zeros(gm.size, dtype=bool)
        if not cost:
            return net
        net[list(cost)] = True
        rules = scen.rules.supply
        table = movement.cost_table(scen, rules.trace_class, frozenset(view.destroyed))
        occupied = {gm.index[u.hex] for u in enemies}  # type: ignore[index]
        for h in movement.zoc_of(scen, enemies) - occupied - set(cost):
            for b, w in table[h]:  # edges are symmetric in cost here, near enough for a plan
                if b in cost and cost[b] + w <= rules.trace_range:
                    net[h] = True
                    break
        return net

    def _depot_goal(self, view: State, u: Unit, way_out: tuple[tuple[int, int], ...] = ()) -> tuple[int, int] | None:
        """Where a unit regroups: the nearest depot, or the end of the plan's way out if nearer."""
        goals = sorted(d.hex for d in view.depots.values() if d.side == self.side and d.status == "active")
        if way_out:
            goals.append(way_out[-1])
        if not goals:
            return None
        cls = view.scenario.unit_type(u.type).movement_class
        i = view.scenario.map.index[u.hex]  # type: ignore[index]
        return min(goals, key=lambda h: (inf.field(view, cls, h)[i], h))

    def _gun_goal(self, view: State, u: Unit, tasks: list[Task]) -> tuple[int, int] | None:
        if not tasks:
            return None
        cls = view.scenario.unit_type(u.type).movement_class
        i = view.scenario.map.index[u.hex]  # type: ignore[index]
        per_turn = max(movement.mp_allowance(view, u), 1.0)
        best = max(tasks, key=lambda t: (t.value / (1.0 + inf.field(view, cls, t.hex)[i] / per_turn), t.obj))
        return best.hex

    def _air_goals(self, view: State, side: str) -> dict[str, float]:
        scen = view.scenario
        out: dict[str, float] = {}
        if not scen.zone_of:
            return out
        for obj in scen.objectives:
            if view.control.get(obj.id) != side:
                z = scen.zone_of[scen.map.index[obj.hex]]
                out[z] = out.get(z, 0.0) + 0.2 * self._worth(view, obj)
        return out

    # --- movement -------------------------------------------------------------------------

    def _move(self, view: State, side: str) -> Action:
        if self.plan is None:
            self.plan = self._make_plan(view)
            self.movers = 0
        plan = self.plan
        known = frozenset(u.id for u in self._enemies(view))
        if known != plan.known:  # a move revealed enemies: re-read the threat
            plan.enemy = self._threat(view, self._enemies(view))
            plan.known = known
            plan.enemy_dist = self._enemy_dist(view, self._enemies(view))
        while plan.order:
            uid = plan.order.pop(0)
            u = view.units.get(uid)
            if u is None or u.status != ACTIVE or u.mp <= movement.EPS or plan.role.get(uid) in ("stay", "garrison"):
                continue
            if self.movers >= self.w["budget"]["max_movers"]:
                break
            self.movers += 1
            to = self._choose_dest(view, side, u, plan)
            if to is not None:
                return Move(side, uid, to)
        return EndPhase(side)

    def _choose_dest(self, view: State, side: str, u: Unit, plan: Plan) -> tuple[int, int] | None:
        mv = self.w["move"]
        scen = view.scenario
        gm = scen.map
        moves = [a for a in legal_actions(view, side, unit=u.id) if isinstance(a, Move)]
        if not moves:
            return None
        start = gm.index[u.hex]  # type: ignore[index]
        dests = [start] + [gm.index[a.to] for a in moves]
        d = np.array(dests)
        role = plan.role.get(u.id, "stay")
        g = inf.grid(view)
        own = inf.strength(view, u)
        rad = inf.reach_radius(view, u, self.w)
        mine_now = np.clip(1.0 - g.dist_from(u.hex) / (rad + 1.0), 0.0, None) * own  # type: ignore[arg-type]
        others = np.maximum(plan.friendly - mine_now, 0.0)
        local_f = others[d] + own
        danger = plan.enemy[d] / np.maximum(local_f, 1e-6)
        per_turn = max(movement.mp_allowance(view, u), 1.0)
        score = np.zeros(d.size)
        goal = plan.goal.get(u.id)
        if goal is not None:
            fld = inf.field(view, scen.unit_type(u.type).movement_class, goal)
            progress = (fld[start] - fld[d]) / per_turn
            score += np.where(fld[d] >= inf.FAR, -10.0, progress)
        score -= mv["danger_weight"] * np.maximum(danger - mv["danger_ratio"], 0.0)
        unsup = {TAKE: mv["unsupplied_weight_attack"], "regroup": mv["regroup_unsupplied_weight"]}.get(
            role, mv["unsupplied_weight"]
        )
        score -= (unsup + mv["unsupplied_danger_weight"] * np.minimum(danger, 2.0)) * (~plan.supplied[d])
        tdef = inf.terrain_defence(view)[d]
        if role in (HOLD, "reserve", "stay", "guns", "regroup"):
            score += mv["terrain_weight"] * (tdef - 1.0)
            score[0] += 0.3 * combat.posture_index(view, u)
        ed = plan.enemy_dist[d]
        near_enemy = ed <= 1
        if role == "guns":
            score += np.where(ed <= scen.unit_type(u.type).fire_range, 1.0, 0.0)
            score -= 3.0 * near_enemy
        elif role == "regroup":
            score -= mv["regroup_danger_weight"] * danger
        elif role in (TAKE, HOLD, "reserve"):
            odds_ok = local_f / np.maximum(plan.enemy[d], 1e-6) >= mv["attack_ratio"]
            score += mv["contact_bonus"] * (near_enemy & odds_ok)
        score += 1e-4 * plan.noise.random(d.size)
        k = int(np.argmax(score))
        if k == 0:
            return None
        # keep the friendly map current for the units that move after this one
        new_rad = np.clip(1.0 - g.dist_from(gm.hexes[dests[k]]) / (rad + 1.0), 0.0, None) * own
        plan.friendly = others + new_rad
        return gm.hexes[dests[k]]

    # --- combat ---------------------------------------------------------------------------

    def _combat(self, view: State, side: str) -> Action:
        left = self.w["budget"]["max_combat_evals"] - self.evals
        if left <= 0:
            return EndPhase(side)
        attacks = [a for a in legal_actions(view, side) if isinstance(a, Attack)]
        if not attacks:
            return EndPhase(side)
        pts: dict[tuple[int, int], float] = {}
        for obj in view.scenario.objectives:
            if view.control.get(obj.id) != side:
                pts[obj.hex] = self._worth(view, obj)
        a, used = best_attack(view, side, attacks, self.w, pts, left, self.holders)
        self.evals += used
        return a if a is not None else EndPhase(side)
