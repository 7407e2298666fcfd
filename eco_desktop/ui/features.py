"""The window's features: each a package of eco_desktop.ui with ``install(window)``.

``install`` gets the window as a :class:`~eco_desktop.ui.host.WindowHost` (what a
feature may use of it) and returns the feature's object, kept in ``window.features``
under the package's name. The order is the order of the tabs.
"""
from __future__ import annotations

import importlib
import linecache

FEATURES = ("map", "dashboard", "calls", "exporting", "importing", "safety", "custom_fields", "followups", "sync")


def install_all(window) -> dict[str, object]:
    """Install every feature on ``window``; their objects by name."""
    installed = {}
    for name in FEATURES:
        module = importlib.import_module(f"{__package__}.{name}")
        installed[name] = module.install(window)
    # PySide6's __feature__ check reads the source of every module imported after it
    # (inspect.getsource) and leaves it in linecache, where nobody reads it again.
    linecache.clearcache()
    return installed
