"""The shipped DejaVu fonts (Latin + Cyrillic) and a cache of rendered text: rendering text is
the slowest thing a frame does, so each (text, size, colour) is rendered once."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pygame

_CANDIDATES = (
    Path(__file__).resolve().parents[2] / "assets" / "fonts",  # source checkout / editable install
    Path(__file__).resolve().parent / "assets" / "fonts",  # packaged with game.ui
    Path("/usr/share/fonts/truetype/dejavu"),
)


def font_path(bold: bool = False, condensed: bool = False) -> Path | None:
    """The shipped font first, then a system copy; None falls back to pygame's own font.
    ``condensed`` (DejaVu Sans Condensed, for counter designations) falls back to the normal
    width when neither the assets nor the system have it."""
    if condensed:
        name = "DejaVuSansCondensed-Bold.ttf" if bold else "DejaVuSansCondensed.ttf"
        for folder in _CANDIDATES:
            if (folder / name).is_file():
                return folder / name
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in _CANDIDATES:
        p = folder / name
        if p.is_file():
            return p
    return None


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False, condensed: bool = False) -> pygame.font.Font:
    if not pygame.font.get_init():
        pygame.font.init()
    p = font_path(bold, condensed)
    return pygame.font.Font(str(p) if p else None, max(6, int(size)))


_text_cache: dict[tuple, pygame.Surface] = {}


def text(s: str, size: int, color: tuple[int, int, int], bold: bool = False, condensed: bool = False) -> pygame.Surface:
    key = (s, size, color, bold, condensed)
    surf = _text_cache.get(key)
    if surf is None:
        if len(_text_cache) > 4000:
            _text_cache.clear()
        surf = font(size, bold, condensed).render(s, True, color)
        _text_cache[key] = surf
    return surf


def wrap(s: str, size: int, width: int, bold: bool = False) -> list[str]:
    """Greedy word wrap to a pixel width."""
    f = font(size, bold)
    lines: list[str] = []
    for para in s.split("\n"):
        words = para.split(" ")
        cur = ""
        for w in words:
            cand = w if not cur else cur + " " + w
            if f.size(cand)[0] <= width or not cur:
                cur = cand
            else:
                lines.append(cur)
                cur = w
        lines.append(cur)
    return lines
