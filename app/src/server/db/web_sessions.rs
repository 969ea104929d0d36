//! The `tower_sessions` table: the session records of signed-in browsers, in whichever database
//! the app runs on (`server/auth/store.rs` is the tower-sessions store built on these).
use crate::server::db::Pool;

/// Drop the sessions that expired before `now_s` (seconds).
pub async fn delete_expired(pool: &Pool, now_s: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM tower_sessions WHERE expiry_date < $1")
        .bind(now_s)
        .execute(pool)
        .await?;
    Ok(())
}

/// A new record under `id`; false when a session has that id already.
pub async fn insert_new(
    pool: &Pool,
    id: &str,
    data: &[u8],
    expiry_s: i64,
    user_id: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let inserted: Option<String> = sqlx::query_scalar(
        "INSERT INTO tower_sessions (id, data, expiry_date, user_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO NOTHING RETURNING id",
    )
    .bind(id)
    .bind(data)
    .bind(expiry_s)
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    Ok(inserted.is_some())
}

/// Write the record under `id` if it is still there; false when it is not. Never an insert: a
/// new session comes through `insert_new`, so a record deleted meanwhile (sign-out, a password
/// change or a deactivation, while this request was in flight) stays deleted.
pub async fn save(
    pool: &Pool,
    id: &str,
    data: &[u8],
    expiry_s: i64,
    user_id: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE tower_sessions SET data = $2, expiry_date = $3, user_id = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(data)
    .bind(expiry_s)
    .bind(user_id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The record under `id`, unless it has expired by `now_s`.
pub async fn load(pool: &Pool, id: &str, now_s: i64) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sqlx::query_scalar("SELECT data FROM tower_sessions WHERE id = $1 AND expiry_date > $2")
        .bind(id)
        .bind(now_s)
        .fetch_optional(pool)
        .await
}

pub async fn delete(pool: &Pool, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM tower_sessions WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}
