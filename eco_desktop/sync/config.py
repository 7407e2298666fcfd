"""Where a catalogue syncs: the place given once (a folder, or a WebDAV URL and user),
remembered in the catalogue's meta — never the password, which stays in the keyring
(:mod:`.credentials`) or is given each time."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from . import credentials
from .place import FolderPlace
from .webdav import WebDavPlace, check_url

__all__ = ["META_KEY", "PlaceSpec", "forget", "remember", "remembered", "spec_from_text"]

META_KEY = "sync_place"


@dataclass(frozen=True)
class PlaceSpec:
    """A shared place as the person gave it: ``kind`` "folder" (``location`` a path) or
    "webdav" (``location`` a URL, with ``user``)."""

    kind: str
    location: str
    user: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("folder", "webdav"):
            raise ValueError(self.kind)
        if self.kind == "webdav":
            object.__setattr__(self, "location", check_url(self.location))
            if not self.user:
                raise UserError(f"Indiquez l'utilisateur du serveur WebDAV {self.location} (--user).")
        else:
            object.__setattr__(self, "location", str(Path(self.location).expanduser().absolute()))

    def describe(self) -> str:
        if self.kind == "folder":
            return f"dossier « {self.location} »"
        return f"serveur WebDAV {self.location} (utilisateur {self.user})"

    def open(self, password: str | None = None):
        """The place; over WebDAV the password given, else the keyring's (or a French
        :class:`UserError` saying how to give it)."""
        if self.kind == "folder":
            return FolderPlace(self.location)
        if password is None:
            password = credentials.required(self.location, self.user)
        return WebDavPlace(self.location, self.user, password)

    def to_json(self) -> str:
        data = {"kind": self.kind, "location": self.location}
        if self.user:
            data["user"] = self.user
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "PlaceSpec":
        data = json.loads(text)
        return cls(data["kind"], data["location"], data.get("user", ""))


def spec_from_text(text: str, user: str = "") -> PlaceSpec:
    """A place typed as one word: a URL (http:// or https://) or a folder's path."""
    if text.strip().lower().startswith(("http://", "https://")):
        return PlaceSpec("webdav", text.strip(), user)
    return PlaceSpec("folder", text)


def remembered(catalogue) -> PlaceSpec | None:
    text = catalogue.meta(META_KEY)
    if not text:
        return None
    try:
        return PlaceSpec.from_json(text)
    except (ValueError, KeyError, TypeError, UserError):
        return None


def remember(catalogue, spec: PlaceSpec) -> None:
    if catalogue.meta(META_KEY) != spec.to_json():
        catalogue.set_meta(META_KEY, spec.to_json())


def forget(catalogue) -> None:
    catalogue.set_meta(META_KEY, "")
