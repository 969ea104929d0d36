-- Identity that is never handed out twice, and sign-in limits strangers cannot use to lock an
-- owner out; see migrations/sqlite/20261202000000_security.sql.

-- 1. A random key per account, carried in each session and compared on every request.
ALTER TABLE users ADD COLUMN session_key TEXT NOT NULL DEFAULT '';
UPDATE users SET session_key = md5(random()::text || clock_timestamp()::text || id::text);
ALTER TABLE users DROP COLUMN session_epoch;

-- 2. The highest id ever deleted. Identity sequences never reuse values; the table travels
--    with `coach copy-to-postgres`, which starts each sequence above it.
CREATE TABLE deleted_ids (
    table_name TEXT   PRIMARY KEY,
    highest    BIGINT NOT NULL
);

CREATE FUNCTION coach_users_deleted_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO deleted_ids (table_name, highest) VALUES ('users', OLD.id)
    ON CONFLICT (table_name) DO UPDATE SET highest = greatest(deleted_ids.highest, excluded.highest);
    RETURN OLD;
END;
$$;

CREATE TRIGGER users_deleted_id AFTER DELETE ON users FOR EACH ROW
EXECUTE FUNCTION coach_users_deleted_id();

-- 3. Sessions know whose they are.
ALTER TABLE tower_sessions ADD COLUMN user_id BIGINT;
DELETE FROM tower_sessions;
CREATE INDEX tower_sessions_by_user ON tower_sessions (user_id);

-- 4. Clients known to have signed in to an account.
CREATE TABLE known_clients (
    key        TEXT   PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

CREATE INDEX known_clients_by_expiry ON known_clients (expires_at);

-- 5. Amendments written after their author could read another scorer's scorecard.
ALTER TABLE scorecards ADD COLUMN saw_others BIGINT NOT NULL DEFAULT 0 CHECK (saw_others IN (0, 1));

-- 6. When each mock scenario was first shown to the candidate.
ALTER TABLE mock_session_items ADD COLUMN shown_at BIGINT;
UPDATE mock_session_items SET shown_at = started_at;
