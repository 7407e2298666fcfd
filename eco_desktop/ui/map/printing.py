"""The map as an image: PNG or PDF (A4 landscape by default) of the actors of a filter,
with a title, the filter in words, the legend, a scale bar, the date and the outlines'
source and licence.

The page is the map tab's own (``maps.build_map_html``), shown in a :class:`MapView`
that is never on screen and laid out at the paper's size, so that the PDF is the page
as drawn (``QWebEnginePage.printToPdf``). A PNG is that PDF drawn by QtPdf at twice the
page's pixels (sharp in a slide): a grab of a view that is not on screen may give a
frame from before the print layout. :class:`MapPrinter` renders on the
UI thread without blocking it (the window's « Exporter l'image… »); :func:`export_image`
does the whole export and waits, for the command line (``eco-desktop map -o carte.pdf``),
making an offscreen application if there is none.
"""
from __future__ import annotations

import datetime as _dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QMarginsF, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QPageLayout, QPageSize

from ... import french
from ...errors import UserError
from ..window.area_bar import left_out_text

FORMATS = {".pdf": "pdf", ".png": "png"}
PAPERS = {"A4": QPageSize.PageSizeId.A4, "A3": QPageSize.PageSizeId.A3}
CSS_DPI = 96  # the page's pixels per inch, as Chromium prints them
PNG_SCALE = 2
SETTLE_MS = 250  # after the print layout: the canvas redrawn at its new size
TIMEOUT_S = 60.0
OUTLINES_SOURCE = ("Contours : IGN Admin Express COG 2018 (via gregoiredavid/france-geojson), "
                   "Licence Ouverte / Etalab 2.0")


@dataclass
class PrintPage:
    """What the printed page says besides the map: a title, lines under it (the filter in
    words, how many actors, the date), a footer (sources and licences)."""

    title: str
    lines: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "lines": self.lines, "footer": self.footer}


def format_of(path: Path) -> str:
    """'pdf' or 'png' from the file's extension; anything else is a French error."""
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise UserError(f"Format d'image inconnu « {Path(path).suffix or Path(path).name} » : "
                        "choisissez un fichier .pdf ou .png.")
    return fmt


def page_size_px(paper: str = "A4", landscape: bool = True) -> QSize:
    """The paper's size in the page's CSS pixels."""
    size = QPageSize(PAPERS[paper]).sizePoints()  # 1/72 inch
    width, height = round(size.width() * CSS_DPI / 72), round(size.height() * CSS_DPI / 72)
    return QSize(max(width, height), min(width, height)) if landscape else QSize(min(width, height),
                                                                                 max(width, height))


def print_page(catalogue, flt, content, today: _dt.date | None = None) -> PrintPage:
    """The title, the filter in words and the sources of the map of ``flt``."""
    count, unlocated = len(content.actors), content.unlocated_count()
    criteria = " · ".join(catalogue.describe(flt))
    shown = french.count(count, "acteur")
    if unlocated:
        shown += f" (dont {french.count(unlocated, 'non localisé')}, absents de la carte)"
    left_out = catalogue.area_left_out(flt) if flt.area is not None else 0
    if left_out:
        shown += " · " + left_out_text(left_out)
    return PrintPage(
        title=content.title,
        lines=[criteria, f"{shown} — {french.date(today or _dt.date.today())}"],
        footer=[OUTLINES_SOURCE, f"Acteurs : catalogue « {catalogue.path.stem} »"],
    )


