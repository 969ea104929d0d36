//! The database layer: the pool, migrations, and (in submodules) every SQL statement of the app.
pub mod assessments;
pub mod authoring;
pub mod calibration;
pub mod copy;
pub mod frameworks;
pub mod generate;
pub mod history;
pub mod limits;
pub mod maintenance;
pub mod packs;
pub mod practice;
pub mod rubric;
pub mod scenarios;
pub mod sessions;
pub mod team_stats;
pub mod teams;
pub mod users;
pub mod web_sessions;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::{str::FromStr, time::Duration};

/// The pool every query runs on: SQLite or PostgreSQL, chosen by the database URL at start-up.
/// One set of SQL statements serves both (see `Backend` for the few that differ).
pub type Pool = sqlx::AnyPool;
/// One connection, or a transaction deref'd to one.
pub type Conn = sqlx::AnyConnection;
/// A write transaction from [`begin_write`].
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// SQLite migrations, embedded at compile time from `<workspace>/migrations/sqlite`.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
/// PostgreSQL migrations, from `<workspace>/migrations/postgres`: the same tables and columns
/// (`tests/integration/schema.rs` compares them).
pub static PG_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// Which database a pool talks to. Almost every statement is the same on both: integers,
/// text, `$N` parameters, `ON CONFLICT`, `RETURNING`, `string_agg`. The exceptions (full-text
/// search, JSON lists, write locking, file operations) ask for the backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a database URL names, or None for anything else.
    pub fn of_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Self::Postgres)
        } else {
            None
        }
    }

    /// The backend of a pool.
    pub fn of(pool: &Pool) -> Self {
        Self::of_url(pool.connect_options().database_url.as_str()).unwrap_or(Self::Sqlite)
    }

    /// The backend of a connection (or a transaction).
    pub fn of_conn(conn: &Conn) -> Self {
        if conn.backend_name().eq_ignore_ascii_case("postgresql") {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }

    /// `SELECT` of the integers in the JSON array bound at `$param`, for `x IN (...)`.
    pub fn ids_in_json(self, param: u8) -> String {
        match self {
            Self::Sqlite => format!("SELECT value FROM json_each(${param})"),
            Self::Postgres => {
                format!("SELECT value::bigint FROM json_array_elements_text(${param}::json)")
            }
        }
    }
}

/// A yes/no column or expression: SQLite gives 0/1 integers, PostgreSQL booleans for
/// expressions such as `EXISTS (...)`; the Any driver decodes neither as the other.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flag(pub bool);

impl From<Flag> for bool {
    fn from(flag: Flag) -> bool {
        flag.0
    }
}

impl sqlx::Type<sqlx::Any> for Flag {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <i64 as sqlx::Type<sqlx::Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        use sqlx::any::AnyTypeInfoKind as K;
        matches!(ty.kind(), K::Bool | K::SmallInt | K::Integer | K::BigInt)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Any> for Flag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        use sqlx::ValueRef;
        if value.type_info().kind() == sqlx::any::AnyTypeInfoKind::Bool {
            <bool as sqlx::Decode<sqlx::Any>>::decode(value).map(Flag)
        } else {
            <i64 as sqlx::Decode<sqlx::Any>>::decode(value).map(|n| Flag(n != 0))
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("invalid database URL: {0}")]
    Url(#[source] sqlx::Error),
    #[error("unsupported database URL {0:?}: use sqlite://FILE or postgres://USER@HOST/DATABASE")]
    Scheme(String),
    #[error("cannot create the database folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Open(#[source] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Other(String),
}

/// SQLite, per connection: WAL lets readers run while one writer commits; `synchronous=FULL`
/// makes every commit durable across power loss; the busy timeout makes a second writer wait
/// instead of failing; memory mapping (256 MB of address space, not memory) and a 16 MB page
/// cache keep the history and dashboard queries in single-digit milliseconds on a large
/// database (see docs/PERFORMANCE.md).
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
    PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;
    PRAGMA mmap_size = 268435456; PRAGMA cache_size = -16384;";

/// Run statements separated by `;` on a fresh connection.
fn run_script<'c>(
    conn: &'c mut Conn,
    script: &'static str,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), sqlx::Error>> + Send + 'c>> {
    Box::pin(async move {
        for statement in script.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            sqlx::Executor::execute(&mut *conn, statement).await?;
        }
        Ok(())
    })
}

