"""Owning the SQLite file: connecting, pragmas, migrations, and turning SQLite's
failures into French sentences.

Migrations are the files ``db/migrations/NNNN_name.sql``, applied in order, each in
one transaction together with the new ``PRAGMA user_version``.
"""
from __future__ import annotations

import functools
import logging
import os
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .errors import CatalogueBusy, DamagedCatalogue, UserError, os_error_text

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
_MIGRATION_NAME = re.compile(r"^(\d{4})_[\w-]+\.sql$")
SQLITE_HEADER = b"SQLite format 3\x00"
# Primary result codes (the low byte of an extended code); literals because tests swap the
# sqlite3 module of this one for a stand-in.
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6


@dataclass(frozen=True)
class Migration:
    version: int
    path: Path

    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


def migrations() -> list[Migration]:
    found = []
    for path in sorted(paths.migrations_dir().glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match:
            found.append(Migration(int(match.group(1)), path))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations are not numbered 1..n: {versions}")
    return found


def schema_version() -> int:
    """The schema version this build of the application writes."""
    return len(migrations())


def busy_message(path: Path | str, *, reading: bool = False) -> str:
    if reading:
        seconds = f"{BUSY_TIMEOUT_MS / 1000:g}".replace(".", ",")
        return (f"Le catalogue est en cours d'écriture par un autre programme ({Path(path).name}) : "
                f"il n'a pas pu être lu après {seconds} s d'attente. Réessayez dans un instant.")
    return (f"Le catalogue est utilisé par un autre programme ({Path(path).name}) : "
            "l'enregistrement n'a pas pu se faire. Rien n'a été perdu ; réessayez dans un instant.")


def is_busy(exc: sqlite3.Error) -> bool:
    """Whether an SQLite failure means another connection holds a lock."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in (_SQLITE_BUSY, _SQLITE_LOCKED)
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def translate_error(exc: sqlite3.Error, path: Path | str) -> UserError:
    """A French sentence for an SQLite failure the user can meet."""
    text = str(exc).lower()
    name = Path(path).name
    if is_busy(exc):
        return CatalogueBusy(busy_message(path))
    if "readonly" in text or "read-only" in text:
        return UserError(f"Le catalogue « {name} » est en lecture seule : impossible d'enregistrer.")
    if "disk is full" in text or "database or disk is full" in text:
        return UserError(f"Le disque est plein : impossible d'enregistrer dans « {name} ». Rien n'a été modifié.")
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return DamagedCatalogue(f"Le fichier « {name} » est endommagé ou n'est pas un catalogue eco_desktop.")
    if "constraint failed" in text:
        return UserError(f"Enregistrement refusé : {_constraint_sentence(text)} Rien n'a été modifié.")
    if "unable to open" in text:
        return UserError(f"Impossible d'ouvrir le fichier « {name} ».")
    if "disk i/o error" in text:
        return UserError(f"Erreur de lecture ou d'écriture sur le disque pour « {name} ». "
                         "Vérifiez le support (clé débranchée, disque réseau coupé) et réessayez.")
    if "out of memory" in text:
        return UserError(f"Mémoire insuffisante pour traiter « {name} ».")
    if "interrupt" in text:
        return UserError(f"Opération interrompue sur « {name} » : rien n'a été modifié.")
    if "too big" in text:
        return UserError(f"Une valeur est trop grande pour être enregistrée dans « {name} ».")
    # SQLite's text is English: the user gets its code name, the log the full message.
    log.warning("untranslated SQLite error on %s: %s", path, exc)
    code = getattr(exc, "sqlite_errorname", None)
    return UserError(f"Erreur de la base de données sur « {name} »" + (f" (code {code})." if code else "."))


_FIELD_NAMES = {"lat": "la latitude", "lon": "la longitude", "name": "le nom", "kind": "le type",
                "legal_basis": "la base légale", "state": "l'état de l'appel", "status": "le statut",
                "type": "le type de relation", "vocab": "le vocabulaire"}


def _constraint_sentence(text: str) -> str:
    """A French sentence for an SQLite constraint failure (message already lower-cased)."""
    detail = text.split(":", 1)[1] if ":" in text else ""
    fields = [label for column, label in _FIELD_NAMES.items() if re.search(rf"\b{column}\b", detail)]
    what = fields[0] if fields else "une valeur"
    if "unique" in text:
        return f"{what} existe déjà (doublon)."
    if "not null" in text:
        return f"{what} est obligatoire."
    if "foreign key" in text:
        return "l'élément lié n'existe pas (ou plus)."
    if "lat" in detail or "lon" in detail:
        return f"{what} est hors des limites (latitude entre -90 et 90, longitude entre -180 et 180)."
    return f"{what} n'est pas acceptable."


def check_is_sqlite(path: Path) -> None:
    """Refuse, with a French sentence, a path that is not an SQLite catalogue."""
    if not path.exists():
        raise UserError(f"Le catalogue « {path} » n'existe pas.")
    if path.is_dir():
        raise UserError(f"« {path} » est un dossier, pas un catalogue.")
    try:
        with open(path, "rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        raise UserError(f"Impossible de lire « {path} » : {os_error_text(exc)}.") from exc
    if len(header) == 0:
        raise UserError(f"Le fichier « {path.name} » est vide : ce n'est pas un catalogue eco_desktop.")
    if header != SQLITE_HEADER:
        raise UserError(f"Le fichier « {path.name} » n'est pas un catalogue eco_desktop (ce n'est pas une base SQLite).")


def register_functions(conn: sqlite3.Connection) -> None:
    """SQL functions the schema uses: eco_fold(text) is eco_desktop.text.fold; the full-text
    rows' eco_stems(folded text) (eco_desktop.catalogue.stemming), eco_stemmer_version()
    and eco_place_name(code) (the name of a département, EPT or EPCI, else ''); the
    shipped synonyms table's rows, eco_bundled_synonyms() (migration 8's seed)."""
    from .catalogue.stemming import STEMMER_VERSION, stems_of_body
    from .catalogue.synonyms import bundled_rows_json
    from .text import fold
    conn.create_function("eco_fold", 1, fold, deterministic=True)
    conn.create_function("eco_stems", 1, lambda text: stems_of_body(text or ""), deterministic=True)
    conn.create_function("eco_stemmer_version", 0, lambda: STEMMER_VERSION, deterministic=True)
    conn.create_function("eco_place_name", 1, lambda code: _place_names().get(code or "", ""),
                         deterministic=True)
    conn.create_function("eco_bundled_synonyms", 0, bundled_rows_json)


@functools.cache
def _place_names() -> dict[str, str]:
    """{code: name} of the départements, EPTs and EPCIs (their codes do not overlap)."""
    from .geo import gazetteer
    places = gazetteer()
    return {**places.departements(), **places.epts(), **places.epcis()}


class _UnlockedConnection(sqlite3.Connection):
    """A connection opened ``immutable=1``: it reads the main file alone, without locks."""
    stale_warning: str | None = None


def stale_warning(conn: sqlite3.Connection) -> str | None:
    """The French warning to show with what ``conn`` reads, or None when it reads under
    SQLite's locks (what it shows is then a consistent, current state)."""
    return getattr(conn, "stale_warning", None)


