"""Plan an import (what each row would do) and apply it to a catalogue, all or nothing.

``plan_import`` reads the file, maps its columns, prepares the rows, looks for
duplicates (in the catalogue and in the file) and decides, row by row, what would happen:
create, update (with the fields that would change), leave unchanged, skip, or nothing
because of an error. Nothing is written. ``apply_import`` then writes the plan inside ONE
transaction of the catalogue (one history entry: one undo removes what was created and
restores what was changed); cancelling or any failure leaves the catalogue as it was.

Contacts files attach each person to an actor of the catalogue (its id, else its SIRET,
else its SIREN, else its name) and update a person already at that actor (same e-mail,
else same first and last name) instead of adding them twice. An opposition in the file
is always recorded, whatever the duplicate policy, and an import never lifts one.

No Qt here: the window runs these functions in a worker thread.
"""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Mapping as MappingABC
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import db, fields
from ..errors import UserError, os_error_text
from ..french import count
from ..text import fold
from ..gcpause import gc_paused
from .duplicates import Duplicate, find_duplicates, name_key
from .mapping import FIELD_LABELS, Mapping, header_key
from .mapping import detect_kind as _detect_kind
from .merge import changed_fields, is_empty, merge_fill, merge_overwrite
from .prepare import Candidate, SecondProcess, prepare
from .reading import Table, ensure_unchanged, read_table
from .values import parse_bool

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

_PROGRESS_EVERY = 200
PROPOSED = "Type proposé"   # the report's level of a row whose kind the rules proposed


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
class Problem:
    """One line of the report."""

    row_number: int
    name: str
    level: str          # "Erreur", "Avertissement", "Doublon"
    message: str


