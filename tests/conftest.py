"""Core fixtures shared by the test suite: fresh catalogues in a temporary folder."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eco_desktop.catalogue import Catalogue


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory) -> Path:
    """One catalogue created from the bundled dataset per session; tests get copies."""
    path = tmp_path_factory.mktemp("template") / "seeded.sqlite"
    Catalogue.create(path).close()
    return path


@pytest.fixture
def catalogue_path(tmp_path, _seeded_template) -> Path:
    """Path of a fresh copy of the seeded catalogue (closed; open it yourself)."""
    path = tmp_path / "catalogue.sqlite"
    shutil.copyfile(_seeded_template, path)
    return path


@pytest.fixture
def catalogue(catalogue_path):
    """A fresh catalogue seeded with the bundled dataset, in tmp_path."""
    cat = Catalogue.open(catalogue_path)
    yield cat
    cat.close()


@pytest.fixture
def empty_catalogue(tmp_path):
    """A fresh catalogue with the schema and default vocabularies but no actors."""
    cat = Catalogue.create(tmp_path / "empty.sqlite", seed=False)
    yield cat
    cat.close()
