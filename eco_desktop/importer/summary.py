"""What an import did, or would do: the counts, the French lines, the xlsx report.

:class:`ImportSummary` is what ``apply_import`` returns and what a plan's ``summary()``
gives for a dry run; its ``lines()`` are what the command line prints and the wizard's
last page shows, ``write_report`` the file listing every problem with its row number.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import fields
from ..errors import UserError, os_error_text
from ..french import count
from .mapping import FIELD_LABELS


PROPOSED = "Type proposé"   # the report's level of a row whose kind the rules proposed


def field_label(key: str) -> str:
    return FIELD_LABELS.get(key, key)


@dataclass
class Problem:
    """One line of the report."""

    row_number: int
    name: str
    level: str          # "Erreur", "Avertissement", "Doublon"
    message: str


@dataclass
class ImportSummary:
    """What an import did (or, for a plan, would do)."""

    path: Path
    kind: str
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    warnings: int = 0           # rows imported with at least one warning
    errors: int = 0             # rows not imported because of an error
    proposed: int = 0           # rows imported with a kind the rules proposed
    duplicates: int = 0         # rows found already in the catalogue or earlier in the file
    outside_idf: int = 0
    dry_run: bool = False
    unmatched: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    linked: int = 0             # sites linked to their head office (relations site_of)

    def counts(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "skipped": self.skipped, "warnings": self.warnings, "errors": self.errors}

    @property
    def all_failed(self) -> bool:
        """Rows needed importing and none could be, because of errors: nothing created or
        updated, and some rows in error (rows already in the catalogue needed nothing)."""
        return self.rows > 0 and self.errors > 0 and not self.created and not self.updated

    def failure(self) -> str:
        """The sentence saying that no row could be imported (see ``all_failed``)."""
        if self.errors == self.rows:
            rows = "la ligne est" if self.rows == 1 else f"les {count(self.rows, 'ligne')} sont"
            why = f"{rows} en erreur"
        else:  # the others are already in the catalogue
            why = (f"{count(self.errors, 'ligne')} en erreur, les autres déjà dans le "
                   "catalogue")
        return (f"Aucune ligne de « {self.path.name} » n'a pu être importée : {why}. "
                "Corrigez le fichier (ou la correspondance des colonnes) puis relancez "
                "l'import.")

    def reasons(self, count: int = 3) -> list[tuple[str, int]]:
        """The most frequent reasons rows were rejected, with how many rows each."""
        seen: dict[str, int] = {}
        for problem in self.problems:
            if problem.level == "Erreur":
                seen[problem.message] = seen.get(problem.message, 0) + 1
        return sorted(seen.items(), key=lambda item: -item[1])[:count]

    def tally(self) -> str:
        """The one line a script or an officer reads first: created, updated, duplicates,
        rejected and the first reasons."""
        future = self.dry_run
        parts = [f"{self.created} {'à créer' if future else 'créé' + 's' * (self.created > 1)}",
                 f"{self.updated} {'à mettre à jour' if future else 'mis à jour'}",
                 f"{self.duplicates} doublon{'s' * (self.duplicates > 1)}",
                 f"{self.errors} rejeté{'s' * (self.errors > 1)}"]
        line = "Bilan : " + ", ".join(parts)
        reasons = self.reasons()
        if reasons:
            shown = " ; ".join(f"{m.rstrip('.')} ({n})" if n > 1 else m.rstrip(".")
                               for m, n in reasons)
            line += f" — motifs : {shown}"
        return line + "."

    def lines(self, max_problems: int = 20,
              full_list: str = "--report FICHIER.xlsx pour la liste complète") -> list[str]:
        """The summary in French, one sentence a line. ``full_list``: how, where the
        reader is, to get every problem (the command line's option, the wizard's button)."""
        what = "acteurs" if self.kind == "actors" else "contacts"
        if self.all_failed:
            head = (f"Simulation de l'import de « {self.path.name} » : aucune ligne ne "
                    "pourrait être importée." if self.dry_run else
                    f"Import de « {self.path.name} » : aucune ligne importée, rien n'a été "
                    "écrit.")
        else:
            head = (f"Simulation de l'import de « {self.path.name} » : rien n'a été écrit."
                    if self.dry_run else f"Import de « {self.path.name} » terminé.")
        future = self.dry_run
        out = [head, f"{count(self.rows, 'ligne')} lue{'s' if self.rows > 1 else ''} "
                     f"({what}).", self.tally()]
        out.append(" · ".join([
            f"{'À créer' if future else 'Créés'} : {self.created}",
            f"{'À mettre à jour' if future else 'Mis à jour'} : {self.updated}",
            f"Inchangés : {self.unchanged}",
            f"{'À ignorer' if future else 'Ignorés'} : {self.skipped}",
            f"Avertissements : {self.warnings}",
            f"Erreurs : {self.errors}"]))
        if self.proposed:
            out.append(f"Type proposé d'après le code NAF ou le type de structure : "
                       f"{count(self.proposed, 'ligne')} (le rapport les liste).")
        if self.linked:
            out.append(f"{'À relier' if future else 'Reliés'} à leur siège (relation « site "
                       f"de ») : {count(self.linked, 'établissement')}.")
        if self.outside_idf:
            out.append(f"Hors Île-de-France : {count(self.outside_idf, 'ligne')} "
                       f"{'importée' if not future else 'à importer'}"
                       f"{'s' if self.outside_idf > 1 and not future else ''} et signalée"
                       f"{'s' if self.outside_idf > 1 else ''}.")
        for key, values in self.unmatched.items():
            shown = ", ".join(f"« {v} »" for v in values[:10])
            more = f" et {len(values) - 10} autres" if len(values) > 10 else ""
            out.append(f"Valeurs non reconnues pour « {field_label(key)} », gardées comme "
                       f"étiquettes : {shown}{more}.")
        listed = [p for p in self.problems if p.level not in ("Doublon", PROPOSED)]
        for problem in listed[:max_problems]:
            out.append(f"ligne {problem.row_number} : {problem.message}")
        if len(listed) > max_problems:
            out.append(f"… et {len(listed) - max_problems} autres problèmes ({full_list}).")
        return out

    def message(self) -> str:
        return "\n".join(self.lines())

    def table_rows(self) -> list[list[Any]]:
        """[label, value] pairs for the report's « Résumé » sheet."""
        future = self.dry_run
        rows: list[list[Any]] = [
            ["Fichier", str(self.path)],
            ["Contenu", "acteurs" if self.kind == "actors" else "contacts"],
            ["Simulation", "oui : rien n'a été écrit" if future else "non"],
            ["Lignes lues", self.rows],
            ["À créer" if future else "Créés", self.created],
            ["À mettre à jour" if future else "Mis à jour", self.updated],
            ["Inchangés", self.unchanged],
            ["À ignorer" if future else "Ignorés", self.skipped],
            ["Avertissements", self.warnings],
            ["Erreurs", self.errors],
            ["Type proposé (code NAF, type de structure)", self.proposed],
            [fields.label("outside_idf"), self.outside_idf],
            [f"{'À relier' if future else 'Reliés'} à leur siège (relation « site de »)",
             self.linked],
        ]
        for key, values in self.unmatched.items():
            rows.append([f"Non reconnus ({field_label(key)})", "; ".join(values)])
        return rows

    def settle(self, updated: int) -> None:
        """The plan counted rows; several rows may update one record, or none any more:
        ``updated`` records were."""
        planned = self.updated
        if updated != planned:
            self.unchanged += max(0, planned - updated)
            self.updated = updated