@dataclass
class ImportSummary:
    """What an import did (or, for a plan, would do)."""

    path: Path
    kind: str
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    warnings: int = 0           # rows imported with at least one warning
    errors: int = 0             # rows not imported because of an error
    proposed: int = 0           # rows imported with a kind the rules proposed
    duplicates: int = 0         # rows found already in the catalogue or earlier in the file
    outside_idf: int = 0
    dry_run: bool = False
    unmatched: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    linked: int = 0             # sites linked to their head office (relations site_of)

    def counts(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "skipped": self.skipped, "warnings": self.warnings, "errors": self.errors}

    @property
    def all_failed(self) -> bool:
        """Rows needed importing and none could be, because of errors: nothing created or
        updated, and some rows in error (rows already in the catalogue needed nothing)."""
        return self.rows > 0 and self.errors > 0 and not self.created and not self.updated

    def failure(self) -> str:
        """The sentence saying that no row could be imported (see ``all_failed``)."""
        if self.errors == self.rows:
            rows = "la ligne est" if self.rows == 1 else f"les {count(self.rows, 'ligne')} sont"
            why = f"{rows} en erreur"
        else:  # the others are already in the catalogue
            why = (f"{count(self.errors, 'ligne')} en erreur, les autres déjà dans le "
                   "catalogue")
        return (f"Aucune ligne de « {self.path.name} » n'a pu être importée : {why}. "
                "Corrigez le fichier (ou la correspondance des colonnes) puis relancez "
                "l'import.")

    def reasons(self, count: int = 3) -> list[tuple[str, int]]:
        """The most frequent reasons rows were rejected, with how many rows each."""
        seen: dict[str, int] = {}
        for problem in self.problems:
            if problem.level == "Erreur":
                seen[problem.message] = seen.get(problem.message, 0) + 1
        return sorted(seen.items(), key=lambda item: -item[1])[:count]

    def tally(self) -> str:
        """The one line a script or an officer reads first: created, updated, duplicates,
        rejected and the first reasons."""
        future = self.dry_run
        parts = [f"{self.created} {'à créer' if future else 'créé' + 's' * (self.created > 1)}",
                 f"{self.updated} {'à mettre à jour' if future else 'mis à jour'}",
                 f"{self.duplicates} doublon{'s' * (self.duplicates > 1)}",
                 f"{self.errors} rejeté{'s' * (self.errors > 1)}"]
        line = "Bilan : " + ", ".join(parts)
        reasons = self.reasons()
        if reasons:
            shown = " ; ".join(f"{m.rstrip('.')} ({n})" if n > 1 else m.rstrip(".")
                               for m, n in reasons)
            line += f" — motifs : {shown}"
        return line + "."

    def lines(self, max_problems: int = 20,
              full_list: str = "--report FICHIER.xlsx pour la liste complète") -> list[str]:
        """The summary in French, one sentence a line. ``full_list``: how, where the
        reader is, to get every problem (the command line's option, the wizard's button)."""
        what = "acteurs" if self.kind == "actors" else "contacts"
        if self.all_failed:
            head = (f"Simulation de l'import de « {self.path.name} » : aucune ligne ne "
                    "pourrait être importée." if self.dry_run else
                    f"Import de « {self.path.name} » : aucune ligne importée, rien n'a été "
                    "écrit.")
        else:
            head = (f"Simulation de l'import de « {self.path.name} » : rien n'a été écrit."
                    if self.dry_run else f"Import de « {self.path.name} » terminé.")
        future = self.dry_run
        out = [head, f"{count(self.rows, 'ligne')} lue{'s' if self.rows > 1 else ''} "
                     f"({what}).", self.tally()]
        out.append(" · ".join([
            f"{'À créer' if future else 'Créés'} : {self.created}",
            f"{'À mettre à jour' if future else 'Mis à jour'} : {self.updated}",
            f"Inchangés : {self.unchanged}",
            f"{'À ignorer' if future else 'Ignorés'} : {self.skipped}",
            f"Avertissements : {self.warnings}",
            f"Erreurs : {self.errors}"]))
        if self.proposed:
            out.append(f"Type proposé d'après le code NAF ou le type de structure : "
                       f"{count(self.proposed, 'ligne')} (le rapport les liste).")
        if self.linked:
            out.append(f"{'À relier' if future else 'Reliés'} à leur siège (relation « site "
                       f"de ») : {count(self.linked, 'établissement')}.")
        if self.outside_idf:
            out.append(f"Hors Île-de-France : {count(self.outside_idf, 'ligne')} "
                       f"{'importée' if not future else 'à importer'}"
                       f"{'s' if self.outside_idf > 1 and not future else ''} et signalée"
                       f"{'s' if self.outside_idf > 1 else ''}.")
        for key, values in self.unmatched.items():
            shown = ", ".join(f"« {v} »" for v in values[:10])
            more = f" et {len(values) - 10} autres" if len(values) > 10 else ""
            out.append(f"Valeurs non reconnues pour « {field_label(key)} », gardées comme "
                       f"étiquettes : {shown}{more}.")
        listed = [p for p in self.problems if p.level not in ("Doublon", PROPOSED)]
        for problem in listed[:max_problems]:
            out.append(f"ligne {problem.row_number} : {problem.message}")
        if len(listed) > max_problems:
            out.append(f"… et {len(listed) - max_problems} autres problèmes ({full_list}).")
        return out

    def message(self) -> str:
        return "\n".join(self.lines())

    def table_rows(self) -> list[list[Any]]:
        """[label, value] pairs for the report's « Résumé » sheet."""
        future = self.dry_run
        rows: list[list[Any]] = [
            ["Fichier", str(self.path)],
            ["Contenu", "acteurs" if self.kind == "actors" else "contacts"],
            ["Simulation", "oui : rien n'a été écrit" if future else "non"],
            ["Lignes lues", self.rows],
            ["À créer" if future else "Créés", self.created],
            ["À mettre à jour" if future else "Mis à jour", self.updated],
            ["Inchangés", self.unchanged],
            ["À ignorer" if future else "Ignorés", self.skipped],
            ["Avertissements", self.warnings],
            ["Erreurs", self.errors],
            ["Type proposé (code NAF, type de structure)", self.proposed],
            [fields.label("outside_idf"), self.outside_idf],
            [f"{'À relier' if future else 'Reliés'} à leur siège (relation « site de »)",
             self.linked],
        ]
        for key, values in self.unmatched.items():
            rows.append([f"Non reconnus ({field_label(key)})", "; ".join(values)])
        return rows


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


# --------------------------------------------------------------------------- helpers

def field_label(key: str) -> str:
    return FIELD_LABELS.get(key, key)


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


