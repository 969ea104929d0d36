//! SQL for teams and their members.
use crate::domain::account::{Role, Team, TeamMember};
use crate::server::db::{Flag, Pool};
use sqlx::{any::AnyExecutor, FromRow};

#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    #[error("a team with this name already exists")]
    NameTaken,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub async fn create(db: impl AnyExecutor<'_>, name: &str, now: i64) -> Result<i64, TeamError> {
    sqlx::query_scalar("INSERT INTO teams (name, created_at) VALUES ($1, $2) RETURNING id")
        .bind(name)
        .bind(now)
        .fetch_one(db)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(ref d) if d.is_unique_violation() => TeamError::NameTaken,
            e => TeamError::Db(e),
        })
}

#[derive(FromRow)]
struct MemberRow {
    team_id: i64,
    user_id: i64,
    display_name: String,
    email: String,
    role: String,
    #[sqlx(try_from = "Flag")]
    is_lead: bool,
}

/// Every team with its members, leads first (two queries, whatever the number of teams).
pub async fn list(pool: &Pool) -> Result<Vec<Team>, sqlx::Error> {
    let teams: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM teams ORDER BY lower(name)")
            .fetch_all(pool)
            .await?;
    let members: Vec<MemberRow> = sqlx::query_as(
        "SELECT m.team_id, u.id AS user_id, u.display_name, u.email, u.role, m.is_lead
           FROM team_members m JOIN users u ON u.id = m.user_id
          ORDER BY m.is_lead DESC, lower(u.display_name)",
    )
    .fetch_all(pool)
    .await?;
    Ok(teams
        .into_iter()
        .map(|(id, name)| Team {
            id,
            name,
            members: members
                .iter()
                .filter(|m| m.team_id == id)
                .map(|m| TeamMember {
                    user_id: m.user_id,
                    display_name: m.display_name.clone(),
                    email: m.email.clone(),
                    role: Role::parse(&m.role).unwrap_or(Role::Candidate),
                    is_lead: m.is_lead,
                })
                .collect(),
        })
        .collect())
}

pub async fn exists(pool: &Pool, team_id: i64) -> Result<bool, sqlx::Error> {
    let Flag(exists) = sqlx::query_scalar("SELECT count(*) > 0 FROM teams WHERE id = $1")
        .bind(team_id)
        .fetch_one(pool)
        .await?;
    Ok(exists)
}

/// Add a member, or change whether an existing member leads the team.
pub async fn put_member(
    db: impl AnyExecutor<'_>,
    team_id: i64,
    user_id: i64,
    is_lead: bool,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO team_members (team_id, user_id, is_lead, added_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (team_id, user_id) DO UPDATE SET is_lead = excluded.is_lead",
    )
    .bind(team_id)
    .bind(user_id)
    .bind(i64::from(is_lead))
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn remove_member(pool: &Pool, team_id: i64, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2")
        .bind(team_id)
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Names of the teams `user_id` belongs to (for the data export).
pub async fn names_for_user(pool: &Pool, user_id: i64) -> Result<Vec<(String, bool)>, sqlx::Error> {
    let rows: Vec<(String, Flag)> = sqlx::query_as(
        "SELECT t.name, m.is_lead FROM team_members m JOIN teams t ON t.id = m.team_id
          WHERE m.user_id = $1 ORDER BY lower(t.name)",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, Flag(lead))| (name, lead))
        .collect())
}
