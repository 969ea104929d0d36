//! Server-side sessions (tower-sessions, stored in the app's database: see `store`): what a session remembers, when it
//! ends, and the cookie it travels in.
use super::store::DbStore;
use crate::domain::account::CurrentUser;
use crate::domain::error::AppError;
use crate::server::db::Pool;
use crate::server::{db::users, wall_clock_millis};
use serde::{Deserialize, Serialize};
use tower_sessions::cookie::{time::Duration, SameSite};
use tower_sessions::{Expiry, Session, SessionManagerLayer};

const KEY: &str = "signed_in";
/// A session unused this long ends.
pub const IDLE_TIMEOUT_MINUTES: i64 = 120;
/// A session ends this long after sign-in, however busy.
pub const ABSOLUTE_TIMEOUT_MS: i64 = 12 * 60 * 60 * 1000;
pub const COOKIE_NAME: &str = "coach_session";
/// The name over https: the `__Host-` prefix makes the browser refuse the cookie unless it is
/// Secure, for this host only (no Domain) and for every path, so a sibling subdomain or a page
/// on plain http cannot plant or overwrite it.
pub const SECURE_COOKIE_NAME: &str = "__Host-coach_session";

#[derive(Serialize, Deserialize)]
struct SignedIn {
    user_id: i64,
    /// The account's session key at sign-in; a password change or deactivation replaces it.
    /// (Sessions from before keys existed have none, and match no account.)
    #[serde(default)]
    key: String,
    at: i64,
}

/// The user a stored session record belongs to, for the session table's `user_id` column.
pub fn user_of(record: &tower_sessions::session::Record) -> Option<i64> {
    record.data.get(KEY)?.get("user_id")?.as_i64()
}

pub fn layer(pool: Pool, secure: bool) -> SessionManagerLayer<DbStore> {
    SessionManagerLayer::new(DbStore::new(pool))
        .with_name(if secure {
            SECURE_COOKIE_NAME
        } else {
            COOKIE_NAME
        })
        .with_path("/")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_expiry(Expiry::OnInactivity(Duration::minutes(
            IDLE_TIMEOUT_MINUTES,
        )))
}

fn internal(e: tower_sessions::session::Error) -> AppError {
    AppError::internal(format!("session store: {e}"))
}

/// The signed-in user, or None. A session past its absolute timeout, of a deactivated or
/// deleted account, from before a password change, or unreadable is ended here.
pub async fn current_user(session: &Session, pool: &Pool) -> Result<Option<CurrentUser>, AppError> {
    let signed_in = match session.get::<SignedIn>(KEY).await {
        Ok(Some(signed_in)) => Some(signed_in),
        Ok(None) => return Ok(None),
        Err(e) => {
            tracing::warn!("unreadable session record, ended: {e}");
            None
        }
    };
    let user = match signed_in {
        Some(s) if wall_clock_millis() - s.at <= ABSOLUTE_TIMEOUT_MS => {
            users::for_session(pool, s.user_id, &s.key).await?
        }
        _ => None,
    };
    if user.is_none() {
        session.flush().await.map_err(internal)?;
    }
    Ok(user)
}

/// Sign in: a new session id (so an id planted before sign-in is worthless), then the user.
pub async fn start(session: &Session, user_id: i64, key: String) -> Result<(), AppError> {
    session.cycle_id().await.map_err(internal)?;
    session
        .insert(
            KEY,
            SignedIn {
                user_id,
                key,
                at: wall_clock_millis(),
            },
        )
        .await
        .map_err(internal)
}

/// Sign out: the session is deleted from the store, not only forgotten by the browser.
pub async fn end(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(internal)
}
