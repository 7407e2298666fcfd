"""« Exporter l'image… »: the map as a PDF (A4 landscape, read back: page size and text)
or a PNG, from the window (native dialog, progress, cancel) and headless (export_image)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QFileDialog

from eco_desktop.errors import UserError
from eco_desktop.ui.map import printing

from test_map_tab import show_tab

A4_LANDSCAPE_POINTS = (841.89, 595.28)


def pdf_pages(path: Path) -> tuple[list[tuple[float, float]], str]:
    """Each page's size in points (its /MediaBox, as written) and the first page's text."""
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    boxes = [tuple(float(v) for v in m.split()[2:4])
             for m in re.findall(rb"/MediaBox\s*\[\s*([-\d.\s]+)\]", data)]
    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_
    assert document.pageCount() == len(boxes)
    return boxes, document.getAllText(0).text()


def wait_image(qtbot, tab, path):
    with qtbot.waitSignal(tab.image_exported, timeout=60_000) as blocker:
        assert tab.export_image(path)
    return blocker.args[0]


def test_a_pdf_of_the_filtered_map_a4_landscape(qtbot, window, tab, tmp_path):
    flt = window.filter.with_selection("departement", ["91"])
    window.catalogue.save_view("Essonne", flt)
    window.set_filter(flt)
    path = wait_image(qtbot, tab, tmp_path / "carte.pdf")
    boxes, text = pdf_pages(path)
    assert len(boxes) == 1
    width, height = boxes[0]
    assert abs(width - A4_LANDSCAPE_POINTS[0]) < 2 and abs(height - A4_LANDSCAPE_POINTS[1]) < 2
    assert "Essonne" in text                               # the title (the saved view's name)
    assert "91" in text                                    # the filter in words
    assert "TYPES D'ACTEURS" in text.upper()               # the legend
    assert re.search(r"\d+ k?m", text)                     # the scale bar
    assert "Licence Ouverte" in text and "IGN Admin Express" in text
    assert tab.result_box.isVisible()
    tab.result_box.close()


def test_a_png_at_twice_the_page_size(qtbot, window, tab, tmp_path):
    show_tab(qtbot, window, tab)
    path = wait_image(qtbot, tab, tmp_path / "carte.png")
    image = QImage(str(path))
    size = printing.page_size_px()
    assert (image.width(), image.height()) == (size.width() * 2, size.height() * 2)
    tab.result_box.close()


def test_the_native_dialog_and_the_format_by_extension(qtbot, window, tab, tmp_path, monkeypatch):
    asked = []

    def save_name(_parent, _title, start, filters):
        asked.append((start, filters))
        return str(tmp_path / "ma-carte"), "Image PNG (*.png)"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    with qtbot.waitSignal(tab.image_exported, timeout=60_000) as blocker:
        assert tab.export_image()
    assert blocker.args[0] == tmp_path / "ma-carte.png"
    assert asked[0][0].endswith(".pdf") and "PDF" in asked[0][1] and "PNG" in asked[0][1]
    tab.result_box.close()
    with pytest.raises(UserError):
        printing.format_of(Path("carte.jpg"))


def test_cancelling_leaves_no_file(qtbot, window, tab, tmp_path):
    path = tmp_path / "annule.pdf"
    assert tab.export_image(path)
    qtbot.waitUntil(lambda: tab.image_printer is not None, timeout=30_000)
    tab.image_printer.cancel()
    assert tab.image_printer is None and not path.exists()


def test_headless_export_for_the_command_line(qtbot, window, tmp_path):
    flt = window.filter.with_selection("kind", ["biotech"])
    path, count, unlocated = printing.export_image(window.catalogue, flt, tmp_path / "cli.pdf")
    boxes, text = pdf_pages(path)
    assert count == window.catalogue.count(flt)
    assert len(boxes) == 1
    assert " ".join(window.catalogue.describe(flt)[0].split()) in " ".join(text.split())
