-- Team calibration: everyone on a team scores the same reference answer blind; the lead reveals
-- the results. Ratings live apart from attempt scorecards: a reference answer is not anyone's
-- attempt, and a rater's calibration scores never reach a candidate's history.

CREATE TABLE calibration_exercises (
    id                  INTEGER PRIMARY KEY,
    team_id             INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    scenario_version_id INTEGER NOT NULL REFERENCES scenario_versions (id),
    -- the rubric the raters score on: the current one when the exercise was created
    rubric_version_id   INTEGER NOT NULL REFERENCES rubric_versions (id),
    title               TEXT    NOT NULL,
    -- the answer everyone scores: a Markdown transcript or written answer
    reference_md        TEXT    NOT NULL,
    -- the mock-session attempt it was taken from, with its candidate's consent
    source_attempt_id   INTEGER REFERENCES attempts (id) ON DELETE SET NULL,
    created_by          INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at          INTEGER NOT NULL,
    -- NULL while raters score blind; set once by the lead, after which scoring is closed
    revealed_at         INTEGER
) STRICT;

CREATE INDEX calibration_exercises_by_team ON calibration_exercises (team_id, created_at);

-- The lead's expert key: the scores they consider right (optional, per dimension).
CREATE TABLE calibration_expert_scores (
    exercise_id   INTEGER NOT NULL REFERENCES calibration_exercises (id) ON DELETE CASCADE,
    dimension_key TEXT    NOT NULL,
    score         INTEGER NOT NULL CHECK (score BETWEEN 1 AND 4),
    PRIMARY KEY (exercise_id, dimension_key)
) STRICT;

-- One rater's blind scores. Written once, never changed.
CREATE TABLE calibration_ratings (
    id           INTEGER PRIMARY KEY,
    exercise_id  INTEGER NOT NULL REFERENCES calibration_exercises (id) ON DELETE CASCADE,
    -- NULL once the rater deleted their account: the team's statistics keep the rating
    rater_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    notes_md     TEXT    NOT NULL,
    submitted_at INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX calibration_ratings_one_per_rater ON calibration_ratings (exercise_id, rater_id);

CREATE TABLE calibration_rating_scores (
    rating_id     INTEGER NOT NULL REFERENCES calibration_ratings (id) ON DELETE CASCADE,
    dimension_key TEXT    NOT NULL,
    score         INTEGER NOT NULL CHECK (score BETWEEN 1 AND 4),
    PRIMARY KEY (rating_id, dimension_key)
) STRICT;

CREATE TRIGGER calibration_ratings_immutable
BEFORE UPDATE OF exercise_id, notes_md, submitted_at ON calibration_ratings
BEGIN
    SELECT RAISE(ABORT, 'calibration ratings are immutable');
END;

CREATE TRIGGER calibration_rating_scores_immutable BEFORE UPDATE ON calibration_rating_scores
BEGIN
    SELECT RAISE(ABORT, 'calibration ratings are immutable');
END;

-- A candidate's consent to their mock-session attempt being used as a reference answer.
ALTER TABLE attempts ADD COLUMN calibration_consent_at INTEGER;

-- The shadow-to-qualified path: the lead confirms an interviewer once their calibration stays
-- within the team's thresholds.
ALTER TABLE team_members ADD COLUMN qualified_at INTEGER;
ALTER TABLE team_members ADD COLUMN qualified_by INTEGER REFERENCES users (id) ON DELETE SET NULL;
