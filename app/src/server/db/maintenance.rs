//! The statements of operations (`server/ops.rs`): readiness, backups and restores. Backups and
//! restores work on SQLite files, through their own connections.
use crate::server::db::Pool;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};
use std::path::Path;

/// One round trip to the database.
pub async fn ping(pool: &Pool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(pool)
        .await
}

/// Copy the live database into the file `target` (one consistent snapshot; writers are not
/// blocked in WAL mode).
pub async fn vacuum_into(pool: &Pool, target: &str) -> Result<(), sqlx::Error> {
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(pool)
        .await?;
    Ok(())
}

/// A connection of its own to the SQLite file at `file`.
pub async fn open_file(file: &Path, read_only: bool) -> Result<SqliteConnection, sqlx::Error> {
    SqliteConnectOptions::new()
        .filename(file)
        .read_only(read_only)
        .connect()
        .await
}

/// The newest migration applied to the database of `conn`.
pub async fn newest_migration(conn: &mut SqliteConnection) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations")
        .fetch_one(conn)
        .await
}

/// Leave WAL mode (it needs the database to itself): the journal mode now in force.
pub async fn leave_wal(conn: &mut SqliteConnection) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("PRAGMA journal_mode = DELETE")
        .fetch_one(conn)
        .await
}

/// `PRAGMA integrity_check`: "ok", or what is damaged.
pub async fn integrity_check(conn: &mut SqliteConnection) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(conn)
        .await
}

/// Close a connection of [`open_file`], ignoring a failure to say goodbye.
pub async fn close(conn: SqliteConnection) {
    let _ = conn.close().await;
}
