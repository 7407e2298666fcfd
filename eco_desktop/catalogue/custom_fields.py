"""Fields of the officers' own (« Champs personnalisés »), for actors and contacts.

A field (``custom_fields``) has an entity (``actor`` or ``contact``), a key (a slug,
what the command line and the filters name), a French label, a type (:data:`TYPES`), a
unit and a position; a « one choice » or « several choices » field has its choices
(``custom_choices``: slug, label, position), edited like a vocabulary. A record's values
are rows of ``custom_values`` (field, record id, value), one per record — one per chosen
value for « several choices » — typed as SQLite compares them: a number as a number, a
date as ISO text, yes as 1 (no is no row), a choice as its slug. Every write goes through
the backend's recorded writes: undoable, in the history, synced.

:func:`parse_value` is the one reading of a value typed or imported (French errors);
:class:`CustomFieldsMixin` is the façade's API; :mod:`.custom_query` evaluates the
Filter's ``custom`` criteria and the choice facets.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Iterable, Mapping, Sequence

from .. import french
from ..clock import now_iso
from ..errors import UserError
from ..text import fold, stored_text
from .backend import Backend

ENTITIES = {"actor": "Acteurs", "contact": "Contacts"}
#: Field type -> French name, in the order the dialog offers them.
TYPES: dict[str, str] = {
    "text": "Un texte court", "long_text": "Un texte long", "number": "Un nombre", "date": "Une date",
    "bool": "Oui ou non", "url": "Une adresse web", "choice": "Un choix", "choices": "Plusieurs choix",
}
CHOICE_TYPES = ("choice", "choices")
#: Types shown as facets (their values are few and named); numbers and dates are ranges.
FACET_TYPES = ("choice", "choices", "bool")
RANGE_TYPES = ("number", "date")
#: Types whose text is searched by the full-text box (search.py's FACETS_SQL).
TEXT_TYPES = ("text", "long_text", "url", "choice", "choices")
#: Comparisons a criterion may make, and how the description writes them.
OPERATORS = ("=", ">=", "<=", ">", "<")
_NUMBER_WORDS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}
_DATE_WORDS = {">=": "depuis le", "<=": "jusqu'au", ">": "après le", "<": "avant le"}

_YES = {"1", "oui", "o", "vrai", "x", "yes", "y", "true"}
_NO = {"0", "non", "n", "faux", "no", "false", ""}
_NUMBER = re.compile(r"^([+-]?\d+(?:[.,]\d+)?)\s*([kKmM]?)")
_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$")
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_SLUG = re.compile(r"[^a-z0-9]+")


def slug_of(label: str) -> str:
    """« Montant levé (M€) » -> ``montant_leve_m``."""
    return _SLUG.sub("_", fold(label)).strip("_") or "champ"


def _number(raw: Any, label: str) -> int | float:
    if isinstance(raw, bool):
        raise UserError(f"« {label} » attend un nombre.")
    if isinstance(raw, (int, float)):
        value = raw
    else:
        text = _SPACES.sub("", stored_text(raw)).rstrip("€%")
        match = _NUMBER.match(text)
        if match is None or match.end() != len(text):
            raise UserError(f"« {label} » attend un nombre (exemples : 1500, 2,5, 1M) : « {stored_text(raw)[:40]} ».")
        value = float(match.group(1).replace(",", "."))
        value *= {"k": 1e3, "m": 1e6}.get(match.group(2).lower(), 1)
    if value != value or value in (float("inf"), float("-inf")):
        raise UserError(f"« {label} » attend un nombre fini.")
    return int(value) if float(value).is_integer() and abs(value) < 2 ** 53 else float(value)


def _date(raw: Any, label: str) -> str:
    if isinstance(raw, _dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, _dt.date):
        return raw.isoformat()
    text = stored_text(raw)
    french_date = _FRENCH_DATE.match(text)
    partial = _PARTIAL_DATE.match(text)
    try:
        if french_date:
            day, month, year = (int(g) for g in french_date.groups())
            return _dt.date(year, month, day).isoformat()
        if partial:  # a year, or a month: its first day (« avant 2025 »)
            return _dt.date(int(partial.group(1)), int(partial.group(2) or 1), 1).isoformat()
        return _dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise UserError(f"« {label} » attend une date (AAAA-MM-JJ ou JJ/MM/AAAA) : « {text[:40]} ».") from None


def _choice(raw: Any, field: Mapping[str, Any]) -> str:
    text = stored_text(raw)
    for choice in field["choices"]:
        if text == choice["slug"] or fold(text) == fold(choice["label"]):
            return choice["slug"]
    known = ", ".join(f"« {c['label']} »" for c in field["choices"]) or "aucun choix défini"
    raise UserError(f"« {text[:40]} » n'est pas un choix de « {field['label']} » ({known}).")


def parse_value(field: Mapping[str, Any], raw: Any) -> list[Any]:
    """The stored values of ``raw`` for ``field`` (a definition as :meth:`custom_fields`
    gives it): [] for nothing (an empty cell, « non »), one value, or the chosen slugs of
    a « several choices » field. A value the type refuses raises a UserError in French."""
    kind, label = field["type"], field["label"]
    if raw is None or (isinstance(raw, (list, tuple)) and not raw):
        return []
    if kind == "choices":
        items = raw if isinstance(raw, (list, tuple)) else re.split(r"[;|\n]", stored_text(raw))
        return list(dict.fromkeys(_choice(i, field) for i in items if stored_text(i)))
    if isinstance(raw, str) and not raw.strip() and kind != "bool":
        return []
    if kind == "bool":
        if isinstance(raw, bool) or isinstance(raw, int) and raw in (0, 1):
            return [1] if raw else []
        text = fold(stored_text(raw))
        if text in _YES:
            return [1]
        if text in _NO:
            return []
        raise UserError(f"« {label} » attend oui ou non : « {stored_text(raw)[:40]} ».")
    if kind == "number":
        return [_number(raw, label)]
    if kind == "date":
        return [_date(raw, label)]
    if kind == "choice":
        return [_choice(raw, field)]
    text = stored_text(raw)
    if kind == "url":
        # (here: validate's libraries are not loaded by every command that opens a catalogue)
        from ..validate import normalize_url, validate_actor
        text = normalize_url(text)
        if any(i.field == "website" for i in validate_actor({"name": "-", "website": text}, ["website"])):
            raise UserError(f"« {label} » attend une adresse web (http:// ou https://) : « {stored_text(raw)[:60]} ».")
    elif kind == "text":
        text = " ".join(text.split())
    return [text]


def display(field: Mapping[str, Any], values: Sequence[Any]) -> str:
    """The values of one record as French text (the list's column, the CSV, the JSON of
    ``show``): labels of choices, « oui », numbers with their unit, dates as JJ/MM/AAAA."""
    if not values:
        return "non" if field["type"] == "bool" else ""
    kind = field["type"]
    if kind == "bool":
        return "oui"
    if kind in CHOICE_TYPES:
        labels = {c["slug"]: c["label"] for c in field["choices"]}
        return "; ".join(labels.get(v, str(v)) for v in values)
    if kind == "number":
        text = number_text(values[0])
        return f"{text} {field['unit']}".strip()
    if kind == "date":
        try:
            return _dt.date.fromisoformat(values[0]).strftime("%d/%m/%Y")
        except (TypeError, ValueError):
            return str(values[0])
    return str(values[0])


def number_text(value: Any) -> str:
    """1500000 -> « 1 500 000 », 2.5 -> « 2,5 » (French grouping, as display() writes it)."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".").replace(",", french.THOUSANDS).replace(".", ",")
    return french.number(int(value))


