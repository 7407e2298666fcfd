"""Qt's own texts (line edits' context menu, standard buttons, file dialog) are French:
the application installs Qt's French translations (app.install_translations)."""
from __future__ import annotations

from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QLineEdit, QMessageBox


def test_line_edit_context_menu_and_standard_buttons_are_french(qtbot):
    from eco_desktop.ui.app import install_translations
    install_translations(QApplication.instance())
    edit = QLineEdit()
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    texts = [action.text().replace("&", "") for action in menu.actions()]
    assert any(t.startswith("Annuler") for t in texts), texts
    assert not any(t.startswith("Undo") for t in texts), texts
    box = QMessageBox(QMessageBox.Icon.Question, "t", "x",
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QMessageBox.StandardButton.Cancel).text().replace("&", "") == "Annuler"
    assert box.button(QMessageBox.StandardButton.Save).text().replace("&", "") == "Enregistrer"


def test_qt_file_dialog_is_french(qtbot):
    from eco_desktop.ui.app import install_translations
    install_translations(QApplication.instance())
    dialog = QFileDialog(None, "Choisir")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    labels = {label.text().replace("&", "").replace("\xa0", " ") for label in dialog.findChildren(QLabel)}
    assert "Nom de fichier :" in labels, labels
