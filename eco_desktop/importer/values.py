"""Turn the text of a cell into vocabulary slugs and other typed values.

``match_vocab`` recognises a vocabulary entry by its label, its slug or a synonym, folded
(accents, case, punctuation ignored), then by a synonym found inside the text, then by a
close spelling. A cell may hold several values separated by ``;``, ``|`` or line breaks,
and by commas only when the text between those separators is not itself an entry: the
label "Incubateur, pépinière, hôtel d'entreprises" is one kind while "Thérapie génique,
Vaccins" is two domains.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from rapidfuzz import fuzz, process

from .. import vocab as vocabularies
from ..text import fold

# slug -> other names people use (the label and the slug are always recognised).
KIND_SYNONYMS: dict[str, tuple[str, ...]] = {
    "biotech": ("Biotech", "Biotechs", "Biotechnologie", "Biotechnologies",
                "Start-up biothérapie", "Start-up biothérapies", "Start-up", "Startup",
                "Jeune pousse", "Entreprise de biotechnologie", "Société de biotechnologie",
                "Biothérapie", "Biothérapies", "PME biotech", "Biotech company"),
    "techprovider": ("Fournisseur de technologies", "Fournisseur", "Fournisseur de technologie",
                     "Équipementier", "Fournisseur d'équipements", "Technology provider",
                     "Tech provider", "Supplier"),
    "pharma": ("Pharma", "Big pharma", "Laboratoire pharmaceutique", "Grand laboratoire",
               "Groupe pharmaceutique", "Industrie pharmaceutique", "Industriel pharmaceutique",
               "Pharmaceutical company"),
    "bioproduction": ("Bioproduction", "CDMO", "CMO", "Façonnier", "Sous-traitant de production",
                      "Site de production", "Usine", "Contract manufacturer",
                      "Production site"),
    "iphe": ("Incubateur", "Pépinière", "Pépinière d'entreprises", "Hôtel d'entreprises",
             "Hôtel d'entreprise", "Accélérateur", "Incubator", "Accelerator",
             "Incubateur d'entreprises"),
    "integrator": ("Intégrateur", "Intégrateur industriel", "Ingénierie", "Société d'ingénierie",
                   "Integrator", "Engineering"),
    "academic": ("Laboratoire de recherche", "Laboratoire", "Laboratoire académique",
                 "Unité Inserm", "Inserm", "CNRS", "UMR", "Unité de recherche",
                 "Institut de recherche", "Centre de recherche", "Université", "Académique",
                 "Recherche académique", "Recherche publique", "Academic", "University",
                 "Research lab", "Research institute"),
    "hospital": ("Hôpital", "CHU", "CHR", "AP-HP", "APHP", "Centre hospitalier",
                 "Établissement de santé", "Clinique", "Hospital", "Centre de lutte contre le "
                 "cancer", "CLCC"),
    "cluster": ("Pôle de compétitivité", "Pôle", "Cluster", "Réseau", "Association "
                "professionnelle", "Syndicat professionnel", "Network", "Filière"),
    "training": ("Formation", "Organisme de formation", "Centre de formation", "Training",
                 "École"),
    "funder": ("Financeur", "Acteur public", "Investisseur", "Fonds d'investissement",
               "Capital-risque", "Business angels", "Collectivité", "Agence publique",
               "Investor", "Funder", "Venture capital"),
}

DOMAIN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "gene_therapy": ("Thérapie génique", "Thérapies géniques", "Gene therapy", "Génique",
                     "Thérapie génétique", "Édition du génome", "Gene editing", "CRISPR",
                     "Vecteurs viraux", "AAV"),
    "cell_therapy": ("Thérapie cellulaire", "Thérapies cellulaires", "Cell therapy",
                     "Cellulaire", "CAR-T", "Cellules souches", "Stem cells", "iPSC"),
    "immunotherapy": ("Immunothérapie", "Immunothérapies", "Immunotherapy", "Immuno-oncologie",
                      "Immuno-oncology"),
    "vaccines": ("Vaccins", "Vaccin", "Vaccine", "Vaccines", "Vaccinologie"),
    "extracellular_vesicles": ("Vésicules extracellulaires", "Exosomes", "Extracellular "
                               "vesicles"),
    "tissue_engineering": ("Ingénierie tissulaire", "Tissue engineering", "Bio-impression",
                           "Bioprinting", "Médecine régénératrice", "Regenerative medicine"),
    "antibodies_proteins": ("Anticorps", "Anticorps monoclonaux", "Protéines thérapeutiques",
                            "Protéines recombinantes", "Antibodies", "Monoclonal antibodies",
                            "Therapeutic proteins", "mAb"),
    "plasma_derived": ("Médicaments dérivés du plasma", "Dérivés du plasma", "MDP", "Plasma",
                       "Plasma-derived", "Plasma-derived medicines"),
}

ACTIVITY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "research": ("R&D", "Recherche", "Recherche et développement", "Recherche-développement",
                 "Research", "Research and development"),
    "preclinical": ("Préclinique", "CRO", "Études précliniques", "Preclinical"),
    "clinical_manufacturing": ("Production de lots cliniques", "Lots cliniques",
                               "Production clinique", "Clinical manufacturing"),
    "commercial_manufacturing": ("Bioproduction commerciale", "Production commerciale",
                                 "Production industrielle", "Commercial manufacturing"),
    "analytics_qc": ("Contrôle qualité", "Tests analytiques", "Analytique", "CQ", "QC",
                     "Quality control", "Bioanalyse"),
    "equipment": ("Équipements", "Équipement", "Consommables", "Équipements et consommables",
                  "Equipment", "Consumables", "Instruments"),
    "digital": ("Numérique", "Logiciels", "Logiciel", "Données", "Digital", "Software", "Data",
                "Intelligence artificielle", "IA", "Bioinformatique"),
    "sequencing": ("Génomique", "Séquençage", "Sequencing", "Genomics", "NGS"),
    "incubation": ("Incubation", "Hébergement", "Incubation et hébergement"),
    "training": ("Formation", "Training"),
    "funding": ("Financement", "Funding", "Investissement"),
    "consulting": ("Conseil", "Consulting", "Affaires réglementaires", "Regulatory affairs"),
}

SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "kind": KIND_SYNONYMS, "domain": DOMAIN_SYNONYMS, "activity": ACTIVITY_SYNONYMS,
}

_SEPARATORS = re.compile(r"\s*(?:;|\||\r\n|\n|\r)\s*")
FUZZY_CUTOFF = 88
MIN_CONTAINED = 3   # a synonym found inside longer text must have this many characters


# What files write for "no value": SIRENE's « [ND] » (a person who refused diffusion),
# « N/A », « - »… Upper-cased text, looked up as it is (no folding on the hot path).
NON_DIFFUSIBLE = frozenset({"[ND]", "ND", "N.D.", "N.D", "NON DIFFUSIBLE", "[NON DIFFUSIBLE]",
                            "NON-DIFFUSIBLE", "(ND)"})
PLACEHOLDERS = NON_DIFFUSIBLE | frozenset({
    "N/A", "#N/A", "N.A.", "NC", "N.C.", "NON COMMUNIQUÉ", "NON COMMUNIQUE", "NON RENSEIGNÉ",
    "NON RENSEIGNE", "-", "--", "---", "?", "??", "???", "INCONNU", "INCONNUE", "NULL",
    "NONE", "NAN", "/", "."})
_PLACEHOLDER_LENGTH = max(len(p) for p in PLACEHOLDERS)


def is_placeholder(text: str) -> bool:
    """Whether a trimmed cell is a placeholder standing for no value."""
    return len(text) <= _PLACEHOLDER_LENGTH and text.upper() in PLACEHOLDERS


def is_non_diffusible(text: str) -> bool:
    """Whether a trimmed cell is SIRENE's mark of a value not made public."""
    return len(text) <= _PLACEHOLDER_LENGTH and text.upper() in NON_DIFFUSIBLE


