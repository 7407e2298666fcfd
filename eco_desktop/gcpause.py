"""Pause the cyclic garbage collector around bulk work (imports, the France gazetteer).

Building 100,000s of small dicts and lists triggers collections that scan every live
object again and again (a third of the time of a 100k-row duplicate search here). The
importer creates no reference cycles, so reference counting frees everything anyway.

When the outermost pause ends, what was made meanwhile goes straight to the oldest
generation (``gc.freeze()`` then ``gc.unfreeze()``: two list splices). Left in the
youngest one, those objects would all be scanned by the first collection after the
pause, then again by the next middle-generation one: about a second each for a
100k-row plan, on whichever thread (the window's) next allocated an object. They are
still collected, by the next full collection.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()
