"""The table of fields (eco_desktop/fields.py): each label is written there and nowhere else."""
from __future__ import annotations

import ast
from pathlib import Path

import eco_desktop
from eco_desktop import export, fields
from eco_desktop.catalogue import columns as store
from eco_desktop.importer import mapping

PACKAGE = Path(eco_desktop.__file__).parent

# The same word naming something else, where it does (module -> words, with why).
OTHER_MEANINGS: dict[str, set[str]] = {
    # a call's name, a shortlisting's status and when it changed
    "commands/calls.py": {"Nom", "Statut", "Modifié le"},
    "ui/calls/panel.py": {"Nom", "Statut"},
    "ui/calls/shortlist.py": {"Statut", "Modifié le"},
    "ui/calls/actor_calls.py": {"Statut"},
    "ui/importing/preview_page.py": {"Statut"},       # what the import does with a row
    "geo/__init__.py": {"Commune"},                   # the class's name in __all__
    "vocab.py": {"Adresse", "Commune", "E-mail"},     # precisions of a position, a kind of exchange
    "importer/xlsx.py": {"Type"},                     # an XML attribute of an .xlsx file
    "ui/editor/dialogs.py": {"Date", "Type"},         # an exchange's date and kind
    "catalogue/history.py": {"Date"},                        # an exchange's date, in the history
    "ui/safety/feature.py": {"Date"},                 # a backup's date
    "ui/dialogs/vocab.py": {"Identifiant"},           # a vocabulary value's slug
}


def _labels() -> set[str]:
    table = fields.ACTOR + fields.CONTACT
    return {f.label for f in table} | {f.short for f in table if f.short}


def _written_labels(path: Path, labels: set[str]) -> set[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in labels}


def test_each_label_is_written_only_in_the_table():
    labels = _labels()
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name == "fields.py":
            continue
        allowed = OTHER_MEANINGS.get(name, set())
        found += [f"{name}:{line}: « {text} »" for line, text in sorted(_written_labels(path, labels))
                  if text not in allowed]
    assert not found, "labels written outside eco_desktop/fields.py:\n" + "\n".join(found)


def test_the_scan_sees_a_label_written_elsewhere(tmp_path):
    stray = tmp_path / "stray.py"
    stray.write_text('HEADERS = ("Année de création", f"{1} acteurs")\n', encoding="utf-8")
    assert _written_labels(stray, _labels()) == {(1, "Année de création")}


def test_the_allowances_are_still_needed():
    # A word allowed in a module that no longer writes it is a stale allowance.
    labels = _labels()
    for name, words in OTHER_MEANINGS.items():
        written = {text for _line, text in _written_labels(PACKAGE / name, labels)}
        assert words <= written, (name, words - written)


def test_the_store_list_export_and_import_name_a_field_alike():
    # The drift this table ends: « Création » in the list, « Année de création » in the export.
    from eco_desktop.ui.window import table_model
    headers = {key: header for key, header, _shown in table_model.COLUMNS}
    assert headers["founded"] == "Création" == fields.short_label("founded")
    assert export.ACTOR_COLUMNS["founded"] == "Année de création" == mapping.FIELD_LABELS["founded"]
    assert store.ACTOR_FIELDS == fields.ACTOR_KEYS and store.CONTACT_FIELDS == fields.CONTACT_KEYS
    # the one label of the position's precision, where the export said « Précision »
    assert export.ACTOR_COLUMNS["geo_precision"] == mapping.FIELD_LABELS["geo_precision"] \
        == fields.label("geo_precision")


def test_an_exported_header_maps_back_to_its_field():
    # (the geography an import derives, and the stamps, are not imported)
    for key, header in export.ACTOR_COLUMNS.items():
        if key not in mapping.ACTOR_FIELDS:
            continue
        assert mapping.field_for_header(header, "actors") == key, header
    for key in ("civility", "first_name", "last_name", "role", "email", "phone", "opt_out", "basis_date"):
        assert mapping.field_for_header(fields.contact_label(key), "contacts") == key


def test_every_export_cell_kind_is_one_the_export_writes():
    kinds = {export.TEXT, export.ID, export.WRAP, export.INT, export.FLOAT, export.DATETIME,
             export.DATE, export.URL, export.EMAIL}
    assert {f.cell for f in fields.ACTOR + fields.CONTACT} <= kinds


def test_the_import_takes_its_headers_and_precedence_from_the_table():
    founded = fields.actor_field("founded")
    assert mapping.ACTOR_FIELDS["founded"] == (founded.label, *founded.headers)
    assert mapping.PRECEDENCE["founded"] == founded.wins
    assert mapping.PRECEDENCE_REASONS["founded"] == founded.why
    # what only an import reads has a label for the mapping step, not a column
    assert "holder_last_name" in mapping.ACTOR_FIELDS and "holder_last_name" not in fields.ACTOR_KEYS
    assert mapping.FIELD_LABELS["consent"] == fields.IMPORT_LABELS["consent"]
    # derived and stamped fields are never imported
    assert not {"mgp", "outside_idf", "created_at"} & set(mapping.ACTOR_FIELDS)


def test_each_precedence_is_complete_and_ranks_only_its_own_columns():
    for f in fields.ACTOR_IMPORT + fields.CONTACT_IMPORT:
        if not f.wins:
            assert not f.why, f.key
            continue
        assert f.wins.count("*") == 1 and f.why and not f.join, f.key
        kind = "actors" if f in fields.ACTOR_IMPORT else "contacts"
        for header in f.wins:
            # a column ranked here is this field's, or one no field takes by itself
            assert mapping.field_for_header(header, kind) in (f.key, None), (f.key, header)
