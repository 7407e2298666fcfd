"""The records' part of the façade: vocabulary labels kept per state of the file."""
from __future__ import annotations

from eco_desktop.catalogue import Catalogue


def test_vocabulary_labels_are_read_once_per_state_of_the_file(empty_catalogue):
    many = empty_catalogue
    reads = []
    many.conn.set_trace_callback(lambda sql: reads.append(sql) if "FROM vocabulary" in sql else None)
    first = many.value_labels()
    assert many.value_labels() == first and len(reads) == 3  # kind, domain, activity once
    many.set_vocab_entry("kind", "biotech", label="Biotechnologie")
    assert many.value_labels()["kind"]["biotech"] == "Biotechnologie"
    other = Catalogue.open(many.path)  # another program renames it back
    other.set_vocab_entry("kind", "biotech", label="Biotech")
    other.close()
    assert many.vocabulary("kind")["biotech"] == "Biotech"
    many.conn.set_trace_callback(None)
