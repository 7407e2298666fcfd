"""Duplicates an officer would see: identifiers, exact names without a place, chains and
the sites of one firm (linked to their head office), and a file imported again."""
from __future__ import annotations

import csv
from pathlib import Path

from stdnum import luhn
from stdnum.fr import siren as siren_module
from stdnum.fr import siret as siret_module

from eco_desktop.importer import find_duplicates, plan_import


def siren_of(eight: str) -> str:
    number = eight + luhn.calc_check_digit(eight)
    assert siren_module.is_valid(number)
    return number


def siret_of(siren: str, nic: int) -> str:
    """A valid SIRET of ``siren``: the NIC ``nic`` (four digits) and its key."""
    body = siren + f"{nic:04d}"
    number = body + luhn.calc_check_digit(body)
    assert siret_module.is_valid(number)
    return number


def actor(id_, name, siret="", siren="", postcode="", insee="", commune="", aliases=None):
    return {"id": id_, "name": name, "siret": siret, "siren": siren, "postcode": postcode,
            "insee_code": insee, "commune": commune, "aliases": aliases}


def row(name, siret="", siren="", postcode="", insee="", commune=""):
    return {"name": name, "siret": siret, "siren": siren, "postcode": postcode,
            "insee_code": insee, "commune": commune}


def found_as(found) -> list:
    return [None if d is None else (d.actor_id if d.actor_id is not None else
                                    ("row", d.first_index), d.rule) for d in found]


LIDL = siren_of("35012345")
STORES = [siret_of(LIDL, nic) for nic in range(1, 27)]


# -- find_duplicates ---------------------------------------------------------------------

def test_the_same_name_without_any_address_is_a_duplicate():
    existing = [actor(1, "Cellectis", postcode="75013", insee="75113"),
                actor(2, "Everzom"),                                  # no place
                actor(3, "Institut Curie", postcode="75005", aliases='["Curie"]')]
    rows = [row("CELLECTIS SA"),                      # no address: the actor in Paris
            row("Everzom", postcode="75013"),         # the actor has no address
            row("curie")]                             # an alias, no address
    assert found_as(find_duplicates(rows, existing)) == [(1, "name"), (2, "name"), (3, "name")]
    rows = [row("Cellectis", postcode="69001"),       # elsewhere, both placed: not proven
            row("Curie", postcode="13001")]           # the alias, elsewhere
    assert find_duplicates(rows, existing) == [None, None]


def test_rows_without_an_address_are_compared_in_the_file_too():
    rows = [row("Nouvelle Bio"), row("NOUVELLE BIO", postcode="91000"),
            row("Autre Bio", postcode="91000"), row("Autre Bio", postcode="75013"),
            row("autre bio")]
    assert found_as(find_duplicates(rows, [])) == [
        None, (("row", 0), "name"), None, None, (("row", 2), "name")]


def test_a_chain_of_stores_with_their_own_sirets_is_no_duplicate():
    # 26 stores, one name, one postcode: 26 establishments, whatever their names say.
    rows = [row("LIDL", siret=s, postcode="75013", insee="75113") for s in STORES]
    rows.append(row("LIDLL", siret=siret_of(LIDL, 99), postcode="75013"))  # close, other SIRET
    assert find_duplicates(rows, []) == [None] * 27
    # Against the catalogue: only the store already there.
    existing = [actor(5, "Lidl", siret=STORES[3], postcode="75013", insee="75113")]
    found = find_duplicates(rows[:26], existing)
    assert found_as(found) == [None] * 3 + [(5, "siret")] + [None] * 22
    # The same SIRET twice in the file is one establishment.
    again = find_duplicates(rows[:2] + rows[:1], [])
    assert found_as(again) == [None, None, (("row", 0), "siret")]


def test_a_firm_known_by_its_siren_only_is_one_establishment():
    existing = [actor(7, "Helix Bio", siren=LIDL, postcode="91000")]
    rows = [row("Helix Bio", siret=STORES[0], postcode="91000"),   # the firm's first site
            row("Helix Bio", siret=STORES[1], postcode="91000"),   # another one
            row("Helix Bio", siren=LIDL)]                          # the firm itself
    assert found_as(find_duplicates(rows, existing)) == [(7, "siren"), None, (7, "siren")]
    # The same in the file: a row without a SIRET takes the first SIRET found to be it.
    rows = [row("Helix Bio", siren=LIDL, postcode="91000"),
            row("Helix Bio", siret=STORES[0], postcode="91000"),
            row("Helix Bio SAS", siret=STORES[1], postcode="91000"),
            row("Helix Bio", siret=STORES[1], postcode="91000")]
    assert found_as(find_duplicates(rows, [])) == [
        None, (("row", 0), "siren"), None, (("row", 2), "siret")]


def test_close_names_with_other_sirets_are_not_duplicates():
    other = siren_of("44012345")
    existing = [actor(1, "Genethon", siret=siret_of(other, 11), postcode="91000")]
    rows = [row("Généthon SA", siret=siret_of(other, 12), postcode="91000"),   # its site
            row("Genethonn", siret=siret_of(LIDL, 11), postcode="91000"),      # another firm
            row("Genethonn", postcode="91000")]                                # no SIRET
    assert found_as(find_duplicates(rows, existing)) == [None, None, (1, "name")]


# -- the import -----------------------------------------------------------------------------

def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    return path


def test_the_bundled_biotechs_are_not_created_again_from_a_list_without_addresses(
        catalogue, tmp_path):
    # An i-Lab-like list: names and SIRENs, no address.
    path = write_csv(tmp_path / "laureats.csv", [
        ["Nom de l'entreprise", "Type", "SIREN"],
        ["CELLECTIS", "Biotech", "428859052"],
        ["Ipsirius", "Biotech", ""],
        ["EVERZOM", "Biotech", ""],
        ["Collectis", "Biotech", ""],                    # the bundled alias
    ])
    plan = plan_import(catalogue, path)
    assert [(r.status, r.action, r.duplicate_of) for r in plan.rows] == [
        ("duplicate", "skip", "Cellectis"), ("duplicate", "skip", "Ipsirius"),
        ("duplicate", "skip", "Everzom"), ("duplicate", "skip", "Cellectis")]
    assert [r.rule for r in plan.rows] == ["siren", "name", "name", "name"]
