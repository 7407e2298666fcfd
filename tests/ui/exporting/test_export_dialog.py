"""The export dialog as a person uses it: tick a facet or select rows, choose, export, read back."""
from __future__ import annotations

import threading
from datetime import date

import openpyxl
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QPushButton

from eco_desktop import export, paths
from eco_desktop.export import ACTOR_COLUMNS, DEFAULT_COLUMNS, from_catalogue
from eco_desktop.ui.exporting import dialog as export_dialog
from eco_desktop.ui.exporting.dialog import ExportDialog

GENSIGHT = 17
TODAY = date.today().isoformat()


def open_dialog(window, **kw) -> ExportDialog:
    dialog = window.features["exporting"].open_dialog(modal=False, **kw)
    assert dialog is not None and dialog.isVisible()
    return dialog


def run_export(qtbot, dialog: ExportDialog, path) -> None:
    dialog.set_path(path)
    assert dialog.button_export.isEnabled(), dialog.status_label.text()
    qtbot.mouseClick(dialog.button_export, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.operation is None, timeout=20000)


def names_in(path, sheet="Acteurs", column="Nom") -> list:
    ws = openpyxl.load_workbook(path)[sheet]
    headers = [c.value for c in ws[1]]
    return [row[headers.index(column)] for row in ws.iter_rows(min_row=2, values_only=True)]


def listed_names(window) -> list[str]:
    return [a["name"] for a in window.catalogue.actors_by_ids(window.model.ids)]


def test_action_in_toolbar_and_file_menu_and_ctrl_e(qtbot, window):
    feature = window.features["exporting"]
    assert feature.action.text() == "Exporter…"
    assert feature.action in window.toolbar.actions()
    file_actions = window.menu_file.actions()
    assert file_actions.index(feature.action) < file_actions.index(window.file_tools_anchor)
    seen = []

    def close_it():
        dialog = QApplication.activeModalWidget()
        seen.append(dialog)
        dialog.reject()

    QTimer.singleShot(0, close_it)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(seen[0], ExportDialog)


def test_exports_the_current_view_in_the_table_order(qtbot, window, tmp_path):
    window.facets.value_item("kind", "biotech").setCheckState(0, Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: window.filter.kinds == ("biotech",))
    window.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # not the catalogue's own order
    expected = listed_names(window)
    assert len(expected) == 11 and expected != sorted(expected)

    dialog = open_dialog(window)
    assert dialog.radio_listed.isChecked()
    assert "11 acteurs" in dialog.radio_listed.text()
    assert "Entreprise de biothérapie" in dialog.criteria_label.text()
    assert dialog.columns() == list(DEFAULT_COLUMNS)
    assert dialog.path_edit.text() == str(paths.default_export_dir() / f"acteurs-filtre-{TODAY}.xlsx")

    out = tmp_path / "vue.xlsx"
    run_export(qtbot, dialog, out)
    assert dialog.result is not None and dialog.error is None
    assert not dialog.isVisible()
    assert names_in(out) == expected
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Acteurs", "Critères"]
    assert [c.value for c in wb["Acteurs"][1]] == [ACTOR_COLUMNS[k] for k in DEFAULT_COLUMNS]
    criteria = [row[1] for row in wb["Critères"].iter_rows(min_row=2, values_only=True)]
    assert any("Entreprise de biothérapie" in str(v) for v in criteria)
    assert "11 sur 52" in criteria

    box = dialog.message_box
    assert box.isVisible() and "11 acteurs exportés" in box.text()
    assert {b.text() for b in box.buttons()} == {"Ouvrir le fichier", "Ouvrir le dossier", "Fermer"}
    assert "11 acteurs exportés" in window.statusBar().currentMessage()
    box.close()
    assert export_dialog.settings().value(export_dialog.KEY_LAST_DIR) == str(tmp_path)


