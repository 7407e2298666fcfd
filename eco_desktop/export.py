"""Excel (xlsx) and Excel-flavoured CSV export of actor lists and their contacts.

No Qt here: the CLI ``export`` command and the export dialog both call
:func:`export_from_catalogue` with the ``Filter`` (and, for a selection or a sorted list,
the ids in order): the criteria sheet says what was asked (:func:`export_criteria`), and
the rows come from SQLite in column order, without actor dicts. :func:`export_xlsx` /
:func:`export_csv` write actor dicts given by the caller. Value and safety rules per cell
are in :mod:`eco_desktop.cells`, openpyxl's private fast path in :mod:`eco_desktop.xlsx_fast`.

Choices, in short (GUIDE.md §6):

* openpyxl ``write_only`` workbook: rows are streamed, never held as cells.
  Per-cell styling is what makes openpyxl slow, so only the cells that need it carry a
  style (header, identifiers as text, wrapped description, dates, hyperlinks), and each
  styled column reuses one template cell (``ws.append`` serialises a row before it
  returns, so the template can be refilled for the next row).
* Identifiers (SIREN, SIRET, postcodes, phones, INSEE codes…) are text cells with the
  ``@`` (Text) format, so leading zeros survive, also when a user edits them.
* ``created_at`` / ``updated_at`` become real datetimes, **naive, in the computer's
  local time** (what the officer expects to read); ``basis_date`` becomes a real date.
* Hyperlinks only for ``http``, ``https`` and ``mailto``; anything else stays plain text,
  and so does every link past Excel's 65,530 per worksheet (:data:`MAX_HYPERLINKS`).
* OWASP CSV injection: in xlsx a value starting with ``= + - @``, tab or CR is always a
  string cell (never a formula); in CSV it is prefixed with ``'``. Control characters
  are removed. :func:`set_safe_value`, :func:`csv_safe` and :func:`clean_text` are the
  public form of these rules, for any other file the app writes for the user.
* Files are written through :mod:`eco_desktop.atomic` (a temporary file in the target
  folder, moved into place with ``os.replace``; the user's umask; temporaries of killed
  exports swept): a failed or cancelled export never leaves a half-written file under
  the target name. Write errors become :class:`~eco_desktop.errors.UserError` in French.
"""
from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timezone
from pathlib import Path
from typing import IO, Any
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from . import APP_TITLE, __version__, cells, fields, french, vocab, xlsx_fast
from .cells import CELL_MAX_CHARS, clean_text, csv_safe, set_safe_value
from .atomic import atomic_files
from .errors import UserError
from .filter import Filter
from .text import fold

__all__ = [
    "ACTOR_COLUMNS", "DEFAULT_COLUMNS", "CONTACT_COLUMNS", "CONTACT_LEGAL_COLUMNS",
    "ExportCancelled", "export_xlsx", "export_csv", "contacts_csv_path",
    "default_labels", "is_usable_contact", "suggest_filename", "raw_write_only",
    "actor_rows", "contact_rows", "export_format", "export_from_catalogue", "ExportResult",
    "catalogue_labels", "LOAD_CHUNK", "clean_text", "set_safe_value", "csv_safe",
    "CELL_MAX_CHARS", "save_workbook", "discard_workbook", "write_table",
    "CSV_ENCODING", "export_criteria",
]


class ExportCancelled(Exception):
    """The user cancelled the export; nothing was written under the target name."""


# --------------------------------------------------------------------------- columns

# Column kinds understood by the table writers:
#   text   plain text                         id      text kept as typed (format "@")
#   wrap   long text, wrapped                 int / float   numbers
#   datetime / date   real Excel dates        url / email   hyperlink when safe
TEXT, ID, WRAP, INT, FLOAT, DATETIME, DATE, URL, EMAIL = (
    "text", "id", "wrap", "int", "float", "datetime", "date", "url", "email")

#: Every actor column, in display order: key (GUIDE.md §8) -> French header.
ACTOR_COLUMNS: dict[str, str] = fields.labels(
    "name", "aliases", "kind", "domains", "activities", "description", "website", "email", "phone",
    "siren", "siret", "naf", "size", "founded", "status", "street", "postcode", "commune",
    "insee_code", "departement", "mgp", "ept", "epci", "outside_idf", "lat", "lon", "geo_precision",
    "tags", "source", "created_at", "updated_at", "id",
)

