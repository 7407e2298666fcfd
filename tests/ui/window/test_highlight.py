"""Why it matched, in the list (issue 18): the name column emphasises the words the search
matched, and the name's tooltip says where an actor was found when its name does not say
it; record text stays text."""
from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem
from search_box_helpers import listed_names, type_search

from eco_desktop.ui.window.highlight import HighlightDelegate, elided_spans
from eco_desktop.ui.window.table_model import HighlightRole


def _row(window, name):
    return listed_names(window).index(name)


def _emphasised(window, name):
    index = window.model.index(_row(window, name), 0)
    text = window.model.data(index)
    return [text[start:start + length] for start, length in window.model.data(index, HighlightRole)]


def _tooltip(window, name):
    return window.model.data(window.model.index(_row(window, name), 0), Qt.ItemDataRole.ToolTipRole)


def test_the_names_show_the_words_typed(qtbot, window):
    type_search(qtbot, window, "institut vis")
    assert _emphasised(window, "Institut de la Vision") == ["Institut", "Vis"]
    type_search(qtbot, window, "")
    assert window.model.data(window.model.index(0, 0), HighlightRole) == []


def test_a_plural_emphasises_the_singular_and_the_tooltip_says_where(qtbot, window):
    type_search(qtbot, window, "therapies geniques")
    assert _emphasised(window, "Cellectis") == []
    assert _tooltip(window, "Cellectis").endswith("trouvé dans : domaine Thérapie génique</span></qt>")
    assert "trouvé dans" not in _tooltip(window, "Cellectis").split("Cellectis", 1)[0]
    type_search(qtbot, window, "Cellectis")
    assert _emphasised(window, "Cellectis") == ["Cellectis"]
    assert "trouvé dans" not in _tooltip(window, "Cellectis")


def test_a_siren_typed_with_spaces_is_found_in_the_siren(qtbot, window):
    type_search(qtbot, window, "428 859 052")
    assert listed_names(window) == ["Cellectis"]
    assert "trouvé dans : SIREN" in _tooltip(window, "Cellectis")


def test_hostile_names_stay_text(qtbot, window):
    hostile = "<b>Gras</b> <img src=x> R&D"
    window.catalogue.create_actor({"name": hostile, "kind": "biotech", "description": "<i>genopole</i>"})
    window.refresh()
    type_search(qtbot, window, "gras img genopole")
    assert listed_names(window) == [hostile]
    assert _emphasised(window, hostile) == ["Gras", "img"]
    tooltip = _tooltip(window, hostile)
    assert "&lt;b&gt;Gras&lt;/b&gt; &lt;img src=x&gt;" in tooltip and "<b>" not in tooltip and "<img" not in tooltip
    assert "trouvé dans : description" in tooltip
    # painted by the delegate as laid-out text
    image = QImage(300, 30, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, 300, 30)
    option.widget = window.table
    option.palette = window.table.palette()
    option.font = window.table.font()
    HighlightDelegate().paint(painter, option, window.model.index(0, 0))
    painter.end()
    assert any(image.pixelColor(x, y) != QColor("white") for x in range(0, 300, 3) for y in range(30))


def test_spans_cut_by_an_elision():
    assert elided_spans("Institut de la Vision", [(0, 8), (15, 6)], "Institut d…") == [(0, 8)]
    assert elided_spans("Institut de la Vision", [(0, 8), (15, 6)], "Institut de la Vision") == [(0, 8), (15, 6)]
    assert elided_spans("Institut", [(0, 8)], "Inst…") == [(0, 4)]
