//! SQL for user accounts.
use crate::domain::account::{CurrentUser, Role, UserSummary};
use crate::server::db::{Flag, Pool};
use sqlx::{any::AnyExecutor, FromRow};

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
}

pub async fn create(
    db: impl AnyExecutor<'_>,
    user: &NewUser<'_>,
    now: i64,
) -> Result<i64, CreateUserError> {
    sqlx::query_scalar(
        "INSERT INTO users (email, display_name, password_hash, role, active, session_epoch,
                            created_at, updated_at)
         VALUES ($1, $2, $3, $4, 1, 0, $5, $5) RETURNING id",
    )
    .bind(user.email)
    .bind(user.display_name)
    .bind(user.password_hash)
    .bind(user.role.key())
    .bind(now)
    .fetch_one(db)
    .await
    .map_err(|e| match e {
        sqlx::Error::Database(ref d) if d.is_unique_violation() => CreateUserError::EmailTaken,
        e => CreateUserError::Db(e),
    })
}

/// What signing in needs to know about the account with this email.
#[derive(FromRow)]
pub struct Credentials {
    pub id: i64,
    pub password_hash: String,
    #[sqlx(try_from = "Flag")]
    pub active: bool,
    pub session_epoch: i64,
}

pub async fn credentials(pool: &Pool, email: &str) -> Result<Option<Credentials>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, password_hash, active, session_epoch FROM users WHERE lower(email) = lower($1)",
    )
    .bind(email)
    .fetch_optional(pool)
    .await
}

pub async fn password_hash(pool: &Pool, id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
}

#[derive(FromRow)]
struct UserRow {
    id: i64,
    email: String,
    display_name: String,
    role: String,
    #[sqlx(try_from = "Flag")]
    active: bool,
    created_at: i64,
}

impl UserRow {
    fn user(&self) -> CurrentUser {
        CurrentUser {
            id: self.id,
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            role: Role::parse(&self.role).unwrap_or(Role::Candidate),
        }
    }
}

const USER_COLUMNS: &str = "id, email, display_name, role, active, created_at";

/// The user a session points at, if the account is still active and the session's epoch current.
pub async fn for_session(
    pool: &Pool,
    id: i64,
    epoch: i64,
) -> Result<Option<CurrentUser>, sqlx::Error> {
    let row: Option<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND active = 1 AND session_epoch = $2"
    ))
    .bind(id)
    .bind(epoch)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| r.user()))
}

/// Replace the password and raise the session epoch (ending every other session); returns the
/// new epoch for the session that made the change.
pub async fn set_password(
    pool: &Pool,
    id: i64,
    password_hash: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1, updated_at = $3
          WHERE id = $1 RETURNING session_epoch",
    )
    .bind(id)
    .bind(password_hash)
    .bind(now)
    .fetch_one(pool)
    .await
}

pub async fn list(pool: &Pool) -> Result<Vec<UserSummary>, sqlx::Error> {
    let rows: Vec<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users ORDER BY lower(display_name), id"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| UserSummary {
            user: r.user(),
            active: r.active,
            created_at: r.created_at,
        })
        .collect())
}

pub async fn get(pool: &Pool, id: i64) -> Result<Option<UserSummary>, sqlx::Error> {
    let row: Option<UserRow> =
        sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|r| UserSummary {
        user: r.user(),
        active: r.active,
        created_at: r.created_at,
    }))
}

/// Change role and active flag; deactivating also raises the epoch, ending the user's sessions.
pub async fn update_access(
    pool: &Pool,
    id: i64,
    role: Role,
    active: bool,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET role = $2, active = $3,
                session_epoch = session_epoch + CASE WHEN $3 = 1 THEN 0 ELSE 1 END, updated_at = $4
          WHERE id = $1",
    )
    .bind(id)
    .bind(role.key())
    .bind(i64::from(active))
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn count_active_admins(pool: &Pool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM users WHERE role = 'admin' AND active = 1")
        .fetch_one(pool)
        .await
}

pub async fn count(db: impl AnyExecutor<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(db)
        .await
}

/// Delete the account; team memberships go with it (ON DELETE CASCADE).
pub async fn delete(pool: &Pool, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}
