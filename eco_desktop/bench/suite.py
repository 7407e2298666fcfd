"""The benchmark's run: the synthetic catalogue, every figure K times (the window's in
fresh processes), the table and the JSON report."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from ..catalogue import Catalogue
from .core_figures import bench_facets, bench_map_build, bench_open, bench_search
from .export_figures import bench_export, bench_export_command
from .figures import DEFAULT_ACTORS, DEFAULT_REPEAT, FIGURES, Result, target_for
from .geo_figures import bench_geo_filter, bench_territory_counts
from .import_figures import bench_import, bench_import_national
from .machine import machine_description, python_speed
from .sync_figures import SyncBench
from .synth import build_synthetic_catalogue


def probe_environment() -> dict[str, str]:
    """This process's environment, offscreen, with Chromium's sandbox off as root."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    return env


def run_probe(path: Path, timeout: float = 900, attempts: int = 3) -> tuple[dict, int]:
    """One fresh process: window, map, memory (see :mod:`eco_desktop.bench.gui_probe`).

    Returns the probe's figures and how many earlier attempts crashed (a process that
    dies is run again, up to ``attempts`` times; the crashes are reported)."""
    crashes = []
    for _ in range(attempts):
        done = subprocess.run([sys.executable, "-m", "eco_desktop.bench.gui_probe", str(path)],
                              capture_output=True, text=True, timeout=timeout, env=probe_environment())
        for line in done.stdout.splitlines():
            if line.startswith("BENCH-PROBE "):
                return json.loads(line[len("BENCH-PROBE "):]), len(crashes)
        reason = next((l for l in done.stderr.splitlines() if l.startswith(("Fatal Python error", "RuntimeError",
                                                                             "TimeoutError"))), "")
        crashes.append(f"exit {done.returncode}: {reason or done.stderr.strip()[-300:]}")
    raise RuntimeError("GUI probe failed " + f"{attempts} times: " + " | ".join(crashes))


def run_suite(n: int = DEFAULT_ACTORS, repeat: int = DEFAULT_REPEAT, *, folder: Path | None = None,
              only: set[str] | None = None, log: Callable[[str], None] = print) -> tuple[dict, list[str]]:
    """Build the catalogue, measure every figure; returns (JSON report, notes on skipped figures)."""
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
            if wanted("geo_filter"):
                attempt("geo_filter", lambda: bench_geo_filter(catalogue, repeat))
            if wanted("territory_counts"):
                attempt("territory_counts", lambda: bench_territory_counts(catalogue, repeat))
            if wanted("export_xlsx_ratio"):
                attempt("export_xlsx_ratio", lambda: bench_export(catalogue, folder, repeat))
            if wanted("export_command_ratio"):
                attempt("export_command_ratio", lambda: bench_export_command(catalogue, path, folder, repeat))
            if wanted("import_csv"):
                attempt("import_csv", lambda: bench_import(catalogue, folder, n, repeat))
            if wanted("import_national_ratio"):
                attempt("import_national_ratio", lambda: bench_import_national(catalogue, folder, n, repeat))
        finally:
            catalogue.close()

        if wanted("sync_pull_10k") or wanted("sync_noop"):  # team sync: copies of the file, its own folder
            try:
                sync_bench = SyncBench(path, folder)
            except Exception as exc:  # noqa: BLE001 - reported, the suite goes on
                notes.append(f"sync non mesuré : {type(exc).__name__}: {str(exc)[:300]}")
            else:
                if wanted("sync_pull_10k"):
                    attempt("sync_pull_10k", lambda: sync_bench.pull(repeat))
                if wanted("sync_noop"):
                    attempt("sync_noop", lambda: sync_bench.noop(repeat))

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
