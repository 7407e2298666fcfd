"""The catalogue: the single API the window, the CLI and the other modules use.

:class:`Catalogue` is a façade over the parts of :mod:`eco_desktop.catalogue`, each one
concern: the :class:`~.backend.Backend` owns the SQLite file (connection, commit,
checkpoints, row reads and recorded row writes), the :class:`~.history.History`
records each write and replays batches for undo and redo, :class:`~.derived.Derived`
keeps the full-text rows, facet rows and in-memory index in step, and
:class:`~.query.Query` evaluates a :class:`~eco_desktop.filter.Filter`. The public
methods are grouped by what they are about in the mixins: actors (:mod:`.actors`),
bulk writes (:mod:`.bulk`), contacts, relations, exchanges, vocabularies and views
(:mod:`.records`), calls (:mod:`.calls`), kind rules (:mod:`.kind_rules`) and team
sync (:mod:`.sync.mixin`: changesets made and applied, conflicts); each uses the parts
above through their documented methods.

Every write happens inside :meth:`Catalogue.transaction`: one SQLite transaction and
one history batch (one undo step). Public methods take the backend's re-entrant lock,
so a worker thread may read while the UI thread waits (calibre's read/write API
discipline, simplified to one lock). Besides the row writes, SQL of its own is written
inside one of these transactions by the RGPD erasure (``privacy.plan``, unrecorded: it
must leave no image of what it removed) and its purge (``privacy.purge``, the
full-text ``optimize``), through :attr:`Catalogue.backend`.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from .. import db
from ..clock import now_iso
from ..dataset import load_bundled_dataset
from ..errors import UserError, os_error_text
from ..filter import CUSTOM_FACET, FACETS, Filter
from ..text import fold
from ..vocab import VOCABULARIES
from . import bulk
from .actors import ActorsMixin
from .backend import Backend
from .bulk import BulkMixin
from .calls import CallsMixin
from .custom_fields import CustomFieldsMixin, Definitions
from .custom_query import CustomQuery
from .derived import Derived
from .history import Batch, History
from .index import ActorIndex
from .kind_rules import KindRulesMixin
from .matched import MatchedMixin
from .query import Query
from .records import RecordsMixin, Vocabularies
from .suggest import DEFAULT_LIMIT, Candidate, Suggester, Suggestion
from .sync.mixin import SyncMixin
from .synonym_table import SynonymsMixin


class Catalogue(ActorsMixin, BulkMixin, RecordsMixin, CallsMixin, KindRulesMixin,
                CustomFieldsMixin, SynonymsMixin, MatchedMixin, SyncMixin):
    """One open catalogue file."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, read_only: bool = False) -> None:
        self.backend = Backend(path, conn, read_only=read_only)
        self.history_log = History(self.backend)
        self.derived = Derived(self.backend)
        self.custom_definitions = Definitions(self.backend)  # custom fields
        self.query = Query(self.backend, self.derived, self.call_ids,
                           CustomQuery(self.backend, self.custom_definitions))
        self.vocabularies = Vocabularies(self.backend)
        self._suggester: tuple[tuple, Suggester] | None = None
        self.listeners: list[Callable[[str, bool], None]] = []
        self._attach_sync()  # team sync's ids and tracking, once set up (sync/mixin.py)

    @property
    def path(self) -> Path:
        return self.backend.path

    @property
    def read_only(self) -> bool:
        return self.backend.read_only

    @property
    def conn(self) -> sqlite3.Connection:
        """The shared connection, for the tests; the core's modules go through
        :attr:`backend`, and no module outside the package uses either."""
        return self.backend.conn

    @property
    def db(self):
        """The connection as a sqlite-utils Database (the tests read tables with it)."""
        return self.backend.db

    @property
    def session(self) -> str:
        """Which open catalogue wrote a history batch (see :mod:`.history`)."""
        return self.history_log.session

    @property
    def lock(self) -> threading.RLock:
        """The lock of the shared connection, held by every public method; a caller that
        makes several calls that must see one state of the file holds it around them."""
        return self.backend.lock

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> "Catalogue":
        """Open an existing catalogue, migrating it to the current schema.

        A file from a newer version is refused and left untouched; a file that is not
        a catalogue raises a UserError. A read-only file or folder opens read-only.
        """
        path = Path(path)
        conn, read_only = Backend.connect(path, read_only=read_only)
        return cls(path, conn, read_only=read_only)

    @classmethod
    def create(cls, path: str | Path, *, seed: bool = True, overwrite: bool = False) -> "Catalogue":
        """Create a new catalogue (with the bundled dataset unless ``seed`` is False)."""
        path = Path(path)
        if path.exists() and not overwrite:
            raise UserError(f"Le fichier « {path} » existe déjà : il n'a pas été remplacé.")
        if not path.parent.is_dir():
            raise UserError(f"Le dossier « {path.parent} » n'existe pas.")
        tmp = path.with_name(path.name + ".creating")
        leftovers = (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm"))
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
        conn = None
        try:
            conn = db.connect(tmp)
            db.migrate(conn, tmp)
            catalogue = cls(tmp, conn)
            catalogue.set_meta("created_at", now_iso())
            if seed:
                load_bundled_dataset(catalogue)
            catalogue.backend.checkpoint_now()
            conn.close()
        except BaseException as exc:
            # A failed creation leaves nothing: the connection's -wal and -shm go too.
            if conn is not None:
                conn.close()
            for leftover in leftovers:
                leftover.unlink(missing_ok=True)
            if isinstance(exc, sqlite3.DatabaseError):
                raise db.translate_error(exc, path) from exc
            if isinstance(exc, OSError):
                raise UserError(f"Impossible de créer « {path} » : {os_error_text(exc)}.") from exc
            raise
        for suffix in ("-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
            # A replaced catalogue's log would be replayed into the new file.
            Path(str(path) + suffix).unlink(missing_ok=True)
        tmp.replace(path)
        return cls.open(path)

    def save_copy(self, destination: str | Path) -> Path:
        """Copy the whole catalogue to another file with SQLite's online backup API."""
        with self.lock:
            return self.backend.save_copy(Path(destination))

    def close(self) -> None:
        # Nobody can redo this session's undone batches once it is closed.
        self.backend.close(before=self.history_log.forget_undone)

    def __enter__(self) -> "Catalogue":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ meta
    def meta(self, key: str, default: str | None = None) -> str | None:
        with self.lock:
            return self.backend.meta(key, default)

    def set_meta(self, key: str, value: str) -> None:
        with self.lock:
            self.backend.set_meta(key, value)

    def schema_version(self) -> int:
        with self.lock:
            return self.backend.schema_version()

    def checkpoint(self) -> None:
        """Copy the whole WAL into the file and empty it, so the file alone holds the
        catalogue (a catalogue made to be handed on)."""
        self.backend.checkpoint_now()

    def stale_warning(self) -> str | None:
        """The French warning to show with what this catalogue reads, or None when it
        reads under SQLite's locks (a consistent, current state)."""
        return self.backend.stale_warning()

    # ------------------------------------------------------------------ transactions
    @contextmanager
    def transaction(self, label: str) -> Iterator[Batch]:
        """Group writes into one transaction and one history entry (one undo step).

        Nested calls join the outer transaction. On any exception nothing is written.
        """
        backend, history, derived = self.backend, self.history_log, self.derived
        with backend.lock:
            if history.batch is not None:
                yield history.batch
                return
            backend.check_writable()
            batch = Batch(label)
            backend.begin()
            derived.before_write()
            history.batch = batch
            try:
                yield batch
                derived.refresh(batch.actor_ids - batch.purged_ids)
                derived.refresh_labels(batch.renamed_values)
                if batch.id is not None and history.recording:
                    history.forget_undone(except_id=batch.id)
                backend.commit(big=len(batch.bulk_ids) >= bulk.BULK_ROWS)
            except BaseException as exc:
                history.batch = None
                backend.rollback()
                derived.invalidate()  # may hold changes that were rolled back
                if isinstance(exc, sqlite3.Error):
                    raise db.translate_error(exc, backend.path) from exc
                raise
            history.batch = None
            backend.data_version = backend.read_data_version()
            derived.apply(batch)
            self._notify(batch.label, batch.id is not None and history.recording)

    @contextmanager
    def unrecorded_transaction(self, label: str) -> Iterator[Batch]:
        """A transaction that records no history batch, so it cannot be undone: for the
        RGPD erasure, which must leave no image of what it removed. Writers add the ids
        of the actors whose derived rows (full text, facets) must be recomputed to
        ``batch.actor_ids``."""
        with self.lock, self.history_log.off(), self.transaction(label) as batch:
            yield batch

    def _notify(self, label: str, undoable: bool) -> None:
        """Tell listeners (the window) that a write committed: its label, and whether it
        is a new undoable step (False for undo/redo replays and unrecorded loads)."""
        for listener in list(self.listeners):
            listener(label, undoable)

    # ------------------------------------------------------------------ index and filtering
    def changed_elsewhere(self) -> bool:
        """True when another connection changed the file since we last looked."""
        with self.lock:
            if self.backend.changed_elsewhere():
                self.derived.invalidate()
                return True
            return False

    def index(self) -> ActorIndex:
        with self.lock:
            return self.derived.index()

    def rebuild_search_index(self) -> None:
        """Recompute the full-text index and facet rows of every actor (a repair)."""
        with self.lock, self.transaction("Reconstruction de l'index de recherche") as batch:
            self.derived.clear_all(batch)

    def text_ready(self, text: str) -> bool:
        """True when filtering by this text runs no full-text query (none to run, or its
        result is kept for the file as it is now)."""
        with self.lock:
            return self.query.text_ready(text)

    def prefetch_text(self, text: str, cancelled: Callable[[], bool] = lambda: False) -> bool:
        """See :meth:`Query.prefetch_text` (for a worker thread: runs without the lock)."""
        return self.query.prefetch_text(text, cancelled)

    def suggestions(self, text: str, *, limit: int = DEFAULT_LIMIT) -> list[Suggestion]:
        """What a search that finds little may have meant (:mod:`.suggest`): the closest
        names and aliases of the actors outside the trash, visible vocabulary values (their
        ``apply`` is ``("facet", vocabulary, slug)``, the others' ``("text", text)``) and
        the synonyms' terms. The candidates are prepared once per state of the file."""
        with self.lock:
            state = self.backend.state()
            if self._suggester is None or self._suggester[0] != state:
                self._suggester = (state, Suggester(self._suggestion_candidates()))
            return self._suggester[1].suggest(text, limit=limit)

    def _suggestion_candidates(self) -> Iterator[Candidate]:
        for name, aliases in self.backend.execute("SELECT name, aliases FROM actors WHERE deleted_at IS NULL"):
            yield Candidate(name, "name", ("text", name))
            for alias in json.loads(aliases or "[]"):
                yield Candidate(alias, "alias", ("text", alias))
        for vocabulary in VOCABULARIES:
            for entry in self.vocabularies.entries(vocabulary, include_hidden=False):
                yield Candidate(entry["label"], vocabulary, ("facet", vocabulary, entry["slug"]))
        for term in self.synonym_terms():
            yield Candidate(term, "synonym", ("text", term))

    def actor_ids(self, flt: Filter | None = None) -> list[int]:
        """Ids of the matching actors: by relevance when searching text, else by name."""
        with self.lock:
            return self.query.actor_ids(flt or Filter())

    def count(self, flt: Filter | None = None) -> int:
        with self.lock:
            return self.query.count(flt or Filter())

    def total(self) -> int:
        """Number of actors not in the trash."""
        with self.lock:
            return self.query.total()

    def area_left_out(self, flt: Filter) -> int:
        """Actors the filter would hold but for its area, having no position (0 without
        an area): « 8 acteurs sans position ne sont pas comptés »."""
        with self.lock:
            return self.query.area_left_out(flt)

    def territory_counts(self, flt: Filter | None, level: str) -> dict[str, int]:
        """{code: number of the filter's actors} by ``level``: commune (INSEE code of the
        map's outline: Paris as a whole), ept, epci or departement (geo/territories.py;
        an area's actors without a position are not counted, the others by their commune)."""
        from ..geo import territories
        territories.check_level(level)
        with self.lock:
            raw = self.query.territory_counts(flt or Filter(), level)
        return territories.grouped(level, raw)

    def facet_counts(self, flt: Filter | None = None) -> dict[str, list[dict[str, Any]]]:
        """For each facet, its values with label and count, by decreasing count (the
        « Suivi » facet's from overdue to none).

        A facet's counts apply every other facet's selection but not its own; values
        selected in the filter are listed even when their count is 0.
        """
        flt = flt or Filter()
        with self.lock:
            raw = self.query.counts(flt)
            labels = self.facet_labels()
        out: dict[str, list[dict[str, Any]]] = {}
        for facet in (*FACETS, *(f for f in raw if f.startswith(CUSTOM_FACET))):  # custom facets last
            counts = dict(raw[facet])
            for value in flt.selection(facet):
                counts.setdefault(value, 0)
            names = labels.get(facet, {})
            items = [{"value": v, "label": names.get(v, v), "count": c} for v, c in counts.items()]
            if facet == "followup":  # its buckets in time's order, from overdue to none
                order = list(names)
                items.sort(key=lambda item: order.index(item["value"]) if item["value"] in order else len(order))
            else:
                items.sort(key=lambda item: (-item["count"], fold(item["label"])))
            out[facet] = items
        return out

    def facet_labels(self) -> dict[str, dict[str, str]]:
        """Labels of every facet's values: vocabularies, départements, EPT/EPCI names."""
        from ..geo import gazetteer
        gaz = gazetteer()
        with self.lock:
            in_use = [r[0] for r in self.backend.execute(
                "SELECT DISTINCT departement FROM actors WHERE departement <> ''")]
            return {
                "followup": self.followup_labels(),
                "kind": self.vocabulary("kind"),
                "domain": self.vocabulary("domain"),
                "activity": self.vocabulary("activity"),
                "mgp": {"1": "Dans la Métropole", "0": "Hors Métropole"},
                "departement": {**{code: f"{code} (hors Île-de-France)" for code in in_use},
                                **{code: f"{code} {name}" for code, name in gaz.departements().items()}},
                "ept": dict(gaz.epts()),
                "epci": dict(gaz.epcis()),
                "tag": {},
                **self.custom_facet_labels(),
            }

    def describe(self, flt: Filter) -> list[str]:
        return flt.describe(self.facet_labels(), self.custom_words)

    # ------------------------------------------------------------------ history / undo
    def undo_label(self) -> str | None:
        with self.lock:
            row = self.history_log.next_batch(backwards=True)
            return row["label"] if row else None

    def redo_label(self) -> str | None:
        with self.lock:
            row = self.history_log.next_batch(backwards=False)
            return row["label"] if row else None

    def replay_size(self, *, backwards: bool) -> int:
        """How many recorded changes :meth:`undo` (``backwards``) or :meth:`redo` would
        replay: the window runs a big replay in a worker."""
        with self.lock:
            return self.history_log.replay_size(backwards=backwards)

    def undo(self) -> str | None:
        """Undo the last action; returns its label, or None when there is nothing to undo."""
        return self._replay(backwards=True)

    def redo(self) -> str | None:
        return self._replay(backwards=False)

    def _replay(self, *, backwards: bool) -> str | None:
        with self.lock:
            row = self.history_log.next_batch(backwards=backwards)
            if row is None:
                return None
            self.history_log.replay(row["id"], backwards=backwards, transaction=self.transaction)
            return row["label"]

    def replay_notes(self) -> list[str]:
        """What the last :meth:`undo` or :meth:`redo` left alone, in French sentences:
        the values and rows another window or program changed since this session wrote
        them (their newer state is kept)."""
        with self.lock:
            return list(self.history_log.notes)

    def history(self, *, actor_id: int | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """History entries, newest first: when, who, what, and the fields that changed."""
        with self.lock:
            return self.history_log.entries(actor_id=actor_id, limit=limit)