def plain(field: Mapping[str, Any], values: Sequence[Any]) -> Any:
    """The values of one record for JSON: a list for « several choices », True/False for
    yes/no, the number, the ISO date or the text, None when empty."""
    kind = field["type"]
    if kind == "choices":
        return list(values)
    if kind == "bool":
        return bool(values)
    return values[0] if values else None


def criterion_words(field: Mapping[str, Any] | None, key: str, op: str, values: Sequence[str]) -> str:
    """One criterion (or the OR of one field's « = » values) in French: « Montant levé ≥
    1 000 000 € », « Dernière visite avant le 1er janvier 2025 », « Programme : « A » ou « B » »."""
    if field is None:
        return f"Champ personnalisé supprimé « {key} » {op} " + " ou ".join(values)
    label, kind = field["label"], field["type"]
    if kind == "bool":
        return f"{label} : " + " ou ".join("oui" if v in ("1", "oui") else "non" for v in values)
    if op == "=":
        if kind in CHOICE_TYPES:
            names = {c["slug"]: c["label"] for c in field["choices"]}
            return f"{label} : " + " ou ".join(f"« {names.get(v, v)} »" for v in values)
        if kind == "number":
            return f"{label} = " + " ou ".join(display(field, [float(v)]) for v in values)
        if kind == "date":
            return f"{label} le " + " ou ".join(_date_words(v) for v in values)
        return f"{label} : " + " ou ".join(f"« {v} »" for v in values)
    value = values[0]
    if kind == "date":
        return f"{label} {_DATE_WORDS[op]} {_date_words(value)}"
    try:
        shown = display(field, [float(value)]) if kind == "number" else f"« {value} »"
    except ValueError:
        shown = value
    return f"{label} {_NUMBER_WORDS[op]} {shown}"


