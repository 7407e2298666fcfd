"""French numbers and counted words (eco_desktop/french.py)."""
from __future__ import annotations

import pytest

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
