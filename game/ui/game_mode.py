"""The game screen's input side: a mode that turns clicks and keys into engine actions.

It reads only ``session.view(side)`` (the fog-of-war projection) and returns actions for the
app to apply through the session; it never changes the game state. Drawing lives in
``game.ui.game_draw``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pygame

from game.actions import Action, AssignAir, Attack, DestroyCrossing, DestroyDepot, EndPhase, Move, OpenDepot, RouteTrucks
from game.engine import IllegalAction, legal_actions
from game.hexgrid import Hex
from game.rules import air, combat, movement, supply
from game.session import Session
from game.state import ACTIVE, State
from game.ui.camera import Camera, MapDrag
from game.ui.mapview import MapView, Marks
from game.ui.widgets import Hits

TOP = 44
RIGHT = 390
BLOCKING = ("attack", "menu", "popup", "result", "help", "sources", "victory")
SCROLLED = ("help", "sources", "victory")  # modal windows whose text scrolls with the wheel
OWN_KEY = {"help": "help", "sources": "sources", "victory": "victory"}  # the key that toggles a window


@dataclass
class AttackPlan:
    target: Hex
    candidates: tuple[str, ...]
    chosen: set[str]
    preview: Any = None  # CombatPreview
    error: str | None = None
    camera: tuple[float, float] | None = None  # where the camera was before the preview: Cancel goes back
    panel_right: bool = False  # the preview stands on the right when the target is in the west
    picked: set[str] = field(default_factory=set)  # what the player had picked: "all" toggles back to it


@dataclass
class AirPick:
    unit: str | None = None
    mission: str | None = None
    target: str | None = None
    count: int = 0


@dataclass
class Toast:
    text: str
    until: float
    color: tuple[int, int, int] = (230, 232, 235)
    tag: str = ""  # "phase": the "Your … phase" banner, gone as soon as the phase passes


@dataclass
class CombatCard:
    """The last combat's result, shown large on the map until dismissed or timed out."""

    side: str
    target: Hex
    result: str
    odds: float
    rolled: float
    attacker_losses: dict[str, int]
    defender_losses: dict[str, int]
    until: float
    when: tuple[int, int] = (0, 0)  # turn and step of the attack
    others: int = 0  # earlier attacks of the same enemy batch, summed up under the card
    shown: bool = False  # the timer starts when the card is first on screen (not under a pop-up)
    shift: int | None = None  # the roll's column shift
    estimate: Estimate | None = None  # what the attacker's preview said (own attacks only)
    modifiers: tuple[tuple[str, str, float], ...] = ()  # as the result tells them: no unit counts


@dataclass(frozen=True)
class Estimate:
    """The odds preview at the moment of the attack, from the attacker's fog view: kept so the
    result can say how far the odds actually used differed (enemy support the attacker could
    not see), without naming anything unseen."""

    odds: float
    modifiers: tuple[tuple[str, str, float], ...]  # (name, applies to, factor) as the preview showed them


def unseen_factor(card: CombatCard) -> float | None:
    """How much the odds actually used differ from the attacker's estimate: the part of the
    defence (or support) the attacker could not see. None when there was no estimate."""
    e = card.estimate
    if e is None or e.odds <= 0:
        return None
    return card.odds / e.odds


def men(n: float) -> str:
    """'1 man', '0 men', '12 men' (rounded as shown)."""
    k = round(n)
    return f"{k:,} {'man' if k == 1 else 'men'}"


@dataclass
class Popup:
    title: str
    text: str
    source: str = ""


