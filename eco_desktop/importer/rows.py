"""A row of the file as an import candidate, and what every row builder shares.

A :class:`Candidate` whose ``errors`` is empty holds in ``data`` an actor dict that
``Catalogue.create_actor`` accepts, or for a contacts import a contact dict for
``Catalogue.add_contact`` plus, in ``link``, what identifies its organisation. Empty
fields are left out of ``data`` (so the store's defaults apply and a merge never mistakes
them for values). :class:`RowBuilder` reads a field's text from its columns (joined, or
the column that wins: eco_desktop/fields.py) and turns a value that cannot be kept into a
warning, or into an error when the import is strict.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from stdnum.fr import siren as siren_module
from stdnum.fr import siret as siret_module

from .. import validate
from ..validate import Issue
from .cleaning import (PLACEHOLDER_STARTS, checked_email, checked_phone, clean_text, is_placeholder_date,
                       valued_text)
from .mapping import JOINS, header_key
from .values import is_placeholder

@dataclass
class Candidate:
    """One row of the file, ready to be applied (or not, when ``errors`` is not empty)."""

    row_number: int
    data: dict[str, Any]
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    link: dict[str, Any] = field(default_factory=dict)   # contacts: their organisation
    unmatched: dict[str, list[str]] = field(default_factory=dict)  # field -> raw values
    # Fields filled by a default (default_kind, source) rather than by the file: an
    # overwrite of an existing actor should leave them out.
    defaults: set[str] = field(default_factory=set)
    # Why the kind was proposed (« code NAF 72.11Z »…), "" when the file or the default gave it.
    proposed: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def messages(self) -> list[str]:
        """'ligne 12 : …' lines, errors first."""
        return [f"ligne {self.row_number} : {i.message}" for i in self.errors + self.warnings]


class RowBuilder:
    """What the actor and contact builders share: a field's text from its columns."""

    def __init__(self, headers: list[str], by_field: dict[str, list[int]], strict: bool):
        self.header_keys = [header_key(h) for h in headers]
        self.by_field = by_field
        self.strict = strict
        # Fields read from one column as they are, and fields that need cell().
        self._single = [(name, indexes[0]) for name, indexes in by_field.items()
                        if len(indexes) == 1]
        self._several = [name for name in by_field if name not in dict(self._single)]

    def cell(self, row: list[str], name: str) -> str:
        """The field's text: joined over its columns, or the first non-empty one in the
        order the columns win (mapping.PRECEDENCE). A placeholder is empty."""
        indexes = self.by_field.get(name)
        if not indexes:
            return ""
        separator = JOINS.get(name)
        if separator is not None:
            parts = [valued_text(row[i]) for i in indexes if i < len(row)]
            return separator.join(p for p in parts if p)
        for i in indexes:
            if i < len(row):
                text = valued_text(row[i])
                if text:
                    return text
        return ""

    def cells(self, row: list[str]) -> defaultdict[str, str]:
        """Every mapped field's text; an unmapped or empty field reads as ""."""
        out: defaultdict[str, str] = defaultdict(str)
        width = len(row)
        for name, i in self._single:
            if i < width:
                text = row[i]
                if text:
                    text = text.strip()
                    if text[:1] == "'":
                        text = clean_text(text)
                    if text and (text[0] not in PLACEHOLDER_STARTS or not is_placeholder(text)):
                        out[name] = text
        for name in self._several:
            text = self.cell(row, name)
            if text:
                out[name] = text
        return out

    def dropped(self, candidate: Candidate, name: str, message: str) -> None:
        """A value that cannot be kept: a warning (the field is left empty), or an error."""
        if self.strict:
            candidate.errors.append(Issue(name, "error", message))
        else:
            candidate.warnings.append(Issue(name, "warning", message + " Valeur ignorée."))

    def dated(self, candidate: Candidate, name: str, text: str, parse, message: str) -> None:
        """``parse(text)`` (None when it is no date) into ``candidate.data[name]``, or
        ``message`` dropped; an empty text or a placeholder date (SIRENE's 1900-01-01)
        says nothing."""
        if not text or is_placeholder_date(text):
            return
        value = parse(text)
        if value is None:
            self.dropped(candidate, name, message)
        else:
            candidate.data[name] = value


def precheck(data: dict, rest: dict, validator=validate.validate_actor) -> list[Issue]:
    """Check e-mail, phone, SIRET and SIREN once (e-mail and phone libraries cost ~0.2 ms a
    call): normalise ``data`` in place and blank those fields in ``rest``, the dict given to
    the validator. An invalid value gets the validator's own message."""
    issues: list[Issue] = []
    suspects: dict[str, str] = {}
    for name, check in (("email", checked_email), ("phone", checked_phone)):
        if name in data:
            value, ok = check(data[name])
            data[name] = value
            rest[name] = ""
            if not ok:
                suspects[name] = value
    siret, siren = data.get("siret", ""), data.get("siren", "")
    if siret or siren:
        siret_ok = not siret or siret_module.is_valid(siret)
        siren_ok = not siren or siren_module.is_valid(siren)
        if siret_ok and siren_ok and (not siret or not siren or siret[:9] == siren):
            rest["siret"] = rest["siren"] = ""
    for name, value in suspects.items():
        probe = {"name": "-", "last_name": "-", name: value}
        issues += [i for i in validator(probe) if i.field == name]
    return issues


def without_empty(data: dict) -> dict:
    """Empty values ("", [], None) left out: they say nothing, and a merge must not take
    them for values; booleans stay."""
    return {k: v for k, v in data.items() if v or v == 0}  # 0, 0.0 and False are values


def clear(data: dict, name: str) -> None:
    if name in ("position", "lat", "lon"):
        data["lat"] = data["lon"] = None
        data["geo_precision"] = ""
    elif name in data:
        data[name] = [] if isinstance(data[name], list) else (None if name == "founded" else "")
