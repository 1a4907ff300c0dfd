"""Screens outside the map: main menu, new game, load game, replays, rules, and the hot-seat
hand-off. Each is a mode: it takes an event and returns a command for the app (or None)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pygame

from game.session import CONTROLLERS, list_saves, saves_dir
from game.ui import fonts, theme
from game.ui.widgets import Hits, button, label, panel, paragraph

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
            ("Replays", "replays"),
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
            y = paragraph(screen, sc.description, x, y + 4, w, 13, theme.TEXT_DIM, y + 4 + 5 * 18) + 8
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
            for side in sc.sides:
                y = label(
                    screen, f"{theme.SIDE_NAME.get(side, side)} side played by", x, y, 14, theme.SIDE.get(side, theme.TEXT), True
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
            humans = [s for s in sc.sides if getattr(c, s, "") == "human"]
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
        button(
            screen,
            self.hits,
            pygame.Rect(rect.x + 20, rect.bottom - 56, 140, 42),
            "Back (Esc)",
            "back",
            size=16,
            mouse=self.mouse,
        )

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
    note = "Saved games and autosaves (one per scenario, written every turn). Newest first."

    def __init__(self, size: tuple[int, int]) -> None:
        super().__init__(size)
        self.saves: list[tuple[Path, dict[str, Any]]] = list_saves()

    def draw(self, screen: pygame.Surface) -> None:
        rect, y = self._frame(screen, self.title)
        x, w = rect.x + 20, rect.w - 40
        y = paragraph(screen, self.note + f"  Folder: {saves_dir()}", x, y, w, 13, theme.TEXT_DIM) + 6
        if not self.saves:
            label(screen, "No saved games yet.", x, y, 15)
        shown = self.saves[self.scroll :]
        for i, (p, info) in enumerate(shown):
            if y > rect.bottom - 100:
                break
            if "error" in info:
                txt = f"{p.name} — unreadable: {info['error']}"[:110]
                enabled = False
            else:
                ag = info.get("agents") or {}
                who = " vs ".join(f"{k}: {v}" for k, v in ag.items())
                over = " · finished" if info.get("final_hash") else ""
                txt = f"{p.name} — {info.get('scenario')} ({info.get('variant')}), turn {(info.get('turn') or 0) + 1}, {info.get('n_actions')} actions · {who}{over}"
                enabled = True
            button(
                screen,
                self.hits,
                pygame.Rect(x, y, w, 30),
                txt,
                f"pick:{i + self.scroll}",
                enabled=enabled,
                size=13,
                mouse=self.mouse,
            )
            y += 34
        if self.message:
            paragraph(screen, self.message, x, rect.bottom - 96, w, 13, theme.WARN)
        button(
            screen,
            self.hits,
            pygame.Rect(rect.x + 20, rect.bottom - 56, 140, 42),
            "Back (Esc)",
            "back",
            size=16,
            mouse=self.mouse,
        )

    def command(self, key: str) -> Command | None:
        if key.startswith("pick:"):
            i = int(key.split(":")[1])
            if 0 <= i < len(self.saves):
                return Command("load", self.saves[i][0])
            return None
        return super().command(key)


class ReplayMenu(LoadMenu):
    title = "Replays"
    note = (
        "The step-by-step replay viewer comes with a later release. Every save is a full record of the game: "
        "pick one to reopen it where it stood, or check it from the command line with 'python main.py replay FILE --verify'."
    )


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

    def _layout(self, width: int) -> list[tuple[str, int, bool, tuple[int, int, int]]]:
        if self._lines is not None and self._width == width:
            return self._lines
        out = []
        for raw in _paragraphs(self.text):
            s = raw.rstrip()
            size, bold, col = 14, False, theme.TEXT
            if s.startswith("#"):
                level = len(s) - len(s.lstrip("#"))
                s = s.lstrip("#").strip()
                size, bold, col = (22 if level == 1 else 18 if level == 2 else 15), True, theme.ACCENT
            elif s.startswith("|"):
                if set(s) <= set("|-: "):
                    continue
                s = "   ".join(c.strip() for c in s.strip("|").split("|"))
                size, col = 12, theme.TEXT_DIM
            s = s.replace("**", "").replace("`", "")
            if not s:
                out.append(("", 8, False, col))
                continue
            for ln in fonts.wrap(s, size, width, bold):
                out.append((ln, size, bold, col))
        self._lines, self._width = out, width
        return out

    def draw(self, screen: pygame.Surface) -> None:
        rect, y = self._frame(screen, "Rules (docs/RULES.md) — wheel, arrows or Page Up/Down to scroll")
        lines = self._layout(rect.w - 40)
        self.scroll = min(self.scroll, max(0, len(lines) - 5))
        for ln, size, bold, col in lines[self.scroll :]:
            lh = fonts.font(size, bold).get_linesize()
            if y + lh > rect.bottom - 64:
                break
            screen.blit(fonts.text(ln, size, col, bold), (rect.x + 20, y))
            y += lh
        button(
            screen,
            self.hits,
            pygame.Rect(rect.x + 20, rect.bottom - 56, 140, 42),
            "Back (Esc)",
            "back",
            size=16,
            mouse=self.mouse,
        )


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
            if key == "menu":
                return Command("mode", "main")
        elif ev.type == pygame.KEYDOWN and ev.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE):
            return Command("ready", self.side)
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
        button(
            screen, self.hits, pygame.Rect(w // 2 - 100, h // 2 + 110, 200, 36), "Main menu", "menu", size=14, mouse=self.mouse
        )
