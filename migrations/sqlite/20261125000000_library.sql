-- The scenario library. A scenario is an identity (its slug); what it says lives in immutable
-- versions, so that everything scored later points at the exact text that was answered.
-- Timestamps are unix milliseconds passed from Rust. Booleans would be INTEGER 0/1.

CREATE TABLE scenarios (
    id                 INTEGER PRIMARY KEY,
    slug               TEXT    NOT NULL UNIQUE,
    -- builtin: loaded from content/; authored: written in the browser (a later feature)
    origin             TEXT    NOT NULL CHECK (origin IN ('builtin', 'authored')),
    current_version_id INTEGER REFERENCES scenario_versions (id),
    archived_at        INTEGER,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
) STRICT;

CREATE TABLE scenario_versions (
    id           INTEGER PRIMARY KEY,
    scenario_id  INTEGER NOT NULL REFERENCES scenarios (id),
    version      INTEGER NOT NULL CHECK (version >= 1),
    -- sha256 of the source file's bytes: a new version is made only when it changes
    content_hash TEXT    NOT NULL,
    source_path  TEXT,
    title        TEXT    NOT NULL,
    summary      TEXT    NOT NULL,
    level        TEXT    NOT NULL CHECK (level IN ('mid', 'senior', 'staff')),
    prompt_md    TEXT    NOT NULL,
    prompt_html  TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (scenario_id, version)
) STRICT;

CREATE TABLE scenario_version_topics (
    version_id INTEGER NOT NULL REFERENCES scenario_versions (id),
    topic      TEXT    NOT NULL CHECK (topic IN ('serving', 'training', 'data-features', 'llmops',
                                                 'cost-capacity', 'platform-release')),
    PRIMARY KEY (version_id, topic)
) STRICT;

CREATE INDEX scenario_version_topics_by_topic ON scenario_version_topics (topic, version_id);

CREATE TABLE scenario_sections (
    version_id INTEGER NOT NULL REFERENCES scenario_versions (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('strong-answer', 'first-inspect', 'commands', 'metrics',
                                                'root-causes', 'mitigations', 'prevention')),
    position   INTEGER NOT NULL,
    body_md    TEXT    NOT NULL,
    body_html  TEXT    NOT NULL,
    PRIMARY KEY (version_id, kind)
) STRICT;

-- The checklist a scorer ticks. `key` is stable across versions so marks can be compared.
CREATE TABLE scenario_key_points (
    id         INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES scenario_versions (id),
    position   INTEGER NOT NULL,
    key        TEXT    NOT NULL,
    label      TEXT    NOT NULL,
    synonyms   TEXT    NOT NULL, -- JSON array of strings; opaque to SQL
    UNIQUE (version_id, key)
) STRICT;

CREATE TABLE scenario_follow_ups (
    id         INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES scenario_versions (id),
    position   INTEGER NOT NULL,
    body_md    TEXT    NOT NULL,
    body_html  TEXT    NOT NULL,
    probes     TEXT    NOT NULL, -- JSON array of key point keys; opaque to SQL
    UNIQUE (version_id, position)
) STRICT;

-- Full-text index of each scenario's current version; rowid = scenarios.id. Written by the content
-- sync in the same transaction as the version it indexes. Porter stemming: "deployments" finds
-- "deploy".
CREATE VIRTUAL TABLE scenario_search USING fts5 (
    title, summary, prompt, answer_key,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- General answer frameworks. Nothing is scored against them, so they are updated in place.
CREATE TABLE frameworks (
    id           INTEGER PRIMARY KEY,
    slug         TEXT    NOT NULL UNIQUE,
    position     INTEGER NOT NULL,
    title        TEXT    NOT NULL,
    summary      TEXT    NOT NULL,
    body_md      TEXT    NOT NULL,
    body_html    TEXT    NOT NULL,
    content_hash TEXT    NOT NULL,
    archived_at  INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

-- The scoring rubric, versioned like scenarios: the newest version is the current one.
CREATE TABLE rubric_versions (
    id           INTEGER PRIMARY KEY,
    content_hash TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    description  TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE rubric_dimensions (
    id                INTEGER PRIMARY KEY,
    rubric_version_id INTEGER NOT NULL REFERENCES rubric_versions (id),
    position          INTEGER NOT NULL,
    key               TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    description       TEXT    NOT NULL,
    level_1           TEXT    NOT NULL,
    level_2           TEXT    NOT NULL,
    level_3           TEXT    NOT NULL,
    level_4           TEXT    NOT NULL,
    UNIQUE (rubric_version_id, key)
) STRICT;

CREATE TABLE rubric_recommendations (
    rubric_version_id INTEGER NOT NULL REFERENCES rubric_versions (id),
    position          INTEGER NOT NULL,
    key               TEXT    NOT NULL,
    label             TEXT    NOT NULL,
    description       TEXT    NOT NULL,
    PRIMARY KEY (rubric_version_id, key)
) STRICT;
