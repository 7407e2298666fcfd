"""Rows of a :class:`Table` to import candidates: typed, normalised, validated, located.

Nothing is written here. A :class:`Candidate` whose ``errors`` is empty holds in ``data``
an actor dict (keys of GUIDE.md §8) that ``Catalogue.create_actor`` accepts, or for a
contacts import a contact dict for ``Catalogue.add_contact`` plus, in ``link``, what
identifies its organisation. Empty fields are left out of ``data`` (so the store's
defaults apply and a merge never mistakes them for values); ``mgp`` and ``outside_idf``
are always there.

Lenient by default: an invalid SIRET, e-mail, phone… is dropped with a warning (the rest
of the row is imported); ``strict=True`` turns those warnings into errors. Rows outside
Île-de-France are kept and flagged ``outside_idf``. Text that looks like a formula
("=HYPERLINK(…)") is kept literally: it is data, and exports neutralise it.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import pickle
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum.fr import siren as siren_module
from stdnum.fr import siret as siret_module

from .. import validate, vocab
from ..kind_rules import KindRules
from ..text import fold
from ..validate import Issue
from ..gcpause import gc_paused
from .mapping import FIELD_LABELS, JOINED_FIELDS, NAME_STAND_INS, Mapping, header_key, \
    ranked_columns
from .places import Place, Places, lambert_positions, parse_lat_lon
from .reading import Table
from .values import SYNONYMS, default_vocabularies, is_non_diffusible, is_placeholder, \
    matcher, parse_bool, parse_consent, \
    split_values

ACTOR_KEYS = ("name", "aliases", "kind", "domains", "activities", "tags", "description",
              "website", "email", "phone", "siren", "siret", "naf", "size", "founded",
              "status", "street", "postcode", "commune", "insee_code", "departement", "mgp",
              "ept", "epci", "outside_idf", "lat", "lon", "geo_precision", "source")
LIST_KEYS = ("aliases", "domains", "activities", "tags")
CONTACT_KEYS = ("civility", "first_name", "last_name", "role", "email", "phone",
                "legal_basis", "basis_date", "opt_out", "notes")
LINK_KEYS = ("organisation", "organisation_siret", "organisation_siren", "actor_id")

log = logging.getLogger(__name__)

# From this many actor rows a second process prepares the last part of them, about this
# share (it has its task to read and its candidates to send back). It is started before
# the file is read when the file is this big: Python and these modules take ~0.5 s to
# start. ECO_DESKTOP_ONE_PROCESS=1 turns it off.
PARALLEL_ROWS = 20_000
PARALLEL_BYTES = 2_000_000
_SECOND_PROCESS_SHARE = 0.38

# A row before its cells are read (the lists are replaced by new ones for each row).
_EMPTY_ACTOR: dict[str, Any] = {key: "" for key in ACTOR_KEYS}
_EMPTY_ACTOR.update(mgp=False, outside_idf=False, lat=None, lon=None, founded=None)
# What the validator checks in a row besides its place (checked once per distinct place).
_CHECKED = tuple(f for f in validate.ACTOR_CHECKED_FIELDS
                 if f not in ("postcode", "commune", "insee_code"))
# Derived from the place: recomputed from the gazetteer, never taken from the file.
_DERIVED = ("mgp", "ept", "epci", "outside_idf")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_JOIN = {"street": " ", "description": "\n", "aliases": "; ", "tags": "; ", "domains": "; ",
         "activities": "; "}
# Cells worth checking for a placeholder (« [ND] », « N/A », « - »…) start with one of these.
_PLACEHOLDER_STARTS = frozenset("[(#/.-?nNiI")

# Where the person sets the kind of rows whose file gives none, as the caller says it: a
# message names what exists where the person is.
KIND_HINT_CLI = "un type par défaut avec l'option --kind (par exemple --kind biotech)"
KIND_HINT_WIZARD = "le type par défaut de l'étape Colonnes"

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
_REPETITION = {"B": "bis", "T": "ter", "Q": "quater", "C": "quinquies"}

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
_CIVILITIES = {"m": "M.", "mr": "M.", "monsieur": "M.", "mme": "Mme", "madame": "Mme",
               "mrs": "Mme", "ms": "Mme", "mlle": "Mme", "mademoiselle": "Mme",
               "dr": "Dr", "docteur": "Dr", "pr": "Pr", "professeur": "Pr"}


@dataclass
class Candidate:
    """One row of the file, ready to be applied (or not, when ``errors`` is not empty)."""

    row_number: int
    data: dict[str, Any]
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    link: dict[str, Any] = field(default_factory=dict)   # contacts: their organisation
    unmatched: dict[str, list[str]] = field(default_factory=dict)  # field -> raw values
    # Fields filled by a default (default_kind, source) rather than by the file: an
    # overwrite of an existing actor should leave them out.
    defaults: set[str] = field(default_factory=set)
    # Why the kind was proposed (« code NAF 72.11Z »…), "" when the file or the default gave it.
    proposed: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def messages(self) -> list[str]:
        """'ligne 12 : …' lines, errors first."""
        return [f"ligne {self.row_number} : {i.message}" for i in self.errors + self.warnings]


@dataclass
class KindChoice:
    """How rows whose file gives no known kind get one (see :func:`prepare`)."""

    default: str | None = None
    rules: KindRules | None = None
    hint: str = ""


def prepare(table: Table, mapping: Mapping | MappingABC[int, str],
            vocabularies: MappingABC[str, MappingABC[str, str]] | None = None,
            gazetteer=None, *, kind: str | None = None, strict: bool = False,
            default_kind: str | None = None, source: str | None = None,
            kind_rules: KindRules | None = None, kind_hint: str = "",
            helper: SecondProcess | None = None) -> list[Candidate]:
    """One :class:`Candidate` per row of ``table``.

    ``mapping``: a :class:`Mapping` or a dict column index -> field. ``vocabularies``:
    ``{"kind": {slug: label}, "domain": …, "activity": …}`` (the catalogue's, by default
    the code's). ``gazetteer``: a :class:`eco_desktop.geo.Gazetteer` (the shared one by
    default). ``default_kind``: the kind given to rows whose kind is missing or not
    recognised (the value not recognised is kept as a tag); without it, ``kind_rules``
    propose one from the row's type of structure or NAF code (``Candidate.proposed`` says
    which), and a row still without a kind is an error, as an actor needs one: its
    message names ``kind_hint``, where the person can set a default (KIND_HINT_CLI,
    KIND_HINT_WIZARD).
    ``source``: the ``source`` of rows that have none.
    ``helper``: the second process of a big file, already started
    (:meth:`SecondProcess.start`); it is used or closed here.
    """
    if isinstance(mapping, Mapping):
        kind = kind or mapping.kind
        columns = dict(mapping.columns)
        mapping.require_name()
    else:
        kind = kind or "actors"
        columns = dict(mapping)
        Mapping(list(table.headers), kind, columns).require_name()
    shared_gazetteer = gazetteer is None
    vocabularies = vocabularies or default_vocabularies()
    by_field: dict[str, list[int]] = {}
    for index, name in sorted(columns.items()):
        by_field.setdefault(name, []).append(index)
    headers = list(table.headers)
    by_field = {name: ranked_columns(name, headers, indexes) for name, indexes in by_field.items()}
    kinds = KindChoice(default_kind, kind_rules, kind_hint)
    numbered = list(zip(table.row_numbers, table.rows))
    if kind == "actors" and shared_gazetteer and len(numbered) >= PARALLEL_ROWS:
        helper = helper or SecondProcess.start()
        if helper is not None:
            return _prepare_in_two_processes(helper, headers, by_field, dict(vocabularies),
                                             strict, kinds, source, numbered)
    if helper is not None:
        helper.close()
    return _prepare_rows(kind, headers, by_field, vocabularies, gazetteer, strict, kinds,
                         source, numbered)


def proposed_default_kind(table: Table, mapping: Mapping,
                          vocabularies: MappingABC[str, MappingABC[str, str]] | None = None,
                          kind_rules: KindRules | None = None, sample: int = 2000) -> str | None:
    """The default kind to preset for a file (the wizard's « type par défaut »): the kind
    most of its first ``sample`` rows have — from their type column, else proposed by
    ``kind_rules`` from their type of structure or NAF code; None when nothing says."""
    if mapping.kind != "actors":
        return None
    vocabularies = vocabularies or default_vocabularies()
    kinds = matcher(vocabularies.get("kind", {}), SYNONYMS.get("kind"))
    kind_columns = mapping.ranked("kind")
    naf_columns = mapping.ranked("naf")
    counts: dict[str, int] = {}
    for row in table.rows[:sample]:
        text = next((t for t in (valued_text(row[i]) for i in kind_columns if i < len(row))
                     if t), "")
        found = kinds.match(text)[0][:1] if text else []
        kind = found[0] if found else None
        if kind is None and kind_rules:
            kind = kind_rules.for_structure(text) if text else None
            if kind is None:
                naf = next((t for t in (valued_text(row[i]) for i in naf_columns
                                        if i < len(row)) if t), "")
                kind = kind_rules.for_naf(validate.normalize_naf(naf) or "") if naf else None
        if kind in kinds.vocab:
            counts[kind] = counts.get(kind, 0) + 1
    return max(counts, key=counts.get) if counts else None


def _idle_core() -> bool:
    """Whether a second process would find a core to itself: about two cores idle while
    this process waits 50 ms (Linux, /proc/stat), else by the load average — which our
    own import of a moment ago would still weigh on."""
    cores = os.cpu_count() or 1
    if cores < 2:
        return False
    idle = _idle_cores(0.05)
    if idle is not None:
        return idle >= 1.5
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # not on every system
        return True
    return load < cores - 0.5


def _cpu_times() -> tuple[int, int] | None:
    """(idle, total) clock ticks of all cores since boot, from /proc/stat; None elsewhere."""
    try:
        with open("/proc/stat", "rb") as handle:
            fields = handle.readline().split()
    except OSError:
        return None
    if len(fields) < 5 or fields[0] != b"cpu":
        return None
    ticks = [int(f) for f in fields[1:9]]       # user nice system idle iowait irq softirq steal
    return ticks[3] + ticks[4], sum(ticks)


def _idle_cores(interval: float) -> float | None:
    """How many cores were idle over ``interval`` seconds; None when it cannot be told."""
    before = _cpu_times()
    if before is None:
        return None
    time.sleep(interval)
    after = _cpu_times()
    if after is None or after[1] <= before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1]) * (os.cpu_count() or 1)


def _prepare_rows(kind, headers, by_field, vocabularies, gazetteer, strict, kinds: KindChoice,
                  source, numbered: list[tuple[int, list[str]]]) -> list[Candidate]:
    if gazetteer is None:
        from ..geo import gazetteer as shared
        gazetteer = shared()
    if kind == "actors":
        builder = _ActorBuilder(headers, by_field, vocabularies, gazetteer, strict, kinds,
                                source)
        if "x_lambert" in by_field and "y_lambert" in by_field:
            builder.positions = lambert_positions(
                numbered, by_field["x_lambert"][0], by_field["y_lambert"][0],
                by_field.get("insee_code", []) + by_field.get("postcode", []))
    else:
        builder = _ContactBuilder(headers, by_field, strict)
    with gc_paused():
        return [builder.build(number, row) for number, row in numbered]


class SecondProcess:
    """A second Python process preparing the last rows of a big file while this one
    prepares the first: ``python -m eco_desktop.importer.worker``, a plain process (not
    multiprocessing, which would import the caller's main module again). It is told on
    its stdin where its pickled task is; the candidates come back pickled on its stdout.
    Started early, it loads its modules while this process reads the file."""

    def __init__(self, child: subprocess.Popen, errors) -> None:
        self._child = child
        self._errors = errors   # its stderr, a temporary file (a pipe could fill up)
        self._sent = False
        self._task: Path | None = None

    @classmethod
    def start_for(cls, path: Path) -> SecondProcess | None:
        """The process for a file about to be read, when it is big enough to need one."""
        try:
            big = path.stat().st_size >= PARALLEL_BYTES
        except OSError:  # reading the file will say what is wrong
            big = False
        return cls.start() if big else None

    @classmethod
    def start(cls) -> SecondProcess | None:
        """The process, or None when a second core is busy, turned off, or it cannot start."""
        if os.environ.get("ECO_DESKTOP_ONE_PROCESS") or not _idle_core():
            return None
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        errors = tempfile.TemporaryFile()
        try:
            child = subprocess.Popen([sys.executable, "-m", "eco_desktop.importer.worker"],
                                     env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=errors)
        except OSError as exc:
            errors.close()
            log.warning("import preparation in one process only (%s)", exc)
            return None
        return cls(child, errors)

    def send(self, task: tuple) -> bool:
        """Give the process its task: pickled into a temporary file whose name goes to its
        stdin (a pipe would take 10 MB piece by piece, each piece waiting for this busy
        process's GIL). False when it cannot be given."""
        try:
            with tempfile.NamedTemporaryFile(prefix="eco-import-", suffix=".pickle",
                                             delete=False) as handle:
                self._task = Path(handle.name)
                pickle.dump(task, handle, pickle.HIGHEST_PROTOCOL)
        except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
            log.warning("import preparation in one process only (%s)", exc)
            return False
        self._sent = True
        try:
            self._child.stdin.write(os.fsencode(self._task) + b"\n")
            self._child.stdin.close()
        except OSError:  # it has already ended: result() says how
            pass
        return True

    def result(self) -> list[Candidate] | None:
        """The candidates it made (waits for it), or None when it failed."""
        out = self._child.stdout.read()
        self._child.wait()
        if self._child.returncode != 0:
            self._errors.seek(0)
            log.warning("second import process failed (%s): %s", self._child.returncode,
                        self._errors.read().decode("utf-8", "replace")[-2000:])
            return None
        try:
            with gc_paused():
                return pickle.loads(out)
        except (pickle.UnpicklingError, EOFError, AttributeError, ValueError) as exc:
            log.warning("second import process gave no result (%s)", exc)
            return None

    def close(self) -> None:
        """Ends it: given no task, it exits by itself once its stdin is closed; one still
        at work is stopped."""
        child = self._child
        if self._sent and child.poll() is None:
            child.kill()
            child.wait()
        if self._task is not None:
            self._task.unlink(missing_ok=True)
        for stream in (child.stdin, child.stdout, self._errors):
            if stream is not None and not stream.closed:
                try:
                    stream.close()
                except OSError:
                    pass


def _prepare_in_two_processes(helper: SecondProcess, headers, by_field, vocabularies, strict,
                              kinds: KindChoice, source,
                              numbered: list[tuple[int, list[str]]]) -> list[Candidate]:
    """The last rows prepared by ``helper`` while this process prepares the first: the
    same candidates as one process gives. Should it fail, its rows are prepared here."""
    split = len(numbered) - int(len(numbered) * _SECOND_PROCESS_SHARE)
    args = ("actors", headers, by_field, vocabularies, None, strict, kinds, source)
    try:
        sent = helper.send((*args, numbered[split:]))
        first = _prepare_rows(*args, numbered[:split])
        second = helper.result() if sent else None
    finally:
        helper.close()
    if second is None:
        second = _prepare_rows(*args, numbered[split:])
    return first + second


# -- shared helpers ----------------------------------------------------------------------------

def clean_text(value: str | None) -> str:
    """Trimmed text; a leading quote our CSV export adds before '=' '+' '-' '@' removed."""
    text = (value or "").strip()
    if len(text) > 1 and text[0] == "'" and text[1] in _FORMULA_START:
        text = text[1:]
    return text


def valued_text(value: str | None) -> str:
    """``clean_text``, a placeholder (« [ND] », « N/A », « - »…) being no text."""
    text = clean_text(value)
    return "" if text and text[0] in _PLACEHOLDER_STARTS and is_placeholder(text) else text


def person_name(first: str, last: str) -> str:
    """« Prénom Nom » from a register's capitals (« JEAN-PIERRE », « DUPONT »); text already
    in mixed case is kept as written."""
    return " ".join(_capitalised(p) for p in (_one_line(first), _one_line(last)) if p)


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


def _one_line(value: str) -> str:
    """Runs of white space (line breaks included) to one space, trimmed."""
    return " ".join(value.split()) if value else ""


def _digits_only(value: str) -> str:
    return re.sub(r"[\s\u00a0\u202f.\-]", "", value)


def _restore_zero(number: str, length: int, valid) -> str:
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


class _Builder:
    def __init__(self, headers: list[str], by_field: dict[str, list[int]], strict: bool):
        self.header_keys = [header_key(h) for h in headers]
        self.by_field = by_field
        self.strict = strict
        # Fields read from one column as they are, and fields that need cell().
        self._single = [(name, indexes[0]) for name, indexes in by_field.items()
                        if len(indexes) == 1]
        self._several = [name for name in by_field if name not in dict(self._single)]

    def cell(self, row: list[str], name: str) -> str:
        """The field's text: joined over its columns, or the first non-empty one in the
        order the columns win (mapping.PRECEDENCE). A placeholder is empty."""
        indexes = self.by_field.get(name)
        if not indexes:
            return ""
        if name in JOINED_FIELDS or name in _JOIN:
            parts = [valued_text(row[i]) for i in indexes if i < len(row)]
            return _JOIN.get(name, " ").join(p for p in parts if p)
        for i in indexes:
            if i < len(row):
                text = valued_text(row[i])
                if text:
                    return text
        return ""

    def cells(self, row: list[str]) -> defaultdict[str, str]:
        """Every mapped field's text; an unmapped or empty field reads as ""."""
        out: defaultdict[str, str] = defaultdict(str)
        width = len(row)
        for name, i in self._single:
            if i < width:
                text = row[i]
                if text:
                    text = text.strip()
                    if text[:1] == "'":
                        text = clean_text(text)
                    if text and (text[0] not in _PLACEHOLDER_STARTS or not is_placeholder(text)):
                        out[name] = text
        for name in self._several:
            text = self.cell(row, name)
            if text:
                out[name] = text
        return out

    def dropped(self, candidate: Candidate, name: str, message: str) -> None:
        """A value that cannot be kept: a warning (the field is left empty), or an error."""
        if self.strict:
            candidate.errors.append(Issue(name, "error", message))
        else:
            candidate.warnings.append(Issue(name, "warning", message + " Valeur ignorée."))


# -- actors --------------------------------------------------------------------------------------

class _ActorBuilder(_Builder):
    def __init__(self, headers, by_field, vocabularies, gazetteer, strict, kinds: KindChoice,
                 source):
        super().__init__(headers, by_field, strict)
        self.gazetteer = gazetteer
        self.default_kind = kinds.default
        self.kind_rules = kinds.rules
        self.kind_hint = kinds.hint
        # The columns of the name other than the winning one (their names become aliases),
        # and those that stand in for a missing name.
        self._other_names = by_field.get("name", [])[1:]
        self._stand_ins = [i for i in by_field.get("aliases", ())
                           if self.header_keys[i] in NAME_STAND_INS]
        self.source = source or ""
        self.matchers = {
            name: matcher(vocabularies.get(name, {}), SYNONYMS.get(name))
            for name in ("kind", "domain", "activity")
        }
        self.places = Places(gazetteer)
        # Row number -> (lat, lon) converted from the file's projected coordinates.
        self.positions: dict[int, tuple[float, float]] = {}
        self._place_issues: dict[tuple[str, str, str], list[Issue]] = {}
        self._place_rows: dict[tuple[str, ...], tuple[dict, Place]] = {}

    def build(self, number: int, row: list[str]) -> Candidate:
        data: dict[str, Any] = dict(_EMPTY_ACTOR)
        data.update(aliases=[], domains=[], activities=[], tags=[])
        candidate = Candidate(number, data)
        get = self.cells(row).__getitem__

        data["aliases"] = [_one_line(a) for a in split_values(get("aliases"))]
        data["name"] = self._name(candidate, get, row)
        data["description"] = get("description")
        data["street"] = _one_line(self._street(row))
        data["source"] = _one_line(get("source"))
        if not data["source"] and self.source:
            data["source"] = self.source
            candidate.defaults.add("source")
        data["tags"] = [t for t in split_values(get("tags"))]
        self._identifiers(candidate, get)   # the NAF code may propose the kind
        self._vocab(candidate, get)
        self._contact_points(candidate, get)
        self._company(candidate, get)
        self._place(candidate, get, row)
        self._validate(candidate)
        if not data["name"]:
            self._nameless(candidate, row)
        if "id" in self.by_field:
            text = get("id")
            if text.isdigit():
                candidate.link["id"] = int(text)
        candidate.data = _without_empty(data)
        return candidate

    # identity and vocabularies

    def _name(self, candidate: Candidate, get, row: list[str]) -> str:
        """The company's name (mapping.PRECEDENCE), else the establishment's enseigne, else
        an entrepreneur individuel's first name and name; the other names the row gives
        become aliases."""
        aliases = candidate.data["aliases"]
        name = _one_line(get("name"))
        if "*" in name:
            name = sirene_v2_name(name)
        if name and self._other_names:
            for i in self._other_names:
                other = _one_line(valued_text(row[i])) if i < len(row) else ""
                if other and fold(other) != fold(name) and other not in aliases:
                    aliases.append(other)
        if name:
            return name
        for i in self._stand_ins:
            text = _one_line(valued_text(row[i])) if i < len(row) else ""
            if text:
                return text
        return person_name(get("holder_first_name"), get("holder_last_name"))

    def _nameless(self, candidate: Candidate, row: list[str]) -> None:
        """A row without a name is not created: said as « non diffusible » when the file
        hides it (SIRENE's « [ND] »), « sans nom » when it writes a placeholder."""
        cells = [clean_text(row[i]) for name in ("name", "holder_last_name")
                 for i in self.by_field.get(name, ()) if i < len(row)]
        hidden = next((c for c in cells if c and is_non_diffusible(c)), "")
        blank = next((c for c in cells if c and is_placeholder(c)), "")
        if hidden:
            message = (f"Nom non diffusible (« {hidden} » dans le fichier) : la ligne n'est "
                       "pas importée.")
        elif blank:
            message = f"Sans nom (« {blank} » dans le fichier) : la ligne n'est pas importée."
        else:
            return
        candidate.errors = [e for e in candidate.errors if e.field != "name"]
        candidate.errors.insert(0, Issue("name", "error", message))

    def _vocab(self, candidate: Candidate, get) -> None:
        data = candidate.data
        kind_text = get("kind")
        kinds, unknown = self.matchers["kind"].match(kind_text)
        if kinds:
            data["kind"] = kinds[0]
            if len(kinds) > 1:
                labels = self.matchers["kind"].vocab
                candidate.warnings.append(Issue(
                    "kind", "warning",
                    f"Plusieurs types reconnus dans « {kind_text} » : « {labels[kinds[0]]} » "
                    "retenu."))
        by = ""
        if not data["kind"]:
            if self.default_kind:
                data["kind"] = self.default_kind
                candidate.defaults.add("kind")
            else:
                by = self._propose_kind(candidate, kind_text)
                if not by:
                    candidate.errors.append(Issue("kind", "error", self._kind_missing(kind_text)))
        if by == "structure":
            # A type of structure the rules know: recognised, kept as a tag, no warning.
            tags = data["tags"]
            tags.extend(v for v in unknown if v not in tags)
        else:
            self._keep_as_tags(candidate, "kind", unknown)
        for name, key in (("domains", "domain"), ("activities", "activity")):
            slugs, unknown = self.matchers[key].match(get(name))
            data[name] = slugs
            self._keep_as_tags(candidate, name, unknown)

    def _propose_kind(self, candidate: Candidate, kind_text: str) -> str:
        """The kind the rules give for the row's type of structure, else its NAF code: which
        of the two gave it ("structure", "naf"), "" when neither."""
        rules = self.kind_rules
        if not rules:
            return ""
        data = candidate.data
        kind = rules.for_structure(kind_text) if kind_text else None
        by, why = "structure", f"type de structure « {kind_text} »"
        if not kind:
            kind = rules.for_naf(data["naf"])
            by, why = "naf", f"code NAF {data['naf']}"
        if not kind or kind not in self.matchers["kind"].vocab:
            return ""
        data["kind"] = kind
        candidate.defaults.add("kind")
        candidate.proposed = why
        return by

    def _kind_missing(self, kind_text: str) -> str:
        hint = self.kind_hint
        if kind_text:
            return (f"« {kind_text} » n'est pas un type d'acteur connu : "
                    + (f"indiquez {hint} ou corrigez la colonne du type." if hint else
                       "corrigez la colonne du type."))
        return ("Le type d'acteur n'est pas renseigné : "
                + (f"indiquez {hint} ou ajoutez au fichier une colonne « Type »." if hint
                   else "ajoutez au fichier une colonne « Type » renseignée."))

    def _keep_as_tags(self, candidate: Candidate, name: str, values: list[str]) -> None:
        if not values:
            return
        candidate.unmatched.setdefault(name, []).extend(values)
        for value in values:
            if value not in candidate.data["tags"]:
                candidate.data["tags"].append(value)
        shown = ", ".join(f"« {v} »" for v in values)
        plural = "Valeurs non reconnues" if len(values) > 1 else "Valeur non reconnue"
        candidate.warnings.append(Issue(
            name, "warning", f"{plural} pour « {FIELD_LABELS[name]} » : {shown}, gardée"
            f"{'s' if len(values) > 1 else ''} comme étiquette{'s' if len(values) > 1 else ''}."))

    # identifiers

    def _identifiers(self, candidate: Candidate, get) -> None:
        data = candidate.data
        siret, siren = get("siret"), get("siren")
        if siret:
            siret = _digits_only(validate.normalize_siret(siret))
            data["siret"] = _restore_zero(siret, 14, siret_module.is_valid)
        if siren:
            siren = _digits_only(validate.normalize_siren(siren))
            data["siren"] = _restore_zero(siren, 9, siren_module.is_valid)
        naf = get("naf")
        data["naf"] = (validate.normalize_naf(naf) or naf) if naf else ""

    def _contact_points(self, candidate: Candidate, get) -> None:
        data = candidate.data
        data["email"] = get("email")
        data["phone"] = get("phone")
        data["website"] = validate.normalize_url(get("website"))

    def _company(self, candidate: Candidate, get) -> None:
        data = candidate.data
        for name, parse, what in (("size", parse_size, "taille"),
                                  ("status", parse_status, "statut")):
            text = get(name)
            if name == "size" and text.upper() == "NN":
                continue  # INSEE's « no headcount known »: says nothing of the size
            if text:
                value = parse(text)
                if value:
                    data[name] = value
                else:
                    self.dropped(candidate, name, f"{what.capitalize()} « {text} » non reconnu"
                                 f"{'e' if name == 'size' else ''}.")
        text = get("founded")
        if text and not is_placeholder_date(text):
            year = parse_year(text)
            if year is None:
                self.dropped(candidate, "founded",
                             f"L'année de création « {text} » n'est pas une année.")
            else:
                data["founded"] = year

    # place

    def _street(self, row: list[str]) -> str:
        """The street, joined over its columns; SIRENE's codes spelt out ("AV" -> Avenue)."""
        parts = []
        for i in self.by_field.get("street", ()):
            text = clean_text(row[i]) if i < len(row) else ""
            if not text:
                continue
            header = self.header_keys[i] if i < len(self.header_keys) else ""
            if header.startswith("typevoie"):
                text = STREET_TYPES.get(text.upper(), text)
            elif header.startswith("indicerepetition"):
                text = _REPETITION.get(text.upper(), text)
            parts.append(text)
        return " ".join(parts)

    def _place(self, candidate: Candidate, get, row: list[str]) -> None:
        """Postcode, commune, INSEE code, département, the région's memberships and the
        position (see places.py); each distinct set of place cells is worked out once
        (a national file has tens of thousands of them, each row a dictionary lookup)."""
        country = self._country(get, row) if "country" in self.by_field else ""
        key = (get("postcode"), get("commune"), get("insee_code"), get("departement"), country)
        known = self._place_rows.get(key)
        if known is None:
            known = self._work_out_place(*key)
            if len(self._place_rows) < 200_000:
                self._place_rows[key] = known
        fields, place = known
        candidate.data.update(fields)
        for note in place.notes:
            candidate.warnings.append(Issue(note.field, note.level, note.message))
        self._position(candidate, get, place)

    def _work_out_place(self, postcode_text: str, commune_text: str, insee_text: str,
                        departement: str, country: str) -> tuple[dict, Place]:
        postcode = _digits_only(postcode_text)
        guessed = postcode.isdigit() and len(postcode) == 4
        if guessed:
            postcode = "0" + postcode
        commune_text = _one_line(commune_text)
        insee = insee_text.upper().replace(" ", "")
        if insee.isdigit() and len(insee) == 4:
            insee = "0" + insee
        place = self.places.locate(commune_text, postcode, insee, departement, country,
                                   guessed_postcode=guessed)
        data = {"postcode": postcode or postcode_text, "commune": commune_text,
                "insee_code": insee}
        data.update(place.fields)
        if place.foreign:
            # No French postcode or code: the store would take them for a French place.
            data["postcode"] = data["insee_code"] = ""
            if commune_text and place.country:
                data["commune"] = f"{commune_text} ({place.country})"
        commune = place.commune
        if commune is not None and not data["postcode"] and len(commune.postcodes) == 1:
            data["postcode"] = commune.postcodes[0]
        agreeing = commune is not None and (not data["postcode"]
                                            or data["postcode"] in commune.postcodes)
        if (agreeing or place.foreign) and len(self._place_issues) < 200_000:
            # The gazetteer's own commune, code and postcode agree, or the place is abroad:
            # nothing to check (and no name to look up among all French communes).
            self._place_issues.setdefault((data["postcode"], data["commune"],
                                           data["insee_code"]), [])
        return data, place

    def _country(self, get, row: list[str]) -> str:
        """The country cell, its name rather than its INSEE code when both are given."""
        text = get("country")
        if not text.isdigit() or len(self.by_field["country"]) < 2:
            return text
        names = (clean_text(row[i]) for i in self.by_field["country"] if i < len(row))
        return next((c for c in names if c and not c.isdigit()), text)

    def _position(self, candidate: Candidate, get, place: Place) -> None:
        """The file's position (latitude/longitude columns, a « lat, lon » column, SIRENE's
        projected coordinates, in this order) when it lies near its commune, else the
        commune's centre."""
        data = candidate.data
        lat = lon = None
        lat_text, lon_text, pair = get("lat"), get("lon"), get("position")
        if lat_text or lon_text:
            lat, lon = parse_number(lat_text), parse_number(lon_text)
            if lat is None or lon is None:
                self.dropped(candidate, "position", f"La position « {lat_text} ; {lon_text} » "
                             "n'est pas un couple de nombres.")
                lat = lon = None
        elif pair:
            found = parse_lat_lon(pair)
            if found is None:
                self.dropped(candidate, "position", f"Les coordonnées « {pair} » ne sont pas "
                             "un couple « latitude, longitude ».")
            else:
                lat, lon = found
        elif self.positions:
            lat, lon = self.positions.get(candidate.row_number, (None, None))
        precision = ""
        text = get("geo_precision")
        if text:
            key = fold(text)
            precision = next((slug for slug, label in vocab.GEO_PRECISIONS.items()
                              if key in (slug, fold(label))), "")
        if lat is not None:
            far = self.places.check_position(place, lat, lon)
            if far is not None:
                candidate.warnings.append(far)
                lat = lon = None
        commune = place.commune
        if lat is not None:
            data["lat"], data["lon"] = lat, lon
            data["geo_precision"] = precision or "address"
        elif commune is not None and commune.lat is not None:
            data["lat"], data["lon"] = round(commune.lat, 6), round(commune.lon, 6)
            data["geo_precision"] = "commune"
        # An unknown commune or postcode in Île-de-France is reported by validation.

    # validation

    def _validate(self, candidate: Candidate) -> None:
        data = candidate.data
        # The place is checked once per distinct (postcode, commune, INSEE code): files
        # repeat them, and a position taken from the gazetteer needs no checking.
        place = {"name": "-", "postcode": data["postcode"], "commune": data["commune"],
                 "insee_code": data["insee_code"]}
        rest = dict(data, postcode="", commune="", insee_code="")
        if data["geo_precision"] == "commune":  # the commune's own position: a valid one
            rest["lat"] = rest["lon"] = None
            rest["geo_precision"] = ""
        prechecked = _precheck(data, rest)
        key = (data["postcode"], data["commune"], data["insee_code"])
        place_issues = self._place_issues.get(key)
        if place_issues is None:
            place_issues = validate.validate_actor(place)
            if len(self._place_issues) < 200_000:
                self._place_issues[key] = place_issues
        filled = [name for name in _CHECKED if rest[name] not in ("", None)]
        for issue in validate.validate_actor(rest, filled) + place_issues + prechecked:
            if issue.field == "name" or (issue.field == "kind" and issue.level == "error"):
                candidate.errors.append(issue)
            elif issue.level == "warning":
                if issue.field == "position" and data["outside_idf"]:
                    continue  # already said
                candidate.warnings.append(issue)
            else:
                self.dropped(candidate, issue.field, issue.message)
                if not self.strict:
                    _clear(data, issue.field)
        if not data["siren"] and len(data["siret"]) == 14:
            data["siren"] = data["siret"][:9]  # a valid SIRET (an invalid one was dropped)


def _checked_email(text: str) -> tuple[str, bool]:
    """(normalised address, valid) — the check validate.py makes, done once."""
    if text.lower().startswith("mailto:"):
        text = text[7:].strip()
    if not text:
        return "", True
    try:
        return validate_email(text, check_deliverability=False).normalized, True
    except EmailNotValidError:
        return text, False


def _checked_phone(text: str) -> tuple[str, bool]:
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


def _precheck(data: dict, rest: dict, validator=validate.validate_actor) -> list[Issue]:
    """Check e-mail, phone, SIRET and SIREN once (e-mail and phone libraries cost ~0.2 ms a
    call): normalise ``data`` in place and blank those fields in ``rest``, the dict given to
    the validator. An invalid value gets the validator's own message."""
    issues: list[Issue] = []
    suspects: dict[str, str] = {}
    for name, check in (("email", _checked_email), ("phone", _checked_phone)):
        if name in data:
            value, ok = check(data[name])
            data[name] = value
            rest[name] = ""
            if not ok:
                suspects[name] = value
    siret, siren = data.get("siret", ""), data.get("siren", "")
    if siret or siren:
        siret_ok = not siret or siret_module.is_valid(siret)
        siren_ok = not siren or siren_module.is_valid(siren)
        if siret_ok and siren_ok and (not siret or not siren or siret[:9] == siren):
            rest["siret"] = rest["siren"] = ""
    for name, value in suspects.items():
        probe = {"name": "-", "last_name": "-", name: value}
        issues += [i for i in validator(probe) if i.field == name]
    return issues


def _without_empty(data: dict) -> dict:
    """Empty values ("", [], None) left out: they say nothing, and a merge must not take
    them for values; booleans stay."""
    return {k: v for k, v in data.items() if v or v == 0}  # 0, 0.0 and False are values


def _clear(data: dict, name: str) -> None:
    if name in ("position", "lat", "lon"):
        data["lat"] = data["lon"] = None
        data["geo_precision"] = ""
    elif name in data:
        data[name] = [] if isinstance(data[name], list) else (None if name == "founded" else "")


# -- contacts --------------------------------------------------------------------------------

class _ContactBuilder(_Builder):
    def build(self, number: int, row: list[str]) -> Candidate:
        get = self.cells(row).__getitem__
        data: dict[str, Any] = {key: "" for key in CONTACT_KEYS}
        data["opt_out"] = False
        candidate = Candidate(number, data)
        civility = _one_line(get("civility"))
        data["civility"] = _CIVILITIES.get(fold(civility), civility)
        for name in ("first_name", "last_name", "role"):
            data[name] = _one_line(get(name))
        data["notes"] = get("notes")
        data["email"] = get("email")
        data["phone"] = get("phone")

        consent = get("consent")
        if consent:
            try:
                basis, data["opt_out"] = parse_consent(consent)
                data["legal_basis"] = basis or ""
            except ValueError:
                self.dropped(candidate, "legal_basis",
                             f"Base légale « {consent} » non reconnue (attendu : oui, non, "
                             "consentement, intérêt légitime, opposition).")
        opt_out = get("opt_out")
        if opt_out:
            value = parse_bool(opt_out)
            if value is None:
                try:
                    _basis, value = parse_consent(opt_out)
                except ValueError:
                    value = None
            if value is None:
                self.dropped(candidate, "opt_out", f"Opposition « {opt_out} » non reconnue "
                             "(attendu : oui ou non).")
            elif value:
                data["opt_out"] = True
        date = get("basis_date")
        if date and not is_placeholder_date(date):
            iso = parse_date(date)
            if iso is None:
                self.dropped(candidate, "basis_date",
                             f"La date « {date} » n'est pas une date (attendu : JJ/MM/AAAA).")
            else:
                data["basis_date"] = iso

        link = candidate.link
        link["organisation"] = _one_line(get("organisation"))
        link["organisation_siret"] = _digits_only(get("organisation_siret"))
        link["organisation_siren"] = _digits_only(get("organisation_siren"))
        if not link["organisation_siren"] and len(link["organisation_siret"]) == 14:
            link["organisation_siren"] = link["organisation_siret"][:9]
        actor_id = get("actor_id")
        link["actor_id"] = int(actor_id) if actor_id.isdigit() else None
        if not (link["organisation"] or link["organisation_siret"] or link["organisation_siren"]
                or link["actor_id"]):
            candidate.errors.append(Issue(
                "organisation", "error",
                "L'organisation du contact n'est pas indiquée (nom, SIRET ou SIREN)."))

        rest = dict(data)
        prechecked = _precheck(data, rest, validate.validate_contact)
        for issue in validate.validate_contact(rest) + prechecked:
            if issue.field == "last_name":
                candidate.errors.append(issue)
            elif issue.level == "warning":
                candidate.warnings.append(issue)
            else:
                self.dropped(candidate, issue.field, issue.message)
                if not self.strict:
                    _clear(data, issue.field)
        candidate.data = _without_empty(data)
        return candidate
