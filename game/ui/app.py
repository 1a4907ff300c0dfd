"""The window and its loop: switches between modes, applies the actions they emit through the
session, runs AI turns in a worker thread (the window keeps pumping events), hands the seat
over in hot-seat games and autosaves on the way out."""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

import pygame

from game.actions import Action, EndPhase
from game.engine import IllegalAction, observe, turn_label
from game.scenario.loader import load_scenario_checked, scenario_ids
from game.session import SaveError, Session
from game.ui import game_draw
from game.ui.game_mode import GameMode
from game.ui.menus import (
    Command,
    Handoff,
    HistoryMenu,
    LoadMenu,
    MainMenu,
    NewGameMenu,
    PbemDialog,
    ReplayMenu,
    RulesScreen,
)

DEFAULT_SIZE = (1600, 1000)
WATCH_DELAY_S = 0.15  # between AI actions when nobody human plays, so the battle can be followed


MIN_SIZE = (1024, 700)  # below this the docked panels and the top bar no longer fit


def fit_to_desktop(size: tuple[int, int], exact: bool = False) -> tuple[int, int]:
    """The window asked for, shrunk to fit a smaller desktop (a 1366×768 laptop must not get a
    window taller than its screen); never below the minimum the layout needs."""
    if exact or pygame.display.get_driver() in ("dummy", "offscreen"):  # tests, screenshots: as asked
        return size
    try:
        desk = pygame.display.get_desktop_sizes()[0]
    except (pygame.error, IndexError):
        return size
    if not desk or desk[0] <= 0 or desk[1] <= 0:
        return size
    w = min(size[0], int(desk[0] * 0.95))
    h = min(size[1], int(desk[1] * 0.9))
    return max(w, min(MIN_SIZE[0], size[0])), max(h, min(MIN_SIZE[1], size[1]))


def _set_minimum_size(size: tuple[int, int]) -> None:
    """The window cannot be dragged smaller than the layout needs (SDL's minimum size)."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            pygame.Window.from_display_module().minimum_size = size
    except (AttributeError, pygame.error, ValueError):
        pass


class AIWorker:
    """One agent decision on a worker thread. The agent sees only the observe() projection, a
    copy, so the main thread's state is never touched."""

    def __init__(self, session: Session, side: str) -> None:
        self.side = side
        self.result: Action | None = None
        self.error: str | None = None
        self.done = False
        self.started = time.monotonic()
        agent = session.agent(side)
        view = observe(session.state, side)  # a copy taken here: the thread never sees the live state

        def work() -> None:
            try:
                self.result = agent.act(view, side)
            except Exception as e:  # an agent bug must not kill the game: the side ends its phase
                self.error = f"{type(e).__name__}: {e}"
                if os.environ.get("KG_DEBUG"):
                    traceback.print_exc()
            self.done = True

        self.thread = threading.Thread(target=work, name=f"ai-{side}", daemon=True)
        self.thread.start()


