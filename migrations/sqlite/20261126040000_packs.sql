-- Content packs: every import of a pack is recorded with its report, applied or refused, so
-- the person who uploaded it (and the team's leads) can read what happened to every file.
-- A refused import changes no scenario; only this log gains a row.
CREATE TABLE pack_imports (
    id          INTEGER PRIMARY KEY,
    team_id     INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    applied     INTEGER NOT NULL CHECK (applied IN (0, 1)),
    -- the report shown to people: files, outcomes, problems (JSON, see domain::packs)
    report      TEXT NOT NULL
);

CREATE INDEX pack_imports_by_team ON pack_imports (team_id, created_at DESC);
