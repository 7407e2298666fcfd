"""Excel-flavoured CSV files of the export (UTF-8 with BOM, ``;``, French decimal comma)."""
from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from ..atomic import atomic_files
from . import cells
from .cells import CELL_MAX_CHARS, csv_safe
from .columns import (ACTOR_COLUMNS, DEFAULT_COLUMNS, actor_rows, check_columns, contact_columns,
                      contact_rows, default_labels)
from .progress import Progress

#: How an Excel-flavoured CSV file is opened: ``files.open(path, **CSV_ENCODING)``
#: (the BOM tells French Excel it is UTF-8; the csv module writes its own line ends).
CSV_ENCODING = {"encoding": "utf-8-sig", "newline": ""}


def _csv_value(value: Any, clean: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        if clean:
            return csv_safe(value)
        return "'" + value if value.startswith(cells.FORMULA_START) else value
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return repr(value).replace(".", ",")  # French Excel's decimal comma
    return str(value)


def _write_csv(fh: IO[str], headers: Sequence[str], rows: Iterable[Sequence[Any]],
               counter: Progress) -> int:
    writer = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([csv_safe(h) for h in headers])
    unwritable = cells.UNWRITABLE.search
    count = 0
    for row in rows:
        values = [_csv_value(v, False) for v in row]
        # clean_text per value is a third of the CSV's time: one look at the whole row
        # tells whether any value needs it.
        joined = "".join(values)
        if len(joined) > CELL_MAX_CHARS or unwritable(joined):
            values = [_csv_value(v) for v in row]
        writer.writerow(values)
        counter.tick()
        count += 1
    return count


def contacts_csv_path(path: str | os.PathLike) -> Path:
    """``acteurs.csv`` -> ``acteurs-contacts.csv`` (the contacts' companion file)."""
    path = Path(path)
    return path.with_name(f"{path.stem}-contacts{path.suffix or '.csv'}")


def export_csv(path: str | os.PathLike, actors: Sequence[Mapping[str, Any]], *,
               columns: Sequence[str] = DEFAULT_COLUMNS,
               contacts: Iterable[Mapping[str, Any]] | None = None,
               all_contacts: bool = False,
               labels: Mapping[str, Mapping[str, str]] | None = None,
               criteria: Sequence[str] = (),
               total: int | None = None,
               catalogue: str | os.PathLike | None = None,
               when: datetime | None = None,
               progress: Callable[[int, int], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> list[Path]:
    """Excel-flavoured CSV (UTF-8 with BOM, ``;``, same headers and values as the xlsx).

    With ``contacts``, a second file ``<stem>-contacts.csv`` is written beside ``path``.
    CSV has no room for the criteria: ``criteria``, ``total``, ``catalogue`` and ``when``
    are accepted for a uniform call and ignored. Returns the paths written.
    """
    del criteria, total, catalogue, when
    columns = check_columns(columns)
    labels = labels or default_labels()
    actors = list(actors)
    rows = actor_rows(actors, columns, labels)
    crows = None
    if contacts is not None:
        crows = contact_rows(actors, contacts, all_contacts=all_contacts, labels=labels)
    counter = Progress(len(rows) + len(crows or ()), progress, cancelled)
    paths, _actors, _contacts = write_csv(path, columns, rows,
                                          None if crows is None else (lambda: crows),
                                          all_contacts=all_contacts, counter=counter)
    return paths


def write_csv(path: str | os.PathLike, columns: Sequence[str], rows: Iterable[Sequence[Any]],
              contacts: Callable[[], Sequence[Sequence[Any]]] | None, *, all_contacts: bool,
              counter: Progress, custom: Sequence[str] = (),
              contact_custom: Sequence[str] = ()) -> tuple[list[Path], int, int | None]:
    """The CSV files from display rows, streamed like :func:`~eco_desktop.export.sheets.write_xlsx`.
    ``custom``: the headers of the custom fields' columns the rows end with.
    Returns the paths written and how many actors and contacts they hold."""
    path = Path(path)
    counter.check()
    written = [path]
    crows = None
    with atomic_files() as files:
        actors = _write_csv(files.open(path, **CSV_ENCODING), [*(ACTOR_COLUMNS[c] for c in columns), *custom],
                            rows, counter)
        if contacts is not None:
            crows = contacts()
            counter.total = actors + len(crows)
            cpath = contacts_csv_path(path)
            _write_csv(files.open(cpath, **CSV_ENCODING),
                       [*contact_columns(all_contacts).values(), *contact_custom], crows, counter)  # custom
            written.append(cpath)
        counter.check()
    counter.finish()
    return written, actors, None if crows is None else len(crows)
