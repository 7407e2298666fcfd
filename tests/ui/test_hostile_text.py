"""Record text is data, never markup: a catalogue whose names, labels, notes and tags hold
HTML, remote/local images, huge widths, bidi overrides and zero-width characters must show
them as typed, without rendering them and without growing the window."""
from __future__ import annotations

import pytest
from PySide6.QtCharts import QBarCategoryAxis, QChartView
from PySide6.QtGui import Qt  # QtGui.Qt also holds mightBeRichText()
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QMessageBox, QWidget

from eco_desktop.errors import UserError
from eco_desktop.filter import Filter
from eco_desktop.catalogue import Catalogue
from eco_desktop.ui.window.main_window import MainWindow

BOLD = "<b>gras</b>"
IMAGE = '<img src="file:///etc/hostname">'
WIDE = "<img width=20000 height=20000>"
LINK = "<a href='http://exemple.invalid/'>lien</a>"
RLO = "\u202etxet esrever"
ZWSP = "zero\u200bwidth\u200b"
LONG_WORD = "W" * 5000
MARKUP = (BOLD, IMAGE, WIDE, LINK)
# What must never reach Qt's rich-text engine unescaped.
RAW_FRAGMENTS = ("<b>gras", "<img", LINK)
MAX_PX = 2000


def hostile(prefix: str) -> str:
    return f"{prefix} {BOLD} {IMAGE} {WIDE} {LINK} {RLO} {ZWSP}"


def make_hostile_catalogue(path):
    """A catalogue whose every text field holds markup: (catalogue, actor ids, call id)."""
    cat = Catalogue.create(path, seed=False)
    kind = cat.add_vocab_entry("kind", hostile("Type"), slug="hostile_kind")
    ids = []
    for n, name in enumerate((hostile("Acteur"), "<b>Second</b> " + LONG_WORD, BOLD)):
        ids.append(cat.create_actor({
            "name": name, "aliases": [hostile("Alias")], "kind": kind, "commune": hostile("Commune"),
            "description": hostile("Description"), "website": f"https://exemple.invalid/{n}?q={BOLD}",
            "tags": [hostile("Étiquette"), "R&D " + LONG_WORD[:300]], "street": IMAGE,
            "source": hostile("Source"), "domains": ["gene_therapy"],
        }))
    for actor_id in ids:
        cat.add_contact(actor_id, {"first_name": BOLD, "last_name": hostile("Nom") + LONG_WORD[:500],
                                   "role": IMAGE, "email": "a@exemple.invalid", "notes": hostile("Note")})
        cat.add_exchange(actor_id, date="2025-01-02", kind="call", text=hostile("Échange") + " " + LONG_WORD,
                         author=hostile("Auteur"))
    cat.add_relation(ids[0], "partner_of", ids[1], note=hostile("Relation"))
    call = cat.create_call(hostile("Appel") + LONG_WORD[:1000], funder=hostile("Financeur"),
                           description=hostile("Appel"), url="https://exemple.invalid/?" + BOLD,
                           eligibility=Filter(domains=("gene_therapy",)))
    cat.set_note(call, ids[0], hostile("Note d'appel"))
    cat.save_view(hostile("Vue"), Filter(text="gras", tags=(hostile("Étiquette"),)))
    return cat, ids, call


@pytest.fixture
def hostile_catalogue(tmp_path):
    cat, ids, call = make_hostile_catalogue(tmp_path / "hostile.sqlite")
    yield cat, ids, call
    cat.close()


@pytest.fixture
def hostile_window(qtbot, hostile_catalogue):
    cat, ids, call = hostile_catalogue
    win = MainWindow(cat)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    yield win, ids, call
    win.editor.revert() if win.editor.is_dirty() else None
    win.set_catalogue(None)
    win.close()


