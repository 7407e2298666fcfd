"""Helpers of the map's tests (test_maps.py, tests/ui/map/): the actor dicts the page is built from."""
from __future__ import annotations


def map_actor(actor_id, name, kind="biotech", lat=48.6268, lon=2.4301, **extra) -> dict:
    """An actor as the map receives it; by default a gene-therapy firm in Évry."""
    data = {"id": actor_id, "name": name, "kind": kind, "domains": ["gene_therapy"],
            "commune": "Évry-Courcouronnes", "website": "", "lat": lat, "lon": lon,
            "description": ""}
    data.update(extra)
    return data


def mouse_drag(qtbot, widget, points, *, steps: int = 5) -> None:
    """Press at the first of ``points`` (x, y), move through the others, release at the last:
    a person dragging on the map page (QTest has no move with a button held)."""
    from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    (x0, y0), (x1, y1) = points[0], points[-1]
    QTest.mousePress(widget, left, none, QPoint(round(x0), round(y0)))
    path = list(points[1:]) if len(points) > 2 else [
        (x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps) for i in range(1, steps + 1)]
    for x, y in path:
        at = QPointF(x, y)
        QApplication.sendEvent(widget, QMouseEvent(QEvent.Type.MouseMove, at, widget.mapToGlobal(at),
                                                   Qt.MouseButton.NoButton, left, none))
        qtbot.wait(15)
    QTest.mouseRelease(widget, left, none, QPoint(round(x1), round(y1)))


def mouse_click(widget, x, y, *, double: bool = False) -> None:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    at, left, none = QPoint(round(x), round(y)), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    if double:
        QTest.mouseDClick(widget, left, none, at)
    else:
        QTest.mouseClick(widget, left, none, at)
