"""The always-visible parts of the game screen: top bar, minimap, phase help, unit details,
message log, tooltips, toasts, the combat result card, the overlay legend and the AI indicator.
All of it from the seat's fog-of-war view."""

from __future__ import annotations

import math
import re
import time

import pygame

from game.engine import turn_label
from game.rules import combat
from game.state import ACTIVE
from game.ui import dialogs, fonts, theme
from game.ui.camera import ZOOMS
from game.ui.game_mode import TOP, GameMode
from game.ui.mapview import supply_flag
from game.ui.widgets import bar, button, fit, fmt_counts, label, panel, paragraph, side_name

PHASE_HELP = {
    "air": "Air phase: give your air units missions over the air zones (panel on the left), then End phase.",
    "supply": "Supply phase: convoys arrive and units draw supply. Re-route trucks if needed, then End phase.",
    "movement": "Movement: click a unit, then a highlighted hex. Hover shows path and cost. U undoes a move.",
    "combat": "Combat: click your units to pick attackers, then an enemy hex for the odds preview.",
    "end_of_turn": "End of turn.",
}


def top_bar(m: GameMode, screen: pygame.Surface) -> None:
    """Date-time, phase and whose move, and the command buttons."""
    w = screen.get_width()
    pygame.draw.rect(screen, theme.PANEL, (0, 0, w, TOP))
    pygame.draw.line(screen, theme.PANEL_EDGE, (0, TOP - 1), (w, TOP - 1))
    v = m.view
    s = m.session
    x = 10
    t = fonts.text(turn_label(v), 15, theme.TEXT, bold=True)
    screen.blit(t, (x, 4))
    actors = [a for a in s.scenario.sides if a in (s.to_act(),)]
    who = actors[0] if actors else None
    ph = v.phase.name or v.phase.phase
    if v.result is not None:
        line2 = "Game over"
    elif who is None:
        line2 = ph
    else:
        tag = "you" if who == m.side and s.is_human(who) else s.controllers.get(who, "")
        line2 = f"{ph} — {side_name(who)} ({tag})"
    col = theme.SIDE.get(who or "", theme.TEXT_DIM)
    pygame.draw.rect(screen, col, (x, 25, 10, 12))
    t2 = fonts.text(line2, 13, theme.TEXT)
    screen.blit(t2, (x + 16, 23))
    sx = x + 16 + t2.get_width() + 24  # on the second line, after whose phase it is
    # buttons from the right
    bx = w - 10
    mouse = m.mouse

    items = [  # (label, short label, key, width, short width, enabled, active)
        ("Menu", "Menu", "menu", 64, 52, True, False),
        ("Victory (V)", "Victory", "victory", 92, 62, True, m.modal == "victory"),
        ("End phase (E)", "End phase", "end_phase", 120, 84, m.can_act, False),
        ("Undo (U)", "Undo", "undo", 84, 50, s.can_undo(m.side), False),
        ("Sources (I)", "Sources", "sources", 96, 64, True, m.modal == "sources"),
        ("ZOC (Z)", "ZOC", "overlay:zoc", 72, 44, True, m.marks.overlay == "zoc"),
        ("Air ctl (A)", "Air ctl", "overlay:air", 88, 56, True, m.marks.overlay == "air"),
        ("Supply ovl (S)", "Sup. ovl", "overlay:supply", 112, 64, True, m.marks.overlay == "supply"),
        ("Supply (F3)", "Supply", "panel:supply", 96, 58, True, m.docked == "supply"),
        ("Air (F2)", "Air", "panel:air", 76, 40, True, m.docked == "air"),
    ]
    need = max(t.get_width(), 16 + t2.get_width()) + 30
    short = w - 10 - sum(it[3] + 6 for it in items) < need  # a narrow window: the short labels (keys in the help)
    for lbl, sl, key, wl, ws, enabled, active in items:
        width = ws if short else wl
        bx -= width
        button(
            screen, m.hits, pygame.Rect(bx, 6, width, TOP - 12), sl if short else lbl, key, enabled, active, size=13, mouse=mouse
        )
        bx -= 6
    for txt in dialogs.score_lines(m):  # the objectives and score, as much as the buttons leave room for
        if sx + fonts.font(12).size(txt)[0] < bx - 8:
            screen.blit(fonts.text(txt, 12, theme.ACCENT), (sx, 24))
            break
    me = fonts.text(f"You: {side_name(m.side)}" if m.side else "Watching: all units shown", 13, theme.TEXT_DIM)
    if bx - me.get_width() - 10 > max(380, x + t.get_width() + 10):
        screen.blit(me, (bx - me.get_width() - 6, 4))


