"""Screens outside the map: main menu, new game, load game, replays, rules, and the hot-seat
hand-off. Each is a mode: it takes an event and returns a command for the app (or None)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pygame

from game.session import CONTROLLERS, data_dir, list_saves, pbem_dir, saves_dir
from game.ui import fonts, theme
from game.ui.widgets import Hits, button, edit_text, fit, label, panel, paragraph

TITLE = "Khalkhin Gol 1939"


@dataclass
class Command:
    """What a menu asks the app to do: ("new", {...}), ("load", path), ("mode", name), ("quit",)."""

    name: str
    arg: Any = None


class MenuBase:
    """Shared plumbing: hit boxes, the mouse, Esc to go back."""

    back: str | None = "main"

    def __init__(self, size: tuple[int, int]) -> None:
        self.size = size
        self.hits = Hits()
        self.mouse = (0, 0)
        self.scroll = 0
        self.message = ""

    def resize(self, size: tuple[int, int]) -> None:
        self.size = size

    def handle(self, ev: pygame.event.Event) -> Command | None:
        if ev.type == pygame.MOUSEMOTION:
            self.mouse = ev.pos
        elif ev.type == pygame.MOUSEBUTTONDOWN and ev.button == 1:
            self.mouse = ev.pos
            key = self.hits.at(ev.pos)
            if key is not None:
                return self.command(key)
        elif ev.type == pygame.MOUSEWHEEL:
            self.scroll = max(0, self.scroll - ev.y * 3)
        elif ev.type == pygame.KEYDOWN:
            if ev.key == pygame.K_ESCAPE and self.back:
                return Command("mode", self.back)
            if ev.key in (pygame.K_DOWN, pygame.K_PAGEDOWN):
                self.scroll += 3 if ev.key == pygame.K_DOWN else 20
            if ev.key in (pygame.K_UP, pygame.K_PAGEUP):
                self.scroll = max(0, self.scroll - (3 if ev.key == pygame.K_UP else 20))
            return self.key(ev.key)
        return None

    def key(self, k: int) -> Command | None:
        return None

    def command(self, key: str) -> Command | None:
        if key == "back":
            return Command("mode", self.back or "main")
        return None

    def _back_button(self, screen: pygame.Surface, rect: pygame.Rect) -> None:
        """The same "Back (Esc)" in the bottom-left corner of every menu panel."""
        button(
            screen,
            self.hits,
            pygame.Rect(rect.x + 20, rect.bottom - 56, 140, 42),
            "Back (Esc)",
            "back",
            size=16,
            mouse=self.mouse,
        )

    def _frame(self, screen: pygame.Surface, title: str) -> tuple[pygame.Rect, int]:
        self.hits.clear()
        screen.fill(theme.BG)
        w, h = screen.get_size()
        t = fonts.text(TITLE, 40, theme.TEXT, True)
        screen.blit(t, t.get_rect(midtop=(w // 2, 24)))
        rect = pygame.Rect(0, 0, min(1000, w - 40), h - 130)
        rect.midtop = (w // 2, 100)
        y = panel(screen, rect, title)
        return rect, y


class MainMenu(MenuBase):
    back = None

    def draw(self, screen: pygame.Surface) -> None:
        self.hits.clear()
        screen.fill(theme.BG)
        w, h = screen.get_size()
        _backdrop(screen)
        t = fonts.text(TITLE, 56, theme.TEXT, True)
        screen.blit(t, t.get_rect(midtop=(w // 2, h // 6)))
        sub = fonts.text("Халхин-Гол · Nomonhan — the battles on the Khalkhin Gol, May–September 1939", 18, theme.TEXT_DIM)
        screen.blit(sub, sub.get_rect(midtop=(w // 2, h // 6 + 72)))
        y = h // 6 + 140
        for lbl, key in (
            ("New game", "new"),
            ("Load game", "load"),
            ("Replays of your games", "replays"),
            ("The battle as it happened", "history"),
            ("Rules", "rules"),
            ("Quit", "quit"),
        ):
            button(screen, self.hits, pygame.Rect(w // 2 - 150, y, 300, 48), lbl, key, size=20, mouse=self.mouse)
            y += 60
        if self.message:
            paragraph(screen, self.message, w // 2 - 300, y + 10, 600, 14, theme.WARN)
        foot = fonts.text(
            "Hex = 1 km · battalions with their documented strengths · every number has a source", 13, theme.TEXT_DIM
        )
        screen.blit(foot, foot.get_rect(midbottom=(w // 2, h - 14)))

    def key(self, k: int) -> Command | None:
        return {pygame.K_n: Command("mode", "new"), pygame.K_l: Command("mode", "load"), pygame.K_q: Command("quit")}.get(k)

    def command(self, key: str) -> Command | None:
        if key == "quit":
            return Command("quit")
        return Command("mode", key)


def _backdrop(screen: pygame.Surface) -> None:
    """A quiet suggestion of the river across the menu background."""
    w, h = screen.get_size()
    pts = [(int(w * 0.8 + 60 * __import__("math").sin(i / 7)), int(i * h / 40)) for i in range(41)]
    pygame.draw.lines(screen, (40, 62, 92), False, pts, 10)


@dataclass
class NewGameChoice:
    scenario: str = "crossing_3_july"
    variant: str = "default"
    soviet: str = "human"
    japanese: str = "ai"
    seed: int = 1


def side_rows(sides: Any) -> list[str]:
    """The sides in a steady order for the screens that list them: Soviet first, always."""
    return sorted(sides, key=lambda s: (s != "soviet", s))


class NewGameMenu(MenuBase):
    def __init__(self, size: tuple[int, int], scenarios: list[tuple[str, Any]]) -> None:
        super().__init__(size)
        self.scenarios = scenarios  # (id, Scenario | None)
        self.choice = NewGameChoice()
        ids = [s for s, sc in scenarios if sc is not None]
        if ids and self.choice.scenario not in ids:
            self.choice.scenario = ids[0]

    def _scen(self) -> Any:
        return dict(self.scenarios).get(self.choice.scenario)

    def draw(self, screen: pygame.Surface) -> None:
        rect, y = self._frame(screen, "New game")
        x, w = rect.x + 20, rect.w - 40
        c = self.choice
        y = label(screen, "Scenario", x, y, 14, theme.TEXT_DIM, True)
        for sid, sc in self.scenarios:
            if sc is None:
                txt = f"{sid} (cannot be loaded: run 'python main.py validate')"
            else:
                txt = f"{sc.title} — {sc.turn_starts[0]:%d %b %Y}, {sc.turns} turns"
            button(
                screen,
                self.hits,
                pygame.Rect(x, y, w, 32),
                txt,
                f"scen:{sid}",
                enabled=sc is not None,
                active=c.scenario == sid,
                size=15,
                mouse=self.mouse,
            )
            y += 36
        sc = self._scen()
        if sc is not None:
            room = rect.bottom - 56 - 20 - (40 + 40 * len(sc.sides) + 62) - (y + 4)  # what the choices below leave
            y = _description(screen, sc.description, x, y + 4, w, room) + 8
            y = label(screen, "Variant (order of battle)", x, y, 14, theme.TEXT_DIM, True)
            bx = x
            for v in sc.variants:
                button(
                    screen,
                    self.hits,
                    pygame.Rect(bx, y, 160, 30),
                    v,
                    f"variant:{v}",
                    active=c.variant == v,
                    size=14,
                    mouse=self.mouse,
                )
                bx += 166
            y += 40
            for side in side_rows(sc.sides):  # Soviet first in every scenario: the same click, the same side
                y = label(
                    screen,
                    f"{theme.SIDE_NAME.get(side, side)} side played by",
                    x,
                    y,
                    14,
                    theme.SIDE_TEXT.get(side, theme.TEXT),
                    True,
                )
                bx = x
                for ctl in CONTROLLERS:
                    lbl = {"human": "Human", "ai": "AI", "random": "Random", "passive": "Passive", "historical": "Historical"}[
                        ctl
                    ]
                    button(
                        screen,
                        self.hits,
                        pygame.Rect(bx, y, 120, 30),
                        lbl,
                        f"ctl:{side}:{ctl}",
                        active=getattr(c, side, "") == ctl,
                        size=14,
                        mouse=self.mouse,
                    )
                    bx += 126
                y += 40
            humans = [s for s in side_rows(sc.sides) if getattr(c, s, "") == "human"]
            mode = {0: "AI against AI: you watch", 1: "Solo against the computer", 2: "Hot-seat: two players share this screen"}[
                len(humans)
            ]
            y = label(screen, mode, x, y, 14, theme.ACCENT, True)
            y = label(screen, f"Seed {c.seed}", x, y + 6, 14)
            button(screen, self.hits, pygame.Rect(x + 100, y - 24, 36, 26), "−", "seed:-1", size=14, mouse=self.mouse)
            button(screen, self.hits, pygame.Rect(x + 140, y - 24, 36, 26), "+", "seed:1", size=14, mouse=self.mouse)
        button(
            screen,
            self.hits,
            pygame.Rect(rect.right - 220, rect.bottom - 56, 200, 42),
            "Start (Enter)",
            "start",
            enabled=sc is not None,
            size=18,
            mouse=self.mouse,
        )
        self._back_button(screen, rect)

    def key(self, k: int) -> Command | None:
        if k in (pygame.K_RETURN, pygame.K_KP_ENTER):
            return self.command("start")
        return None

    def command(self, key: str) -> Command | None:
        c = self.choice
        name, _, arg = key.partition(":")
        if name == "scen":
            c.scenario = arg
            sc = self._scen()
            if sc is not None and c.variant not in sc.variants:
                c.variant = sc.variants[0]
        elif name == "variant":
            c.variant = arg
        elif name == "ctl":
            side, _, ctl = arg.partition(":")
            if side in ("soviet", "japanese") and ctl in CONTROLLERS:
                setattr(c, side, ctl)
        elif name == "seed":
            c.seed = max(0, c.seed + int(arg))
        elif name == "start":
            if self._scen() is None:
                return None
            return Command(
                "new",
                {
                    "scenario": c.scenario,
                    "variant": c.variant,
                    "seed": c.seed,
                    "controllers": {"soviet": c.soviet, "japanese": c.japanese},
                },
            )
        return super().command(key)


class LoadMenu(MenuBase):
    title = "Load game"
    note = (
        "Saved games, each game's autosaves of its last ten turns and play-by-e-mail turns. Newest first; "
        "the mark (colour and shape) and 'game …' tell which game a file belongs to. "
        "Every file is checked by replaying it: a changed or damaged one is refused."
    )
    verb = "load"

    def __init__(self, size: tuple[int, int]) -> None:
        super().__init__(size)
        self.saves: list[tuple[Path, dict[str, Any]]] = list_saves(self.folders())
        self.path_text = ""
        self.typing = False

    def folders(self) -> list[Path]:
        return [saves_dir(), pbem_dir()]

    def draw(self, screen: pygame.Surface) -> None:
        rect, y = self._frame(screen, self.title)
        x, w = rect.x + 20, rect.w - 40
        y = paragraph(screen, self.note + f"  Folder: {data_dir()}", x, y, w, 13, theme.TEXT_DIM) + 6
        y = self._path_field(screen, x, y, w) + 6
        if not self.saves:
            label(screen, "No saved games yet.", x, y, 15)
        marks = game_marks([info.get("game_id") for _, info in self.saves])
        shown = self.saves[self.scroll :]
        for i, (p, info) in enumerate(shown):
            if y > rect.bottom - 130:
                break
            if "error" in info:
                txt = f"{p.name} — unreadable: {info['error']}"
                enabled = False
            else:
                txt = save_row(p, info)
                enabled = True
            gid = info.get("game_id")
            sw = 22 if gid else 0  # a mark per game (colour and shape): its autosaves and saves are easy to tell apart
            button(
                screen,
                self.hits,
                pygame.Rect(x + sw, y, w - sw, 30),
                fit(txt, 13, w - sw - 20),  # one size for every row: long names end in an ellipsis
                f"pick:{i + self.scroll}",
                enabled=enabled,
                size=13,
                mouse=self.mouse,
                left=True,
            )
            if gid:
                col, glyph = marks[gid]
                draw_glyph(screen, glyph, col, pygame.Rect(x, y + 6, 18, 18))
            y += 34
        if self.message:
            paragraph(screen, self.message, x, rect.bottom - 120, w, 13, theme.WARN, rect.bottom - 62)
        self._back_button(screen, rect)

    def _path_field(self, screen: pygame.Surface, x: int, y: int, w: int) -> int:
        """Open any file: a path typed (or pasted) into a one-line field."""
        label(screen, "Open a file:", x, y + 6, 13, theme.TEXT_DIM)
        box = pygame.Rect(x + 96, y, w - 96 - 110, 30)
        pygame.draw.rect(screen, (22, 25, 30), box)
        pygame.draw.rect(screen, theme.ACCENT if self.typing else theme.PANEL_EDGE, box, 1)
        shown = self.path_text or ("type a path, then Enter" if not self.typing else "")
        t = fonts.text(shown + ("|" if self.typing else ""), 13, theme.TEXT if self.path_text else theme.TEXT_DIM)
        screen.blit(t, (box.x + 6, box.y + 7), pygame.Rect(max(0, t.get_width() - box.w + 12), 0, box.w - 12, 20))
        self.hits.add(box, "path_focus")
        button(screen, self.hits, pygame.Rect(box.right + 8, y, 102, 30), "Open", "path_open", size=14, mouse=self.mouse)
        return y + 36

    def handle(self, ev: pygame.event.Event) -> Command | None:
        """While the path field has the focus, keys type into it (Esc leaves the field first)."""
        if self.typing and ev.type == pygame.KEYDOWN:
            if ev.key == pygame.K_ESCAPE:
                self.typing = False
            elif ev.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                return self.command("path_open")
            else:
                edited = edit_text(self.path_text, ev)
                if edited is not None:
                    self.path_text = edited
            return None
        if self.typing and ev.type == getattr(pygame, "TEXTINPUT", -1):
            return None  # KEYDOWN carries the text already
        return super().handle(ev)

    def command(self, key: str) -> Command | None:
        if key.startswith("pick:"):
            i = int(key.split(":")[1])
            if 0 <= i < len(self.saves):
                return Command(self.verb, self.saves[i][0])
            return None
        if key == "path_focus":
            self.typing = True
            return None
        if key == "path_open":
            self.typing = False
            text = self.path_text.strip().strip('"').strip("'")
            if not text:
                self.message = "Type the path of a saved game or record first."
                return None
            return Command(self.verb, Path(text).expanduser())
        return super().command(key)


KIND_NAMES = {"autosave": "Autosave", "save": "Saved", "pbem": "E-mail turn", "history": "Documented course"}


def _short_time(iso: Any) -> str:
    """'2026-11-23T03:10:00Z' as '23 Nov 03:10' (UTC, as saved); '' when missing or odd."""
    from datetime import datetime

    try:
        return datetime.strptime(str(iso), "%Y-%m-%dT%H:%M:%SZ").strftime("%d %b %H:%M")
    except ValueError:
        return ""


def save_row(p: Path, info: dict[str, Any]) -> str:
    """One line of the load list: what kind of file, which game and where it stands, the file last."""
    kind = KIND_NAMES.get(str(info.get("kind")), "Record")
    ag = info.get("agents") or {}
    who = " vs ".join(f"{k}: {v}" for k, v in ag.items())
    over = " · finished" if info.get("final_hash") else ""
    nxt = f" · {info.get('to_act')} to play" if info.get("kind") == "pbem" and info.get("to_act") else ""
    saved = _short_time(info.get("saved_at"))
    gid = info.get("game_id")
    game = f" · game {gid[:6]}" if gid else ""
    started = _short_time(info.get("started")) if gid else ""
    name = "" if info.get("kind") == "autosave" else f" · {p.name}"  # autosave names say nothing new
    return (
        f"{kind}{' ' + saved if saved else ''} — {info.get('scenario')} ({info.get('variant')}), "
        f"turn {(info.get('turn') or 0) + 1}{game} · {who}{over}{nxt}{name} · {info.get('n_actions')} actions"
        + (f" · game started {started}" if started else "")
    )


def game_colour(gid: str) -> tuple[int, int, int]:
    """A steady colour for a game id (the same game, the same colour, every time)."""
    import zlib

    h = zlib.crc32(gid.encode()) % 360
    c = pygame.Color(0)
    c.hsva = (h, 55, 85, 100)
    return (c.r, c.g, c.b)


# Okabe-Ito colours (colour-blind safe) and shapes: the shape tells games apart where colours fail
MARK_COLOURS: tuple[tuple[int, int, int], ...] = (
    (230, 159, 0),  # orange
    (86, 180, 233),  # sky blue
    (0, 158, 115),  # bluish green
    (240, 228, 66),  # yellow
    (204, 121, 167),  # reddish purple
    (213, 94, 0),  # vermillion
    (0, 114, 178),  # blue
    (235, 235, 235),  # white
)
MARK_GLYPHS: tuple[str, ...] = ("circle", "square", "triangle", "diamond", "cross", "bar")


def game_marks(gids: list[Any]) -> dict[str, tuple[tuple[int, int, int], str]]:
    """A mark (colour, shape) for each game in a list, newest first: the games listed get
    different marks (colour and shape both differ for the first six), steady for a given list."""
    out: dict[str, tuple[tuple[int, int, int], str]] = {}
    for gid in gids:
        if isinstance(gid, str) and gid and gid not in out:
            k = len(out)
            out[gid] = (MARK_COLOURS[k % len(MARK_COLOURS)], MARK_GLYPHS[(k + k // len(MARK_COLOURS)) % len(MARK_GLYPHS)])
    return out


def draw_glyph(screen: pygame.Surface, glyph: str, col: tuple[int, int, int], r: pygame.Rect) -> None:
    """A game's mark in the load list: a filled shape with a dark edge."""
    dark = (15, 15, 15)
    cx, cy = r.center
    if glyph == "circle":
        pygame.draw.circle(screen, col, r.center, r.w // 2)
        pygame.draw.circle(screen, dark, r.center, r.w // 2, 1)
        return
    if glyph == "square":
        q = r.inflate(-2, -2)
        pygame.draw.rect(screen, col, q)
        pygame.draw.rect(screen, dark, q, 1)
        return
    if glyph == "cross":
        for a in (pygame.Rect(r.x, cy - 3, r.w, 7), pygame.Rect(cx - 3, r.y, 7, r.h)):
            pygame.draw.rect(screen, dark, a)
        for a in (pygame.Rect(r.x + 1, cy - 2, r.w - 2, 5), pygame.Rect(cx - 2, r.y + 1, 5, r.h - 2)):
            pygame.draw.rect(screen, col, a)
        return
    if glyph == "bar":
        q = pygame.Rect(0, 0, 8, r.h)
        q.center = r.center
        pygame.draw.rect(screen, col, q)
        pygame.draw.rect(screen, dark, q, 1)
        return
    pts = (
        [(cx, r.y), (r.right, r.bottom), (r.x, r.bottom)]
        if glyph == "triangle"
        else [(cx, r.y), (r.right, cy), (cx, r.bottom), (r.x, cy)]
    )
    pygame.draw.polygon(screen, col, pts)
    pygame.draw.polygon(screen, dark, pts, 1)


class ReplayMenu(LoadMenu):
    title = "Replays of your games"
    note = (
        "Watch any saved game, autosave, e-mailed turn or recorded game ('simulate --record') in the replay viewer: "
        "play, step back and forth, jump to any turn, look through either side's fog, take command at any moment, "
        "and read the after-action report."
    )
    verb = "replay"

    def folders(self) -> list[Path]:
        return [saves_dir(), pbem_dir(), data_dir() / "records"]


class HistoryMenu(MenuBase):
    """The documented course of each battle, played by the historical agents, to watch and branch."""

    def __init__(self, size: tuple[int, int], scenarios: list[tuple[str, Any]]) -> None:
        super().__init__(size)
        self.scenarios = [(sid, sc) for sid, sc in scenarios if sc is not None and not sid.startswith("test_")]

    def draw(self, screen: pygame.Surface) -> None:
        rect, y = self._frame(screen, "The battle as it happened (documented course)")
        x, w = rect.x + 20, rect.w - 40
        y = (
            paragraph(
                screen,
                "The course of the battle as the documents tell it, played by the 'historical' orders for both sides. "
                "The timeline's events and their sources appear as they happen; take command at any turn to play on "
                "from there. The first showing of each scenario is played out once and kept in the data folder.",
                x,
                y,
                w,
                13,
                theme.TEXT_DIM,
            )
            + 10
        )
        from game.playback import history_path

        for sid, sc in self.scenarios:
            ready = history_path(sc).exists()
            button(
                screen,
                self.hits,
                pygame.Rect(x, y, w, 40),
                f"{sc.title} — from {sc.turn_starts[0]:%d %b %Y}, {sc.turns} turns",
                f"hist:{sid}",
                size=16,
                mouse=self.mouse,
            )
            y += 46
            y = paragraph(screen, _first_sentences(sc.description, 420), x + 10, y, w - 20, 13, theme.TEXT_DIM, y + 6 * 18)
            note = "Ready to watch." if ready else "First showing: the battle is played out once (a few seconds), then kept."
            y = label(screen, note, x + 10, y + 2, 12, theme.GOOD if ready else theme.TEXT_DIM) + 14
        if self.message:
            paragraph(screen, self.message, x, rect.bottom - 96, w, 13, theme.WARN)
        self._back_button(screen, rect)

    def command(self, key: str) -> Command | None:
        if key.startswith("hist:"):
            return Command("history", key.split(":", 1)[1])
        return super().command(key)


class RulesScreen(MenuBase):
    def __init__(self, size: tuple[int, int]) -> None:
        super().__init__(size)
        path = Path(__file__).resolve().parents[2] / "docs" / "RULES.md"
        try:
            self.text = path.read_text(encoding="utf-8")
        except OSError:
            self.text = (
                "The rulebook (docs/RULES.md) is not installed with this copy.\nRun 'python main.py rules' for the rule numbers."
            )
        self._lines: list[tuple[str, int, bool, tuple[int, int, int]]] | None = None
        self._width = 0

    def _layout(self, width: int) -> list[tuple[list[tuple[int, str]], int, bool, tuple[int, int, int]]]:
        """The markdown as screen lines: headings, bullets with a hanging indent, tables in aligned
        columns, no HTML comments or markup characters. Each line is [(x, text)], size, bold, colour."""
        if self._lines is not None and self._width == width:
            return self._lines
        out: list[tuple[list[tuple[int, str]], int, bool, tuple[int, int, int]]] = []
        table: list[list[str]] = []

        def flush_table() -> None:
            if not table:
                return
            _table_lines(out, table, width)
            table.clear()

        text = reader_sources(re.sub(r"<!--.*?-->", "", self.text, flags=re.S))
        for raw in _paragraphs(text):
            s = raw.rstrip()
            if s.lstrip().startswith("|"):
                if not set(s.strip()) <= set("|-: "):
                    table.append([_inline(c.strip()) for c in s.strip().strip("|").split("|")])
                continue
            flush_table()
            if s.strip().startswith("```"):
                continue
            size, bold, col, indent, lead = 14, False, theme.TEXT, 0, ""
            st = s.strip()
            if st.startswith("#"):
                level = len(st) - len(st.lstrip("#"))
                s = st.lstrip("#").strip()
                size, bold, col = (22 if level == 1 else 18 if level == 2 else 15), True, theme.ACCENT
                out.append(([], 6, False, col))
            elif st.startswith(("- ", "* ")):
                depth = (len(s) - len(s.lstrip())) // 2
                lead, indent, s = "•", 18 + 18 * depth, st[2:]
            elif re.match(r"\d+\. ", st):
                num, _, rest = st.partition(" ")
                lead, indent, s = num, 26, rest
            s = _inline(s)
            if not s.strip():
                out.append(([], 8, False, col))
                continue
            for k, ln in enumerate(fonts.wrap(s, size, width - indent, bold)):
                segs = [(indent, ln)]
                if k == 0 and lead:
                    segs.insert(0, (indent - (16 if lead == "•" else 24), lead))
                out.append((segs, size, bold, col))
        flush_table()
        self._lines, self._width = out, width
        return out

    def draw(self, screen: pygame.Surface) -> None:
        rect, y = self._frame(screen, "Rules — wheel, arrows or Page Up/Down to scroll")
        lines = self._layout(rect.w - 40)
        self.scroll = min(self.scroll, max(0, len(lines) - 5))
        for segs, size, bold, col in lines[self.scroll :]:
            lh = fonts.font(size, bold).get_linesize() if segs else size
            if y + lh > rect.bottom - 64:
                break
            for dx, t in segs:
                screen.blit(fonts.text(t, size, col, bold), (rect.x + 20 + dx, y))
            y += lh
        self._back_button(screen, rect)


def reader_sources(text: str) -> str:
    """Developer paths to source files ('../shared/models.md', 'docs/RULES.md §4.2') as a
    player reads them: 'design notes: models', 'design notes: models §4.2'."""

    def name(m: re.Match) -> str:
        stem = m.group(1).replace("_", " ").replace("-", " ")
        return f"design notes: {stem}{(' ' + m.group(2)) if m.group(2) else ''}"

    pat = r"`?(?:\.{1,2}/)*(?:[\w.-]+/)*([\w-]+)\.md(?:#[\w-]+)?`?(?:\s*(§\s?[\d.]*\d))?"
    return re.sub(pat, name, text)


def _inline(s: str) -> str:
    """Markdown inline markup away: bold, code, links (their text kept)."""
    s = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", s)
    return s.replace("**", "").replace("`", "").replace("\\|", "|")


def _table_lines(out: list, rows: list[list[str]], width: int) -> None:
    """A markdown table in aligned columns; cells wrap inside their column when the page is narrow."""
    size = 12
    n = max(len(r) for r in rows)
    rows = [r + [""] * (n - len(r)) for r in rows]
    f = fonts.font(size)
    natural = [max(f.size(r[c])[0] for r in rows) + 16 for c in range(n)]
    if sum(natural) > width:  # shrink the wide columns first, never below a fair share
        fair = width / n
        small = sum(w for w in natural if w <= fair)
        big = [c for c in range(n) if natural[c] > fair]
        room = max(1.0, width - small)
        total_big = sum(natural[c] for c in big)
        natural = [w if c not in big else max(40, int(natural[c] * room / total_big)) for c, w in enumerate(natural)]
    xs = [sum(natural[:c]) for c in range(n)]
    for k, r in enumerate(rows):
        cells = [fonts.wrap(r[c], size, natural[c] - 12, k == 0) or [""] for c in range(n)]
        for line in range(max(len(c) for c in cells)):
            segs = [(xs[c], cells[c][line]) for c in range(n) if line < len(cells[c]) and cells[c][line]]
            out.append((segs, size, k == 0, theme.TEXT if k else theme.ACCENT))
        if k == 0:
            out.append(([], 3, False, theme.TEXT))
    out.append(([], 8, False, theme.TEXT))


def _description(screen: pygame.Surface, text: str, x: int, y: int, w: int, room: int) -> int:
    """A scenario's description in the room there is: smaller print if need be, and if it still
    does not fit, whole sentences only, never cut mid-sentence."""
    text = " ".join(text.split())
    for size in (13, 12, 11):
        lh = fonts.font(size).get_linesize()
        if len(fonts.wrap(text, size, w)) * lh <= room:
            return paragraph(screen, text, x, y, w, size, theme.TEXT_DIM)
    lh = fonts.font(11).get_linesize()
    limit = len(text)
    while limit > 80 and len(fonts.wrap(_first_sentences(text, limit), 11, w)) * lh > room:
        limit -= 60
    return paragraph(screen, _first_sentences(text, limit), x, y, w, 11, theme.TEXT_DIM)


def _first_sentences(text: str, limit: int) -> str:
    """Whole sentences up to about ``limit`` characters: a summary that never stops mid-word."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(". ", 0, limit)
    return text[: cut + 1] if cut > 0 else text[:limit].rsplit(" ", 1)[0] + "…"


def _paragraphs(text: str) -> list[str]:
    """Markdown source lines joined into paragraphs (the file is hard-wrapped at 100 columns)."""
    out: list[str] = []
    joinable = False
    for raw in text.splitlines():
        s = raw.strip()
        starts_block = not s or s.startswith(("#", "|", "- ", "* ", "```")) or re.match(r"\d+\. ", s) is not None
        if joinable and not starts_block:
            out[-1] += " " + s
            continue
        out.append(raw.rstrip())
        joinable = bool(s) and not s.startswith(("#", "|", "```"))
    return out


@dataclass
class Handoff:
    """The neutral hot-seat screen: who plays next, nothing of anyone's map."""

    side: str
    size: tuple[int, int]
    subtitle: str = ""  # turn and phase: public knowledge, nothing of the map
    can_watch: bool = False  # the opponent has played since this side last sat down
    pbem: bool = False  # a play-by-e-mail game: sending the turn is the usual way on
    hits: Hits = field(default_factory=Hits)
    mouse: tuple[int, int] = (0, 0)

    def resize(self, size: tuple[int, int]) -> None:
        self.size = size

    def handle(self, ev: pygame.event.Event) -> Command | None:
        if ev.type == pygame.MOUSEMOTION:
            self.mouse = ev.pos
        elif ev.type == pygame.MOUSEBUTTONDOWN and ev.button == 1:
            key = self.hits.at(ev.pos)
            if key == "ready":
                return Command("ready", self.side)
            if key == "watch":
                return Command("watch", self.side)
            if key == "pbem":
                return Command("pbem_send", self.side)
            if key == "menu":
                return Command("mode", "main")
        elif ev.type == pygame.KEYDOWN and ev.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE):
            return Command("ready", self.side)
        elif ev.type == pygame.KEYDOWN and ev.key == pygame.K_w and self.can_watch:
            return Command("watch", self.side)
        return None

    def draw(self, screen: pygame.Surface) -> None:
        self.hits.clear()
        screen.fill((16, 18, 22))
        w, h = screen.get_size()
        name = theme.SIDE_NAME.get(self.side, self.side)
        col = theme.SIDE.get(self.side, theme.TEXT)
        t = fonts.text(f"{name} player's turn", 44, col, True)
        screen.blit(t, t.get_rect(center=(w // 2, h // 2 - 80)))
        if self.subtitle:
            sub = fonts.text(self.subtitle, 16, theme.TEXT)
            screen.blit(sub, sub.get_rect(center=(w // 2, h // 2 - 140)))
        s = fonts.text("Hand over the seat. The other player should look away.", 18, theme.TEXT_DIM)
        screen.blit(s, s.get_rect(center=(w // 2, h // 2 - 20)))
        button(
            screen,
            self.hits,
            pygame.Rect(w // 2 - 190, h // 2 + 30, 380, 54),
            f"I am the {name} player (Enter)",
            "ready",
            size=18,
            mouse=self.mouse,
        )
        y = h // 2 + 96
        if self.can_watch:
            button(
                screen,
                self.hits,
                pygame.Rect(w // 2 - 190, y, 380, 40),
                "Watch their last turn through your eyes (W)",
                "watch",
                size=15,
                mouse=self.mouse,
            )
            y += 50
        button(
            screen,
            self.hits,
            pygame.Rect(w // 2 - 190, y, 380, 40),
            "Or send the turn by e-mail…",
            "pbem",
            size=15,
            active=self.pbem,
            mouse=self.mouse,
        )
        y += 50
        if self.pbem:
            s2 = fonts.text("Play by e-mail: send the file to the other player; they load it and play on.", 13, theme.TEXT_DIM)
            screen.blit(s2, s2.get_rect(center=(w // 2, y + 6)))
            y += 26
        button(screen, self.hits, pygame.Rect(w // 2 - 100, y, 200, 36), "Main menu", "menu", size=14, mouse=self.mouse)


@dataclass
class PbemDialog:
    """'Send turn (play by e-mail)': name the file, write it, then show where it went.

    The app writes the file (``Command("pbem_write", name)``) and calls ``written`` or
    ``failed``; names are checked here first (``session.file_name_problem``), so a bad one is a
    message under the field, never a file."""

    size: tuple[int, int]
    name: str  # the file name being typed, without the suffix
    folder: Path
    next_side: str | None = None  # who plays from the file
    back: Command | None = None  # where Cancel goes (the game or the hand-off)
    own_side: str | None = None  # the seat sending it (its phase may not be over yet)
    message: str = ""
    path: Path | None = None  # once written: the full path to attach
    confirm_replace: str | None = None  # a name that exists: Send again replaces it
    hits: Hits = field(default_factory=Hits)
    mouse: tuple[int, int] = (0, 0)

    def resize(self, size: tuple[int, int]) -> None:
        self.size = size

    def target(self) -> Path:
        n = self.name.strip()
        return self.folder / (n if n.endswith((".json.gz", ".json")) else n + ".json.gz")

    def handle(self, ev: pygame.event.Event) -> Command | None:
        if ev.type == pygame.MOUSEMOTION:
            self.mouse = ev.pos
            return None
        if ev.type == pygame.MOUSEBUTTONDOWN and ev.button == 1:
            self.mouse = ev.pos
            key = self.hits.at(ev.pos)
            return self.command(key) if key else None
        if ev.type != pygame.KEYDOWN:
            return None  # TEXTINPUT: the KEYDOWN carries the text already
        if ev.key == pygame.K_ESCAPE:
            return self.command("done" if self.path else "cancel")
        if ev.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            return self.command("done" if self.path else "send")
        if self.path is not None:
            return None
        edited = edit_text(self.name, ev)
        if edited is None:
            return None
        self.name = edited
        self.confirm_replace = None
        self.message = self.problem() or ""
        return None

    def problem(self) -> str | None:
        from game.session import file_name_problem

        return file_name_problem(self.name)

    def command(self, key: str) -> Command | None:
        if key == "cancel":
            return self.back or Command("mode", "main")
        if key == "done":
            return Command("pbem_done", self.path)
        if key == "copy":
            try:
                if not pygame.scrap.get_init():
                    pygame.scrap.init()
                pygame.scrap.put_text(str(self.path))
                self.message = "The path is on the clipboard."
            except (pygame.error, AttributeError):
                self.message = "Could not reach the clipboard: select the path above instead."
            return None
        if key == "send" and self.path is None:
            why = self.problem()
            if why:
                self.message = why
                return None
            t = self.target()
            if t.exists() and self.confirm_replace != self.name:
                self.confirm_replace = self.name
                self.message = f"{t.name} already exists in that folder: Send again to replace it, or change the name."
                return None
            return Command("pbem_write", self.name.strip())
        return None

    def written(self, path: Path) -> None:
        self.path = path
        self.message = ""

    def failed(self, why: str) -> None:
        self.message = f"Could not write the file: {why}"

    def draw(self, screen: pygame.Surface) -> None:
        self.hits.clear()
        screen.fill((16, 18, 22))
        w, h = screen.get_size()
        mine = self.own_side is not None and self.own_side == self.next_side
        rect = pygame.Rect(0, 0, min(760, w - 40), (300 if mine else 270) if self.path is None else 250)
        rect.center = (w // 2, h // 2)
        y = panel(screen, rect, "Send turn (play by e-mail)")
        x, iw = rect.x + 20, rect.w - 40
        who = f"the {theme.SIDE_NAME.get(self.next_side, self.next_side)} player" if self.next_side else "the other player"
        if self.path is None:
            intro = (
                f"The game is written to a file for {who}: they open it with Load game and play their turn. "
                "Name the file (the .json.gz ending is added):"
            )
            if mine:
                intro = (
                    "Your side has not ended its phase yet: the file goes on with your side to play (End phase first "
                    "to hand the turn over). Name the file (the .json.gz ending is added):"
                )
            y = paragraph(screen, intro, x, y, iw, 14, theme.WARN if mine else theme.TEXT_DIM) + 8
            box = pygame.Rect(x, y, iw, 34)
            pygame.draw.rect(screen, (22, 25, 30), box)
            bad = self.problem() is not None
            pygame.draw.rect(screen, theme.BAD if bad and self.name else theme.ACCENT, box, 1)
            t = fonts.text(self.name + "|", 16, theme.TEXT)
            screen.blit(t, (box.x + 8, box.y + 7), pygame.Rect(max(0, t.get_width() - box.w + 16), 0, box.w - 16, 24))
            y = box.bottom + 6
            y = label(screen, fit(f"Into: {self.folder}", 12, iw), x, y, 12, theme.TEXT_DIM)
            y = (
                label(
                    screen, 'Any letters, digits, spaces and - _ . , ( ) — but not / \\ : * ? " < > |', x, y, 12, theme.TEXT_DIM
                )
                + 4
            )
            if self.message:
                y = paragraph(screen, self.message, x, y, iw, 13, theme.WARN, rect.bottom - 56)
            by = rect.bottom - 50
            button(
                screen,
                self.hits,
                pygame.Rect(rect.right - 200, by, 180, 36),
                "Send (Enter)",
                "send",
                not bad,
                size=15,
                mouse=self.mouse,
            )
            button(screen, self.hits, pygame.Rect(x, by, 140, 36), "Cancel (Esc)", "cancel", size=14, mouse=self.mouse)
            return
        y = label(screen, f"Written. Attach this file to an e-mail to {who}:", x, y, 15, theme.GOOD, True) + 6
        for ln in _wrap_path(str(self.path), 14, iw):
            y = label(screen, ln, x, y, 14, theme.TEXT)
        y += 6
        y = paragraph(
            screen,
            "They save it anywhere, then Load game → 'Open a file', or put it in their play-by-e-mail folder, where "
            "it is listed by itself. The file replays every action and is checked, so it cannot be altered unseen.",
            x,
            y,
            iw,
            13,
            theme.TEXT_DIM,
        )
        if self.message:
            paragraph(screen, self.message, x, y + 4, iw, 13, theme.WARN, rect.bottom - 56)
        by = rect.bottom - 50
        button(screen, self.hits, pygame.Rect(x, by, 180, 36), "Copy the path", "copy", size=14, mouse=self.mouse)
        button(
            screen, self.hits, pygame.Rect(rect.right - 240, by, 220, 36), "Done — main menu", "done", size=15, mouse=self.mouse
        )


def _wrap_path(path: str, size: int, width: int) -> list[str]:
    """A long path broken where it fits (at a separator if there is one), nothing cut off."""
    f = fonts.font(size)
    out: list[str] = []
    rest = path
    while rest:
        if f.size(rest)[0] <= width:
            out.append(rest)
            break
        n = len(rest)
        while n > 1 and f.size(rest[:n])[0] > width:
            n -= 1
        cut = max(rest.rfind("/", 0, n), rest.rfind("\\", 0, n))
        n = cut + 1 if cut > n // 2 else n
        out.append(rest[:n])
        rest = rest[n:]
    return out
