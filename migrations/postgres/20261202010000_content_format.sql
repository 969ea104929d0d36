-- The content format of issue 16; see migrations/sqlite/20261202010000_content_format.sql.
ALTER TABLE scenario_sections DROP CONSTRAINT scenario_sections_kind_check;
ALTER TABLE scenario_sections ADD CONSTRAINT scenario_sections_kind_check
    CHECK (kind IN ('strong-answer', 'first-inspect', 'commands', 'metrics', 'root-causes',
                    'mitigations', 'prevention', 'example-2', 'example-4'));

ALTER TABLE scenario_versions ADD COLUMN not_applicable TEXT;
ALTER TABLE scenario_versions ADD COLUMN checked_with TEXT NOT NULL DEFAULT '[]';

CREATE TRIGGER scenario_versions_format_immutable
BEFORE UPDATE OF not_applicable, checked_with ON scenario_versions FOR EACH ROW
EXECUTE FUNCTION coach_immutable('scenario versions are immutable: save a new version');

ALTER TABLE rubric_versions ADD COLUMN rule_md TEXT NOT NULL DEFAULT '';
ALTER TABLE rubric_versions ADD COLUMN rule_html TEXT NOT NULL DEFAULT '';
ALTER TABLE rubric_versions ADD COLUMN bars TEXT NOT NULL DEFAULT '{}';
