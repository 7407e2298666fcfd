"""Crash safety: a process killed (SIGKILL) at any moment of a bulk edit or an import
leaves a catalogue that passes the check and holds all or none of the action."""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import pytest

from eco_desktop import check as checking
from eco_desktop.catalogue import Catalogue

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

EXTRA_ACTORS = 350      # the catalogue the writers work on: 49 bundled + these
IMPORT_SIZE = 250       # actors per interrupted import
KILLS_PER_ACTION = 15   # 30 kills in all

# A "zygote" imports everything once, then forks one writer per request: a kill
# lands in a process that only opens the catalogue and writes (fast to start).
ZYGOTE = r"""
import os, sys, traceback
from eco_desktop.geo import gazetteer
from eco_desktop.catalogue import Catalogue

gazetteer()
for line in sys.stdin:
    path, action, tag, size = line.rstrip("\n").split("\t")
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            catalogue = Catalogue.open(path)
            ids = catalogue.actor_ids()
            print("go", os.getpid(), flush=True)
            if action == "edit":
                catalogue.bulk_update(ids, add={"tags": [tag]}, set_values={"source": tag}, label=f"Lot {tag}")
            else:
                with catalogue.transaction(f"Import {tag}"):
                    for n in range(int(size)):
                        catalogue.create_actor({"name": f"Importé {tag} {n}", "kind": "biotech", "source": tag,
                                                "commune": "Évry-Courcouronnes", "postcode": "91000",
                                                "tags": [tag, "import"], "description": "x" * 200})
            print("done", flush=True)
            catalogue.close()
        except BaseException:
            traceback.print_exc()
            print("failed", flush=True)
            code = 1
        os._exit(code)
    _pid, status = os.waitpid(pid, 0)
    print("exit", status, flush=True)
"""


class Writers:
    """The zygote process and the requests sent to it."""

    def __init__(self, script: Path) -> None:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
        self.proc = subprocess.Popen([sys.executable, str(script)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)

    def run(self, path: Path, action: str, tag: str, kill_after: float | None) -> tuple[bool, float]:
        """One writer, killed ``kill_after`` seconds after it starts writing (never when None).
        Returns (killed before it finished, seconds from "go" to its end)."""
        self.proc.stdin.write(f"{path}\t{action}\t{tag}\t{IMPORT_SIZE}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline().split()
        if not line or line[0] != "go":
            raise AssertionError(f"writer did not start: {line} {self.proc.stderr.read()}")
        pid, start = int(line[1]), time.monotonic()
        if kill_after is not None:
            time.sleep(kill_after)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass  # it had already finished
        words, finished = [], False
        while not words or words[0] != "exit":
            words = self.proc.stdout.readline().split()
            assert words and words[0] != "failed", self.proc.stderr.read()
            finished = finished or words[0] == "done"
        status = int(words[1])
        if kill_after is None:
            assert status == 0
        return not finished, time.monotonic() - start

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()
        self.proc.stderr.close()


@pytest.fixture(scope="module")
def prepared(tmp_path_factory, _seeded_template) -> Path:
    path = tmp_path_factory.mktemp("crash") / "catalogue.sqlite"
    shutil.copyfile(_seeded_template, path)
    with Catalogue.open(path) as cat:
        with cat.transaction("Préparation"):
            for n in range(EXTRA_ACTORS):
                cat.create_actor({"name": f"Acteur {n}", "kind": "pharma", "commune": "Paris 13e Arrondissement",
                                  "tags": ["base"]})
    return path


def state(path: Path, tag: str) -> tuple[int, int, int, int]:
    """(actors carrying the tag, actors whose source is the tag, history batches of the action, actors)."""
    with closing(sqlite3.connect(path)) as conn:   # read-write: recovers the WAL as the app would
        return (conn.execute("SELECT count(*) FROM actors WHERE EXISTS "
                             "(SELECT 1 FROM json_each(actors.tags) WHERE value = ?)", (tag,)).fetchone()[0],
                conn.execute("SELECT count(*) FROM actors WHERE source = ?", (tag,)).fetchone()[0],
                conn.execute("SELECT count(*) FROM history_batches WHERE label IN (?, ?)",
                             (f"Lot {tag}", f"Import {tag}")).fetchone()[0],
                conn.execute("SELECT count(*) FROM actors").fetchone()[0])


def kill_repeatedly(path: Path, script: Path, action: str) -> list[str]:
    writers = Writers(script)
    try:
        return _kill_repeatedly(writers, path, action)
    finally:
        writers.close()


def _kill_repeatedly(writers: Writers, path: Path, action: str) -> list[str]:
    actors = state(path, "")[3]
    full = actors if action == "edit" else IMPORT_SIZE
    # One uninterrupted run: the "all" state, and how long the writing takes here.
    _killed, duration = writers.run(path, action, f"{action}-complet", None)
    assert state(path, f"{action}-complet")[:3] == (full, full, 1)
    if action == "import":
        actors += IMPORT_SIZE
    outcomes = []
    for k in range(KILLS_PER_ACTION):
        tag = f"{action}-{k}"
        # Spread the kills from "before the first write" to "around the commit".
        killed, _ = writers.run(path, action, tag, duration * 1.15 * k / (KILLS_PER_ACTION - 1))
        report = checking.check(path)
        assert report.ok, f"{action}, kill {k}: {report.text()}"
        with_tag, with_source, batches, count = state(path, tag)
        assert (with_tag, with_source, batches) in ((0, 0, 0), (full, full, 1)), (action, k, with_tag, batches)
        if batches and action == "import":
            actors += IMPORT_SIZE
        assert count == actors                       # nothing else lost or half-added
        assert killed or batches == 1                # a writer that finished had committed
        outcomes.append("tout" if batches else "rien")
    with Catalogue.open(path) as cat:                # still opens read-write, index and search agree
        assert cat.count() == actors
        assert checking.check(path).ok
    return outcomes


def test_killed_writers_leave_all_or_nothing(prepared, tmp_path):
    script = tmp_path / "writers.py"
    script.write_text(ZYGOTE, encoding="utf-8")
    copies = {}
    for action in ("edit", "import"):
        copies[action] = tmp_path / f"{action}.sqlite"
        shutil.copyfile(prepared, copies[action])
    with ThreadPoolExecutor(max_workers=2) as pool:   # the two series run side by side
        futures = {action: pool.submit(kill_repeatedly, copies[action], script, action) for action in copies}
        outcomes = {action: future.result() for action, future in futures.items()}
    assert sum(len(o) for o in outcomes.values()) >= 20


def test_a_backup_killed_halfway_does_not_spoil_the_next_one(catalogue_path, tmp_path):
    """A killed backup leaves its temporary copy half-written (and maybe its journal): the next
    backup to the same file starts afresh instead of opening that fragment as a database."""
    from eco_desktop import backup

    target = tmp_path / "copie.sqlite"
    whole = backup.backup_now(catalogue_path, tmp_path / "entiere.sqlite").read_bytes()
    Path(f"{target}.tmp").write_bytes(whole[:len(whole) // 3])           # what the kill left
    Path(f"{target}.tmp-journal").write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + b"\x00" * 504)
    assert backup.backup_now(catalogue_path, target) == target
    assert target.read_bytes() == whole
    assert checking.check(target).ok
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalogue.sqlite", "copie.sqlite", "entiere.sqlite"]
