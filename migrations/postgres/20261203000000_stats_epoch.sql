-- A counter raised by every change that can alter a team's calibration dashboard: see
-- migrations/sqlite/20261203000000_stats_epoch.sql for why and for what is covered.
--
-- Here the counter is raised at commit (deferred constraint triggers), once per transaction:
-- raised at each statement, a transaction would hold the counter's row lock while it went on
-- to lock other rows, and two such transactions could deadlock. At commit a transaction takes
-- no further locks, and the counter's new value becomes visible with the rows that moved it.
CREATE TABLE stats_epoch (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO stats_epoch (id, n) VALUES (1, 0);

CREATE FUNCTION coach_stats_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Once per transaction (a setting local to it), however many rows it changed.
    IF current_setting('coach.stats_changed_in', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM set_config('coach.stats_changed_in', txid_current()::text, true);
        UPDATE stats_epoch SET n = n + 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER stats_calibration_exercises
AFTER INSERT OR UPDATE OR DELETE ON calibration_exercises
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION coach_stats_changed();
CREATE CONSTRAINT TRIGGER stats_calibration_ratings
AFTER INSERT OR UPDATE OR DELETE ON calibration_ratings
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION coach_stats_changed();
CREATE CONSTRAINT TRIGGER stats_users
AFTER UPDATE OF display_name, role OR DELETE ON users
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION coach_stats_changed();
CREATE CONSTRAINT TRIGGER stats_team_members
AFTER INSERT OR UPDATE OR DELETE ON team_members
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION coach_stats_changed();
CREATE CONSTRAINT TRIGGER stats_rubric_versions
AFTER INSERT ON rubric_versions
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION coach_stats_changed();
CREATE CONSTRAINT TRIGGER stats_scorecards_written
AFTER INSERT OR UPDATE ON scorecards
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.kind = 'interviewer')
EXECUTE FUNCTION coach_stats_changed();
CREATE CONSTRAINT TRIGGER stats_scorecards_deleted
AFTER DELETE ON scorecards
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.kind = 'interviewer')
EXECUTE FUNCTION coach_stats_changed();
CREATE CONSTRAINT TRIGGER stats_attempts
AFTER UPDATE OF submitted_at, scenario_version_id ON attempts
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.mode = 'mock')
EXECUTE FUNCTION coach_stats_changed();
CREATE CONSTRAINT TRIGGER stats_mock_sessions
AFTER INSERT OR UPDATE OF interviewer_id OR DELETE ON mock_sessions
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION coach_stats_changed();
CREATE CONSTRAINT TRIGGER stats_mock_session_items
AFTER INSERT OR UPDATE OF session_id, attempt_id OR DELETE ON mock_session_items
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION coach_stats_changed();
CREATE CONSTRAINT TRIGGER stats_mock_shadows
AFTER INSERT OR DELETE ON mock_shadows
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION coach_stats_changed();
