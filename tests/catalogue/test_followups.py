"""Follow-ups of exchanges and shortlist entries: buckets relative to a frozen today, the
« Suivi » facet as bitsets, the list with usable e-mails, done → an exchange, undo."""
from __future__ import annotations

from datetime import date

import pytest

from eco_desktop import clock
from eco_desktop.errors import UserError
from eco_desktop.filter import Filter
from eco_desktop.catalogue.followups import bucket, parse_key, week_end

CELLECTIS, GENOPOLE, GENSIGHT = 15, 20, 17
WEDNESDAY = date(2026, 12, 2)


@pytest.fixture
def today(monkeypatch):
    """Freeze clock.today() at a Wednesday; the test may move it (today.set(day))."""
    class Frozen:
        day = WEDNESDAY

        def set(self, day: date) -> None:
            self.day = day

    frozen = Frozen()
    monkeypatch.setattr(clock, "today", lambda: frozen.day)
    return frozen


def _exchange_with_followup(cat, actor_id: int, due: str, step: str = "Envoyer le dossier") -> str:
    exchange = cat.add_exchange(actor_id, date="2026-11-20", kind="call", text="Premier appel")
    key = f"exchange:{exchange}"
    assert cat.set_followup(key, due=due, who="Claire", next_step=step)
    return key


def _facet(cat, flt: Filter | None = None) -> dict[str, int]:
    return {i["value"]: i["count"] for i in cat.facet_counts(flt)["followup"]}


def test_buckets_relative_to_today():
    assert week_end(WEDNESDAY) == date(2026, 12, 6)
    assert bucket(date(2026, 12, 1), WEDNESDAY) == "overdue"
    assert bucket(WEDNESDAY, WEDNESDAY) == "today"
    assert bucket(date(2026, 12, 6), WEDNESDAY) == "week"
    assert bucket(date(2026, 12, 7), WEDNESDAY) == "later"
    assert bucket(date(2026, 12, 7), date(2026, 12, 7)) == "today"


def test_keys():
    assert parse_key("exchange:12") == ("exchange", 12)
    assert parse_key("call:3") == ("call", 3)
    for bad in ("actor:1", "exchange:", "exchange:x", ""):
        with pytest.raises(UserError):
            parse_key(bad)


def test_facet_buckets_with_a_frozen_clock(catalogue, today):
    _exchange_with_followup(catalogue, CELLECTIS, "2026-12-01")
    _exchange_with_followup(catalogue, GENOPOLE, "2026-12-02")
    _exchange_with_followup(catalogue, GENSIGHT, "2026-12-05")
    _exchange_with_followup(catalogue, GENSIGHT, "2027-01-15")
    total = catalogue.total()
    assert _facet(catalogue) == {"overdue": 1, "today": 1, "week": 1, "later": 1, "none": total - 3}
    assert [i["value"] for i in catalogue.facet_counts()["followup"]] == ["overdue", "today", "week", "later", "none"]
    assert catalogue.actor_ids(Filter(followup=("overdue",))) == [CELLECTIS]
    assert sorted(catalogue.actor_ids(Filter(followup=("overdue", "today")))) == [CELLECTIS, GENOPOLE]
    assert catalogue.count(Filter(followup=("none",))) == total - 3
    assert catalogue.followup_counts() == {"overdue": 1, "today": 1, "week": 1, "later": 1}
    # the next day: today's is overdue, without any write in between
    today.set(date(2026, 12, 3))
    assert _facet(catalogue)["overdue"] == 2
    assert catalogue.followup_counts()["overdue"] == 2
    # the facet applies the other facets' selections, not its own
    assert _facet(catalogue, Filter(followup=("overdue",), kinds=("cluster",)))["none"] >= 1


def test_trashed_actors_leave_the_counts(catalogue, today):
    _exchange_with_followup(catalogue, CELLECTIS, "2026-11-30")
    catalogue.delete_actors([CELLECTIS])
    assert catalogue.followup_counts()["overdue"] == 0
    assert catalogue.followups() == []
    assert "overdue" not in _facet(catalogue)


def test_list_sorted_with_usable_email_only(catalogue, today):
    catalogue.add_contact(CELLECTIS, {"last_name": "Sans base", "email": "nobasis@example.org"})
    catalogue.add_contact(CELLECTIS, {"last_name": "Zoé", "email": "zoe@example.org", "legal_basis": "consent"})
    catalogue.add_contact(GENOPOLE, {"last_name": "Opposé", "email": "non@example.org", "legal_basis": "consent",
                                     "opt_out": True})
    call = catalogue.create_call("AAP Bioproduction", shortlist_matching=False)
    catalogue.add_to_call(call, [GENOPOLE])
    catalogue.set_call_followup(call, GENOPOLE, due="2026-11-28", who="Bob", next_step="Rappeler")
    _exchange_with_followup(catalogue, CELLECTIS, "2026-12-10")
    items = catalogue.followups()
    assert [(f.actor_id, f.due.isoformat(), f.call, f.email) for f in items] == [
        (GENOPOLE, "2026-11-28", "AAP Bioproduction", ""),
        (CELLECTIS, "2026-12-10", "", "zoe@example.org")]
    assert [f.actor_id for f in catalogue.followups(overdue=True)] == [GENOPOLE]
    assert [f.actor_id for f in catalogue.followups(Filter(kinds=("biotech",)))] == [CELLECTIS]
    data = items[0].to_dict()
    assert data["bucket"] == "overdue" and data["bucket_label"] == "En retard" and data["due"] == "2026-11-28"


