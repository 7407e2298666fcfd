-- eco_desktop schema, version 1: actors, their people, relations, exchanges,
-- vocabularies, history and the full-text index.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE vocabulary (
    id       INTEGER PRIMARY KEY,
    vocab    TEXT NOT NULL CHECK (vocab IN ('kind', 'domain', 'activity')),
    slug     TEXT NOT NULL,
    label    TEXT NOT NULL,
    color    TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    hidden   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (vocab, slug)
);

CREATE TABLE actors (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL CHECK (name <> ''),
    aliases       TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings
    kind          TEXT NOT NULL,
    domains       TEXT NOT NULL DEFAULT '[]',   -- JSON array of slugs
    activities    TEXT NOT NULL DEFAULT '[]',   -- JSON array of slugs
    tags          TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings
    description   TEXT NOT NULL DEFAULT '',
    website       TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    siren         TEXT NOT NULL DEFAULT '',
    siret         TEXT NOT NULL DEFAULT '',
    naf           TEXT NOT NULL DEFAULT '',
    size          TEXT NOT NULL DEFAULT '',
    founded       INTEGER,
    status        TEXT NOT NULL DEFAULT 'active',
    street        TEXT NOT NULL DEFAULT '',
    postcode      TEXT NOT NULL DEFAULT '',
    commune       TEXT NOT NULL DEFAULT '',
    insee_code    TEXT NOT NULL DEFAULT '',
    departement   TEXT NOT NULL DEFAULT '',
    mgp           INTEGER NOT NULL DEFAULT 0,
    ept           TEXT NOT NULL DEFAULT '',
    epci          TEXT NOT NULL DEFAULT '',
    outside_idf   INTEGER NOT NULL DEFAULT 0,
    lat           REAL CHECK (lat IS NULL OR (lat BETWEEN -90 AND 90)),
    lon           REAL CHECK (lon IS NULL OR (lon BETWEEN -180 AND 180)),
    geo_precision TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    deleted_at    TEXT
);
CREATE INDEX actors_siret ON actors (siret) WHERE siret <> '';
CREATE INDEX actors_siren ON actors (siren) WHERE siren <> '';
CREATE INDEX actors_postcode ON actors (postcode);
CREATE INDEX actors_deleted ON actors (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE contacts (
    id          INTEGER PRIMARY KEY,
    actor_id    INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    civility    TEXT NOT NULL DEFAULT '',
    first_name  TEXT NOT NULL DEFAULT '',
    last_name   TEXT NOT NULL DEFAULT '',
    role        TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    legal_basis TEXT NOT NULL DEFAULT '' CHECK (legal_basis IN ('', 'consent', 'legitimate_interest')),
    basis_date  TEXT NOT NULL DEFAULT '',
    opt_out     INTEGER NOT NULL DEFAULT 0,
    notes       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX contacts_actor ON contacts (actor_id);

CREATE TABLE relations (
    id         INTEGER PRIMARY KEY,
    source_id  INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    type       TEXT NOT NULL CHECK (type IN ('hosted_by', 'spin_off_of', 'acquired_by', 'partner_of',
                                             'founding_lab_of', 'site_of', 'member_of')),
    target_id  INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    CHECK (source_id <> target_id),
    UNIQUE (source_id, type, target_id)
);
CREATE INDEX relations_target ON relations (target_id);

CREATE TABLE exchanges (
    id         INTEGER PRIMARY KEY,
    actor_id   INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    date       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('meeting', 'call', 'email', 'note')),
    author     TEXT NOT NULL DEFAULT '',
    text       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX exchanges_actor ON exchanges (actor_id);

-- One batch = one user action (undo step); its changes are row images.
CREATE TABLE history_batches (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    user   TEXT NOT NULL,
    label  TEXT NOT NULL,
    undone INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE history_changes (
    id       INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES history_batches (id) ON DELETE CASCADE,
    tbl      TEXT NOT NULL,
    row_id   INTEGER NOT NULL,
    action   TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    before   TEXT,
    after    TEXT
);
CREATE INDEX history_changes_batch ON history_changes (batch_id);
CREATE INDEX history_changes_row ON history_changes (tbl, row_id);

-- Folded searchable text of each actor (rowid = actors.id), maintained by the store.
CREATE VIRTUAL TABLE actors_fts USING fts5 (
    body,
    tokenize = "unicode61 remove_diacritics 2",
    prefix = '1 2 3'
);

INSERT INTO vocabulary (vocab, slug, label, color, position) VALUES
    ('kind', 'biotech', 'Entreprise de biothérapie', '#1f77b4', 1),
    ('kind', 'techprovider', 'Fournisseur de technologies (techprovider)', '#ff7f0e', 2),
    ('kind', 'pharma', 'Grand laboratoire pharmaceutique', '#d62728', 3),
    ('kind', 'bioproduction', 'Bioproduction (CDMO, site de production)', '#9467bd', 4),
    ('kind', 'iphe', 'Incubateur, pépinière, hôtel d''entreprises', '#2ca02c', 5),
    ('kind', 'integrator', 'Intégrateur industriel', '#8c564b', 6),
    ('kind', 'academic', 'Centre de recherche académique', '#e377c2', 7),
    ('kind', 'hospital', 'Établissement hospitalier', '#17becf', 8),
    ('kind', 'cluster', 'Pôle, cluster, réseau', '#bcbd22', 9),
    ('kind', 'training', 'Formation', '#7f7f7f', 10),
    ('kind', 'funder', 'Financeur, acteur public', '#393b79', 11),
    ('domain', 'gene_therapy', 'Thérapie génique', '', 1),
    ('domain', 'cell_therapy', 'Thérapie cellulaire', '', 2),
    ('domain', 'immunotherapy', 'Immunothérapie', '', 3),
    ('domain', 'vaccines', 'Vaccins', '', 4),
    ('domain', 'extracellular_vesicles', 'Vésicules extracellulaires', '', 5),
    ('domain', 'tissue_engineering', 'Ingénierie tissulaire', '', 6),
    ('domain', 'antibodies_proteins', 'Anticorps et protéines thérapeutiques', '', 7),
    ('domain', 'plasma_derived', 'Médicaments dérivés du plasma', '', 8),
    ('activity', 'research', 'R&D', '', 1),
    ('activity', 'preclinical', 'Préclinique, CRO', '', 2),
    ('activity', 'clinical_manufacturing', 'Production de lots cliniques', '', 3),
    ('activity', 'commercial_manufacturing', 'Bioproduction commerciale', '', 4),
    ('activity', 'analytics_qc', 'Contrôle qualité, tests analytiques', '', 5),
    ('activity', 'equipment', 'Équipements et consommables', '', 6),
    ('activity', 'digital', 'Numérique, logiciels, données', '', 7),
    ('activity', 'sequencing', 'Génomique, séquençage', '', 8),
    ('activity', 'incubation', 'Incubation, hébergement', '', 9),
    ('activity', 'training', 'Formation', '', 10),
    ('activity', 'funding', 'Financement', '', 11),
    ('activity', 'consulting', 'Conseil', '', 12);
