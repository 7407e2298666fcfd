"""Which column of an imported table feeds which field: automatic guess, JSON, corrections.

Headers are compared folded (accents, case and punctuation ignored, spaces removed), so
"N° SIRET", "siret" and "Numéro SIRET" are one name, and SIRENE's camelCase names
("codePostalEtablissement") are recognised as they are.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import fields
from ..errors import UserError, os_error_text
from ..text import fold

KINDS = ("actors", "contacts")


def _headers(table: tuple[fields.Field, ...]) -> dict[str, tuple[str, ...]]:
    """field -> the header names an import recognises for it (see eco_desktop.fields):
    a column's own label first, so that export -> import round-trips."""
    return {f.key: tuple(dict.fromkeys((f.label, *f.headers))) if f.column else f.headers
            for f in table}


# field -> header names (any spelling; folded before use), in the order of the mapping step.
ACTOR_FIELDS: dict[str, tuple[str, ...]] = _headers(fields.ACTOR_IMPORT)
CONTACT_FIELDS: dict[str, tuple[str, ...]] = _headers(fields.CONTACT_IMPORT)
FIELDS = {"actors": ACTOR_FIELDS, "contacts": CONTACT_FIELDS}
_IMPORTED = fields.ACTOR_IMPORT + fields.CONTACT_IMPORT

# French labels of the fields, for the mapping editor and messages.
FIELD_LABELS: dict[str, str] = fields.IMPORT_LABELS

# Fields several columns may feed together -> the separator of their cells (Field.join).
# Any other field fed by several columns takes one cell: see PRECEDENCE.
JOINS: dict[str, str] = {f.key: f.join for f in _IMPORTED if f.join}
JOINED_FIELDS = frozenset(JOINS)

# Which column wins when several feed one field, best first (Field.wins), and why, in
# French, for the mapping step of the wizard (Field.why).
PRECEDENCE: dict[str, tuple[str, ...]] = {f.key: f.wins for f in _IMPORTED if f.wins}
PRECEDENCE_REASONS: dict[str, str] = {f.key: f.why for f in _IMPORTED if f.why}


def _rank_keys() -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for name, headers in PRECEDENCE.items():
        out[name] = {("*" if h == "*" else header_key(h)): rank for rank, h in enumerate(headers)}
    return out


def ranked_columns(field_name: str, headers: list[str], columns: list[int]) -> list[int]:
    """``columns`` (those mapped to ``field_name``) in the order they win (PRECEDENCE);
    file order for a joined field or a field without precedence."""
    ranks = _RANKS.get(field_name)
    if not ranks or field_name in JOINED_FIELDS or len(columns) < 2:
        return sorted(columns)
    other = ranks["*"]

    def rank(index: int) -> tuple[int, int]:
        header = headers[index] if index < len(headers) else ""
        return ranks.get(header_key(header), other), index

    return sorted(columns, key=rank)

_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NUMBER_PREFIX = re.compile(r"^(?:n|no|num|numero)\s+(?=\w)")


def header_key(header: str | None) -> str:
    """Folded form of a header used for matching: 'N° SIRET' -> 'siret'."""
    key = fold(header)
    key = _NUMBER_PREFIX.sub("", key)
    return key.replace(" ", "")


def _loose_key(header: str | None) -> str:
    """Second chance: without bracketed remarks ('Téléphone (standard)') or '*' marks."""
    return header_key(_PARENS.sub(" ", str(header or "")))


