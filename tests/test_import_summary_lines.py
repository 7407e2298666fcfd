"""The summary of an import names how to get every problem where its reader is."""
from pathlib import Path

from eco_desktop.importer import ImportSummary, Problem


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
