-- Accounts, teams, and server-side sessions.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL,
    display_name  TEXT    NOT NULL,
    -- argon2id PHC string; never logged, never sent to a browser
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('candidate', 'interviewer', 'team-lead', 'admin')),
    active        INTEGER NOT NULL CHECK (active IN (0, 1)),
    -- Raised by a password change: sessions signed in under an older epoch stop working, which
    -- ends every other session of the user server-side.
    session_epoch INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE teams (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX teams_name ON teams (lower(name));

CREATE TABLE team_members (
    team_id  INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    is_lead  INTEGER NOT NULL CHECK (is_lead IN (0, 1)),
    added_at INTEGER NOT NULL,
    PRIMARY KEY (team_id, user_id)
) STRICT;

CREATE INDEX team_members_by_user ON team_members (user_id);

-- The table tower-sessions' SQLite store reads and writes (its own schema, created here so that
-- every table comes from a migration). Not STRICT: the store binds expiry_date as a text
-- timestamp, which this column type accepts only in SQLite's flexible mode.
CREATE TABLE tower_sessions (
    id          TEXT    PRIMARY KEY NOT NULL,
    data        BLOB    NOT NULL,
    expiry_date INTEGER NOT NULL
);
