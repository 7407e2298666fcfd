"""Follow-ups (« relances »): an exchange (« Suivi ») or a shortlist entry of a call may
carry « À relancer le » (a date), who should do it (a member's name) and the next step.

They are columns of the rows they belong to (migration 10), so a follow-up is written,
undone, merged, trashed, erased and synced with its exchange or shortlist entry. A
follow-up is named by a key, ``"exchange:12"`` or ``"call:5"`` (the table and the row's
id): the list, the iCalendar export (its events' UIDs) and the window use it.

Marking a follow-up done stamps ``followup_done_at`` and records an exchange saying it
was done, in one undoable step. Whether a follow-up is overdue, due today, this week
(to Sunday) or later is relative to :func:`eco_desktop.clock.today`: the « Suivi » facet
(:data:`~eco_desktop.filter.FOLLOWUP_BUCKETS`, evaluated as bitsets by the index from
:func:`bucket_sql`), the « Relances » list and the start-up count.

:class:`FollowupsMixin` relies on the façade's ``backend``, ``transaction()`` and
``actor_ids``; every public method takes the backend's lock.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Sequence

from .. import clock, vocab
from ..clock import now_iso, os_user
from ..errors import UserError
from ..fields import contact_label
from ..filter import FOLLOWUP_BUCKETS, Filter
from ..text import fold, stored_text
from .columns import USABLE_CONTACT_SQL

# Key prefix -> the table whose rows carry the follow-up.
SOURCES = {"exchange": "exchanges", "call": "call_entries"}


def pending(alias: str = "") -> str:
    """The SQL condition of a pending follow-up (of the table named ``alias``)."""
    prefix = f"{alias}." if alias else ""
    return f"{prefix}followup_on IS NOT NULL AND {prefix}followup_done_at IS NULL"


def week_end(today: date) -> date:
    """The Sunday of today's week: « cette semaine » runs to it."""
    return today + timedelta(days=6 - today.weekday())


def bucket(due: date, today: date) -> str:
    """The « Suivi » value of a follow-up due on ``due``."""
    if due < today:
        return "overdue"
    if due == today:
        return "today"
    return "week" if due <= week_end(today) else "later"


def bucket_sql(today: date) -> tuple[str, tuple[str, ...]]:
    """The statement giving, per bucket of pending follow-ups, the actors' ids (one
    group_concat string), and its parameters: what the index's « Suivi » facet reads.
    « sans relance » is every other actor (the index makes it)."""
    rows = (f"SELECT actor_id, followup_on FROM exchanges WHERE {pending()} UNION ALL "
            f"SELECT actor_id, followup_on FROM call_entries WHERE {pending()}")
    sql = ("SELECT CASE WHEN followup_on < ? THEN 'overdue' WHEN followup_on = ? THEN 'today' "
           "WHEN followup_on <= ? THEN 'week' ELSE 'later' END AS bucket, group_concat(DISTINCT actor_id) "
           f"FROM ({rows}) GROUP BY bucket")
    day = today.isoformat()
    return sql, (day, day, week_end(today).isoformat())


def parse_key(key: str) -> tuple[str, int]:
    """``"exchange:12"`` -> ("exchange", 12); a UserError for anything else."""
    source, _, number = str(key).partition(":")
    if source not in SOURCES or not number.isdigit():
        raise UserError(f"Relance inconnue : « {key} ».")
    return source, int(number)


