"""What changed here since the last publication: ``sync_dirty``, one row per row written,
holding its image at the last publication (NULL: it did not exist then).

The backend hands every recorded row write to :meth:`Tracker.row` (the bulk import and its
undo/redo, which write by statements, call :meth:`Tracker.rows_statement`); a row keeps the
image of its first write since the last publication, and ``touched`` the order of its last
one, so a publication clears only the writes it held (a write made meanwhile stays to
send). Writes applied from another catalogue are not tracked (:meth:`Tracker.paused`):
they are already known to the team.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Any, Iterator, Mapping

from .identity import KEY_BLOCK
from .schema import synced_tables

_NEXT = "(SELECT coalesce(max(touched), 0) + 1 FROM sync_dirty)"
_UPSERT = " ON CONFLICT (tbl, row_id) DO UPDATE SET touched = excluded.touched"


class Tracker:
    """Records which synced rows this catalogue wrote (see the module). It reads whether
    sync is set up from the file at each write, so a catalogue open in the window follows
    a set-up made by the command line meanwhile."""

    def __init__(self, backend) -> None:
        self.backend = backend
        self.paused = False
        self._tables: tuple[int, frozenset[str]] | None = None

    def block(self) -> int | None:
        """The id block of the rows created here; None until sync is set up."""
        row = self.backend.execute("SELECT value FROM meta WHERE key = ?", (KEY_BLOCK,)).fetchone()
        return int(row[0]) if row else None

    def active(self) -> bool:
        """Whether writes made now are to be sent."""
        return not self.paused and self.block() is not None

    def synced(self, tbl: str) -> bool:
        """Whether a row of ``tbl`` written now is the team's: sync is set up and the table syncs."""
        if self.block() is None:
            return False
        version = self.backend.execute("PRAGMA schema_version").fetchone()[0]
        if self._tables is None or self._tables[0] != version:
            self._tables = (version, frozenset(synced_tables(self.backend.conn)))
        return tbl in self._tables[1]

    @contextmanager
    def pause(self) -> Iterator[None]:
        previous, self.paused = self.paused, True
        try:
            yield
        finally:
            self.paused = previous

    def row(self, tbl: str, row_id: int, before: Mapping[str, Any] | None) -> None:
        """A recorded write of one row, ``before`` its image before this write."""
        if self.paused or not self.synced(tbl):
            return
        self.backend.execute(
            f"INSERT INTO sync_dirty (tbl, row_id, base, touched) VALUES (?, ?, ?, {_NEXT}){_UPSERT}",
            (tbl, row_id, json.dumps(dict(before), ensure_ascii=False) if before is not None else None))

    def rows_statement(self, tbl: str, where: str, image: str | None = None) -> str:
        """The statement marking the rows of ``tbl`` matching ``where`` (its parameters the
        statement's), ``image`` the SQL of a row's JSON image before the write (None: the
        rows are new)."""
        return (f"INSERT INTO sync_dirty (tbl, row_id, base, touched) "
                f"SELECT '{tbl}', id, {image or 'NULL'}, {_NEXT} FROM [{tbl}] WHERE {where}{_UPSERT}")

    def set_base(self, tbl: str, row_id: int, base: Mapping[str, Any] | None) -> None:
        """What the team holds of a row, set by an apply (the row is then sent again)."""
        self.backend.execute(
            f"INSERT INTO sync_dirty (tbl, row_id, base, touched) VALUES (?, ?, ?, {_NEXT}) "
            "ON CONFLICT (tbl, row_id) DO UPDATE SET base = excluded.base, touched = excluded.touched",
            (tbl, row_id, json.dumps(dict(base), ensure_ascii=False) if base is not None else None))
