"""Import wizard (Fichier → Importer…, or a file dropped on the window).

File (and sheet, and whether its first row names the columns) → column mapping (marks of
what is recognised, the columns' meanings, which column wins, the default type; saved and
loaded as JSON) → preview of every row with its status, filterable, the selected row's
reasons in full, and the duplicate policy → confirm → the import runs in a worker thread
behind a QProgressDialog whose "Annuler" rolls everything back → summary with
"Enregistrer le rapport". The core does the work (:mod:`eco_desktop.importer`); the import
is one transaction and one undo step: the window's undo stack gets it through the
catalogue's listeners, relayed to the UI thread while the worker commits.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWizard

from ... import APP_TITLE
from ...importer import (KIND_HINT_WIZARD, ImportPlan, ImportSummary, Mapping, apply_import, plan_import,
                         proposed_default_kind)
from ...catalogue import OperationCancelled
from .. import operations
from ..operations import Abandoned, Change, ProgressDialog, Task
from ..text_safety import inform
from ..theme import icon
from .common import PAGE_CONFIRM, PAGE_FILE, PAGE_MAPPING, PAGE_PREVIEW, PAGE_SUMMARY, error_text
from .file_page import FilePage
from .mapping_page import MappingPage
from .preview_page import PreviewModel, PreviewPage, StatusFilter
from .result_pages import ConfirmPage, SummaryPage

__all__ = ["PAGE_CONFIRM", "PAGE_FILE", "PAGE_MAPPING", "PAGE_PREVIEW", "PAGE_SUMMARY",
           "ConfirmPage", "FilePage", "ImportFeature", "ImportWizard", "MappingPage",
           "PreviewModel", "PreviewPage", "StatusFilter", "SummaryPage", "install"]


class ImportWizard(QWizard):
    """The steps of an import; ``imported(ImportSummary)`` once the catalogue changed."""

    imported = Signal(object)
    jobStarted = Signal()  # noqa: N815 - emitted just before a worker starts (tests cancel there)

    def __init__(self, window, path: str | Path | None = None) -> None:
        super().__init__(window)
        self.window_ = window
        self.catalogue = window.catalogue
        self.table = None
        self.path: Path | None = None
        self.mapping: Mapping | None = None
        self.plan: ImportPlan | None = None
        self.default_kind: str | None = None   # kind slug for rows the file gives none
        self.link_sites = True                 # establishments linked to their head office
        self.summary: ImportSummary | None = None
        self.job: Task | None = None
        self.progress: ProgressDialog | None = None
        self.last_error: str | None = None
        self.setWindowTitle("Importer des acteurs ou des contacts")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        for button, text in ((QWizard.WizardButton.NextButton, "Suivant >"),
                             (QWizard.WizardButton.BackButton, "< Précédent"),
                             (QWizard.WizardButton.CommitButton, "Importer"),
                             (QWizard.WizardButton.CancelButton, "Annuler"),
                             (QWizard.WizardButton.FinishButton, "Terminer"),
                             (QWizard.WizardButton.HelpButton, "Aide")):
            self.setButtonText(button, text)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.confirm_page = ConfirmPage(self)
        self.summary_page = SummaryPage(self)
        for page_id, page in ((PAGE_FILE, self.file_page), (PAGE_MAPPING, self.mapping_page),
                              (PAGE_PREVIEW, self.preview_page), (PAGE_CONFIRM, self.confirm_page),
                              (PAGE_SUMMARY, self.summary_page)):
            self.setPage(page_id, page)
        self.resize(960, 640)
        if path is not None:
            self.file_page.set_path(path)

    def _run(self, label: str, fn, *, relay: bool = False) -> tuple[Any, BaseException | None, bool]:
        """Run ``fn(progress, cancelled)`` in a worker behind a progress dialog whose
        "Annuler" cancels it, waiting in a local event loop. Returns (result, error, cancelled).

        ``relay``: the worker commits, so the window's listeners (undo stack…) are called
        here meanwhile, and "Annuler" waits for the rollback; planning cannot be
        interrupted, so "Annuler" stops waiting for it."""
        result, error, cancelled = None, None, False
        try:
            result = operations.run(self, label, fn, title=APP_TITLE, cancellable=True, wait_after_cancel=relay,
                                    catalogue=self.catalogue if relay else None, started=self._job_started)
        except (Abandoned, OperationCancelled):
            cancelled = True
        except Exception as exc:
            error = exc
        finally:
            self.job, self.progress = None, None
        return result, error, cancelled

    def _job_started(self, job: Task, dialog: ProgressDialog) -> None:
        self.job, self.progress = job, dialog
        self.jobStarted.emit()

    # -- what the core decides -----------------------------------------------------
    def proposed_default_kind(self) -> str | None:
        """The default kind to preset on the mapping step (None: let the file decide).

        None when a NAF column is mapped: each row's code then proposes its own kind, which
        a default would override (a default applies instead of the proposals), and a
        chain's stores would become biotechs because most rows of the file are."""
        if self.table is None or self.mapping is None or self.mapping.columns_for("naf"):
            return None
        catalogue = self.catalogue
        vocabularies = catalogue.value_labels()
        return proposed_default_kind(self.table, self.mapping, vocabularies, catalogue.kind_rule_table())

    def plan_options(self) -> dict[str, Any]:
        """The import options chosen on the pages, as plan_import takes them."""
        if self.mapping is None or self.mapping.kind != "actors":
            return {}
        # A row left without a kind is told where to set one: here, the mapping step.
        return {"default_kind": self.default_kind, "kind_hint": KIND_HINT_WIZARD,
                "link_sites": self.link_sites}

    def would_change(self) -> bool:
        """Whether applying the plan would create or update anything, or link a site."""
        if self.plan is None:
            return False
        summary = self.plan.summary()
        return summary.created + summary.updated + summary.linked > 0

    # -- background work ------------------------------------------------------------
    def run_plan(self, policy: str) -> None:
        path, table, mapping, catalogue = self.path, self.table, self.mapping, self.catalogue
        options = self.plan_options()

        def work(_progress, _cancelled):
            return plan_import(catalogue, path, table=table, mapping=mapping, on_duplicate=policy,
                               **options)

        result, error, cancelled = self._run(f"Analyse de « {path.name} »…", work)
        self.plan = None
        if error is not None:
            self.preview_page.error_label.setText(error_text(error))
        elif cancelled:
            self.preview_page.error_label.setText("Analyse interrompue.")
        else:
            self.plan = result

    def run_apply(self) -> bool:
        plan, catalogue = self.plan, self.catalogue
        self.last_error = None

        def work(progress, cancelled):
            return apply_import(catalogue, plan, progress=progress, cancelled=cancelled)

        result, error, cancelled = self._run(f"Import de « {plan.path.name} »…", work, relay=True)
        if cancelled:
            self.confirm_page.error_label.setText("Import annulé : rien n'a été modifié.")
            self.last_error = "cancelled"
            return False
        if error is not None:
            self.last_error = error_text(error)
            self.confirm_page.error_label.setText(self.last_error)
            return False
        self.summary = result
        self.window_.apply_changes(Change.ACTORS)
        self.window_.show_status(
            f"Import de « {plan.path.name} » : {result.created} créé(s), {result.updated} mis à jour.", 8000)
        self.imported.emit(result)
        return True


