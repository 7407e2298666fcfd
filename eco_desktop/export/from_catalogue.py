"""The export of a catalogue's actors, as the CLI ``export`` command and the export
dialog ask for it: a ``Filter`` (and, for a selection or a sorted list, the ids in
order), the criteria said in French, the rows streamed from SQLite to the file."""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .. import french
from ..filter import Filter
from ..errors import UserError
from ..text import fold
from .columns import (DEFAULT_COLUMNS, ORGANISATION, check_columns, contact_columns, contact_table,
                      custom_columns, value_converters)
from .csvfile import write_csv
from .progress import Progress
from .sheets import write_xlsx

#: Actors read from the catalogue per query while exporting; cancellation is checked
#: between chunks, and the catalogue's connection is free for the window meanwhile.
LOAD_CHUNK = 2000
FORMATS = ("xlsx", "csv")


def export_format(path: str | os.PathLike) -> str:
    """"xlsx" or "csv" from the file's extension; :class:`UserError` for anything else."""
    ext = Path(path).suffix.lower().lstrip(".")
    if ext not in FORMATS:
        shown = f"« .{ext} »" if ext else "aucune extension"
        raise UserError(f"Format de fichier non reconnu ({shown}) pour « {path} » : "
                        "utilisez l'extension .xlsx (Excel) ou .csv.")
    return ext


def suggest_filename(view_name: str | None = None, when: date | datetime | None = None,
                     ext: str = "xlsx") -> str:
    """``acteurs-<slug of the view>-AAAA-MM-JJ.<ext>`` (``acteurs-AAAA-MM-JJ`` without view)."""
    when = when or date.today()
    slug = fold(view_name).replace(" ", "-")[:60].strip("-")
    ext = ext.lstrip(".") or "xlsx"
    parts = ["acteurs"] + ([slug] if slug else []) + [when.strftime("%Y-%m-%d")]
    return "-".join(parts) + "." + ext


class ExportResult:
    """What an export wrote: the files, and how many actors and contacts they hold."""

    def __init__(self, paths: Sequence[Path], actors: int, contacts: int | None) -> None:
        self.paths = [Path(p) for p in paths]
        self.actors = actors
        self.contacts = contacts

    @property
    def path(self) -> Path:
        return self.paths[0]

    def message(self) -> str:
        """« 12 acteurs et 3 contacts exportés dans … » (French agreement)."""
        what = french.count(self.actors, "acteur")
        plural = self.actors > 1
        if self.contacts is not None:
            what += " et " + french.count(self.contacts, "contact")
            plural = plural or self.contacts > 1
        files = " et ".join(str(p) for p in self.paths)
        return f"{what} exporté{'s' if plural else ''} dans {files}"

    def __repr__(self) -> str:
        return f"ExportResult({self.paths!r}, actors={self.actors}, contacts={self.contacts})"


def export_criteria(catalogue, flt: Filter | None, ids: Sequence[int] | None = None, *,
                    view_name: str | None = None) -> list[str]:
    """What an export of ``flt`` asked, in French sentences (the criteria sheet).

    ``ids`` are the actors the user exported when they are not simply the filter's
    (a selection in the list, or the list sorted by a column): the sheet says so.
    """
    sentences = catalogue.describe(flt) if flt is not None else []
    if ids is not None:
        listed = catalogue.actor_ids(flt) if flt is not None else None
        if listed is None or set(ids) != set(listed):
            head = (" dans la liste ainsi filtrée" if flt is not None and not flt.is_empty()
                    else " dans la liste")
            sentences = [f"Sélection de {french.count(len(ids), 'acteur')}{head}"] + sentences
        elif list(ids) != listed:
            sentences = sentences + ["Dans l'ordre de la liste affichée"]
    if view_name:
        sentences = [f"Vue enregistrée « {view_name} »"] + sentences
    return sentences


def _stored_rows(catalogue, select: str, ids: Sequence[int],
                 check: Callable[[], None]) -> Iterator[list[tuple]]:
    """The rows (``select`` over ``actors AS a``) of the actors ``ids``, in that order,
    ``LOAD_CHUNK`` at a time; ids that are not actors are skipped. ``check()`` runs
    before each chunk; the connection is held only while a chunk is read."""
    return catalogue.actor_rows(select, ids, check=check, chunk=LOAD_CHUNK)


