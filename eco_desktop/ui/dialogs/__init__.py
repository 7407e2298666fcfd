"""The main window's dialogs, one module each; import them from here.

Each dialog is self-contained: it takes the :class:`~eco_desktop.catalogue.Catalogue`,
performs its write through the catalogue's API (one undo step) and shows a
:class:`~eco_desktop.errors.UserError` in a message box.
"""
from __future__ import annotations

from .bulk import BulkEditDialog
from .common import ask_text, button_box, confirm, show_error
from .confirm import confirm_delete, confirm_purge
from .help import AboutDialog, HelpDialog
from .merge import MergeDialog
from .views import ManageViewsDialog, ask_view_name
from .vocab import VocabularyDialog

__all__ = [
    "AboutDialog", "BulkEditDialog", "HelpDialog", "ManageViewsDialog", "MergeDialog", "VocabularyDialog",
    "ask_text", "ask_view_name", "button_box", "confirm", "confirm_delete", "confirm_purge", "show_error",
]