def ai_indicator(m: GameMode, screen: pygame.Surface) -> None:
    """A spinner while an agent thinks (the window stays responsive), or the pause notice."""
    if m.paused:
        t = fonts.text("Paused — press P to go on", 15, theme.ACCENT, bold=True)
        box = t.get_rect(midtop=(m.map_rect.centerx, m.map_rect.y + 8)).inflate(24, 12)
        pygame.draw.rect(screen, (20, 22, 26), box, border_radius=6)
        screen.blit(t, t.get_rect(center=box.center))
        return
    if not m.ai_busy:
        return
    r = m.map_rect
    txt = f"{side_name(m.ai_busy)} (AI) is thinking…"
    t = fonts.text(txt, 15, theme.TEXT, bold=True)
    box = pygame.Rect(0, 0, t.get_width() + 56, 34)
    box.midtop = (r.centerx, r.y + 8)
    pygame.draw.rect(screen, (20, 22, 26), box, border_radius=6)
    pygame.draw.rect(screen, theme.SIDE.get(m.ai_busy, theme.ACCENT), box, 2, border_radius=6)
    ang = time.monotonic() * 6
    cx, cy = box.x + 20, box.centery
    for k in range(8):
        a = ang + k * math.pi / 4
        shade = 80 + 20 * k
        pygame.draw.circle(screen, (shade, shade, shade), (cx + 9 * math.cos(a), cy + 9 * math.sin(a)), 2)
    screen.blit(t, (box.x + 38, box.y + 8))


def side_panel(m: GameMode, screen: pygame.Surface) -> None:
    """Minimap, phase help, the selected unit and the message log."""
    r = m.side_rect
    pygame.draw.rect(screen, theme.PANEL, r)
    pygame.draw.line(screen, theme.PANEL_EDGE, r.topleft, r.bottomleft)
    _minimap(m, screen)
    y = m.minimap_rect.bottom + 8
    log_h = 230
    y = _phase_box(m, screen, r.x + 10, y, r.w - 20)
    _unit_box(m, screen, pygame.Rect(r.x + 10, y, r.w - 20, r.bottom - log_h - y - 8))
    _log(m, screen, pygame.Rect(r.x + 6, r.bottom - log_h, r.w - 12, log_h - 6))


def _minimap(m: GameMode, screen: pygame.Surface) -> None:
    mr = m.minimap_rect
    base = m.mapview.minimap(mr.w, mr.h)
    rect = base.get_rect(center=mr.center)
    f = rect.w / max(1, m.mapview.terrain_size_px(ZOOMS[0])[0])
    z = ZOOMS[0] / m.cam.size
    key = (m.session.version, m.side, mr.size)
    hit = m.cache.get("minimap")
    if hit is not None and hit[0] == key:
        mini = hit[1]
    else:  # the minimap shows only what the seat's view holds: no fog leak
        from game.ui.camera import layout_for

        mini = base.copy()
        lay = layout_for(ZOOMS[0])
        for u in m.view.units.values():
            if u.status != ACTIVE or u.hex is None:
                continue
            x, y = lay.hex_to_point(u.hex)
            pygame.draw.rect(mini, theme.SIDE.get(u.side, (200, 200, 200)), (x * f - 1, y * f - 1, 3, 3))
        m.cache["minimap"] = (key, mini)
    screen.blit(mini, rect)
    cam = pygame.Rect(rect.x + m.cam.x * z * f, rect.y + m.cam.y * z * f, m.cam.view_w * z * f, m.cam.view_h * z * f)
    pygame.draw.rect(screen, (255, 255, 255), cam.clip(rect), 1)
    pygame.draw.rect(screen, theme.PANEL_EDGE, rect, 1)


