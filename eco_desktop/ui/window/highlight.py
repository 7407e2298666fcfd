"""The list's name column with the words the search matched emphasised (issue 18).

:class:`HighlightDelegate` paints a cell as the style would, then its text through a
QTextLayout whose formats make the matched spans bold on a tint of the palette's
highlight colour: the record's text is laid out as text, never parsed as markup. The
spans come from the model (HighlightRole), worked out for the rows painted only and
kept per text by the catalogue's :class:`~eco_desktop.catalogue.matched.Reading`.
"""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QTextCharFormat, QTextLayout
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from .table_model import HighlightRole

# How much of the palette's highlight colour tints a matched word on an unselected row.
TINT_ALPHA = 70


def match_format(palette: QPalette, selected: bool) -> QTextCharFormat:
    """The format of a matched span: bold, on a tint of the highlight colour (bold only on
    a selected row, which the highlight colour already fills)."""
    fmt = QTextCharFormat()
    fmt.setFontWeight(QFont.Weight.Bold)
    if not selected:
        tint = QColor(palette.color(QPalette.ColorRole.Highlight))
        tint.setAlpha(TINT_ALPHA)
        fmt.setBackground(tint)
    return fmt


def elided_spans(text: str, spans: list[tuple[int, int]], shown: str) -> list[tuple[int, int]]:
    """The spans that fall in ``shown``, the beginning of ``text`` an elision kept."""
    kept = len(shown) - (1 if shown != text and shown.endswith("…") else 0)
    return [(start, min(length, kept - start)) for start, length in spans if start < kept]


class HighlightDelegate(QStyledItemDelegate):
    """Paints the matched spans of a cell's text (see the module); cells without spans are
    painted by the style as usual."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        spans = index.data(HighlightRole) or []
        if not spans:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        rect = rect.adjusted(margin, 0, -margin, 0)
        bold = QFont(opt.font)
        bold.setBold(True)
        # Measured bold, so that the emphasised text never runs past the cell.
        shown = QFontMetrics(bold).elidedText(text, Qt.TextElideMode.ElideRight, max(0, rect.width()))
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        fmt = match_format(opt.palette, selected)
        ranges = []
        for start, length in elided_spans(text, spans, shown):
            found = QTextLayout.FormatRange()
            found.start, found.length, found.format = start, length, fmt
            ranges.append(found)
        layout = QTextLayout(shown, opt.font)
        layout.setFormats(ranges)
        layout.beginLayout()
        line = layout.createLine()
        line.setLineWidth(rect.width())
        layout.endLayout()
        group = QPalette.ColorGroup.Normal if opt.state & QStyle.StateFlag.State_Enabled \
            else QPalette.ColorGroup.Disabled
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setClipRect(rect)
        painter.setPen(opt.palette.color(group, role))
        top = rect.top() + (rect.height() - line.height()) / 2
        layout.draw(painter, QPointF(rect.left(), top), [], QRectF(rect))
        painter.restore()
