"""The "Tableau de bord" tab: key figures and bar charts (QtCharts) of the filtered actors.

Figures come from :func:`eco_desktop.dashboard.compute`. The tab recomputes when the
filter or the catalogue changes, but only while it is shown (otherwise on next show).
Clicking a bar narrows the list to that value and shows the list; each chart saves
itself as PNG, and the whole dashboard prints to a one-page A4 PDF.
"""
from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Callable

from PySide6.QtCharts import (QBarCategoryAxis, QBarSet, QChart, QChartView, QHorizontalBarSeries,
                              QHorizontalStackedBarSeries, QValueAxis)
from PySide6.QtCore import QMarginsF, QRectF, QSize, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QColor, QCursor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen
from PySide6.QtWidgets import (QFileDialog, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QSizePolicy, QToolButton, QToolTip, QVBoxLayout, QWidget)

from ... import dashboard as core
from ... import french
from ...errors import UserError
from ...filter import Filter
from .. import dates, operations
from ..operations import CatalogueRelay
from ..dialogs.common import show_error
from ..text_safety import escape_html, set_plain

log = logging.getLogger(__name__)

TAB_TITLE = "Tableau de bord"
BAR_COLOR = "#4c78a8"
BAR_HEIGHT = 26          # pixels per bar in the charts
CARD_COLUMNS = 3
WIDE_CHARTS = 1100       # from this width on, charts go two by two


class FigureCard(QFrame):
    """One key figure: the count, large, its share and its label."""

    def __init__(self, figure: core.Figure, accent: str = "#1f3b57", parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("figureCard")
        self.setStyleSheet(
            "#figureCard { background: #ffffff; border: 1px solid #d6dbe1; border-radius: 6px; "
            f"border-left: 4px solid {accent}; }}")
        self.count_label = QLabel()
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.count_label.setFont(font)
        self.count_label.setStyleSheet(f"color: {accent};")
        self.share_label = QLabel()
        self.share_label.setStyleSheet("color: #4a5563;")
        self.text_label = set_plain(QLabel(), bounded=True)  # figures name vocabulary labels
        self.text_label.setWordWrap(True)
        self.text_label.setStyleSheet("color: #333b45;")
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.count_label)
        top.addWidget(self.share_label, 0, Qt.AlignmentFlag.AlignBaseline)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 8, 6)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.text_label)
        self.set_figure(figure)

    def set_figure(self, figure: core.Figure) -> None:
        self.figure = figure
        self.count_label.setText(french.number(figure.count))
        self.share_label.setText(figure.share_text())
        set_plain(self.text_label, figure.label)
        self.setAccessibleName(f"{figure.label} : {french.number(figure.count)} {figure.share_text()}".strip())


