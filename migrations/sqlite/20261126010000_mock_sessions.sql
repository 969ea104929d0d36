-- Interviewer-led mock sessions. Everything live (current scenario, reveals, ticks, notes) is
-- here, not in memory, so a reload or a server restart loses nothing.

CREATE TABLE mock_sessions (
    id              INTEGER PRIMARY KEY,
    interviewer_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- the candidate's account, or a guest named here. The session is about the candidate:
    -- deleting their account deletes it (as it deletes their attempts and scorecards about them).
    candidate_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    guest_name      TEXT,
    guest_email     TEXT,
    -- the join link's secret (256 random bits, hex); the interviewer can show it again
    token           TEXT    NOT NULL UNIQUE,
    planned_minutes INTEGER NOT NULL CHECK (planned_minutes BETWEEN 5 AND 240),
    -- position of the scenario on screen, in mock_session_items
    current_position INTEGER NOT NULL DEFAULT 0,
    status          TEXT    NOT NULL CHECK (status IN ('live', 'ended')),
    notes_md        TEXT    NOT NULL DEFAULT '',
    -- raised by every change the candidate screen shows, so a reconnecting screen can catch up
    revision        INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    ended_at        INTEGER,
    CHECK (candidate_id IS NOT NULL OR guest_name IS NOT NULL)
) STRICT;

CREATE INDEX mock_sessions_by_interviewer ON mock_sessions (interviewer_id, created_at);
CREATE INDEX mock_sessions_by_candidate ON mock_sessions (candidate_id);

-- The scenarios of a session, in order; each is answered as one attempt (mode 'mock').
CREATE TABLE mock_session_items (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES mock_sessions (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    attempt_id  INTEGER NOT NULL UNIQUE REFERENCES attempts (id) ON DELETE CASCADE,
    started_at  INTEGER,
    -- set when the interviewer shares this scenario's scorecard with the candidate
    shared_at   INTEGER,
    UNIQUE (session_id, position)
) STRICT;

CREATE TABLE mock_reveals (
    item_id     INTEGER NOT NULL REFERENCES mock_session_items (id) ON DELETE CASCADE,
    follow_up   INTEGER NOT NULL, -- position of the follow-up in the scenario version
    revealed_at INTEGER NOT NULL,
    PRIMARY KEY (item_id, follow_up)
) STRICT;

-- The live checklist the interviewer ticks while the candidate talks.
CREATE TABLE mock_marks (
    item_id       INTEGER NOT NULL REFERENCES mock_session_items (id) ON DELETE CASCADE,
    key_point_key TEXT    NOT NULL,
    mark          TEXT    NOT NULL CHECK (mark IN ('covered', 'partly', 'missed')),
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (item_id, key_point_key)
) STRICT;

-- Second interviewers who watch read-only and score independently.
CREATE TABLE mock_shadows (
    session_id INTEGER NOT NULL REFERENCES mock_sessions (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at   INTEGER NOT NULL,
    PRIMARY KEY (session_id, user_id)
) STRICT;

CREATE INDEX mock_shadows_by_user ON mock_shadows (user_id);

-- One scorecard per interviewer per scenario; corrections are amendments that point at it.
CREATE UNIQUE INDEX scorecards_one_interviewer ON scorecards (attempt_id, scorer_id)
    WHERE kind = 'interviewer' AND amends_id IS NULL;
