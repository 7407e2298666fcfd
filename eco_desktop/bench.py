"""The benchmark suite: is the application still fast with N actors (default 100,000)?

``python -m eco_desktop.bench [--actors N] [--json FILE] [--repeat K]`` builds a
synthetic catalogue (:mod:`eco_desktop.synth`, seeded) in a temporary folder, measures
each figure K times (at least 5 by default) and prints median, min, max, target and
whether the median meets it. ``--json`` writes GUIDE §8's shape:
``{"n", "machine", "results": [{"name", "median", "min", "max", "target", "unit", "ok"}]}``.

Core figures run in this process; the window and map figures run each in a fresh
process (:mod:`eco_desktop.ui.bench_probe`, offscreen), so that peak memory and the
first start are those of a real session. Targets hold at 100k actors; ``import_csv``
and ``map_build`` scale linearly with N. Not part of the test suite (timings vary):
``tests/test_bench.py`` only runs it small to keep it working. This module imports no Qt.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .filter import Filter

DEFAULT_ACTORS = 100_000
DEFAULT_REPEAT = 5
REFERENCE_N = 100_000

# name -> (target at 100k, unit, scales with N, what it measures)
FIGURES: dict[str, tuple[float | None, str, bool, str]] = {
    "open_catalogue": (0.5, "s", False, "Catalogue.open + first page (actor_ids, actors_by_ids of 100)"),
    "search_keystroke": (0.05, "s", False, "one more letter (g, ge, gen, geno) -> ids and first 100 rows"),
    "facet_counts": (0.1, "s", False, "counts of every facet under a filter (2 kinds, 2 départements)"),
    "window_ready": (2.0, "s", False, "open + MainWindow shown offscreen until the list holds every actor"),
    "map_build": (1.0, "s", True, "maps.build_map_html of every actor and relation (as the map tab reads them)"),
    "map_ready": (3.0, "s", False, "page loaded in QWebEngineView (first load) until the JS reports its markers"),
    "export_xlsx_ratio": (1.3, "ratio", False, "export.export_xlsx / raw openpyxl write_only, same cells"),
    "export_command_ratio": (1.3, "ratio", False, "`eco-desktop export -o FILE.xlsx` of every actor as a process "
                             "(start, reading, writing) / raw openpyxl write_only of the same cells"),
    "import_csv": (15.0, "s", True, "CSV of N rows through the importer's public apply function"),
    "import_national_ratio": (1.3, "ratio", False, "CSV of N rows with SIRENE headers, communes all over France "
                              "(2/3 outside IDF, 5 % abroad or overseas) / the import_csv file, pairs in one run"),
    "peak_rss_gui": (600.0, "MB", False, "peak resident size (VmHWM) of the window process, every actor listed and mapped"),
    "peak_rss_webengine": (None, "MB", False, "sum of VmHWM of the QtWebEngineProcess children"),
}
KEYSTROKES = ("g", "ge", "gen", "geno")
FACET_FILTER = Filter(kinds=("biotech", "techprovider"), departements=("91", "75"))


@dataclass
class Result:
    name: str
    samples: list[float] = field(default_factory=list)
    target: float | None = None
    unit: str = "s"

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def ok(self) -> bool:
        return self.target is None or self.median <= self.target

    def to_dict(self) -> dict:
        return {"name": self.name, "median": round(self.median, 4), "min": round(min(self.samples), 4),
                "max": round(max(self.samples), 4), "target": self.target, "unit": self.unit, "ok": self.ok}


def target_for(name: str, n: int) -> float | None:
    target, _unit, scales, _what = FIGURES[name]
    if target is None:
        return None
    return round(target * n / REFERENCE_N, 4) if scales else target


def python_speed(repeat: int = 3) -> float:
    """Seconds a fixed pure-Python loop (2 million multiply-adds) takes, best of ``repeat``:
    how fast this machine runs Python at the moment. A shared machine's speed drifts (by 2x
    over minutes on the one of docs/PERFORMANCE.md): two runs' figures compare only when
    this does."""
    best = float("inf")
    for _ in range(repeat):
        start, total = time.perf_counter(), 0
        for i in range(2_000_000):
            total += i * i
        best = min(best, time.perf_counter() - start)
    return round(best, 3)


def machine_description(qt: str | None = None,
                        speed: tuple[float, float] | None = None) -> str:
    """CPU model, cores, RAM, Python, PySide6/Qt versions, the load average now, and the
    reference loop's time (:func:`python_speed`) at the start and at the end of the run."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines()
                      if l.startswith("MemTotal")).split()[1])
        ram = f", {kb / 1024 / 1024:.1f} GB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    try:
        from importlib.metadata import version
        pyside = version("PySide6")
    except Exception:
        pyside = "?"
    load = ""
    if hasattr(os, "getloadavg"):
        load = ", load average %.2f %.2f %.2f" % os.getloadavg()
    loop = f", reference Python loop {speed[0]:.3f} s (start) / {speed[1]:.3f} s (end)" \
        if speed else ""
    return (f"{cpu}, {os.cpu_count()} cores{ram}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, PySide6 {pyside}" + (f" (Qt {qt})" if qt else "")
            + f", SQLite {__import__('sqlite3').sqlite_version}{load}{loop}")


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


