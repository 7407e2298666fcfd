"""One cell's text to a field's value: trimmed, placeholders dropped, parsed, normalised.

Registers and spreadsheets write the same fact many ways: a year as « 2012-05-03 » or
« 2012.0 », a size as an INSEE headcount band, a status as « A » or « Fermé », a person
in capitals or as SIRENE v2's « NOM*PRÉNOM/ », a street type as « AV ». These functions
read one value each; rows.py and the builders of actor_rows.py and contact_rows.py put a
row together from them.
"""
from __future__ import annotations

import datetime as dt
import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from .. import vocab
from ..text import fold
from .values import is_placeholder

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Cells worth checking for a placeholder (« [ND] », « N/A », « - »…) start with one of these.
PLACEHOLDER_STARTS = frozenset("[(#/.-?nNiI")

# Dates that stand for « unknown » in registers and spreadsheets (Excel's day 0, SIRENE's
# 1900-01-01): no date.
_PLACEHOLDER_DATES = frozenset({"1900-01-01", "1899-12-30", "1899-12-31", "0000-00-00",
                                "0001-01-01", "1000-01-01", "01/01/1900", "00/00/0000",
                                "31/12/1899", "30/12/1899", "01.01.1900"})

# INSEE's abbreviations of street types (SIRENE typeVoieEtablissement).
STREET_TYPES = {
    "ALL": "Allée", "AV": "Avenue", "BD": "Boulevard", "CAR": "Carrefour", "CHE": "Chemin",
    "CHS": "Chaussée", "CITE": "Cité", "COR": "Corniche", "CRS": "Cours", "DOM": "Domaine",
    "DSC": "Descente", "ECA": "Écart", "ESP": "Esplanade", "FG": "Faubourg",
    "GR": "Grande Rue", "HAM": "Hameau", "HLE": "Halle", "IMP": "Impasse", "LD": "Lieu-dit",
    "LOT": "Lotissement", "MAR": "Marché", "MTE": "Montée", "PAS": "Passage", "PL": "Place",
    "PLN": "Plaine", "PLT": "Plateau", "PRO": "Promenade", "PRV": "Parvis", "QUA": "Quartier",
    "QUAI": "Quai", "RES": "Résidence", "RLE": "Ruelle", "ROC": "Rocade", "RPT": "Rond-point",
    "RTE": "Route", "RUE": "Rue", "SEN": "Sente", "SQ": "Square", "TPL": "Terre-plein",
    "TRA": "Traverse", "VLA": "Villa", "VLGE": "Village", "ZA": "ZA", "ZAC": "ZAC",
    "ZI": "ZI",
}
REPETITION = {"B": "bis", "T": "ter", "Q": "quater", "C": "quinquies"}

# INSEE headcount bands (tranche d'effectifs) -> size. The legal size of a company also
# depends on turnover; the headcount is what a file gives.
_BANDS_TPE = {"00", "01", "02", "03"}
_BANDS_PME = {"11", "12", "21", "22", "31"}          # 10 to 249
_BANDS_ETI = {"32", "41", "42", "51"}                # 250 to 4,999
_BANDS_GG = {"52", "53"}

_STATUS_WORDS = {
    "active": {"a", "actif", "active", "en activite", "ouvert", "open", "oui"},
    "closed": {"f", "c", "ferme", "fermee", "closed", "cesse", "cessee", "radie", "radiee",
               "cessation", "inactif", "inactive"},
    "acquired": {"rachete", "rachetee", "acquired", "absorbe", "absorbee", "fusionne"},
}
_SIZE_WORDS = {
    "TPE": {"tpe", "micro entreprise", "microentreprise", "tres petite entreprise"},
    "PME": {"pme", "petite et moyenne entreprise", "sme"},
    "ETI": {"eti", "entreprise de taille intermediaire"},
    "grand groupe": {"grand groupe", "ge", "grande entreprise", "groupe", "large company"},
}
CIVILITIES = {"m": "M.", "mr": "M.", "monsieur": "M.", "mme": "Mme", "madame": "Mme",
               "mrs": "Mme", "ms": "Mme", "mlle": "Mme", "mademoiselle": "Mme",
               "dr": "Dr", "docteur": "Dr", "pr": "Pr", "professeur": "Pr"}


def clean_text(value: str | None) -> str:
    """Trimmed text; a leading quote our CSV export adds before '=' '+' '-' '@' removed."""
    text = (value or "").strip()
    if len(text) > 1 and text[0] == "'" and text[1] in _FORMULA_START:
        text = text[1:]
    return text


