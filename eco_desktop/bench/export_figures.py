"""The export's figures: our xlsx against bare openpyxl write-only writing the same cells,
in this process (``export_xlsx_ratio``) and as the ``export`` command a user runs
(``export_command_ratio``)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook

from .. import export
from ..filter import Filter
from .figures import timed


def raw_write_only(path: str | os.PathLike, rows) -> None:
    """Baseline of the export figures: the same values through a bare openpyxl write-only
    workbook (no styles, widths, links or safety)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Acteurs")
    for row in rows:
        ws.append(row)
    wb.save(path)


def bench_export(catalogue, folder: Path, repeat: int) -> list[float]:
    actors = catalogue.actors(Filter())
    labels = catalogue.value_labels()
    columns = list(export.DEFAULT_COLUMNS)
    headers = [export.ACTOR_COLUMNS[c] for c in columns]
    cells = [headers] + list(export.actor_rows(actors, columns, labels))
    ratios = []
    for i in range(repeat):
        ours = timed(lambda: export.export_xlsx(folder / f"ours-{i}.xlsx", actors, columns=columns,
                                                 labels=labels))
        raw = timed(lambda: raw_write_only(folder / f"raw-{i}.xlsx", cells))
        ratios.append(ours / raw)
        for name in (f"ours-{i}.xlsx", f"raw-{i}.xlsx"):
            (folder / name).unlink(missing_ok=True)
    return ratios


def bench_export_command(catalogue, path: Path, folder: Path, repeat: int) -> list[float]:
    """What a user waits for: the export command as a process, against the bare writer
    of the same cells in this process (the cells built beforehand, not timed)."""
    labels = catalogue.value_labels()
    columns = list(export.DEFAULT_COLUMNS)
    cells = [[export.ACTOR_COLUMNS[c] for c in columns]]
    cells += export.actor_rows(catalogue.actors(Filter()), columns, labels)
    command = [sys.executable, "-m", "eco_desktop", "export", "--db", str(path)]
    ratios = []
    for i in range(repeat):
        ours_path, raw_path = folder / f"command-{i}.xlsx", folder / f"raw-{i}.xlsx"
        ours = timed(lambda: subprocess.run(command + ["-o", str(ours_path)], check=True,
                                             stdout=subprocess.DEVNULL))
        raw = timed(lambda: raw_write_only(raw_path, cells))
        ratios.append(ours / raw)
        ours_path.unlink(missing_ok=True)
        raw_path.unlink(missing_ok=True)
    return ratios
