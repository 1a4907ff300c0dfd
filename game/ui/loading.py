"""A screen with a progress bar while a slow job (re-simulating a record, playing the documented
course, building a report) runs on a worker thread; the window keeps answering meanwhile."""

from __future__ import annotations

import os
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

import pygame

from game.ui import fonts, theme
from game.ui.widgets import Hits, bar, button

Progress = Callable[[int, int], None]


class Job:
    """``work(progress)`` on a thread; ``result`` or ``error`` (a message) when ``done``."""

    def __init__(self, work: Callable[[Progress], Any]) -> None:
        self.result: Any = None
        self.error: str | None = None
        self.done = False
        self.cancelled = False
        self.frac = 0.0

        def progress(k: int, n: int) -> None:
            self.frac = k / n if n else 0.0

        def run() -> None:
            try:
                self.result = work(progress)
            except Exception as e:  # reported on screen, never a traceback in the player's face
                self.error = str(e) or type(e).__name__
                if os.environ.get("KG_DEBUG"):
                    traceback.print_exc()
            self.done = True

        self.thread = threading.Thread(target=run, name="kg-job", daemon=True)
        self.thread.start()

    def wait(self, timeout: float = 60.0) -> None:
        """For tests and scripts: block until the job ends."""
        self.thread.join(timeout)


class LoadingMode:
    """Shows a job's progress; calls ``then(result)`` (returning the app's next command) when done."""

    def __init__(
        self,
        size: tuple[int, int],
        title: str,
        work: Callable[[Progress], Any],
        then: Callable[[Any], Any],
        back: str = "main",
    ) -> None:
        self.size = size
        self.title = title
        self.job = Job(work)
        self.then = then
        self.back = back
        self.hits = Hits()
        self.mouse = (0, 0)
        self.message = ""
        self.started = time.monotonic()

    def resize(self, size: tuple[int, int]) -> None:
        self.size = size

    def poll(self) -> Any:
        """Called every frame by the app: the next command once the job has finished."""
        if not self.job.done or self.job.cancelled:
            return None
        if self.job.error is not None:
            if not self.message:
                self.message = self.job.error
            return None
        self.job.cancelled = True  # hand the result over once
        return self.then(self.job.result)

    def handle(self, ev: pygame.event.Event) -> Any:
        from game.ui.menus import Command

        if ev.type == pygame.MOUSEMOTION:
            self.mouse = ev.pos
        elif ev.type == pygame.MOUSEBUTTONDOWN and ev.button == 1 and self.hits.at(ev.pos) == "back":
            self.job.cancelled = True
            return Command("mode", self.back)
        elif ev.type == pygame.KEYDOWN and ev.key == pygame.K_ESCAPE:
            self.job.cancelled = True
            return Command("mode", self.back)
        return None

    def draw(self, screen: pygame.Surface) -> None:
        self.hits.clear()
        screen.fill(theme.BG)
        w, h = screen.get_size()
        t = fonts.text(self.title, 26, theme.TEXT, True)
        screen.blit(t, t.get_rect(center=(w // 2, h // 2 - 60)))
        if self.job.error is not None:
            for i, ln in enumerate(fonts.wrap(self.message or self.job.error, 15, min(900, w - 80))[:8]):
                s = fonts.text(ln, 15, theme.WARN)
                screen.blit(s, s.get_rect(midtop=(w // 2, h // 2 - 20 + i * 20)))
        else:
            bar(screen, pygame.Rect(w // 2 - 250, h // 2 - 12, 500, 22), self.job.frac, theme.ACCENT)
            secs = time.monotonic() - self.started
            s = fonts.text(f"{self.job.frac:.0%} · {secs:.0f} s", 14, theme.TEXT_DIM)
            screen.blit(s, s.get_rect(midtop=(w // 2, h // 2 + 18)))
        button(
            screen, self.hits, pygame.Rect(w // 2 - 80, h // 2 + 120, 160, 38), "Back (Esc)", "back", size=15, mouse=self.mouse
        )
