"""The follow-ups' iCalendar file: one event per follow-up, stable UIDs, record text as text."""
from __future__ import annotations

from datetime import date

import icalendar

from eco_desktop.catalogue.followups import Followup
from eco_desktop.export.ics import calendar_bytes, uid, write_ics


def _item(key: str, actor: str, due: date, **extra) -> Followup:
    values = dict(key=key, actor_id=1, actor=actor, due=due, who="", next_step="", call="", email="",
                  done_at=None, bucket="later")
    values.update(extra)
    return Followup(**values)


def test_one_event_per_followup(tmp_path):
    items = [_item("exchange:3", "Cellectis", date(2026, 12, 15), next_step="Envoyer le dossier", who="Claire",
                   email="zoe@example.org"),
             _item("call:7", "Genopole", date(2027, 1, 4), call="AAP Vaccins")]
    path = write_ics(tmp_path / "relances.ics", items)
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    events = cal.walk("VEVENT")
    assert len(events) == 2
    first = events[0]
    assert first["dtstart"].dt == date(2026, 12, 15) and first["dtend"].dt == date(2026, 12, 16)
    assert str(first["summary"]) == "Relancer Cellectis"
    assert str(first["description"]) == "Envoyer le dossier\nPar : Claire\nE-mail : zoe@example.org"
    assert str(first["uid"]) == "relance-exchange-3@eco-desktop" == uid(items[0])
    assert "description" in events[1] and "AAP Vaccins" in str(events[1]["description"])


def test_record_text_stays_text():
    hostile = "BEGIN:VEVENT\nSUMMARY:piège; a,b\\n"
    data = calendar_bytes([_item("exchange:1", hostile, date(2026, 12, 1), next_step=hostile)])
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == 1
    assert str(events[0]["summary"]) == f"Relancer {hostile}"


def test_no_followup_an_empty_calendar():
    cal = icalendar.Calendar.from_ical(calendar_bytes([]))
    assert cal.walk("VEVENT") == [] and str(cal["version"]) == "2.0"
