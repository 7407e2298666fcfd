"""Erasing a person (RGPD): a preview of every place that will change, then exactly
those changes, then the file rewritten so that no byte of the person is left.

What is searched and where:

* the contact row itself is deleted, with every history image of it; a history batch
  left without changes goes too (its label named the person);
* free text of every table (``FREE_TEXT``): notes of other contacts, of relations, of
  shortlists; exchanges; an actor's description, source and tags; saved views' names
  and filters; calls; history labels and images (redacted by the same rules as the
  live row they copy). The person is matched by ``matching.Person``: whole phrases of
  their name, their whole e-mail address, their phone number in any formatting;
* never touched (``NEVER_TOUCHED``): vocabularies and their slugs, places, actor names
  and identifiers, other contacts' identity columns — a namesake keeps their name;
* an e-mail or phone the contact shares with an organisation (switchboard, generic
  address) is the organisation's, not personal data: the organisation keeps it, it is
  not redacted in free text, and the preview and the report say so (``Plan.kept``).

The erasure is not undoable and not recorded in the history. After its transaction the
file is compacted (``secure_delete``, full-text ``optimize``, ``VACUUM``,
``wal_checkpoint(TRUNCATE)``). When that cannot finish — another connection is reading,
the disk is full — ``Erasure.purged`` is False with the reason, and ``purge_file`` is
the retry.

Backups made before the erasure still hold the person. ``backups_holding`` opens each
copy read-only and searches it the same way; ``erase_in_backups`` applies the same
erasure to a temporary copy of each one and renames it over the backup (a backup stays
a backup, restorable and dated; deleting it would also lose everyone else's data of
that day). A copy that cannot be read or rewritten is reported, never skipped silently.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ...errors import UserError
from ..sync.erasure import record_local as record_erasure
from .backups import erase_in_backups
from .plan import LABEL, Kept, Place, Plan, apply_plan, build_plan
from .purge import Purge, purge_file


@dataclass
class Erasure:
    """What erase_person did."""
    name: str
    history_deleted: int      # history changes of the contact row, deleted
    history_rewritten: int    # other history images and labels with the person redacted
    mentions_redacted: int    # live cells (notes, exchanges…) with the person redacted
    purged: bool              # the file was rewritten: no old bytes left
    purge_reason: str = ""
    kept: list[Kept] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    backups: list[tuple[Path, str]] = field(default_factory=list)   # (backup, "" or French error)

    def message(self) -> str:
        """The French report of the erasure."""
        if self.purged:
            lines = [f"« {self.name} » a été effacé(e) du catalogue ({len(self.places)} endroit(s) modifié(s)) ; "
                     "le fichier a été réécrit : plus aucune trace dans ses octets."]
        else:
            lines = [f"« {self.name} » a été retiré(e) du catalogue, mais le fichier n'a pas pu être réécrit "
                     f"({self.purge_reason}) : ses anciennes données restent lisibles dans le fichier tant que "
                     "la réécriture n'a pas réussi. Réessayez."]
        lines += [k.sentence() for k in self.kept]
        for path, error in self.backups:
            lines.append(f"Sauvegarde {path.name} : {error}" if error else f"Sauvegarde {path.name} : effacé(e).")
        return "\n".join(lines)

def preview_erasure(catalogue, contact_id: int) -> Plan:
    """Everything ``erase_person`` would change, without writing anything."""
    with catalogue.lock:
        contact = catalogue.get_contact(contact_id)
        if contact is None:
            raise UserError("Ce contact n'existe plus.")
        return build_plan(catalogue.backend.conn, contact, [contact_id])


def erase_person(catalogue, contact_id: int, *, expected: Plan | None = None,
                 backups: bool = False) -> Erasure:
    """Remove a contact and purge the person from the whole catalogue, history included;
    with ``backups``, from the catalogue's backups too.

    ``expected``: the preview the user confirmed; when the catalogue no longer gives the
    same plan, nothing is written (UserError). Not undoable. Raises UserError when the
    catalogue is read-only or busy.
    """
    if catalogue.read_only:
        raise UserError(f"Le catalogue « {catalogue.path.name} » est ouvert en lecture seule : "
                        "modification impossible.")
    with catalogue.lock:
        conn = catalogue.backend.conn
        conn.execute("PRAGMA secure_delete = ON")
        try:
            with catalogue.unrecorded_transaction(LABEL) as batch:
                contact = catalogue.get_contact(contact_id)
                if contact is None:
                    raise UserError("Ce contact n'existe plus.")
                plan = build_plan(conn, contact, [contact_id])
                if expected is not None and plan.signature() != expected.signature():
                    raise UserError("Le catalogue a changé depuis l'aperçu : rien n'a été effacé. "
                                    "Relancez l'effacement pour voir le nouvel aperçu.")
                apply_plan(conn, plan)
                record_erasure(catalogue, contact, [contact_id])  # told to the team (sync)
                batch.actor_ids.update(plan.actor_ids)
            purge = purge_file(catalogue)
        finally:
            conn.execute("PRAGMA secure_delete = OFF")
    result = _erasure(plan, purge)
    if backups:
        result.backups = erase_in_backups(catalogue.path, contact)
    return result


def _erasure(plan: Plan, purge: Purge) -> Erasure:
    history = [p for p in plan.places if p.table.startswith("history_")]
    deleted = sum(1 for p in history if p.table == "history_changes" and p.field == "*")
    rewritten = sum(1 for p in history if p.field != "*")
    live = sum(1 for p in plan.places if not p.table.startswith("history_") and p.field != "*")
    return Erasure(plan.name, deleted, rewritten, live, purge.ok, purge.reason, plan.kept, plan.places)
