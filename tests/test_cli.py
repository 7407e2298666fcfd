"""The eco-desktop command line, run as a separate process (GUIDE §8 shapes and exits)."""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlite_utils

from eco_desktop.filter import Filter
from eco_desktop.catalogue import ACTOR_FIELDS, Catalogue

from cli_helpers import cli_env, run_cli

REPO = Path(__file__).resolve().parents[1]
CELLECTIS, GENOPOLE = 15, 20
LIST_KEYS = set(ACTOR_FIELDS)
assert len(ACTOR_FIELDS) == 32


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("home")


def run(home: Path, *args: str, expect: int = 0, env: dict | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess:
    return run_cli(args, home=home, cwd=cwd, env=env, expect=expect)


def run_json(home: Path, *args: str):
    return json.loads(run(home, *args).stdout)


@pytest.fixture
def call(capsys, monkeypatch, home):
    """Run the CLI in this process (same parser and handlers, much faster than a
    subprocess): returns (exit code, stdout, stderr)."""
    from eco_desktop import cli

    monkeypatch.setattr(cli, "setup_logging", lambda: None)
    monkeypatch.delenv("ECO_DESKTOP_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))

    def invoke(*args, expect: int = 0) -> tuple[str, str]:
        capsys.readouterr()
        try:
            code = cli.main([str(a) for a in args])
        except SystemExit as exc:  # argparse's usage errors, --help
            code = exc.code
        out, err = capsys.readouterr()
        assert "Traceback" not in err, err
        assert code == expect, (args, code, out, err)
        if expect:
            assert err.strip()
        return out, err
    return invoke


@pytest.fixture(scope="module")
def db(tmp_path_factory, home) -> Path:
    """A seeded catalogue (made by `init`) with a contact, a trashed actor and a call."""
    path = tmp_path_factory.mktemp("cli") / "c.sqlite"
    out = run(home, "init", path).stdout
    assert "Catalogue créé" in out and "52 acteurs" in out
    with Catalogue.open(path) as cat:
        cat.add_contact(CELLECTIS, {"first_name": "Marie", "last_name": "Curie", "email": "m@exemple.fr",
                                    "legal_basis": "consent"})
        cat.delete_actors([2])
        stamp = "2024-01-01T00:00:00+00:00"
        call = sqlite_utils.Database(cat.conn)["calls"].insert(
            {"name": "AAP 2024", "created_at": stamp, "updated_at": stamp}).last_pk
        sqlite_utils.Database(cat.conn)["call_entries"].insert_all(
            [{"call_id": call, "actor_id": a, "changed_at": stamp} for a in (CELLECTIS, GENOPOLE, 2)])
    return path


def _ids(db: Path, flt: Filter) -> list[int]:
    with Catalogue.open(db, read_only=True) as cat:
        return cat.actor_ids(flt)


# ---------------------------------------------------------------- init
def test_init_then_list_search_genopole(tmp_path, home):
    path = tmp_path / "c.sqlite"
    run(home, "init", path)
    out = run(home, "list", "--db", path, "--search", "genopole").stdout
    assert out.splitlines()[2].split()[:2] == ["20", "Genopole"]
    assert "Genopole" in out


def test_init_empty(tmp_path, call):
    path = tmp_path / "e.sqlite"
    assert "0 acteurs" in call("init", path, "--empty")[0]
    assert json.loads(call("list", "--db", path, "--format", "json")[0]) == []


def test_init_refuses_existing_file(db, home):
    content = db.read_bytes()
    proc = run(home, "init", db, expect=1)
    assert "existe déjà" in proc.stderr
    assert db.read_bytes() == content


def test_init_in_missing_folder(tmp_path, call):
    assert "n'existe pas" in call("init", tmp_path / "no" / "c.sqlite", expect=1)[1]


# ---------------------------------------------------------------- list
def test_list_table(db, call):
    out = call("list", "--db", db)[0]
    assert out.splitlines()[0].split() == ["Id", "Nom", "Type", "Commune", "Dép."]
    assert out.rstrip().endswith("51 acteur(s) sur 51.")


def test_list_json_shape(db, home):
    actors = run_json(home, "list", "--db", db, "--format", "json")
    assert isinstance(actors, list) and len(actors) == 51
    for actor in actors:
        assert set(actor) == LIST_KEYS | {"custom"}
        assert actor.pop("custom") == {}  # the custom fields (none defined here): tests/test_cli_custom_fields.py
        assert type(actor["id"]) is int
        for key in ("aliases", "domains", "activities", "tags"):
            assert isinstance(actor[key], list) and all(isinstance(v, str) for v in actor[key])
        for key in ("mgp", "outside_idf"):
            assert type(actor[key]) is bool
        for key in ("lat", "lon"):
            assert actor[key] is None or type(actor[key]) in (int, float)
        assert actor["founded"] is None or type(actor["founded"]) is int
        for key in LIST_KEYS - {"id", "aliases", "domains", "activities", "tags", "mgp", "outside_idf",
                                "lat", "lon", "founded"}:
            assert isinstance(actor[key], str), key
        assert actor["created_at"][:4].isdigit() and "T" in actor["created_at"]
    assert [a["id"] for a in actors] == _ids(db, Filter())       # name order
    cellectis = next(a for a in actors if a["id"] == CELLECTIS)
    assert cellectis["aliases"] == ["Collectis"]


def test_list_csv(db, call):
    out = call("list", "--db", db, "--format", "csv")[0]
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == list(ACTOR_FIELDS)
    assert len(rows) == 51
    cellectis = next(r for r in rows if r["id"] == str(CELLECTIS))
    assert cellectis["name"] == "Cellectis" and cellectis["aliases"] == "Collectis"


FILTER_CASES = [
    (["--search", "thér gén"], Filter(text="thér gén")),
    (["--kind", "biotech"], Filter(kinds=("biotech",))),
    (["--kind", "biotech", "--kind", "pharma"], Filter(kinds=("biotech", "pharma"))),
    (["--kind", "Entreprise de biothérapie"], Filter(kinds=("biotech",))),
    (["--domain", "gene_therapy"], Filter(domains=("gene_therapy",))),
    (["--activity", "research"], Filter(activities=("research",))),
    (["--departement", "91"], Filter(departements=("91",))),
    (["--departement", "91", "--departement", "75"], Filter(departements=("91", "75"))),
    (["--ept", "200058014"], Filter(epts=("200058014",))),
    (["--epci", "200059228"], Filter(epcis=("200059228",))),
    (["--tag", "saclay", "--tag", "genopole"], Filter(tags=("saclay", "genopole"))),
    (["--mgp"], Filter(mgp=True)),
    (["--no-mgp"], Filter(mgp=False)),
    (["--has-contact"], Filter(has_contact=True)),
    (["--call", "AAP 2024"], Filter(call="AAP 2024")),
    (["--include-deleted"], Filter(include_deleted=True)),
    (["--call", "AAP 2024", "--include-deleted"], Filter(call="AAP 2024", include_deleted=True)),
    (["--departement", "91", "--kind", "techprovider", "--search", "genopole"],
     Filter(departements=("91",), kinds=("techprovider",), text="genopole")),
]


@pytest.mark.parametrize("options, flt", FILTER_CASES, ids=[" ".join(o) for o, _ in FILTER_CASES])
def test_list_filters(db, call, options, flt):
    expected = _ids(db, flt)
    assert expected
    out, _ = call("list", "--db", db, "--format", "json", *options)
    assert [a["id"] for a in json.loads(out)] == expected
    out, _ = call("stats", "--db", db, "--format", "json", *options)
    assert json.loads(out)["total"] == len(expected)


def test_has_contact_and_call_results(db, call):
    out, _ = call("list", "--db", db, "--format", "json", "--has-contact")
    assert [a["id"] for a in json.loads(out)] == [CELLECTIS]
    out, _ = call("list", "--db", db, "--format", "json", "--call", "aap 2024")
    assert {a["id"] for a in json.loads(out)} == {CELLECTIS, GENOPOLE}


# ---------------------------------------------------------------- show
def test_show_json(db, home):
    record = run_json(home, "show", "--db", db, str(CELLECTIS), "--format", "json")
    assert LIST_KEYS <= set(record)
    assert set(record) - LIST_KEYS <= {"contacts", "relations", "calls", "custom"}
    assert record["id"] == CELLECTIS and record["name"] == "Cellectis"
    [contact] = record["contacts"]
    assert type(contact["id"]) is int and contact["last_name"] == "Curie"
    assert record["relations"]
    for rel in record["relations"]:
        assert set(rel) == {"type", "direction", "other_id", "other_name"}
        assert rel["direction"] in ("out", "in") and type(rel["other_id"]) is int
        assert isinstance(rel["other_name"], str) and rel["other_name"]
    with Catalogue.open(db, read_only=True) as cat:
        expected = [(r["type"], r["direction"], r["other_id"], r["other_name"]) for r in cat.relations_of(CELLECTIS)]
    assert [(r["type"], r["direction"], r["other_id"], r["other_name"]) for r in record["relations"]] == expected


def test_show_relations_both_directions(db, call):
    record = json.loads(call("show", "--db", db, str(GENOPOLE), "--format", "json")[0])
    assert {(r["type"], r["direction"], r["other_name"]) for r in record["relations"]} >= {
        ("hosted_by", "in", "Magenta"), ("hosted_by", "in", "Xentech")}
    assert record["contacts"] == []


def test_show_text(db, call):
    out = call("show", "--db", db, str(CELLECTIS))[0]
    assert out.startswith("Cellectis  (n° 15)")
    assert "Autres noms : Collectis" in out
    assert "Contacts :" in out and "Marie Curie" in out
    assert "Relations :" in out


# ---------------------------------------------------------------- stats
def test_stats_json(db, home):
    result = run_json(home, "stats", "--db", db, "--format", "json")
    assert set(result) == {"total", "facets"}
    assert result["total"] == 51
    assert set(result["facets"]) == {"kind", "domain", "activity", "departement", "mgp", "ept", "epci", "tag",
                                     "followup"}
    for facet, items in result["facets"].items():
        assert isinstance(items, list)
        for item in items:
            assert set(item) == {"value", "label", "count"}
            assert isinstance(item["value"], str) and isinstance(item["label"], str)
            assert type(item["count"]) is int and item["count"] >= 0
    kinds = {i["value"]: i for i in result["facets"]["kind"]}
    assert kinds["biotech"]["label"] == "Entreprise de biothérapie"
    assert sum(i["count"] for i in result["facets"]["kind"]) == 51
    assert sum(i["count"] for i in result["facets"]["mgp"]) == 51


def test_stats_with_filters(db, call):
    result = json.loads(call("stats", "--db", db, "--format", "json", "--kind", "biotech", "--departement", "91")[0])
    assert result["total"] == len(_ids(db, Filter(kinds=("biotech",), departements=("91",))))
    kinds = {i["value"]: i["count"] for i in result["facets"]["kind"]}
    # the kind facet ignores --kind but applies --departement
    assert sum(kinds.values()) == len(_ids(db, Filter(departements=("91",))))


def test_stats_table(db, call):
    out = call("stats", "--db", db)[0]
    assert out.startswith("51 acteur(s)")
    assert "Entreprise de biothérapie" in out


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize("command", ["list", "stats", "show 15"])
def test_missing_db_is_an_error_and_not_created(tmp_path, call, command):
    path = tmp_path / "absent.sqlite"
    _, err = call(*command.split(), "--db", path, expect=1)
    assert "n'existe pas" in err and err.startswith("eco-desktop : ")
    assert not path.exists()


def test_missing_db_in_a_process(tmp_path, home):
    assert "n'existe pas" in run(home, "list", "--db", tmp_path / "absent.sqlite", expect=1).stderr


@pytest.mark.parametrize("args", [
    ["list", "--kind", "zzz"],
    ["list", "--domain", "zzz"],
    ["stats", "--activity", "zzz"],
    ["show", "abc"],
])
def test_unknown_slug_or_bad_value_exit_2(db, call, args):
    _, err = call(*args, "--db", db, expect=2)
    assert "zzz" in err or "abc" in err


def test_unknown_slug_exit_2_in_a_process(db, home):
    assert "Valeur inconnue pour --kind" in run(home, "list", "--db", db, "--kind", "zzz", expect=2).stderr


@pytest.mark.parametrize("args", [
    ["list", "--bogus"],
    ["list", "--format", "xml"],
    ["list", "--mgp", "--no-mgp"],
    ["show"],
    ["init"],
    ["nosuchcommand"],
    ["stats", "--kind"],
])
def test_bad_usage_exit_2(call, args):
    _, err = call(*args, expect=2)
    assert "erreur d'utilisation" in err


def test_bad_usage_exit_2_in_a_process(home):
    assert "erreur d'utilisation" in run(home, "list", "--bogus", expect=2).stderr


def test_other_errors_exit_1(db, call, tmp_path):
    assert "Aucun acteur" in call("show", "--db", db, "9999", expect=1)[1]
    assert "Aucun appel" in call("list", "--db", db, "--call", "Inconnu", expect=1)[1]
    assert "dossier" in call("list", "--db", tmp_path, expect=1)[1]
    bad = tmp_path / "bad.sqlite"
    bad.write_text("pas une base")
    assert "pas un catalogue" in call("list", "--db", bad, expect=1)[1]


def test_help_and_version(call):
    assert "init" in call("--help")[0]
    assert call("--version")[0].startswith("eco-desktop ")


# ---------------------------------------------------------------- which catalogue
def test_default_catalogue_created_on_first_use(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    default = home / "data" / "eco-desktop" / "catalogue.sqlite"
    assert not default.exists()
    out = run(home, "list", "--search", "genopole").stdout
    assert "Genopole" in out
    assert default.is_file()
    with Catalogue.open(default) as cat:
        assert cat.total() == 52
        cat.delete_actors([GENOPOLE])
    # used, not recreated, the next time
    assert run_json(home, "stats", "--format", "json")["total"] == 51


def test_environment_variable(db, tmp_path, home):
    env = cli_env(tmp_path, ECO_DESKTOP_DB=str(db))
    proc = run(home, "stats", "--format", "json", env=env)
    assert json.loads(proc.stdout)["total"] == 51
    assert not (tmp_path / "data").exists()            # the default catalogue was not created
    missing = tmp_path / "absent.sqlite"
    proc = run(home, "list", env=cli_env(tmp_path, ECO_DESKTOP_DB=str(missing)), expect=1)
    assert not missing.exists()
    # --db wins over the environment
    other = tmp_path / "other.sqlite"
    shutil.copyfile(db, other)
    with Catalogue.open(other) as cat:
        cat.delete_actors([GENOPOLE])
    assert json.loads(run(home, "stats", "--db", other, "--format", "json", env=env).stdout)["total"] == 50


def test_read_commands_do_not_write(db, call):
    content = db.read_bytes()
    call("list", "--db", db, "--format", "json")
    call("stats", "--db", db, "--format", "json")
    call("show", "--db", db, "15")
    assert db.read_bytes() == content


# ---------------------------------------------------------------- record text on a terminal
HOSTILE_NAME = "Nul\x00Octet \x1b[31mRouge\x1b[0m\rÉcrasé \u202eenilno\x07"
# what a terminal may receive: printable text, line feeds, nothing that moves, styles or reorders
_TERMINAL_UNSAFE = {chr(c) for c in [*range(0x00, 0x0a), *range(0x0b, 0x20), *range(0x7f, 0xa0)]} | {"\u202e"}


@pytest.fixture
def hostile_db(catalogue_path) -> tuple[Path, int]:
    with Catalogue.open(catalogue_path) as cat:
        actor_id = cat.create_actor({"name": HOSTILE_NAME, "kind": "biotech", "commune": "Évry\nFaux : champ",
                                     "description": "Ligne 1\nLigne 2 \x1b]8;;http://x\x1b\\lien\x1b]8;;\x1b\\",
                                     "tags": ["étiquette\x1b[2J"]})
        # The store drops the NUL of what it is given (text.storable): a record holds one
        # only when another program wrote the file.
        cat.conn.execute("UPDATE actors SET name = ? WHERE id = ?", (HOSTILE_NAME, actor_id))
        cat.rebuild_search_index()
    return catalogue_path, actor_id


def _assert_terminal_safe(text: str) -> None:
    assert not (set(text) & _TERMINAL_UNSAFE), [c for c in text if c in _TERMINAL_UNSAFE]


def test_text_formats_show_control_characters_as_escapes(hostile_db, call):
    path, actor_id = hostile_db
    out, _ = call("list", "--db", path, "--search", "octet")
    _assert_terminal_safe(out)
    assert "Nul\\x00Octet \\x1b[31mRouge\\x1b[0m\\rÉcrasé \\u202" in out   # cut to the column's width
    assert "Évry\\nFaux : champ" in out                 # one row, one line
    assert out.count("\n") == 4                        # header, rule, the row, the total

    out, _ = call("show", "--db", path, actor_id)
    _assert_terminal_safe(out)
    assert out.startswith("Nul\\x00Octet \\x1b[31mRouge")
    assert "\nLigne 1\nLigne 2 \\x1b]8;;http://x\\x1b\\lien" in out   # the description keeps its lines
    assert "Étiquettes : étiquette\\x1b[2J" in out

    out, _ = call("stats", "--db", path)
    _assert_terminal_safe(out)

    _, err = call("calls", "show", "--db", path, "Appel\x1b[2J\x07", expect=1)
    _assert_terminal_safe(err)
    assert "Appel\\x1b[2J\\x07" in err


def test_json_and_csv_keep_record_text_exact(hostile_db, call):
    path, actor_id = hostile_db
    out, _ = call("list", "--db", path, "--search", "octet", "--format", "json")
    assert [a["name"] for a in json.loads(out)] == [HOSTILE_NAME]
    out, _ = call("show", "--db", path, actor_id, "--format", "json")
    assert json.loads(out)["commune"] == "Évry\nFaux : champ"
    out, _ = call("list", "--db", path, "--search", "octet", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [r["name"] for r in rows] == [HOSTILE_NAME]


# ---------------------------------------------------------------- file errors in French
def test_default_catalogue_folder_that_cannot_be_created(tmp_path, call, monkeypatch):
    blocker = tmp_path / "un-fichier"
    blocker.write_text("pas un dossier")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker / "data"))
    _, err = call("list", expect=1)
    assert "Impossible de créer le dossier du catalogue" in err
    assert "un élément du chemin n'est pas un dossier" in err and "Not a directory" not in err


def test_restore_into_a_missing_folder(db, tmp_path, call):
    blocker = tmp_path / "un-fichier"
    blocker.write_text("pas un dossier")
    _, err = call("restore", "--db", blocker / "c.sqlite", db, expect=1)
    assert f"Le dossier « {blocker} » n'existe pas" in err
    assert blocker.read_text() == "pas un dossier"


def test_an_untranslated_os_error_still_reaches_the_user_in_french(db, tmp_path, call, monkeypatch):
    import errno

    from eco_desktop import backup

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "copie.sqlite"))
    monkeypatch.setattr(backup, "backup_now", denied)
    _, err = call("backup", "--db", db, expect=1)
    assert f"erreur d'accès au fichier « {tmp_path / 'copie.sqlite'} » : permission refusée." in err
    assert "Permission denied" not in err


