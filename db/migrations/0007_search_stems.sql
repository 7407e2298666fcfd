-- eco_desktop schema, version 7: a search that reads everything an actor is (issue 18).
-- actors_fts gets four columns (eco_desktop.catalogue.search says what each holds):
--   * names:  the folded name and aliases (weighted above the rest by the rank below);
--   * body:   the folded text searched so far (unchanged: kept from the old table);
--   * facets: the folded labels and slugs of the kind, domains and activities, the NAF
--             code, the département's number and name, the EPT's and EPCI's names and
--             the calls' names;
--   * stems:  the French stem of every word of body then facets (eco_stems), searched
--             exactly so that plurals find their singular.
-- The stemmer's version is kept in meta: stems of another version are rebuilt (db.migrate).

ALTER TABLE actors_fts RENAME TO actors_fts_old;

CREATE VIRTUAL TABLE actors_fts USING fts5 (
    names,
    body,
    facets,
    stems,
    tokenize = "unicode61 remove_diacritics 2",
    prefix = '1 2 3'
);
INSERT INTO actors_fts (actors_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 2.0, 1.0)');

WITH r AS MATERIALIZED (
    SELECT a.id AS id, o.body AS body,
           eco_fold(a.name || ' ' || coalesce((SELECT group_concat(value, ' ') FROM json_each(a.aliases)), '')) AS names,
           eco_fold(
               coalesce((SELECT group_concat(v.slug || ' ' || v.label, ' ') FROM (
                   SELECT 'kind' AS vocab, a.kind AS slug
                   UNION ALL SELECT 'domain', value FROM json_each(a.domains)
                   UNION ALL SELECT 'activity', value FROM json_each(a.activities)) x
                   JOIN vocabulary v ON v.vocab = x.vocab AND v.slug = x.slug), '')
               || ' ' || a.naf || ' ' || a.departement || ' ' || eco_place_name(a.departement)
               || ' ' || eco_place_name(a.ept) || ' ' || eco_place_name(a.epci) || ' '
               || coalesce((SELECT group_concat(c.name, ' ') FROM call_entries e JOIN calls c ON c.id = e.call_id
                            WHERE e.actor_id = a.id), '')) AS facets
    FROM actors_fts_old o JOIN actors a ON a.id = o.rowid)
INSERT INTO actors_fts (rowid, names, body, facets, stems)
    SELECT id, names, body, facets, eco_stems(body || ' ' || facets) FROM r;

DROP TABLE actors_fts_old;

INSERT INTO meta (key, value) VALUES ('stemmer', eco_stemmer_version())
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
