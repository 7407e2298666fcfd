"""Errors a user can cause. Their message is a French sentence shown as is."""
from __future__ import annotations

import errno


class UserError(Exception):
    """An error the user can understand and act on; its text is a French sentence."""


class CatalogueBusy(UserError):
    """Another program holds the catalogue's write lock."""


class ReadOnlyCatalogue(UserError):
    """The catalogue was opened read-only."""


class DamagedCatalogue(UserError):
    """The file is not a readable catalogue (corrupt, truncated, not SQLite): the window
    offers to restore a backup when it meets one."""


# strerror is the system's English (or the C locale's) text: users must never see it,
# so every OSError reaching a sentence goes through os_error_text().
_OS_REASONS = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EISDIR: "c'est un dossier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EACCES: "permission refusée",
    errno.EPERM: "permission refusée",
    errno.ENOSPC: "disque plein",
    errno.EROFS: "support en lecture seule",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.EEXIST: "le fichier existe déjà",
    errno.EBUSY: "fichier ou support occupé par un autre programme",
    errno.ENOTEMPTY: "le dossier n'est pas vide",
    errno.EIO: "erreur de lecture ou d'écriture sur le support",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.EXDEV: "déplacement impossible entre deux supports",
    errno.EINVAL: "nom de fichier ou opération invalide",
}
for _name, _reason in (("EDQUOT", "quota de disque dépassé"),
                       ("ETXTBSY", "fichier occupé par un autre programme"),
                       ("ELOOP", "trop de liens symboliques dans le chemin")):
    if hasattr(errno, _name):
        _OS_REASONS[getattr(errno, _name)] = _reason


def os_error_text(exc: OSError) -> str:
    """The French reason for an OSError, without final punctuation, to put in a sentence:
    ``f"Impossible d'écrire « {path} » : {os_error_text(exc)}."``."""
    code = exc.errno
    if code is None:
        # Raised by Python itself (zipfile, shutil…) without a code: its text is English.
        return "erreur du système"
    return _OS_REASONS.get(code, f"erreur du système (code {code})")
