"""An xlsx workbook's sheet to a :class:`Table`, read as XML without trusting the file.

Every part of the archive is checked against limits.py (size, inflated size, how much
it inflates) before it is read, and the sheet is streamed: a workbook holding a zip bomb
or a million columns is refused with a French sentence, not read into memory.
"""
from __future__ import annotations

import datetime as dt
import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

from ..errors import UserError
from . import limits
from .limits import count_text, size_text
from .table import Table, build_table

_EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                           "#GETTING_DATA", "#SPILL!", "#CALC!"})


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


def read_xlsx(path: Path, sheet: str | None, header: bool | None = None) -> Table:
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
            table = build_table(rows(), name, header)
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
