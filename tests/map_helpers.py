"""Helpers of the map's tests (test_maps.py, tests/ui/map/): the actor dicts the page is built
from, mouse gestures on the map, a standalone file loaded and checked for requests."""
from __future__ import annotations

from contextlib import contextmanager


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


def url_recorder():
    """A request interceptor keeping the URL of every request a page makes (``.urls``)."""
    from PySide6.QtWebEngineCore import QWebEngineUrlRequestInterceptor

    class Recorder(QWebEngineUrlRequestInterceptor):
        def __init__(self):
            super().__init__()
            self.urls: list[str] = []

        def interceptRequest(self, info):  # noqa: N802
            self.urls.append(info.requestUrl().toString())

    return Recorder()


@contextmanager
def standalone_page(qtbot, path, *, show: bool = False):
    """A standalone map file loaded in a QWebEngineView of its own: yields ``ask(script)``
    (the script's value); on leaving, checks that the page asked for nothing but its file
    (data: URLs aside) — the standalone export makes no request that leaves the machine."""
    from PySide6.QtCore import QUrl
    from PySide6.QtWebEngineWidgets import QWebEngineView

    view = QWebEngineView()
    qtbot.addWidget(view)
    view.resize(900, 600)
    if show:
        view.show()
    rec = url_recorder()
    view.page().profile().setUrlRequestInterceptor(rec)
    try:
        with qtbot.waitSignal(view.loadFinished, timeout=30_000):
            view.load(QUrl.fromLocalFile(str(path)))
        box = []

        def ask(script):
            box.clear()
            view.page().runJavaScript(script, 0, box.append)
            qtbot.waitUntil(lambda: bool(box), timeout=5000)
            return box[0]

        qtbot.waitUntil(lambda: ask("!!(window.ecoMap && ecoMap.isReady())") is True, timeout=10_000)
        yield ask
    finally:
        view.page().profile().setUrlRequestInterceptor(None)
    assert [u for u in rec.urls if QUrl(u).scheme() != "data"] == [QUrl.fromLocalFile(str(path)).toString()]
