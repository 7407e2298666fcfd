"""Small helpers shared by the dialogs: French standard buttons, error boxes, prompts.

The dialogs set their buttons' French texts explicitly (the application also installs
Qt's French translations, app.install_translations). Texts that come from a record or
from an error are shown as plain text (text_safety).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialogButtonBox, QInputDialog, QLabel, QLineEdit, QMessageBox, QWidget

from ...errors import UserError
from ..text_safety import display_text, escape_html, message_box

SB = QDialogButtonBox.StandardButton
MB = QMessageBox.StandardButton

FRENCH_BUTTONS: dict[SB, str] = {
    SB.Ok: "OK",
    SB.Cancel: "Annuler",
    SB.Apply: "Appliquer",
    SB.Close: "Fermer",
    SB.Yes: "Oui",
    SB.No: "Non",
    SB.Save: "Enregistrer",
    SB.Discard: "Ne pas enregistrer",
    SB.Help: "Aide",
    SB.Reset: "Réinitialiser",
}


def button_box(buttons: SB, parent: QWidget | None = None, **texts: str) -> QDialogButtonBox:
    """A QDialogButtonBox whose standard buttons carry French labels.

    ``texts`` overrides a label by the button's name, e.g. ``Apply="Fusionner"``.
    """
    box = QDialogButtonBox(buttons, parent)
    french_buttons(box, **texts)
    return box


def french_buttons(box: QDialogButtonBox, **texts: str) -> None:
    for which, text in FRENCH_BUTTONS.items():
        button = box.button(which)
        if button is not None:
            button.setText(texts.get(which.name, text))


def show_error(parent: QWidget | None, error: UserError | str, title: str = "Opération impossible") -> None:
    """Show a user error (a French sentence) in a warning box."""
    box = message_box(QMessageBox.Icon.Warning, title, str(error), MB.Ok, parent)
    box.setStyleSheet("QLabel#qt_msgbox_label { min-width: 320px; }")
    box.button(MB.Ok).setText("OK")
    box.exec()


def ask(box: QMessageBox, ok_text: str) -> bool:
    """Show ``box`` with an ``ok_text`` button and « Annuler », the default and the Escape
    key's; True when ``ok_text`` was clicked."""
    ok = box.addButton(ok_text, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is ok


def confirm(parent: QWidget | None, title: str, text: str, ok_text: str, *,
            informative: str = "", danger: bool = False) -> bool:
    """Ask a yes/no question with an explicit French action button; Annuler is the default.
    Both texts are plain text (the question is shown in bold)."""
    box = message_box(QMessageBox.Icon.Warning if danger else QMessageBox.Icon.Question, title, "",
                      MB.NoButton, parent, informative=informative)
    box.setTextFormat(Qt.TextFormat.RichText)  # Qt gives the informative label this format too
    box.setText(f"<b>{escape_html(text)}</b>")
    label = box.findChild(QLabel, "qt_msgbox_informativelabel")
    if label is not None:
        label.setTextFormat(Qt.TextFormat.PlainText)
    box.setStyleSheet("QLabel#qt_msgbox_label, QLabel#qt_msgbox_informativelabel { min-width: 360px; }")
    return ask(box, ok_text)


def show_file_written(parent: QWidget | None, path: Path, title: str, text: str, informative: str = "", *,
                      rich: bool = False) -> QMessageBox:
    """A file was written: ``text`` with "Ouvrir le fichier" / "Ouvrir le dossier" / "Fermer"
    (not blocking; the box is returned open). ``rich``: the texts are HTML, any record or
    path in them already escaped (text_safety.escape_html); otherwise they are plain text."""
    box = message_box(QMessageBox.Icon.Information, title, text, MB.NoButton, parent, informative=informative)
    if rich:
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(text)
        box.setInformativeText(informative)
        label = box.findChild(QLabel, "qt_msgbox_informativelabel")
        if label is not None:
            label.setTextFormat(Qt.TextFormat.RichText)
    box.setStyleSheet("QLabel#qt_msgbox_label, QLabel#qt_msgbox_informativelabel { min-width: 380px; }")
    open_file = box.addButton("Ouvrir le fichier", QMessageBox.ButtonRole.ActionRole)
    open_folder = box.addButton("Ouvrir le dossier", QMessageBox.ButtonRole.ActionRole)
    close = box.addButton("Fermer", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(close)
    box.setEscapeButton(close)

    def clicked(button) -> None:
        if button is open_file:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        elif button is open_folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))

    box.buttonClicked.connect(clicked)
    box.open()
    return box


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "", ok_text: str = "OK") -> str | None:
    """A one-line prompt; the stripped text, or None when cancelled or left empty."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(display_text(label, limit=300))
    for prompt in dialog.findChildren(QLabel):  # the label quotes a view's or a tag's name
        prompt.setTextFormat(Qt.TextFormat.PlainText)
    dialog.setTextValue(text)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setOkButtonText(ok_text)
    dialog.setCancelButtonText("Annuler")
    dialog.setMinimumWidth(420)
    if not dialog.exec():
        return None
    value = dialog.textValue().strip()
    return value or None