_ACTOR_KINDS: dict[str, str] = {f.key: f.cell for f in fields.ACTOR if f.cell != TEXT}

#: What an officer usually needs: who, what, how to reach them, where; the identifier last
#: so that a re-import can match rows back.
DEFAULT_COLUMNS: tuple[str, ...] = (
    "name", "kind", "domains", "activities", "description", "website", "email", "phone",
    "street", "postcode", "commune", "departement", "siren", "size", "status", "tags",
    "updated_at", "id",
)

#: Contact columns (mail-merge order: the organisation first), key -> French header.
CONTACT_COLUMNS: dict[str, str] = {
    "organisation": "Organisation",
    **fields.labels("kind", "commune", "postcode"),
    **fields.contact_labels("civility", "first_name", "last_name", "role", "email", "phone"),
}
#: Added only when every contact is exported (``all_contacts=True``).
CONTACT_LEGAL_COLUMNS: dict[str, str] = {
    **fields.contact_labels("legal_basis", "basis_date", "opt_out"),
    "usable": "Utilisable",
}
_CONTACT_TAIL: dict[str, str] = {"actor_id": "Identifiant de l'acteur", "id": "Identifiant du contact"}
_CONTACT_KINDS: dict[str, str] = {
    "postcode": ID, "phone": ID, "email": EMAIL, "basis_date": DATE, "actor_id": INT, "id": INT,
}

_LIST_SEP = "; "


def default_labels() -> dict[str, dict[str, str]]:
    """The default French labels of the vocabularies (users may rename them)."""
    return {
        "kind": {slug: label for slug, (label, _colour) in vocab.KINDS.items()},
        "domain": dict(vocab.DOMAINS),
        "activity": dict(vocab.ACTIVITIES),
    }


def is_usable_contact(contact: Mapping[str, Any]) -> bool:
    """A contact may be used for a mailing: it has a legal basis and did not opt out."""
    return bool(contact.get("legal_basis")) and not contact.get("opt_out")


def _check_columns(columns: Sequence[str]) -> list[str]:
    columns = list(columns)
    unknown = [c for c in columns if c not in ACTOR_COLUMNS]
    if unknown:
        raise UserError(
            "Colonne inconnue : " + ", ".join(f"« {c} »" for c in unknown)
            + ". Colonnes possibles : " + ", ".join(ACTOR_COLUMNS) + ".")
    if not columns:
        raise UserError("Choisissez au moins une colonne à exporter.")
    return columns


def _value_converters(columns: Sequence[str], labels: Mapping[str, Mapping[str, str]], *,
                      stored: bool = False) -> list[Callable[[Any], Any]]:
    """One function per column: the column's value -> display value (str, int, float,
    datetime, None). With ``stored``, values are as SQLite holds them (lists as JSON
    text), so that the catalogue's rows go to the writer without becoming actor dicts."""
    kinds = labels.get("kind", {})
    domains = labels.get("domain", {})
    activities = labels.get("activity", {})
    loads = json.loads

    def listed(names: Mapping[str, str] | None = None):
        if names is None:
            def get(items):
                if stored:
                    items = loads(items) if items else None
                return _LIST_SEP.join(str(x) for x in items if x) if items else None
        else:
            def get(items):
                if stored:
                    items = loads(items) if items else None
                return _LIST_SEP.join(names.get(x, x) for x in items if x) if items else None
        return get

    def labelled(names: Mapping[str, str]):
        return lambda v: names.get(v, v) if v else None

    special: dict[str, Callable[[Any], Any]] = {
        "aliases": listed(),
        "tags": listed(),
        "domains": listed(domains),
        "activities": listed(activities),
        "kind": labelled(kinds),
        "status": labelled(vocab.STATUSES),
        "size": labelled(vocab.SIZES),
        "geo_precision": labelled(vocab.GEO_PRECISIONS),
        "mgp": cells.yes_no,
        "outside_idf": cells.yes_no,
        "founded": cells.as_int,
        "id": cells.as_int,
        "lat": cells.as_float,
        "lon": cells.as_float,
        "created_at": cells.local_datetime,
        "updated_at": cells.local_datetime,
    }
    return [special.get(c, cells.text_or_none) for c in columns]


