"""The window's persistent settings (QSettings), for every screen that remembers something.

Its own module so that the screens need not import ``app.py``, which builds the main
window: that import went both ways."""
from __future__ import annotations

from .. import APP_NAME

ORGANISATION = "eco-desktop"


def settings():
    from PySide6.QtCore import QSettings
    return QSettings(ORGANISATION, APP_NAME)
