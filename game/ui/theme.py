"""Colours and sizes in one place. Side colours follow the Okabe-Ito palette (colour-blind safe):
Soviet vermillion, Japanese blue, distinguishable under every common colour-vision deficiency."""

from __future__ import annotations

Color = tuple[int, int, int]

SIDE: dict[str, Color] = {"soviet": (213, 94, 0), "japanese": (0, 114, 178)}
SIDE_DARK: dict[str, Color] = {"soviet": (140, 55, 0), "japanese": (0, 70, 120)}
SIDE_TEXT: dict[str, Color] = {
    "soviet": (240, 140, 80),
    "japanese": (110, 185, 235),
}  # side colours readable as text on dark panels
SIDE_NAME = {"soviet": "Soviet-Mongolian", "japanese": "Japanese-Manchukuo"}

TERRAIN: dict[str, Color] = {
    "steppe": (196, 208, 150),
    "plateau": (214, 204, 158),
    "dunes": (232, 212, 140),
    "heights": (178, 150, 106),
    "valley": (150, 192, 160),
    "escarpment": (150, 118, 84),
    "salt_pan": (232, 228, 214),
    "lake": (110, 166, 214),
}
TERRAIN_DEFAULT: Color = (200, 200, 180)

RIVER_MAJOR: Color = (30, 90, 170)
RIVER_MINOR: Color = (60, 130, 200)
ROAD: Color = (120, 80, 40)
BORDER: Color = (150, 0, 130)
GRID: Color = (0, 0, 0)
LABEL: Color = (35, 30, 25)

BG: Color = (28, 32, 38)
PANEL: Color = (38, 43, 51)
PANEL_EDGE: Color = (80, 88, 100)
TEXT: Color = (230, 232, 235)
TEXT_DIM: Color = (160, 166, 175)
ACCENT: Color = (240, 228, 66)  # Okabe-Ito yellow: selection, highlights
GOOD: Color = (0, 158, 115)  # bluish green
WARN: Color = (230, 159, 0)  # orange
BAD: Color = (204, 60, 60)
BUTTON: Color = (58, 66, 78)
BUTTON_HOVER: Color = (78, 88, 104)
BUTTON_OFF: Color = (45, 49, 56)

AIR_LEVEL: dict[str, Color] = {"soviet": SIDE["soviet"], "japanese": SIDE["japanese"], "contested": (200, 200, 200)}
