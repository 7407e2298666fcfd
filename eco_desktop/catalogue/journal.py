"""The journal of one actor: what happened to its record, in one chronological list.

Field changes are written as French sentences from the history's row images
(« Téléphone : 01 60 … → 01 69 … », « Domaines : + Vaccins »; labels from
:mod:`eco_desktop.fields` and the vocabularies), next to the actor's exchanges (from the
exchanges table, dated by their day), follow-ups set and done, shortlist status changes,
imports and the changes received from colleagues (a history batch « Reçu de … » that the
team sync writes with the colleague as its user). One :class:`JournalEntry` per history
batch and kind, newest first; :data:`KINDS` are the journal's filters.

:class:`JournalMixin` relies on the façade's ``backend``, ``history_log`` and
``value_labels``; every public method takes the backend's lock.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Mapping

from .. import fields, french, vocab
from .custom_fields import display as custom_display

KINDS: dict[str, str] = {
    "change": "Modifications",
    "exchange": "Échanges",
    "followup": "Relances",
    "call": "Appels",
    "import": "Imports",
    "received": "Reçu de collègues",
}
# What a batch's label says it was (the importer's plan and the team sync name them so).
IMPORT_LABEL = "Importer "
RECEIVED_LABEL = "Reçu de "
FOLLOWUP_COLUMNS = ("followup_on", "followup_by", "next_step", "followup_done_at")
# Derived or bookkeeping columns: they change with a field the journal already tells.
_QUIET = {"id", "sort_name", "created_at", "updated_at", "changed_at", "mgp", "ept", "epci", "outside_idf",
          "actor_id"}
_VOCABULARY_OF = {"kind": "kind", "domains": "domain", "activities": "activity"}
_ENUMERATIONS = {"status": vocab.STATUSES, "geo_precision": vocab.GEO_PRECISIONS}
_TEXT_LIMIT = 120
EMPTY = "(vide)"


@dataclass(frozen=True)
class JournalEntry:
    at: str                    # ISO moment (a batch) or day (an exchange)
    kind: str                  # a KINDS key
    title: str                 # the action's label, or the exchange's kind and author
    lines: tuple[str, ...]     # what changed, in French sentences
    user: str                  # who did it (a colleague's name for what was received)
    batch_id: int | None = None

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


def short(text: Any) -> str:
    """A value as one line of the journal: « (vide) » when empty, long text cut."""
    text = " ".join(str(text if text is not None else "").split())
    if not text:
        return EMPTY
    return text if len(text) <= _TEXT_LIMIT else text[:_TEXT_LIMIT - 1] + "…"


def day_words(value: str | None) -> str:
    """'2026-12-15' -> « 15 décembre 2026 » (the text as it is when it is no date)."""
    try:
        return french.date(date.fromisoformat(str(value)[:10]))
    except (TypeError, ValueError):
        return short(value)


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    try:
        found = json.loads(value or "[]")
    except (TypeError, ValueError):
        return [str(value)]
    return [str(v) for v in found] if isinstance(found, list) else [str(found)]


class Sentences:
    """French sentences of row changes, with the labels of one state of the file."""

    def __init__(self, labels: Mapping[str, Mapping[str, str]],
                 custom: Mapping[int, Mapping[str, Any]] | None = None) -> None:
        self.labels = labels
        self.custom = dict(custom or {})  # custom fields by id, for their values' lines

    def custom_value(self, before: Mapping | None, after: Mapping | None) -> str | None:
        """« Montant levé : 100 € → 300 € », « Programme : + PIA »: a custom value's change
        (a field deleted since is not told)."""
        field = self.custom.get((after or before or {}).get("field_id"))
        if field is None:
            return None
        label = ("Contact — " if field["entity"] == "contact" else "") + field["label"]
        if field["type"] == "choices":
            sign, value = ("+", after["value"]) if after and not before else ("−", (before or after)["value"])
            return f"{label} : {sign} {custom_display(field, [value])}"
        old = custom_display(field, [before["value"]] if before else []) or EMPTY
        new = custom_display(field, [after["value"]] if after else []) or EMPTY
        return f"{label} : {old} → {new}"

    def value(self, key: str, value: Any, *, contact: bool = False) -> str:
        if key in _VOCABULARY_OF and not contact:
            return self.labels.get(_VOCABULARY_OF[key], {}).get(value, short(value)) if value else EMPTY
        if key in _ENUMERATIONS and not contact:
            return _ENUMERATIONS[key].get(value, short(value)) if value else EMPTY
        if key == "legal_basis":
            return vocab.LEGAL_BASES.get(value, EMPTY if not value else value)
        if key == "opt_out":
            return "oui" if value else "non"
        return short(value)

    def field(self, key: str, before: Any, after: Any, *, contact: bool = False) -> str | None:
        """« Téléphone : 01 60 … → 01 69 … », « Domaines : + Vaccins, − Thérapie génique »."""
        try:
            name = fields.contact_label(key) if contact else fields.label(key)
            kind = "text" if contact else fields.actor_field(key).kind
        except KeyError:
            return None
        if kind == "list":
            old, new = _as_list(before), _as_list(after)
            words = [f"+ {self.value(key, v)}" for v in new if v not in old]
            words += [f"− {self.value(key, v)}" for v in old if v not in new]
            return f"{name} : {', '.join(words)}" if words else None
        return f"{name} : {self.value(key, before, contact=contact)} → {self.value(key, after, contact=contact)}"

    def changes(self, before: Mapping, after: Mapping, *, contact: bool = False) -> list[str]:
        out = []
        for key in after:
            if key in _QUIET or key == "deleted_at" or before.get(key) == after.get(key):
                continue
            sentence = self.field(key, before.get(key), after.get(key), contact=contact)
            if sentence:
                out.append(sentence)
        return out


def followup_sentence(before: Mapping | None, after: Mapping | None, call: str = "") -> str | None:
    """What a write did to a follow-up (set, moved, removed, done), or None."""
    before, after = before or {}, after or {}
    if all(before.get(k) == after.get(k) for k in FOLLOWUP_COLUMNS):
        return None
    where = f" (appel « {call} »)" if call else ""
    if after.get("followup_done_at") and not before.get("followup_done_at"):
        return f"Relance faite{where}, prévue le {day_words(after.get('followup_on'))}"
    if not after.get("followup_on"):
        return f"Relance retirée{where}" if before.get("followup_on") else None
    who = f" par {after['followup_by']}" if after.get("followup_by") else ""
    step = f" : {short(after['next_step'])}" if after.get("next_step") else ""
    return f"À relancer le {day_words(after['followup_on'])}{who}{where}{step}"


class JournalMixin:
    """Each actor's journal (see the module)."""

    def journal(self, actor_id: int, kinds: Iterable[str] | None = None, *, limit: int = 2000
                ) -> list[JournalEntry]:
        """The actor's journal, newest first: every kind, or only ``kinds`` (KINDS keys)."""
        wanted = set(kinds) if kinds is not None else set(KINDS)
        with self.backend.lock:
            sentences = Sentences(self.value_labels(), {f["id"]: f for f in self.custom_fields()})  # custom
            changes = self.history_log.entries(actor_id=actor_id, limit=limit)
            names = self._journal_names(changes)
            exchanges = [dict(r) for r in self.backend.execute(
                "SELECT * FROM exchanges WHERE actor_id = ?", (actor_id,))]
        entries = self._batch_entries(actor_id, changes, sentences, names)
        entries += [exchange_entry(x) for x in exchanges]
        entries = [e for e in entries if e.kind in wanted]
        entries.sort(key=lambda e: (e.at, e.batch_id or 0), reverse=True)
        return entries

    def _journal_names(self, changes: list[dict[str, Any]]) -> dict[tuple[str, int], str]:
        """The names of the calls and the other actors the changes refer to."""
        names: dict[tuple[str, int], str] = {}
        for change in changes:
            image = change["after"] or change["before"]
            for table, key in (("calls", "call_id"), ("actors", "source_id"), ("actors", "target_id")):
                row_id = image.get(key)
                if row_id is not None and (table, row_id) not in names:
                    row = self.backend.execute(f"SELECT name FROM {table} WHERE id = ?", (row_id,)).fetchone()
                    names[(table, row_id)] = row[0] if row else f"n° {row_id}"
        return names

    def _batch_entries(self, actor_id: int, changes: list[dict[str, Any]], sentences: Sentences,
                       names: Mapping[tuple[str, int], str]) -> list[JournalEntry]:
        grouped: dict[tuple[int, str], list[str]] = {}
        batches: dict[int, dict[str, Any]] = {}
        for change in reversed(changes):  # oldest first: a batch's lines in the order written
            if change["undone"]:
                continue  # (redone, it is told again)
            batches[change["batch_id"]] = change
            for kind, line in change_lines(actor_id, change, sentences, names):
                label = change["label"]
                if label.startswith(RECEIVED_LABEL):
                    kind = "received"
                elif label.startswith(IMPORT_LABEL) and kind == "change":
                    kind = "import"
                grouped.setdefault((change["batch_id"], kind), []).append(line)
        return [JournalEntry(batches[b]["at"], kind, batches[b]["label"], tuple(lines), batches[b]["user"], b)
                for (b, kind), lines in grouped.items()]


