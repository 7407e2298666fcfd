"""Every bad input the app can meet: each gives a French sentence (a UserError, never
a traceback) and loses nothing."""
from __future__ import annotations

import errno
import json
import os
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest

from eco_desktop import backup, db, validate
from eco_desktop.catalogue import privacy
from eco_desktop import check as checking
from eco_desktop.errors import CatalogueBusy, ReadOnlyCatalogue, UserError
from eco_desktop.filter import Filter
from eco_desktop.opening import open_catalogue
from eco_desktop.catalogue import Catalogue

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def snapshot(path: Path) -> list[tuple]:
    """The data rows of a catalogue, to prove nothing changed."""
    with closing(sqlite3.connect(path)) as conn:
        return [(t, tuple(r)) for (t,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'actors_fts%' ORDER BY name")
            for r in conn.execute(f"SELECT * FROM [{t}] ORDER BY 1")]


# ---------------------------------------------------------------------------- files that are not catalogues

@pytest.mark.parametrize("content, message", [
    (b"Nom;Commune\nCellectis;Paris\n", "n'est pas un catalogue eco_desktop (ce n'est pas une base SQLite)"),
    (b"", "est vide"),
])
def test_not_a_catalogue_and_empty_file(tmp_path, content, message):
    path = tmp_path / "fichier.sqlite"
    path.write_bytes(content)
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Catalogue.open(path)
    assert path.read_bytes() == content                      # left as it was
    assert not checking.check(path).ok


def test_sqlite_file_that_is_not_a_catalogue(tmp_path):
    path = tmp_path / "autre.sqlite"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
    with pytest.raises(UserError, match="pas un catalogue eco_desktop"):
        Catalogue.open(path)


def test_missing_file(tmp_path):
    missing = tmp_path / "absent.sqlite"
    with pytest.raises(UserError, match="n'existe pas"):
        Catalogue.open(missing)
    with pytest.raises(UserError, match="n'existe pas"):
        open_catalogue(missing)
    assert not missing.exists()                              # nothing created in its place


def test_truncated_file(catalogue_path):
    catalogue_path.write_bytes(catalogue_path.read_bytes()[:6000])
    damaged = catalogue_path.read_bytes()
    with pytest.raises(UserError, match="endommagé"):
        with Catalogue.open(catalogue_path) as cat:
            cat.total()
    assert catalogue_path.read_bytes() == damaged
    report = checking.check(catalogue_path)
    assert not report.ok and "endommagé" in report.text()


def test_damaged_pages_are_reported_and_a_backup_restores(catalogue_path, tmp_path):
    good = backup.backup_now(catalogue_path, tmp_path / "bonne.sqlite")
    expected = snapshot(good)
    data = bytearray(catalogue_path.read_bytes())
    data[4096 * 3:4096 * 6] = b"\x5a" * (4096 * 3)            # scribble over three b-tree pages
    catalogue_path.write_bytes(bytes(data))
    report = checking.check(catalogue_path)
    assert not report.ok
    assert all(isinstance(line, str) for line in report.lines())
    backup.restore(catalogue_path, good)
    assert checking.check(catalogue_path).ok
    assert snapshot(catalogue_path) == expected


def test_newer_schema_is_refused_untouched(catalogue_path):
    with closing(sqlite3.connect(catalogue_path)) as conn:
        conn.execute(f"PRAGMA user_version = {db.schema_version() + 1}")
    before = catalogue_path.read_bytes()
    with pytest.raises(UserError, match="version plus récente d'eco_desktop"):
        Catalogue.open(catalogue_path)
    with pytest.raises(UserError, match="plus récente"):
        backup.verify_backup(catalogue_path)
    assert catalogue_path.read_bytes() == before


# ---------------------------------------------------------------------------- busy, locked

@pytest.fixture
def short_timeout(monkeypatch):
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 200)