def _phase_box(m: GameMode, screen: pygame.Surface, x: int, y: int, w: int) -> int:
    ph = m.phase
    s = m.session
    if m.can_act:
        text = PHASE_HELP.get(ph, "")
        if ph == "supply" and m.docked != "supply":
            text += " Press F3 (Supply) to see depots and trucks."
        col = theme.ACCENT
    elif s.to_act() is None:
        text = "The game is over." if m.view.result else ""
        col = theme.TEXT_DIM
    else:
        text = f"Waiting for the {side_name(s.to_act())} side ({s.controllers.get(s.to_act() or '', '')})."
        col = theme.TEXT_DIM
    return paragraph(screen, text, x, y, w, 13, col) + 6


def _unit_box(m: GameMode, screen: pygame.Surface, rect: pygame.Rect) -> None:
    v = m.view
    uid = m.marks.selected
    u = v.units.get(uid or "")
    x, y, w = rect.x, rect.y, rect.w
    bottom = rect.bottom
    if u is None:
        own = [a for a in v.units.values() if a.side == m.side and a.status == ACTIVE]
        y = label(screen, "No unit selected", x, y, 15, theme.TEXT, True)
        if own and m.phase == "movement" and m.can_act:
            left = sum(1 for a in own if a.mp > 1e-9)
            y = label(screen, f"{left} of {len(own)} units can still move (Tab: next)", x, y, 13, theme.TEXT_DIM)
        elif own and m.phase == "combat" and m.can_act:
            left = sum(1 for a in own if not a.acted)
            y = label(screen, f"{left} of {len(own)} units have not fought (Tab: next)", x, y, 13, theme.TEXT_DIM)
        short = [a for a in own if supply_flag(v, a)]
        if short:
            y = label(screen, f"{len(short)} unit(s) short of supply — press S", x, y + 4, 13, theme.WARN)
        pend = [a for a in v.units.values() if a.side == m.side and a.status == "pending"]
        if pend:
            y = label(screen, f"{len(pend)} reinforcement(s) to come", x, y + 4, 13, theme.TEXT_DIM)
        paragraph(
            screen,
            "Click a counter for its details. Drag or arrow keys to pan, wheel to zoom. H for help.",
            x,
            y + 10,
            w,
            12,
            theme.TEXT_DIM,
            bottom,
        )
        return
    setup = v.scenario.setup(u.id)
    ut = v.scenario.unit_type(u.type)
    pygame.draw.rect(screen, theme.SIDE.get(u.side, (128, 128, 128)), (x, y + 2, 6, 36))
    for ln in fonts.wrap(setup.name, 15, w - 14, True)[:2]:
        y = label(screen, ln, x + 12, y, 15, theme.TEXT, True)
    y = paragraph(screen, f"{ut.name} · {side_name(u.side)}", x + 12, y, w - 12, 12, theme.TEXT_DIM)
    y += 4
    y = paragraph(screen, fmt_counts(u), x, y, w, 14, theme.TEXT)
    lost = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in u.lost.items() if n)
    if lost:
        y = paragraph(screen, f"Lost so far: {lost}", x, y, w, 12, theme.BAD)
    mine = u.side == m.side or m.side is None
    rows: list[tuple[str, float, tuple[int, int, int], str]] = [
        ("Cohesion", u.cohesion / 100, theme.GOOD if u.cohesion >= 50 else theme.WARN, f"{u.cohesion:.0f}"),
    ]
    if mine:
        f = supply_flag(v, u)
        rows.append(("Supply", u.supply, [theme.GOOD, theme.WARN, theme.BAD][f], f"{u.supply * 100:.0f}%"))
        if m.phase == "movement":
            from game.rules.movement import mp_allowance

            full = max(0.01, mp_allowance(v, u))
            rows.append(("Move pts", u.mp / full, theme.ACCENT, f"{u.mp:.1f} / {full:.1f}"))
    for name, frac, col, txt in rows:
        label(screen, name, x, y, 12, theme.TEXT_DIM)
        bar(screen, pygame.Rect(x + 78, y + 3, w - 170, 10), frac, col)
        label(screen, txt, x + w - 86, y, 12, theme.TEXT)
        y += 17
    post = combat.posture_of(v, u).name
    info = f"Quality {u.quality:.2f} · posture: {post}"
    if mine:
        info += f" · {'has fought' if u.acted else 'fresh'}"
    y = paragraph(screen, info, x, y + 2, w, 12, theme.TEXT_DIM)
    if mine:
        note = v.notes.get(u.id)
        if note:
            y = paragraph(screen, f"Supply: {note}", x, y + 2, w, 12, theme.TEXT_DIM, bottom)
    if setup.sources:
        y = paragraph(
            screen,
            "Sources: " + "; ".join(f"{k}: {s}{source_title(v, s)}" for k, s in setup.sources.items()),
            x,
            y + 4,
            w,
            11,
            (150, 180, 210),
            bottom,
        )
    # other units in the hex
    others = [o for o in m.units_at(u.hex) if o.id != u.id] if u.hex else []
    if others and y + 20 < bottom:
        y = label(screen, "Also here:", x, y + 6, 12, theme.TEXT_DIM)
        for o in others:
            if y + 22 > bottom:
                break
            button(
                screen,
                m.hits,
                pygame.Rect(x, y, w, 20),
                v.scenario.setup(o.id).name[:48],
                f"select:{o.id}",
                size=12,
                mouse=m.mouse,
            )
            y += 23


