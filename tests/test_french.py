"""French numbers, counted words and dates (eco_desktop/french.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from eco_desktop import french
from eco_desktop.french import count, number, plural


@pytest.mark.parametrize("n, expected", [
    (0, "0"), (7, "7"), (999, "999"), (1000, "1\u202f000"), (1234, "1\u202f234"),
    (100000, "100\u202f000"), (1234567, "1\u202f234\u202f567"), (-1234, "-1\u202f234"),
])
def test_thousands_are_grouped_by_a_narrow_no_break_space(n, expected):
    assert number(n) == expected


def test_zero_and_one_take_the_singular():
    assert [count(n, "acteur") for n in (0, 1, 2)] == ["0 acteur", "1 acteur", "2 acteurs"]
    assert count(1234, "acteur") == "1\u202f234 acteurs"


def test_a_plural_form_is_used_as_given():
    assert count(3, "acteur éligible ajouté", "acteurs éligibles ajoutés") == "3 acteurs éligibles ajoutés"
    assert count(1, "acteur éligible ajouté", "acteurs éligibles ajoutés") == "1 acteur éligible ajouté"
    assert plural(2, "travail", "travaux") == "travaux" and plural(1, "travail", "travaux") == "travail"
    assert plural(5, "non localisé") == "non localisés"


@pytest.mark.parametrize("day, expected", [
    (dt.date(2026, 12, 2), "2 décembre 2026"), (dt.date(2025, 3, 1), "1er mars 2025"),
    (dt.date(2024, 2, 29), "29 février 2024"), (dt.date(2025, 8, 15), "15 août 2025"),
    (dt.datetime(2025, 1, 31, 23, 59), "31 janvier 2025"),
])
def test_a_date_is_written_in_words_with_the_first_as_an_ordinal(day, expected):
    assert french.date(day) == expected
