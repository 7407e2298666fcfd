"""Recognising one person in record text: whole words and whole values only.

A name is found only as a phrase of at least two words, compared on folded text
(case, accents, ligatures) word by word: first + last name in either order, or a
civility + last name (« Mme Quillebeuf », « M. Dupont »). A single word — a contact
called « Paris », a first name « Ana » — is never enough on its own: it would erase
communes, organisations and words that merely contain it. A compound such as
« Quillebeuf-Martin » is another name and is not matched by « Quillebeuf ».

An e-mail address is found whole, case-insensitively; a phone number in any
formatting (« 0123456789 », « 01 23 45 67 89 », « +33 1 23 45 67 89 »), by its digits.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from ...text import fold
from ...validate import normalize_phone

REDACTED = "[personne effacée]"

_TOKEN = re.compile(r"[^\W_]+")
# Between two words of one phrase: a space, a hyphen, a dot, a comma… never a line break.
_MAX_GAP = 3
_FEMININE = ("mme", "madame", "mlle", "mademoiselle")
_MASCULINE = ("m", "monsieur", "mr")
_TITLES = ("dr", "docteur", "pr", "professeur", "me", "maitre")
_EMAIL_CHARS = r"[\w.+\-]"
_PHONE_GAP = r"[\s.\-/()]{0,3}"
_MIN_PHONE_DIGITS = 6


def normalized_email(value: Any) -> str:
    return str(value or "").strip().casefold()


def normalized_phone(value: Any) -> str:
    """One form per number: E.164 for a valid number, else its digits."""
    text = str(value or "").strip()
    if not text:
        return ""
    normal = normalize_phone(text)
    if normal.startswith("+"):
        return normal
    return "".join(ch for ch in text if ch.isdigit())


def _civility_forms(civility: str) -> tuple[str, ...]:
    folded = fold(civility)
    if folded in _FEMININE:
        return _FEMININE + _TITLES
    if folded in _MASCULINE:
        return _MASCULINE + _TITLES
    return _FEMININE + _MASCULINE + _TITLES


def _phone_forms(phone: str) -> list[str]:
    """The digit strings the number can be written as (national, international, 00…)."""
    normal = normalize_phone(phone)
    if normal.startswith("+33"):
        national = normal[3:]
        return ["0" + national, "33" + national, "0033" + national, "330" + national]
    if normal.startswith("+"):
        return [normal[1:], "00" + normal[1:]]
    digits = "".join(ch for ch in phone if ch.isdigit())
    return [digits] if len(digits) >= _MIN_PHONE_DIGITS else []


class Person:
    """How one contact is recognised in text. ``skip_email``/``skip_phone``: the value is
    an organisation's own (switchboard, generic address), not this person's."""

    def __init__(self, contact: dict[str, Any], *, skip_email: bool = False, skip_phone: bool = False) -> None:
        first = fold(contact.get("first_name"))
        last = fold(contact.get("last_name"))
        phrases: set[tuple[str, ...]] = set()
        if first and last:
            phrases.add(tuple(f"{first} {last}".split()))
            phrases.add(tuple(f"{last} {first}".split()))
        if last:
            for form in _civility_forms(contact.get("civility") or ""):
                phrases.add((form, *last.split()))
        self.phrases = sorted(phrases, key=len, reverse=True)
        first_text = str(contact.get("first_name") or "").strip()
        last_text = str(contact.get("last_name") or "").strip()
        civility = str(contact.get("civility") or "").strip() or "Mme/M."
        self._described = []
        if first and last:
            self._described.append(f"« {first_text} {last_text} » (dans les deux ordres)")
        if last:
            self._described.append(f"civilité + nom (« {civility} {last_text} »)")
        self._by_first_word: dict[str, list[tuple[str, ...]]] = {}
        for phrase in self.phrases:
            self._by_first_word.setdefault(phrase[0], []).append(phrase)
        # A word every phrase contains: texts without it are skipped cheaply.
        self._anchors = {p[-1] for p in self.phrases}
        email = "" if skip_email else str(contact.get("email") or "").strip()
        self.email = email
        self._email = (re.compile(rf"(?<!{_EMAIL_CHARS}){re.escape(email)}(?!{_EMAIL_CHARS}*\w)", re.I)
                       if email else None)
        phone = "" if skip_phone else str(contact.get("phone") or "").strip()
        self.phone = phone
        forms = _phone_forms(phone) if phone else []
        self._phone = None
        if forms:
            spelled = "|".join(_PHONE_GAP.join(re.escape(d) for d in form) for form in forms)
            self._phone = re.compile(rf"(?<![\d+])\+?(?:{spelled})(?!\d)")
        self._phone_tail = forms[0][-4:] if forms else ""
        if email:
            self._described.append(email)
        if forms:
            self._described.append(f"{phone} (toutes écritures)")

    @property
    def searchable(self) -> bool:
        return bool(self.phrases or self._email or self._phone)

    def describe(self) -> list[str]:
        """What is searched, for the user (French, as the contact is spelt)."""
        return list(self._described)

    # -- finding -------------------------------------------------------------------
    def _name_spans(self, text: str) -> list[tuple[int, int]]:
        words: list[tuple[str, int, int]] = []
        for match in _TOKEN.finditer(text):
            for part in fold(match.group()).split():
                words.append((part, match.start(), match.end()))
        spans = []
        i = 0
        while i < len(words):
            found = None
            for phrase in self._by_first_word.get(words[i][0], ()):
                end = i + len(phrase)
                if end <= len(words) and all(words[i + k][0] == phrase[k] for k in range(len(phrase))) \
                        and self._tight(text, words, i, end):
                    found = end
                    break
            if found is None:
                i += 1
                continue
            spans.append((words[i][1], words[found - 1][2]))
            i = found
        return spans

    @staticmethod
    def _tight(text: str, words: list[tuple[str, int, int]], i: int, end: int) -> bool:
        for k in range(i, end - 1):
            gap = text[words[k][2]:words[k + 1][1]]
            if len(gap) > _MAX_GAP or "\n" in gap or "\r" in gap:
                return False
        start, stop = words[i][1], words[end - 1][2]
        # « Anne-Zéphyrine Quillebeuf » or « Quillebeuf-Martin » names someone else.
        if start >= 2 and text[start - 1] == "-" and text[start - 2].isalnum():
            return False
        if stop + 1 < len(text) and text[stop] == "-" and text[stop + 1].isalnum():
            return False
        return True

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the person is named in ``text``: sorted, non-overlapping (start, end)."""
        if not text:
            return []
        found: list[tuple[int, int]] = []
        if self.phrases:
            folded = fold(text)
            if any(anchor in folded for anchor in self._anchors):
                found += self._name_spans(text)
        if self._email is not None and "@" in text:
            found += [m.span() for m in self._email.finditer(text)]
        if self._phone is not None and self._phone_tail and self._phone_tail[-1] in text:
            found += [m.span() for m in self._phone.finditer(text)]
        found.sort()
        merged: list[tuple[int, int]] = []
        for start, end in found:
            if merged and start < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged

    def mentions(self, text: Any) -> bool:
        return isinstance(text, str) and bool(self.spans(text))

    def redact(self, text: str) -> str:
        spans = self.spans(text)
        if not spans:
            return text
        out, last = [], 0
        for start, end in spans:
            out += [text[last:start], REDACTED]
            last = end
        out.append(text[last:])
        return "".join(out)

    def redact_exact(self, text: str, names: Iterable[str]) -> str:
        """Also replace these exact strings (the display name quoted in a history label)."""
        text = self.redact(text)
        for name in names:
            if name:
                text = text.replace(f"« {name} »", f"« {REDACTED} »")
        return text

    def same_email(self, value: Any) -> bool:
        return bool(self.email) and normalized_email(value) == normalized_email(self.email)

    def same_phone(self, value: Any) -> bool:
        return bool(self.phone) and normalized_phone(value) == normalized_phone(self.phone)


def excerpt(text: str, spans: list[tuple[int, int]] | None = None, width: int = 40) -> str:
    """A short single-line piece of ``text`` around its first span, for the preview."""
    text = text or ""
    if spans:
        start = max(0, spans[0][0] - width)
        end = min(len(text), spans[0][1] + width)
    else:
        start, end = 0, min(len(text), 2 * width)
    piece = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + piece + ("…" if end < len(text) else "")
