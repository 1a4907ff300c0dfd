"""Modal windows over the map: the odds preview, timeline pop-ups, sources and conflicts, help,
the game menu and the graded result."""

from __future__ import annotations

import pygame

from game.engine import outcome
from game.rules import combat
from game.state import COUNTS
from game.ui import fonts, theme
from game.ui.game_mode import GameMode, men
from game.ui.widgets import bar, button, fit, fmt_counts, label, panel, paragraph, side_name


def _center_rect(m: GameMode, w: int, h: int) -> pygame.Rect:
    mr = m.map_rect
    r = pygame.Rect(0, 0, min(w, mr.w - 20), min(h, mr.h - 20))
    r.center = mr.center
    return r


def _dim(screen: pygame.Surface, rect: pygame.Rect) -> None:
    s = pygame.Surface(rect.size, pygame.SRCALPHA)
    s.fill((0, 0, 0, 110))
    screen.blit(s, rect.topleft)


def attack_modal(m: GameMode, screen: pygame.Surface) -> None:
    """The odds preview: pick attackers, see outcomes, expected losses and modifiers, then commit."""
    a = m.attack
    if a is None:
        m.modal = None
        return
    v = m.view
    scen = v.scenario
    rect = m.preview_rect()  # beside the target: the camera put it in the open strip
    y = panel(screen, rect, f"Attack hex {a.target[0]},{a.target[1]} — odds preview", 255)
    x, w = rect.x + 14, rect.w - 28
    mouse = m.mouse
    defenders = [u for u in m.units_at(a.target) if u.side != m.side]
    y = label(
        screen,
        fit("Defenders: " + "; ".join(f"{scen.setup(u.id).name} ({fmt_counts(u)})" for u in defenders), 12, w),
        x,
        y,
        12,
        theme.SIDE_TEXT.get(scen.other(m.side or ""), theme.TEXT),
    )
    every = a.chosen == set(a.candidates)
    if every and a.picked == a.chosen:
        all_lbl, can = "All that can attack are in (adjacent + artillery in range)", False
    elif every:
        all_lbl, can = "Back to the units you picked", True
    else:
        all_lbl, can = "All adjacent units + artillery in range", True
    yours = "Your units (click to include or leave out):"
    aw = min(w, fonts.font(11).size(all_lbl)[0] + 20)
    y += 4
    if fonts.font(12).size(yours)[0] + 12 + aw <= w:  # side by side when both fit, else one under the other
        button(screen, m.hits, pygame.Rect(x + w - aw, y - 2, aw, 20), all_lbl, "attack_all", enabled=can, size=11, mouse=mouse)
        label(screen, yours, x, y, 12, theme.TEXT_DIM)
        y += 22
    else:
        y = label(screen, yours, x, y, 12, theme.TEXT_DIM)
        button(screen, m.hits, pygame.Rect(x, y, aw, 20), all_lbl, "attack_all", enabled=can, size=11, mouse=mouse)
        y += 24
    for k, uid in enumerate(a.candidates):
        u = v.units.get(uid)
        if u is None:
            continue
        if y > rect.y + 230 and k < len(a.candidates) - 1:
            rest = len(a.candidates) - k
            y = label(screen, f"… and {rest} more (All adjacent units takes them in)", x, y, 11, theme.TEXT_DIM)
            break
        on = uid in a.chosen
        art = combat.is_artillery(v, u)
        txt = f"[{'x' if on else ' '}] {scen.setup(uid).name} — {fmt_counts(u)}{' (artillery, fires from range)' if art else ''}"
        button(screen, m.hits, pygame.Rect(x, y, w, 22), txt, f"toggle_att:{uid}", active=on, size=12, mouse=mouse, left=True)
        y += 24
    y += 6
    p = a.preview
    if p is None:
        y = paragraph(screen, a.error or "", x, y, w, 14, theme.BAD)
    else:
        est = f"Estimated: attack {p.attack:,.0f} vs defence {p.defence:,.0f}"
        odds = f"odds about {p.odds:.2f} : 1"
        size = next((sz for sz in (16, 14) if fonts.font(sz, True).size(f"{est} — {odds}")[0] <= w), 0)
        if size:
            y = label(screen, f"{est} — {odds}", x, y, size, theme.TEXT, True)
        else:  # never cut the odds off: they get a line of their own
            y = label(screen, fit(est, 14, w, True), x, y, 14, theme.TEXT, True)
            y = label(screen, odds, x, y, 14, theme.TEXT, True)
        y = paragraph(screen, ESTIMATE_NOTE, x, y, w, 11, theme.WARN)
        y = _outcome_rows(screen, p, x, y, w)
        ea, ed = p.expected_losses("attacker"), p.expected_losses("defender")

        def loss(d: dict) -> str:
            from game.ui.hud import count_text

            return ", ".join(count_text(d[k], k) for k in COUNTS if d[k] >= 0.5) or "none"

        y += 4
        yours_txt = fit(f"Expected losses — yours: {loss(ea)}", 13, w, True)
        y = label(screen, yours_txt, x, y, 13, theme.SIDE_TEXT.get(m.side or "", theme.TEXT), True)
        y = label(
            screen,
            fit(f"Expected losses — enemy: {loss(ed)}", 13, w, True),
            x,
            y,
            13,
            theme.SIDE_TEXT.get(scen.other(m.side or ""), theme.TEXT),
            True,
        )
        retreat = f"Defender retreats: {p.p_defender_retreats * 100:.0f}% · most likely: {p.most_likely.result}"
        y = label(screen, fit(retreat, 13, w), x, y, 13)
        y = paragraph(screen, outcome_legend(v), x, y, w, 11, theme.TEXT_DIM, rect.bottom - 70) + 2
        y = label(screen, "Modifiers:", x, y, 12, theme.TEXT_DIM, True)
        for k, mod in enumerate(p.modifiers):
            if y > rect.bottom - 70:
                label(screen, f"… and {len(p.modifiers) - k} more", x + 8, y, 11, theme.TEXT_DIM)
                break
            good = (mod.factor > 1) == (mod.applies_to in ("attack", "defender losses"))
            col = theme.TEXT if abs(mod.factor - 1) < 1e-6 else (theme.GOOD if good else theme.BAD)
            y = label(screen, fit(f"×{mod.factor:.2f}  {mod.name}  ({mod.applies_to})", 12, w - 8), x + 8, y, 12, col)
        for n in p.notes:
            y = paragraph(screen, n, x, y, w, 12, theme.WARN, rect.bottom - 50)
    bb = rect.bottom - 42
    button(
        screen,
        m.hits,
        pygame.Rect(rect.right - 330, bb, 180, 32),
        "Attack (Enter)",
        "attack_commit",
        enabled=p is not None,
        size=15,
        mouse=mouse,
    )
    button(screen, m.hits, pygame.Rect(rect.right - 140, bb, 126, 32), "Cancel (Esc)", "attack_cancel", size=14, mouse=mouse)


