"""The window's Filter and its list: search box, facets, trash, and the list's refresh.

A text search that may take long runs first in a quiet operation on the window's own
one-thread pool (``Catalogue.prefetch_text``: a connection of its own, stopped when a
newer keystroke supersedes it); the list follows when it is done, and ``filterChanged``
is announced once the list shows the filter, so that the tabs find its text match ready.
"""
from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import QItemSelectionModel, Qt

from ... import APP_TITLE, french
from ...catalogue.search import MAX_QUERY_CHARS, MAX_QUERY_WORDS, parse_query
from ...errors import UserError
from ...filter import Filter
from .. import operations
from ..text_safety import warn
from .area_bar import left_out_text

log = logging.getLogger(__name__)
SEARCH_DELAY_MS = 150
# A text search costs about its words times the actors (docs/PERFORMANCE.md). From this
# much it runs in a worker so that typing never waits for it; below, it is quicker than
# the trip through the worker.
BACKGROUND_SEARCH = 200_000


class ListFiltering:
    """MainWindow's part that applies the Filter to the list and the facet counts."""

    def set_filter(self, flt: Filter) -> None:
        self.filter = flt
        # Announced once the list shows it (after a search in the worker, see refresh):
        # the tabs following the filter then find its text match ready.
        self._announce_filter = True
        self.refresh()

    def _apply_search(self) -> None:
        self._search_timer.stop()
        text = self.search.text()
        if text != self.filter.text:
            self.set_filter(replace(self.filter, text=text))

    def apply_suggestion(self, apply: tuple) -> None:
        """What a suggestion under an empty list does: search its text, or tick its
        vocabulary value instead of the text that found nothing."""
        if apply[0] == "text":
            self.search.setText(apply[1])
            self._apply_search()
            return
        _facet, vocabulary, slug = apply
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        flt = replace(self.filter, text="")
        self.set_filter(flt.with_selection(vocabulary, [*flt.selection(vocabulary), slug]))

    def _facet_changed(self, facet: str, values: list) -> None:
        self.set_filter(self.filter.with_selection(facet, values))

    def clear_area(self) -> None:
        """The filter without its geographic area (the area bar's ✕)."""
        if self.filter.area is not None:
            self.set_filter(self.filter.without_area())

    def clear_filters(self) -> None:
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.set_filter(self.filter.cleared())

    def show_trash(self, on: bool) -> None:
        self.trash_banner.setVisible(on)
        self.set_filter(replace(self.filter, only_deleted=on))

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self) -> None:
        """Re-run the filter: list, facet counts, status bar; keep the selection.

        A text search that may take long (BACKGROUND_SEARCH) runs first in a worker, and
        the list follows when it is done; the newest refresh wins, a search it supersedes
        is stopped and its result dropped.
        """
        self._search_generation += 1
        if self._search is not None:
            self._search.cancel()
            self._search = None
        if self._search_is_long():
            self._start_search()
        else:
            self._show_results()

    def _search_is_long(self) -> bool:
        catalogue, text = self.catalogue, self.filter.text
        if catalogue is None or not text.strip():
            return False
        cost = len(parse_query(text).words) * catalogue.total()
        return cost >= BACKGROUND_SEARCH and not catalogue.text_ready(text)

    def _start_search(self) -> None:
        generation, catalogue, text = self._search_generation, self.catalogue, self.filter.text

        def search(_progress, cancelled):
            try:
                return generation, catalogue.prefetch_text(text, cancelled)
            except Exception as exc:  # noqa: BLE001 - the list's own query reports it
                return generation, exc

        self.count_label.setText("Recherche…")
        self._search = operations.start(self, search, on_done=self._search_done, quiet=True,
                                        pool=self._search_pool)

    def _search_done(self, outcome: tuple) -> None:
        generation, result = outcome
        if generation != self._search_generation:
            return  # a newer refresh superseded it
        self._search = None
        if isinstance(result, Exception):
            log.warning("text search in the worker failed: %r", result)
        self._show_results()

    def _show_results(self) -> None:
        try:
            self._fill_list()
        finally:
            if self._announce_filter:
                self._announce_filter = False
                self.filterChanged.emit(self.filter)

    def _fill_list(self) -> None:
        if self.catalogue is None:
            self.model.set_ids([])
            self.area_bar.show_area(None)
            self.count_label.setText("Aucun catalogue ouvert")
            self.suggestions.show_suggestions([])
            self._update_actions()
            return
        selected = self.selected_ids()
        current = self._current_id
        try:
            ids = self.catalogue.actor_ids(self.filter)
            counts = self.catalogue.facet_counts(self.filter)
        except UserError as exc:
            warn(self, APP_TITLE, str(exc))
            return
        if self.filter.text.strip():
            self.model.set_ids(ids, keep_order=self.model.sort_column is None)
        else:
            self.model.set_ids(ids)
        self.facets.custom_titles = dict(self.catalogue.custom_facets())  # custom fields' facets
        self.facets.update_counts(counts, self.filter)
        total = self.catalogue.total()
        label = "dans la corbeille" if self.filter.only_deleted else f"sur {french.number(total)}"
        text = f"{french.count(len(ids), 'acteur')} {label}"
        left_out = self.catalogue.area_left_out(self.filter) if self.filter.area is not None else 0
        self.area_bar.show_area(self.filter.area, left_out)
        if left_out:
            text += f" — {left_out_text(left_out)}"
        if parse_query(self.filter.text).truncated:
            text += (f" — recherche réduite à ses premiers mots ({MAX_QUERY_WORDS} mots, "
                     f"{MAX_QUERY_CHARS} caractères au plus)")
        self.count_label.setText(text)
        nothing_found = not ids and self.filter.text.strip()
        self.suggestions.show_suggestions(self.catalogue.suggestions(self.filter.text) if nothing_found else [])
        self._reselect(selected, current)
        self._update_actions()

    def _reselect(self, ids: list[int], current: int | None) -> None:
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        wanted = set(ids)
        if wanted:
            for row, actor_id in enumerate(self.model.ids):
                if actor_id in wanted:
                    selection.select(self.model.index(row, 0), flags)
        if current is not None:
            row = self.model.row_of(current)
            if row >= 0:
                selection.setCurrentIndex(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
        selection.blockSignals(False)
