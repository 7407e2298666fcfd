"""Backups: online copies, daily copy, rotation, listing, restore round trip, CLI."""
from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from eco_desktop import backup, paths
from eco_desktop.cli import main
from eco_desktop.errors import UserError
from eco_desktop.catalogue import Catalogue


def dump(path: Path) -> list[tuple]:
    """Every row of every user table (not the FTS shadow tables), for comparing files."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'actors_fts%' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return [(t, tuple(r)) for t in tables for r in conn.execute(f"SELECT * FROM [{t}] ORDER BY 1")]


@pytest.fixture(autouse=True)
def user_data(tmp_path, monkeypatch):
    folder = tmp_path / "userdata"
    monkeypatch.setattr(paths, "user_data_dir", lambda: folder)
    return folder


def test_backup_now_writes_a_consistent_copy_beside_the_catalogue(catalogue):
    when = datetime(2024, 3, 5, 14, 7, 9)
    copy = backup.backup_now(catalogue, now=when)
    assert copy == catalogue.path.parent / "backups" / "catalogue-20240305-140709.sqlite"
    assert dump(copy) == dump(catalogue.path)
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    # Same second again: a second name, the first copy untouched.
    again = backup.backup_now(catalogue, now=when)
    assert again != copy and again.exists() and copy.exists()


def test_backup_of_a_path_and_to_an_explicit_file(catalogue_path, tmp_path):
    target = tmp_path / "copie.sqlite"
    assert backup.backup_now(catalogue_path, target) == target
    assert dump(target) == dump(catalogue_path)
    assert not list(tmp_path.glob("*.tmp"))


def test_backup_goes_to_the_user_data_dir_when_beside_is_not_writable(catalogue, monkeypatch, user_data):
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == catalogue.path.parent
                        else real_access(p, mode, **kw))
    copy = backup.backup_now(catalogue)
    assert copy.parent == user_data / "backups"
    assert backup.list_backups(catalogue.path)[0]["path"] == copy


def test_list_backups_newest_first_with_actor_counts(catalogue):
    first = backup.backup_now(catalogue, now=datetime(2024, 1, 1, 9, 0, 0))
    catalogue.delete_actors(catalogue.actor_ids()[:4])
    second = backup.backup_now(catalogue, now=datetime(2024, 1, 2, 9, 0, 0))
    (catalogue.path.parent / "backups" / "notes.txt").write_text("autre chose")
    listed = backup.list_backups(catalogue.path)
    assert [b["path"] for b in listed] == [second, first]
    assert [b["actors"] for b in listed] == [48, 52]
    assert listed[0]["when"] == datetime(2024, 1, 2, 9, 0, 0)


def test_daily_backup_at_most_once_a_day(catalogue):
    day = datetime(2024, 6, 10, 8, 30)
    assert backup.maybe_daily_backup(catalogue, now=day) is not None
    assert backup.maybe_daily_backup(catalogue, now=day + timedelta(hours=9)) is None
    assert backup.maybe_daily_backup(catalogue, now=day + timedelta(days=1)) is not None
    assert len(backup.list_backups(catalogue.path)) == 2


def _touch(folder: Path, stem: str, when: datetime) -> Path:
    path = folder / backup.backup_name(stem, when)
    path.write_bytes(b"")
    return path


def test_rotation_keeps_ten_days_then_four_weeks(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    start = datetime(2024, 1, 1, 10, 0)   # a Monday (ISO week 1)
    made = []
    for day in range(70):
        if day % 7 == 6:                   # no copy on Sundays: "days that have one"
            continue
        for hour in (9, 18):               # two copies a day: only the newest is kept
            made.append(_touch(folder, "cat", start.replace(hour=hour) + timedelta(days=day)))
    other = _touch(folder, "autre", start)                 # another catalogue: untouched
    unrelated = folder / "cat-notes.sqlite"
    unrelated.write_bytes(b"")
    now = start + timedelta(days=69, hours=12)
    deleted = backup.rotate(folder, "cat", now)
    kept = sorted(p for p in folder.iterdir() if p.name.startswith("cat-2"))
    assert other.exists() and unrelated.exists()
    assert set(deleted) | set(kept) == set(made)
    kept_dates = [datetime.strptime(p.stem[4:], "%Y%m%d-%H%M%S") for p in kept]
    assert all(d.hour == 18 for d in kept_dates)
    days = sorted({d.date() for d in kept_dates}, reverse=True)
    assert len(days) == 14
    last_ten = days[:10]
    # the 10 most recent days that have a copy (Sundays skipped)
    expected, day = [], now.date()
    while len(expected) < 10:
        if day.weekday() != 6:
            expected.append(day)
        day -= timedelta(days=1)
    assert last_ten == expected
    weeks = [d.isocalendar()[:2] for d in days[10:]]
    assert len(set(weeks)) == 4
    # each kept weekly copy is the newest of its week among the older copies
    for d in days[10:]:
        same_week = [m for m in made if datetime.strptime(m.stem[4:], "%Y%m%d-%H%M%S").date().isocalendar()[:2]
                     == d.isocalendar()[:2] and datetime.strptime(m.stem[4:], "%Y%m%d-%H%M%S").date() < last_ten[-1]]
        assert max(same_week).name == f"cat-{d:%Y%m%d}-180000.sqlite"
    assert backup.rotate(folder, "cat", now) == []          # stable


def test_rotation_leaves_copies_dated_after_now(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    now = datetime(2024, 5, 1, 12)
    future = _touch(folder, "c", now + timedelta(days=3))
    for day in range(60):
        _touch(folder, "c", now - timedelta(days=day))
    backup.rotate(folder, "c", now)
    assert future.exists()
    assert len(list(folder.iterdir())) == 1 + 10 + 4


def test_restore_round_trip_gives_identical_data(catalogue):
    original = dump(catalogue.path)
    copy = backup.backup_now(catalogue, now=datetime(2024, 1, 1, 9))
    ids = catalogue.actor_ids()
    catalogue.bulk_update(ids[:10], add={"tags": ["après-sauvegarde"]})
    catalogue.purge_actors(ids[10:12])
    changed = dump(catalogue.path)
    assert changed != original

    safety = backup.restore(catalogue.path, copy, now=datetime(2024, 1, 2, 9))
    assert dump(catalogue.path) == original
    assert dump(safety) == changed                       # the state before restoring is kept
    # The open catalogue sees the restored content once it notices the change.
    assert catalogue.changed_elsewhere()
    assert catalogue.total() == 52
    assert catalogue.count(catalogue_filter_tag("après-sauvegarde")) == 0
    with Catalogue.open(catalogue.path) as reopened:
        assert reopened.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert reopened.total() == 52


def catalogue_filter_tag(tag):
    from eco_desktop.filter import Filter
    return Filter(tags=(tag,))


def test_restore_refuses_a_damaged_backup_and_changes_nothing(catalogue, tmp_path):
    copy = backup.backup_now(catalogue, tmp_path / "bonne.sqlite")
    damaged = tmp_path / "abimee.sqlite"
    data = bytearray(copy.read_bytes())
    data[len(data) // 2:] = b"\x00\xff" * ((len(data) - len(data) // 2) // 2)
    damaged.write_bytes(bytes(data[:len(data) // 2 + 1000]))
    before = dump(catalogue.path)
    for bad in (damaged, tmp_path / "absente.sqlite"):
        with pytest.raises(UserError):
            backup.restore(catalogue.path, bad)
    text = tmp_path / "texte.sqlite"
    text.write_text("pas une base")
    with pytest.raises(UserError, match="n'est pas un catalogue"):
        backup.restore(catalogue.path, text)
    assert dump(catalogue.path) == before
    assert backup.list_backups(catalogue.path) == []     # no safety copy for a refused restore


def test_restore_over_a_damaged_catalogue_sets_it_aside(catalogue_path, tmp_path):
    good = backup.backup_now(catalogue_path, tmp_path / "bonne.sqlite")
    catalogue_path.write_bytes(catalogue_path.read_bytes()[:5000])
    aside = backup.restore(catalogue_path, good, now=datetime(2024, 2, 2, 2, 2, 2))
    assert aside.name == "catalogue-endommage-20240202-020202.sqlite"
    assert dump(catalogue_path) == dump(good)
    assert backup.list_backups(catalogue_path) == []    # the damaged copy is out of rotation


def test_cli_backup_and_restore(catalogue_path, tmp_path, capsys):
    target = tmp_path / "cli.sqlite"
    assert main(["backup", "--db", str(catalogue_path), "-o", str(target)]) == 0
    assert "Sauvegarde enregistrée" in capsys.readouterr().out
    assert main(["backup", "--db", str(catalogue_path)]) == 0
    assert len(backup.list_backups(catalogue_path)) == 1
    with Catalogue.open(catalogue_path) as cat:
        cat.purge_actors(cat.actor_ids()[:5])
    assert main(["restore", "--db", str(catalogue_path), str(target)]) == 0
    out = capsys.readouterr().out
    assert "restauré" in out and "L'état précédent est conservé" in out
    assert dump(catalogue_path) == dump(target)
    assert main(["restore", "--db", str(catalogue_path), str(tmp_path / "nulle-part.sqlite")]) == 1
    assert "n'existe pas" in capsys.readouterr().err


# ---------------------------------------------------------------------------- restore: locks, page sizes

@pytest.fixture
def short_timeout(monkeypatch):
    from eco_desktop import db
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 300)


def _in_thread(function, *args, wait: float = 20.0):
    """Run ``function`` in a daemon thread: a call that never returns fails the test
    instead of hanging the suite. Returns the exception it raised, or its result."""
    import threading
    outcome: list = []

    def target():
        try:
            outcome.append(function(*args))
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome.append(exc)
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(wait)
    assert not thread.is_alive(), f"{function.__name__} still waiting after {wait} s"
    return outcome[0]


@pytest.mark.parametrize("lock", ["immediate", "exclusive"])
def test_restore_gives_the_busy_sentence_while_another_program_writes(catalogue_path, tmp_path, short_timeout,
                                                                      lock, capsys):
    copy = backup.backup_now(catalogue_path, tmp_path / "copie.sqlite")
    holder = sqlite3.connect(catalogue_path, isolation_level=None)
    if lock == "exclusive":
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
    else:
        holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE actors SET description = 'écrit par l''autre programme' WHERE id = 1")
    try:
        code = _in_thread(main, ["restore", "--db", str(catalogue_path), str(copy)])
        assert code == 1
        err = capsys.readouterr().err
        assert "par un autre programme" in err and "éessayez dans un instant" in err
        holder.execute("COMMIT")                        # the other program's write is not lost
    finally:
        holder.close()
    with Catalogue.open(catalogue_path) as cat:
        assert cat.get_actor(1)["description"] == "écrit par l'autre programme"
    # nothing set aside as "damaged", no half-written file left
    names = [p.name for p in catalogue_path.parent.rglob("*")]
    assert not any("endommage" in n or n.endswith((".tmp", ".restoring")) for n in names), names


@pytest.mark.parametrize("page_size", [1024, 8192])
def test_restore_a_backup_with_another_page_size(catalogue, tmp_path, page_size):
    copy = tmp_path / f"pages-{page_size}.sqlite"
    with sqlite3.connect(f"file:{catalogue.path}?mode=ro", uri=True) as source:
        source.execute(f"VACUUM INTO '{copy}'")
    with sqlite3.connect(copy) as conn:
        conn.execute(f"PRAGMA page_size = {page_size}")
        conn.execute("VACUUM")
        assert conn.execute("PRAGMA page_size").fetchone()[0] == page_size
    expected = dump(copy)
    catalogue.purge_actors(catalogue.actor_ids()[:5])
    assert catalogue.conn.execute("PRAGMA page_size").fetchone()[0] != page_size

    backup.restore(catalogue.path, copy)
    assert dump(catalogue.path) == expected
    assert catalogue.changed_elsewhere() and catalogue.total() == 52   # the open window sees it
    with Catalogue.open(catalogue.path) as reopened:
        assert reopened.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert reopened.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert not [p for p in catalogue.path.parent.iterdir() if p.name.endswith((".tmp", "-journal"))]
