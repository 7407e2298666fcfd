"""Files written for the user (exports, mailing lists, maps…): atomic, shareable, no leftovers.

Each file is written to a temporary file in its target's folder and moved into place
with ``os.replace`` only once every file of the job is complete, so a failed or
cancelled job never leaves a half-written file under a target name.

* **Permissions.** A temporary file is created with ``os.open(…, 0o666)``, so the system
  applies the user's umask (and the folder's default ACL): 0644 under umask 022, like
  any file the user's other programs write. ``tempfile.mkstemp`` would give 0600, and a
  colleague reading the shared export folder could not open the result.
* **Leftovers.** A process killed with SIGKILL (or a power cut) cannot remove its
  temporary file. Its name carries the host and the process id
  (``.~<stem>.<host>.<pid>.<random>.tmp``, hidden by the leading dot on Linux and
  macOS), and every write into a folder first removes the temporaries there whose
  process is dead on this host, or that are older than :data:`STALE_AFTER` (another
  computer on a shared folder, where the process id means nothing; Windows, where
  probing a process id with ``os.kill`` would terminate it). Linux's ``O_TMPFILE`` +
  ``linkat`` would leave nothing at all, but it needs ``/proc`` or
  ``CAP_DAC_READ_SEARCH`` and a filesystem that supports it (not the SMB/NFS shares
  or FAT keys exports go to; even this project's test machine refuses the link with
  EXDEV): one portable way, tested everywhere, is worth more than a second one.
* **Errors.** :func:`write_error` turns an ``OSError`` into a French sentence.
"""
from __future__ import annotations

import errno
import hashlib
import io
import os
import re
import secrets
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .errors import UserError, os_error_text

__all__ = ["AtomicFiles", "atomic_files", "write_error", "sweep_leftovers", "STALE_AFTER"]

#: A temporary file this old is abandoned whoever made it: no export takes a day.
STALE_AFTER = 24 * 3600

_HOST = hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]
_OURS = re.compile(r"^\.~.*\.(?P<host>[0-9a-f]{6})\.(?P<pid>\d{1,10})\.[0-9a-f]{8}\.tmp\Z", re.S)
# What versions before this one left (tempfile.mkstemp names, no owner in them).
_LEGACY = re.compile(r"^\.~.*-[a-z0-9_]{8}\.tmp\Z", re.S)
_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
          | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOINHERIT", 0))


def write_error(path: Path, exc: OSError, *, replacing: bool = False) -> UserError:
    """The French sentence for ``exc`` raised while writing ``path`` (``replacing``: while
    moving the finished file over an existing one, which Windows refuses when it is open)."""
    path = Path(path)
    where = f"Impossible d'écrire « {path} »"
    code = exc.errno
    if code == errno.ENOSPC or code == getattr(errno, "EDQUOT", None):
        reason = "le disque est plein"
    elif code == errno.ENOENT:
        reason = f"le dossier « {path.parent} » n'existe pas"
    elif code == errno.EROFS:
        reason = "le support est en lecture seule"
    elif code == errno.EISDIR:
        reason = "c'est le nom d'un dossier"
    elif code == errno.ENAMETOOLONG:
        reason = "le nom du fichier est trop long"
    elif isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM):
        if replacing:
            reason = ("le fichier est protégé ou ouvert dans un autre programme "
                      "(Excel ?) ; fermez-le puis réessayez")
        else:
            reason = "le dossier n'est pas accessible en écriture"
    else:
        reason = os_error_text(exc)
    return UserError(f"{where} : {reason}.")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid() or os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: alive, another user's
        return True
    return True


def _abandoned(entry: os.DirEntry, now: float) -> bool:
    ours = _OURS.match(entry.name)
    if ours is None and not _LEGACY.match(entry.name):
        return False
    try:
        if not entry.is_file(follow_symlinks=False):
            return False
        old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER
    except OSError:
        return False
    if old:
        return True
    return ours is not None and ours["host"] == _HOST and not _pid_alive(int(ours["pid"]))


def sweep_leftovers(folder: str | os.PathLike) -> int:
    """Remove the temporary files abandoned in ``folder`` by killed writers; how many."""
    removed = 0
    now = time.time()
    try:
        with os.scandir(folder) as entries:
            abandoned = [e.path for e in entries
                         if e.name.startswith(".~") and e.name.endswith(".tmp") and _abandoned(e, now)]
    except OSError:
        return 0
    for path in abandoned:
        try:
            os.remove(path)
            removed += 1
        except OSError:
            pass
    return removed


def _temp_name(target: Path) -> Path:
    stem = target.stem[:40]
    return target.with_name(f".~{stem}.{_HOST}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


class AtomicFiles:
    """Temporary files beside their targets, moved into place only when all are written."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path, IO]] = []
        self._swept: set[Path] = set()

    @property
    def first_target(self) -> Path | None:
        return self._pending[0][0] if self._pending else None

    def open(self, target: str | os.PathLike, *, encoding: str | None = None,
             newline: str | None = None) -> IO:
        """A new file that will become ``target``: binary, or text with ``encoding``.

        Write to it, do not close it: :meth:`commit` does. Raises :class:`UserError`.
        """
        target = Path(target)
        if target.is_dir():
            raise write_error(target, IsADirectoryError(errno.EISDIR, "Is a directory"))
        folder = target.parent
        if folder not in self._swept:
            self._swept.add(folder)
            sweep_leftovers(folder)
        for _attempt in range(100):
            tmp = _temp_name(target)
            try:
                fd = os.open(tmp, _FLAGS, 0o666)
                break
            except FileExistsError:
                continue
            except OSError as exc:
                raise write_error(target, exc) from exc
        else:  # pragma: no cover - 100 collisions of 32 random bits
            raise write_error(target, FileExistsError(errno.EEXIST, "File exists"))
        raw = os.fdopen(fd, "wb")
        fh: IO = raw if encoding is None else io.TextIOWrapper(raw, encoding=encoding, newline=newline)
        self._pending.append((target, tmp, fh))
        return fh

    def commit(self) -> None:
        """Close every file, then move each into place; :class:`UserError` on failure."""
        for target, _tmp, fh in self._pending:
            try:
                fh.close()
            except OSError as exc:
                raise write_error(target, exc) from exc
        for target, tmp, _fh in self._pending:
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise write_error(target, exc, replacing=True) from exc
        self._pending.clear()

    def discard(self) -> None:
        """Close and remove the temporary files, quietly (the disk may be full)."""
        for _target, tmp, fh in self._pending:
            try:
                fh.close()
            except (OSError, ValueError):
                pass
            try:
                os.remove(tmp)
            except OSError:
                pass
        self._pending.clear()


@contextmanager
def atomic_files() -> Iterator[AtomicFiles]:
    """``with atomic_files() as files: fh = files.open(target) …``: every file is moved into
    place when the block ends normally; on any exception none is, and no temporary stays.
    An ``OSError`` becomes the French :class:`UserError` of :func:`write_error`."""
    files = AtomicFiles()
    try:
        yield files
        files.commit()
    except OSError as exc:
        target = files.first_target or Path(".")
        files.discard()
        raise write_error(target, exc) from exc
    except BaseException:
        files.discard()
        raise
