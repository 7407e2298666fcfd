"""The shared place a team syncs through, and the folder kind of it.

A place holds files under slash-separated names (``changes/<catalogue id>/<seq>.ecs``,
``snapshots/…``): :class:`Place` is what :mod:`.log` and :mod:`.run` need of it, and
:class:`FolderPlace` / :class:`~.webdav.WebDavPlace` are the two kinds. Every write is
atomic — a temporary name beside the target, then a rename — so a reader (another
member, or a desktop client copying the folder to Nextcloud) sees a file whole or not
at all, and a process killed mid-write leaves at most a hidden temporary, swept later.

Errors: :class:`Offline` when the place cannot be reached at all (the USB key is not
plugged in, the share is not mounted, the server does not answer) — the caller says
« Hors ligne » and keeps the changes for later; :class:`PlaceError` (a French
:class:`~eco_desktop.errors.UserError`) for a place that answers but refuses.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Protocol

from ..atomic import atomic_files
from ..errors import UserError, os_error_text
from .killpoints import pause_point

__all__ = ["MAX_CHANGESET_BYTES", "MAX_SNAPSHOT_BYTES", "AlreadyThere", "FolderPlace", "Offline", "Place", "PlaceError",
           "TooLarge", "check_name", "size_limit"]

#: A changeset file above this is refused, written or read: a changeset of 10,000 actors
#: weighs a few MB, so a bigger one is not ours (or is damaged) and reading it whole into
#: memory is no risk worth taking.
MAX_CHANGESET_BYTES = 64 * 1024 * 1024
#: The same bound for a snapshot (a whole catalogue: ~1 KB an actor).
MAX_SNAPSHOT_BYTES = 1024 * 1024 * 1024

_NAME = re.compile(r"^[A-Za-z0-9_.~-]+(/[A-Za-z0-9_.~-]+)*\Z")


class Offline(UserError):
    """The place cannot be reached now; the changes wait for the next sync."""


class PlaceError(UserError):
    """The place answered but refused, or holds something unreadable."""


class TooLarge(PlaceError):
    """A file over the size bound of its kind."""


class AlreadyThere(PlaceError):
    """``write_atomic(…, replace=False)`` found a file under the name already."""


def check_name(name: str) -> str:
    """``name`` if it is a relative slash-separated name without ``..`` nor empty parts."""
    if not _NAME.match(name) or any(part in (".", "..") for part in name.split("/")):
        raise ValueError(f"bad place name {name!r}")
    return name


def size_limit(name: str) -> int:
    return MAX_SNAPSHOT_BYTES if name.startswith("snapshots/") else MAX_CHANGESET_BYTES


def too_large(name: str, size: int) -> TooLarge:
    limit = size_limit(name) // (1024 * 1024)
    return TooLarge(f"Le fichier « {name} » du dossier partagé pèse {size / 1024 / 1024:.0f} Mo, "
                    f"plus que la limite de {limit} Mo : il n'a pas été lu ni écrit.")


class Place(Protocol):
    """What a shared place offers. Names are relative and slash-separated."""

    #: How the place is named to the person (the folder's path, the URL).
    description: str

    def list(self, prefix: str) -> list[str]:
        """Every file under the folder ``prefix`` (``"changes"``), at any depth, as full
        names; hidden and temporary files left out; ``[]`` when the folder is absent."""

    def read(self, name: str) -> bytes:
        """The file's bytes (:class:`TooLarge` over :func:`size_limit`)."""

    def write_atomic(self, name: str, data: bytes, *, replace: bool = True) -> None:
        """Write ``name`` whole or not at all, creating its folders; with ``replace=False``
        an existing file is left alone and :class:`AlreadyThere` raised."""

    def delete(self, name: str) -> None:
        """Remove the file; nothing when it is already gone."""

    def exists(self, name: str) -> bool:
        """Whether the file is there."""

    def probe(self) -> None:
        """Raise :class:`Offline` or :class:`PlaceError` unless the place can be used
        (the window's « Tester la connexion »)."""


class FolderPlace:
    """A folder: a network share, a folder a Nextcloud/OneDrive client keeps in sync, a USB key."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root).expanduser()
        self.description = str(self.root)

    def __repr__(self) -> str:
        return f"FolderPlace({self.description!r})"

    def _reachable(self) -> None:
        if not self.root.is_dir():
            raise Offline(f"Hors ligne : le dossier partagé « {self.root} » est introuvable "
                          "(clé USB débranchée, partage réseau non monté ?).")

    def _path(self, name: str) -> Path:
        return self.root.joinpath(*check_name(name).split("/"))

    def _failed(self, name: str, exc: OSError) -> UserError:
        if not self.root.is_dir():
            return Offline(f"Hors ligne : le dossier partagé « {self.root} » a disparu pendant la synchronisation.")
        return PlaceError(f"Dossier partagé, fichier « {name} » : {os_error_text(exc)}.")

    def list(self, prefix: str) -> list[str]:
        self._reachable()
        top = self._path(prefix)
        found = []
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            rel = Path(folder).relative_to(self.root).as_posix()
            found.extend(f"{rel}/{f}" for f in sorted(files) if not f.startswith(".") and not f.endswith(".tmp"))
        return found

    def read(self, name: str) -> bytes:
        self._reachable()
        path = self._path(name)
        try:
            with open(path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size > size_limit(name):
                    raise too_large(name, size)
                return handle.read()
        except OSError as exc:
            raise self._failed(name, exc) from exc

    def write_atomic(self, name: str, data: bytes, *, replace: bool = True) -> None:
        self._reachable()
        if len(data) > size_limit(name):
            raise too_large(name, len(data))
        target = self._path(name)
        if not replace and target.exists():
            raise AlreadyThere(f"Le fichier « {name} » existe déjà dans le dossier partagé.")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._failed(name, exc) from exc
        # atomic_files names the temporary so that a later write sweeps it if this
        # process is killed before the rename.
        with atomic_files() as files:
            handle = files.open(target)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            pause_point("after-temp")

    def delete(self, name: str) -> None:
        self._reachable()
        try:
            os.remove(self._path(name))
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise self._failed(name, exc) from exc

    def exists(self, name: str) -> bool:
        self._reachable()
        return self._path(name).is_file()

    def probe(self) -> None:
        self._reachable()
        if not os.access(self.root, os.W_OK):
            raise PlaceError(f"Le dossier partagé « {self.root} » n'est pas accessible en écriture.")