class MapPrinter(QObject):
    """Renders one map page into ``path`` (PDF or PNG by its extension), then emits
    ``finished(path)`` or ``failed(exception)``; :meth:`cancel` stops it (``failed``
    is not emitted then, ``cancelled`` is)."""

    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, html: str, path: Path, page: PrintPage, *, area: dict | None = None,
                 paper: str = "A4", landscape: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.html, self.path, self.page = html, Path(path), page
        self.fmt = format_of(self.path)
        self.area, self.paper, self.landscape = area, paper, landscape
        self.view = None
        self.view_gone = True  # no page alive (QtWebEngine must see every page go before its profile)
        self.done = False
        self._drawing = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self._fail(UserError("La carte n'a pas pu être dessinée à temps.")))

    def start(self, timeout_s: float = TIMEOUT_S) -> None:
        from .view import MapView
        self.view_gone = False
        self.view = MapView()
        self.view.destroyed.connect(self._view_destroyed)
        self.view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self.view.resize(page_size_px(self.paper, self.landscape))
        self.view.show()
        self.view.loaded.connect(self._loaded)
        if self.area:
            self.view.show_area(self.area)
        self._timer.start(round(timeout_s * 1000))
        self.view.show_html(self.html)

    def _view_destroyed(self, *_args) -> None:
        self.view_gone = True

    def cancel(self) -> None:
        if not self.done:
            self._end()
            self.cancelled.emit()

    def _loaded(self, ok: bool) -> None:
        if self.done or self._drawing:
            return  # a late « did not start » of a page already drawing
        self._drawing = ok
        if not ok:
            self._fail(UserError("La carte n'a pas pu être dessinée."))
            return
        import json
        self.view.run_js(f"ecoTools.preparePrint({json.dumps(self.page.to_json())})",
                         lambda _r: QTimer.singleShot(SETTLE_MS, self._render))

    def _pdf_path(self) -> Path:
        return self.path if self.fmt == "pdf" else self.path.with_name(f".{self.path.name}.pdf")

    def _render(self) -> None:
        if self.done:
            return
        layout = QPageLayout(QPageSize(PAPERS[self.paper]),
                             QPageLayout.Orientation.Landscape if self.landscape else QPageLayout.Orientation.Portrait,
                             QMarginsF(0, 0, 0, 0))
        self.view.page.pdfPrintingFinished.connect(self._printed)
        self.view.page.printToPdf(str(self._pdf_path()), layout)

    def _printed(self, file_path: str, ok: bool) -> None:
        if self.done or Path(file_path) != self._pdf_path():
            return
        if not ok:
            self._fail(UserError(f"Le fichier « {self.path.name} » n'a pas pu être écrit."))
        elif self.fmt == "pdf":
            self._succeed()
        else:
            self._write_png(Path(file_path))

    def _write_png(self, pdf: Path) -> None:
        from PySide6.QtPdf import QPdfDocument
        document = QPdfDocument()
        try:
            loaded = document.load(str(pdf)) == QPdfDocument.Error.None_
            image = document.render(0, page_size_px(self.paper, self.landscape) * PNG_SCALE) if loaded else None
            written = image is not None and not image.isNull() and image.save(str(self.path), "PNG")
        finally:
            document.close()
            pdf.unlink(missing_ok=True)
        if written:
            self._succeed()
        else:
            self._fail(UserError(f"L'image « {self.path.name} » n'a pas pu être écrite."))

    def _succeed(self) -> None:
        self._end()
        self.finished.emit(self.path)

    def _fail(self, exc: Exception) -> None:
        if not self.done:
            self._end()
            self.failed.emit(exc)

    def _end(self) -> None:
        self.done = True
        self._timer.stop()
        if self.view is not None:
            self.view.hide()
            self.view.deleteLater()
            self.view = None


def map_page(catalogue, flt, cancelled: Callable[[], bool] = lambda: False):
    """(html, PrintPage, area dict or None, actors, unlocated) of the map of ``flt``, or
    None when cancelled: the part of an export that may run in a worker thread. The page
    frames the actors (the area, if any), not the tab's view: the paper is shaped otherwise."""
    from ... import maps
    content = maps.map_content(catalogue, flt)
    if cancelled():
        return None
    html = maps.build_map_html(content.actors, **content.page_args())
    area = flt.area.to_dict() if flt.area is not None else None
    return html, print_page(catalogue, flt, content), area, len(content.actors), content.unlocated_count()


_APP = None  # the application of export_image, kept until the interpreter exits


def _application():
    """The running application, else an offscreen one (the command line, no display)."""
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance()
    if app is not None:
        return app
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and os.name != "nt":
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")  # Chromium refuses its sandbox as root
    import PySide6.QtWebEngineWidgets  # noqa: F401 (before the application exists)
    return QApplication(["eco-desktop"])


def export_image(catalogue, flt, path: str | Path, *, paper: str = "A4", landscape: bool = True,
                 timeout_s: float = TIMEOUT_S) -> tuple[Path, int, int]:
    """Write the map of ``flt`` as a PDF or PNG (by extension) and wait for it:
    (path, actors, not located). For the command line; works without a display."""
    path = Path(path)
    format_of(path)
    global _APP
    _APP = _application()
    html, page, area, count, unlocated = map_page(catalogue, flt)
    printer = MapPrinter(html, path, page, area=area, paper=paper, landscape=landscape)
    outcome: dict[str, Any] = {}
    printer.finished.connect(lambda p: outcome.setdefault("path", p))
    printer.failed.connect(lambda exc: outcome.setdefault("error", exc))
    printer.start(timeout_s)
    from ..offscreen import wait_until
    deadline = time.perf_counter() + timeout_s + 5
    wait_until(lambda: outcome or time.perf_counter() > deadline, timeout_s + 10)
    printer.cancel()  # nothing left running when it timed out
    # The page is deleted before anything else goes (the interpreter's exit would crash).
    wait_until(lambda: printer.view_gone, 10)
    if "error" in outcome:
        raise outcome["error"]
    if "path" not in outcome:
        raise UserError("La carte n'a pas pu être dessinée à temps.")
    return path, count, unlocated


