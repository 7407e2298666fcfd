"""What identifies a record for the duplicate rules: its name key, its numbers, its SIRET and SIREN.

A name key is the name folded (accents, case, punctuation), without legal forms, its
tokens sorted: « CELLECTIS », « Cellectis » and « Cellectis SA » are one key. Names
holding other numbers are other organisations, and two records whose identifiers
conflict are two establishments.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from ...text import ASCII_FOLD_TABLE, fold

LEGAL_FORMS = frozenset({"sa", "sas", "sasu", "sarl", "se", "sca", "gie", "gmbh", "ltd",
                         "inc", "eurl", "snc", "scop", "llc", "plc"})
_LEGAL_BYTES = frozenset(form.encode("ascii") for form in LEGAL_FORMS)


def _merge_letters(tokens: list, empty: Any) -> list:
    """"s a s" (from "S.A.S.") -> "sas": runs of one-letter tokens joined."""
    merged: list = []
    run: list = []
    for token in tokens + [empty]:
        if len(token) == 1:
            run.append(token)
            continue
        if len(run) > 1:
            merged.append(empty.join(run))
        else:
            merged.extend(run)
        run = []
        if token:
            merged.append(token)
    return merged


def name_key(name: str | None) -> str:
    """Folded name without legal forms, tokens sorted: 'Cellectis S.A.' -> 'cellectis'."""
    if not name:
        return ""
    text = name if type(name) is str else str(name)
    if text.isascii():  # most names: folded and sorted as bytes, same result
        tokens = text.encode("ascii").translate(ASCII_FOLD_TABLE).split()
        if not tokens:
            return ""
        if min(map(len, tokens)) == 1:
            tokens = _merge_letters(tokens, b"")
        if not _LEGAL_BYTES.isdisjoint(tokens):
            tokens = [t for t in tokens if t not in _LEGAL_BYTES] or tokens
        tokens.sort()
        return b" ".join(tokens).decode("ascii")
    tokens = fold(text).split()
    if any(len(t) == 1 for t in tokens):
        tokens = _merge_letters(tokens, "")
    kept = [t for t in tokens if t not in LEGAL_FORMS]
    return " ".join(sorted(kept or tokens))


def name_keys(names: Sequence[Any], known: Mapping[str, str] | None = None) -> list[str]:
    """name_key() of each name; ``known``: name -> key already worked out (the rows'
    names, for the actors of a file imported again)."""
    if not known:
        return list(map(name_key, names))
    try:
        keys = list(map(known.get, names))
    except TypeError:  # an unhashable name
        return list(map(name_key, names))
    for i, (name, key) in enumerate(zip(names, keys)):
        # Only a text name is known by value: 1 == 1.0 == True, their keys differ.
        if key is None or type(name) is not str:
            keys[i] = name_key(name)
    return keys


def conflicting(a: tuple[str, str] | None, b: tuple[str, str] | None) -> bool:
    """Whether two (SIRET, SIREN) say the records are different establishments: two
    SIRETs that differ (two sites of one firm, two stores of a chain) or two SIRENs that
    differ (two firms). Such records are never duplicates, whatever their names."""
    if a is None or b is None:
        return False
    return bool(a[0] and b[0] and a[0] != b[0] or a[1] and b[1] and a[1] != b[1])


_DIGITS = re.compile(r"[0-9]+")


@lru_cache(maxsize=65536)
def numbers_of(key: str) -> tuple[str, ...]:
    return tuple(_DIGITS.findall(key))


def repeated(keys: list[str], first: dict[str, int]) -> dict[str, list[int]]:
    """name key -> the records with it, for the keys of more than one record (``first``:
    key -> first record with it)."""
    if len(first) + (1 if "" in keys else 0) == len(keys):
        return {}
    out: dict[str, list[int]] = {}
    for key, count in Counter(keys).items():
        if count > 1 and key:
            out[key] = []
    for i, key in enumerate(keys):
        if key in out:
            out[key].append(i)
    return out
