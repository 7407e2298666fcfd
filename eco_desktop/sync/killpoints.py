"""Points where the crash tests kill a sync (``kill -9``) to prove it leaves the catalogue
and the place consistent: with ``ECO_DESKTOP_SYNC_PAUSE=<point>`` in its environment,
the process announces ``SYNC-PAUSE <point>`` on stderr when it reaches the point and
sleeps there until killed — or, on SIGUSR1, goes on, so that a test can kill it a moment
later in the middle of the work that follows. Without the variable (every real run) it
does nothing.

Points: ``after-temp`` (a file's bytes written under its temporary name, not yet
renamed), ``before-mark`` (a changeset published, the catalogue not yet told),
``before-apply`` (a pulled changeset read, not yet applied)."""
from __future__ import annotations

import os
import signal
import sys
import time

POINTS = ("after-temp", "before-mark", "before-apply")


class _Resume(Exception):
    pass


def _resume(_signum, _frame) -> None:
    raise _Resume


def pause_point(point: str) -> None:
    if os.environ.get("ECO_DESKTOP_SYNC_PAUSE") != point:
        return
    resumable = hasattr(signal, "SIGUSR1")
    if resumable:
        previous = signal.signal(signal.SIGUSR1, _resume)
    try:  # the test's signal may come as soon as the line is out
        print(f"SYNC-PAUSE {point}", file=sys.stderr, flush=True)
        time.sleep(3600)
    except _Resume:
        pass
    finally:
        if resumable:
            signal.signal(signal.SIGUSR1, previous)