def _outcome_rows(screen: pygame.Surface, p, x: int, y: int, w: int) -> int:
    """One row per roll of the dice (the column shift): its chance as a figure and a bar, the
    result at the odds after the roll, and the men each side loses. The columns are measured
    from their texts; when the losses do not fit beside the result they go on a line under it."""
    f12, f13b = fonts.font(12), fonts.font(13, True)
    roll_w = max(fonts.font(12, True).size(roll_name(o.shift))[0] for o in p.outcomes) + 10
    pct_w = f13b.size("100%")[0] + 8
    res = [f"{o.result} ({o.odds:.2f} : 1)" for o in p.outcomes]
    lost = [f"you −{men(o.attacker_losses['men'])} · them −{men(o.defender_losses['men'])}" for o in p.outcomes]
    res_w = max(f12.size(t)[0] for t in res) + 12
    lost_w = max(f12.size(t)[0] for t in lost)
    spare = w - roll_w - pct_w - res_w - lost_w - 8
    one_line = spare >= 0  # else the men lost go under the result
    room = spare if one_line else w - roll_w - pct_w - res_w
    bar_w = min(120, room) if room >= 40 else 0  # the bar only repeats the chance: it goes first
    head = "roll (column shift) · chance · result at the odds after the roll · men lost"
    y = paragraph(screen, head, x, y, w, 11, theme.TEXT_DIM)
    for o, r_txt, l_txt in zip(p.outcomes, res, lost):
        col = theme.GOOD if o.odds >= 1.6 else (theme.WARN if o.odds >= 1.0 else theme.BAD)
        label(screen, roll_name(o.shift), x, y, 12, theme.TEXT, True)
        label(screen, f"{o.p * 100:3.0f}%", x + roll_w, y, 13, theme.TEXT, True)
        bx = x + roll_w + pct_w
        if bar_w:
            bar(screen, pygame.Rect(bx, y + 3, bar_w, 12), o.p, col)
        rx = bx + (bar_w + 8 if bar_w else 0)
        label(screen, fit(r_txt, 12, x + w - rx), rx, y, 12)
        if one_line:
            label(screen, l_txt, x + w - lost_w, y, 12, theme.TEXT_DIM)
            y += 18
        else:
            label(screen, fit(l_txt, 12, x + w - rx), rx, y + 16, 12, theme.TEXT_DIM)
            y += 34
    return y


