"""The export's custom fields: a column per actor field after the chosen ones (numbers and
dates as real cells, yes/no, choices by label), the contacts' fields on their sheet."""
from __future__ import annotations

import csv
import datetime as dt

import openpyxl

from eco_desktop.export import export_from_catalogue
from eco_desktop.filter import Filter

CELLECTIS = 15


def test_xlsx_and_csv_carry_the_custom_fields(catalogue, tmp_path):
    catalogue.add_custom_field("actor", "Montant levé", "number", unit="€")
    catalogue.add_custom_field("actor", "Dernière visite", "date")
    catalogue.add_custom_field("actor", "Programme", "choices", choices=["PIA", "France 2030"])
    catalogue.add_custom_field("actor", "Membre Medicen", "bool")
    catalogue.add_custom_field("contact", "Rôle au comité", "text")
    catalogue.set_custom_values(CELLECTIS, {"montant_leve": 2.5, "derniere_visite": "2024-10-02",
                                            "programme": ["pia", "france_2030"], "membre_medicen": True})
    contact = catalogue.add_contact(CELLECTIS, {"last_name": "Curie", "legal_basis": "consent"})
    catalogue.set_custom_values(contact, {"role_au_comite": "Présidente"}, "contact")
    flt = Filter(ids=(CELLECTIS,))
    book = tmp_path / "a.xlsx"
    export_from_catalogue(catalogue, book, flt, columns=["name"], contacts=True)
    wb = openpyxl.load_workbook(book)
    rows = list(wb["Acteurs"].iter_rows(values_only=True))
    assert rows[0] == ("Nom", "Montant levé (€)", "Dernière visite", "Programme", "Membre Medicen")
    assert rows[1] == ("Cellectis", 2.5, dt.datetime(2024, 10, 2), "PIA; France 2030", "oui")
    contacts = list(wb["Contacts"].iter_rows(values_only=True))
    assert contacts[0][-1] == "Rôle au comité" and contacts[1][-1] == "Présidente"
    criteria = {r[0]: r[1] for r in wb["Critères"].iter_rows(values_only=True)}
    assert criteria["Colonnes"].endswith("Programme; Membre Medicen")

    path = tmp_path / "a.csv"
    result = export_from_catalogue(catalogue, path, flt, columns=["name"], contacts=True, custom=["montant_leve"])
    with open(path, encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle, delimiter=";"))
    assert table[0] == ["Nom", "Montant levé (€)"] and table[1][0] == "Cellectis"
    with open(result.paths[1], encoding="utf-8-sig", newline="") as handle:
        people = list(csv.reader(handle, delimiter=";"))
    assert people[0][-1] == "Rôle au comité" and people[1][-1] == "Présidente"