def detect_kind(headers: list[str]) -> str:
    """"contacts" or "actors" (see :func:`mapping.detect_kind`)."""
    return _detect_kind(headers)


def _load_mapping(mapping: Any, table: Table, kind: str | None) -> Mapping:
    if isinstance(mapping, Mapping):
        return mapping
    if mapping is None:
        return Mapping.auto(table.headers, kind or detect_kind(table.headers))
    if isinstance(mapping, MappingABC):
        return Mapping.from_json(dict(mapping), table.headers,
                                 kind or mapping.get("kind") or detect_kind(table.headers))
    return Mapping.load(mapping, table.headers, kind or _kind_in_json(mapping)
                        or detect_kind(table.headers))


def _kind_in_json(path: str | os.PathLike) -> str | None:
    import json
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None  # Mapping.load says what is wrong
    return data.get("kind") if isinstance(data, dict) else None


def _vocabularies(catalogue) -> dict[str, dict[str, str]]:
    return {name: catalogue.vocabulary(name) for name in ("kind", "domain", "activity")}


def _existing_actors(catalogue) -> list[dict[str, Any]]:
    """What the duplicate rules look at, for every actor not in the trash."""
    with catalogue.lock:
        rows = catalogue.conn.execute(
            "SELECT id, name, aliases, siret, siren, postcode, insee_code, commune FROM actors "
            "WHERE deleted_at IS NULL ORDER BY id").fetchall()
    return [dict(r) for r in rows]


# --------------------------------------------------------------------------- planning

def plan_import(catalogue, path: str | os.PathLike, *, sheet: str | None = None,
                mapping: Mapping | MappingABC | str | os.PathLike | None = None,
                kind: str | None = None, on_duplicate: str = "skip", strict: bool = False,
                table: Table | None = None, link_sites: bool = True, default_kind: str | None = None,
                kind_hint: str = "") -> ImportPlan:
    """Read ``path`` and decide what each row would do; writes nothing.

    ``mapping``: a :class:`Mapping`, a JSON dict or the path of a JSON mapping file (the
    automatic mapping otherwise). ``kind``: "actors" or "contacts" (detected from the
    header when None). ``on_duplicate``: skip, merge (fill empty fields, union of lists),
    overwrite (non-empty cells replace) or create. ``strict``: an invalid value rejects
    its row instead of being dropped with a warning. ``table``: the file already read.
    ``link_sites``: when the file says which establishment is its firm's head office
    (SIRENE's ``etablissementSiege``, ``nicSiegeUniteLegale``, a « SIRET du siège »), the
    firm's other establishments are linked to it by a ``site_of`` relation, written with
    the import (same transaction, same undo); a link already there is not made again.
    ``default_kind``: the kind of actor rows whose type is absent, empty or unknown (the
    unknown value kept as a tag); without it the catalogue's kind rules propose one from
    the NAF code or the type of structure. ``kind_hint``: where the person sets that
    default, for the messages of rows left without a kind (prepare.KIND_HINT_CLI, …).
    Raises :class:`UserError` when the file cannot be read or has no usable column.
    """
    if on_duplicate not in ON_DUPLICATE:
        raise UserError(f"Choix inconnu pour les doublons : « {on_duplicate} » (possibles : "
                        f"{', '.join(ON_DUPLICATE)}).")
    if kind not in (None, "actors", "contacts"):
        raise UserError(f"Type d'import inconnu : « {kind} ».")
    if default_kind:
        kinds = catalogue.vocabulary("kind")
        if default_kind not in kinds:
            raise UserError(f"Type d'acteur inconnu : « {default_kind} » (types possibles : "
                            f"{', '.join(kinds)}).")
    path = Path(path)
    # A big file: the second process that will prepare part of it starts while it is read.
    helper = SecondProcess.start_for(path) if table is None else None
    try:
        # 100,000s of rows: no cycles, and collections would rescan them all.
        with gc_paused():
            if table is None:
                table = read_table(path, sheet)
            else:
                ensure_unchanged(table)
            mapping = _load_mapping(mapping, table, kind)
            kind = mapping.kind
            mapping.require_name()
            plan = ImportPlan(path, table, mapping, kind, on_duplicate, strict, [], [],
                              link_sites=link_sites)
            if kind == "actors":
                _plan_actors(catalogue, plan, helper, default_kind, kind_hint)
                helper = None  # used or closed by prepare()
            else:
                _plan_contacts(catalogue, plan)
    finally:
        if helper is not None:
            helper.close()
    return plan


