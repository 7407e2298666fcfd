"""Default vocabularies and fixed enumerations of the domain, with their French labels.

The catalogue stores kinds, domains and activities in its ``vocabulary`` table
(seeded from these defaults by the first migration) so that users can rename or
hide them; the other enumerations here are fixed by the code.
"""
from __future__ import annotations

from . import fields

# slug -> (French label, colour). The colour is shared by table chips, map markers
# and dashboard bars (a qualitative palette readable on white, colour-blind aware).
KINDS: dict[str, tuple[str, str]] = {
    "biotech": ("Entreprise de biothérapie", "#1f77b4"),
    "techprovider": ("Fournisseur de technologies (techprovider)", "#ff7f0e"),
    "pharma": ("Grand laboratoire pharmaceutique", "#d62728"),
    "bioproduction": ("Bioproduction (CDMO, site de production)", "#9467bd"),
    "iphe": ("Incubateur, pépinière, hôtel d'entreprises", "#2ca02c"),
    "integrator": ("Intégrateur industriel", "#8c564b"),
    "academic": ("Centre de recherche académique", "#e377c2"),
    "hospital": ("Établissement hospitalier", "#17becf"),
    "cluster": ("Pôle, cluster, réseau", "#bcbd22"),
    "training": ("Formation", "#7f7f7f"),
    "funder": ("Financeur, acteur public", "#393b79"),
}

DOMAINS: dict[str, str] = {
    "gene_therapy": "Thérapie génique",
    "cell_therapy": "Thérapie cellulaire",
    "immunotherapy": "Immunothérapie",
    "vaccines": "Vaccins",
    "extracellular_vesicles": "Vésicules extracellulaires",
    "tissue_engineering": "Ingénierie tissulaire",
    "antibodies_proteins": "Anticorps et protéines thérapeutiques",
    "plasma_derived": "Médicaments dérivés du plasma",
}

ACTIVITIES: dict[str, str] = {
    "research": "R&D",
    "preclinical": "Préclinique, CRO",
    "clinical_manufacturing": "Production de lots cliniques",
    "commercial_manufacturing": "Bioproduction commerciale",
    "analytics_qc": "Contrôle qualité, tests analytiques",
    "equipment": "Équipements et consommables",
    "digital": "Numérique, logiciels, données",
    "sequencing": "Génomique, séquençage",
    "incubation": "Incubation, hébergement",
    "training": "Formation",
    "funding": "Financement",
    "consulting": "Conseil",
}

# The three vocabularies kept in the database, by facet name.
VOCABULARIES = ("kind", "domain", "activity")

# type -> (label seen from the source actor, label seen from the target actor)
RELATION_TYPES: dict[str, tuple[str, str]] = {
    "hosted_by": ("hébergé par", "héberge"),
    "spin_off_of": ("essaimé de", "a essaimé"),
    "acquired_by": ("racheté par", "a racheté"),
    "partner_of": ("partenaire de", "partenaire de"),
    "founding_lab_of": ("laboratoire fondateur de", "a pour laboratoire fondateur"),
    "site_of": ("site de", "a pour site"),
    "member_of": ("membre de", "a pour membre"),
}

STATUSES: dict[str, str] = {
    "active": "En activité",
    "closed": "Fermé",
    "acquired": "Racheté",
}

SIZES: dict[str, str] = {
    "TPE": "TPE",
    "PME": "PME",
    "ETI": "ETI",
    "grand groupe": "Grand groupe",
}

GEO_PRECISIONS: dict[str, str] = {
    "address": "Adresse",
    "commune": "Commune",
    "manual": "Saisie manuelle",
}

LEGAL_BASES: dict[str, str] = {
    "consent": "Consentement",
    "legitimate_interest": "Intérêt légitime",
}

EXCHANGE_KINDS: dict[str, str] = {
    "meeting": "Rendez-vous",
    "call": "Appel",
    "email": "E-mail",
    "note": "Note",
}

CALL_STATES: dict[str, str] = {
    "preparing": "En préparation",
    "open": "Ouvert",
    "closed": "Clos",
    "archived": "Archivé",
}

SHORTLIST_STATUSES: dict[str, str] = {
    "to_contact": "À contacter",
    "contacted": "Contacté",
    "applied": "Candidat",
    "selected": "Lauréat",
    "not_selected": "Non retenu",
    "excluded": "Écarté",
}

IDF_DEPARTEMENTS: dict[str, str] = {
    "75": "Paris",
    "77": "Seine-et-Marne",
    "78": "Yvelines",
    "91": "Essonne",
    "92": "Hauts-de-Seine",
    "93": "Seine-Saint-Denis",
    "94": "Val-de-Marne",
    "95": "Val-d'Oise",
}

# French names of the Filter's facets (used in the facet panel, the criteria sheet, stats).
FACET_LABELS: dict[str, str] = {
    "kind": "Type d'acteur",
    "domain": "Domaine",
    "activity": "Activité",
    "departement": fields.label("departement"),
    "mgp": fields.label("mgp"),
    "ept": "Établissement public territorial",
    "epci": "Intercommunalité (EPCI)",
    "tag": "Étiquette",
    "followup": "Suivi",  # the follow-ups' buckets (filter.FOLLOWUP_BUCKETS)
}


# The map's title when its filter is no saved view (the map page, `eco-desktop map`'s help).
MAP_DEFAULT_TITLE = "Acteurs de l'écosystème"
