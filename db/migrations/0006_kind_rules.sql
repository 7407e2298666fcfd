-- eco_desktop schema, version 6: the kinds an import proposes for rows whose file gives
-- none, from their NAF code (a full code or a prefix: « 72.11Z », « 21 », « 84.1 ») or
-- from the type of structure of research and higher-education lists (« Unité mixte de
-- recherche »). Edited in Outils → Vocabulaires like the vocabularies; the defaults and
-- the reasons for them are in eco_desktop/kind_rules.py (DEFAULT_RULES, kept equal).

CREATE TABLE kind_rules (
    id       INTEGER PRIMARY KEY,
    source   TEXT NOT NULL CHECK (source IN ('naf', 'structure')),
    pattern  TEXT NOT NULL CHECK (pattern <> ''),
    kind     TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    UNIQUE (source, pattern)
);

INSERT INTO kind_rules (source, pattern, kind, position) VALUES
    ('naf', '72.11Z', 'biotech', 1),
    ('naf', '72.19Z', 'academic', 2),
    ('naf', '21', 'pharma', 3),
    ('naf', '86.10Z', 'hospital', 4),
    ('naf', '85.42Z', 'training', 5),
    ('naf', '85.59A', 'training', 6),
    ('naf', '85.59B', 'training', 7),
    ('naf', '84.1', 'funder', 8),
    ('naf', '64.30Z', 'funder', 9),
    ('naf', '66.30Z', 'funder', 10),
    ('naf', '94.11Z', 'cluster', 11),
    ('naf', '94.12Z', 'cluster', 12),
    ('structure', 'Unité mixte de recherche', 'academic', 1),
    ('structure', 'Unité mixte', 'academic', 2),
    ('structure', 'Unité mixte internationale', 'academic', 3),
    ('structure', 'Unité propre', 'academic', 4),
    ('structure', 'Unité propre de recherche', 'academic', 5),
    ('structure', 'Unité de recherche', 'academic', 6),
    ('structure', 'Unité de service', 'academic', 7),
    ('structure', 'Unité mixte de service', 'academic', 8),
    ('structure', 'Équipe d''accueil', 'academic', 9),
    ('structure', 'Équipe interne', 'academic', 10),
    ('structure', 'Équipe de recherche', 'academic', 11),
    ('structure', 'Structure fédérative de recherche', 'academic', 12),
    ('structure', 'Fédération de recherche', 'academic', 13),
    ('structure', 'Groupement de recherche', 'academic', 14),
    ('structure', 'Groupement d''intérêt scientifique', 'academic', 15),
    ('structure', 'Fondation de coopération scientifique', 'academic', 16),
    ('structure', 'Collaboration internationale de recherche', 'academic', 17),
    ('structure', 'Institut fédératif de recherche', 'academic', 18),
    ('structure', 'Université', 'academic', 19),
    ('structure', 'Grand établissement', 'academic', 20),
    ('structure', 'Communauté d''universités et établissements', 'academic', 21),
    ('structure', 'École d''ingénieurs', 'training', 22),
    ('structure', 'École', 'training', 23),
    ('structure', 'École normale supérieure', 'training', 24);
