"""Apply a planned import to a catalogue, all or nothing.

``apply_import`` writes the plan (planning.py) inside ONE transaction of the catalogue
(one history entry: one undo removes what was created and restores what was changed);
cancelling or any failure leaves the catalogue as it was. Actors are created in bulk,
then the rows merging into existing actors update them, then sites are linked to their
head office (sites.py); a contacts plan is written by contacts.py.

No Qt here: the window runs this in a worker thread.
"""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from typing import Any

from .. import db
from ..catalogue import OperationCancelled
from ..errors import UserError
from ..gcpause import gc_paused
from .contacts import apply_contacts
from .custom_values import apply_custom_values
from .merge import changed_fields, merge_fill, merge_overwrite
from .plan import ImportPlan
from .planning import plan_import
from .reading import ensure_unchanged
from .sites import apply_site_links
from .summary import ImportSummary


_PROGRESS_EVERY = 200


def apply_import(catalogue, plan: ImportPlan | str | os.PathLike, *,
                 progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None, **options: Any) -> ImportSummary:
    """Write ``plan`` in ONE transaction (one undo step); returns what was done.

    ``plan`` may also be a file path: it is then planned first with ``options`` (those
    of :func:`plan_import`). ``progress(done, total)`` is called now and then;
    ``cancelled()`` returning True rolls everything back and raises
    :class:`~eco_desktop.catalogue.OperationCancelled`. Updates are recomputed against the
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
    if not total and not plan.custom:  # (custom fields' values of rows otherwise unchanged)
        return summary
    try:
        with catalogue.transaction(plan.label):
            if plan.kind == "actors":
                _apply_actors(catalogue, plan, summary, tick, progress, cancelled, total)
            else:
                apply_contacts(catalogue, plan, summary, tick)
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
    summary.settle(updated)
    apply_custom_values(catalogue, plan, summary)  # custom fields
    summary.linked = apply_site_links(catalogue, plan, summary, tick)
