-- eco_desktop schema, version 11: fields of the officers' own (Outils → Champs
-- personnalisés), for actors and contacts. A field's values are rows of custom_values
-- (one per record, one per chosen value of a « several choices » field), typed as
-- SQLite holds them — REAL for a number, ISO text for a date, 1 for yes, the choice's
-- slug — so that a range or a choice is one indexed query over the field's rows. Every
-- table has an integer primary key: its rows are recorded writes (history, undo, sync).

CREATE TABLE custom_fields (
    id         INTEGER PRIMARY KEY,
    entity     TEXT NOT NULL CHECK (entity IN ('actor', 'contact')),
    key        TEXT NOT NULL CHECK (key <> ''),
    label      TEXT NOT NULL CHECK (label <> ''),
    type       TEXT NOT NULL CHECK (type IN ('text', 'long_text', 'number', 'date', 'bool', 'url',
                                             'choice', 'choices')),
    unit       TEXT NOT NULL DEFAULT '',
    position   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL DEFAULT '',
    UNIQUE (entity, key)
);

CREATE TABLE custom_choices (
    id       INTEGER PRIMARY KEY,
    field_id INTEGER NOT NULL REFERENCES custom_fields (id),
    slug     TEXT NOT NULL CHECK (slug <> ''),
    label    TEXT NOT NULL CHECK (label <> ''),
    position INTEGER NOT NULL DEFAULT 0,
    UNIQUE (field_id, slug)
);

-- row_id: the actor's or the contact's id (the field's entity says which).
CREATE TABLE custom_values (
    id       INTEGER PRIMARY KEY,
    field_id INTEGER NOT NULL REFERENCES custom_fields (id),
    row_id   INTEGER NOT NULL,
    value    NOT NULL,
    UNIQUE (field_id, row_id, value)
);
CREATE INDEX custom_values_by_value ON custom_values (field_id, value, row_id);
CREATE INDEX custom_values_by_row ON custom_values (row_id, field_id);