ESTIMATE_NOTE = "An estimate from what your side can see: unseen enemy support may change the odds."
ROLLS = {-2: "−2 worst roll", -1: "−1 poor roll", 0: "0 even roll", 1: "+1 good roll", 2: "+2 best roll"}


def roll_name(shift: int) -> str:
    """A dice row's own label: its column shift, so no two rows read alike."""
    return ROLLS.get(shift, f"{shift:+d} columns")


def outcome_legend(v) -> str:
    """What the combat result names mean, from the rules' result table."""
    parts = []
    for r in v.scenario.rules.combat.results:
        if r.retreat:
            what = f"defender falls back {r.retreat} hex{'es' if r.retreat > 1 else ''}"
        elif r.attacker_losses > r.defender_losses:
            what = "no ground gained, attacker bleeds"
        else:
            what = "no ground gained, both bleed"
        parts.append(f"{r.name}: {what}")
    return "Results: " + "; ".join(parts) + " (odds after the roll pick the row)."


def history_text(text: str) -> str:
    """A documented event reads as history: 'Historically, on 20 August 05:45: …'."""
    when, sep, rest = text.partition(": ")
    if sep and when[:4].isdigit():
        from datetime import datetime

        try:  # '1939-07-02 08:00' reads as '2 July 1939 at 08:00'
            t = datetime.fromisoformat(when.strip())
            when = f"{t.day} {t:%B %Y} at {t:%H:%M}"
        except ValueError:
            pass
        return f"Historically, on {when}: {rest}"
    return f"Historically: {text}"


def popup(m: GameMode, screen: pygame.Surface) -> None:
    """A historical event whose date-time has come, one at a time: what happened in 1939, not
    news of this game."""
    p = m.popups[0]
    _dim(screen, m.map_rect)
    # as tall as its text: a short event in a tall box reads as something missing
    width = 620
    body = len(fonts.wrap(history_text(p.text), 14, width - 28)) * fonts.font(14).get_linesize()
    src = len(fonts.wrap(f"Source: {p.source}", 12, width - 28)) * fonts.font(12).get_linesize() + 6 if p.source else 0
    rect = _center_rect(m, width, max(200, min(420, 40 + 26 + body + src + 70)))
    y = panel(screen, rect, "History — on this day in 1939", 255)
    y = label(screen, p.title or "", rect.x + 14, y, 16, theme.ACCENT, True) + 4
    y = paragraph(screen, history_text(p.text), rect.x + 14, y, rect.w - 28, 14, theme.TEXT, rect.bottom - 70)
    if p.source:
        from game.ui.hud import source_title

        paragraph(
            screen,
            f"Source: {p.source}{source_title(m.view, p.source)}",
            rect.x + 14,
            y + 6,
            rect.w - 28,
            12,
            theme.TEXT_DIM,
            rect.bottom - 50,
        )
    more = f" ({len(m.popups) - 1} more)" if len(m.popups) > 1 else ""
    button(
        screen,
        m.hits,
        pygame.Rect(rect.right - 170, rect.bottom - 44, 156, 32),
        "Continue" + more,
        "close",
        size=14,
        mouse=m.mouse,
    )
    if len(m.popups) > 1:
        button(
            screen,
            m.hits,
            pygame.Rect(rect.right - 290, rect.bottom - 44, 110, 32),
            "Skip all",
            "popup_skip",
            size=14,
            mouse=m.mouse,
        )