def export_from_catalogue(catalogue, path: str | os.PathLike,
                          flt: Filter | Sequence[int] | None = None, *,
                          ids: Sequence[int] | None = None,
                          columns: Sequence[str] = DEFAULT_COLUMNS,
                          contacts: bool = False, all_contacts: bool = False,
                          criteria: Sequence[str] | None = None,
                          view_name: str | None = None, custom: Sequence[str] | None = None,
                          progress: Callable[[int, int], None] | None = None,
                          cancelled: Callable[[], bool] | None = None) -> ExportResult:
    """Export the actors of ``flt`` in ``catalogue`` (in the list's order) to ``path``.

    ``ids``, when given, are the actors to export in that order (a selection, or the list
    sorted by a column); ``flt`` then is the filter they were chosen from. A plain
    sequence of ids in place of ``flt`` exports those ids, without a filter. The criteria
    sheet says :func:`export_criteria` unless ``criteria`` is given.

    The format comes from the extension (:func:`export_format`). The exported columns
    are read from SQLite in the export's order, ``LOAD_CHUNK`` rows at a time, and each
    row goes to the file as soon as it is read (no actor dicts, no table held);
    ``progress(done, total)`` counts the rows written, and ``cancelled()`` is honoured
    between chunks and while writing (:class:`ExportCancelled`, nothing left behind).
    With ``contacts``, the usable contacts of these actors (every contact with
    ``all_contacts``) go to a "Contacts" sheet, or ``<stem>-contacts.csv``.
    ``custom``: the keys of the custom fields exported after the columns (every actor
    field when None).
    """
    fmt = export_format(path)
    columns = check_columns(columns)
    contacts = contacts or all_contacts
    if flt is not None and not isinstance(flt, Filter):
        flt, ids = None, list(flt)
    if ids is None:
        ids = catalogue.actor_ids(flt or Filter())
        explicit = None
    else:
        ids = explicit = list(ids)
    if criteria is None:
        criteria = export_criteria(catalogue, flt, explicit, view_name=view_name)

    labels = catalogue.value_labels()
    converters = value_converters(columns, labels, stored=True)
    extra = ORGANISATION if contacts else ()
    select = ", ".join(f"a.[{c}]" for c in ("id", *columns, *extra))
    width = len(columns)
    found: list[int] = []
    organisations: dict[int, tuple] = {}
    counter = Progress(len(ids), progress, cancelled)
    definitions = [f for f in catalogue.custom_fields("actor") if custom is None or f["key"] in custom]
    custom_cells = custom_columns(definitions)  # custom fields

    def rows() -> Iterator[list[Any]]:
        for chunk in _stored_rows(catalogue, select, ids, counter.check):
            values = catalogue.custom_values_of([row[0] for row in chunk]) if definitions else {}
            for row in chunk:
                found.append(row[0])
                if extra:
                    organisations[row[0]] = row[width + 1:]
                own = values.get(row[0], {})
                yield [*(convert(v) for convert, v in zip(converters, row[1:width + 1])),
                       *(convert(own.get(f["key"], [])) for f, (_, _, convert) in zip(definitions, custom_cells))]

    contact_definitions = catalogue.custom_fields("contact") if contacts else []  # custom fields
    contact_cells = custom_columns(contact_definitions)

    def contact_rows() -> list[list[Any]]:
        listed = catalogue.contacts(actor_ids=found, usable_only=not all_contacts)
        table = contact_table({a: i for i, a in enumerate(found)}, organisations, listed,
                              all_contacts=all_contacts, kinds=labels.get("kind", {}))
        if contact_definitions:  # the contacts' custom fields after their columns
            at = list(contact_columns(all_contacts)).index("id")
            values = catalogue.custom_values_of([row[at] for row in table], "contact")
            for row in table:
                own = values.get(row[at], {})
                row.extend(convert(own.get(f["key"], [])) for f, (_, _, convert) in zip(contact_definitions, contact_cells))
        return table

    if fmt == "xlsx":
        actors, contact_count = write_xlsx(
            path, columns, rows(), contact_rows if contacts else None, all_contacts=all_contacts,
            criteria=list(criteria), total=catalogue.total(),
            catalogue=getattr(catalogue, "path", None), when=None, counter=counter,
            custom=[(header, kind) for header, kind, _ in custom_cells],
            contact_custom=[(header, kind) for header, kind, _ in contact_cells],
            followups=lambda: catalogue.followups(Filter(ids=tuple(found), include_deleted=True)))
        paths = [Path(path)]
    else:
        paths, actors, contact_count = write_csv(
            path, columns, rows(), contact_rows if contacts else None, all_contacts=all_contacts,
            counter=counter, custom=[header for header, _, _ in custom_cells],
            contact_custom=[header for header, _, _ in contact_cells])
    return ExportResult(paths, actors, contact_count)