class ImageExporting:
    """MapTab's « Exporter l'image… »: the page built in a worker, drawn here, behind a
    progress dialog whose « Annuler » stops either step."""

    def _build_image_action(self, window) -> None:
        self.image_printer: MapPrinter | None = None
        self.image_operation = None
        self.last_image: Path | None = None
        self.act_image = QAction("Exporter l'image…", window)
        self.act_image.setToolTip("Enregistrer la carte des acteurs filtrés en PDF (A4 paysage) ou en PNG, "
                                  "avec titre, critères, légende, échelle, date et sources")
        self.act_image.setStatusTip(self.act_image.toolTip())
        self.act_image.triggered.connect(lambda _checked=False: self.export_image())

    def default_image_path(self, suffix: str = ".pdf") -> Path:
        return self.default_export_path().with_suffix(suffix)

    def export_image(self, path: str | Path | None = None) -> bool:
        """Ask where (unless ``path``; PDF or PNG by the extension), then draw the map there."""
        from PySide6.QtWidgets import QFileDialog
        catalogue = self.window.catalogue
        if catalogue is None or self.image_operation is not None or self.image_printer is not None:
            return False
        if path is None:
            chosen, selected = QFileDialog.getSaveFileName(
                self.window, "Exporter l'image de la carte", str(self.default_image_path()),
                "Document PDF (*.pdf);;Image PNG (*.png)")
            if not chosen:
                return False
            path = Path(chosen)
            if path.suffix.lower() not in FORMATS:
                path = path.with_name(path.name + (".png" if "png" in selected.lower() else ".pdf"))
        path = Path(path)
        try:
            format_of(path)
        except UserError as exc:
            from ..text_safety import warn
            warn(self.window, "Exporter l'image", str(exc))
            return False
        flt = self.window.filter
        from .. import operations
        self.image_operation = operations.start(
            self.window, lambda _progress, cancelled: map_page(catalogue, flt, cancelled),
            on_done=lambda result: self._image_page_ready(path, result), on_failed=self._image_failed,
            title="Exporter l'image", text=f"Préparation de la carte « {path.name} »…")
        return True

    def _image_page_ready(self, path: Path, result) -> None:
        from ..operations import ProgressDialog
        self.image_operation = None
        if result is None:
            self.window.show_status("Export de l'image annulé.", 5000)
            return
        html, page, area, count, unlocated = result
        printer = MapPrinter(html, path, page, area=area, parent=self)
        dialog = ProgressDialog(self.window, "Exporter l'image", f"Dessin de la carte « {path.name} »…")
        dialog.canceled.connect(printer.cancel)

        def finished(written: Path) -> None:
            self._image_end(dialog)
            self.last_image = written
            self.image_exported.emit(written)
            text = f"Carte de {french.count(count, 'acteur')} écrite"
            if unlocated:
                text += f" ({french.count(unlocated, 'non localisé')})"
            from ..dialogs.common import show_file_written
            self.result_box = show_file_written(self.window, written, "Image exportée", text + ".", str(written))

        def cancelled() -> None:
            self._image_end(dialog)
            Path(path).unlink(missing_ok=True)  # a PDF cut short
            self.window.show_status("Export de l'image annulé.", 5000)

        printer.finished.connect(finished)
        printer.failed.connect(lambda exc: (self._image_end(dialog), self._image_failed(exc)))
        printer.cancelled.connect(cancelled)
        self.image_printer = printer
        printer.start()

    def _image_end(self, dialog) -> None:
        dialog.canceled.disconnect()
        dialog.finish()
        self.image_printer = None

    def _image_failed(self, exc: Exception) -> None:
        from .. import operations
        self.image_operation = None
        self.result_box = operations.show_error(self.window, "Exporter l'image", exc,
                                                failure="L'image de la carte n'a pas pu être écrite", wait=False)
