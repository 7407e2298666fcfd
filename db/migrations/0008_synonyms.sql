-- eco_desktop schema, version 8: the search's synonyms table (issue 18), edited in
-- Outils → Vocabulaires → « Synonymes » like the vocabularies (each change undoable).
-- One row per synonym, as in db/dataset/synonyms.csv, its seed (eco_bundled_synonyms()
-- gives the CSV's rows, checked, as a JSON array of [term, means, note]):
--   * term:  what one types (« CDMO », « Big pharma »);
--   * means: what it stands for, a vocabulary value written vocabulary:slug
--            (« kind:bioproduction », reached through its current label) or a phrase;
--   * note:  where it comes from.
-- eco_desktop/catalogue/synonyms.py says how a query is widened.

CREATE TABLE synonyms (
    id       INTEGER PRIMARY KEY,
    term     TEXT NOT NULL CHECK (term <> ''),
    means    TEXT NOT NULL CHECK (means <> ''),
    note     TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0
);

INSERT INTO synonyms (term, means, note, position)
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), key + 1
    FROM json_each(eco_bundled_synonyms());
