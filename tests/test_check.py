"""The catalogue check on healthy and damaged files, its repair and its command."""
from __future__ import annotations

import sqlite3

import pytest

from eco_desktop import check as checking
from eco_desktop import db
from eco_desktop.cli import main
from eco_desktop.catalogue import Catalogue


def raw(path):
    """A plain connection that bypasses the store, to break things on purpose."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    return conn


def test_healthy_catalogue_passes(catalogue):
    aid = catalogue.actor_ids()[0]
    catalogue.add_contact(aid, {"first_name": "Ada", "last_name": "Lovelace"})
    ids = catalogue.actor_ids()
    catalogue.delete_actors(ids[1:3])                # the trash keeps its index entries
    catalogue.purge_actors(ids[5:6])                 # a purge removes them
    catalogue.undo()
    catalogue.redo()
    report = checking.check(catalogue.path)
    assert report.ok, report.text()
    assert report.lines()[0] == "« catalogue.sqlite » : catalogue sain."
    assert f"Version du schéma : {db.schema_version()} (à jour)." in report.lines()


def test_empty_catalogue_passes(empty_catalogue):
    assert checking.check(empty_catalogue.path).ok


def test_search_index_problems_are_found_and_repaired(catalogue_path):
    conn = raw(catalogue_path)
    conn.execute("DELETE FROM actors_fts WHERE rowid = 3")
    conn.execute("UPDATE actors_fts SET body = 'rien' WHERE rowid = 4")
    conn.execute("INSERT INTO actors_fts (rowid, body) VALUES (99999, 'fantome')")
    conn.close()
    report = checking.check(catalogue_path)
    assert not report.ok
    text = report.text()
    assert "l'acteur n° 3" in text and "n'y figure pas" in text
    assert "l'acteur n° 4" in text and "n'est pas à jour" in text
    assert "99999" in text and "n'existent plus" in text
    assert report.search_index_only
    assert checking.repair_search_index(catalogue_path).ok


def test_orphans_and_outside_idf_flag(catalogue_path):
    conn = raw(catalogue_path)
    conn.execute("INSERT INTO contacts (actor_id, last_name, created_at, updated_at) VALUES (424242, 'X', '', '')")
    conn.execute("INSERT INTO relations (source_id, type, target_id, created_at) VALUES (1, 'partner_of', 515151, '')")
    conn.execute("INSERT INTO exchanges (actor_id, date, kind, created_at) VALUES (616161, '2024-01-01', 'note', '')")
    conn.execute("UPDATE actors SET departement = '60', outside_idf = 0 WHERE id = 5")
    conn.close()
    report = checking.check(catalogue_path)
    text = report.text()
    assert "Contact n° " in text and "424242" in text
    assert "Relation n° " in text and "515151" in text
    assert "Échange n° " in text and "616161" in text
    assert "département 60 hors d'Île-de-France" in text
    assert not report.search_index_only


def test_damaged_file_fails_with_french_lines(catalogue_path, tmp_path):
    data = catalogue_path.read_bytes()
    damaged = tmp_path / "damaged.sqlite"
    # keep the header, overwrite the b-tree pages in the middle of the file
    damaged.write_bytes(data[:8192] + b"\xa5" * 16384 + data[8192 + 16384:])
    report = checking.check(damaged)
    assert not report.ok
    assert report.lines()[0].startswith("« damaged.sqlite » :")
    truncated = tmp_path / "truncated.sqlite"
    truncated.write_bytes(data[:3000])
    assert not checking.check(truncated).ok


@pytest.mark.parametrize("content, words", [(b"", "vide"), (b"hello, world" * 10, "pas une base SQLite")])
def test_not_a_catalogue(tmp_path, content, words):
    path = tmp_path / "x.sqlite"
    path.write_bytes(content)
    report = checking.check(path)
    assert not report.ok and words in report.text()


def test_newer_schema_is_a_problem(catalogue_path):
    conn = raw(catalogue_path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    assert "plus récente" in checking.check(catalogue_path).text()


def test_check_does_not_modify_the_file(catalogue_path):
    before = catalogue_path.read_bytes()
    checking.check(catalogue_path)
    assert catalogue_path.read_bytes() == before


def test_check_command(catalogue_path, capsys):
    assert main(["check", "--db", str(catalogue_path)]) == 0
    assert "catalogue sain" in capsys.readouterr().out
    conn = raw(catalogue_path)
    conn.execute("DELETE FROM actors_fts WHERE rowid = 7")
    conn.close()
    assert main(["check", "--db", str(catalogue_path)]) == 1
    err = capsys.readouterr().err
    assert "problème(s) trouvé(s)" in err and "--repair" in err
    assert main(["check", "--db", str(catalogue_path), "--repair"]) == 0
    assert "catalogue sain" in capsys.readouterr().out
    with Catalogue.open(catalogue_path) as cat:
        assert cat.count(_text(cat.get_actor(7)["name"].split()[0])) >= 1


def _text(word):
    from eco_desktop.filter import Filter
    return Filter(text=word)


def test_stale_facet_rows_are_found_and_repaired(catalogue_path):
    import sqlite3 as _sqlite3
    conn = _sqlite3.connect(catalogue_path)
    conn.execute("DELETE FROM actor_values WHERE actor_id = (SELECT min(id) FROM actors WHERE domains <> '[]')")
    conn.commit()
    conn.close()
    report = checking.check(catalogue_path)
    assert not report.ok
    assert any("Index des facettes" in line for line in report.lines())
    assert checking.repair_search_index(catalogue_path).ok


@pytest.mark.parametrize("column, value", [("names", "autre nom"), ("facets", "rien"), ("stems", "rien")])
def test_every_column_of_the_full_text_row_is_checked(catalogue_path, column, value):
    conn = raw(catalogue_path)
    conn.execute(f"UPDATE actors_fts SET {column} = ? WHERE rowid = 4", (value,))
    conn.close()
    report = checking.check(catalogue_path)
    assert "l'acteur n° 4" in report.text() and "n'est pas à jour" in report.text()
    assert report.search_index_only
    assert checking.repair_search_index(catalogue_path).ok
