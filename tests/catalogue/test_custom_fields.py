"""Custom fields: definitions, typed values, filters (≥, =, facets), full text, undo,
choices in use, deletion with the record."""
from __future__ import annotations

import pytest

from eco_desktop.catalogue.custom_fields import display, parse_value
from eco_desktop.errors import UserError
from eco_desktop.filter import Filter


@pytest.fixture
def fields(catalogue):
    """A number, a date, a choice, a yes/no and a text field on the bundled catalogue."""
    catalogue.add_custom_field("actor", "Montant levé", "number", unit="€")
    catalogue.add_custom_field("actor", "Dernière visite", "date")
    catalogue.add_custom_field("actor", "Programme", "choices", choices=["France 2030", "PIA", "Horizon Europe"])
    catalogue.add_custom_field("actor", "Membre Medicen", "bool")
    catalogue.add_custom_field("actor", "Remarque interne", "text")
    return catalogue


def ids(catalogue, n=4):
    return catalogue.actor_ids(Filter())[:n]


def test_definitions_in_order_with_keys(fields):
    got = [(f["key"], f["type"], f["position"]) for f in fields.custom_fields("actor")]
    assert got == [("montant_leve", "number", 1), ("derniere_visite", "date", 2),
                   ("programme", "choices", 3), ("membre_medicen", "bool", 4), ("remarque_interne", "text", 5)]
    assert [c["label"] for c in fields.custom_field("programme")["choices"]] == ["France 2030", "PIA", "Horizon Europe"]
    assert fields.custom_field("Montant levé")["key"] == "montant_leve"
    with pytest.raises(UserError, match="existe déjà"):
        fields.add_custom_field("actor", "montant leve", "text")
    fields.move_custom_field(fields.custom_field("programme")["id"], -2)
    assert [f["key"] for f in fields.custom_fields("actor")][0] == "programme"


def test_values_typed_and_validated(fields):
    a = ids(fields, 1)[0]
    fields.set_custom_values(a, {"montant_leve": "1,5M", "derniere_visite": "12/03/2024",
                                 "programme": "France 2030; pia", "membre_medicen": "oui"})
    assert fields.custom_values(a) == {"montant_leve": [1500000], "derniere_visite": ["2024-03-12"],
                                       "programme": ["france_2030", "pia"], "membre_medicen": [1]}
    with pytest.raises(UserError, match="attend un nombre"):
        fields.set_custom_values(a, {"montant_leve": "beaucoup"})
    with pytest.raises(UserError, match="attend une date"):
        fields.set_custom_values(a, {"derniere_visite": "31/02/2024"})
    with pytest.raises(UserError, match="n'est pas un choix"):
        fields.set_custom_values(a, {"programme": "Inconnu"})
    fields.set_custom_values(a, {"montant_leve": "", "membre_medicen": False})
    assert set(fields.custom_values(a)) == {"derniere_visite", "programme"}


def test_url_field_validated_by_validate():
    field = {"type": "url", "label": "Page", "choices": []}
    assert parse_value(field, "www.exemple.fr") == ["https://www.exemple.fr"]
    with pytest.raises(UserError, match="adresse web"):
        parse_value(field, "javascript:alert(1)")
    assert display({"type": "number", "unit": "€", "label": "M"}, [1500000]) == "1\u202f500\u202f000 €"


def test_filter_range_and_choice(fields):
    a, b, c, _ = ids(fields)
    fields.set_custom_values(a, {"montant_leve": 2_000_000, "derniere_visite": "2024-06-01", "programme": ["pia"]})
    fields.set_custom_values(b, {"montant_leve": 500_000, "derniere_visite": "2025-02-01", "programme": ["pia", "france_2030"]})
    fields.set_custom_values(c, {"montant_leve": 1_000_000, "membre_medicen": True})
    assert set(fields.actor_ids(Filter(custom=[("montant_leve", ">=", "1000000")]))) == {a, c}
    assert fields.actor_ids(Filter(custom=[("derniere_visite", "<", "2025-01-01")])) == [a]
    both = Filter(custom=[("programme", "=", "pia"), ("programme", "=", "france_2030")])
    assert set(fields.actor_ids(both)) == {a, b}  # one field's choices: OR
    assert fields.actor_ids(both.toggled("custom.membre_medicen", "1")) == []  # fields: AND
    assert fields.actor_ids(Filter(custom=[("membre_medicen", "=", "1")])) == [c]
    assert fields.count(Filter(custom=[("membre_medicen", "=", "0")])) == fields.total() - 1
    words = fields.describe(Filter(custom=[("montant_leve", ">=", "1000000"), ("derniere_visite", "<", "2025-01-01")]))
    assert words == ["Montant levé ≥ 1\u202f000\u202f000 €", "Dernière visite avant le 1er janvier 2025"]
    assert fields.describe(both) == ["Programme : « PIA » ou « France 2030 »"]
    # a saved view keeps the criteria
    fields.save_view("Levées", Filter(custom=[("montant_leve", ">=", "1000000")]))
    view = fields.saved_views()[0]["filter"]
    assert set(fields.actor_ids(view)) == {a, c}


