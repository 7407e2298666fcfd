"""The benchmark keeps working (eco_desktop/bench/suite.py): a run at 500 actors, once,
and the JSON shape of GUIDE §8. No timing is asserted: the figures are for humans
reading docs/PERFORMANCE.md."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from eco_desktop.bench import suite


EXPECTED = {"open_catalogue", "search_keystroke", "facet_counts", "window_ready", "map_build", "map_ready",
            "export_xlsx_ratio", "export_command_ratio", "peak_rss_gui", "peak_rss_webengine"}

def test_bad_arguments_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        suite.main(["--only", "nothing"])
    assert exc.value.code == 2
    assert "indicateur inconnu" in capsys.readouterr().err

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
