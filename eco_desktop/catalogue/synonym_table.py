"""A catalogue's synonyms table (``synonyms``, migration 8, seeded from
``db/dataset/synonyms.csv``): what the search widens a query with (:mod:`.synonyms` says
how), edited in Outils → Vocabulaires → « Synonymes ».

:class:`SynonymTable` reads it once per state of the file, as the vocabularies' labels
are (the search asks on every keystroke); :class:`SynonymsMixin` gives the façade its
reads and its writes, each one undoable step recorded in the history like a vocabulary
edit. The full-text rows hold no synonym (a query is widened, not the index), so an edit
needs no refresh of them: the next search reads the new table.
"""
from __future__ import annotations

from typing import Any

from ..errors import UserError
from ..text import fold, stored_text
from ..vocab import VOCABULARIES
from .backend import Backend
from .stemming import stem_words
from .synonyms import Synonym, Synonyms, SynonymsError


class SynonymTable:
    """The file's synonyms, checked against its vocabularies, per state of the file."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._state: tuple[int, int] | None = None
        self._rows: list[dict[str, Any]] = []
        self._synonyms: Synonyms | None = None

    def _read(self) -> None:
        state = (self.backend.read_data_version(), self.backend.conn.total_changes)
        if state == self._state:
            return
        self._rows = [dict(r) for r in self.backend.execute(
            "SELECT id, term, means, note, position FROM synonyms ORDER BY position, id")]
        self._synonyms = None
        self._state = state

    def rows(self) -> list[dict[str, Any]]:
        """Every row as stored: id, term, means, note, position (the caller holds the lock)."""
        self._read()
        return self._rows

    def vocabularies(self) -> dict[str, list[str]]:
        """{vocabulary: its slugs in this file}."""
        slugs: dict[str, list[str]] = {name: [] for name in VOCABULARIES}
        for vocab, slug in self.backend.execute("SELECT vocab, slug FROM vocabulary"):
            slugs.setdefault(vocab, []).append(slug)
        return slugs

    def current(self) -> Synonyms:
        """The table as the search uses it; a row another program wrote that cannot be used
        is left out rather than stopping every search (the caller holds the lock)."""
        self._read()
        if self._synonyms is None:
            self._synonyms = Synonyms((_synonym(r) for r in self._rows), self.vocabularies(),
                                      skip_unusable=True)
        return self._synonyms


def _synonym(row: dict[str, Any]) -> Synonym:
    return Synonym(row["term"], row["means"], row["note"])


class SynonymsMixin:
    """The synonyms' methods of :class:`~eco_desktop.catalogue.Catalogue` (which inherits
    them), through its ``backend``, ``transaction()``, ``query.synonyms`` and
    ``vocabulary()``."""

    def synonyms(self) -> list[dict[str, Any]]:
        """Every synonym: id, term, means (``vocabulary:slug`` or a phrase), note, position."""
        with self.backend.lock:
            return [dict(r) for r in self.query.synonyms.rows()]

    def synonym_terms(self) -> list[str]:
        """The terms the search widens, as written (for the suggestions)."""
        with self.backend.lock:
            return self.query.synonyms.current().terms()

    def _checked_synonym(self, term: str, means: str, note: str, except_id: int | None) -> Synonym:
        """The row as it will be stored; UserError (in French) when the search could not use it."""
        row = Synonym(stored_text(term), stored_text(means), stored_text(note))
        if not row.term.strip():
            raise UserError("Le terme du synonyme ne peut pas être vide.")
        if not row.means.strip():
            raise UserError(f"Dites ce que « {row.term} » signifie : une valeur de vocabulaire ou une expression.")
        table = self.query.synonyms
        others = Synonyms((_synonym(r) for r in table.rows() if r["id"] != except_id),
                          table.vocabularies(), skip_unusable=True)
        try:
            words, _group = others.check(row)
        except SynonymsError as exc:
            raise UserError(str(exc)) from exc
        value = row.value
        if value is not None:
            label = self.vocabulary(value[0]).get(value[1], "")
            if stem_words(fold(label).split()) == stem_words(list(words)):
                raise UserError(f"« {row.term} » est le libellé de la valeur : il n'élargirait pas la recherche.")
        return row

    def add_synonym(self, term: str, means: str, note: str = "") -> int:
        """A new synonym (at the end of the table); its id."""
        backend = self.backend
        with backend.lock:
            row = self._checked_synonym(term, means, note, None)
            position = backend.execute("SELECT coalesce(max(position), 0) + 1 FROM synonyms").fetchone()[0]
            with self.transaction(f"Ajouter le synonyme « {row.term} »"):
                return backend.insert("synonyms", {"term": row.term, "means": row.means, "note": row.note,
                                                   "position": position})

    def set_synonym(self, synonym_id: int, *, term: str | None = None, means: str | None = None,
                    note: str | None = None) -> bool:
        """Change a synonym's term, meaning or note; False when nothing changed."""
        backend = self.backend
        with backend.lock:
            before = backend.row("synonyms", synonym_id)
            if before is None:
                raise UserError("Ce synonyme n'existe plus.")
            row = self._checked_synonym(before["term"] if term is None else term,
                                        before["means"] if means is None else means,
                                        before["note"] if note is None else note, synonym_id)
            changes = {k: v for k, v in (("term", row.term), ("means", row.means), ("note", row.note))
                       if before[k] != v}
            if not changes:
                return False
            with self.transaction(f"Modifier le synonyme « {before['term']} »"):
                return backend.update("synonyms", synonym_id, changes)

    def delete_synonym(self, synonym_id: int) -> None:
        backend = self.backend
        with backend.lock:
            before = backend.row("synonyms", synonym_id)
            if before is None:
                return
            with self.transaction(f"Supprimer le synonyme « {before['term']} »"):
                backend.delete("synonyms", synonym_id)
