"""``eco-desktop followups``: the table, JSON and iCalendar, --overdue, FILTERS, -o."""
from __future__ import annotations

import json

import icalendar
import pytest

from eco_desktop.catalogue import Catalogue

from cli_helpers import cli_env, run_cli

CELLECTIS, GENOPOLE, GENSIGHT = 15, 20, 17


@pytest.fixture
def followups_db(catalogue_path):
    """Follow-ups long overdue and far ahead, so that the real today sorts them."""
    with Catalogue.open(catalogue_path) as cat:
        cat.add_contact(CELLECTIS, {"last_name": "Zoé", "email": "zoe@example.org", "legal_basis": "consent"})
        cat.add_exchange(CELLECTIS, date="2020-01-02", kind="call", text="", followup_on="2020-01-15",
                         followup_by="Claire", next_step="Envoyer le dossier; puis, rappeler")
        call = cat.create_call("AAP Vaccins", shortlist_matching=False)
        cat.add_to_call(call, [GENSIGHT])
        cat.set_call_followup(call, GENSIGHT, due="2099-03-01", next_step="Relancer")
        cat.add_exchange(GENOPOLE, date="2020-01-02", kind="note", text="", followup_on="2099-01-01")
    return catalogue_path


def test_table_sorted_by_date(followups_db, tmp_path):
    out = run_cli(["--db", followups_db, "followups"], home=tmp_path).stdout.splitlines()
    assert out[0].split()[:4] == ["À", "relancer", "le", "Suivi"]
    assert "15/01/2020" in out[2] and "En retard" in out[2] and "Cellectis" in out[2] and "zoe@example.org" in out[2]
    assert "01/01/2099" in out[3] and "01/03/2099" in out[4] and "AAP Vaccins" in out[4]
    assert out[-1] == "3 relances, dont 1 en retard."


def test_overdue_and_filters(followups_db, tmp_path):
    out = run_cli(["--db", followups_db, "followups", "--overdue"], home=tmp_path).stdout
    assert "Cellectis" in out and "Genopole" not in out
    out = run_cli(["--db", followups_db, "followups", "--call", "AAP Vaccins"], home=tmp_path).stdout
    assert out.splitlines()[-1] == "1 relance."
    empty = run_cli(["--db", followups_db, "followups", "--search", "zzzzqqq"], home=tmp_path).stdout
    assert empty.strip() == "0 relance."


def test_json(followups_db, tmp_path):
    data = json.loads(run_cli(["--db", followups_db, "followups", "--format", "json"], home=tmp_path).stdout)
    assert [d["actor_id"] for d in data] == [CELLECTIS, GENOPOLE, GENSIGHT]
    assert data[0]["due"] == "2020-01-15" and data[0]["bucket"] == "overdue" and data[0]["who"] == "Claire"
    assert data[0]["key"].startswith("exchange:") and data[2]["call"] == "AAP Vaccins"


def test_ics_to_a_file(followups_db, tmp_path):
    target = tmp_path / "relances.ics"
    proc = run_cli(["--db", followups_db, "followups", "--format", "ics", "-o", target], home=tmp_path)
    assert "3 relances" in proc.stderr and proc.stdout == ""
    cal = icalendar.Calendar.from_ical(target.read_bytes())
    events = cal.walk("VEVENT")
    assert len(events) == 3
    assert str(events[0]["summary"]) == "Relancer Cellectis"
    assert str(events[0]["description"]).splitlines()[0] == "Envoyer le dossier; puis, rappeler"
    again = run_cli(["--db", followups_db, "followups", "--format", "ics"], home=tmp_path).stdout
    assert [str(e["uid"]) for e in icalendar.Calendar.from_ical(again).walk("VEVENT")] == \
        [str(e["uid"]) for e in events]


def test_table_to_a_file(followups_db, tmp_path):
    target = tmp_path / "relances.txt"
    run_cli(["--db", followups_db, "followups", "-o", target], home=tmp_path, env=cli_env(tmp_path))
    assert target.read_text(encoding="utf-8").splitlines()[-1] == "3 relances, dont 1 en retard."


def test_the_suivi_facet_filters_every_command(followups_db, tmp_path):
    data = json.loads(run_cli(["--db", followups_db, "list", "--followup", "overdue", "--format", "json"],
                              home=tmp_path).stdout)
    assert [a["id"] for a in data] == [CELLECTIS]
    later = json.loads(run_cli(["--db", followups_db, "list", "--followup", "later", "--format", "json"],
                               home=tmp_path).stdout)
    assert sorted(a["id"] for a in later) == sorted([GENOPOLE, GENSIGHT])
    run_cli(["--db", followups_db, "list", "--followup", "soon"], home=tmp_path, expect=2)
