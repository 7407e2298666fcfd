-- eco_desktop schema, version 4: what the in-memory facet index is built from, in
-- normal form, so that opening a catalogue of 100k actors reads indexes, not rows.
--   * actors.sort_name: the folded name (eco_fold), the list's default order;
--   * actor_values: one row per value of the multi-valued facets (domains,
--     activities, tags), derived from the actors' JSON arrays by the store;
--   * indexes on the single-valued facet columns.

ALTER TABLE actors ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';
UPDATE actors SET sort_name = eco_fold(name);
CREATE INDEX actors_sort_name ON actors (sort_name, id, name);  -- covers the list order and names
CREATE INDEX actors_kind ON actors (kind);
CREATE INDEX actors_departement ON actors (departement);
CREATE INDEX actors_mgp ON actors (mgp);
CREATE INDEX actors_ept ON actors (ept);
CREATE INDEX actors_epci ON actors (epci);

CREATE TABLE actor_values (
    facet    TEXT NOT NULL CHECK (facet IN ('domain', 'activity', 'tag')),
    value    TEXT NOT NULL,
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    PRIMARY KEY (facet, value, actor_id)
) WITHOUT ROWID;
CREATE INDEX actor_values_actor ON actor_values (actor_id);

INSERT OR IGNORE INTO actor_values (facet, value, actor_id)
    SELECT 'domain', j.value, a.id FROM actors a, json_each(a.domains) j
    UNION ALL SELECT 'activity', j.value, a.id FROM actors a, json_each(a.activities) j
    UNION ALL SELECT 'tag', j.value, a.id FROM actors a, json_each(a.tags) j;