def actor_rows(actors: Iterable[Mapping[str, Any]], columns: Sequence[str] = DEFAULT_COLUMNS,
               labels: Mapping[str, Mapping[str, str]] | None = None) -> list[list[Any]]:
    """The display values of the actor table (headers excluded), in ``columns`` order."""
    columns = _check_columns(columns)
    converters = _value_converters(columns, labels or default_labels())
    return [[convert(a.get(key)) for key, convert in zip(columns, converters)] for a in actors]


def _contact_columns(all_contacts: bool) -> dict[str, str]:
    cols = dict(CONTACT_COLUMNS)
    if all_contacts:
        cols.update(CONTACT_LEGAL_COLUMNS)
    cols.update(_CONTACT_TAIL)
    return cols


def contact_rows(actors: Sequence[Mapping[str, Any]], contacts: Iterable[Mapping[str, Any]],
                 *, all_contacts: bool = False,
                 labels: Mapping[str, Mapping[str, str]] | None = None) -> list[list[Any]]:
    """Contacts of the exported actors, grouped in the actors' order.

    Only usable contacts (legal basis, no opt-out) unless ``all_contacts``. Contacts whose
    actor is not among ``actors`` are left out.
    """
    order = {a.get("id"): i for i, a in enumerate(actors)}
    organisations = {a.get("id"): tuple(a.get(k) for k in _ORGANISATION) for a in actors}
    return _contact_table(order, organisations, contacts, all_contacts=all_contacts,
                          kinds=(labels or default_labels()).get("kind", {}))


#: What the contacts sheet repeats of each contact's actor.
_ORGANISATION = ("name", "kind", "commune", "postcode")


def _contact_table(order: Mapping[Any, int], organisations: Mapping[Any, Sequence[Any]],
                   contacts: Iterable[Mapping[str, Any]], *, all_contacts: bool,
                   kinds: Mapping[str, str]) -> list[list[Any]]:
    """:func:`contact_rows` from each actor's position and ``_ORGANISATION`` values,
    which the catalogue's export reads straight from SQLite."""
    chosen = [c for c in contacts
              if c.get("actor_id") in order and (all_contacts or is_usable_contact(c))]
    chosen.sort(key=lambda c: order[c.get("actor_id")])  # stable: keeps the caller's order
    keys = list(_contact_columns(all_contacts))
    rows = []
    for c in chosen:
        name, kind, commune, postcode = organisations[c.get("actor_id")]
        values = {
            "organisation": cells.text_or_none(name),
            "kind": kinds.get(kind, kind) or None,
            "commune": cells.text_or_none(commune),
            "postcode": cells.text_or_none(postcode),
            "legal_basis": vocab.LEGAL_BASES.get(c.get("legal_basis"), c.get("legal_basis")) or None,
            "basis_date": cells.as_date(c.get("basis_date")),
            "opt_out": cells.yes_no(c.get("opt_out")),
            "usable": cells.yes_no(is_usable_contact(c)),
            "actor_id": cells.as_int(c.get("actor_id")),
            "id": cells.as_int(c.get("id")),
        }
        rows.append([values[k] if k in values else cells.text_or_none(c.get(k)) for k in keys])
    return rows


def _contact_kinds(all_contacts: bool) -> list[str]:
    return [_CONTACT_KINDS.get(k, TEXT) for k in _contact_columns(all_contacts)]


# --------------------------------------------------------------------------- progress

class _Progress:
    """Counts rows; every ``step`` rows reports progress and honours cancellation."""

    step = 500

    def __init__(self, total: int, progress, cancelled) -> None:
        self.total = total
        self.done = 0
        self._progress = progress
        self._cancelled = cancelled

    def check(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise ExportCancelled("Export annulé.")

    def tick(self) -> None:
        self.done += 1
        if self.done % self.step == 0:
            if self._progress is not None:
                self._progress(self.done, self.total)
            self.check()

    def finish(self) -> None:
        if self._progress is not None and (self.done % self.step or self.done == 0):
            self._progress(self.done, self.total)


# --------------------------------------------------------------------------- xlsx

HEADER_FILL = "1F4E79"   # dark blue band, white bold text
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor=HEADER_FILL)
_HEADER_BORDER = Border(bottom=Side(style="thin", color="000000"))
_HEADER_ALIGN = Alignment(vertical="center")
_WRAP_ALIGN = Alignment(wrap_text=True, vertical="top")
_DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
_DATE_FORMAT = "dd/mm/yyyy"
MAX_WIDTH = 60
#: Excel's most hyperlinks in one worksheet: past it, Excel must "repair" the file.
#: Further links stay as plain text (the address is still there, to copy).
MAX_HYPERLINKS = 65530
_MIN_WIDTH = 6
_KIND_WIDTH = {DATETIME: 16, DATE: 10}


