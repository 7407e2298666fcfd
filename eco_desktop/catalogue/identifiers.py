"""SIREN and SIRET as people type them: « 428 859 052 », « 428.859.052.00014 ».

Folding splits such a number into words (« 428 », « 859 », « 052 ») that the index,
which holds « 428859052 », never has. This module finds, in a typed text, the runs of
digit groups separated by spaces, dots or dashes, and gives the digits to search:

- a run that joins into a valid SIREN (9 digits) or SIRET (14; python-stdnum checks the
  key, La Poste's establishments included) is that number, however it was grouped;
- a SIRET also searches its SIREN, the first nine digits, so that an actor recorded with
  its SIREN only, or with another of its establishments, is found too;
- a run still being typed in the official layout (groups of three digits, then the
  establishment's five: « 428 859 », « 428 859 052 000 ») is a prefix of one.

Other runs (« 75 013 », « 2021 2022 ») are left to the ordinary search. Each identifier
says what was typed and where, so that the caller searches its digits *beside* the words
of that run (an OR, as a synonym widens a query): a run taken for a number must not hide
the same words read as words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from .stemming import WORD_COLUMNS

SIREN_DIGITS = 9
SIRET_DIGITS = 14

# Digit groups joined by one separator: space, no-break spaces, dot, dash.
_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9]+(?:[ .\u00a0\u202f-][0-9]+)*(?![0-9A-Za-z])")
_SEPARATOR = re.compile(r"[ .\u00a0\u202f-]")


@dataclass(frozen=True)
class TypedIdentifier:
    """A number found in a typed text.

    ``kind`` is ``siren``, ``siret`` or ``prefix`` (the beginning of one, being typed);
    ``digits`` the number typed, without separators; ``typed`` as it was typed, at
    ``start``:``end`` of the text."""

    kind: str
    digits: str
    typed: str
    start: int
    end: int

    @property
    def siren(self) -> str | None:
        """The SIREN this identifier is or belongs to (None for a prefix)."""
        return self.digits[:SIREN_DIGITS] if self.kind in ("siren", "siret") else None

    def search_terms(self) -> tuple[str, ...]:
        """The digits to search, each as a prefix of an indexed number, any of them."""
        if self.kind == "siret":
            return (self.digits, self.digits[:SIREN_DIGITS])
        return (self.digits,)

    def fts(self) -> str:
        """The FTS5 expression of :meth:`search_terms` over the folded words' columns."""
        return "(" + " OR ".join(f'{WORD_COLUMNS} : "{d}"*' for d in self.search_terms()) + ")"


def _official_layout(groups: list[str]) -> bool:
    """Groups of three digits (the SIREN), then at most the five of the establishment;
    the last group may be unfinished."""
    *whole, last = groups
    if len(whole) > 3 or any(len(g) != 3 for g in whole):
        return False
    limit = 5 if len(whole) == 3 else 3
    return 1 <= len(last) <= limit


def _identifier(match: re.Match) -> TypedIdentifier | None:
    groups = _SEPARATOR.split(match.group())
    digits = "".join(groups)
    if len(digits) == SIREN_DIGITS and stdnum_siren.is_valid(digits):
        kind = "siren"
    elif len(digits) == SIRET_DIGITS and stdnum_siret.is_valid(digits):
        kind = "siret"
    elif len(groups) > 1 and _official_layout(groups):
        kind = "prefix"
    else:
        return None
    return TypedIdentifier(kind, digits, match.group(), match.start(), match.end())


def typed_identifiers(text: str | None) -> list[TypedIdentifier]:
    """The SIRENs, SIRETs and beginnings of one typed in ``text``, in order."""
    if not text:
        return []
    return [found for found in map(_identifier, _RUN.finditer(text)) if found is not None]
