//! A synthetic large dataset for benchmarks (`coach generate-data`): many users, attempts,
//! scorecards and calibration ratings. Only into a database without accounts. The SQL that
//! makes it is `db::generate`.
use crate::server::db::{self, Pool};

pub use crate::server::db::generate::{busiest_candidate, Made, Sizes, INTERVIEWERS};

/// The password of every generated account.
pub const PASSWORD: &str = "generated-password";

pub async fn generate(pool: &Pool, sizes: Sizes, now: i64) -> Result<Made, String> {
    let users = db::users::count(pool)
        .await
        .map_err(|e| format!("counting users: {e}"))?;
    if users > 0 {
        return Err("the database has accounts already: generate into a new database".into());
    }
    let candidates = sizes.users - sizes.teams - INTERVIEWERS;
    if candidates < 1 {
        return Err(format!(
            "at least {} users are needed",
            sizes.teams + INTERVIEWERS + 1
        ));
    }
    let hash = super::auth::password::hash(PASSWORD.to_string())
        .await
        .map_err(|e| format!("hashing: {e}"))?;
    db::generate::fill(pool, sizes, &hash, now).await
}
