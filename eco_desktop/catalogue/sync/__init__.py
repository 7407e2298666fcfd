"""Team sync, the engine (issue 19): each member's catalogue makes changesets of its own
changes and applies the others', with SQLite's session changesets (apsw) and a
field-level merge. The shared place (a folder, a WebDAV server) is ``eco_desktop.sync``'s.

- :mod:`.identity` — the catalogue's id, member name and id block (rows never collide);
- :mod:`.schema` — which tables and columns sync (from the schema, with a local set);
- :mod:`.tracking` — which rows changed here since the last publication;
- :mod:`.changes` — making a changeset from them; the payload and file formats;
- :mod:`.apply`, :mod:`.merge` — applying another catalogue's changeset, the merge rules;
- :mod:`.conflicts` — « Conflits à revoir » and their resolution;
- :mod:`.erasure` — RGPD erasures across the team and in the place's files;
- :mod:`.mixin` — the façade's methods and how a sync round uses them.
"""
from .apply import Applied
from .changes import pack, unpack
from .conflicts import Conflict
from .erasure import people_in, scrub_changeset
from .identity import Identity, Origin
from .mixin import SyncMixin
from .schema import LOCAL_TABLES, synced_tables

__all__ = ["LOCAL_TABLES", "Applied", "Conflict", "Identity", "Origin", "SyncMixin", "pack", "people_in",
           "scrub_changeset", "synced_tables", "unpack"]
