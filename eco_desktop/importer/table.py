"""A :class:`Table` of trimmed strings, and how the rows a file gives become one.

The header row is the first row naming known fields (else the first of the widest
rows); a two-level (merged) header is joined; a first row of SIRETs, postcodes and
e-mails is data, not the columns' names. The limits on rows, columns, cells and cell
length (limits.py) are checked row by row, as the file is read.
"""
from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from ..errors import UserError
from . import limits
from .limits import count_text
from .mapping import header_key, is_known_header

HEADER_SCAN_ROWS = 30          # rows looked at to find the header row


@dataclass(frozen=True)
class Fingerprint:
    """What tells that a file changed: an editor saving it, a program still writing it,
    a copy made over it keeping its date (hence the content's hash too)."""

    size: int
    mtime_ns: int
    inode: int
    digest: bytes


@dataclass
class Table:
    """A rectangular table of trimmed strings with the header row already taken out.

    ``row_numbers[i]`` is the line (csv) or row (xlsx) number of ``rows[i]`` in the file,
    counted from 1, for messages ("ligne 12 : …").
    """

    headers: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    sheet_names: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int = 1          # 0: the file has no header row (columns named A, B…)
    header_guessed: bool = False  # no header row, found by looking at the first row
    format: str = "csv"          # "csv" or "xlsx"
    path: Path | None = None
    fingerprint: Fingerprint | None = None   # the file as it was read

    def __len__(self) -> int:
        return len(self.rows)


def field_too_long(name: str, row: int) -> UserError:
    return UserError(f"« {name} », ligne {row} : une cellule dépasse la limite de "
                     f"{count_text(limits.MAX_FIELD_CHARS)} caractères (dans un fichier CSV, "
                     "souvent un guillemet ouvert et jamais refermé).")


def _nonempty(cells: list[str]) -> int:
    return sum(1 for c in cells if c)


def _known(cells: list[str]) -> int:
    return sum(1 for c in cells if c and is_known_header(c))


def _find_header(sample: list[list[str]]) -> int:
    """Index of the header row: the first naming >= 2 known fields, else the first row as
    wide as the data (title lines above a table hold one cell)."""
    for index, cells in enumerate(sample):
        if _known(cells) >= 2:
            return index
    counts = [_nonempty(cells) for cells in sample]
    target = statistics.median_low(counts[1:]) if len(counts) > 1 else counts[0]
    for index, count in enumerate(counts):
        if count >= target:
            return index
    return 0


# What a data cell looks like and a column's name never does: an identifier, a postcode,
# a number, a phone, a date, an e-mail, a web address.
_DATA_CELL = re.compile(r"[+(]?\d[\d\s.,/:()-]*|[^@\s]+@[^@\s]+\.\w+|(?:https?://|www\.)\S+",
                        re.IGNORECASE)


def _data_shaped(cell: str) -> bool:
    return bool(cell) and _DATA_CELL.fullmatch(cell) is not None


def _looks_like_data(sample: list[list[str]], index: int) -> bool:
    """Whether the row ``index`` (the header row found by the shape of the table) is a
    first row of data: no known header in it, and data-shaped cells in at least half of its
    filled columns, in columns whose next cells are data-shaped too (a header « 2021 » over
    names is still a header; « Nom;2020;2021 » over numbers too)."""
    cells = sample[index]
    filled = [i for i, cell in enumerate(cells) if cell]
    if not filled or _known(cells):
        return False
    below = sample[index + 1:index + 11]
    shaped = 0
    for i in filled:
        if not _data_shaped(cells[i]):
            continue
        column = [row[i] for row in below if i < len(row) and row[i]]
        if not column or sum(map(_data_shaped, column)) * 2 >= len(column):
            shaped += 1
    return shaped * 2 >= len(filled)


