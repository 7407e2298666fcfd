"""openpyxl's private write path as the export uses it (eco_desktop/xlsx_fast.py).

These tests fail, naming what changed, when an openpyxl other than the pinned 3.1 no
longer has the private names the export replaces or sets.
"""
from __future__ import annotations

import inspect

import openpyxl
import pytest
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from eco_desktop import xlsx_fast


def test_the_pinned_openpyxl_is_installed():
    major, minor = (int(part) for part in openpyxl.__version__.split(".")[:2])
    assert (major, minor) == (3, 1), (
        f"openpyxl {openpyxl.__version__}: eco_desktop/xlsx_fast.py relies on private names of 3.1; "
        "check each test of this file before widening the pin in pyproject.toml")


def test_the_replaced_step_is_still_there_with_its_signature():
    step = getattr(WriteOnlyWorksheet, "_values_to_row", None)
    assert callable(step), "openpyxl no longer has WriteOnlyWorksheet._values_to_row: the export runs slowly"
    assert list(inspect.signature(step).parameters) == ["self", "values", "row_idx"], (
        "WriteOnlyWorksheet._values_to_row changed its arguments: xlsx_fast._cells_to_row must follow")
    # append() must still go through it, else replacing it does nothing
    assert "_values_to_row" in inspect.getsource(WriteOnlyWorksheet._write_rows), (
        "WriteOnlyWorksheet._write_rows no longer calls _values_to_row")


def test_cells_keep_the_private_attributes_set_directly():
    cell = WriteOnlyCell(openpyxl.Workbook(write_only=True).create_sheet("x"))
    for name in ("_value", "_hyperlink", "data_type"):
        assert hasattr(cell, name), f"openpyxl cells no longer have {name}"
    xlsx_fast.set_text(cell, "=1+1")
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_cells_as_given_are_written_as_given(tmp_path):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Acteurs")
    assert xlsx_fast.use_cells_as_given(ws) is True
    text, ident, link = WriteOnlyCell(ws), WriteOnlyCell(ws), WriteOnlyCell(ws)
    ident.number_format = "@"
    link.style = "Hyperlink"
    for i in range(3):  # the same cells refilled row after row, as the export does
        xlsx_fast.set_text(text, f"=SUM({i})")
        xlsx_fast.set_text(ident, f"0{i}")
        link.hyperlink = f"https://exemple{i}.fr"
        xlsx_fast.set_text(link, f"exemple{i}.fr")
        ws.append([text, None, ident, link])
    wb.save(tmp_path / "a.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "a.xlsx")["Acteurs"].iter_rows())
    assert [[c.value for c in r] for r in rows] == [
        [f"=SUM({i})", None, f"0{i}", f"exemple{i}.fr"] for i in range(3)]
    assert all(r[0].data_type == "s" and r[2].number_format == "@" for r in rows)
    assert [r[3].hyperlink.target for r in rows] == [f"https://exemple{i}.fr" for i in range(3)]
    assert [r[3].hyperlink.ref for r in rows] == ["D1", "D2", "D3"]


def test_without_the_step_the_export_falls_back(monkeypatch):
    class Sheet:
        pass
    assert xlsx_fast.use_cells_as_given(Sheet()) is False


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__])
