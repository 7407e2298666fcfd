"""Where bundled files live, whether installed from a wheel or run from a checkout.

The wheel carries the repository's top-level ``resources/`` and ``db/`` inside the
package (``eco_desktop/resources``, ``eco_desktop/db``); in a checkout or an
editable install they are found beside the package.
"""
from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

from . import APP_NAME

_PACKAGE_DIR = Path(str(resources.files("eco_desktop")))
_CHECKOUT_DIR = _PACKAGE_DIR.parent


def _bundled(name: str) -> Path:
    inside = _PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    return _CHECKOUT_DIR / name


def resources_dir() -> Path:
    return _bundled("resources")


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def db_dir() -> Path:
    return _bundled("db")


def migrations_dir() -> Path:
    return db_dir() / "migrations"


def dataset_dir() -> Path:
    return db_dir() / "dataset"


def checkout_dir() -> Path | None:
    """The repository root when running from a checkout, else None."""
    if (_CHECKOUT_DIR / "pyproject.toml").is_file() and (_CHECKOUT_DIR / "exports").is_dir():
        return _CHECKOUT_DIR
    return None


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_catalogue_path() -> Path:
    return user_data_dir() / "catalogue.sqlite"


def default_export_dir() -> Path:
    """exports/ in a checkout, else the user's Documents folder."""
    root = checkout_dir()
    if root is not None:
        return root / "exports"
    return Path(platformdirs.user_documents_dir())


def env_catalogue() -> Path | None:
    value = os.environ.get("ECO_DESKTOP_DB")
    return Path(value) if value else None