def test_done_records_an_exchange_and_undo_brings_it_back(catalogue, today):
    key = _exchange_with_followup(catalogue, CELLECTIS, "2026-12-01", "Envoyer le dossier")
    exchange_id = catalogue.complete_followup(key)
    exchanges = catalogue.exchanges(CELLECTIS)
    done = next(e for e in exchanges if e["id"] == exchange_id)
    assert (done["date"], done["kind"], done["text"]) == ("2026-12-02", "call", "Relance faite : Envoyer le dossier")
    assert catalogue.followup(key)["followup_done_at"]
    assert catalogue.followups() == [] and catalogue.followup_counts()["overdue"] == 0
    assert [f.key for f in catalogue.followups(include_done=True)] == [key]
    with pytest.raises(UserError, match="déjà faite"):
        catalogue.complete_followup(key)
    assert catalogue.undo() == "Relance faite : « Cellectis »"
    assert [f.key for f in catalogue.followups()] == [key]
    assert len(catalogue.exchanges(CELLECTIS)) == 1


def test_call_followup_done_names_the_call(catalogue, today):
    call = catalogue.create_call("AAP Vaccins", shortlist_matching=False)
    catalogue.add_to_call(call, [GENSIGHT])
    catalogue.set_call_followup(call, GENSIGHT, due=date(2026, 12, 9), next_step="Relancer le dossier")
    key = catalogue.followups()[0].key
    assert key.startswith("call:")
    exchange_id = catalogue.complete_followup(key, text=None)
    done = next(e for e in catalogue.exchanges(GENSIGHT) if e["id"] == exchange_id)
    assert done["kind"] == "email" and done["text"] == "Relance faite : Relancer le dossier (appel « AAP Vaccins »)"


def test_set_and_clear(catalogue, today):
    key = _exchange_with_followup(catalogue, CELLECTIS, "2026-12-01")
    assert not catalogue.set_followup(key, due="2026-12-01", who="Claire", next_step="Envoyer le dossier")
    assert catalogue.set_followup(key, due=None)
    row = catalogue.followup(key)
    assert (row["followup_on"], row["followup_by"], row["next_step"]) == (None, "", "")
    with pytest.raises(UserError, match="Date de relance invalide"):
        catalogue.set_followup(key, due="15/12/2026")
    with pytest.raises(UserError):
        catalogue.set_followup("exchange:99999", due="2026-12-01")
    with pytest.raises(UserError, match="présélection"):
        catalogue.set_call_followup(1, CELLECTIS, due="2026-12-01")


def test_an_exchange_recorded_with_its_followup(catalogue, today):
    exchange = catalogue.add_exchange(CELLECTIS, date="2026-12-02", kind="meeting", text="Comité",
                                      followup_on="2026-12-09", followup_by="Claire", next_step="Envoyer le CR")
    [item] = catalogue.followups()
    assert (item.key, item.due, item.who, item.next_step, item.bucket) == (
        f"exchange:{exchange}", date(2026, 12, 9), "Claire", "Envoyer le CR", "later")
    with pytest.raises(UserError, match="Date de relance invalide"):
        catalogue.add_exchange(CELLECTIS, date="2026-12-02", kind="note", text="", followup_on="demain")


def test_a_call_followup_for_several_actors_is_one_step(catalogue, today):
    call = catalogue.create_call("AAP Bioproduction", shortlist_matching=False)
    catalogue.add_to_call(call, [CELLECTIS, GENOPOLE])
    assert catalogue.set_call_followups(call, [CELLECTIS, GENOPOLE], due="2026-12-09", who="Bob") == 2
    assert catalogue.set_call_followups(call, [CELLECTIS, GENOPOLE], due="2026-12-09", who="Bob") == 0
    assert [f.actor_id for f in catalogue.followups()] == [CELLECTIS, GENOPOLE]
    assert catalogue.undo() == "Relance le 2026-12-09 pour 2 acteur(s)"
    assert catalogue.followups() == []


def test_a_calls_followup_delay(catalogue):
    call = catalogue.create_call("AAP Vaccins", followup_days=14)
    assert catalogue.get_call(call)["followup_days"] == 14
    assert catalogue.update_call(call, {"followup_days": "21"})
    assert catalogue.get_call(call)["followup_days"] == 21
    for bad in (0, 400, "x"):
        with pytest.raises(UserError, match="Délai de relance"):
            catalogue.update_call(call, {"followup_days": bad})
    assert catalogue.get_call(catalogue.create_call("AAP 2"))["followup_days"] == 7
