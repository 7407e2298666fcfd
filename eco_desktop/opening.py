"""Which catalogue to open (GUIDE §8): ``--db PATH`` > ``ECO_DESKTOP_DB`` > for the
window only, the last catalogue opened > the default catalogue in the user data
folder, created from the bundled dataset the first time it is needed."""
from __future__ import annotations

import logging
from pathlib import Path

from . import paths
from .errors import UserError, os_error_text
from .catalogue import Catalogue

log = logging.getLogger(__name__)


def resolve(db_arg: str | Path | None, *, last_opened: str | Path | None = None) -> tuple[Path, bool]:
    """The catalogue path and whether it is the default one (which may be created)."""
    if db_arg:
        return Path(db_arg).expanduser(), False
    env = paths.env_catalogue()
    if env is not None:
        return env.expanduser(), False
    if last_opened and Path(last_opened).is_file():
        return Path(last_opened), False
    return paths.default_catalogue_path(), True


def open_catalogue(db_arg: str | Path | None = None, *, last_opened: str | Path | None = None,
                   read_only: bool = False) -> Catalogue:
    path, is_default = resolve(db_arg, last_opened=last_opened)
    if is_default and not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"Impossible de créer le dossier du catalogue « {path.parent} » : "
                            f"{os_error_text(exc)}.") from exc
        log.info("creating the default catalogue %s from the bundled dataset", path)
        return Catalogue.create(path)
    if not path.exists():
        raise UserError(f"Le catalogue « {path} » n'existe pas. "
                        "Créez-le avec « eco-desktop init » ou choisissez un autre fichier.")
    return Catalogue.open(path, read_only=read_only)
