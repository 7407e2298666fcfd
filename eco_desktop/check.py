"""Health check of a catalogue file: SQLite's integrity and foreign-key checks, the
full-text index against the actors (every column of an actor's row, once the file has
the current schema: what a migration would rebuild is not checked before it), orphan
rows, the outside-IDF flag and the schema version. Read-only: the file is neither
migrated nor modified.
"""
from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from . import db
from .backup import open_for_reading
from .errors import UserError
from .geo import IDF_DEPARTEMENTS
from .catalogue.search import FACETS_SQL, NAMES_SQL, actor_body
from .catalogue.stemming import stems_of_body

MAX_LISTED = 10  # problems of one kind listed one by one; the rest are counted

# (child table, column, parent table, French description of the child)
_REFERENCES = (
    ("contacts", "actor_id", "actors", "contact"),
    ("relations", "source_id", "actors", "relation"),
    ("relations", "target_id", "actors", "relation"),
    ("exchanges", "actor_id", "actors", "échange"),
    ("call_entries", "actor_id", "actors", "entrée d'appel à projets"),
    ("call_entries", "call_id", "calls", "entrée d'appel à projets"),
    ("history_changes", "batch_id", "history_batches", "modification de l'historique"),
)


@dataclass
class Report:
    """What the check found. ``problems`` make it fail; ``notes`` are informative."""
    path: Path
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    search_index_only: bool = False  # every problem is in the full-text index (repairable)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        if self.ok:
            return [f"« {self.path.name} » : catalogue sain.", *self.notes]
        head = f"« {self.path.name} » : {len(self.problems)} problème(s) trouvé(s)."
        return [head, *(f"- {p}" for p in self.problems), *self.notes]

    def text(self) -> str:
        return "\n".join(self.lines())


def _listed(problems: list[str], items: list[str], summary: str) -> None:
    problems.extend(items[:MAX_LISTED])
    if len(items) > MAX_LISTED:
        problems.append(summary.format(n=len(items) - MAX_LISTED))


def check(path: str | Path) -> Report:
    """Check the catalogue file at ``path``; never raises for a bad file."""
    path = Path(path)
    report = Report(path)
    try:
        db.check_is_sqlite(path)
    except UserError as exc:
        report.problems.append(str(exc))
        return report
    try:
        conn = open_for_reading(path)
    except sqlite3.DatabaseError as exc:
        report.problems.append(str(db.translate_error(exc, path)))
        return report
    except UserError as exc:  # held locked by another program: said as such
        report.problems.append(str(exc))
        return report
    with closing(conn):
        try:
            _run_checks(conn, report)
        except sqlite3.DatabaseError as exc:
            report.problems.append(f"Lecture interrompue : {db.translate_error(exc, path)}")
    return report


def _run_checks(conn: sqlite3.Connection, report: Report) -> None:
    problems = report.problems
    integrity = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
    if integrity != ["ok"]:
        _listed(problems, [f"Intégrité SQLite : {line}" for line in integrity],
                "… et {n} autre(s) défaut(s) d'intégrité.")

    version, latest = db.user_version(conn), db.schema_version()
    if version > latest:
        problems.append(f"Version du schéma {version} : plus récente que celle que connaît cette version "
                        f"d'eco_desktop ({latest}).")
    elif version < latest:
        report.notes.append(f"Version du schéma {version} : le catalogue sera mis à jour (schéma {latest}) "
                            "à sa prochaine ouverture en écriture.")
    else:
        report.notes.append(f"Version du schéma : {version} (à jour).")

    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    if "actors" not in tables:
        problems.append("La table des acteurs est absente : ce n'est pas un catalogue eco_desktop.")
        return

    # Orphans, with French words, then anything else foreign_key_check sees.
    covered = set()
    for child, column, parent, what in _REFERENCES:
        if child not in tables or parent not in tables:
            continue
        covered.add(child)
        rows = conn.execute(f"SELECT id, [{column}] FROM [{child}] WHERE [{column}] NOT IN "
                            f"(SELECT id FROM [{parent}])").fetchall()
        _listed(problems, [f"{what.capitalize()} n° {r[0]} : renvoie à un élément inexistant "
                           f"({column} = {r[1]})." for r in rows],
                f"… et {{n}} autre(s) {what}(s) orphelin(s).")
    others = [r for r in conn.execute("PRAGMA foreign_key_check") if r[0] not in covered]
    _listed(problems, [f"Table {r[0]}, ligne {r[1]} : référence vers {r[2]} inexistante." for r in others],
            "… et {n} autre(s) référence(s) cassée(s).")

    before = len(problems)
    _check_search_index(conn, tables, problems)
    fts_problems = len(problems) - before

    rows = conn.execute("SELECT id, name, departement FROM actors WHERE departement <> '' "
                        "AND outside_idf = 0 AND deleted_at IS NULL").fetchall()
    outside = [r for r in rows if r["departement"] not in IDF_DEPARTEMENTS]
    _listed(problems, [f"Acteur n° {r['id']} « {r['name']} » : département {r['departement']} hors "
                       "d'Île-de-France mais non marqué « hors IDF »." for r in outside],
            "… et {n} autre(s) acteur(s) hors IDF non marqué(s).")
    report.search_index_only = bool(problems) and fts_problems == len(problems)


