-- eco_desktop schema, version 5: each history batch knows which open catalogue
-- (one window or one command, a "session") wrote it, so that undo and redo only ever
-- replay the batches of the session asking. Batches written before this version belong
-- to no session ('') and are no longer undoable; they stay in the history.

ALTER TABLE history_batches ADD COLUMN session TEXT NOT NULL DEFAULT '';
CREATE INDEX history_batches_session ON history_batches (session, undone, id);
