"""The command line (DESIGN §5). No traceback reaches the user: problems print, exit code 1."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from game.ai.agents import AGENT_NAMES, AgentUnavailable
from game.errors import IllegalAction
from game.scenario.loader import SCENARIO_DIR, load_scenario_checked, scenario_ids, validate_path
from game.scenario.model import Scenario
from game.state import LOSS_KINDS

SIDES = ("soviet", "japanese")
LABEL = {"armored_cars": "armoured cars"}  # the text says armoured; the JSON keys keep the data's armored_cars


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="khalkhin-gol",
        description="Khalkhin Gol 1939 — an operational hex wargame of the battles on the Khalkhin Gol, May–September 1939.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    pl = sub.add_parser("play", help="open the desktop game straight into a scenario")
    pl.add_argument("scenario", metavar="SCENARIO", help="scenario id or path to a YAML file")
    for side in SIDES:
        pl.add_argument(
            f"--{side}",
            default="human" if side == "soviet" else "ai",
            choices=("human", *AGENT_NAMES),
            metavar="WHO",
            help="human | ai | random | passive | historical",
        )
    pl.add_argument("--seed", type=int, default=1)
    pl.add_argument("--variant", default="default")

    sub.add_parser("scenarios", help="list scenario ids, titles, dates and turns")

    v = sub.add_parser("validate", help="check scenario/ruleset files: every problem as PATH:LINE:COL")
    v.add_argument("paths", nargs="+", metavar="PATH")

    s = sub.add_parser("simulate", help="play games headless between agents")
    s.add_argument("scenario", metavar="SCENARIO", help="scenario id or path to a YAML file")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--games", type=int, default=1, metavar="K")
    s.add_argument(
        "--soviet",
        default="random",
        choices=AGENT_NAMES,
        metavar="AGENT",
        help="ai | random | passive | historical (default random)",
    )
    s.add_argument(
        "--japanese",
        default="random",
        choices=AGENT_NAMES,
        metavar="AGENT",
        help="ai | random | passive | historical (default random)",
    )
    s.add_argument("--variant", default="default")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.add_argument("--record", metavar="FILE", help="save the game (actions and per-turn hashes) for replay --verify")
    s.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="processes to play games in parallel (default: both cores); results are the same for any N",
    )

    rp = sub.add_parser("report", help="play some turns headless and show supply, depots, air control and losses")
    rp.add_argument("scenario", metavar="SCENARIO")
    rp.add_argument("--seed", type=int, default=0)
    rp.add_argument("--turns", type=int, default=1, help="turns to play before reporting (default 1)")
    rp.add_argument("--soviet", default="passive", choices=AGENT_NAMES, metavar="AGENT")
    rp.add_argument("--japanese", default="passive", choices=AGENT_NAMES, metavar="AGENT")
    rp.add_argument("--variant", default="default")
    rp.add_argument("--json", action="store_true")

    o = sub.add_parser("oob", help="order of battle with per-side totals and sources")
    o.add_argument("scenario", metavar="SCENARIO")
    o.add_argument("--variant", default="default")
    o.add_argument("--json", action="store_true")

    r = sub.add_parser("replay", help="check a recorded game (--verify re-simulates it headless)")
    r.add_argument("file", metavar="FILE")
    r.add_argument("--verify", action="store_true", help="exit 0 when every recorded hash matches")

    aa = sub.add_parser("aar", help="after-action report of a recorded or saved game: losses against history, turn by turn, luck")
    aa.add_argument("file", metavar="FILE")
    aa.add_argument("--json", action="store_true", help="print one JSON object")

    ru = sub.add_parser("rules", help="the rule numbers, read from the ruleset")
    ru.add_argument("--ruleset", default=None, metavar="PATH", help="a ruleset file (default: scenarios/ruleset.yaml)")
    ru.add_argument("--markdown", action="store_true", help="the block docs/RULES.md carries")
    ru.add_argument("--update", metavar="DOC", help="rewrite the generated block in DOC (e.g. docs/RULES.md)")

    b = sub.add_parser("bench", help="performance figures")
    b.add_argument("--json", action="store_true")
    b.add_argument("--quick", action="store_true", help="the same measurements, small (for tests): figures not meaningful")
    return p


def _load(ref: str, variant: str = "default") -> Scenario | None:
    scen, problems = load_scenario_checked(ref, variant)
    for pr in problems:
        print(pr, file=sys.stderr)
    return scen


def cmd_scenarios(_: argparse.Namespace) -> int:
    rows = []
    for sid in scenario_ids():
        scen, problems = load_scenario_checked(sid)
        if scen is None:
            rows.append((sid, f"(invalid: {len(problems)} problem(s); run validate)", "", ""))
            continue
        if not scen.spec.listed:
            continue
        first = scen.turn_starts[0]
        last = first + timedelta(hours=sum(scen.turn_hours))  # the end of the last turn
        title = scen.title + (f" [variants: {', '.join(scen.variants[1:])}]" if len(scen.variants) > 1 else "")
        rows.append((sid, title, f"{first:%d %b %Y %H:%M} – {last:%d %b %Y %H:%M}", str(scen.turns)))
    if not rows:
        print(f"no scenarios in {SCENARIO_DIR}")
        return 0
    w = max(len(r[0]) for r in rows)
    dw = max(len(r[2]) for r in rows)
    print(f"{'id':<{w}}  turns  {'dates':<{dw}}  title")
    for sid, title, dates, turns in rows:
        print(f"{sid:<{w}}  {turns:>5}  {dates:<{dw}}  {title}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    bad = 0
    ids = set(scenario_ids())
    for path in args.paths:
        if not Path(path).exists() and path in ids:  # a scenario id, as oob and simulate take
            path = str(SCENARIO_DIR / f"{path}.yaml")
        problems = validate_path(path)
        for pr in problems:
            print(pr)
        if problems:
            bad += 1
        else:
            print(f"{path}: OK")
    return 1 if bad else 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from game.simulate import AgentError, run_games

    if args.games < 1:
        print("--games must be at least 1", file=sys.stderr)
        return 1
    scen = _load(args.scenario, args.variant)
    if scen is None:
        return 1
    agents = {"soviet": args.soviet, "japanese": args.japanese}
    seeds = [args.seed + k for k in range(args.games)]
    records: dict[int, str] = {}
    if args.record:
        path = Path(args.record)
        if path.is_dir():
            print(f"--record {args.record}: that is a folder; give a file name, e.g. {path / 'game.json'}", file=sys.stderr)
            return 1
        if not path.parent.is_dir():
            print(f"--record {args.record}: the folder {path.parent} does not exist", file=sys.stderr)
            return 1
        for seed in seeds:
            records[seed] = str(path.with_name(f"{path.stem}-seed{seed}{path.suffix}") if args.games > 1 else path)
    workers = args.workers if args.workers is not None else min(os.cpu_count() or 1, 2)
    show_progress = sys.stderr.isatty() and args.games > 1
    if show_progress:
        _progress(0, args.games)
    try:
        games = run_games(
            str(args.scenario),
            args.variant,
            seeds,
            agents,
            workers=max(1, min(workers, args.games)),
            records=records,
            progress=_progress if show_progress else None,
        )
    except AgentUnavailable as e:
        print(str(e), file=sys.stderr)
        return 1
    except AgentError as e:
        print(str(e), file=sys.stderr)
        return 1
    except OSError as e:
        print(f"cannot write record {e.filename}: {e.strerror or e}", file=sys.stderr)
        return 1
    if show_progress:
        print(file=sys.stderr)
    summary = _summary(games)
    from game.aar import monte_carlo

    summary["history"] = monte_carlo(scen, games)  # outcomes and losses against the documents
    if args.json:
        print(
            json.dumps(
                {"scenario": scen.id, "variant": args.variant, "agents": agents, "games": games, "summary": summary}, indent=1
            )
        )
    else:
        print(f"{scen.title} — {scen.id}, variant {args.variant}; Soviet: {args.soviet}, Japanese: {args.japanese}")
        for g in games:
            who = "draw" if g["winner"] is None else f"{g['result']} {g['winner']} victory"
            print(
                f"  seed {g['seed']:>5}: {who:<28} score {g['score']:+.1f}  turns {g['turns']}  actions {g['actions']}  {g['final_hash'][:16]}"
            )
        if len(games) > 1:
            wins = ", ".join(f"{s.capitalize()} {summary['wins'][s]}" for s in SIDES)
            print(f"  summary: wins {wins}, draws {summary['draws']} of {summary['games']} games")
    return 0


def _progress(done: int, total: int) -> None:
    import time

    now = time.monotonic()
    if done == 0:  # the start: the clock for the estimate of the time left
        _progress.__dict__["t0"] = now
    spent = now - _progress.__dict__.setdefault("t0", now)
    left = spent / done * (total - done) if done else 0.0
    width = 30
    filled = int(width * done / total)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} games  {spent:.0f} s, ~{left:.0f} s left ")
    sys.stderr.flush()


def _summary(games: list[dict[str, Any]]) -> dict[str, Any]:
    wins = Counter(g["winner"] for g in games if g["winner"])
    results = Counter(f"{g['winner']}_{g['result']}" if g["winner"] else "draw" for g in games)
    n = len(games)
    return {
        "games": n,
        "wins": {s: wins.get(s, 0) for s in SIDES},
        "draws": sum(1 for g in games if g["winner"] is None),
        "results": dict(sorted(results.items())),
        "mean_turns": sum(g["turns"] for g in games) / n,
        "mean_losses": {s: {k: sum(g["losses"][s][k] for g in games) / n for k in LOSS_KINDS} for s in SIDES},
    }


def cmd_report(args: argparse.Namespace) -> int:
    from game.report import play_turns, situation_report, situation_text
    from game.simulate import AgentError

    scen = _load(args.scenario, args.variant)
    if scen is None:
        return 1
    try:
        state, events = play_turns(scen, args.seed, {"soviet": args.soviet, "japanese": args.japanese}, args.turns)
    except (AgentUnavailable, AgentError) as e:
        print(str(e), file=sys.stderr)
        return 1
    rep = situation_report(state, events)
    print(json.dumps(rep, indent=1, ensure_ascii=False) if args.json else situation_text(rep))
    return 0


def cmd_oob(args: argparse.Namespace) -> int:
    from game.oob import order_of_battle

    scen = _load(args.scenario, args.variant)
    if scen is None:
        return 1
    data = order_of_battle(scen)
    if args.json:
        print(json.dumps(data, indent=1, ensure_ascii=False))
        return 0
    print(f"{scen.title} — order of battle ({scen.variant})")
    for d in data["sides"].values():
        t = d["totals"]
        print(
            f"\n{d['name']}: {t['men']:,} men, {t['tanks']} tanks, {t['armored_cars']} armoured cars, {t['guns']} guns, "
            f"{t['aircraft']} aircraft, {t['trucks']} trucks"
        )
        for u in d["units"]:
            when = "" if not u.get("arrives_turn") else f"  (arrives turn {u['arrives_turn'] + 1})"
            counts = ", ".join(
                f"{u[k]} {LABEL.get(k, k)}" for k in ("men", "tanks", "armored_cars", "guns", "aircraft", "trucks") if u[k]
            )
            srcs = ", ".join(sorted({s for s in u["sources"].values() if s}))
            name = u["name"] if len(u["name"]) <= 46 else u["name"][:45] + "…"
            print(f"  {name:<46} {counts:<40} [{srcs}]{when}")
    if data["conflicts"]:
        print("\nWhere the sources disagree:")
        for c in data["conflicts"]:
            vals = "; ".join(f"{v.get('value')} ({v.get('source')})" for v in c.get("values", []))
            chosen = f" — used: {c['chosen']}" if c.get("chosen") else ""
            print(f"  {c.get('topic')}: {vals}{chosen}")
    if len(scen.variants) > 1:
        print(f"\nVariants: {', '.join(scen.variants)} (this is '{scen.variant}'; --variant V)")
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    """--verify: re-simulate headless (exit 0 when every hash matches); else open the viewer."""
    from game.replay import RecordError, read_record, verify_record

    if not args.verify:
        try:
            read_record(args.file)  # a bad file is a message here, before any window opens
        except RecordError as e:
            print(e, file=sys.stderr)
            return 1
        if not _has_display():
            print(
                "the replay viewer needs a display; use 'python main.py replay FILE --verify' to check the file headless",
                file=sys.stderr,
            )
            return 2
        try:
            from game.ui.app import run_app
        except ImportError as e:
            print(f"the replay viewer needs pygame-ce: {e}", file=sys.stderr)
            return 1
        try:
            return run_app(replay=args.file)
        except Exception as e:  # no display, no video driver...
            if os.environ.get("KG_DEBUG"):
                raise
            print(f"cannot open the game window: {e}", file=sys.stderr)
            return 1
    res = verify_record(args.file)
    print(res.message, file=sys.stdout if res.ok else sys.stderr)
    return 0 if res.ok else 1


def cmd_aar(args: argparse.Namespace) -> int:
    """The after-action report of a record or save, as text or JSON (re-simulated)."""
    from game.aar import render_text, report_from_record
    from game.replay import RecordError, read_record
    from game.scenario.loader import ScenarioError

    if Path(args.file).suffix.lower() in (".yaml", ".yml"):
        print(
            f"{args.file}: that is a scenario file, not a game record: record one with "
            "'python main.py simulate SCENARIO --record FILE', or give a saved game",
            file=sys.stderr,
        )
        return 1
    try:
        rep = report_from_record(read_record(args.file))
    except RecordError as e:
        print(e, file=sys.stderr)
        return 1
    except ScenarioError as e:
        print(f"{args.file}: its scenario does not load: {e}", file=sys.stderr)
        return 1
    except ValueError as e:
        print(f"{args.file}: {e}", file=sys.stderr)
        return 1
    except IllegalAction as e:
        print(f"{args.file}: the recorded actions do not replay ({e.reason}); try replay --verify", file=sys.stderr)
        return 1
    except (KeyError, TypeError) as e:
        print(f"{args.file}: not a game record this version can replay (missing or wrong {e})", file=sys.stderr)
        return 1
    if rep.warning:
        print(f"{args.file}: warning: {rep.warning}", file=sys.stderr)
    print(json.dumps(rep.to_dict(), indent=1) if args.json else render_text(rep))
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    from game.rulestext import block, render
    from game.scenario.loader import load_ruleset

    path = Path(args.ruleset) if args.ruleset else SCENARIO_DIR / "ruleset.yaml"
    rules, _, problems = load_ruleset(path)
    for pr in problems:
        print(pr, file=sys.stderr)
    if rules is None:
        return 1
    if args.update:
        from game.rulestext import refresh

        doc = Path(args.update)
        doc.write_text(refresh(doc.read_text(encoding="utf-8"), rules), encoding="utf-8")
        print(f"{doc}: rule numbers updated")
        return 0
    print(block(rules) if args.markdown else render(rules))
    return 0


def cmd_play(args: argparse.Namespace) -> int:
    from game.session import Session

    scen = _load(args.scenario, args.variant)
    if scen is None:
        return 1
    if not _has_display():
        print(
            "no display to open the game window on (set DISPLAY, or play headless with "
            f"'python main.py simulate {args.scenario} --soviet {args.soviet if args.soviet != 'human' else 'ai'} "
            f"--japanese {args.japanese if args.japanese != 'human' else 'ai'}')",
            file=sys.stderr,
        )
        return 2
    session = Session.new(scen, args.seed, {"soviet": args.soviet, "japanese": args.japanese})
    return _open_window(session)


def _has_display() -> bool:
    """A window can be shown: not the dummy video driver (tests, CI), and a display on X11/Wayland."""
    if os.environ.get("KG_SCREENSHOT"):
        return True
    if os.environ.get("SDL_VIDEODRIVER", "").lower() in ("dummy", "offscreen"):
        return False
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _open_window(session: Any = None) -> int:
    try:
        from game.ui.app import run_app
    except ImportError as e:
        print(f"the desktop game needs pygame-ce: {e}", file=sys.stderr)
        return 1
    try:
        return run_app(session)
    except Exception as e:  # no display, no video driver...
        if os.environ.get("KG_DEBUG"):
            raise
        print(f"cannot open the game window: {e} (python main.py --help lists the command-line tools)", file=sys.stderr)
        return 1


def cmd_bench(args: argparse.Namespace) -> int:
    from game.bench import run_bench

    figures = run_bench(quick=args.quick)
    if args.json:
        print(json.dumps(figures, indent=1))
    else:
        for k, v in figures.items():
            print(f"{k:>24}: {v}")
    return 0


COMMANDS = {
    "play": cmd_play,
    "scenarios": cmd_scenarios,
    "validate": cmd_validate,
    "simulate": cmd_simulate,
    "oob": cmd_oob,
    "report": cmd_report,
    "replay": cmd_replay,
    "aar": cmd_aar,
    "rules": cmd_rules,
    "bench": cmd_bench,
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        if _has_display():
            return _open_window()
        parser.print_help()
        print("\nScenarios:")
        cmd_scenarios(args)
        print("\n(no display to open the game window on: the command-line tools above still work)")
        return 0
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # a bug of ours: say so in one line, keep the traceback for developers
        if os.environ.get("KG_DEBUG"):
            raise
        print(f"internal error: {type(e).__name__}: {e} (set KG_DEBUG=1 to see the details; please report it)", file=sys.stderr)
        return 1


def entry() -> None:
    sys.exit(main())