def _expected_rows(conn: sqlite3.Connection) -> dict[int, tuple[str, str]] | None:
    """{actor id: (names, facets)} as the catalogue writes them, or None when the file's
    schema is not the current one (its full-text rows are remade by the migration)."""
    if db.user_version(conn) != db.schema_version():
        return None
    db.register_functions(conn)  # the SQL functions of the rows: nothing is written
    return {r[0]: (r[1], r[2]) for r in conn.execute(f"SELECT a.id, {NAMES_SQL}, {FACETS_SQL} FROM actors a")}


def _check_search_index(conn: sqlite3.Connection, tables: set[str], problems: list[str]) -> None:
    if "actors_fts" not in tables:
        problems.append("L'index de recherche est absent.")
        return
    expected = _expected_rows(conn)
    columns = "rowid, body, names, facets, stems" if expected is not None else "rowid, body"
    indexed = {r[0]: tuple(r[1:]) for r in conn.execute(f"SELECT {columns} FROM actors_fts")}
    names: dict[int, list[str]] = {}
    for row in conn.execute("SELECT actor_id, first_name, last_name FROM contacts ORDER BY actor_id, id"):
        names.setdefault(row[0], []).append(f"{row[1]} {row[2]}")
    missing, stale = [], []
    actor_ids = set()
    for row in conn.execute("SELECT * FROM actors"):
        actor_ids.add(row["id"])
        fts = indexed.get(row["id"])
        if fts is None:
            if row["deleted_at"] is None:
                missing.append(f"Index de recherche : l'acteur n° {row['id']} « {row['name']} » n'y figure pas.")
            continue
        body = actor_body(row, names.get(row["id"], ()))
        if fts[0] != body or (expected is not None and fts[1:] != (
                *expected[row["id"]], stems_of_body(f"{body} {expected[row['id']][1]}"))):
            stale.append(f"Index de recherche : l'entrée de l'acteur n° {row['id']} « {row['name']} » "
                         "n'est pas à jour.")
    _listed(problems, missing, "… et {n} autre(s) acteur(s) absent(s) de l'index de recherche.")
    _listed(problems, stale, "… et {n} autre(s) entrée(s) périmée(s) de l'index de recherche.")
    if "actor_values" in tables:
        from .catalogue import facet_value_rows
        stored: dict[int, set] = {}
        for facet, value, actor_id in conn.execute("SELECT facet, value, actor_id FROM actor_values"):
            stored.setdefault(actor_id, set()).add((facet, value, actor_id))
        wrong = [f"Index des facettes : les domaines, activités ou étiquettes de l'acteur n° {row['id']} "
                 f"« {row['name']} » ne sont pas à jour."
                 for row in conn.execute("SELECT id, name, domains, activities, tags FROM actors")
                 if stored.get(row["id"], set()) != set(facet_value_rows(row))]
        _listed(problems, wrong, "… et {n} autre(s) acteur(s) aux facettes périmées.")
    ghosts = sorted(set(indexed) - actor_ids)
    if ghosts:
        shown = ", ".join(str(i) for i in ghosts[:MAX_LISTED]) + (" …" if len(ghosts) > MAX_LISTED else "")
        problems.append(f"Index de recherche : {len(ghosts)} entrée(s) pour des acteurs qui n'existent plus "
                        f"(n° {shown}).")


def repair_search_index(path: str | Path) -> Report:
    """Rebuild the full-text index, then check again."""
    from .catalogue import Catalogue
    with Catalogue.open(path) as catalogue:
        if catalogue.read_only:
            raise UserError(f"Le catalogue « {Path(path).name} » est en lecture seule : "
                            "impossible de reconstruire l'index de recherche.")
        catalogue.rebuild_search_index()
    return check(path)
