"""Personal data stays erased across the team (RGPD).

Erasing a person here (``privacy.erase_person``) adds a row to ``erasures`` — the
contact's id and when, never a value of theirs — which syncs like any row; a catalogue
applying it erases the person there too (:func:`erase_here`, the same plan as a local
erasure, inside the apply's transaction; the file is then rewritten). The sync engine's
own tables are cleaned alike (:func:`scrub_local`): the erased contact's pending row
goes, and the person is redacted from the other pending images (the conflicts' values
are free text the erasure's plan redacts).

Files already in the shared place may still hold the person: :func:`people_in` finds, in
a changeset file, the images of the erased contacts (their name, e-mail, phone), and
:func:`scrub_changeset` rewrites a file without those contacts' rows and with the person
redacted from every free-text value (``privacy.plan.FREE_TEXT``), so that no byte of them
is left. A snapshot is not rewritten: a new one is made from a catalogue that erased them.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterable, Sequence

import apsw

from ...clock import now_iso
from .changes import memory_tables, pack, read_payload, unpack, write_payload


def record_local(catalogue, contact: dict[str, Any], contact_ids: Sequence[int]) -> None:
    """An erasure made here, told to the team (called inside the erasure's transaction)."""
    backend = catalogue.backend
    if backend.tracker is None or backend.tracker.block() is None:
        return  # sync is not set up: no other catalogue holds the person from here
    for contact_id in contact_ids:
        backend.insert("erasures", {"contact_id": contact_id, "at": now_iso()})
    scrub_local(backend.conn, contact, contact_ids)


def erase_here(catalogue, contact_id: int, batch) -> int:
    """Erase a contact another catalogue erased (1), or nothing when it is not here (0)."""
    contact = catalogue.get_contact(contact_id)
    if contact is None:
        return 0
    conn = catalogue.backend.conn
    from ..privacy.plan import apply_plan, build_plan  # (privacy's package imports the façade)
    plan = build_plan(conn, contact, [contact_id])
    apply_plan(conn, plan)
    batch.actor_ids.update(plan.actor_ids)
    scrub_local(conn, contact, [contact_id])
    return 1


def _person(contact: dict[str, Any]):
    from ..privacy.matching import Person  # (privacy's package imports the façade)
    return Person(contact)


def _redact_value(table: str, column: str, value: Any, person) -> Any:
    from ..privacy.plan import FREE_TEXT
    if column not in FREE_TEXT.get(table, ()) or not isinstance(value, str) or not person.mentions(value):
        return value
    return person.redact(value)


def _redact_image(table: str, image: dict[str, Any], people: list) -> dict[str, Any]:
    out = dict(image)
    for column, value in image.items():
        for person in people:
            value = _redact_value(table, column, value, person)
        out[column] = value
    return out


def scrub_local(conn: sqlite3.Connection, contact: dict[str, Any], contact_ids: Sequence[int]) -> None:
    """The sync engine's pending rows without the person (see the module; the conflicts'
    values are free text of the erasure's plan)."""
    person = _person(contact)
    ids = json.dumps(list(contact_ids))
    conn.execute("DELETE FROM sync_dirty WHERE tbl = 'contacts' AND row_id IN (SELECT value FROM json_each(?))",
                 (ids,))
    conn.execute("DELETE FROM sync_conflicts WHERE tbl = 'contacts' AND row_id IN (SELECT value FROM json_each(?))",
                 (ids,))
    for tbl, row_id, base in conn.execute("SELECT tbl, row_id, base FROM sync_dirty WHERE base IS NOT NULL").fetchall():
        image = json.loads(base)
        redacted = _redact_image(tbl, image, [person])
        if redacted != image:
            conn.execute("UPDATE sync_dirty SET base = ? WHERE tbl = ? AND row_id = ?",
                         (json.dumps(redacted, ensure_ascii=False), tbl, row_id))


def _rows(changeset: bytes, tables: dict[str, list[str]]):
    for change in apsw.Changeset.iter(changeset):
        columns = tables[change.name]
        old = None if change.old is None else dict(zip(columns, change.old))
        new = None if change.new is None else dict(zip(columns, change.new))
        yield change.name, change.op, old, new


def people_in(data: bytes, contact_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The images of these contacts a changeset file holds (to recognise them elsewhere)."""
    wanted = set(contact_ids)
    _, payload = unpack(data)
    description, changeset = read_payload(payload)
    out = []
    for tbl, _, old, new in _rows(changeset, description["tables"]):
        for image in (old, new):
            if tbl == "contacts" and image and image.get("id") in wanted and \
                    any(v is not apsw.no_change for v in image.values()):
                out.append({k: v for k, v in image.items() if v is not apsw.no_change})
    return out


def scrub_changeset(data: bytes, erased_contact_ids: Iterable[int],
                    erased_values: Iterable[dict[str, Any]] = ()) -> bytes:
    """A changeset file rewritten without the erased contacts' rows, the people
    (``erased_values``: their images, see :func:`people_in`) redacted from its free text;
    the same header. The same bytes when nothing changes."""
    erased = set(erased_contact_ids)
    people = [_person(image) for image in erased_values]
    people = [p for p in people if p.searchable]
    origin, payload = unpack(data)
    description, changeset = read_payload(payload)
    tables = description["tables"]
    rows = []
    changed = False
    for tbl, op, old, new in _rows(changeset, tables):
        row_id = (old or new)["id"]
        if tbl == "contacts" and row_id in erased:
            changed = True
            continue
        old2 = None if old is None else _redact_image(tbl, old, people)
        new2 = None if new is None else _redact_image(tbl, new, people)
        changed |= (old2, new2) != (old, new)
        rows.append((tbl, op, old2, new2))
    if not changed:
        return data
    return pack(origin, write_payload(description, _rebuild(tables, rows)))


def _rebuild(tables: dict[str, list[str]], rows: list[tuple]) -> bytes:
    """A changeset of these changes (values ``apsw.no_change`` where an update gives none)."""
    mem = memory_tables(tables)
    with mem:
        for tbl, op, old, _ in rows:
            if op != "INSERT":
                columns = tables[tbl]
                mem.execute(f'INSERT INTO "{tbl}" VALUES ({", ".join("?" * len(columns))})',
                            [None if old[c] is apsw.no_change else old[c] for c in columns])
    session = apsw.Session(mem, "main")
    session.attach()
    with mem:
        for tbl, op, old, new in rows:
            columns = tables[tbl]
            if op == "INSERT":
                mem.execute(f'INSERT INTO "{tbl}" VALUES ({", ".join("?" * len(columns))})',
                            [new[c] for c in columns])
            elif op == "DELETE":
                mem.execute(f'DELETE FROM "{tbl}" WHERE id = ?', (old["id"],))
            else:
                changed = [c for c in columns if c != "id" and new[c] is not apsw.no_change]
                if changed:
                    mem.execute(f'UPDATE "{tbl}" SET {", ".join(f"[{c}] = ?" for c in changed)} WHERE id = ?',
                                [*(new[c] for c in changed), old["id"]])
    changeset = session.changeset()
    session.close()
    mem.close()
    return changeset
