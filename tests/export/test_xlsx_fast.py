"""The rows' XML written by eco_desktop/export/xlsx_fast.py, and the private corners of
openpyxl it relies on.

The first tests fail, naming what changed, when an openpyxl other than the pinned 3.1
no longer has what the module uses; the others check that the rows read back (with
openpyxl, and LibreOffice when installed) exactly as openpyxl's own writer's do.
"""
from __future__ import annotations

import csv
import inspect
from copy import copy
import shutil
import subprocess
from datetime import date, datetime, time

import openpyxl
import pytest
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet import _writer as openpyxl_writer
from openpyxl.writer.excel import ExcelWriter

from eco_desktop.export import xlsx_fast
from eco_desktop.export.cells import clean_text


def test_the_pinned_openpyxl_is_installed():
    major, minor = (int(part) for part in openpyxl.__version__.split(".")[:2])
    assert (major, minor) == (3, 1), (
        f"openpyxl {openpyxl.__version__}: eco_desktop/export/xlsx_fast.py relies on private names "
        "of 3.1; check each test of this file before widening the pin in pyproject.toml")


def test_the_sheet_writer_keeps_its_file_and_hyperlinks_where_the_module_looks():
    ws = openpyxl.Workbook(write_only=True).create_sheet("x")
    ws.append(["a"])
    writer = ws._writer
    assert writer is not None, "WriteOnlyWorksheet._writer is no longer made by the first append"
    assert isinstance(writer, openpyxl_writer.WorksheetWriter)
    assert isinstance(writer.out, str), "WorksheetWriter.out is no longer the path of the sheet's XML"
    assert ws._hyperlinks == [], "WorksheetWriter no longer makes WriteOnlyWorksheet._hyperlinks"
    assert "ws._hyperlinks" in inspect.getsource(openpyxl_writer.WorksheetWriter.write_hyperlinks), (
        "WorksheetWriter.write_hyperlinks no longer writes the links of ws._hyperlinks")
    source = inspect.getsource(ExcelWriter.write_worksheet)
    assert "ws._writer" in source and "writer.out" in source, (
        "ExcelWriter.write_worksheet no longer copies a write-only sheet's XML from ws._writer.out")
    ws.close()
    with open(writer.out, "rb") as fh:
        assert fh.read().count(b"</sheetData>") == 1, "the sheet's XML has no </sheetData> to put rows before"
    writer.cleanup()


def test_a_cell_says_its_style_index():
    ws = openpyxl.Workbook(write_only=True).create_sheet("x")
    cell = WriteOnlyCell(ws)
    assert not cell.has_style and xlsx_fast.style_attribute(cell) == ""
    cell.number_format = "@"
    assert cell.has_style and xlsx_fast.style_attribute(cell) == f' s="{cell.style_id}"'
    assert cell.style_id > 0


# --------------------------------------------------------------------------- the rows read back

VALUES = [
    ["texte", "=1+1", "#N/A", "a & b < c > d", "  espaces  ", "\tvaleur", "ligne\nsuivante", "\x01sale\x07"],
    [0, -12, 3.25, 1e-7, 12345678901234567, True, False, None],
    [datetime(2026, 11, 27, 14, 30), date(2026, 1, 15), time(9, 45), "", None, 1.5, "x" * 40000, "🧬 ADN"],
    ["\x01\x02", float("nan"), "fin", None, None, None, None, None],
]


def _templates(ws):
    plain, ident, wrapped, dated = (WriteOnlyCell(ws) for _ in range(4))
    ident.number_format = "@"
    wrapped.alignment = openpyxl.styles.Alignment(wrap_text=True, vertical="top")
    dated.number_format = "dd/mm/yyyy"
    return [plain, ident, wrapped, dated, plain, ident, wrapped, dated]


def _openpyxl_cells(ws, row, templates):
    """What openpyxl's own writer takes for the same values: a styled cell each."""
    cells = []
    for value, template in zip(row, templates):
        if isinstance(value, str):
            value = clean_text(value)
        if value is None or value == "" or value != value:  # NaN: no number, hence no cell
            cells.append(None)
            continue
        cell = WriteOnlyCell(ws)
        cell.alignment, cell.number_format = copy(template.alignment), template.number_format
        if isinstance(value, str):
            cell.value = value
            cell.data_type = "s"
        else:
            cell.value = value
        cells.append(cell)
    return cells


def _read(path):
    ws = openpyxl.load_workbook(path)["Feuille"]
    return [[(c.value, c.data_type, c.number_format, c.alignment.wrap_text,
              c.hyperlink.target if c.hyperlink else None, c.style) for c in row] for row in ws.iter_rows()]