def test_exports_the_selected_rows_with_their_contacts(qtbot, window, tmp_path):
    cat = window.catalogue
    cat.add_contact(GENSIGHT, {"first_name": "Alice", "last_name": "Martin", "email": "alice@gensight.example",
                               "legal_basis": "legitimate_interest"})
    cat.add_contact(GENSIGHT, {"first_name": "Bruno", "last_name": "Petit"})  # no legal basis
    wanted = [window.model.ids[i] for i in (10, 3, 20)] + [GENSIGHT]
    window.select_actors(wanted)
    selected = window.selected_ids()
    assert sorted(selected) == sorted(wanted)

    dialog = open_dialog(window, selection=True)
    assert dialog.radio_selection.isChecked() and "4 acteurs" in dialog.radio_selection.text()
    assert dialog.path_edit.text().endswith(f"acteurs-selection-{TODAY}.xlsx")
    dialog.check_contacts.setChecked(True)
    out = tmp_path / "selection.xlsx"
    run_export(qtbot, dialog, out)
    assert names_in(out) == [a["name"] for a in cat.actors_by_ids(selected)]  # display order
    assert names_in(out, "Contacts") == ["Martin"]
    assert dialog.result.contacts == 1

    dialog = open_dialog(window, selection=True)
    assert dialog.check_contacts.isChecked() and dialog.radio_usable.isChecked()  # "tous" is not remembered
    dialog.radio_all.setChecked(True)
    run_export(qtbot, dialog, tmp_path / "tous.xlsx")
    assert sorted(names_in(tmp_path / "tous.xlsx", "Contacts")) == ["Martin", "Petit"]
    assert "Base légale" in [c.value for c in openpyxl.load_workbook(tmp_path / "tous.xlsx")["Contacts"][1]]
    dialog.message_box.close()


def test_columns_are_remembered_and_reset(qtbot, window, tmp_path):
    dialog = open_dialog(window)
    assert dialog.path_edit.text().endswith(f"acteurs-catalogue-{TODAY}.xlsx")
    dialog.set_columns(["siren", "name", "email"])
    dialog.radio_csv.setChecked(True)
    assert dialog.path_edit.text().endswith(f"acteurs-catalogue-{TODAY}.csv")
    run_export(qtbot, dialog, tmp_path / "cols.csv")
    header = (tmp_path / "cols.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "SIREN;Nom;E-mail"
    dialog.message_box.close()

    again = open_dialog(window)
    assert again.columns() == ["siren", "name", "email"]
    assert again.radio_csv.isChecked()
    assert "3 colonnes sur 32" == again.columns_count.text()
    again.button_all.click()
    assert again.columns()[:3] == ["siren", "name", "email"] and len(again.columns()) == len(ACTOR_COLUMNS)
    again.button_default.click()
    assert again.columns() == list(DEFAULT_COLUMNS)
    # nothing ticked: nothing to export
    again.set_columns([])
    assert not again.button_export.isEnabled() and "colonne" in again.status_label.text()
    again.reject()


def test_saved_view_names_the_file(qtbot, window):
    window.facets.value_item("kind", "pharma").setCheckState(0, Qt.CheckState.Checked)
    window.catalogue.save_view("Grands labos", window.filter)
    dialog = open_dialog(window)
    assert dialog.path_edit.text().endswith(f"acteurs-grands-labos-{TODAY}.xlsx")
    assert "Grands labos" in dialog.criteria_label.text()
    dialog.reject()


def test_cancel_leaves_no_file(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr(from_catalogue, "LOAD_CHUNK", 1)
    original = from_catalogue.value_converters
    reads, release = [], threading.Event()

    def slow_converters(*args, **kwargs):  # the second row waits until the test has pressed Annuler
        first, *others = original(*args, **kwargs)

        def convert(value):
            reads.append(value)
            if len(reads) == 2:
                release.wait(10)
            return first(value)
        return [convert, *others]

    monkeypatch.setattr(from_catalogue, "value_converters", slow_converters)
    dialog = open_dialog(window)
    dialog.set_path(tmp_path / "annule.xlsx")
    dialog.button_export.click()
    qtbot.waitUntil(lambda: len(reads) == 2)
    assert not dialog.button_export.isEnabled()
    dialog.operation.dialog.findChild(QPushButton).click()  # "Annuler"
    release.set()
    qtbot.waitUntil(lambda: dialog.operation is None, timeout=20000)
    assert dialog.was_cancelled and dialog.result is None
    assert len(reads) == 2  # stopped mid-way: the other 50 actors were never read
    assert "annulé" in dialog.status_label.text()
    assert dialog.isVisible() and dialog.button_export.isEnabled()
    assert list(tmp_path.glob("annule*")) == [] and list(tmp_path.glob(".~*")) == []
    dialog.reject()


def test_folder_missing_shows_the_french_message(qtbot, window, tmp_path):
    dialog = open_dialog(window)
    run_export(qtbot, dialog, tmp_path / "absent" / "x.xlsx")
    assert dialog.result is None and dialog.error is not None
    assert dialog.isVisible()
    assert "n'existe pas" in dialog.message_box.text()
    assert not (tmp_path / "absent").exists()
    dialog.message_box.close()
    dialog.reject()


def test_open_the_folder_after_export(qtbot, window, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    dialog = open_dialog(window)
    run_export(qtbot, dialog, tmp_path / "a.xlsx")
    box = dialog.message_box
    next(b for b in box.buttons() if b.text() == "Ouvrir le dossier").click()
    assert opened == [str(tmp_path)]