def _index(kind: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, synonyms in FIELDS[kind].items():
        for synonym in synonyms:
            out.setdefault(header_key(synonym), name)
        out.setdefault(header_key(name), name)
    return out


_INDEXES = {kind: _index(kind) for kind in KINDS}
_RANKS = _rank_keys()
# Alias columns whose text stands in for a missing name (an establishment's enseigne).
NAME_STAND_INS = frozenset(header_key(h) for h in (
    "enseigne1Etablissement", "enseigne2Etablissement", "enseigne3Etablissement",
    "denominationUsuelleEtablissement", "Enseigne", "Nom commercial", "Nom usuel",
    "Enseigne de l'établissement", "Enseigne ou nom de l'exploitation"))


def field_for_header(header: str | None, kind: str = "actors") -> str | None:
    """The field a header names, or None."""
    _check_kind(kind)
    index = _INDEXES[kind]
    key = header_key(header)
    if not key:
        return None
    if key in index:
        return index[key]
    loose = _loose_key(header)
    return index.get(loose) if loose else None


def is_known_header(header: str | None) -> bool:
    """True when the header names a field of any kind of import (header-row detection)."""
    return any(field_for_header(header, kind) for kind in KINDS)


def auto_map(headers: list[str], kind: str = "actors") -> dict[int, str]:
    """Column index -> field for the headers that name a known field."""
    _check_kind(kind)
    out: dict[int, str] = {}
    for index, header in enumerate(headers):
        name = field_for_header(header, kind)
        if name:
            out[index] = name
    return out


# What only a file of people has (their consent), and what only a file of organisations
# has: a contacts file names its organisation, never its NAF code or creation year.
_CONTACT_SIGNS = frozenset({"first_name", "civility", "consent", "opt_out", "basis_date",
                            "role"})
_PRIVACY_SIGNS = frozenset({"consent", "opt_out", "basis_date"})
_ORGANISATION_SIGNS = frozenset({"naf", "size", "founded", "kind", "status", "x_lambert",
                                 "domains", "activities", "holder_last_name"})
_HEAD_KEYS = frozenset(header_key(h) for h in
                       fields.HEAD_FIRST_NAMES + fields.HEAD_LAST_NAMES + fields.HEAD_ROLES)


def detect_kind(headers: list[str]) -> str:
    """"contacts" when the rows are people: first name, civility, consent… beside a
    person's name or e-mail. A file of organisations that also names a person per row —
    the head of each lab (RNSR), each laureate (i-Lab) — stays "actors": it has what
    identifies organisations (NAF, creation, type of structure…), or its only people are
    heads of the row's organisation (« Nom du lauréat ») beside the organisation's name."""
    people = auto_map(headers, "contacts")
    found = set(people.values())
    if not (found & _CONTACT_SIGNS and found & {"last_name", "email"}):
        return "actors"
    if found & _PRIVACY_SIGNS:
        return "contacts"
    organisation = set(auto_map(headers, "actors").values())
    if organisation & _ORGANISATION_SIGNS:
        return "actors"
    persons = [i for i, f in people.items() if f in ("first_name", "last_name", "role")]
    if "name" in organisation and persons and all(
            header_key(headers[i]) in _HEAD_KEYS for i in persons):
        return "actors"
    return "contacts"


def _check_kind(kind: str) -> None:
    if kind not in FIELDS:
        raise ValueError(f"unknown import kind {kind!r}")


@dataclass
class Mapping:
    """Column index -> field for one table, with the headers it was made for."""

    headers: list[str]
    kind: str = "actors"
    columns: dict[int, str] = field(default_factory=dict)
    # custom fields: the catalogue's fields ({"custom.KEY": label}) and the columns
    # feeding them (index -> "custom.KEY"), apart from ``columns``, which prepare() reads
    custom_targets: dict[str, str] = field(default_factory=dict)
    custom_columns: dict[int, str] = field(default_factory=dict)

    def add_custom(self, definitions: list[dict], *, auto: bool = True) -> None:
        """Offer the catalogue's custom fields as targets (``custom.KEY``); with ``auto``,
        map every column not mapped yet whose header is a field's label (with or without
        its unit in brackets, as the export writes it) or key."""
        self.custom_targets = {f"custom.{f['key']}": f["label"] for f in definitions}
        if not auto:
            return
        names = {}
        for f in definitions:
            for name in (f["label"], f["key"], f"{f['label']} ({f['unit']})" if f["unit"] else ""):
                if name:
                    names.setdefault(header_key(name), f"custom.{f['key']}")
        for index, header in enumerate(self.headers):
            if index in self.columns or index in self.custom_columns:
                continue
            target = names.get(header_key(header)) or names.get(_loose_key(header))
            if target:
                self.custom_columns[index] = target

    @classmethod
    def auto(cls, headers: list[str], kind: str = "actors", custom: list[dict] = ()) -> "Mapping":
        """The automatic mapping; ``custom``: the catalogue's custom fields of the kind."""
        mapping = cls(list(headers), kind, auto_map(headers, kind))
        mapping.add_custom(list(custom))
        return mapping

    # -- corrections ------------------------------------------------------------------

    def set(self, column: int | str, field_name: str | None) -> None:
        """Map a column (index or header text) to a field, or unmap it with None."""
        index = self._column_index(column)
        self.custom_columns.pop(index, None)  # custom fields
        if field_name in self.custom_targets:
            self.columns.pop(index, None)
            self.custom_columns[index] = field_name
            return
        if field_name in (None, ""):
            self.columns.pop(index, None)
            return
        if field_name not in FIELDS[self.kind]:
            raise UserError(f"Le champ « {field_name} » n'existe pas pour cet import.")
        self.columns[index] = field_name

    def _column_index(self, column: int | str) -> int:
        if isinstance(column, int):
            if not 0 <= column < len(self.headers):
                raise IndexError(column)
            return column
        key = header_key(column)
        for index, header in enumerate(self.headers):
            if header == column or (key and header_key(header) == key):
                return index
        raise UserError(f"La colonne « {column} » n'existe pas dans le fichier.")

    # -- queries ------------------------------------------------------------------------

    def fields(self) -> set[str]:
        return set(self.columns.values())

    def columns_for(self, field_name: str) -> list[int]:
        return sorted(i for i, f in self.columns.items() if f == field_name)

    def unmapped_headers(self) -> list[str]:
        return [h for i, h in enumerate(self.headers)
                if h and i not in self.columns and i not in self.custom_columns]  # custom fields

    def ranked(self, field_name: str) -> list[int]:
        """The columns mapped to a field, in the order they win (see PRECEDENCE)."""
        return ranked_columns(field_name, self.headers, self.columns_for(field_name))

    def precedence_note(self, column: int) -> str:
        """For a column sharing its field with others, the French sentence saying when it
        is taken (« prioritaire », « utilisée si … est vide », « réunie avec … »); ""
        for a column alone on its field or unmapped. For the mapping step of the wizard."""
        field_name = self.columns.get(column)
        if field_name is None:
            return ""
        ranked = self.ranked(field_name)
        if len(ranked) < 2:
            return ""
        others = ", ".join(f"« {self.headers[i]} »" for i in ranked if i != column)
        if field_name in JOINED_FIELDS:
            return f"réunie avec {others}"
        position = ranked.index(column)
        reason = PRECEDENCE_REASONS.get(field_name, "")
        if position == 0:
            note = f"prioritaire sur {others}"
        else:
            before = ", ".join(f"« {self.headers[i]} »" for i in ranked[:position])
            note = f"utilisée si {before} {'est vide' if position == 1 else 'sont vides'}"
        return f"{note} ({reason})" if reason else note

    def require_name(self) -> None:
        """Raise a UserError when no column gives what identifies a row."""
        if self.kind == "actors":
            if not self.fields() & {"name", "holder_last_name"} and not any(
                    f == "aliases" and header_key(self.headers[i]) in NAME_STAND_INS
                    for i, f in self.columns.items()):
                raise UserError(
                    "Aucune colonne ne correspond au nom de l'acteur (« Nom », « Raison "
                    "sociale », « Dénomination »…) : indiquez-la dans la correspondance "
                    "des colonnes.")
        elif not self.fields() & {"last_name", "email"}:
            raise UserError(
                "Aucune colonne ne correspond au nom ou à l'e-mail du contact (« Nom », "
                "« E-mail »…) : indiquez-la dans la correspondance des colonnes.")

    # -- JSON ----------------------------------------------------------------------------

    def to_json(self) -> dict:
        """{"kind": ..., "columns": {"Header text": "field"}} (unmapped columns left out)."""
        return {"kind": self.kind,
                "columns": {self.headers[i]: f for i, f in sorted({**self.columns, **self.custom_columns}.items())}}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.dumps() + "\n", encoding="utf-8")

    @classmethod
    def from_json(cls, data: dict, headers: list[str], kind: str = "actors",
                  auto: bool = True, custom: list[dict] = ()) -> "Mapping":
        """Apply ``{"columns": {"Header": "field" | null}}`` over the automatic mapping.

        With ``auto=False`` only the listed columns are mapped.
        """
        if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
            raise UserError("Le fichier de correspondance doit contenir un objet « columns » "
                            "associant chaque en-tête de colonne à un champ.")
        kind = data.get("kind", kind)
        _check_kind(kind)
        if auto:
            mapping = cls.auto(headers, kind, custom)
        else:
            mapping = cls(list(headers), kind)
            mapping.add_custom(list(custom), auto=False)  # custom fields
        for header, field_name in data["columns"].items():
            mapping.set(str(header), field_name)
        return mapping

    @classmethod
    def load(cls, path: str | Path, headers: list[str], kind: str = "actors",
             auto: bool = True, custom: list[dict] = ()) -> "Mapping":
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise UserError(f"Le fichier de correspondance « {path} » n'existe pas.") from None
        except OSError as exc:
            raise UserError(f"Le fichier de correspondance « {path.name} » n'a pas pu être lu : "
                            f"{os_error_text(exc)}.") from None
        except UnicodeDecodeError:
            raise UserError(f"Le fichier de correspondance « {path.name} » n'est pas un JSON lisible "
                            "(il n'est pas encodé en UTF-8).") from None
        except json.JSONDecodeError as exc:  # its msg is English: only its position is said
            raise UserError(f"Le fichier de correspondance « {path.name} » n'est pas un JSON lisible "
                            f"(erreur ligne {exc.lineno}, colonne {exc.colno}).") from None
        return cls.from_json(data, headers, kind, auto=auto, custom=custom)
