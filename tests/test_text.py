"""Folding: examples, and its fast paths agree with the table + decomposition path."""
import re

import pytest

from eco_desktop import text
from eco_desktop.text import fold, words


def reference_fold(value: str) -> str:
    """The general path alone: translate table, then per-character decomposition."""
    if not value:
        return ""
    value = value.translate(text._TABLE)
    value = "".join(text._slow_fold_char(ch) if ord(ch) > 127 else ch for ch in value)
    return re.sub(r"[^0-9a-z]+", " ", value.lower()).strip()


@pytest.mark.parametrize("value, folded", [
    ("Courtabœuf — Thérapie GÉNIQUE", "courtaboeuf therapie genique"),
    ("CELLECTIS S.A.", "cellectis s a"),
    ("  l'été  à  Évry-Courcouronnes ", "l ete a evry courcouronnes"),
    ("Straße Øresund Łódź", "strasse oresund lodz"),
    ("ﬁlière ½", "filiere 1 2"),
    ("Paris–Saclay", "paris saclay"),
    ("e\u0301tude", "etude"),            # already decomposed
    ("α-thérapie", "therapie"),           # other scripts: a separator
    ("", ""),
    (None, ""),
])
def test_examples(value, folded):
    assert fold(value) == folded


def test_fast_paths_agree_with_the_general_path_for_every_character():
    for cp in range(0x80, 0x3000):
        ch = chr(cp)
        for value in (ch, f"Ab{ch}cD", f"é{ch}", f"{ch}\u0301x"):
            assert fold(value) == reference_fold(value), (hex(cp), value)


def test_words():
    assert words("Thérapie génique, ARNm") == ["therapie", "genique", "arnm"]


def test_windows_1252_text_folds_as_the_general_path_does():
    import random
    alphabet = bytes(range(32, 256)).decode("cp1252", errors="ignore") + "  \t\n"
    rnd = random.Random(1252)
    for _ in range(3000):
        value = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 40)))
        assert fold(value) == reference_fold(value), value
    french = "L’œuvre « Thérapie génique » — 2ᵉ édition… Ça coûte 3 € ; naïf ½ ÉVRY-COURCOURONNES"
    assert fold(french) == reference_fold(french) == \
        "l oeuvre therapie genique 2e edition ca coute 3 naif 1 2 evry courcouronnes"
