"""Which tables and columns sync: derived from the file's schema, with an explicit set of
local tables, so that a table another feature adds is synced without being listed here."""
from __future__ import annotations

import sqlite3

# Never synced: the file's settings, what is derived from the rows, the history (each
# catalogue has its own), and the sync engine's own bookkeeping. ``erasures`` syncs.
LOCAL_TABLES = frozenset({"meta", "actor_values", "sync_dirty", "sync_applied", "sync_conflicts"})
LOCAL_PREFIXES = ("history_", "actors_fts", "sqlite_")

# Columns holding a JSON array merged as a set: additions and removals of both sides kept.
SET_COLUMNS = frozenset({("actors", "domains"), ("actors", "activities"), ("actors", "tags"),
                         ("actors", "aliases")})
# Columns written with another one (the name's sort key, the place's geography, the stamps):
# merged by the row's rule like the rest but never listed as a conflict of their own.
FOLLOWING_COLUMNS = frozenset({"sort_name", "departement", "mgp", "ept", "epci", "outside_idf",
                               "geo_precision", "updated_at", "changed_at", "created_at"})
# The column stamped by each edit of a row, when its table has one: the first of these.
STAMP_COLUMNS = ("updated_at", "changed_at")


def stamp_column(columns: list[str]) -> str | None:
    return next((c for c in STAMP_COLUMNS if c in columns), None)


def synced_tables(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Every synced table and its columns in the file's order: the tables with an integer
    primary key ``id`` (what the catalogue's recorded writes address) that are not local."""
    out: dict[str, list[str]] = {}
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        if name in LOCAL_TABLES or name.startswith(LOCAL_PREFIXES):
            continue
        info = conn.execute(f"PRAGMA table_info([{name}])").fetchall()
        keys = [row[1] for row in info if row[5]]
        if keys == ["id"] and any(row[1] == "id" and row[2].upper() == "INTEGER" for row in info):
            out[name] = [row[1] for row in info]
    return out


def parents(conn: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    """(column, parent table) of each foreign key of ``table`` to another table's id."""
    return [(row[3], row[2]) for row in conn.execute(f"PRAGMA foreign_key_list([{table}])")
            if row[4] in (None, "id")]

