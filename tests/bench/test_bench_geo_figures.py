"""The map's geographic figures (eco_desktop/bench/geo_figures.py): they measure what they
say on a real catalogue; no timing is asserted."""
from __future__ import annotations

from eco_desktop.bench import figures, geo_figures
from eco_desktop.filter import Filter


def test_drawn_polygon_has_50_vertices_and_holds_paris(catalogue):
    polygon = geo_figures.drawn_polygon(0.001)
    assert polygon.vertex_count() == geo_figures.POLYGON_VERTICES == 50
    assert polygon.contains_point(48.8566, 2.3522)
    assert catalogue.count(Filter(area=polygon)) > 0


def test_figures_give_one_sample_per_measure(catalogue):
    assert len(geo_figures.bench_geo_filter(catalogue, 2)) == 4
    assert len(geo_figures.bench_territory_counts(catalogue, 3)) == 3
    assert figures.target_for("geo_filter", 100_000) == 0.05
    assert figures.target_for("territory_counts", 20_000) == 0.1
