"""A table as a sheet (export/workbook.py): widths, the hyperlinks Excel allows, a save that fails."""
from __future__ import annotations

import gc
import os

import openpyxl
import pytest

from eco_desktop.errors import UserError
from eco_desktop.export import DEFAULT_COLUMNS, export_xlsx, workbook

from export_helpers import make_actor, make_contact, sheet_dicts


def test_widths_fitted_and_capped(tmp_path):
    actor = make_actor(1, description="mot " * 200, name="X")
    ws = openpyxl.load_workbook(export_xlsx(tmp_path / "a.xlsx", [actor]))["Acteurs"]
    widths = {ws.cell(1, i + 1).value: ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width
              for i in range(ws.max_column)}
    assert widths["Description"] == workbook.MAX_WIDTH
    assert 6 <= widths["Nom"] < 15
    assert ws.cell(2, DEFAULT_COLUMNS.index("description") + 1).alignment.wrap_text


def test_hyperlinks_stop_at_excels_limit_per_sheet(tmp_path, monkeypatch):
    assert workbook.MAX_HYPERLINKS == 65530  # Excel repairs a sheet holding more
    monkeypatch.setattr(workbook, "MAX_HYPERLINKS", 3)
    actors = [make_actor(i) for i in range(1, 5)]  # a website and an e-mail each
    contacts = [make_contact(10 + i, i) for i in range(1, 5)]
    export_xlsx(tmp_path / "a.xlsx", actors, contacts=contacts)
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    rows = sheet_dicts(wb["Acteurs"])
    cells = [cell for row in rows for cell in (row["Site web"], row["E-mail"])]
    assert [c.hyperlink is not None for c in cells] == [True] * 3 + [False] * 5
    assert [c.value for c in cells[3:]] == ["contact@acteur2.fr", "https://www.acteur3.fr",
                                            "contact@acteur3.fr", "https://www.acteur4.fr",
                                            "contact@acteur4.fr"]  # kept as text
    assert all(c.data_type == "s" for c in cells)
    mails = [row["E-mail"] for row in sheet_dicts(wb["Contacts"])]  # each sheet its own limit
    assert [c.hyperlink is not None for c in mails] == [True] * 3 + [False]


def test_disk_full_mid_xlsx_prints_nothing_and_leaves_nothing(tmp_path, full_disk):
    many = [make_actor(i) for i in range(1, 300)]
    with pytest.raises(UserError, match="le disque est plein") as caught:
        export_xlsx(tmp_path / "a.xlsx", many, contacts=[make_contact(1, 1)])
    del caught  # its traceback holds the frames, hence the workbook's zip
    gc.collect()
    assert [str(u.exc_value) for u in full_disk] == []
    assert os.listdir(tmp_path) == []


def test_a_table_streams_any_iterable_and_says_how_many_rows(tmp_path):
    wb = openpyxl.Workbook(write_only=True)
    seen = []

    def rows():
        for i in range(3):
            seen.append(i)
            yield [f"ligne {i}", i]
    assert workbook.write_table(wb, "Feuille", ["Texte", "Nombre"], rows(), ["text", "int"]) == 3
    assert workbook.write_table(wb, "Vide", ["Texte"], iter(()), ["text"]) == 0
    wb.save(tmp_path / "a.xlsx")
    back = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert [list(r) for r in back["Feuille"].iter_rows(values_only=True)] == [
        ["Texte", "Nombre"], ["ligne 0", 0], ["ligne 1", 1], ["ligne 2", 2]]
    assert back["Feuille"].auto_filter.ref == "A1:B4" and back["Feuille"].freeze_panes == "A2"
    assert [list(r) for r in back["Vide"].iter_rows(values_only=True)] == [["Texte"]]


def test_a_link_is_made_of_the_text_the_cell_shows(tmp_path):
    wb = openpyxl.Workbook(write_only=True)
    workbook.write_table(wb, "Liens", ["Site web"], [["https://exemple.fr/\x01a"]], ["url"])
    wb.save(tmp_path / "a.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "a.xlsx")["Liens"]["A2"]
    assert cell.value == "https://exemple.fr/a" == cell.hyperlink.target
