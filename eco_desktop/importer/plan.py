"""The plan of an import: what each row would do, and everything applying it needs.

``plan_import`` (planning.py) makes an :class:`ImportPlan`, the wizard's preview shows its
:class:`PlannedRow` rows, ``apply_import`` (apply.py) writes it; its ``summary()`` is
what a dry run says.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .mapping import Mapping
from .merge import is_empty
from .prepare import Candidate
from .reading import Table
from .summary import PROPOSED, ImportSummary, Problem, field_label


ON_DUPLICATE = ("skip", "merge", "overwrite", "create")
ON_DUPLICATE_LABELS = {
    "skip": "Ignorer les doublons",
    "merge": "Compléter l'existant (champs vides, listes réunies)",
    "overwrite": "Remplacer par les valeurs du fichier (les cellules vides n'effacent rien)",
    "create": "Créer quand même",
}
# Row statuses, in the order of the preview's filter.
STATUSES = ("new", "duplicate", "warning", "error")
STATUS_LABELS = {"new": "Nouveau", "duplicate": "Doublon", "warning": "Avertissement",
                 "error": "Erreur"}
RULE_LABELS = {"siret": "même SIRET", "siren": "même SIREN", "name": "nom proche",
               "id": "même identifiant", "email": "même e-mail",
               "person": "même prénom et nom"}
# What applying a row does.
CREATE, UPDATE, UNCHANGED, SKIP, MERGED, NOTHING = (
    "create", "update", "unchanged", "skip", "merged", "nothing")


@dataclass
class PlannedRow:
    """What one row of the file would do."""

    index: int
    row_number: int
    name: str                                   # the actor's name, or the person's
    status: str                                 # one of STATUSES
    action: str                                 # CREATE, UPDATE, UNCHANGED, SKIP, MERGED, NOTHING
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rule: str | None = None                     # duplicate rule (RULE_LABELS)
    score: float | None = None
    actor_id: int | None = None                 # the actor updated, or the contact's actor
    duplicate_of: str = ""                      # name of what it duplicates
    site_of: str = ""                           # the head office it is to be linked to
    first_row: int | None = None                # in-file duplicate: the first occurrence
    contact_id: int | None = None               # contacts: the person updated
    organisation: str = ""                      # contacts: the actor's name
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    outside_idf: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    unmatched: dict[str, list[str]] = field(default_factory=dict)  # kept as tags
    proposed: str = ""                          # the kind proposed by the rules, and why

    @property
    def imported(self) -> bool:
        """Whether the row's values go into the catalogue (skipped rows' do not)."""
        return self.action in (CREATE, UPDATE, UNCHANGED, MERGED)

    @property
    def status_text(self) -> str:
        if self.status == "duplicate":
            what = f"« {self.duplicate_of} »" if self.duplicate_of else "un acteur"
            if self.first_row is not None and self.actor_id is None:
                what = f"la ligne {self.first_row} ({what})" if self.duplicate_of \
                    else f"la ligne {self.first_row}"
            rule = RULE_LABELS.get(self.rule or "", self.rule or "")
            if self.rule == "name" and self.score is not None and self.score < 100:
                rule = f"{rule}, {self.score:.0f} %"
            return f"Doublon de {what} ({rule})" if rule else f"Doublon de {what}"
        return STATUS_LABELS[self.status]

    @property
    def action_text(self) -> str:
        if self.action == CREATE:
            return "création"
        if self.action == UPDATE:
            n = len(self.changes)
            return f"mise à jour ({n} champ{'s' if n > 1 else ''})" if n else "mise à jour"
        if self.action == UNCHANGED:
            return "inchangé"
        if self.action == SKIP:
            return "ignoré"
        if self.action == MERGED:
            return f"réuni avec la ligne {self.first_row}"
        return "non importé"

    @property
    def reasons(self) -> list[str]:
        """Errors, then warnings, then what would change, as French sentences."""
        out = list(self.errors) + list(self.warnings)
        for key, (before, after) in self.changes.items():
            out.append(f"{field_label(key)} : {_shown(before)} → {_shown(after)}")
        if self.site_of:
            out.append(f"Établissement de « {self.site_of} » : relié à son siège (« site de »).")
        return out


@dataclass
class ImportPlan:
    """Everything ``apply_import`` needs, and what the preview shows."""

    path: Path
    table: Table
    mapping: Mapping
    kind: str
    on_duplicate: str
    strict: bool
    rows: list[PlannedRow]
    candidates: list[Candidate]
    creates: list[dict[str, Any]] = field(default_factory=list)     # actors or contacts
    create_rows: list[int] = field(default_factory=list)            # their row indexes
    # actor id (or contact id) -> the incoming dicts merged into it, in file order
    updates: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    # Sites to link to their head office (see plan_import's link_sites): (site, head
    # office), each ("row", row index) for an actor the import creates, or ("actor", id).
    link_sites: bool = True
    site_links: list[tuple[tuple[str, int], tuple[str, int]]] = field(default_factory=list)
    # custom fields: row index -> {field key: cell} (importer/custom_values.py)
    custom: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def unmatched(self) -> dict[str, list[str]]:
        """Field -> values not recognised (kept as tags), over the rows imported."""
        out: dict[str, dict[str, None]] = {}
        for row in self.rows:
            if row.imported:
                for key, values in row.unmatched.items():
                    bucket = out.setdefault(key, {})
                    for value in values:
                        bucket.setdefault(value, None)
        return {key: list(values) for key, values in out.items()}

    @property
    def label(self) -> str:
        return f"Importer « {self.path.name} »"

    def counts(self) -> dict[str, int]:
        return self.summary().counts()

    def summary(self) -> ImportSummary:
        """What applying the plan would do (a dry run)."""
        summary = ImportSummary(self.path, self.kind, len(self.rows), dry_run=True,
                                unmatched={k: list(v) for k, v in self.unmatched.items()})
        summary.linked = len(self.site_links)
        for row in self.rows:
            if row.action == CREATE:
                summary.created += 1
            elif row.action == UPDATE:
                summary.updated += 1
            elif row.action == UNCHANGED:
                summary.unchanged += 1
            elif row.action in (SKIP, MERGED):
                summary.skipped += 1
            if row.status == "error":
                summary.errors += 1
            elif row.status == "duplicate":
                summary.duplicates += 1
            elif row.warnings and row.action != SKIP:
                summary.warnings += 1
            if row.outside_idf and row.action in (CREATE, UPDATE, UNCHANGED):
                summary.outside_idf += 1
            if row.proposed and row.action == CREATE:
                summary.proposed += 1
            if row.errors or row.warnings or row.status == "duplicate" or row.proposed:
                summary.problems.extend(_problems(row))
        return summary


def _shown(value: Any) -> str:
    if is_empty(value):
        return "(vide)"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (list, tuple)):
        return "« " + "; ".join(str(v) for v in value) + " »"
    text = str(value)
    if len(text) > 60:
        text = text[:59] + "…"
    return f"« {text} »"


def _problems(row: PlannedRow) -> list[Problem]:
    out = [Problem(row.row_number, row.name, "Erreur", m) for m in row.errors]
    if row.action != SKIP:  # the warnings of a row left out do not matter
        out += [Problem(row.row_number, row.name, "Avertissement", m) for m in row.warnings]
    if row.status == "duplicate" and row.action in (SKIP, MERGED, UNCHANGED):
        out.append(Problem(row.row_number, row.name, "Doublon",
                           f"{row.status_text} : {row.action_text}."))
    if row.proposed and row.action == CREATE:
        out.append(Problem(row.row_number, row.name, PROPOSED, row.proposed))
    return out
