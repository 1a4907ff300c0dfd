"""NATO-style unit counters: a side-coloured counter with the branch symbol in a frame, the
echelon above it and the strength below. Each look is drawn once and cached."""

from __future__ import annotations

import math
import re

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


# --- the unit's designation: "11TB/1", "26IR/2", "149RR" --------------------------------------

_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5", "VI": "6"}
_WORD = {  # parent-formation words -> letters ("11th Tank Brigade" -> 11TB)
    "infantry": "I", "rifle": "R", "motorized": "M", "motor": "M", "motorised": "M", "tank": "T",
    "brigade": "B", "bde": "B", "regiment": "R", "regt": "R", "rgt": "R", "division": "D", "div": "D",
    "cavalry": "C", "cav": "C", "armoured": "A", "armored": "A", "artillery": "A", "engineer": "E",
    "airborne": "A", "heavy": "H", "independent": "I", "field": "F", "guard": "G", "mg": "MG",
    "battalion": "B", "bn": "B", "rd": "RD", "mrd": "MRD", "sd": "SD", "mab": "MAB", "tankette": "T", "company": "C",
}  # fmt: skip
_SUB = (  # what a battalion without a number is, in one or two letters ("artillery bn" -> A)
    ("anti-tank", "AT"), ("flame", "F"), ("rifle-mg", "MG"), ("motor rifle", "MR"), ("mg", "MG"),
    ("reconnaissance", "R"), ("recon", "R"), ("sapper", "S"), ("engineer", "E"), ("light", "L"),
    ("howitzer", "H"), ("heavy", "H"), ("gun", "G"), ("artillery", "A"), ("armoured", "A"), ("armored", "A"),
    ("tankette", "Tk"), ("tank", "T"), ("battery", "Bty"), ("pontoon", "P"), ("infantry", "I"), ("cavalry", "C"),
)  # fmt: skip
_SIDE_PREFIX = {"s", "su", "sov", "j", "jp", "jap", "m", "mk", "mn", "mpra"}
_RANKS = {"lt", "capt", "maj", "col", "gen", "lt.", "col.", "maj."}
_SUBUNIT = re.compile(r"\b(bn|battalion|battery|company)\b|^\d+(st|nd|rd|th) regiment\b", re.I)
_TERMINAL = {"division", "div", "rd", "mrd", "sd", "brigade", "bde", "regiment", "regt", "rgt", "battalion"}
_GENERIC = {"army", "group", "relief", "force", "front"}


def _ordinal(word: str) -> str | None:
    m = re.fullmatch(r"(\d+)(st|nd|rd|th)?", word)
    return m.group(1) if m else None


def _split_formation(text: str) -> tuple[str, str]:
    """'57th RD artillery' -> ('57th RD', 'artillery'): lower-case words after the formation's
    last word (division, brigade, regiment…) say which of its sub-units this is."""
    words = text.split()
    last = max((i for i, w in enumerate(words) if w.lower() in _TERMINAL), default=-1)
    if 0 <= last < len(words) - 1 and all(w[0].islower() for w in words[last + 1 :]):
        return " ".join(words[: last + 1]), " ".join(words[last + 1 :])
    return text, ""


def _formation(text: str) -> str:
    """'11th Tank Brigade' -> '11TB', 'Khingan Cavalry Division' -> 'KCD', '57th RD' -> '57RD'."""
    out = ""
    words = [w for w in re.split(r"[\s\-]+", text.strip()) if w]
    if words and words[-1].lower() == "infantry":  # 'I/71st Infantry': the regiment
        words.append("Regiment")
    for w in words:
        if not w:
            continue
        n = _ordinal(w)
        if n is not None:
            out += n
        elif w.lower() in _WORD:
            out += _WORD[w.lower()]
        elif w[0].isupper() and w.lower() not in _RANKS:
            out += w[0]
    return out


