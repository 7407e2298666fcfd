"""The kind proposed for an imported row whose file gives none: from its NAF code, or from
the type of structure that research and higher-education lists give (RNSR, the ministry's
list of establishments).

The table lives in the catalogue (``kind_rules``, migration 6, seeded with
:data:`DEFAULT_RULES`) beside the vocabularies, and is edited in Outils → Vocabulaires →
« Types proposés à l'import ». An import given a default kind (``--kind``, the wizard's
« type par défaut ») does not use it: the default is what the officer asked for.

Decisions, documented here and in the README's import section:

* NAF codes: 72.11Z (R&D in biotechnology) → biotech; 72.19Z (R&D in other natural
  sciences) → academic, the code of the public research bodies (Inserm, Institut Pasteur,
  CNRS, CEA), a biotech firm declaring 72.11Z; 21 (pharmaceutical industry: 21.10Z,
  21.20Z) → pharma; 86.10Z (hospitals) → hospital; 85.42Z (higher education), 85.59A and
  85.59B (further education) → training; 84.1 (general public administration: the
  State, régions, agencies) → funder, not 84.2/84.3 (defence, justice, social security);
  64.30Z (investment funds) and 66.30Z (fund management, venture capital) → funder;
  94.11Z and 94.12Z (employers' and professional bodies) → cluster.
  A rule's code is a full code (« 72.11Z ») or a prefix (« 21 », « 84.1 »): the longest
  one that the row's code starts with wins.
* Types of structure: the RNSR's research structures (« Unité mixte (de recherche) »,
  « Unité propre », « Équipe d'accueil », « Équipe interne », « Structure(s) fédérative(s)
  de recherche », « Groupement de recherche »…) → academic; « Université » and « Grand
  établissement » → academic too (in this catalogue a university matters for its
  laboratories; 85.42Z, which says only that it teaches, gives training); « École
  d'ingénieurs », « École » → training. A « Société privée » gets no proposal. Compared
  folded, plurals as singulars.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .. import fields
from ..errors import UserError
from ..text import fold, stored_text

SOURCES: dict[str, str] = {"naf": fields.label("naf"), "structure": "Type de structure"}

DEFAULT_RULES: tuple[tuple[str, str, str], ...] = (
    ("naf", "72.11Z", "biotech"),
    ("naf", "72.19Z", "academic"),
    ("naf", "21", "pharma"),
    ("naf", "86.10Z", "hospital"),
    ("naf", "85.42Z", "training"),
    ("naf", "85.59A", "training"),
    ("naf", "85.59B", "training"),
    ("naf", "84.1", "funder"),
    ("naf", "64.30Z", "funder"),
    ("naf", "66.30Z", "funder"),
    ("naf", "94.11Z", "cluster"),
    ("naf", "94.12Z", "cluster"),
    ("structure", "Unité mixte de recherche", "academic"),
    ("structure", "Unité mixte", "academic"),
    ("structure", "Unité mixte internationale", "academic"),
    ("structure", "Unité propre", "academic"),
    ("structure", "Unité propre de recherche", "academic"),
    ("structure", "Unité de recherche", "academic"),
    ("structure", "Unité de service", "academic"),
    ("structure", "Unité mixte de service", "academic"),
    ("structure", "Équipe d'accueil", "academic"),
    ("structure", "Équipe interne", "academic"),
    ("structure", "Équipe de recherche", "academic"),
    ("structure", "Structure fédérative de recherche", "academic"),
    ("structure", "Fédération de recherche", "academic"),
    ("structure", "Groupement de recherche", "academic"),
    ("structure", "Groupement d'intérêt scientifique", "academic"),
    ("structure", "Fondation de coopération scientifique", "academic"),
    ("structure", "Collaboration internationale de recherche", "academic"),
    ("structure", "Institut fédératif de recherche", "academic"),
    ("structure", "Université", "academic"),
    ("structure", "Grand établissement", "academic"),
    ("structure", "Communauté d'universités et établissements", "academic"),
    ("structure", "École d'ingénieurs", "training"),
    ("structure", "École", "training"),
    ("structure", "École normale supérieure", "training"),
)

_NAF_SHAPE = re.compile(r"^(\d{2})(\d{1,2})?([A-Z])?$")


def naf_pattern(text: str) -> str:
    """A rule's NAF code or prefix written as INSEE does: '7211z' -> '72.11Z', '841' ->
    '84.1', '21' -> '21'; "" when it is not the shape of one."""
    found = _NAF_SHAPE.match(re.sub(r"[\s.]+", "", str(text or "")).upper())
    if not found:
        return ""
    division, group, letter = found.groups()
    if letter and len(group or "") != 2:
        return ""
    return division + (f".{group}" if group else "") + (letter or "")


def structure_key(text: str) -> str:
    """Folded, each word's plural « s » or « x » dropped: « Structures Fédératives de
    Recherche » and « Structure fédérative de recherche » are one type."""
    return " ".join(w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in fold(text).split())


class KindRules:
    """The rules as lookups: a NAF code's kind by its longest matching prefix, a type of
    structure's by its folded text. Each distinct value is worked out once."""

    def __init__(self, rules: Iterable[Mapping[str, Any] | tuple[str, str, str]],
                 kinds: Iterable[str] | None = None):
        known = set(kinds) if kinds is not None else None
        self.naf: dict[str, str] = {}
        self.structure: dict[str, str] = {}
        for rule in rules:
            source, pattern, kind = (rule if isinstance(rule, tuple) else
                                     (rule["source"], rule["pattern"], rule["kind"]))
            if known is not None and kind not in known:
                continue  # a kind removed from this catalogue's vocabulary
            if source == "naf":
                key = naf_pattern(pattern)
                if key:
                    self.naf.setdefault(key, kind)
            elif source == "structure":
                key = structure_key(pattern)
                if key:
                    self.structure.setdefault(key, kind)
        self._naf_memo: dict[str, str | None] = {}
        self._structure_memo: dict[str, str | None] = {}

    def __bool__(self) -> bool:
        return bool(self.naf or self.structure)

    def for_naf(self, code: str) -> str | None:
        """The kind of a normalised NAF code ('72.11Z'), or None."""
        if not code:
            return None
        found = self._naf_memo.get(code, False)
        if found is False:
            found = None
            for end in range(len(code), 1, -1):
                if code[end - 1] != ".":
                    found = self.naf.get(code[:end])
                    if found:
                        break
            if len(self._naf_memo) < 50_000:
                self._naf_memo[code] = found
        return found

    def for_structure(self, text: str) -> str | None:
        """The kind of a type of structure (« Unité mixte de recherche »), or None."""
        if not text:
            return None
        found = self._structure_memo.get(text, False)
        if found is False:
            found = self.structure.get(structure_key(text))
            if len(self._structure_memo) < 50_000:
                self._structure_memo[text] = found
        return found


