"""The WebDAV password as the window holds it: in the system's keyring when there is
one (:mod:`eco_desktop.sync.credentials`), and in memory for this session in any case —
never in the catalogue nor in QSettings."""
from __future__ import annotations

from ...sync import credentials
from ...sync.config import PlaceSpec


class SessionPasswords:
    """Passwords by (URL, user) for as long as the application runs."""

    def __init__(self) -> None:
        self._kept: dict[tuple[str, str], str] = {}

    def keep(self, spec: PlaceSpec, password: str) -> bool:
        """Hold ``password`` for ``spec``'s account; True when the keyring kept it too
        (False: only until the application quits)."""
        key = (spec.location, spec.user)
        self._kept[key] = password
        return credentials.save(*key, password)

    def get(self, spec: PlaceSpec) -> str | None:
        """The password for ``spec``'s account: this session's, else the keyring's."""
        key = (spec.location, spec.user)
        if key not in self._kept:
            stored = credentials.load(*key)
            if stored is None:
                return None
            self._kept[key] = stored
        return self._kept[key]

    def forget(self, spec: PlaceSpec) -> None:
        self._kept.pop((spec.location, spec.user), None)
        credentials.forget(spec.location, spec.user)
