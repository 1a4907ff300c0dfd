"""Thousands of random clicks, drags, wheel turns and keys on the game screen: no crash, and the
game the player had is never lost (the session still holds a valid state)."""

from __future__ import annotations

import os
import random
import time

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402

from game.engine import state_hash  # noqa: E402
from game.session import Session  # noqa: E402
from game.ui.app import App  # noqa: E402

KEYS = [
    pygame.K_e, pygame.K_u, pygame.K_s, pygame.K_a, pygame.K_z, pygame.K_i, pygame.K_h, pygame.K_c, pygame.K_TAB,
    pygame.K_ESCAPE, pygame.K_RETURN, pygame.K_SPACE, pygame.K_BACKSPACE, pygame.K_F1, pygame.K_F2, pygame.K_F3,
    pygame.K_F5, pygame.K_LEFT, pygame.K_RIGHT, pygame.K_UP, pygame.K_DOWN, pygame.K_PLUS, pygame.K_MINUS, pygame.K_x,
    pygame.K_n, pygame.K_PAGEDOWN,
]  # fmt: skip


def test_random_input_soak(skirmish, tmp_path, monkeypatch):
    monkeypatch.setenv("KG_DATA_DIR", str(tmp_path / "kgdata"))
    monkeypatch.setenv("KG_DEBUG", "1")  # any exception fails the test instead of becoming a toast
    monkeypatch.setattr("game.ui.app.WATCH_DELAY_S", 0.0)
    rng = random.Random(1939)
    app = App((1280, 800))
    app.start_game(Session.new(skirmish, 2, {"soviet": "human", "japanese": "random"}))
    w, h = app.size
    t0 = time.monotonic()
    for i in range(4000):
        r = rng.random()
        pos = (rng.randrange(-5, w + 5), rng.randrange(-5, h + 5))
        if r < 0.35:
            ev = pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(rng.random() < 0.3, 0, 0))
        elif r < 0.55:
            ev = pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=rng.choice((1, 1, 1, 2, 3)))
        elif r < 0.75:
            ev = pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=rng.choice((1, 1, 3)))
        elif r < 0.82:
            ev = pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=rng.choice((-1, 1, 2)), flipped=False)
        else:
            k = rng.choice(KEYS)
            ev = pygame.event.Event(pygame.KEYDOWN, key=k, mod=rng.choice((0, 0, pygame.KMOD_CTRL)), unicode="")
        app.handle(ev)
        if not app.running or app.session is None:  # quit or back to the menu: play on
            app.running = True
            if app.session is None:
                app.start_game(Session.new(skirmish, i, {"soviet": "human", "japanese": "random"}))
        if i % 8 == 0:
            app.update_ai()
            app.draw()
        if time.monotonic() - t0 > 60:  # a safety stop only: 4,000 events take ~1.5 s
            break
    assert i > 1500, "the soak must really run thousands of events"
    assert state_hash(app.session.state)  # the game is still whole