/// PostgreSQL, per connection: a writer waits at most 5 s for a lock (as SQLite's busy timeout),
/// then the request gets a 503 instead of hanging.
const POSTGRES_SETTINGS: &str = "SET lock_timeout = '5s'";

fn install_drivers() {
    sqlx::any::install_default_drivers();
}

/// Open the database a URL names and bring its schema up to date: `sqlite://FILE` (created
/// with its folder if missing) or `postgres://...` (the database must exist; several
/// instances starting at once migrate one after the other under PostgreSQL's advisory lock).
pub async fn connect(url: &str) -> Result<Pool, DbSetupError> {
    let pool = open(url, 8).await?;
    migrate(&pool).await?;
    Ok(pool)
}

/// On SQLite a connection idle this long is closed (the pool's reaper looks every 20 s, so
/// between 20 and about 40 s): SQLite's page cache and memory map of the file belong to a
/// connection, so after a burst the server goes back to its idle memory (issue 19) instead of
/// holding eight connections' worth. Opening one again costs well under a millisecond. A
/// PostgreSQL connection costs a round trip or three and some authentication to open again, and
/// its memory is the database server's: it keeps sqlx's default (10 minutes).
const SQLITE_IDLE_CONNECTION: Duration = Duration::from_secs(20);
const POSTGRES_IDLE_CONNECTION: Duration = Duration::from_secs(600);

/// Open without migrating: `max` connections, 5 s to get one (then the request gets a 503,
/// never a hang).
pub async fn open(url: &str, max: u32) -> Result<Pool, DbSetupError> {
    install_drivers();
    let backend = Backend::of_url(url).ok_or_else(|| DbSetupError::Scheme(redact(url)))?;
    let url = match backend {
        Backend::Sqlite => {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(DbSetupError::Url)?
                .create_if_missing(true);
            let folder = opts.get_filename().parent().map(|p| p.to_path_buf());
            if let Some(folder) = folder.filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(&folder).map_err(|source| DbSetupError::Folder {
                    path: folder.display().to_string(),
                    source,
                })?;
            }
            opts.to_url_lossy().to_string()
        }
        Backend::Postgres => url.to_string(),
    };
    let opts = AnyConnectOptions::from_str(&url).map_err(DbSetupError::Url)?;
    AnyPoolOptions::new()
        .max_connections(max)
        .min_connections(0)
        .idle_timeout(match backend {
            Backend::Sqlite => SQLITE_IDLE_CONNECTION,
            Backend::Postgres => POSTGRES_IDLE_CONNECTION,
        })
        .acquire_timeout(Duration::from_secs(5))
        .after_connect(move |conn, _| match backend {
            Backend::Sqlite => run_script(conn, SQLITE_PRAGMAS),
            Backend::Postgres => run_script(conn, POSTGRES_SETTINGS),
        })
        .connect_with(opts)
        .await
        .map_err(DbSetupError::Open)
}

/// Apply the backend's migrations.
pub async fn migrate(pool: &Pool) -> Result<(), DbSetupError> {
    let migrator = match Backend::of(pool) {
        Backend::Sqlite => &MIGRATOR,
        Backend::Postgres => &PG_MIGRATOR,
    };
    migrator.run(pool).await.map_err(DbSetupError::Migrate)
}