def source_title(v, code: object) -> str:
    """' (Title of the source)' for a source code the scenario lists, else ''."""
    srcs = getattr(v.scenario.spec, "sources", None) or {}
    out = []
    for c in re.findall(r"[A-Za-z][\w.-]*", str(code)):
        s = srcs.get(c)
        if s is not None:
            s = s if isinstance(s, dict) else getattr(s, "__dict__", {})
            if s.get("title"):
                out.append(f"{c} = {s.get('title')}")
    return f" ({'; '.join(out)})" if out else ""


def _log(m: GameMode, screen: pygame.Surface, rect: pygame.Rect) -> None:
    m.log_rect = rect
    pygame.draw.rect(screen, (30, 34, 40), rect)
    pygame.draw.rect(screen, theme.PANEL_EDGE, rect, 1)
    back = f" — {m.log_scroll} lines back" if m.log_scroll else ""
    label(screen, f"Message log (wheel up: older){back}", rect.x + 6, rect.y + 3, 12, theme.TEXT_DIM, True)
    lh = fonts.font(12).get_linesize()
    key = (m.session.version, len(m.session.log), m.side, rect.w)
    hit = m.cache.get("log")
    if hit is not None and hit[0] == key:
        lines = hit[1]
    else:
        lines = _log_lines(m, rect)
        m.cache["log"] = (key, lines)
    avail = (rect.h - 22) // lh
    m.log_scroll = min(m.log_scroll, max(0, len(lines) - avail))
    end = len(lines) - m.log_scroll
    shown = lines[max(0, end - avail) : end]
    y = rect.y + 20
    for ln, col in shown:
        screen.blit(fonts.text(ln, 12, col), (rect.x + 6, y))
        y += lh


HEX_TUPLE = re.compile(r"\((-?\d+), (-?\d+)\)")
LOG_COLOURS = {
    "combat": (255, 225, 150),
    "combat_defended": (255, 225, 150),
    "eliminated": (255, 130, 110),
    "surrender": (255, 130, 110),
    "phase_start": (140, 200, 255),
    "timeline": (200, 170, 255),
    "game_over": theme.ACCENT,
}


