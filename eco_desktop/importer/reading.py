"""Read a spreadsheet (xlsx) or a delimited text file (csv, tsv, txt) into a :class:`Table`.

What people send: a cp1252 CSV with ``;`` from French Excel, a UTF-8 CSV with or without a
BOM, a UTF-16 "Unicode text" export, a workbook whose first rows are a title and a
two-level (merged) header. Everything is returned as trimmed strings; the header row is
found by looking for the first row naming known fields. Bad files raise a
:class:`~eco_desktop.errors.UserError` with a French sentence.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import posixpath
import re
import statistics
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from ..errors import UserError, os_error_text
from . import limits
from .limits import count_text, size_text
from .mapping import header_key, is_known_header

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
    header_row: int = 1          # 0: the file has no header row (columns named A, B…)
    header_guessed: bool = False  # no header row, found by looking at the first row
    format: str = "csv"          # "csv" or "xlsx"
    path: Path | None = None
    fingerprint: Fingerprint | None = None   # the file as it was read

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Fingerprint:
    """What tells that a file changed: an editor saving it, a program still writing it,
    a copy made over it keeping its date (hence the content's hash too)."""

    size: int
    mtime_ns: int
    inode: int
    digest: bytes


def _unreadable_file(path: Path, exc: OSError) -> UserError:
    return UserError(f"Impossible de lire le fichier « {path.name} » : {os_error_text(exc)}.")


def _stat(path: Path):
    try:
        status = path.stat()
    except FileNotFoundError:
        raise UserError(f"Le fichier « {path} » n'existe pas.") from None
    except OSError as exc:
        raise _unreadable_file(path, exc) from None
    if path.is_dir():
        raise UserError(f"« {path.name} » est un dossier, pas un fichier.")
    return status


def file_fingerprint(path: str | Path) -> Fingerprint:
    """The file's size, date, inode and content hash (read in 1 MiB chunks)."""
    path = Path(path)
    status = _stat(path)
    # Not a defence against an adversary, a check against a changing file: SHA-1 is the
    # fastest hash here (the CPU's SHA instructions: 30 MB in 20 ms, blake2b 60 ms).
    digest = hashlib.sha1(usedforsecurity=False)
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise _unreadable_file(path, exc) from None
    return Fingerprint(status.st_size, status.st_mtime_ns, status.st_ino, digest.digest())


def ensure_unchanged(table: Table) -> None:
    """Raise the French sentence when the file of ``table`` is no longer the one read:
    rows from two versions of a file, or from a file half written, are never imported."""
    if table.path is None or table.fingerprint is None:
        return  # a table built in memory
    try:
        now = file_fingerprint(table.path)
    except UserError:
        now = None
    if now != table.fingerprint:
        raise UserError(f"Le fichier « {table.path.name} » a été modifié pendant l'import "
                        "(taille, date ou contenu) : rien n'a été importé. Attendez que le "
                        "programme qui l'écrit ait terminé, puis relancez l'import.")


def read_table(path: str | Path, sheet: str | None = None, header: bool | None = None) -> Table:
    """Read ``path`` (xlsx, csv, tsv, txt) into a Table; the sheet by name for a workbook.

    ``header``: whether the file has a header row; None looks (a first row of SIRETs,
    postcodes and e-mails is data, not the columns' names). The file is checked against :mod:`.limits` before it is read and while it is read;
    a file that changes meanwhile is refused."""
    path = Path(path)
    name = path.name
    size = _stat(path).st_size
    if size == 0:
        raise UserError(f"Le fichier « {name} » est vide.")
    if size > limits.MAX_FILE_BYTES:
        raise UserError(f"Le fichier « {name} » occupe {size_text(size)} et dépasse la limite "
                        f"de {size_text(limits.MAX_FILE_BYTES)} : découpez-le en plusieurs "
                        "fichiers.")
    before = file_fingerprint(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(8192)
    except OSError as exc:
        raise _unreadable_file(path, exc) from None

    kind = _sniff_kind(path, head)
    if kind == "xlsx":
        table = _read_xlsx(path, sheet, header)
    else:
        table = _read_text(path, header)
    table.path = path
    table.fingerprint = before
    ensure_unchanged(table)
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


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _relationships(archive: zipfile.ZipFile, sizes: dict[str, int], part: str
                   ) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part) of ``part`` ("" for the package)."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if sizes.get(rels, limits.MAX_PART_BYTES + 1) > limits.MAX_PART_BYTES:
        return {}
    out = {}
    for element in ElementTree.fromstring(archive.read(rels)):
        target = element.get("Target", "")
        if element.get("TargetMode") == "External" or not target:
            continue
        target = target[1:] if target.startswith("/") else posixpath.join(folder, target)
        out[element.get("Id", "")] = (element.get("Type", ""), posixpath.normpath(target))
    return out


def _sheet_parts(archive: zipfile.ZipFile, sizes: dict[str, int]) -> dict[str, str]:
    """Worksheet part -> the sheet's name, from the workbook's own small parts; {} when
    they cannot be read (the caller then names parts by their path)."""
    try:
        workbook = next((target for kind, target in _relationships(archive, sizes, "").values()
                         if kind.endswith("/officeDocument")), "xl/workbook.xml")
        if sizes.get(workbook, limits.MAX_PART_BYTES + 1) > limits.MAX_PART_BYTES:
            return {}
        targets = _relationships(archive, sizes, workbook)
        out = {}
        for element in ElementTree.fromstring(archive.read(workbook)).iter():
            if _local(element.tag) != "sheet":
                continue
            rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
            if rid in targets:
                out[targets[rid][1]] = element.get("name", "")
        return out
    except (ElementTree.ParseError, KeyError, ValueError, zipfile.BadZipFile, OSError,
            EOFError, RuntimeError, NotImplementedError):
        return {}


def _check_parts(path: Path, unreadable: str) -> None:
    """Refuse a workbook whose parts would inflate beyond the limits, before openpyxl
    reads any of them (it holds the shared strings and styles whole).

    The sizes are those the zip declares; zipfile never inflates a part beyond its
    declared size (a lying header ends in a CRC error), so they bound what reading costs.
    """
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            sizes = {info.filename: info.file_size for info in infos}
            sheets = _sheet_parts(archive, sizes)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError) as exc:
        raise UserError(unreadable) from exc
    for info in infos:
        sheet = sheets.get(info.filename)
        is_sheet = sheet is not None or info.filename.startswith("xl/worksheets/")
        limit = limits.MAX_SHEET_BYTES if is_sheet else limits.MAX_PART_BYTES
        what = (f"La feuille « {sheet} » de « {name} »" if sheet is not None else
                f"La partie « {info.filename} » du classeur « {name} »")
        if info.file_size > limit:
            raise UserError(f"{what} occupe {size_text(info.file_size)} une fois décompressée "
                            f"(limite : {size_text(limit)}) : enregistrez les données dans un "
                            "classeur plus petit ou au format .csv.")
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > limits.RATIO_FROM and ratio > limits.MAX_RATIO:
            raise UserError(f"{what} occupe {size_text(info.file_size)} une fois décompressée, "
                            f"{count_text(int(ratio))} fois sa taille compressée (limite : "
                            f"{limits.MAX_RATIO} fois) : le classeur est anormal ; enregistrez "
                            "les données au format .csv.")


