"""Schema migrations: fresh catalogues, upgrade from version 1, newer files refused,
files that are not catalogues."""
from __future__ import annotations

import sqlite3

import pytest

from eco_desktop import db
from eco_desktop.errors import UserError
from eco_desktop.filter import Filter
from eco_desktop.catalogue import Catalogue


def test_migrations_numbered_from_one():
    found = db.migrations()
    assert [m.version for m in found] == list(range(1, len(found) + 1))
    assert found[0].path.name == "0001_initial.sql"
    assert db.schema_version() == len(found) >= 2


def test_fresh_catalogue_is_at_latest_version(empty_catalogue):
    assert empty_catalogue.schema_version() == db.schema_version()
    tables = set(empty_catalogue.db.table_names())
    assert {"meta", "vocabulary", "actors", "contacts", "relations", "exchanges", "history_batches",
            "history_changes", "actors_fts", "saved_views", "calls", "call_entries"} <= tables
    assert empty_catalogue.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert empty_catalogue.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert empty_catalogue.meta("created_at")


def _version_1_file(path):
    conn = db.connect(path)
    assert db.migrate(conn, path, target=1) == 1
    assert db.user_version(conn) == 1
    conn.execute("INSERT INTO actors (id, name, kind, commune, created_at, updated_at) "
                 "VALUES (7, 'Ancien acteur', 'biotech', 'Évry', '2020-01-01', '2020-01-01')")
    conn.execute("INSERT INTO actors_fts (rowid, body) VALUES (7, 'ancien acteur evry')")
    conn.close()


def test_upgrade_from_version_1_keeps_data(tmp_path):
    path = tmp_path / "v1.sqlite"
    _version_1_file(path)
    with sqlite3.connect(path) as raw:
        assert "saved_views" not in {r[0] for r in raw.execute("SELECT name FROM sqlite_master")}
    with Catalogue.open(path) as cat:
        assert cat.schema_version() == db.schema_version()
        assert cat.get_actor(7)["name"] == "Ancien acteur"
        assert cat.actor_ids(Filter(text="ancien")) == [7]
        assert cat.saved_views() == []
        cat.save_view("Vue", Filter(kinds=("biotech",)))           # the new tables work
        assert [v["name"] for v in cat.saved_views()] == ["Vue"]
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == db.schema_version()


def test_version_1_read_only_cannot_be_upgraded(tmp_path):
    path = tmp_path / "v1.sqlite"
    _version_1_file(path)
    with pytest.raises(UserError, match="mis à jour.*lecture seule"):
        Catalogue.open(path, read_only=True)


def test_migrate_is_idempotent(tmp_path):
    path = tmp_path / "c.sqlite"
    conn = db.connect(path)
    assert db.migrate(conn, path) == db.schema_version()
    assert db.migrate(conn, path) == db.schema_version()
    conn.close()


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_newer_file_is_refused_and_untouched(catalogue_path, journal):
    raw = sqlite3.connect(catalogue_path)
    raw.execute(f"PRAGMA journal_mode = {journal}")
    raw.execute(f"PRAGMA user_version = {db.schema_version() + 5}")
    raw.commit()
    raw.close()
    content = catalogue_path.read_bytes()
    siblings = sorted(p.name for p in catalogue_path.parent.iterdir())
    for read_only in (False, True):
        with pytest.raises(UserError) as info:
            Catalogue.open(catalogue_path, read_only=read_only)
        message = str(info.value)
        assert "version plus récente" in message and "n'a pas été modifié" in message
        assert catalogue_path.read_bytes() == content
        if not read_only:  # (a read-only SQLite connection may leave empty -wal/-shm files)
            assert sorted(p.name for p in catalogue_path.parent.iterdir()) == siblings


def test_failed_migration_rolls_back(tmp_path, monkeypatch):
    path = tmp_path / "v1.sqlite"
    _version_1_file(path)
    broken = tmp_path / "migrations"
    broken.mkdir()
    for m in db.migrations():
        (broken / m.path.name).write_text(m.sql(), encoding="utf-8")
    (broken / "9999_x.sql").unlink(missing_ok=True)
    last = db.migrations()[-1]
    (broken / f"{last.version + 1:04d}_broken.sql").write_text(
        "CREATE TABLE half_done (x);\nTHIS IS NOT SQL;", encoding="utf-8")
    monkeypatch.setattr("eco_desktop.paths.migrations_dir", lambda: broken)
    conn = db.connect(path)
    with pytest.raises(sqlite3.Error):
        db.migrate(conn, path)
    assert db.user_version(conn) == last.version                 # the good ones were applied
    assert "half_done" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert not conn.in_transaction
    conn.close()