def _column_widths(headers: Sequence[str], rows: Sequence[Sequence[Any]],
                   kinds: Sequence[str]) -> list[float]:
    widths = []
    for i, (header, kind) in enumerate(zip(headers, kinds)):
        longest = len(header) * 1.15 + 3  # bold text plus the filter button
        if kind in _KIND_WIDTH:
            longest = max(longest, _KIND_WIDTH[kind])
        elif kind in (INT, FLOAT):
            longest = max(longest, max((len(str(r[i])) for r in rows if r[i] is not None), default=0))
        else:
            for r in rows:
                v = r[i]
                if v is None:
                    continue
                size = len(v) if isinstance(v, str) else len(str(v))
                if size > longest:
                    longest = size
                    if longest >= MAX_WIDTH:
                        break
        widths.append(round(min(max(longest + 1, _MIN_WIDTH), MAX_WIDTH), 1))
    return widths


class _XlsxTable:
    """Streams one table into a write-only worksheet (see ``write_table``).

    Every column has one template cell, styled once and refilled row after row:
    ``ws.append`` serialises a row before it returns, so the cells can be reused.
    Strings are stored as text cells directly (never a formula nor an error code).
    """

    def __init__(self, ws, kinds: Sequence[str]) -> None:
        self.ws = ws
        self.kinds = list(kinds)
        self.fast = xlsx_fast.use_cells_as_given(ws)
        self.templates: list[Any] = []
        for kind in self.kinds:
            cell = WriteOnlyCell(ws)
            if kind == ID:
                cell.number_format = "@"
            elif kind == WRAP:
                cell.alignment = _WRAP_ALIGN
            elif kind == DATETIME:
                cell.number_format = _DATETIME_FORMAT
            elif kind == DATE:
                cell.number_format = _DATE_FORMAT
            elif kind in (URL, EMAIL):
                cell.style = "Hyperlink"
            self.templates.append(cell)
        self.plain = [WriteOnlyCell(ws) for _ in self.kinds]  # for links that are not
        self.links_left = MAX_HYPERLINKS

    def convert(self, row: Sequence[Any]) -> list[Any]:
        out: list[Any] = [None] * len(self.templates)
        kinds = self.kinds
        set_text = xlsx_fast.set_text
        for i, (v, tpl) in enumerate(zip(row, self.templates)):
            if v is None or v == "":
                continue
            if isinstance(v, str):
                kind = kinds[i]
                if kind == URL or kind == EMAIL:
                    target = cells.web_target(v) if kind == URL else cells.mail_target(v)
                    if target is None or self.links_left <= 0:
                        tpl = self.plain[i]
                    else:
                        self.links_left -= 1
                        tpl.hyperlink = target  # a new Hyperlink object each time
                set_text(tpl, clean_text(v))  # set_safe_value, without the setter's cost
            else:
                tpl.value = v
            out[i] = tpl
        return out

    def append(self, row: Sequence[Any]) -> None:
        self.ws.append(self.convert(row))


