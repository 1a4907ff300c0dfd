"""The after-action report on screen: losses per side and kind against the documents' range and
sources, three charts drawn with pygame (ground held, air control per zone, tons delivered per
turn) and the luck line. It draws a ``game.aar.Report``; it computes nothing itself."""

from __future__ import annotations

from typing import Any

import pygame

from game.aar import KIND_NAMES
from game.ui import fonts, theme
from game.ui.menus import Command
from game.ui.widgets import Hits, button, label, paragraph, side_name

AIR_COLOURS = {
    "soviet": theme.SIDE["soviet"],
    "japanese": theme.SIDE["japanese"],
    "contested": (150, 150, 150),
    "none": (48, 52, 60),  # night: no flying
    "idle": (222, 210, 170),  # a day turn with no air activity over the zone (pale sand)
}


def air_cell_colour(level: str, night: bool) -> tuple[int, int, int]:
    """A cell of the air chart: who held the sky; nobody at night; nobody by day (its own colour)."""
    if level in ("soviet", "japanese", "contested"):
        return AIR_COLOURS[level]
    return AIR_COLOURS["none"] if night else AIR_COLOURS["idle"]


class AARScreen:
    """A mode over a finished (or partial) game's report; Esc returns to where it came from."""

    def __init__(self, report: Any, size: tuple[int, int], back: Command, note: str = "") -> None:
        self.report = report
        self.size = size
        self.back = back
        self.note = note
        self.hits = Hits()
        self.mouse = (0, 0)
        self.message = ""

    def resize(self, size: tuple[int, int]) -> None:
        self.size = size

    def handle(self, ev: pygame.event.Event) -> Command | None:
        if ev.type == pygame.MOUSEMOTION:
            self.mouse = ev.pos
        elif ev.type == pygame.MOUSEBUTTONDOWN and ev.button == 1 and self.hits.at(ev.pos) == "back":
            return self.back
        elif ev.type == pygame.KEYDOWN and ev.key in (pygame.K_ESCAPE, pygame.K_RETURN, pygame.K_KP_ENTER):
            return self.back
        return None

    # --- drawing --------------------------------------------------------------------------

    def draw(self, screen: pygame.Surface) -> None:
        self.hits.clear()
        screen.fill(theme.BG)
        w, h = screen.get_size()
        rep = self.report
        y = label(screen, f"After-action report — {rep.title}", 20, 12, 24, theme.TEXT, True)
        y = label(screen, self._result_line() + (f"   ·   {self.note}" if self.note else ""), 20, y + 2, 14, theme.TEXT)
        if rep.warning:  # a changed or cut-short record: the report is of what the file says
            y = paragraph(screen, f"Warning: {rep.warning}", 20, y, w - 40, 13, theme.WARN)
        if rep.historical_result:
            hr = rep.historical_result
            grade = "a draw" if hr.get("winner") is None else f"a {hr['result']} {side_name(hr['winner'])} victory"
            y = paragraph(
                screen, f"History: {grade} — {hr.get('note') or ''} [{hr.get('source', '')}]", 20, y, w - 40, 13, theme.TEXT_DIM
            )
        y += 8
        left = pygame.Rect(20, y, min(760, int(w * 0.47)), h - y - 70)
        right = pygame.Rect(left.right + 24, y, w - left.right - 44, h - y - 70)
        ly = self._losses(screen, left)
        self._luck(screen, pygame.Rect(left.x, ly + 10, left.w, left.bottom - ly - 10))
        gap = 14
        ch = (right.h - 2 * gap) // 3
        self._held_chart(screen, pygame.Rect(right.x, right.y, right.w, ch))
        self._air_chart(screen, pygame.Rect(right.x, right.y + ch + gap, right.w, ch))
        self._tons_chart(screen, pygame.Rect(right.x, right.y + 2 * (ch + gap), right.w, ch))
        button(screen, self.hits, pygame.Rect(20, h - 56, 160, 40), "Back (Esc)", "back", size=15, mouse=self.mouse)

    def _result_line(self) -> str:
        r = self.report.result
        if not r:
            last = self.report.series[-1].label if self.report.series else "the start"
            return f"The game is not over: the report runs to {last}"
        if r.get("winner") is None:
            return f"Result: draw (score {r.get('score', 0):+g})"
        return f"Result: {str(r['result']).capitalize()} {side_name(r['winner'])} victory (score {r.get('score', 0):+g}) — {r.get('reason', '')}"

    def _losses(self, screen: pygame.Surface, rect: pygame.Rect) -> int:
        """A table per side: this game, the documents' range, the sources (they disagree)."""
        rep = self.report
        x = rect.x
        cols = (x, x + 120, x + 210, x + 320)
        y = rect.y
        for side in rep.sides:
            pygame.draw.rect(screen, theme.PANEL, (x - 6, y - 2, rect.w + 6, 40))
            label(screen, f"{side_name(side)} losses", x, y, 15, theme.SIDE_TEXT.get(side, theme.TEXT), True)
            y += 21
            for c, t in zip(cols[1:], ("this game", "history", "documents (value · source · note)"), strict=True):
                screen.blit(fonts.text(t, 11, theme.TEXT_DIM), (c, y))
            y += 20
            for kind, line in rep.losses[side].items():
                if line.low is None:
                    hist, col = "—", theme.TEXT_DIM
                elif line.low == line.high:
                    hist, col = f"{line.low:,.0f}", theme.TEXT
                else:
                    hist, col = f"{line.low:,.0f}–{line.high:,.0f}", theme.TEXT
                game_col = theme.TEXT
                if line.low is not None and line.high is not None:
                    inside = line.low <= line.game <= line.high
                    game_col = theme.GOOD if inside else theme.WARN
                screen.blit(fonts.text(KIND_NAMES.get(kind, kind), 13, theme.TEXT), (cols[0] + 8, y))
                screen.blit(fonts.text(f"{line.game:,}", 13, game_col, True), (cols[1], y))
                screen.blit(fonts.text(hist, 13, col), (cols[2], y))
                figs = "; ".join(
                    f"{f['value']:,.0f} {f['source']}" + (f" ({f['note']})" if f.get("note") else "") for f in line.figures
                )
                yy = y
                for ln in fonts.wrap(figs or "no documented figure", 11, rect.right - cols[3])[:2]:
                    screen.blit(fonts.text(ln, 11, theme.TEXT_DIM), (cols[3], yy + 1))
                    yy += 14
                y = max(y + 20, yy + 4)
            y += 10
        paragraph(
            screen,
            "Green: inside the documents' range; orange: outside it. Most documented figures cover the whole conflict.",
            x,
            y - 4,
            rect.w,
            11,
            theme.TEXT_DIM,
        )
        return y + 14

    def _luck(self, screen: pygame.Surface, rect: pygame.Rect) -> None:
        y = label(screen, "Luck — the dice against a fair game", rect.x, rect.y, 15, theme.TEXT, True)
        for side in self.report.sides:
            ln = self.report.luck[side]
            col = theme.SIDE.get(side, theme.TEXT)
            pygame.draw.rect(screen, col, (rect.x, y + 4, 8, 8))
            y = paragraph(screen, ln.text, rect.x + 14, y, rect.w - 14, 13, theme.TEXT, rect.bottom) + 4

    # --- charts ---------------------------------------------------------------------------

    def _axes(
        self, screen: pygame.Surface, rect: pygame.Rect, title: str, ymax: float, unit: str = ""
    ) -> tuple[pygame.Rect, float]:
        """Frame, title, y ticks and turn labels; returns the plot area and the y scale."""
        pygame.draw.rect(screen, theme.PANEL, rect)
        pygame.draw.rect(screen, theme.PANEL_EDGE, rect, 1)
        screen.blit(fonts.text(title, 14, theme.TEXT, True), (rect.x + 10, rect.y + 6))
        plot = pygame.Rect(rect.x + 58, rect.y + 30, rect.w - 72, rect.h - 58)
        step = _nice_step(ymax if ymax > 0 else 1.0)
        ticks = max(1, int(-(-(ymax if ymax > 0 else 1.0) // step)))
        ymax = step * ticks
        for k in range(ticks + 1):
            v = step * k
            yy = plot.bottom - plot.h * k / ticks
            pygame.draw.line(screen, (55, 60, 70), (plot.x, yy), (plot.right, yy))
            t = fonts.text(f"{v:,.0f}{unit}", 11, theme.TEXT_DIM)
            screen.blit(t, t.get_rect(midright=(plot.x - 6, yy)))
        pygame.draw.line(screen, theme.TEXT_DIM, plot.bottomleft, plot.bottomright)
        pygame.draw.line(screen, theme.TEXT_DIM, plot.bottomleft, plot.topleft)
        self._turn_labels(screen, plot)
        return plot, plot.h / ymax

    def _xs(self, plot: pygame.Rect) -> list[float]:
        n = len(self.report.series)
        if n == 0:
            return []
        step = plot.w / n
        return [plot.x + step * (i + 0.5) for i in range(n)]

    def _turn_labels(self, screen: pygame.Surface, plot: pygame.Rect) -> None:
        xs = self._xs(plot)
        last = -999.0
        for x, p in zip(xs, self.report.series, strict=True):
            if x - last < 70:
                continue
            t = fonts.text(p.label, 10, theme.TEXT_DIM)
            screen.blit(t, t.get_rect(midtop=(x, plot.bottom + 4)))
            last = x

    def _legend(self, screen: pygame.Surface, rect: pygame.Rect, items: list[tuple[str, tuple[int, int, int]]]) -> None:
        x = rect.right - 10
        for name, col in reversed(items):
            t = fonts.text(name, 11, theme.TEXT)
            x -= t.get_width()
            screen.blit(t, (x, rect.y + 8))
            x -= 14
            pygame.draw.rect(screen, col, (x, rect.y + 10, 10, 10))
            pygame.draw.rect(screen, theme.TEXT_DIM, (x, rect.y + 10, 10, 10), 1)  # a dark swatch still shows
            x -= 12

    def _held_chart(self, screen: pygame.Surface, rect: pygame.Rect) -> None:
        series = self.report.series
        ymax = max((v for p in series for v in p.held.values()), default=1.0)
        plot, f = self._axes(screen, rect, "Ground held — objective points at the end of each turn", ymax)
        xs = self._xs(plot)
        for side in self.report.sides:
            pts = [(x, plot.bottom - p.held.get(side, 0) * f) for x, p in zip(xs, series, strict=True)]
            col = theme.SIDE.get(side, theme.TEXT)
            if len(pts) > 1:
                pygame.draw.lines(screen, col, False, pts, 3)
            for pt in pts:
                pygame.draw.circle(screen, col, (int(pt[0]), int(pt[1])), 3)
        self._legend(screen, rect, [(side_name(s), theme.SIDE.get(s, theme.TEXT)) for s in self.report.sides])

    def _air_chart(self, screen: pygame.Surface, rect: pygame.Rect) -> None:
        """One band per air zone, one cell per turn, coloured by who held the sky."""
        pygame.draw.rect(screen, theme.PANEL, rect)
        pygame.draw.rect(screen, theme.PANEL_EDGE, rect, 1)
        screen.blit(fonts.text("Air control per zone and turn", 14, theme.TEXT, True), (rect.x + 10, rect.y + 6))
        self._legend(
            screen,
            rect,
            [
                ("Soviet", AIR_COLOURS["soviet"]),
                ("Japanese", AIR_COLOURS["japanese"]),
                ("contested", AIR_COLOURS["contested"]),
                ("no air activity", AIR_COLOURS["idle"]),
                ("night: no flying", AIR_COLOURS["none"]),
            ],
        )
        series = self.report.series
        zones = list(series[0].air) if series else []
        scen = self._scenario()
        names = {z.id: z.name.split(" (")[0] for z in getattr(scen, "air_zones", [])}
        nights = list(getattr(scen, "night", []) or [])
        lw = max((fonts.text(names.get(z, z), 11, theme.TEXT).get_width() for z in zones), default=60)
        plot = pygame.Rect(rect.x + lw + 20, rect.y + 30, rect.w - lw - 34, rect.h - 58)
        if not zones or not series:
            label(screen, "No air zones in this scenario.", plot.x, plot.y, 13, theme.TEXT_DIM)
            return
        bh = plot.h / len(zones)
        cw = plot.w / len(series)
        for zi, z in enumerate(zones):
            yy = plot.y + zi * bh
            t = fonts.text(names.get(z, z), 11, theme.TEXT)
            screen.blit(t, t.get_rect(midright=(plot.x - 6, int(yy + bh / 2))))
            for i, p in enumerate(series):
                col = air_cell_colour(p.air.get(z, "none"), p.turn < len(nights) and bool(nights[p.turn]))
                pygame.draw.rect(screen, col, (int(plot.x + i * cw) + 1, int(yy) + 2, max(1, int(cw) - 1), max(1, int(bh) - 4)))
        self._turn_labels(screen, plot)

    def _tons_chart(self, screen: pygame.Surface, rect: pygame.Rect) -> None:
        series = self.report.series
        sides = self.report.sides
        ymax = max((v for p in series for v in p.delivered.values()), default=1.0)
        plot, f = self._axes(screen, rect, "Supply — tons delivered to the depots per turn", ymax, " t")
        n = max(1, len(series))
        cw = plot.w / n
        bw = max(1, int(cw * 0.8 / max(1, len(sides))))
        for i, p in enumerate(series):
            for k, side in enumerate(sides):
                v = p.delivered.get(side, 0.0)
                hh = int(v * f)
                x = int(plot.x + i * cw + cw * 0.1 + k * bw)
                pygame.draw.rect(screen, theme.SIDE.get(side, theme.TEXT), (x, plot.bottom - hh, bw - 1, hh))
        self._legend(screen, rect, [(side_name(s), theme.SIDE.get(s, theme.TEXT)) for s in sides])

    def _scenario(self) -> Any:
        from game.scenario.loader import load_scenario_checked

        if not hasattr(self, "_scen"):
            self._scen, _ = load_scenario_checked(self.report.scenario, self.report.variant)
        return self._scen


def _nice_step(ymax: float) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about four ticks up to ymax."""
    import math

    raw = ymax / 4
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag
