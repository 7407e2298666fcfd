"""Text folding shared by search, matching, sorting and de-duplication.

fold("Courtabœuf — Thérapie GÉNIQUE") == "courtaboeuf therapie genique"

Folding runs on every searchable text and every sort key, so the common case (Latin
letters) goes through one precomputed ``str.translate`` table; only text that is
still not ASCII afterwards pays for Unicode decomposition.
"""
from __future__ import annotations

import re
import unicodedata

_LIGATURES = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ﬁ": "fi", "ﬂ": "fl",
              "’": "'", "ʼ": "'", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l"}
_NON_WORD = re.compile(r"[^0-9a-z]+")


def _slow_fold_char(ch: str) -> str:
    if ch in _LIGATURES:
        return _LIGATURES[ch]
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


# Latin-1 Supplement, Latin Extended-A/B and common punctuation, precomputed.
_TABLE = {cp: _slow_fold_char(chr(cp)) for cp in range(0x80, 0x250)}
_TABLE.update({ord(k): v for k, v in _LIGATURES.items()})
_TABLE.update({cp: " " for cp in range(0x2000, 0x2070)})  # typographic spaces, dashes, quotes


def fold(text: str | None) -> str:
    """Lower case, ligatures expanded, accents removed, punctuation to single spaces."""
    if not text:
        return ""
    text = str(text).translate(_TABLE)
    if not text.isascii():
        text = "".join(_slow_fold_char(ch) if ord(ch) > 127 else ch for ch in text)
    return _NON_WORD.sub(" ", text.lower()).strip()


def words(text: str | None) -> list[str]:
    return fold(text).split()
