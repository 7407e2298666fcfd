"""The custom fields of an actors import: the cells of the columns mapped to them read
by each field's type while planning (a bad value is the row's reason in French: dropped
with a warning, or the row rejected when the import is strict), and written with the
import, in its transaction (the same undo step).

The mapping keeps these columns apart (``Mapping.custom_columns``): the rows' preparation
reads only the catalogue's own fields.
"""
from __future__ import annotations

from typing import Any

from ..catalogue.custom_fields import parse_value
from ..errors import UserError
from ..validate import Issue
from .plan import CREATE, MERGED, UNCHANGED, UPDATE, ImportPlan
from .summary import ImportSummary


def plan_custom_values(catalogue, plan: ImportPlan) -> None:
    """Read the custom columns of each row into ``plan.custom`` (row index -> {key: cell})."""
    columns = plan.mapping.custom_columns
    if not columns:
        return
    definitions = {f"custom.{f['key']}": f for f in catalogue.custom_fields("actor")}
    cells_of = dict(zip(plan.table.row_numbers, plan.table.rows))
    for i, candidate in enumerate(plan.candidates):
        cells = cells_of.get(candidate.row_number, [])
        values: dict[str, Any] = {}
        for index, target in sorted(columns.items()):
            field = definitions.get(target)
            raw = cells[index] if index < len(cells) else ""
            if field is None or not str(raw).strip():
                continue
            try:
                parse_value(field, raw)
            except UserError as exc:
                if plan.strict:
                    candidate.errors.append(Issue(target, "error", str(exc)))
                else:
                    candidate.warnings.append(Issue(target, "warning", f"{str(exc).rstrip('.')} : valeur ignorée."))
                continue
            values[field["key"]] = raw
        if values:
            plan.custom[i] = values


def apply_custom_values(catalogue, plan: ImportPlan, summary: ImportSummary) -> int:
    """Write the planned custom values to the actors the rows created or updated (a row
    merged into another row of the file goes with it); with the « merge » policy, a value
    an actor already has is kept. Inside the import's transaction; how many were written."""
    if not plan.custom:
        return 0
    actor_of: dict[int, int] = dict(zip(plan.create_rows, summary.created_ids))
    index_of_number = {row.row_number: row.index for row in plan.rows}
    wanted: dict[int, dict[str, Any]] = {}
    for index, values in plan.custom.items():
        row = plan.rows[index]
        if row.action == CREATE:
            actor_id = actor_of.get(index)
        elif row.action in (UPDATE, UNCHANGED):
            actor_id = row.actor_id
        elif row.action == MERGED and row.actor_id is None:
            actor_id = actor_of.get(index_of_number.get(row.first_row, -1))
        else:
            continue
        if actor_id is None:
            continue
        if plan.on_duplicate == "merge" and row.action != CREATE:
            have = catalogue.custom_values(actor_id)
            values = {k: v for k, v in values.items() if k not in have}
        wanted.setdefault(actor_id, {}).update(values)
    return catalogue.set_custom_values_many(wanted) if wanted else 0