# --------------------------------------------------------------------------- core figures

def bench_open(path: Path, repeat: int) -> list[float]:
    from .store import Catalogue

    def run() -> None:
        catalogue = Catalogue.open(path)
        ids = catalogue.actor_ids(Filter())
        catalogue.actors_by_ids(ids[:100])
        catalogue.close()
    return [_timed(run) for _ in range(repeat)]


def bench_search(catalogue, repeat: int) -> list[float]:
    samples = []
    catalogue.actor_ids(Filter())  # index loaded: the window is open
    for _ in range(repeat):
        for text in KEYSTROKES:
            def run(text=text) -> None:
                ids = catalogue.actor_ids(Filter(text=text))
                catalogue.actors_by_ids(ids[:100])
            samples.append(_timed(run))
    return samples


def bench_facets(catalogue, repeat: int) -> list[float]:
    catalogue.facet_counts(Filter())
    return [_timed(lambda: catalogue.facet_counts(FACET_FILTER)) for _ in range(repeat)]


def bench_map_build(catalogue, repeat: int) -> list[float]:
    """The page of every actor from what the map tab reads (maps.map_content, not timed)."""
    from . import maps
    content = maps.map_content(catalogue, Filter())
    args = content.page_args()
    return [_timed(lambda: maps.build_map_html(content.actors, **args)) for _ in range(repeat)]


def raw_write_only(path: str | os.PathLike, rows) -> None:
    """Baseline of the export figures: the same values through a bare openpyxl write-only
    workbook (no styles, widths, links or safety)."""
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Acteurs")
    for row in rows:
        ws.append(row)
    wb.save(path)


def bench_export(catalogue, folder: Path, repeat: int) -> list[float]:
    from . import export
    actors = catalogue.actors(Filter())
    labels = export.catalogue_labels(catalogue)
    columns = list(export.DEFAULT_COLUMNS)
    headers = [export.ACTOR_COLUMNS[c] for c in columns]
    cells = [headers] + list(export.actor_rows(actors, columns, labels))
    ratios = []
    for i in range(repeat):
        ours = _timed(lambda: export.export_xlsx(folder / f"ours-{i}.xlsx", actors, columns=columns,
                                                 labels=labels))
        raw = _timed(lambda: raw_write_only(folder / f"raw-{i}.xlsx", cells))
        ratios.append(ours / raw)
        for name in (f"ours-{i}.xlsx", f"raw-{i}.xlsx"):
            (folder / name).unlink(missing_ok=True)
    return ratios


def bench_export_command(catalogue, path: Path, folder: Path, repeat: int) -> list[float]:
    """What a user waits for: the export command as a process, against the bare writer
    of the same cells in this process (the cells built beforehand, not timed)."""
    from . import export
    labels = export.catalogue_labels(catalogue)
    columns = list(export.DEFAULT_COLUMNS)
    cells = [[export.ACTOR_COLUMNS[c] for c in columns]]
    cells += export.actor_rows(catalogue.actors(Filter()), columns, labels)
    command = [sys.executable, "-m", "eco_desktop", "export", "--db", str(path)]
    ratios = []
    for i in range(repeat):
        ours_path, raw_path = folder / f"command-{i}.xlsx", folder / f"raw-{i}.xlsx"
        ours = _timed(lambda: subprocess.run(command + ["-o", str(ours_path)], check=True,
                                             stdout=subprocess.DEVNULL))
        raw = _timed(lambda: raw_write_only(raw_path, cells))
        ratios.append(ours / raw)
        ours_path.unlink(missing_ok=True)
        raw_path.unlink(missing_ok=True)
    return ratios