def _ours(path, links=()):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Feuille")
    templates = _templates(ws)
    link_style = WriteOnlyCell(ws)
    link_style.style = "Hyperlink"
    rows = xlsx_fast.SheetRows(ws, templates, links=[True] + [False] * 7, link_style=link_style)
    for i, row in enumerate(VALUES):
        target = links[i] if i < len(links) else None
        rows.add(row, [target] + [None] * 7 if target else None)
    ws.append(["Titre"] * 8)
    xlsx_fast.close_sheet(ws, rows)
    wb.save(path)
    return rows


def test_rows_read_back_as_openpyxls_own(tmp_path):
    _ours(tmp_path / "ours.xlsx")
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Feuille")
    templates = _templates(ws)
    ws.append(["Titre"] * 8)
    for row in VALUES:
        ws.append(_openpyxl_cells(ws, row, templates))
    wb.save(tmp_path / "theirs.xlsx")
    ours, theirs = _read(tmp_path / "ours.xlsx"), _read(tmp_path / "theirs.xlsx")
    assert ours == theirs
    assert ours[1][1][:2] == ("=1+1", "s") and ours[1][2][:2] == ("#N/A", "s")  # never a formula or an error
    assert ours[1][3][0] == "a & b < c > d" and ours[1][4][0] == "  espaces  "
    assert ours[1][7][0] == "sale" and len(ours[3][6][0]) == 32767 and ours[3][7][0] == "🧬 ADN"
    assert [v[0] for v in ours[2][:3]] == [0, -12, 3.25] and ours[2][5][:2] == (True, "b")
    assert ours[2][4][0] == 1.234567890123457e16  # "%.16g", as openpyxl writes numbers
    assert ours[3][0][:3] == (datetime(2026, 11, 27, 14, 30), "d", "yyyy-mm-dd h:mm:ss")  # openpyxl's default
    assert ours[3][1][:3] == (datetime(2026, 1, 15), "d", "yyyy-mm-dd")
    assert ours[3][3] == theirs[3][3] and ours[3][3][0] is None  # "" is an empty cell
    assert [v[0] for v in ours[4][:3]] == [None, None, "fin"]  # nothing left to write, NaN


def test_hyperlinks_and_their_style(tmp_path):
    rows = _ours(tmp_path / "a.xlsx", links=["https://exemple.fr/?a=1&b=2", None, "mailto:x@exemple.fr"])
    assert rows.hyperlinks == [("A2", "https://exemple.fr/?a=1&b=2")]  # only text is linked
    ws = openpyxl.load_workbook(tmp_path / "a.xlsx")["Feuille"]
    assert ws["A2"].hyperlink.target == "https://exemple.fr/?a=1&b=2" and ws["A2"].style == "Hyperlink"
    assert ws["A3"].hyperlink is None and ws["A3"].style == "Normal" and ws["A3"].value == 0
    assert ws["A4"].hyperlink is None and ws["A4"].value == datetime(2026, 11, 27, 14, 30)


def test_a_closed_sheet_leaves_no_temporary_file(tmp_path):
    before = len(openpyxl_writer.ALL_TEMP_FILES)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Feuille")
    rows = xlsx_fast.SheetRows(ws, [WriteOnlyCell(ws)])
    rows.add(["a"])
    ws.append(["Titre"])
    xlsx_fast.close_sheet(ws, rows)
    assert rows._file.closed
    wb.save(tmp_path / "a.xlsx")
    assert len(openpyxl_writer.ALL_TEMP_FILES) == before


def test_a_value_excel_cannot_hold_is_refused():
    ws = openpyxl.Workbook(write_only=True).create_sheet("Feuille")
    rows = xlsx_fast.SheetRows(ws, [WriteOnlyCell(ws)])
    try:
        with pytest.raises(ValueError, match="Cannot convert"):
            rows.add([object()])
    finally:
        rows.close()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_reads_the_rows(tmp_path):
    _ours(tmp_path / "a.xlsx", links=["https://exemple.fr/"])
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):59,34,76,1", "--outdir", str(tmp_path),
                    str(tmp_path / "a.xlsx")], check=True, capture_output=True, timeout=180)
    rows = list(csv.reader((tmp_path / "a.csv").read_text(encoding="utf-8").splitlines(keepends=True),
                           delimiter=";"))
    assert rows[0] == ["Titre"] * 8
    assert rows[1][:6] == ["texte", "=1+1", "#N/A", "a & b < c > d", "  espaces  ", "\tvaleur"]
    assert rows[1][6:] == ["ligne\nsuivante", "sale"]
    assert rows[2][:3] == ["0", "-12", "3.25"]
    assert rows[3][1] == "2026-01-15" and rows[3][7] == "🧬 ADN"  # openpyxl's default date format
