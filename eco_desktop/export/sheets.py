"""The export's xlsx workbook: its « Acteurs », « Contacts » and « Critères » sheets."""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from .. import APP_TITLE, __version__
from ..atomic import atomic_files
from ..catalogue.followups import FOLLOWUP_HEADINGS, Followup
from .columns import (ACTOR_COLUMNS, DATE, DEFAULT_COLUMNS, EMAIL, LIST_SEP, TEXT, WRAP, actor_kinds, actor_rows,
                      check_columns, contact_columns, contact_kinds, contact_rows, default_labels)
from .progress import Progress
from .workbook import discard_workbook, save_workbook, write_table


def criteria_rows(criteria: Sequence[str], *, actors: int, contacts: int | None,
                  all_contacts: bool, total: int | None, catalogue: str | os.PathLike | None,
                  when: datetime, columns: Sequence[str], custom: Sequence[str] = ()) -> list[list[Any]]:
    """The « Critères » sheet: what was exported, from where, when, and what was asked."""
    rows: list[list[Any]] = [
        ["Export", f"{APP_TITLE} {__version__}"],
        ["Date de l'export", when.strftime("%d/%m/%Y à %H:%M")],
    ]
    if catalogue:
        rows.append(["Catalogue", str(catalogue)])
    if total is not None:
        rows.append(["Acteurs exportés", f"{actors} sur {total}"])
    else:
        rows.append(["Acteurs exportés", str(actors)])
    if contacts is not None:
        rows.append(["Contacts exportés", str(contacts)])
        rows.append(["Contacts retenus", (
            "tous, y compris ceux sans base légale ou qui se sont opposés : "
            "ne pas utiliser cette liste pour un envoi sans les écarter"
            if all_contacts else
            "uniquement ceux qui ont une base légale et ne se sont pas opposés")])
    if criteria:
        for sentence in criteria:
            rows.append(["Critère", sentence])
    else:
        rows.append(["Critère", "aucun : tout le catalogue"])
    rows.append(["Colonnes", LIST_SEP.join([*(ACTOR_COLUMNS[c] for c in columns), *custom])])  # custom fields
    return rows


FOLLOWUP_SHEET = "Relances"
FOLLOWUP_COLUMNS = tuple(zip(FOLLOWUP_HEADINGS.values(), (DATE, TEXT, TEXT, TEXT, TEXT, WRAP, EMAIL)))


def followup_rows(items: Iterable[Followup]) -> list[list[Any]]:
    """The « Relances » sheet's rows: one follow-up each, by date (the list's order)."""
    return [[f.due, f.bucket_label, f.actor, f.call, f.who, f.next_step, f.email] for f in items]


def export_xlsx(path: str | os.PathLike, actors: Sequence[Mapping[str, Any]], *,
                columns: Sequence[str] = DEFAULT_COLUMNS,
                contacts: Iterable[Mapping[str, Any]] | None = None,
                all_contacts: bool = False,
                labels: Mapping[str, Mapping[str, str]] | None = None,
                criteria: Sequence[str] = (),
                total: int | None = None,
                catalogue: str | os.PathLike | None = None,
                when: datetime | None = None,
                progress: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> Path:
    """Write ``actors`` (and their contacts when ``contacts`` is given) to an xlsx file.

    Sheets: "Acteurs", "Contacts" (only when ``contacts`` is not None), "Critères"
    (``criteria`` sentences, counts, date, catalogue, version). ``total`` is the size of
    the catalogue, for "12 sur 340". ``progress(done, total)`` is called every 500 rows
    and at the end; ``cancelled()`` returning True raises :class:`ExportCancelled`.
    Raises :class:`UserError` when the file cannot be written; nothing is then left
    under ``path``. Returns ``path``.
    """
    columns = check_columns(columns)
    labels = labels or default_labels()
    actors = list(actors)
    rows = actor_rows(actors, columns, labels)
    crows = None
    if contacts is not None:
        crows = contact_rows(actors, contacts, all_contacts=all_contacts, labels=labels)
    counter = Progress(len(rows) + len(crows or ()), progress, cancelled)
    write_xlsx(path, columns, rows, None if crows is None else (lambda: crows),
               all_contacts=all_contacts, criteria=criteria, total=total, catalogue=catalogue,
               when=when, counter=counter)
    return Path(path)


def write_xlsx(path: str | os.PathLike, columns: Sequence[str], rows: Iterable[Sequence[Any]],
               contacts: Callable[[], Sequence[Sequence[Any]]] | None, *, all_contacts: bool,
               criteria: Sequence[str], total: int | None, catalogue: str | os.PathLike | None,
               when: datetime | None, counter: Progress,
               custom: Sequence[tuple[str, str]] = (), contact_custom: Sequence[tuple[str, str]] = (),
               followups: Callable[[], Sequence[Followup]] | None = None) -> tuple[int, int | None]:
    """The export's workbook from display rows, streamed: ``rows`` of the actors
    (:func:`~eco_desktop.export.columns.actor_rows`, or read from the catalogue), then,
    with ``contacts``, the rows it returns once the actors are written (their contacts
    are counted into ``counter``'s total then); ``custom``: (header, kind) of the custom
    fields' columns the rows end with; ``followups`` gives, once the actors are written,
    their follow-ups for a « Relances » sheet (none: no sheet). Returns how many actors
    and contacts."""
    path = Path(path)
    counter.check()
    when = when or datetime.now()
    wb = Workbook(write_only=True)
    saved = False
    try:
        with atomic_files() as files:
            out = files.open(path)
            actors = write_table(wb, "Acteurs", [*(ACTOR_COLUMNS[c] for c in columns), *(h for h, _ in custom)],
                                 rows, [*actor_kinds(columns), *(k for _, k in custom)], progress=counter)
            crows = None
            if contacts is not None:
                crows = contacts()
                counter.total = actors + len(crows)
                write_table(wb, "Contacts", [*contact_columns(all_contacts).values(), *(h for h, _ in contact_custom)],
                            crows, [*contact_kinds(all_contacts), *(k for _, k in contact_custom)],
                            progress=counter)  # (contact_custom: the contacts' custom fields)
            pending = followups() if followups is not None else ()
            if pending:
                write_table(wb, FOLLOWUP_SHEET, [h for h, _ in FOLLOWUP_COLUMNS], followup_rows(pending),
                            [k for _, k in FOLLOWUP_COLUMNS])
            info = criteria_rows(criteria, actors=actors,
                                 contacts=None if crows is None else len(crows),
                                 all_contacts=all_contacts, total=total, catalogue=catalogue,
                                 when=when, columns=columns, custom=[h for h, _ in custom])
            write_table(wb, "Critères", ["Élément", "Valeur"], info, [TEXT, WRAP],
                        autofilter=False)
            counter.check()
            save_workbook(wb, out)
            saved = True
    finally:
        if not saved:
            discard_workbook(wb)
    counter.finish()
    return actors, None if crows is None else len(crows)
