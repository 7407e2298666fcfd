"""Text folding shared by search, matching, sorting and de-duplication.

fold("Courtabœuf — Thérapie GÉNIQUE") == "courtaboeuf therapie genique"

Folding runs on every searchable text and every sort key, so the common cases are fast
paths: ASCII text goes through one byte table, and so does text Windows-1252 can encode
(French: accents, typographic quotes and dashes) when each of its characters folds to one
character; other accented Latin letters are decomposed (NFKD) and their combining marks
dropped. Anything else (ligatures such as œ, dashes,
other scripts) goes through a precomputed ``str.translate`` table, then per-character
Unicode decomposition. All paths give the same result.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

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


# Combining diacritical marks (U+034F, the grapheme joiner, is not one: it has no
# combining class and folds to a space).
_DIACRITICS = re.compile("[\u0300-\u034e\u0350-\u036f]+")
# ASCII bytes -> folded: digits and lower case kept, upper case lowered, the rest a space.
ASCII_FOLD_TABLE = bytes(c if 48 <= c <= 57 or 97 <= c <= 122 else c + 32 if 65 <= c <= 90 else 32
                     for c in range(256))


def _fold_ascii(text: str) -> str:
    return b" ".join(text.encode("ascii").translate(ASCII_FOLD_TABLE).split()).decode("ascii")


def _one_folded_byte(byte: int) -> int:
    """The ASCII byte a Windows-1252 character folds to; _SPELT_OUT when it folds to
    something else than one character (œ -> "oe", ½ -> "1 2") or is not a character."""
    try:
        ch = bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return _SPELT_OUT
    folded = "".join(_slow_fold_char(c) if ord(c) > 127 else c for c in ch.translate(_TABLE))
    folded = _NON_WORD.sub(" ", folded.lower())
    return ord(folded) if len(folded) == 1 else _SPELT_OUT


# Windows-1252 bytes -> folded ASCII (most French text: accents, ’, –, «»), one byte each.
_SPELT_OUT = 0x80
CP1252_FOLD_TABLE = bytes(_one_folded_byte(b) for b in range(256))


def fold(text: str | None) -> str:
    """Lower case, ligatures expanded, accents removed, punctuation to single spaces."""
    if not text:
        return ""
    text = str(text)
    if text.isascii():
        return _fold_ascii(text)
    try:
        folded = text.encode("cp1252").translate(CP1252_FOLD_TABLE)
    except UnicodeEncodeError:
        pass
    else:
        if _SPELT_OUT not in folded:
            return b" ".join(folded.split()).decode("ascii")
    # Accented Latin letters decompose to ASCII + combining marks (most French text);
    # ligatures and typographic apostrophes do not, and are spelt out first.
    quick = text
    for char, spelt in _LIGATURES.items():
        if char in quick:
            quick = quick.replace(char, spelt)
    quick = _DIACRITICS.sub("", unicodedata.normalize("NFKD", quick))
    if quick.isascii():
        return _fold_ascii(quick)
    text = text.translate(_TABLE)
    if not text.isascii():
        text = "".join(_slow_fold_char(ch) if ord(ch) > 127 else ch for ch in text)
    return _NON_WORD.sub(" ", text.lower()).strip()


def words(text: str | None) -> list[str]:
    return fold(text).split()


# What SQLite cannot take in a text: NUL (C strings end there) and lone surrogates (not
# encodable in UTF-8, so binding them raises UnicodeEncodeError).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> str:
    """``text`` without NUL and with each lone surrogate replaced by U+FFFD (a surrogate
    pair, as a JSON decoder may leave it, becomes its character)."""
    if not _UNSTORABLE.search(text):
        return text
    return text.replace("\x00", "").encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def stored_text(value: Any) -> str:
    """A text given to the catalogue as it stores it: a string, stripped, storable. The
    one cleaning of every text field the catalogue's API takes (store.py, calls.py)."""
    if type(value) is not str:
        value = "" if value is None else str(value)
    return storable(value).strip()