def _is_header_like(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return bool(filled) and all(is_known_header(c) for c in filled)


def _merge_header(sample: list[list[str]], index: int) -> tuple[list[str], int]:
    """The header with the parts of a merged two-row header filled in.

    Read-only workbooks do not expose merged ranges: a merged cell leaves its value in its
    first cell and the others empty. So a cell spanning two rows shows in the upper row
    only, a group title spanning columns in one cell of the upper row. Returns the header
    and the index of its last row.
    """
    header = list(sample[index])
    last = index
    if index + 1 < len(sample) and _is_header_like(sample[index + 1]):
        below = sample[index + 1]
        width = max(len(header), len(below))
        header += [""] * (width - len(header))
        header = [(below[i] if i < len(below) and below[i] else header[i])
                  for i in range(width)]
        last = index + 1
    if index > 0:
        above = sample[index - 1]
        for i, cell in enumerate(above):
            if cell and is_known_header(cell):
                if i >= len(header):
                    header += [""] * (i + 1 - len(header))
                if not header[i]:
                    header[i] = cell
    return header, last


def _column_name(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return f"Colonne {letters}"


def _trim(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end] if end != len(cells) else cells


def build_table(rows: Iterable[tuple[int, list[str]]], name: str,
                has_header: bool | None = None) -> Table:
    max_rows, max_columns, max_chars = limits.MAX_ROWS, limits.MAX_COLUMNS, limits.MAX_FIELD_CHARS

    def check(number: int, cells: list[str]) -> None:
        if len(cells) > max_columns:
            raise UserError(f"« {name} », ligne {number} : plus de {count_text(max_columns)} "
                            "colonnes (limite) : gardez seulement les colonnes à importer.")
        if max(map(len, cells)) > max_chars:
            raise field_too_long(name, number)

    iterator = iter(rows)
    sample: list[tuple[int, list[str]]] = []
    for number, cells in iterator:
        cells = _trim(cells)
        if cells:
            check(number, cells)
            sample.append((number, cells))
            if len(sample) >= HEADER_SCAN_ROWS:
                break
    if not sample:
        raise UserError(f"Le fichier « {name} » est vide.")
    cells_of = [cells for _n, cells in sample]
    index = _find_header(cells_of)
    guessed = has_header is None and _looks_like_data(cells_of, index)
    if has_header is False or guessed:
        # Every row is data (a title line above the table stays out): columns A, B…
        header, last, header_row = [], index - 1, 0
    else:
        header, last = _merge_header(cells_of, index)
        header_row = sample[index][0]

    data: list[list[str]] = []
    numbers: list[int] = []

    def add(number: int, cells: list[str]) -> None:
        if len(data) >= max_rows:
            raise UserError(f"Le fichier « {name} » dépasse la limite de "
                            f"{count_text(max_rows)} lignes : découpez-le en plusieurs "
                            "fichiers.")
        data.append(cells)
        numbers.append(number)

    for number, cells in sample[last + 1:]:
        add(number, cells)
    for number, cells in iterator:
        cells = _trim(cells)
        if cells:
            check(number, cells)
            add(number, cells)
    if not data:
        raise UserError("Le fichier ne contient aucune ligne de données.")

    width = max(len(header), max(len(cells) for cells in data))
    if len(data) * width > limits.MAX_CELLS:
        # Short rows are padded to the widest one: what memory holds is rows x width.
        raise UserError(f"« {name} » compte {count_text(len(data))} lignes × "
                        f"{count_text(width)} colonnes, plus que la limite de "
                        f"{count_text(limits.MAX_CELLS)} cellules : découpez-le en plusieurs "
                        "fichiers ou gardez seulement les colonnes à importer.")
    headers = [h or _column_name(i) for i, h in enumerate(header + [""] * (width - len(header)))]
    for cells in data:
        if len(cells) < width:
            cells.extend([""] * (width - len(cells)))

    seen: dict[str, str] = {}
    for i, h in enumerate(headers):
        if i < len(header) and not header[i]:
            continue  # a generated "Colonne X" name
        key = header_key(h) or h
        if key in seen:
            raise UserError(f"La colonne « {h} » apparaît deux fois dans l'en-tête du fichier : "
                            "renommez l'une des deux.")
        seen[key] = h
    return Table(headers=headers, rows=data, row_numbers=numbers, header_row=header_row,
                 header_guessed=guessed)
