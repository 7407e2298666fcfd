"""The main window as a person uses it: search, facets, sort, undo, trash, views, settings."""
from __future__ import annotations

import threading
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit
from search_box_helpers import listed_names, type_search

from eco_desktop.filter import Filter
from eco_desktop.catalogue.search import MAX_QUERY_CHARS, MAX_QUERY_WORDS
from eco_desktop.catalogue import Catalogue
from eco_desktop.ui.window.facets import ValueRole
from eco_desktop.ui.window.main_window import MainWindow
from eco_desktop.ui.window.table_model import COLUMN_KEYS

GENOPOLE = 20


def test_search_as_you_type_folds_accents(qtbot, window):
    total = window.model.rowCount()
    assert total == window.catalogue.total() == 52
    assert window.count_label.text() == "52 acteurs sur 52"
    type_search(qtbot, window, "Courtaboeuf")
    names = listed_names(window)
    assert "Parc d'activités de Courtabœuf" in names
    assert 0 < len(names) < total
    assert window.count_label.text().startswith(f"{len(names)} acteur")
    # Ctrl+F focuses the search field
    window.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()



def paste_into_search(qtbot, window, text: str) -> None:
    QApplication.clipboard().setText(text)
    window.search.setFocus()
    window.search.selectAll()
    qtbot.keyClick(window.search, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def slow_searches(monkeypatch, window, seconds: float) -> list[dict]:
    """Searches go to the worker even on the small bundled catalogue, and each one takes
    ``seconds`` (or until superseded), as a long query on a big catalogue would."""
    from eco_desktop.ui.window import filtering
    monkeypatch.setattr(filtering, "BACKGROUND_SEARCH", 1)
    catalogue = window.catalogue
    real = catalogue.prefetch_text
    runs: list[dict] = []

    def prefetch_text(text, cancelled):
        run = {"text": text, "thread": threading.current_thread(), "cancelled": False}
        runs.append(run)
        deadline = time.monotonic() + (seconds if len(runs) == 1 else 0.05)
        while time.monotonic() < deadline and not cancelled():
            time.sleep(0.005)
        run["cancelled"] = cancelled()
        return real(text, cancelled)

    monkeypatch.setattr(catalogue, "prefetch_text", prefetch_text)
    return runs


def test_a_pasted_document_is_searched_in_a_worker_while_the_window_keeps_turning(qtbot, window, monkeypatch):
    paste = "ge ev " * 5_000            # 10,000 words, within the field's 32,767 characters
    with Catalogue.open(window.catalogue.path) as other:
        expected = other.actor_ids(Filter(text=paste))
    assert 0 < len(expected) < window.catalogue.total()
    runs = slow_searches(monkeypatch, window, 0.6)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    announced = []
    window.filterChanged.connect(lambda flt: announced.append((flt.text, list(window.model.ids))))
    start = time.monotonic()
    paste_into_search(qtbot, window, paste)
    assert time.monotonic() - start < 0.5           # the paste itself waits on nothing
    qtbot.waitUntil(lambda: window.model.ids == expected, timeout=5000)
    timer.stop()
    assert window.search.text() == paste and window.filter.text == paste
    assert [run["thread"] is threading.main_thread() for run in runs] == [False]
    during = [t for t in ticks if start + 0.2 < t < start + 0.6]
    assert len(during) >= 5                         # the event loop turned while it searched
    assert window.count_label.text().startswith(f"{len(expected)} acteur")
    assert announced == [(paste, expected)]         # filterChanged once the list shows it


def test_typing_further_words_discards_the_earlier_search(qtbot, window, monkeypatch):
    with Catalogue.open(window.catalogue.path) as other:
        first, expected = (other.actor_ids(Filter(text=text)) for text in ("genopole", "genopole evry"))
    assert first != expected
    runs = slow_searches(monkeypatch, window, 3.0)
    shown = []
    real_set_ids = window.model.set_ids
    monkeypatch.setattr(window.model, "set_ids", lambda ids, **kw: shown.append(list(ids)) or real_set_ids(ids, **kw))
    window.search.setFocus()
    qtbot.keyClicks(window.search, "genopole")
    qtbot.waitUntil(lambda: len(runs) == 1, timeout=2000)
    assert window.count_label.text() == "Recherche…"
    qtbot.keyClicks(window.search, " evry")
    qtbot.waitUntil(lambda: window.model.ids == expected, timeout=5000)
    assert runs[0]["text"] == "genopole" and runs[0]["cancelled"]
    assert shown == [expected]                      # genopole's result was never shown
    qtbot.wait(100)
    assert window.model.ids == expected



def test_the_status_bar_says_when_a_search_was_cut_to_its_first_words(qtbot, window):
    words = " ".join(f"mot{i:02d}" for i in range(MAX_QUERY_WORDS + 1))
    type_search(qtbot, window, words)
    assert window.count_label.text() == (f"0 acteur sur {window.catalogue.total()} — recherche réduite à ses "
                                         f"premiers mots ({MAX_QUERY_WORDS} mots, {MAX_QUERY_CHARS} caractères "
                                         "au plus)")
    type_search(qtbot, window, "genopole")
    assert "réduite" not in window.count_label.text()


def test_ticking_a_facet_narrows_and_updates_counts(qtbot, window):
    item = window.facets.value_item("departement", "91")
    assert item is not None
    expected = int(item.text(1))
    item.setCheckState(0, Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: window.filter.departements == ("91",))
    assert window.model.rowCount() == expected
    ids = window.model.ids
    assert all(window.catalogue.get_actor(i)["departement"] == "91" for i in ids)
    # the kind facet now counts only actors of the Essonne
    kind_total = sum(int(window.facets.groups["kind"].child(i).text(1))
                     for i in range(window.facets.groups["kind"].childCount()))
    assert kind_total == expected
    # the département facet keeps counting other départements (its own selection is not applied)
    assert window.facets.value_item("departement", "75") is not None
    window.facets.clear_button.click()
    assert window.model.rowCount() == 52


def test_sorting_by_clicking_a_header(qtbot, window):
    commune_column = COLUMN_KEYS.index("commune")
    window.table.horizontalHeader().setSectionHidden(commune_column, False)
    window.table.sortByColumn(commune_column, Qt.SortOrder.AscendingOrder)
    communes = [window.model.data(window.model.index(r, commune_column)) for r in range(window.model.rowCount())]
    filled = [c for c in communes if c]
    from eco_desktop.text import fold
    assert [fold(c) for c in filled] == sorted(fold(c) for c in filled)
    assert communes[-1] == ""  # empty values last
    window.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    names = listed_names(window)
    assert [fold(n) for n in names] == sorted((fold(n) for n in names), reverse=True)


def test_ctrl_z_undoes_an_edit_and_ctrl_shift_z_redoes_it(qtbot, window):
    window.select_actor(GENOPOLE)
    assert window.editor.current_id() == GENOPOLE
    window.catalogue.update_actor(GENOPOLE, {"website": "https://www.genopole.fr/nouveau"})
    assert window.act_undo.isEnabled()
    assert "Genopole" in window.act_undo.text()  # the Edit menu says what will be undone
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.catalogue.get_actor(GENOPOLE)["website"] == "https://www.genopole.fr"
    qtbot.keyClick(window.table, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.catalogue.get_actor(GENOPOLE)["website"] == "https://www.genopole.fr/nouveau"


def test_a_big_undo_and_redo_run_in_a_worker_behind_a_progress_dialog(qtbot, window, monkeypatch):
    import threading

    from eco_desktop.ui import operations
    from eco_desktop.ui.window import undo
    monkeypatch.setattr(undo, "BACKGROUND_REPLAY", 10)
    shown, threads = [], []
    real_run = operations.run
    monkeypatch.setattr(operations, "run",
                        lambda *a, **k: shown.append((a[1], k.get("delay_ms"))) or real_run(*a, **k))
    cat = window.catalogue
    for name in ("undo", "redo"):
        real = getattr(cat, name)
        monkeypatch.setattr(cat, name, lambda real=real: threads.append(threading.current_thread())
                            or real())
    before = window.model.rowCount()
    ids = cat.bulk_create_actors([{"name": f"Importé {i}", "kind": "biotech"} for i in range(12)],
                                 label="Importer « liste.csv »")
    window.refresh()    # as the import wizard does
    assert window.model.rowCount() == before + 12
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1)
    window.undo_stack.undo()
    assert cat.actors_by_ids(ids) == [] and window.model.rowCount() == before
    window.undo_stack.redo()
    assert len(cat.actors_by_ids(ids)) == 12 and window.model.rowCount() == before + 12
    assert shown == [("Annulation de 12 modifications…", 0), ("Rétablissement de 12 modifications…", 0)]
    assert len(threads) == 2 and threading.main_thread() not in threads
    cat.update_actor(ids[0], {"website": "https://exemple.fr"})   # a small step: here
    qtbot.waitUntil(lambda: window.undo_stack.count() == 2)
    window.undo_stack.undo()
    assert cat.get_actor(ids[0])["website"] == "" and len(shown) == 2
    assert threads[-1] is threading.main_thread()


def test_delete_to_trash_and_restore(qtbot, window, monkeypatch):
    monkeypatch.setattr("eco_desktop.ui.dialogs.confirm_delete", lambda *a, **k: True)
    window.select_actor(GENOPOLE)
    window.act_delete.trigger()
    assert GENOPOLE not in window.model.ids
    assert window.model.rowCount() == 51
    # relations of Genopole are hidden with it
    assert all(r["other_id"] != GENOPOLE for r in window.catalogue.relations_of(14))
    window.act_trash.setChecked(True)
    assert window.model.ids == [GENOPOLE]
    assert window.trash_banner.isVisible()
    window.select_actor(GENOPOLE)
    window.act_restore.trigger()
    assert window.model.ids == []
    window.act_trash.setChecked(False)
    assert GENOPOLE in window.model.ids
    assert any(r["other_id"] == GENOPOLE for r in window.catalogue.relations_of(14))


def test_saved_view_round_trip(qtbot, window, monkeypatch):
    window.facets.value_item("kind", "biotech").setCheckState(0, Qt.CheckState.Checked)
    type_search(qtbot, window, "thérapie")
    saved_filter = window.filter
    monkeypatch.setattr("eco_desktop.ui.dialogs.ask_view_name", lambda *a, **k: "Biotechs thérapie")
    window.act_save_view.trigger()
    window.clear_filters()
    assert window.model.rowCount() == 52
    views = window.catalogue.saved_views()
    assert [v["name"] for v in views] == ["Biotechs thérapie"]
    assert window.facets.views.count() == 2
    window.facets.views.activated.emit(1)
    assert window.filter == saved_filter
    assert window.search.text() == "thérapie"
    assert window.facets.value_item("kind", "biotech").checkState(0) == Qt.CheckState.Checked


def test_renaming_a_vocabulary_label_shows_everywhere(qtbot, window):
    window.catalogue.set_vocab_entry("kind", "biotech", label="Biotech (thérapies)")
    window.model.reload_vocabularies()
    window.refresh()
    labels = [window.facets.groups["kind"].child(i).text(0) for i in range(window.facets.groups["kind"].childCount())]
    assert "Biotech (thérapies)" in labels
    kind_column = COLUMN_KEYS.index("kind")
    shown = {window.model.data(window.model.index(r, kind_column)) for r in range(window.model.rowCount())}
    assert "Biotech (thérapies)" in shown


def test_settings_persist_across_windows(qtbot, catalogue_path):
    first = MainWindow(Catalogue.open(catalogue_path))
    qtbot.addWidget(first)
    first.resize(760, 620)  # within the offscreen screen (800×800): restoreGeometry keeps windows on screen
    first.show()
    first.table.horizontalHeader().setSectionHidden(COLUMN_KEYS.index("email"), False)
    first.splitter.setSizes([300, 500, 400])
    sizes = first.splitter.sizes()
    first.close()
    second = MainWindow(Catalogue.open(catalogue_path))
    qtbot.addWidget(second)
    second.show()
    assert (second.size().width(), second.size().height()) == (760, 620)
    assert not second.table.horizontalHeader().isSectionHidden(COLUMN_KEYS.index("email"))
    assert second.splitter.sizes() == sizes
    from eco_desktop.ui.settings import settings
    assert settings().value("catalogue/last") == str(catalogue_path.resolve())
    second.close()


def test_opening_a_damaged_file_shows_an_error_and_keeps_the_window_usable(qtbot, window, tmp_path, monkeypatch):
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x13" * 4000)
    not_a_catalogue = tmp_path / "notes.sqlite"
    not_a_catalogue.write_text("ceci n'est pas un catalogue")
    messages = []
    monkeypatch.setattr("eco_desktop.ui.window.files.warn", lambda parent, title, text: messages.append(text))
    monkeypatch.setattr("eco_desktop.ui.safety.feature._warn", lambda parent, title, error: messages.append(str(error)))
    assert window.open_catalogue_path(damaged) is False  # no backup to offer: it says so
    assert window.open_catalogue_path(not_a_catalogue) is False
    assert len(messages) == 2
    assert all("catalogue" in m for m in messages)
    assert window.catalogue is not None and window.model.rowCount() == 52


def test_opening_a_damaged_file_offers_its_latest_backup(qtbot, window, tmp_path, monkeypatch):
    from eco_desktop import backup
    source = tmp_path / "precieux.sqlite"
    Catalogue.create(source).close()
    backup.backup_now(source)
    with open(source, "r+b") as handle:  # damage the schema page
        handle.seek(100)
        handle.write(b"\xff" * 3900)
    asked = []
    monkeypatch.setattr("eco_desktop.ui.safety.feature._ask", lambda *a, **k: asked.append(a[2]) or True)
    assert window.open_catalogue_path(source) is True
    assert asked and "endommagé" in asked[0]
    assert window.catalogue.path == source and window.catalogue.total() == 52


def test_new_actor_from_the_toolbar(qtbot, window):
    window.act_new_actor.trigger()
    assert window.editor.is_creating()
    name = window.editor.widget_for("name")
    assert isinstance(name, QLineEdit)
    name.setText("Nouvelle Biotech")
    assert [i.field for i in window.editor.issues() if i.level == "error"] == ["kind"]  # the kind is asked for
    kind = window.editor.widget_for("kind")
    kind.setCurrentIndex(kind.findData("biotech"))
    assert window.editor.save()
    assert "Nouvelle Biotech" in listed_names(window)
    assert window.catalogue.total() == 53
    QApplication.processEvents()


def test_the_window_drops_the_module_sources_pyside_leaves_in_linecache(qtbot, catalogue_path):
    """PySide6 reads the source of every module imported after it (about 18 MB of lines
    for the window's modules); the window lets them go once its features are loaded."""
    import linecache

    assert linecache.getlines(__file__)  # in the cache, as PySide6 leaves a module's lines
    assert __file__ in linecache.cache
    win = MainWindow(Catalogue.open(catalogue_path))
    qtbot.addWidget(win)
    assert __file__ not in linecache.cache
    win.close()
