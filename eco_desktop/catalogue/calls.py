"""Calls for projects (appels à projets): eligibility, shortlists with follow-up, mailings.

:class:`CallsMixin` adds the calls methods to :class:`~eco_desktop.catalogue.Catalogue`
(which inherits it): it reads through the façade's ``backend`` and writes through its
recorded ``insert/update/delete`` inside ``transaction()``, so each user action is one
undoable history step.

A call's *eligibility* is a saved :class:`~eco_desktop.filter.Filter`. An empty
eligibility means "no criteria": such a call's shortlist is built by hand only (it
would otherwise pull in the whole catalogue).

Also here, without Qt: the mailing list of a call (one row per e-mail address of the
usable contacts of the shortlisted actors, and a report of who was left out and why),
its export through :mod:`eco_desktop.export`, and the ``mailto:`` links of the
"Préparer l'e-mail" action.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import quote, urlsplit

from .. import fields, french, vocab
from ..clock import now_iso
from ..errors import UserError
from ..filter import Filter
from ..text import fold, stored_text

CALL_FIELDS = ("name", "funder", "opens", "closes", "url", "description", "state", "eligibility",
               "followup_days")
STATES = vocab.CALL_STATES
STATUSES = vocab.SHORTLIST_STATUSES
MAILTO_LIMIT = 2000

#: Columns of the mailing list: row key -> French header (the organisation's address
#: is the postal address of the letter).
MAILING_COLUMNS: dict[str, str] = {
    **fields.contact_labels("civility", "first_name", "last_name", "role"),
    "organisation": "Organisation",
    "email": fields.contact_label("email"),
    **fields.labels("street", "postcode", "commune"),
    "call": "Appel à projets",
    "closes": "Date de clôture",
    "actors": "Acteurs",
}


def call_key(name: str) -> str:
    """What two names of calls share when they name the same call: case, accents and
    punctuation ignored (``fold``), as people type a call's name after ``--call``."""
    return fold(name)


def resolve_status(value: str) -> str:
    """A shortlist status from its slug or its French label (accents and case ignored)."""
    return _resolve(value, STATUSES, "Statut inconnu")


def resolve_state(value: str) -> str:
    """A call's state from its slug or its French label."""
    return _resolve(value, STATES, "État d'appel inconnu")


def _resolve(value: str, known: Mapping[str, str], what: str) -> str:
    text = (value or "").strip()
    if text in known:
        return text
    for slug, label in known.items():
        if fold(text) in (fold(label), fold(slug)):
            return slug
    choices = ", ".join(f"{slug} ({label})" for slug, label in known.items())
    raise UserError(f"{what} : « {value} ». Valeurs possibles : {choices}.")


def _check_date(value: Any, label: str) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise UserError(f"Date {label} invalide : « {text} » (attendu AAAA-MM-JJ).") from None


def _check_url(value: Any) -> str:
    text = ("" if value is None else str(value)).strip()
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in text):
        raise UserError(f"L'adresse de l'appel doit être une adresse web commençant par http:// "
                        f"ou https:// : « {text} ».")
    return text


def _eligibility(value: Any) -> Filter:
    if value is None:
        return Filter()
    if isinstance(value, Filter):
        flt = value
    elif isinstance(value, str):
        flt = Filter.from_json(value)
    elif isinstance(value, Mapping):
        flt = Filter.from_dict(value)
    else:
        raise UserError("Critères d'éligibilité illisibles.")
    # Eligibility never reaches into the trash, and never depends on a call's own list.
    return replace(flt, include_deleted=False, only_deleted=False)


def _followup_days(value: Any) -> int:
    """A call's follow-up delay: whole days, 1 to 365."""
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 365:
        raise UserError(f"Délai de relance invalide : « {value} » (de 1 à 365 jours).")
    return days


def has_criteria(flt: Filter) -> bool:
    """True when the eligibility selects something narrower than "every actor"."""
    return not _eligibility(flt).is_empty()


def _call_to_dict(row: Mapping) -> dict[str, Any]:
    out = dict(row)
    out["eligibility"] = Filter.from_json(row["eligibility"])
    out["state_label"] = STATES.get(row["state"], row["state"])
    return out