def import_function() -> Callable | None:
    """The importer's public apply function, when it exists (it may not have landed)."""
    try:
        from . import importer
    except ImportError:
        return None
    for name in ("apply_import", "apply"):
        function = getattr(importer, name, None)
        if callable(function):
            return function
    return None


def write_import_csv(catalogue, path: Path, n: int) -> None:
    """N actors of the synthetic catalogue as an officer's CSV (French headers, ';')."""
    from . import synth
    labels = {name: catalogue.vocabulary(name) for name in ("kind", "domain", "activity")}
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle, delimiter=";")
        out.writerow(["Nom", "Type", "Domaines", "Activités", "Site web", "Code postal", "Commune", "Description"])
        for actor in synth.synthetic_actors(n, seed=7):
            out.writerow([actor["name"] + " import", labels["kind"].get(actor["kind"], actor["kind"]),
                          ", ".join(labels["domain"].get(d, d) for d in actor["domains"]),
                          ", ".join(labels["activity"].get(a, a) for a in actor["activities"]),
                          actor["website"], actor["postcode"], actor["commune"], actor["description"]])


# Abroad rows of the national file: (INSEE code of the country, its name, a city).
_ABROAD = (("99132", "ROYAUME-UNI", "LONDRES"), ("99109", "ALLEMAGNE", "BERLIN"),
           ("99131", "BELGIQUE", "BRUXELLES"), ("99140", "SUISSE", "GENEVE"),
           ("99404", "ETATS-UNIS", "BOSTON"))


def write_national_csv(catalogue, path: Path, n: int) -> None:
    """The actors of :func:`write_import_csv` as a SIRENE-style export (camelCase
    headers, ',', INSEE code column) whose places are spread over France: a third keep
    their Île-de-France commune, 3 % go overseas (971-976), 2 % abroad, the rest to
    communes drawn among all those of metropolitan France outside the région."""
    import random

    from . import synth
    from .geo import gazetteer
    france = gazetteer().france()
    communes = sorted({c.insee: c for group in france.by_departement.values() for c in group}.values(),
                      key=lambda c: c.insee)
    metropolitan = [c for c in communes if len(c.departement) == 2]
    overseas = [c for c in communes if c.departement in ("971", "972", "973", "974", "976")]
    labels = {name: catalogue.vocabulary(name) for name in ("kind", "domain", "activity")}
    draw = random.Random(16)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["denominationUniteLegale", "Type", "Domaines", "Activités", "Site web",
                      "codePostalEtablissement", "libelleCommuneEtablissement", "codeCommuneEtablissement",
                      "codePaysEtrangerEtablissement", "libellePaysEtrangerEtablissement", "Description"])
        for i, actor in enumerate(synth.synthetic_actors(n, seed=7)):
            postcode, commune, insee, country_code, country = actor["postcode"], actor["commune"], "", "", ""
            place = None
            slot = i % 100
            if slot < 2:
                country_code, country, commune = _ABROAD[draw.randrange(len(_ABROAD))]
                postcode = ""
            elif slot < 5:
                place = overseas[draw.randrange(len(overseas))]
            elif slot < 5 + 62:
                place = metropolitan[draw.randrange(len(metropolitan))]
            if place is not None:
                postcode, commune, insee = place.postcodes[0] if place.postcodes else "", place.name.upper(), place.insee
            out.writerow([actor["name"] + " import", labels["kind"].get(actor["kind"], actor["kind"]),
                          ", ".join(labels["domain"].get(d, d) for d in actor["domains"]),
                          ", ".join(labels["activity"].get(a, a) for a in actor["activities"]),
                          actor["website"], postcode, commune, insee, country_code, country, actor["description"]])