@dataclass
class GameMode:
    """One human seat's screen. In hot-seat the app makes a new one at every hand-off."""

    session: Session
    size: tuple[int, int]
    camera_state: dict[str, Any] = field(default_factory=dict)
    log_pos: int | None = None  # None: a seat new to this game (loaded, or its first hand-off)
    seen_timeline: set = field(default_factory=set, repr=False)  # (side, event key) already shown: once per side

    def __post_init__(self) -> None:
        self.mapview = MapView(self.session.scenario)
        self.marks = Marks(side=self.session.view_side())
        self.hits = Hits()
        self.modal: str | None = None
        self.docked: str | None = None  # air | supply: side panels that leave the map usable
        self.panel_rect: pygame.Rect | None = None  # where the docked panel was drawn: it eats clicks
        self.tip_box: pygame.Rect | None = None  # where the tooltip was drawn last frame (None: none)
        self.attack: AttackPlan | None = None
        self.airpick = AirPick()
        self.toasts: list[Toast] = []
        self.popups: list[Popup] = []
        self.card: CombatCard | None = None
        self._auto_when: tuple[int, int] | None = None
        self._air_when: tuple[int, int] | None = None
        self.scroll = 0
        self.log_scroll = 0  # lines back from the newest in the message log
        self.log_rect: pygame.Rect | None = None  # set when the log is drawn: the wheel scrolls it there
        self.depot_hover: Hex | None = None  # a field-depot offer under the mouse: its hex is outlined
        self.confirm: str | None = None  # a command waiting for a second click
        self.confirm_until = 0.0  # the arming lapses with its toast
        self._phase_key: tuple | None = None  # (turn, step) last seen: a new phase disarms and tidies
        self.estimates: dict[tuple, Estimate] = {}  # (side, target, turn) -> the preview when committed
        self.event_estimates: dict[int, tuple[Any, Estimate]] = {}  # id(combat event) -> (event, estimate)
        self._reach: movement.Reach | None = None
        self._view_key: tuple | None = None
        self._side_key: tuple | None = None
        self._side: str | None = None
        self.cache: dict[str, tuple] = {}  # drawing caches keyed by what they depend on
        self._view: State | None = None
        self._drag = MapDrag()
        self.mouse = (0, 0)
        self.ai_busy: str | None = None  # set by the app while an agent thinks
        self.paused = False  # set by the app: an AI-only game on hold
        self.ai_started = 0.0
        self.quit_requested = False
        self.wants_menu = False
        self.wants: str | None = None  # pbem | aar: something the app does on this seat's behalf
        self.cam = Camera(self.session.scenario.map, *self.map_rect.size, zoom=self.camera_state.get("zoom", 4))
        if "x" in self.camera_state:
            self.cam.x, self.cam.y = self.camera_state["x"], self.camera_state["y"]
            self.cam.clamp()
        else:
            self._center_on_own()
        if self.log_pos is None:  # a new seat: the history is in the log; pop up only what is happening now
            from game.engine import timeline_now

            self.log_pos = len(self.session.log)
            seen = self._acted_this_turn()  # a loaded game: this side already had the day's events
            for t in timeline_now(self.session.state):
                key = (self.side, t.at, t.title)
                if seen:
                    self.seen_timeline.add(key)
                self._timeline_popup(key, t.title, f"{t.at.replace('T', ' ')}: {t.text}", t.source)
        self.pull_events()
        self._auto_panel()

    def _acted_this_turn(self) -> bool:
        """Whether this seat's side has given any order since the current turn began."""
        s = self.session
        start = s.turn_hashes[-1]["action"] if s.turn_hashes else 0
        return any(a.get("side") == self.side for a in s.actions[start:])

    def _timeline_popup(self, key: tuple, title: str, text: str, source: str) -> None:
        """A documented event as history, once per side however often the seat is taken."""
        if key in self.seen_timeline:
            return
        self.seen_timeline.add(key)
        self.popups.append(Popup(title, text, source))

    # --- geometry -------------------------------------------------------------------------

    @property
    def map_rect(self) -> pygame.Rect:
        w, h = self.size
        return pygame.Rect(0, TOP, max(100, w - RIGHT), max(100, h - TOP))

    @property
    def side_rect(self) -> pygame.Rect:
        w, h = self.size
        return pygame.Rect(w - RIGHT, TOP, RIGHT, h - TOP)

    @property
    def minimap_rect(self) -> pygame.Rect:
        r = self.side_rect
        return pygame.Rect(r.x + 8, r.y + 8, r.w - 16, 200)

    def resize(self, size: tuple[int, int]) -> None:
        self.size = size
        self.cam.resize(*self.map_rect.size)

    def _center_on_own(self) -> None:
        v = self.view
        own = [u.hex for u in v.units.values() if u.side == self.side and u.status == ACTIVE and u.hex is not None]
        if not own:
            own = [u.hex for u in v.units.values() if u.status == ACTIVE and u.hex is not None]
        if own:
            q = sum(h[0] for h in own) / len(own)
            r = sum(h[1] for h in own) / len(own)
            best = min(own, key=lambda h: (h[0] - q) ** 2 + (h[1] - r) ** 2)
            self.cam.center_on(best)
        else:
            self.cam.center_on(self.cam.center_hex())

    # --- what the seat sees ----------------------------------------------------------------

    @property
    def side(self) -> str | None:
        """Whose eyes: asked hundreds of times a frame, so cached per state and seat."""
        s = self.session
        key = (s.version, id(s.state), s.viewer)
        if key != self._side_key:
            self._side_key = key
            self._side = s.view_side()
        return self._side

    @property
    def view(self) -> State:
        key = (self.session.version, id(self.session.state), self.side)
        if key != self._view_key or self._view is None:
            self._view = self.session.view(self.side)
            self._view_key = key
            self.marks.version += 1
            self.marks.side = self.side
            self._refresh_selection()
            st = self.session.state
            pk = (st.turn, st.step)
            if pk != self._phase_key:  # a new phase: nothing armed survives it
                self._phase_key = pk
                self.disarm()
        return self._view

    def disarm(self) -> None:
        """Clear a 'click again to confirm' (blow up a depot or a bridge) and its toast."""
        if self.confirm is not None:
            self.confirm = None
            self.toasts = [t for t in self.toasts if t.tag != "confirm"]

    def armed(self, key: str) -> bool:
        """Whether ``key`` waits for its second click now (the arming lapses with its toast)."""
        if self.confirm is not None and time.monotonic() >= self.confirm_until:
            self.disarm()
        return self.confirm == key

    @property
    def can_act(self) -> bool:
        """True only for the human seat whose decision the engine awaits now."""
        s = self.session
        return s.to_act() is not None and s.to_act() == self.side and s.is_human(self.side) and not s.needs_handoff()

    @property
    def phase(self) -> str:
        return self.view.phase.phase

    def _refresh_selection(self) -> None:
        v = self._view
        if v is None:
            return
        sel = self.marks.selected
        if sel is not None and (sel not in v.units or v.units[sel].status != ACTIVE):
            self.marks.selected = None
        self.marks.attackers = {a for a in self.marks.attackers if a in v.units and not v.units[a].acted}
        self._compute_reach()
        if self.attack is not None and self.modal == "attack":
            self._update_preview()
        if self.phase != "combat":
            self.marks.attackers.clear()
            self.marks.target = None

    def _compute_reach(self) -> None:
        self._reach = None
        self.marks.reach = {}
        self.marks.path = []
        v = self._view
        sel = self.marks.selected
        if v is None or sel is None or v.phase.phase != "movement" or not self.can_act:
            return
        u = v.units.get(sel)
        if u is None or u.side != self.side or u.mp <= movement.EPS:
            return
        r = movement.reachable(v, u, set(v.spotted.get(self.side or "", [])))
        self._reach = r
        gm = v.scenario.map
        self.marks.reach = {gm.hexes[i]: r.cost[i] for i in r.ends if i != r.start}

    def pull_events(self) -> None:
        """New log entries this seat may see: combat banners and timeline pop-ups."""
        log = self.session.log
        if self.log_pos > len(log):
            self.log_pos = len(log)
        side = self.side
        for e in log[self.log_pos :]:
            if side is not None and not e.seen_by(side):
                continue
            if e.kind == "timeline":
                d = e.data or {}
                key = (side, str(d.get("at", "")), str(d.get("title", "")))
                self._timeline_popup(key, str(d.get("title", "")), e.text, str(d.get("source", "")))
            elif e.kind in ("combat", "combat_defended"):
                d = e.data or {}
                prev = self.card
                try:
                    self.card = CombatCard(
                        str(d["side"]),
                        tuple(d["target"]),  # type: ignore[arg-type]
                        str(d["result"]),
                        float(d["odds"]),
                        float(d["rolled_odds"]),
                        dict(d["attacker_losses"]),
                        dict(d["defender_losses"]),
                        time.monotonic() + 15.0,
                        (self.session.state.turn, self.session.state.step),
                        shift=int(d["shift"]) if d.get("shift") is not None else None,
                        modifiers=tuple((str(n), str(a), float(f)) for n, a, f in d.get("modifiers") or ()),
                    )
                    if e.kind == "combat":  # our own attack: what the preview said
                        self.card.estimate = self.estimates.get((self.card.side, self.card.target, self.session.state.turn))
                        if self.card.estimate is not None:
                            self.event_estimates[id(e)] = (e, self.card.estimate)  # the log line says it too
                    # the enemy's attacks in one phase: the last card stays, the others are counted
                    if prev is not None and prev.side == self.card.side != side and prev.when == self.card.when:
                        self.card.others = prev.others + 1
                except (KeyError, TypeError, ValueError):
                    self.toast(e.text, 8.0, (255, 235, 160))
            elif e.kind == "phase_start":
                self.toasts = [t for t in self.toasts if t.tag != "phase"]  # only the phase now
                if side in ((e.data or {}).get("sides") or ()) and self.session.is_human(side):
                    self.toast(f"Your {self.view.phase.name or self.phase} phase", 3.0, (140, 200, 255), tag="phase")
            elif e.kind in ("surrender", "eliminated", "ambush", "game_over", "crossing_destroyed", "depot_captured"):
                col = (255, 120, 100) if e.kind in ("eliminated", "surrender", "ambush") else (255, 235, 160)
                self.toast(e.text, 8.0, col)
        self.log_pos = len(log)
        if self.session.state.result is not None and self.modal not in ("result", "result_seen"):
            self.modal = "result"

    def toast(self, text: str, secs: float = 4.0, color: tuple[int, int, int] = (230, 232, 235), tag: str = "") -> None:
        """A short message over the map that fades by itself."""
        self.toasts.append(Toast(text, time.monotonic() + secs, color, tag))
        self.toasts = self.toasts[-4:]

    def tidy(self) -> None:
        """Per frame: the phase banner goes as soon as this seat no longer acts (the AI's turn, or
        the other side's), and an armed 'click again' lapses with its toast."""
        if not self.can_act:
            self.toasts = [t for t in self.toasts if t.tag != "phase"]
        self.armed("")

    def _auto_panel(self) -> None:
        """Open the air panel when the air phase starts for this seat (the supply panel waits to be
        asked for: a hint in the side panel says where it is); close both when the fighting starts."""
        st = self.session.state
        when = (st.turn, st.step)
        if when != self._air_when:  # whoever acts now: the air phase is over, its panel closes
            self._air_when = when
            if self.phase != "air" and self.docked == "air":
                self.docked = None
                self.airpick = AirPick()
        if not self.can_act:
            return
        if when == self._auto_when:  # only when a phase begins: the player may close or open panels
            return
        self._auto_when = when
        ph = self.phase
        if ph == "air" and self.docked != "air":
            self.docked = "air"
            self.scroll = 0
        elif ph != "air" and self.docked == "air":
            self.docked = None  # the orders are given: the panel would only offer dead buttons
            self.airpick = AirPick()
        elif ph in ("movement", "combat") and self.docked == "supply":
            self.disarm()
            self.docked = None

    def after_apply(self) -> None:
        """Called by the app after any action (ours or an agent's)."""
        _ = self.view
        self.pull_events()
        self._auto_panel()
        if not self.can_act:
            self.toasts = [t for t in self.toasts if t.tag != "phase"]

    # --- input ----------------------------------------------------------------------------

    def handle(self, ev: pygame.event.Event) -> Action | None:
        """One event in; an action to apply out (or None). Never raises on odd input."""
        if ev.type == pygame.MOUSEMOTION:
            self.mouse = ev.pos
            self._drag.move(self.cam, ev.pos, ev.buttons)
            self._hover(ev.pos)
            return None
        if ev.type == pygame.MOUSEBUTTONDOWN:
            self.mouse = ev.pos
            if ev.button == 1:
                key = self.hits.at(ev.pos)
                if key != self.confirm:
                    self.disarm()  # any other click: the 'click again' is off
                if key is not None:
                    return self.command(key)
                if self.modal in BLOCKING or self._on_panel(ev.pos):
                    return None
                if self.minimap_rect.collidepoint(ev.pos):
                    self._minimap_jump(ev.pos)
                    return None
                if self.map_rect.collidepoint(ev.pos):
                    self._drag.press(ev.pos)
                return None
            if ev.button == 3:
                return self.command("cancel")
            return None
        if ev.type == pygame.MOUSEBUTTONUP and ev.button == 1:
            if (
                self._drag.release()
                and self.modal not in BLOCKING
                and self.map_rect.collidepoint(ev.pos)
                and not self._on_panel(ev.pos)
            ):
                h = self.cam.hex_at(ev.pos[0] - self.map_rect.x, ev.pos[1] - self.map_rect.y)
                if h is not None:
                    return self.click_hex(h)
            return None
        if ev.type == pygame.MOUSEWHEEL:
            pos = self.mouse
            if self.modal in SCROLLED:
                self.scroll = max(0, self.scroll - ev.y * 3)
                return None
            if self.modal in BLOCKING:
                return None
            if self.log_rect is not None and self.log_rect.collidepoint(pos):
                self.log_scroll = max(0, self.log_scroll + ev.y * 3)  # wheel up: back into the history
                return None
            if self._on_panel(pos):
                self.scroll = max(0, self.scroll - ev.y * 3)  # a docked panel's list
                return None
            if self.side_rect.collidepoint(pos):
                return None
            if self.map_rect.collidepoint(pos):
                anchor = (pos[0] - self.map_rect.x, pos[1] - self.map_rect.y)
                self.cam.set_zoom(self.cam.zoom + (1 if ev.y > 0 else -1 if ev.y < 0 else 0), anchor)
                self._hover(pos)
            return None
        if ev.type == pygame.KEYDOWN:
            return self.key(ev.key, getattr(ev, "mod", 0))
        return None

    def key(self, k: int, mod: int = 0) -> Action | None:
        """Keyboard shortcuts (see the help dialog); returns an action or None."""
        ctrl = bool(mod & pygame.KMOD_CTRL)
        pan = {pygame.K_LEFT: (-80, 0), pygame.K_RIGHT: (80, 0), pygame.K_UP: (0, -80), pygame.K_DOWN: (0, 80)}
        if k in pan:
            if self.modal in BLOCKING:
                return None
            self.cam.pan(*pan[k])
            self._hover(self.mouse)
            return None
        if k == pygame.K_ESCAPE:  # the topmost thing first: a window, a card, a selection, a panel; then the menu
            busy = self.modal not in (None, "result_seen") or self.card is not None
            return self.command("cancel" if (busy or self.marks.selected or self.marks.attackers or self.docked) else "menu")
        if k in (pygame.K_RETURN, pygame.K_KP_ENTER):
            if self.modal == "attack":
                return self.command("attack_commit")
            if self.modal in ("popup",) + SCROLLED:
                return self.command("close")
            return None
        if self.modal in BLOCKING:  # a window is open: only its own keys
            own = OWN_KEY.get(self.modal)
            if (
                own is not None
                and {pygame.K_h: "help", pygame.K_F1: "help", pygame.K_i: "sources", pygame.K_v: "victory"}.get(k) == own
            ):
                return self.command(own)
            return None
        binds = {
            pygame.K_e: "end_phase",
            pygame.K_u: "undo",
            pygame.K_BACKSPACE: "undo",
            pygame.K_s: "overlay:supply",
            pygame.K_a: "overlay:air",
            pygame.K_z: "undo" if ctrl else "overlay:zoc",
            pygame.K_F2: "panel:air",
            pygame.K_F3: "panel:supply",
            pygame.K_i: "sources",
            pygame.K_h: "help",
            pygame.K_v: "victory",
            pygame.K_F1: "help",
            pygame.K_F5: "save",
            pygame.K_TAB: "next_unit",
            pygame.K_c: "center",
            pygame.K_PLUS: "zoom_in",
            pygame.K_EQUALS: "zoom_in",
            pygame.K_KP_PLUS: "zoom_in",
            pygame.K_MINUS: "zoom_out",
            pygame.K_KP_MINUS: "zoom_out",
        }
        cmd = binds.get(k)
        out = self.command(cmd) if cmd else None
        if cmd in ("next_unit", "center", "zoom_in", "zoom_out"):
            self._hover(self.mouse)  # the map moved under a still mouse: the tooltip follows
        return out

    def _hover(self, pos: tuple[int, int]) -> None:
        self.marks.hover = None
        self.marks.path = []
        self.marks.path_cost = None
        self.marks.path_note = None
        if self.modal in BLOCKING or not self.map_rect.collidepoint(pos) or self._on_panel(pos):
            return
        h = self.cam.hex_at(pos[0] - self.map_rect.x, pos[1] - self.map_rect.y)
        self.marks.hover = h
        if h is not None and self._reach is not None and h in self.marks.reach:
            self.marks.path = self._reach.path(h)
            self.marks.path_cost = round(self.marks.reach[h], 2)
            u = self.view.units.get(self.marks.selected or "")
            if u is not None and len(self.marks.path) > 1 and combat.posture_index(self.view, u) > 0:
                self.marks.path_note = f"moving gives up: {combat.posture_of(self.view, u).name}"

    def _on_panel(self, pos: tuple[int, int]) -> bool:
        return self.docked is not None and self.panel_rect is not None and self.panel_rect.collidepoint(pos)

    def _minimap_jump(self, pos: tuple[int, int]) -> None:
        mini = self.mapview.minimap(self.minimap_rect.w, self.minimap_rect.h)
        mr = mini.get_rect(center=self.minimap_rect.center)
        if not mr.collidepoint(pos):
            return
        from game.ui.camera import ZOOMS, layout_for

        f = mr.w / max(1, self.mapview.terrain_size_px(ZOOMS[0])[0])
        wx, wy = (pos[0] - mr.x) / f, (pos[1] - mr.y) / f
        h = layout_for(ZOOMS[0]).point_to_hex(wx, wy)
        if self.session.scenario.map.contains(h):
            self.cam.center_on(h)

    # --- map clicks -----------------------------------------------------------------------

    def units_at(self, h: Hex) -> list:
        return sorted(
            (u for u in self.view.units.values() if u.hex == h and u.status == ACTIVE), key=lambda u: (u.side != self.side, u.id)
        )

    def click_hex(self, h: Hex) -> Action | None:
        """A click on the map: select, move, pick attackers or open the odds preview, by phase."""
        v = self.view
        side = self.side
        here = self.units_at(h)
        own = [u for u in here if u.side == side]
        enemy = [u for u in here if u.side != side]
        if self.can_act and self.phase == "movement":
            sel = self.marks.selected
            if sel is not None and h in self.marks.reach and v.units.get(sel) is not None and v.units[sel].side == side:
                return Move(side, sel, h)  # type: ignore[arg-type]
        if self.can_act and self.phase == "combat":
            if enemy:
                self.open_attack(h)
                return None
            if own:
                return self._pick_attackers(own)
        if here:
            self._select(own or here)
        else:
            self.marks.selected = None
            self._compute_reach()
        return None

    def _can_attack(self) -> set[str]:
        """Own units that could join some attack now (adjacent to a known enemy, or artillery in
        range of one), from the engine's legal attacks in this seat's view."""
        key = (self.session.version, self.side)
        hit = self.cache.get("can_attack")
        if hit is None or hit[0] != key:
            units: set[str] = set()
            for a in legal_actions(self.view, self.side or ""):
                if isinstance(a, Attack):
                    units.update(a.units)
            hit = (key, units)
            self.cache["can_attack"] = hit  # type: ignore[assignment]
        return hit[1]  # type: ignore[return-value]

    def _pick_attackers(self, own: list) -> None:
        """A click on an own hex in the combat phase: the whole stack joins the attackers (those
        that can fight); a second click on the same stack takes it out again. A unit that cannot
        attack is selected and the reason is said, never left out silently."""
        fresh = [u for u in own if not u.acted]
        if not fresh:
            self._select(own)
            self.toast("These units have already fought this phase")
            return None
        able = self._can_attack()
        ids = [u.id for u in fresh if u.id in able]
        names = self.view.scenario.setup
        if not ids:
            self._select(fresh)
            who = ", ".join(names(u.id).name for u in fresh[:2]) + (" …" if len(fresh) > 2 else "")
            self.toast(
                f"{who} cannot attack now: no enemy unit you can see is next to this hex "
                "(artillery: none within range). Only adjacent units, and artillery in range, join an attack.",
                6.0,
                (255, 200, 120),
            )
            return None
        if all(i in self.marks.attackers for i in ids):
            self.marks.attackers.difference_update(ids)
            self.marks.selected = ids[0]
            return None
        self.marks.attackers.update(ids)
        self.marks.selected = ids[0]
        left = [u for u in fresh if u.id not in able]
        if left:
            self.toast(f"{names(left[0].id).name} cannot attack from here now: no enemy it could reach", 5.0)
        return None

    def _select(self, units: list) -> None:
        ids = [u.id for u in units]
        cur = self.marks.selected
        self.marks.selected = ids[(ids.index(cur) + 1) % len(ids)] if cur in ids else ids[0]
        self.scroll = 0
        self._compute_reach()

    # --- attacks --------------------------------------------------------------------------

    def open_attack(self, target: Hex) -> None:
        """Open the odds preview for a known enemy hex with the engine's eligible attackers."""
        side = self.side
        assert side is not None
        legal = [a for a in legal_actions(self.view, side) if isinstance(a, Attack) and a.target == target]
        if not legal:
            self.toast(
                "None of your units can attack that hex now (adjacent units, or artillery in range, that have not fought)", 6.0
            )
            return
        cands = legal[0].units
        chosen = {u for u in self.marks.attackers if u in cands} or set(cands)
        out = sorted(u for u in self.marks.attackers if u not in cands and u in self.view.units)
        if out:  # picked, but not next to this hex (nor artillery in range): say so, never drop silently
            names = ", ".join(self.view.scenario.setup(u).name for u in out[:3]) + (" …" if len(out) > 3 else "")
            self.toast(
                f"Not in this attack: {names} — not adjacent to hex {target[0]},{target[1]} and not artillery in range",
                7.0,
                (255, 200, 120),
            )
        self.attack = AttackPlan(target, cands, chosen, camera=(self.cam.x, self.cam.y), picked=set(chosen))
        self.marks.target = target
        self.modal = "attack"
        self._place_preview()
        self._update_preview()

    def preview_rect(self) -> pygame.Rect:
        """Where the odds preview stands: on the left of the map, or on the right when the target
        could not be panned out from under it (the map's west edge)."""
        mr = self.map_rect
        r = pygame.Rect(0, 0, min(760, max(560, mr.w - 250), mr.w - 20), min(600, mr.h - 20))  # a strip stays free
        r.centery = mr.centery
        if self.attack is not None and self.attack.panel_right:
            r.right = mr.right - 10
        else:
            r.left = mr.x + 10
        return r

    def _place_preview(self) -> None:
        """Pan so that the target sits in the open strip beside the preview, never under it: the
        preview on the left, or on the right when the map's west edge stops the camera, or (a map
        smaller than the window) the camera past its usual margin. Cancel puts the camera back."""
        a = self.attack
        if a is None:
            return
        mr = self.map_rect
        px, py = self.cam.layout.hex_to_point(a.target)
        for right, clamp in ((False, True), (True, True), (False, False)):
            a.panel_right = right
            pr = self.preview_rect()
            free = (mr.x, pr.left) if right else (pr.right, mr.right)
            self.cam.x = px - ((free[0] + free[1]) / 2 - mr.x)
            self.cam.y = py - mr.h / 2
            if clamp:
                self.cam.clamp()
            sx = self.cam.hex_center(a.target)[0] + mr.x
            if free[0] + self.cam.size <= sx <= free[1] - self.cam.size:
                return

    def _update_preview(self) -> None:
        a = self.attack
        if a is None:
            return
        a.preview, a.error = None, None
        if not a.chosen:
            a.error = "Choose at least one unit"
            return
        try:
            a.preview = combat.combat_outcomes(self.view, self.side or "", a.target, tuple(sorted(a.chosen)))
        except IllegalAction as e:
            a.error = str(e)
        except Exception as e:  # a preview must never take the game down
            a.error = f"no preview: {e}"

    # --- commands (buttons and keys) -------------------------------------------------------

    def command(self, key: str) -> Action | list[Action] | None:
        """Buttons and keys by name; orders only when this seat may act."""
        side = self.side
        if key == "close":
            if self.modal in ("popup", None) and self.popups:
                self.popups.pop(0)
                if not self.popups:
                    self.modal = None
            else:
                self.modal = None
            self.scroll = 0
            return None
        if key == "cancel":
            self.disarm()
            if self.modal == "popup":
                return self.command("close")
            if self.modal == "result":
                self.modal = "result_seen"  # as "Look at the map": the menu has the report and the way out
                return None
            if self.modal and self.modal != "result_seen":
                if self.modal == "attack" and self.attack is not None and self.attack.camera is not None:
                    self.cam.x, self.cam.y = self.attack.camera  # back to where the player was looking
                    self.cam.clamp()
                self.modal = None
                self.attack = None
                self.marks.target = None
            elif self.card is not None:
                self.card = None
            elif self.marks.selected or self.marks.attackers:
                self.marks.selected = None
                self.marks.attackers.clear()
                self._compute_reach()
            elif self.docked:
                self.docked = None
            return None
        if key == "menu":
            self.modal = "menu"
            return None
        if key == "resume":
            self.modal = None
            return None
        if key == "to_menu":
            self.wants_menu = True
            return None
        if key == "quit_game":
            self.quit_requested = True
            return None
        if key == "result_map":
            self.modal = "result_seen"
            return None
        if key in ("pbem", "aar"):
            self.wants = key
            if self.modal == "menu":
                self.modal = None
            return None
        if key == "save":
            try:
                p = self.session.save()
                self.toast(f"Saved: {p}", 5.0)
            except OSError as e:
                self.toast(f"Could not save: {e}", 8.0, (255, 120, 100))
            if self.modal == "menu":
                self.modal = None
            return None
        if key in ("help", "sources", "victory"):
            self.modal = None if self.modal == key else key
            self.scroll = 0
            return None
        if key.startswith("overlay:"):
            ov = key.split(":", 1)[1]
            self.marks.overlay = None if self.marks.overlay == ov else ov
            return None
        if key.startswith("panel:"):
            p = key.split(":", 1)[1]
            self.docked = None if self.docked == p else p
            self.scroll = 0
            self.disarm()
            return None
        if key == "zoom_in":
            self.cam.set_zoom(self.cam.zoom + 1)
            return None
        if key == "zoom_out":
            self.cam.set_zoom(self.cam.zoom - 1)
            return None
        if key == "center":
            u = self.view.units.get(self.marks.selected or "")
            if u is not None and u.hex is not None:
                self.cam.center_on(u.hex)
            return None
        if key == "next_unit":
            return self._next_unit()
        if key.startswith("select:"):
            uid = key.split(":", 1)[1]
            u = self.view.units.get(uid)
            if u is not None:
                self.marks.selected = uid
                self._compute_reach()
                if u.hex is not None and not self.map_rect.inflate(-60, -60).collidepoint(
                    self.cam.hex_center(u.hex)[0] + self.map_rect.x, self.cam.hex_center(u.hex)[1] + self.map_rect.y
                ):
                    self.cam.center_on(u.hex)
            return None
        if key == "card_close":
            self.card = None
            return None
        if key == "popup_skip":
            self.popups.clear()
            self.modal = None
            return None
        # --- orders: only for the seat whose turn it is --------------------------------------
        if not self.can_act or side is None:
            if key in ("end_phase", "undo", "attack_commit") or key.startswith(("air_", "supply_", "combat_act")):
                self.toast("It is not your turn to act", 3.0)
            return None
        if key == "end_phase":
            self.marks.selected = None
            self.marks.attackers.clear()
            self.attack = None
            if self.modal == "attack":
                self.modal = None
            self.disarm()
            return EndPhase(side)
        if key == "undo":
            if self.session.undo(side):
                self.toast("Move taken back", 2.5)
                _ = self.view
            else:
                self.toast("Nothing to undo: only moves that used no dice and revealed nothing can be taken back", 5.0)
            return None
        if key.startswith("toggle_att:") and self.attack is not None:
            uid = key.split(":", 1)[1]
            if uid in self.attack.chosen:
                self.attack.chosen.discard(uid)
            elif uid in self.attack.candidates:
                self.attack.chosen.add(uid)
            self._update_preview()
            return None
        if key == "attack_all" and self.attack is not None:
            a = self.attack
            a.chosen = set(a.candidates) if a.chosen != set(a.candidates) else set(a.picked or a.candidates[:1])
            self._update_preview()
            return None
        if key == "attack_commit":
            a = self.attack
            if a is None or a.preview is None:
                return None
            p = a.preview
            self.estimates[(side, a.target, self.session.state.turn)] = Estimate(
                p.odds, tuple((m.name, m.applies_to, m.factor) for m in p.modifiers)
            )
            self.modal = None
            self.attack = None
            self.marks.target = None
            self.marks.attackers.clear()
            return Attack(side, a.target, tuple(sorted(a.chosen)))
        if key == "attack_cancel":
            return self.command("cancel")
        if key.startswith("air_"):
            return self._air_command(key)
        if key.startswith("supply_act:") or key.startswith("combat_act:"):
            return self._indexed_action(key)
        if key.startswith("route:"):
            _, dep, op = key.split(":", 2)
            return self.route_actions(dep, op) or None  # type: ignore[return-value]
        return None

    def _next_unit(self) -> None:
        v = self.view
        own = [u for u in v.units.values() if u.side == self.side and u.status == ACTIVE]
        if self.phase == "movement":
            own = [u for u in own if u.mp > movement.EPS] or own
        elif self.phase == "combat":
            own = [u for u in own if not u.acted] or own
        if not own:
            return None
        ids = [u.id for u in own]
        cur = self.marks.selected
        nxt = ids[(ids.index(cur) + 1) % len(ids)] if cur in ids else ids[0]
        return self.command(f"select:{nxt}")

    # --- air and supply panels ------------------------------------------------------------

    def air_units(self) -> list:
        v = self.view
        return [a for a in v.air_units.values() if a.side == self.side and a.aircraft > 0]

    def air_choices(self, unit_id: str) -> tuple[list[str], list[tuple[str, str]]]:
        """Missions a unit may fly and the targets of a mission: [(id, name)]."""
        v = self.view
        au = v.air_units.get(unit_id)
        if au is None:
            return [], []
        missions = list(air.ROLE_MISSIONS.get(air.role(v, au), ()))
        m = self.airpick.mission if self.airpick.mission in missions else (missions[0] if missions else None)
        if m == "airfield_strike":
            targets = [(f.id, f.name) for f in sorted(v.scenario.airfields.values(), key=lambda f: f.id) if f.side != self.side]
        else:
            targets = [(z.id, z.name) for z in v.scenario.air_zones]
        return missions, targets

    def air_closed(self) -> str | None:
        """Why no air order can be given now (None: they can)."""
        if not self.can_act:
            return "Orders are given in your air phase: it is not your turn to act"
        if self.phase != "air":
            return f"Air orders are given in the air phase; it is over for this turn (now: {self.view.phase.name or self.phase})"
        if self.view.night:
            return "Night: no flying this turn"
        return None

    def last_air_orders(self) -> list[tuple[str, str, str, int]]:
        """This side's air orders as they stood at the end of the last turn that had any (unit,
        mission, target, aircraft), from the session's record of our own actions."""
        s = self.session
        side = self.side
        if side is None:
            return []
        marks = [0] + [th["action"] for th in s.turn_hashes]
        for k in range(len(marks) - 1, 0, -1):  # the turns before this one, newest first
            orders: dict[tuple[str, str, str], int] = {}
            for d in s.actions[marks[k - 1] : marks[k]]:
                if d.get("kind") != AssignAir.kind or d.get("side") != side:
                    continue
                o = (str(d.get("unit")), str(d.get("mission")), str(d.get("target")))
                n = int(d.get("aircraft", 0) or 0)
                if n <= 0:
                    orders.pop(o, None)  # withdrawn
                else:
                    orders[o] = orders.get(o, 0) + n
            if orders:
                return [(*o, n) for o, n in orders.items()]
        return []

    def repeat_air_orders(self) -> list[Action]:
        """The last turn's orders again, for the units that can still fly them: each an ordinary
        AssignAir the engine checks, cut to the aircraft free now; orders already given this turn
        are not doubled. Cached per game version (the air panel asks every frame)."""
        key = (self.session.version, id(self.session.state), self.side)
        hit = self.cache.get("air_repeat")
        if hit is None or hit[0] != key:
            hit = (key, self._repeat_air_orders())
            self.cache["air_repeat"] = hit  # type: ignore[assignment]
        return list(hit[1])  # type: ignore[arg-type]

    def _repeat_air_orders(self) -> list[Action]:
        v = self.view
        side = self.side or ""
        given = {(o["unit"], o["mission"], o["target"]) for o in v.air_orders.get(side, [])}
        free: dict[str, int] = {}
        out: list[Action] = []
        for unit, mission, target, n in self.last_air_orders():
            au = v.air_units.get(unit)
            if au is None or au.side != side or (unit, mission, target) in given:
                continue
            if mission not in air.ROLE_MISSIONS.get(air.role(v, au), ()):
                continue
            if mission == "airfield_strike":
                f = v.scenario.airfields.get(target)
                if f is None or f.side == side:
                    continue
            elif target not in v.air.get("control", {}):
                continue
            left = free.setdefault(unit, air.available(v, au))
            k = min(n, left)
            if k <= 0:
                continue
            free[unit] = left - k
            out.append(AssignAir(side, unit, mission, target, k))
        return out

    def _air_command(self, key: str) -> Action | list[Action] | None:
        v = self.view
        p = self.airpick
        why = self.air_closed()
        if why is not None:  # never send the engine an order it must refuse: say why in words
            self.toast(why, 5.0, (255, 200, 120))
            return None
        name, _, arg = key.partition(":")
        if name == "air_repeat":
            acts = self.repeat_air_orders()
            if not acts:
                self.toast("Nothing to repeat: no order of last turn can be flown again now", 4.0)
                return None
            self.toast(f"Last turn's orders given again: {len(acts)} (Withdraw takes any back)", 4.0)
            p.count = 0
            return acts
        if name == "air_unit":
            au = v.air_units.get(arg)
            if au is None:
                return None
            p.unit = arg
            missions, targets = self.air_choices(arg)
            p.mission = p.mission if p.mission in missions else (missions[0] if missions else None)
            p.target = p.target if p.target in [t for t, _ in targets] else (targets[0][0] if targets else None)
            p.count = air.available(v, au)
        elif name == "air_mission" and p.unit:
            p.mission = arg
            _, targets = self.air_choices(p.unit)
            if p.target not in [t for t, _ in targets]:
                p.target = targets[0][0] if targets else None
        elif name == "air_target":
            p.target = arg
        elif name == "air_count" and p.unit:
            au = v.air_units.get(p.unit)
            free = air.available(v, au) if au else 0
            try:
                p.count = max(1, min(free, p.count + int(arg)))
            except ValueError:
                pass
        elif name == "air_withdraw" and self.side:
            unit, mission, target = (arg.split("|") + ["", "", ""])[:3]
            if any((o["unit"], o["mission"], o["target"]) == (unit, mission, target) for o in v.air_orders.get(self.side, [])):
                if p.unit == unit:
                    p.count = 0  # the free count changes: pick it again
                return AssignAir(self.side, unit, mission, target, 0)  # 0 aircraft: withdraw the order
        elif name == "air_assign":
            if p.unit and p.mission and p.target and p.count > 0 and self.side:
                a = AssignAir(self.side, p.unit, p.mission, p.target, p.count)
                p.count = 0
                return a
        return None

    # --- railhead truck shares ---------------------------------------------------------------

    def railhead_shares(self) -> tuple[int, dict[str, int], dict[str, int]]:
        """Trucks on the railhead road, the route weights of the active depots, and the trucks each
        depot gets: the engine splits the trucks in proportion to the weights (supply.split)."""
        v = self.view
        side = self.side or ""
        if side not in v.logistics:
            return 0, {}, {}
        total = supply.trucks_alive(v, side)["railhead"]
        active = sorted(d.id for d in v.depots.values() if d.side == side and d.status == "active")
        weights = {d: max(0, int(v.logistics[side].routes.get(d, 0))) for d in active}
        return total, weights, supply.split(total, weights)

    SHARE_STEP = 0.1  # "less" and "more" move a depot's share by a tenth of the trucks

    def route_actions(self, depot: str, op: str) -> list[Action]:
        """The railhead orders that give ``depot`` a new share (none, less, more, all): weights are
        set so that they add up to the trucks on the road, each weight then is that depot's trucks.
        Every order is a RouteTrucks the engine checks as any other (0 <= weight <= trucks)."""
        side = self.side
        total, weights, got = self.railhead_shares()
        if not self.can_act or side is None or self.phase != "supply" or depot not in weights or total <= 0:
            return []
        wsum = sum(weights.values())
        cur = got[depot] / total if wsum > 0 else 0.0
        target = {"none": 0.0, "all": 1.0, "less": cur - self.SHARE_STEP, "more": cur + self.SHARE_STEP}.get(op)
        if target is None:
            return []
        mine = max(0, min(total, round(target * total)))
        others = [d for d in weights if d != depot]
        if not others:
            mine = total  # the only depot: every truck goes there whatever is asked
        rest = total - mine
        base = {d: weights[d] for d in others}
        if sum(base.values()) <= 0:
            base = dict.fromkeys(others, 1)
        new = {depot: mine} | (supply.split(rest, base) if others else {})
        if sum(new.values()) <= 0:
            return []
        # raise first, lower after: the engine refuses an order that would leave every truck idle
        order = sorted(new, key=lambda d: (new[d] <= weights.get(d, 0), d))
        return [RouteTrucks(side, "railhead", d, new[d]) for d in order if new[d] != weights.get(d, 0)]

    def indexed_actions(self) -> list[Action]:
        """The supply-phase (or bridge-blowing) choices, as the engine lists them."""
        if not self.can_act or self.phase not in ("supply", "combat"):
            return []
        acts = legal_actions(self.view, self.side or "")
        if self.phase == "supply":
            return [a for a in acts if isinstance(a, (RouteTrucks, DestroyDepot, OpenDepot))]
        return [a for a in acts if isinstance(a, DestroyCrossing)]

    def _indexed_action(self, key: str) -> Action | None:
        try:
            i = int(key.split(":", 1)[1])
        except ValueError:
            return None
        acts = self.indexed_actions()
        if not 0 <= i < len(acts):
            return None
        a = acts[i]
        if isinstance(a, (DestroyDepot, DestroyCrossing)) and not self.armed(key):
            self.disarm()
            self.confirm = key
            self.confirm_until = time.monotonic() + self.CONFIRM_SECS
            self.toast("Click again to confirm: this cannot be undone", self.CONFIRM_SECS, (255, 200, 120), tag="confirm")
            return None
        self.disarm()
        return a

    CONFIRM_SECS = 4.0  # a 'blow up' waits this long for its second click (as long as its toast)
