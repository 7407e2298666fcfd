"""custom_query: the Filter's custom criteria grouped and evaluated as bitsets, kept for
the state of the file, and the custom facets' counts."""
from __future__ import annotations

from eco_desktop.catalogue.custom_query import facet_name, groups
from eco_desktop.filter import Filter


def test_groups_or_one_fields_values_and_and_the_rest():
    flt = Filter(custom=[("programme", "=", "pia"), ("montant", ">=", "10"), ("programme", "=", "fr"),
                         ("montant", "<", "99")])
    assert groups(flt) == {
        "custom.programme": [("programme", "=", "pia"), ("programme", "=", "fr")],
        "custom.montant>=10": [("montant", ">=", "10")],
        "custom.montant<99": [("montant", "<", "99")],
    }
    assert facet_name("programme") == "custom.programme"


def test_bitsets_follow_the_file(catalogue):
    catalogue.add_custom_field("actor", "Montant", "number")
    catalogue.add_custom_field("actor", "Labellisé", "bool")
    a, b = catalogue.actor_ids(Filter())[:2]
    catalogue.set_custom_values(a, {"montant": 5, "labellise": True})
    at_least = Filter(custom=[("montant", ">=", "5")])
    assert catalogue.actor_ids(at_least) == [a]
    catalogue.set_custom_values(b, {"montant": 7})  # a write: the criterion is evaluated again
    assert sorted(catalogue.actor_ids(at_least)) == sorted([a, b])
    assert catalogue.count(Filter(custom=[("labellise", "=", "0")])) == catalogue.total() - 1
    counts = catalogue.facet_counts(at_least)["custom.labellise"]
    assert {c["value"]: c["count"] for c in counts} == {"1": 1, "0": 1}


def test_date_ranges_compare_iso_days(catalogue):
    catalogue.add_custom_field("actor", "Visite", "date")
    a, b = catalogue.actor_ids(Filter())[:2]
    catalogue.set_custom_values(a, {"visite": "31/12/2024"})
    catalogue.set_custom_values(b, {"visite": "2025-01-01"})
    assert catalogue.actor_ids(Filter(custom=[("visite", "<", "2025-01-01")])) == [a]
    assert catalogue.actor_ids(Filter(custom=[("visite", ">=", "2025-01-01")])) == [b]
    assert catalogue.actor_ids(Filter(custom=[("visite", "=", "2025-01-01")])) == [b]
