"""Backups of a catalogue: copies through SQLite's online backup API, a daily copy
with rotation, the list of copies, and restoring one (all or nothing).

Copies live in ``backups/`` beside the catalogue, or in the user data folder when
that folder cannot be written, and are named ``<stem>-YYYYMMDD-HHMMSS.sqlite``.
Rotation keeps the newest copy of each of the last 10 days that have one, and the
newest copy of each of the 4 ISO weeks before those days.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
from contextlib import closing
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from . import db, paths
from .errors import CatalogueBusy, UserError, os_error_text

log = logging.getLogger(__name__)

KEEP_DAYS = 10
KEEP_WEEKS = 4
BACKUP_FOLDER = "backups"
_STAMP = "%Y%m%d-%H%M%S"

if TYPE_CHECKING:
    from .catalogue import Catalogue

CatalogueOrPath = Union["Catalogue", str, os.PathLike]


def _catalogue_path(source: Any) -> Path:
    return Path(source.path) if hasattr(source, "conn") else Path(source)


def _pattern(stem: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(stem)}-(\d{{8}}-\d{{6}})(?:-(\d+))?\.sqlite$")


def _writable_dir(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def beside_dir(catalogue_path: Path) -> Path:
    return Path(catalogue_path).parent / BACKUP_FOLDER


def fallback_dir() -> Path:
    return paths.user_data_dir() / BACKUP_FOLDER


def backup_dir(catalogue_path: Path) -> Path:
    """Where new copies of this catalogue go: beside it, else the user data folder."""
    beside = beside_dir(catalogue_path)
    if os.access(Path(catalogue_path).parent, os.W_OK) and _writable_dir(beside):
        return beside
    fallback = fallback_dir()
    if not _writable_dir(fallback):
        raise UserError(f"Impossible de créer un dossier de sauvegarde pour « {Path(catalogue_path).name} » "
                        f"(ni « {beside} » ni « {fallback} » ne sont accessibles en écriture).")
    return fallback


def backup_name(stem: str, when: datetime) -> str:
    return f"{stem}-{when.strftime(_STAMP)}.sqlite"


def _free_name(folder: Path, stem: str, when: datetime) -> Path:
    candidate = folder / backup_name(stem, when)
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{when.strftime(_STAMP)}-{number}.sqlite"
        number += 1
    return candidate


def open_for_reading(path: Path) -> sqlite3.Connection:
    """A connection that reads a catalogue file without migrating or changing it.

    When the file and its folder are writable, a normal connection with
    ``query_only``: it can recover the WAL left by a crashed writer (a ``mode=ro``
    connection cannot, and would wait, then fail). Otherwise db.connect_read_only:
    ``mode=ro``, ``immutable=1`` only on a medium where even ``mode=ro`` cannot open it.
    Either way, CatalogueBusy when another program holds the file locked beyond the busy
    timeout (said as such, not as a read failure of the file).
    """
    db.check_is_sqlite(path)
    if os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                               timeout=db.BUSY_TIMEOUT_MS / 1000)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {db.BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA query_only = ON")
        db.check_readable(conn, path)
        return conn
    conn = db.connect_read_only(path)
    if db.stale_warning(conn):
        log.warning("%s", db.stale_warning(conn))
    return conn


def backup_now(source: CatalogueOrPath, destination: str | os.PathLike | None = None, *,
               now: datetime | None = None) -> Path:
    """Copy the catalogue (an open Catalogue or a path) now; returns the copy's path."""
    path = _catalogue_path(source)
    if destination is None:
        folder = backup_dir(path)
        destination = _free_name(folder, path.stem, now or datetime.now())
    destination = Path(destination)
    if destination.exists() and destination.resolve() == path.resolve():
        raise UserError("Choisissez un autre fichier que le catalogue lui-même.")
    if not destination.parent.is_dir():
        raise UserError(f"Le dossier « {destination.parent} » n'existe pas.")
    if hasattr(source, "conn"):
        result = source.save_copy(destination)  # under the catalogue's lock
    else:
        try:
            with closing(open_for_reading(path)) as conn:
                result = db.copy_database(conn, destination)
        except sqlite3.DatabaseError as exc:
            raise db.translate_error(exc, path) from exc
    log.info("backup of %s written to %s", path, result)
    return result


# ---------------------------------------------------------------------------- listing

def _parse(path: Path, stem: str) -> tuple[datetime, int] | None:
    match = _pattern(stem).match(path.name)
    if not match:
        return None
    try:
        when = datetime.strptime(match.group(1), _STAMP)
    except ValueError:
        return None
    return when, int(match.group(2) or 1)