def _scroll_text(
    m: GameMode, screen: pygame.Surface, rect: pygame.Rect, lines: list[tuple[str, int, tuple[int, int, int], bool]]
) -> None:
    wrapped: list[tuple[str, int, tuple[int, int, int], bool]] = []
    for t, size, col, bold in lines:
        for ln in fonts.wrap(t, size, rect.w - 10, bold):
            wrapped.append((ln, size, col, bold))
    y = rect.y
    m.scroll = min(m.scroll, max(0, len(wrapped) - 10))
    for ln, size, col, bold in wrapped[m.scroll :]:
        lh = fonts.font(size, bold).get_linesize()
        if y + lh > rect.bottom:
            break
        screen.blit(fonts.text(ln, size, col, bold), (rect.x, y))
        y += lh


def sources(m: GameMode, screen: pygame.Surface) -> None:
    """Where each strength comes from and where the documents disagree."""
    v = m.view
    spec = v.scenario.spec
    _dim(screen, m.map_rect)
    rect = _center_rect(m, 900, 760)
    y = panel(screen, rect, f"Sources — {v.scenario.title}")
    lines: list[tuple[str, int, tuple[int, int, int], bool]] = []
    u = v.units.get(m.marks.selected or "")
    if u is not None:
        st = v.scenario.setup(u.id)
        lines.append((f"Selected unit: {st.name}", 15, theme.ACCENT, True))
        from game.ui.hud import source_title

        for k, s in st.sources.items():
            lines.append((f"• {k}: {s}{source_title(v, s)}", 13, theme.TEXT, False))
        lines.append(("", 8, theme.TEXT, False))
    conflicts = getattr(spec, "conflicts", None) or []
    if conflicts:
        lines.append(("Where the documents disagree", 15, theme.ACCENT, True))
        for c in conflicts:
            c = c if isinstance(c, dict) else getattr(c, "__dict__", {})
            lines.append((str(c.get("topic", "")), 14, theme.TEXT, True))
            for val in c.get("values", []) or []:
                val = val if isinstance(val, dict) else getattr(val, "__dict__", {})
                note = f" — {val.get('note')}" if val.get("note") else ""
                lines.append((f"  • {val.get('value')} ({val.get('source')}){note}", 12, theme.TEXT, False))
            if c.get("chosen"):
                lines.append((f"  Used: {c.get('chosen')}", 12, theme.GOOD, False))
        lines.append(("", 8, theme.TEXT, False))
    sources = getattr(spec, "sources", None) or {}
    if sources:
        lines.append(("Sources", 15, theme.ACCENT, True))
        for sid, s in sources.items():
            s = s if isinstance(s, dict) else getattr(s, "__dict__", {})
            extra = " ".join(str(s.get(k)) for k in ("file", "url") if s.get(k))
            conf = f" [confidence {s.get('confidence')}]" if s.get("confidence") else ""
            lines.append((f"{sid}: {s.get('title', '')}{conf} {extra}", 12, theme.TEXT, True))
            if s.get("note"):
                lines.append((f"  {s.get('note')}", 12, theme.TEXT_DIM, False))
    _scroll_text(m, screen, pygame.Rect(rect.x + 14, y, rect.w - 28, rect.bottom - y - 50), lines)
    label(
        screen, "Wheel to scroll · select a unit first to see its own sources", rect.x + 14, rect.bottom - 36, 12, theme.TEXT_DIM
    )
    button(screen, m.hits, pygame.Rect(rect.right - 130, rect.bottom - 42, 116, 32), "Close", "close", size=14, mouse=m.mouse)


