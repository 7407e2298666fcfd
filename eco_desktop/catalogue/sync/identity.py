"""Who a catalogue is in its team, and the ids of the rows it creates.

A catalogue's identity (meta ``sync_*``): its id (uuid4 hex), the member's name shown in
every history (« Reçu de Claire, Région »), when it was set up, the sequence of its last
published changeset, and its **id block**. From sync set-up on, a row created here gets
the id ``block × 2³² + n`` (n counting up within the block, from the block's largest id),
so rows created on two laptops offline never collide as long as their blocks differ:
blocks are drawn at random among 2²¹ − 1, and a changeset of another catalogue that
announces this catalogue's block makes it draw another for the rows it creates next. Ids
stay below 2⁵³, exact in JavaScript (the map). Rows from before sync set-up (the bundled
dataset, the first member's catalogue) keep their ids everywhere: the others join from a
snapshot of them.
"""
from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from ...clock import now_iso, os_user

BLOCK_BITS = 32
BLOCKS = 2 ** 21          # ids below 2**53
KEY_ID, KEY_MEMBER, KEY_CREATED, KEY_BLOCK, KEY_SEQUENCE = (
    "sync_catalogue_id", "sync_member", "sync_created", "sync_id_block", "sync_sequence")


@dataclass(frozen=True)
class Identity:
    catalogue_id: str
    member: str
    created: str
    block: int
    sequence: int          # of the last changeset published (0: none yet)


@dataclass(frozen=True)
class Origin:
    """Who made a changeset: what a changeset file's header says."""
    catalogue_id: str
    member: str
    sequence: int
    schema_version: int
    created: str = ""
    block: int = 0
    app_version: str = ""


def draw_block(avoid: int | None = None) -> int:
    while True:
        block = 1 + secrets.randbelow(BLOCKS - 1)
        if block != avoid:
            return block


def read(meta) -> Identity | None:
    """The identity in meta (``meta(key)`` reads it), None before sync set-up."""
    catalogue_id = meta(KEY_ID)
    if not catalogue_id:
        return None
    return Identity(catalogue_id, meta(KEY_MEMBER) or "", meta(KEY_CREATED) or "",
                    int(meta(KEY_BLOCK) or 0), int(meta(KEY_SEQUENCE) or 0))


def new_values(member: str | None = None) -> dict[str, str]:
    """The meta values of a new identity."""
    return {KEY_ID: uuid.uuid4().hex, KEY_MEMBER: (member or os_user()).strip() or os_user(),
            KEY_CREATED: now_iso(), KEY_BLOCK: str(draw_block()), KEY_SEQUENCE: "0"}
