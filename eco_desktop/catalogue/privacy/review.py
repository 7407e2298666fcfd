"""Contacts to review (RGPD): those not updated for years."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from .. import contact_to_dict


def contacts_to_review(catalogue, years: int = 3, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """Contacts not updated for ``years`` years, oldest first, with their organisation's name."""
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    limit = (now - timedelta(days=round(365.25 * years))).replace(microsecond=0).isoformat()
    with catalogue.lock:
        rows = catalogue.backend.conn.execute(
            "SELECT c.*, a.name AS actor_name FROM contacts c JOIN actors a ON a.id = c.actor_id "
            "WHERE c.updated_at < ? ORDER BY c.updated_at, c.id", (limit,)).fetchall()
    out = []
    for row in rows:
        contact = contact_to_dict({k: row[k] for k in row.keys() if k != "actor_name"})
        contact["actor_name"] = row["actor_name"]
        out.append(contact)
    return out
