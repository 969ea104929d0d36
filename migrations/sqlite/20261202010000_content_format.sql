-- The content format of issue 16: every drill's example answers at levels 2 and 4 (two more
-- section kinds), the rubric dimensions it does not exercise, and the versions its commands
-- were checked against; the rubric's rule for combining scores into a recommendation.
-- Same changes in migrations/postgres/20261202010000_content_format.sql.

-- SQLite cannot change a CHECK constraint in place: the table is rebuilt (nothing refers to it).
CREATE TABLE scenario_sections_new (
    version_id INTEGER NOT NULL REFERENCES scenario_versions (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('strong-answer', 'first-inspect', 'commands', 'metrics',
                                                'root-causes', 'mitigations', 'prevention',
                                                'example-2', 'example-4')),
    position   INTEGER NOT NULL,
    body_md    TEXT    NOT NULL,
    body_html  TEXT    NOT NULL,
    PRIMARY KEY (version_id, kind)
) STRICT;
INSERT INTO scenario_sections_new (version_id, kind, position, body_md, body_html)
    SELECT version_id, kind, position, body_md, body_html FROM scenario_sections;
DROP TABLE scenario_sections;
ALTER TABLE scenario_sections_new RENAME TO scenario_sections;

-- JSON lists: not_applicable is NULL when the file does not say (a team's scenario may leave it
-- out), '[]' when every dimension applies; checked_with is [[tool, version], ...].
ALTER TABLE scenario_versions ADD COLUMN not_applicable TEXT;
ALTER TABLE scenario_versions ADD COLUMN checked_with TEXT NOT NULL DEFAULT '[]';

CREATE TRIGGER scenario_versions_format_immutable
BEFORE UPDATE OF not_applicable, checked_with ON scenario_versions
BEGIN
    SELECT RAISE(ABORT, 'scenario versions are immutable: save a new version');
END;

-- The recommendation rule: its words (Markdown and rendered) and the bar per target level, as
-- JSON {"mid": 250, ...} in hundredths of a mean score. Empty for rubrics from before it.
ALTER TABLE rubric_versions ADD COLUMN rule_md TEXT NOT NULL DEFAULT '';
ALTER TABLE rubric_versions ADD COLUMN rule_html TEXT NOT NULL DEFAULT '';
ALTER TABLE rubric_versions ADD COLUMN bars TEXT NOT NULL DEFAULT '{}';
