"""What callers of the export package see of its files: never half-written, the user's umask, killed exports swept."""
from __future__ import annotations

import errno
import os
import subprocess
import sys
from datetime import datetime

import openpyxl
import pytest

from eco_desktop.errors import UserError
from eco_desktop.export import export_csv, export_xlsx, sheets

from export_helpers import make_actor, make_contact


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root writes in read-only folders")
def test_read_only_folder_real(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(UserError, match="n'est pas accessible en écriture"):
            export_xlsx(folder / "a.xlsx", [make_actor(1)])
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o755)


def test_unwritable_folder(tmp_path, monkeypatch):
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).startswith(str(tmp_path)):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(UserError, match="le dossier n'est pas accessible en écriture") as info:
        export_xlsx(tmp_path / "a.xlsx", [make_actor(1)])
    assert str(tmp_path / "a.xlsx") in str(info.value)
    with pytest.raises(UserError, match="pas accessible"):
        export_csv(tmp_path / "a.csv", [make_actor(1)])
    assert os.listdir(tmp_path) == []


def test_missing_folder(tmp_path):
    with pytest.raises(UserError, match="n'existe pas"):
        export_xlsx(tmp_path / "absent" / "a.xlsx", [make_actor(1)])


def _half_written(wb, fh):
    fh.write(b"PK\x03\x04 half")
    raise OSError(errno.ENOSPC, "No space left on device")


def _locked(src, dst):
    raise PermissionError(errno.EACCES, "The process cannot access the file")


@pytest.mark.parametrize("module, name, failing, sentence", [
    (sheets, "save_workbook", _half_written, "le disque est plein"),
    (os, "replace", _locked, "ouvert dans un autre programme"),
], ids=["disk_full", "locked_target"])
def test_a_failed_write_leaves_the_previous_file(tmp_path, monkeypatch, module, name, failing, sentence):
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"previous")
    monkeypatch.setattr(module, name, failing)
    with pytest.raises(UserError, match=sentence):
        export_xlsx(target, [make_actor(1)])
    assert os.listdir(tmp_path) == ["a.xlsx"]
    assert target.read_bytes() == b"previous"


def test_overwrites_existing_file(tmp_path):
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"previous")
    export_xlsx(target, [make_actor(1)])
    assert openpyxl.load_workbook(target)["Acteurs"]["A2"].value == "Acteur 1"
    assert os.listdir(tmp_path) == ["a.xlsx"]


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664)])
def test_files_follow_the_users_umask(tmp_path, umask, mode):
    # mkstemp's 0600 kept colleagues on a shared folder from opening the export.
    old = os.umask(umask)
    try:
        export_xlsx(tmp_path / "a.xlsx", [make_actor(1)])
        export_csv(tmp_path / "a.csv", [make_actor(1)], contacts=[make_contact(1, 1)])
    finally:
        os.umask(old)
    for name in ("a.xlsx", "a.csv", "a-contacts.csv"):
        assert (tmp_path / name).stat().st_mode & 0o777 == mode, name


KILLED_EXPORT = """
import sys, time
from eco_desktop import export


def stall(done, total):
    print("writing", flush=True)
    time.sleep(120)
actors = [{"id": i, "name": f"Acteur {i}"} for i in range(1, 1200)]
export.export_xlsx(sys.argv[1], actors, progress=stall)
"""


def test_an_export_killed_with_sigkill_is_cleaned_up_by_the_next(tmp_path):
    import signal
    target = tmp_path / "liste.xlsx"
    child = subprocess.Popen([sys.executable, "-c", KILLED_EXPORT, str(target)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "writing\n"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
    left = os.listdir(tmp_path)
    assert len(left) == 1 and left[0].startswith(".~liste.") and left[0].endswith(".tmp")
    assert f".{child.pid}." in left[0]  # its owner, so that the next export knows it is dead
    export_xlsx(target, [make_actor(1)])
    assert os.listdir(tmp_path) == ["liste.xlsx"]


def test_the_sweep_spares_live_writers_and_other_computers(tmp_path):
    from eco_desktop import atomic
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        here = atomic._HOST
        other = "000000" if here != "000000" else "111111"
        names = {
            f".~autre.{here}.{sleeper.pid}.0123abcd.tmp": True,       # a live export here
            f".~autre.{other}.999999.0123abcd.tmp": True,            # another computer's
            f".~vieux.{other}.999999.0123abcd.tmp": False,           # … abandoned long ago
            ".~vieux-a1b2_c3d.tmp": False,                            # an old version's, old
            ".~recent-a1b2_c3d.tmp": True,                            # … recent: maybe alive
            ".~notes.tmp": True,                                      # not ours
            "rapport.xlsx": True,
        }
        for name in names:
            (tmp_path / name).write_bytes(b"x")
        two_days_ago = datetime.now().timestamp() - 2 * 24 * 3600
        for name in (f".~vieux.{other}.999999.0123abcd.tmp", ".~vieux-a1b2_c3d.tmp"):
            os.utime(tmp_path / name, (two_days_ago, two_days_ago))
        export_csv(tmp_path / "liste.csv", [make_actor(1)])
        assert sorted(os.listdir(tmp_path)) == sorted([n for n, kept in names.items() if kept] + ["liste.csv"])
    finally:
        sleeper.kill()
        sleeper.wait()
