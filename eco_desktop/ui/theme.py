"""Colours, icons and small drawing helpers shared by the widgets."""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QStyle


@lru_cache(maxsize=64)
def chip_icon(color: str, size: int = 12) -> QIcon:
    """A rounded colour chip (kind colour) for tables, lists and legends."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(color))
    painter.setPen(QColor(color).darker(130))
    painter.drawRoundedRect(QRectF(1, 1, size - 2, size - 2), 3, 3)
    painter.end()
    return QIcon(pixmap)


def app_icon() -> QIcon:
    pixmap = QPixmap(64, 64)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    for i, color in enumerate(("#1f77b4", "#2ca02c", "#9467bd")):
        painter.setBrush(QColor(color))
        painter.drawEllipse(QRectF(6 + i * 14, 10 + (i % 2) * 18, 26, 26))
    painter.end()
    return QIcon(pixmap)


_THEME_ICONS = {
    "new": ("document-new", QStyle.StandardPixmap.SP_FileIcon),
    "open": ("document-open", QStyle.StandardPixmap.SP_DialogOpenButton),
    "save": ("document-save", QStyle.StandardPixmap.SP_DialogSaveButton),
    "duplicate": ("edit-copy", QStyle.StandardPixmap.SP_FileDialogNewFolder),
    "delete": ("edit-delete", QStyle.StandardPixmap.SP_TrashIcon),
    "undo": ("edit-undo", QStyle.StandardPixmap.SP_ArrowBack),
    "redo": ("edit-redo", QStyle.StandardPixmap.SP_ArrowForward),
    "export": ("document-export", QStyle.StandardPixmap.SP_DialogSaveButton),
    "import": ("document-import", QStyle.StandardPixmap.SP_DialogOpenButton),
    "trash": ("user-trash", QStyle.StandardPixmap.SP_TrashIcon),
    "restore": ("edit-undo", QStyle.StandardPixmap.SP_DialogResetButton),
    "clear": ("edit-clear", QStyle.StandardPixmap.SP_DialogResetButton),
    "help": ("help-contents", QStyle.StandardPixmap.SP_DialogHelpButton),
    "about": ("help-about", QStyle.StandardPixmap.SP_MessageBoxInformation),
    "views": ("bookmark-new", QStyle.StandardPixmap.SP_DirIcon),
    "map": ("applications-internet", QStyle.StandardPixmap.SP_DriveNetIcon),
    "refresh": ("view-refresh", QStyle.StandardPixmap.SP_BrowserReload),
    "check": ("dialog-ok", QStyle.StandardPixmap.SP_DialogApplyButton),
}


def icon(name: str) -> QIcon:
    """A toolbar icon: the desktop theme's when there is one, else Qt's standard pixmap."""
    theme_name, fallback = _THEME_ICONS[name]
    themed = QIcon.fromTheme(theme_name)
    if not themed.isNull():
        return themed
    return QApplication.style().standardIcon(fallback)