def _sheet_limit(name: str, sheet: str, what: str) -> UserError:
    return UserError(f"La feuille « {sheet} » de « {name} » {what} : découpez-la en "
                     "plusieurs fichiers.")


def _read_xlsx(path: Path, sheet: str | None, header: bool | None = None) -> Table:
    import openpyxl  # imported here: reading a CSV need not load it
    from openpyxl.utils.exceptions import InvalidFileException

    name = path.name
    unreadable = (f"« {name} » n'est pas un classeur Excel lisible (fichier endommagé ou "
                  "d'un autre format).")
    _check_parts(path, unreadable)
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
            # Stored dimensions are often wrong (LibreOffice declares a million rows for a
            # formatted column): the limits are checked on the cells really read.
            worksheet.reset_dimensions()
        max_columns, max_cells = limits.MAX_COLUMNS, limits.MAX_CELLS

        def rows() -> Iterator[tuple[int, list[str]]]:
            cells = 0
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                cells += len(values)
                if cells > max_cells:
                    raise _sheet_limit(name, sheet, f"contient plus de {count_text(max_cells)} "
                                       "cellules (limite)")
                if len(values) > max_columns:
                    # Empty cells far to the right (a formatted row) do not count.
                    if any(v is not None and v != "" for v in values[max_columns:]):
                        raise _sheet_limit(name, sheet, f"a plus de {count_text(max_columns)} "
                                           "colonnes (limite)")
                    values = values[:max_columns]
                yield number, [_cell_text(v) for v in values]

        try:
            table = _build_table(rows(), name, header)
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

_CHUNK = 1 << 20
_HEAD_BYTES = 512 * 1024    # what charset-normalizer looks at


def _binary(name: str) -> UserError:
    return UserError(f"« {name} » n'est pas un fichier texte lisible (contenu binaire) : "
                     "importez un fichier .xlsx ou .csv.")