def offenders(root: QWidget) -> list[str]:
    """Every widget under ``root`` (itself included) that would render record text as markup."""
    found = []
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        name = f"{type(widget).__name__}({widget.objectName() or '?'})"
        if isinstance(widget, QLabel):
            text = widget.text()
            rich = widget.textFormat() == Qt.TextFormat.RichText or (
                widget.textFormat() == Qt.TextFormat.AutoText and Qt.mightBeRichText(text))
            if rich and any(fragment in text for fragment in RAW_FRAGMENTS):
                found.append(f"{name} renders {text[:80]!r}")
        if isinstance(widget, (QAbstractButton, QGroupBox)):
            text = widget.text() if isinstance(widget, QAbstractButton) else widget.title()
            if "R&D" in text:
                found.append(f"{name} turns « & » into a shortcut: {text[:80]!r}")
        tip = widget.toolTip()
        if any(fragment in tip for fragment in RAW_FRAGMENTS):
            found.append(f"{name} tooltip {tip[:80]!r}")
        if isinstance(widget, QChartView):  # Qt Charts renders titles and axis labels as HTML
            chart = widget.chart()
            texts = [chart.title()] + [label for axis in chart.axes() if isinstance(axis, QBarCategoryAxis)
                                       for label in axis.categories()]
            found += [f"{name} chart label {t[:80]!r}" for t in texts if any(f in t for f in RAW_FRAGMENTS)]
    return found


def item_tooltip_offenders(root: QWidget) -> list[str]:
    """ToolTipRole of every item view's visible cells: rich text when it looks like HTML."""
    from PySide6.QtCore import QAbstractListModel
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView
    found, seen = [], set()
    for view in root.findChildren(QAbstractItemView):
        model = view.model()
        if model is None or isinstance(view, QHeaderView) or id(model) in seen:
            continue
        seen.add(id(model))

        def columns(parent) -> int:
            try:
                return model.columnCount(parent)
            except TypeError:  # list models make columnCount() private
                return 1

        def walk(parent, depth=0):
            for row in range(min(model.rowCount(parent), 50)):
                for column in range(columns(parent)):
                    index = model.index(row, column, parent)
                    tip = model.data(index, Qt.ItemDataRole.ToolTipRole)
                    if isinstance(tip, str) and any(f in tip for f in RAW_FRAGMENTS):
                        found.append(f"{type(view).__name__} cell ({row},{column}) tooltip {tip[:60]!r}")
                    if depth < 2 and column == 0 and not isinstance(model, QAbstractListModel) \
                            and model.rowCount(index) > 0:
                        walk(index, depth + 1)
        walk(view.rootIndex())
    return found


def too_big(widget: QWidget) -> list[str]:
    sizes = {"size": widget.size(), "sizeHint": widget.sizeHint(), "minimumSizeHint": widget.minimumSizeHint()}
    return [f"{type(widget).__name__} {what} {s.width()}×{s.height()}" for what, s in sizes.items()
            if s.width() > MAX_PX or s.height() > MAX_PX]


def settle(qtbot, ms: int = 200) -> None:
    qtbot.wait(ms)
    QApplication.processEvents()


def test_main_window_record_and_tabs_show_hostile_text_as_plain_text(hostile_window, qtbot):
    win, ids, _call = hostile_window
    win.select_actors(ids)
    win.select_actor(ids[0])
    settle(qtbot)
    # The record shows the name as typed (the walk below looks at hostile text, not at nothing).
    assert any(BOLD in label.text() and IMAGE in label.text() for label in win.editor.findChildren(QLabel))
    problems = offenders(win) + item_tooltip_offenders(win) + too_big(win)
    for feature in ("calls", "dashboard"):
        win.tabs.setCurrentIndex(win.features[feature].tab_index)
        qtbot.waitUntil(lambda: True)
        settle(qtbot, 600)
        problems += offenders(win) + item_tooltip_offenders(win) + too_big(win)
    # The dashboard's criteria show the search text: type markup into it.
    win.search.setText(BOLD + " " + LONG_WORD[:200])
    settle(qtbot, 800)
    problems += offenders(win) + too_big(win)
    win.tabs.setCurrentIndex(0)
    win.select_actor(ids[1])
    settle(qtbot)
    problems += offenders(win) + item_tooltip_offenders(win) + too_big(win)
    assert not problems, "\n".join(problems)


def test_calls_tab_with_the_hostile_call_selected(hostile_window, qtbot):
    win, ids, call = hostile_window
    panel = win.features["calls"]
    win.tabs.setCurrentIndex(panel.tab_index)
    panel.reload(select=call)
    settle(qtbot, 400)
    assert panel.current_call_id() == call
    problems = offenders(win) + item_tooltip_offenders(win) + too_big(win)
    assert not problems, "\n".join(problems)


