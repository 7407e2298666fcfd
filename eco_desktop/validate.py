"""Field validation for actors and contacts, with French messages.

Each check returns :class:`Issue` objects: an ``error`` blocks saving, a ``warning`` is
shown but accepted. ``Issue.field`` is the key of the checked dict (``siret``,
``postcode`` …), or ``position`` for what concerns the lat/lon pair as a whole.

Normalisers (``normalize_*``) return a cleaned value, leaving what they cannot
understand as typed (stripped) so that validation can report it.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Callable, Iterable, Literal
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum import exceptions as stdnum_errors
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from . import fields, paths, vocab
from .geo import gazetteer

Level = Literal["error", "warning"]

MIN_FOUNDED = 1800
_SPACES = re.compile(r"[\s\u00a0\u202f.\-]+")
_NAF = re.compile(r"^(\d{2})\.?(\d{1,2})?([A-Z])?$")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_HOST_PORT = re.compile(r"^[^:/\s]+\.[^:/\s]+:\d+")
_ANY_SPACE = re.compile(r"\s")
# http(s)://host[:port][/path?query#fragment] in plain ASCII with a valid host name: what
# urlsplit + IDNA + _HOSTNAME accept, without them (most addresses).
_PLAIN_URL = re.compile(r"https?://(?=[a-z0-9.\-]{1,253}(?:[:/?#]|$))"
                        r"(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?"
                        r"(?::\d{1,5})?(?:[/?#][!-~]*)?$", re.IGNORECASE)
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$|^localhost$")
_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


@dataclass
class Issue:
    field: str
    level: Level
    message: str


def errors(issues: Iterable[Issue]) -> list[Issue]:
    return [i for i in issues if i.level == "error"]


def warnings(issues: Iterable[Issue]) -> list[Issue]:
    return [i for i in issues if i.level == "warning"]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


# -- normalisers ---------------------------------------------------------------------

def normalize_siren(value: Any) -> str:
    """'552 100 554' -> '552100554' (spaces, dots and dashes removed)."""
    return _SPACES.sub("", _text(value))


def normalize_siret(value: Any) -> str:
    """'732 829 320 00074' -> '73282932000074'."""
    return _SPACES.sub("", _text(value))


@cache
def _naf_table() -> dict[str, str]:
    with paths.resource("naf.json").open(encoding="utf-8") as fh:
        return json.load(fh)


def normalize_naf(code: Any) -> str | None:
    """'7211Z', '72.11z', '72 11 Z' -> '72.11Z'; None when no such code exists."""
    text = re.sub(r"[\s\u00a0]+", "", _text(code)).upper()
    if not text:
        return None
    found = _NAF.match(text)
    if not found:
        return None
    division, group, letter = found.groups()
    candidate = division
    if group:
        candidate += "." + group
    if letter:
        candidate += letter
    return candidate if candidate in _naf_table() else None


def naf_label(code: Any) -> str | None:
    """French label of a NAF rév. 2 code (any level), or None."""
    normal = normalize_naf(code)
    return _naf_table()[normal] if normal else None


def _parse_phone(value: str):
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalize_phone(value: Any) -> str:
    """A valid number in E.164 form ('+33123456789'); anything else returned stripped."""
    text = _text(value)
    number = _parse_phone(text) if text else None
    if number is None:
        return text
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value: Any) -> str:
    """For display: French numbers as '01 23 45 67 89', others internationally."""
    text = _text(value)
    number = _parse_phone(text) if text else None
    if number is None:
        return text
    if number.country_code == 33:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalize_url(value: Any) -> str:
    """'www.exemple.fr' -> 'https://www.exemple.fr'; a URL with a scheme is kept as is."""
    text = _text(value)
    if not text:
        return ""
    if "://" in text:
        scheme, rest = text.split("://", 1)
        return scheme.lower() + "://" + rest
    if _SCHEME.match(text) and not _HOST_PORT.match(text):
        return text  # javascript:, mailto: … : reported by validation
    if text.startswith("//"):
        return "https:" + text
    return "https://" + text


def normalize_email(value: Any) -> str:
    """The address with its domain in lower case, or the text stripped when invalid."""
    text = _text(value)
    if not text:
        return ""
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        return text


# -- single-field checks -----------------------------------------------------------

def _number_issue(field: str, raw: str, number: str, validator, digits: int) -> Issue | None:
    """The SIREN's or SIRET's French error (length, digits, check key), or None when valid."""
    label = field.upper()
    try:
        validator.validate(number)
    except stdnum_errors.InvalidLength:  # (a subclass of InvalidFormat)
        return Issue(field, "error",
                     f"Le {label} « {raw} » doit comporter {digits} chiffres (il en a {len(number)}).")
    except stdnum_errors.InvalidFormat:
        return Issue(field, "error", f"Le {label} « {raw} » ne doit contenir que des chiffres.")
    except stdnum_errors.ValidationError:
        return Issue(field, "error", f"Le {label} {raw} n'est pas valide (clé de contrôle incorrecte).")
    return None


def _check_siren(value: Any) -> list[Issue]:
    raw = _text(value)
    number = normalize_siren(raw)
    if not number:
        return []
    issue = _number_issue("siren", raw, number, stdnum_siren, 9)
    return [issue] if issue else []


def _check_siret(value: Any, siren_value: Any) -> list[Issue]:
    raw = _text(value)
    number = normalize_siret(raw)
    if not number:
        return []
    issue = _number_issue("siret", raw, number, stdnum_siret, 14)
    if issue:
        return [issue]
    siren = normalize_siren(siren_value)
    if siren and number[:9] != siren:
        return [Issue("siret", "error",
                      f"Le SIRET {raw} ne correspond pas au SIREN {_text(siren_value)} "
                      "(ses 9 premiers chiffres doivent être le SIREN).")]
    return []


def _check_email(value: Any, field: str = "email") -> list[Issue]:
    text = _text(value)
    if not text:
        return []
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return [Issue(field, "error", f"L'adresse e-mail « {text} » n'est pas valide.")]
    return []


def _check_phone(value: Any, field: str = "phone") -> list[Issue]:
    text = _text(value)
    if not text:
        return []
    if _parse_phone(text) is None:
        return [Issue(field, "error", f"Le numéro de téléphone « {text} » n'est pas valide.")]
    return []


def _check_website(value: Any) -> list[Issue]:
    text = _text(value)
    if not text:
        return []
    url = normalize_url(text)
    bad = Issue("website", "error",
                f"L'adresse du site « {text} » n'est pas valide (attendu : une adresse "
                "http:// ou https://).")
    if _ANY_SPACE.search(url):
        return [bad]
    if _PLAIN_URL.match(url):
        return []
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return [bad]
    if parts.scheme not in ("http", "https") or not host:
        return [bad]
    try:
        host_ascii = host.encode("idna").decode("ascii")
    except UnicodeError:
        return [bad]
    if not _HOSTNAME.match(host_ascii):
        return [bad]
    return []


def _check_naf(value: Any) -> list[Issue]:
    text = _text(value)
    if not text or normalize_naf(text):
        return []
    return [Issue("naf", "error",
                  f"Le code NAF « {text} » n'existe pas dans la nomenclature NAF rév. 2 "
                  "(exemple : 72.11Z).")]


def _number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = _text(value).replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def _check_position(lat_value: Any, lon_value: Any) -> list[Issue]:
    lat_text, lon_text = _text(lat_value), _text(lon_value)
    if not lat_text and not lon_text:
        return []
    if not lat_text or not lon_text:
        return [Issue("position", "error",
                      "La latitude et la longitude doivent être renseignées ensemble.")]
    issues = []
    lat, lon = _number(lat_value), _number(lon_value)
    if lat is None or not -90 <= lat <= 90:
        issues.append(Issue("lat", "error",
                            f"La latitude « {lat_text} » n'est pas valide (entre -90 et 90)."))
    if lon is None or not -180 <= lon <= 180:
        issues.append(Issue("lon", "error",
                            f"La longitude « {lon_text} » n'est pas valide (entre -180 et 180)."))
    if issues:
        return issues
    gaz = gazetteer()
    if not gaz.inside_idf(lat, lon):
        message = "Position hors d'Île-de-France."
        if gaz.inside_idf(lon, lat):
            message = "Position hors d'Île-de-France : latitude et longitude inversées ?"
        issues.append(Issue("position", "warning", message))
    return issues


def _check_founded(value: Any) -> list[Issue]:
    text = _text(value)
    if not text:
        return []
    latest = _dt.date.today().year + 1
    year = _number(value)
    if year is None or year != int(year) or not MIN_FOUNDED <= year <= latest:
        return [Issue("founded", "error",
                      f"L'année de création « {text} » n'est pas plausible "
                      f"(attendu : entre {MIN_FOUNDED} et {latest}).")]
    return []


def _check_address(data: dict) -> list[Issue]:
    """Postcode format, INSEE code, and their agreement with the commune."""
    gaz = gazetteer()
    issues: list[Issue] = []
    raw_pc = _text(data.get("postcode"))
    pc = re.sub(r"[\s\u00a0]+", "", raw_pc)
    if pc and not re.fullmatch(r"\d{5}", pc):
        issues.append(Issue("postcode", "error",
                            f"Le code postal « {raw_pc} » doit comporter 5 chiffres."))
        pc = ""
    insee = _text(data.get("insee_code")).upper()
    by_code = None
    if insee:
        if not _INSEE.match(insee):
            issues.append(Issue("insee_code", "error",
                                f"Le code INSEE « {insee} » n'est pas valide (5 caractères)."))
        else:
            by_code = gaz.by_insee(insee)
            if by_code is None and gaz.is_idf_departement(insee[:2]):
                issues.append(Issue("insee_code", "error",
                                    f"Le code INSEE {insee} ne correspond à aucune commune "
                                    "d'Île-de-France."))
    commune_text = _text(data.get("commune"))
    by_name = None
    if commune_text:
        by_name = gaz.match(commune_text, pc or None)
        if by_name is None:
            by_name = gaz.match(commune_text)
    if by_code and by_name and not _same_place(by_code, by_name):
        issues.append(Issue("commune", "error",
                            f"La commune « {commune_text} » ne correspond pas au code INSEE "
                            f"{insee} ({by_code.name})."))
    place = by_code or by_name
    if not pc:
        return issues
    # Only the région's postcodes are checked against their communes; one outside it
    # that disagrees is a warning, as before the gazetteer knew all France.
    known = gaz.by_postcode(pc) if gaz.is_idf_departement(pc[:2]) else []
    if place is not None:
        if pc not in place.postcodes:
            if known:
                issues.append(Issue("postcode", "error",
                                    f"Le code postal {pc} ne correspond pas à la commune "
                                    f"{place.name} ({', '.join(place.postcodes)})."))
            elif pc[:2] == place.departement:
                issues.append(Issue("postcode", "warning",
                                    f"Le code postal {pc} n'est pas un code de la commune "
                                    f"{place.name} (code CEDEX ?)."))
            else:
                issues.append(Issue("postcode", "warning",
                                    f"Le code postal {pc} ne correspond pas à la commune "
                                    f"{place.name} ({', '.join(place.postcodes)})."))
    elif commune_text and known:
        issues.append(Issue("commune", "warning",
                            f"La commune « {commune_text} » n'est pas reconnue pour le code "
                            f"postal {pc}."))
    elif not commune_text and not insee and not known and gaz.is_idf_departement(pc[:2]):
        issues.append(Issue("postcode", "warning",
                            f"Le code postal {pc} n'est pas connu en Île-de-France "
                            "(code CEDEX ?)."))
    return issues


def _same_place(a, b) -> bool:
    """Equal, or Paris as a whole against one of its arrondissements."""
    if a.insee == b.insee:
        return True
    codes = {a.insee, b.insee}
    return "75056" in codes and (a.is_arrondissement or b.is_arrondissement)


def _check_choice(data: dict, field: str, choices: dict[str, str], what: str) -> list[Issue]:
    value = _text(data.get(field))
    if value and value not in choices:
        allowed = ", ".join(choices)
        return [Issue(field, "error", f"{what} « {value} » inconnu (valeurs possibles : {allowed}).")]
    return []


def _parse_iso_date(text: str) -> _dt.date:
    """'2024-03-01' (or an ISO date-time) -> date; ValueError otherwise."""
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        raise ValueError(text)
    if len(text) == 10:
        return _dt.date.fromisoformat(text)
    return _dt.datetime.fromisoformat(text).date()


# -- records -------------------------------------------------------------------------

# The checks of an actor, in order, with the fields each one looks at.
_ACTOR_CHECKS: tuple[tuple[frozenset[str], Callable[[dict], list[Issue]]], ...] = tuple(
    (frozenset(names), check) for names, check in (
        (("siren",), lambda d: _check_siren(d.get("siren"))),
        (("siret", "siren"), lambda d: _check_siret(d.get("siret"), d.get("siren"))),
        (("naf",), lambda d: _check_naf(d.get("naf"))),
        (("email",), lambda d: _check_email(d.get("email"))),
        (("phone",), lambda d: _check_phone(d.get("phone"))),
        (("website",), lambda d: _check_website(d.get("website"))),
        (("postcode", "commune", "insee_code"), _check_address),
        (("lat", "lon"), lambda d: _check_position(d.get("lat"), d.get("lon"))),
        (("founded",), lambda d: _check_founded(d.get("founded"))),
        (("status",), lambda d: _check_choice(d, "status", vocab.STATUSES, fields.label("status"))),
        (("size",), lambda d: _check_choice(d, "size", vocab.SIZES, fields.label("size"))),
        (("geo_precision",), lambda d: _check_choice(d, "geo_precision", vocab.GEO_PRECISIONS,
                                                      fields.label("geo_precision"))),
    ))


# Field -> positions in _ACTOR_CHECKS of the checks that look at it.
_CHECKS_OF: dict[str, tuple[int, ...]] = {
    name: tuple(at for at, (names, _check) in enumerate(_ACTOR_CHECKS) if name in names)
    for names, _check in _ACTOR_CHECKS for name in names}
# The fields validate_actor(data, fields) can be asked to check (the name is always checked).
ACTOR_CHECKED_FIELDS = tuple(_CHECKS_OF)


def validate_actor(data: dict, fields: Iterable[str] | None = None) -> list[Issue]:
    """Every problem found in an actor's fields (keys of GUIDE.md §8).

    ``fields``: check only these (the name is always checked; "postcode", "commune" or
    "insee_code" check the address, "lat" or "lon" the position).
    """
    issues: list[Issue] = []
    if not _text(data.get("name")):
        issues.append(Issue("name", "error", "Le nom est obligatoire."))
    if fields is None:
        for _names, check in _ACTOR_CHECKS:
            issues += check(data)
        return issues
    for position in sorted({at for name in fields for at in _CHECKS_OF.get(name, ())}):
        issues += _ACTOR_CHECKS[position][1](data)
    return issues


def validate_contact(data: dict) -> list[Issue]:
    """Every problem found in a contact's fields."""
    issues: list[Issue] = []
    if not _text(data.get("last_name")) and not _text(data.get("email")):
        issues.append(Issue("last_name", "error",
                            "Indiquez au moins le nom ou l'adresse e-mail du contact."))
    issues += _check_email(data.get("email"))
    issues += _check_phone(data.get("phone"))
    basis = _text(data.get("legal_basis"))
    if basis and basis not in vocab.LEGAL_BASES:
        labels = ", ".join(f"{k} ({v})" for k, v in vocab.LEGAL_BASES.items())
        issues.append(Issue("legal_basis", "error",
                            f"Base légale « {basis} » inconnue (valeurs possibles : {labels})."))
    date_text = _text(data.get("basis_date"))
    if date_text:
        try:
            when = _parse_iso_date(date_text)
        except ValueError:
            issues.append(Issue("basis_date", "error",
                                f"La date « {date_text} » n'est pas une date valide "
                                "(format AAAA-MM-JJ)."))
        else:
            if when > _dt.date.today():
                issues.append(Issue("basis_date", "warning",
                                    f"La date de la base légale ({date_text}) est dans le futur."))
            if not basis:
                issues.append(Issue("basis_date", "warning",
                                    "Une date est indiquée sans base légale."))
    return issues
