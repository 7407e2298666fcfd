"""Team sync's figures (eco_desktop/bench/sync_figures.py) measure what they say on a
small synthetic catalogue; no timing is asserted."""
from __future__ import annotations

from eco_desktop.bench import figures, sync_figures
from eco_desktop.bench.synth import build_synthetic_catalogue
from eco_desktop.catalogue import Catalogue


def test_pull_applies_every_changed_actor_and_noop_sends_nothing(tmp_path):
    build_synthetic_catalogue(tmp_path / "bench.sqlite", 60).close()
    bench = sync_figures.SyncBench(tmp_path / "bench.sqlite", tmp_path)
    assert bench.changed == 60 and bench.sent == 60
    assert len(bench.pull(2)) == 2
    with Catalogue.open(tmp_path / "sync-bob-run.sqlite") as bob:
        assert all("revue-2026" in a["tags"] for a in bob.iter_actors())
    assert len(bench.noop(3)) == 3
    with Catalogue.open(tmp_path / "sync-alice.sqlite") as alice:
        assert alice.pending_count() == 0
    assert figures.target_for("sync_pull_10k", 20_000) == 10.0
    assert figures.target_for("sync_noop", 100_000) == 0.5
