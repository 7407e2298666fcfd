"""importer/summary.py: what an import says it did, and its report."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from eco_desktop.errors import UserError
from eco_desktop.importer import ImportSummary, Problem, apply_import, plan_import, write_report

from import_helpers import fixture, write_csv


def test_report_lists_each_problem_with_its_row_number(catalogue, tmp_path):
    plan = plan_import(catalogue, fixture("actors_cp1252.csv"), strict=True)
    path = write_report(tmp_path / "rapport.xlsx", apply_import(catalogue, plan))
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Problèmes"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Ligne", "Nom", "Niveau", "Problème")
    assert {r[0] for r in rows[1:]} == {5, 7}
    assert any("pas-un-mail" in r[3] and r[2] == "Erreur" for r in rows[1:])
    summary = dict(r for r in workbook["Résumé"].iter_rows(values_only=True))
    assert summary["Créés"] == 1 and summary["Erreurs"] == 2
    with pytest.raises(UserError):
        write_report(tmp_path / "absent" / "r.xlsx", plan)


def test_a_summary_whose_rows_all_failed_says_so(catalogue, tmp_path):
    source = write_csv(tmp_path / "liste.csv", [["Nom", "Commune"], ["Sans type", "Orsay"],
                                                ["Autre sans type", "Évry"]])
    plan = plan_import(catalogue, source)
    summary = plan.summary()
    assert summary.all_failed and summary.errors == 2
    assert summary.lines()[0] == ("Simulation de l'import de « liste.csv » : aucune ligne ne "
                                  "pourrait être importée.")
    assert summary.failure().startswith("Aucune ligne de « liste.csv » n'a pu être importée : "
                                        "les 2 lignes sont en erreur.")
    done = apply_import(catalogue, plan)
    assert done.all_failed and "terminé" not in done.lines()[0]
    source = write_csv(tmp_path / "liste.csv", [["Nom", "Commune", "Type"],
                                                ["Sans type", "Orsay", ""],
                                                ["Avec type", "Évry", "biotech"]])
    assert not plan_import(catalogue, source).summary().all_failed


def summary_with(problems: int) -> ImportSummary:
    summary = ImportSummary(Path("liste.csv"), "actors", problems, created=problems, warnings=problems)
    summary.problems = [Problem(n + 2, f"Acteur {n}", "Avertissement", "E-mail invalide.")
                        for n in range(problems)]
    return summary


def test_the_command_line_is_told_its_option_and_the_wizard_its_button():
    lines = summary_with(12).lines(max_problems=8)
    assert lines[-1] == "… et 4 autres problèmes (--report FICHIER.xlsx pour la liste complète)."
    lines = summary_with(12).lines(max_problems=8, full_list="« Enregistrer le rapport… » les donne tous")
    assert lines[-1] == "… et 4 autres problèmes (« Enregistrer le rapport… » les donne tous)."
    assert not any("--report" in line for line in lines)
