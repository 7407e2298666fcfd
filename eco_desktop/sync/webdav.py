"""A WebDAV server as the shared place (Nextcloud, ownCloud, an intranet file server).

Plain ``http.client`` over one kept-alive connection: PROPFIND (depth 1, walked), GET,
PUT, MOVE, DELETE, MKCOL, HEAD. A file is written under a hidden temporary name in its
collection, then MOVEd onto its name (``Overwrite: F`` for the append-only log, so two
writers can never replace each other's changeset), which servers do as a rename: a
reader never sees half a file. https is required except on the loopback, where the
tests run their server; the password comes from the caller (see :mod:`.credentials`),
never from a file.
"""
from __future__ import annotations

import base64
import http.client
import ssl
import time
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from urllib.parse import quote, unquote, urlsplit

from ..errors import UserError
from .killpoints import pause_point
from .place import AlreadyThere, Offline, PlaceError, check_name, size_limit, too_large

__all__ = ["LOOPBACK", "TIMEOUT", "WebDavPlace", "check_url"]

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
#: Seconds without an answer before the server counts as unreachable.
TIMEOUT = 20.0
#: A temporary file this old was left by a killed writer: any upload is done by then.
STALE_TEMP = 24 * 3600

_DAV = "{DAV:}"
_PROPFIND = (b'<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop>'
             b"<d:resourcetype/><d:getlastmodified/></d:prop></d:propfind>")


