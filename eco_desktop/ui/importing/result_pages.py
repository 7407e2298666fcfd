"""Last steps: the confirmation (with « Importer ») and the summary with its report."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout, QWizardPage)

from ...errors import UserError
from ...french import count, number
from ...importer import write_report
from ..text_safety import escape_html, set_plain
from .common import ask_save_path, error_label
if TYPE_CHECKING:
    from . import ImportWizard


class ConfirmPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Confirmer l'import")
        self.setSubTitle("Vérifiez ce qui va être écrit dans le catalogue.")
        self.setCommitPage(True)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.error_label = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.error_label)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802
        self.error_label.clear()
        summary = self.wiz.plan.summary()
        what = "acteur" if self.wiz.plan.kind == "actors" else "contact"
        s_unchanged = "s" if summary.unchanged > 1 else ""
        s_skipped = "s" if summary.skipped > 1 else ""
        s_errors = "s" if summary.errors > 1 else ""
        items = [f"{count(summary.created, what)} à créer",
                 f"{summary.updated} à mettre à jour",
                 f"{summary.unchanged} inchangé{s_unchanged}",
                 f"{count(summary.skipped, 'ligne')} ignorée{s_skipped} (doublons)",
                 f"{count(summary.errors, 'ligne')} en erreur, non importée{s_errors}"]
        if summary.linked:
            s_linked = "s" if summary.linked > 1 else ""
            items.append(f"{count(summary.linked, 'établissement')} relié{s_linked} à son siège "
                         "(« site de »)")
        if self.wiz.would_change():
            end = ("<p>L'import est une seule opération : <b>Édition → Annuler</b> (Ctrl+Z) le "
                   "défait en entier. Pendant l'import, « Annuler » l'arrête sans rien modifier.</p>")
        else:
            end = ("<p><b>Rien ne changerait dans le catalogue</b> : aucun acteur ni contact à "
                   "créer ou à mettre à jour. « Importer » est grisé ; revenez en arrière pour "
                   "changer la correspondance ou le traitement des doublons.</p>")
        self.text.setText(
            f"<p>Import de « {escape_html(self.wiz.path.name)} » dans "
            f"« {escape_html(self.wiz.catalogue.path.name)} » :</p><ul>"
            + "".join(f"<li>{item}</li>" for item in items) + "</ul>" + end)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        # « Importer » for an import that would change nothing would only add an empty
        # step to the history.
        return self.wiz.plan is not None and self.wiz.would_change()

    def validatePage(self) -> bool:  # noqa: N802
        return self.wiz.run_apply()


class SummaryPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Import terminé")
        self.setSubTitle("Le catalogue est à jour ; la liste des acteurs a été rafraîchie.")
        self.numbers: dict[str, QLabel] = {}
        grid = QGridLayout()
        for i, (key, label) in enumerate((("created", "Créés"), ("updated", "Mis à jour"),
                                          ("unchanged", "Inchangés"), ("skipped", "Ignorés"),
                                          ("warnings", "Avertissements"), ("errors", "Erreurs"))):
            number = QLabel("0")
            number.setStyleSheet("font-size: 16pt; font-weight: bold;")
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption = QLabel(label)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(number, 0, i)
            grid.addWidget(caption, 1, i)
            self.numbers[key] = number
        self.details = set_plain(QLabel(), bounded=True)  # problems quote the file's cells
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.button_report = QPushButton("Enregistrer le rapport…")
        self.button_report.clicked.connect(lambda: self.save_report())
        self.report_label = set_plain(QLabel(), bounded=True)
        self.report_label.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.button_report)
        row.addWidget(self.report_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addSpacing(12)
        layout.addWidget(self.details, 1)
        layout.addLayout(row)

    def initializePage(self) -> None:  # noqa: N802
        summary = self.wiz.summary
        for key, value in summary.counts().items():
            self.numbers[key].setText(number(value))
        lines = summary.lines(max_problems=8, full_list="« Enregistrer le rapport… » les donne tous")
        self.details.setText("\n".join(lines[3:]))
        self.report_label.clear()

    def save_report(self, path: str | None = None) -> Path | None:
        if path is None:
            path = ask_save_path(self, "Enregistrer le rapport",
                                 f"rapport-import-{self.wiz.path.stem}.xlsx", "Classeur Excel (*.xlsx)")
            if not path:
                return None
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        try:
            written = write_report(path, self.wiz.summary)
        except UserError as exc:
            self.report_label.setText(str(exc))
            return None
        self.report_label.setText(f"Rapport enregistré : {written}")
        return written
