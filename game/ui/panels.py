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
from game.ui.widgets import button, label, panel, paragraph


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


def air_panel(m: GameMode, screen: pygame.Surface) -> None:
    """Missions for each air unit: pick unit, mission, zone (or airfield) and aircraft, then Assign."""
    if _watching(m, screen, "Air operations"):
        return
    v = m.view
    mr = m.map_rect
    units = m.air_units()
    p = m.airpick
    est = 150 + 27 * len(units) + 17 * len(v.air_orders.get(m.side or "", []))
    if p.unit and m.can_act:
        est += 110 + 25 * len(m.air_choices(p.unit)[1])
    rect = pygame.Rect(mr.x + 8, mr.y + 8, 560, min(mr.h - 16, est))
    m.panel_rect = rect
    y = panel(screen, rect, "Air operations — missions for this turn")
    x = rect.x + 12
    w = rect.w - 24
    mouse = m.mouse
    if v.night:
        paragraph(screen, "Night: no flying this turn.", x, y, w, 14, theme.TEXT_DIM)
        return
    ctrl = v.air.get("control", {})
    y = paragraph(
        screen,
        "Fighters fly superiority over a zone; bombers ground support, interdiction of convoys or airfield strikes. "
        "The enemy cannot see your orders. Results come when both sides end the phase.",
        x,
        y,
        w,
        12,
        theme.TEXT_DIM,
    )
    y += 4
    if not units:
        label(screen, "You have no air units in this scenario.", x, y, 14)
        return
    for au in units:
        free = air.available(v, au)
        name = next((a.name for a in v.scenario.air_units if a.id == au.id), au.id)
        role = air.role(v, au)
        txt = f"{name} — {v.scenario.rules.aircraft[au.type].name}, {role}: {au.aircraft} aircraft, {free} free"
        button(
            screen,
            m.hits,
            pygame.Rect(x, y, w, 24),
            txt,
            f"air_unit:{au.id}",
            enabled=free > 0 and m.can_act,
            active=p.unit == au.id,
            size=12,
            mouse=mouse,
            left=True,
        )
        y += 27
        if y > rect.bottom - 200:
            break
    y += 4
    if p.unit and m.can_act:
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
    orders = v.air_orders.get(m.side or "", [])
    if orders and y < rect.bottom - 30:
        y = label(screen, "Orders given this turn:", x, y, 13, theme.TEXT_DIM, True)
        names = {a.id: a.name for a in v.scenario.air_units}
        zn = {z.id: z.name for z in v.scenario.air_zones} | {f.id: f.name for f in v.scenario.airfields.values()}
        for o in orders:
            if y > rect.bottom - 18:
                break
            y = label(
                screen,
                f"{names.get(o['unit'], o['unit'])}: {o['aircraft']} on {o['mission'].replace('_', ' ')} over {zn.get(o['target'], o['target'])}",
                x,
                y,
                12,
            )


def supply_panel(m: GameMode, screen: pygame.Surface) -> None:
    """Depot stocks and forecasts, railhead truck routes, front-truck shuttles, field depots."""
    if _watching(m, screen, "Supply"):
        return
    v = m.view
    side = m.side or ""
    mr = m.map_rect
    mouse = m.mouse
    acts = m.indexed_actions() if m.phase == "supply" else []
    by_depot: dict[str, list[tuple[int, object]]] = {}
    sends: dict[str, list[tuple[int, RouteTrucks]]] = {}
    others: list[tuple[int, object]] = []
    for i, a in enumerate(acts):
        if isinstance(a, RouteTrucks) and a.source == "railhead":
            by_depot.setdefault(a.dest, []).append((i, a))
        elif isinstance(a, DestroyDepot):
            by_depot.setdefault(a.depot, []).append((i, a))
        elif isinstance(a, RouteTrucks):
            sends.setdefault(a.source, []).append((i, a))
        else:
            others.append((i, a))
    own = sorted((d for d in v.depots.values() if d.side == side), key=lambda d: d.id)
    num = {d.id: k + 1 for k, d in enumerate(own)}
    short = [u for u in v.units.values() if u.side == side and u.status == ACTIVE and supply_flag(v, u)]
    est = 150 + 24 * len(own) + 25 * (len(others) + len(sends)) + 34 * min(len(short), 6) + 40
    rect = pygame.Rect(mr.x + 8, mr.y + 8, min(mr.w - 16, 780), min(mr.h - 16, est))
    m.panel_rect = rect
    y = panel(screen, rect, "Supply — trucks and depots")
    x, w = rect.x + 12, rect.w - 24
    if side not in v.logistics:
        y = paragraph(screen, "This side draws supply without a truck model in this scenario.", x, y, w, 13, theme.TEXT_DIM)
    else:
        rep = supply.side_report(v, side)
        alive = supply.trucks_alive(v, side)
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
        y += 4
        cols = (0, 260, 320, 392, 450)
        for cx, head in zip(cols, ("Depot", "stock", "due next", "drawn", "railhead trucks (click to set)")):
            screen.blit(fonts.text(head, 12, theme.TEXT_DIM, True), (x + cx, y))
        y += 18
        routes = v.logistics[side].routes
        for d in own:
            f = supply.depot_forecast(v, d.id)
            nm = f"{num[d.id]}. {supply.depot_name(v, d.id)}"
            nm = nm if len(nm) <= 36 else nm[:35] + "…"
            status = "" if d.status == "active" else " (destroyed)"
            screen.blit(fonts.text(nm + status, 12, theme.TEXT), (x, y + 3))
            for cx, val in zip(
                cols[1:], (f"{f['stock']:.0f} t", f"+{f['inbound']:.0f} t", f"−{f['last_draw']:.0f} t", str(routes.get(d.id, 0)))
            ):
                screen.blit(fonts.text(val, 12, theme.TEXT), (x + cx, y + 3))
            bx = x + cols[4] + 40
            for i, a in by_depot.get(d.id, []):
                key = f"supply_act:{i}"
                if isinstance(a, RouteTrucks):
                    button(screen, m.hits, pygame.Rect(bx, y, 48, 20), str(a.trucks), key, size=11, mouse=mouse)
                    bx += 52
                else:
                    button(
                        screen,
                        m.hits,
                        pygame.Rect(rect.right - 78, y, 66, 20),
                        "blow up",
                        key,
                        active=m.confirm == key,
                        size=11,
                        mouse=mouse,
                    )
            y += 24
    if sends:
        free = v.logistics[side].front_idle if side in v.logistics else 0
        y = label(
            screen, f"Front trucks ({free} free): carry stock from one depot to another now", x, y + 4, 13, theme.TEXT_DIM, True
        )
        for src, items in sends.items():
            nm = f"from {num.get(src, '?')}. {supply.depot_name(v, src)}"
            screen.blit(fonts.text(nm if len(nm) <= 44 else nm[:43] + "…", 12, theme.TEXT), (x, y + 3))
            bx = x + 330
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
                here = ", ".join(v.scenario.setup(u.id).name for u in m.units_at(a.hex) if u.side == side)[:60]
                txt = f"Open a field depot at {a.hex[0]},{a.hex[1]} ({here})"
            else:
                txt = str(a)
            key = f"supply_act:{i}"
            button(screen, m.hits, pygame.Rect(x, y, w, 22), txt, key, active=m.confirm == key, size=12, mouse=mouse, left=True)
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
            active=m.confirm == key,
            size=12,
            mouse=m.mouse,
        )
        y += 26