class ChartPanel(QChartView):
    """A horizontal bar chart, largest bar on top; ``barClicked(value)`` on a click."""

    barClicked = Signal(str)

    def __init__(self, key: str, title: str, parent=None) -> None:
        super().__init__(parent)
        self.key = key
        self.title = title
        self.bars: list[core.Bar] = []
        self.values: list[str] = []      # bar value per category index (bottom to top)
        self.bar_sets: list[QBarSet] = []
        self.series: QHorizontalBarSeries | QHorizontalStackedBarSeries | None = None
        chart = QChart()
        chart.setTitle(title)
        title_font = QFont(self.font())
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.1)
        chart.setTitleFont(title_font)
        chart.legend().setVisible(False)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setBackgroundRoundness(6)
        chart.setMargins(chart.margins() * 0 + _margins(4, 2, 10, 2))
        self.setChart(chart)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(title)
        self.save_button = QToolButton(self)
        self.save_button.setText("Enregistrer l'image")
        self.save_button.setToolTip(f"Enregistrer le graphique « {title} » en image PNG")
        self.save_button.setAutoRaise(True)
        self.save_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.save_button.setStyleSheet("QToolButton { color: #1f5fa0; padding: 2px 4px; }")

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        hint = self.save_button.sizeHint()
        self.save_button.setGeometry(self.width() - hint.width() - 6, 4, hint.width(), hint.height())

    def set_bars(self, bars: list[core.Bar], colors: dict[str, str] | None = None) -> None:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        self.bars = list(bars)
        ordered = list(reversed(self.bars))   # category 0 is drawn at the bottom
        self.values = [b.value for b in ordered]
        self.bar_sets = []
        if not ordered:
            chart.setTitle(f"{self.title} — aucun")
            self.setFixedHeight(90)
            return
        chart.setTitle(self.title)
        if colors:
            # One set per bar, each holding only its own category, so that each bar has its colour.
            series = QHorizontalStackedBarSeries()
            for index, bar in enumerate(ordered):
                bar_set = QBarSet(bar.label)
                bar_set.append([0.0] * index + [float(bar.count)] + [0.0] * (len(ordered) - index - 1))
                color = QColor(colors.get(bar.value, BAR_COLOR))
                bar_set.setColor(color)
                bar_set.setBorderColor(color)
                series.append(bar_set)
                self.bar_sets.append(bar_set)
        else:
            series = QHorizontalBarSeries()
            bar_set = QBarSet(self.title)
            bar_set.append([float(b.count) for b in ordered])
            bar_set.setColor(QColor(BAR_COLOR))
            bar_set.setBorderColor(QColor(BAR_COLOR))
            series.append(bar_set)
            self.bar_sets.append(bar_set)
        series.setBarWidth(0.72)
        series.setLabelsVisible(True)
        series.setLabelsPosition(series.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsFormat("@value")
        for bar_set in self.bar_sets:
            bar_set.setLabelColor(QColor("#222222"))
            bar_set.clicked.connect(self._clicked)
            bar_set.hovered.connect(self._hovered)
        self.series = series
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        # Qt Charts draws axis labels as HTML: the (vocabulary) labels are escaped.
        categories.append(_unique([escape_html(axis_label(b.label), limit=60) for b in ordered]))
        axis_pen = QPen(QColor("#9aa4ae"))
        categories.setLinePen(axis_pen)
        categories.setGridLineVisible(False)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        top, step = _nice_scale(max(b.count for b in ordered))
        values = QValueAxis()
        values.setLabelFormat("%d")
        values.setRange(0, top)
        values.setTickType(QValueAxis.TickType.TicksDynamic)
        values.setTickAnchor(0)
        values.setTickInterval(step)
        values.setGridLineColor(QColor("#e3e7eb"))
        values.setLinePen(axis_pen)
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(values)
        self.setFixedHeight(70 + BAR_HEIGHT * len(ordered) + 24)

    def _clicked(self, index: int) -> None:
        if 0 <= index < len(self.values):
            self.barClicked.emit(self.values[index])

    def _hovered(self, status: bool, index: int) -> None:
        if status and 0 <= index < len(self.values):
            bar = self.bars[len(self.bars) - 1 - index]
            QToolTip.showText(QCursor.pos(), f"{bar.label} : {french.number(bar.count)}", self)
        else:
            QToolTip.hideText()

    def image(self):
        """The chart as a pixmap (the save button left out)."""
        self.save_button.hide()
        try:
            return self.grab()
        finally:
            self.save_button.show()


def _unique(labels: list[str]) -> list[str]:
    """Category labels must differ: number the repeats (two shortened labels may meet)."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _margins(left: int, top: int, right: int, bottom: int):
    from PySide6.QtCore import QMargins
    return QMargins(left, top, right, bottom)


def _nice_scale(value: int) -> tuple[int, int]:
    """(axis maximum, tick interval): a round step giving about five ticks, with room
    above the longest bar for its count."""
    target = max(value * 1.08, 1)
    raw_step = target / 5
    magnitude = 10 ** max(len(str(int(raw_step))) - 1, 0)
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    step = max(int(step), 1)
    top = step * -(-target // step)
    return int(top), step


def axis_label(label: str, limit: int = 30) -> str:
    """A label short enough for a chart axis: a long label loses its parenthesis
    ("Fournisseur de technologies (techprovider)" -> "Fournisseur de technologies")."""
    if len(label) > limit and " (" in label and not label.startswith("("):
        head = label[:label.index(" (")].strip()
        if head:
            return head
    return label


def _compute(catalogue, flt: Filter) -> tuple:
    return core.compute(catalogue, flt), catalogue.describe(flt), catalogue.kind_colors()


class DashboardWidget(QWidget):
    """Key figures and charts of the actors the filter lists."""

    filterRequested = Signal(object)   # a Filter to apply (bar clicked)
    updated = Signal()                 # new figures are shown
    saved = Signal(str)                # a chart's image or the PDF was written there

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.catalogue = None
        self.filter = Filter()
        self.board: core.Dashboard | None = None
        self._dirty = True
        self._columns = 0
        self._generation = 0
        self._running: set[int] = set()  # generations being computed
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self.setObjectName("dashboard")
        self.setStyleSheet("#dashboard { background: #f4f6f8; }")
        self.setAutoFillBackground(True)

        self.heading = QLabel()
        heading_font = QFont(self.font())
        heading_font.setBold(True)
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.25)
        self.heading.setFont(heading_font)
        self.criteria = set_plain(QLabel(), bounded=True)  # the filter's words, tags, saved values
        self.criteria.setWordWrap(True)
        self.criteria.setStyleSheet("color: #4a5563;")
        self.pdf_button = QPushButton("Exporter en PDF…")
        self.pdf_button.setToolTip("Enregistrer le tableau de bord sur une page A4 (PDF) pour un rapport")
        self.pdf_button.clicked.connect(self.choose_pdf)
        head = QHBoxLayout()
        head.addWidget(self.heading, 1)
        head.addWidget(self.pdf_button, 0, Qt.AlignmentFlag.AlignTop)

        self.cards: dict[str, FigureCard] = {}
        self.card_grid = QGridLayout()
        self.card_grid.setSpacing(8)

        self.charts: dict[str, ChartPanel] = {}
        for key, (title, facet) in core.CHARTS.items():
            panel = ChartPanel(key, title)
            if facet is not None:
                panel.barClicked.connect(lambda value, facet=facet: self.bar_clicked(facet, value))
                panel.setToolTip("Cliquez sur une barre pour lister ces acteurs")
            panel.save_button.clicked.connect(lambda _=False, key=key: self.choose_image(key))
            self.charts[key] = panel
        self.chart_grid = QGridLayout()
        self.chart_grid.setSpacing(10)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(8)
        layout.addLayout(head)
        layout.addWidget(self.criteria)
        layout.addLayout(self.card_grid)
        layout.addSpacing(4)
        layout.addLayout(self.chart_grid)
        layout.addStretch(1)
        self._place_charts(1)

    # ------------------------------------------------------------------ state
    def set_catalogue(self, catalogue) -> None:
        self.catalogue = catalogue
        self.invalidate()

    def set_filter(self, flt: Filter) -> None:
        self.filter = flt
        self.invalidate()

    def invalidate(self) -> None:
        """The figures are stale: recompute now if shown, else when next shown."""
        self._dirty = True
        if self.isVisible():
            QTimer.singleShot(0, self._refresh_if_dirty)

    def _refresh_if_dirty(self) -> None:
        if self._dirty and self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place_charts(2 if self.width() >= WIDE_CHARTS else 1)

    def _place_charts(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for panel in self.charts.values():
            self.chart_grid.removeWidget(panel)
        for index, panel in enumerate(self.charts.values()):
            self.chart_grid.addWidget(panel, index // columns, index % columns, Qt.AlignmentFlag.AlignTop)

    # ------------------------------------------------------------------ drawing
    @property
    def busy(self) -> bool:
        """A computation is running in the worker thread."""
        return bool(self._running)

    def refresh(self, *, wait: bool = False) -> None:
        """Recompute the figures: in a quiet operation (no dialog: the tab stays usable
        meanwhile, docs/PERFORMANCE.md gives their cost), or in this thread with ``wait``
        (exports, which need them now)."""
        self._dirty = False
        self._generation += 1
        if self.catalogue is None:
            self._running.clear()
            self.board = None
            self.heading.setText("Aucun catalogue ouvert")
            self.criteria.setText("")
            for panel in self.charts.values():
                panel.set_bars([])
            self._set_cards([])
            return
        if wait:
            self._running.clear()
            try:
                result = _compute(self.catalogue, self.filter)
            except UserError as exc:
                self._failed(self._generation, exc)
                return
            self._apply(self._generation, result)
            return
        generation, catalogue, flt = self._generation, self.catalogue, self.filter
        self._running.add(generation)
        if self.board is None:
            self.heading.setText("Tableau de bord — calcul en cours…")
        operations.start(self, lambda _progress, _cancelled: _compute(catalogue, flt), quiet=True, pool=self._pool,
                         on_done=lambda result: self._apply(generation, result),
                         on_failed=lambda exc: self._failed(generation, exc))

    def _failed(self, generation: int, exc: Exception) -> None:
        self._running.discard(generation)
        if generation != self._generation:
            return
        self.heading.setText("Tableau de bord indisponible")
        if isinstance(exc, UserError):
            set_plain(self.criteria, exc)
        else:
            log.error("Dashboard computation failed", exc_info=exc)
            self.criteria.setText("Le calcul a échoué (détails dans le journal).")

    def _apply(self, generation: int, result: tuple) -> None:
        self._running.discard(generation)
        if generation != self._generation:
            return  # superseded by a newer filter
        board, criteria, colors = result
        self.board = board
        self.heading.setText(f"Tableau de bord — {french.count(board.total, 'acteur')}")
        set_plain(self.criteria, " · ".join(criteria))
        self._set_cards(board.figures, colors)
        for key, panel in self.charts.items():
            panel.set_bars(board.charts.get(key, []), colors if key == "kind" else None)
        self.updated.emit()

    def _set_cards(self, figures: list[core.Figure], colors: dict[str, str] | None = None) -> None:
        colors = colors or {}
        accents = {"biotech": colors.get("biotech", "#1f77b4"),
                   "techprovider": colors.get("techprovider", "#ff7f0e"),
                   "other_kinds": "#6b7785", "with_contact": "#2e7d32"}
        keys = [f.key for f in figures]
        if list(self.cards) != keys:
            for card in self.cards.values():
                self.card_grid.removeWidget(card)
                card.deleteLater()
            self.cards = {}
            for index, figure in enumerate(figures):
                card = FigureCard(figure, accents.get(figure.key, "#1f3b57"))
                self.cards[figure.key] = card
                self.card_grid.addWidget(card, index // CARD_COLUMNS, index % CARD_COLUMNS)
        else:
            for figure in figures:
                self.cards[figure.key].set_figure(figure)

    # ------------------------------------------------------------------ actions
    def bar_clicked(self, facet: str, value: str) -> None:
        self.filterRequested.emit(self.filter.with_selection(facet, [value]))

    def save_chart_image(self, key: str, path: str | Path) -> Path:
        """Write one chart as a PNG file."""
        if self._dirty or self.busy:
            self.refresh(wait=True)
        path = Path(path)
        if path.suffix.lower() != ".png":
            path = path.with_name(path.name + ".png")
        if not self.charts[key].image().save(str(path), "PNG"):
            raise UserError(f"Impossible d'enregistrer l'image « {path} ».")
        return path

    def export_pdf(self, path: str | Path) -> Path:
        """Write the whole dashboard on one A4 page: title, criteria, date, figures, charts."""
        if self._dirty or self.busy:
            self.refresh(wait=True)
        path = Path(path)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        if not path.parent.is_dir():
            raise UserError(f"Le dossier « {path.parent} » n'existe pas.")
        writer = QPdfWriter(str(path))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setPageOrientation(QPageLayout.Orientation.Portrait)
        writer.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter)
        writer.setResolution(200)
        writer.setTitle("Tableau de bord de l'écosystème")
        writer.setCreator("eco_desktop")
        painter = QPainter()
        if not painter.begin(writer):
            raise UserError(f"Impossible d'écrire « {path} » : vérifiez le dossier et les droits.")
        try:
            self._paint_page(painter, writer.width(), writer.height())
        finally:
            painter.end()
        if not path.exists() or path.stat().st_size == 0:
            raise UserError(f"Impossible d'écrire « {path} ».")
        return path

    def _paint_page(self, painter: QPainter, width: int, height: int) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        dpi = painter.device().logicalDpiY()
        mm = dpi / 25.4
        y = 0.0

        def text(value: str, size: float, *, bold=False, color="#1b1f24", flags=Qt.TextFlag.TextWordWrap,
                 rect: QRectF | None = None) -> float:
            font = QFont(self.font())
            font.setPointSizeF(size)
            font.setBold(bold)
            painter.setFont(font)
            painter.setPen(QColor(color))
            box = rect or QRectF(0, y, width, height - y)
            used = painter.boundingRect(box, int(flags), value)
            painter.drawText(box, int(flags), value)
            return used.height()

        total = self.board.total if self.board else 0
        y += text("Tableau de bord de l'écosystème", 16, bold=True)
        y += 1 * mm
        criteria = self.catalogue.describe(self.filter) if self.catalogue is not None else []
        y += text(f"{french.count(total, 'acteur')} — " + " · ".join(criteria), 9.5,
                  color="#333b45")
        y += text(f"Édité le {dates.long_date(date.today())}", 8.5, color="#5b6570")
        y += 4 * mm

        figures = self.board.figures if self.board else []
        gap = 3 * mm
        card_w = (width - gap * (CARD_COLUMNS - 1)) / CARD_COLUMNS
        card_h = 14 * mm
        for index, figure in enumerate(figures):
            row, col = divmod(index, CARD_COLUMNS)
            box = QRectF(col * (card_w + gap), y + row * (card_h + gap), card_w, card_h)
            painter.setPen(QPen(QColor("#c9d0d8"), 0.3 * mm))
            painter.setBrush(QColor("#ffffff"))
            painter.drawRoundedRect(box, 1.5 * mm, 1.5 * mm)
            inner = box.adjusted(2.5 * mm, 1.5 * mm, -2 * mm, -1 * mm)
            value = french.number(figure.count) + (f"   {figure.share_text()}" if figure.share is not None else "")
            text(value, 13, bold=True, color="#1f3b57", rect=inner, flags=Qt.AlignmentFlag.AlignTop)
            text(figure.label, 8, color="#333b45", rect=inner,
                 flags=Qt.AlignmentFlag.AlignBottom | Qt.TextFlag.TextWordWrap)
        rows = (len(figures) + CARD_COLUMNS - 1) // CARD_COLUMNS
        y += rows * (card_h + gap) + 2 * mm

        # Charts: two columns; each cell keeps its chart's aspect ratio.
        panels = list(self.charts.values())
        columns = 2
        cell_w = (width - gap) / columns
        chart_rows = (len(panels) + columns - 1) // columns
        cell_h = (height - y - gap * (chart_rows - 1)) / chart_rows
        for index, panel in enumerate(panels):
            row, col = divmod(index, columns)
            cell = QRectF(col * (cell_w + gap), y + row * (cell_h + gap), cell_w, cell_h)
            self._render_chart(painter, panel, cell)

    def _render_chart(self, painter: QPainter, panel: ChartPanel, cell: QRectF) -> None:
        """Draw a chart in ``cell`` at a fixed logical width, so that its texts keep a size
        proportionate to the page whatever the window's width."""
        logical_h = float(panel.height())
        # As wide as the cell's shape allows (room for long labels), never narrower than 520.
        logical_w = max(520.0, logical_h * cell.width() / cell.height())
        scale = min(cell.width() / logical_w, cell.height() / logical_h)
        target = QRectF(cell.x(), cell.y(), logical_w * scale, logical_h * scale)
        previous = panel.size()
        panel.save_button.hide()
        panel.resize(QSize(int(logical_w), int(logical_h)))
        panel.chart().resize(logical_w, logical_h)
        panel.scene().setSceneRect(0, 0, logical_w, logical_h)
        try:
            panel.scene().render(painter, target, QRectF(0, 0, logical_w, logical_h))
        finally:
            panel.resize(previous)
            panel.chart().resize(previous.width(), previous.height())
            panel.scene().setSceneRect(0, 0, previous.width(), previous.height())
            panel.save_button.show()

    # ------------------------------------------------------------------ dialogs
    def _ask_path(self, title: str, name: str, pattern: str) -> str | None:
        from ...paths import default_export_dir
        start = Path(default_export_dir()) / name
        path, _chosen = QFileDialog.getSaveFileName(self, title, str(start), pattern)
        return path or None

    def _run(self, action: Callable[[], Path]) -> None:
        try:
            written = action()
        except UserError as exc:
            show_error(self, exc)
            return
        self.saved.emit(str(written))

    def choose_image(self, key: str) -> None:
        slug = {"kind": "types", "departement": "departements", "domain": "domaines",
                "activity": "activites", "relation": "relations"}.get(key, key)
        path = self._ask_path("Enregistrer l'image", f"tableau-de-bord-{slug}-{date.today().isoformat()}.png",
                              "Image PNG (*.png)")
        if path:
            self._run(lambda: self.save_chart_image(key, path))

    def choose_pdf(self) -> None:
        path = self._ask_path("Exporter le tableau de bord en PDF",
                              f"tableau-de-bord-{date.today().isoformat()}.pdf", "Document PDF (*.pdf)")
        if path:
            self._run(lambda: self.export_pdf(path))


def install(window) -> DashboardWidget:
    """Add the "Tableau de bord" tab; it follows the window's filter and catalogue."""
    widget = DashboardWidget()
    widget.tab_index = window.add_tab(widget, TAB_TITLE)

    relay = CatalogueRelay(widget)  # commits, made on any thread, as invalidations here
    relay.written.connect(lambda _label, _undoable: widget.invalidate())

    def catalogue_changed() -> None:
        relay.attach(window.catalogue)
        widget.filter = window.filter
        widget.set_catalogue(window.catalogue)

    def filter_requested(flt: Filter) -> None:
        window.set_filter(flt)
        window.show_list()

    window.filterChanged.connect(widget.set_filter)
    window.catalogueChanged.connect(catalogue_changed)
    widget.filterRequested.connect(filter_requested)
    widget.saved.connect(lambda path: window.show_status(f"Enregistré : {path}", 6000))
    catalogue_changed()
    return widget
