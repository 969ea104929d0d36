-- A counter raised by every change that can alter a team's calibration dashboard (issue 17).
-- The server keeps each team's computed dashboard statistics beside the counter's value they
-- were computed at, and recomputes when the counter has moved: a dashboard is never stale,
-- also with several instances on one database, and its ~12 ms of queries and statistics are
-- paid once per change instead of once per view. Global, not per team: the changes are rare
-- (ratings, reveals, memberships, names, mock sessions' interviewer scorecards), and mapping
-- each to its teams would be the kind of cleverness that misses one.
--
-- The changes are caught by triggers, not by the code paths that make them, so a new path
-- cannot forget. Children written in the same transaction as their parent (a rating's scores,
-- a scorecard's scores, a rubric's dimensions) and rows removed by a parent's cascade are
-- covered by the parent's trigger. Same triggers in migrations/postgres/20261203000000_stats_epoch.sql.
-- Derived, so `coach copy-to-postgres` does not copy it (copy::DERIVED).
CREATE TABLE stats_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
) STRICT;
INSERT INTO stats_epoch (id, n) VALUES (1, 0);

-- Revealed exercises and their ratings.
CREATE TRIGGER stats_calibration_exercises_insert AFTER INSERT ON calibration_exercises
BEGIN UPDATE stats_epoch SET n = n + 1; END;
CREATE TRIGGER stats_calibration_exercises_update AFTER UPDATE ON calibration_exercises
BEGIN UPDATE stats_epoch SET n = n + 1; END;
CREATE TRIGGER stats_calibration_exercises_delete AFTER DELETE ON calibration_exercises
BEGIN UPDATE stats_epoch SET n = n + 1; END;
CREATE TRIGGER stats_calibration_ratings_insert AFTER INSERT ON calibration_ratings
BEGIN UPDATE stats_epoch SET n = n + 1; END;
CREATE TRIGGER stats_calibration_ratings_update AFTER UPDATE ON calibration_ratings
BEGIN UPDATE stats_epoch SET n = n + 1; END;
CREATE TRIGGER stats_calibration_ratings_delete AFTER DELETE ON calibration_ratings
BEGIN UPDATE stats_epoch SET n = n + 1; END;

-- Raters' and members' names, roles, and accounts deleted ("former member").
CREATE TRIGGER stats_users_update AFTER UPDATE OF display_name, role ON users
BEGIN UPDATE stats_epoch SET n = n + 1; END;
CREATE TRIGGER stats_users_delete AFTER DELETE ON users
BEGIN UPDATE stats_epoch SET n = n + 1; END;

-- Memberships, leads, qualifications.
CREATE TRIGGER stats_team_members_insert AFTER INSERT ON team_members
BEGIN UPDATE stats_epoch SET n = n + 1; END;
CREATE TRIGGER stats_team_members_update AFTER UPDATE ON team_members
BEGIN UPDATE stats_epoch SET n = n + 1; END;
CREATE TRIGGER stats_team_members_delete AFTER DELETE ON team_members
BEGIN UPDATE stats_epoch SET n = n + 1; END;

-- The rubric's dimensions (a new version is a new row).
CREATE TRIGGER stats_rubric_versions_insert AFTER INSERT ON rubric_versions
BEGIN UPDATE stats_epoch SET n = n + 1; END;

-- Mock sessions: interviewers' scorecards, the sessions and their items (who led, who
-- shadowed, which attempts), and those attempts' submission.
CREATE TRIGGER stats_scorecards_insert AFTER INSERT ON scorecards WHEN NEW.kind = 'interviewer'
BEGIN UPDATE stats_epoch SET n = n + 1; END;
CREATE TRIGGER stats_scorecards_update AFTER UPDATE ON scorecards WHEN NEW.kind = 'interviewer'
BEGIN UPDATE stats_epoch SET n = n + 1; END;
CREATE TRIGGER stats_scorecards_delete AFTER DELETE ON scorecards WHEN OLD.kind = 'interviewer'
BEGIN UPDATE stats_epoch SET n = n + 1; END;
CREATE TRIGGER stats_attempts_update AFTER UPDATE OF submitted_at, scenario_version_id ON attempts
WHEN NEW.mode = 'mock'
BEGIN UPDATE stats_epoch SET n = n + 1; END;
CREATE TRIGGER stats_mock_sessions_insert AFTER INSERT ON mock_sessions
BEGIN UPDATE stats_epoch SET n = n + 1; END;
CREATE TRIGGER stats_mock_sessions_update AFTER UPDATE OF interviewer_id ON mock_sessions
BEGIN UPDATE stats_epoch SET n = n + 1; END;
CREATE TRIGGER stats_mock_sessions_delete AFTER DELETE ON mock_sessions
BEGIN UPDATE stats_epoch SET n = n + 1; END;
CREATE TRIGGER stats_mock_session_items_insert AFTER INSERT ON mock_session_items
BEGIN UPDATE stats_epoch SET n = n + 1; END;
CREATE TRIGGER stats_mock_session_items_update AFTER UPDATE OF session_id, attempt_id ON mock_session_items
BEGIN UPDATE stats_epoch SET n = n + 1; END;
CREATE TRIGGER stats_mock_session_items_delete AFTER DELETE ON mock_session_items
BEGIN UPDATE stats_epoch SET n = n + 1; END;
CREATE TRIGGER stats_mock_shadows_insert AFTER INSERT ON mock_shadows
BEGIN UPDATE stats_epoch SET n = n + 1; END;
CREATE TRIGGER stats_mock_shadows_delete AFTER DELETE ON mock_shadows
BEGIN UPDATE stats_epoch SET n = n + 1; END;
