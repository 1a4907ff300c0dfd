"""The replay viewer: a recorded game on the map with play/pause, step forward and back, a turn
bar to seek, bookmarks (every turn, every documented event), speed, whose eyes to look through
(Soviet fog, Japanese fog, or everything), 'take command from here' and the after-action report.

It reads a ``Playback`` (game/playback.py) and never changes a game: commands for the app
(branch a new game, open the report, leave) come back from ``handle`` as ``Command`` values.
Hot-seat uses it locked to one side's fog, over the opponent's last turn only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pygame

from game.actions import Attack, EndPhase, Move
from game.engine import current_actors, turn_label
from game.playback import Bookmark, Playback, PlaybackError
from game.state import ACTIVE, State
from game.ui import fonts, theme
from game.ui.camera import Camera, MapDrag, fit_zoom
from game.ui.mapview import MapView, Marks
from game.ui.menus import Command
from game.ui.widgets import Hits, button, label, paragraph, side_name

TOP = 44
BOTTOM = 96
RIGHT = 400
SPEEDS = (0.5, 1, 2, 4, 8, 16, 32)  # actions a second
VIEWS: tuple[str | None, ...] = ("soviet", "japanese", None)


def _one_per_combat(events: list, side: str | None) -> list:
    """Through both sides' eyes every combat has two events: the attacker's full account and the
    defender's ('combat_defended', with unseen artillery left vague). Keep only the full one."""
    if side is not None:
        return list(events)
    return [e for e in events if e.kind != "combat_defended"]


def take_defaults(pb: Playback, side: str | None) -> dict[str, str]:
    """'Take command' starts with the human on the side whose eyes the viewer looks through
    (through both: the side to act at this point, else the first), the computer on the other."""
    sides = list(pb.scenario.sides)
    if side not in sides:
        acting = [s for s in current_actors(pb.state) if s in sides]
        side = acting[0] if acting else sides[0]
    return {s: "human" if s == side else "ai" for s in sides}


@dataclass
class TakeCommand:
    """The 'take command from here' dialog: who plays each side in the new branch."""

    controllers: dict[str, str] = field(default_factory=dict)


