-- The answer assessor's readings (issue 15): an opinion beside the people's, never a scorecard.
-- One per submitted practice attempt, stored with the method that made it and never edited (a
-- new method reads old answers afresh on their page, it does not rewrite what was stored).
-- Same tables in migrations/postgres/20261202020000_assessments.sql.
CREATE TABLE assessments (
    attempt_id  INTEGER PRIMARY KEY REFERENCES attempts (id) ON DELETE CASCADE,
    method      TEXT    NOT NULL,
    assessed_at INTEGER NOT NULL,
    -- What the page shows: per key point the verdict, reason, confidence and evidence spans.
    -- Opaque JSON, never filtered on; the marks below are what queries read.
    findings    TEXT    NOT NULL
) STRICT;

CREATE TABLE assessment_marks (
    attempt_id    INTEGER NOT NULL REFERENCES assessments (attempt_id) ON DELETE CASCADE,
    key_point_key TEXT    NOT NULL,
    mark          TEXT    NOT NULL CHECK (mark IN ('covered', 'partly', 'missed')),
    PRIMARY KEY (attempt_id, key_point_key)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER assessments_immutable BEFORE UPDATE ON assessments
BEGIN
    SELECT RAISE(ABORT, 'assessments are never edited');
END;
