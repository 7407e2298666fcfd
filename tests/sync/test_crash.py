"""``kill -9`` of an ``eco-desktop sync`` process during a push and during a pull leaves
the catalogue and the shared place consistent, and the next sync completes."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from eco_desktop.catalogue import Catalogue
from eco_desktop.sync import log, run
from cli_helpers import cli_env
from sync_helpers import DAV_PASSWORD, Team, shared_place

GENSIGHT = 17
pytestmark = pytest.mark.slow


@pytest.fixture(params=["folder", "webdav"])
def team(request, tmp_path, catalogue_path):
    with shared_place(request.param, tmp_path) as (place, root):
        team = Team(place, root, tmp_path, catalogue_path)
        team.kind = request.param
        yield team
        team.close()


def _place_args(team) -> list[str]:
    if team.kind == "folder":
        return ["--folder", str(team.root)]
    return ["--url", team.place.url, "--user", "equipe", "--password-stdin"]


def _killed_at(team, cat, point: str, tmp_path) -> None:
    """Run ``eco-desktop sync`` on ``cat``'s file until it reaches ``point``, then SIGKILL it."""
    env = cli_env(tmp_path / "home", ECO_DESKTOP_SYNC_PAUSE=point)
    proc = subprocess.Popen([sys.executable, "-m", "eco_desktop", "sync", "--db", str(cat.path), *_place_args(team)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=tmp_path)
    proc.stdin.write(DAV_PASSWORD + "\n")
    proc.stdin.close()
    try:
        while True:
            line = proc.stderr.readline()
            assert line, f"the sync ended without reaching {point}: {proc.wait()}"
            if line.startswith(f"SYNC-PAUSE {point}"):
                break
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(30)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL


def _reopened(cat) -> Catalogue:
    """The member's catalogue as the next program finds it."""
    path = cat.path
    cat.close()
    fresh = Catalogue.open(path)
    assert fresh.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return fresh


def test_killed_before_the_rename_publishes_nothing(team, tmp_path):
    team.alice.update_actor(GENSIGHT, {"website": "https://avant-kill.example"})
    _killed_at(team, team.alice, "after-temp", tmp_path)
    alice = _reopened(team.alice)
    team.opened.append(alice)
    own = alice.sync_identity().catalogue_id
    assert own not in log.log_index(team.place)  # only a hidden temporary, never listed
    assert alice.pending_count() == 1
    assert run.sync(alice, team.place).sent == 1
    assert run.sync(team.bob, team.place).received == 1
    assert team.bob.get_actor(GENSIGHT)["website"] == "https://avant-kill.example"


def test_killed_between_publishing_and_marking_sends_once(team, tmp_path):
    team.alice.update_actor(GENSIGHT, {"website": "https://publie.example"})
    _killed_at(team, team.alice, "before-mark", tmp_path)
    alice = _reopened(team.alice)
    team.opened.append(alice)
    own = alice.sync_identity().catalogue_id
    assert log.log_index(team.place)[own] == [1]
    assert alice.pending_count() == 1  # published, not known as such yet
    again = run.sync(alice, team.place)
    assert again.sent == 0 and alice.pending_count() == 0
    assert log.log_index(team.place)[own] == [1]
    alice.update_actor(GENSIGHT, {"phone": "01 40 40 40 40"})
    assert run.sync(alice, team.place).sequence == 2
    bob = run.sync(team.bob, team.place)
    assert bob.received == 2
    actor = team.bob.get_actor(GENSIGHT)
    assert (actor["website"], actor["phone"]) == ("https://publie.example", "01 40 40 40 40")


def test_killed_during_a_pull_applies_nothing_then_completes(team, tmp_path):
    team.alice.update_actor(GENSIGHT, {"website": "https://recu.example"})
    run.sync(team.alice, team.place)
    before = team.bob.get_actor(GENSIGHT)["website"]
    _killed_at(team, team.bob, "before-apply", tmp_path)
    bob = _reopened(team.bob)
    team.opened.append(bob)
    assert bob.get_actor(GENSIGHT)["website"] == before
    assert run.sync(bob, team.place).received == 1
    assert bob.get_actor(GENSIGHT)["website"] == "https://recu.example"
    assert run.sync(bob, team.place).received == 0


def test_killed_in_the_middle_of_an_apply_leaves_all_or_nothing(team, tmp_path):
    from eco_desktop.bench.synth import synthetic_actors
    before = team.bob.total()
    team.alice.bulk_create_actors(list(synthetic_actors(1000)), label="Import de l'équipe")
    run.sync(team.alice, team.place)
    _killed_at(team, team.bob, "mid-apply", tmp_path)  # its 1,000 rows written, not committed
    bob = _reopened(team.bob)
    team.opened.append(bob)
    assert bob.total() == before  # nothing of the changeset
    assert bob.pending_count() == 0
    run.sync(bob, team.place)
    assert bob.total() == team.alice.total() == before + 1000
    assert bob.actor_ids() == team.alice.actor_ids()