def log_text(m: GameMode, e) -> str:
    """An event as the log shows it: whose phase, zones by name, hexes written one way, history
    marked as history."""
    scen = m.session.scenario
    text = e.text
    if e.kind == "phase_start":
        sides = (e.data or {}).get("sides") or ()
        if sides:
            who = " and ".join(side_name(sd) for sd in sides)
            text += f" — {'both sides' if len(sides) > 1 else who + ' side'} to act"
    elif e.kind == "timeline":
        text = "History: " + text
    if e.kind == "combat" and id(e) in m.event_estimates:
        est = m.event_estimates[id(e)][1]
        odds = float((e.data or {}).get("odds", 0.0))
        f = odds / est.odds if est.odds > 0 else 1.0
        if abs(f - 1) > 0.01:
            text += f" — your estimate was {est.odds:.2f}; enemy support you could not see ×{f:.2f}"
    return event_words(scen, text, m.cache)


def event_words(scen, text: str, cache: dict | None = None) -> str:
    """An engine message in the players' words: air zones and airfields by name, hexes written
    one way ('hex 7,15'), off-map entry as 'the map edge'. The game log and the replay viewer
    both use it."""
    found = cache.get("zone_words") if cache is not None else None
    if found is None:  # built once per screen: the log is re-worded every frame
        names = {z.id: z.name for z in scen.air_zones} | {f.id: f.name for f in scen.airfields.values()}
        names = {k: v for k, v in names.items() if k and k != v}
        pattern = (
            re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(names, key=len, reverse=True)) + r")\b") if names else None
        )
        found = (names, pattern)
        if cache is not None:
            cache["zone_words"] = found
    names, pattern = found
    if pattern is not None:
        text = pattern.sub(lambda g: names[g.group(1)], text)
    text = HEX_TUPLE.sub(lambda g: hex_words(scen, int(g.group(1)), int(g.group(2))), text)
    return text.replace(" moves the map edge →", " enters from the map edge →").replace("armored", "armoured")


def hex_words(scen, q: int, r: int) -> str:
    """A hex as players read it: 'hex 7,15'; an off-map entry hex (negative or outside the map,
    where reinforcements wait) is 'the map edge', never its internal coordinates."""
    if q < 0 or r < 0 or not scen.map.contains((q, r)):
        return "the map edge"
    return f"hex {q},{r}"


def _log_lines(m: GameMode, rect: pygame.Rect) -> list[tuple[str, tuple[int, int, int]]]:
    events = [e for e in m.session.log_for(m.side) if e.kind not in ("phase_end",)]
    lines: list[tuple[str, tuple[int, int, int]]] = []
    texts: list[tuple[str, tuple[int, int, int], int]] = []
    for e in events[-80:]:
        col = LOG_COLOURS.get(e.kind, theme.TEXT)
        t = log_text(m, e)
        if texts and texts[-1][0] == t:  # the same line again (several units spotted at once): counted
            texts[-1] = (t, col, texts[-1][2] + 1)
        else:
            texts.append((t, col, 1))
    for t, col, n in texts[-60:]:
        for ln in fonts.wrap(t + (f" (×{n})" if n > 1 else ""), 12, rect.w - 14):
            lines.append((ln, col))
    return lines


def tip_rect(mouse: tuple[int, int], size: tuple[int, int], area: pygame.Rect, avoid: pygame.Rect | None = None) -> pygame.Rect:
    """Where a tooltip goes: beside the mouse (below right, below left, above right, above
    left — the first that fits), always inside the map area and never over a docked panel
    (its title and buttons stay readable); pushed clear of the panel if no corner fits."""
    w, h = size
    mx, my = mouse
    inner = area.inflate(-8, -8)
    spots = [(mx + 18, my + 18), (mx - w - 10, my + 18), (mx + 18, my - h - 10), (mx - w - 10, my - h - 10)]
    boxes = [pygame.Rect(x, y, w, h) for x, y in spots]
    for b in boxes:
        if inner.contains(b) and (avoid is None or not b.colliderect(avoid)):
            return b
    b = boxes[0].clamp(inner) if w <= inner.w and h <= inner.h else pygame.Rect(inner.x, inner.y, w, h)
    if avoid is not None and b.colliderect(avoid):
        # beside the panel if there is room, else under it; the mouse side wins a tie
        right = pygame.Rect(avoid.right + 6, b.y, w, h)
        below = pygame.Rect(b.x, avoid.bottom + 6, w, h)
        for alt in (right, below):
            if inner.contains(alt.clamp(inner)) and not alt.clamp(inner).colliderect(avoid):
                return alt.clamp(inner)
    return b