def _date_words(value: str) -> str:
    try:
        return french.date(_dt.date.fromisoformat(value))
    except ValueError:
        return value


class Definitions:
    """The field definitions with their choices, read once per state of the file (the
    list, the facets, the filter and the FTS refresh all ask for them)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._state: tuple[int, int] | None = None
        self._fields: list[dict[str, Any]] = []

    def all(self) -> list[dict[str, Any]]:
        """Every field by entity, position, label (the caller holds the lock)."""
        state = (self.backend.read_data_version(), self.backend.conn.total_changes)
        if state != self._state:
            choices: dict[int, list[dict[str, Any]]] = {}
            for row in self.backend.execute("SELECT * FROM custom_choices ORDER BY position, label COLLATE NOCASE"):
                choices.setdefault(row["field_id"], []).append(dict(row))
            self._fields = [{**dict(r), "choices": choices.get(r["id"], [])} for r in self.backend.execute(
                "SELECT * FROM custom_fields ORDER BY entity, position, label COLLATE NOCASE")]
            self._state = state
        return self._fields

    def of(self, entity: str) -> list[dict[str, Any]]:
        return [f for f in self.all() if f["entity"] == entity]

    def by_key(self, entity: str = "actor") -> dict[str, dict[str, Any]]:
        return {f["key"]: f for f in self.of(entity)}

    def by_id(self, field_id: int) -> dict[str, Any]:
        for f in self.all():
            if f["id"] == field_id:
                return f
        raise UserError("Ce champ personnalisé n'existe plus.")


class CustomFieldsMixin:
    """Defining custom fields and reading and writing their values (see the module).
    Relies on the façade's ``backend``, ``transaction()`` and ``custom_definitions``."""

    # ------------------------------------------------------------------ definitions
    def custom_fields(self, entity: str | None = None) -> list[dict[str, Any]]:
        """Field definitions (id, entity, key, label, type, unit, position, choices), in
        their order; every entity's when ``entity`` is None."""
        with self.backend.lock:
            found = self.custom_definitions.all() if entity is None else self.custom_definitions.of(entity)
            return [{**f, "choices": [dict(c) for c in f["choices"]]} for f in found]

    def custom_field(self, key: str, entity: str = "actor") -> dict[str, Any] | None:
        """A field by its key, or by its label typed in any case and accents."""
        with self.backend.lock:
            fields_ = self.custom_definitions.by_key(entity)
            if key in fields_:
                return fields_[key]
            for field in fields_.values():
                if fold(field["label"]) == fold(key) or slug_of(key) == field["key"]:
                    return field
            return None

    def add_custom_field(self, entity: str, label: str, kind: str, *, unit: str = "",
                         choices: Iterable[str] = (), key: str | None = None) -> int:
        if entity not in ENTITIES:
            raise UserError(f"Entité inconnue : « {entity} ».")
        if kind not in TYPES:
            raise UserError(f"Type de champ inconnu : « {kind} » (types : {', '.join(TYPES)}).")
        label = stored_text(label)
        if not label:
            raise UserError("Donnez un libellé au champ.")
        key = slug_of(stored_text(key) or label)
        backend = self.backend
        with backend.lock:
            taken = self.custom_definitions.by_key(entity)
            if key in taken or any(fold(f["label"]) == fold(label) for f in taken.values()):
                raise UserError(f"Un champ « {label} » existe déjà.")
            position = max((f["position"] for f in taken.values()), default=0) + 1
            stamp = now_iso()
            with self.transaction(f"Ajouter le champ personnalisé « {label} »"):
                field_id = backend.insert("custom_fields", {
                    "entity": entity, "key": key, "label": label, "type": kind,
                    "unit": stored_text(unit), "position": position, "created_at": stamp, "updated_at": stamp})
                if kind in CHOICE_TYPES:
                    for choice in choices:
                        self.add_custom_choice(field_id, choice)
            return field_id

    def update_custom_field(self, field_id: int, *, label: str | None = None, unit: str | None = None) -> bool:
        """Rename a field or change its unit (its key, which filters name, stays)."""
        backend = self.backend
        with backend.lock:
            field = self.custom_definitions.by_id(field_id)
            changes: dict[str, Any] = {}
            if label is not None:
                label = stored_text(label)
                if not label:
                    raise UserError("Le libellé ne peut pas être vide.")
                if any(fold(f["label"]) == fold(label) and f["id"] != field_id
                       for f in self.custom_definitions.of(field["entity"])):
                    raise UserError(f"Un champ « {label} » existe déjà.")
                changes["label"] = label
            if unit is not None:
                changes["unit"] = stored_text(unit)
            changes = {k: v for k, v in changes.items() if field[k] != v}
            if not changes:
                return False
            changes["updated_at"] = now_iso()
            what = (f"Renommer le champ « {field['label']} » en « {changes['label']} »" if "label" in changes
                    else f"Modifier le champ « {field['label']} »")
            with self.transaction(what):
                return backend.update("custom_fields", field_id, changes)

    def move_custom_field(self, field_id: int, offset: int) -> None:
        """Move a field up (-1) or down (+1) among its entity's fields."""
        backend = self.backend
        with backend.lock:
            field = self.custom_definitions.by_id(field_id)
            self._move_in_order("custom_fields", [f["id"] for f in self.custom_definitions.of(field["entity"])],
                                field_id, offset, f"Déplacer le champ « {field['label']} »")

    def custom_field_usage(self, field_id: int) -> int:
        """How many records have a value for the field."""
        with self.backend.lock:
            return self.backend.execute("SELECT count(DISTINCT row_id) FROM custom_values WHERE field_id = ?",
                                        (field_id,)).fetchone()[0]

    def delete_custom_field(self, field_id: int) -> None:
        """Delete a field with its choices and every record's value (one undo step)."""
        backend = self.backend
        with backend.lock:
            field = self.custom_definitions.by_id(field_id)
            with self.transaction(f"Supprimer le champ personnalisé « {field['label']} »"):
                for tbl in ("custom_values", "custom_choices"):
                    for (row_id,) in backend.execute(f"SELECT id FROM {tbl} WHERE field_id = ?",
                                                     (field_id,)).fetchall():
                        backend.delete(tbl, row_id)
                backend.delete("custom_fields", field_id)

    # ------------------------------------------------------------------ choices
    def add_custom_choice(self, field_id: int, label: str) -> str:
        label = stored_text(label)
        if not label:
            raise UserError("Le libellé ne peut pas être vide.")
        backend = self.backend
        with backend.lock:
            field = self.custom_definitions.by_id(field_id)
            if field["type"] not in CHOICE_TYPES:
                raise UserError(f"Le champ « {field['label']} » n'a pas de choix.")
            slugs = {c["slug"] for c in field["choices"]}
            if any(fold(c["label"]) == fold(label) for c in field["choices"]):
                raise UserError(f"Le choix « {label} » existe déjà.")
            slug, n = slug_of(label), 2
            while slug in slugs:
                slug, n = f"{slug_of(label)}_{n}", n + 1
            position = max((c["position"] for c in field["choices"]), default=0) + 1
            with self.transaction(f"Ajouter le choix « {label} » à « {field['label']} »"):
                backend.insert("custom_choices", {"field_id": field_id, "slug": slug, "label": label,
                                                  "position": position})
            return slug

    def _choice_row(self, field_id: int, slug: str) -> tuple[dict[str, Any], dict[str, Any]]:
        field = self.custom_definitions.by_id(field_id)
        for choice in field["choices"]:
            if choice["slug"] == slug:
                return field, choice
        raise UserError(f"Choix inconnu : « {slug} ».")

    def rename_custom_choice(self, field_id: int, slug: str, label: str) -> None:
        label = stored_text(label)
        if not label:
            raise UserError("Le libellé ne peut pas être vide.")
        with self.backend.lock:
            field, choice = self._choice_row(field_id, slug)
            with self.transaction(f"Renommer le choix « {choice['label']} » en « {label} »"):
                self.backend.update("custom_choices", choice["id"], {"label": label})

    def custom_choice_usage(self, field_id: int, slug: str) -> int:
        """How many records have this choice."""
        with self.backend.lock:
            return self.backend.execute("SELECT count(*) FROM custom_values WHERE field_id = ? AND value = ?",
                                        (field_id, slug)).fetchone()[0]

    def delete_custom_choice(self, field_id: int, slug: str) -> int:
        """Delete a choice, and take it from the records that have it (one undo step);
        how many they were."""
        backend = self.backend
        with backend.lock:
            field, choice = self._choice_row(field_id, slug)
            with self.transaction(f"Supprimer le choix « {choice['label']} » de « {field['label']} »"):
                used = backend.execute("SELECT id FROM custom_values WHERE field_id = ? AND value = ?",
                                       (field_id, slug)).fetchall()
                for (row_id,) in used:
                    backend.delete("custom_values", row_id)
                backend.delete("custom_choices", choice["id"])
            return len(used)

    def move_custom_choice(self, field_id: int, slug: str, offset: int) -> None:
        backend = self.backend
        with backend.lock:
            field, choice = self._choice_row(field_id, slug)
            self._move_in_order("custom_choices", [c["id"] for c in field["choices"]],
                                choice["id"], offset, f"Déplacer le choix « {choice['label']} »")

    def _move_in_order(self, table: str, order: list[int], row_id: int, offset: int, label: str) -> None:
        """Move ``row_id`` by ``offset`` places in ``order`` (ids by position) and write the
        new positions as one undo step; nothing at either end."""
        at = order.index(row_id)
        to = max(0, min(len(order) - 1, at + offset))
        if to == at:
            return
        order.insert(to, order.pop(at))
        with self.transaction(label):
            for position, other in enumerate(order, start=1):
                self.backend.update(table, other, {"position": position})

    # ------------------------------------------------------------------ values
    def custom_values(self, row_id: int, entity: str = "actor") -> dict[str, list[Any]]:
        """{key: stored values} of one record (only the fields it has values for)."""
        return self.custom_values_of([row_id], entity).get(row_id, {})

    def custom_values_of(self, row_ids: Sequence[int], entity: str = "actor") -> dict[int, dict[str, list[Any]]]:
        """{record id: {key: stored values}} of many records (the export, ``list --format json``)."""
        with self.backend.lock:
            fields_ = {f["id"]: f for f in self.custom_definitions.of(entity)}
            if not fields_ or not row_ids:
                return {}
            out: dict[int, dict[str, list[Any]]] = {}
            marks = ",".join(str(int(i)) for i in fields_)
            for row in self.backend.rows_in(
                    f"SELECT field_id, row_id, value FROM custom_values WHERE field_id IN ({marks}) "
                    "AND row_id IN ({ids}) ORDER BY id", list(row_ids)):
                out.setdefault(row["row_id"], {}).setdefault(fields_[row["field_id"]]["key"], []).append(row["value"])
            for values in out.values():
                for key, found in values.items():
                    field = next(f for f in fields_.values() if f["key"] == key)
                    if field["type"] == "choices":
                        order = {c["slug"]: i for i, c in enumerate(field["choices"])}
                        found.sort(key=lambda v: order.get(v, len(order)))
            return out

    def set_custom_values(self, row_id: int, values: Mapping[str, Any], entity: str = "actor", *,
                          label: str | None = None) -> bool:
        """Set a record's values ({key: value as typed, or stored values}; None or "" clears),
        validated by type (a UserError in French names the field). One undo step; False
        when nothing changed."""
        backend = self.backend
        with backend.lock:
            table = "actors" if entity == "actor" else "contacts"
            if backend.row(table, row_id) is None:
                raise UserError(f"L'élément {row_id} n'existe pas.")
            parsed = self._parse_values(values, entity)
            name = backend.execute(f"SELECT {'name' if entity == 'actor' else 'last_name'} FROM {table} "
                                   "WHERE id = ?", (row_id,)).fetchone()[0]
            what = label or (f"Modifier « {parsed[0][0]['label']} » de « {name} »" if len(parsed) == 1
                             else f"Modifier les champs personnalisés de « {name} »")
            with self.transaction(what) as batch:
                before = batch.changes
                for field, wanted in parsed:
                    self._write_values(field, row_id, wanted)
                return batch.changes > before

    def set_custom_values_many(self, values: Mapping[int, Mapping[str, Any]], entity: str = "actor") -> int:
        """Set the values of many records inside the caller's transaction (an import):
        {record id: {key: value}}; how many values were written. Values are parsed first,
        so a bad one writes nothing."""
        with self.backend.lock:
            parsed = {row_id: self._parse_values(v, entity) for row_id, v in values.items()}
            written = 0
            with self.transaction("Valeurs des champs personnalisés"):
                for row_id, items in parsed.items():
                    for field, wanted in items:
                        written += self._write_values(field, row_id, wanted)
            return written

    def _parse_values(self, values: Mapping[str, Any], entity: str) -> list[tuple[dict[str, Any], list[Any]]]:
        by_key = self.custom_definitions.by_key(entity)
        out = []
        for key, raw in values.items():
            field = by_key.get(key)
            if field is None:
                raise UserError(f"Champ personnalisé inconnu : « {key} ».")
            out.append((field, parse_value(field, raw)))
        return out

    def _write_values(self, field: Mapping[str, Any], row_id: int, wanted: list[Any]) -> int:
        """Make the record's rows of ``field`` hold ``wanted``: a changed single value is
        one update (one line of the record's journal), not a delete and an insert."""
        backend = self.backend
        current = backend.execute("SELECT id, value FROM custom_values WHERE field_id = ? AND row_id = ? ORDER BY id",
                                  (field["id"], row_id)).fetchall()
        have = [r["value"] for r in current]
        if have == wanted or (field["type"] == "choices" and set(have) == set(wanted)):
            return 0
        written = 0
        if field["type"] != "choices" and len(current) == 1 and len(wanted) == 1:
            backend.update("custom_values", current[0]["id"], {"value": wanted[0]})
            return 1
        for row in current:
            if row["value"] not in wanted:
                backend.delete("custom_values", row["id"])
                written += 1
        for value in wanted:
            if value not in have:
                backend.insert("custom_values", {"field_id": field["id"], "row_id": row_id, "value": value})
                written += 1
        return written

    def delete_custom_values_of(self, row_ids: Sequence[int], entity: str) -> None:
        """Delete the values of records being deleted for good (inside the caller's
        transaction): their ids may be taken again."""
        backend = self.backend
        fields_ = [f["id"] for f in self.custom_definitions.of(entity)]
        if not fields_ or not row_ids:
            return
        marks = ",".join(str(int(i)) for i in fields_)
        for row in list(backend.rows_in(f"SELECT id FROM custom_values WHERE field_id IN ({marks}) "
                                        "AND row_id IN ({ids})", list(row_ids))):
            backend.delete("custom_values", row["id"])

    def custom_facets(self) -> list[tuple[str, str]]:
        """(facet name, field label) of the actor fields shown as facets, in their order."""
        with self.backend.lock:
            return [(f"custom.{f['key']}", f["label"]) for f in self.custom_definitions.of("actor")
                    if f["type"] in FACET_TYPES]

    def custom_facet_labels(self) -> dict[str, dict[str, str]]:
        """{custom.KEY: {value: label}} of the custom facets (choices, oui / non)."""
        with self.backend.lock:
            return {f"custom.{f['key']}": ({"1": "Oui", "0": "Non"} if f["type"] == "bool"
                                           else {c["slug"]: c["label"] for c in f["choices"]})
                    for f in self.custom_definitions.of("actor") if f["type"] in FACET_TYPES}

    def custom_words(self, criteria: Sequence[tuple[str, str, str]]) -> list[str]:
        """The Filter's custom criteria in French sentences (its description)."""
        with self.backend.lock:
            by_key = self.custom_definitions.by_key("actor")
        lines, equal = [], {}
        for key, op, value in criteria:
            if op == "=":
                equal.setdefault(key, []).append(value)
            else:
                lines.append(criterion_words(by_key.get(key), key, op, [value]))
        return [criterion_words(by_key.get(k), k, "=", v) for k, v in equal.items()] + lines