def _plan_actors(catalogue, plan: ImportPlan, helper: SecondProcess | None = None,
                 default_kind: str | None = None, kind_hint: str = "") -> None:
    vocabularies = _vocabularies(catalogue)
    candidates = prepare(plan.table, plan.mapping, vocabularies, kind="actors",
                         strict=plan.strict, source=f"Import « {plan.path.name} »",
                         default_kind=default_kind, kind_rules=catalogue.kind_rule_table(),
                         kind_hint=kind_hint, helper=helper)
    kind_labels = vocabularies["kind"]
    plan.candidates = candidates
    existing = _existing_actors(catalogue)
    duplicates = find_duplicates(candidates, existing)
    policy = plan.on_duplicate

    # A row merging into an existing actor needs no kind: the actor has one.
    if policy != "create":
        for candidate, dup in zip(candidates, duplicates):
            if dup is not None and dup.actor_id is not None and candidate.errors and \
                    all(i.field == "kind" for i in candidate.errors):
                candidate.errors = []
    # A row duplicating an earlier row in error is compared again without the rows in error.
    if any(d is not None and d.first_index is not None and not candidates[d.first_index].ok
           for d in duplicates):
        kept = [i for i, c in enumerate(candidates) if c.ok]
        again = find_duplicates([candidates[i] for i in kept], existing)
        duplicates = [None] * len(candidates)
        for i, dup in zip(kept, again):
            if dup is not None and dup.first_index is not None:
                dup = Duplicate(i, dup.row_number, dup.rule, dup.score, dup.actor_id,
                                kept[dup.first_index], dup.first_row)
            duplicates[i] = dup

    names = {a["id"]: a["name"] for a in existing}
    wanted = sorted({d.actor_id for d in duplicates if d is not None and d.actor_id is not None}) \
        if policy in ("merge", "overwrite") else []
    originals = {a["id"]: a for a in catalogue.actors_by_ids(wanted)} if wanted else {}
    current = dict(originals)          # actor id -> state after the rows merged so far
    merge = merge_fill if policy == "merge" else merge_overwrite
    create_of_row: dict[int, int] = {}  # row index -> position in plan.creates

    for i, (candidate, dup) in enumerate(zip(candidates, duplicates)):
        data = candidate.data
        row = PlannedRow(i, candidate.row_number, data.get("name", ""), "new", CREATE,
                         errors=[x.message for x in candidate.errors],
                         warnings=[x.message for x in candidate.warnings],
                         outside_idf=bool(data.get("outside_idf")), data=data,
                         unmatched=candidate.unmatched)
        if candidate.proposed:
            row.proposed = (f"Type proposé : « {kind_labels.get(data['kind'], data['kind'])} » "
                            f"d'après le {candidate.proposed}.")
        plan.rows.append(row)
        if not candidate.ok:
            row.status, row.action = "error", NOTHING
            continue
        if dup is None or policy == "create":
            if dup is not None:
                _describe_duplicate(row, dup, names, plan.rows)
                row.status = "duplicate"
            elif row.warnings:
                row.status = "warning"
            create_of_row[i] = len(plan.creates)
            plan.creates.append(dict(data))
            plan.create_rows.append(i)
            continue
        _describe_duplicate(row, dup, names, plan.rows)
        row.status = "duplicate"
        if policy == "skip":
            row.action = SKIP
            continue
        incoming = {k: v for k, v in data.items() if k not in candidate.defaults}
        if dup.actor_id is not None:
            actor_id = dup.actor_id
            before = current[actor_id]
            after = merge(before, incoming)
            row.changes = {k: (before.get(k), v) for k, v in changed_fields(before, after).items()}
            current[actor_id] = after
            plan.updates.setdefault(actor_id, []).append(incoming)
            row.action = UPDATE if row.changes else UNCHANGED
            continue
        # A duplicate of an earlier row that is to be created: merged into that row.
        first = dup.first_index
        position = create_of_row.get(first)
        row.action = MERGED
        if position is not None:
            plan.creates[position] = merge(plan.creates[position], incoming)

    # Final changes per actor (several rows may merge into one actor).
    for actor_id in list(plan.updates):
        if not changed_fields(originals[actor_id], current[actor_id]):
            del plan.updates[actor_id]
    if plan.link_sites:
        _plan_site_links(catalogue, plan, duplicates, existing)


