"""Points where the crash tests kill a sync (``kill -9``) to prove it leaves the catalogue
and the place consistent: with ``ECO_DESKTOP_SYNC_PAUSE=<point>`` in its environment,
the process announces ``SYNC-PAUSE <point>`` on stderr when it reaches the point and
sleeps there until killed. Without the variable (every real run) it does nothing.

Points: ``after-temp`` (a file's bytes written under its temporary name, not yet
renamed), ``before-mark`` (a changeset published, the catalogue not yet told),
``before-apply`` (a pulled changeset read, not yet applied), ``mid-apply`` (its rows
written in the catalogue's open transaction, not yet committed)."""
from __future__ import annotations

import os
import sys
import time

POINTS = ("after-temp", "before-mark", "before-apply", "mid-apply")


def pause_point(point: str) -> None:
    if os.environ.get("ECO_DESKTOP_SYNC_PAUSE") != point:
        return
    print(f"SYNC-PAUSE {point}", file=sys.stderr, flush=True)
    time.sleep(3600)
