"""What a feature may use of the window (ui/host.py): the window provides it all, and the
features use nothing else of it."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import eco_desktop.ui as ui
from eco_desktop.ui.host import WindowHost

UI = Path(ui.__file__).parent
FEATURE_PACKAGES = ("map", "dashboard", "calls", "exporting", "importing", "safety", "followups", "custom_fields", "sync")
# What a feature may call on the window as a QWidget (the parent of its dialogs).
WIDGET_API = {"addAction", "installEventFilter"}


def host_members() -> set[str]:
    tree = ast.parse((UI / "host.py").read_text(encoding="utf-8"))
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "WindowHost")
    names = {n.name for n in cls.body if isinstance(n, ast.FunctionDef)}
    names |= {n.target.id for n in cls.body if isinstance(n, ast.AnnAssign)}
    return names


def test_the_window_provides_every_member_of_the_host(window):
    missing = [name for name in host_members() if not hasattr(window, name)]
    assert not missing, missing
    assert set(window.features) == set(FEATURE_PACKAGES)


def test_features_use_only_the_host_of_the_window():
    allowed = host_members() | WIDGET_API
    # `self.window.x`, `window.x`, `w.x` and `self.window_.x` in the features' modules
    pattern = re.compile(r"(?<![.\w])(?:self\.window_?|window_?|w)\.([A-Za-z_]\w*)(?!\w*\s+import)")
    found = []
    for package in FEATURE_PACKAGES:
        for path in sorted((UI / package).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for name in pattern.findall(line):
                    if name not in allowed:
                        found.append(f"{path.relative_to(UI)}:{number}: window.{name}")
    assert not found, "\n".join(found)
