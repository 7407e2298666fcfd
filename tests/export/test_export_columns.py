"""The exported columns (export/columns.py)."""
from __future__ import annotations


import pytest

from eco_desktop.errors import UserError
from eco_desktop.export import export_xlsx

from export_helpers import make_actor


def test_unknown_column():
    with pytest.raises(UserError, match="Colonne inconnue : « nope »"):
        export_xlsx("unused.xlsx", [make_actor(1)], columns=["name", "nope"])
