"""The benchmark's figures and results (eco_desktop/bench/figures.py)."""
from __future__ import annotations

from eco_desktop.bench import figures, suite


def test_targets_scale_with_n_only_where_said():
    assert figures.target_for("import_csv", 100_000) == 15.0
    assert figures.target_for("import_csv", 50_000) == 7.5
    assert figures.target_for("map_build", 500) == 0.005
    assert figures.target_for("window_ready", 500) == 2.0
    assert figures.target_for("export_xlsx_ratio", 1_000_000) == 1.3
    assert figures.target_for("peak_rss_webengine", 100_000) is None

def test_result_and_table():
    r = figures.Result("facet_counts", [0.3, 0.1, 0.2], 0.25, "s")
    assert r.to_dict() == {"name": "facet_counts", "median": 0.2, "min": 0.1, "max": 0.3, "target": 0.25,
                           "unit": "s", "ok": True}
    assert not figures.Result("x", [2.0], 1.0).ok
    assert figures.Result("x", [2.0], None).ok
    table = suite.format_table({"results": [r.to_dict(), figures.Result("peak_rss_webengine", [12.0], None, "MB").to_dict()]})
    assert "facet_counts" in table and "oui" in table and "—" in table
