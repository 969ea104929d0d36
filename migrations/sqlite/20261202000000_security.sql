-- Closing what a security review found. A deleted account's other sessions signed in as the
-- next account created: SQLite gives a new row the highest id plus one (the deleted account's
-- id, when it was the newest), and every account started at session epoch 0. And strangers
-- could keep an owner locked out by spending the account's sign-in tries.
-- Same changes in migrations/postgres/20261202000000_security.sql.

-- 1. A random key per account, carried in each of its sessions and compared on every request.
--    A password change or a deactivation draws a new key, which ends every session signed in
--    under the old one. It replaces the session epoch, which repeated across accounts.
ALTER TABLE users ADD COLUMN session_key TEXT NOT NULL DEFAULT '';
UPDATE users SET session_key = lower(hex(randomblob(16)));
ALTER TABLE users DROP COLUMN session_epoch;

-- 2. Ids never come back: the highest id ever deleted is remembered, and a new account's id is
--    above it (db::users::create). (Deletions before this upgrade left no trace; the session
--    keys above cover them.) PostgreSQL's identity sequences never reuse values anyway; there
--    the table tells `coach copy-to-postgres` where the sequence must start.
CREATE TABLE deleted_ids (
    table_name TEXT    PRIMARY KEY,
    highest    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TRIGGER users_deleted_id AFTER DELETE ON users
BEGIN
    INSERT INTO deleted_ids (table_name, highest) VALUES ('users', OLD.id)
    ON CONFLICT (table_name) DO UPDATE SET highest = max(highest, excluded.highest);
END;

-- 3. Sessions know whose they are, so that deleting or deactivating an account, or changing
--    its password, deletes every session of it. Old sessions carry no key: everyone signs in
--    once more after this upgrade.
ALTER TABLE tower_sessions ADD COLUMN user_id INTEGER;
DELETE FROM tower_sessions;
CREATE INDEX tower_sessions_by_user ON tower_sessions (user_id);

-- 4. Clients known to have signed in to an account (a hash of account and client address, until
--    an expiry). They are limited per (account, client) rather than by the account's shared
--    bucket, so that strangers spending an account's tries cannot lock its owner out.
CREATE TABLE known_clients (
    key        TEXT    PRIMARY KEY,
    expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX known_clients_by_expiry ON known_clients (expires_at);

-- 5. An amendment written once its author could read another scorer's scorecard of the same
--    attempt is no longer independent scoring: it says so (the agreement statistics use each
--    scorer's first scorecard, made before anyone's were visible).
ALTER TABLE scorecards ADD COLUMN saw_others INTEGER NOT NULL DEFAULT 0 CHECK (saw_others IN (0, 1));

-- 6. When each mock scenario was first shown to the candidate (their screen loaded it, or the
--    interviewer put it on screen). Until then the candidate's own pages do not list it.
--    Sessions from before this change: what had started counts as shown.
ALTER TABLE mock_session_items ADD COLUMN shown_at INTEGER;
UPDATE mock_session_items SET shown_at = started_at;