def write_table(wb: Workbook, sheet_name: str, headers: Sequence[str],
                rows: Sequence[Sequence[Any]], kinds: Sequence[str], *,
                progress: _Progress | None = None, autofilter: bool = True):
    """Write a table as a new sheet of a write-only workbook.

    ``rows`` hold display values (str, int, float, datetime, date or None), one list per
    row, in ``headers`` order; ``kinds`` says how each column is written (``text``, ``id``,
    ``wrap``, ``int``, ``float``, ``datetime``, ``date``, ``url``, ``email``). Gives a bold
    header on a coloured band, the header row frozen, an autofilter over the data and
    column widths fitted from the content (at most ``MAX_WIDTH``).
    """
    ws = wb.create_sheet(sheet_name)
    for i, width in enumerate(_column_widths(headers, rows, kinds), 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    header = []
    for title in headers:
        cell = WriteOnlyCell(ws, title)
        cell.data_type = "s"
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.border = _HEADER_BORDER
        cell.alignment = _HEADER_ALIGN
        header.append(cell)
    ws.append(header)
    table = _XlsxTable(ws, kinds)
    append = table.append
    if progress is None:
        for row in rows:
            append(row)
    else:
        tick = progress.tick
        for row in rows:
            append(row)
            tick()
    if autofilter and headers:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    return ws


def _criteria_rows(criteria: Sequence[str], *, actors: int, contacts: int | None,
                   all_contacts: bool, total: int | None, catalogue: str | os.PathLike | None,
                   when: datetime, columns: Sequence[str]) -> list[list[Any]]:
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
    rows.append(["Colonnes", _LIST_SEP.join(ACTOR_COLUMNS[c] for c in columns)])
    return rows


def discard_workbook(wb: Workbook) -> None:
    """Remove the temporary files of a write-only workbook that will not be saved."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        try:
            if not ws.closed:
                ws.close()
            writer.cleanup()
        except Exception:  # best effort; openpyxl also removes them at exit
            pass


def save_workbook(wb: Workbook, fh: IO[bytes]) -> None:
    """Save ``wb`` into the open binary file ``fh`` (from ``AtomicFiles.open``).

    ``Workbook.save`` keeps its zip archive to itself: when a write fails (a full disk),
    the archive is left open, and the garbage collector's ``ZipFile.__del__`` later tries
    to write the archive's end into the failed file again, printing « Exception ignored
    … Traceback » on stderr after the user's French sentence. Here the archive is ours,
    and a failed save disposes of it.
    """
    archive = ZipFile(fh, "w", ZIP_DEFLATED, allowZip64=True)
    wb.properties.modified = datetime.now(timezone.utc).replace(tzinfo=None)  # as openpyxl does
    try:
        ExcelWriter(wb, archive).save()  # closes the archive
    except BaseException:
        try:
            archive.close()
        except Exception:
            # The file cannot take the archive's end either; it is being discarded, and
            # ZipFile.close (hence __del__) does nothing once the archive has no file.
            archive.fp = None
        raise


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
    columns = _check_columns(columns)
    labels = labels or default_labels()
    actors = list(actors)
    rows = actor_rows(actors, columns, labels)
    crows = None
    if contacts is not None:
        crows = contact_rows(actors, contacts, all_contacts=all_contacts, labels=labels)
    return _write_xlsx(path, columns, rows, crows, all_contacts=all_contacts, criteria=criteria,
                       total=total, catalogue=catalogue, when=when,
                       progress=progress, cancelled=cancelled)


def _write_xlsx(path: str | os.PathLike, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                crows: Sequence[Sequence[Any]] | None, *, all_contacts: bool,
                criteria: Sequence[str], total: int | None, catalogue: str | os.PathLike | None,
                when: datetime | None, progress, cancelled) -> Path:
    """:func:`export_xlsx` from display rows (``actor_rows``, ``contact_rows``)."""
    path = Path(path)
    counter = _Progress(len(rows) + len(crows or ()), progress, cancelled)
    counter.check()
    when = when or datetime.now()

    wb = Workbook(write_only=True)
    saved = False
    try:
        with atomic_files() as files:
            out = files.open(path)
            write_table(wb, "Acteurs", [ACTOR_COLUMNS[c] for c in columns], rows,
                        [_ACTOR_KINDS.get(c, TEXT) for c in columns], progress=counter)
            if crows is not None:
                cols = _contact_columns(all_contacts)
                write_table(wb, "Contacts", list(cols.values()), crows,
                            _contact_kinds(all_contacts), progress=counter)
            info = _criteria_rows(criteria, actors=len(rows),
                                  contacts=None if crows is None else len(crows),
                                  all_contacts=all_contacts, total=total, catalogue=catalogue,
                                  when=when, columns=columns)
            write_table(wb, "Critères", ["Élément", "Valeur"], info, [TEXT, WRAP],
                        autofilter=False)
            counter.check()
            save_workbook(wb, out)
            saved = True
    finally:
        if not saved:
            discard_workbook(wb)
    counter.finish()
    return path


_cleanup_write_only = discard_workbook  # the name importer/apply.py still uses


# --------------------------------------------------------------------------- csv

#: How an Excel-flavoured CSV file is opened: ``files.open(path, **CSV_ENCODING)``
#: (the BOM tells French Excel it is UTF-8; the csv module writes its own line ends).
CSV_ENCODING = {"encoding": "utf-8-sig", "newline": ""}

def _csv_value(value: Any, kind: str, clean: bool = True) -> str:
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


def _write_csv(fh: IO[str], headers: Sequence[str], rows: Sequence[Sequence[Any]],
               kinds: Sequence[str], counter: _Progress) -> None:
    writer = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([csv_safe(h) for h in headers])
    unwritable = cells.UNWRITABLE.search
    for row in rows:
        values = [_csv_value(v, k, False) for v, k in zip(row, kinds)]
        # clean_text per value is a third of the CSV's time: one look at the whole row
        # tells whether any value needs it.
        joined = "".join(values)
        if len(joined) > CELL_MAX_CHARS or unwritable(joined):
            values = [_csv_value(v, k) for v, k in zip(row, kinds)]
        writer.writerow(values)
        counter.tick()


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
    columns = _check_columns(columns)
    labels = labels or default_labels()
    actors = list(actors)
    rows = actor_rows(actors, columns, labels)
    crows = None
    if contacts is not None:
        crows = contact_rows(actors, contacts, all_contacts=all_contacts, labels=labels)
    return _write_csv_files(path, columns, rows, crows, all_contacts=all_contacts,
                            progress=progress, cancelled=cancelled)


def _write_csv_files(path: str | os.PathLike, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                     crows: Sequence[Sequence[Any]] | None, *, all_contacts: bool,
                     progress, cancelled, **_ignored) -> list[Path]:
    """:func:`export_csv` from display rows (``actor_rows``, ``contact_rows``)."""
    path = Path(path)
    counter = _Progress(len(rows) + len(crows or ()), progress, cancelled)
    counter.check()
    written = [path]
    with atomic_files() as files:
        _write_csv(files.open(path, **CSV_ENCODING), [ACTOR_COLUMNS[c] for c in columns], rows,
                   [_ACTOR_KINDS.get(c, TEXT) for c in columns], counter)
        if crows is not None:
            cpath = contacts_csv_path(path)
            _write_csv(files.open(cpath, **CSV_ENCODING), list(_contact_columns(all_contacts).values()),
                       crows, _contact_kinds(all_contacts), counter)
            written.append(cpath)
        counter.check()
    counter.finish()
    return written


# --------------------------------------------------------------------------- names, bench

def suggest_filename(view_name: str | None = None, when: date | datetime | None = None,
                     ext: str = "xlsx") -> str:
    """``acteurs-<slug of the view>-AAAA-MM-JJ.<ext>`` (``acteurs-AAAA-MM-JJ`` without view)."""
    when = when or date.today()
    slug = fold(view_name).replace(" ", "-")[:60].strip("-")
    ext = ext.lstrip(".") or "xlsx"
    parts = ["acteurs"] + ([slug] if slug else []) + [when.strftime("%Y-%m-%d")]
    return "-".join(parts) + "." + ext


def raw_write_only(path: str | os.PathLike, rows: Iterable[Sequence[Any]]) -> None:
    """Baseline for the benchmark: the same values through a bare write-only workbook
    (no styles, widths, links or safety), to measure what our export costs on top."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Acteurs")
    for row in rows:
        ws.append(row)
    wb.save(path)


