"""How one value becomes a spreadsheet cell, for every file the app writes for a user.

Display values (:func:`local_datetime`, :func:`as_date`, :func:`as_int`…) and the safety
rules (:func:`clean_text`, :func:`set_safe_value`, :func:`csv_safe`, which links are made):
see the choices in :mod:`eco_desktop.export`, which exports the public three.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE


def local_datetime(value: Any) -> datetime | None:
    """ISO 8601 (UTC when no offset) -> naive datetime in the computer's local time."""
    if not value:
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        try:
            dt = datetime.fromisoformat(str(value))
        except ValueError:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone().replace(tzinfo=None, microsecond=0)


def as_date(value: Any) -> date | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def as_int(value: Any) -> int | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def as_float(value: Any) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def yes_no(value: Any) -> str:
    return "oui" if value else "non"


def text_or_none(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


#: What Excel reads as the start of a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HTTP_URL = re.compile(r"^https?://[^\s/?#@]+(?:[/?#]\S*)?\Z", re.I)
_BARE_DOMAIN = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:[/?#]\S*)?\Z", re.I)
_EMAIL_RE = re.compile(r"^[^@\s:/<>\"']+@[^@\s:/<>\"']+\.[^@\s:/<>\"']+\Z")


#: The most characters an Excel cell holds.
CELL_MAX_CHARS = 32767
# XML (hence xlsx) cannot hold these control characters, and a lone surrogate cannot be
# encoded at all: either makes openpyxl or the zip writer raise in the middle of a file.
UNWRITABLE = re.compile(ILLEGAL_CHARACTERS_RE.pattern + "|[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """``text`` as a spreadsheet cell can hold it: control characters XML refuses removed,
    lone surrogates replaced by U+FFFD, at most :data:`CELL_MAX_CHARS` characters."""
    if UNWRITABLE.search(text):
        text = UNWRITABLE.sub(lambda m: "" if m.group() < "\ud800" else "\ufffd", text)
    return text[:CELL_MAX_CHARS]


def set_safe_value(cell, value: Any) -> None:
    """Store ``value`` in an openpyxl cell (normal or write-only) the way every export does.

    A string is always a text cell, even when it starts with ``= + - @``, a tab or a CR or
    reads like an error code (OWASP CSV injection: never a formula), and is passed through
    :func:`clean_text`, so record text can neither run in Excel nor make the writer raise.
    Other values (numbers, dates, None) are stored as openpyxl stores them.
    """
    if isinstance(value, str):
        # The value setter would turn "=…" into a formula and "#N/A" into an error:
        # the type is forced back to text after it.
        cell.value = clean_text(value)
        cell.data_type = "s"
    else:
        cell.value = value


def web_target(value: str) -> str | None:
    """The hyperlink target of a website value, or None when it must stay plain text.

    Only http(s) URLs, and bare domains ("www.exemple.fr", linked as https), are linked;
    "javascript:…", "file:…", "ftp://…" and anything with spaces stay plain text.
    """
    if _HTTP_URL.match(value):
        return value
    if _BARE_DOMAIN.match(value):
        return "https://" + value
    return None


def mail_target(value: str) -> str | None:
    value = value.strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    return "mailto:" + value if _EMAIL_RE.match(value) else None


def csv_safe(value: str) -> str:
    """``value`` for an Excel-flavoured CSV cell: prefixed with ``'`` when Excel would read it
    as a formula (OWASP CSV injection), then passed through :func:`clean_text`."""
    value = clean_text(value)
    return "'" + value if value.startswith(FORMULA_START) else value