@dataclass
class MailingReport:
    """What the mailing list holds and who was left out, and why."""

    call: str = ""
    contacts: int = 0                 # rows in the mailing list
    actors: int = 0                   # shortlisted actors considered
    no_legal_basis: list[dict] = field(default_factory=list)   # contacts left out
    opted_out: list[dict] = field(default_factory=list)        # contacts left out
    # Left out too: usable here, but their address opted out on another contact record.
    opted_out_elsewhere: list[dict] = field(default_factory=list)
    merged: int = 0                   # contacts whose address was already in the list
    without_email: list[dict] = field(default_factory=list)    # kept (postal), not e-mailed
    actors_without_contact: list[dict] = field(default_factory=list)  # {"actor_id", "name"}
    excluded_actors: int = 0          # shortlisted but "écarté": not in the list

    @property
    def left_out(self) -> int:
        return len(self.no_legal_basis) + len(self.opted_out) + len(self.opted_out_elsewhere)

    def lines(self) -> list[str]:
        """The report in French sentences (CLI output, dialog text)."""
        out = [f"{french.count(self.contacts, 'contact')} dans la liste "
               f"({french.count(self.actors, 'acteur présélectionné', 'acteurs présélectionnés')})."]
        if self.left_out:
            out.append(f"{french.count(self.left_out, 'contact écarté', 'contacts écartés')} :")
            if self.no_legal_basis:
                out.append(f"  - {len(self.no_legal_basis)} sans base légale enregistrée")
            if self.opted_out:
                out.append(f"  - {len(self.opted_out)} opposé(s) aux envois")
            if self.opted_out_elsewhere:
                out.append(f"  - {len(self.opted_out_elsewhere)} dont l'adresse e-mail s'est opposée aux "
                           "envois sur une autre fiche de contact")
        else:
            out.append("Aucun contact écarté.")
        if self.merged:
            out.append(f"{french.count(self.merged, 'adresse en double fusionnée', 'adresses en double fusionnées')} : "
                       "chaque adresse ne figure qu'une fois (la colonne « Acteurs » dit qui elle représente).")
        if self.without_email:
            out.append(f"{french.count(len(self.without_email), 'contact')} sans adresse e-mail "
                       "(dans la liste pour un courrier, mais pas dans l'e-mail groupé).")
        if self.excluded_actors:
            out.append(f"{french.count(self.excluded_actors, 'acteur écarté', 'acteurs écartés')} de l'appel "
                       "non repris.")
        if self.actors_without_contact:
            names = ", ".join(a["name"] for a in self.actors_without_contact[:20])
            more = len(self.actors_without_contact) - 20
            out.append(f"{french.count(len(self.actors_without_contact), 'acteur présélectionné', 'acteurs présélectionnés')} "
                       f"sans contact utilisable : {names}" + (f" et {more} autre(s)." if more > 0 else "."))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"call": self.call, "contacts": self.contacts, "actors": self.actors,
                "left_out": {"no_legal_basis": len(self.no_legal_basis), "opted_out": len(self.opted_out),
                             "opted_out_elsewhere": len(self.opted_out_elsewhere)},
                "merged": self.merged,
                "without_email": len(self.without_email), "excluded_actors": self.excluded_actors,
                "actors_without_contact": self.actors_without_contact}