def _sub(text: str) -> str:
    """'1st armoured-car bn' -> '1', 'II' -> '2', 'howitzer bn (122 mm)' -> 'H'."""
    text = re.sub(r"\d+\s*(cm|mm)\b", "", text).strip()  # calibres are not numbers of battalions
    words = [w for w in re.split(r"[\s/]+", text) if w]
    low = text.lower()
    kind = next((code for key, code in _SUB if key in low), "")
    for k, w in enumerate(words):
        n = _ordinal(w) or _ROMAN.get(w)
        if n:
            return n if k == 0 else kind + n  # '1st armoured-car bn' -> 1, 'heavy artillery bn 2' -> H2
    return kind


def designation(name: str, uid: str = "") -> str:
    """A short designation for a counter, read from the unit's name (its id when the name
    gives nothing): '1st Tank Bn, 11th Tank Brigade (BT-5)' -> '11TB/1',
    'II/26th Infantry Regt (Sumi)' -> '26IR/2', '149th Rifle Regiment' -> '149RR'."""
    text = re.sub(r"\([^)]*\)", "", name).strip()  # commanders, equipment, notes
    text = re.split(r",\s*less\b", text)[0]
    m = re.match(r"^(I{1,3}|IV|VI?)/(.+)$", text)
    if m:  # Japanese style: II/26th Infantry Regt
        parent, sub = m.group(2), _ROMAN[m.group(1)]
    else:
        parts = [p.strip() for p in re.split(r"[,:]", text) if p.strip()]
        if len(parts) >= 2:
            # the sub-unit is the part that says 'bn' (or 'battery', 'company'); the other the parent
            first_sub = _SUBUNIT.search(parts[0]) is not None and _SUBUNIT.search(parts[1]) is None
            sub_t, parent = (parts[0], parts[1]) if first_sub else (parts[1], parts[0])
        else:
            parent, sub_t = text, ""
        parent, rest = _split_formation(parent)
        sub = _sub(sub_t) or (_sub(rest) if rest else "")
        if not sub and rest and not sub_t:
            sub = _sub(rest)
    code = _formation(parent)
    if not any(c.isdigit() for c in code):  # a named detachment: its name, or the id's words
        words = [w for w in re.findall(r"[A-Za-z']+", parent) if w[0].isupper() and w.lower() not in _RANKS]
        if words and words[0].lower() not in _GENERIC and not sub:
            return re.sub(r"'s$", "", words[0])
        if words and words[0].lower() in _GENERIC and sub:  # 'Relief force: cavalry regiment' -> Rel/C
            return f"{words[0][:3]}/{sub}"
        if len(code) < 2 or (words and words[0].lower() in _GENERIC):
            return _from_id(uid)
    return f"{code}/{sub}" if sub else code


def _from_id(uid: str) -> str:
    """'s_pont_1' -> 'Pont/1', 'j_rel_cav' -> 'Rel/Cav': the last resort."""
    toks = [t for t in uid.split("_") if t]
    if toks and toks[0].lower() in _SIDE_PREFIX and len(toks) > 1:
        toks = toks[1:]
    elif toks:
        toks[0] = re.sub(r"^[a-z]{1,2}(?=\d)", "", toks[0])
    return "/".join(t.capitalize() for t in toks[:3]) or uid[:6]  # mixed case: narrower