def valued_text(value: str | None) -> str:
    """``clean_text``, a placeholder (« [ND] », « N/A », « - »…) being no text."""
    text = clean_text(value)
    return "" if text and text[0] in PLACEHOLDER_STARTS and is_placeholder(text) else text


def person_name(first: str, last: str) -> str:
    """« Prénom Nom » from a register's capitals (« JEAN-PIERRE », « DUPONT »); text already
    in mixed case is kept as written."""
    return " ".join(_capitalised(p) for p in (one_line(first), one_line(last)) if p)


def _capitalised(text: str) -> str:
    return text.title() if text.isupper() or text.islower() else text


def sirene_v2_name(text: str) -> str:
    """SIRENE v2 writes an entrepreneur individuel as « NOM*PRÉNOM/ » (or « NOM*NOM
    D'USAGE/PRÉNOM/ »): « Prénom Nom ». Other text is returned as it is."""
    body = text.strip().rstrip("/").strip()
    if "/" in body:
        surnames, first = body.split("/", 1)
        names = [n for n in surnames.split("*") if n.strip()]
        last = names[-1] if names else ""
    else:
        parts = body.split("*")
        if len(parts) != 2:
            return text
        last, first = parts
    if not last.strip() or not first.strip() or "*" in first or "/" in first:
        return text
    return person_name(first, last)


def one_line(value: str) -> str:
    """Runs of white space (line breaks included) to one space, trimmed."""
    return " ".join(value.split()) if value else ""


def digits_only(value: str) -> str:
    return re.sub(r"[\s\u00a0\u202f.\-]", "", value)


def restore_zero(number: str, length: int, valid) -> str:
    """A spreadsheet drops the leading zero of an identifier stored as a number."""
    if number.isdigit() and len(number) == length - 1 and valid("0" + number):
        return "0" + number
    return number


def is_placeholder_date(value: str) -> bool:
    """« 1900-01-01 » and the like: what a register writes for an unknown date."""
    text = value.strip()
    return text[:10] in _PLACEHOLDER_DATES or text[:19] == "1900-01-01T00:00:00"


def parse_year(value: str) -> int | None:
    """'2012', '2012-05-03', '03/05/2012', '2012.0' -> 2012; None when no year is found."""
    text = value.strip()
    if not text:
        return None
    found = re.fullmatch(r"(\d{4})(?:\.0+)?", text) or re.match(r"(\d{4})-\d{1,2}-\d{1,2}", text)
    if found:
        return int(found.group(1))
    found = re.fullmatch(r"\d{1,2}[/.\-]\d{1,2}[/.\-](\d{4})", text)
    if found:
        return int(found.group(1))
    return None


def parse_date(value: str) -> str | None:
    """An ISO date from '2024-03-12', '12/03/2024' or '12.03.2024'; None otherwise."""
    text = value.strip()
    found = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", text)
    if found:
        year, month, day = (int(g) for g in found.groups())
    else:
        found = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
        if not found:
            return None
        day, month, year = (int(g) for g in found.groups())
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_number(value: str) -> float | None:
    text = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number == number else None


def parse_status(value: str) -> str | None:
    key = fold(value)
    for slug, words in _STATUS_WORDS.items():
        if key in words or key == slug or key == fold(vocab.STATUSES[slug]):
            return slug
    return None


def parse_size(value: str) -> str | None:
    text = value.strip()
    key = fold(text)
    for slug, words in _SIZE_WORDS.items():
        if key in words or key == fold(slug):
            return slug
    code = text.upper()
    if code in _BANDS_TPE or code == "NN":
        return "TPE"
    if code in _BANDS_PME:
        return "PME"
    if code in _BANDS_ETI:
        return "ETI"
    if code in _BANDS_GG:
        return "grand groupe"
    number = parse_number(text)
    if number is not None and number >= 0:  # a headcount
        if number < 10:
            return "TPE"
        if number < 250:
            return "PME"
        if number < 5000:
            return "ETI"
        return "grand groupe"
    return None


def checked_email(text: str) -> tuple[str, bool]:
    """(normalised address, valid) — the check validate.py makes, done once."""
    if text.lower().startswith("mailto:"):
        text = text[7:].strip()
    if not text:
        return "", True
    try:
        return validate_email(text, check_deliverability=False).normalized, True
    except EmailNotValidError:
        return text, False


def checked_phone(text: str) -> tuple[str, bool]:
    """(E.164 number, valid) — the check validate.py makes, done once."""
    if not text:
        return "", True
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        return text, False
    if not phonenumbers.is_valid_number(number):
        return text, False
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), True