COMBAT_RESULTS = "(the result table of this scenario's ruleset)"
HELP = [
    ("Mouse", 15, theme.ACCENT, True),
    (
        "Left click a counter: select it (click again to cycle a stack). Movement: click a highlighted hex to move there; hover shows the path and its cost in movement points. Combat: click your units to pick attackers (red frame; a stack joins whole, click it again to take it out), then click a known enemy hex for the odds preview — an estimate from what your side can see; its 'All adjacent units + artillery in range' button adds every unit that can join. The result card shows the odds actually used. Right click or Esc: cancel; Esc closes a card or window first, then opens the menu. Drag: pan. Wheel: zoom. Click the minimap to jump.",
        13,
        theme.TEXT,
        False,
    ),
    ("Keys", 15, theme.ACCENT, True),
    (
        "E end phase · U or Backspace or Ctrl+Z undo the last move (only moves that used no dice and revealed nothing) · Tab next unit · C centre on the selected unit · arrows pan · +/− zoom",
        13,
        theme.TEXT,
        False,
    ),
    (
        "S supply overlay (why a unit is short) · A air control per zone · Z enemy zones of control · F2 air orders · F3 trucks and depots · V victory conditions and score · I sources · F5 save · H this help · Esc menu",
        13,
        theme.TEXT,
        False,
    ),
    ("Counters", 15, theme.ACCENT, True),
    (
        "NATO symbols: X infantry, oval armour, oval with slash armoured cars and reconnaissance, slash cavalry, dot artillery, bridge engineers, ∧ anti-tank. II battalion, III regiment, XX division. The figure is tanks (T), armoured cars (AC) or men. Soviet-Mongolian counters are vermillion, Japanese-Manchukuo blue. The short label on top is the unit's designation (e.g. 11TB/1: 11th Tank Brigade, 1st battalion; 26IR/2: 26th Infantry Regiment, 2nd battalion); zoomed far out it is dropped. Several units in one hex show as one counter with darker cards behind it and a yellow chip with their number; click again to cycle them. An orange or red corner: low or no supply. Paler counters have moved or fought.",
        13,
        theme.TEXT,
        False,
    ),
    ("Map", 15, theme.ACCENT, True),
    (
        "Green-khaki steppe, tan plateau, yellow dunes with arcs, green marsh valley with reeds, brown heights, hatched escarpment, blue lakes. Thick blue edges: the Khalkhin Gol (crossable only at bridges, the pontoon and fords); thin blue: the Holsten and streams. Brown dashes: tracks. Purple dashes: the border Mongolia claimed. Stars: objectives in the holder's colour. D: supply depots. Place names are drawn with a halo where no counter stands. Air control (A): hatching per zone — '/' lines Soviet-Mongolian, '\\' lines Japanese-Manchukuo, cross-hatch contested; the zone label gives its name, who holds the sky and your own orders there.",
        13,
        theme.TEXT,
        False,
    ),
    ("Combat results", 15, theme.ACCENT, True),
    (COMBAT_RESULTS, 13, theme.TEXT, False),  # filled from the scenario's ruleset when drawn
    ("Victory", 15, theme.ACCENT, True),
    (
        "V opens the victory conditions: your side's orders from the historical plan (intent, phase lines with their dates), what each objective is worth, the points for losses inflicted and the score each result needs. The top bar shows the objectives each side holds. In fog you know only your own losses.",
        13,
        theme.TEXT,
        False,
    ),
    ("Watching AI against AI: P pauses and resumes the battle.", 13, theme.TEXT, False),
    ("The game saves itself every turn (Load game in the main menu).", 13, theme.TEXT_DIM, False),
]


def help_dialog(m: GameMode, screen: pygame.Surface) -> None:
    """Controls, counters and map symbols."""
    _dim(screen, m.map_rect)
    rect = _center_rect(m, 820, 620)
    y = panel(screen, rect, "How to play")
    lines = [(outcome_legend(m.view), *rest) if t == COMBAT_RESULTS else (t, *rest) for t, *rest in HELP]
    _scroll_text(m, screen, pygame.Rect(rect.x + 14, y, rect.w - 28, rect.bottom - y - 50), lines)
    button(screen, m.hits, pygame.Rect(rect.right - 130, rect.bottom - 42, 116, 32), "Close", "close", size=14, mouse=m.mouse)


