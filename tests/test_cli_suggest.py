"""A search the CLI finds nothing for says what was meant, on stderr (issue 18)."""
from __future__ import annotations

import json

import pytest

from eco_desktop import cli


@pytest.fixture
def call(capsys, monkeypatch, catalogue_path, tmp_path):
    monkeypatch.setattr(cli, "setup_logging", lambda: None)
    monkeypatch.delenv("ECO_DESKTOP_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))

    def invoke(*args):
        capsys.readouterr()
        assert cli.main(["--db", str(catalogue_path), *map(str, args)]) == 0
        return capsys.readouterr()
    return invoke


@pytest.mark.parametrize("command", [("list",), ("list", "--format", "json"), ("list", "--format", "csv"),
                                     ("stats",), ("export", "-o", "out.csv"), ("map", "-o", "out.html")])
def test_a_misspelt_name_is_suggested_on_stderr(call, command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out, err = call(*command, "--search", "cellectiss")
    assert err.splitlines()[-1].startswith("Aucun acteur. Vouliez-vous dire : Cellectis")
    assert "Vouliez-vous" not in out
    if command[-1] == "json":
        assert json.loads(out) == []


def test_nothing_said_when_found_or_nothing_close(call):
    assert call("list", "--search", "cellectis").err == ""
    assert call("list", "--search", "zzzzqqqq").err == ""
    assert call("list", "--kind", "biotech", "--departement", "77", "--search", "cellectis").err.count("Vouliez") == 0


def test_a_vocabulary_value_is_suggested(call):
    assert "Thérapie génique" in call("list", "--search", "thérapie génétiqe").err
