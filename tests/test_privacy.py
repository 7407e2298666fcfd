"""RGPD: export everything about a person, erase them everywhere, contacts to review."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import openpyxl
import pytest

from eco_desktop import check as checking
from eco_desktop import privacy
from eco_desktop.errors import UserError
from eco_desktop.filter import Filter
from eco_desktop.store import Catalogue

PERSON = {"civility": "Mme", "first_name": "Zéphyrine", "last_name": "Quillebeuf", "role": "Directrice R&D",
          "email": "z.quillebeuf@exemple.fr", "phone": "01 23 45 67 89", "legal_basis": "consent",
          "basis_date": "2023-04-01", "notes": "rencontrée au salon"}
# The first name alone is shared with a namesake who stays; everything else must go.
TRACES = [b"quillebeuf", "zéphyrine quillebeuf".encode(), b"zephyrine quillebeuf", b"z.quillebeuf@exemple.fr",
          b"01 23 45 67 89"]


@pytest.fixture
def person(catalogue):
    """A contact with history (added, edited, moved), an exchange and a colleague's note naming her."""
    ids = catalogue.actor_ids()
    first, second = ids[0], ids[1]
    contact_id = catalogue.add_contact(first, PERSON)
    catalogue.update_contact(contact_id, {"role": "Directrice générale"})
    catalogue.update_contact(contact_id, {"actor_id": second})
    catalogue.add_exchange(second, date="2024-02-01", kind="meeting",
                           text="Rendez-vous avec Zéphyrine Quillebeuf : projet de thérapie génique.")
    colleague = catalogue.add_contact(second, {"first_name": "Paul", "last_name": "Durand",
                                               "notes": "remplace ZEPHYRINE QUILLEBEUF en juillet"})
    # A namesake elsewhere keeps their name; only free text about our person is touched.
    namesake = catalogue.add_contact(ids[2], {"first_name": "Zéphyrine", "last_name": "Martin"})
    return {"id": contact_id, "actor_id": second, "colleague": colleague, "namesake": namesake}


def file_bytes(path: Path) -> bytes:
    data = b""
    for suffix in ("", "-wal", "-journal"):
        extra = Path(str(path) + suffix)
        if extra.exists():
            data += extra.read_bytes()
    return data.lower()


def test_export_person_holds_everything_including_history(catalogue, person, tmp_path):
    json_path, xlsx_path = tmp_path / "personne.json", tmp_path / "personne.xlsx"
    record = privacy.export_person(catalogue, person["id"], json_path, xlsx_path)
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data == json.loads(json.dumps(record, ensure_ascii=False))
    assert data["personne"]["last_name"] == "Quillebeuf"
    assert data["personne"]["email"] == PERSON["email"]
    assert data["personne"]["base_légale_libellé"] == "Consentement"
    assert data["organisation"]["id"] == person["actor_id"]
    actions = [h["action"] for h in data["historique"]]
    assert "Ajouter le contact « Zéphyrine Quillebeuf »" in actions
    assert [h["opération"] for h in data["historique"] if h["table"] == "contacts"][:3] == ["insert", "update", "update"]
    mentioned = {(m["table"], m["champ"]) for m in data["mentions"]}
    assert mentioned == {("exchanges", "text"), ("contacts", "notes")}
    wb = openpyxl.load_workbook(xlsx_path)
    assert wb.sheetnames == ["Personne", "Mentions", "Historique"]
    values = [c.value for row in wb["Personne"].iter_rows() for c in row]
    assert "Quillebeuf" in values and "z.quillebeuf@exemple.fr" in values
    assert wb["Historique"].max_row == len(data["historique"]) + 1


def test_erase_person_leaves_no_trace_in_the_file(catalogue, person):
    path = catalogue.path
    assert all(t in file_bytes(path) for t in TRACES[:2])  # before: the name is in the file
    result = privacy.erase_person(catalogue, person["id"])
    assert result.name == "Zéphyrine Quillebeuf"
    assert result.purged and result.history_deleted == 3 and result.mentions_redacted == 2
    assert catalogue.get_contact(person["id"]) is None
    # the rest of the catalogue is intact
    colleague = catalogue.get_contact(person["colleague"])
    assert colleague["last_name"] == "Durand"
    assert colleague["notes"] == "remplace [personne effacée] en juillet"
    assert catalogue.get_contact(person["namesake"])["first_name"] == "Zéphyrine"
    assert "[personne effacée]" in catalogue.exchanges(person["actor_id"])[0]["text"]
    assert catalogue.count(Filter(text="quillebeuf")) == 0
    assert catalogue.count(Filter(text="durand")) == 1
    assert checking.check(path).ok
    labels = [b["label"] for b in catalogue.history(limit=1000)]
    assert not any("Quillebeuf" in label for label in labels)
    assert "Ajouter le contact « Paul Durand »" in labels
    catalogue.close()
    data = file_bytes(path)
    for trace in TRACES:
        assert trace not in data, trace
    assert "zéphyrine martin".encode() in data               # the namesake is still there


def test_namesake_is_kept_but_person_gone(catalogue, person):
    privacy.erase_person(catalogue, person["id"])
    names = [(c["first_name"], c["last_name"]) for c in catalogue.contacts()]
    assert ("Zéphyrine", "Martin") in names
    assert not any(last == "Quillebeuf" for _first, last in names)


def test_undo_after_erasure_never_brings_the_person_back(catalogue, person):
    privacy.erase_person(catalogue, person["id"])
    while catalogue.undo() is not None:
        pass
    while catalogue.redo() is not None:
        pass
    assert not any(c["last_name"] == "Quillebeuf" for c in catalogue.contacts())
    assert checking.check(catalogue.path).ok


def test_erase_refused_when_read_only(catalogue_path):
    with Catalogue.open(catalogue_path) as cat:
        contact_id = cat.add_contact(cat.actor_ids()[0], PERSON)
    with Catalogue.open(catalogue_path, read_only=True) as cat:
        with pytest.raises(UserError, match="lecture seule"):
            privacy.erase_person(cat, contact_id)
        assert cat.get_contact(contact_id) is not None


def test_unknown_contact(catalogue, tmp_path):
    with pytest.raises(UserError, match="n'existe plus"):
        privacy.erase_person(catalogue, 987654)
    with pytest.raises(UserError, match="n'existe plus"):
        privacy.export_person(catalogue, 987654, tmp_path / "a.json", None)


def test_contacts_to_review(catalogue):
    aid = catalogue.actor_ids()[0]
    old = catalogue.add_contact(aid, {"last_name": "Ancien"})
    recent = catalogue.add_contact(aid, {"last_name": "Récent"})
    catalogue.conn.execute("UPDATE contacts SET updated_at = '2020-01-15T10:00:00+00:00' WHERE id = ?", (old,))
    catalogue.conn.execute("UPDATE contacts SET updated_at = '2023-06-01T10:00:00+00:00' WHERE id = ?", (recent,))
    now = datetime(2024, 6, 1, tzinfo=timezone.utc)
    review = privacy.contacts_to_review(catalogue, now=now)
    assert [c["id"] for c in review] == [old]
    assert review[0]["actor_name"] == catalogue.get_actor(aid)["name"]
    assert [c["id"] for c in privacy.contacts_to_review(catalogue, years=0, now=now)] == [old, recent]