def test_facet_counts_of_a_choice_field(fields):
    a, b, c, _ = ids(fields)
    fields.set_custom_values(a, {"programme": ["pia"]})
    fields.set_custom_values(b, {"programme": ["pia", "france_2030"]})
    fields.set_custom_values(c, {"programme": ["horizon_europe"], "membre_medicen": True})
    counts = fields.facet_counts(Filter())
    assert {i["value"]: (i["label"], i["count"]) for i in counts["custom.programme"]} == {
        "pia": ("PIA", 2), "france_2030": ("France 2030", 1), "horizon_europe": ("Horizon Europe", 1)}
    # a facet's own selection is not applied to its counts, the others' are
    flt = Filter().toggled("custom.programme", "pia")
    counts = fields.facet_counts(flt)
    assert {i["value"]: i["count"] for i in counts["custom.programme"]}["horizon_europe"] == 1
    assert {i["value"]: i["count"] for i in counts["custom.membre_medicen"]} == {"0": 2}
    counts = fields.facet_counts(Filter().toggled("custom.membre_medicen", "1"))
    assert {i["value"]: i["count"] for i in counts["custom.programme"]} == {"horizon_europe": 1}
    assert fields.custom_facets() == [("custom.programme", "Programme"), ("custom.membre_medicen", "Membre Medicen")]


def test_full_text_finds_custom_text_and_refreshes(fields):
    a = ids(fields, 1)[0]
    fields.set_custom_values(a, {"remarque_interne": "Rencontré au salon Biofit"})
    assert a in fields.actor_ids(Filter(text="biofit"))
    fields.set_custom_values(a, {"programme": ["horizon_europe"]})
    assert a in fields.actor_ids(Filter(text="horizon europe"))
    fields.set_custom_values(a, {"remarque_interne": ""})
    assert a not in fields.actor_ids(Filter(text="biofit"))
    field = fields.custom_field("programme")
    fields.rename_custom_choice(field["id"], "horizon_europe", "Horizon Europe Santé")
    assert a in fields.actor_ids(Filter(text="horizon sante"))


def test_edit_undo_redo(fields):
    a = ids(fields, 1)[0]
    fields.set_custom_values(a, {"montant_leve": 100})
    fields.set_custom_values(a, {"montant_leve": 300})
    assert fields.undo().startswith("Modifier « Montant levé »")
    assert fields.custom_values(a) == {"montant_leve": [100]}
    fields.redo()
    assert fields.custom_values(a) == {"montant_leve": [300]}


def test_rename_and_delete_field_undo(fields):
    a = ids(fields, 1)[0]
    fields.set_custom_values(a, {"montant_leve": 42})
    field = fields.custom_field("montant_leve")
    fields.update_custom_field(field["id"], label="Levée de fonds")
    assert fields.custom_field("montant_leve")["label"] == "Levée de fonds"
    fields.undo()
    assert fields.custom_field("montant_leve")["label"] == "Montant levé"
    assert fields.custom_field_usage(field["id"]) == 1
    fields.delete_custom_field(field["id"])
    assert fields.custom_field("montant_leve") is None
    assert fields.custom_values(a) == {}
    assert fields.undo() == "Supprimer le champ personnalisé « Montant levé »"
    assert fields.custom_values(a) == {"montant_leve": [42]}
    assert fields.actor_ids(Filter(custom=[("montant_leve", ">", "40")])) == [a]


def test_choice_in_use_count_and_delete(fields):
    a, b, c, _ = ids(fields)
    for actor in (a, b):
        fields.set_custom_values(actor, {"programme": ["pia"]})
    field = fields.custom_field("programme")
    assert fields.custom_choice_usage(field["id"], "pia") == 2
    assert fields.delete_custom_choice(field["id"], "pia") == 2
    assert fields.custom_values(a) == {}
    fields.undo()
    assert fields.custom_values(b) == {"programme": ["pia"]}


