//! The demo data `make run` asks for (`coach serve --demo`): on an empty database only, one
//! account per role and a team, then ten weeks of that team's use of the app (`history`), so a
//! newcomer sees practice trends, mock interviews and calibration statistics at work. Never on
//! by default. (`--demo-accounts`: the accounts and team alone, for tests that need a clean
//! slate.)
mod history;

use super::auth::password;
use super::db::{self, teams, users};
use crate::domain::account::Role;
use crate::server::db::Pool;
pub use history::Made;

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

/// The demo team's fourth rater, added with the history (calibration needs four).
pub const FOURTH_RATER: (&str, &str, Role) = (
    "interviewer3@demo.example",
    "Ines Interviewer",
    Role::Interviewer,
);

/// The demo team's id.
async fn team_id(pool: &Pool) -> Result<i64, String> {
    teams::list(pool)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|t| t.name == "Demo hiring team")
        .map(|t| t.id)
        .ok_or_else(|| "demo history: the demo team is missing".to_string())
}

/// After [`seed_if_empty`] made the accounts: the fourth rater, then ten weeks of the team's
/// use of the app, through its own server functions (see `history.rs`). Deterministic.
pub async fn live_in(
    state: &crate::server::state::AppState,
    now: i64,
) -> Result<Made, Box<dyn std::error::Error + Send + Sync>> {
    let pool = &state.pool;
    let hash = password::hash(DEMO_PASSWORD.to_string()).await?;
    let (email, name, role) = FOURTH_RATER;
    let user = users::NewUser {
        email,
        display_name: name,
        password_hash: &hash,
        role,
    };
    let team = team_id(pool).await?;
    let mut tx = db::begin_write(pool).await?;
    let id = users::create(&mut tx, &user, now).await?.id;
    teams::put_member(&mut *tx, team, id, false, now).await?;
    db::commit(tx).await?;
    // Quietly: the ~270 requests would otherwise fill a newcomer's terminal with request
    // logs before "listening on" (the caller logs one line with what was made).
    use tracing::instrument::WithSubscriber;
    Ok(history::make(state, now)
        .with_subscriber(tracing::subscriber::NoSubscriber::default())
        .await?)
}

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