def _text_encoding(path: Path, name: str) -> tuple[str, str]:
    """(encoding, errors) of a text file, read in chunks: BOMs first, then strict UTF-8
    over the whole file, then charset-normalizer on its head."""
    try:
        with path.open("rb") as fh:
            head = fh.read(_HEAD_BYTES)
            if head.startswith(b"\xef\xbb\xbf"):
                return "utf-8-sig", "replace"
            if head.startswith((b"\xff\xfe", b"\xfe\xff")):
                return "utf-16", "strict"
            sample = head[:4096]
            if b"\x00" in sample:
                # UTF-16 without a BOM shows NULs on every other byte of ASCII text.
                even, odd = sample[0::2].count(0), sample[1::2].count(0)
                half = len(sample) // 2
                for encoding, zeros in (("utf-16-le", odd), ("utf-16-be", even)):
                    if zeros > 0.4 * half and min(even, odd) < 0.05 * half:
                        return encoding, "strict"
                raise _binary(name)
            decoder = codecs.getincrementaldecoder("utf-8")()
            try:
                decoder.decode(head)
                while chunk := fh.read(_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
                return "utf-8", "strict"
            except UnicodeDecodeError:
                pass
    except OSError as exc:
        raise _unreadable_file(path, exc) from None
    from charset_normalizer import from_bytes

    best = from_bytes(head, cp_isolation=["cp1252", "latin_1", "iso8859_15", "mac_roman",
                                          "cp850", "utf_8"]).best()
    encoding = best.encoding if best is not None else "cp1252"
    if encoding in ("latin_1", "iso8859_15", "utf_8"):
        encoding = "cp1252"  # Windows' superset of latin-1; UTF-8 already failed
    return encoding, "replace"


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


def _read_text(path: Path, header: bool | None = None) -> Table:
    """The rows of a delimited text file, streamed: the file is never held whole."""
    name = path.name
    encoding, errors = _text_encoding(path, name)
    unreadable = f"« {name} » n'est pas un fichier texte lisible."
    try:
        with path.open("r", encoding=encoding, errors=errors, newline="") as fh:
            head = fh.read(65536)
    except UnicodeDecodeError:
        raise UserError(unreadable) from None
    except OSError as exc:
        raise _unreadable_file(path, exc) from None
    bom = head.startswith("\ufeff")
    head = head.removeprefix("\ufeff")
    if _looks_binary(head):
        raise _binary(name)
    if not head.strip() and len(head) < 65536:
        raise UserError(f"Le fichier « {name} » est vide.")
    if head.lstrip()[:15].lower().startswith(("<!doctype", "<html", "<?xml", "<table")):
        raise UserError(f"« {name} » est une page web ou un fichier XML, pas un tableau : "
                        "ouvrez-le dans Excel et enregistrez-le au format .xlsx ou .csv.")
    sample = head
    if len(head) == 65536 and "\n" in sample:
        sample = sample[:sample.rindex("\n")]
    delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") else detect_delimiter(sample)

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            fh = path.open("r", encoding=encoding, errors=errors, newline="")
        except OSError as exc:
            raise _unreadable_file(path, exc) from None
        with fh:
            lines: Iterable[str] = fh
            if bom:
                lines = _without_bom(fh)
            reader = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True,
                                strict=False)
            previous = 0
            try:
                for record in reader:
                    start, previous = previous + 1, reader.line_num
                    yield start, list(map(str.strip, record))
            except csv.Error as exc:
                start = previous + 1
                if "field limit" in str(exc):
                    raise _field_too_long(name, start) from None
                raise UserError(f"« {name} » n'est pas un fichier CSV lisible (ligne "
                                f"{start}).") from None
            except UnicodeDecodeError:
                raise UserError(unreadable) from None
            except OSError as exc:
                raise _unreadable_file(path, exc) from None

    table = _build_table(rows(), name, header)
    table.format = "csv"
    table.encoding = encoding
    table.delimiter = delimiter
    return table


def _without_bom(lines: Iterable[str]) -> Iterator[str]:
    iterator = iter(lines)
    first = next(iterator, None)
    if first is not None:
        yield first.removeprefix("\ufeff")
    yield from iterator


def _field_too_long(name: str, row: int) -> UserError:
    return UserError(f"« {name} », ligne {row} : une cellule dépasse la limite de "
                     f"{count_text(limits.MAX_FIELD_CHARS)} caractères (dans un fichier CSV, "
                     "souvent un guillemet ouvert et jamais refermé).")


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


def _build_table(rows: Iterable[tuple[int, list[str]]], name: str,
                 has_header: bool | None = None) -> Table:
    max_rows, max_columns, max_chars = limits.MAX_ROWS, limits.MAX_COLUMNS, limits.MAX_FIELD_CHARS

    def check(number: int, cells: list[str]) -> None:
        if len(cells) > max_columns:
            raise UserError(f"« {name} », ligne {number} : plus de {count_text(max_columns)} "
                            "colonnes (limite) : gardez seulement les colonnes à importer.")
        if max(map(len, cells)) > max_chars:
            raise _field_too_long(name, number)

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
