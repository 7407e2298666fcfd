"""Field validation of actors and contacts (French messages)."""
from __future__ import annotations

import datetime as dt

import pytest

from eco_desktop.validate import (
    Issue, errors, format_phone, naf_label, normalize_email, normalize_naf, normalize_phone,
    normalize_siren, normalize_siret, normalize_url, validate_actor, validate_contact, warnings,
)

VALID_SIREN = "732829320"
VALID_SIRET = "73282932000074"


def _fields(issues, level=None):
    return {i.field for i in issues if level is None or i.level == level}


def _actor(**fields):
    return {"name": "Exemple", **fields}


def test_minimal_actor_is_valid():
    assert validate_actor({"name": "Cellectis"}) == []


def test_full_valid_actor():
    issues = validate_actor(_actor(
        kind="biotech", siren="732 829 320", siret="732 829 320 00074", naf="72.11Z",
        email="contact@exemple.fr", phone="01 81 69 16 00", website="https://www.exemple.fr",
        postcode="91000", commune="Évry-Courcouronnes", insee_code="91228",
        lat=48.6268, lon=2.4301, founded=1999, status="active", size="PME",
        geo_precision="commune"))
    assert issues == []


@pytest.mark.parametrize("name", [None, "", "   "])
def test_name_required(name):
    issues = validate_actor({"name": name})
    assert [(i.field, i.level) for i in issues] == [("name", "error")]
    assert issues[0].message == "Le nom est obligatoire."


def test_normalize_siren_siret():
    assert normalize_siren(" 732 829 320 ") == VALID_SIREN
    assert normalize_siren("732.829.320") == VALID_SIREN
    assert normalize_siret("732 829 320 00074") == VALID_SIRET
    assert normalize_siren(None) == ""


def test_siren_checks():
    assert validate_actor(_actor(siren="732 829 320")) == []
    bad = validate_actor(_actor(siren="732829321"))
    assert [(i.field, i.level) for i in bad] == [("siren", "error")]
    assert "n'est pas valide (clé de contrôle incorrecte)" in bad[0].message
    assert "9 chiffres" in validate_actor(_actor(siren="73282932"))[0].message
    assert "chiffres" in validate_actor(_actor(siren="ABCDEFGHI"))[0].message


def test_siret_checks():
    assert validate_actor(_actor(siret=VALID_SIRET)) == []
    bad = validate_actor(_actor(siret="73282932000075"))
    assert bad[0].field == "siret" and bad[0].level == "error"
    assert bad[0].message == "Le SIRET 73282932000075 n'est pas valide (clé de contrôle incorrecte)."
    assert "14 chiffres" in validate_actor(_actor(siret="7328293200007"))[0].message


def test_siret_la_poste_special_case():
    # La Poste's establishments do not follow the Luhn key; stdnum knows it.
    assert validate_actor(_actor(siren="356000000", siret="35600000049837")) == []


def test_siret_must_start_with_siren():
    issues = validate_actor(_actor(siren="552100554", siret=VALID_SIRET))
    assert [(i.field, i.level) for i in issues] == [("siret", "error")]
    assert "ne correspond pas au SIREN" in issues[0].message


@pytest.mark.parametrize("email", ["contact@exemple.fr", "Jean.Dupont@Institut-Curie.FR",
                                   "prénom.nom@exemple.fr"])
def test_valid_emails(email):
    assert validate_actor(_actor(email=email)) == []
    assert validate_contact({"email": email}) == []


@pytest.mark.parametrize("email", ["a@b", "contact.exemple.fr", "a@@b.fr", "a b@c.fr"])
def test_invalid_emails(email):
    issues = validate_actor(_actor(email=email))
    assert _fields(issues, "error") == {"email"}
    assert "n'est pas valide" in issues[0].message


def test_normalize_email():
    assert normalize_email(" Jean@Exemple.FR ") == "Jean@exemple.fr"
    assert normalize_email("oops") == "oops"


@pytest.mark.parametrize("phone", ["01 81 69 16 00", "+33 1 81 69 16 00", "06.12.34.56.78",
                                   "+44 20 7946 0958", "0044 20 7946 0958"])
def test_valid_phones(phone):
    assert validate_actor(_actor(phone=phone)) == []


@pytest.mark.parametrize("phone", ["12", "01 23 45", "téléphone", "+33 9"])
def test_invalid_phones(phone):
    issues = validate_actor(_actor(phone=phone))
    assert _fields(issues, "error") == {"phone"}
    assert "numéro de téléphone" in issues[0].message


def test_phone_normalisation_is_e164():
    assert normalize_phone("01 81 69 16 00") == "+33181691600"
    assert normalize_phone("+44 20 7946 0958") == "+442079460958"
    assert normalize_phone(" n/a ") == "n/a"
    assert normalize_phone(None) == ""
    assert format_phone("+33181691600") == "01 81 69 16 00"
    assert format_phone("+442079460958") == "+44 20 7946 0958"