def check_url(url: str) -> str:
    """The URL, with a final slash, if it is one a place may have: https, or http on the loopback."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"« {url} » n'est pas une adresse WebDAV (elle commence par https://).")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        raise UserError(f"L'adresse WebDAV « {url} » doit commencer par https:// : sans chiffrement, "
                        "le mot de passe et les données passeraient en clair sur le réseau.")
    if parts.query or parts.fragment:
        raise UserError(f"L'adresse WebDAV « {url} » ne doit contenir ni « ? » ni « # ».")
    # A path typed with spaces or accents is sent percent-encoded (once, if it already was).
    path = quote(unquote(parts.path), safe="/~!$&'()*+,;=:@")
    return f"{parts.scheme}://{parts.netloc}{path.rstrip('/')}/"


class WebDavPlace:
    """The collection at ``url`` on a WebDAV server, with Basic authentication."""

    def __init__(self, url: str, user: str = "", password: str = "", *, timeout: float = TIMEOUT) -> None:
        self.url = check_url(url)
        self.description = self.url
        parts = urlsplit(self.url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._netloc = parts.netloc.rpartition("@")[2]
        self._base = parts.path if parts.path.endswith("/") else parts.path + "/"
        self._base_plain = unquote(self._base)  # as the hrefs of PROPFIND read, once unquoted
        self._timeout = timeout
        self._auth = ("Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()) if user else None
        self._conn: http.client.HTTPConnection | None = None
        self._collections: set[str] = set()

    def __repr__(self) -> str:
        return f"WebDavPlace({self.url!r})"

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # ------------------------------------------------------------------ HTTP

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            if self._https:
                self._conn = http.client.HTTPSConnection(self._host, self._port, timeout=self._timeout,
                                                         context=ssl.create_default_context())
            else:
                self._conn = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
        return self._conn

    def _href(self, name: str, *, folder: bool = False) -> str:
        path = self._base + quote(check_name(name)) if name else self._base
        return path + "/" if folder and not path.endswith("/") else path

    def _request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                 *, limit: int = 16 * 1024 * 1024) -> tuple[int, http.client.HTTPResponse, bytes]:
        headers = dict(headers or {})
        if self._auth:
            headers["Authorization"] = self._auth
        # A kept-alive connection the server has closed meanwhile fails at once: one retry
        # on a new connection tells that apart from a server gone.
        retried = False
        while True:
            conn = self._connection()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read(limit + 1)
                if len(data) > limit:  # the rest of the body is unread: the connection is spoilt
                    self.close()
                return response.status, response, data
            except ssl.SSLCertVerificationError as exc:
                self.close()
                raise PlaceError(f"Le certificat du serveur WebDAV « {self._host} » n'est pas valide "
                                 f"({exc.verify_message}) : la connexion a été refusée.") from exc
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self.close()
                if retried:
                    raise self._offline() from exc
                retried = True
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                raise self._offline() from exc

    def _offline(self) -> Offline:
        return Offline(f"Hors ligne : le serveur WebDAV « {self._host} » ne répond pas.")

    def _refused(self, status: int, method: str, name: str) -> UserError:
        what = f"« {name} »" if name else "le dossier partagé"
        if status == 401:
            return PlaceError(f"Le serveur WebDAV a refusé l'accès (401) : vérifiez l'utilisateur et le mot de passe "
                              f"de {self.url}.")
        if status == 403:
            return PlaceError(f"Le serveur WebDAV a refusé l'accès à {what} (403) : ce compte n'en a pas le droit.")
        if status == 404 and not name:
            return PlaceError(f"Le serveur WebDAV ne connaît pas le dossier {self.url} (404) : vérifiez l'adresse.")
        if status == 507:
            return PlaceError(f"Le serveur WebDAV a refusé d'écrire {what} (507) : son espace de stockage est plein.")
        if status in (502, 503, 504):
            return Offline(f"Hors ligne : le serveur WebDAV « {self._host} » est indisponible ({status}).")
        return PlaceError(f"Le serveur WebDAV a refusé la demande {method} sur {what} ({status}).")

    # ------------------------------------------------------------------ the place

    def _propfind(self, name: str) -> list[tuple[str, bool, float | None]] | None:
        """(name, is a collection, modified) of what ``name`` holds; None when it is absent."""
        status, _response, data = self._request("PROPFIND", self._href(name, folder=True), _PROPFIND,
                                                {"Depth": "1", "Content-Type": "application/xml"})
        if status == 404:
            if not name:
                raise self._refused(status, "PROPFIND", name)
            return None
        if status != 207:
            raise self._refused(status, "PROPFIND", name)
        try:
            root = ET.fromstring(data)
        except ET.ParseError as exc:
            raise PlaceError(f"Le serveur WebDAV a donné une liste illisible pour « {name or self.url} ».") from exc
        own = unquote(self._href(name, folder=True))
        entries = []
        for response in root.iter(f"{_DAV}response"):
            href = unquote(urlsplit(response.findtext(f"{_DAV}href", "")).path)
            if href.rstrip("/") == own.rstrip("/") or not href.startswith(self._base_plain):
                continue
            child = href[len(self._base_plain):].strip("/")
            collection = response.find(f".//{_DAV}resourcetype/{_DAV}collection") is not None
            modified = response.findtext(f".//{_DAV}getlastmodified")
            try:
                stamp = parsedate_to_datetime(modified).timestamp() if modified else None
            except (TypeError, ValueError):
                stamp = None
            entries.append((child, collection, stamp))
        return entries

    def list(self, prefix: str) -> list[str]:
        found = []
        pending = [check_name(prefix)]
        now = time.time()
        while pending:
            entries = self._propfind(pending.pop())
            for child, collection, modified in entries or ():
                base = child.rpartition("/")[2]
                if collection:
                    if not base.startswith("."):
                        pending.append(child)
                elif base.startswith(".") or base.endswith(".tmp"):
                    if base.startswith(".~") and modified is not None and now - modified > STALE_TEMP:
                        self.delete(child)
                else:
                    found.append(child)
        return sorted(found)

    def read(self, name: str) -> bytes:
        limit = size_limit(name)
        status, response, data = self._request("GET", self._href(name), limit=limit)
        if status != 200:
            raise self._refused(status, "GET", name)
        if len(data) > limit:
            raise too_large(name, int(response.getheader("Content-Length") or len(data)))
        return data

    def _make_collections(self, name: str) -> None:
        parts = name.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            if folder in self._collections:
                continue
            status, _response, _data = self._request("MKCOL", self._href(folder, folder=True))
            if status not in (201, 405):  # 405: it exists already
                raise self._refused(status, "MKCOL", folder)
            self._collections.add(folder)

    def write_atomic(self, name: str, data: bytes, *, replace: bool = True) -> None:
        if len(data) > size_limit(name):
            raise too_large(name, len(data))
        self._make_collections(check_name(name))
        folder, _, base = name.rpartition("/")
        temp = f"{folder + '/' if folder else ''}.~{base}.{time.time_ns():x}.tmp"
        status, _response, _data = self._request("PUT", self._href(temp), data,
                                                 {"Content-Type": "application/octet-stream"})
        if status not in (200, 201, 204):
            raise self._refused(status, "PUT", name)
        pause_point("after-temp")
        destination = f"{'https' if self._https else 'http'}://{self._netloc}{self._href(name)}"
        status, _response, _data = self._request("MOVE", self._href(temp), None, {
            "Destination": destination, "Overwrite": "T" if replace else "F"})
        if status in (201, 204):
            return
        self.delete(temp)
        if status == 412:
            raise AlreadyThere(f"Le fichier « {name} » existe déjà sur le serveur WebDAV.")
        raise self._refused(status, "MOVE", name)

    def delete(self, name: str) -> None:
        status, _response, _data = self._request("DELETE", self._href(name))
        if status not in (200, 204, 404):
            raise self._refused(status, "DELETE", name)

    def exists(self, name: str) -> bool:
        status, _response, _data = self._request("HEAD", self._href(name))
        if status in (200, 204):
            return True
        if status == 404:
            return False
        raise self._refused(status, "HEAD", name)

    def probe(self) -> None:
        """Raise :class:`Offline` or :class:`PlaceError` unless the collection answers."""
        self._propfind("")
