"""docs/RULES.md carries the rule numbers exactly as the ruleset has them."""

from __future__ import annotations

from pathlib import Path

from game.rulestext import BEGIN, END, block
from game.scenario.loader import SCENARIO_DIR, load_ruleset

DOC = Path(__file__).resolve().parents[1] / "docs" / "RULES.md"


def test_rules_doc_matches_ruleset():
    rules, _, problems = load_ruleset(SCENARIO_DIR / "ruleset.yaml")
    assert problems == [] and rules is not None
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    assert text[start:end] == block(rules), "run: python main.py rules --update docs/RULES.md"
    # the prose explains each system
    for word in ("## Combat", "## Supply by truck", "## Air superiority", "odds preview", "interdiction"):
        assert word in text
