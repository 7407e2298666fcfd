"""Sites linked to their head office: the ``site_of`` relations a SIRENE file implies.

When the file says which establishment is its firm's head office (SIRENE's
``etablissementSiege``, ``nicSiegeUniteLegale``, a « SIRET du siège »), the firm's other
establishments are linked to it, in the import's transaction (same undo); a link already
there is not made again.
"""
from __future__ import annotations

from typing import Any

from ..errors import UserError
from .duplicates import Duplicate
from .mapping import header_key
from .plan import CREATE, NOTHING, ImportPlan
from .summary import ImportSummary
from .values import parse_bool

# Columns saying which establishment is the firm's head office (SIRENE v3, v2's long
# headers, the « recherche d'entreprises » exports). They feed no field of the actor.
_HEAD_OFFICE_FLAGS = frozenset(header_key(h) for h in (
    "etablissementSiege", "Siège", "Établissement siège", "Est siège", "Siège social",
    "Qualité de siège ou non de l'établissement", "Établissement siège de l'unité légale"))
_HEAD_OFFICE_NICS = frozenset(header_key(h) for h in (
    "nicSiegeUniteLegale", "NIC du siège", "NIC du siège de l'entreprise",
    "NIC du siège de l'unité légale"))
_HEAD_OFFICE_SIRETS = frozenset(header_key(h) for h in (
    "siret_siege", "SIRET du siège", "SIRET du siège de l'entreprise"))


def plan_site_links(catalogue, plan: ImportPlan, duplicates: list[Duplicate | None],
                    existing: list[dict[str, Any]]) -> None:
    """The (site, head office) pairs of the file: each establishment of a firm (same
    SIREN, another SIRET) and the one the file says is its head office, in the file or
    already in the catalogue. Rows without a SIRET are the firm, not one of its sites."""
    keys = [header_key(h) for h in plan.table.headers]
    flags = [k for k, key in enumerate(keys) if key in _HEAD_OFFICE_FLAGS]
    nics = [k for k, key in enumerate(keys) if key in _HEAD_OFFICE_NICS]
    head_sirets = [k for k, key in enumerate(keys) if key in _HEAD_OFFICE_SIRETS]
    if not (flags or nics or head_sirets):
        return
    refs: list[tuple[str, int] | None] = [None] * len(plan.rows)
    for i, (row, dup) in enumerate(zip(plan.rows, duplicates)):
        if row.action == CREATE:
            refs[i] = ("row", i)
        elif row.action == NOTHING:
            continue
        elif row.actor_id is not None:
            refs[i] = ("actor", row.actor_id)
        elif dup is not None and dup.first_index is not None:
            refs[i] = refs[dup.first_index]   # an earlier row, whose actor is known

    def cell(cells: list[str], columns: list[int]) -> str:
        return next((cells[k].strip() for k in columns if k < len(cells) and cells[k].strip()),
                    "")

    head_siret: dict[str, str] = {}               # SIREN -> its head office's SIRET
    head_of: dict[str, tuple[tuple[str, int], str]] = {}   # SIREN -> (actor, name)
    sites: list[tuple[int, str, str]] = []        # (row, SIREN, SIRET)
    for i, (row, cells) in enumerate(zip(plan.rows, plan.table.rows)):
        siret = row.data.get("siret") or ""
        if refs[i] is None or len(siret) != 14:
            continue
        siren = siret[:9]
        given = "".join(c for c in cell(cells, head_sirets) if c.isdigit())
        nic = cell(cells, nics)
        if not given and nic.isdigit() and len(nic) <= 5:
            given = siren + nic.zfill(5)
        if parse_bool(cell(cells, flags)):
            given = siret
        if given and siren not in head_siret:
            head_siret[siren] = given
        if siren not in head_of and head_siret.get(siren) == siret:
            head_of[siren] = (refs[i], row.name)
        sites.append((i, siren, siret))
    if not head_siret:
        return
    for actor in existing:   # a head office already in the catalogue
        siret = actor.get("siret") or ""
        if siret[:9] not in head_of and head_siret.get(siret[:9]) == siret:
            head_of[siret[:9]] = (("actor", actor["id"]), actor["name"])
    pairs: dict[tuple, int] = {}   # (site, head office) -> the site's first row
    for i, siren, siret in sites:
        head = head_of.get(siren)
        if head is not None and siret != head_siret[siren] and refs[i] != head[0]:
            pairs.setdefault((refs[i], head[0]), i)
    if any(site[0] == "actor" and head[0] == "actor" for site, head in pairs):
        for relation in catalogue.relations():
            if relation["type"] == "site_of":
                pairs.pop((("actor", relation["source_id"]), ("actor", relation["target_id"])),
                          None)
    names = {siren: name for siren, (_, name) in head_of.items()}
    for i in pairs.values():
        plan.rows[i].site_of = names[(plan.rows[i].data.get("siret") or "")[:9]]
    plan.site_links = list(pairs)


def apply_site_links(catalogue, plan: ImportPlan, summary: ImportSummary, tick) -> int:
    """The planned site_of relations, in the import's transaction; a link made since the
    plan, or to an actor gone since, is left out."""
    created = dict(zip(plan.create_rows, summary.created_ids))
    made = 0
    for site, head in plan.site_links:
        ids = [created.get(ref[1]) if ref[0] == "row" else ref[1] for ref in (site, head)]
        tick()
        if None in ids or ids[0] == ids[1]:
            continue
        try:
            catalogue.add_relation(ids[0], "site_of", ids[1])
        except UserError:   # there already, or an actor deleted since the plan
            continue
        made += 1
    return made