def tooltip(m: GameMode, screen: pygame.Surface) -> None:
    """What is under the mouse: terrain, places, objectives, depots, crossings, known units."""
    h = m.marks.hover
    m.tip_box = None
    if h is None or m.modal is not None and m.modal != "result_seen" or m._drag.active:
        return
    v = m.view
    scen = v.scenario
    gm = scen.map
    i = gm.index.get(h)
    if i is None:
        return
    lines: list[tuple[str, tuple[int, int, int], bool]] = []
    terr = scen.rules.terrain[gm.terrain[i]]
    area = gm.area[i]
    head = terr.name if not area else (area if terr.name.lower() in area.lower() else f"{terr.name} — {area}")
    lines.append((head, theme.TEXT, True))
    for p in gm.places.values():
        if p.hex == h and p.kind != "border":
            lines.append((p.name, (200, 220, 255), False))
    for o in scen.objectives:
        if o.hex == h:
            own = v.control.get(o.id)
            lines.append((f"Objective: {o.name} — held by {side_name(own) if own else 'nobody'}", theme.ACCENT, False))
    for d in v.depots.values():
        if d.hex == h and d.status == "active":
            stock = f", {d.stock:.0f} t" if d.side == m.side else ""
            lines.append((f"Depot ({side_name(d.side)}){stock}", theme.TEXT, False))
    for c_edge, c in gm.crossings.items():
        if i in c_edge and c.name not in v.destroyed:
            lines.append((f"{c.kind.capitalize()}: {c.name}", (150, 200, 255), False))
    for u in m.units_at(h):
        st = scen.setup(u.id)
        sup = f", supply {u.supply * 100:.0f}%" if u.side == m.side else ""
        lines.append((f"{st.name}: {fmt_counts(u)}{sup}", theme.SIDE_TEXT.get(u.side, theme.TEXT), False))
        if m.marks.overlay == "supply" and u.side == m.side and v.notes.get(u.id):
            lines.append((f"   {v.notes[u.id]}", theme.TEXT_DIM, False))
    if h in m.marks.reach:
        lines.append((f"Move here: {m.marks.reach[h]:g} MP", theme.ACCENT, True))
    if m.marks.overlay == "air" and scen.zone_of:
        z = scen.zone_of[i]
        zname = next((a.name for a in scen.air_zones if a.id == z), z)
        lvl = v.air.get("control", {}).get(z, "none")
        lvl = {"none": "no air activity", "contested": "contested"}.get(lvl, f"{side_name(lvl)} control")
        lines.append((f"Air zone: {zname} — {lvl}", theme.TEXT, False))
    lines.append((f"hex {h[0]},{h[1]}", theme.TEXT_DIM, False))
    surfs = [fonts.text(t, 12, c, b) for t, c, b in lines]
    w = max(s.get_width() for s in surfs) + 14
    hh = sum(s.get_height() for s in surfs) + 10
    box = tip_rect(m.mouse, (w, hh), m.map_rect, m.panel_rect if m.docked else None)
    m.tip_box = box
    x, y = box.topleft
    pygame.draw.rect(screen, (18, 20, 24), box, border_radius=4)
    pygame.draw.rect(screen, theme.PANEL_EDGE, box, 1, border_radius=4)
    yy = y + 5
    for s in surfs:
        screen.blit(s, (x + 7, yy))
        yy += s.get_height()


def count_text(n: float, kind: str) -> str:
    """'1 man', '3 men', '1 tank', '2 armoured cars': a count with its noun in the right number."""
    k = round(n)
    noun = kind.replace("armored", "armoured").replace("_", " ")
    if k == 1:
        noun = {"men": "man"}.get(noun, noun[:-1] if noun.endswith("s") else noun)
    return f"{k:,} {noun}"


