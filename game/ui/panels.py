"""Docked panels that leave the map usable: air orders, trucks and depots, and the bridges a
unit could blow in the combat phase. They list the engine's legal choices as buttons."""

from __future__ import annotations

import pygame

from game.actions import DestroyCrossing, DestroyDepot, OpenDepot, RouteTrucks
from game.rules import air, supply
from game.state import ACTIVE
from game.ui import fonts, theme
from game.ui.game_mode import GameMode
from game.ui.mapview import supply_flag
from game.ui.widgets import button, fit, label, panel, paragraph


def _watching(m: GameMode, screen: pygame.Surface, title: str) -> bool:
    """AI against AI: there are no orders to give, say so instead of an empty panel."""
    if m.side is not None:
        return False
    mr = m.map_rect
    rect = pygame.Rect(mr.x + 8, mr.y + 8, 460, 80)
    m.panel_rect = rect
    y = panel(screen, rect, title)
    paragraph(
        screen,
        "You are watching the computer play both sides: nothing to order here.",
        rect.x + 12,
        y,
        rect.w - 24,
        13,
        theme.TEXT_DIM,
    )
    return True


AIR_NOTE = (
    "Fighters fly superiority over a zone; bombers ground support, interdiction of convoys or airfield strikes. "
    "The enemy cannot see your orders; results come when both sides end the phase. Orders last this turn "
    "only: give them again every day. Until you end the phase, Withdraw takes an order back and frees its aircraft."
)


