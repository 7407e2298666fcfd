"""Render the map of the bundled dataset offscreen and save it as a PNG.

    QT_QPA_PLATFORM=offscreen python tools/screenshot_map.py [docs/screenshots/map.png]

The catalogue is made from the bundled dataset in a temporary folder; the view is
the south of Paris (Paris, Villejuif, Saclay/Les Ulis, Évry) with the relations shown.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

import PySide6.QtWebEngineWidgets  # noqa: E402,F401  (before the QApplication)
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from eco_desktop import maps  # noqa: E402
from eco_desktop.store import Catalogue  # noqa: E402
from eco_desktop.ui.map_view import MapView  # noqa: E402

VIEW = (48.745, 2.31, 11)


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "docs/screenshots/map.png")
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        catalogue = Catalogue.create(Path(tmp) / "catalogue.sqlite")
        actors = catalogue.actors()
        relations = catalogue.relations()
        kinds = catalogue.kinds()
        domains = catalogue.vocabulary("domain")
        catalogue.close()

    view = MapView()
    view.resize(1366, 768)
    view.show()
    view.set_view(*VIEW)
    done: list[bool] = []
    view.loaded.connect(done.append)
    view.set_actors(actors, relations, kinds, domains,
                    title="Biothérapies et bioproduction en Île-de-France",
                    subtitle=maps.default_subtitle("Tous les acteurs", len(actors)))
    deadline = time.monotonic() + 60
    while not done and time.monotonic() < deadline:
        wait(50)
    if done != [True]:
        print("la carte ne s'est pas chargée", file=sys.stderr)
        return 1
    view.set_relations_visible(True)
    wait(1200)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not view.grab_png(out):
        print(f"impossible d'écrire {out}", file=sys.stderr)
        return 1
    print(out)
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
