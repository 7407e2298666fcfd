"""An actors file's row to a :class:`Candidate`: name, kind, identifiers, place, position.

Lenient by default: an invalid SIRET, e-mail, phone… is dropped with a warning (the rest
of the row is imported); ``strict=True`` turns those warnings into errors. Rows outside
Île-de-France are kept and flagged ``outside_idf``; ``mgp`` and ``outside_idf`` are
always in ``data``. Text that looks like a formula ("=HYPERLINK(…)") is kept literally:
it is data, and exports neutralise it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stdnum.fr import siren as siren_module
from stdnum.fr import siret as siret_module

from .. import fields, validate, vocab
from ..catalogue.kind_rules import KindRules
from ..text import fold
from ..validate import Issue
from .cleaning import (REPETITION, STREET_TYPES, clean_text, digits_only,
                       one_line, parse_number, parse_size, parse_status, parse_year,
                       person_name, restore_zero, sirene_v2_name, valued_text)
from .mapping import FIELD_LABELS, NAME_STAND_INS
from .places import Place, Places, parse_lat_lon
from .rows import Candidate, RowBuilder, clear, precheck, without_empty
from .values import SYNONYMS, is_non_diffusible, is_placeholder, matcher, split_values

# An actor's fields as a row holds them (the id and the stamps are the catalogue's).
_ACTOR_KEYS = tuple(k for k in fields.ACTOR_KEYS if k not in ("id", "created_at", "updated_at"))
# A row before its cells are read (the lists are replaced by new ones for each row).
_EMPTY_ACTOR: dict[str, Any] = {key: "" for key in _ACTOR_KEYS}
_EMPTY_ACTOR.update(mgp=False, outside_idf=False, lat=None, lon=None, founded=None)
# What the validator checks in a row besides its place (checked once per distinct place).
_CHECKED = tuple(f for f in validate.ACTOR_CHECKED_FIELDS
                 if f not in ("postcode", "commune", "insee_code"))


@dataclass
class KindChoice:
    """How rows whose file gives no known kind get one (see :func:`prepare`)."""

    default: str | None = None
    rules: KindRules | None = None
    hint: str = ""


class ActorBuilder(RowBuilder):
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

        data["aliases"] = [one_line(a) for a in split_values(get("aliases"))]
        data["name"] = self._name(candidate, get, row)
        data["description"] = get("description")
        data["street"] = one_line(self._street(row))
        data["source"] = one_line(get("source"))
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
        candidate.data = without_empty(data)
        return candidate

    # identity and vocabularies

    def _name(self, candidate: Candidate, get, row: list[str]) -> str:
        """The company's name (mapping.PRECEDENCE), else the establishment's enseigne, else
        an entrepreneur individuel's first name and name; the other names the row gives
        become aliases."""
        aliases = candidate.data["aliases"]
        name = one_line(get("name"))
        if "*" in name:
            name = sirene_v2_name(name)
        if name and self._other_names:
            for i in self._other_names:
                other = one_line(valued_text(row[i])) if i < len(row) else ""
                if other and fold(other) != fold(name) and other not in aliases:
                    aliases.append(other)
        if name:
            return name
        for i in self._stand_ins:
            text = one_line(valued_text(row[i])) if i < len(row) else ""
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
            siret = digits_only(validate.normalize_siret(siret))
            data["siret"] = restore_zero(siret, 14, siret_module.is_valid)
        if siren:
            siren = digits_only(validate.normalize_siren(siren))
            data["siren"] = restore_zero(siren, 9, siren_module.is_valid)
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
        self.dated(candidate, "founded", text, parse_year, f"L'année de création « {text} » n'est pas une année.")

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
                text = REPETITION.get(text.upper(), text)
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
        postcode = digits_only(postcode_text)
        guessed = postcode.isdigit() and len(postcode) == 4
        if guessed:
            postcode = "0" + postcode
        commune_text = one_line(commune_text)
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
        prechecked = precheck(data, rest)
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
                    clear(data, issue.field)
        if not data["siren"] and len(data["siret"]) == 14:
            data["siren"] = data["siret"][:9]  # a valid SIRET (an invalid one was dropped)
