"""Dates as the window shows them, formatted by QLocale in French.

« 12/03/2024 » in lists and tables, « 27/11/2026 à 01:26 » for a moment, « 2 décembre
2026 » in running text and printed pages (the first of the month an ordinal, « 1er mars
2025 », which QLocale does not write). The store keeps UTC timestamps: they are shown
in the computer's local time. Text that is not a date is shown as it is.
"""
from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QDate, QDateTime, QLocale, QTime

FRENCH = QLocale(QLocale.Language.French, QLocale.Country.France)


def _qdate(day: _dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _local(value: str | _dt.datetime) -> _dt.datetime | None:
    """A stored timestamp (ISO, UTC when it says so) as local time; None if it is none."""
    if isinstance(value, str):
        try:
            value = _dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return value.astimezone() if value.tzinfo is not None else value


def long_date(day: _dt.date) -> str:
    """« 2 décembre 2026 », « 1er mars 2025 »."""
    text = FRENCH.toString(_qdate(day), "d MMMM yyyy")
    return "1er" + text[1:] if day.day == 1 else text


def day(value: str | None) -> str:
    """An ISO date (or the date part of a timestamp) as « 12/03/2024 »."""
    if not value:
        return ""
    try:
        parsed = _dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return FRENCH.toString(_qdate(parsed), "dd/MM/yyyy")


def local_day(value: str | None) -> str:
    """A stored timestamp as the local date, « 12/03/2024 »."""
    if not value:
        return ""
    moment = _local(value)
    return day(value) if moment is None else FRENCH.toString(_qdate(moment.date()), "dd/MM/yyyy")


def local_time(value: str | _dt.datetime | None, *, seconds: bool = False, joiner: str = " à ") -> str:
    """A stored timestamp (or a datetime) in local time, « 27/11/2026 à 01:26 »."""
    if not value:
        return ""
    moment = _local(value)
    if moment is None:
        return str(value)
    stamp = QDateTime(_qdate(moment.date()), QTime(moment.hour, moment.minute, moment.second))
    return FRENCH.toString(stamp, "dd/MM/yyyy'" + joiner.replace("'", "''") + "'HH:mm" + (":ss" if seconds else ""))
