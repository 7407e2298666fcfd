"""Text folding shared by search, matching and de-duplication.

fold("Courtabœuf — Thérapie GÉNIQUE") == "courtaboeuf therapie genique"
"""
from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({
    "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ﬁ": "fi", "ﬂ": "fl",
    "’": "'", "ʼ": "'",
})
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str | None) -> str:
    """Lower case, ligatures expanded, accents removed, punctuation to single spaces."""
    if not text:
        return ""
    text = str(text).translate(_LIGATURES)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower()
    return _NON_WORD.sub(" ", text).strip()


def words(text: str | None) -> list[str]:
    return fold(text).split()
