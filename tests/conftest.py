"""Shared fixtures. Drawing tests need no display: SDL's dummy drivers are set before pygame."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# Speed is measured by `main.py bench`, not by tests: no per-example deadline that a loaded
# 2-core CI machine could trip; under CI the examples are derandomised so a run is repeatable.
settings.register_profile("kg", deadline=None, derandomize=bool(os.environ.get("CI")))
settings.load_profile("kg")

from game.scenario.loader import SCENARIO_DIR, load_scenario  # noqa: E402

DATA = os.path.join(os.path.dirname(__file__), "data")
UI_SIZE = (1280, 800)  # the window the UI tests draw into


@pytest.fixture
def screen(tmp_path, monkeypatch):
    """A dummy-driver window, with saves going to a temporary data dir (UI tests use it)."""
    import pygame

    monkeypatch.setenv("KG_DATA_DIR", str(tmp_path / "kgdata"))
    pygame.display.init()
    pygame.font.init()
    return pygame.display.set_mode(UI_SIZE)


@pytest.fixture(scope="session")
def skirmish():
    return load_scenario("test_skirmish")


@pytest.fixture(scope="session")
def ruleset_path():
    return SCENARIO_DIR / "ruleset.yaml"
