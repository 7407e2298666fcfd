"""Small building blocks of the record editor: collapsible sections, check grids,
tag completion, the kind chip and field messages."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QCompleter, QLabel, QLayout, QPushButton, QSizePolicy, QTextEdit, QToolButton, QVBoxLayout, QWidget,
)

from ..text_safety import display_text, escape_mnemonic, set_plain, set_tooltip


ERROR_COLOR = "#c62828"
WARNING_COLOR = "#a86400"
MUTED_COLOR = "#6b6b6b"

# The editor's own look: flat framed inputs whose border tells the validation state.
EDITOR_STYLE = f"""
QLineEdit, QPlainTextEdit, QTextEdit {{
    border: 1px solid #c4c7cc; border-radius: 4px; padding: 3px 5px; background: #ffffff;
    selection-background-color: #2f6fd0;
}}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus {{ border: 1px solid #2f6fd0; }}
QLineEdit:read-only, QPlainTextEdit[readOnly="true"], QTextEdit[readOnly="true"] {{ background: #f5f6f7; color: #333333; }}
QLineEdit[issue="error"], QPlainTextEdit[issue="error"], QTextEdit[issue="error"] {{ border: 1px solid {ERROR_COLOR}; background: #fff6f6; }}
QLineEdit[issue="warning"], QPlainTextEdit[issue="warning"], QTextEdit[issue="warning"] {{ border: 1px solid #d89200; background: #fffaf0; }}
QLabel[role="fieldlabel"] {{ color: #555555; }}
QLabel[role="readonly"] {{ color: #222222; padding: 3px 0px; }}
QLabel[role="hint"] {{ color: {MUTED_COLOR}; }}
QLabel[role="error"] {{ color: {ERROR_COLOR}; }}
QLabel[role="warning"] {{ color: {WARNING_COLOR}; }}
QToolButton[role="section"] {{
    border: none; border-top: 1px solid #dcdfe3; padding: 8px 2px 4px 0px;
    font-weight: bold; color: #222222; text-align: left;
}}
QToolButton[role="section"]:focus {{ color: #2f6fd0; }}
QFrame[role="banner"] {{ background: #fff4d6; border: 1px solid #e8c96b; border-radius: 4px; }}
"""


def restyle(widget: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def set_issue(widget: QWidget, level: str | None) -> None:
    """Mark an input as in error ('error'), doubtful ('warning') or fine (None)."""
    value = level or ""
    if widget.property("issue") != value:
        widget.setProperty("issue", value)
        restyle(widget)


def role_label(text: str = "", role: str = "hint", *, wrap: bool = True) -> QLabel:
    """A plain-text label (its text may come from a record) styled by ``role``."""
    label = WrappingLabel(text) if wrap else set_plain(QLabel(), text)
    label.setProperty("role", role)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def reserve_wrapped_height(widget: QWidget) -> None:
    """Give ``widget`` its height for its width as a minimum: form and box layouts do not
    always honour height-for-width, which clips the last line."""
    if widget.width() <= 0:
        return
    height = widget.heightForWidth(widget.width())
    if height > 0 and height != widget.minimumHeight():
        widget.setMinimumHeight(height)


class WrappingLabel(QLabel):
    """A word-wrapped label that reserves its full height: form and box layouts do not
    always honour a label's height-for-width, which clips the last line.

    Plain text unless told otherwise (setTextFormat): its texts are records' and errors'."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setText(text)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        reserve_wrapped_height(self)

    def setText(self, text: str) -> None:  # noqa: N802
        super().setText(display_text(text) if self.textFormat() == Qt.TextFormat.PlainText else text)
        reserve_wrapped_height(self)


class FieldMessage(WrappingLabel):
    """The French message under a field: red for an error, amber for a warning."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.hide()

    def show_issues(self, level: str | None, messages: list[str]) -> None:
        if not messages:
            self.clear()
            self.hide()
            return
        self.setProperty("role", level)
        restyle(self)
        self.setText("\n".join(messages))
        self.show()


class Section(QWidget):
    """A titled block whose body folds away when its header is clicked."""

    toggled = Signal(bool)

    def __init__(self, title: str, parent: QWidget | None = None, *, expanded: bool = True) -> None:
        super().__init__(parent)
        self._title = title
        self.header = QToolButton(self)
        self.header.setProperty("role", "section")
        self.header.setCheckable(True)
        self.header.setChecked(expanded)
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.header.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.header.toggled.connect(self._on_toggled)
        self.body = QWidget(self)
        self.body.setVisible(expanded)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self.body)
        self._update_header()

    def set_count(self, count: int | None) -> None:
        self.header.setText(self._title if count is None else f"{self._title} ({count})")

    def is_expanded(self) -> bool:
        return self.header.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        self.header.setChecked(expanded)

    def _on_toggled(self, expanded: bool) -> None:
        self.body.setVisible(expanded)
        self._update_header()
        self.toggled.emit(expanded)

    def _update_header(self) -> None:
        self.header.setArrowType(Qt.ArrowType.DownArrow if self.header.isChecked() else Qt.ArrowType.RightArrow)
        if not self.header.text():
            self.header.setText(self._title)


class FlowLayout(QLayout):
    """Lays items left to right, wrapping to new lines (a height-for-width layout)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list = []
        self._spacing = spacing
        self._heights: dict[int, int] = {}  # width -> height, until the next invalidate()
        self.setContentsMargins(0, 0, 0, 0)

    def invalidate(self) -> None:
        self._heights.clear()
        super().invalidate()

    def addItem(self, item) -> None:  # noqa: N802 (Qt naming)
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self):  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        if width not in self._heights:
            self._heights[width] = self._arrange(QRect(0, 0, width, 0), move=False)
        return self._heights[width]

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line_height = area.x(), area.y(), 0
        for item in self._items:
            if item.widget() is not None and not item.widget().isVisibleTo(self.parentWidget()):
                continue
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and line_height > 0:
                x = area.x()
                y += line_height + self._spacing
                line_height = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y() + margins.bottom()


CHIP_STYLE = """
QPushButton[chip="true"] {
    border: 1px solid #c4c7cc; border-radius: 10px; padding: 2px 9px; background: #ffffff; color: #333333;
}
QPushButton[chip="true"]:hover { border-color: #8aa8dc; }
QPushButton[chip="true"]:focus { border-color: #2f6fd0; }
QPushButton[chip="true"]:checked { background: #2f6fd0; border-color: #2f6fd0; color: #ffffff; }
QPushButton[chip="true"]:disabled { color: #8a8a8a; background: #f5f6f7; border-color: #dddddd; }
QPushButton[chip="true"]:checked:disabled { background: #9db5de; border-color: #9db5de; color: #ffffff; }
"""


class CheckGrid(QWidget):
    """The values of a vocabulary as toggle chips flowing over the width: the chosen
    ones are filled. Keyboard: Tab to a chip, Space to toggle."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._boxes: dict[str, QPushButton] = {}
        self._choices: dict[str, str] = {}
        self._editable = True
        self._flow = FlowLayout(self, spacing=5)
        self._none = QLabel("—", self)
        self._none.hide()
        self._flow.addWidget(self._none)
        self.setStyleSheet(CHIP_STYLE)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_choices(self, choices: dict[str, str]) -> None:
        """{slug: label}; keeps the checked state of the slugs still present."""
        if choices == self._choices:
            return
        self._choices = dict(choices)
        checked = set(self.values())
        for box in self._boxes.values():
            self._flow.removeWidget(box)
            box.setParent(None)
            box.deleteLater()
        self._boxes = {}
        for slug, label in choices.items():
            box = QPushButton(escape_mnemonic(label, limit=60), self)
            box.setProperty("chip", True)
            box.setCheckable(True)
            box.setAutoDefault(False)
            box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            box.setChecked(slug in checked)
            box.setAccessibleName(label)
            box.toggled.connect(self.changed)
            box.ensurePolished()
            box.setEnabled(self._editable)
            self._flow.addWidget(box)
            self._boxes[slug] = box
        self.updateGeometry()
        if self.width() > 0:
            reserve_wrapped_height(self)

    def boxes(self) -> list[QPushButton]:
        return list(self._boxes.values())

    def box(self, slug: str) -> QPushButton | None:
        return self._boxes.get(slug)

    def values(self) -> list[str]:
        return [slug for slug, box in self._boxes.items() if box.isChecked()]

    def set_values(self, values: list[str]) -> None:
        wanted = set(values)
        for slug, box in self._boxes.items():
            box.blockSignals(True)
            box.setChecked(slug in wanted)
            box.blockSignals(False)
        if not self._editable:
            self.set_editable(False)

    def set_editable(self, editable: bool) -> None:
        """Read-only: only the chosen values are shown (or a dash when there are none)."""
        self._editable = editable
        self._none.setVisible(not editable and not self.values())
        for box in self._boxes.values():
            box.setEnabled(editable)
            box.setVisible(editable or box.isChecked())
        self._flow.invalidate()
        reserve_wrapped_height(self)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._flow.heightForWidth(width)

    def sizeHint(self) -> QSize:  # noqa: N802
        width = max(self.width(), 300)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(120, self.heightForWidth(max(self.width(), 120)))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            reserve_wrapped_height(self)


class TokenCompleter(QCompleter):
    """Completes the last item of a comma-separated list (tags)."""

    SEPARATORS = ",;"

    def __init__(self, words: list[str], parent=None) -> None:
        super().__init__(parent)
        self._model = QStringListModel(words, self)
        self.setModel(self._model)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)

    def set_words(self, words: list[str]) -> None:
        self._model.setStringList(words)

    def attach(self, edit) -> None:
        """Complete in ``edit`` (QLineEdit.setCompleter would replace the whole text)."""
        self.setWidget(edit)
        edit.textEdited.connect(self._on_typed)
        self.activated[str].connect(self._on_chosen)

    def _on_typed(self, text: str) -> None:
        prefix = self.splitPath(text)[0]
        if not prefix:
            self.popup().hide()
            return
        self.setCompletionPrefix(prefix)
        if self.completionCount():
            self.complete()
        else:
            self.popup().hide()

    def _on_chosen(self, text: str) -> None:
        edit = self.widget()
        edit.setText(text)
        # The popup hands its Return key back to the field afterwards: apply once more then.
        QTimer.singleShot(0, lambda: edit.text() != text and edit.setText(text))

    def splitPath(self, path: str) -> list[str]:  # noqa: N802
        last = path
        for sep in self.SEPARATORS:
            last = last.rsplit(sep, 1)[-1]
        return [last.strip()]

    def pathFromIndex(self, index) -> str:  # noqa: N802
        word = str(index.data(Qt.ItemDataRole.DisplayRole))
        text = self.widget().text() if self.widget() is not None else ""
        cut = max(text.rfind(sep) for sep in self.SEPARATORS)
        head = text[:cut + 1] if cut >= 0 else ""
        return (head.rstrip() + " " if head else "") + word + ", "


class GrowingTextEdit(QTextEdit):
    """Plain multi-line text that grows with its content between two heights."""

    def __init__(self, min_lines: int = 2, max_lines: int = 10, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)
        self._min_lines, self._max_lines = min_lines, max_lines
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().setDocumentMargin(2)
        self.textChanged.connect(self._fit)
        self._fit()

    def text(self) -> str:
        return self.toPlainText()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(super().sizeHint().width(), self.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(super().minimumSizeHint().width(), self.height())

    def _fit(self) -> None:
        line = self.fontMetrics().lineSpacing()
        width = self.viewport().width()
        if width > 0:
            self.document().setTextWidth(width)
        content = int(self.document().size().height())
        margins = self.contentsMargins()
        chrome = margins.top() + margins.bottom() + 2 * self.document().documentMargin()
        low = self._min_lines * line + chrome
        high = self._max_lines * line + chrome
        height = int(max(low, min(high, content + margins.top() + margins.bottom())))
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded if content > high
                                        else Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        if height != self.height():
            self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()


class KindChip(QLabel):
    """The actor's kind as a rounded colour badge."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.setWordWrap(False)
        self.set_kind("", "")

    def set_kind(self, label: str, color: str) -> None:
        if not label:
            self.hide()
            return
        base = QColor(color or "#777777")
        # Dark text on light colours, white on the others (WCAG-ish luminance threshold).
        luminance = 0.299 * base.red() + 0.587 * base.green() + 0.114 * base.blue()
        fg = "#1a1a1a" if luminance > 160 else "#ffffff"
        self.setStyleSheet(f"QLabel {{ background: {base.name()}; color: {fg}; border-radius: 9px;"
                           f" padding: 2px 9px; font-weight: 600; }}")
        set_plain(self, display_text(label, limit=48))
        set_tooltip(self, label)
        self.show()


def header_font(base: QFont, scale: float = 1.5, bold: bool = True) -> QFont:
    font = QFont(base)
    size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
    font.setPointSizeF(size * scale)
    font.setBold(bold)
    return font


# -- formatting --------------------------------------------------------------------