def default_rules() -> KindRules:
    return KindRules(DEFAULT_RULES)


class KindRulesMixin:
    """The ``kind_rules`` table's methods of :class:`~eco_desktop.catalogue.Catalogue`
    (which inherits them), through its ``backend`` and ``transaction()``; each write is
    one undoable step, like the vocabularies'."""

    def kind_rules(self) -> list[dict[str, Any]]:
        """Every rule: id, source ('naf' or 'structure'), pattern, kind, position."""
        with self.backend.lock:
            return [dict(r) for r in self.backend.execute(
                "SELECT id, source, pattern, kind, position FROM kind_rules "
                "ORDER BY source, position, id")]

    def kind_rule_table(self) -> KindRules:
        """The rules as an import uses them (rules to a kind no longer known left out)."""
        with self.backend.lock:
            kinds = self.vocabulary("kind")
            return KindRules(self.kind_rules(), kinds)

    def _clean_rule(self, source: str, pattern: str, kind: str) -> tuple[str, str, str]:
        if source not in SOURCES:
            raise UserError(f"Règle inconnue : « {source} » (possibles : code NAF, type de "
                            "structure).")
        if source == "naf":
            cleaned = naf_pattern(pattern)
            if not cleaned:
                raise UserError(f"« {pattern} » n'est pas un code NAF ni le début d'un code "
                                "(exemples : 72.11Z, 21, 84.1).")
        else:
            cleaned = stored_text(pattern)
            if not structure_key(cleaned):
                raise UserError("Le type de structure ne peut pas être vide.")
        if kind not in self.vocabulary("kind"):
            raise UserError(f"Type d'acteur inconnu : « {kind} ».")
        return source, cleaned, kind

    def _rule_taken(self, source: str, pattern: str, except_id: int | None) -> bool:
        key = naf_pattern(pattern) if source == "naf" else structure_key(pattern)
        for rule in self.kind_rules():
            if rule["source"] != source or rule["id"] == except_id:
                continue
            other = rule["pattern"]
            if (naf_pattern(other) if source == "naf" else structure_key(other)) == key:
                return True
        return False

    def add_kind_rule(self, source: str, pattern: str, kind: str) -> int:
        """A new rule; its id. Refused (UserError) when that code or type has one."""
        with self.backend.lock:
            source, pattern, kind = self._clean_rule(source, pattern, kind)
            if self._rule_taken(source, pattern, None):
                raise UserError(f"« {pattern} » a déjà une règle.")
            position = self.backend.execute(
                "SELECT coalesce(max(position), 0) + 1 FROM kind_rules WHERE source = ?",
                (source,)).fetchone()[0]
            with self.transaction(f"Ajouter la règle de type « {pattern} »"):
                return self.backend.insert("kind_rules", {"source": source, "pattern": pattern,
                                                   "kind": kind, "position": position})

    def set_kind_rule(self, rule_id: int, *, pattern: str | None = None,
                      kind: str | None = None) -> None:
        """Change a rule's code (or type of structure) or its kind."""
        with self.backend.lock:
            row = self.backend.execute("SELECT * FROM kind_rules WHERE id = ?",
                                    (rule_id,)).fetchone()
            if row is None:
                raise UserError(f"La règle {rule_id} n'existe plus.")
            source, new_pattern, new_kind = self._clean_rule(
                row["source"], row["pattern"] if pattern is None else pattern,
                row["kind"] if kind is None else kind)
            if new_pattern != row["pattern"] and self._rule_taken(source, new_pattern, rule_id):
                raise UserError(f"« {new_pattern} » a déjà une règle.")
            with self.transaction(f"Modifier la règle de type « {row['pattern']} »"):
                self.backend.update("kind_rules", rule_id, {"pattern": new_pattern, "kind": new_kind})

    def delete_kind_rule(self, rule_id: int) -> None:
        with self.backend.lock:
            row = self.backend.execute("SELECT pattern FROM kind_rules WHERE id = ?",
                                    (rule_id,)).fetchone()
            if row is None:
                return
            with self.transaction(f"Supprimer la règle de type « {row['pattern']} »"):
                self.backend.delete("kind_rules", rule_id)
