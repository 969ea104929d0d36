-- Sign-in rate limits kept in the database, so that several instances (on PostgreSQL) share one
-- counter per client and per account, and a restart does not reset them. One row per limited
-- key, holding the GCRA "theoretical arrival time" in unix milliseconds (server::auth::limits).
-- Same table in migrations/postgres/20261127000000_schema.sql.
CREATE TABLE rate_limits (
    key TEXT    PRIMARY KEY,
    tat INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX rate_limits_by_tat ON rate_limits (tat);

-- Sessions are now written by the app's own store (server/auth/store.rs), which keeps the
-- expiry as unix seconds and drops expired rows, found by this index. Rows written by the old
-- store kept a text date: they are removed, so everyone signs in once more after this upgrade.
DELETE FROM tower_sessions;
CREATE INDEX tower_sessions_by_expiry ON tower_sessions (expiry_date);