# --------------------------------------------------------------------------- from a catalogue

#: Actors read from the catalogue per query while exporting; progress and cancellation
#: are checked between chunks.
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


def catalogue_labels(catalogue) -> dict[str, dict[str, str]]:
    """The catalogue's own (possibly renamed) labels of kinds, domains and activities."""
    return {name: catalogue.vocabulary(name) for name in ("kind", "domain", "activity")}


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


#: Past this many actors, one pass over the whole table beats ``IN (…)`` queries.
_SCAN_FROM = 5000


def _catalogue_rows(catalogue, ids: Sequence[int], columns: Sequence[str],
                    labels: Mapping[str, Mapping[str, str]], *, with_organisations: bool,
                    check: Callable[[], None], progress: Callable[[int, int], None] | None
                    ) -> tuple[list[list[Any]], dict[int, tuple], list[int]]:
    """The display rows of the actors ``ids`` (in that order, missing ids skipped), read
    ``LOAD_CHUNK`` rows at a time from one query over the columns to export.

    Returns the rows, each actor's ``_ORGANISATION`` values when ``with_organisations``
    (the contacts sheet), and the ids found. ``check()`` runs before each chunk.
    """
    converters = _value_converters(columns, labels, stored=True)
    extra = _ORGANISATION if with_organisations else ()
    select = ", ".join(f"[{c}]" for c in ("id", *columns, *extra))
    width = len(columns)
    wanted = list(ids)
    n = len(wanted)
    rows: dict[int, list[Any]] = {}
    organisations: dict[int, tuple] = {}

    def take(batch) -> None:
        for row in batch:
            actor_id = row[0]
            if actor_id in keep:
                rows[actor_id] = [convert(v) for convert, v in zip(converters, row[1:width + 1])]
                if extra:
                    organisations[actor_id] = row[width + 1:]
        if progress is not None:
            progress(len(rows), 2 * n)  # reading is the first half, writing the second

    with catalogue.lock:  # the connection is shared with the window's thread
        cursor = catalogue.conn.cursor()
        cursor.row_factory = None  # plain tuples: no per-actor dict
        keep = set(wanted)
        if n > _SCAN_FROM:
            cursor.execute(f"SELECT {select} FROM actors")
            while True:
                check()
                batch = cursor.fetchmany(LOAD_CHUNK)
                if not batch:
                    break
                take(batch)
        else:
            for start in range(0, n, LOAD_CHUNK):
                check()
                chunk = [i for i in wanted[start:start + LOAD_CHUNK] if _fits_sqlite(i)]
                for part in range(0, len(chunk), 900):  # SQLite's bound parameters
                    marks = ",".join("?" * len(chunk[part:part + 900]))
                    take(cursor.execute(f"SELECT {select} FROM actors WHERE id IN ({marks})",
                                        chunk[part:part + 900]).fetchall())
    found = [i for i in wanted if i in rows]
    return [rows[i] for i in found], organisations, found


