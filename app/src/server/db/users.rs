//! SQL for user accounts.
//!
//! An account's identity is never reused: ids are never handed out twice (PostgreSQL's identity
//! sequence; on SQLite, above the highest id ever deleted, kept in `deleted_ids`), and every
//! session carries the account's random session key, which a password change or deactivation
//! replaces. Ending an account's sessions deletes them from the session table, found by user.
use crate::domain::account::{CurrentUser, Role, UserSummary};
use crate::server::db::{Backend, Conn, Flag, Pool};
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

/// A new random session key: 128 bits from the OS generator, as hex.
pub fn new_session_key() -> String {
    rand::random::<[u8; 16]>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new account: its id and the session key its first session signs in with.
pub struct Created {
    pub id: i64,
    pub session_key: String,
}

pub async fn create(
    conn: &mut Conn,
    user: &NewUser<'_>,
    now: i64,
) -> Result<Created, CreateUserError> {
    let sql = match Backend::of_conn(conn) {
        // One statement, so the id cannot be taken between reading the floor and inserting
        // (SQLite runs one writer at a time).
        Backend::Sqlite => {
            "INSERT INTO users (id, email, display_name, password_hash, role, active, session_key,
                                created_at, updated_at)
             VALUES (1 + max(coalesce((SELECT max(id) FROM users), 0),
                             coalesce((SELECT highest FROM deleted_ids WHERE table_name = 'users'), 0)),
                     $1, $2, $3, $4, 1, $5, $6, $6)
             RETURNING id"
        }
        Backend::Postgres => {
            "INSERT INTO users (email, display_name, password_hash, role, active, session_key,
                                created_at, updated_at)
             VALUES ($1, $2, $3, $4, 1, $5, $6, $6) RETURNING id"
        }
    };
    let session_key = new_session_key();
    sqlx::query_scalar(sql)
        .bind(user.email)
        .bind(user.display_name)
        .bind(user.password_hash)
        .bind(user.role.key())
        .bind(&session_key)
        .bind(now)
        .fetch_one(&mut *conn)
        .await
        .map(|id| Created { id, session_key })
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
    pub session_key: String,
}

pub async fn credentials(pool: &Pool, email: &str) -> Result<Option<Credentials>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, password_hash, active, session_key FROM users WHERE lower(email) = lower($1)",
    )
    .bind(email)
    .fetch_optional(pool)
    .await
}

/// The password hash and email of an account (the email keys its guessing limit).
pub async fn password_and_email(
    pool: &Pool,
    id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT password_hash, email FROM users WHERE id = $1")
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

/// The user a session points at, if the account is still active and the session carries the
/// account's current session key.
pub async fn for_session(
    pool: &Pool,
    id: i64,
    key: &str,
) -> Result<Option<CurrentUser>, sqlx::Error> {
    if key.is_empty() {
        return Ok(None);
    }
    let row: Option<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND active = 1 AND session_key = $2"
    ))
    .bind(id)
    .bind(key)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| r.user()))
}

/// Delete every stored session of the account.
pub async fn end_sessions(db: impl AnyExecutor<'_>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM tower_sessions WHERE user_id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Replace the password and the session key, and delete every session of the account; returns
/// the new key, for the session that made the change to sign in again with.
pub async fn set_password(
    pool: &Pool,
    id: i64,
    password_hash: &str,
    now: i64,
) -> Result<String, sqlx::Error> {
    let key = new_session_key();
    let mut tx = super::begin_write(pool).await?;
    sqlx::query(
        "UPDATE users SET password_hash = $2, session_key = $3, updated_at = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(password_hash)
    .bind(&key)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    end_sessions(&mut *tx, id).await?;
    super::commit(tx).await?;
    Ok(key)
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

/// Change role and active flag; deactivating also replaces the session key and deletes every
/// session of the user.
pub async fn update_access(
    pool: &Pool,
    id: i64,
    role: Role,
    active: bool,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = super::begin_write(pool).await?;
    let done = sqlx::query(
        "UPDATE users SET role = $2, active = $3,
                session_key = CASE WHEN $3 = 1 THEN session_key ELSE $5 END, updated_at = $4
          WHERE id = $1",
    )
    .bind(id)
    .bind(role.key())
    .bind(i64::from(active))
    .bind(now)
    .bind(new_session_key())
    .execute(&mut *tx)
    .await?;
    if !active {
        end_sessions(&mut *tx, id).await?;
    }
    super::commit(tx).await?;
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

/// Delete the account and every session of it; team memberships go with it (ON DELETE
/// CASCADE), and its id is never given to another account.
pub async fn delete(pool: &Pool, id: i64) -> Result<(), sqlx::Error> {
    let mut tx = super::begin_write(pool).await?;
    end_sessions(&mut *tx, id).await?;
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    super::commit(tx).await
}
