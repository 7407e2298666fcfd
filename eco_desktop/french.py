"""Numbers, counted words and dates as French writes them, for every sentence the app shows.

« 1 acteur », « 0 acteur », « 1 234 acteurs »: 0 and 1 take the singular, and
thousands are grouped by a narrow no-break space (U+202F), so that a line never breaks
inside a number. « 1er mars 2025 », « 2 décembre 2026 »: the first of the month is an
ordinal. Core code, no Qt: the CLI and the files written use it (the window formats its
dates with QLocale).
"""
from __future__ import annotations

import datetime as _dt

THOUSANDS = "\u202f"  # narrow no-break space
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")


def number(value: int) -> str:
    """12345 → « 12 345 » (narrow no-break space)."""
    return f"{value:,}".replace(",", THOUSANDS)


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """The word for ``n`` of them: ``singular`` up to 1, else ``plural_form`` (by default
    the singular with an s: give it for « travail », « bureau », or for groups of words
    such as « acteur éligible »)."""
    return singular if abs(n) <= 1 else (plural_form or singular + "s")


def count(n: int, singular: str, plural_form: str | None = None) -> str:
    """« 1 acteur », « 1 234 acteurs », « 3 acteurs retirés » (with ``plural_form``)."""
    return f"{number(n)} {plural(n, singular, plural_form)}"


def date(day: _dt.date) -> str:
    """2026-12-02 → « 2 décembre 2026 »; the first of the month → « 1er mars 2025 »."""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"