def split_values(cell: str | None) -> list[str]:
    """Pieces of a multi-valued cell split on ';', '|' and line breaks (not commas)."""
    if not cell:
        return []
    return [p.strip() for p in _SEPARATORS.split(str(cell)) if p and p.strip()]


class VocabMatcher:
    """Index of one vocabulary (labels, slugs, synonyms) by folded text."""

    def __init__(self, vocab: Mapping[str, str],
                 synonyms: Mapping[str, Iterable[str]] | None = None):
        self.vocab = dict(vocab)
        self._exact: dict[str, str] = {}
        for slug, label in self.vocab.items():
            for text in (label, slug, slug.replace("_", " ")):
                self._exact.setdefault(fold(text), slug)
        for slug, names in (synonyms or {}).items():
            if slug not in self.vocab:
                continue  # an entry removed from this catalogue's vocabulary
            for name in names:
                self._exact.setdefault(fold(name), slug)
        self._exact.pop("", None)
        self._keys = list(self._exact)
        # Longest first, so that "laboratoire pharmaceutique" wins over "laboratoire".
        self._contained = sorted((k for k in self._keys if len(k) >= MIN_CONTAINED),
                                 key=len, reverse=True)
        self._memo: dict[str, tuple[list[str], list[str]]] = {}

    def exact(self, text: str) -> str | None:
        key = fold(text)
        if not key:
            return None
        slug = self._exact.get(key)
        if slug is None and len(key) >= 5:
            found = process.extractOne(key, self._keys, scorer=fuzz.ratio,
                                       score_cutoff=FUZZY_CUTOFF)
            if found:
                slug = self._exact[found[0]]
        return slug

    def contained(self, text: str) -> list[str]:
        """Slugs of the synonyms found as whole words inside the text, in text order."""
        padded = f" {fold(text)} "
        found: list[tuple[int, str]] = []
        taken: list[tuple[int, int]] = []
        for key in self._contained:
            start = padded.find(f" {key} ")
            if start < 0:
                continue
            end = start + len(key) + 1
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            found.append((start, self._exact[key]))
        return [slug for _pos, slug in sorted(found)]

    def match(self, cell: str | None) -> tuple[list[str], list[str]]:
        """(slugs in order, without repeats; pieces not recognised, as typed)."""
        text = "" if cell is None else str(cell).strip()
        if not text:
            return [], []
        cached = self._memo.get(text)
        if cached is not None:
            return list(cached[0]), list(cached[1])
        slugs: list[str] = []
        unmatched: list[str] = []

        def add(found: list[str], piece: str) -> None:
            if not found:
                if piece not in unmatched:
                    unmatched.append(piece)
            for slug in found:
                if slug not in slugs:
                    slugs.append(slug)

        for part in split_values(text):
            slug = self.exact(part)
            if slug:
                add([slug], part)
                continue
            if "," in part:
                for piece in (p.strip() for p in part.split(",")):
                    if piece:
                        slug = self.exact(piece)
                        add([slug] if slug else self.contained(piece), piece)
                continue
            add(self.contained(part), part)
        if len(self._memo) < 100_000:
            self._memo[text] = (slugs, unmatched)
        return list(slugs), list(unmatched)