@pytest.mark.parametrize("code, expected", [
    ("72.11Z", "72.11Z"), ("7211Z", "72.11Z"), ("72.11z", "72.11Z"), (" 72 11 Z ", "72.11Z"),
    ("21.20Z", "21.20Z"), ("72", "72"), ("72.1", "72.1"),
    ("99.99Z", None), ("7211", "72.11"), ("", None), (None, None), ("ABC", None),
])
def test_normalize_naf(code, expected):
    assert normalize_naf(code) == expected


def test_naf_label_and_validation():
    assert naf_label("7211Z") == "Recherche-développement en biotechnologie"
    assert naf_label("00.00Z") is None
    assert validate_actor(_actor(naf="7211Z")) == []
    issues = validate_actor(_actor(naf="72.19X"))
    assert _fields(issues, "error") == {"naf"}
    assert "NAF" in issues[0].message


@pytest.mark.parametrize("url, expected", [
    ("www.exemple.fr", "https://www.exemple.fr"),
    ("https://exemple.fr/a?b=c", "https://exemple.fr/a?b=c"),
    ("HTTP://exemple.fr", "http://exemple.fr"),
    ("exemple.fr:8080/x", "https://exemple.fr:8080/x"),
    ("javascript:alert(1)", "javascript:alert(1)"),
    ("", ""),
])
def test_normalize_url(url, expected):
    assert normalize_url(url) == expected


@pytest.mark.parametrize("url", ["https://www.cellectis.com", "http://genopole.fr/page",
                                 "www.institut-curie.org", "https://théra.fr"])
def test_valid_websites(url):
    assert validate_actor(_actor(website=url)) == []


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://exemple.fr", "mailto:a@b.fr",
                                 "https://", "pas un site", "http://exemple"])
def test_invalid_websites(url):
    issues = validate_actor(_actor(website=url))
    assert _fields(issues, "error") == {"website"}
    assert "http" in issues[0].message


def test_postcode_format():
    issues = validate_actor(_actor(postcode="7501"))
    assert [(i.field, i.level) for i in issues] == [("postcode", "error")]
    assert "5 chiffres" in issues[0].message
    assert _fields(validate_actor(_actor(postcode="75O13")), "error") == {"postcode"}


@pytest.mark.parametrize("fields", [
    {"postcode": "91000", "commune": "EVRY COURCOURONNES"},
    {"postcode": "91080", "insee_code": "91228"},
    {"postcode": "75013", "commune": "Paris"},
    {"postcode": "75013", "commune": "Paris 13e Arrondissement", "insee_code": "75113"},
    {"postcode": "75013", "commune": "Paris", "insee_code": "75056"},
    {"postcode": "94440", "commune": "Marolles-en-Brie"},
    {"postcode": "92100", "commune": "Boulogne"},
    {"postcode": "91000"},
    {"insee_code": "91182"},                       # former code of Évry-Courcouronnes
])
def test_consistent_addresses(fields):
    assert validate_actor(_actor(**fields)) == []


def test_idf_postcode_inconsistent_with_commune_is_an_error():
    issues = validate_actor(_actor(postcode="91000", commune="Orsay"))
    assert [(i.field, i.level) for i in issues] == [("postcode", "error")]
    assert "Orsay" in issues[0].message and "91400" in issues[0].message
    issues = validate_actor(_actor(postcode="75015", insee_code="75113"))
    assert _fields(issues, "error") == {"postcode"}
    assert _fields(validate_actor(_actor(postcode="91000", commune="Paris")), "error") == {"postcode"}


def test_other_inconsistent_postcodes_are_warnings():
    issues = validate_actor(_actor(postcode="69003", insee_code="91228"))
    assert [(i.field, i.level) for i in issues] == [("postcode", "warning")]
    cedex = validate_actor(_actor(postcode="91742", commune="Massy"))
    assert [(i.field, i.level) for i in cedex] == [("postcode", "warning")]
    assert "CEDEX" in cedex[0].message


def test_outside_idf_address_is_not_checked():
    assert validate_actor(_actor(postcode="69003", commune="Lyon")) == []


def test_insee_code_and_commune_must_agree():
    issues = validate_actor(_actor(insee_code="91228", commune="Orsay"))
    assert _fields(issues, "error") == {"commune"}
    assert _fields(validate_actor(_actor(insee_code="91999")), "error") == {"insee_code"}
    assert _fields(validate_actor(_actor(insee_code="9122")), "error") == {"insee_code"}


def test_unknown_commune_for_postcode_is_a_warning():
    issues = validate_actor(_actor(postcode="91940", commune="Courtabœuf"))
    assert [(i.field, i.level) for i in issues] == [("commune", "warning")]


def test_position_outside_idf_is_a_warning():
    issues = validate_actor(_actor(lat=45.764, lon=4.8357))        # Lyon
    assert [(i.field, i.level) for i in issues] == [("position", "warning")]
    assert issues[0].message.startswith("Position hors d'Île-de-France")
    assert validate_actor(_actor(lat="48,8566", lon="2,3522")) == []
    swapped = validate_actor(_actor(lat=2.3522, lon=48.8566))
    assert "inversées" in swapped[0].message


