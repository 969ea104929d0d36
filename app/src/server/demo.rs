//! The demo data `make run` asks for (`coach serve --demo`): on an empty database only, one
//! account per role and a team, so a newcomer can try everything. Never on by default.
use super::auth::password;
use super::db::{self, teams, users};
use crate::domain::account::Role;
use crate::server::db::Pool;

/// The password of every demo account (the README lists them).
pub const DEMO_PASSWORD: &str = "practise-mlops";

pub const DEMO_ACCOUNTS: [(&str, &str, Role); 6] = [
    ("admin@demo.example", "Ada Admin", Role::Admin),
    ("lead@demo.example", "Lee Lead", Role::TeamLead),
    (
        "interviewer1@demo.example",
        "Ira Interviewer",
        Role::Interviewer,
    ),
    (
        "interviewer2@demo.example",
        "Ivo Interviewer",
        Role::Interviewer,
    ),
    ("candidate1@demo.example", "Cam Candidate", Role::Candidate),
    ("candidate2@demo.example", "Cleo Candidate", Role::Candidate),
];

/// Create the demo accounts and team if no account exists yet. Returns whether it did. One
/// write transaction: instances started together with `--demo` seed once between them.
pub async fn seed_if_empty(
    pool: &Pool,
    now: i64,
) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
    if users::count(pool).await? > 0 {
        return Ok(false);
    }
    let hash = password::hash(DEMO_PASSWORD.to_string()).await?;
    let mut tx = db::begin_write(pool).await?;
    if users::count(&mut *tx).await? > 0 {
        return Ok(false);
    }
    let team = teams::create(&mut *tx, "Demo hiring team", now).await?;
    for (email, name, role) in DEMO_ACCOUNTS {
        let user = users::NewUser {
            email,
            display_name: name,
            password_hash: &hash,
            role,
        };
        let id = users::create(&mut tx, &user, now).await?.id;
        if matches!(role, Role::TeamLead | Role::Interviewer) {
            teams::put_member(&mut *tx, team, id, role == Role::TeamLead, now).await?;
        }
    }
    db::commit(tx).await?;
    Ok(true)
}