def menu(m: GameMode, screen: pygame.Surface) -> None:
    """Resume, save, help, back to the main menu or quit (both autosave)."""
    _dim(screen, m.map_rect)
    over = m.session.state.result is not None
    items = [("Resume", "resume"), ("Save game (F5)", "save")]
    items.append(("After-action report", "aar") if over else ("Send turn (play by e-mail)…", "pbem"))
    items += [("How to play (H)", "help"), ("Main menu (autosaves)", "to_menu"), ("Quit (autosaves)", "quit_game")]
    rect = _center_rect(m, 340, 70 + 46 * len(items))
    y = panel(screen, rect, "Game menu")
    for lbl, key in items:
        button(screen, m.hits, pygame.Rect(rect.x + 20, y, rect.w - 40, 38), lbl, key, size=15, mouse=m.mouse)
        y += 46


def result(m: GameMode, screen: pygame.Surface) -> None:
    """The graded result, both sides' losses and who holds each objective."""
    st = m.session.state
    out = outcome(st)
    if out is None:
        return
    _dim(screen, m.map_rect)
    rect = _center_rect(m, 720, 300 + 18 * len(st.scenario.objectives))
    me = None if m.session.hotseat else m.side  # hot-seat: name the winner, do not take sides
    if out.winner is None:
        head = "Draw"
        col = theme.TEXT
    elif me is None:
        head = f"{out.result.capitalize()} {side_name(out.winner)} victory"
        col = theme.SIDE_TEXT.get(out.winner, theme.TEXT)
    elif out.winner == me:
        head = f"{out.result.capitalize()} victory"
        col = theme.GOOD
    else:
        head = f"{out.result.capitalize()} defeat"
        col = theme.BAD
    y = panel(screen, rect, "The battle is over")
    t = fonts.text(head, 34, col, True)
    screen.blit(t, t.get_rect(midtop=(rect.centerx, y)))
    y += t.get_height() + 10
    y = paragraph(screen, f"{out.reason} — {score_text(out.score, me)}", rect.x + 20, y, rect.w - 40, 14)
    y += 10
    for s in st.scenario.sides:
        loss = st.losses.get(s, {})
        txt = ", ".join(
            f"{loss.get(k, 0):,} {k.replace('_', ' ')}" for k in ("men", "tanks", "armored_cars", "guns", "aircraft", "trucks")
        )
        y = label(screen, f"{side_name(s)} losses:", rect.x + 20, y, 14, theme.SIDE_TEXT.get(s, theme.TEXT), True)
        y = paragraph(screen, txt, rect.x + 30, y, rect.w - 50, 13) + 6
    y = label(screen, "Objectives at the end:", rect.x + 20, y + 4, 14, theme.TEXT, True)
    for o in st.scenario.objectives:
        if y > rect.bottom - 70:
            break
        holder = st.control.get(o.id)
        pts = o.points.get(holder, 0) if holder else 0
        txt = f"{o.name}: {side_name(holder) if holder else 'nobody'}" + (f" (+{pts})" if pts else "")
        y = label(screen, txt, rect.x + 30, y, 13, theme.SIDE_TEXT.get(holder or "", theme.TEXT_DIM))
    button(
        screen,
        m.hits,
        pygame.Rect(rect.x + 20, rect.bottom - 50, 200, 36),
        "Look at the map",
        "result_map",
        size=14,
        mouse=m.mouse,
    )
    button(
        screen,
        m.hits,
        pygame.Rect(rect.centerx - 100, rect.bottom - 50, 200, 36),
        "After-action report",
        "aar",
        size=14,
        mouse=m.mouse,
    )
    button(
        screen, m.hits, pygame.Rect(rect.right - 220, rect.bottom - 50, 200, 36), "Main menu", "to_menu", size=14, mouse=m.mouse
    )


