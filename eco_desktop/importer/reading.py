"""Read a spreadsheet (xlsx) or a delimited text file (csv, tsv, txt) into a :class:`Table`.

What people send: a cp1252 CSV with ``;`` from French Excel, a UTF-8 CSV with or without a
BOM, a UTF-16 "Unicode text" export, a workbook whose first rows are a title and a
two-level (merged) header. Everything is returned as trimmed strings; the header row is
found by looking for the first row naming known fields. Bad files raise a
:class:`~eco_desktop.errors.UserError` with a French sentence.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError
from .mapping import header_key, is_known_header

MAX_BYTES = 100 * 1024 * 1024
MAX_ROWS = 1_000_000
HEADER_SCAN_ROWS = 30          # rows looked at to find the header row
DELIMITERS = ";,\t"

XLSX_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab"}

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00",
                b"MM\x00*")
_PDF_MAGIC = b"%PDF"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                           "#GETTING_DATA", "#SPILL!", "#CALC!"})


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
    header_row: int = 1
    format: str = "csv"          # "csv" or "xlsx"
    path: Path | None = None

    def __len__(self) -> int:
        return len(self.rows)


def read_table(path: str | Path, sheet: str | None = None) -> Table:
    """Read ``path`` (xlsx, csv, tsv, txt) into a Table; the sheet by name for a workbook."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UserError(f"Le fichier « {path} » n'existe pas.") from None
    except OSError as exc:
        raise UserError(f"Impossible de lire le fichier « {name} » : {exc.strerror}.") from None
    if path.is_dir():
        raise UserError(f"« {name} » est un dossier, pas un fichier.")
    if size == 0:
        raise UserError(f"Le fichier « {name} » est vide.")
    if size > MAX_BYTES:
        raise UserError(f"Le fichier « {name} » dépasse la limite de "
                        f"{MAX_BYTES // (1024 * 1024)} Mo : découpez-le en plusieurs fichiers.")
    try:
        with path.open("rb") as fh:
            head = fh.read(8192)
    except OSError as exc:
        raise UserError(f"Impossible de lire le fichier « {name} » : {exc.strerror}.") from None

    kind = _sniff_kind(path, head)
    if kind == "xlsx":
        table = _read_xlsx(path, sheet)
    else:
        table = _read_text(path)
    table.path = path
    return table


# -- what the file is -----------------------------------------------------------------------

def _sniff_kind(path: Path, head: bytes) -> str:
    name, suffix = path.name, path.suffix.lower()
    if head.startswith(_OLE_MAGIC):
        if _is_encrypted_ole(path):
            raise UserError(f"Le classeur « {name} » est protégé par un mot de passe : "
                            "enregistrez-en une copie sans mot de passe puis importez-la.")
        raise UserError(f"« {name} » est un classeur Excel 97-2003 (.xls), format non pris en "
                        "charge : enregistrez-le au format .xlsx ou .csv puis importez-le.")
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        raise UserError(f"« {name} » est une image, pas un tableau : importez un fichier "
                        ".xlsx ou .csv.")
    if head.startswith(_PDF_MAGIC):
        raise UserError(f"« {name} » est un document PDF, pas un tableau : importez un "
                        "fichier .xlsx ou .csv.")
    if head.startswith(_ZIP_MAGIC):
        if b"mimetypeapplication/vnd.oasis.opendocument" in head:
            raise UserError(f"« {name} » est un classeur OpenDocument (.ods), format non pris "
                            "en charge : enregistrez-le au format .xlsx ou .csv.")
        return "xlsx"
    if suffix in XLSX_SUFFIXES:
        raise UserError(f"« {name} » n'est pas un classeur Excel lisible (fichier endommagé "
                        "ou d'un autre format).")
    return "text"


def _is_encrypted_ole(path: Path) -> bool:
    """An encrypted OOXML workbook is an OLE container holding an 'EncryptedPackage' stream."""
    overlap = len(_ENCRYPTED_STREAM)
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            if _ENCRYPTED_STREAM in tail + chunk:
                return True
            tail = chunk[-overlap:]
    return False


# -- xlsx -------------------------------------------------------------------------------------

def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        text = value.strip()
        return "" if text in _EXCEL_ERRORS else text
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))  # identifiers read as numbers: 1.2345678901234e13
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value).strip()


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    import openpyxl  # imported here: reading a CSV need not load it
    from openpyxl.utils.exceptions import InvalidFileException

    name = path.name
    unreadable = (f"« {name} » n'est pas un classeur Excel lisible (fichier endommagé ou "
                  "d'un autre format).")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError,
            OSError, EOFError, IndexError, AttributeError) as exc:
        raise UserError(unreadable) from exc
    try:
        names = list(workbook.sheetnames)
        if sheet is None:
            if not names:
                raise UserError(f"Le classeur « {name} » ne contient aucune feuille.")
            sheet = names[0]
        elif sheet not in names:
            raise UserError(f"Le classeur « {name} » ne contient pas de feuille « {sheet} » "
                            f"(feuilles : {', '.join(names)}).")
        worksheet = workbook[sheet]
        if not hasattr(worksheet, "iter_rows"):
            raise UserError(f"La feuille « {sheet} » de « {name} » ne contient pas de tableau.")
        if hasattr(worksheet, "reset_dimensions"):
            worksheet.reset_dimensions()  # stored dimensions are often wrong

        def rows() -> Iterator[tuple[int, list[str]]]:
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                yield number, [_cell_text(v) for v in values]

        try:
            table = _build_table(rows(), name)
        except UserError:
            raise
        except Exception as exc:  # zlib/XML errors of a truncated member, raised lazily
            raise UserError(unreadable) from exc
    finally:
        workbook.close()
    table.format = "xlsx"
    table.sheet = sheet
    table.sheet_names = names
    return table