def designations(scenario) -> dict[str, str]:
    """Every unit's designation in a scenario (a ``short:`` field wins when the scenario has
    one), made unique: units that would read alike get the number at the end of their id."""
    cached = _designations.get(id(scenario))
    if cached is not None and cached[0] is scenario:
        return cached[1]
    out: dict[str, str] = {}
    for spec in scenario.units:
        short = getattr(spec, "short", None)
        out[spec.id] = str(short) if short else designation(getattr(spec, "name", "") or spec.id, spec.id)
    seen: dict[str, list[str]] = {}
    for uid, d in out.items():
        seen.setdefault(d, []).append(uid)
    shorts = {spec.id for spec in scenario.units if getattr(spec, "short", None)}
    for d, ids in seen.items():
        ids = [u for u in ids if u not in shorts]
        if len(ids) < 2:
            continue
        tails = [(re.search(r"(\d+)$", u) or [None, None])[1] for u in ids]
        unique = None not in tails and len(set(tails)) == len(tails)
        for k, uid in enumerate(ids):
            out[uid] = f"{d}{tails[k] if unique else k + 1}"
    if len(_designations) > 8:
        _designations.clear()
    _designations[id(scenario)] = (scenario, out)
    return out


_designations: dict[int, tuple[object, dict[str, str]]] = {}

DESIGNATION_MIN_HEX = 21  # hex radius (px) from which counters carry their designation (the game's default zoom)
MID_HEX = 14  # from here to DESIGNATION_MIN_HEX: symbol and a strength big enough to read, nothing else


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
    """A counter that stays inside its hex (with its rounded corners, ``corner_radius``): its
    corners would otherwise poke into the hexes above and below."""
    w = max(10, int(hex_size * 1.45))
    h = max(8, int(w * 0.8))
    if hex_size >= DESIGNATION_MIN_HEX:  # a line more for the designation
        w = int(hex_size * 1.5)
        h = int(hex_size * 1.28)
    elif hex_size >= MID_HEX:  # as big as the hex allows: the strength in letters 8+ px high
        w = round(hex_size * 1.56)
        h = round(hex_size * 1.25)
    return w, h


def corner_radius(hex_size: int) -> int:
    """Rounded enough that the counter's corners keep off the hex's slanted edges."""
    if hex_size >= DESIGNATION_MIN_HEX:
        return max(2, math.ceil(hex_size * 0.2))
    return max(2, math.ceil(hex_size * 0.25)) if hex_size >= MID_HEX else 2


def stack_layers(hex_size: int, n: int) -> list[pygame.Rect]:
    """The counters under the top one of an n-unit stack, as cards peeking out above it (at
    most two), relative to the top counter's centre at (0, 0): each narrower than the one in
    front as much as it rises, so the stack stays inside the hex. Deepest first."""
    w, h = counter_size(hex_size)
    d = max(1, round(hex_size * 0.12))
    inset = math.ceil(d * 1.8)
    out = []
    for k in range(min(2, n - 1), 0, -1):
        r = pygame.Rect(0, 0, max(4, w - 2 * inset * k), h)
        r.center = (0, -d * k)
        out.append(r)
    return out


def draw_stack_layers(surf: pygame.Surface, side: str, hex_size: int, n: int, center: tuple[int, int]) -> None:
    """The peeking cards of a stack (``stack_layers``), in a paler tint of the side's colour: a
    light band over the counter's dark top edge, so the designation under it never seems cut."""
    rad = corner_radius(hex_size)
    col = theme.SIDE.get(side, (128, 128, 128))
    for k, r in enumerate(stack_layers(hex_size, n)):
        f = 0.45 + 0.1 * k  # the deepest palest
        base = tuple(int(c + (235 - c) * (1 - f)) for c in col)
        rr = r.move(center)
        pygame.draw.rect(surf, (15, 15, 15), rr, border_radius=rad)
        pygame.draw.rect(surf, base, rr.inflate(-2, -2), border_radius=max(1, rad - 1))


