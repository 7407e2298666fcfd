"""Excel (xlsx) and Excel-flavoured CSV export of actor lists and their contacts.

No Qt here: the CLI ``export`` command and the export dialog both call
:func:`export_from_catalogue` with the ``Filter`` (and, for a selection or a sorted list,
the ids in order): the criteria sheet says what was asked (:func:`export_criteria`), and
the rows come from SQLite in the export's order, straight to the file.
:func:`export_xlsx` / :func:`export_csv` write actor dicts given by the caller.

The modules: :mod:`.columns` (the columns, their headers and kinds, display values),
:mod:`.cells` (one value as a safe cell), :mod:`.workbook` (a table as a styled sheet,
saving), :mod:`.xlsx_fast` (the rows' XML, and the private corners of openpyxl it
uses), :mod:`.sheets` (the export's workbook), :mod:`.csvfile` (the CSV files),
:mod:`.from_catalogue` (reading the catalogue, the criteria, the result).

Choices, in short (GUIDE.md §6):

* openpyxl ``write_only`` workbook, rows streamed, never held as cells; the rows' XML is
  written by :mod:`.xlsx_fast` (openpyxl's per-cell serialisation was most of the time).
  Only the cells that need it carry a style (header, identifiers as text, wrapped
  description, dates, hyperlinks), one style per column.
* Identifiers (SIREN, SIRET, postcodes, phones, INSEE codes…) are text cells with the
  ``@`` (Text) format, so leading zeros survive, also when a user edits them.
* ``created_at`` / ``updated_at`` become real datetimes, **naive, in the computer's
  local time** (what the officer expects to read); ``basis_date`` becomes a real date.
* Hyperlinks only for ``http``, ``https`` and ``mailto``; anything else stays plain text,
  and so does every link past Excel's 65,530 per worksheet
  (:data:`.workbook.MAX_HYPERLINKS`).
* OWASP CSV injection: in xlsx a string is always a string cell (never a formula); in
  CSV a value starting with ``= + - @``, tab or CR is prefixed with ``'``. Control
  characters are removed. :func:`set_safe_value`, :func:`csv_safe` and
  :func:`clean_text` are the public form of these rules, for any other file the app
  writes for the user.
* Files are written through :mod:`eco_desktop.atomic` (a temporary file in the target
  folder, moved into place with ``os.replace``; the user's umask; temporaries of killed
  exports swept): a failed or cancelled export never leaves a half-written file under
  the target name. Write errors become :class:`~eco_desktop.errors.UserError` in French.
"""
from __future__ import annotations

from .cells import CELL_MAX_CHARS, clean_text, csv_safe, set_safe_value
from .columns import (ACTOR_COLUMNS, CONTACT_COLUMNS, CONTACT_LEGAL_COLUMNS, DATE, DATETIME,
                      DEFAULT_COLUMNS, EMAIL, FLOAT, ID, INT, TEXT, URL, WRAP, actor_rows,
                      contact_rows, default_labels, is_usable_contact)
from .csvfile import CSV_ENCODING, contacts_csv_path, export_csv
from .from_catalogue import (ExportResult, export_criteria, export_format,
                             export_from_catalogue, suggest_filename)
from .progress import ExportCancelled
from .sheets import export_xlsx
from .workbook import discard_workbook, save_workbook, write_table

__all__ = [
    "ACTOR_COLUMNS", "DEFAULT_COLUMNS", "CONTACT_COLUMNS", "CONTACT_LEGAL_COLUMNS",
    "TEXT", "ID", "WRAP", "INT", "FLOAT", "DATETIME", "DATE", "URL", "EMAIL",
    "ExportCancelled", "export_xlsx", "export_csv", "contacts_csv_path",
    "default_labels", "is_usable_contact", "suggest_filename",
    "actor_rows", "contact_rows", "export_format", "export_from_catalogue", "ExportResult",
    "clean_text", "set_safe_value", "csv_safe",
    "CELL_MAX_CHARS", "save_workbook", "discard_workbook", "write_table",
    "CSV_ENCODING", "export_criteria",
]
