//! `coach copy-to-postgres`: move a team from the embedded SQLite database to PostgreSQL
//! without losing history. Every row of every table is copied, ids included, into an empty,
//! migrated PostgreSQL database in one transaction (all or nothing), read from one SQLite read
//! transaction (one consistent snapshot); then the id sequences are moved past the copied ids
//! and every table's row count is compared.
use crate::server::db::{self, Backend, Pool};
use sqlx::{Column, Row, ValueRef};
use std::collections::HashMap;
use tokio_stream::StreamExt;

/// Every table, parents before children (scenarios and their versions refer to each other:
/// that one constraint is deferred to the commit). `tests/integration/copy.rs` fails when a
/// table is missing here.
pub const TABLES: &[&str] = &[
    "rubric_versions",
    "rubric_dimensions",
    "rubric_recommendations",
    "frameworks",
    "users",
    "deleted_ids",
    "teams",
    "team_members",
    "scenarios",
    "scenario_versions",
    "scenario_version_topics",
    "scenario_sections",
    "scenario_key_points",
    "scenario_follow_ups",
    "scenario_search",
    "attempts",
    "scorecards",
    "scorecard_scores",
    "scorecard_marks",
    "assessments",
    "assessment_marks",
    "review_states",
    "mock_sessions",
    "mock_session_items",
    "mock_reveals",
    "mock_marks",
    "mock_shadows",
    "calibration_exercises",
    "calibration_expert_scores",
    "calibration_ratings",
    "calibration_rating_scores",
    "pack_imports",
    "tower_sessions",
    "rate_limits",
    "known_clients",
];

/// Tables that are not copied: derived from the others, and set up by the migrations on both
/// sides (the team dashboards' change counter, whose triggers raise it on PostgreSQL as the
/// copied rows arrive).
pub const DERIVED: &[&str] = &["stats_epoch"];

/// One stored value, whichever the backend.
#[derive(Clone, Debug, PartialEq, PartialOrd)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// Every value of a row, in column order.
pub fn values(row: &sqlx::any::AnyRow) -> Result<Vec<Value>, sqlx::Error> {
    use sqlx::any::AnyTypeInfoKind as K;
    (0..row.columns().len())
        .map(|i| {
            let raw = row.try_get_raw(i)?;
            if raw.is_null() {
                return Ok(Value::Null);
            }
            Ok(match raw.type_info().kind() {
                K::Bool => Value::Int(i64::from(row.try_get::<bool, _>(i)?)),
                K::SmallInt | K::Integer | K::BigInt => Value::Int(row.try_get(i)?),
                K::Real | K::Double => Value::Real(row.try_get(i)?),
                K::Blob => Value::Blob(row.try_get(i)?),
                _ => Value::Text(row.try_get(i)?),
            })
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Setup(#[from] db::DbSetupError),
    #[error("database error while copying {table}: {source}")]
    Db {
        table: String,
        #[source]
        source: sqlx::Error,
    },
}

fn at(table: &str) -> impl FnOnce(sqlx::Error) -> CopyError + '_ {
    move |source| CopyError::Db {
        table: table.to_string(),
        source,
    }
}

/// (table, rows copied), in copy order.
pub type CopyReport = Vec<(String, u64)>;

/// The most parameters one INSERT may carry on PostgreSQL is 65,535.
const MAX_PARAMS: usize = 60_000;

/// Copy everything from `from` (SQLite) into `to` (PostgreSQL, migrated and empty). `progress`
/// hears (table, rows so far) as the copy goes.
pub async fn sqlite_to_postgres(
    from: &Pool,
    to: &Pool,
    mut progress: impl FnMut(&str, u64),
) -> Result<CopyReport, CopyError> {
    if Backend::of(from) != Backend::Sqlite || Backend::of(to) != Backend::Postgres {
        return Err(CopyError::Refused(
            "copy-to-postgres copies a sqlite:// database into a postgres:// one".into(),
        ));
    }
    let newest: Option<i64> = sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations")
        .fetch_one(from)
        .await
        .map_err(at("_sqlx_migrations"))?;
    let known = db::MIGRATOR.iter().map(|m| m.version).max();
    if newest != known {
        return Err(CopyError::Refused(format!(
            "the SQLite database is at schema {} but this version of coach writes {}: start this version once on it (it migrates), stop it, then copy",
            newest.unwrap_or_default(),
            known.unwrap_or_default()
        )));
    }
    for table in TABLES {
        let rows: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(to)
            .await
            .map_err(at(table))?;
        // The migrations seed nothing, so any row means the database is in use.
        if rows > 0 {
            return Err(CopyError::Refused(format!(
                "the PostgreSQL database is not empty ({table} has {rows} rows): copy into a new database"
            )));
        }
    }

    let mut source = from.acquire().await.map_err(at("(connect)"))?;
    // One read transaction: every table from the same moment.
    sqlx::query("BEGIN")
        .execute(&mut *source)
        .await
        .map_err(at("(begin)"))?;
    let mut target = to.begin().await.map_err(at("(begin)"))?;
    sqlx::query("SET CONSTRAINTS ALL DEFERRED")
        .execute(&mut *target)
        .await
        .map_err(at("(begin)"))?;

    let mut report = CopyReport::new();
    for &table in TABLES {
        let kinds: HashMap<String, String> = sqlx::query_as(
            "SELECT column_name::text, data_type::text FROM information_schema.columns
              WHERE table_schema = current_schema() AND table_name = $1",
        )
        .bind(table)
        .fetch_all(&mut *target)
        .await
        .map_err(at(table))?
        .into_iter()
        .collect();
        // The search table's document is computed by PostgreSQL; FTS5's rowid is hidden.
        let select = if table == "scenario_search" {
            "SELECT rowid, title, summary, prompt, answer_key FROM scenario_search ORDER BY rowid"
                .to_string()
        } else {
            format!("SELECT * FROM {table} ORDER BY 1")
        };
        // Streamed, and written in statements of many rows: a million scores never sit in
        // memory at once, nor cost a million round trips.
        let mut rows = sqlx::query(&select).fetch(&mut *source);
        let mut columns: Vec<String> = Vec::new();
        let mut types: Vec<String> = Vec::new();
        let mut batch: Vec<Vec<Value>> = Vec::new();
        let mut copied = 0u64;
        loop {
            let row = rows.next().await.transpose().map_err(at(table))?;
            if let Some(row) = &row {
                if columns.is_empty() {
                    columns = row.columns().iter().map(|c| c.name().to_string()).collect();
                    types = columns
                        .iter()
                        .map(|c| kinds.get(c).cloned().unwrap_or_else(|| "text".into()))
                        .collect();
                }
                batch.push(values(row).map_err(at(table))?);
            }
            let full = !columns.is_empty() && batch.len() >= (MAX_PARAMS / columns.len()).min(1000);
            if (full || row.is_none()) && !batch.is_empty() {
                let written = std::mem::take(&mut batch);
                copied += written.len() as u64;
                insert(&mut target, table, &columns, &types, written).await?;
                progress(table, copied);
            }
            if row.is_none() {
                break;
            }
        }
        if copied == 0 {
            progress(table, 0);
        }
        report.push((table.to_string(), copied));
    }

    // New rows get ids after the copied ones, and after any deleted from the source.
    let identities: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.columns
          WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES'",
    )
    .fetch_all(&mut *target)
    .await
    .map_err(at("(sequences)"))?;
    for table in identities {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                           greatest(coalesce(max(id), 0),
                                    coalesce((SELECT highest FROM deleted_ids
                                               WHERE table_name = '{table}'), 0)) + 1,
                           false)
               FROM {table}"
        ))
        .execute(&mut *target)
        .await
        .map_err(at(&table))?;
    }

    // Nothing lost: each table has as many rows in PostgreSQL, before the commit, as in the
    // SQLite snapshot it was read from.
    for (table, _) in &report {
        let count = format!("SELECT count(*) FROM {table}");
        let here: i64 = sqlx::query_scalar(&count)
            .fetch_one(&mut *source)
            .await
            .map_err(at(table))?;
        let there: i64 = sqlx::query_scalar(&count)
            .fetch_one(&mut *target)
            .await
            .map_err(at(table))?;
        if here != there {
            return Err(CopyError::Refused(format!(
                "{table}: {here} rows in SQLite but {there} in PostgreSQL; nothing was committed"
            )));
        }
    }
    target.commit().await.map_err(at("(commit)"))?;
    let _ = sqlx::query("ROLLBACK").execute(&mut *source).await;
    Ok(report)
}