def victory_facts(m: GameMode) -> dict:
    """The victory conditions as this seat may know them: objectives with holder and worth, the
    points for losses (only the seat's own losses are known in fog), the levels, and the score
    from what is known. Nothing here is read from outside the seat's view."""
    v = m.view
    scen = v.scenario
    me = m.side
    objs = []
    obj_score = 0.0
    for o in scen.objectives:
        holder = v.control.get(o.id)
        pts = o.points.get(holder, 0) if holder else 0
        obj_score += pts if holder == "soviet" else -pts if holder == "japanese" else 0
        objs.append((o.name, holder, dict(o.points)))
    losses = []
    loss_score = 0.0
    for lp in scen.loss_points:
        known = me is None or lp.side == me
        n = v.losses.get(lp.side, {}).get(lp.kind, 0) if known else None
        earned = None if n is None else n / lp.per * lp.points
        if earned is not None:
            loss_score += -earned if lp.side == "soviet" else earned
        losses.append((lp.side, lp.kind, lp.per, lp.points, n, earned))
    levels = [(lv.at_least, lv.winner, lv.result) for lv in scen.levels]
    complete = all(x[4] is not None for x in losses)
    return {
        "objectives": objs,
        "losses": losses,
        "levels": levels,
        "objective_score": obj_score,
        "known_score": round(obj_score + loss_score, 2),
        "complete": complete,
    }


SCORE_MEANS = "Soviet points − Japanese points"


def fmt_score(x: float) -> str:
    """The score as every screen writes it: one decimal, signed ('+6.3', '−2.0')."""
    x = round(x, 1) + 0.0  # no '−0.0'
    return f"{x:+.1f}".replace("-", "−")


def lead_text(score: float) -> str:
    """Who is ahead: 'Japanese ahead by 2.0', 'Soviet ahead by 6.3', 'level' (the same number as
    the score, one decimal)."""
    x = round(score, 1)
    if x == 0:
        return "level"
    return f"{'Soviet' if x > 0 else 'Japanese'} ahead by {abs(x):.1f}"


def score_text(score: float, side: str | None) -> str:
    """The one score wording: 'Soviet +6.3 (Soviet points − Japanese points)' for the Soviet seat,
    'Japanese ahead by 2.0 (score −2.0 = Soviet points − Japanese points)' for the Japanese."""
    if side == "japanese":
        return f"{lead_text(score)} (score {fmt_score(score)} = {SCORE_MEANS})"
    return f"Soviet {fmt_score(score)} ({SCORE_MEANS})"


def score_lines(m: GameMode) -> list[str]:
    """The top bar's summary, longest first (the bar shows the first that fits): objectives held
    by each side and the score in the one wording of every screen, from the seat's side."""
    f = m.cache.get("victory")
    key = (m.session.version, m.side)
    if f is None or f[0] != key:
        f = (key, victory_facts(m))
        m.cache["victory"] = f
    facts = f[1]
    held: dict[str, int] = {}
    for _, holder, _ in facts["objectives"]:
        if holder:
            held[holder] = held.get(holder, 0) + 1
    n = len(facts["objectives"])
    sides = sorted(m.view.scenario.sides, key=lambda sd: sd != "soviet")  # Soviet first, as the score counts
    parts = [f"{SHORT.get(sd, sd)} {held.get(sd, 0)}" for sd in sides]
    objs = f"Objectives of {n}: " + " · ".join(parts)
    sc = facts["known_score"]
    short = lead_text(sc) if m.side == "japanese" else f"Soviet {fmt_score(sc)}"
    known = "" if facts["complete"] else ", as far as you know"
    return [
        f"{objs} · {score_text(sc, m.side)}{known}",
        f"{objs} · {short}{known} (V)",
        f"{' · '.join(parts)} · {short} (V)",
        f"{short} (V)",
    ]


def score_line(m: GameMode) -> str:
    """The top bar's summary at its fullest."""
    return score_lines(m)[0]


SHORT = {"soviet": "Sov", "japanese": "Jap"}


def plan_lines(scen, side: str | None) -> list[tuple[str, int, tuple[int, int, int], bool]]:
    """Your side's orders as the scenario gives them (``operational_plan:``): the historical
    intent and its dated phase lines — a briefing, not a rule; only your own side's."""
    from datetime import datetime, timedelta

    plan = getattr(scen, "plans", {}).get(side or "")
    if plan is None:
        return []
    out: list[tuple[str, int, tuple[int, int, int], bool]] = [("Your orders (the historical plan)", 15, theme.ACCENT, True)]
    src = plan.source.replace("history.md", "data sheet").replace("geography.md", "geography sheet")
    out.append((f"{plan.intent} [{src}]", 13, theme.TEXT, False))
    for pl in plan.phase_lines:
        try:
            t = datetime.fromisoformat(pl.by)
            if t.minute in (44, 59):  # written as the last minute of a turn: say the turn's end
                t += timedelta(minutes=1)
            when = f"{t.day} {t:%b} {t:%H:%M}"
        except ValueError:
            when = pl.by
        verb = "reach" if pl.task == "reach" else "hold until"
        out.append((f"• {pl.name}: {verb} {when}" + (f" — {pl.note}" if pl.note else ""), 13, theme.TEXT, False))
    if plan.way_out is not None:
        out.append((f"• Way out: {plan.way_out.name}", 13, theme.TEXT, False))
    return out


