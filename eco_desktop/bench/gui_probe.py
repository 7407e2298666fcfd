"""GUI measurements of the benchmark, run in a fresh process by :mod:`eco_desktop.bench`.

``python -m eco_desktop.bench.gui_probe CATALOGUE`` opens the main window on the
catalogue (offscreen), waits until the list holds every actor, then shows the
"Carte" tab (every actor; a bare :class:`MapView` when the map feature is absent)
and waits until the page reports its markers; it prints one JSON object:
``window_ready`` and ``map_ready`` (seconds; the map from the page handed to the
view to its markers, ``map_tab_total`` from the tab shown, build included), ``peak_rss_gui`` (MB, this process's
VmHWM), ``peak_rss_webengine`` (MB, sum of the QtWebEngineProcess
children's VmHWM), ``markers``, ``qt`` and ``pyside`` versions.

It drives the window as a session would, through :mod:`eco_desktop.ui.offscreen` (the
Qt side: an offscreen application, running the event loop until something is true), so
that no Qt import lives outside :mod:`eco_desktop.ui`.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

from ..ui import offscreen
from ..ui.offscreen import wait_until

TIMEOUT_S = 300.0
atexit_dirs: list[str] = []  # removed before the hard exit


def _prepare_environment() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")  # Chromium refuses its sandbox as root


def _children(pid: int) -> list[int]:
    """Every descendant process of ``pid`` (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def own_peak_mb() -> float:
    """This process's peak resident size (VmHWM), in MB.

    Not ``ru_maxrss``: Linux carries a process's maxrss over fork and exec, so a probe
    started by ``eco_desktop.bench`` (subprocess: vfork + exec) reported the
    benchmark's own peak (its imports and exports of 100k actors) when that was higher.
    VmHWM belongs to the process's own address space, which exec replaces."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:  # no /proc
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")) / 1024


def webengine_peak_mb(pid: int | None = None) -> float:
    """Sum of the peak resident sizes (VmHWM) of the QtWebEngine helper processes."""
    total_kb = 0
    for child in _children(pid or os.getpid()):
        try:
            status = Path(f"/proc/{child}/status").read_text()
        except OSError:
            continue
        name = next((line.split(":", 1)[1].strip() for line in status.splitlines() if line.startswith("Name:")), "")
        if not name.startswith("QtWebEngineProc"):
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024


def _wait(condition) -> None:
    wait_until(condition, TIMEOUT_S)


def probe(path: str, *, with_map: bool = True, bare_map: bool = False) -> dict:
    _prepare_environment()
    import tempfile

    settings_dir = tempfile.mkdtemp(prefix="eco-bench-settings-")
    atexit_dirs.append(settings_dir)
    app = offscreen.application(settings_dir)  # noqa: F841  (kept alive while probing)

    from ..catalogue import Catalogue
    from ..ui.window import MainWindow

    out: dict = dict(offscreen.versions())
    start = time.perf_counter()
    catalogue = Catalogue.open(path)
    total = catalogue.total()
    window = MainWindow(catalogue)
    window.resize(1366, 768)
    window.show()
    _wait(lambda: window.isVisible() and len(window.model.ids) == total
          and window.model.rowCount() == total)
    offscreen.settle()
    out["window_ready"] = time.perf_counter() - start
    out["actors"] = total

    if with_map:
        tab = None if bare_map else window.features.get("map")
        if tab is not None:
            # The real "Carte" tab: page built in its worker, then loaded by its MapView.
            handed: list[float] = []
            tab.built.connect(lambda: handed.append(time.perf_counter()))
            start = time.perf_counter()
            window.tabs.setCurrentIndex(tab.tab_index)
            _wait(lambda: handed and tab.map is not None and tab.map.is_ready())
            done = time.perf_counter()
            out["map_ready"] = done - handed[-1]
            out["map_tab_total"] = done - start
            view = tab.map
        else:
            from .. import maps
            from ..ui.map.view import MapView
            view = MapView()
            window.tabs.setCurrentIndex(window.add_tab(view, "Carte (banc d'essai)"))
            actors = catalogue.actors(window.filter)
            relations = catalogue.relations([a["id"] for a in actors])
            html = maps.build_map_html(actors, relations=relations, kinds=catalogue.kinds())
            del actors
            start = time.perf_counter()
            view.show_html(html)
            _wait(view.is_ready)
            out["map_ready"] = time.perf_counter() - start
        out["markers"] = view.marker_count
        offscreen.settle()
    out["peak_rss_gui"] = own_peak_mb()
    out["peak_rss_webengine"] = webengine_peak_mb()
    window.close()
    return out


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    with_map = "--no-map" not in args
    bare_map = "--bare-map" in args

    paths = [a for a in args if not a.startswith("--")]
    if len(paths) != 1:
        print("usage: python -m eco_desktop.bench.gui_probe CATALOGUE [--no-map | --bare-map]", file=sys.stderr)
        return 2
    result = probe(paths[0], with_map=with_map, bare_map=bare_map)
    for folder in atexit_dirs:
        shutil.rmtree(folder, ignore_errors=True)
    sys.stdout.write("BENCH-PROBE " + json.dumps(result) + "\n")
    sys.stdout.flush()
    os._exit(0)  # skip teardown: Chromium's shutdown is slow and not measured


if __name__ == "__main__":
    sys.exit(main())
