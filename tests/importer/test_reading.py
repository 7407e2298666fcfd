"""importer/reading.py: what a file is, delimited text, bad and hostile files."""
from __future__ import annotations

from pathlib import Path

import pytest

from eco_desktop.errors import UserError
from eco_desktop.importer import limits, read_table, reading

from import_helpers import fixture


def test_cp1252_semicolon_with_title_lines():
    table = read_table(fixture("actors_cp1252.csv"))
    assert table.encoding == "cp1252"
    assert table.delimiter == ";"
    assert table.header_row == 3  # title line and blank line skipped
    assert table.headers[:3] == ["Nom", "N° SIRET", "Type de structure"]
    assert [row[0] for row in table.rows] == ["BioThéra Paris", "Cellule & Gènes SAS",
                                              "Vectoria"]
    assert table.row_numbers == [4, 5, 7]  # the blank line 6 is ignored
    # a ';' inside a quoted cell stays in the cell
    assert table.rows[0][11] == "Équipe de 12 personnes ; levée de fonds en cours"
    assert all(len(row) == len(table.headers) for row in table.rows)


def test_utf8_bom_comma_quoted_line_break_and_formula_text():
    table = read_table(fixture("actors_utf8_bom.csv"))
    assert table.encoding == "utf-8-sig"
    assert table.delimiter == ","
    assert table.headers[0] == "Name"  # no BOM left on the first header
    assert table.rows[0][8] == "Vecteurs viraux, lots cliniques\nSite pilote"
    assert table.rows[1][8] == '=HYPERLINK("http://evil.example","clic")'
    assert table.row_numbers == [2, 4, 5]  # the first record spans lines 2-3


def test_utf16_tab():
    table = read_table(fixture("actors_utf16.txt"))
    assert table.encoding == "utf-16"
    assert table.delimiter == "\t"
    assert table.rows[1][0] == "Œuvre Cellulaire"
    assert table.rows[0][4] == "Évry-Courcouronnes"


def test_utf8_without_bom_and_latin1(tmp_path):
    plain = tmp_path / "plain.csv"
    plain.write_text("Nom,Ville\nGénopole,Évry\n", encoding="utf-8")
    assert read_table(plain).encoding == "utf-8"
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Nom;Ville;Commentaire\nGénopole;Évry;à côté\n".encode("latin-1"))
    table = read_table(latin)
    assert table.rows == [["Génopole", "Évry", "à côté"]]


def test_delimiter_detection_by_counting_fallback():
    assert reading.detect_delimiter("a;b;c\n1;2,5;3\n4;5;6\n") == ";"
    assert reading.detect_delimiter("a\tb\n1\t2\n") == "\t"
    assert reading.detect_delimiter("Nom\nGenopole\n") == ","


@pytest.mark.parametrize("name, message", [
    ("empty.csv", "est vide"),
    ("header_only.csv", "Le fichier ne contient aucune ligne de données."),
    ("garbage.xlsx", "n'est pas un classeur Excel lisible"),
    ("truncated.xlsx", "n'est pas un classeur Excel lisible"),
    ("protected.xlsx", "est protégé par un mot de passe"),
    ("image.png", "est une image"),
    ("image.csv", "est une image"),
    ("duplicate_columns.csv", "La colonne « nom » apparaît deux fois"),
])
def test_bad_files(name, message):
    with pytest.raises(UserError) as info:
        read_table(fixture(name))
    assert message in str(info.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(UserError, match="n'existe pas"):
        read_table(tmp_path / "absent.csv")
    with pytest.raises(UserError, match="dossier"):
        read_table(tmp_path)


def test_binary_text_file(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(UserError, match="pas un fichier texte lisible"):
        read_table(path)


def test_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.csv"
    path.write_text("Nom;Ville\n" + "Genopole;Évry\n" * 20, encoding="utf-8")
    with pytest.raises(UserError, match="dépasse la limite de"):
        read_table(path)


def test_html_disguised_as_xls(tmp_path):
    path = tmp_path / "export.xls"
    path.write_text("<html><table><tr><td>Nom</td></tr></table></html>", encoding="utf-8")
    with pytest.raises(UserError, match="page web"):
        read_table(path)


def test_csv_columns_and_cells_limits(tmp_path, monkeypatch):
    path = tmp_path / "wide.csv"
    path.write_text(";".join(["Nom"] + [f"c{i}" for i in range(600)]) + "\nGenopole\n",
                    encoding="utf-8")
    with pytest.raises(UserError, match="ligne 1 : plus de 500 colonnes"):
        read_table(path)
    path.write_text("Nom;Ville;Type\n" + "Genopole;Évry\n" * 10, encoding="utf-8")
    monkeypatch.setattr(limits, "MAX_CELLS", 20)
    with pytest.raises(UserError, match="10 lignes × 3 colonnes, plus que la limite de 20 "
                                        "cellules"):
        read_table(path)


@pytest.mark.parametrize("body", [
    '"' * 200_000,                                  # csv's own limit (131,072) reached
    'Genopole;"' + "x" * 40_000 + '"\n',            # over Excel's 32,767 characters
], ids=["unbalanced-quote", "long-cell"])
def test_csv_field_limit_is_said_in_french(tmp_path, body):
    path = tmp_path / "quotes.csv"
    path.write_text("Nom;Ville\nHelix;Orsay\n" + body, encoding="utf-8")
    with pytest.raises(UserError) as info:
        read_table(path)
    message = str(info.value)
    assert message == ("« quotes.csv », ligne 3 : une cellule dépasse la limite de 32 767 "
                       "caractères (dans un fichier CSV, souvent un guillemet ouvert et "
                       "jamais refermé).")
    assert "field" not in message


def test_csv_is_streamed_not_held_whole(tmp_path):
    # The old reader held the bytes, the decoded text and a StringIO copy (4 bytes a
    # character) at once: 8 times the file. Streaming holds the rows and one chunk.
    import tracemalloc

    path = tmp_path / "long.csv"
    cell = "é" * 3000
    path.write_text("Nom;Description\n" + "".join(f"Acteur {i};{cell}\n" for i in range(1000)),
                    encoding="utf-8")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        table = read_table(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(table) == 1000 and table.encoding == "utf-8"
    assert peak < 3 * size


def test_utf8_decided_on_the_whole_file_while_streaming(tmp_path):
    path = tmp_path / "late.csv"
    path.write_bytes(b"Nom;Ville\n" + b"Genopole;Evry\n" * 100_000 + "Génopole;Évry\n".encode("latin-1"))
    table = read_table(path)
    assert table.encoding == "cp1252"
    assert table.rows[-1] == ["Génopole", "Évry"]


def test_file_changed_while_it_is_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "moving.csv"
    path.write_text("Nom;Ville\nGenopole;Évry\nHelix;Orsay\n", encoding="utf-8")
    build = reading.build_table

    def build_while_written(rows, name, *args):
        with path.open("a", encoding="utf-8") as fh:   # another program still writing
            fh.write("Vectoria;Paris\n")
        return build(rows, name, *args)

    monkeypatch.setattr(reading, "build_table", build_while_written)
    with pytest.raises(UserError, match="« moving.csv » a été modifié pendant l'import"):
        read_table(path)


def test_unreadable_file_is_said_in_french(tmp_path, monkeypatch):
    import errno

    path = tmp_path / "locked.csv"
    path.write_text("Nom\nGenopole\n", encoding="utf-8")

    def refuse(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(UserError) as info:
        read_table(path)
    assert str(info.value) == "Impossible de lire le fichier « locked.csv » : permission refusée."
