//! SQL for sign-in limits: GCRA buckets (`rate_limits`) and the clients known to have signed
//! in to an account (`known_clients`). The rules (quotas, keys) are in `server::auth::limits`.
use crate::server::db::Pool;

/// Spend one try of the bucket `key` (burst `burst`, one try every `every_ms`), or say how many
/// milliseconds until the next try: one `INSERT .. ON CONFLICT DO UPDATE .. WHERE ..
/// RETURNING`, atomic on SQLite and PostgreSQL alike, so two instances cannot both take the
/// last try.
pub async fn take(
    pool: &Pool,
    key: &str,
    burst: i64,
    every_ms: i64,
    now_ms: i64,
) -> Result<Result<(), i64>, sqlx::Error> {
    let tolerance = every_ms * (burst - 1);
    let allowed: Option<i64> = sqlx::query_scalar(
        "INSERT INTO rate_limits (key, tat) VALUES ($1, $2 + $3)
         ON CONFLICT (key) DO UPDATE
            SET tat = (CASE WHEN rate_limits.tat > $2 THEN rate_limits.tat ELSE $2 END) + $3
          WHERE rate_limits.tat - $2 <= $4
         RETURNING tat",
    )
    .bind(key)
    .bind(now_ms)
    .bind(every_ms)
    .bind(tolerance)
    .fetch_optional(pool)
    .await?;
    if allowed.is_some() {
        // Rows whose time has passed say nothing a missing row would not: drop them.
        sqlx::query("DELETE FROM rate_limits WHERE tat < $1")
            .bind(now_ms)
            .execute(pool)
            .await?;
        return Ok(Ok(()));
    }
    let tat: i64 = sqlx::query_scalar("SELECT tat FROM rate_limits WHERE key = $1")
        .bind(key)
        .fetch_optional(pool)
        .await?
        .unwrap_or(now_ms);
    Ok(Err((tat - now_ms - tolerance).max(1)))
}

/// Has this (account, client) pair signed in before, recently enough to be remembered.
pub async fn is_known(pool: &Pool, key: &str, now_ms: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT expires_at FROM known_clients WHERE key = $1 AND expires_at > $2",
    )
    .bind(key)
    .bind(now_ms)
    .fetch_optional(pool)
    .await?;
    Ok(found.is_some())
}

/// Remember (or remember again) an (account, client) pair until `expires_at`; forgotten pairs
/// are dropped on the way.
pub async fn remember(
    pool: &Pool,
    key: &str,
    expires_at: i64,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO known_clients (key, expires_at) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at",
    )
    .bind(key)
    .bind(expires_at)
    .execute(pool)
    .await?;
    sqlx::query("DELETE FROM known_clients WHERE expires_at < $1")
        .bind(now_ms)
        .execute(pool)
        .await?;
    Ok(())
}
