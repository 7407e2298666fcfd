"""Plan an import: read the file, map its columns, prepare its rows, find the duplicates
and decide, row by row, what would happen — create, update (with the fields that would
change), leave unchanged, skip, or nothing because of an error. Nothing is written.

No Qt here: the window runs this in a worker thread.
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping as MappingABC
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..gcpause import gc_paused
from .contacts import plan_contacts
from .duplicates import Duplicate, find_duplicates
from .mapping import Mapping, detect_kind
from .merge import changed_fields, merge_fill, merge_overwrite
from .plan import CREATE, MERGED, NOTHING, ON_DUPLICATE, SKIP, UNCHANGED, UPDATE, ImportPlan, PlannedRow
from .parallel import SecondProcess
from .prepare import prepare
from .reading import Table, ensure_unchanged, read_table
from .custom_values import plan_custom_values
from .sites import plan_site_links


def _load_mapping(mapping: Any, table: Table, kind: str | None, custom: list[dict] = ()) -> Mapping:
    """``custom``: the catalogue's actor custom fields, targets of an actors file's columns."""
    if isinstance(mapping, Mapping):
        return mapping
    if mapping is None:
        kind = kind or detect_kind(table.headers)
        return Mapping.auto(table.headers, kind, custom if kind == "actors" else ())
    if isinstance(mapping, MappingABC):
        kind = kind or mapping.get("kind") or detect_kind(table.headers)
        return Mapping.from_json(dict(mapping), table.headers, kind,
                                 custom=custom if kind == "actors" else ())
    kind = kind or _kind_in_json(mapping) or detect_kind(table.headers)
    return Mapping.load(mapping, table.headers, kind, custom=custom if kind == "actors" else ())


def _kind_in_json(path: str | os.PathLike) -> str | None:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None  # Mapping.load says what is wrong
    return data.get("kind") if isinstance(data, dict) else None


def _existing_actors(catalogue) -> list[dict[str, Any]]:
    """What the duplicate rules look at, for every actor not in the trash."""
    return catalogue.actor_identities(("name", "aliases", "siret", "siren", "postcode", "insee_code", "commune"))


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
            mapping = _load_mapping(mapping, table, kind, catalogue.custom_fields("actor"))
            kind = mapping.kind
            mapping.require_name()
            plan = ImportPlan(path, table, mapping, kind, on_duplicate, strict, [], [],
                              link_sites=link_sites)
            if kind == "actors":
                _plan_actors(catalogue, plan, helper, default_kind, kind_hint)
                helper = None  # used or closed by prepare()
            else:
                plan_contacts(catalogue, plan)
    finally:
        if helper is not None:
            helper.close()
    return plan


def _plan_actors(catalogue, plan: ImportPlan, helper: SecondProcess | None = None,
                 default_kind: str | None = None, kind_hint: str = "") -> None:
    vocabularies = catalogue.value_labels()
    candidates = prepare(plan.table, plan.mapping, vocabularies, kind="actors",
                         strict=plan.strict, source=f"Import « {plan.path.name} »",
                         default_kind=default_kind, kind_rules=catalogue.kind_rule_table(),
                         kind_hint=kind_hint, helper=helper)
    kind_labels = vocabularies["kind"]
    plan.candidates = candidates
    plan_custom_values(catalogue, plan)  # custom fields
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
        plan_site_links(catalogue, plan, duplicates, existing)


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