def air_panel(m: GameMode, screen: pygame.Surface) -> None:
    """Missions for each air unit: pick unit, mission, zone (or airfield) and aircraft, then Assign.
    The list of air units scrolls with the wheel when it does not fit."""
    if _watching(m, screen, "Air operations"):
        return
    v = m.view
    mr = m.map_rect
    units = m.air_units()
    p = m.airpick
    mouse = m.mouse
    if v.night:
        rect = pygame.Rect(mr.x + 8, mr.y + 8, 420, 74)
        m.panel_rect = rect
        y = panel(screen, rect, "Air operations", 255)
        paragraph(
            screen, "Night: no flying this turn. Orders open again at dawn.", rect.x + 12, y, rect.w - 24, 13, theme.TEXT_DIM
        )
        return
    orders = air.order_groups(v.air_orders.get(m.side or "", []))
    closed = m.air_closed()  # why no order can be given now (None: they can)
    can = closed is None
    choices = m.air_choices(p.unit)[1] if p.unit and can else []
    picker_h = (72 + 25 * len(choices)) if p.unit and can else 0
    head_h = 50 + 16 * len(fonts.wrap(AIR_NOTE, 12, 536)) + (18 if closed else 26)
    want = head_h + 25 * max(1, len(units)) + 8 + picker_h + (20 + ORDER_ROW * len(orders) if orders else 0) + 10
    rect = pygame.Rect(mr.x + 8, mr.y + 8, 560, min(mr.h - 16, want))
    m.panel_rect = rect
    y = panel(screen, rect, "Air operations — missions for this turn", 255)
    x = rect.x + 12
    w = rect.w - 24
    ctrl = v.air.get("control", {})
    y = paragraph(screen, AIR_NOTE, x, y, w, 12, theme.TEXT_DIM) + 4
    if closed:
        y = paragraph(screen, closed + " — the list below is for reading only.", x, y, w, 13, theme.WARN) + 2
    elif units:
        again = m.repeat_air_orders()
        n_last = len(m.last_air_orders())
        txt = f"Repeat last turn's orders ({len(again)} of {n_last})" if n_last else "Repeat last turn's orders (none yet)"
        button(screen, m.hits, pygame.Rect(x, y, 300, 22), txt, "air_repeat", enabled=bool(again), size=12, mouse=mouse)
        y += 26
    if not units:
        label(screen, "You have no air units in this scenario.", x, y, 14)
        return
    # the unit list gets what the picker and the orders leave, at least three rows
    room = rect.bottom - y - picker_h - (20 + ORDER_ROW * min(len(orders), 4) if orders else 0) - 10
    rows = max(3, min(len(units), room // 25))
    top = max(0, min(m.scroll, len(units) - rows))
    m.scroll = top
    if len(units) > rows:
        label(screen, f"Air units {top + 1}–{top + rows} of {len(units)} (wheel to scroll)", x, y, 12, theme.ACCENT)
        y += 16
    for au in units[top : top + rows]:
        free = air.available(v, au)
        name = next((a.name for a in v.scenario.air_units if a.id == au.id), au.id)
        role = air.role(v, au)
        tail = f" — {v.scenario.rules.aircraft[au.type].name}, {role}: {au.aircraft} aircraft, {free} free"
        # a long name is cut, never the numbers, and the row keeps the list's font size
        txt = fit(name, 12, max(60, w - 16 - fonts.font(12, p.unit == au.id).size(tail)[0]), p.unit == au.id) + tail
        button(
            screen,
            m.hits,
            pygame.Rect(x, y, w, 22),
            txt,
            f"air_unit:{au.id}",
            enabled=free > 0 and can,
            active=p.unit == au.id,
            size=12,
            mouse=mouse,
            left=True,
        )
        y += 25
    y += 4
    if p.unit and can:
        missions, targets = m.air_choices(p.unit)
        label(screen, "Mission:", x, y + 3, 13, theme.TEXT_DIM)
        bx = x + 70
        for mi in missions:
            bw = 130
            button(
                screen,
                m.hits,
                pygame.Rect(bx, y, bw, 24),
                mi.replace("_", " "),
                f"air_mission:{mi}",
                active=p.mission == mi,
                size=12,
                mouse=mouse,
            )
            bx += bw + 4
        y += 30
        label(screen, "Over:", x, y + 3, 13, theme.TEXT_DIM)
        for tid, tname in targets:
            lvl = ctrl.get(tid)
            button(
                screen,
                m.hits,
                pygame.Rect(x + 70, y, w - 70, 22),
                tname + (f"  [{lvl}]" if lvl and lvl != "none" else ""),
                f"air_target:{tid}",
                active=p.target == tid,
                size=12,
                mouse=mouse,
                left=True,
            )
            y += 25
        y += 4
        label(screen, "Aircraft:", x, y + 3, 13, theme.TEXT_DIM)
        button(screen, m.hits, pygame.Rect(x + 70, y, 40, 24), "−5", "air_count:-5", size=12, mouse=mouse)
        button(screen, m.hits, pygame.Rect(x + 114, y, 34, 24), "−", "air_count:-1", size=12, mouse=mouse)
        label(screen, str(p.count), x + 160, y + 3, 15, theme.TEXT, True)
        button(screen, m.hits, pygame.Rect(x + 200, y, 34, 24), "+", "air_count:1", size=12, mouse=mouse)
        button(screen, m.hits, pygame.Rect(x + 238, y, 40, 24), "+5", "air_count:5", size=12, mouse=mouse)
        button(
            screen,
            m.hits,
            pygame.Rect(x + w - 150, y, 150, 26),
            "Assign",
            "air_assign",
            enabled=p.count > 0,
            size=14,
            mouse=mouse,
        )
        y += 34
    if orders and y < rect.bottom - 30:
        final = " (final: the phase is over for you)" if not can else " — Withdraw frees the aircraft"
        y = label(screen, "Orders given this turn" + final, x, y, 13, theme.TEXT_DIM, True) + 2
        names = {a.id: a.name for a in v.scenario.air_units}
        zn = {z.id: z.name for z in v.scenario.air_zones} | {f.id: f.name for f in v.scenario.airfields.values()}
        for o in orders:
            if y > rect.bottom - ORDER_ROW:
                label(screen, "…", x, y - 6, 12)
                break
            text = (
                f"{names.get(o['unit'], o['unit'])}: {o['aircraft']} on {o['mission'].replace('_', ' ')} "
                f"over {zn.get(o['target'], o['target'])}"
            )
            bw = 92 if can else 0
            label(screen, fit(text, 12, w - bw - 8), x, y + 4, 12)
            if can:
                button(
                    screen,
                    m.hits,
                    pygame.Rect(x + w - bw, y, bw, 22),
                    "Withdraw",
                    f"air_withdraw:{o['unit']}|{o['mission']}|{o['target']}",
                    size=12,
                    mouse=mouse,
                )
            y += ORDER_ROW


ORDER_ROW = 26


def depot_order(v, side: str) -> list:
    """The side's depots in a stable order: the scenario's first, in its order, then the field
    depots in the order they were opened (their numbers). Lost ones keep their place."""
    scen_ids = [d.id for d in v.scenario.depots]

    def key(d) -> tuple:
        if d.id in scen_ids:
            return (0, scen_ids.index(d.id), "")
        n = d.id.rpartition("_")[2]
        return (1, int(n) if n.isdigit() else 10**6, d.id)

    return sorted((d for d in v.depots.values() if d.side == side), key=key)


COMPASS = ("E", "SE", "S", "SW", "W", "NW", "N", "NE")


def place_phrase(v, h) -> str:
    """Where a hex is in words: '3 km NE of Khamar-Daba' from the nearest named place."""
    import math

    from game.hexgrid import distance
    from game.ui.camera import layout_for

    gm = v.scenario.map
    places = [p for p in gm.places.values() if p.kind != "border"]
    if not places:
        return f"hex {h[0]},{h[1]}"
    p = min(places, key=lambda p: (distance(p.hex, h), p.name))
    d = distance(p.hex, h)
    if d == 0:
        return f"at {p.name}"
    lay = layout_for(10)
    (x0, y0), (x1, y1) = lay.hex_to_point(p.hex), lay.hex_to_point(h)
    ang = math.degrees(math.atan2(y1 - y0, x1 - x0)) % 360  # screen y points south
    direction = COMPASS[int((ang + 22.5) // 45) % 8]
    return f"{d * gm.hex_km:.0f} km {direction} of {p.name}"


SHARE_OPS = (("none", "none"), ("less", "−10%"), ("more", "+10%"), ("all", "all"))
SCROLL_PX = 8  # one step of ``m.scroll`` in a scrolled panel (the wheel moves three)


class _Sheet:
    """Draws a panel's content shifted by its scroll and clipped to its visible part; a button is
    drawn (and clickable) only when all of it is in view. Without a screen it only measures, so
    a panel can size itself from its content before drawing it."""

    def __init__(self, screen: pygame.Surface | None, m: GameMode | None, view: pygame.Rect, off: int = 0) -> None:
        self.screen, self.m, self.view, self.off = screen, m, view, off

    def shown(self, r: pygame.Rect) -> pygame.Rect | None:
        """Where a content rect is on screen, or None when any of it is out of view."""
        r = r.move(0, -self.off)
        return r if self.screen is not None and self.view.contains(r) else None

    def text(self, s: str, size: int, color, x: int, y: int, bold: bool = False) -> None:
        if self.screen is None:
            return
        t = fonts.text(s, size, color, bold)
        r = t.get_rect(topleft=(x, y - self.off))
        if r.colliderect(self.view):
            prev = self.screen.get_clip()
            self.screen.set_clip(self.view)
            self.screen.blit(t, r)
            self.screen.set_clip(prev)

    def label(self, s: str, x: int, y: int, size: int = 14, color=theme.TEXT, bold: bool = False) -> int:
        self.text(s, size, color, x, y, bold)
        return y + fonts.font(size, bold).get_linesize() + 2

    def paragraph(self, s: str, x: int, y: int, width: int, size: int = 14, color=theme.TEXT) -> int:
        lh = fonts.font(size).get_linesize()
        for line in fonts.wrap(s, size, width):
            self.text(line, size, color, x, y)
            y += lh
        return y

    def button(self, r: pygame.Rect, label_: str, key: str, **kw) -> pygame.Rect | None:
        at = self.shown(r)
        if at is not None and self.m is not None:
            button(self.screen, self.m.hits, at, label_, key, mouse=self.m.mouse, **kw)
        return at


def _scrolled(m: GameMode, screen: pygame.Surface, rect: pygame.Rect, top: int, body) -> None:
    """Draw ``body(sheet, y) -> y_end`` from ``top`` down in ``rect``; when it is taller than the
    room, it scrolls with the wheel (``m.scroll``) and says there is more above or below."""
    end = body(_Sheet(None, None, rect), top)
    room = pygame.Rect(rect.x + 1, top, rect.w - 2, rect.bottom - 6 - top)
    if end <= room.bottom:
        m.scroll = 0
        body(_Sheet(screen, m, room), top)
        return
    cue_h = 18
    room.h -= cue_h  # the "more below" line keeps its own strip
    steps = -(-(end - room.bottom + 4) // SCROLL_PX)
    m.scroll = max(0, min(m.scroll, steps))
    off = m.scroll * SCROLL_PX
    body(_Sheet(screen, m, room, off), top)
    below = m.scroll < steps
    cue = pygame.Rect(rect.x + 1, room.bottom, rect.w - 2, cue_h + 4)
    pygame.draw.rect(screen, theme.PANEL, cue)
    pygame.draw.line(screen, theme.PANEL_EDGE, cue.topleft, cue.topright)
    # at the two ends of the strip: the middle is where the phase banner stands over the map
    t = fonts.text("▼ more below" if below else "end of the list", 12, theme.ACCENT if below else theme.TEXT_DIM, True)
    screen.blit(t, t.get_rect(midleft=(rect.x + 12, cue.y + cue_h // 2 + 1)))
    t = fonts.text(("▲ more above · " if m.scroll else "") + "wheel to scroll", 12, theme.TEXT_DIM, True)
    screen.blit(t, t.get_rect(midright=(rect.right - 12, cue.y + cue_h // 2 + 1)))
    if m.scroll:  # a thin mark at the top edge: the list goes on above
        pygame.draw.line(screen, theme.ACCENT, (rect.x + 12, top - 2), (rect.right - 12, top - 2), 2)


NUM_COLS = (("stock", 56), ("due next", 74), ("drawn", 58), ("railhead trucks", 120))
SHARE_W, BLOW_W = 48, 66


def supply_panel(m: GameMode, screen: pygame.Surface) -> None:
    """Depot stocks and forecasts, railhead truck shares, front-truck shuttles, field depots.
    Laid out to the panel's width (a depot's buttons go under it when a row is too narrow); the
    whole content scrolls with the wheel when it is taller than the window leaves room for."""
    if _watching(m, screen, "Supply"):
        return
    v = m.view
    side = m.side or ""
    mr = m.map_rect
    acts = m.indexed_actions() if m.phase == "supply" else []
    blow: dict[str, int] = {}
    sends: dict[str, list[tuple[int, RouteTrucks]]] = {}
    others: list[tuple[int, object]] = []
    for i, a in enumerate(acts):
        if isinstance(a, RouteTrucks) and a.source == "railhead":
            continue  # the share buttons stand for these (same orders, finer steps)
        if isinstance(a, DestroyDepot):
            blow[a.depot] = i
        elif isinstance(a, RouteTrucks):
            sends.setdefault(a.source, []).append((i, a))
        else:
            others.append((i, a))
    own = depot_order(v, side)
    num = {d.id: k + 1 for k, d in enumerate(own)}
    short = [u for u in v.units.values() if u.side == side and u.status == ACTIVE and supply_flag(v, u)]
    scen_depots = {d.id for d in v.scenario.depots}
    rect = pygame.Rect(mr.x + 8, mr.y + 8, min(mr.w - 16, 900), mr.h - 16)
    x, w = rect.x + 12, rect.w - 24
    can_route = m.can_act and m.phase == "supply"
    was_hover, m.depot_hover = m.depot_hover, None
    has_trucks = side in v.logistics
    total, weights, got = m.railhead_shares() if has_trucks else (0, {}, {})
    sharing = can_route and total > 0
    num_w = sum(cw for _, cw in NUM_COLS)
    btn_w = (4 * (SHARE_W + 4) if sharing else 0) + (BLOW_W + 10 if blow else 0)
    wide = w - num_w - btn_w >= 220  # one line a depot; else its buttons go on a line of their own
    name_w = min(300, w - num_w - (btn_w if wide else 0)) - 6

    def depot_label(d) -> str:
        where = "" if d.id in scen_depots else f" ({place_phrase(v, d.hex)})"  # a field depot: where it is
        return f"{num[d.id]}. {supply.depot_name(v, d.id)}{where}"

    def two_lines(d) -> list[str]:
        lines = fonts.wrap(depot_label(d), 12, name_w)
        return lines if len(lines) <= 2 else [lines[0], fit(" ".join(lines[1:]), 12, name_w)]

    names = {d.id: two_lines(d) for d in own}

    def body(sh: _Sheet, y: int) -> int:
        if not has_trucks:
            y = sh.paragraph("This side draws supply without a truck model in this scenario.", x, y, w, 13, theme.TEXT_DIM)
        else:
            y = _depot_table(m, sh, x, y, w, own, names, name_w, blow, wide, sharing, (total, weights, got))
        if sends:
            y = _front_grid(m, v, sh, x, y, w, side, sends, num)
        if others:
            y = _offers(m, v, sh, x, y, w, side, others, rect, was_hover)
        y += 6
        y = sh.label(f"Units short of supply: {len(short)}", x, y, 13, theme.WARN if short else theme.GOOD, True)
        for u in short:
            note = v.notes.get(u.id, "")
            y = sh.paragraph(f"{v.scenario.setup(u.id).name}: {u.supply * 100:.0f}% — {note}", x, y, w, 12, theme.TEXT)
        return y + 4

    head = fonts.font(18, True).get_linesize() + 16
    want = head + body(_Sheet(None, None, rect), rect.y + head) - (rect.y + head) + 8
    rect.h = min(rect.h, want)
    m.panel_rect = rect
    y = panel(screen, rect, "Supply — trucks and depots", 255)
    _scrolled(m, screen, rect, y, body)


def _depot_table(m, sh: _Sheet, x, y, w, own, names, name_w, blow, wide, sharing, shares) -> int:
    v = m.view
    side = m.side or ""
    total, weights, got = shares
    rep = supply.side_report(v, side)
    alive = supply.trucks_alive(v, side)
    y = sh.label(
        f"Trucks: {alive['railhead']} on the railhead run, {alive['front']} at the front · lost {rep.get('trucks_lost', 0)}",
        x,
        y,
        13,
    )
    y = sh.paragraph(
        f"Delivered last supply phase: {rep.get('delivered_turn', 0):.0f} t · in transit {rep.get('in_flight', 0):.0f} t "
        f"· lost {rep.get('lost', 0):.0f} t",
        x,
        y,
        w,
        13,
    )
    y = sh.paragraph(
        f"The {total} railhead trucks are shared out among your depots in proportion to their weights; "
        "each convoy leaves with the trucks back at the railhead. "
        + ("Set a depot's share with the buttons." if sharing else "Shares can be changed in your supply phase."),
        x,
        y,
        w,
        12,
        theme.TEXT_DIM,
    )
    y += 4
    num_x = x + name_w + 6
    cols = [num_x]
    for _, cw in NUM_COLS[:-1]:
        cols.append(cols[-1] + cw)
    share_x = cols[-1] + NUM_COLS[-1][1] if wide else x + 16
    heads = [("Depot", x)] + [(h, cx) for (h, _), cx in zip(NUM_COLS, cols)]
    if sharing and wide:
        heads.append(("share", share_x))  # no empty header when there are no share buttons
    for h, hx in heads:
        sh.text(h, 12, theme.TEXT_DIM, hx, y, True)
    y += 18
    for d in own:
        lines = names[d.id]
        row_h = 6 + 14 * max(1, len(lines))
        dead = d.status != "active"
        col = theme.TEXT_DIM if dead else theme.TEXT
        for k, ln in enumerate(lines):
            sh.text(ln, 12, col, x, y + 3 + 14 * k)
        if dead:
            sh.text("destroyed or lost", 12, theme.BAD, cols[0], y + 3)
            y += row_h + 2
            continue
        f = supply.depot_forecast(v, d.id)
        n = got.get(d.id, 0)
        pct = 100 * n / total if total else 0
        vals = (f"{f['stock']:.0f} t", f"+{f['inbound']:.0f} t", f"−{f['last_draw']:.0f} t", f"{n} ({pct:.0f}%)")
        for cx, val in zip(cols, vals):
            sh.text(val, 12, theme.TEXT, cx, y + 3)
        by = y
        if not wide and (sharing or d.id in blow):
            by = y + row_h  # the buttons' own line under the depot's name
            row_h += 24
        bx = share_x
        if sharing:
            if not wide:
                sh.text("share:", 11, theme.TEXT_DIM, bx, by + 3)
                bx += 42
            alone = len(weights) <= 1
            for op, lbl in SHARE_OPS:
                ok = not alone and bool(m.route_actions(d.id, op))
                sh.button(pygame.Rect(bx, by, SHARE_W, 20), lbl, f"route:{d.id}:{op}", enabled=ok, size=11)
                bx += SHARE_W + 4
        if d.id in blow:
            key = f"supply_act:{blow[d.id]}"
            bx = max(bx + 16, x + w - BLOW_W)  # apart from the share buttons: two clicks destroy the dump
            sh.button(pygame.Rect(bx, by, BLOW_W, 20), "blow up", key, active=m.armed(key), size=11)
        y += row_h + 2
    shown = sum(got.values())
    y = sh.label(f"{shown} of {total} trucks shared out", cols[-1] if wide else x, y, 12, theme.TEXT_DIM)
    return y


def _front_grid(m, v, sh: _Sheet, x, y, w, side, sends, num) -> int:
    """One row per depot the front trucks can carry from, its "to N." buttons in columns by the
    destination's number (a gap on its own), wrapped onto more lines when the panel is narrow."""
    free = v.logistics[side].front_idle if side in v.logistics else 0
    y = sh.paragraph(f"Front trucks ({free} free): carry stock from one depot to another now", x, y + 4, w, 13, theme.TEXT_DIM)
    dests = sorted({num.get(a.dest, 999) for items in sends.values() for _, a in items})
    cw = max(42, max(fonts.font(11).size(f"to {n}.")[0] for n in dests) + 12)
    step = cw + 4
    label_w = max(150, min(260, w - step * len(dests)))
    per_line = max(1, (w - label_w) // step)
    for src, items in sorted(sends.items(), key=lambda kv: num.get(kv[0], 999)):
        at = {num.get(a.dest, 999): i for i, a in items}
        nm = fit(f"from {num.get(src, '?')}. {supply.depot_name(v, src)}", 12, label_w - 8)
        sh.text(nm, 12, theme.TEXT, x, y + 3)
        for k, n in enumerate(dests):
            if n not in at:
                continue
            r = pygame.Rect(x + label_w + step * (k % per_line), y + 24 * (k // per_line), cw, 20)
            sh.button(r, f"to {n}.", f"supply_act:{at[n]}", size=11)
        y += 24 * (-(-len(dests) // per_line)) + 2
    return y


def _offers(m, v, sh: _Sheet, x, y, w, side, others, rect, was_hover) -> int:
    """Every other legal order (field depots to open, …), each on a button of its own."""
    y = sh.label("Other orders:", x, y + 4, 13, theme.TEXT_DIM, True)
    for i, a in others:
        if isinstance(a, RouteTrucks):
            txt = (
                f"Send {a.trucks} front trucks with stock from {supply.depot_name(v, a.source)} to {supply.depot_name(v, a.dest)}"
            )
        elif isinstance(a, OpenDepot):
            here = [v.scenario.setup(u.id).name for u in m.units_at(a.hex) if u.side == side]
            txt = f"Open a field depot under {here[0] if here else 'your unit'}, {place_phrase(v, a.hex)}"
        else:
            txt = str(a)
        key = f"supply_act:{i}"
        r = pygame.Rect(x, y, w, 22)
        at = sh.shown(r)
        if at is not None and isinstance(a, OpenDepot) and at.collidepoint(m.mouse):
            if was_hover != a.hex:
                _bring_into_view(m, a.hex, rect)
            m.depot_hover = a.hex  # outlined on the map while the mouse is on the offer
        sh.button(r, fit(txt, 12, w - 16), key, active=m.armed(key), size=12, left=True)
        y += 25
    return y


def _bring_into_view(m: GameMode, h, covered: pygame.Rect) -> None:
    """Pan so that a hex the panel points at is in sight beside the panel (not under it)."""
    mr = m.map_rect
    x, y = m.cam.hex_center(h)
    x, y = x + mr.x, y + mr.y
    if mr.collidepoint(x, y) and not covered.inflate(8, 8).collidepoint(x, y):
        return
    free = pygame.Rect(covered.right, mr.y, max(40, mr.right - covered.right), mr.h)
    m.cam.pan(x - free.centerx, y - free.centery)


def combat_extras(m: GameMode, screen: pygame.Surface) -> None:
    """Bridges a unit could blow, listed under the map in the combat phase."""
    if m.phase != "combat" or not m.can_act or m.modal:
        return
    acts = [a for a in m.indexed_actions() if isinstance(a, DestroyCrossing)]
    if not acts:
        return
    mr = m.map_rect
    y = mr.bottom - 10 - 26 * len(acts)
    for i, a in enumerate(acts):
        key = f"combat_act:{i}"
        button(
            screen,
            m.hits,
            pygame.Rect(mr.x + 10, y, 330, 22),
            f"Blow up {a.crossing} (click twice)",
            key,
            active=m.armed(key),
            size=12,
            mouse=m.mouse,
        )
        y += 26