@pytest.mark.parametrize("content, message", [
    (b"", "vide"),
    (b"hello, this is not a database at all" * 10, "pas une base SQLite"),
    (b"SQLite format 3\x00" + b"\xff" * 200, "endommagé"),
])
def test_not_a_catalogue(tmp_path, content, message):
    path = tmp_path / "bad.sqlite"
    path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        Catalogue.open(path)
    assert path.read_bytes() == content


@pytest.mark.parametrize("read_only", [False, True])
@pytest.mark.parametrize("user_version", [0, 1])
def test_sqlite_file_without_catalogue_tables(tmp_path, read_only, user_version):
    path = tmp_path / "other.sqlite"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE t (x)")
    raw.execute(f"PRAGMA user_version = {user_version}")
    raw.commit()
    raw.close()
    content = path.read_bytes()
    # (read-only, a version-1 file without tables may be an old catalogue to upgrade)
    message = "mis à jour" if read_only and user_version == 1 else "pas un catalogue"
    with pytest.raises(UserError, match=message):
        Catalogue.open(path, read_only=read_only)
    assert path.read_bytes() == content              # never turned into a catalogue
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite"]


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(UserError, match="n'existe pas"):
        Catalogue.open(tmp_path / "absent.sqlite")
    assert not (tmp_path / "absent.sqlite").exists()
    with pytest.raises(UserError, match="dossier"):
        Catalogue.open(tmp_path)


def test_create_refuses_to_overwrite(catalogue_path):
    content = catalogue_path.read_bytes()
    with pytest.raises(UserError, match="existe déjà"):
        Catalogue.create(catalogue_path)
    assert catalogue_path.read_bytes() == content
    with pytest.raises(UserError, match="n'existe pas"):
        Catalogue.create(catalogue_path.parent / "nope" / "c.sqlite")


def test_overwriting_a_catalogue_leaves_none_of_its_log(tmp_path):
    # A catalogue left with committed pages in its WAL (a process that ended without
    # closing it), then replaced: its log must not be replayed into the new file.
    import shutil
    path = tmp_path / "c.sqlite"
    Catalogue.create(path, seed=False).close()
    writer = Catalogue.open(path)
    writer.conn.execute("PRAGMA wal_autocheckpoint = 0")
    writer.create_actor({"name": "Ancien", "kind": "biotech"})
    kept = tmp_path / "kept"
    kept.mkdir()
    for suffix in ("", "-wal", "-shm"):  # the files as a killed process leaves them
        shutil.copy(str(path) + suffix, kept / ("c.sqlite" + suffix))
    writer.close()
    for suffix in ("", "-wal", "-shm"):
        shutil.copy(kept / ("c.sqlite" + suffix), str(path) + suffix)
    fresh = Catalogue.create(path, seed=False, overwrite=True)
    try:
        assert fresh.actor_ids() == []
    finally:
        fresh.close()


def test_upgrade_to_version_5_keeps_old_batches_in_the_history_but_not_undoable(tmp_path):
    """History batches gained the session that wrote them; older batches belong to none,
    so a window opened after the upgrade never undoes what another program did before."""
    path = tmp_path / "v4.sqlite"
    conn = db.connect(path)
    db.migrate(conn, path, target=4)
    conn.execute("INSERT INTO actors (id, name, kind, created_at, updated_at) "
                 "VALUES (7, 'Ancien acteur', 'biotech', '2020-01-01', '2020-01-01')")
    conn.execute("INSERT INTO history_batches (id, at, user, label) VALUES (1, '2020-01-01', 'x', 'Créer')")
    conn.execute("INSERT INTO history_changes (batch_id, tbl, row_id, action, after, actor_id) "
                 "VALUES (1, 'actors', 7, 'insert', '{\"id\": 7}', 7)")
    conn.close()
    with Catalogue.open(path) as cat:
        assert cat.schema_version() == db.schema_version() >= 5
        assert [(b["label"], b["session"]) for b in cat.history()] == [("Créer", "")]
        assert cat.undo_label() is None and cat.undo() is None
        assert cat.get_actor(7)["name"] == "Ancien acteur"
        cat.update_actor(7, {"description": "neuf"})
        assert cat.history()[0]["session"] == cat.session and len(cat.session) == 32
        assert cat.undo() and cat.undo() is None


def test_upgrade_to_version_7_indexes_labels_and_stems(tmp_path):
    """Migration 0007 rebuilds the full-text table of an existing catalogue: the old folded
    text kept, the name, the vocabulary labels, places and stems added."""
    path = tmp_path / "v6.sqlite"
    conn = db.connect(path)
    db.migrate(conn, path, target=6)
    conn.execute("INSERT INTO actors (id, name, kind, domains, departement, created_at, updated_at) "
                 "VALUES (7, 'Ancien acteur', 'biotech', '[\"gene_therapy\"]', '91', '2020-01-01', '2020-01-01')")
    conn.execute("INSERT INTO actors_fts (rowid, body) VALUES (7, 'ancien acteur')")
    conn.commit()
    conn.close()
    with Catalogue.open(path) as cat:
        names, body, facets = cat.conn.execute(
            "SELECT names, body, facets FROM actors_fts WHERE rowid = 7").fetchone()
        assert (names, body) == ("ancien acteur", "ancien acteur")
        assert "therapie genique" in facets and "91 essonne" in facets
        assert cat.actor_ids(Filter(text="thérapies géniques")) == [7]


