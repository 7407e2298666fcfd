"""What the calls' screens share: the statuses' and states' colours, a status pill, bold titles."""
from __future__ import annotations


from PySide6.QtCore import QDate
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel

from ... import vocab


STATUSES = vocab.SHORTLIST_STATUSES
STATES = vocab.CALL_STATES
# Status -> (background, text) of its pill: calm for "to do", green for success, grey for out.
STATUS_COLORS: dict[str, tuple[str, str]] = {
    "to_contact": ("#e8eef7", "#1f4e79"),
    "contacted": ("#fff1d6", "#7a4d00"),
    "applied": ("#e4f1fb", "#0b5394"),
    "selected": ("#dcf2e0", "#1e6b2e"),
    "not_selected": ("#f3e3e3", "#8a2b2b"),
    "excluded": ("#ececec", "#555555"),
}
STATE_COLORS = {"preparing": "#7a4d00", "open": "#1e6b2e", "closed": "#555555", "archived": "#8a8a8a"}
NO_DATE = QDate(2000, 1, 1)  # the QDateEdit minimum, shown as "non fixée"
BACKGROUND_THRESHOLD = 2000  # more actors than this: the write runs in a worker thread


def status_pill(status: str, count: int | None = None) -> QLabel:
    background, colour = STATUS_COLORS[status]
    text = STATUSES[status] if count is None else f"{STATUSES[status]} : {count}"
    label = QLabel(text)
    label.setObjectName(f"count_{status}")
    label.setStyleSheet(f"QLabel {{ background: {background}; color: {colour}; border-radius: 9px;"
                        f" padding: 2px 9px; font-weight: 600; }}")
    return label


def bold(font: QFont, scale: float = 1.0) -> QFont:
    out = QFont(font)
    out.setBold(True)
    if scale != 1.0 and out.pointSizeF() > 0:
        out.setPointSizeF(out.pointSizeF() * scale)
    return out
