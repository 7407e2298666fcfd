"""The benchmark keeps working: a run at 500 actors, once, and the JSON shape of GUIDE §8.

No timing is asserted: the suite is for humans reading docs/PERFORMANCE.md.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from eco_desktop import bench

EXPECTED = {"open_catalogue", "search_keystroke", "facet_counts", "window_ready", "map_build", "map_ready",
            "export_xlsx_ratio", "export_command_ratio", "peak_rss_gui", "peak_rss_webengine"}


def test_targets_scale_with_n_only_where_said():
    assert bench.target_for("import_csv", 100_000) == 15.0
    assert bench.target_for("import_csv", 50_000) == 7.5
    assert bench.target_for("map_build", 500) == 0.005
    assert bench.target_for("window_ready", 500) == 2.0
    assert bench.target_for("export_xlsx_ratio", 1_000_000) == 1.3
    assert bench.target_for("peak_rss_webengine", 100_000) is None


def test_export_command_ratio_times_the_command_as_a_process(tmp_path):
    from eco_desktop.synth import build_synthetic_catalogue
    catalogue = build_synthetic_catalogue(tmp_path / "bench.sqlite", 200)
    try:
        ratios = bench.bench_export_command(catalogue, tmp_path / "bench.sqlite", tmp_path, 1)
    finally:
        catalogue.close()
    # the process starts Python and reads the catalogue: always slower than the bare writer
    assert len(ratios) == 1 and ratios[0] > 1
    assert bench.target_for("export_command_ratio", 100_000) == 1.3
    assert list(tmp_path.glob("*.xlsx")) == []


def test_result_and_table():
    r = bench.Result("facet_counts", [0.3, 0.1, 0.2], 0.25, "s")
    assert r.to_dict() == {"name": "facet_counts", "median": 0.2, "min": 0.1, "max": 0.3, "target": 0.25,
                           "unit": "s", "ok": True}
    assert not bench.Result("x", [2.0], 1.0).ok
    assert bench.Result("x", [2.0], None).ok
    table = bench.format_table({"results": [r.to_dict(), bench.Result("peak_rss_webengine", [12.0], None, "MB").to_dict()]})
    assert "facet_counts" in table and "oui" in table and "—" in table


def test_machine_description():
    text = bench.machine_description("6.9.9")
    assert "cores" in text and "Python" in text and "PySide6" in text and "Qt 6.9.9" in text
    assert "reference Python loop" not in text
    text = bench.machine_description(None, (0.3141, 0.5))
    assert text.endswith("reference Python loop 0.314 s (start) / 0.500 s (end)")


def test_python_speed_times_the_reference_loop():
    assert 0 < bench.python_speed(repeat=1) < 60


def test_bad_arguments_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        bench.main(["--only", "nothing"])
    assert exc.value.code == 2
    assert "indicateur inconnu" in capsys.readouterr().err


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="Linux /proc")
def test_the_probe_measures_its_own_peak_not_its_parents():
    """Linux carries ru_maxrss over exec: a probe started by a benchmark that had just
    imported 100k rows reported the benchmark's peak (694 MB) instead of its own."""
    child = ("import resource; from eco_desktop.ui.bench_probe import own_peak_mb; "
             "print(own_peak_mb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    parent = ("import subprocess, sys; big = bytearray(300 * 2**20); big[::4096] = b'x' * len(big[::4096]); "
              "del big; print(subprocess.run([sys.executable, '-c', sys.argv[1]], capture_output=True, "
              "text=True, check=True).stdout)")
    done = subprocess.run([sys.executable, "-c", parent, child], capture_output=True, text=True, timeout=120,
                          check=True)
    own, inherited = map(float, done.stdout.split())
    assert inherited > 300  # the parent's peak, as ru_maxrss gives it
    assert own < 150


@pytest.mark.slow
def test_suite_runs_at_500_actors(tmp_path):
    out = tmp_path / "bench.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    done = subprocess.run([sys.executable, "-m", "eco_desktop.bench", "--actors", "500", "--repeat", "1",
                           "--json", str(out)], capture_output=True, text=True, timeout=600, env=env,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report) == {"n", "machine", "results"}
    assert report["n"] == 500 and isinstance(report["machine"], str) and "cores" in report["machine"]
    assert "reference Python loop" in report["machine"]
    names = [r["name"] for r in report["results"]]
    assert EXPECTED <= set(names) and len(names) == len(set(names))
    for r in report["results"]:
        assert set(r) == {"name", "median", "min", "max", "target", "unit", "ok"}
        assert r["unit"] in ("s", "ratio", "MB")
        assert isinstance(r["ok"], bool)
        assert r["min"] <= r["median"] <= r["max"]
        assert r["median"] > 0
        assert r["target"] is None or r["target"] > 0
    by_name = {r["name"]: r for r in report["results"]}
    assert by_name["map_build"]["target"] == pytest.approx(0.005)
    assert by_name["window_ready"]["target"] == 2.0
    assert by_name["peak_rss_webengine"]["target"] is None
    # the table is printed with every figure
    for name in names:
        assert name in done.stdout