def card_lines(m: GameMode, c) -> list[tuple[str, int, tuple[int, int, int]]]:
    """What the result card says under its headline: the odds actually used and the roll, and for
    our own attacks how they compare with the preview (modifiers we saw, and one generic factor for
    enemy support we could not see — no unseen unit is ever named)."""
    from game.ui.game_mode import unseen_factor

    out: list[tuple[str, int, tuple[int, int, int]]] = []
    roll = ""
    if c.shift is not None:
        roll = " · roll: no shift" if c.shift == 0 else f" · roll {c.shift:+d} column{'s' if abs(c.shift) != 1 else ''}"
    out.append((f"Odds used {c.odds:.2f} : 1{roll} → {c.rolled:.2f} : 1 after the roll", 13, theme.TEXT))
    e = c.estimate
    applied = c.modifiers or (e.modifiers if e is not None else ())
    mods = [f"×{f:.2f} {n}" for n, _, f in applied if abs(f - 1) > 0.005]
    if mods:
        out.append(("Modifiers applied: " + "; ".join(mods), 12, theme.TEXT_DIM))
    if e is not None:
        f = unseen_factor(c)
        if f is not None and abs(f - 1) > 0.01:
            why = "enemy support you could not see (defensive artillery fire or hidden strength)"
            txt = f"Your preview estimated {e.odds:.2f} : 1; {why}: ×{f:.2f} on the odds"
            out.append((txt, 12, theme.BAD if f < 1 else theme.GOOD))
        else:
            out.append((f"As your preview estimated ({e.odds:.2f} : 1)", 12, theme.TEXT_DIM))
    return out


def card_rect(m: GameMode, h: int) -> pygame.Rect:
    """Where the result card stands: top centre of the map, clear of a docked panel (the air
    panel's night notice, the supply table) when there is room beside or under it."""
    mr = m.map_rect
    rect = pygame.Rect(0, 0, min(600, mr.w - 20), h)
    rect.midtop = (mr.centerx, mr.y + 50)
    avoid = m.panel_rect if m.docked else None
    if avoid is not None and rect.colliderect(avoid):
        if avoid.right + 10 + rect.w <= mr.right - 10:
            rect.left = avoid.right + 10
        elif avoid.bottom + 10 + rect.h <= mr.bottom - 10:
            rect.top = avoid.bottom + 10
    return rect


def combat_card(m: GameMode, screen: pygame.Surface) -> None:
    """The last combat's result in large print until clicked away."""
    c = m.card
    if c is None or m.modal is not None:  # queued behind a window: its time starts when it shows
        return
    if not c.shown:
        c.shown = True
        c.until = time.monotonic() + (15.0 if c.others == 0 else 20.0)
    if c.until < time.monotonic():
        m.card = None
        return
    scen = m.session.scenario
    mine = c.side == m.side
    good = c.rolled >= 1.0
    col = theme.TEXT if m.side is None else (theme.GOOD if good == mine else theme.BAD)
    width = min(600, m.map_rect.w - 20)
    extra: list[tuple[str, int, tuple[int, int, int]]] = []
    for txt, sz, tc in card_lines(m, c):
        lines = fonts.wrap(txt, sz, width - 24)
        if len(lines) > 2:  # two lines at most, the cut marked
            lines = [lines[0], fit(" ".join(lines[1:]), sz, width - 24)]
        extra += [(ln, sz, tc) for ln in lines]
    h = 8 + fonts.font(17, True).get_linesize() + sum(fonts.font(sz).get_linesize() for _, sz, _ in extra)
    h += 2 + 2 * fonts.font(13).get_linesize() + (fonts.font(12).get_linesize() if c.others else 0) + 22
    rect = card_rect(m, h)
    panel(screen, rect, None, 255)
    pygame.draw.rect(screen, col, rect, 2)
    hint = fonts.text("click or Esc to close", 11, theme.TEXT_DIM)
    screen.blit(hint, hint.get_rect(bottomright=(rect.right - 8, rect.bottom - 6)))
    who = "Your attack" if mine else f"{side_name(c.side)} attack"
    y = label(screen, f"{who} at hex {c.target[0]},{c.target[1]}: {c.result}", rect.x + 12, rect.y + 8, 17, col, True)
    for txt, sz, tc in extra:
        y = label(screen, txt, rect.x + 12, y, sz, tc)

    def loss(d: dict) -> str:
        return ", ".join(count_text(n, k) for k, n in d.items() if n) or "none"

    other = scen.other(c.side)
    y = label(
        screen,
        f"{side_name(c.side)} lost: {loss(c.attacker_losses)}",
        rect.x + 12,
        y + 2,
        13,
        theme.SIDE_TEXT.get(c.side, theme.TEXT),
    )
    y = label(
        screen, f"{side_name(other)} lost: {loss(c.defender_losses)}", rect.x + 12, y, 13, theme.SIDE_TEXT.get(other, theme.TEXT)
    )
    if c.others:
        label(
            screen,
            f"The last of {c.others + 1} attacks by the {side_name(c.side)} side this phase: all are in the message log",
            rect.x + 12,
            y,
            12,
            theme.ACCENT,
        )
    m.hits.add(rect, "card_close")