@pytest.mark.parametrize("lat, lon, field", [(95, 2.3, "lat"), (-91, 2.3, "lat"),
                                             (48.8, 181, "lon"), ("nord", 2.3, "lat")])
def test_position_out_of_range_is_an_error(lat, lon, field):
    issues = validate_actor(_actor(lat=lat, lon=lon))
    assert _fields(issues, "error") == {field}
    assert not warnings(issues)


def test_position_needs_both_coordinates():
    assert _fields(validate_actor(_actor(lat=48.8)), "error") == {"position"}


@pytest.mark.parametrize("year", [1800, 1999, "2004", dt.date.today().year + 1])
def test_plausible_founded(year):
    assert validate_actor(_actor(founded=year)) == []


@pytest.mark.parametrize("year", [1799, dt.date.today().year + 2, "vers 2000", 1999.5, 0])
def test_implausible_founded(year):
    issues = validate_actor(_actor(founded=year))
    assert _fields(issues, "error") == {"founded"}
    assert "plausible" in issues[0].message


def test_fixed_enumerations():
    assert _fields(validate_actor(_actor(status="ferme")), "error") == {"status"}
    assert _fields(validate_actor(_actor(size="énorme")), "error") == {"size"}
    assert validate_actor(_actor(status="closed", size="grand groupe")) == []


def test_contact_rules():
    assert validate_contact({"last_name": "Durand"}) == []
    assert validate_contact({"email": "a.durand@exemple.fr", "legal_basis": "consent",
                             "basis_date": "2024-03-01"}) == []
    assert validate_contact({"last_name": "Durand", "legal_basis": "legitimate_interest",
                             "basis_date": "2024-03-01T10:00:00"}) == []
    missing = validate_contact({"first_name": "Anne"})
    assert [(i.field, i.level) for i in missing] == [("last_name", "error")]
    assert _fields(validate_contact({"last_name": "D", "legal_basis": "oui"}), "error") == {"legal_basis"}
    assert _fields(validate_contact({"last_name": "D", "legal_basis": "consent",
                                     "basis_date": "01/03/2024"}), "error") == {"basis_date"}
    assert _fields(validate_contact({"last_name": "D", "legal_basis": "consent",
                                     "basis_date": "2024-02-30"}), "error") == {"basis_date"}
    assert _fields(validate_contact({"last_name": "D", "email": "x@"}), "error") == {"email"}
    assert _fields(validate_contact({"last_name": "D", "phone": "123"}), "error") == {"phone"}
    assert _fields(validate_contact({"last_name": "D", "basis_date": "2024-03-01"}),
                   "warning") == {"basis_date"}


def test_errors_and_warnings_helpers():
    issues = [Issue("a", "error", "x"), Issue("b", "warning", "y"), Issue("c", "error", "z")]
    assert [i.field for i in errors(issues)] == ["a", "c"]
    assert [i.field for i in warnings(issues)] == ["b"]


URLS = [
    "https://www.cellectis.com", "http://exemple.fr/", "https://a.b.c.fr./chemin?x=1#haut",
    "HTTPS://WWW.EXEMPLE.FR", "https://exemple.fr:8080/a", "https://exemple.fr:80abc",
    "https://user:pw@exemple.fr", "https://exa_mple.fr", "https://-exemple.fr",
    "https://exemple-.fr", "https://exemple", "https://exemple.f", "https://exemple.123",
    "https://" + "a" * 64 + ".fr", "https://" + ("a" * 60 + ".") * 5 + "fr",
    "https://xn--bcher-kva.example", "https://bücher.example", "https://exemple.fr/é",
    "https://exemple.fr/a b", "https://exemple..fr", "https://[::1]/", "ftp://exemple.fr",
    "javascript:alert(1)", "www.exemple.fr", "//exemple.fr", "exemple.fr:8080",
    "https://exemple.fr/\u00a0", "https://localhost", "https://exemple.fr?q", "https://.fr",
]


def test_plain_url_fast_path_agrees_with_the_full_check(monkeypatch):
    import re

    from eco_desktop import validate
    fast = [validate._check_website(url) for url in URLS]
    monkeypatch.setattr(validate, "_PLAIN_URL", re.compile(r"(?!)"))  # never matches
    full = [validate._check_website(url) for url in URLS]
    assert fast == full
    assert fast[0] == [] and fast[7] != []  # both outcomes are exercised


def test_validate_actor_checks_only_the_fields_asked():
    data = {"name": "", "siret": "123", "website": "pas une adresse", "postcode": "7501",
            "lat": 200, "lon": 2, "founded": 1200, "size": "énorme"}
    everything = {i.field for i in validate_actor(data)}
    assert {"name", "siret", "website", "postcode", "lat", "founded", "size"} <= everything
    assert {i.field for i in validate_actor(data, ["website"])} == {"name", "website"}
    assert {i.field for i in validate_actor(data, ["commune"])} == {"name", "postcode"}
    assert {i.field for i in validate_actor(data, [])} == {"name"}
