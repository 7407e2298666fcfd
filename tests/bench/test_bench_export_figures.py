"""The export's figures (eco_desktop/bench/export_figures.py)."""
from __future__ import annotations

import openpyxl

from eco_desktop.bench import export_figures, figures


def test_export_command_ratio_times_the_command_as_a_process(tmp_path):
    from eco_desktop.bench.synth import build_synthetic_catalogue
    catalogue = build_synthetic_catalogue(tmp_path / "bench.sqlite", 200)
    try:
        ratios = export_figures.bench_export_command(catalogue, tmp_path / "bench.sqlite", tmp_path, 1)
    finally:
        catalogue.close()
    # the process starts Python and reads the catalogue: always slower than the bare writer
    assert len(ratios) == 1 and ratios[0] > 1
    assert figures.target_for("export_command_ratio", 100_000) == 1.3
    assert list(tmp_path.glob("*.xlsx")) == []


def test_the_bare_baseline_writes_the_same_cells(tmp_path):
    rows = [["Nom", "SIREN"], ["A", "012345678"]]
    export_figures.raw_write_only(tmp_path / "raw.xlsx", rows)
    ws = openpyxl.load_workbook(tmp_path / "raw.xlsx").active
    assert [[c.value for c in r] for r in ws.iter_rows()] == rows
