"""Follow-ups as an iCalendar file (RFC 5545) that Outlook and Thunderbird import.

One all-day VEVENT per follow-up: DTSTART its day, SUMMARY « Relancer <actor> »,
DESCRIPTION the next step, who, the call and the usable e-mail. Its UID is made from the
follow-up's key (``exchange:12``, ``call:5``), so exporting again updates the events an
agenda imported rather than adding copies. Record text goes in as text: the
``icalendar`` library escapes it (commas, semicolons, line breaks), nothing is
interpreted.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable

from icalendar import Calendar, Event

from .. import APP_TITLE, __version__
from ..atomic import atomic_files
from ..catalogue.followups import Followup
from ..text import storable

UID_DOMAIN = "eco-desktop"


def uid(item: Followup) -> str:
    """The event's stable identifier: the same follow-up, the same UID."""
    return f"relance-{item.key.replace(':', '-')}@{UID_DOMAIN}"


def description(item: Followup) -> str:
    lines = [item.next_step] if item.next_step else []
    if item.who:
        lines.append(f"Par : {item.who}")
    if item.call:
        lines.append(f"Appel à projets : {item.call}")
    if item.email:
        lines.append(f"E-mail : {item.email}")
    return "\n".join(storable(line) for line in lines)


def calendar(items: Iterable[Followup], *, stamp: datetime | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", f"-//{APP_TITLE}//{__version__}//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Relances")
    stamp = stamp or datetime.now(timezone.utc).replace(microsecond=0)
    for item in items:
        event = Event()
        event.add("uid", uid(item))
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due)
        event.add("dtend", item.due + timedelta(days=1))
        event.add("summary", f"Relancer {storable(item.actor)}")
        text = description(item)
        if text:
            event.add("description", text)
        cal.add_component(event)
    return cal


def calendar_bytes(items: Iterable[Followup]) -> bytes:
    return calendar(items).to_ical()


def write_ics(path: str | os.PathLike, items: Iterable[Followup]) -> Path:
    """Write the follow-ups' calendar to ``path`` (atomically: the whole file or none)."""
    data = calendar_bytes(items)
    with atomic_files() as files:
        files.open(path).write(data)
    return Path(path)
