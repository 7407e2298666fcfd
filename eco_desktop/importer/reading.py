"""Read a spreadsheet (xlsx) or a delimited text file (csv, tsv, txt) into a :class:`Table`.

What people send: a cp1252 CSV with ``;`` from French Excel, a UTF-8 CSV with or without a
BOM, a UTF-16 "Unicode text" export, a workbook whose first rows are a title and a
two-level (merged) header. Everything is returned as trimmed strings; the header row is
found by looking for the first row naming known fields. Bad files raise a
:class:`~eco_desktop.errors.UserError` with a French sentence. This module tells what the
file is and reads delimited text; xlsx.py reads workbooks, table.py makes the Table.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import statistics
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import UserError, os_error_text
from . import limits
from .limits import size_text
from .table import Fingerprint, Table, build_table, field_too_long
from .xlsx import read_xlsx

DELIMITERS = ";,\t"

XLSX_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab"}

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00",
                b"MM\x00*")
_PDF_MAGIC = b"%PDF"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


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
        table = read_xlsx(path, sheet, header)
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
                    raise field_too_long(name, start) from None
                raise UserError(f"« {name} » n'est pas un fichier CSV lisible (ligne "
                                f"{start}).") from None
            except UnicodeDecodeError:
                raise UserError(unreadable) from None
            except OSError as exc:
                raise _unreadable_file(path, exc) from None

    table = build_table(rows(), name, header)
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
