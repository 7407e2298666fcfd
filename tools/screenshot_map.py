"""Render the main window on its "Carte" tab offscreen and save it as a PNG.

    QT_QPA_PLATFORM=offscreen python tools/screenshot_map.py [docs/screenshots/map.png]

A fresh catalogue from the bundled dataset in a temporary folder and throwaway settings
(what a new user sees); 1366×768; Genopole selected (its record on the right), the view on
the south of Paris (Paris, Villejuif, Saclay/Les Ulis, Évry) with the relations shown
and the legend as a new user finds it (folded on a map this small).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from screenshots import fresh_catalogue, settle  # tools/ is this script's folder, first on sys.path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

VIEW = (48.745, 2.395, 11)
SIZE = (1366, 768)


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "docs/screenshots/map.png")
    app, catalogue = fresh_catalogue("eco-shot-map-")
    from eco_desktop.ui.window import MainWindow

    def wait_for(condition, seconds: float = 60.0) -> bool:
        end = time.monotonic() + seconds
        while not condition() and time.monotonic() < end:
            settle(app, 0.05)
        return bool(condition())

    genopole = next(i for i, name in catalogue.all_actor_names() if name == "Genopole")
    window = MainWindow(catalogue)
    window.resize(*SIZE)
    window.show()
    tab = window.features["map"]
    window.tabs.setCurrentIndex(tab.tab_index)
    if not wait_for(lambda: tab.map is not None and tab.map.is_ready()):
        print("la carte ne s'est pas chargée", file=sys.stderr)
        return 1
    tab.map.set_view(*VIEW)
    tab.act_relations.setChecked(True)
    window.select_actor(genopole)
    tab.map.set_view(*VIEW)  # selecting pans to Genopole: frame the whole south of Paris
    settle(app, 1.5)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(out)):
        print(f"impossible d'écrire {out}", file=sys.stderr)
        return 1
    print(out)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
