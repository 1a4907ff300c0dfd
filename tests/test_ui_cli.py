"""`python main.py play ...` and the bare `python main.py`: errors are messages, not windows or tracebacks."""

from __future__ import annotations

import pytest

from game.cli import main


def test_play_with_an_unknown_scenario_or_variant_is_an_error(capsys):
    assert main(["play", "no_such_scenario"]) == 1
    assert main(["play", "test_skirmish", "--variant", "nope"]) == 1
    err = capsys.readouterr().err
    assert "no_such_scenario" in err and "nope" in err


def test_play_rejects_an_unknown_controller():
    with pytest.raises(SystemExit) as e:
        main(["play", "test_skirmish", "--soviet", "robot"])
    assert e.value.code == 2


def test_no_window_without_a_display_prints_help(capsys, monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.delenv("KG_SCREENSHOT", raising=False)
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "play" in out and "usage:" in out
