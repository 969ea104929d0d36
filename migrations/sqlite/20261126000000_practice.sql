-- Practice: attempts, scorecards, and the spaced-repetition state per candidate and scenario.

-- One answer to one scenario version. Written by the candidate alone ('practice') or during an
-- interviewer-led session ('mock', a later feature). The answer is the draft until submitted_at is
-- set; after that it never changes.
CREATE TABLE attempts (
    id                  INTEGER PRIMARY KEY,
    -- NULL only for a guest candidate in a mock session (the guest is named on the session)
    candidate_id        INTEGER REFERENCES users (id) ON DELETE CASCADE,
    scenario_version_id INTEGER NOT NULL REFERENCES scenario_versions (id),
    mode                TEXT    NOT NULL CHECK (mode IN ('practice', 'mock')),
    -- chosen at start; NULL: no limit
    time_limit_s        INTEGER CHECK (time_limit_s IS NULL OR time_limit_s > 0),
    answer_md           TEXT    NOT NULL,
    started_at          INTEGER NOT NULL,
    draft_saved_at      INTEGER NOT NULL,
    submitted_at        INTEGER,
    -- submitted_at - started_at, kept so that it survives any later clean-up of timestamps
    duration_ms         INTEGER,
    CHECK ((submitted_at IS NULL) = (duration_ms IS NULL)),
    CHECK (candidate_id IS NOT NULL OR mode = 'mock')
) STRICT;

CREATE INDEX attempts_by_candidate ON attempts (candidate_id, started_at);
CREATE INDEX attempts_by_version ON attempts (scenario_version_id);

-- One scorer's rubric scores and key-point marks for one attempt. `kind` says who scored:
-- the candidate themself, an interviewer in a mock session, or a rater calibrating. An attempt
-- can have several, which is what self-vs-interviewer gaps and agreement statistics are made of.
CREATE TABLE scorecards (
    id                INTEGER PRIMARY KEY,
    attempt_id        INTEGER NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    -- NULL once the scorer deleted their account: the scorecard stays with the attempt
    scorer_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    kind              TEXT    NOT NULL CHECK (kind IN ('self', 'interviewer', 'calibration')),
    rubric_version_id INTEGER NOT NULL REFERENCES rubric_versions (id),
    -- evidence notes and written feedback (interviewers); empty for self-scores
    notes_md          TEXT    NOT NULL,
    feedback_md       TEXT    NOT NULL DEFAULT '',
    -- strong-no / no / yes / strong-yes at a target level (interviewers)
    recommendation    TEXT,
    target_level      TEXT    CHECK (target_level IS NULL OR target_level IN ('mid', 'senior', 'staff')),
    -- A submitted scorecard never changes: a correction is a new scorecard that amends it.
    amends_id         INTEGER REFERENCES scorecards (id),
    amend_reason      TEXT,
    submitted_at      INTEGER NOT NULL,
    CHECK ((amends_id IS NULL) = (amend_reason IS NULL))
) STRICT;

CREATE INDEX scorecards_by_attempt ON scorecards (attempt_id);
-- A candidate scores their own attempt once: a new attempt is the way to improve.
CREATE UNIQUE INDEX scorecards_one_self ON scorecards (attempt_id) WHERE kind = 'self';

-- Immutable once written. Only scorer_id may change, and only to NULL (its account deleted).
CREATE TRIGGER scorecards_immutable
BEFORE UPDATE OF attempt_id, kind, rubric_version_id, notes_md, feedback_md, recommendation,
                 target_level, amends_id, amend_reason, submitted_at ON scorecards
BEGIN
    SELECT RAISE(ABORT, 'scorecards are immutable: amend instead');
END;

CREATE TABLE scorecard_scores (
    scorecard_id  INTEGER NOT NULL REFERENCES scorecards (id) ON DELETE CASCADE,
    dimension_key TEXT    NOT NULL,
    score         INTEGER NOT NULL CHECK (score BETWEEN 1 AND 4),
    PRIMARY KEY (scorecard_id, dimension_key)
) STRICT;

CREATE TABLE scorecard_marks (
    scorecard_id  INTEGER NOT NULL REFERENCES scorecards (id) ON DELETE CASCADE,
    key_point_key TEXT    NOT NULL,
    mark          TEXT    NOT NULL CHECK (mark IN ('covered', 'partly', 'missed')),
    PRIMARY KEY (scorecard_id, key_point_key)
) STRICT;

CREATE TRIGGER scorecard_scores_immutable BEFORE UPDATE ON scorecard_scores
BEGIN
    SELECT RAISE(ABORT, 'scorecards are immutable: amend instead');
END;

CREATE TRIGGER scorecard_marks_immutable BEFORE UPDATE ON scorecard_marks
BEGIN
    SELECT RAISE(ABORT, 'scorecards are immutable: amend instead');
END;

-- FSRS memory state of one scenario for one candidate (rs-fsrs Card fields). One row per
-- scenario (not per version): rewording a scenario does not reset what was learnt.
CREATE TABLE review_states (
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scenario_id    INTEGER NOT NULL REFERENCES scenarios (id),
    due_at         INTEGER NOT NULL,
    stability      REAL    NOT NULL,
    difficulty     REAL    NOT NULL,
    elapsed_days   INTEGER NOT NULL,
    scheduled_days INTEGER NOT NULL,
    reps           INTEGER NOT NULL,
    lapses         INTEGER NOT NULL,
    state          INTEGER NOT NULL CHECK (state BETWEEN 0 AND 3),
    last_review_at INTEGER NOT NULL,
    -- the attempt whose scorecard was the last review: a scorecard is applied once
    last_attempt_id INTEGER NOT NULL,
    PRIMARY KEY (user_id, scenario_id)
) STRICT;

CREATE INDEX review_states_due ON review_states (user_id, due_at);
