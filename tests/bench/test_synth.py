"""The synthetic catalogue of the benchmark (eco_desktop/bench/synth.py): reproducible,
shaped like the real one, written through the catalogue's API."""
from __future__ import annotations

import os
import subprocess
import sys

from eco_desktop import vocab
from eco_desktop.filter import Filter
from eco_desktop.bench.synth import build_synthetic_catalogue

DUMP = """
import sys, json
from eco_desktop.bench.synth import build_synthetic_catalogue
c = build_synthetic_catalogue(sys.argv[1], 300, seed=5)
rows = c.conn.execute("SELECT id, name, kind, domains, activities, tags, insee_code, departement, epci, lat, lon "
                      "FROM actors ORDER BY id").fetchall()
rels = c.conn.execute("SELECT id, source_id, type, target_id FROM relations ORDER BY id").fetchall()
contacts = c.conn.execute("SELECT id, actor_id, last_name, email, legal_basis, opt_out FROM contacts ORDER BY id").fetchall()
print(json.dumps([[list(r) for r in rows], [list(r) for r in rels], [list(r) for r in contacts]]))
"""


def _dump(path, hash_seed: str) -> str:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    done = subprocess.run([sys.executable, "-c", DUMP, str(path)], capture_output=True, text=True, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_same_seed_same_catalogue_whatever_the_hash_seed(tmp_path):
    assert _dump(tmp_path / "a.sqlite", "1") == _dump(tmp_path / "b.sqlite", "2")


def test_realistic_shape(tmp_path):
    catalogue = build_synthetic_catalogue(tmp_path / "s.sqlite", 2000, seed=42)
    try:
        assert catalogue.total() == 2000
        counts = catalogue.facet_counts(Filter())
        kinds = {i["value"]: i["count"] for i in counts["kind"]}
        assert set(kinds) <= set(vocab.KINDS) and kinds["biotech"] > kinds["funder"]
        deps = {i["value"] for i in counts["departement"]}
        assert deps <= set(vocab.IDF_DEPARTEMENTS) and {"75", "91", "94"} <= deps
        epcis = {i["value"]: i["count"] for i in counts["epci"]}
        assert epcis.get("200059228", 0) > 0 and epcis.get("200056232", 0) > 0  # Genopole, Paris-Saclay
        located = catalogue.conn.execute("SELECT count(*) FROM actors WHERE lat IS NOT NULL").fetchone()[0]
        assert located == 2000
        assert 0 < catalogue.count(Filter(has_contact=True)) < 2000
        types = {r["type"] for r in catalogue.relations()}
        assert types <= set(vocab.RELATION_TYPES) and len(types) == len(vocab.RELATION_TYPES)
        # searchable, contact names included
        assert catalogue.count(Filter(text="genopole")) > 0
        name = catalogue.contacts(usable_only=True)[0]["last_name"]
        assert catalogue.count(Filter(text=name)) > 0
    finally:
        catalogue.close()


def test_other_seed_other_catalogue(tmp_path):
    a = build_synthetic_catalogue(tmp_path / "a.sqlite", 50, seed=1)
    b = build_synthetic_catalogue(tmp_path / "b.sqlite", 50, seed=2)
    try:
        names = lambda c: [r[0] for r in c.conn.execute("SELECT name FROM actors ORDER BY id")]  # noqa: E731
        assert names(a) != names(b)
    finally:
        a.close()
        b.close()


def test_written_through_the_api_it_has_its_history_and_checks_clean(tmp_path):
    from eco_desktop.check import check
    catalogue = build_synthetic_catalogue(tmp_path / "s.sqlite", 120, seed=3)
    try:
        assert catalogue.contacts() and catalogue.relations()
        labels = [label for label, in catalogue.conn.execute("SELECT label FROM history_batches ORDER BY id")]
        assert labels == ["Catalogue synthétique", "Contacts et relations synthétiques",
                          "Champs personnalisés synthétiques"]
        changes = dict(catalogue.conn.execute("SELECT tbl, count(*) FROM history_changes GROUP BY tbl"))
        assert changes["contacts"] == len(catalogue.contacts())
        assert changes["relations"] == len(catalogue.relations())
        # three custom fields, filled for every actor
        assert [f["key"] for f in catalogue.custom_fields("actor")] == ["montant_leve", "derniere_visite", "programme"]
        assert changes["custom_values"] == 3 * 120
    finally:
        catalogue.close()
    report = check(tmp_path / "s.sqlite")
    assert report.ok, report.text()