# -- csv / tsv / txt ------------------------------------------------------------------------

def _decode(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding name): BOMs first, then strict UTF-8, then charset-normalizer."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise UserError(f"« {name} » n'est pas un fichier texte lisible.") from None
    head = data[:4096]
    if b"\x00" in head:
        # UTF-16 without a BOM shows NULs on every other byte of ASCII text.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        half = len(head) // 2
        for encoding, zeros in (("utf-16-le", odd), ("utf-16-be", even)):
            if zeros > 0.4 * half and min(even, odd) < 0.05 * half:
                try:
                    return data.decode(encoding), encoding
                except UnicodeDecodeError:
                    break
        raise UserError(f"« {name} » n'est pas un fichier texte lisible (contenu binaire) : "
                        "importez un fichier .xlsx ou .csv.")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:512 * 1024],
                      cp_isolation=["cp1252", "latin_1", "iso8859_15", "mac_roman", "cp850",
                                    "utf_8"]).best()
    encoding = best.encoding if best is not None else "cp1252"
    if encoding in ("latin_1", "iso8859_15", "utf_8"):
        encoding = "cp1252"  # Windows' superset of latin-1; UTF-8 already failed
    return data.decode(encoding, errors="replace"), encoding


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    return controls > 0.01 * len(sample) + 2 or "\ufffd" * 4 in sample


def _count_score(lines: list[str], delimiter: str) -> tuple[int, int]:
    """(lines sharing the most common non-zero count, that count) for a delimiter."""
    counts = [line.count(delimiter) for line in lines]
    nonzero = [c for c in counts if c]
    if not nonzero:
        return 0, 0
    mode = statistics.mode(nonzero)
    return sum(1 for c in counts if c == mode), mode


def detect_delimiter(sample: str) -> str:
    """';', ',' or tab: csv.Sniffer restricted to those, else counting per line."""
    lines = [line for line in sample.splitlines() if line.strip()][:200]
    if not lines:
        return ","
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed and sniffed in DELIMITERS and \
            sum(1 for line in lines if sniffed in line) >= len(lines) / 2:
        return sniffed
    scores = {d: _count_score(lines, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: scores[d])
    return best if scores[best][0] else ","


def _read_text(path: Path) -> Table:
    name = path.name
    data = path.read_bytes()
    text, encoding = _decode(data, name)
    if text.startswith("\ufeff"):
        text = text[1:]
    if _looks_binary(text):
        raise UserError(f"« {name} » n'est pas un fichier texte lisible (contenu binaire) : "
                        "importez un fichier .xlsx ou .csv.")
    if not text.strip():
        raise UserError(f"Le fichier « {name} » est vide.")
    if text.lstrip()[:15].lower().startswith(("<!doctype", "<html", "<?xml", "<table")):
        raise UserError(f"« {name} » est une page web ou un fichier XML, pas un tableau : "
                        "ouvrez-le dans Excel et enregistrez-le au format .xlsx ou .csv.")
    sample = text[:65536]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[:sample.rindex("\n")]
    delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") else detect_delimiter(sample)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                        doublequote=True, strict=False)

    def rows() -> Iterator[tuple[int, list[str]]]:
        previous = 0
        try:
            for record in reader:
                start, previous = previous + 1, reader.line_num
                yield start, list(map(str.strip, record))
        except csv.Error as exc:
            raise UserError(f"« {name} » n'est pas un fichier CSV lisible (ligne "
                            f"{reader.line_num} : {exc}).") from None

    table = _build_table(rows(), name)
    table.format = "csv"
    table.encoding = encoding
    table.delimiter = delimiter
    return table


# -- header row, shape, limits -------------------------------------------------------------

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


def _build_table(rows: Iterable[tuple[int, list[str]]], name: str) -> Table:
    iterator = iter(rows)
    sample: list[tuple[int, list[str]]] = []
    for number, cells in iterator:
        cells = _trim(cells)
        if cells:
            sample.append((number, cells))
            if len(sample) >= HEADER_SCAN_ROWS:
                break
    if not sample:
        raise UserError(f"Le fichier « {name} » est vide.")
    index = _find_header([cells for _n, cells in sample])
    header, last = _merge_header([cells for _n, cells in sample], index)
    header_row = sample[index][0]

    data: list[list[str]] = []
    numbers: list[int] = []

    def add(number: int, cells: list[str]) -> None:
        if len(data) >= MAX_ROWS:
            limit = f"{MAX_ROWS:,}".replace(",", " ")
            raise UserError(f"Le fichier « {name} » dépasse la limite de {limit} lignes : "
                            "découpez-le en plusieurs fichiers.")
        data.append(cells)
        numbers.append(number)

    for number, cells in sample[last + 1:]:
        add(number, cells)
    for number, cells in iterator:
        cells = _trim(cells)
        if cells:
            add(number, cells)
    if not data:
        raise UserError("Le fichier ne contient aucune ligne de données.")

    width = max(len(header), max(len(cells) for cells in data))
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
    return Table(headers=headers, rows=data, row_numbers=numbers, header_row=header_row)