def check_readable(conn: sqlite3.Connection, path: Path) -> None:
    """Read the schema now, so that a lock held elsewhere shows at opening: CatalogueBusy
    (a read, not a write, failed) once the busy timeout is over; ``conn`` is then closed."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:
        conn.close()
        if is_busy(exc):
            raise CatalogueBusy(busy_message(path, reading=True)) from exc
        raise


def connect_read_only(path: Path) -> sqlite3.Connection:
    """``mode=ro``; ``immutable=1`` only when that cannot open the file for another reason
    than a lock (see connect())."""
    try:
        return connect(path, read_only=True)
    except sqlite3.OperationalError as exc:
        log.info("opening %s immutable: %s", path, exc)
    return connect(path, read_only=True, immutable=True)


def copy_pages(source: sqlite3.Connection, target: sqlite3.Connection, path: Path | str) -> None:
    """``source.backup(target)``, giving up with CatalogueBusy (about ``path``) after the busy
    timeout: Python's backup loop retries a locked database forever."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000

    def progress(status: int, _remaining: int, _total: int) -> None:
        if (status & 0xFF) in (_SQLITE_BUSY, _SQLITE_LOCKED) and time.monotonic() >= deadline:
            raise CatalogueBusy(busy_message(path))
    source.backup(target, progress=progress, sleep=0.05)


def file_uri(path: Path | str, **params: str) -> str:
    """An SQLite ``file:`` URI for ``path``: the path percent-encoded, or a folder named
    « Projets #2 » or « 100 % » would cut it (SQLite reads ``#`` and ``?`` as URI syntax)."""
    from urllib.parse import quote, urlencode
    return f"file:{quote(Path(path).as_posix(), safe='/:')}" + (f"?{urlencode(params)}" if params else "")


