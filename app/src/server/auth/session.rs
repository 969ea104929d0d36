//! Server-side sessions (tower-sessions, stored in the app's database: see `store`): what a session remembers, when it
//! ends, and the cookie it travels in.
use super::store::DbStore;
use crate::domain::account::CurrentUser;
use crate::domain::error::AppError;
use crate::server::db::Pool;
use crate::server::{db::users, now_millis};
use serde::{Deserialize, Serialize};
use tower_sessions::cookie::{time::Duration, SameSite};
use tower_sessions::{Expiry, Session, SessionManagerLayer};

const KEY: &str = "signed_in";
/// A session unused this long ends.
pub const IDLE_TIMEOUT_MINUTES: i64 = 120;
/// A session ends this long after sign-in, however busy.
pub const ABSOLUTE_TIMEOUT_MS: i64 = 12 * 60 * 60 * 1000;
pub const COOKIE_NAME: &str = "coach_session";

#[derive(Serialize, Deserialize)]
struct SignedIn {
    user_id: i64,
    /// The user's session epoch at sign-in; a password change raises it.
    epoch: i64,
    at: i64,
}

pub fn layer(pool: Pool, secure: bool) -> SessionManagerLayer<DbStore> {
    SessionManagerLayer::new(DbStore::new(pool))
        .with_name(COOKIE_NAME)
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

/// The signed-in user, or None. A session past its absolute timeout, of a deactivated user, or
/// from before a password change is ended here.
pub async fn current_user(session: &Session, pool: &Pool) -> Result<Option<CurrentUser>, AppError> {
    let Some(signed_in) = session.get::<SignedIn>(KEY).await.map_err(internal)? else {
        return Ok(None);
    };
    let user = if now_millis() - signed_in.at > ABSOLUTE_TIMEOUT_MS {
        None
    } else {
        users::for_session(pool, signed_in.user_id, signed_in.epoch).await?
    };
    if user.is_none() {
        session.flush().await.map_err(internal)?;
    }
    Ok(user)
}

/// Sign in: a new session id (so an id planted before sign-in is worthless), then the user.
pub async fn start(session: &Session, user_id: i64, epoch: i64) -> Result<(), AppError> {
    session.cycle_id().await.map_err(internal)?;
    session
        .insert(
            KEY,
            SignedIn {
                user_id,
                epoch,
                at: now_millis(),
            },
        )
        .await
        .map_err(internal)
}

/// Sign out: the session is deleted from the store, not only forgotten by the browser.
pub async fn end(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(internal)
}