/// One multi-row INSERT of `rows` into `table`.
async fn insert(
    target: &mut sqlx::Transaction<'static, sqlx::Any>,
    table: &str,
    columns: &[String],
    types: &[String],
    rows: Vec<Vec<Value>>,
) -> Result<(), CopyError> {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut n = 0;
    for r in 0..rows.len() {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..columns.len() {
            n += 1;
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${n}"));
        }
        sql.push(')');
    }
    let mut query = sqlx::query(&sql);
    for row in rows {
        for ((value, ty), column) in row.into_iter().zip(types).zip(columns) {
            query = bind(query, value, ty).map_err(|found| {
                CopyError::Refused(format!(
                    "{table}.{column}: a value that is not {ty} ({found}); nothing was committed"
                ))
            })?;
        }
    }
    query.execute(&mut **target).await.map_err(at(table))?;
    Ok(())
}

/// Bind a SQLite value as the PostgreSQL column's type (a NULL needs the column's type too).
/// A value that would have to change to fit (text in an integer column, a fraction, bytes that
/// are not text) is refused with a description rather than altered.
fn bind<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    value: Value,
    pg_type: &str,
) -> Result<sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>, String> {
    Ok(match (pg_type, value) {
        (_, Value::Null) => match pg_type {
            "bigint" | "integer" | "smallint" => query.bind(None::<i64>),
            "double precision" | "real" => query.bind(None::<f64>),
            "bytea" => query.bind(None::<Vec<u8>>),
            _ => query.bind(None::<String>),
        },
        ("bigint" | "integer" | "smallint", Value::Int(n)) => query.bind(n),
        ("double precision" | "real", Value::Real(x)) => query.bind(x),
        ("double precision" | "real", Value::Int(n)) => query.bind(n as f64),
        ("bytea", Value::Blob(b)) => query.bind(b),
        ("text", Value::Text(t)) => query.bind(t),
        ("text", Value::Blob(b)) => {
            query.bind(String::from_utf8(b).map_err(|_| "bytes that are not UTF-8".to_string())?)
        }
        (_, other) => return Err(format!("{other:?}").chars().take(80).collect()),
    })
}
