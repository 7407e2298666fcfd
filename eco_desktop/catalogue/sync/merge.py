"""The merge rules of one field, pure functions (see :mod:`.apply` for the rows).

- a field only one side changed: that side's value;
- a JSON-array field (domains, activities, tags, aliases) changed on both sides: merged as a
  set against the value both started from — each side's additions and removals are kept;
- a scalar field changed differently on both sides: the later edit wins, by the rows'
  ``updated_at`` (the changeset's time when it does not give one); on a tie, the larger
  value (JSON text) — a rule every catalogue applies alike, so they all converge.
"""
from __future__ import annotations

import json
from typing import Any


def merge_sets(base: Any, mine: Any, theirs: Any) -> str | None:
    """The set merge of three JSON arrays (texts) in mine's order, theirs' additions after;
    None when one is not an array (then merged as a scalar)."""
    try:
        o = json.loads(base) if base is not None else []
        m, t = json.loads(mine), json.loads(theirs)
    except (TypeError, ValueError):
        return None
    if not all(isinstance(v, list) for v in (o, m, t)):
        return None
    removed = [x for x in o if x not in t]
    out: list = []
    for x in m + [x for x in t if x not in o]:
        if x not in removed and x not in out:
            out.append(x)
    return json.dumps(out, ensure_ascii=False)


def theirs_wins(mine: Any, mine_at: str, theirs: Any, theirs_at: str) -> bool:
    """Whether the other side's value of a field both changed is kept (the later edit)."""
    if theirs_at != mine_at:
        return (theirs_at or "") > (mine_at or "")
    return _order(theirs) > _order(mine)


def _order(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