class ReplayMode:
    """A mode: events in, ``Command`` out. ``update()`` advances playback each frame."""

    def __init__(
        self,
        pb: Playback,
        size: tuple[int, int],
        side: str | None = None,
        locked: bool = False,
        start: int = 0,
        back: Command | None = None,
        title: str = "",
        zoom: int | None = None,
    ) -> None:
        self.pb = pb
        self.size = size
        self.side = side  # whose eyes: None = everything (a finished game, history)
        self.locked = locked  # hot-seat: only this side's fog, only from ``start``
        self.start = max(0, min(start, pb.limit))
        self.back = back or Command("mode", "replays")
        self.title = title or pb.title
        self.hits = Hits()
        self.mouse = (0, 0)
        self.playing = False
        self.speed = 3  # index into SPEEDS
        self._word_cache: dict = {}
        self._acc = 0.0
        self._last = time.monotonic()
        self.mapview = MapView(pb.scenario)
        self.marks = Marks(side=side)
        fitted = zoom is None and fit_zoom(pb.scenario.map, *self.map_rect.size) > 2
        self.cam = Camera(
            pb.scenario.map,
            *self.map_rect.size,
            zoom=fit_zoom(pb.scenario.map, *self.map_rect.size) if fitted else 2 if zoom is None else zoom,
        )
        self.take: TakeCommand | None = None
        self.message = pb.problem or ""
        self.bm_scroll = 0
        self.card_hidden: int | None = None  # the turn whose timeline card the player closed
        self.card_focus: str | None = None  # the timeline bookmark last clicked: shown first
        self._view: tuple[tuple, State] | None = None
        self._drag = MapDrag()
        self._sliding = False
        self._bm_cache: list[Bookmark] | None = None
        self._stops: list[int] | None = None  # hot-seat: the places the viewer may stop at
        self._k = 0  # hot-seat: which of them is on screen
        if self._fogged():
            self._stops = self._seen_stops()
            self._seek_stop(0)
        elif pb.pos < self.start:
            pb.seek(self.start)
        if fitted:  # a small map: the whole of it, in the middle of the window
            self.cam.centre_world()
        else:
            self._centre()

    # --- geometry -------------------------------------------------------------------------

    @property
    def map_rect(self) -> pygame.Rect:
        w, h = self.size
        return pygame.Rect(0, TOP, max(100, w - RIGHT), max(100, h - TOP - BOTTOM))

    @property
    def side_rect(self) -> pygame.Rect:
        w, h = self.size
        return pygame.Rect(w - RIGHT, TOP, RIGHT, h - TOP - BOTTOM)

    @property
    def bottom_rect(self) -> pygame.Rect:
        w, h = self.size
        return pygame.Rect(0, h - BOTTOM, w, BOTTOM)

    @property
    def slider_rect(self) -> pygame.Rect:
        b = self.bottom_rect
        return pygame.Rect(b.x + 16, b.bottom - 34, b.w - 32, 18)

    def resize(self, size: tuple[int, int]) -> None:
        self.size = size
        self.cam.resize(*self.map_rect.size)

    def _centre(self) -> None:
        v = self.view
        hexes = [u.hex for u in v.units.values() if u.status == ACTIVE and u.hex is not None and u.side in (self.side, None)]
        if not self.locked or not hexes:
            hexes = [u.hex for u in v.units.values() if u.status == ACTIVE and u.hex is not None]
        if hexes:
            q = sum(h[0] for h in hexes) / len(hexes)
            r = sum(h[1] for h in hexes) / len(hexes)
            self.cam.center_on(min(hexes, key=lambda h: (h[0] - q) ** 2 + (h[1] - r) ** 2))

    # --- what is shown --------------------------------------------------------------------

    @property
    def view(self) -> State:
        """The state at the playback position through the chosen eyes (cached per position)."""
        key = (self.pb.pos, self.side, id(self.pb.state))
        if self._view is None or self._view[0] != key:
            self._view = (key, self.pb.view(self.side))
            self.marks.version += 1
            self.marks.side = self.side
            self._mark_last_action()
        return self._view[1]

    def _mark_last_action(self) -> None:
        """Outline what the last action did: the unit that moved, the hex attacked."""
        i = self._last_index()
        a = self.pb.action(i) if i is not None else None
        self.marks.selected = None
        self.marks.target = None
        self.marks.attackers = set()
        v = self._view[1] if self._view else None
        if a is None or v is None:
            return
        if isinstance(a, Move) and a.unit in v.units and v.units[a.unit].status == ACTIVE:
            self.marks.selected = a.unit
        elif isinstance(a, Attack) and (self.side is None or a.side == self.side or self._spotted_hex(v, a.target)):
            self.marks.target = a.target
            self.marks.attackers = {u for u in a.units if u in v.units} if (self.side in (None, a.side)) else set()

    @staticmethod
    def _spotted_hex(v: State, h: Any) -> bool:
        return any(u.hex == h for u in v.units.values())

    def bookmarks(self) -> list[Bookmark]:
        if self._bm_cache is None:
            self._bm_cache = [b for b in self.pb.bookmarks() if b.pos >= self.start or b.kind == "end"]
            if self.locked:  # hot-seat: the record ends where this player takes the seat
                self._bm_cache = [
                    Bookmark(b.pos, b.turn, b.kind, "Now: your turn") if b.kind == "end" else b for b in self._bm_cache
                ]
        return self._bm_cache

    def action_text(self) -> str:
        """The last action in words, as far as the chosen eyes may know it."""
        i = self._last_index()
        if i is None and self._fogged():
            if len(self._stops or []) <= 1:
                return "Your side saw nothing of their turn: the map is as it stands now."
            return "Their turn begins: step forward to see what your side saw of it"
        if i is None:
            return "Start of the record"
        a = self.pb.action(i)
        side = getattr(a, "side", None)
        if self.side is not None and side != self.side:
            seen = [self._words(e.text) for e in self.pb.events_of(i) if e.seen_by(self.side)]
            return f"{side_name(side)}: " + (seen[-1] if seen else "acts out of your sight")
        if isinstance(a, EndPhase):
            return f"{side_name(side)} ends the phase"
        evs = [
            self._words(e.text)
            for e in _one_per_combat(self.pb.events_of(i), self.side)
            if e.kind not in ("phase_start", "phase_end")
        ]
        return f"{side_name(side)}: " + (evs[0] if evs else a.__class__.__name__)

    def _words(self, text: str) -> str:
        """Zones by name and hexes as the game log writes them."""
        from game.ui.hud import event_words

        return event_words(self.pb.scenario, text, self._word_cache)

    def turn_events(self) -> list:
        """What happened this turn up to here, as the chosen eyes saw it, oldest first
        (hot-seat: from the seen actions only, whatever the other side did unseen)."""
        pb = self.pb
        turn_start = pb.turn_pos(pb.state.turn)
        if self._fogged():
            side = self.side or ""
            return [e for i in self._shown_actions() if i >= turn_start for e in pb.events_of(i) if e.seen_by(side)]
        return _one_per_combat([e for i, e in pb.events(self.side, back=pb.pos - turn_start) if i >= turn_start], self.side)

    # --- moving through the record --------------------------------------------------------

    def _fogged(self) -> bool:
        """Hot-seat 'watch their last turn': only what this side saw, and not how often the other acted."""
        return self.locked and self.side is not None

    def _hidden(self, i: int) -> bool:
        """Action i was the other side's and showed this side nothing."""
        a = self.pb.action(i)
        if getattr(a, "side", None) == self.side:
            return False
        return not any(e.seen_by(self.side or "") for e in self.pb.events_of(i) if e.kind not in ("phase_end",))

    def _seen_stops(self) -> list[int]:
        """Hot-seat: where the viewer may stop — before each action this side saw something
        of, and the end. The other side's unseen actions are folded into the stop after them,
        so neither the steps, nor the turn bar, nor the time playing takes count them: two
        games that differ only in what this side could not see give the same stops and views."""
        pb = self.pb
        me = self.side or ""
        pb.seek(self.start)
        seen: list[int] = []
        while pb.pos < pb.limit:  # one walk forward: every action's events, cheaply
            i, before = pb.pos, pb.state
            pb.step(1)
            if pb.pos == i:
                break
            a = pb.action(i)
            # a known enemy unit that moves shows on the map, even with no event to say so
            known = isinstance(a, Move) and any(a.unit in st.spotted.get(me, []) for st in (before, pb.state))
            if known or not self._hidden(i):
                seen.append(i)
        return [*seen, pb.limit]

    def _seek_stop(self, k: int) -> None:
        stops = self._stops or [self.pb.limit]
        self._k = max(0, min(len(stops) - 1, k))
        self.pb.seek(stops[self._k])

    def _stop_of(self, pos: int) -> int:
        """The first stop at or after ``pos`` (hot-seat bookmarks and turn ticks sit there)."""
        stops = self._stops or []
        return next((k for k, p in enumerate(stops) if p >= pos), max(0, len(stops) - 1))

    def _shown_actions(self) -> list[int]:
        """Hot-seat: the seen actions already played at this stop (the newest last)."""
        stops = self._stops or []
        return [p for p in stops[: self._k] if p < self.pb.limit]

    def _last_index(self) -> int | None:
        """The action the 'last action' line and the map marks describe."""
        if self._fogged():
            shown = self._shown_actions()
            return shown[-1] if shown else None
        return self.pb.pos - 1 if self.pb.pos > 0 else None

    def seek(self, pos: int) -> None:
        if self._fogged():
            self._seek_stop(self._stop_of(pos))
        else:
            self.pb.seek(max(self.start, pos))
        if self.pb.problem:
            self.message = self.pb.problem

    def _move(self, delta: int) -> None:
        """Step forward or back: one action, or (hot-seat) one stop."""
        if self._fogged():
            self._seek_stop(self._k + delta)
        else:
            self.seek(self.pb.pos + delta)

    def update(self) -> None:
        """Advance while playing: SPEEDS[speed] actions a second, a few per frame at most."""
        now = time.monotonic()
        dt, self._last = now - self._last, now
        if not self.playing or self.take is not None:
            self._acc = 0.0
            return
        self._acc += dt * SPEEDS[self.speed]
        n = min(int(self._acc), 8)
        if n:
            self._acc -= n
            self._move(n)
        if self.pb.at_end:
            self.playing = False

    # --- input ----------------------------------------------------------------------------

    def handle(self, ev: pygame.event.Event) -> Command | None:
        if ev.type == pygame.MOUSEMOTION:
            self.mouse = ev.pos
            if self._sliding and ev.buttons and ev.buttons[0]:
                self._slide(ev.pos[0])
                return None
            self._drag.move(self.cam, ev.pos, ev.buttons)
            return None
        if ev.type == pygame.MOUSEBUTTONDOWN and ev.button == 1:
            self.mouse = ev.pos
            key = self.hits.at(ev.pos)
            if key == "slider":
                self._sliding = True
                self._slide(ev.pos[0])
                return None
            if key is not None:
                return self.command(key)
            if self.take is None and self.map_rect.collidepoint(ev.pos):
                self._drag.press(ev.pos)
            return None
        if ev.type == pygame.MOUSEBUTTONUP and ev.button == 1:
            self._drag.release()
            self._sliding = False
            return None
        if ev.type == pygame.MOUSEWHEEL:
            if self.side_rect.collidepoint(self.mouse):
                self.bm_scroll = max(0, self.bm_scroll - ev.y * 3)
            elif self.map_rect.collidepoint(self.mouse):
                anchor = (self.mouse[0] - self.map_rect.x, self.mouse[1] - self.map_rect.y)
                self.cam.set_zoom(self.cam.zoom + (1 if ev.y > 0 else -1 if ev.y < 0 else 0), anchor)
            return None
        if ev.type == pygame.KEYDOWN:
            return self.key(ev.key, getattr(ev, "mod", 0))
        return None

    def _slide(self, x: int) -> None:
        r = self.slider_rect
        f = max(0.0, min(1.0, (x - r.x) / max(1, r.w)))
        self.playing = False
        if self._fogged():
            self._seek_stop(round(f * (len(self._stops or [0]) - 1)))
        else:
            self.seek(self.start + round(f * (self.pb.n - self.start)))

    def key(self, k: int, mod: int = 0) -> Command | None:
        if self.take is not None:
            if k == pygame.K_ESCAPE:
                self.take = None
            elif k in (pygame.K_RETURN, pygame.K_KP_ENTER):
                return self.command("take_start")
            return None
        shift = bool(mod & pygame.KMOD_SHIFT)
        binds = {
            pygame.K_SPACE: "play",
            pygame.K_RIGHT: "next_turn" if shift else "step:1",
            pygame.K_LEFT: "prev_turn" if shift else "step:-1",
            pygame.K_PAGEDOWN: "next_turn",
            pygame.K_PAGEUP: "prev_turn",
            pygame.K_HOME: "home",
            pygame.K_END: "end",
            # zoom keys as in the game; the speed on the brackets (and its buttons)
            pygame.K_PLUS: "zoom:1",
            pygame.K_EQUALS: "zoom:1",
            pygame.K_KP_PLUS: "zoom:1",
            pygame.K_MINUS: "zoom:-1",
            pygame.K_KP_MINUS: "zoom:-1",
            pygame.K_RIGHTBRACKET: "speed:1",
            pygame.K_LEFTBRACKET: "speed:-1",
            pygame.K_1: "view:soviet",
            pygame.K_2: "view:japanese",
            pygame.K_3: "view:all",
            pygame.K_t: "take",
            pygame.K_r: "report",
            pygame.K_ESCAPE: "close",
        }
        cmd = binds.get(k)
        return self.command(cmd) if cmd else None

    def command(self, key: str) -> Command | None:
        """Buttons and keys by name."""
        name, _, arg = key.partition(":")
        pb = self.pb
        if name == "play":
            if pb.at_end and not self.playing:
                self.seek(self.start)
            self.playing = not self.playing
            self._last = time.monotonic()
        elif name == "step":
            self.playing = False
            self._move(int(arg))
        elif name == "next_turn" and self._fogged():
            self.playing = False
            later = [k for k in (self._stop_of(p) for p in pb.turn_starts()) if k > self._k]
            self._seek_stop(later[0] if later else len(self._stops or [0]) - 1)
        elif name == "prev_turn" and self._fogged():
            self.playing = False
            earlier = [k for k in (self._stop_of(p) for p in pb.turn_starts()) if k < self._k]
            self._seek_stop(earlier[-1] if earlier else 0)
        elif name == "next_turn":
            self.playing = False
            pb.next_turn()
        elif name == "prev_turn":
            self.playing = False
            pb.prev_turn()
            if pb.pos < self.start:
                self.seek(self.start)
        elif name == "home":
            self.playing = False
            self.seek(self.start)
        elif name == "end":
            self.playing = False
            self.seek(pb.n)
        elif name == "speed":
            self.speed = max(0, min(len(SPEEDS) - 1, self.speed + int(arg)))
        elif name == "view" and not self.locked:
            self.side = None if arg == "all" else arg
            self.marks.side = self.side
        elif name == "bm":
            b = self.bookmarks()[int(arg)]
            self.playing = False
            self.seek(b.pos)
            self.card_hidden = None
            self.card_focus = b.title if b.kind == "timeline" else None
        elif name == "card_close":
            self.card_hidden = self.pb.state.turn
        elif name == "zoom":
            self.cam.set_zoom(self.cam.zoom + int(arg))
        elif name == "take" and not self.locked:
            self.playing = False
            if pb.state.result is not None:
                self.message = "The game is over at this point: step back to take command earlier."
                return None
            self.take = TakeCommand(take_defaults(pb, self.side))
        elif name == "take_ctl" and self.take is not None:
            side, _, ctl = arg.partition("=")
            self.take.controllers[side] = ctl
        elif name == "take_cancel":
            self.take = None
        elif name == "take_start" and self.take is not None:
            try:
                ses = pb.take_command(dict(self.take.controllers))
            except PlaybackError as e:
                self.message = str(e)
                self.take = None
                return None
            self.take = None
            return Command("branch", ses)
        elif name == "report" and not self.locked:
            self.playing = False
            return Command("aar_replay", self)
        elif name == "close":
            return self.back
        return None

    # --- drawing --------------------------------------------------------------------------

    def draw(self, screen: pygame.Surface) -> None:
        self.hits.clear()
        screen.fill(theme.BG)
        v = self.view
        self.mapview.draw(screen, self.map_rect, self.cam, v, self.marks)
        self._top(screen, v)
        self._side_panel(screen, v)
        self._bottom(screen)
        self._card(screen)
        if self.take is not None:
            self._take_dialog(screen)

    def _top(self, screen: pygame.Surface, v: State) -> None:
        w = screen.get_width()
        pygame.draw.rect(screen, theme.PANEL, (0, 0, w, TOP))
        pygame.draw.line(screen, theme.PANEL_EDGE, (0, TOP - 1), (w, TOP - 1))
        head = "Replay of the opponent's turn" if self.locked else f"Replay · {self.title}"
        screen.blit(fonts.text(head, 15, theme.TEXT, True), (10, 4))
        ph = v.phase.name or v.phase.phase
        sub = f"{turn_label(v)} · {ph}" + (" · game over" if v.result else "")
        screen.blit(fonts.text(sub, 13, theme.TEXT_DIM), (10, 24))
        bx = w - 10

        def btn(lbl: str, key: str, width: int, active: bool = False, enabled: bool = True) -> None:
            nonlocal bx
            bx -= width
            button(screen, self.hits, pygame.Rect(bx, 6, width, TOP - 12), lbl, key, enabled, active, 13, self.mouse)
            bx -= 6

        btn("Done (Esc)" if self.locked else "Close (Esc)", "close", 104)
        if not self.locked:
            btn("Report (R)", "report", 96)
            btn("Take command here (T)", "take", 180, enabled=v.result is None)
        if self.locked:
            lbl = fonts.text(f"Through {side_name(self.side)} eyes: only what your side spotted", 13, theme.ACCENT)
            screen.blit(lbl, (bx - lbl.get_width() - 10, 14))
            return
        bx -= 8
        for s, lbl, k in (
            (None, "Both (3)", "view:all"),
            ("japanese", "Japanese fog (2)", "view:japanese"),
            ("soviet", "Soviet fog (1)", "view:soviet"),
        ):
            btn(lbl, k, 92 if s is None else 136, active=self.side == s)
        eyes = fonts.text("Eyes:", 13, theme.TEXT_DIM)
        screen.blit(eyes, (bx - eyes.get_width() - 4, 14))

    def _side_panel(self, screen: pygame.Surface, v: State) -> None:
        r = self.side_rect
        pygame.draw.rect(screen, theme.PANEL, r)
        pygame.draw.line(screen, theme.PANEL_EDGE, r.topleft, r.bottomleft)
        x, w = r.x + 10, r.w - 20
        y = r.y + 8
        y = label(screen, "Bookmarks — click to jump (wheel scrolls)", x, y, 14, theme.TEXT, True)
        marks = self.bookmarks()
        here = self.pb.pos
        cur = max((i for i, b in enumerate(marks) if b.pos <= here and b.kind == "turn"), default=-1)
        list_bottom = r.y + int(r.h * 0.55)
        rows = max(1, (list_bottom - y) // 24)
        if self.bm_scroll == 0 and cur > rows // 2:
            first = min(cur - rows // 3, max(0, len(marks) - rows))
        else:
            first = min(self.bm_scroll, max(0, len(marks) - rows))
        for i in range(first, min(len(marks), first + rows)):
            b = marks[i]
            col = {"turn": theme.TEXT, "timeline": theme.ACCENT, "end": theme.TEXT_DIM}[b.kind]
            txt = b.title if b.kind != "timeline" else f"   ★ {b.when + ' · ' if b.when else ''}{b.title}"
            rect = pygame.Rect(x, y, w, 22)
            hover = rect.collidepoint(self.mouse)
            if i == cur:
                pygame.draw.rect(screen, (60, 70, 86), rect, border_radius=3)
            elif hover:
                pygame.draw.rect(screen, theme.BUTTON_HOVER, rect, border_radius=3)
            t = fonts.text(txt, 13, col, b.kind == "turn" and i == cur)
            screen.blit(t, (x + 4, y + 3), pygame.Rect(0, 0, w - 8, 20))
            self.hits.add(rect, f"bm:{i}")
            y += 24
        y = list_bottom + 6
        pygame.draw.line(screen, theme.PANEL_EDGE, (x, y), (x + w, y))
        y = label(screen, "Last action", x, y + 6, 14, theme.TEXT, True)
        y = paragraph(screen, self.action_text(), x, y, w, 13, theme.TEXT, y + 3 * 17) + 6
        y = label(
            screen,
            "What happened this turn" + ("" if self.side is None else " (as this side saw it)"),
            x,
            y,
            14,
            theme.TEXT,
            True,
        )
        lines = [e for e in self.turn_events() if e.kind not in ("phase_end", "move", "timeline")]
        bottom = r.bottom - 8
        lh = fonts.font(12).get_linesize()
        room = max(0, (bottom - y) // lh)
        blocks: list[tuple[list[str], tuple[int, int, int]]] = []
        used = 0
        for e in reversed(lines[-40:]):  # the newest entries that fit whole, oldest first on screen
            col = {"combat": (255, 220, 160), "phase_start": theme.TEXT_DIM}.get(e.kind, theme.TEXT)
            wl = fonts.wrap(self._words(e.text), 12, w)
            if used + len(wl) > room:
                break
            blocks.insert(0, (wl, col))
            used += len(wl)
        for wl, col in blocks:
            for ln in wl:
                screen.blit(fonts.text(ln, 12, col), (x, y))
                y += lh
        if not lines:
            label(screen, "Nothing yet.", x, y, 12, theme.TEXT_DIM)

    def _bottom(self, screen: pygame.Surface) -> None:
        b = self.bottom_rect
        pygame.draw.rect(screen, theme.PANEL, b)
        pygame.draw.line(screen, theme.PANEL_EDGE, b.topleft, b.topright)
        x, y = b.x + 16, b.y + 8
        pb = self.pb
        for lbl, key, width in (
            ("|◀ Turn", "prev_turn", 84),
            ("◀ Step", "step:-1", 76),
            ("❚❚ Pause" if self.playing else "▶ Play", "play", 96),
            ("Step ▶", "step:1", 76),
            ("Turn ▶|", "next_turn", 84),
        ):
            button(
                screen,
                self.hits,
                pygame.Rect(x, y, width, 32),
                lbl,
                key,
                size=14,
                active=key == "play" and self.playing,
                mouse=self.mouse,
            )
            x += width + 6
        x += 10
        screen.blit(fonts.text("Speed", 13, theme.TEXT_DIM), (x, y + 8))
        x += 46
        button(screen, self.hits, pygame.Rect(x, y, 30, 32), "−", "speed:-1", size=15, mouse=self.mouse)
        sp = SPEEDS[self.speed]
        t = fonts.text(f"{sp:g} {'steps' if self._fogged() else 'actions'}/s", 13, theme.TEXT)
        screen.blit(t, t.get_rect(center=(x + 30 + 52, y + 16)))
        button(screen, self.hits, pygame.Rect(x + 134, y, 30, 32), "+", "speed:1", size=15, mouse=self.mouse)
        x += 180
        where = f"turn {pb.state.turn + 1} of {pb.scenario.turns}"
        if not self._fogged():
            where = f"action {pb.pos} of {pb.n} · " + where
        else:  # the other side's number of orders is no business of this seat: only what it saw
            where = f"step {self._k + 1} of {len(self._stops or [0])} (what your side saw) · " + where
        pos = fonts.text(where, 13, theme.TEXT_DIM)
        screen.blit(pos, (x, y + 8))
        if self.message:
            msg = fonts.text(self.message[:140], 13, theme.WARN)
            screen.blit(msg, (max(x + pos.get_width() + 20, b.right - msg.get_width() - 16), y + 8))
        # the turn bar: a tick per turn, the documented events in yellow, the played part filled
        r = self.slider_rect
        pygame.draw.rect(screen, (25, 28, 33), r)
        fogged = self._fogged()
        lo, span = self.start, max(1, pb.n - self.start)
        if fogged:  # hot-seat: the bar counts the stops this side saw, never the other's actions
            lo, span = 0, max(1, len(self._stops or [0]) - 1)

        def px(pos: int) -> int:
            return r.x + int(r.w * ((self._stop_of(pos) if fogged else pos) - lo) / span)

        fx = r.x + int(r.w * self._k / span) if fogged else px(pb.pos)
        pygame.draw.rect(screen, (70, 90, 120), (r.x, r.y, fx - r.x, r.h))
        if pb.limit < pb.n and not fogged:
            lx = px(pb.limit)
            pygame.draw.rect(screen, (110, 40, 40), (lx, r.y, r.right - lx, r.h))
        last_label = -999
        starts = pb.turn_starts()
        for bm in self.bookmarks():
            bx = px(bm.pos)
            if bm.kind == "timeline" and bm.frac > 0:  # at the event's hour within its turn's span
                nxt = next((p for p in starts if p > bm.pos), pb.n)
                bx += int((px(nxt) - bx) * bm.frac)
            if bm.kind == "turn":
                pygame.draw.line(screen, theme.PANEL_EDGE, (bx, r.y), (bx, r.bottom), 1)
                if bx - last_label > 34:
                    t = fonts.text(str(bm.turn + 1), 10, theme.TEXT_DIM)
                    screen.blit(t, (bx + 2, r.bottom + 1))
                    last_label = bx
            elif bm.kind == "timeline":
                pygame.draw.polygon(screen, theme.ACCENT, [(bx, r.y - 1), (bx - 4, r.y - 7), (bx + 4, r.y - 7)])
        pygame.draw.rect(screen, theme.PANEL_EDGE, r, 1)
        pygame.draw.rect(screen, theme.ACCENT, (fx - 3, r.y - 3, 6, r.h + 6))
        self.hits.add(r.inflate(0, 10), "slider")

    def _card(self, screen: pygame.Surface) -> None:
        """The documented events of this turn with their source, while the turn is on screen."""
        st = self.pb.state
        if self.card_hidden == st.turn:
            return
        tl = self.pb.timeline_here()
        if not tl:
            return
        mr = self.map_rect
        width = min(560, mr.w - 40)
        if self.card_focus in [b.title for b in tl]:  # the bookmark just clicked comes first
            tl = sorted(tl, key=lambda b: b.title != self.card_focus)
        room = int(mr.h * 0.62) - 44
        lines: list[tuple[str, int, tuple[int, int, int], bool]] = []
        used, shown = 0, 0
        for b in tl:
            block = [(b.title, 15, theme.ACCENT, True), (b.text, 13, theme.TEXT, False)]
            if b.source:
                block.append((f"Source: {b.source}", 11, theme.TEXT_DIM, False))
            bw = [(ln, sz, c, bo) for t, sz, c, bo in block for ln in fonts.wrap(t, sz, width - 24, bo)]
            bh = sum(fonts.font(sz, bo).get_linesize() for _, sz, _, bo in bw)
            if shown and used + bh > room:
                break
            lines.extend(bw)
            used += bh
            shown += 1
        if shown < len(tl):
            lines.append((f"… and {len(tl) - shown} more this turn: click them in the bookmarks", 12, theme.TEXT_DIM, False))
        wrapped = lines
        h = sum(fonts.font(sz, bo).get_linesize() for _, sz, _, bo in wrapped) + 44
        h = min(h, mr.h - 40)
        rect = pygame.Rect(mr.x + 14, mr.bottom - h - 14, width, h)
        s = pygame.Surface(rect.size, pygame.SRCALPHA)
        s.fill((24, 27, 32, 235))
        screen.blit(s, rect.topleft)
        pygame.draw.rect(screen, theme.ACCENT, rect, 1)
        y = rect.y + 8
        head = fonts.text(f"On this day — {st.scenario.turn_starts[st.turn]:%d %B %Y}", 12, theme.TEXT_DIM, True)
        screen.blit(head, (rect.x + 12, y))
        y += head.get_height() + 4
        for ln, size, col, bold in wrapped:
            lh = fonts.font(size, bold).get_linesize()
            if y + lh > rect.bottom - 4:
                break
            screen.blit(fonts.text(ln, size, col, bold), (rect.x + 12, y))
            y += lh
        button(screen, self.hits, pygame.Rect(rect.right - 30, rect.y + 6, 22, 22), "×", "card_close", size=14, mouse=self.mouse)

    def _take_dialog(self, screen: pygame.Surface) -> None:
        tc = self.take
        assert tc is not None
        dim = pygame.Surface(screen.get_size(), pygame.SRCALPHA)
        dim.fill((0, 0, 0, 140))
        screen.blit(dim, (0, 0))
        sides = sorted(self.pb.scenario.sides, key=lambda s: s != "soviet")  # Soviet first, as in the New game screen
        rect = pygame.Rect(0, 0, 560, 150 + 70 * len(sides))
        rect.center = screen.get_rect().center
        pygame.draw.rect(screen, theme.PANEL, rect)
        pygame.draw.rect(screen, theme.ACCENT, rect, 1)
        x, y = rect.x + 20, rect.y + 14
        y = label(screen, "Take command from here", x, y, 20, theme.TEXT, True)
        y = (
            paragraph(
                screen,
                f"A new game starts at {turn_label(self.pb.state)}, with everything that happened so far. Who plays each side?",
                x,
                y + 2,
                rect.w - 40,
                13,
                theme.TEXT_DIM,
            )
            + 8
        )
        for s in sides:
            y = label(screen, side_name(s), x, y, 14, theme.SIDE_TEXT.get(s, theme.TEXT), True)
            bx = x
            for ctl, lbl in (("human", "Human"), ("ai", "AI"), ("historical", "Historical")):
                button(
                    screen,
                    self.hits,
                    pygame.Rect(bx, y, 140, 30),
                    lbl,
                    f"take_ctl:{s}={ctl}",
                    active=tc.controllers.get(s) == ctl,
                    size=14,
                    mouse=self.mouse,
                )
                bx += 150
            y += 42
        button(
            screen,
            self.hits,
            pygame.Rect(rect.right - 200, rect.bottom - 50, 180, 36),
            "Start (Enter)",
            "take_start",
            size=15,
            mouse=self.mouse,
        )
        button(
            screen,
            self.hits,
            pygame.Rect(rect.x + 20, rect.bottom - 50, 140, 36),
            "Cancel (Esc)",
            "take_cancel",
            size=14,
            mouse=self.mouse,
        )