REPORT_HEADERS = ("Ligne", fields.label("name"), "Niveau", "Problème")


def write_report(path: str | os.PathLike, result: Any) -> Path:
    """An xlsx report of an :class:`ImportSummary` or of a plan (what it would do):
    sheet « Problèmes » (one line per problem with its row number) and sheet « Résumé ».
    Raises :class:`UserError` when it cannot be written."""
    from openpyxl import Workbook

    from .. import export

    path = Path(path)
    summary = result if isinstance(result, ImportSummary) else result.summary()
    rows = [[p.row_number, p.name, p.level, p.message] for p in summary.problems]
    resume = summary.table_rows()
    wb = Workbook(write_only=True)
    tmp = path.with_name(f".~{path.stem[:40]}.tmp")
    try:
        export.write_table(wb, "Problèmes", list(REPORT_HEADERS), rows,
                           [export.INT, export.TEXT, export.TEXT, export.WRAP])
        export.write_table(wb, "Résumé", ["Élément", "Valeur"], resume,
                           [export.TEXT, export.WRAP], autofilter=False)
        wb.save(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        export.discard_workbook(wb)
        try:
            tmp.unlink()
        except OSError:
            pass
        raise UserError(f"Impossible d'écrire le rapport « {path} » : "
                        f"{os_error_text(exc)}.") from exc
    return path
