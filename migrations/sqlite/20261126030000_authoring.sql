-- Scenario authoring in the browser. A scenario written in the browser belongs to a team and
-- is seen by that team only; built-in scenarios (loaded from content/) have no team and are
-- seen by everybody. Editing a built-in makes a team-owned fork, so a content update never
-- overwrites an author's edit and an author's edit never changes what other teams see.

-- (no cascade: a team with scenarios, whose versions attempts point at, cannot be deleted)
ALTER TABLE scenarios ADD COLUMN team_id INTEGER REFERENCES teams (id);
ALTER TABLE scenarios ADD COLUMN forked_from_id INTEGER REFERENCES scenarios (id);

-- Who saved a version: NULL for versions made by the content sync (the file is the author).
ALTER TABLE scenario_versions ADD COLUMN author_id INTEGER REFERENCES users (id) ON DELETE SET NULL;

CREATE INDEX scenarios_by_team ON scenarios (team_id);

-- A version never changes once written: attempts and scorecards point at it.
CREATE TRIGGER scenario_versions_immutable
BEFORE UPDATE OF scenario_id, version, content_hash, title, summary, level, prompt_md, prompt_html
ON scenario_versions
BEGIN
    SELECT RAISE(ABORT, 'scenario versions are immutable: save a new version');
END;
