"""Numbers and counted words as French writes them, for every sentence the app shows.

« 1 acteur », « 0 acteur », « 1 234 acteurs »: 0 and 1 take the singular, and
thousands are grouped by a narrow no-break space (U+202F), so that a line never breaks
inside a number. Core code, no Qt: the window, the CLI and the files written use it.
"""
from __future__ import annotations

THOUSANDS = "\u202f"  # narrow no-break space


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
