"""importer/limits.py: the limits the README states."""
from __future__ import annotations

from pathlib import Path

from eco_desktop.importer import limits


def test_readme_states_the_import_limits_of_limits_py():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Limites", 1)[1].split("\n## ", 1)[0]
    for value in (limits.size_text(limits.MAX_FILE_BYTES), limits.size_text(limits.MAX_SHEET_BYTES),
                  limits.size_text(limits.MAX_PART_BYTES), limits.size_text(limits.RATIO_FROM),
                  f"| {limits.MAX_RATIO} |", limits.count_text(limits.MAX_ROWS),
                  f"| {limits.MAX_COLUMNS} |", limits.count_text(limits.MAX_CELLS),
                  limits.count_text(limits.MAX_FIELD_CHARS)):
        assert value in section, value