/// A database URL without its password (in the authority or as `?password=`), for messages
/// and logs; a URL that does not parse is not shown at all.
pub fn redact(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return "<a URL that does not parse>".to_string();
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("***"));
    }
    if parsed.query_pairs().any(|(k, _)| k == "password") {
        let kept: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(k, v)| {
                let v = if k == "password" {
                    "***".into()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(kept);
    }
    parsed.to_string()
}

/// An existing SQLite database, read-only, without migrating it (for `coach backup`: a backup
/// must not change what it copies, and a mistyped URL must not back up a new empty database).
pub async fn open_read_only(url: &str) -> Result<Pool, DbSetupError> {
    install_drivers();
    if Backend::of_url(url) != Some(Backend::Sqlite) {
        return Err(DbSetupError::Other(
            "coach backup copies a SQLite database; back up PostgreSQL with pg_dump or your platform's snapshots (docs/DEPLOYMENT.md)".into(),
        ));
    }
    let opts = SqliteConnectOptions::from_str(url)
        .map_err(DbSetupError::Url)?
        .create_if_missing(false)
        .read_only(true);
    // Fail now, with the file's name, rather than at the first query.
    opts.connect()
        .await
        .map_err(DbSetupError::Open)?
        .close()
        .await
        .map_err(DbSetupError::Open)?;
    let opts =
        AnyConnectOptions::from_str(opts.to_url_lossy().as_ref()).map_err(DbSetupError::Url)?;
    AnyPoolOptions::new()
        .max_connections(1)
        .after_connect(|conn, _| run_script(conn, "PRAGMA busy_timeout = 5000"))
        .connect_with(opts)
        .await
        .map_err(DbSetupError::Open)
}

/// The file of a `sqlite:` database URL.
pub fn file_of(url: &str) -> Result<std::path::PathBuf, DbSetupError> {
    if Backend::of_url(url) != Some(Backend::Sqlite) {
        return Err(DbSetupError::Other(
            "this command works on a SQLite file; for PostgreSQL use pg_dump and pg_restore (docs/DEPLOYMENT.md)".into(),
        ));
    }
    let opts = SqliteConnectOptions::from_str(url).map_err(DbSetupError::Url)?;
    Ok(opts.get_filename().to_path_buf())
}

/// Every write transaction holds the database's one write lock, taken at the start: SQLite's
/// `BEGIN IMMEDIATE`, or on PostgreSQL a transaction-scoped advisory lock that every instance
/// takes. Writers therefore run one at a time in the same order on both backends, and the
/// read-check-write sequences inside a transaction (a scorecard amends the latest one, a
/// version number is the next one) cannot interleave. A concurrent writer waits (SQLite's busy
/// timeout, PostgreSQL's lock queue) instead of failing half-way through. The wait is timed
/// into `coach_db_write_lock_wait_seconds`.
pub async fn begin_write(pool: &Pool) -> Result<Tx, sqlx::Error> {
    let began = std::time::Instant::now();
    let tx = match Backend::of(pool) {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        // READ COMMITTED whatever the server's default: each statement after the lock sees
        // what the previous holder committed (a snapshot taken before the wait would not).
        Backend::Postgres => {
            async {
                let mut tx = pool
                    .begin_with("BEGIN ISOLATION LEVEL READ COMMITTED")
                    .await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(WRITE_LOCK)
                    .execute(&mut *tx)
                    .await?;
                Ok(tx)
            }
            .await
        }
    };
    // Timed whether or not the lock came: the waits that ran out matter most.
    metrics::histogram!("coach_db_write_lock_wait_seconds").record(began.elapsed().as_secs_f64());
    tx
}

/// The advisory lock key of [`begin_write`] on PostgreSQL ("coach" in ASCII).
pub const WRITE_LOCK: i64 = 0x0063_6f61_6368;

/// Commit a transaction, timed into `coach_db_commit_seconds` (the fsync that makes it
/// durable).
pub async fn commit(tx: sqlx::Transaction<'_, sqlx::Any>) -> Result<(), sqlx::Error> {
    let began = std::time::Instant::now();
    let done = tx.commit().await;
    metrics::histogram!("coach_db_commit_seconds").record(began.elapsed().as_secs_f64());
    done
}

/// Scores packed by `string_agg(key || '=' || score, ',')`: (dimension key, score). Keys are
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
    fn a_database_password_is_never_shown() {
        for url in [
            "postgres://coach:s3cret@db.internal/coach",
            "postgres://db.internal/coach?user=coach&password=s3cret",
            "postgres://coach:s3/cr#et@db/coach",
        ] {
            let shown = super::redact(url);
            assert!(
                !shown.contains("s3cret") && !shown.contains("cr#et"),
                "{shown}"
            );
        }
        assert_eq!(
            super::redact("postgres://coach:pw@db/coach"),
            "postgres://coach:***@db/coach"
        );
        assert_eq!(
            super::redact("sqlite://data/coach.db"),
            "sqlite://data/coach.db"
        );
    }

    #[test]
    fn packed_scores_unpack_and_nothing_packed_is_nothing() {
        assert_eq!(
            super::unpack_scores(Some("framing=3,safety=4")),
            vec![("framing".to_string(), 3), ("safety".to_string(), 4)]
        );
        assert!(super::unpack_scores(None).is_empty());
    }
}
