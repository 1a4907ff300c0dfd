"""Immediate-mode widgets: each frame draws buttons and records their hit boxes, and the next
click is matched against them. No widget objects to keep in step with the game state."""

from __future__ import annotations

import pygame

from game.ui import fonts, theme


class Hits:
    """Clickable rectangles drawn this frame, topmost last."""

    def __init__(self) -> None:
        self.items: list[tuple[pygame.Rect, str]] = []

    def clear(self) -> None:
        self.items.clear()

    def add(self, rect: pygame.Rect, key: str) -> None:
        self.items.append((pygame.Rect(rect), key))

    def at(self, pos: tuple[int, int]) -> str | None:
        for rect, key in reversed(self.items):
            if rect.collidepoint(pos):
                return key
        return None


def panel(screen: pygame.Surface, rect: pygame.Rect, title: str | None = None, alpha: int = 245) -> int:
    """A framed panel; returns the y where content starts."""
    s = pygame.Surface(rect.size, pygame.SRCALPHA)
    s.fill((*theme.PANEL, alpha))
    screen.blit(s, rect.topleft)
    pygame.draw.rect(screen, theme.PANEL_EDGE, rect, 1)
    y = rect.y + 8
    if title:
        t = fonts.text(title, 18, theme.TEXT, bold=True)
        screen.blit(t, (rect.x + 12, y))
        y += t.get_height() + 8
    return y


def button(
    screen: pygame.Surface,
    hits: Hits,
    rect: pygame.Rect,
    label: str,
    key: str,
    enabled: bool = True,
    active: bool = False,
    size: int = 15,
    mouse: tuple[int, int] | None = None,
    left: bool = False,
) -> None:
    """Draw a button and register its hit box (only when enabled)."""
    mouse = mouse if mouse is not None else pygame.mouse.get_pos()
    hover = enabled and rect.collidepoint(mouse)
    col = theme.BUTTON_OFF if not enabled else (theme.BUTTON_HOVER if hover else theme.BUTTON)
    pygame.draw.rect(screen, col, rect, border_radius=4)
    pygame.draw.rect(screen, theme.ACCENT if active else theme.PANEL_EDGE, rect, 2 if active else 1, border_radius=4)
    # a label too long for its button keeps the size and ends in an ellipsis (a shrunk font would
    # make one row of a list smaller than its neighbours)
    label = fit(label, size, rect.w - (12 if left else 8), bold=active)
    t = fonts.text(label, size, theme.TEXT if enabled else theme.TEXT_DIM, bold=active)
    screen.blit(t, t.get_rect(midleft=(rect.x + 8, rect.centery)) if left else t.get_rect(center=rect.center))
    if enabled:
        hits.add(rect, key)


def fit(s: str, size: int, width: int, bold: bool = False) -> str:
    """The text cut with an ellipsis to fit ``width`` pixels at one size (lists keep one font size)."""
    f = fonts.font(size, bold)
    if f.size(s)[0] <= width:
        return s
    while s and f.size(s + "…")[0] > width:
        s = s[:-1]
    return s.rstrip() + "…"


def label(screen: pygame.Surface, s: str, x: int, y: int, size: int = 14, color=theme.TEXT, bold: bool = False) -> int:
    t = fonts.text(s, size, color, bold)
    screen.blit(t, (x, y))
    return y + t.get_height() + 2


def paragraph(
    screen: pygame.Surface, s: str, x: int, y: int, width: int, size: int = 14, color=theme.TEXT, bottom: int | None = None
) -> int:
    """Wrapped text; stops at ``bottom``. Returns the next y."""
    lh = fonts.font(size).get_linesize()
    for line in fonts.wrap(s, size, width):
        if bottom is not None and y + lh > bottom:
            break
        screen.blit(fonts.text(line, size, color), (x, y))
        y += lh
    return y


def bar(screen: pygame.Surface, rect: pygame.Rect, frac: float, color) -> None:
    pygame.draw.rect(screen, (25, 28, 33), rect)
    w = int(rect.w * max(0.0, min(1.0, frac)))
    if w > 0:
        pygame.draw.rect(screen, color, (rect.x, rect.y, w, rect.h))
    pygame.draw.rect(screen, theme.PANEL_EDGE, rect, 1)


def edit_text(text: str, ev: pygame.event.Event) -> str | None:
    """One key pressed in a one-line text field: the new text (Backspace, Ctrl+V from the
    clipboard, printable characters), or None when the key is not for the field."""
    if ev.key == pygame.K_BACKSPACE:
        return text[:-1]
    if ev.key == pygame.K_v and getattr(ev, "mod", 0) & pygame.KMOD_CTRL:
        try:
            return text + ((pygame.scrap.get_text() or "").strip() if pygame.scrap.get_init() else "")
        except (pygame.error, AttributeError):
            return text
    if getattr(ev, "unicode", "") and ev.unicode.isprintable():
        return text + ev.unicode
    return None


def side_name(side: str | None) -> str:
    """How the screen names a side (None: someone watching both)."""
    return theme.SIDE_NAME.get(side or "", "Observer")


def fmt_counts(u) -> str:
    """A unit's strength in words: men, then its vehicles and guns."""
    parts = [f"{u.men:,} men"]
    for k, n in (("tanks", u.tanks), ("armoured cars", u.armored_cars), ("guns", u.guns)):
        if n:
            parts.append(f"{n} {k}")
    return ", ".join(parts)