# Columns saying which establishment is the firm's head office (SIRENE v3, v2's long
# headers, the « recherche d'entreprises » exports). They feed no field of the actor.
_HEAD_OFFICE_FLAGS = frozenset(header_key(h) for h in (
    "etablissementSiege", "Siège", "Établissement siège", "Est siège", "Siège social",
    "Qualité de siège ou non de l'établissement", "Établissement siège de l'unité légale"))
_HEAD_OFFICE_NICS = frozenset(header_key(h) for h in (
    "nicSiegeUniteLegale", "NIC du siège", "NIC du siège de l'entreprise",
    "NIC du siège de l'unité légale"))
_HEAD_OFFICE_SIRETS = frozenset(header_key(h) for h in (
    "siret_siege", "SIRET du siège", "SIRET du siège de l'entreprise"))


def _plan_site_links(catalogue, plan: ImportPlan, duplicates: list[Duplicate | None],
                     existing: list[dict[str, Any]]) -> None:
    """The (site, head office) pairs of the file: each establishment of a firm (same
    SIREN, another SIRET) and the one the file says is its head office, in the file or
    already in the catalogue. Rows without a SIRET are the firm, not one of its sites."""
    keys = [header_key(h) for h in plan.table.headers]
    flags = [k for k, key in enumerate(keys) if key in _HEAD_OFFICE_FLAGS]
    nics = [k for k, key in enumerate(keys) if key in _HEAD_OFFICE_NICS]
    head_sirets = [k for k, key in enumerate(keys) if key in _HEAD_OFFICE_SIRETS]
    if not (flags or nics or head_sirets):
        return
    refs: list[tuple[str, int] | None] = [None] * len(plan.rows)
    for i, (row, dup) in enumerate(zip(plan.rows, duplicates)):
        if row.action == CREATE:
            refs[i] = ("row", i)
        elif row.action == NOTHING:
            continue
        elif row.actor_id is not None:
            refs[i] = ("actor", row.actor_id)
        elif dup is not None and dup.first_index is not None:
            refs[i] = refs[dup.first_index]   # an earlier row, whose actor is known

    def cell(cells: list[str], columns: list[int]) -> str:
        return next((cells[k].strip() for k in columns if k < len(cells) and cells[k].strip()),
                    "")

    head_siret: dict[str, str] = {}               # SIREN -> its head office's SIRET
    head_of: dict[str, tuple[tuple[str, int], str]] = {}   # SIREN -> (actor, name)
    sites: list[tuple[int, str, str]] = []        # (row, SIREN, SIRET)
    for i, (row, cells) in enumerate(zip(plan.rows, plan.table.rows)):
        siret = row.data.get("siret") or ""
        if refs[i] is None or len(siret) != 14:
            continue
        siren = siret[:9]
        given = "".join(c for c in cell(cells, head_sirets) if c.isdigit())
        nic = cell(cells, nics)
        if not given and nic.isdigit() and len(nic) <= 5:
            given = siren + nic.zfill(5)
        if parse_bool(cell(cells, flags)):
            given = siret
        if given and siren not in head_siret:
            head_siret[siren] = given
        if siren not in head_of and head_siret.get(siren) == siret:
            head_of[siren] = (refs[i], row.name)
        sites.append((i, siren, siret))
    if not head_siret:
        return
    for actor in existing:   # a head office already in the catalogue
        siret = actor.get("siret") or ""
        if siret[:9] not in head_of and head_siret.get(siret[:9]) == siret:
            head_of[siret[:9]] = (("actor", actor["id"]), actor["name"])
    pairs: dict[tuple, int] = {}   # (site, head office) -> the site's first row
    for i, siren, siret in sites:
        head = head_of.get(siren)
        if head is not None and siret != head_siret[siren] and refs[i] != head[0]:
            pairs.setdefault((refs[i], head[0]), i)
    if any(site[0] == "actor" and head[0] == "actor" for site, head in pairs):
        for relation in catalogue.relations():
            if relation["type"] == "site_of":
                pairs.pop((("actor", relation["source_id"]), ("actor", relation["target_id"])),
                          None)
    names = {siren: name for siren, (_, name) in head_of.items()}
    for i in pairs.values():
        plan.rows[i].site_of = names[(plan.rows[i].data.get("siret") or "")[:9]]
    plan.site_links = list(pairs)


