-- eco_desktop schema, version 2: saved views and calls for projects with their shortlists.

CREATE TABLE saved_views (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (name <> ''),
    filter     TEXT NOT NULL DEFAULT '{}',   -- Filter as JSON
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE calls (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (name <> ''),
    funder      TEXT NOT NULL DEFAULT '',
    opens       TEXT NOT NULL DEFAULT '',
    closes      TEXT NOT NULL DEFAULT '',
    url         TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL DEFAULT 'preparing'
                CHECK (state IN ('preparing', 'open', 'closed', 'archived')),
    eligibility TEXT NOT NULL DEFAULT '{}',  -- Filter as JSON
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE call_entries (
    id         INTEGER PRIMARY KEY,
    call_id    INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    actor_id   INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    status     TEXT NOT NULL DEFAULT 'to_contact'
               CHECK (status IN ('to_contact', 'contacted', 'applied', 'selected', 'not_selected', 'excluded')),
    changed_at TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    UNIQUE (call_id, actor_id)
);
CREATE INDEX call_entries_actor ON call_entries (actor_id);