def dialogs_of(win, ids, call):
    from eco_desktop.ui.calls.panel import CallDialog
    from eco_desktop.ui.dialogs import BulkEditDialog, ManageViewsDialog, MergeDialog
    from eco_desktop.ui.editor.dialogs import ContactDialog, ExchangeDialog, RelationDialog
    from eco_desktop.ui.exporting.dialog import ExportDialog
    cat = win.catalogue
    contact = cat.contacts(ids[0])[0]
    yield MergeDialog(cat, ids[0], ids[1], win)
    yield BulkEditDialog(cat, ids, win)
    yield ManageViewsDialog(cat, win)
    yield CallDialog(cat, cat.get_call(call), win)
    yield ContactDialog(win, contact)
    yield RelationDialog(ids[0], cat.get_actor(ids[0])["name"], cat.all_actor_names(), win)
    yield ExchangeDialog(win, actor_name=cat.get_actor(ids[0])["name"], author=hostile("Auteur"))
    win.select_actors(ids)
    yield ExportDialog(win, win, selection=True)
    from eco_desktop.catalogue import privacy
    from eco_desktop.ui.dialogs.vocab import VocabularyDialog
    from eco_desktop.ui.safety.feature import ReviewDialog
    yield VocabularyDialog(cat, win)
    yield ReviewDialog(privacy.contacts_to_review(cat, 0), 0, win)


def test_dialogs_show_hostile_text_as_plain_text(hostile_window, qtbot):
    win, ids, call = hostile_window
    problems = []
    for dialog in dialogs_of(win, ids, call):
        qtbot.addWidget(dialog)
        dialog.show()
        settle(qtbot, 50)
        problems += [f"{type(dialog).__name__}: {p}" for p in
                     offenders(dialog) + item_tooltip_offenders(dialog) + too_big(dialog)]
        dialog.reject()
    assert not problems, "\n".join(problems)