def _describe_duplicate(row: PlannedRow, dup: Duplicate, names: dict[int, str],
                        rows: list[PlannedRow]) -> None:
    row.rule, row.score = dup.rule, dup.score
    if dup.actor_id is not None:
        row.actor_id = dup.actor_id
        row.duplicate_of = names.get(dup.actor_id, "")
    else:
        row.first_row = dup.first_row
        if dup.first_index is not None and dup.first_index < len(rows):
            row.duplicate_of = rows[dup.first_index].name


# -- contacts --------------------------------------------------------------------------------

class _Organisations:
    """Finds the actor a contact belongs to: id, SIRET, SIREN, then name (or alias)."""

    def __init__(self, actors: list[dict[str, Any]]):
        import json
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


_CONTACT_KEYS = ("civility", "first_name", "last_name", "role", "email", "phone",
                 "legal_basis", "basis_date", "opt_out", "notes")


def _contact_changes(before: MappingABC[str, Any], after: MappingABC[str, Any]) -> dict:
    out: dict[str, Any] = {}
    for key in _CONTACT_KEYS:
        if key not in after:
            continue
        if key == "opt_out":
            if bool(before.get(key)) != bool(after[key]):
                out[key] = bool(after[key])
        elif (before.get(key) or "") != (after[key] or ""):
            out[key] = after[key]
    return out


def _plan_contacts(catalogue, plan: ImportPlan) -> None:
    candidates = prepare(plan.table, plan.mapping, kind="contacts", strict=plan.strict)
    plan.candidates = candidates
    with catalogue.lock:
        actors = [dict(r) for r in catalogue.conn.execute(
            "SELECT id, name, aliases, siret, siren FROM actors WHERE deleted_at IS NULL")]
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


# --------------------------------------------------------------------------- applying

def apply_import(catalogue, plan: ImportPlan | str | os.PathLike, *,
                 progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None, **options: Any) -> ImportSummary:
    """Write ``plan`` in ONE transaction (one undo step); returns what was done.

    ``plan`` may also be a file path: it is then planned first with ``options`` (those
    of :func:`plan_import`). ``progress(done, total)`` is called now and then;
    ``cancelled()`` returning True rolls everything back and raises
    :class:`~eco_desktop.store.OperationCancelled`. Updates are recomputed against the
    catalogue as it is now (it may have changed since the plan was made). A plan whose
    file changed since it was read is refused as a whole: nothing is written.
    """
    # The collector stays paused from the plan to the end: a collection in between would
    # scan the plan's millions of young objects (a second at 100k rows), and a plan made
    # here is freed by reference counting when this returns.
    with gc_paused():
        if not isinstance(plan, ImportPlan):
            plan = plan_import(catalogue, plan, **options)
        return _apply_plan(catalogue, plan, progress, cancelled)


