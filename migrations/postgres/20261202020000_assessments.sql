-- The answer assessor's readings; see migrations/sqlite/20261202020000_assessments.sql.
CREATE TABLE assessments (
    attempt_id  BIGINT PRIMARY KEY REFERENCES attempts (id) ON DELETE CASCADE,
    method      TEXT   NOT NULL,
    assessed_at BIGINT NOT NULL,
    findings    TEXT   NOT NULL
);

CREATE TABLE assessment_marks (
    attempt_id    BIGINT NOT NULL REFERENCES assessments (attempt_id) ON DELETE CASCADE,
    key_point_key TEXT   NOT NULL,
    mark          TEXT   NOT NULL CHECK (mark IN ('covered', 'partly', 'missed')),
    PRIMARY KEY (attempt_id, key_point_key)
);

CREATE TRIGGER assessments_immutable BEFORE UPDATE ON assessments FOR EACH ROW
EXECUTE FUNCTION coach_immutable('assessments are never edited');
