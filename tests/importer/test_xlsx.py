"""importer/xlsx.py: workbooks, and the limits checked on every part of one."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from eco_desktop.errors import UserError
from eco_desktop.importer import limits, read_table

from import_helpers import fixture


def test_xlsx_title_row_merged_header_numbers_and_dates():
    table = read_table(fixture("actors_title_merged.xlsx"))
    assert table.format == "xlsx"
    assert table.sheet == "Acteurs"
    assert table.sheet_names == ["Acteurs", "Contacts"]
    # "Type", "Date de création"… span two rows; "Identité"/"Localisation" are group titles
    assert table.headers == ["Dénomination", "SIRET", "Type", "Code postal", "Ville",
                             "Date de création", "Site web", "Effectif"]
    helix, cellgenes, trap = table.rows
    assert helix[1] == "44567890700038" and "." not in helix[1]  # float -> digits
    assert cellgenes[1] == "52345678800026"                       # int -> digits
    assert helix[3] == "91400"
    assert helix[5] == "2012-05-03" and cellgenes[5] == "2015-01-01"
    assert trap[6] == '=HYPERLINK("http://evil.example")'  # text, not a formula
    assert trap[7] == "3.5"
    assert table.row_numbers == [4, 5, 6]


def test_xlsx_named_sheet_and_missing_sheet():
    table = read_table(fixture("actors_title_merged.xlsx"), sheet="Contacts")
    assert table.headers == ["Organisation", "Prénom", "Nom"]
    with pytest.raises(UserError, match="ne contient pas de feuille « Nope »"):
        read_table(fixture("actors_title_merged.xlsx"), sheet="Nope")


def test_xlsx_formula_values_not_formulas(tmp_path):
    # The workbook is opened with data_only=True: a formula gives its value as cached by
    # Excel. openpyxl writes no cached value, so the cell reads empty; the formula text never
    # leaks out as data.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Nom", "Ville"])
    ws.append(["Genopole", "=UPPER(\"evry\")"])
    path = tmp_path / "f.xlsx"
    wb.save(path)
    table = read_table(path)
    assert table.rows == [["Genopole", ""]]


_SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns='
               b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
               b'<row r="1"><c r="A1" t="inlineStr"><is><t>Nom</t></is></c>'
               b'<c r="B1" t="inlineStr"><is><t>Ville</t></is></c></row>')


_SHEET_TAIL = b"</sheetData></worksheet>"


def _workbook(path: Path, sheet_chunks, *, level: int = 1, shared: bytes | None = None) -> Path:
    """A real workbook (made by openpyxl, sheet « Acteurs ») whose first worksheet is
    replaced by the streamed ``sheet_chunks``: a few MB on disk for any inflated size."""
    import io
    import zipfile

    wb = openpyxl.Workbook()
    wb.active.title = "Acteurs"
    wb.active.append(["Nom", "Ville"])
    buffer = io.BytesIO()
    wb.save(buffer)
    source = zipfile.ZipFile(buffer)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as out:
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with out.open(info.filename, "w", force_zip64=True) as fh:
                    for chunk in sheet_chunks:
                        fh.write(chunk)
            else:
                out.writestr(info.filename, source.read(info.filename))
        if shared is not None:
            out.writestr("xl/sharedStrings.xml", shared)
    return path


def _rows_xml(rows: int, start: int = 2):
    for r in range(start, start + rows):
        yield (b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Acteur %d</t></is></c>'
               b'<c r="B%d" t="inlineStr"><is><t>Paris</t></is></c></row>' % (r, r, r, r))


def test_zip_bomb_sheet_is_refused_before_reading_quickly_with_bounded_memory(tmp_path):
    # 1.1 MB on disk, 300 MB once inflated: one cell of repeated letters, as in the
    # issue's 1.1 MB file that reached 4.7 GB (24 GB here before the limits).
    import time
    import tracemalloc

    def bomb():
        yield _SHEET_HEAD + b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
        block = b"A" * (1 << 20)
        for _ in range(300):
            yield block
        yield b"</t></is></c></row>" + _SHEET_TAIL

    path = _workbook(tmp_path / "bomb.xlsx", bomb(), level=9)
    assert path.stat().st_size < 2 * 1024 * 1024
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(UserError) as info:
            read_table(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < 5
    assert peak < 20 * 1024 * 1024
    assert str(info.value).startswith("La feuille « Acteurs » de « bomb.xlsx » occupe 300 Mo "
                                      "une fois décompressée (limite : 200 Mo)")


def test_part_compressed_too_well_is_refused_with_the_ratio(tmp_path, monkeypatch):
    def sheet():
        yield _SHEET_HEAD
        yield from _rows_xml(12_000)   # 1.3 MB of near-identical rows
        yield _SHEET_TAIL

    path = _workbook(tmp_path / "ratio.xlsx", sheet(), level=9)
    assert len(read_table(path)) == 12_000   # an ordinary ratio passes
    monkeypatch.setattr(limits, "MAX_RATIO", 10)
    with pytest.raises(UserError, match=r"fois sa taille compressée \(limite : 10 fois\)"):
        read_table(path)


def test_shared_strings_part_over_its_limit_is_named(tmp_path, monkeypatch):
    shared = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
              b'openxmlformats.org/spreadsheetml/2006/main">' + b"<si><t>x</t></si>" * 5000
              + b"</sst>")
    path = _workbook(tmp_path / "sst.xlsx", [_SHEET_HEAD, _SHEET_TAIL], shared=shared)
    monkeypatch.setattr(limits, "MAX_PART_BYTES", 50_000)
    with pytest.raises(UserError, match="La partie « xl/sharedStrings.xml » du classeur "
                                        "« sst.xlsx » occupe 83 ko une fois décompressée "
                                        r"\(limite : 49 ko\)"):
        read_table(path)


def test_lying_zip_header_cannot_inflate_more_than_it_declares(tmp_path):
    # The central directory says the sheet inflates to 1 kB; it really inflates to 50 MB.
    import struct
    import time

    def sheet():
        yield _SHEET_HEAD
        yield from _rows_xml(400_000)
        yield _SHEET_TAIL

    path = _workbook(tmp_path / "liar.xlsx", sheet())
    data = bytearray(path.read_bytes())
    member = b"xl/worksheets/sheet1.xml"
    central = data.rindex(b"PK\x01\x02", 0, data.rindex(member))
    local = struct.unpack_from("<I", data, central + 42)[0]
    struct.pack_into("<I", data, central + 24, 1000)  # central directory: uncompressed size
    if struct.unpack_from("<I", data, local + 22)[0] != 0xFFFFFFFF:
        struct.pack_into("<I", data, local + 22, 1000)
    path.write_bytes(bytes(data))
    start = time.perf_counter()
    with pytest.raises(UserError, match="n'est pas un classeur Excel lisible"):
        read_table(path)
    assert time.perf_counter() - start < 5


def test_cells_columns_and_rows_are_counted_while_reading(tmp_path, monkeypatch):
    def sheet():
        yield _SHEET_HEAD
        yield from _rows_xml(30)
        yield _SHEET_TAIL

    path = _workbook(tmp_path / "cells.xlsx", sheet())
    assert len(read_table(path)) == 30
    monkeypatch.setattr(limits, "MAX_CELLS", 50)
    with pytest.raises(UserError, match="La feuille « Acteurs » de « cells.xlsx » contient "
                                        "plus de 50 cellules"):
        read_table(path)
    monkeypatch.setattr(limits, "MAX_CELLS", 10_000_000)
    monkeypatch.setattr(limits, "MAX_ROWS", 20)
    with pytest.raises(UserError, match="dépasse la limite de 20 lignes"):
        read_table(path)


def test_too_many_columns_but_a_formatted_empty_cell_far_right_is_fine(tmp_path):
    wide = tmp_path / "wide.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Nom", "Ville"] + [f"c{i}" for i in range(600)])
    wb.active.append(["Genopole", "Évry"])
    wb.save(wide)
    with pytest.raises(UserError, match="plus de 500 colonnes"):
        read_table(wide)
    formatted = tmp_path / "formatted.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Nom", "Ville"])
    wb.active.append(["Genopole", "Évry"])
    wb.active.cell(row=2, column=16000).font = openpyxl.styles.Font(bold=True)
    wb.save(formatted)
    assert read_table(formatted).rows == [["Genopole", "Évry"]]
