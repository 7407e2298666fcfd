"""Changesets: this catalogue's changes since its last publication as SQLite session
bytes, and the file format they travel in.

**Making one** (:func:`make_payload`): SQLite's session extension records writes made on
one connection; the catalogue writes through Python's ``sqlite3`` (and apsw bundles its own
SQLite: two libraries must not open one file in one process, their POSIX locks would
clash), so the session runs on an in-memory apsw database instead: each changed row's
image at the last publication (``sync_dirty.base``) is written there, a :class:`apsw.Session`
is attached, and the row is brought to its current value. The session's changeset is then
exactly the difference, with the old values SQLite's conflict detection compares.

**The payload** (what :func:`make_payload` returns, opaque to the place): a 4-byte length,
a JSON object — the columns of each table in the changeset, by name (a catalogue applying
it maps them by name and refuses a table or column it does not have) and ``upto``, the last
write it holds — then the changeset.

**A file** (:func:`pack` / :func:`unpack`): ``b"ECOSYNC1"``, a 4-byte length, a JSON header
(catalogue id, member, sequence, schema version, created, id block, app version), then
the payload.
"""
from __future__ import annotations

import json
import struct
from typing import Any, Iterator

import apsw

from ...errors import UserError
from .identity import Origin
from .schema import STAMP_COLUMNS, stamp_column, synced_tables

MAGIC = b"ECOSYNC1"
_LENGTH = struct.Struct(">I")
MAX_HEADER = 1 << 20
_UPDATE_CURRENT = "Ce fichier de synchronisation vient d'une version plus récente : mettez à jour eco-desktop."


def pack(origin: Origin, payload: bytes) -> bytes:
    """A changeset file: the header saying who made it, then the payload."""
    header = json.dumps({"catalogue_id": origin.catalogue_id, "member": origin.member,
                         "sequence": origin.sequence, "schema_version": origin.schema_version,
                         "created": origin.created, "block": origin.block,
                         "app_version": origin.app_version}, ensure_ascii=False).encode()
    return MAGIC + _LENGTH.pack(len(header)) + header + payload


def unpack(data: bytes) -> tuple[Origin, bytes]:
    """The header and payload of a changeset file (UserError in French when it is none)."""
    if not isinstance(data, (bytes, bytearray)) or data[:len(MAGIC)] != MAGIC:
        if data[:6] == MAGIC[:6]:
            raise UserError(_UPDATE_CURRENT)
        raise UserError("Ce fichier n'est pas un fichier de synchronisation eco-desktop.")
    header, rest = _split(bytes(data[len(MAGIC):]), "Fichier de synchronisation tronqué ou abîmé.")
    try:
        fields = json.loads(header)
        origin = Origin(str(fields["catalogue_id"]), str(fields["member"]), int(fields["sequence"]),
                        int(fields["schema_version"]), str(fields.get("created", "")),
                        int(fields.get("block", 0)), str(fields.get("app_version", "")))
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError("L'en-tête du fichier de synchronisation est illisible.") from exc
    return origin, rest


def _split(data: bytes, broken: str) -> tuple[bytes, bytes]:
    if len(data) < _LENGTH.size:
        raise UserError(broken)
    (size,) = _LENGTH.unpack_from(data)
    if size > MAX_HEADER or len(data) < _LENGTH.size + size:
        raise UserError(broken)
    return data[_LENGTH.size:_LENGTH.size + size], data[_LENGTH.size + size:]


def read_payload(payload: bytes) -> tuple[dict[str, Any], bytes]:
    """(description, changeset) of a payload: description ``{"tables": {name: [columns]},
    "upto": n}``."""
    described, changeset = _split(payload, "Modifications reçues tronquées ou abîmées.")
    try:
        description = json.loads(described)
        tables = description["tables"]
        if not isinstance(tables, dict) or not all(
                isinstance(cols, list) and all(isinstance(c, str) for c in cols) for cols in tables.values()):
            raise ValueError
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError("Modifications reçues illisibles.") from exc
    return description, changeset


def write_payload(description: dict[str, Any], changeset: bytes) -> bytes:
    described = json.dumps(description, ensure_ascii=False).encode()
    return _LENGTH.pack(len(described)) + described + changeset


def memory_tables(tables: dict[str, list[str]]) -> apsw.Connection:
    """An in-memory database with these tables: their columns, without types (values kept
    as given) or constraints, ``id`` the primary key."""
    mem = apsw.Connection(":memory:")
    for name, columns in tables.items():
        cols = ", ".join('"id" INTEGER PRIMARY KEY' if c == "id" else f'"{c}"' for c in columns)
        mem.execute(f'CREATE TABLE "{name}" ({cols})')
    return mem


def _insert(mem: apsw.Connection, tbl: str, columns: list[str], image: dict[str, Any]) -> None:
    mem.execute(f'INSERT INTO "{tbl}" ({", ".join(f"[{c}]" for c in columns)}) '
                f'VALUES ({", ".join("?" * len(columns))})', [image.get(c) for c in columns])