def test_busy_catalogue_fails_with_french_message_then_retry_works(catalogue_path, short_timeout):
    cat = Catalogue.open(catalogue_path)
    other = sqlite3.connect(catalogue_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")                         # another program holds the write lock
    before = snapshot_via(cat)
    actor_id = cat.actor_ids()[0]
    with pytest.raises(CatalogueBusy) as caught:
        cat.update_actor(actor_id, {"description": "modifiée pendant le verrou"})
    assert str(caught.value).startswith("Le catalogue est utilisé par un autre programme")
    assert "Rien n'a été perdu" in str(caught.value)
    assert cat.total() == 52                                 # still readable while locked
    other.execute("ROLLBACK")
    other.close()
    assert snapshot_via(cat) == before                       # nothing half-written
    assert cat.update_actor(actor_id, {"description": "modifiée après"})   # retry works
    assert cat.get_actor(actor_id)["description"] == "modifiée après"
    cat.close()


def snapshot_via(cat: Catalogue) -> list[tuple]:
    return [tuple(r) for r in cat.conn.execute("SELECT * FROM actors ORDER BY id")]


def test_file_locked_exclusively_cannot_be_opened(catalogue_path, short_timeout):
    holder = sqlite3.connect(catalogue_path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE meta SET value = value")
    try:
        with pytest.raises(CatalogueBusy, match="utilisé par un autre programme"):
            Catalogue.open(catalogue_path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Catalogue.open(catalogue_path) as cat:
        assert cat.total() == 52


def test_second_window_sees_changes_through_data_version(catalogue_path):
    first, second = Catalogue.open(catalogue_path), Catalogue.open(catalogue_path)
    assert second.total() == 52
    assert not second.changed_elsewhere()
    new_id = first.create_actor({"name": "Nouvelle biotech", "kind": "biotech"})
    assert not first.changed_elsewhere()                     # its own writes do not count
    assert second.changed_elsewhere()
    assert not second.changed_elsewhere()                    # seen once
    assert second.total() == 53 and new_id in second.actor_ids(Filter(text="nouvelle"))
    first.close()
    second.close()


# ---------------------------------------------------------------------------- read-only

def _deny_writes(monkeypatch, *denied: Path):
    real = os.access

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and Path(path) in denied:
            return False
        return real(path, mode, *args, **kwargs)
    monkeypatch.setattr(os, "access", access)


def _assert_read_only(path: Path):
    before = path.read_bytes()
    with Catalogue.open(path) as cat:
        assert cat.read_only
        assert cat.total() == 52
        with pytest.raises(ReadOnlyCatalogue, match="lecture seule"):
            cat.create_actor({"name": "Interdit", "kind": "biotech"})
        with pytest.raises(UserError, match="lecture seule"):
            privacy.erase_person(cat, 1)
    assert path.read_bytes() == before


def test_read_only_file_simulated(catalogue_path, monkeypatch):
    _deny_writes(monkeypatch, catalogue_path)
    _assert_read_only(catalogue_path)


def test_read_only_folder_simulated(catalogue_path, monkeypatch, tmp_path):
    _deny_writes(monkeypatch, catalogue_path.parent)
    _assert_read_only(catalogue_path)
    # its daily backup goes to the user data folder instead
    monkeypatch.setattr(backup, "fallback_dir", lambda: tmp_path / "donnees" / "backups")
    copy = backup.backup_now(catalogue_path)
    assert copy.parent == tmp_path / "donnees" / "backups"


@pytest.mark.skipif(IS_ROOT, reason="root ignores file permissions")
def test_read_only_file_for_real(catalogue_path):
    catalogue_path.chmod(stat.S_IRUSR)
    try:
        _assert_read_only(catalogue_path)
    finally:
        catalogue_path.chmod(stat.S_IRUSR | stat.S_IWUSR)


@pytest.mark.skipif(IS_ROOT, reason="root ignores file permissions")
def test_read_only_folder_for_real(catalogue_path):
    folder = catalogue_path.parent
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        _assert_read_only(catalogue_path)
    finally:
        folder.chmod(stat.S_IRWXU)


def test_open_read_only_explicitly(catalogue_path):
    with Catalogue.open(catalogue_path, read_only=True) as cat:
        assert cat.read_only
        with pytest.raises(ReadOnlyCatalogue):
            cat.bulk_update(cat.actor_ids(), add={"tags": ["x"]})


# ---------------------------------------------------------------------------- disk full

def test_disk_full_during_import_rolls_everything_back(catalogue):
    before = snapshot(catalogue.path)
    pages = catalogue.conn.execute("PRAGMA page_count").fetchone()[0]
    catalogue.conn.execute(f"PRAGMA max_page_count = {pages + 3}")   # the disk fills up mid-import
    with pytest.raises(UserError, match="Le disque est plein") as caught:
        with catalogue.transaction("Import de 500 acteurs"):
            for n in range(500):
                catalogue.create_actor({"name": f"Importé {n}", "kind": "biotech", "description": "x" * 500})
    assert "Rien n'a été modifié" in str(caught.value)
    catalogue.conn.execute("PRAGMA max_page_count = 1073741823")
    assert snapshot(catalogue.path) == before
    assert catalogue.total() == 52
    assert checking.check(catalogue.path).ok
    catalogue.create_actor({"name": "Après la place libérée", "kind": "biotech"})   # and it works again
    assert catalogue.total() == 53


class _FullDisk:
    """sqlite3 stand-in whose new files can hold almost nothing (a full disk)."""

    def __init__(self):
        self.Error, self.DatabaseError, self.OperationalError = sqlite3.Error, sqlite3.DatabaseError, \
            sqlite3.OperationalError
        self.Row, self.Connection = sqlite3.Row, sqlite3.Connection

    def connect(self, *args, **kwargs):
        conn = sqlite3.connect(*args, **kwargs)
        conn.execute("PRAGMA max_page_count = 2")
        return conn


def test_disk_full_during_backup_leaves_no_partial_file(catalogue, monkeypatch):
    monkeypatch.setattr(db, "sqlite3", _FullDisk())  # the copy is written by db.copy_database
    with pytest.raises(UserError, match="disque est plein"):
        backup.backup_now(catalogue)
    folder = catalogue.path.parent / "backups"
    assert list(folder.iterdir()) == []
    assert catalogue.total() == 52


def test_disk_full_during_person_export(catalogue, tmp_path, monkeypatch):
    from eco_desktop.catalogue.privacy import person_export
    contact_id = catalogue.add_contact(catalogue.actor_ids()[0], {"last_name": "Dupont"})

    def full(wb, fh):
        fh.write(b"PK\x03\x04 partial")
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(person_export, "save_workbook", full)
    folder = tmp_path / "exports"
    folder.mkdir()
    with pytest.raises(UserError, match="Impossible d'écrire .* le disque est plein"):
        privacy.export_person(catalogue, contact_id, folder / "personne.json", folder / "personne.xlsx")
    assert list(folder.iterdir()) == []  # neither file, no temporary: both or none
    assert catalogue.get_contact(contact_id)["last_name"] == "Dupont"


def test_disk_full_during_xlsx_export(catalogue, tmp_path, monkeypatch):
    export = pytest.importorskip("eco_desktop.export")

    def full(wb, fh):
        fh.write(b"PK\x03\x04 partial")
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(export.sheets, "save_workbook", full)  # where the export saves its workbook
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "export.xlsx"
    with pytest.raises(UserError):
        export.export_xlsx(target, catalogue.actors())
    assert list(folder.iterdir()) == []                      # neither the file nor a temporary one
    assert catalogue.total() == 52


# ---------------------------------------------------------------------------- absurd values

def test_ten_megabyte_name_round_trips_without_breaking_anything(catalogue):
    name = "Biotech " + "x" * (10 * 1024 * 1024)
    actor_id = catalogue.create_actor({"name": name, "kind": "biotech"})
    assert catalogue.get_actor(actor_id)["name"] == name
    assert catalogue.total() == 53
    assert checking.check(catalogue.path).ok


def test_nul_bytes_are_dropped_by_the_api_and_read_back_from_the_file(catalogue):
    actor_id = catalogue.create_actor({"name": "Nul\x00Octet", "kind": "biotech", "description": "a\x00b"})
    actor = catalogue.get_actor(actor_id)
    assert actor["name"] == "NulOctet" and actor["description"] == "ab"      # text.storable (9f20fe7)
    assert actor_id in catalogue.actor_ids(Filter(text="nuloctet"))
    # another program may still write one: it is read back as is, and the JSON output escapes it
    catalogue.conn.execute("UPDATE actors SET description = 'a' || char(0) || 'b' WHERE id = ?", (actor_id,))
    catalogue.rebuild_search_index()
    actor = catalogue.get_actor(actor_id)
    assert actor["description"] == "a\x00b"
    assert checking.check(catalogue.path).ok
    assert "\\u0000" in json.dumps(actor)


def test_latitude_999_is_refused_in_french_and_nothing_written(catalogue):
    issues = validate.validate_actor({"name": "Loin", "lat": 999, "lon": 2.3})
    assert [i.message for i in validate.errors(issues)] == [
        "La latitude « 999 » n'est pas valide (entre -90 et 90)."]
    before = snapshot(catalogue.path)
    with pytest.raises(UserError):
        catalogue.create_actor({"name": "Loin", "kind": "biotech", "lat": 999, "lon": 2.3})
    actor_id = catalogue.actor_ids()[0]
    with pytest.raises(UserError):
        catalogue.update_actor(actor_id, {"lat": 999, "lon": 2.3})
    assert snapshot(catalogue.path) == before
    assert catalogue.total() == 52


# ---------------------------------------------------------------------------- reading while locked, read-only media

def _hold_exclusive(path: Path) -> sqlite3.Connection:
    """Another program writing the catalogue under an exclusive lock (not committed yet)."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE actors SET name = 'Nom en cours de changement' WHERE id = 1")
    return holder


def test_reading_commands_say_the_catalogue_is_being_written_instead_of_stale_data(catalogue_path,
                                                                                   short_timeout, capsys):
    from eco_desktop.cli import main
    holder = _hold_exclusive(catalogue_path)
    try:
        with pytest.raises(CatalogueBusy, match="en cours d'écriture par un autre programme"):
            Catalogue.open(catalogue_path, read_only=True)
        for command in (["list"], ["show", "1"], ["stats"]):
            assert main([*command, "--db", str(catalogue_path)]) == 1
            out, err = capsys.readouterr()
            assert out == ""                                  # no possibly stale data printed
            assert "en cours d'écriture par un autre programme" in err and "Réessayez" in err
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert main(["show", "1", "--db", str(catalogue_path)]) == 0   # once released, it reads


class _NoSharedMemory:
    """sqlite3 stand-in for a read-only medium: ``mode=ro`` cannot open the file (SQLite cannot
    create its ``-shm``), only ``immutable=1`` can."""

    def __init__(self):
        self.Error, self.DatabaseError, self.OperationalError = sqlite3.Error, sqlite3.DatabaseError, \
            sqlite3.OperationalError
        self.Row, self.Connection = sqlite3.Row, sqlite3.Connection

    def connect(self, database, *args, **kwargs):
        if "mode=ro" in str(database) and "immutable=1" not in str(database):
            raise sqlite3.OperationalError("unable to open database file")
        return sqlite3.connect(database, *args, **kwargs)


def test_read_only_medium_is_read_unlocked_with_a_warning(catalogue_path, monkeypatch, capsys):
    from eco_desktop.cli import main
    monkeypatch.setattr(db, "sqlite3", _NoSharedMemory())
    with Catalogue.open(catalogue_path, read_only=True) as cat:
        assert cat.total() == 52
        assert "peuvent ne pas être à jour" in db.stale_warning(cat.conn)
    assert main(["list", "--db", str(catalogue_path), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert len(json.loads(out)) == 52                         # stdout stays clean JSON
    assert err.startswith("eco-desktop : attention :") and "peuvent ne pas être à jour" in err
    with Catalogue.open(catalogue_path) as cat:                # a normal connection: no warning
        assert db.stale_warning(cat.conn) is None


def test_check_of_a_locked_catalogue_says_it_is_being_written_not_damaged(catalogue_path, short_timeout):
    holder = _hold_exclusive(catalogue_path)
    try:
        report = checking.check(catalogue_path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert len(report.problems) == 1
    assert "en cours d'écriture par un autre programme" in report.problems[0]
    assert "enregistrement" not in report.problems[0]          # a read was refused, nothing was written
    assert checking.check(catalogue_path).ok


def test_catalogue_in_a_folder_named_with_uri_characters(catalogue_path, tmp_path, capsys):
    from eco_desktop.cli import main
    folder = tmp_path / "Projets #2 ?100% & co"
    folder.mkdir()
    path = folder / "catalogue.sqlite"
    catalogue_path.rename(path)
    with Catalogue.open(path, read_only=True) as cat:
        assert cat.total() == 52
    with Catalogue.open(path) as cat:
        assert not cat.read_only and cat.total() == 52
    assert main(["list", "--db", str(path), "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 52
    assert backup.backup_now(path).parent == folder / "backups"