def _fits_sqlite(value: Any) -> bool:
    return isinstance(value, int) and -2**63 <= value < 2**63


def export_from_catalogue(catalogue, path: str | os.PathLike,
                          flt: Filter | Sequence[int] | None = None, *,
                          ids: Sequence[int] | None = None,
                          columns: Sequence[str] = DEFAULT_COLUMNS,
                          contacts: bool = False, all_contacts: bool = False,
                          criteria: Sequence[str] | None = None,
                          view_name: str | None = None,
                          progress: Callable[[int, int], None] | None = None,
                          cancelled: Callable[[], bool] | None = None) -> ExportResult:
    """Export the actors of ``flt`` in ``catalogue`` (in the list's order) to ``path``.

    ``ids``, when given, are the actors to export in that order (a selection, or the list
    sorted by a column); ``flt`` then is the filter they were chosen from. A plain
    sequence of ids in place of ``flt`` exports those ids, without a filter. The criteria
    sheet says :func:`export_criteria` unless ``criteria`` is given.

    The format comes from the extension (:func:`export_format`). Rows are read from
    SQLite ``LOAD_CHUNK`` at a time straight into display values (no actor dicts);
    ``progress(done, total)`` counts reading then writing, and ``cancelled()`` is
    honoured between chunks and while writing (:class:`ExportCancelled`, nothing left
    behind). With ``contacts``, the usable contacts of these actors (every contact with
    ``all_contacts``) go to a "Contacts" sheet, or ``<stem>-contacts.csv``.
    This is what the CLI ``export`` command and the export dialog both call.
    """
    fmt = export_format(path)
    columns = _check_columns(columns)
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

    def check() -> None:
        if cancelled is not None and cancelled():
            raise ExportCancelled("Export annulé.")

    labels = catalogue_labels(catalogue)
    rows, organisations, found = _catalogue_rows(
        catalogue, ids, columns, labels, with_organisations=contacts, check=check,
        progress=progress)
    check()
    crows = None
    if contacts:
        contact_list = catalogue.contacts(actor_ids=found, usable_only=not all_contacts)
        crows = _contact_table({a: i for i, a in enumerate(found)}, organisations, contact_list,
                               all_contacts=all_contacts, kinds=labels.get("kind", {}))
    check()

    def write_progress(done: int, total: int) -> None:
        progress(len(rows) + done, len(rows) + total)
    writer = _write_xlsx if fmt == "xlsx" else _write_csv_files
    written = writer(path, columns, rows, crows, all_contacts=all_contacts,
                     criteria=list(criteria), total=catalogue.total(),
                     catalogue=getattr(catalogue, "path", None), when=None,
                     progress=write_progress if progress is not None else None,
                     cancelled=cancelled)
    paths = written if isinstance(written, list) else [written]
    return ExportResult(paths, len(rows), None if crows is None else len(crows))
