"""Typing in the main window's search box and reading the list, for the window's tests."""
from __future__ import annotations


def listed_names(window) -> list[str]:
    model = window.model
    return [model.data(model.index(row, 0)) for row in range(model.rowCount())]


def type_search(qtbot, window, text: str) -> None:
    """Type ``text`` in the search box and wait until the list's filter has it."""
    window.search.setFocus()
    window.search.clear()
    if text.isascii():
        qtbot.keyClicks(window.search, text)
    else:  # QTest cannot type non-ASCII keys
        window.search.setText(text)
    qtbot.waitUntil(lambda: window.filter.text == text, timeout=2000)