@pytest.fixture
def shown_boxes(monkeypatch) -> list[QMessageBox]:
    """Message boxes are recorded instead of blocking the test."""
    boxes: list[QMessageBox] = []

    def fake_exec(box):
        boxes.append(box)
        box.show()
        return int(QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return boxes


def test_error_boxes_show_the_error_as_plain_text(qtbot, shown_boxes):
    from eco_desktop.ui import operations
    from eco_desktop.ui.calls import panel as calls_panel
    from eco_desktop.ui.dialogs import common as dialog_common
    from eco_desktop.ui.safety import feature as safety
    error = UserError(f"Impossible d'enregistrer « {hostile('Acteur')} {LONG_WORD} ».")
    dialog_common.show_error(None, error)
    dialog_common.confirm(None, "Titre", hostile("Question"), "Supprimer", informative=hostile("Détail"))
    safety.show_error(None, "Titre", error) if hasattr(safety, "show_error") else safety._warn(None, "Titre", error)
    calls_panel.show_error(None, error)
    operations.show_error(None, "Titre", error)
    assert len(shown_boxes) == 5
    problems = []
    for box in shown_boxes:
        qtbot.addWidget(box)
        problems += offenders(box) + too_big(box)
    assert not problems, "\n".join(problems)


def test_no_static_message_box_in_the_window_code():
    """QMessageBox.warning()/information()/critical()/question() render their text as
    AutoText, and their buttons are built in C++: every box goes through the plain-text helper."""
    import re
    from pathlib import Path

    import eco_desktop.ui as ui
    pattern = re.compile(r"QMessageBox\.(warning|information|critical|question|about)\(")
    hits = [f"{path.name}:{n}" for path in Path(ui.__file__).parent.rglob("*.py")
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert not hits, hits


def test_progress_and_prompt_dialogs_show_names_as_plain_text(qtbot, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from eco_desktop.ui.dialogs.common import ask_text
    from eco_desktop.ui.operations import ProgressDialog
    progress = ProgressDialog(None, "Exporter la carte", f"Écriture de la carte « {hostile('Carte')} »…",
                              delay_ms=0)
    qtbot.addWidget(progress)
    progress.show()
    prompts = []

    def fake_exec(dialog):
        prompts.append(dialog)
        dialog.show()
        return 0
    monkeypatch.setattr(QInputDialog, "exec", fake_exec)
    assert ask_text(None, "Renommer la vue", f"Nouveau nom de la vue « {hostile('Vue')} » :") is None
    problems = offenders(progress) + too_big(progress)
    for dialog in prompts:
        qtbot.addWidget(dialog)
        problems += offenders(dialog) + too_big(dialog)
    assert prompts and not problems, "\n".join(problems)


@pytest.mark.parametrize("text", [BOLD, IMAGE, WIDE, LINK, "R&D\n&lt;b&gt; déjà échappé", "a  <  b > c", hostile("X")])
def test_a_tooltip_shows_its_text_literally(text):
    """Qt renders a tooltip as HTML when it looks like HTML, and as text otherwise (an
    escaped text that no longer looks like HTML would show « &lt; »): escape_tooltip is
    always rich, so what the person reads is the text itself."""
    from PySide6.QtGui import QTextDocument

    from eco_desktop.ui.text_safety import display_text, escape_tooltip
    tip = escape_tooltip(text)
    assert Qt.mightBeRichText(tip)
    document = QTextDocument()
    document.setHtml(tip)
    assert document.toPlainText() == display_text(text)


def test_display_text_drops_layout_controls_and_bounds_words():
    from eco_desktop.ui.text_safety import MAX_WORD, display_text
    assert display_text("\u202eabc\u200b def\u2066x\u2069\ufeff") == "abc defx"
    assert display_text("Noël\ud800") == "Noël\ufffd"  # a lone surrogate from a broken file
    assert display_text("a\x00b\x1bc\td\ne") == "abc\td\ne"
    shortened = display_text(LONG_WORD)
    assert len(shortened) == MAX_WORD + 1 and shortened.endswith("…")
    assert display_text("x" * 50, limit=10) == "x" * 10 + "…"


def test_list_cells_drop_bidi_overrides_and_zero_width_characters(hostile_window, qtbot):
    """A name holding U+202E would show the rest of its cell reversed (the trick of
    « facture\u202efdp.exe »): cells show the name without layout controls."""
    win, ids, call = hostile_window
    model = win.model
    names = [model.data(model.index(row, 0)) for row in range(model.rowCount())]
    assert any("txet esrever" in name for name in names)
    assert not any(ch in name for name in names for ch in "\u202e\u200b")
    panel = win.features["calls"]
    win.tabs.setCurrentIndex(panel.tab_index)
    panel.reload(select=call)
    shortlist = panel.model
    cells = [shortlist.data(shortlist.index(row, column)) for row in range(shortlist.rowCount())
             for column in range(shortlist.columnCount())]
    assert not any(ch in str(cell) for cell in cells for ch in "\u202e\u200b")


def test_import_wizard_shows_a_hostile_file_as_plain_text(hostile_window, qtbot, tmp_path):
    """The file's name, headers and cells are the hostile text here."""
    from PySide6.QtWidgets import QWizard
    win, _ids, _call = hostile_window
    path = tmp_path / "<b>gras <img src=x>.csv"  # no « / » in a file name
    # A type for each row: a file whose rows are all errors or duplicates stops at the preview.
    path.write_text(f"Nom;{BOLD} {IMAGE};Commune;Type\n"
                    f"{hostile('Importé')};{WIDE} {LINK};{hostile('Commune')};Biotech\n"
                    f"{LONG_WORD};{BOLD};Paris;Biotech\n", encoding="utf-8")
    wizard = win.features["importing"].open_wizard(path)  # deleted when closed
    problems, pages = [], []
    for _step in range(3):  # file → mapping → preview → confirmation
        settle(qtbot, 100)
        pages.append(wizard.currentId())
        problems += [f"page {wizard.currentId()}: {p}"
                     for p in offenders(wizard) + item_tooltip_offenders(wizard) + too_big(wizard)]
        wizard.button(QWizard.WizardButton.NextButton).click()
        qtbot.waitUntil(lambda: wizard.currentPage() is not None, timeout=5000)
    settle(qtbot, 300)
    pages.append(wizard.currentId())
    problems += [f"page {wizard.currentId()}: {p}"
                 for p in offenders(wizard) + item_tooltip_offenders(wizard) + too_big(wizard)]
    wizard.close()
    assert len(set(pages)) == 4, pages  # every page up to the confirmation was looked at
    assert not problems, "\n".join(problems)