_MATCHERS: dict[tuple, VocabMatcher] = {}


def matcher(vocab: Mapping[str, str], synonyms: Mapping[str, Iterable[str]] | None = None
            ) -> VocabMatcher:
    """A cached :class:`VocabMatcher` for this vocabulary and these synonyms."""
    # Keyed by value: an id() would be reused by the next mapping once this one is freed.
    key = (tuple(sorted(vocab.items())),
           tuple(sorted((slug, tuple(names)) for slug, names in (synonyms or {}).items())))
    found = _MATCHERS.get(key)
    if found is None:
        if len(_MATCHERS) > 32:
            _MATCHERS.clear()
        found = _MATCHERS[key] = VocabMatcher(vocab, synonyms)
    return found


def match_vocab(cell: str | None, vocab: Mapping[str, str],
                synonyms: Mapping[str, Iterable[str]] | None = None
                ) -> tuple[list[str], list[str]]:
    """(slugs, unmatched pieces) for a cell, against ``vocab`` (slug -> label)."""
    return matcher(vocab, synonyms).match(cell)


def default_vocabularies() -> dict[str, dict[str, str]]:
    """{"kind": {slug: label}, "domain": …, "activity": …} from the code's defaults."""
    return {
        "kind": {slug: label for slug, (label, _colour) in vocabularies.KINDS.items()},
        "domain": dict(vocabularies.DOMAINS),
        "activity": dict(vocabularies.ACTIVITIES),
    }


# -- consent, yes/no ------------------------------------------------------------------------

_YES = frozenset({"oui", "o", "yes", "y", "vrai", "true", "1", "x", "ok", "accord", "d accord"})
_NO = frozenset({"non", "n", "no", "faux", "false", "0"})
_CONSENT = frozenset({"consentement", "consent", "consenti", "opt in", "optin", "accepte",
                      "inscrit", "abonne"}) | _YES
_LEGITIMATE = frozenset({"interet legitime", "legitimate interest", "interet legitime b2b",
                         "legitime"})
_OPPOSED = frozenset({"opposition", "oppose", "opt out", "optout", "refus", "refuse",
                      "desinscrit", "desinscription", "desabonne", "unsubscribed"}) | _NO


def parse_bool(cell: str | None) -> bool | None:
    """'oui'/'non' and their variants; None when empty or not understood."""
    key = fold(cell)
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


def parse_consent(cell: str | None) -> tuple[str | None, bool]:
    """(legal_basis, opt_out) from a consent / legal-basis cell.

    "oui", "consentement" -> ("consent", False); "intérêt légitime" ->
    ("legitimate_interest", False); "non", "opposition", "refus" -> (None, True); empty ->
    (None, False). Raises ValueError for anything else.
    """
    key = fold(cell)
    if not key:
        return None, False
    if key in _CONSENT:
        return "consent", False
    if key in _LEGITIMATE or key.startswith("interet legitime"):
        return "legitimate_interest", False
    if key in _OPPOSED:
        return None, True
    raise ValueError(cell)
