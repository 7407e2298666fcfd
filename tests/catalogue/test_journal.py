"""Each actor's journal: field changes as French sentences, exchanges, follow-ups,
shortlist statuses, imports and changes received from colleagues, filtered by kind."""
from __future__ import annotations

from eco_desktop.catalogue.journal import KINDS, Sentences, day_words, followup_sentence, short

CELLECTIS, GENOPOLE = 15, 20


def _lines(entries) -> list[str]:
    return [line for e in entries for line in e.lines]


def test_a_phone_change_and_a_domain_added(catalogue):
    catalogue.update_actor(CELLECTIS, {"phone": "01 60 91 20 00"})
    domains = catalogue.get_actor(CELLECTIS)["domains"]
    catalogue.update_actor(CELLECTIS, {"phone": "01 69 12 34 56", "domains": [*domains, "vaccines"]})
    [latest, first] = catalogue.journal(CELLECTIS, ["change"])[:2]
    assert latest.lines == ("Domaines : + Vaccins", "Téléphone : 01 60 91 20 00 → 01 69 12 34 56")
    assert first.lines == ("Téléphone : (vide) → 01 60 91 20 00",)
    assert latest.kind_label == "Modifications" and latest.title == "Modifier « Cellectis »"
    assert latest.batch_id > first.batch_id


def test_vocabulary_values_by_their_labels_and_removed_ones(catalogue):
    catalogue.update_actor(CELLECTIS, {"kind": "pharma", "domains": ["vaccines"], "status": "closed"})
    [entry] = catalogue.journal(CELLECTIS, ["change"])[:1]
    assert "Type : Entreprise de biothérapie → Grand laboratoire pharmaceutique" in entry.lines
    assert "Domaines : + Vaccins, − Immunothérapie, − Thérapie génique" in entry.lines
    assert "Statut : En activité → Fermé" in entry.lines


def test_an_exchange_with_its_followup(catalogue):
    exchange = catalogue.add_exchange(CELLECTIS, date="2026-11-20", kind="meeting", text="Visite du site",
                                      author="Claire", followup_on="2026-12-15", next_step="Envoyer le CR")
    [entry] = catalogue.journal(CELLECTIS, ["exchange"])
    assert (entry.at, entry.title, entry.user) == ("2026-11-20", "Rendez-vous", "Claire")
    assert entry.lines == ("Visite du site", "À relancer le 15 décembre 2026 : Envoyer le CR")
    [set_up] = catalogue.journal(CELLECTIS, ["followup"])
    assert set_up.lines == ("À relancer le 15 décembre 2026 : Envoyer le CR",)
    catalogue.complete_followup(f"exchange:{exchange}", day="2026-12-16")
    done = catalogue.journal(CELLECTIS, ["followup"])[0]
    assert done.lines == ("Relance faite, prévue le 15 décembre 2026",)
    assert [e.at for e in catalogue.journal(CELLECTIS, ["exchange"])] == ["2026-12-16", "2026-11-20"]


def test_shortlist_statuses_contacts_and_relations(catalogue):
    call = catalogue.create_call("AAP Bioproduction", shortlist_matching=False)
    catalogue.add_to_call(call, [CELLECTIS])
    catalogue.set_status(call, [CELLECTIS], "contacted")
    catalogue.set_call_followup(call, CELLECTIS, due="2026-12-09", who="Bob")
    catalogue.add_contact(CELLECTIS, {"first_name": "Marie", "last_name": "Curie"})
    contact = catalogue.contacts(CELLECTIS)[0]["id"]
    catalogue.update_contact(contact, {"legal_basis": "consent"})
    catalogue.add_relation(CELLECTIS, "partner_of", GENOPOLE)
    assert _lines(catalogue.journal(CELLECTIS, ["call"])) == [
        "Appel « AAP Bioproduction » : À contacter → Contacté",
        "Présélectionné dans l'appel « AAP Bioproduction »"]
    assert _lines(catalogue.journal(CELLECTIS, ["followup"])) == [
        "À relancer le 9 décembre 2026 par Bob (appel « AAP Bioproduction »)"]
    assert _lines(catalogue.journal(CELLECTIS, ["change"]))[:3] == [
        "Relation ajoutée : partenaire de « Genopole »",
        "Contact Marie Curie — Base légale : (vide) → Consentement",
        "Contact ajouté : Marie Curie"]
    assert "Relation ajoutée : partenaire de « Cellectis »" in _lines(catalogue.journal(GENOPOLE))


def test_trash_imports_and_what_colleagues_sent(catalogue):
    catalogue.delete_actors([CELLECTIS])
    catalogue.restore_actors([CELLECTIS])
    with catalogue.transaction("Reçu de Bob, Région") as batch:
        catalogue.backend.update("actors", CELLECTIS, {"website": "https://example.org"})
    catalogue.conn.execute("UPDATE history_batches SET user = 'Bob, Région' WHERE id = ?", (batch.id,))
    catalogue.conn.commit()
    with catalogue.transaction("Importer « sirene.csv »"):
        catalogue.backend.update("actors", CELLECTIS, {"siren": "384272221"})
    [received] = catalogue.journal(CELLECTIS, ["received"])
    assert (received.user, received.title, received.lines) == (
        "Bob, Région", "Reçu de Bob, Région", ("Site web : (vide) → https://example.org",))
    [imported] = catalogue.journal(CELLECTIS, ["import"])
    assert imported.lines[0].startswith("SIREN : ") and imported.lines[0].endswith(" → 384272221")
    assert _lines(catalogue.journal(CELLECTIS, ["change"]))[:2] == ["Sortie de la corbeille", "Mise à la corbeille"]


def test_kinds_filter_and_undone_batches(catalogue):
    catalogue.update_actor(CELLECTIS, {"phone": "01 02 03 04 05"})
    catalogue.undo()
    entries = catalogue.journal(CELLECTIS)
    assert {e.kind for e in entries} <= set(KINDS)
    assert catalogue.journal(CELLECTIS, []) == []
    assert not catalogue.journal(CELLECTIS, ["change"])  # an undone batch is not told
    catalogue.redo()
    assert _lines(catalogue.journal(CELLECTIS, ["change"])) == ["Téléphone : (vide) → 01 02 03 04 05"]


def test_sentences_helpers():
    assert short("") == "(vide)" and short(None) == "(vide)"
    assert short("a\n b") == "a b"
    assert len(short("x" * 500)) == 120 and short("x" * 500).endswith("…")
    assert day_words("2026-03-01") == "1er mars 2026" and day_words("demain") == "demain"
    assert Sentences({}).field("not_a_field", 1, 2) is None
    assert Sentences({}).field("tags", ["a"], ["a"]) is None
    assert followup_sentence({"followup_on": "2026-12-01"}, {"followup_on": None}) == "Relance retirée"
    assert followup_sentence({}, {}) is None