def victory(m: GameMode, screen: pygame.Surface) -> None:
    """Objectives and their worth, points for losses, the levels and the score as far as known."""
    v = m.view
    scen = v.scenario
    facts = victory_facts(m)
    _dim(screen, m.map_rect)
    rect = _center_rect(m, 860, 700)
    y = panel(screen, rect, f"Victory conditions — {scen.title}", 255)
    lines: list[tuple[str, int, tuple[int, int, int], bool]] = []
    lines.append(
        (
            f"The score counts {SCORE_MEANS}; the levels below grade it at the end. Now: {score_text(facts['known_score'], m.side)}.",
            13,
            theme.TEXT,
            True,
        )
    )
    lines += plan_lines(scen, m.side)
    lines.append(("Objectives (held now, and what each is worth to whom at the end)", 15, theme.ACCENT, True))
    for name, holder, pts in facts["objectives"]:
        worth = ", ".join(f"{side_name(sd)} {p:g}" for sd, p in pts.items() if p) or "no points"
        lines.append(
            (
                f"• {name}: held by {side_name(holder) if holder else 'nobody'} — worth {worth}",
                13,
                theme.SIDE_TEXT.get(holder or "", theme.TEXT),
                False,
            )
        )
    lines.append((f"Objective points now: {fmt_score(facts['objective_score'])}", 13, theme.TEXT, True))
    if facts["losses"]:
        lines.append(("Losses inflicted (points go to the other side, pro rata)", 15, theme.ACCENT, True))
        for sd, kind, per, points, n, earned in facts["losses"]:
            rule = f"• {side_name(sd)} {kind.replace('_', ' ')}: {points:g} point{'s' if points != 1 else ''} per {per:,g} lost"
            if n is None:
                rule += " — their losses are unknown to you"
            else:
                rule += f" — lost so far {n:,}: {earned:.2f} points to the {side_name(scen.other(sd))} side"
            lines.append((rule, 13, theme.TEXT, False))
    lines.append(("Results", 15, theme.ACCENT, True))
    for at, winner, result in facts["levels"]:
        cond = f"score {fmt_score(at)} or more" if at is not None else "anything lower"
        who = "Draw" if winner is None else f"{result.capitalize()} {side_name(winner)} victory"
        lines.append((f"• {cond}: {who}", 13, theme.TEXT, False))
    lines.append(("Where it stands", 15, theme.ACCENT, True))
    grade = next(((w, r) for at, w, r in facts["levels"] if at is None or facts["known_score"] >= at), (None, "draw"))
    grade_txt = "a draw" if grade[0] is None else f"a {grade[1]} {side_name(grade[0])} victory"
    now = score_text(facts["known_score"], m.side)
    if facts["complete"]:
        lines.append((f"Score now: {now} — {grade_txt} if the game ended now", 14, theme.TEXT, True))
    else:
        lines.append(
            (
                f"From what you know (objectives and your own losses): {now} — {grade_txt} on that alone. "
                "The enemy's losses are hidden by the fog of war; they move the score in your favour.",
                13,
                theme.TEXT,
                False,
            )
        )
    _scroll_text(m, screen, pygame.Rect(rect.x + 14, y, rect.w - 28, rect.bottom - y - 50), lines)
    label(screen, "Wheel to scroll · V or Esc to close", rect.x + 14, rect.bottom - 36, 12, theme.TEXT_DIM)
    button(screen, m.hits, pygame.Rect(rect.right - 130, rect.bottom - 42, 116, 32), "Close", "close", size=14, mouse=m.mouse)
