"""Key figures of the filtered ecosystem: what the "Tableau de bord" tab draws (no Qt).

Everything is counted among the actors the filter lists. Facet counts come from
:meth:`Catalogue.facet_counts`; because a facet's counts ignore that facet's own
selection, a filter that selects values in some facet is first turned into the
equivalent list of ids (a filter without selections), so that, say, the domains
chart of "kind = biotech" counts the domains of the biotechs only.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from .filter import FACETS, Filter
from .text import fold

if TYPE_CHECKING:
    from .catalogue import Catalogue

# EPCI (SIREN) of the two clusters the study names.
GENOPOLE_EPCI = "200059228"   # CA Grand Paris Sud Seine Essonne Sénart (Évry, Genopole)
SACLAY_EPCI = "200056232"     # CA Communauté Paris-Saclay (Saclay, Orsay, Les Ulis: Courtabœuf)
PARIS_DEPARTEMENT = "75"

# Kinds split as the study splits the ecosystem.
BIOTECH_KIND = "biotech"
TECHPROVIDER_KIND = "techprovider"

# Relation types as nouns (chart categories).
RELATION_NOUNS: dict[str, str] = {
    "hosted_by": "Hébergement",
    "spin_off_of": "Essaimage",
    "acquired_by": "Rachat",
    "partner_of": "Partenariat",
    "founding_lab_of": "Laboratoire fondateur",
    "site_of": "Site d'un groupe",
    "member_of": "Adhésion à un pôle ou réseau",
}

# Charts: key -> (title, facet the bars filter on, or None).
CHARTS: dict[str, tuple[str, str | None]] = {
    "kind": ("Acteurs par type", "kind"),
    "departement": ("Acteurs par département", "departement"),
    "domain": ("Acteurs par domaine", "domain"),
    "activity": ("Acteurs par activité", "activity"),
    "relation": ("Relations par type", None),
}


@dataclass(frozen=True)
class Bar:
    value: str     # slug or code the bar stands for
    label: str     # French label
    count: int


@dataclass(frozen=True)
class Figure:
    """One key figure: a count, and its share of the listed actors when it has one."""
    key: str
    label: str
    count: int
    share: float | None = None   # 0..1

    def share_text(self) -> str:
        return "" if self.share is None else percent(self.share)


@dataclass
class Dashboard:
    total: int
    figures: list[Figure] = field(default_factory=list)
    charts: dict[str, list[Bar]] = field(default_factory=dict)

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


def percent(share: float) -> str:
    """A share in French notation: 0.4567 -> '45,7 %' (narrow no-break space)."""
    return f"{share * 100:.1f}".replace(".", ",") + "\u202f%"


def _unselected(catalogue: "Catalogue", flt: Filter) -> Filter:
    """A filter listing the same actors with no facet selection (see module doc)."""
    if not any(flt.selection(facet) for facet in FACETS):
        return flt
    ids = catalogue.actor_ids(flt)
    return Filter(ids=tuple(ids), include_deleted=flt.include_deleted or flt.only_deleted)


def _bars(items: list[dict]) -> list[Bar]:
    bars = [Bar(str(i["value"]), i["label"], int(i["count"])) for i in items if i["count"] > 0]
    bars.sort(key=lambda b: (-b.count, fold(b.label)))
    return bars


def relation_counts(catalogue: "Catalogue", flt: Filter) -> list[Bar]:
    """Relations whose two ends are listed actors, by type, most frequent first."""
    ids = catalogue.actor_ids(flt)
    counts: dict[str, int] = {}
    for rel in catalogue.relations(ids):
        counts[rel["type"]] = counts.get(rel["type"], 0) + 1
    bars = [Bar(t, RELATION_NOUNS.get(t, t), c) for t, c in counts.items()]
    bars.sort(key=lambda b: (-b.count, fold(b.label)))
    return bars


def compute(catalogue: "Catalogue", flt: Filter | None = None) -> Dashboard:
    """Key figures and chart bars for the actors listed by ``flt``."""
    flt = flt or Filter()
    base = _unselected(catalogue, flt)
    facets = catalogue.facet_counts(base)
    counts = {facet: {i["value"]: i["count"] for i in items} for facet, items in facets.items()}
    total = catalogue.count(base)

    def share(n: int) -> float:
        return n / total if total else 0.0

    kinds = counts["kind"]
    biotech, techprovider = kinds.get(BIOTECH_KIND, 0), kinds.get(TECHPROVIDER_KIND, 0)
    others = total - biotech - techprovider
    paris = counts["departement"].get(PARIS_DEPARTEMENT, 0)
    mgp = counts["mgp"].get("1", 0)
    genopole = counts["epci"].get(GENOPOLE_EPCI, 0)
    saclay = counts["epci"].get(SACLAY_EPCI, 0)
    with_contact = catalogue.count(replace(base, has_contact=True))
    figures = [
        Figure("total", "Acteurs", total),
        Figure("biotech", "Entreprises de biothérapie", biotech, share(biotech)),
        Figure("techprovider", "Fournisseurs de technologies", techprovider, share(techprovider)),
        Figure("other_kinds", "Autres acteurs", others, share(others)),
        Figure("paris", "À Paris", paris, share(paris)),
        Figure("mgp", "Dans la Métropole du Grand Paris", mgp, share(mgp)),
        Figure("genopole", "Territoire de Genopole (Grand Paris Sud)", genopole, share(genopole)),
        Figure("saclay", "Territoire de Paris-Saclay (dont Courtabœuf)", saclay, share(saclay)),
        Figure("with_contact", "Avec un contact utilisable", with_contact, share(with_contact)),
    ]
    charts = {key: _bars(facets[key]) for key in ("kind", "departement", "domain", "activity")}
    charts["relation"] = relation_counts(catalogue, base)
    return Dashboard(total=total, figures=figures, charts=charts)
