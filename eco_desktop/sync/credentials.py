"""The WebDAV password in the system's keyring (``keyring``), never in a file.

Windows' Credential Manager, macOS's Keychain, the Secret Service of GNOME/KDE. Where
none is available (a bare Linux session, this project's test machine: keyring's
``fail`` backend), :func:`load` returns None and :func:`save` False, and the caller
asks for the password each time (the window keeps it in memory for the session, the
command line reads it with ``--password-stdin``).
"""
from __future__ import annotations

import logging

import keyring
from keyring.backends import fail
from keyring.backends.chainer import ChainerBackend
from keyring.errors import KeyringError

from ..errors import UserError

log = logging.getLogger(__name__)

SERVICE = "eco-desktop WebDAV"
NO_KEYRING = ("Aucun trousseau de mots de passe n'est disponible sur cet ordinateur : le mot de passe "
              "WebDAV ne peut pas être retenu et sera demandé à chaque synchronisation.")


def _account(url: str, user: str) -> str:
    return f"{user}@{url}"


def available() -> bool:
    """Whether a keyring that keeps passwords is there (keyring falls back on its ``fail``
    backend, or a chainer of no backend, when the system offers none)."""
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    if isinstance(backend, ChainerBackend):
        return bool(backend.backends)
    return True


def load(url: str, user: str) -> str | None:
    """The stored password, None when there is none or no keyring."""
    try:
        return keyring.get_password(SERVICE, _account(url, user))
    except KeyringError as exc:
        log.info("keyring unavailable: %s", exc)
        return None


def save(url: str, user: str, password: str) -> bool:
    """Keep the password in the keyring; False when no keyring could keep it."""
    if not available():
        return False
    try:
        keyring.set_password(SERVICE, _account(url, user), password)
    except KeyringError as exc:
        log.info("keyring refused the password: %s", exc)
        return False
    return True


def forget(url: str, user: str) -> None:
    """Remove the stored password, if any."""
    try:
        keyring.delete_password(SERVICE, _account(url, user))
    except KeyringError:
        pass


def required(url: str, user: str) -> str:
    """The stored password, or a French :class:`UserError` saying how to give it."""
    password = load(url, user)
    if password is None:
        reason = NO_KEYRING if not available() else "Aucun mot de passe n'est enregistré pour ce compte."
        raise UserError(f"{reason} Donnez-le avec --password-stdin (eco-desktop sync) ou dans la fenêtre "
                        "Fichier → Synchronisation….")
    return password