def _apply_plan(catalogue, plan: ImportPlan, progress, cancelled) -> ImportSummary:
    from ..store import OperationCancelled

    ensure_unchanged(plan.table)
    summary = plan.summary()
    summary.dry_run = False
    total = len(plan.creates) + len(plan.updates) + len(plan.site_links)
    done = 0

    def tick(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress is not None and (done % _PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
        if cancelled is not None and done % _PROGRESS_EVERY == 0 and cancelled():
            raise OperationCancelled("Import annulé : rien n'a été modifié.")

    if progress is not None:
        progress(0, total)
    if not total:
        return summary
    try:
        with catalogue.transaction(plan.label):
            if plan.kind == "actors":
                _apply_actors(catalogue, plan, summary, tick, progress, cancelled, total)
            else:
                _apply_contacts(catalogue, plan, summary, tick)
            if cancelled is not None and cancelled():
                raise OperationCancelled("Import annulé : rien n'a été modifié.")
    except sqlite3.Error as exc:  # SQLite's text is English: the reason in French
        reason = str(db.translate_error(exc, catalogue.path)).rstrip(".")
        raise UserError(f"L'import n'a pas pu être enregistré ({reason}) : rien n'a été "
                        "modifié.") from exc
    if progress is not None:
        progress(total, total)
    return summary


def _apply_actors(catalogue, plan: ImportPlan, summary: ImportSummary, tick, progress,
                  cancelled, total: int) -> None:
    from ..store import OperationCancelled

    if plan.creates:
        def created(n: int) -> None:
            if progress is not None:
                progress(n, total)

        summary.created_ids = catalogue.bulk_create_actors(
            plan.creates, label=plan.label, progress=created, cancelled=cancelled)
        tick(len(plan.creates))
    merge = merge_fill if plan.on_duplicate == "merge" else merge_overwrite
    updated = 0
    for actor_id, incomings in plan.updates.items():
        before = catalogue.get_actor(actor_id)
        if before is None or before.get("deleted_at"):
            continue
        after = before
        for incoming in incomings:
            after = merge(after, incoming)
        changes = changed_fields(before, after)
        changes.pop("deleted_at", None)
        if changes and catalogue.update_actor(actor_id, changes, label=plan.label):
            updated += 1
            summary.updated_ids.append(actor_id)
        tick()
        if cancelled is not None and cancelled():
            raise OperationCancelled("Import annulé : rien n'a été modifié.")
    _settle(summary, updated)
    summary.linked = _apply_site_links(catalogue, plan, summary, tick)


def _apply_site_links(catalogue, plan: ImportPlan, summary: ImportSummary, tick) -> int:
    """The planned site_of relations, in the import's transaction; a link made since the
    plan, or to an actor gone since, is left out."""
    created = dict(zip(plan.create_rows, summary.created_ids))
    made = 0
    for site, head in plan.site_links:
        ids = [created.get(ref[1]) if ref[0] == "row" else ref[1] for ref in (site, head)]
        tick()
        if None in ids or ids[0] == ids[1]:
            continue
        try:
            catalogue.add_relation(ids[0], "site_of", ids[1])
        except UserError:   # there already, or an actor deleted since the plan
            continue
        made += 1
    return made


def _apply_contacts(catalogue, plan: ImportPlan, summary: ImportSummary, tick) -> None:
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
    _settle(summary, updated)


def _settle(summary: ImportSummary, updated: int) -> None:
    """The plan counted rows; several rows may update one record, or none any more."""
    planned = summary.updated
    if updated != planned:
        summary.unchanged += max(0, planned - updated)
        summary.updated = updated


# --------------------------------------------------------------------------- report

REPORT_HEADERS = ("Ligne", fields.label("name"), "Niveau", "Problème")


def write_report(path: str | os.PathLike, result: ImportPlan | ImportSummary) -> Path:
    """An xlsx report: sheet « Problèmes » (one line per problem with its row number)
    and sheet « Résumé ». Raises :class:`UserError` when it cannot be written."""
    from openpyxl import Workbook

    from .. import export

    path = Path(path)
    summary = result.summary() if isinstance(result, ImportPlan) else result
    rows = [[p.row_number, p.name, p.level, p.message] for p in summary.problems]
    resume = summary.table_rows()
    wb = Workbook(write_only=True)
    tmp = path.with_name(f".~{path.stem[:40]}.tmp")
    try:
        export.write_table(wb, "Problèmes", list(REPORT_HEADERS), rows,
                           [export.INT, export.TEXT, export.TEXT, export.WRAP])
        export.write_table(wb, "Résumé", ["Élément", "Valeur"], resume,
                           [export.TEXT, export.WRAP], autofilter=False)
        wb.save(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        export.discard_workbook(wb)
        try:
            tmp.unlink()
        except OSError:
            pass
        raise UserError(f"Impossible d'écrire le rapport « {path} » : "
                        f"{os_error_text(exc)}.") from exc
    return path
