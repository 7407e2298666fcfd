"""``eco-desktop sync``, ``sync status``, ``sync conflicts``, ``sync join`` as processes:
French messages, exit codes, the place remembered, the password never in the file."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from eco_desktop.catalogue import Catalogue
from cli_helpers import cli_env, run_cli
from sync_helpers import DAV_PASSWORD, DAV_USER, files_holding, webdav_server

GENSIGHT = 17
pytestmark = pytest.mark.slow


@pytest.fixture
def alice(tmp_path, catalogue_path):
    path = tmp_path / "alice.sqlite"
    shutil.copyfile(catalogue_path, path)
    (tmp_path / "partage").mkdir()
    return path


def test_folder_sync_join_status_and_conflicts(tmp_path, alice):
    home, share = tmp_path, tmp_path / "partage"
    first = run_cli(["sync", "--db", alice, "--folder", share, "--member", "Alice, Région"], home=home)
    assert "Rien à envoyer" in first.stdout
    joined = run_cli(["sync", "join", share, "-o", tmp_path / "bob.sqlite", "--member", "Bob, Genopole"], home=home)
    assert "Catalogue créé" in joined.stdout
    with Catalogue.open(alice) as cat:
        cat.update_actor(GENSIGHT, {"description": "Texte d'Alice"})
    with Catalogue.open(tmp_path / "bob.sqlite") as cat:
        cat.update_actor(GENSIGHT, {"description": "Texte de Bob"})
    sent = run_cli(["sync", "--db", alice], home=home)  # the folder was remembered
    assert "Envoyé : 1 modification" in sent.stdout
    received = run_cli(["sync", "--db", tmp_path / "bob.sqlite"], home=home)
    assert "Reçu : 1 envoi (Alice, Région" in received.stdout
    status = run_cli(["sync", "status", "--db", tmp_path / "bob.sqlite"], home=home)
    assert f"dossier « {share} »" in status.stdout and "Membre : Bob, Genopole" in status.stdout
    as_json = json.loads(run_cli(["sync", "status", "--db", tmp_path / "bob.sqlite", "--format", "json"],
                                 home=home).stdout)
    assert as_json["member"] == "Bob, Genopole" and as_json["pending"] == 0 and as_json["last_sync"]
    conflicts = []
    for who in (alice, tmp_path / "bob.sqlite"):
        out = run_cli(["sync", "conflicts", "--db", who, "--format", "json"], home=home).stdout
        conflicts += json.loads(out)
    assert conflicts and conflicts[0]["field"] == "description"
    assert {conflicts[0]["mine"], conflicts[0]["theirs"]} == {"Texte d'Alice", "Texte de Bob"}
    text = run_cli(["sync", "conflicts", "--db", tmp_path / "bob.sqlite"], home=home).stdout
    assert "conflit" in text.lower()


def test_no_place_yet_is_a_usage_error(tmp_path, alice):
    proc = run_cli(["sync", "--db", alice], home=tmp_path, expect=2)
    assert "--folder" in proc.stderr and "--url" in proc.stderr


def test_a_folder_out_of_reach_is_offline(tmp_path, alice):
    proc = run_cli(["sync", "--db", alice, "--folder", tmp_path / "cle-absente"], home=tmp_path, expect=1)
    assert "Hors ligne" in proc.stderr and "en attente" in proc.stderr


def test_plain_http_is_refused_off_the_loopback(tmp_path, alice):
    proc = run_cli(["sync", "--db", alice, "--url", "http://cloud.example.fr/dav", "--user", "claire"],
                   home=tmp_path, expect=1)
    assert "https://" in proc.stderr


def test_join_of_an_empty_place_says_what_to_do(tmp_path):
    (tmp_path / "partage").mkdir()
    proc = run_cli(["sync", "join", tmp_path / "partage", "-o", tmp_path / "x.sqlite"], home=tmp_path, expect=1)
    assert "instantané" in proc.stderr


def _cli_with_stdin(args, tmp_path, stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eco_desktop", *map(str, args)], input=stdin, capture_output=True,
                          text=True, encoding="utf-8", env=cli_env(tmp_path), cwd=tmp_path, timeout=120)


def test_webdav_without_a_keyring_asks_the_password_each_time(tmp_path, alice):
    with webdav_server(tmp_path / "dav") as url:
        missing = run_cli(["sync", "--db", alice, "--url", url, "--user", DAV_USER], home=tmp_path, expect=1)
        assert "trousseau" in missing.stderr and "--password-stdin" in missing.stderr
        wrong = _cli_with_stdin(["sync", "--db", alice, "--url", url, "--user", DAV_USER, "--password-stdin"],
                                tmp_path, "faux\n")
        assert wrong.returncode == 1 and "(401)" in wrong.stderr
        done = _cli_with_stdin(["sync", "--db", alice, "--url", url, "--user", DAV_USER, "--password-stdin"],
                               tmp_path, DAV_PASSWORD + "\n")
        assert done.returncode == 0, done.stderr
        assert "trousseau" in done.stderr  # said once: it could not be kept
        again = _cli_with_stdin(["sync", "--db", alice, "--password-stdin"], tmp_path, DAV_PASSWORD + "\n")
        assert again.returncode == 0, again.stderr  # the URL and user were remembered
        joined = _cli_with_stdin(["sync", "join", url, "--user", DAV_USER, "--password-stdin", "-o",
                                  tmp_path / "bob.sqlite"], tmp_path, DAV_PASSWORD + "\n")
        assert joined.returncode == 0, joined.stderr
    for path in (alice, tmp_path / "bob.sqlite"):
        assert files_holding(path.parent, DAV_PASSWORD.encode()) == []
    with Catalogue.open(tmp_path / "bob.sqlite") as bob:
        assert url in bob.meta("sync_place")


def test_a_refused_file_is_said_on_stderr_with_exit_1(tmp_path, alice):
    from eco_desktop.catalogue.sync import Origin, pack
    share = tmp_path / "partage"
    run_cli(["sync", "--db", alice, "--folder", share], home=tmp_path)
    stranger = Origin("e" * 32, "Zoé", 1, 999, "2026-12-01T10:00:00+00:00")
    (share / "changes" / stranger.catalogue_id).mkdir(parents=True)
    (share / "changes" / stranger.catalogue_id / "0000000001.ecs").write_bytes(pack(stranger, b"\0\0\0\2{}"))
    proc = run_cli(["sync", "--db", alice], home=tmp_path, expect=1)
    assert "mettez à jour eco-desktop" in proc.stderr and "Rien à envoyer" in proc.stdout


def test_at_a_terminal_the_password_is_asked(monkeypatch, capsys):
    import argparse
    import io
    from eco_desktop.commands import sync as command
    from eco_desktop.sync import config
    spec = config.PlaceSpec("webdav", "https://cloud.example.fr/dav", "claire")
    terminal = io.StringIO()
    terminal.isatty = lambda: True
    monkeypatch.setattr(command.sys, "stdin", terminal)
    asked = []
    monkeypatch.setattr(command.getpass, "getpass", lambda prompt: asked.append(prompt) or "s3cret")
    assert command._password(argparse.Namespace(password_stdin=False), spec) == "s3cret"
    assert "claire" in asked[0] and "trousseau" in capsys.readouterr().err  # this machine keeps none
    assert command._password(argparse.Namespace(password_stdin=False),
                             config.PlaceSpec("folder", "/tmp/x")) is None
