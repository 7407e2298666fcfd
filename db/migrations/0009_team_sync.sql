-- Team sync (issue 19): what the sync engine (eco_desktop/catalogue/sync/) keeps in the file.
-- The catalogue's own identity (id, member name, id block, last published sequence) is in meta
-- (keys sync_*), written when sync is set up; these tables are never synced themselves,
-- but `erasures`, which is.

-- Rows changed here since the last publication, with their image then (NULL: the row did
-- not exist); `touched` orders the writes, so a publication clears only what it held.
CREATE TABLE sync_dirty (
    tbl     TEXT NOT NULL,
    row_id  INTEGER NOT NULL,
    base    TEXT,
    touched INTEGER NOT NULL,
    PRIMARY KEY (tbl, row_id)
) WITHOUT ROWID;
CREATE INDEX sync_dirty_touched ON sync_dirty (touched);

-- Changesets of other catalogues applied here (applying one twice changes nothing).
CREATE TABLE sync_applied (
    catalogue_id TEXT NOT NULL,
    sequence     INTEGER NOT NULL,
    member       TEXT NOT NULL DEFAULT '',
    applied_at   TEXT NOT NULL,
    batch_id     INTEGER,
    PRIMARY KEY (catalogue_id, sequence)
) WITHOUT ROWID;

-- The same field changed on both sides (values as JSON), or an edit met a deletion
-- (field '*'): which side the rule kept, and the user's choice once reviewed.
CREATE TABLE sync_conflicts (
    id            INTEGER PRIMARY KEY,
    tbl           TEXT NOT NULL,
    row_id        INTEGER NOT NULL,
    field         TEXT NOT NULL,
    mine          TEXT,
    theirs        TEXT,
    mine_at       TEXT NOT NULL DEFAULT '',
    theirs_at     TEXT NOT NULL DEFAULT '',
    member        TEXT NOT NULL DEFAULT '',
    catalogue_id  TEXT NOT NULL DEFAULT '',
    sequence      INTEGER NOT NULL DEFAULT 0,
    chosen        TEXT NOT NULL CHECK (chosen IN ('mine', 'theirs')),
    note          TEXT NOT NULL DEFAULT '',
    at            TEXT NOT NULL,
    resolved_at   TEXT
);
CREATE INDEX sync_conflicts_open ON sync_conflicts (resolved_at, id);

-- People erased (RGPD) on any catalogue of the team: synced, so every catalogue erases
-- them too. Only the contact's id, never a value of theirs.
CREATE TABLE erasures (
    id         INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL,
    at         TEXT NOT NULL
);
