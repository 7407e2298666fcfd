"""The private corners of openpyxl 3.1 that the export relies on, all in one place.

Why: in write-only mode openpyxl's ``WriteOnlyWorksheet._values_to_row`` tries each
value on a scratch cell, which for a cell object raises (and formats) an exception,
then allocates a new scratch cell after every styled one. That is most of the cost of
styled cells. The export hands over only ready cells, so :func:`use_cells_as_given`
replaces that method on one worksheet; :func:`set_text` stores a string as a text
cell without the value setter's type guessing (which is what turns « =… » into a
formula, and costs a third of a row).

The pin: ``openpyxl>=3.1,<3.2`` in pyproject.toml, because these names are private.
``tests/test_xlsx_fast.py`` checks each of them against the installed openpyxl and
fails loudly, naming what changed, before an upgrade can silently slow down or break
the export. If openpyxl drops ``_values_to_row``, :func:`use_cells_as_given` returns
False and the export still works, at openpyxl's own speed.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

__all__ = ["use_cells_as_given", "set_text"]


def _cells_to_row(cells: Sequence[Any], row_idx: int) -> Iterator[Any]:
    """Stand-in for ``WriteOnlyWorksheet._values_to_row`` when every value is a cell
    (or None): each cell is placed and yielded as it is."""
    col = 0
    for cell in cells:
        col += 1
        if cell is None:
            continue
        cell.row = row_idx
        cell.column = col
        link = cell._hyperlink
        if link is not None:
            link.ref = cell.coordinate
        yield cell


def use_cells_as_given(ws) -> bool:
    """Make ``ws.append`` take a list of cells as they are; False when this openpyxl
    has no such step to replace (the rows are then written the slow, public way)."""
    if not callable(getattr(ws, "_values_to_row", None)):
        return False
    ws._values_to_row = _cells_to_row
    return True


def set_text(cell, text: str) -> None:
    """``text`` as a text cell, never a formula nor an error code (``text`` is clean)."""
    cell._value = text
    cell.data_type = "s"