def _backups_in(folder: Path, stem: str) -> list[tuple[datetime, int, Path]]:
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        parsed = _parse(entry, stem)
        if parsed and entry.is_file():
            found.append((parsed[0], parsed[1], entry))
    return found


def backup_files(catalogue_path: str | os.PathLike) -> list[tuple[datetime, Path]]:
    """Every copy of this catalogue in both backup folders, newest first."""
    path = Path(catalogue_path)
    found: dict[Path, tuple[datetime, int, Path]] = {}
    for folder in (beside_dir(path), fallback_dir()):
        for item in _backups_in(folder, path.stem):
            found[item[2].resolve()] = item
    ordered = sorted(found.values(), key=lambda item: (item[0], item[1]), reverse=True)
    return [(when, file) for when, _n, file in ordered]


def count_actors(path: Path) -> int | None:
    """Actors not in the trash in a catalogue file; None when it cannot be read."""
    try:
        with closing(open_for_reading(Path(path))) as conn:
            return conn.execute("SELECT count(*) FROM actors WHERE deleted_at IS NULL").fetchone()[0]
    except (sqlite3.Error, UserError):
        return None


def list_backups(catalogue_path: str | os.PathLike) -> list[dict[str, Any]]:
    """[{path, when, actors}] newest first (``actors`` is None for an unreadable copy)."""
    return [{"path": file, "when": when, "actors": count_actors(file)}
            for when, file in backup_files(catalogue_path)]


# ---------------------------------------------------------------------------- rotation

def rotate(folder: str | os.PathLike, stem: str, now: datetime | None = None) -> list[Path]:
    """Delete the copies rotation does not keep; returns the deleted paths.

    Kept: the newest copy of each of the last ``KEEP_DAYS`` days that have one, and
    the newest of each of the ``KEEP_WEEKS`` ISO weeks (that have one) before those
    days. Copies dated after ``now`` (a clock set back) are left alone.
    """
    now = now or datetime.now()
    items = [item for item in _backups_in(Path(folder), stem) if item[0] <= now]
    items.sort(key=lambda item: (item[0], item[1]), reverse=True)
    keep: set[Path] = set()
    days: list[date] = []
    weeks: list[tuple[int, int]] = []
    for when, _n, file in items:  # newest first: the first seen of a day/week is its newest
        day = when.date()
        if day in days:
            continue
        if len(days) < KEEP_DAYS:
            days.append(day)
            keep.add(file)
            continue
        week = tuple(day.isocalendar())[:2]
        if week in weeks or len(weeks) >= KEEP_WEEKS:
            continue
        weeks.append(week)
        keep.add(file)
    deleted = []
    for _when, _n, file in items:
        if file not in keep:
            try:
                file.unlink()
                deleted.append(file)
            except OSError as exc:
                log.warning("could not delete old backup %s: %s", file, exc)
    return deleted


def maybe_daily_backup(source: CatalogueOrPath, *, now: datetime | None = None) -> Path | None:
    """Back up the catalogue unless a copy was already made today; then rotate.

    Returns the new copy's path, or None when there was already one today.
    """
    now = now or datetime.now()
    path = _catalogue_path(source)
    if any(when.date() == now.date() for when, _file in backup_files(path)):
        return None
    copy = backup_now(source, now=now)
    rotate(copy.parent, path.stem, now)
    return copy


# ---------------------------------------------------------------------------- restore

def verify_backup(backup_path: str | os.PathLike) -> int:
    """Refuse (UserError) a copy that is not a sound catalogue; returns its actor count."""
    path = Path(backup_path)
    db.check_is_sqlite(path)
    try:
        with closing(open_for_reading(path)) as conn:
            result = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
            if result != ["ok"]:
                raise UserError(f"La sauvegarde « {path.name} » est endommagée ({result[0]}) : "
                                "elle ne peut pas être restaurée.")
            if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise UserError(f"La sauvegarde « {path.name} » contient des références incohérentes : "
                                "elle ne peut pas être restaurée.")
            db.check_version(conn, path)
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "actors" not in tables:
                raise UserError(f"Le fichier « {path.name} » n'est pas une sauvegarde de catalogue eco_desktop.")
            return conn.execute("SELECT count(*) FROM actors WHERE deleted_at IS NULL").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise db.translate_error(exc, path) from exc


