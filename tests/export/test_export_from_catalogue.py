"""The export of a catalogue (export/from_catalogue.py): the Filter and the ids it takes, what the criteria say, rows streamed from SQLite."""
from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest

from eco_desktop import export
from eco_desktop.errors import UserError
from eco_desktop.filter import Filter
from eco_desktop.export import (ACTOR_COLUMNS, ExportCancelled, from_catalogue, sheets,
                                suggest_filename, workbook)
from eco_desktop.export.progress import Progress


def test_suggest_filename():
    when = date(2026, 11, 27)
    assert suggest_filename("Thérapie génique — Essonne", when) == \
        "acteurs-therapie-genique-essonne-2026-11-27.xlsx"
    assert suggest_filename("", when, "csv") == "acteurs-2026-11-27.csv"
    assert suggest_filename(None, datetime(2026, 1, 2, 23, 0), ".csv") == "acteurs-2026-01-02.csv"


def test_export_format():
    assert export.export_format("a.XLSX") == "xlsx" and export.export_format("b.csv") == "csv"
    for bad in ("a.xls", "a", "a.txt"):
        with pytest.raises(UserError, match="xlsx"):
            export.export_format(bad)
    assert export.ExportResult([], 1, None).message().startswith("1 acteur exporté dans")


def test_export_from_catalogue_order_progress_and_message(tmp_path, catalogue, monkeypatch):
    monkeypatch.setattr(from_catalogue, "LOAD_CHUNK", 10)
    monkeypatch.setattr(Progress, "step", 10)
    ids = list(reversed(catalogue.actor_ids()))[:25]
    seen = []
    result = export.export_from_catalogue(catalogue, tmp_path / "x.xlsx", ids, contacts=True,
                                          criteria=["Sélection"], progress=lambda d, t: seen.append((d, t)))
    assert result.paths == [tmp_path / "x.xlsx"] and (result.actors, result.contacts) == (25, 0)
    assert result.message() == f"25 acteurs et 0 contact exportés dans {tmp_path / 'x.xlsx'}"
    assert seen == [(10, 25), (20, 25), (25, 25)]  # rows written, as they are read
    ws = openpyxl.load_workbook(result.path)["Acteurs"]
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == \
        [a["name"] for a in catalogue.actors_by_ids(ids)]


def test_export_from_catalogue_cancel_between_chunks(tmp_path, catalogue, monkeypatch):
    monkeypatch.setattr(from_catalogue, "LOAD_CHUNK", 5)
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(ExportCancelled):
        export.export_from_catalogue(catalogue, tmp_path / "x.csv", catalogue.actor_ids(),
                                     contacts=True, cancelled=cancelled)
    assert len(calls) == 3  # once before writing, then before each chunk: the second was never read
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("catalogue.sqlite")] == []


