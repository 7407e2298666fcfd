-- eco_desktop schema, version 3: the history knows which actors a change concerns, so
-- that a record's "Historique" is an index lookup rather than a scan of every change.

ALTER TABLE history_changes ADD COLUMN actor_id INTEGER;
ALTER TABLE history_changes ADD COLUMN other_actor_id INTEGER;

UPDATE history_changes SET
    actor_id = CASE
        WHEN tbl = 'actors' THEN row_id
        WHEN tbl IN ('contacts', 'exchanges', 'call_entries')
            THEN json_extract(coalesce(after, before), '$.actor_id')
        WHEN tbl = 'relations' THEN json_extract(coalesce(after, before), '$.source_id')
    END,
    other_actor_id = CASE
        WHEN tbl = 'relations' THEN json_extract(coalesce(after, before), '$.target_id')
    END;

CREATE INDEX history_changes_actor ON history_changes (actor_id) WHERE actor_id IS NOT NULL;
CREATE INDEX history_changes_other_actor ON history_changes (other_actor_id) WHERE other_actor_id IS NOT NULL;