def parse_due(value: Any) -> str | None:
    """An ISO date (or a ``date``) as stored; None or "" clears the follow-up."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError as exc:
        raise UserError(f"Date de relance invalide : « {value} » (attendu AAAA-MM-JJ).") from exc


def followup_values(due: Any, who: str, next_step: str) -> dict[str, Any]:
    """The columns a follow-up set (or removed, without ``due``) writes; pending again."""
    day = parse_due(due)
    return {"followup_on": day, "followup_by": stored_text(who) if day else "",
            "next_step": stored_text(next_step) if day else "", "followup_done_at": None}


# The headings of a follow-up's columns, in the order the list, the export's sheet and the
# command line show them (keys: Followup's attributes, « bucket » its label).
FOLLOWUP_HEADINGS: dict[str, str] = {
    "due": "À relancer le", "bucket": "Suivi", "actor": "Acteur", "call": "Appel à projets",
    "who": "Par", "next_step": "Prochaine étape", "email": contact_label("email"),
}


@dataclass(frozen=True)
class Followup:
    """One follow-up as the list, the exports and the CLI show it."""

    key: str            # "exchange:12" / "call:5"
    actor_id: int
    actor: str          # the actor's name
    due: date
    who: str
    next_step: str
    call: str           # the call's name, for a shortlist entry ("" for an exchange)
    email: str          # the actor's first usable contact's e-mail ("" when none)
    done_at: str | None
    bucket: str         # FOLLOWUP_BUCKETS key, relative to today

    @property
    def bucket_label(self) -> str:
        return FOLLOWUP_BUCKETS[self.bucket]

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["due"] = self.due.isoformat()
        out["bucket_label"] = self.bucket_label
        return out


class FollowupsMixin:
    """Follow-ups of exchanges and shortlist entries (see the module)."""

    # ------------------------------------------------------------------ reading
    def followup_labels(self) -> dict[str, str]:
        """{bucket: label} of the « Suivi » facet."""
        return dict(FOLLOWUP_BUCKETS)

    def followups(self, flt: Filter | None = None, *, overdue: bool = False,
                  include_done: bool = False) -> list[Followup]:
        """The follow-ups of the actors matching ``flt`` (every actor outside the trash by
        default), by date then actor: pending ones only unless ``include_done``, only
        those due before today with ``overdue``."""
        today = clock.today()
        where = "x.followup_on IS NOT NULL" if include_done and not overdue else pending("x")
        if overdue:
            where += " AND x.followup_on < ?"
        params = (today.isoformat(),) if overdue else ()
        with self.backend.lock:
            wanted = set(self.actor_ids(flt or Filter()))
            rows = [dict(r) for r in self.backend.execute(
                "SELECT 'exchange' AS source, x.id, x.actor_id, a.name, x.followup_on, x.followup_by, "
                "x.next_step, '' AS call, x.followup_done_at FROM exchanges x JOIN actors a ON a.id = x.actor_id "
                f"WHERE {where} UNION ALL "
                "SELECT 'call', x.id, x.actor_id, a.name, x.followup_on, x.followup_by, x.next_step, c.name, "
                "x.followup_done_at FROM call_entries x JOIN actors a ON a.id = x.actor_id "
                f"JOIN calls c ON c.id = x.call_id WHERE {where}", params * 2)]
            rows = [r for r in rows if r["actor_id"] in wanted]
            emails = self._usable_emails({r["actor_id"] for r in rows})
        out = []
        for r in rows:
            due = date.fromisoformat(r["followup_on"])
            out.append(Followup(f"{r['source']}:{r['id']}", r["actor_id"], r["name"], due, r["followup_by"],
                                r["next_step"], r["call"], emails.get(r["actor_id"], ""), r["followup_done_at"],
                                bucket(due, today)))
        out.sort(key=lambda f: (f.due, fold(f.actor), f.key))
        return out

    def followup_counts(self) -> dict[str, int]:
        """Pending follow-ups of the actors outside the trash, per bucket (every bucket
        but « sans relance », 0 included): « 3 relances en retard » at start."""
        today = clock.today()
        counts = {name: 0 for name in FOLLOWUP_BUCKETS if name != "none"}
        with self.backend.lock:
            for table in SOURCES.values():
                for (due,) in self.backend.execute(
                        f"SELECT x.followup_on FROM {table} x JOIN actors a ON a.id = x.actor_id "
                        f"WHERE {pending('x')} AND a.deleted_at IS NULL"):
                    counts[bucket(date.fromisoformat(due), today)] += 1
        return counts

    def followup(self, key: str) -> dict[str, Any]:
        """The row carrying a follow-up (an exchange or a shortlist entry), as stored."""
        source, row_id = parse_key(key)
        with self.backend.lock:
            row = self.backend.row(SOURCES[source], row_id)
        if row is None:
            raise UserError("Cette relance n'existe plus.")
        return row

    def _usable_emails(self, actor_ids: Iterable[int]) -> dict[int, str]:
        """Each actor's first usable contact's e-mail (legal basis, no opposition, the
        address not opposed on any contact record): the « Relances » list's mailto."""
        ids = list(actor_ids)
        if not ids:
            return {}
        objected = {r[0].strip().casefold() for r in self.backend.execute(
            "SELECT email FROM contacts WHERE opt_out AND trim(coalesce(email, '')) <> ''")}
        out: dict[int, str] = {}
        for row in self.backend.rows_in(
                f"SELECT actor_id, email FROM contacts WHERE actor_id IN ({{ids}}) AND {USABLE_CONTACT_SQL} "
                "AND trim(coalesce(email, '')) <> '' ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE, id",
                ids):
            email = row["email"].strip()
            if email.casefold() not in objected:
                out.setdefault(row["actor_id"], email)
        return out

    # ------------------------------------------------------------------ writing
    def set_followup(self, key: str, *, due: Any, who: str = "", next_step: str = "") -> bool:
        """Set (or, with ``due`` None or "", remove) the follow-up of an exchange or a
        shortlist entry; a follow-up done becomes pending again. One undoable step."""
        source, row_id = parse_key(key)
        values = followup_values(due, who, next_step)
        with self.backend.lock:
            row = self.backend.row(SOURCES[source], row_id)
            if row is None:
                raise UserError("Cet échange ou cette présélection n'existe plus.")
            if all(row.get(k) == v for k, v in values.items()):
                return False
            name = self._actor_name(row["actor_id"])
            label = (f"Relance le {values['followup_on']} : « {name} »" if values["followup_on"]
                     else f"Retirer la relance : « {name} »")
            with self.transaction(label):
                return self.backend.update(SOURCES[source], row_id, values)

    def set_call_followups(self, call_id: int, actor_ids: Sequence[int], *, due: Any, who: str = "",
                           next_step: str = "") -> int:
        """:meth:`set_followup` of these actors' shortlist entries in a call (the proposal
        when they become « contacté »), one undoable step; how many changed."""
        values = followup_values(due, who, next_step)
        with self.backend.lock:
            entries = {r["actor_id"]: dict(r) for r in self.backend.execute(
                "SELECT * FROM call_entries WHERE call_id = ?", (call_id,))}
            missing = [a for a in actor_ids if a not in entries]
            if missing:
                raise UserError(f"L'acteur n° {missing[0]} n'est pas dans la présélection de cet appel.")
            changed = [entries[a] for a in dict.fromkeys(actor_ids)
                       if any(entries[a].get(k) != v for k, v in values.items())]
            if not changed:
                return 0
            label = (f"Relance le {values['followup_on']} pour {len(changed)} acteur(s)" if values["followup_on"]
                     else f"Retirer la relance de {len(changed)} acteur(s)")
            with self.transaction(label):
                for entry in changed:
                    self.backend.update("call_entries", entry["id"], values)
            return len(changed)

    def set_call_followup(self, call_id: int, actor_id: int, *, due: Any, who: str = "",
                          next_step: str = "") -> bool:
        """:meth:`set_call_followups` of one actor."""
        return bool(self.set_call_followups(call_id, [actor_id], due=due, who=who, next_step=next_step))

    def complete_followup(self, key: str, *, kind: str | None = None, text: str | None = None,
                          day: Any = None) -> int:
        """Mark a follow-up done and record it as an exchange of the actor (dated ``day``,
        today by default; ``kind`` that of the exchange followed up, else an e-mail; the
        text says what was followed up unless given). One undoable step; the new
        exchange's id."""
        source, row_id = parse_key(key)
        table = SOURCES[source]
        with self.backend.lock:
            row = self.backend.row(table, row_id)
            if row is None or row.get("followup_on") is None:
                raise UserError("Cette relance n'existe plus.")
            if row["followup_done_at"]:
                raise UserError("Cette relance est déjà faite.")
            kind = kind or (row["kind"] if source == "exchange" else "email")
            if kind not in vocab.EXCHANGE_KINDS:
                raise UserError(f"Type d'échange inconnu : « {kind} ».")
            when = parse_due(day) or clock.today().isoformat()
            if text is None:
                what = row["next_step"] or "relance"
                if source == "call":
                    call = self.backend.row("calls", row["call_id"])
                    what += f" (appel « {call['name']} »)" if call else ""
                text = f"Relance faite : {what}"
            name = self._actor_name(row["actor_id"])
            with self.transaction(f"Relance faite : « {name} »"):
                self.backend.update(table, row_id, {"followup_done_at": now_iso()})
                return self.backend.insert("exchanges", {
                    "actor_id": row["actor_id"], "date": when, "kind": kind, "author": os_user(),
                    "text": stored_text(text), "created_at": now_iso()})

    def _actor_name(self, actor_id: int) -> str:
        row = self.backend.execute("SELECT name FROM actors WHERE id = ?", (actor_id,)).fetchone()
        return row[0] if row else f"n° {actor_id}"

