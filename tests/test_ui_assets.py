"""The shipped font is found and covers Latin and Cyrillic; its licence travels with it."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

from pathlib import Path  # noqa: E402

from game.ui import fonts  # noqa: E402

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "fonts"


def test_shipped_fonts_and_licence():
    assert (ASSETS / "DejaVuSans.ttf").is_file() and (ASSETS / "DejaVuSans-Bold.ttf").is_file()
    assert "Bitstream Vera" in (ASSETS / "LICENSE-DejaVu.txt").read_text(encoding="utf-8")
    assert fonts.font_path() == ASSETS / "DejaVuSans.ttf"
    # the counters' designations: the condensed cut ships too, never a system copy
    assert fonts.font_path(condensed=True) == ASSETS / "DejaVuSansCondensed.ttf"
    assert fonts.font_path(bold=True, condensed=True) == ASSETS / "DejaVuSansCondensed-Bold.ttf"


def test_cyrillic_glyphs_render():
    f = fonts.font(16)
    metrics = f.metrics("Халхин-Гол")
    assert metrics and all(m is not None for m in metrics)  # every glyph is in the font
    assert fonts.text("Халхин-Гол", 16, (255, 255, 255)).get_width() > 40
