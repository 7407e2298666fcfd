"""The one Filter value object behind the list, facets, map, export, calls and the CLI.

Values within one facet combine with OR, facets combine with AND. A Filter is
immutable, serialisable to JSON (saved views, a call's eligibility) and describable
in French words (criteria sheet of an export, map legend). The catalogue evaluates
it in :mod:`eco_desktop.catalogue.query` (``Catalogue.actor_ids``, ``count``,
``facet_counts``): the text through SQLite FTS5 (:mod:`eco_desktop.catalogue.search`),
the call through its shortlist (:mod:`eco_desktop.catalogue.calls`), every other
criterion as bitsets of the in-memory index (:mod:`eco_desktop.catalogue.index`).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from . import vocab
from .fields import label as field_label
from .errors import UserError

if TYPE_CHECKING:  # the area's module (numpy) is imported when an area is read
    from .geo.area import Area

# Facet name -> Filter field holding its selection. The order is the facet panel's.
FACETS: dict[str, str] = {
    "kind": "kinds",
    "domain": "domains",
    "activity": "activities",
    "departement": "departements",
    "mgp": "mgp",
    "ept": "epts",
    "epci": "epcis",
    "tag": "tags",
    "followup": "followup",
}

# The « Suivi » facet's values: when an actor's pending follow-ups fall due, relative to
# today (an actor with several is in each of their buckets), or none pending.
FOLLOWUP_BUCKETS: dict[str, str] = {
    "overdue": "En retard",
    "today": "Aujourd'hui",
    "week": "Cette semaine",
    "later": "Plus tard",
    "none": "Sans relance",
}

@dataclass(frozen=True)
class Filter:
    text: str = ""
    followup: tuple[str, ...] = ()  # FOLLOWUP_BUCKETS
    kinds: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    departements: tuple[str, ...] = ()
    mgp: bool | None = None
    epts: tuple[str, ...] = ()
    epcis: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    has_contact: bool = False
    call: str = ""
    area: Area | None = None  # a circle or polygon (geo/area.py); unlocated actors never in it
    include_deleted: bool = False
    only_deleted: bool = False
    ids: tuple[int, ...] | None = field(default=None)
    # custom fields' criteria (key, operator, value as text): see custom_criteria()
    custom: tuple[tuple[str, str, str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "custom", custom_criteria(self.custom))
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "custom":
                continue
            if f.name == "ids":
                if value is not None:
                    object.__setattr__(self, "ids", tuple(int(v) for v in value))
            elif isinstance(value, (list, set, frozenset)):
                object.__setattr__(self, f.name, tuple(dict.fromkeys(str(v) for v in value)))
        if not isinstance(self.text, str):
            object.__setattr__(self, "text", str(self.text or ""))
        if isinstance(self.area, Mapping):  # a saved view's or call's area
            from .geo.area import Area
            object.__setattr__(self, "area", Area.from_dict(self.area))

    # -- facets --------------------------------------------------------------
    def selection(self, facet: str) -> tuple[str, ...]:
        """The selected values of a facet as strings ('1'/'0' for mgp)."""
        if facet.startswith(CUSTOM_FACET):  # custom
            key = facet[len(CUSTOM_FACET):]
            return tuple(v for k, op, v in self.custom if k == key and op == "=")
        value = getattr(self, FACETS[facet])
        if facet == "mgp":
            return () if value is None else ("1" if value else "0",)
        return value

    def with_selection(self, facet: str, values: Iterable[str]) -> "Filter":
        values = tuple(dict.fromkeys(values))
        if facet.startswith(CUSTOM_FACET):  # custom
            key = facet[len(CUSTOM_FACET):]
            kept = tuple(c for c in self.custom if not (c[0] == key and c[1] == "="))
            return replace(self, custom=kept + tuple((key, "=", v) for v in values))
        if facet == "mgp":
            chosen = set(values)
            mgp = None if len(chosen) != 1 else ("1" in chosen)
            return replace(self, mgp=mgp)
        return replace(self, **{FACETS[facet]: values})

    def toggled(self, facet: str, value: str) -> "Filter":
        current = list(self.selection(facet))
        if value in current:
            current.remove(value)
        else:
            current.append(value)
        return self.with_selection(facet, current)

    def without(self, facet: str) -> "Filter":
        return self.with_selection(facet, ())

    def with_area(self, area: Area | None) -> "Filter":
        return replace(self, area=area)

    def without_area(self) -> "Filter":
        return self.with_area(None)

    def is_empty(self) -> bool:
        return self == Filter()

    def cleared(self) -> "Filter":
        """The same view (trash or not) with every criterion removed."""
        return Filter(include_deleted=self.include_deleted, only_deleted=self.only_deleted)

    # -- serialisation -------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Only the fields that differ from the default, lists for tuples."""
        out: dict[str, Any] = {}
        default = Filter()
        for key, value in asdict(self).items():
            if value != getattr(default, key):
                out[key] = list(value) if isinstance(value, tuple) else value
        if self.area is not None:  # the area in its own shape, not asdict's
            out["area"] = self.area.to_dict()
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> "Filter":
        if not data:
            return cls()
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise UserError(f"Filtre enregistré illisible : critère inconnu « {sorted(unknown)[0]} ».")
        return cls(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items()})

    @classmethod
    def from_json(cls, text: str | None) -> "Filter":
        if not text:
            return cls()
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UserError("Filtre enregistré illisible (JSON invalide).") from exc
        if not isinstance(data, dict):
            raise UserError("Filtre enregistré illisible (un objet JSON est attendu).")
        return cls.from_dict(data)

    # -- words ---------------------------------------------------------------
    def describe(self, labels: Mapping[str, Mapping[str, str]] | None = None,
                 custom_words: Any = None) -> list[str]:
        """The criteria in French sentences, one per criterion; ["Tous les acteurs"] if none.

        ``labels`` maps a facet name to {value: label} (vocabularies, EPT/EPCI names);
        ``custom_words`` (criteria -> sentences) writes the custom criteria: the
        catalogue knows the fields.
        """
        labels = labels or {}

        def named(facet: str, values: Iterable[str]) -> str:
            mapping = labels.get(facet, {})
            return " ou ".join(f"« {mapping.get(v, v)} »" for v in values)

        lines: list[str] = []
        if self.only_deleted:
            lines.append("Acteurs dans la corbeille")
        if self.text.strip():
            lines.append(f"Recherche : « {self.text.strip()} »")
        titles = {
            "kind": field_label("kind"), "domain": "Domaine", "activity": "Activité",
            "departement": field_label("departement"), "ept": "Territoire (EPT)", "epci": "Intercommunalité",
            "tag": "Étiquette", "followup": "Suivi",
        }
        for facet in FACETS:
            if facet == "mgp":
                if self.mgp is True:
                    lines.append("Dans la Métropole du Grand Paris")
                elif self.mgp is False:
                    lines.append("Hors de la Métropole du Grand Paris")
                continue
            values = self.selection(facet)
            if values:
                if facet == "departement" and facet not in labels:
                    mapping = {k: f"{k} {v}" for k, v in vocab.IDF_DEPARTEMENTS.items()}
                    lines.append(f"{titles[facet]} : {' ou '.join(f'« {mapping.get(v, v)} »' for v in values)}")
                else:
                    lines.append(f"{titles[facet]} : {named(facet, values)}")
        if self.custom:  # custom
            lines.extend(custom_words(self.custom) if custom_words is not None
                         else [f"{k} {op} {v}" for k, op, v in self.custom])
        if self.has_contact:
            lines.append("Avec au moins un contact utilisable (base légale, sans opposition)")
        if self.call:
            lines.append(f"Présélectionnés dans l'appel à projets « {self.call} »")
        if self.ids is not None:
            lines.append(f"Sélection manuelle de {len(self.ids)} acteur(s)")
        if self.area is not None:
            lines.append(self.area.describe())
        if self.include_deleted and not self.only_deleted:
            lines.append("Y compris les acteurs dans la corbeille")
        return lines or ["Tous les acteurs"]


# A custom field's facet is named CUSTOM_FACET + its key; its values are « = » criteria.
CUSTOM_FACET = "custom."
CUSTOM_OPERATORS = ("=", ">=", "<=", ">", "<")


def custom_criteria(items: Iterable) -> tuple[tuple[str, str, str], ...]:
    """Custom criteria as hashable (key, operator, value) triples of text (a number as
    typed, a date as ISO, yes/no as 1/0, a choice's slug), from tuples or JSON lists."""
    out = []
    for item in items or ():
        try:
            key, op, value = item
        except (TypeError, ValueError):
            raise UserError("Filtre enregistré illisible : critère de champ personnalisé mal formé.") from None
        if op not in CUSTOM_OPERATORS:
            raise UserError(f"Filtre enregistré illisible : comparaison inconnue « {op} ».")
        value = ("1" if value else "0") if isinstance(value, bool) else str(value)
        out.append((str(key), op, value))
    return tuple(dict.fromkeys(out))
