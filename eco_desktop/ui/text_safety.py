"""Record text on screen is data, never markup.

Qt guesses: a QLabel, a QMessageBox, a tooltip or a ToolTipRole whose text "looks like
HTML" (Qt::mightBeRichText) is rendered as rich text, so a name holding ``<b>``, an
``<img src="file:///…">`` or an ``<img width=20000>`` would be drawn bold, load a local
file or make the window 20,000 px tall. Every widget that shows record text or an error
message goes through these helpers instead of trusting Qt's guess:

- labels and message boxes get ``Qt.PlainText``;
- tooltips are always rich (``<qt>…</qt>``) with the text escaped, because an escaped text
  that no longer looks like HTML would show its entities (``&lt;``) literally;
- buttons, group boxes and actions double ``&``, which Qt would take as a shortcut key;
- bidi controls and zero-width characters are dropped for display (an U+202E override
  would reverse the rest of the line around it), and a word longer than any screen is
  shortened, so no text can make its widget — and the window — wider than the screen.

Nothing here changes what is stored: line edits and text edits keep the record as typed.
"""
from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QSizePolicy, QWidget

# Bidi embeddings, overrides, isolates and marks, zero-width space / no-break, BOM, and
# C0 controls but tab and newline. ZWJ/ZWNJ stay: they shape scripts and emoji, not layout.
_INVISIBLE = re.compile("[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff"
                        "\x00-\x08\x0b-\x1f\x7f]")
# The longest unbroken run of characters shown as is: longer than any real word or URL
# worth reading in a label, short enough that one line stays within a window.
MAX_WORD = 100
_LONG_WORD = re.compile(r"\S{%d,}" % (MAX_WORD + 1))
TOOLTIP_LIMIT = 800
MESSAGE_LIMIT = 2000


def display_text(text: object, *, limit: int | None = None) -> str:
    """``text`` as it should be drawn: invisible controls removed, lone surrogates replaced,
    over-long words and (with ``limit``) the whole text shortened with an ellipsis."""
    value = "" if text is None else str(text)
    if not value:
        return ""
    value = _INVISIBLE.sub("", value)
    # A lone surrogate (from a broken file) cannot be encoded for Qt.
    value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    value = _LONG_WORD.sub(lambda m: m.group(0)[:MAX_WORD] + "…", value)
    if limit is not None and len(value) > limit:
        value = value[:limit].rstrip() + "…"
    return value


def set_plain(label: QLabel, text: object = None, *, bounded: bool = False) -> QLabel:
    """Make ``label`` plain text (and set ``text`` on it, cleaned for display).

    ``bounded``: the label never asks for more width than its layout gives it (long text
    wraps or is clipped) — for labels whose text is a record's, of any length."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    if text is not None:
        label.setText(display_text(text))
    if bounded:
        bound_width(label)
    return label


def plain_label(text: object = "", parent: QWidget | None = None, *, wrap: bool = False,
                bounded: bool = False) -> QLabel:
    """A QLabel that shows ``text`` as text, whatever it contains."""
    label = QLabel(parent)
    label.setWordWrap(wrap)
    return set_plain(label, text, bounded=bounded)


def bound_width(widget: QWidget) -> None:
    """The layout ignores ``widget``'s width hint: a long text cannot widen the window."""
    policy = widget.sizePolicy()
    policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
    widget.setSizePolicy(policy)
    widget.setMinimumWidth(0)


def elided(text: object, metrics, width: int) -> str:
    """``text`` cleaned for display and cut with "…" to ``width`` pixels of ``metrics``."""
    return metrics.elidedText(display_text(text, limit=2000), Qt.TextElideMode.ElideRight, width)


def escape_html(text: object, *, limit: int | None = None) -> str:
    """Record text for a place that must stay rich (a label with links or bold parts)."""
    return html.escape(display_text(text, limit=limit), quote=True).replace("\n", "<br>")


def escape_tooltip(text: object, *, limit: int = TOOLTIP_LIMIT) -> str:
    """A tooltip showing ``text`` literally: rich text with the text escaped ('' stays '')."""
    value = display_text(text, limit=limit)
    if not value.strip():
        return ""
    # pre-wrap: spaces and line breaks kept as typed, long lines still wrapped.
    return "<qt><span style='white-space:pre-wrap'>" + html.escape(value, quote=False) + "</span></qt>"


def set_tooltip(widget: QWidget, text: object) -> None:
    widget.setToolTip(escape_tooltip(text))


def escape_mnemonic(text: object, *, limit: int | None = 200) -> str:
    """Text for a button, group box, tab or menu action: ``&`` shown, not a shortcut."""
    return display_text(text, limit=limit).replace("&", "&&")


def message_box(icon: QMessageBox.Icon, title: str, text: object,
                buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
                parent: QWidget | None = None, *, informative: object = "") -> QMessageBox:
    """A QMessageBox showing ``text`` (and ``informative``) as plain text: for every box
    whose text comes from a record or from ``str(error)``. French buttons come from the
    translator the application installs (app.install_translations)."""
    box = QMessageBox(icon, display_text(title, limit=120), "", buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(display_text(text, limit=MESSAGE_LIMIT))
    if informative:
        box.setInformativeText(display_text(informative, limit=MESSAGE_LIMIT))
        label = box.findChild(QLabel, "qt_msgbox_informativelabel")
        if label is not None:
            label.setTextFormat(Qt.TextFormat.PlainText)
    return box


def warn(parent: QWidget | None, title: str, text: object) -> None:
    """A warning with OK, modal: an error's French sentence, shown as text."""
    message_box(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent).exec()


def inform(parent: QWidget | None, title: str, text: object) -> None:
    message_box(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent).exec()


def critical(parent: QWidget | None, title: str, text: object) -> None:
    message_box(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok, parent).exec()