def stack_badge(n: int, hex_size: int, room: int = 99) -> pygame.Surface | None:
    """'3': how many units share the hex, a small yellow chip that ``counter`` draws left of the
    branch symbol, the symbol moved aside for it (None when the counter is too small to carry
    one: the peeking cards alone). ``room``: the height of the symbol's row, which the chip
    overlaps by at most its 1-px border above and below."""
    if n < 2 or hex_size < MID_HEX:
        return None
    key = ("badge", n, hex_size, room)
    s = _cache.get(key)
    if s is None:
        t = _ink(fonts.text(str(min(n, 9)), max(7, round(hex_size * 0.4)), (15, 15, 15), bold=True))
        edge = t.get_height() + 4 <= room + 2  # a tight row: yellow round the digit, no dark edge
        m = 2 if edge else 1
        s = pygame.Surface((t.get_width() + 2 * m, t.get_height() + 2 * m), pygame.SRCALPHA)
        pygame.draw.rect(s, theme.ACCENT, s.get_rect(), border_radius=2)  # yellow: never read as a depot's white box
        if edge:
            pygame.draw.rect(s, (15, 15, 15), s.get_rect(), 1, border_radius=2)
        s.blit(t, (m, m))
        _cache[key] = s
    return s


def _ink(t: pygame.Surface) -> pygame.Surface:
    """A rendered text cropped to its ink: small counters have no pixel to spare."""
    r = t.get_bounding_rect()
    return t.subsurface(r) if r.w and r.h else t


def _shorter(label: str) -> list[str]:
    """The designation, then shorter forms for a narrow counter: the formation's letters cut
    one by one ('149MRR/1', '149MR/1', '149M/1', '149/1'), the sub-unit always kept."""
    out = [label]
    if label.isalpha() and len(label) > 4:  # a name ('Aleshkin'): shortened with a dot ('Alesh.')
        return out + [label[:k] + "." for k in range(min(len(label) - 1, 6), 2, -1)]
    m = re.match(r"^(\d+)([A-Za-z]+)(/.*)?$", label)
    if m:
        num, letters, rest = m.group(1), m.group(2), m.group(3) or ""
        out += [num + letters[:k] + rest for k in range(len(letters) - 1, -1, -1) if rest or k]
    return out


def _fit_text(s: str, size: int, width: int, colour, bold: bool = False) -> pygame.Surface:
    return fit_label(s, size, width, colour, bold)[0]


def fit_label(s: str, size: int, width: int, colour=(250, 250, 250), bold: bool = True) -> tuple[pygame.Surface, str]:
    """The text at ``size`` or a size smaller (condensed letters), squeezed sideways up to 85%
    if need be, in its shorter forms if it still does not fit, cut only as a last resort.
    Returns the drawing and the text it shows."""
    smallest = max(9, round(size * 0.72)) if size > 9 else size  # a smaller font before a shorter name
    for cand in _shorter(s):
        sizes = range(size, min(size, smallest) - 1, -1)
        for sz in sizes:  # crisp letters a size smaller before blurred squeezed ones
            t = _ink(fonts.text(cand, max(6, sz), colour, bold, condensed=True))
            if t.get_width() <= width:
                return t, cand
        for sz in sizes:
            t = _ink(fonts.text(cand, max(6, sz), colour, bold, condensed=True))
            if t.get_width() * 0.85 <= width:
                return pygame.transform.smoothscale(t, (width, t.get_height())), cand
    while len(s) > 1 and _ink(fonts.text(s, max(6, size - 1), colour, bold, True)).get_width() > width:
        s = s[:-1]
    return _ink(fonts.text(s, max(6, size - 1), colour, bold, True)), s


def label_font_size(hex_size: int) -> int:
    return max(8, round(hex_size * 0.48))


def strength_font_size(hex_size: int) -> int:
    if MID_HEX <= hex_size < DESIGNATION_MIN_HEX:  # symbol and strength only: the strength big
        return round(hex_size * 0.63)
    return max(7, round(hex_size * 0.43))


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