class App:
    def __init__(self, size: tuple[int, int] = DEFAULT_SIZE, screenshot: str | None = None, screenshot_frames: int = 5) -> None:
        os.environ.setdefault("SDL_VIDEO_X11_WMCLASS", "khalkhin-gol")
        pygame.display.init()  # no audio: the game has no sounds, and it spares ALSA warnings
        pygame.font.init()
        pygame.display.set_caption("Khalkhin Gol 1939")
        size = fit_to_desktop(size, screenshot is not None)
        try:
            self.screen = pygame.display.set_mode(size, pygame.RESIZABLE)
        except pygame.error:
            self.screen = pygame.display.set_mode(size)
        _set_minimum_size(MIN_SIZE)
        pygame.key.set_repeat(300, 40)
        self.size = self.screen.get_size()
        self.mode: Any = MainMenu(self.size)
        self.session: Session | None = None
        self.game: GameMode | None = None
        self.cams: dict[str | None, dict[str, Any]] = {}
        self.log_pos: dict[str | None, int] = {}
        self.seen_timeline: set = set()  # (side, when, title) of the documented events shown: once per side
        self.worker: AIWorker | None = None
        self.last_ai = 0.0
        self.paused = False  # watching AI against AI: P pauses the battle
        self.running = True
        self.frames = 0
        self.screenshot = screenshot
        self.screenshot_frames = screenshot_frames
        self.clock = pygame.time.Clock()
        self._scenarios: list[tuple[str, Any]] | None = None
        self.held: set[int] = set()  # keys down now (KEYDOWN seen, KEYUP not yet)
        self.handoff_deaf: set[int] = set()  # keys already down when a hand-off appeared: it ignores them

    # --- modes ----------------------------------------------------------------------------

    def scenarios(self) -> list[tuple[str, Any]]:
        if self._scenarios is None:
            out = []
            for sid in scenario_ids():
                scen, _ = load_scenario_checked(sid)
                if scen is None or scen.spec.listed:
                    out.append((sid, scen))
            self._scenarios = out
        return self._scenarios

    def open(self, name: str) -> None:
        """Switch to a menu screen; leaving a game autosaves it first."""
        if name != "game" and self.session is not None and self.session.state.result is None:
            self.session.autosave()
        if name == "main":
            self.mode = MainMenu(self.size)
            self.session = None
            self.game = None
            self.worker = None
        elif name == "new":
            self.mode = NewGameMenu(self.size, self.scenarios())
        elif name == "load":
            self.mode = LoadMenu(self.size)
        elif name == "replays":
            self.mode = ReplayMenu(self.size)
        elif name == "history":
            self.mode = HistoryMenu(self.size, self.scenarios())
        elif name == "rules":
            self.mode = RulesScreen(self.size)

    def start_game(self, session: Session) -> None:
        """Seat the players: solo games look through the human side, hot-seat starts with a hand-off."""
        self.session = session
        self.worker = None
        self.cams.clear()
        self.log_pos.clear()
        self.seen_timeline = set()
        self.paused = False
        if not session.hotseat:
            session.viewer = session.humans[0] if session.humans else None
        self.game = None
        self._enter_seat()

    def _enter_seat(self) -> None:
        s = self.session
        assert s is not None
        if s.needs_handoff():
            if self.game is not None:
                self._remember_seat()
            self.game = None
            st = s.state
            nxt = s.to_act() or ""
            others = [s.seat_marks[o] for o in s.scenario.sides if o != nxt and o in s.seat_marks]
            start = max(others) if others else 0
            # a key still held from the screen before (Enter on "Start" or "Load", and the key
            # repeat it makes while a big scenario loads) must not click the hand-off through
            self.handoff_deaf = set(self.held)
            self.mode = Handoff(
                nxt,
                self.size,
                f"{turn_label(st)} — {st.phase.name or st.phase.phase}",
                can_watch=len(s.actions) > start and bool(s.seat_marks or s.actions),
                pbem=s.pbem,
            )
            return
        if self.game is None:
            side = s.view_side()
            self.game = GameMode(s, self.size, self.cams.get(side, {}), self.log_pos.get(side), self.seen_timeline)
        self.mode = self.game

    def _remember_seat(self) -> None:
        g = self.game
        if g is None:
            return
        side = self.session.viewer if self.session is not None else None
        self.cams[side] = {"zoom": g.cam.zoom, "x": g.cam.x, "y": g.cam.y}
        self.log_pos[side] = g.log_pos

    def dispatch(self, result: Any) -> None:
        """Modes return actions (for the engine) or commands (for the app)."""
        if result is None:
            return
        if isinstance(result, Command):
            self._command(result)
            return
        if isinstance(result, list):  # one click, several orders (a new share of the trucks)
            for a in result:
                if not self.submit(a) or self.mode is not self.game:
                    return
            return
        self.submit(result)

    def _command(self, c: Command) -> None:
        if c.name == "quit":
            self.quit()
        elif c.name == "mode":
            self.open(str(c.arg))
        elif c.name == "new":
            a = c.arg
            scen, problems = load_scenario_checked(a["scenario"], a["variant"])
            if scen is None:
                if isinstance(self.mode, NewGameMenu):
                    self.mode.message = "; ".join(str(p) for p in problems[:2])
                return
            self.start_game(Session.new(scen, a["seed"], a["controllers"]))
        elif c.name == "load":
            from game.ui.loading import LoadingMode

            path = Path(c.arg)

            def load(progress: Any) -> Session:
                try:
                    return Session.load(path, progress=progress)
                except SaveError:
                    raise
                except Exception as e:  # a damaged file must not close the game
                    raise SaveError(f"cannot load {path}: {type(e).__name__}: {e}") from None

            self.mode = LoadingMode(
                self.size,
                f"Loading {path.name} (every action is replayed and checked)",
                load,
                lambda s: Command("started", s),
                "load",
            )
        elif c.name == "started":
            self.start_game(c.arg)
        elif c.name == "pbem_send":
            self._send_turn()
        elif c.name == "pbem_write":
            self._pbem_write(str(c.arg))
        elif c.name == "pbem_done":
            self._pbem_done(c.arg)
        elif c.name == "ready" and self.session is not None:
            self.session.viewer = str(c.arg)
            self.session.seat_marks[str(c.arg)] = len(self.session.actions)
            self._enter_seat()
        else:
            self._replay_command(c)

    # --- replays, history, reports, play by e-mail ------------------------------------------

    def _replay_command(self, c: Command) -> None:
        """The commands of the replay viewer and the screens around it."""
        from game.playback import Playback, build_playback_report, history_playback
        from game.ui.aar_view import AARScreen
        from game.ui.loading import LoadingMode
        from game.ui.replay_view import ReplayMode

        if c.name == "replay":
            path = Path(c.arg)

            def open_file(progress: Any) -> Playback:
                pb = Playback.open(path)
                pb.prepare(progress)  # one walk through: every seek is then a few actions, and damage shows now
                return pb

            self.mode = LoadingMode(self.size, f"Opening {path.name}", open_file, lambda pb: Command("viewer", pb), "replays")
        elif c.name == "viewer":
            self.session = None
            self.game = None
            self.mode = ReplayMode(c.arg, self.size)
        elif c.name == "history":
            scen = dict(self.scenarios()).get(str(c.arg))
            if scen is None:
                self.mode.message = f"cannot load scenario {c.arg}"
                return
            self.mode = LoadingMode(
                self.size,
                f"{scen.title}: the documented course (played once, then kept)",
                lambda progress: history_playback(scen, progress),
                lambda pb: Command("viewer", pb),
                "history",
            )
        elif c.name == "branch":
            self.start_game(c.arg)
        elif c.name == "aar_replay":
            viewer = c.arg
            self.mode = LoadingMode(
                self.size,
                "After-action report: replaying the game",
                lambda progress: build_playback_report(viewer.pb, progress),
                lambda rep: Command("aar_show", (rep, Command("resume", viewer))),
                "replays",
            )
        elif c.name == "aar_show":
            rep, back = c.arg
            self.mode = AARScreen(rep, self.size, back)
        elif c.name == "resume":
            self.mode = c.arg
            if hasattr(self.mode, "resize"):
                self.mode.resize(self.size)
        elif c.name == "watch" and self.session is not None:
            s = self.session
            side = str(c.arg)
            others = [s.seat_marks[o] for o in s.scenario.sides if o != side and o in s.seat_marks]
            start = max(others) if others else 0
            pb = Playback.from_session(s, start)
            zoom = int(self.cams.get(side, {}).get("zoom", 4))  # as close as this player looks at the map
            self.mode = ReplayMode(pb, self.size, side=side, locked=True, start=start, back=Command("ready", side), zoom=zoom)

    def _game_wants(self, g: GameMode) -> None:
        """A seat asked for something outside the map: send the turn, or the report."""
        from game.playback import Playback, build_playback_report
        from game.ui.aar_view import AARScreen
        from game.ui.loading import LoadingMode

        want, g.wants = g.wants, None
        s = self.session
        if s is None:
            return
        if want == "pbem":
            self._send_turn()
        elif want == "aar":
            pb = Playback.from_session(s)
            back = Command("resume", g)
            self.mode = LoadingMode(
                self.size,
                "After-action report",
                lambda progress: build_playback_report(pb, progress),
                lambda rep: Command("aar_show", (rep, back)),
                "main",
            )
            _ = AARScreen

    def _send_turn(self) -> None:
        """Play by e-mail: the dialog to name the file (Cancel goes back where the player was)."""
        s = self.session
        if s is None:
            return
        from game.session import pbem_dir

        self.mode = PbemDialog(
            self.size, s.pbem_default_name(), pbem_dir(), s.to_act(), Command("resume", self.mode), own_side=s.viewer
        )

    def _pbem_write(self, name: str) -> None:
        """Write the named turn file; the dialog then shows its full path."""
        s = self.session
        dlg = self.mode
        if s is None or not isinstance(dlg, PbemDialog):
            return
        try:
            path = s.export_turn(name=name)
        except (OSError, ValueError) as e:
            dlg.failed(str(e))
            return
        dlg.written(path)

    def _pbem_done(self, path: Any) -> None:
        """After sending: leave the seat (the other player plays from the file)."""
        nxt = self.session.to_act() if self.session is not None else None
        self.open("main")
        if isinstance(self.mode, MainMenu) and path is not None:
            who = f"the {nxt.capitalize()} player" if nxt else "the other player"
            self.mode.message = f"Turn written to {path} — send this file to {who}; they open it with Load game."

    def submit(self, action: Action) -> bool:
        """Apply a player's action through the session; an illegal one becomes a message, never a crash."""
        s = self.session
        if s is None:
            return False
        try:
            s.apply(action)
        except IllegalAction as e:
            if self.game is not None:  # in words for the player: the rules' reason, not a code
                self.game.toast(f"Not possible now: {e}", 6.0, (255, 140, 120))
            return False
        self._after_apply()
        return True

    def _after_apply(self) -> None:
        s = self.session
        if s is None:
            return
        if self.game is not None and not s.needs_handoff():
            self.game.after_apply()
        if s.needs_handoff():
            self._enter_seat()

    # --- AI -------------------------------------------------------------------------------

    def update_ai(self) -> None:
        """Start or collect the agent's decision for an AI side without blocking the loop."""
        s = self.session
        if s is None or s.state.result is not None:
            self.worker = None
            return
        side = s.to_act()
        if side is None or s.is_human(side):
            self.worker = None
            if self.game is not None:
                self.game.ai_busy = None
            return
        if self.worker is None:
            if not s.humans and (self.paused or time.monotonic() - self.last_ai < WATCH_DELAY_S):
                return
            self.worker = AIWorker(s, side)
            return
        if self.game is not None:
            self.game.ai_busy = side if time.monotonic() - self.worker.started > 0.15 else None
        if not self.worker.done:
            return
        w, self.worker = self.worker, None
        self.last_ai = time.monotonic()
        if w.side != s.to_act():
            return
        action = w.result if w.result is not None else EndPhase(side)
        try:
            s.apply(action)
        except IllegalAction as e:
            if self.game is not None:
                self.game.toast(f"The {side} agent chose an illegal action ({e}); it ends its phase", 5.0)
            try:
                s.apply(EndPhase(side))
            except IllegalAction:
                pass
        if w.error and self.game is not None:
            self.game.toast(f"The {side} agent failed ({w.error}); it ends its phase", 5.0)
        if self.game is not None and not s.needs_handoff():
            self.game.ai_busy = None
        self._after_apply()

    # --- loop -----------------------------------------------------------------------------

    def quit(self) -> None:
        """Stop the loop; an unfinished game is autosaved first."""
        if self.session is not None and self.session.state.result is None:
            self.session.autosave()
        self.running = False

    def handle(self, ev: pygame.event.Event) -> None:
        """One event to the current mode; exceptions become on-screen messages (KG_DEBUG re-raises)."""
        if ev.type == pygame.QUIT:
            self.quit()
            return
        if ev.type in (pygame.VIDEORESIZE, getattr(pygame, "WINDOWRESIZED", -1), getattr(pygame, "WINDOWSIZECHANGED", -1)):
            self.size = pygame.display.get_surface().get_size()
            self.mode.resize(self.size)
            if self.game is not None and self.game is not self.mode:
                self.game.resize(self.size)
            return
        if ev.type == pygame.KEYUP:
            self.held.discard(ev.key)
            self.handoff_deaf.discard(ev.key)
        elif ev.type == pygame.KEYDOWN:
            if isinstance(self.mode, Handoff) and ev.key in self.handoff_deaf:
                return  # pressed before the hand-off showed: the next player has not answered yet
            self.held.add(ev.key)
        if ev.type == pygame.KEYDOWN and ev.key == pygame.K_p and self.session is not None and not self.session.humans:
            self.paused = not self.paused
            if self.game is not None:
                self.game.paused = self.paused
            return
        try:
            result = self.mode.handle(ev)
            self.dispatch(result)
        except Exception as e:  # bad input or a bug of ours: tell the player, keep the game
            if os.environ.get("KG_DEBUG"):
                raise
            self._report(e)
        g = self.game
        if g is not None and self.mode is g:
            if g.quit_requested:
                self.quit()
            elif g.wants_menu:
                self.open("main")
            elif g.wants:
                self._game_wants(g)

    def _report(self, e: Exception) -> None:
        msg = f"internal error: {type(e).__name__}: {e} (set KG_DEBUG=1 for details; please report it)"
        print(msg, file=sys.stderr)
        if self.game is not None and self.mode is self.game:
            self.game.toast(msg, 8.0, (255, 120, 100))
        elif hasattr(self.mode, "message"):
            self.mode.message = msg

    def draw(self) -> None:
        if self.mode is self.game and self.game is not None:
            game_draw.draw(self.game, self.screen)
        else:
            self.mode.draw(self.screen)

    def step(self) -> None:
        """One frame: events, AI, drawing, and the optional debug screenshot."""
        for ev in pygame.event.get():
            self.handle(ev)
            if not self.running:
                return
        try:
            self.update_ai()
            if hasattr(self.mode, "update"):
                self.mode.update()
            if hasattr(self.mode, "poll"):
                self.dispatch(self.mode.poll())
            self.draw()
        except Exception as e:  # a bug of ours: say so on screen and keep the game (it autosaves)
            if os.environ.get("KG_DEBUG"):
                raise
            self._report(e)
        pygame.display.flip()
        self.frames += 1
        if self.screenshot and self.frames == self.screenshot_frames:
            pygame.image.save(self.screen, self.screenshot)
            self.running = False

    def run(self, max_frames: int | None = None) -> int:
        """The main loop at 60 frames a second; always autosaves and closes pygame on the way out."""
        try:
            while self.running:
                self.step()
                self.clock.tick(60)
                if max_frames is not None and self.frames >= max_frames:
                    break
        except KeyboardInterrupt:
            self.quit()
        finally:
            if self.session is not None and self.session.state.result is None:
                self.session.autosave()
            pygame.quit()
        return 0


def run_app(session: Session | None = None, replay: str | Path | None = None) -> int:
    """Open the window: the main menu, straight into a game, or the replay viewer on a file."""
    shot = os.environ.get("KG_SCREENSHOT")
    frames = int(os.environ.get("KG_SCREENSHOT_FRAMES", "10") or 10)
    app = App(screenshot=shot, screenshot_frames=frames)
    if session is not None:
        app.start_game(session)
    elif replay is not None:
        app.dispatch(Command("replay", Path(replay)))
    return app.run()