def bench_import_national(apply: Callable, catalogue, folder: Path, n: int, repeat: int) -> list[float]:
    """National file / Île-de-France file, each pair imported one after the other into
    empty catalogues (the machine's load changes less within a pair than across a run)."""
    idf_path, national_path = folder / "import.csv", folder / "import-national.csv"
    if not idf_path.exists():
        write_import_csv(catalogue, idf_path, n)
    write_national_csv(catalogue, national_path, n)
    ratios = []
    for _ in range(repeat):
        idf = _timed_import(apply, folder, idf_path)
        ratios.append(_timed_import(apply, folder, national_path) / idf)
    return ratios


def bench_import(apply: Callable, catalogue, folder: Path, n: int, repeat: int) -> list[float]:
    """Import a CSV of N new actors into an empty catalogue, ``repeat`` times."""
    csv_path = folder / "import.csv"
    write_import_csv(catalogue, csv_path, n)
    return [_timed_import(apply, folder, csv_path) for _ in range(repeat)]


def _timed_import(apply: Callable, folder: Path, source: Path) -> float:
    """Seconds to import ``source`` into a new empty catalogue (its creation not counted)."""
    from .store import Catalogue
    target = folder / "import-target.sqlite"
    Catalogue.create(target, seed=False, overwrite=True).close()
    into = Catalogue.open(target)
    try:
        return _timed(lambda: apply(into, source))
    finally:
        into.close()


# --------------------------------------------------------------------------- GUI figures

def probe_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    return env


def run_probe(path: Path, timeout: float = 900, attempts: int = 3) -> tuple[dict, int]:
    """One fresh process: window, map, memory (see :mod:`eco_desktop.ui.bench_probe`).

    Returns the probe's figures and how many earlier attempts crashed (a process that
    dies is run again, up to ``attempts`` times; the crashes are reported)."""
    crashes = []
    for _ in range(attempts):
        done = subprocess.run([sys.executable, "-m", "eco_desktop.ui.bench_probe", str(path)],
                              capture_output=True, text=True, timeout=timeout, env=probe_environment())
        for line in done.stdout.splitlines():
            if line.startswith("BENCH-PROBE "):
                return json.loads(line[len("BENCH-PROBE "):]), len(crashes)
        reason = next((l for l in done.stderr.splitlines() if l.startswith(("Fatal Python error", "RuntimeError",
                                                                             "TimeoutError"))), "")
        crashes.append(f"exit {done.returncode}: {reason or done.stderr.strip()[-300:]}")
    raise RuntimeError("GUI probe failed " + f"{attempts} times: " + " | ".join(crashes))


# --------------------------------------------------------------------------- suite

