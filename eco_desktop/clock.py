"""The time and the person stamped on what the catalogue records.

A module of its own because the store, the calls, the bundled dataset, the synthetic
catalogue and the window all stamp rows: each taking it from ``store.py`` made the
calls and the dataset import the store that imports them."""
from __future__ import annotations

import getpass
from datetime import date, datetime, timezone


def now_iso() -> str:
    """Now, in UTC, to the second: the format of every ``*_at`` column."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def today() -> date:
    """Today where the officer is (local time): what follow-ups fall due against. Callers
    call it as ``clock.today()``, so that a test freezes the day by replacing it."""
    return date.today()


def os_user() -> str:
    """The operating system's login name: the author of history batches and exchanges."""
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "inconnu"