def _cells(path) -> dict:
    """Every cell of every data sheet: value, number format, hyperlink, style name."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        if ws.title == "Critères":
            continue
        out[ws.title] = [[(c.value, c.number_format, c.hyperlink.target if c.hyperlink else None,
                           c.style, c.data_type) for c in row] for row in ws.iter_rows()]
        out[ws.title + " widths"] = {k: d.width for k, d in ws.column_dimensions.items()}
        out[ws.title + " filter"] = ws.auto_filter.ref
    return out


def _dict_path_export(catalogue, path, ids, *, all_contacts: bool):
    """The export as it was built before rows were streamed: actor dicts, then the writer."""
    actors = catalogue.actors_by_ids(ids)
    contacts = catalogue.contacts(actor_ids=[a["id"] for a in actors], usable_only=not all_contacts)
    writer = export.export_xlsx if str(path).endswith(".xlsx") else export.export_csv
    return writer(path, actors, columns=list(ACTOR_COLUMNS), contacts=contacts,
                  all_contacts=all_contacts, labels=catalogue.value_labels())


def _hostile_actors(catalogue) -> None:
    """Values the writers must keep as text, clean or leave unlinked."""
    first = catalogue.create_actor({"name": "=1+1", "kind": "biotech", "description": "+SUM(A1:A2)",
                                    "street": "@cmd", "website": "javascript:alert(1)",
                                    "email": "pas un e-mail", "aliases": ["=HYPERLINK(1)"],
                                    "tags": ["-2+3"], "postcode": "01000"})
    catalogue.add_contact(first, {"first_name": "=cmd", "last_name": "Zéro", "email": "z@exemple.fr",
                                  "legal_basis": "consent"})
    catalogue.add_contact(first, {"first_name": "Sans", "last_name": "Base"})


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
@pytest.mark.parametrize("all_contacts", [False, True])
def test_streamed_rows_are_the_dict_paths_cells_on_the_seeded_catalogue(
        tmp_path, catalogue, monkeypatch, suffix, all_contacts):
    _hostile_actors(catalogue)
    monkeypatch.setattr(workbook, "MAX_HYPERLINKS", 7)  # the limit is reached on both paths
    ids = catalogue.actor_ids()
    ids = ids[::2] + ids[1::2]  # an order of the user's, not the table's
    old = _dict_path_export(catalogue, tmp_path / f"old.{suffix}", ids, all_contacts=all_contacts)
    new = export.export_from_catalogue(catalogue, tmp_path / f"new.{suffix}", ids, contacts=True,
                                       columns=list(ACTOR_COLUMNS), all_contacts=all_contacts)
    if suffix == "xlsx":
        assert _cells(new.path) == _cells(old)
    else:
        assert [p.read_bytes() for p in new.paths] == [p.read_bytes() for p in old]
    assert new.contacts == (len(catalogue.contacts(actor_ids=ids)) if all_contacts else
                            len(catalogue.contacts(actor_ids=ids, usable_only=True)))


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_streamed_rows_are_the_dict_paths_cells_on_a_synthetic_catalogue(tmp_path, monkeypatch, suffix):
    from eco_desktop.bench import synth
    catalogue = synth.build_synthetic_catalogue(tmp_path / "synth.sqlite", 400)
    try:
        monkeypatch.setattr(from_catalogue, "LOAD_CHUNK", 64)
        ids = list(reversed(catalogue.actor_ids()))[:350]
        old = _dict_path_export(catalogue, tmp_path / f"old.{suffix}", ids, all_contacts=True)
        # (the dict path has no custom fields: the synthetic ones are left out)
        new = export.export_from_catalogue(catalogue, tmp_path / f"new.{suffix}", ids,
                                           columns=list(ACTOR_COLUMNS), all_contacts=True, custom=[])
        assert new.actors == 350 and new.contacts
        if suffix == "xlsx":
            assert _cells(new.path) == _cells(old)
        else:
            assert [p.read_bytes() for p in new.paths] == [p.read_bytes() for p in old]
    finally:
        catalogue.close()


def test_the_catalogue_export_builds_no_actor_dicts(tmp_path, catalogue, monkeypatch):
    def refused(*args, **kwargs):
        raise AssertionError("actor dicts built for the export")
    monkeypatch.setattr(catalogue, "actors_by_ids", refused)
    monkeypatch.setattr(catalogue, "iter_actors", refused)
    monkeypatch.setattr(sheets, "actor_rows", refused)
    result = export.export_from_catalogue(catalogue, tmp_path / "x.xlsx", catalogue.actor_ids(),
                                          contacts=True)
    assert result.actors == catalogue.total()


def criteria_of(path) -> list:
    ws = openpyxl.load_workbook(path)["Critères"]
    return [value for key, value in ws.iter_rows(min_row=2, values_only=True) if key == "Critère"]


def test_the_export_takes_the_filter_and_says_it(tmp_path, catalogue):
    flt = Filter(kinds=("biotech",), mgp=True)
    result = export.export_from_catalogue(catalogue, tmp_path / "x.xlsx", flt)
    assert result.actors == len(catalogue.actor_ids(flt)) > 0
    assert criteria_of(result.path) == catalogue.describe(flt)
    ws = openpyxl.load_workbook(result.path)["Acteurs"]
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == \
        [a["name"] for a in catalogue.actors_by_ids(catalogue.actor_ids(flt))]


def test_a_selection_or_a_sorted_list_is_said_on_the_criteria_sheet(tmp_path, catalogue):
    flt = Filter(kinds=("biotech",))
    listed = catalogue.actor_ids(flt)
    chosen = listed[:3]
    result = export.export_from_catalogue(catalogue, tmp_path / "sel.xlsx", flt, ids=chosen,
                                          view_name="Biotechs")
    assert result.actors == 3
    assert criteria_of(result.path) == [
        "Vue enregistrée « Biotechs »",
        "Sélection de 3 acteurs dans la liste ainsi filtrée", *catalogue.describe(flt)]
    result = export.export_from_catalogue(catalogue, tmp_path / "sorted.xlsx", flt,
                                          ids=list(reversed(listed)))
    assert criteria_of(result.path) == [*catalogue.describe(flt), "Dans l'ordre de la liste affichée"]
    ws = openpyxl.load_workbook(result.path)["Acteurs"]
    assert [r[-1] for r in ws.iter_rows(min_row=2, values_only=True)] == list(reversed(listed))
    # the list as the filter gives it: only the filter's sentences
    result = export.export_from_catalogue(catalogue, tmp_path / "all.xlsx", flt, ids=listed)
    assert criteria_of(result.path) == catalogue.describe(flt)


def test_ids_that_are_not_actors_are_left_out(tmp_path, catalogue):
    first, second = catalogue.actor_ids()[:2]
    result = export.export_from_catalogue(catalogue, tmp_path / "x.xlsx",
                                          [second, 10**6, 2**70, "1", first])
    assert result.actors == 2
    ws = openpyxl.load_workbook(result.path)["Acteurs"]
    assert [r[-1] for r in ws.iter_rows(min_row=2, values_only=True)] == [second, first]


def test_the_progress_total_takes_the_contacts_in_once_read(tmp_path, catalogue, monkeypatch):
    ids = catalogue.actor_ids()[:3]
    for actor_id in ids:
        catalogue.add_contact(actor_id, {"last_name": f"Contact {actor_id}", "legal_basis": "consent"})
    monkeypatch.setattr(Progress, "step", 2)
    seen = []
    result = export.export_from_catalogue(catalogue, tmp_path / "x.csv", ids, contacts=True,
                                          progress=lambda d, t: seen.append((d, t)))
    assert (result.actors, result.contacts) == (3, 3)
    assert seen == [(2, 3), (4, 6), (6, 6)]


def test_followups_sheet_of_the_exported_actors(tmp_path, catalogue):
    catalogue.add_exchange(15, date="2026-11-02", kind="call", text="", followup_on="2026-11-30",
                           followup_by="Claire", next_step="=Envoyer le dossier")
    catalogue.add_exchange(20, date="2026-11-02", kind="call", text="", followup_on="2026-12-30")
    export.export_from_catalogue(catalogue, tmp_path / "x.xlsx", [15, 17])
    wb = openpyxl.load_workbook(tmp_path / "x.xlsx")
    assert wb.sheetnames == ["Acteurs", "Relances", "Critères"]
    rows = list(wb["Relances"].iter_rows(values_only=True))
    assert rows[0] == ("À relancer le", "Suivi", "Acteur", "Appel à projets", "Par", "Prochaine étape", "E-mail")
    assert len(rows) == 2  # Genopole's follow-up is not of an exported actor
    assert rows[1][0] == datetime(2026, 11, 30) and rows[1][2] == "Cellectis" and rows[1][4] == "Claire"
    assert rows[1][5] == "=Envoyer le dossier" and wb["Relances"]["F2"].data_type == "s"  # never a formula
    export.export_from_catalogue(catalogue, tmp_path / "y.xlsx", [17])
    assert "Relances" not in openpyxl.load_workbook(tmp_path / "y.xlsx").sheetnames
