"""A worksheet's rows written as XML text, inside an openpyxl write-only workbook.

Why: openpyxl serialises every cell through ``xml.etree`` (et_xmlfile's pure-Python
writer, or lxml's when installed), which was most of an export's time
(docs/PERFORMANCE.md). :class:`SheetRows` writes the ``<row>`` elements of one sheet as
text into a temporary file, the way openpyxl writes them: strings inline (never shared,
never a formula), numbers as ``%.16g``, dates and datetimes as serial numbers, each cell
with its style's index in the workbook. :func:`close_sheet` then lets openpyxl write
everything else of the sheet (the header row, column widths, panes, autofilter, the
hyperlinks and their relationships) and puts the rows in before its ``</sheetData>``.
The workbook, its styles, relationships and zip archive stay openpyxl's.

The private corners of openpyxl 3.1 this relies on, all here:

* ``WriteOnlyWorksheet._writer.out``: the temporary file holding the sheet's XML, which
  ``ExcelWriter`` copies into the archive and then removes;
* ``WriteOnlyWorksheet._hyperlinks``: the list the sheet's ``<hyperlinks>`` and their
  relationships are written from (made when the sheet is first written to);
* ``cell.style_id``: a styled cell's index in the workbook's cell styles.

The pin: ``openpyxl>=3.1,<3.2`` in pyproject.toml, because these names are private.
``tests/export/test_xlsx_fast.py`` checks each of them against the installed openpyxl,
naming what changed, and reads written files back (with LibreOffice too when installed)
before an upgrade can silently break the export.
"""
from __future__ import annotations

import tempfile
from copy import copy
from math import isfinite
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.hyperlink import Hyperlink

from .cells import clean_text

__all__ = ["SheetRows", "close_sheet", "style_attribute"]

_FLUSH_EVERY = 500  # rows joined into one write
_WHITESPACE = " \t\n\r"


def style_attribute(cell) -> str:
    """`` s="N"`` for a styled cell (its style registered in the workbook), else ``""``,
    as openpyxl writes the attribute."""
    return f' s="{cell.style_id}"' if cell.has_style else ""


def _escaped(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


class SheetRows:
    """The data rows of one sheet, from row ``first_row`` on, as XML text in a temporary
    file (removed when closed, or by the system if the process dies).

    ``styles`` holds one styled template cell per column (``WriteOnlyCell`` of the sheet):
    its style is that of every value of the column. ``links`` says which columns may hold
    a hyperlink (the caller gives each row's targets to :meth:`add`), and ``link_style``
    is the template of a linked cell; a column's value without a target keeps no style.
    """

    def __init__(self, ws, styles: Sequence[Any], *, links: Sequence[bool] = (),
                 link_style: Any = None, first_row: int = 2) -> None:
        self.ws = ws
        self.count = 0
        self._next = first_row
        self._letters = [get_column_letter(i) for i in range(1, len(styles) + 1)]
        self._styles = [style_attribute(cell) for cell in styles]
        links = list(links) or [False] * len(styles)
        self._plain = ["" if link else style for link, style in zip(links, self._styles)]
        self._link = style_attribute(link_style) if link_style is not None else ""
        self._templates = list(styles)
        self._dated = [is_date_format(cell.number_format) for cell in styles]
        self._date_styles: dict[tuple[int, type], str] = {}
        self._epoch = ws.parent.epoch
        self.hyperlinks: list[tuple[str, str]] = []
        self._buffer: list[str] = []
        self._file = tempfile.TemporaryFile()

    def add(self, values: Sequence[Any], targets: Sequence[str | None] | None = None) -> None:
        """Write one row: ``values`` are display values (str, int, float, bool, datetime,
        date, or None/"" for an empty cell); ``targets`` the hyperlink of each cell or
        None. A string is written clean (:func:`clean_text`) and as text, always."""
        r = str(self._next)
        self._next += 1
        self.count += 1
        out = [f'<row r="{r}">']
        append = out.append
        letters = self._letters
        for i, value in enumerate(values):
            if value is None or value == "":
                continue
            kind = value.__class__
            if kind is str:
                text = _escaped(clean_text(value))
                if not text:
                    continue  # nothing but characters XML cannot hold
                target = targets[i] if targets is not None else None
                if target is None:
                    style = self._plain[i]
                else:
                    style = self._link
                    self.hyperlinks.append((letters[i] + r, target))
                if text[0] in _WHITESPACE or text[-1] in _WHITESPACE:
                    append(f'<c r="{letters[i]}{r}"{style} t="inlineStr"><is>'
                           f'<t xml:space="preserve">{text}</t></is></c>')
                else:
                    append(f'<c r="{letters[i]}{r}"{style} t="inlineStr"><is><t>{text}</t></is></c>')
            elif kind is int or (kind is float and isfinite(value)):
                append(f'<c r="{letters[i]}{r}"{self._styles[i]} t="n"><v>{value:.16g}</v></c>')
            elif kind is float:
                continue  # NaN or infinite: openpyxl writes no number either
            elif kind is bool:
                append(f'<c r="{letters[i]}{r}"{self._styles[i]} t="b"><v>{value:d}</v></c>')
            elif isinstance(value, (datetime, date, time)):
                serial = to_excel(value, self._epoch)
                append(f'<c r="{letters[i]}{r}"{self._date_style(i, value)} t="n"><v>{serial:.16g}</v></c>')
            else:
                raise ValueError(f"Cannot convert {value!r} to Excel")
        append("</row>")
        self._buffer.append("".join(out))
        if len(self._buffer) >= _FLUSH_EVERY:
            self._flush()

    def _date_style(self, column: int, value: Any) -> str:
        """The column's style when it has a date format; else, as openpyxl does, the
        column's style with openpyxl's default format for the value's type."""
        if self._dated[column]:
            return self._styles[column]
        key = (column, type(value))
        if key not in self._date_styles:
            template = self._templates[column]
            cell = WriteOnlyCell(self.ws, value)  # openpyxl picks the format
            for name in ("font", "fill", "border", "alignment", "protection"):
                setattr(cell, name, copy(getattr(template, name)))
            self._date_styles[key] = style_attribute(cell)
        return self._date_styles[key]

    def _flush(self) -> None:
        if self._buffer:
            self._file.write("".join(self._buffer).encode("utf-8"))
            self._buffer.clear()

    def copy_to(self, out) -> None:
        """Write every row so far into the binary file ``out``."""
        self._flush()
        self._file.seek(0)
        while True:
            block = self._file.read(1 << 20)
            if not block:
                break
            out.write(block)

    def close(self) -> None:
        self._buffer.clear()
        self._file.close()


def close_sheet(ws, rows: SheetRows) -> None:
    """Close the write-only sheet ``ws``, whose header openpyxl has written (at least one
    ``ws.append``), with ``rows`` and their hyperlinks in it, then close ``rows``."""
    try:
        ws._hyperlinks.extend(Hyperlink(ref=ref, target=target) for ref, target in rows.hyperlinks)
        ws.close()
        path = ws._writer.out
        with open(path, "rb") as fh:
            xml = fh.read()
        end = xml.index(b"</sheetData>")
        with open(path, "wb") as out:
            out.write(xml[:end])
            rows.copy_to(out)
            out.write(xml[end:])
    finally:
        rows.close()
