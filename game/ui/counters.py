"""NATO-style unit counters: a side-coloured counter with the branch symbol in a frame, the
echelon above it and the strength below. Each look is drawn once and cached."""

from __future__ import annotations

import pygame

from game.ui import fonts, theme

_cache: dict[tuple, pygame.Surface] = {}


def echelon(type_id: str) -> str:
    """The size marker above the symbol, read from the unit type's id."""
    if type_id.endswith("_div"):
        return "XX"
    if type_id.endswith("_rgt"):
        return "III"
    if type_id.endswith("_co"):
        return "I"
    return "II"


def strength_text(u) -> str:
    """The count that matters most for the unit's branch: tanks for tanks, guns for guns, else men."""

    def k(n: int) -> str:
        return f"{n / 1000:.1f}k" if n >= 1000 else str(n)

    if u.tanks:
        return f"{u.tanks}T"
    if u.armored_cars:
        return f"{u.armored_cars}AC"
    return k(u.men)


def counter_size(hex_size: int) -> tuple[int, int]:
    w = max(12, int(hex_size * 1.45))
    return w, max(10, int(w * 0.82))


def _symbol(surf: pygame.Surface, sym: str, r: pygame.Rect, col) -> None:
    lw = 1 if r.w < 22 else 2
    pygame.draw.rect(surf, col, r, lw)
    x0, y0, x1, y1 = r.left, r.top, r.right - 1, r.bottom - 1
    cx, cy = r.center
    if sym in ("infantry", "motorized_infantry"):
        pygame.draw.line(surf, col, (x0, y0), (x1, y1), lw)
        pygame.draw.line(surf, col, (x0, y1), (x1, y0), lw)
        if sym == "motorized_infantry":
            pygame.draw.line(surf, col, (cx, y0), (cx, y1), lw)
    elif sym in ("armour", "armoured_car", "reconnaissance"):
        e = pygame.Rect(0, 0, int(r.w * 0.7), int(r.h * 0.6))
        e.center = r.center
        pygame.draw.ellipse(surf, col, e, lw)
        if sym != "armour":
            pygame.draw.line(surf, col, (x0, y1), (x1, y0), lw)
    elif sym == "cavalry":
        pygame.draw.line(surf, col, (x0, y1), (x1, y0), lw)
    elif sym == "artillery":
        pygame.draw.circle(surf, col, r.center, max(2, r.h // 4))
    elif sym == "engineer":
        w = r.w * 0.3
        h = r.h * 0.28
        pygame.draw.line(surf, col, (cx - w, cy - h / 2), (cx + w, cy - h / 2), lw)
        for dx in (-w, 0, w):
            pygame.draw.line(surf, col, (cx + dx, cy - h / 2), (cx + dx, cy + h / 2), lw)
    elif sym == "anti_tank":
        pygame.draw.line(surf, col, (x0, y1), (cx, y0), lw)
        pygame.draw.line(surf, col, (cx, y0), (x1, y1), lw)
    else:
        pygame.draw.line(surf, col, (x0, cy), (x1, cy), lw)


def counter(
    side: str, symbol: str, type_id: str, strength: str, hex_size: int, supply_flag: int = 0, spent: bool = False
) -> pygame.Surface:
    """supply_flag: 0 fine, 1 low, 2 out. spent: no movement points / has fought (drawn paler)."""
    key = (side, symbol, type_id, strength, hex_size, supply_flag, spent)
    s = _cache.get(key)
    if s is not None:
        return s
    w, h = counter_size(hex_size)
    s = pygame.Surface((w, h), pygame.SRCALPHA)
    base = theme.SIDE.get(side, (128, 128, 128))
    if spent:
        base = tuple(int(c * 0.6 + 90 * 0.4) for c in base)
    pygame.draw.rect(s, (15, 15, 15), s.get_rect(), border_radius=2)
    pygame.draw.rect(s, base, s.get_rect().inflate(-2, -2), border_radius=2)
    white = (250, 250, 250)
    big = hex_size >= 14
    frame = pygame.Rect(0, 0, int(w * 0.62), int(h * (0.42 if big else 0.6)))
    frame.center = (w // 2, int(h * (0.45 if big else 0.5)))
    _symbol(s, symbol, frame, white)
    if big:
        fs = max(7, int(h * 0.26))
        st = fonts.text(strength, fs, white, bold=True)
        s.blit(st, st.get_rect(midbottom=(w // 2, h - 1)))
        ech = fonts.text(echelon(type_id), max(6, int(h * 0.18)), white, bold=True)
        s.blit(ech, ech.get_rect(midbottom=(w // 2, frame.top + 1)))
    if supply_flag:
        col = theme.WARN if supply_flag == 1 else theme.BAD
        t = max(4, w // 5)
        pygame.draw.polygon(s, col, [(w - t - 1, 1), (w - 1, 1), (w - 1, t + 1)])
        pygame.draw.polygon(s, (0, 0, 0), [(w - t - 1, 1), (w - 1, 1), (w - 1, t + 1)], 1)
    if len(_cache) > 3000:
        _cache.clear()
    _cache[key] = s
    return s
