"""Frame time of the game screen for ``python main.py bench``: the August map, every unit on it
(the full state, as an observer sees it) and the supply overlay, at 1600x1000, dummy driver."""

from __future__ import annotations

import os
import statistics
import time


def frame_ms(frames: int = 200, size: tuple[int, int] = (1600, 1000)) -> dict[str, float]:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import pygame

    from game.scenario.loader import load_scenario
    from game.session import Session
    from game.ui import game_draw
    from game.ui.game_mode import GameMode

    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode(size)
    scen = load_scenario("encirclement_20_august")
    s = Session.new(scen, 1, {side: "passive" for side in scen.sides})  # nobody human: all units shown
    g = GameMode(s, size)
    g.popups.clear()
    g.modal = None
    g.marks.overlay = "supply"
    g.cam.set_zoom(4)
    g.cam.center_on(g.cam.center_hex())
    for _ in range(5):  # warm the caches (terrain, overlay, counters, text), as in play
        game_draw.draw(g, screen)
    times = []
    mid = g.map_rect.center
    for k in range(frames):
        g.mouse = (mid[0] + (k % 40) * 7, mid[1] + (k % 25) * 5)  # the tooltip follows the mouse
        g._hover(g.mouse)
        t0 = time.perf_counter()
        game_draw.draw(g, screen)
        pygame.display.flip()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    pygame.display.quit()
    return {
        "frame_ms_p50": round(statistics.median(times), 3),
        "frame_ms_p95": round(times[int(0.95 * len(times)) - 1], 3),
    }