def _symbol_and_chip(s: pygame.Surface, symbol: str, frame: pygame.Rect, chip, room: pygame.Rect, col) -> None:
    """The branch symbol in its row; with a stack chip, the chip at the row's left and the
    symbol moved right of it (narrowed if need be), so neither hides the other."""
    if chip is not None:
        cw = chip.get_width()
        left = 2 + cw + 1  # first column right of the chip
        right = s.get_width() - 3
        if frame.x < left:
            frame.width = min(frame.width, right - left)
            frame.x = left + max(0, (right - left - frame.width) // 2)
        s.blit(chip, chip.get_rect(midleft=(2, room.centery)))
    _symbol(s, symbol, frame, col)


def counter(
    side: str,
    symbol: str,
    type_id: str,
    strength: str,
    hex_size: int,
    supply_flag: int = 0,
    spent: bool = False,
    label: str = "",
    stack: int = 1,
) -> pygame.Surface:
    """supply_flag: 0 fine, 1 low, 2 out. spent: no movement points / has fought (drawn paler).
    label: the unit's designation ('11TB/1'), along the top from DESIGNATION_MIN_HEX up.
    stack: how many units share the hex: from 2 a chip with the number left of the symbol.
    From MID_HEX to DESIGNATION_MIN_HEX the counter carries the symbol and the strength only,
    the strength in letters at least 8 px high."""
    key = (side, symbol, type_id, strength, hex_size, supply_flag, spent, label, stack)
    s = _cache.get(key)
    if s is not None:
        return s
    w, h = counter_size(hex_size)
    s = pygame.Surface((w, h), pygame.SRCALPHA)
    base = theme.SIDE.get(side, (128, 128, 128))
    if spent:
        base = tuple(int(c * 0.6 + 90 * 0.4) for c in base)
    rad = corner_radius(hex_size)
    pygame.draw.rect(s, (15, 15, 15), s.get_rect(), border_radius=rad)
    pygame.draw.rect(s, base, s.get_rect().inflate(-2, -2), border_radius=max(1, rad - 1))
    white = (250, 250, 250)
    big = hex_size >= MID_HEX
    if label and hex_size >= DESIGNATION_MIN_HEX:
        # three ink-tight rows: the designation, the branch symbol, the strength
        top = _fit_text(label, label_font_size(hex_size), w - 4, white, bold=True)
        st = _fit_text(strength, strength_font_size(hex_size), w - 4, white, bold=True)
        s.blit(top, top.get_rect(midtop=(w // 2, 2)))
        s.blit(st, st.get_rect(midbottom=(w // 2, h - 2)))
        room = pygame.Rect(0, 3 + top.get_height(), w, h - 6 - top.get_height() - st.get_height())
        frame = pygame.Rect(0, 0, int(w * 0.5), max(4, min(room.h, int(w * 0.36))))
        frame.center = room.center
        _symbol_and_chip(s, symbol, frame, stack_badge(stack, hex_size, room.h), room, white)
    elif big and hex_size < DESIGNATION_MIN_HEX:
        # two rows: the branch symbol, then the strength as big as the counter allows
        st, shown = fit_label(strength, strength_font_size(hex_size), w - 4, white, bold=True)
        m = re.fullmatch(r"(\d+)\.\dk", strength)
        if shown != strength and m:  # '12.5k' too wide: '13k' rather than a cut '12.5'
            st = _fit_text(f"{round(float(strength[:-1]))}k", strength_font_size(hex_size), w - 4, white, bold=True)
        s.blit(st, st.get_rect(midbottom=(w // 2, h - 2)))
        room = pygame.Rect(0, 2, w, h - 4 - st.get_height() - 1)
        frame = pygame.Rect(0, 0, int(w * 0.52), max(4, room.h))
        frame.center = room.center
        _symbol_and_chip(s, symbol, frame, stack_badge(stack, hex_size, room.h), room, white)
    else:
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
        mask = pygame.Surface((w, h), pygame.SRCALPHA)  # the corner flag keeps to the rounded corner
        pygame.draw.rect(mask, (255, 255, 255, 255), mask.get_rect(), border_radius=rad)
        s.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MULT)
    if len(_cache) > 3000:
        _cache.clear()
    _cache[key] = s
    return s