def connect(path: Path, *, read_only: bool = False, immutable: bool = False) -> sqlite3.Connection:
    """Open a connection in autocommit mode (transactions are explicit), WAL, foreign keys on.

    ``read_only``: ``mode=ro``, checked to read. While another program holds the file
    locked this waits up to the busy timeout, then raises CatalogueBusy: reading around
    the lock would show a state that program is replacing. Other failures (a read-only
    medium where SQLite cannot create the ``-shm`` file) raise sqlite3.OperationalError;
    only then may a caller open ``immutable``, which ignores the ``-wal`` and every
    writer: such a connection carries a stale_warning() to show with its data.
    """
    timeout = BUSY_TIMEOUT_MS / 1000
    if read_only:
        uri = file_uri(path, mode="ro", **({"immutable": "1"} if immutable else {}))
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=timeout,
                               factory=_UnlockedConnection if immutable else sqlite3.Connection)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=timeout)
    conn.row_factory = sqlite3.Row
    register_functions(conn)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if immutable:
        conn.stale_warning = (
            f"« {Path(path).name} » est lu sans verrou (support en lecture seule) : si un autre programme "
            "le modifie, ou l'a laissé avec un journal non intégré, les données affichées peuvent ne pas "
            "être à jour.")
    elif read_only:
        check_readable(conn, path)
    else:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            log.warning("journal_mode is %s, not WAL, for %s", mode, path)
        conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def check_version(conn: sqlite3.Connection, path: Path) -> int:
    version = user_version(conn)
    latest = schema_version()
    if version > latest:
        raise UserError(
            f"Le catalogue « {path.name} » a été créé par une version plus récente d'eco_desktop "
            f"(schéma {version}, cette version connaît le schéma {latest}). "
            "Mettez l'application à jour pour l'ouvrir ; le fichier n'a pas été modifié.")
    return version


def migrate(conn: sqlite3.Connection, path: Path, *, target: int | None = None) -> int:
    """Apply the pending migrations, each in its own transaction. Returns the new version."""
    version = check_version(conn, path)
    for migration in migrations():
        if migration.version <= version:
            continue
        if target is not None and migration.version > target:
            break
        log.info("migrating %s to schema %d", path, migration.version)
        script = f"BEGIN IMMEDIATE;\n{migration.sql()}\n;PRAGMA user_version = {migration.version};\nCOMMIT;"
        try:
            conn.executescript(script)
        except sqlite3.Error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        version = migration.version
    if version >= STEMS_SCHEMA:
        restem(conn)
    return version


# The schema from which the full-text table has a stems column (migration 0007).
STEMS_SCHEMA = 7


def restem(conn: sqlite3.Connection) -> None:
    """Remake the full-text stems when the file's were made by another stemmer version (a
    query's stems would not meet them)."""
    from .catalogue.stemming import STEMMER_VERSION
    row = conn.execute("SELECT value FROM meta WHERE key = 'stemmer'").fetchone()
    if row is not None and row[0] == STEMMER_VERSION:
        return
    log.info("remaking the search stems (stemmer %s)", STEMMER_VERSION)
    conn.executescript(
        "BEGIN IMMEDIATE;\nUPDATE actors_fts SET stems = eco_stems(body || ' ' || facets);\n"
        "INSERT INTO meta (key, value) VALUES ('stemmer', eco_stemmer_version()) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value;\nCOMMIT;")


def remove_database_files(path: Path) -> None:
    """Delete a database file and its journals, if present. A temporary copy left by a killed
    process must go before its name is reused: SQLite would open the half-written file (and
    replay its ``-journal`` or ``-wal``) instead of starting an empty one."""
    for file in (Path(path), *(Path(f"{path}{suffix}") for suffix in ("-journal", "-wal", "-shm"))):
        file.unlink(missing_ok=True)


def copy_database(conn: sqlite3.Connection, destination: Path) -> Path:
    """Copy a live database with SQLite's online backup API into ``destination``
    (written aside, then renamed: never a half-written file under that name)."""
    from contextlib import closing

    destination = Path(destination)
    tmp = destination.with_name(destination.name + ".tmp")
    source_path = conn.execute("PRAGMA database_list").fetchone()[2] or destination
    try:
        remove_database_files(tmp)
        with closing(sqlite3.connect(str(tmp))) as target:
            copy_pages(conn, target, source_path)
            target.execute("PRAGMA journal_mode = DELETE")
        os.replace(tmp, destination)
    except sqlite3.Error as exc:
        discard_database_files(tmp)
        raise translate_error(exc, destination) from exc
    except OSError as exc:
        discard_database_files(tmp)
        raise UserError(f"Impossible d'écrire « {destination} » : {os_error_text(exc)}.") from exc
    except BaseException:
        discard_database_files(tmp)
        raise
    return destination


def discard_database_files(path: Path) -> None:
    """remove_database_files after a failure: an error here must not hide the first one."""
    try:
        remove_database_files(path)
    except OSError:
        log.warning("could not remove the temporary copy %s", path)