def diff(tables: dict[str, list[str]], rows: list[tuple[str, int, dict | None, dict | None]]) -> bytes:
    """The changeset taking each row from its base image to its current one
    (``rows``: (table, id, base or None, current or None))."""
    mem = memory_tables({t: tables[t] for t in dict.fromkeys(r[0] for r in rows)})
    with mem:
        for tbl, _, base, current in rows:
            if base is not None:
                stamp = stamp_column(tables[tbl])
                if stamp is not None and current is not None:
                    # An update always carries the row's stamp: the edit's time the merge compares.
                    base = {**base, stamp: None}
                _insert(mem, tbl, tables[tbl], base)
    session = apsw.Session(mem, "main")
    session.attach()
    with mem:
        for tbl, row_id, base, current in rows:
            columns = tables[tbl]
            if base is None and current is None:
                continue
            if base is None:
                _insert(mem, tbl, columns, current)
            elif current is None:
                mem.execute(f'DELETE FROM "{tbl}" WHERE id = ?', (row_id,))
            else:
                changed = [c for c in columns if c != "id" and base.get(c) != current.get(c)]
                if set(changed) - set(STAMP_COLUMNS):  # (an edit undone leaves only its stamp: nothing to send)
                    changed = list(dict.fromkeys([*changed, *(c for c in STAMP_COLUMNS if c in columns)]))
                    mem.execute(f'UPDATE "{tbl}" SET {", ".join(f"[{c}] = ?" for c in changed)} WHERE id = ?',
                                [*(current.get(c) for c in changed), row_id])
    changeset = session.changeset()
    session.close()
    mem.close()
    return changeset


def make_payload(backend) -> bytes | None:
    """Every change of this catalogue since its last publication, as a payload; None when
    nothing differs from what was published."""
    dirty = backend.execute("SELECT tbl, row_id, base, touched FROM sync_dirty ORDER BY touched").fetchall()
    if not dirty:
        return None
    tables = synced_tables(backend.conn)
    by_table: dict[str, list[int]] = {}
    for tbl, row_id, _, _ in dirty:
        if tbl in tables:
            by_table.setdefault(tbl, []).append(row_id)
    current: dict[tuple[str, int], dict] = {}
    for tbl, ids in by_table.items():
        for row in backend.rows_in(f"SELECT * FROM [{tbl}] WHERE id IN ({{ids}})", ids):
            current[tbl, row["id"]] = dict(row)
    rows = [(tbl, row_id, json.loads(base) if base is not None else None, current.get((tbl, row_id)))
            for tbl, row_id, base, _ in dirty if tbl in tables]
    changeset = diff(tables, rows)
    if not changeset:
        return None
    used = sorted(dict.fromkeys(change.name for change in apsw.Changeset.iter(changeset)))
    return write_payload({"tables": {t: tables[t] for t in used}, "upto": dirty[-1][3]}, changeset)


def changes(payload: bytes) -> Iterator[tuple[str, str, int, dict | None, dict | None]]:
    """The rows of a payload: (table, op, id, old values, new values) by column name (a
    column the change does not give is absent; an UPDATE gives the id and its changed
    columns). Raises UserError for a table or column the payload does not describe."""
    description, changeset = read_payload(payload)
    tables = description["tables"]
    try:
        for change in apsw.Changeset.iter(changeset):
            columns = tables.get(change.name)
            if columns is None or len(columns) != change.column_count or "id" not in columns:
                raise UserError(f"Modifications reçues illisibles (table « {change.name} »).")
            old = _named(columns, change.old)
            new = _named(columns, change.new)
            row_id = (old or new or {}).get("id")
            if new is not None and old is not None:
                new.pop("id", None)
            yield change.name, change.op, row_id, old, new
    except apsw.Error as exc:
        raise UserError("Modifications reçues tronquées ou abîmées.") from exc


def _named(columns: list[str], values) -> dict | None:
    if values is None:
        return None
    return {c: v for c, v in zip(columns, values) if v is not apsw.no_change}


def published_images(backend, payload: bytes, keys: set[tuple[str, int]]) -> dict[tuple[str, int], dict | None]:
    """What the team holds of these rows once ``payload`` is published: each row's pending
    base with the payload's change on it (rows written again since it was made)."""
    bases = {(t, r): (json.loads(b) if b is not None else None)
             for t, r, b in backend.execute("SELECT tbl, row_id, base FROM sync_dirty")
             if (t, r) in keys}
    out: dict[tuple[str, int], dict | None] = {}
    for tbl, op, row_id, old, new in changes(payload):
        if (tbl, row_id) not in bases:
            continue
        if op == "INSERT":
            out[tbl, row_id] = new
        elif op == "DELETE":
            out[tbl, row_id] = None
        else:
            out[tbl, row_id] = {**(bases[tbl, row_id] or {}), **new}
    return out
