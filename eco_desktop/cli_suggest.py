"""« Aucun acteur. Vouliez-vous dire : Cellectis ? » for the commands whose ``--search``
found nothing: on stderr, so that what the command writes on stdout (a table, CSV, JSON)
stays only that."""
from __future__ import annotations

import sys

from .catalogue.suggest import did_you_mean
from .filter import Filter
from .terminal import printable


def say_if_nothing_found(catalogue, flt: Filter, found: int) -> None:
    """When a search found no actor, print the closest names and values, if any. Not
    when the text finds actors the other criteria leave out: it was not misspelt."""
    if found or not flt.text.strip() or catalogue.count(Filter(text=flt.text, include_deleted=True)):
        return
    hint = did_you_mean(catalogue.suggestions(flt.text))
    if hint:
        print(printable(f"Aucun acteur. {hint}"), file=sys.stderr)