def toasts(m: GameMode, screen: pygame.Surface) -> None:
    """Stacked short messages at the bottom of the map."""
    now = time.monotonic()
    m.toasts = [t for t in m.toasts if t.until > now]
    mr = m.map_rect
    area = mr
    pr = m.panel_rect if m.docked else None
    if pr is not None and pr.colliderect(mr) and mr.right - pr.right >= 320:  # beside a docked panel, not on it
        area = pygame.Rect(pr.right + 8, mr.y, mr.right - pr.right - 16, mr.h)
    y = mr.bottom - 14
    for t in reversed(m.toasts):
        lines = fonts.wrap(t.text, 14, max(200, min(mr.w - 420, area.w - 20)))
        hh = 20 * len(lines) + 10
        y -= hh
        w = max(fonts.font(14).size(ln)[0] for ln in lines) + 20
        box = pygame.Rect(0, y, w, hh)
        box.centerx = area.centerx
        pygame.draw.rect(screen, (18, 20, 24), box, border_radius=6)
        pygame.draw.rect(screen, t.color, box, 1, border_radius=6)
        yy = y + 5
        for ln in lines:
            screen.blit(fonts.text(ln, 14, t.color), (box.x + 10, yy))
            yy += 20
        y -= 6


def legend(m: GameMode, screen: pygame.Surface) -> None:
    """What the colours of the active overlay mean."""
    ov = m.marks.overlay
    if not ov:
        return
    mr = m.map_rect
    items = {
        "supply": [
            ((70, 70, 80), "darker: beyond reach of your depots"),
            ((0, 158, 115), "unit in supply"),
            ((230, 159, 0), "unit low on supply"),
            ((204, 40, 40), "unit out of supply"),
        ],
        "air": [
            (theme.SIDE["soviet"], "/ hatching: Soviet air control"),
            (theme.SIDE["japanese"], "\\ hatching: Japanese air control"),
            ((150, 150, 150), "cross-hatching: contested"),
        ],
        "zoc": [((204, 40, 40), "enemy zone of control (moving in ends a move)")],
    }[ov]
    h = 24 + 18 * len(items)
    # top right of the map, translucent: the bottom corner is where counters and toasts are
    rect = pygame.Rect(mr.right - 330, mr.y + 8, 320, h)
    panel(screen, rect, None, 170)
    y = label(
        screen,
        {"supply": "Supply overlay", "air": "Air control this turn", "zoc": "Zones of control"}[ov],
        rect.x + 8,
        rect.y + 4,
        12,
        theme.TEXT,
        True,
    )
    for col, txt in items:
        pygame.draw.rect(screen, col, (rect.x + 10, y + 2, 14, 12))
        y = label(screen, txt, rect.x + 30, y, 12)
