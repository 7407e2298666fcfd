"""A contacts import: each person attached to an actor, and updated rather than added twice.

A person is attached to an actor of the catalogue (its id, else its SIRET, else its
SIREN, else its name or an alias) and updates a person already at that actor (same
e-mail, else same first and last name) instead of adding them twice. An opposition in
the file is always recorded, whatever the duplicate policy, and an import never lifts one.
"""
from __future__ import annotations

import json
from collections.abc import Mapping as MappingABC
from typing import Any

from .. import fields
from ..text import fold
from .duplicates import name_key
from .merge import is_empty
from .plan import CREATE, MERGED, NOTHING, SKIP, UNCHANGED, UPDATE, ImportPlan, PlannedRow
from .prepare import prepare
from .summary import ImportSummary


class _Organisations:
    """Finds the actor a contact belongs to: id, SIRET, SIREN, then name (or alias)."""

    def __init__(self, actors: list[dict[str, Any]]):
        self.by_id = {a["id"]: a for a in actors}
        self.by_siret: dict[str, int] = {}
        self.by_siren: dict[str, list[int]] = {}
        self.by_name: dict[str, list[int]] = {}
        for actor in actors:
            actor_id = actor["id"]
            if actor["siret"]:
                self.by_siret.setdefault(actor["siret"], actor_id)
            siren = actor["siren"] or (actor["siret"][:9] if len(actor["siret"] or "") == 14 else "")
            if siren:
                self.by_siren.setdefault(siren, []).append(actor_id)
            names = [actor["name"]]
            try:
                names += json.loads(actor.get("aliases") or "[]")
            except ValueError:
                pass
            for name in names:
                key = name_key(name)
                if key:
                    ids = self.by_name.setdefault(key, [])
                    if actor_id not in ids:
                        ids.append(actor_id)

    def find(self, link: dict[str, Any]) -> tuple[int | None, str]:
        """(actor id, "") or (None, French reason)."""
        actor_id = link.get("actor_id")
        if actor_id is not None and actor_id in self.by_id:
            return actor_id, ""
        siret = link.get("organisation_siret") or ""
        if siret and siret in self.by_siret:
            return self.by_siret[siret], ""
        siren = link.get("organisation_siren") or ""
        if siren and self.by_siren.get(siren):
            return self.by_siren[siren][0], ""
        name = link.get("organisation") or ""
        found = self.by_name.get(name_key(name), []) if name else []
        if len(found) == 1:
            return found[0], ""
        if len(found) > 1:
            return None, (f"Plusieurs acteurs s'appellent « {name} » : ajoutez une colonne SIRET "
                          "ou « Identifiant de l'acteur » pour les distinguer.")
        shown = name or siret or siren or str(actor_id or "")
        return None, (f"Organisation « {shown} » introuvable dans le catalogue : importez "
                      "d'abord l'acteur, ou corrigez son nom ou son SIRET.")


def _person_keys(contact: MappingABC[str, Any]) -> tuple[str, str]:
    email = (contact.get("email") or "").strip().lower()
    person = f"{fold(contact.get('first_name') or '')}|{fold(contact.get('last_name') or '')}"
    return email, person if person != "|" else ""


def merge_contact(existing: MappingABC[str, Any], incoming: MappingABC[str, Any],
                  policy: str) -> dict[str, Any]:
    """A person's fields after an import: ``merge`` fills empty fields, ``overwrite``
    takes every non-empty value, ``skip`` changes nothing. An opposition in the file is
    recorded in every case, and never lifted (with its legal basis kept)."""
    out = dict(existing)
    for key, value in incoming.items():
        if key == "opt_out" or is_empty(value):
            continue
        if policy == "overwrite" or (policy == "merge" and is_empty(out.get(key))):
            out[key] = value
    if incoming.get("opt_out"):
        out["opt_out"] = True
    return out


def _contact_changes(before: MappingABC[str, Any], after: MappingABC[str, Any]) -> dict:
    out: dict[str, Any] = {}
    for key in fields.CONTACT_KEYS:
        if key not in after:
            continue
        if key == "opt_out":
            if bool(before.get(key)) != bool(after[key]):
                out[key] = bool(after[key])
        elif (before.get(key) or "") != (after[key] or ""):
            out[key] = after[key]
    return out


