"""Follow-ups in the window (issue 21): Outils → Relances… (``relances``), the banner and
the status bar saying « 3 relances en retard » when a catalogue opens (and when the day
changes while it is open). A follow-up's fields and dialog, which the record's « Suivi »
and the calls share too, are ``ui/editor/followup.py``."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton

from ... import clock, french
from ..text_safety import set_plain
from .relances import RelancesDialog

__all__ = ["FollowupsFeature", "install"]

CHECK_EVERY_MS = 30 * 60 * 1000  # the day changes while the window stays open


def overdue_text(count: int) -> str:
    """« 3 relances en retard »."""
    return french.count(count, "relance en retard", "relances en retard")


class FollowupsFeature:
    """The « Relances » action, the banner and the count (see the module)."""

    def __init__(self, window) -> None:
        self.window = window
        self.action = QAction("Relances…", window)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.action.setToolTip("Les relances à faire, par date, et leur export iCalendar")
        self.action.triggered.connect(self.show_list)
        window.add_tools_action(self.action, separated=True)
        self.banner = QFrame()
        self.banner.setObjectName("followupBanner")
        self.banner.setStyleSheet("QFrame#followupBanner { background:#fff4e5; border-bottom:1px solid #f0c36d; }")
        self.banner_text = QLabel()
        self.banner_text.setStyleSheet("color:#663c00; font-weight:bold;")
        see = QPushButton("Voir les relances")
        see.clicked.connect(self.show_list)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Masquer ce bandeau")
        close.clicked.connect(self.dismiss)
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(10, 4, 6, 4)
        row.addWidget(self.banner_text, 1)
        row.addWidget(see)
        row.addWidget(close)
        self.banner.setVisible(False)
        window.add_banner(self.banner)
        self.dismissed_on = None  # the day the banner was dismissed: it comes back the next
        self.overdue = 0
        self.day = clock.today()
        self.timer = QTimer(window)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        window.catalogueChanged.connect(self.check)

    def check(self) -> int:
        """Count the overdue follow-ups: the banner and the status bar say how many. On a
        new day the list and the facets are refreshed (« Suivi » counts from today)."""
        catalogue = self.window.catalogue
        if clock.today() != self.day:
            self.day = clock.today()
            if catalogue is not None:
                self.window.refresh()
        self.action.setEnabled(catalogue is not None)
        self.overdue = catalogue.followup_counts()["overdue"] if catalogue is not None else 0
        if self.overdue:
            text = overdue_text(self.overdue)
            set_plain(self.banner_text, f"{text[0].upper()}{text[1:]}.")
            self.window.show_status(f"{text[0].upper()}{text[1:]} : Outils → Relances…", 15000)
        self.banner.setVisible(bool(self.overdue) and self.dismissed_on != clock.today())
        return self.overdue

    def dismiss(self) -> None:
        self.dismissed_on = clock.today()
        self.banner.setVisible(False)

    def show_list(self) -> None:
        if self.window.catalogue is None:
            return
        RelancesDialog(self.window).exec()
        self.check()


def install(window) -> FollowupsFeature:
    feature = FollowupsFeature(window)
    feature.check()
    return feature
