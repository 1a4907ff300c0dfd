"""The rules core never imports pygame: only game/ui/ may (it is the only pygame user)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

GAME = Path(__file__).resolve().parents[1] / "game"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_pygame_import_outside_ui():
    offenders = [
        str(p.relative_to(GAME.parent))
        for p in GAME.rglob("*.py")
        if "ui" not in p.relative_to(GAME).parts[:1] and "pygame" in _imports(p)
    ]
    assert offenders == []
    assert len(list(GAME.rglob("*.py"))) > 10  # the scan really looked at the package


def test_importing_the_core_does_not_load_pygame():
    modules = [
        p.relative_to(GAME.parent).with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__")
        for p in GAME.rglob("*.py")
        if "ui" not in p.relative_to(GAME).parts[:1]
    ]
    code = "import sys\n" + "".join(f"import {m}\n" for m in sorted(modules)) + "print('pygame' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=GAME.parent, check=True)
    assert out.stdout.strip() == "False"
