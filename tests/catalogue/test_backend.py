"""The backend's documented reads: actors of a list of ids as tuples, in order, by JSON
chunks or by one scan; rows of ``IN (…)`` in chunks SQLite accepts."""
from __future__ import annotations

import pytest

from eco_desktop.catalogue import Catalogue
from eco_desktop.catalogue.backend import IN_CHUNK


@pytest.fixture
def many(tmp_path):
    cat = Catalogue.create(tmp_path / "c.sqlite", seed=False)
    cat.bulk_create_actors([{"name": f"Acteur {i}", "kind": "biotech"} for i in range(1, 2001)], label="x")
    yield cat
    cat.close()


@pytest.mark.parametrize("scan_from", [None, 5])
def test_actor_rows_gives_the_ids_asked_in_their_order(many, scan_from):
    ids = [1500, 3, 99_999, 2**70, 7, 3, 1200]
    batches = list(many.actor_rows("a.id, a.name", ids, chunk=2, scan_from=scan_from))
    rows = [row for batch in batches for row in batch]
    assert rows == [(1500, "Acteur 1500"), (3, "Acteur 3"), (7, "Acteur 7"), (3, "Acteur 3"),
                    (1200, "Acteur 1200")]
    assert all(type(row) is tuple for row in rows)
    assert len(batches) == (1 if scan_from else 3)  # (the big id is skipped before chunking)


def test_actor_rows_checks_before_each_chunk(many):
    calls = []
    assert sum(map(len, many.actor_rows("a.id", list(range(1, 11)), chunk=4,
                                        check=lambda: calls.append(1)))) == 10
    assert len(calls) == 3


def test_rows_in_binds_many_ids_in_chunks(many):
    ids = list(range(1, 2 * IN_CHUNK + 50))
    with many.lock:
        found = [r[0] for r in many.backend.rows_in("SELECT id FROM actors WHERE id IN ({ids})", ids, plain=True)]
    assert sorted(found) == ids


def test_actor_identities_leave_out_the_trash(many):
    many.delete_actors([2])
    rows = many.actor_identities(("name", "siret"))
    assert rows[:2] == [{"id": 1, "name": "Acteur 1", "siret": ""}, {"id": 3, "name": "Acteur 3", "siret": ""}]
    with pytest.raises(Exception):
        many.actor_identities(("name; DROP TABLE actors",))