def _set_aside_damaged(path: Path, now: datetime) -> Path:
    """Raw copy of a catalogue the backup API cannot read (kept out of rotation)."""
    folder = backup_dir(path)
    target = folder / f"{path.stem}-endommage-{now.strftime(_STAMP)}.sqlite"
    try:
        shutil.copyfile(path, target)
    except OSError as exc:
        raise UserError(f"Impossible de mettre de côté le catalogue endommagé : {os_error_text(exc)}.") from exc
    return target


def restore(catalogue_path: str | os.PathLike, backup_path: str | os.PathLike, *,
            now: datetime | None = None) -> Path | None:
    """Replace the catalogue's content by a backup's, all or nothing.

    The backup is checked first; the current state is itself backed up (or, when
    damaged, copied aside as ``<stem>-endommage-….sqlite``). Returns the path of that
    safety copy (None when there was no catalogue file yet).
    """
    path, backup_path = Path(catalogue_path), Path(backup_path)
    now = now or datetime.now()
    if not backup_path.is_file():
        raise UserError(f"La sauvegarde « {backup_path} » n'existe pas.")
    if path.exists() and backup_path.resolve() == path.resolve():
        raise UserError("La sauvegarde choisie est le catalogue lui-même.")
    if not path.exists() and not path.parent.is_dir():
        raise UserError(f"Le dossier « {path.parent} » n'existe pas : le catalogue ne peut pas y être restauré.")
    verify_backup(backup_path)
    safety: Path | None = None
    replace_file = not path.exists()
    if path.exists():
        try:
            safety = backup_now(path, now=now)
        except CatalogueBusy:
            raise  # not damaged: another program is writing it, and replacing the file would lose that
        except UserError:
            safety = _set_aside_damaged(path, now)
            replace_file = True
    try:
        with closing(open_for_reading(backup_path)) as source:
            if replace_file:
                _replace_file(source, backup_path, path)
            else:
                _replace_content(source, backup_path, path)
    except sqlite3.DatabaseError as exc:
        raise db.translate_error(exc, path) from exc
    log.info("restored %s from %s (previous state in %s)", path, backup_path, safety)
    return safety


def _replace_content(source: sqlite3.Connection, source_path: Path, path: Path) -> None:
    """Copy every page into the live catalogue in one write transaction (other
    connections see the new content, or the old one, never a mix)."""
    converted = path.with_name(path.name + ".pagesize.tmp")
    with closing(db.connect(path)) as target:
        page_size = target.execute("PRAGMA page_size").fetchone()[0]
        if source.execute("PRAGMA page_size").fetchone()[0] != page_size:
            # The backup API cannot change a WAL database's page size (SQLITE_READONLY):
            # bring the copy to the catalogue's page size first.
            try:
                with closing(_with_page_size(source, source_path, converted, page_size)) as same_size:
                    db.copy_pages(same_size, target, path)
            finally:
                db.discard_database_files(converted)
        else:
            db.copy_pages(source, target, path)  # pages=-1: one step, one transaction
        target.execute("PRAGMA journal_mode = WAL")
        target.execute("PRAGMA wal_checkpoint(PASSIVE)")


def _with_page_size(source: sqlite3.Connection, source_path: Path, tmp: Path,
                    page_size: int) -> sqlite3.Connection:
    """A copy of ``source`` in ``tmp`` whose pages are ``page_size`` bytes (a new file in
    rollback-journal mode, where VACUUM may change the page size)."""
    db.remove_database_files(tmp)
    conn = sqlite3.connect(str(tmp), isolation_level=None)
    try:
        db.copy_pages(source, conn, source_path)
        conn.execute(f"PRAGMA page_size = {int(page_size)}")
        conn.execute("VACUUM")
    except BaseException:
        conn.close()
        raise
    return conn


def _replace_file(source: sqlite3.Connection, source_path: Path, path: Path) -> None:
    """Write a fresh file aside and rename it over the (missing or damaged) catalogue."""
    tmp = path.with_name(path.name + ".restoring")
    try:
        db.remove_database_files(tmp)
        with closing(sqlite3.connect(str(tmp))) as target:
            db.copy_pages(source, target, source_path)
            target.execute("PRAGMA journal_mode = WAL")
            target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for suffix in ("-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
            Path(str(path) + suffix).unlink(missing_ok=True)
        os.replace(tmp, path)
    except OSError as exc:
        db.discard_database_files(tmp)
        raise UserError(f"Impossible de remplacer « {path.name} » : {os_error_text(exc)}.") from exc
    except BaseException:
        db.discard_database_files(tmp)
        raise