_EXPRESSION = re.compile(r"^\s*([^<>=≥≤]+?)\s*(>=|<=|≥|≤|=|>|<)\s*(.*?)\s*$")


def parse_criterion(expression: str) -> tuple[str, str, str]:
    """« montant_leve>=1M » -> ("montant_leve", ">=", "1M"): the field as typed (a key
    or a label), the comparison, the value as typed."""
    match = _EXPRESSION.match(expression)
    if match is None:
        raise UserError(f"Critère de champ illisible : « {expression[:60]} » "
                        "(attendu CLÉ=VALEUR, CLÉ>=N, CLÉ<DATE…).")
    key, op, value = match.groups()
    return key, {"≥": ">=", "≤": "<="}.get(op, op), value


def criterion(field: Mapping[str, Any], op: str, raw: Any) -> tuple[str, str, str]:
    """A Filter criterion on ``field``: the value read by its type and written as the
    criteria hold it (a number, an ISO date, 1 or 0, a choice's slug)."""
    kind, label = field["type"], field["label"]
    if op not in OPERATORS:
        raise UserError(f"Comparaison inconnue : « {op} ».")
    if op != "=" and kind not in RANGE_TYPES:
        raise UserError(f"« {label} » se compare avec = seulement (≥, ≤, <, > : nombres et dates).")
    if kind == "bool":
        return field["key"], "=", "1" if parse_value(field, raw) else "0"
    values = parse_value(field, raw)
    if len(values) != 1:
        raise UserError(f"Donnez une seule valeur pour « {label} ».")
    value = values[0]
    return field["key"], op, repr(value) if isinstance(value, float) else str(value)
