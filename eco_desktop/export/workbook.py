"""Tables as sheets of an openpyxl write-only workbook, and saving it safely.

:func:`write_table` is what every xlsx the app writes for a user goes through (the
export, the import report, a call's mailing list): a bold header on a coloured band,
frozen, an autofilter, widths fitted to the content, each column written by its kind,
rows streamed (:mod:`eco_desktop.export.xlsx_fast`), never held as cells.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import IO, Any
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from . import cells, xlsx_fast
from .columns import DATE, DATETIME, EMAIL, ID, URL, WRAP
from .progress import Progress

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


def _template(ws, kind: str) -> WriteOnlyCell:
    """The cell whose style every value of a ``kind`` column takes."""
    cell = WriteOnlyCell(ws)
    if kind == ID:
        cell.number_format = "@"
    elif kind == WRAP:
        cell.alignment = _WRAP_ALIGN
    elif kind == DATETIME:
        cell.number_format = _DATETIME_FORMAT
    elif kind == DATE:
        cell.number_format = _DATE_FORMAT
    return cell


class _Table:
    """The rows of one sheet as they stream: cells by column kind, the hyperlinks
    Excel allows, and the longest value of each column (for its width)."""

    def __init__(self, ws, kinds: Sequence[str]) -> None:
        self.kinds = list(kinds)
        link_style = WriteOnlyCell(ws)
        link_style.style = "Hyperlink"
        self._links = [(i, cells.web_target if kind == URL else cells.mail_target)
                       for i, kind in enumerate(self.kinds) if kind in (URL, EMAIL)]
        self.rows = xlsx_fast.SheetRows(ws, [_template(ws, kind) for kind in self.kinds],
                                        links=[kind in (URL, EMAIL) for kind in self.kinds],
                                        link_style=link_style)
        self.links_left = MAX_HYPERLINKS
        self.longest = [0] * len(self.kinds)
        self._measured = [i for i, kind in enumerate(self.kinds) if kind not in _KIND_WIDTH]

    def add(self, row: Sequence[Any]) -> None:
        targets = None
        for i, linked in self._links:
            value = row[i]
            if value and value.__class__ is str and self.links_left > 0:
                target = linked(cells.clean_text(value))  # as the cell shows it, and XML holds it
                if target is not None:
                    self.links_left -= 1
                    if targets is None:
                        targets = [None] * len(row)
                    targets[i] = target
        longest = self.longest
        for i in self._measured:
            value = row[i]
            if value is not None:
                size = len(value) if value.__class__ is str else len(str(value))
                if size > longest[i]:
                    longest[i] = size
        self.rows.add(row, targets)

    def widths(self, headers: Sequence[str]) -> list[float]:
        widths = []
        for header, kind, longest in zip(headers, self.kinds, self.longest):
            size = max(len(header) * 1.15 + 3,  # bold text plus the filter button
                       _KIND_WIDTH.get(kind, longest))
            widths.append(round(min(max(size + 1, _MIN_WIDTH), MAX_WIDTH), 1))
        return widths


def write_table(wb: Workbook, sheet_name: str, headers: Sequence[str],
                rows: Iterable[Sequence[Any]], kinds: Sequence[str], *,
                progress: Progress | None = None, autofilter: bool = True) -> int:
    """Write a table as a new sheet of a write-only workbook; returns how many rows
    (the header excluded) it holds.

    ``rows`` hold display values (str, int, float, datetime, date or None), one sequence
    per row, in ``headers`` order, and may be any iterable (each row is written as it
    comes); ``kinds`` says how each column is written (``text``, ``id``, ``wrap``,
    ``int``, ``float``, ``datetime``, ``date``, ``url``, ``email``). Gives a bold header
    on a coloured band, the header row frozen, an autofilter over the data and column
    widths fitted from the content (at most ``MAX_WIDTH``).
    """
    ws = wb.create_sheet(sheet_name)
    table = _Table(ws, kinds)
    try:
        add = table.add
        if progress is None:
            for row in rows:
                add(row)
        else:
            tick = progress.tick
            for row in rows:
                add(row)
                tick()
        # Widths and panes go before the header: openpyxl writes them at the first row.
        for i, width in enumerate(table.widths(headers), 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        ws.append([_header_cell(ws, title) for title in headers])
        if autofilter and headers:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{table.rows.count + 1}"
        xlsx_fast.close_sheet(ws, table.rows)
    finally:
        table.rows.close()
    return table.rows.count


def _header_cell(ws, title: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, title)
    cell.data_type = "s"
    cell.font = _HEADER_FONT
    cell.fill = _HEADER_FILL
    cell.border = _HEADER_BORDER
    cell.alignment = _HEADER_ALIGN
    return cell


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
