"""What an import accepts, in one place: checked before a file is read and again while
it is read, so that a small hostile file (a zip bomb, a million empty cells, one
unbalanced quote) is refused in a second with bounded memory instead of exhausting it.

The import is measured at 100,000 rows in 15 s (docs/PERFORMANCE.md); the limits leave
room above that and stop well before the memory of an ordinary computer runs out. The
README's « Limites » section states them; keep both in step.
"""
from __future__ import annotations

MIB = 1024 * 1024

MAX_FILE_BYTES = 100 * MIB        # the file on disk
MAX_SHEET_BYTES = 200 * MIB       # a worksheet of a workbook, decompressed
MAX_PART_BYTES = 50 * MIB         # any other part (shared strings, styles…), decompressed:
                                  # openpyxl holds them in memory whole
MAX_RATIO = 100                   # decompressed / compressed size of one part…
RATIO_FROM = 1 * MIB              # …once it decompresses to more than this (tiny parts
                                  # of repeated XML legitimately compress far better)
MAX_ROWS = 200_000                # data rows
MAX_COLUMNS = 500                 # columns of the table (header included)
MAX_CELLS = 10_000_000            # rows x columns, and cells read from a worksheet
MAX_FIELD_CHARS = 32_767          # characters of one cell: Excel's own limit


def size_text(n: int) -> str:
    """A size in French units: 4,2 Go, 200 Mo, 12 ko."""
    for unit, scale in (("Go", MIB * 1024), ("Mo", MIB), ("ko", 1024)):
        if n >= scale:
            value = n / scale
            text = f"{value:.1f}" if value < 10 else f"{value:.0f}"
            return text.removesuffix(".0").replace(".", ",") + " " + unit
    return f"{n} octets"


def count_text(n: int) -> str:
    """A count with French thousands separators: 1 000 000."""
    return f"{n:,}".replace(",", " ")