def test_values_go_with_a_purged_actor_or_deleted_contact(fields):
    fields.add_custom_field("contact", "Rôle au comité", "text")
    a = ids(fields, 1)[0]
    contact = fields.add_contact(a, {"last_name": "Durand"})
    fields.set_custom_values(contact, {"role_au_comite": "Président"}, "contact")
    assert fields.custom_values(contact, "contact") == {"role_au_comite": ["Président"]}
    fields.set_custom_values(a, {"montant_leve": 5})
    fields.delete_actors([a])
    fields.purge_actors([a])
    assert fields.custom_values(a) == {} and fields.custom_values(contact, "contact") == {}
    fields.undo()
    assert fields.custom_values(a) == {"montant_leve": [5]}


def test_unknown_field_in_a_filter_is_said():
    with pytest.raises(UserError, match="mal formé"):
        Filter.from_dict({"custom": [["x", ">="]]})


def test_filling_every_actor_leaves_one_merged_full_text_index(fields, monkeypatch):
    from eco_desktop.catalogue import derived
    monkeypatch.setattr(derived, "BULK_REBUILD_THRESHOLD", 10)
    every = fields.actor_ids(Filter())
    assert len(every) > 20
    data_rows = fields.conn.execute("SELECT count(*) FROM actors_fts_data").fetchone()[0]
    with fields.transaction("Remplir"):
        fields.set_custom_values_many({a: {"remarque_interne": f"repère {a}"} for a in every})
    assert fields.conn.execute("SELECT count(*) FROM actors_fts_data").fetchone()[0] <= data_rows + 2
    fields.conn.execute("INSERT INTO actors_fts (actors_fts) VALUES ('integrity-check')")
    assert len(fields.actor_ids(Filter(text="repere"))) == len(every)


def test_a_criterion_on_a_deleted_field_matches_nothing_and_says_so(fields):
    a = ids(fields, 1)[0]
    fields.set_custom_values(a, {"montant_leve": 10})
    flt = Filter(custom=[("montant_leve", ">=", "1")])
    assert fields.actor_ids(flt) == [a]
    fields.delete_custom_field(fields.custom_field("montant_leve")["id"])
    assert fields.actor_ids(flt) == [] and fields.facet_counts(flt)["kind"] == []
    assert fields.describe(flt) == ["Champ personnalisé supprimé « montant_leve » >= 1"]


def test_erasing_a_person_erases_their_custom_values_and_their_history(fields):
    from eco_desktop.catalogue import privacy
    fields.add_custom_field("contact", "Remarque sur la personne", "long_text")
    a = ids(fields, 1)[0]
    person = fields.add_contact(a, {"first_name": "Zéphyrine", "last_name": "Quillebeuf"})
    fields.set_custom_values(person, {"remarque_sur_la_personne": "Préfère être appelée le matin"}, "contact")
    plan = privacy.preview_erasure(fields, person)
    assert any(p.table == "custom_values" for p in plan.places)
    privacy.erase_person(fields, person, expected=plan)
    assert fields.conn.execute("SELECT count(*) FROM custom_values").fetchone()[0] == 0
    assert not fields.conn.execute("SELECT 1 FROM history_changes WHERE before LIKE '%matin%' "
                                   "OR after LIKE '%matin%'").fetchone()


def test_erasing_a_person_redacts_them_in_actors_custom_text(fields):
    from eco_desktop.catalogue import privacy
    a = ids(fields, 1)[0]
    person = fields.add_contact(a, {"first_name": "Zéphyrine", "last_name": "Quillebeuf"})
    fields.set_custom_values(a, {"remarque_interne": "Rencontre avec Zéphyrine Quillebeuf au salon"})
    fields.set_custom_values(a, {"montant_leve": 12})
    privacy.erase_person(fields, person, expected=privacy.preview_erasure(fields, person))
    [text] = fields.custom_values(a)["remarque_interne"]
    assert "Quillebeuf" not in text and "salon" in text
    assert fields.custom_values(a)["montant_leve"] == [12]
    assert a not in fields.actor_ids(Filter(text="quillebeuf"))
    assert not fields.conn.execute("SELECT 1 FROM history_changes WHERE before LIKE '%Quillebeuf%' "
                                   "OR after LIKE '%Quillebeuf%'").fetchone()


def test_the_records_journal_tells_custom_values(fields):
    a = ids(fields, 1)[0]
    fields.set_custom_values(a, {"montant_leve": 100})
    fields.set_custom_values(a, {"montant_leve": 300, "programme": ["pia"], "membre_medicen": True})
    lines = [line for entry in fields.journal(a, ["change"]) for line in entry.lines]
    assert "Montant levé : 100 € → 300 €" in lines
    assert "Montant levé : (vide) → 100 €" in lines
    assert "Programme : + PIA" in lines and "Membre Medicen : non → oui" in lines