# ---------------------------------------------------------------- ids beyond SQLite's integers
HUGE_ID = "99999999999999999999999"   # more than 64 bits: SQLite raised OverflowError


def test_an_id_too_big_for_sqlite_is_an_actor_nobody_has(db, call, home):
    assert call("show", "--db", db, HUGE_ID, expect=1)[1] == f"eco-desktop : Aucun acteur n'a l'identifiant {HUGE_ID}.\n"
    assert "Aucun acteur n'a l'identifiant -" + HUGE_ID in call("show", "--db", db, "-" + HUGE_ID, expect=1)[1]
    assert "nombre entier" in call("show", "--db", db, "1" * 5000, expect=2)[1]   # beyond int()'s digits
    done = run(home, "show", "--db", db, HUGE_ID, "--format", "json", expect=1)
    assert "Aucun acteur" in done.stderr and "inattendue" not in done.stderr and done.stdout == ""


def test_calls_status_of_an_id_too_big_for_sqlite(db, call):
    with Catalogue.open(db) as cat:
        name = cat.calls()[0]["name"]
    _, err = call("calls", "status", "--db", db, name, HUGE_ID, "contacted", expect=1)
    assert f"L'acteur n° {HUGE_ID} n'est pas dans la présélection" in err
    assert "nombre entier" in call("calls", "status", "--db", db, name, "six", "contacted", expect=2)[1]


def test_db_given_before_the_command_is_the_one_used(call, catalogue_path, home):
    # argparse let the subcommand's own --db (None) overwrite it: the default catalogue
    # was listed, and an import went into it.
    with Catalogue.open(catalogue_path) as cat:
        cat.create_actor({"name": "Acteur du catalogue choisi", "kind": "biotech"})
    before, _ = call("--db", catalogue_path, "list", "--format", "json")
    assert "Acteur du catalogue choisi" in {a["name"] for a in json.loads(before)}
    after, _ = call("--db", home / "autre.sqlite", "list", "--db", catalogue_path, "--format", "json")
    assert before == after  # the subcommand's own --db wins when both are given
    call("--db", home / "absent.sqlite", "list", expect=1)  # not the default catalogue