def change_lines(actor_id: int, change: Mapping[str, Any], sentences: Sentences,
                 names: Mapping[tuple[str, int], str]) -> list[tuple[str, str]]:
    """(kind, sentence) of one recorded row change seen from the actor."""
    table, action = change["table"], change["action"]
    before, after = change["before"], change["after"]
    image = after or before
    if table == "actors":
        if action == "insert":
            return [("change", "Fiche créée")]
        if action == "delete":
            return [("change", "Fiche supprimée définitivement")]
        out = [("change", s) for s in sentences.changes(before, after)]
        if before.get("deleted_at") != after.get("deleted_at"):
            out.append(("change", "Mise à la corbeille" if after.get("deleted_at") else "Sortie de la corbeille"))
        return out
    if table == "contacts":
        who = short(" ".join(p for p in (image.get("first_name"), image.get("last_name")) if p)
                    or image.get("email"))
        if action == "insert":
            return [("change", f"Contact ajouté : {who}")]
        if action == "delete":
            return [("change", f"Contact retiré : {who}")]
        return [("change", f"Contact {who} — {s}") for s in sentences.changes(before, after, contact=True)]
    if table == "relations":
        outgoing = image.get("source_id") == actor_id
        other = names.get(("actors", image.get("target_id" if outgoing else "source_id")), "")
        label = vocab.RELATION_TYPES.get(image.get("type"), ("", ""))[0 if outgoing else 1]
        verb = {"insert": "Relation ajoutée", "delete": "Relation retirée"}.get(action, "Relation modifiée")
        return [("change", f"{verb} : {label} « {other} »")]
    if table == "exchanges":
        line = followup_sentence(before if action != "insert" else None, after)
        out = [("followup", line)] if line else []
        if action == "delete":
            out.append(("exchange", f"Échange du {day_words(before.get('date'))} supprimé"))
        return out
    if table == "custom_values":  # custom fields
        line = sentences.custom_value(before, after)
        return [("change", line)] if line else []
    if table == "call_entries":
        call = names.get(("calls", image.get("call_id")), "")
        out = []
        if action == "insert":
            out.append(("call", f"Présélectionné dans l'appel « {call} »"))
        elif action == "delete":
            out.append(("call", f"Retiré de la présélection de l'appel « {call} »"))
        else:
            statuses = vocab.SHORTLIST_STATUSES
            if before.get("status") != after.get("status"):
                out.append(("call", f"Appel « {call} » : {statuses.get(before.get('status'), EMPTY)} → "
                                    f"{statuses.get(after.get('status'), EMPTY)}"))
            if before.get("note") != after.get("note"):
                out.append(("call", f"Appel « {call} » — note : {short(after.get('note'))}"))
        line = followup_sentence(before if action != "insert" else None, after if action != "delete" else None,
                                 call)
        if line:
            out.append(("followup", line))
        return out
    return []


def exchange_entry(row: Mapping[str, Any]) -> JournalEntry:
    """An exchange of the actor's « Suivi » as a journal entry, with its follow-up."""
    lines = [short(row["text"])] if row["text"] else []
    if row.get("followup_on"):
        if row.get("followup_done_at"):
            lines.append(f"Relance faite (prévue le {day_words(row['followup_on'])})")
        else:
            lines.append(followup_sentence(None, row))
    title = vocab.EXCHANGE_KINDS.get(row["kind"], row["kind"])
    return JournalEntry(row["date"], "exchange", title, tuple(lines), row["author"])