def plan_contacts(catalogue, plan: ImportPlan) -> None:
    candidates = prepare(plan.table, plan.mapping, kind="contacts", strict=plan.strict)
    plan.candidates = candidates
    actors = catalogue.actor_identities(("name", "aliases", "siret", "siren"))
    organisations = _Organisations(actors)
    policy = plan.on_duplicate
    people: dict[int, dict[tuple[str, str], Any]] = {}   # actor id -> key -> contact or row
    contacts_by_id: dict[int, dict] = {}
    current: dict[int, dict] = {}

    def people_of(actor_id: int) -> dict[tuple[str, str], Any]:
        found = people.get(actor_id)
        if found is None:
            found = people[actor_id] = {}
            for contact in catalogue.contacts(actor_id):
                contacts_by_id[contact["id"]] = contact
                email, person = _person_keys(contact)
                if email:
                    found.setdefault(("email", email), ("contact", contact["id"]))
                if person:
                    found.setdefault(("person", person), ("contact", contact["id"]))
        return found

    for i, candidate in enumerate(candidates):
        data = candidate.data
        name = " ".join(p for p in (data.get("first_name"), data.get("last_name")) if p) \
            or data.get("email", "")
        row = PlannedRow(i, candidate.row_number, name, "new", CREATE,
                         errors=[x.message for x in candidate.errors],
                         warnings=[x.message for x in candidate.warnings], data=data)
        plan.rows.append(row)
        if candidate.ok:
            actor_id, reason = organisations.find(candidate.link)
            if actor_id is None:
                row.errors.append(reason)
            else:
                row.actor_id = actor_id
                row.organisation = organisations.by_id[actor_id]["name"]
        if row.errors:
            row.status, row.action = "error", NOTHING
            continue
        actor_id = row.actor_id
        known = people_of(actor_id)
        email, person = _person_keys(data)
        match, rule = None, None
        if email and ("email", email) in known:
            match, rule = known[("email", email)], "email"
        elif person and ("person", person) in known:
            match, rule = known[("person", person)], "person"
        if match is None or policy == "create":
            if match is not None:
                row.status, row.rule = "duplicate", rule
                row.duplicate_of = _describe_person(match, contacts_by_id, plan.rows)
            elif row.warnings:
                row.status = "warning"
            ref = ("row", i)
            plan.creates.append(dict(data, actor_id=actor_id))
            plan.create_rows.append(i)
            if email:
                known.setdefault(("email", email), ref)
            if person:
                known.setdefault(("person", person), ref)
            continue
        row.status, row.rule = "duplicate", rule
        row.duplicate_of = _describe_person(match, contacts_by_id, plan.rows)
        if match[0] == "contact":
            contact_id = match[1]
            row.contact_id = contact_id
            before = current.get(contact_id, contacts_by_id[contact_id])
            after = merge_contact(before, data, policy)
            changes = _contact_changes(before, after)
            row.changes = {k: (before.get(k), v) for k, v in changes.items()}
            current[contact_id] = after
            if changes:
                plan.updates.setdefault(contact_id, []).append(data)
                row.action = UPDATE
            else:
                row.action = SKIP if policy == "skip" else UNCHANGED
        else:
            first = match[1]
            row.first_row = plan.rows[first].row_number
            row.action = SKIP if policy == "skip" else MERGED
            if policy != "skip" or data.get("opt_out"):
                position = plan.create_rows.index(first)
                plan.creates[position] = merge_contact(plan.creates[position], data, policy)


def _describe_person(match: tuple, contacts_by_id: dict[int, dict],
                     rows: list[PlannedRow]) -> str:
    if match[0] == "contact":
        contact = contacts_by_id[match[1]]
        return " ".join(p for p in (contact["first_name"], contact["last_name"]) if p) \
            or contact["email"]
    return rows[match[1]].name


def apply_contacts(catalogue, plan: ImportPlan, summary: ImportSummary, tick) -> None:
    for data in plan.creates:
        values = {k: v for k, v in data.items() if k != "actor_id"}
        summary.created_ids.append(catalogue.add_contact(data["actor_id"], values))
        tick()
    updated = 0
    for contact_id, incomings in plan.updates.items():
        before = catalogue.get_contact(contact_id)
        if before is None:
            continue
        after = before
        for incoming in incomings:
            after = merge_contact(after, incoming, plan.on_duplicate)
        changes = _contact_changes(before, after)
        if changes and catalogue.update_contact(contact_id, changes):
            updated += 1
            summary.updated_ids.append(contact_id)
        tick()
    summary.settle(updated)
