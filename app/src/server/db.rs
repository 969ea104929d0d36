//! The database layer: the pool, migrations, and (in submodules) every SQL statement of the app.
pub mod authoring;
pub mod calibration;
pub mod frameworks;
pub mod packs;
pub mod practice;
pub mod rubric;
pub mod scenarios;
pub mod sessions;
pub mod teams;
pub mod users;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::{str::FromStr, time::Duration};

/// Migrations, embedded at compile time from `<workspace>/migrations`.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("invalid database URL: {0}")]
    Url(#[source] sqlx::Error),
    #[error("cannot create the database folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Open(#[source] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

/// Open (creating if missing) the SQLite database and bring its schema up to date.
///
/// WAL lets readers run while one writer commits; `synchronous=FULL` makes every commit durable
/// across power loss; the busy timeout makes a second writer wait instead of failing; memory
/// mapping and a larger page cache keep the history and dashboard queries in single-digit
/// milliseconds on a large database (see docs/PERFORMANCE.md).
pub async fn connect(url: &str) -> Result<SqlitePool, DbSetupError> {
    let opts = SqliteConnectOptions::from_str(url)
        .map_err(DbSetupError::Url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true)
        // Reads straight from the mapped file instead of copying pages (256 MB of address
        // space, not memory), and a 16 MB page cache per connection instead of SQLite's 2 MB.
        .pragma("mmap_size", "268435456")
        .pragma("cache_size", "-16384");
    let folder = opts.get_filename().parent().map(|p| p.to_path_buf());
    if let Some(folder) = folder.filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(&folder).map_err(|source| DbSetupError::Folder {
            path: folder.display().to_string(),
            source,
        })?;
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        // A request waits at most this long for a connection, then gets a 503, never a hang.
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(opts)
        .await
        .map_err(DbSetupError::Open)?;
    MIGRATOR.run(&pool).await.map_err(DbSetupError::Migrate)?;
    Ok(pool)
}

/// An existing database, read-only, without migrating it (for `coach backup`: a backup must
/// not change what it copies, and a mistyped URL must not back up a new empty database).
pub async fn open_read_only(url: &str) -> Result<SqlitePool, DbSetupError> {
    let opts = SqliteConnectOptions::from_str(url)
        .map_err(DbSetupError::Url)?
        .create_if_missing(false)
        .read_only(true)
        .busy_timeout(Duration::from_secs(5));
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await
        .map_err(DbSetupError::Open)
}

/// The file of a `sqlite:` database URL.
pub fn file_of(url: &str) -> Result<std::path::PathBuf, DbSetupError> {
    let opts = SqliteConnectOptions::from_str(url).map_err(DbSetupError::Url)?;
    Ok(opts.get_filename().to_path_buf())
}

/// Start a write transaction that takes the write lock at once (`BEGIN IMMEDIATE`), so that a
/// concurrent writer waits for the busy timeout instead of failing half-way through.
/// The wait for the write lock is timed into `coach_db_write_lock_wait_seconds`.
pub async fn begin_write(
    pool: &SqlitePool,
) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    let began = std::time::Instant::now();
    let tx = pool.begin_with("BEGIN IMMEDIATE").await;
    metrics::histogram!("coach_db_write_lock_wait_seconds").record(began.elapsed().as_secs_f64());
    tx
}

/// Commit a transaction, timed into `coach_db_commit_seconds` (with `synchronous=FULL`, the
/// fsync that makes it durable).
pub async fn commit(tx: sqlx::Transaction<'_, sqlx::Sqlite>) -> Result<(), sqlx::Error> {
    let began = std::time::Instant::now();
    let done = tx.commit().await;
    metrics::histogram!("coach_db_commit_seconds").record(began.elapsed().as_secs_f64());
    done
}

/// Scores packed by `group_concat(key || '=' || score, ',')`: (dimension key, score). Keys are
/// slugs, so neither separator can occur in one.
pub(crate) fn unpack_scores(packed: Option<&str>) -> Vec<(String, i64)> {
    packed
        .unwrap_or_default()
        .split(',')
        .filter_map(|pair| {
            let (key, score) = pair.split_once('=')?;
            Some((key.to_string(), score.parse().ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn packed_scores_unpack_and_nothing_packed_is_nothing() {
        assert_eq!(
            super::unpack_scores(Some("framing=3,safety=4")),
            vec![("framing".to_string(), 3), ("safety".to_string(), 4)]
        );
        assert!(super::unpack_scores(None).is_empty());
    }
}