class CallsMixin:
    """The calls-for-projects part of the Catalogue API (mixed into ``Catalogue``).

    Methods take the backend's lock (re-entrant) like every public Catalogue method.
    """

    # ------------------------------------------------------------------ reading
    def calls(self, include_archived: bool = True) -> list[dict[str, Any]]:
        """Every call, by name: its fields (eligibility as a Filter), ``state_label``,
        ``counts`` per status (all six, in order) and ``total`` shortlisted."""
        with self.backend.lock:
            sql = "SELECT * FROM calls" + ("" if include_archived else " WHERE state <> 'archived'")
            calls = [_call_to_dict(r) for r in self.backend.execute(sql)]
            counts: dict[int, dict[str, int]] = {}
            for row in self.backend.execute(
                    "SELECT e.call_id, e.status, count(*) FROM call_entries e JOIN actors a ON a.id = e.actor_id "
                    "WHERE a.deleted_at IS NULL GROUP BY e.call_id, e.status"):
                counts.setdefault(row[0], {})[row[1]] = row[2]
        for call in calls:
            found = counts.get(call["id"], {})
            call["counts"] = {status: found.get(status, 0) for status in STATUSES}
            call["total"] = sum(call["counts"].values())
        calls.sort(key=lambda c: fold(c["name"]))
        return calls

    def get_call(self, name_or_id: str | int) -> dict[str, Any]:
        """One call by id (int) or by name (compared by :func:`call_key`)."""
        with self.backend.lock:
            if isinstance(name_or_id, int):
                row = self.backend.execute("SELECT * FROM calls WHERE id = ?", (name_or_id,)).fetchone()
                if row is None:
                    raise UserError(f"L'appel à projets n° {name_or_id} n'existe pas.")
                return _call_to_dict(row)
            return _call_to_dict(self._call_named(name_or_id))

    def _call_named(self, name: str):
        """The row of the call called ``name`` by :func:`call_key` — the one rule of
        get_call (``calls show``) and of a filter's call (``--call``)."""
        name = stored_text(name)
        wanted = call_key(name)
        found = [row for row in self.backend.execute("SELECT * FROM calls ORDER BY id")
                 if call_key(row["name"]) == wanted]
        if not found:
            raise UserError(f"Aucun appel à projets ne s'appelle « {name} ».")
        # Two such names cannot be created any more, but an older catalogue may hold them.
        return next((row for row in found if row["name"] == name), found[0])

    def call_ids(self, name: str) -> list[int]:
        """The actors shortlisted in the call called ``name``: a filter's call criterion
        (the caller holds the lock)."""
        call_id = self._call_named(name)["id"]
        return [r[0] for r in self.backend.execute("SELECT actor_id FROM call_entries WHERE call_id = ?", (call_id,))]

    def _call_row(self, call_id: int) -> dict[str, Any]:
        row = self.backend.row("calls", call_id)
        if row is None:
            raise UserError(f"L'appel à projets n° {call_id} n'existe pas.")
        return row

    def _name_taken(self, name: str, except_id: int | None = None) -> bool:
        wanted = call_key(name)
        return any(call_key(r[1]) == wanted and r[0] != except_id
                   for r in self.backend.execute("SELECT id, name FROM calls"))

    def _entries(self, call_id: int) -> dict[int, dict[str, Any]]:
        return {r["actor_id"]: dict(r) for r in self.backend.execute(
            "SELECT * FROM call_entries WHERE call_id = ?", (call_id,))}

    def _alive(self, ids: Sequence[int]) -> set[int]:
        """Those of ``ids`` that exist and are not in the trash."""
        return {r[0] for r in self.backend.rows_in(
            "SELECT id FROM actors WHERE id IN ({ids}) AND deleted_at IS NULL", ids)}

    def _places(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """Name and postal address of actors, by id."""
        return {r["id"]: dict(r) for r in self.backend.rows_in(
            "SELECT id, name, street, postcode, commune FROM actors WHERE id IN ({ids})", ids)}

    def shortlist(self, call_id: int) -> list[dict[str, Any]]:
        """The call's shortlisted actors (not in the trash), by name:
        ``{actor_id, name, kind, commune, status, changed_at, note}``."""
        with self.backend.lock:
            rows = [dict(r) for r in self.backend.execute(
                "SELECT e.actor_id, a.name, a.kind, a.commune, e.status, e.changed_at, e.note "
                "FROM call_entries e JOIN actors a ON a.id = e.actor_id "
                "WHERE e.call_id = ? AND a.deleted_at IS NULL", (call_id,))]
        rows.sort(key=lambda r: (fold(r["name"]), r["actor_id"]))
        return rows

    def status_counts(self, call_id: int) -> dict[str, int]:
        """Shortlisted actors per status, every status listed (0 included), in order."""
        with self.backend.lock:
            found = dict(self.backend.execute(
                "SELECT e.status, count(*) FROM call_entries e JOIN actors a ON a.id = e.actor_id "
                "WHERE e.call_id = ? AND a.deleted_at IS NULL GROUP BY e.status", (call_id,)).fetchall())
        return {status: found.get(status, 0) for status in STATUSES}

    def calls_of_actor(self, actor_id: int) -> list[dict[str, Any]]:
        """The calls an actor is shortlisted in: ``{call, call_id, status, status_label,
        changed_at, note, state}`` by call name."""
        with self.backend.lock:
            rows = [{"call": r["name"], "call_id": r["call_id"], "status": r["status"],
                     "status_label": STATUSES.get(r["status"], r["status"]), "changed_at": r["changed_at"],
                     "note": r["note"], "state": r["state"]}
                    for r in self.backend.execute(
                        "SELECT c.name, e.call_id, e.status, e.changed_at, e.note, c.state "
                        "FROM call_entries e JOIN calls c ON c.id = e.call_id WHERE e.actor_id = ?", (actor_id,))]
        rows.sort(key=lambda r: fold(r["call"]))
        return rows

    def eligible_ids(self, eligibility: Filter) -> list[int]:
        """Actors matching an eligibility (none when it has no criteria)."""
        flt = _eligibility(eligibility)
        return self.actor_ids(flt) if not flt.is_empty() else []

    # ------------------------------------------------------------------ writing calls
    def _clean_call(self, data: Mapping[str, Any], previous: Mapping[str, Any] | None) -> dict[str, Any]:
        unknown = set(data) - set(CALL_FIELDS)
        if unknown:
            raise UserError(f"Champ d'appel à projets inconnu : « {sorted(unknown)[0]} ».")
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key == "name":
                value = stored_text(value)
                if not value:
                    raise UserError("Donnez un nom à l'appel à projets.")
            elif key in ("opens", "closes"):
                value = _check_date(value, "d'ouverture" if key == "opens" else "de clôture")
            elif key == "url":
                value = _check_url(value)
            elif key == "state":
                value = resolve_state(value or "preparing")
            elif key == "eligibility":
                value = _eligibility(value).to_json()
            elif key == "followup_days":  # the follow-up « contacté » proposes, in days
                value = _followup_days(value)
            else:
                value = ("" if value is None else str(value)).strip()
            out[key] = value
        merged = {**(previous or {}), **out}
        if merged.get("opens") and merged.get("closes") and merged["closes"] < merged["opens"]:
            raise UserError("La date de clôture doit être postérieure ou égale à la date d'ouverture.")
        if "name" in out and self._name_taken(out["name"], previous["id"] if previous else None):
            raise UserError(f"Un appel à projets s'appelle déjà « {out['name']} ».")
        return out

    def create_call(self, name: str, *, funder: str = "", opens: str | date = "", closes: str | date = "",
                    url: str = "", description: str = "", state: str = "preparing",
                    eligibility: Filter | None = None, shortlist_matching: bool = True,
                    followup_days: int = 7) -> int:
        """Create a call; its shortlist starts with the actors matching ``eligibility``
        (unless ``shortlist_matching`` is False or the eligibility has no criteria)."""
        with self.backend.lock:
            values = self._clean_call({"name": name, "funder": funder, "opens": opens, "closes": closes,
                                       "url": url, "description": description, "state": state,
                                       "eligibility": eligibility, "followup_days": followup_days}, None)
            stamp = now_iso()
            values.update(created_at=stamp, updated_at=stamp)
            with self.transaction(f"Créer l'appel à projets « {values['name']} »"):
                call_id = self.backend.insert("calls", values)
                if shortlist_matching:
                    self._add_entries(call_id, self.eligible_ids(Filter.from_json(values["eligibility"])), stamp)
            return call_id

    def update_call(self, call_id: int, changes: Mapping[str, Any]) -> bool:
        """Change a call's fields (name, funder, opens, closes, url, description, state,
        eligibility). The shortlist is not touched: see :meth:`update_shortlist`."""
        with self.backend.lock:
            previous = self._call_row(call_id)
            values = self._clean_call(changes, previous)
            values = {k: v for k, v in values.items() if previous.get(k) != v}
            if not values:
                return False
            values["updated_at"] = now_iso()
            with self.transaction(f"Modifier l'appel à projets « {previous['name']} »"):
                return self.backend.update("calls", call_id, values)

    def archive_call(self, call_id: int) -> bool:
        with self.backend.lock:
            row = self._call_row(call_id)
            if row["state"] == "archived":
                return False
            with self.transaction(f"Archiver l'appel à projets « {row['name']} »"):
                return self.backend.update("calls", call_id, {"state": "archived", "updated_at": now_iso()})

    def delete_call(self, call_id: int) -> None:
        """Delete a call and its shortlist (one undoable step)."""
        with self.backend.lock:
            row = self._call_row(call_id)
            with self.transaction(f"Supprimer l'appel à projets « {row['name']} »"):
                for (entry_id,) in self.backend.execute("SELECT id FROM call_entries WHERE call_id = ?",
                                                     (call_id,)).fetchall():
                    self.backend.delete("call_entries", entry_id)
                self.backend.delete("calls", call_id)

    # ------------------------------------------------------------------ writing shortlists
    def _add_entries(self, call_id: int, actor_ids: Iterable[int], stamp: str) -> int:
        present = set(self._entries(call_id))
        wanted = [a for a in dict.fromkeys(int(a) for a in actor_ids) if a not in present]
        alive = self._alive(wanted)
        added = 0
        for actor_id in wanted:
            if actor_id not in alive:
                continue
            self.backend.insert("call_entries", {"call_id": call_id, "actor_id": actor_id, "status": "to_contact",
                                          "changed_at": stamp, "note": ""})
            present.add(actor_id)
            added += 1
        return added

    def update_shortlist(self, call_id: int) -> int:
        """"Mettre à jour la présélection": add the eligible actors not yet shortlisted.
        Never removes anyone. Returns how many were added."""
        with self.backend.lock:
            row = self._call_row(call_id)
            present = set(self._entries(call_id))
            missing = [a for a in self.eligible_ids(Filter.from_json(row["eligibility"])) if a not in present]
            if not missing:
                return 0
            with self.transaction(f"Mettre à jour la présélection de « {row['name']} »"):
                return self._add_entries(call_id, missing, now_iso())

    def add_to_call(self, call_id: int, actor_ids: Sequence[int]) -> int:
        """Shortlist actors by hand ("à contacter"); those already there are left as they are."""
        with self.backend.lock:
            row = self._call_row(call_id)
            present = set(self._entries(call_id))
            wanted = [int(a) for a in actor_ids if int(a) not in present]
            if not wanted:
                return 0
            with self.transaction(f"Ajouter {len(wanted)} acteur(s) à l'appel « {row['name']} »"):
                return self._add_entries(call_id, wanted, now_iso())

    def remove_from_call(self, call_id: int, actor_ids: Sequence[int]) -> int:
        with self.backend.lock:
            row = self._call_row(call_id)
            entries = self._entries(call_id)
            chosen = [entries[int(a)]["id"] for a in dict.fromkeys(actor_ids) if int(a) in entries]
            if not chosen:
                return 0
            with self.transaction(f"Retirer {len(chosen)} acteur(s) de l'appel « {row['name']} »"):
                for entry_id in chosen:
                    self.backend.delete("call_entries", entry_id)
            return len(chosen)

    def set_status(self, call_id: int, actor_ids: Sequence[int], status: str, note: str | None = None) -> int:
        """Set the status (slug or French label) of shortlisted actors, and their note when
        given; the change date becomes now. One undo step. Returns how many changed."""
        with self.backend.lock:
            slug = resolve_status(status)
            row = self._call_row(call_id)
            entries = self._entries(call_id)
            ids = list(dict.fromkeys(int(a) for a in actor_ids))
            missing = [a for a in ids if a not in entries]
            if missing:
                raise UserError(f"L'acteur n° {missing[0]} n'est pas dans la présélection de l'appel "
                                f"« {row['name']} » : ajoutez-le d'abord.")
            stamp = now_iso()
            changed = 0
            label = f"Statut « {STATUSES[slug]} » pour {len(ids)} acteur(s) de « {row['name']} »"
            with self.transaction(label):
                for actor_id in ids:
                    entry = entries[actor_id]
                    values: dict[str, Any] = {"status": slug}
                    if note is not None:
                        values["note"] = note.strip()
                    if all(entry[k] == v for k, v in values.items()):
                        continue
                    values["changed_at"] = stamp
                    self.backend.update("call_entries", entry["id"], values)
                    changed += 1
            return changed

    def set_note(self, call_id: int, actor_id: int, note: str) -> bool:
        """Change the note of one shortlisted actor (its change date becomes now)."""
        with self.backend.lock:
            row = self._call_row(call_id)
            entry = self._entries(call_id).get(int(actor_id))
            if entry is None:
                raise UserError(f"L'acteur n° {actor_id} n'est pas dans la présélection de l'appel "
                                f"« {row['name']} ».")
            note = (note or "").strip()
            if entry["note"] == note:
                return False
            with self.transaction(f"Note dans l'appel « {row['name']} »"):
                return self.backend.update("call_entries", entry["id"], {"note": note, "changed_at": now_iso()})

    # ------------------------------------------------------------------ mailing
    def mailing_rows(self, call_id: int, *, statuses: Iterable[str] | None = None
                     ) -> tuple[list[dict[str, Any]], MailingReport]:
        """The mailing list of a call: one row per e-mail address of the usable contacts
        (legal basis recorded, not opted out) of the shortlisted actors — every status but
        "écarté" unless ``statuses`` says which — and the report of who was left out and why.

        Addresses are compared trimmed and case-insensitively: the same person at two
        shortlisted actors, or an address typed twice with other capitals, is one row (the
        first contact's), whose ``actors`` lists every actor it serves, so nobody gets the
        message twice. An address that opted out on any contact record of the catalogue
        is left out everywhere (the objection is the person's, not the record's).
        Rows carry the :data:`MAILING_COLUMNS` keys plus ``actor_id`` and ``contact_id``
        (the first ones) and ``actor_ids`` / ``contact_ids`` (all of them). Contacts
        without an e-mail stay in the list, one row each (the organisation's address
        serves a letter), and are counted in ``report.without_email``.
        """
        with self.backend.lock:
            call = self._call_row(call_id)
            wanted = ({resolve_status(s) for s in statuses} if statuses is not None
                      else set(STATUSES) - {"excluded"})
            shortlisted = self.shortlist(call_id)
            report = MailingReport(call=call["name"])
            report.excluded_actors = sum(1 for e in shortlisted
                                         if e["status"] == "excluded" and "excluded" not in wanted)
            chosen = [e for e in shortlisted if e["status"] in wanted]
            report.actors = len(chosen)
            ids = [e["actor_id"] for e in chosen]
            actors = self._places(ids)
            contacts = self.contacts(actor_ids=ids)
            objected = {_address_key(r[0]) for r in self.backend.execute(
                "SELECT email FROM contacts WHERE opt_out AND trim(coalesce(email, '')) != ''")}
        rows: list[dict[str, Any]] = []
        by_address: dict[str, dict[str, Any]] = {}
        reached: set[int] = set()
        for contact in contacts:
            actor = actors.get(contact["actor_id"])
            if actor is None:
                continue
            email = (contact["email"] or "").strip()
            key = _address_key(email)
            who = {"contact_id": contact["id"], "actor_id": actor["id"], "organisation": actor["name"],
                   "name": " ".join(p for p in (contact["first_name"], contact["last_name"]) if p)
                   or contact["email"]}
            if contact["opt_out"]:
                report.opted_out.append(who)
                continue
            if not contact["legal_basis"]:
                report.no_legal_basis.append(who)
                continue
            if key and key in objected:
                report.opted_out_elsewhere.append(who)
                continue
            reached.add(actor["id"])
            row = by_address.get(key) if key else None
            if row is not None:
                report.merged += 1
                row["contact_ids"].append(contact["id"])
                if actor["id"] not in row["actor_ids"]:
                    row["actor_ids"].append(actor["id"])
                    row["actor_names"].append(actor["name"])
                continue
            if not key:
                report.without_email.append(who)
            row = {
                "civility": contact["civility"], "first_name": contact["first_name"],
                "last_name": contact["last_name"], "role": contact["role"], "organisation": actor["name"],
                "email": email, "street": actor["street"],
                "postcode": actor["postcode"], "commune": actor["commune"], "call": call["name"],
                "closes": call["closes"], "actor_id": actor["id"], "contact_id": contact["id"],
                "actor_ids": [actor["id"]], "contact_ids": [contact["id"]], "actor_names": [actor["name"]],
            }
            rows.append(row)
            if key:
                by_address[key] = row
        for row in rows:
            row["actors"] = "; ".join(row.pop("actor_names"))
        report.contacts = len(rows)
        report.actors_without_contact = [{"actor_id": e["actor_id"], "name": e["name"]}
                                         for e in chosen if e["actor_id"] not in reached]
        return rows, report


def _address_key(email: str | None) -> str:
    """What makes two e-mail addresses the same recipient: trimmed, case ignored."""
    return (email or "").strip().casefold()


# ---------------------------------------------------------------------- mailto

def mailto_batches(emails: Iterable[str], subject: str, limit: int = MAILTO_LIMIT) -> list[str]:
    """``mailto:`` URLs with the addresses in BCC, split so that none exceeds ``limit``
    characters (RFC 6068, percent-encoded). Each address appears once (case ignored),
    in the order given; empty values are skipped."""
    seen: set[str] = set()
    addresses: list[str] = []
    for email in emails:
        email = (email or "").strip()
        if email and _address_key(email) not in seen:
            seen.add(_address_key(email))
            addresses.append(email)
    if not addresses:
        return []
    head = "mailto:?subject=" + quote(subject or "", safe="") + "&bcc="
    batches: list[str] = []
    current = ""
    for address in addresses:
        encoded = quote(address, safe="@")
        if len(head) + len(encoded) > limit:
            raise UserError(f"L'adresse « {address} » ou l'objet du message est trop long pour un lien "
                            f"e-mail de {limit} caractères.")
        candidate = f"{current},{encoded}" if current else encoded
        if len(head) + len(candidate) > limit:
            batches.append(head + current)
            candidate = encoded
        current = candidate
    batches.append(head + current)
    return batches


# ---------------------------------------------------------------------- export

def export_mailing(path: str | os.PathLike, rows: Sequence[Mapping[str, Any]]) -> Path:
    """Write the mailing list to ``path``: xlsx or Excel-flavoured csv (UTF-8 with BOM,
    ``;``) by extension, through the export module's table writer and safety rules
    (identifiers as text, real dates, mailto links only for valid addresses, a value
    that Excel would read as a formula kept as text) and its atomic files (the user's
    permissions; a failure never leaves a half-written file, nor a temporary one)."""
    import csv

    from openpyxl import Workbook

    from .. import export
    from ..atomic import atomic_files

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise UserError(f"Choisissez un fichier .xlsx ou .csv pour le publipostage (et non « {path.name} »).")
    headers = list(MAILING_COLUMNS.values())
    kinds = [{"email": export.EMAIL, "postcode": export.ID, "closes": export.DATE,
              "actors": export.WRAP}.get(k, export.TEXT) for k in MAILING_COLUMNS]
    table = [[_mailing_value(row.get(key), key) for key in MAILING_COLUMNS] for row in rows]
    if suffix == ".xlsx":
        wb = Workbook(write_only=True)
        saved = False
        try:
            with atomic_files() as files:
                out = files.open(path)
                export.write_table(wb, "Publipostage", headers, table, kinds)
                export.save_workbook(wb, out)
                saved = True
        finally:
            if not saved:
                export.discard_workbook(wb)
    else:
        with atomic_files() as files:
            writer = csv.writer(files.open(path, **export.CSV_ENCODING), delimiter=";", lineterminator="\r\n")
            writer.writerow(headers)
            for values in table:
                writer.writerow(["" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, date)
                                 else export.csv_safe(v) for v in values])
    return path


def _mailing_value(value: Any, key: str) -> Any:
    if value in (None, ""):
        return None
    if key == "closes":
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    return value if isinstance(value, str) else str(value)


def call_to_json(call: Mapping[str, Any], shortlist: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``calls show NAME --format json`` (GUIDE §8): the call's fields plus ``shortlist``."""
    out = {key: call[key] for key in ("id", "name", "funder", "opens", "closes", "url", "description", "state",
                                      "created_at", "updated_at")}
    out["eligibility"] = json.loads(call["eligibility"].to_json()) if isinstance(call["eligibility"], Filter) \
        else call["eligibility"]
    out["shortlist"] = [{"actor_id": e["actor_id"], "name": e["name"], "status": e["status"],
                         "changed_at": e["changed_at"], "note": e["note"]} for e in shortlist]
    return out