def test_stems_of_another_stemmer_are_remade(catalogue_path):
    """The stems are made again when the file's were made by another stemmer version."""
    from eco_desktop.catalogue.stemming import STEMMER_VERSION
    conn = db.connect(catalogue_path)
    conn.execute("UPDATE actors_fts SET stems = ''")
    conn.execute("UPDATE meta SET value = '0.0' WHERE key = 'stemmer'")
    conn.commit()
    conn.close()
    with Catalogue.open(catalogue_path) as cat:
        assert cat.conn.execute("SELECT count(*) FROM actors_fts WHERE stems = ''").fetchone()[0] == 0
        assert cat.conn.execute("SELECT value FROM meta WHERE key = 'stemmer'").fetchone()[0] == STEMMER_VERSION


def test_upgrade_to_version_8_seeds_the_synonyms_table(tmp_path):
    """Migration 0008 gives an existing catalogue the search's synonyms table, seeded from
    db/dataset/synonyms.csv (eco_bundled_synonyms())."""
    from eco_desktop.catalogue.synonyms import bundled_synonyms
    path = tmp_path / "v7.sqlite"
    conn = db.connect(path)
    db.migrate(conn, path, target=7)
    conn.close()
    with Catalogue.open(path) as cat:
        rows = cat.conn.execute("SELECT term, means, note, position FROM synonyms ORDER BY position").fetchall()
        assert [tuple(r) for r in rows] == [(s.term, s.means, s.note, n)
                                            for n, s in enumerate(bundled_synonyms().rows, start=1)]


def test_upgrade_to_version_10_adds_followups_to_old_rows(tmp_path):
    path = tmp_path / "v9.sqlite"
    conn = db.connect(path)
    db.migrate(conn, path, target=9)
    conn.execute("INSERT INTO actors (id, name, kind, created_at, updated_at) VALUES (7, 'A', 'biotech', '', '')")
    conn.execute("INSERT INTO exchanges (actor_id, date, kind, created_at) VALUES (7, '2025-01-02', 'call', '')")
    conn.execute("INSERT INTO calls (id, name, created_at, updated_at) VALUES (1, 'AAP', '', '')")
    conn.commit()
    conn.close()
    with Catalogue.open(path) as cat:
        [exchange] = cat.exchanges(7)
        assert (exchange["followup_on"], exchange["followup_by"], exchange["next_step"]) == (None, "", "")
        assert cat.get_call(1)["followup_days"] == 7
        assert cat.followups() == []


def test_upgrade_to_version_9_adds_team_sync_tables_without_setting_sync_up(tmp_path):
    """Migration 0009 (team sync) adds its tables; an upgraded catalogue is not in a team
    until sync is set up: its rows keep their ids and nothing is tracked."""
    path = tmp_path / "v8.sqlite"
    conn = db.connect(path)
    db.migrate(conn, path, target=8)
    conn.execute("INSERT INTO actors (id, name, kind, created_at, updated_at) VALUES (7, 'A', 'biotech', '', '')")
    conn.commit()
    conn.close()
    with Catalogue.open(path) as cat:
        assert {"sync_dirty", "sync_applied", "sync_conflicts", "erasures"} <= set(cat.db.table_names())
        assert not cat.sync_configured()
        assert cat.create_actor({"name": "B", "kind": "biotech"}) == 8 and cat.pending_count() == 0


def test_upgrade_to_version_11_adds_the_custom_fields_tables(tmp_path):
    """Migration 0011 gives an existing catalogue its custom fields' tables: a field can be
    defined, filled, filtered and searched at once."""
    from eco_desktop.filter import Filter
    path = tmp_path / "v10.sqlite"
    conn = db.connect(path)
    db.migrate(conn, path, target=10)
    conn.execute("INSERT INTO actors (id, name, kind, created_at, updated_at) VALUES (7, 'A', 'biotech', '', '')")
    conn.commit()
    conn.close()
    with Catalogue.open(path) as cat:
        assert {"custom_fields", "custom_choices", "custom_values"} <= set(cat.db.table_names())
        assert cat.custom_fields() == []
        cat.add_custom_field("actor", "Remarque", "text")
        cat.set_custom_values(7, {"remarque": "visite au salon Biofit"})
        assert cat.actor_ids(Filter(text="biofit")) == [7]
        assert cat.actor_ids(Filter(custom=[("remarque", "=", "Visite au salon BIOFIT")])) == [7]
