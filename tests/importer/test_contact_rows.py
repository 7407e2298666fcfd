"""importer/contact_rows.py: a contacts row."""
from __future__ import annotations

from eco_desktop.importer import Mapping, prepare, read_table

from import_helpers import prepared


def test_prepare_contacts():
    alice, bruno, claude = prepared("contacts.csv", kind="contacts")
    assert alice.ok and alice.data["legal_basis"] == "consent" and not alice.data["opt_out"]
    assert alice.data["civility"] == "Mme" and alice.data["phone"] == "+33612345678"
    assert alice.link["organisation"] == "BioThéra Paris"
    assert alice.link["organisation_siret"] == "81234567600017"
    assert alice.link["organisation_siren"] == "812345676"
    assert bruno.data["legal_basis"] == "legitimate_interest"
    assert "legal_basis" not in claude.data and claude.data["opt_out"] is True
    assert set(alice.data) == {"civility", "first_name", "last_name", "role", "email",
                               "phone", "legal_basis", "opt_out"}


def test_prepare_contacts_bad_values(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("Structure;Nom;E-mail;Base légale;Date du consentement\n"
                    "Genopole;Durand;pas-un-mail;peut-être;31/02/2024\n"
                    ";Martin;m@example.org;oui;12/03/2024\n", encoding="utf-8")
    table = read_table(path)
    bad, orphan = prepare(table, Mapping.auto(table.headers, "contacts"))
    assert bad.ok and "email" not in bad.data and "legal_basis" not in bad.data
    assert {w.field for w in bad.warnings} >= {"email", "legal_basis", "basis_date"}
    assert orphan.data["basis_date"] == "2024-03-12"
    assert [e.field for e in orphan.errors] == ["organisation"]
