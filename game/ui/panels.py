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
        txt = f"{name} — {v.scenario.rules.aircraft[au.type].name}, {role}: {au.aircraft} aircraft, {free} free"
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


def supply_panel(m: GameMode, screen: pygame.Surface) -> None:
    """Depot stocks and forecasts, railhead truck shares, front-truck shuttles, field depots."""
    if _watching(m, screen, "Supply"):
        return
    v = m.view
    side = m.side or ""
    mr = m.map_rect
    mouse = m.mouse
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
    name_w = 250
    scen_depots = {d.id for d in v.scenario.depots}

    def depot_label(d) -> str:
        where = "" if d.id in scen_depots else f" ({place_phrase(v, d.hex)})"  # a field depot: where it is
        return f"{num[d.id]}. {supply.depot_name(v, d.id)}{where}"

    names = {d.id: fonts.wrap(depot_label(d), 12, name_w - 6)[:2] for d in own}
    rows_h = sum(18 + 14 * len(names[d.id]) for d in own)
    est = 190 + rows_h + 25 * (len(others) + len(sends)) + 34 * min(len(short), 6) + 40
    rect = pygame.Rect(mr.x + 8, mr.y + 8, min(mr.w - 16, 900), min(mr.h - 16, est))
    m.panel_rect = rect
    y = panel(screen, rect, "Supply — trucks and depots", 255)
    x, w = rect.x + 12, rect.w - 24
    can_route = m.can_act and m.phase == "supply"
    was_hover, m.depot_hover = m.depot_hover, None
    if side not in v.logistics:
        y = paragraph(screen, "This side draws supply without a truck model in this scenario.", x, y, w, 13, theme.TEXT_DIM)
    else:
        rep = supply.side_report(v, side)
        alive = supply.trucks_alive(v, side)
        total, weights, got = m.railhead_shares()
        y = label(
            screen,
            f"Trucks: {alive['railhead']} on the railhead run, {alive['front']} at the front · lost {rep.get('trucks_lost', 0)}",
            x,
            y,
            13,
        )
        y = label(
            screen,
            f"Delivered last supply phase: {rep.get('delivered_turn', 0):.0f} t · in transit {rep.get('in_flight', 0):.0f} t · lost {rep.get('lost', 0):.0f} t",
            x,
            y,
            13,
        )
        y = paragraph(
            screen,
            f"The {total} railhead trucks are shared out among your depots in proportion to their weights; "
            "each convoy leaves with the trucks back at the railhead. "
            + ("Set a depot's share with the buttons." if can_route else "Shares can be changed in your supply phase."),
            x,
            y,
            w,
            12,
            theme.TEXT_DIM,
        )
        y += 4
        cols = (0, name_w, name_w + 62, name_w + 130, name_w + 190, name_w + 300)
        for cx, head in zip(cols, ("Depot", "stock", "due next", "drawn", "railhead trucks", "share")):
            screen.blit(fonts.text(head, 12, theme.TEXT_DIM, True), (x + cx, y))
        y += 18
        for d in own:
            lines = names[d.id]
            row_h = 6 + 14 * max(1, len(lines))
            dead = d.status != "active"
            col = theme.TEXT_DIM if dead else theme.TEXT
            for k, ln in enumerate(lines):
                screen.blit(fonts.text(ln, 12, col), (x, y + 3 + 14 * k))
            if dead:
                screen.blit(fonts.text("destroyed or lost", 12, theme.BAD), (x + cols[1], y + 3))
                y += row_h + 2
                continue
            f = supply.depot_forecast(v, d.id)
            n = got.get(d.id, 0)
            pct = 100 * n / total if total else 0
            for cx, val in zip(
                cols[1:], (f"{f['stock']:.0f} t", f"+{f['inbound']:.0f} t", f"−{f['last_draw']:.0f} t", f"{n} ({pct:.0f}%)")
            ):
                screen.blit(fonts.text(val, 12, theme.TEXT), (x + cx, y + 3))
            bx = x + cols[5]
            if can_route and total > 0:
                alone = len(weights) <= 1
                for op, lbl in SHARE_OPS:
                    ok = not alone and bool(m.route_actions(d.id, op))
                    button(
                        screen, m.hits, pygame.Rect(bx, y, 50, 20), lbl, f"route:{d.id}:{op}", enabled=ok, size=11, mouse=mouse
                    )
                    bx += 54
            if d.id in blow:
                key = f"supply_act:{blow[d.id]}"
                button(
                    screen,
                    m.hits,
                    pygame.Rect(rect.right - 78, y, 66, 20),
                    "blow up",
                    key,
                    active=m.armed(key),
                    size=11,
                    mouse=mouse,
                )
            y += row_h + 2
        shown = sum(got.values())
        label(screen, f"{shown} of {total} trucks shared out", x + cols[4], y, 12, theme.TEXT_DIM)
        y += 16
    if sends:
        free = v.logistics[side].front_idle if side in v.logistics else 0
        y = label(
            screen, f"Front trucks ({free} free): carry stock from one depot to another now", x, y + 4, 13, theme.TEXT_DIM, True
        )
        # in the depot table's order (1, 2, 3 …), and each row's targets too
        for src, items in sorted(sends.items(), key=lambda kv: num.get(kv[0], 999)):
            items = sorted(items, key=lambda ia: num.get(ia[1].dest, 999))
            nm = f"from {num.get(src, '?')}. {supply.depot_name(v, src)}"
            screen.blit(fonts.text(nm if len(nm) <= 50 else nm[:49] + "…", 12, theme.TEXT), (x, y + 3))
            bx = x + 360
            for i, a in items:
                button(
                    screen,
                    m.hits,
                    pygame.Rect(bx, y, 76, 20),
                    f"to {num.get(a.dest, '?')}.",
                    f"supply_act:{i}",
                    size=11,
                    mouse=mouse,
                )
                bx += 80
            y += 25
    if others:
        y = label(screen, "Other orders:", x, y + 4, 13, theme.TEXT_DIM, True)
        for i, a in others:
            if y > rect.bottom - 60:
                break
            if isinstance(a, RouteTrucks):
                txt = f"Send {a.trucks} front trucks with stock from {supply.depot_name(v, a.source)} to {supply.depot_name(v, a.dest)}"
            elif isinstance(a, OpenDepot):
                here = [v.scenario.setup(u.id).name for u in m.units_at(a.hex) if u.side == side]
                txt = f"Open a field depot under {here[0] if here else 'your unit'}, {place_phrase(v, a.hex)}"
            else:
                txt = str(a)
            key = f"supply_act:{i}"
            r = pygame.Rect(x, y, w, 22)
            if isinstance(a, OpenDepot) and r.collidepoint(mouse):
                if was_hover != a.hex:
                    _bring_into_view(m, a.hex, rect)
                m.depot_hover = a.hex  # outlined on the map while the mouse is on the offer
            button(screen, m.hits, r, txt, key, active=m.armed(key), size=12, mouse=mouse, left=True)
            y += 25
    y += 6
    y = label(screen, f"Units short of supply: {len(short)}", x, y, 13, theme.WARN if short else theme.GOOD, True)
    for u in short:
        if y > rect.bottom - 34:
            break
        note = v.notes.get(u.id, "")
        y = paragraph(
            screen, f"{v.scenario.setup(u.id).name}: {u.supply * 100:.0f}% — {note}", x, y, w, 12, theme.TEXT, rect.bottom - 6
        )


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
