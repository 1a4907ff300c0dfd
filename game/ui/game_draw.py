"""The game screen, drawn in layers: map, HUD, docked panels, then at most one modal window.
Nothing of a seat's view is drawn while a hot-seat hand-off is pending."""

from __future__ import annotations

import pygame

from game.ui import dialogs, hud, panels, theme
from game.ui.game_mode import BLOCKING, GameMode
from game.ui.widgets import side_name

__all__ = ["draw", "side_name"]


def draw(m: GameMode, screen: pygame.Surface) -> None:
    """One frame of the game screen; also records this frame's buttons for the next click."""
    m.hits.clear()
    screen.fill(theme.BG)
    if m.session.needs_handoff():  # defence in depth: never draw a seat's view before hand-off
        return
    view = m.view
    m.tidy()
    if m.popups and m.modal in (None, "popup"):
        m.modal = "popup"  # first: what is drawn below (the combat card) waits behind a pop-up
    m.marks.zones = m.docked == "air"
    m.marks.avoid = m.panel_rect if m.docked else None  # last frame's panel: labels keep out of it
    m.marks.spot = None
    if m.docked == "supply" and m.depot_hover is not None:
        m.marks.spot = m.depot_hover  # type: ignore[assignment]
    m.panel_rect = None
    m.mapview.draw(screen, m.map_rect, m.cam, view, m.marks)
    hud.top_bar(m, screen)
    hud.side_panel(m, screen)
    if m.docked == "air":
        panels.air_panel(m, screen)
    elif m.docked == "supply":
        panels.supply_panel(m, screen)
    panels.combat_extras(m, screen)
    hud.legend(m, screen)
    hud.tooltip(m, screen)
    hud.toasts(m, screen)
    hud.combat_card(m, screen)
    if m.modal in BLOCKING:
        m.hits.clear()  # a window is open: only its own buttons answer clicks, nothing behind it
    if m.modal == "attack":
        dialogs.attack_modal(m, screen)
    elif m.modal == "popup" and m.popups:
        dialogs.popup(m, screen)
    elif m.modal == "sources":
        dialogs.sources(m, screen)
    elif m.modal == "help":
        dialogs.help_dialog(m, screen)
    elif m.modal == "menu":
        dialogs.menu(m, screen)
    elif m.modal == "victory":
        dialogs.victory(m, screen)
    elif m.modal == "result":
        dialogs.result(m, screen)
    hud.ai_indicator(m, screen)
