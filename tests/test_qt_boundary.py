"""Only the window (eco_desktop/ui/) imports Qt: the core, the CLI, the import and the
export run without it. Every module is read with ast, imports inside functions included.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "eco_desktop"
QT = ("PySide6", "shiboken6")
# The benchmark's window probe (bench/gui_probe.py) drives the window through
# ui/offscreen.py: no exception.
ALLOWED: set[str] = set()


def _qt_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [name for name in names if name.split(".")[0] in QT]
    return found


def test_only_the_window_imports_qt():
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("ui/") or relative in ALLOWED:
            continue
        if imports := _qt_imports(path):
            offenders[relative] = imports
    assert offenders == {}


def test_the_allowed_module_still_needs_its_exception():
    for relative in ALLOWED:
        assert _qt_imports(PACKAGE / relative), f"{relative} no longer imports Qt: drop it from ALLOWED"