# --------------------------------------------------------------------------- install

class ImportFeature:
    """What ``install`` returns: the action and the last wizard opened (for tests)."""

    def __init__(self, window) -> None:
        self.window = window
        self.wizard: ImportWizard | None = None
        self.action = QAction(icon("import"), "Importer…", window)
        self.action.setToolTip("Importer des acteurs ou des contacts depuis Excel ou CSV")
        self.action.setStatusTip(self.action.toolTip())
        self.action.triggered.connect(lambda _checked=False: self.open_wizard())

    def open_wizard(self, path: str | Path | None = None) -> ImportWizard | None:
        """Open the wizard (window-modal, not blocking), on ``path`` when given."""
        catalogue = self.window.catalogue
        if catalogue is None:
            return None
        if catalogue.read_only:
            inform(self.window, "Importer", "Le catalogue est ouvert en lecture seule : import impossible.")
            return None
        self.wizard = ImportWizard(self.window, path)
        self.wizard.finished.connect(self.wizard.deleteLater)
        self.wizard.open()
        return self.wizard

    def update(self) -> None:
        catalogue = self.window.catalogue
        self.action.setEnabled(catalogue is not None and not catalogue.read_only)


def install(window) -> ImportFeature:
    """Fichier → Importer…, on the toolbar, and files dropped on the window."""
    feature = ImportFeature(window)
    window.add_file_action(feature.action)
    window.add_toolbar_action(feature.action)
    window.set_import_handler(feature.open_wizard)
    window.catalogueChanged.connect(feature.update)
    feature.update()
    return feature