def run_suite(n: int = DEFAULT_ACTORS, repeat: int = DEFAULT_REPEAT, *, folder: Path | None = None,
              only: set[str] | None = None, log: Callable[[str], None] = print) -> tuple[dict, list[str]]:
    """Build the catalogue, measure every figure; returns (JSON report, notes on skipped figures)."""
    from .store import Catalogue
    from .synth import build_synthetic_catalogue

    speed_at_start = python_speed()
    own = folder is None
    tmp = tempfile.TemporaryDirectory(prefix="eco-bench-") if own else None
    folder = Path(tmp.name) if tmp else Path(folder)
    results: dict[str, Result] = {}
    notes: list[str] = []

    def attempt(name: str, measure: Callable[[], list[float]]) -> None:
        """Measure one figure; a failure becomes a note and the others still run."""
        try:
            record(name, measure())
        except Exception as exc:  # noqa: BLE001 - reported, the suite goes on
            notes.append(f"{name} non mesuré : {type(exc).__name__}: {str(exc)[:300]}")
            log(f"  {name}: ÉCHEC ({type(exc).__name__}: {str(exc)[:200]})")

    def record(name: str, samples: list[float]) -> None:
        results[name] = Result(name, samples, target_for(name, n), FIGURES[name][1])
        r = results[name]
        log(f"  {name}: median {r.median:.4g} {r.unit}")

    def wanted(name: str) -> bool:
        return only is None or name in only

    try:
        path = folder / "bench.sqlite"
        start = time.perf_counter()
        build_synthetic_catalogue(path, n).close()
        log(f"Catalogue synthétique de {n} acteurs construit en {time.perf_counter() - start:.1f} s ({path})")

        if wanted("open_catalogue"):
            attempt("open_catalogue", lambda: bench_open(path, repeat))
        catalogue = Catalogue.open(path)
        try:
            if wanted("search_keystroke"):
                attempt("search_keystroke", lambda: bench_search(catalogue, repeat))
            if wanted("facet_counts"):
                attempt("facet_counts", lambda: bench_facets(catalogue, repeat))
            if wanted("map_build"):
                attempt("map_build", lambda: bench_map_build(catalogue, repeat))
            if wanted("export_xlsx_ratio"):
                attempt("export_xlsx_ratio", lambda: bench_export(catalogue, folder, repeat))
            if wanted("export_command_ratio"):
                attempt("export_command_ratio", lambda: bench_export_command(catalogue, path, folder, repeat))
            if wanted("import_csv"):
                apply = import_function()
                if apply is None:
                    notes.append("import_csv non mesuré : l'importeur n'a pas de fonction publique "
                                  "d'application (eco_desktop.importer.apply_import).")
                else:
                    attempt("import_csv", lambda: bench_import(apply, catalogue, folder, n, repeat))
            if wanted("import_national_ratio"):
                apply = import_function()
                if apply is not None:
                    attempt("import_national_ratio",
                            lambda: bench_import_national(apply, catalogue, folder, n, repeat))
        finally:
            catalogue.close()

        gui = [name for name in ("window_ready", "map_ready", "peak_rss_gui", "peak_rss_webengine") if wanted(name)]
        qt = None
        if gui:
            probes = []
            crashes = 0
            for i in range(repeat):
                try:
                    probe, crashed = run_probe(path)
                except Exception as exc:  # noqa: BLE001 - reported
                    notes.append(f"Processus fenêtre + carte {i + 1} : {str(exc)[:400]}")
                    log(f"  fenêtre {i + 1}/{repeat} : ÉCHEC {str(exc)[:200]}")
                    continue
                crashes += crashed
                probes.append(probe)
                log(f"  fenêtre {i + 1}/{repeat} : {probe}" + (f" (après {crashed} plantage(s))" if crashed else ""))
            if crashes:
                notes.append(f"Processus fenêtre + carte : {crashes} plantage(s) pendant le chargement de la carte "
                             f"sur {len(probes) + crashes} lancements (relancés).")
            qt = probes[0].get("qt") if probes else None
            for name in gui:
                samples = [p[name] for p in probes if name in p]
                if samples:
                    record(name, samples)
    finally:
        if tmp is not None:
            tmp.cleanup()
    order = list(FIGURES)
    report = {"n": n, "machine": machine_description(qt, (speed_at_start, python_speed())),
              "results": [results[name].to_dict() for name in order if name in results]}
    return report, notes


def format_table(report: dict) -> str:
    lines = [f"{'figure':<20} {'median':>10} {'min':>10} {'max':>10} {'target':>10} {'unit':>5}  ok"]
    for r in report["results"]:
        target = "—" if r["target"] is None else f"{r['target']:.4g}"
        ok = "oui" if r["ok"] else "NON"
        if r["target"] is None:
            ok = "—"
        lines.append(f"{r['name']:<20} {r['median']:>10.4g} {r['min']:>10.4g} {r['max']:>10.4g} "
                     f"{target:>10} {r['unit']:>5}  {ok}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eco_desktop.bench",
                                     description="Banc d'essai d'eco_desktop sur un catalogue synthétique.")
    parser.add_argument("--actors", type=int, default=DEFAULT_ACTORS, metavar="N",
                        help=f"nombre d'acteurs (défaut {DEFAULT_ACTORS})")
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT, metavar="K",
                        help=f"mesures par indicateur (défaut {DEFAULT_REPEAT})")
    parser.add_argument("--json", metavar="FILE", help="écrire les résultats en JSON")
    parser.add_argument("--only", metavar="NOMS", help="indicateurs à mesurer, séparés par des virgules")
    args = parser.parse_args(argv)
    if args.actors < 10:
        parser.error("--actors : au moins 10 acteurs")
    if args.repeat < 1:
        parser.error("--repeat : au moins 1")
    only = set(args.only.split(",")) if args.only else None
    if only and only - set(FIGURES):
        parser.error(f"indicateur inconnu : {', '.join(sorted(only - set(FIGURES)))}")
    report, notes = run_suite(args.actors, args.repeat, only=only)
    print()
    print(f"{report['n']} acteurs — {report['machine']}")
    print(format_table(report))
    for note in notes:
        print(note)
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
