"""A contacts file's row to a :class:`Candidate`: the person, their consent, their organisation.

The consent column says the legal basis (« consentement », « intérêt légitime ») and may
record an opposition; ``link`` holds what identifies the person's organisation (its
name, SIRET, SIREN or catalogue id), found in the catalogue by contacts.py.
"""
from __future__ import annotations

from typing import Any

from .. import fields, validate
from ..text import fold
from ..validate import Issue
from .cleaning import CIVILITIES, digits_only, one_line, parse_date
from .rows import Candidate, RowBuilder, clear, precheck, without_empty
from .values import parse_bool, parse_consent


class ContactBuilder(RowBuilder):
    def build(self, number: int, row: list[str]) -> Candidate:
        get = self.cells(row).__getitem__
        data: dict[str, Any] = {key: "" for key in fields.CONTACT_KEYS}
        data["opt_out"] = False
        candidate = Candidate(number, data)
        civility = one_line(get("civility"))
        data["civility"] = CIVILITIES.get(fold(civility), civility)
        for name in ("first_name", "last_name", "role"):
            data[name] = one_line(get(name))
        data["notes"] = get("notes")
        data["email"] = get("email")
        data["phone"] = get("phone")

        consent = get("consent")
        if consent:
            try:
                basis, data["opt_out"] = parse_consent(consent)
                data["legal_basis"] = basis or ""
            except ValueError:
                self.dropped(candidate, "legal_basis",
                             f"Base légale « {consent} » non reconnue (attendu : oui, non, "
                             "consentement, intérêt légitime, opposition).")
        opt_out = get("opt_out")
        if opt_out:
            value = parse_bool(opt_out)
            if value is None:
                try:
                    _basis, value = parse_consent(opt_out)
                except ValueError:
                    value = None
            if value is None:
                self.dropped(candidate, "opt_out", f"Opposition « {opt_out} » non reconnue "
                             "(attendu : oui ou non).")
            elif value:
                data["opt_out"] = True
        date = get("basis_date")
        self.dated(candidate, "basis_date", date, parse_date,
                   f"La date « {date} » n'est pas une date (attendu : JJ/MM/AAAA).")

        link = candidate.link
        link["organisation"] = one_line(get("organisation"))
        link["organisation_siret"] = digits_only(get("organisation_siret"))
        link["organisation_siren"] = digits_only(get("organisation_siren"))
        if not link["organisation_siren"] and len(link["organisation_siret"]) == 14:
            link["organisation_siren"] = link["organisation_siret"][:9]
        actor_id = get("actor_id")
        link["actor_id"] = int(actor_id) if actor_id.isdigit() else None
        if not (link["organisation"] or link["organisation_siret"] or link["organisation_siren"]
                or link["actor_id"]):
            candidate.errors.append(Issue(
                "organisation", "error",
                "L'organisation du contact n'est pas indiquée (nom, SIRET ou SIREN)."))

        rest = dict(data)
        prechecked = precheck(data, rest, validate.validate_contact)
        for issue in validate.validate_contact(rest) + prechecked:
            if issue.field == "last_name":
                candidate.errors.append(issue)
            elif issue.level == "warning":
                candidate.warnings.append(issue)
            else:
                self.dropped(candidate, issue.field, issue.message)
                if not self.strict:
                    clear(data, issue.field)
        candidate.data = without_empty(data)
        return candidate
