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
/// How often a session in use has its idle deadline (the stored record's expiry and the
/// cookie's Max-Age) pushed back: one write per session per this long (a few, when requests
/// arrive together just as it falls due), not one per request, so an idle deadline is between
/// 115 and 120 minutes after the last request.
pub const REFRESH_AFTER_MS: i64 = 5 * 60 * 1000;
// The renewal keeps well inside the idle timeout.
const _: () = assert!(REFRESH_AFTER_MS * 10 < IDLE_TIMEOUT_MINUTES * 60 * 1000);
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
    /// When the record was last written (ms): sign-in, then each refresh. Records from before
    /// this field read 0, so their first request refreshes them.
    #[serde(default)]
    seen: i64,
}

/// Whether a session last written at `seen` should be written again at `now` (both ms), to
/// push back its idle deadline.
fn due_for_refresh(seen: i64, now: i64) -> bool {
    now - seen >= REFRESH_AFTER_MS
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
///
/// A session in use is kept alive: tower-sessions writes a record (and sends its cookie) only
/// when the session changed, so without the refresh below the idle timeout would count from
/// sign-in, and a user busy for two hours would be signed out mid-answer.
pub async fn current_user(session: &Session, pool: &Pool) -> Result<Option<CurrentUser>, AppError> {
    let signed_in = match session.get::<SignedIn>(KEY).await {
        Ok(Some(signed_in)) => Some(signed_in),
        Ok(None) => return Ok(None),
        Err(e) => {
            tracing::warn!("unreadable session record, ended: {e}");
            None
        }
    };
    let now = wall_clock_millis();
    let (user, refresh) = match signed_in {
        Some(s) if now - s.at <= ABSOLUTE_TIMEOUT_MS => {
            let user = users::for_session(pool, s.user_id, &s.key).await?;
            (
                user,
                due_for_refresh(s.seen, now).then_some(SignedIn { seen: now, ..s }),
            )
        }
        _ => (None, None),
    };
    if user.is_none() {
        session.flush().await.map_err(internal)?;
    } else if let Some(s) = refresh {
        // Marks the session changed: tower-sessions saves it after the response (an update
        // only: see `db::web_sessions::save`) and sends the cookie with a new Max-Age.
        session.insert(KEY, s).await.map_err(internal)?;
    }
    Ok(user)
}

/// Sign in: a new session id (so an id planted before sign-in is worthless), then the user.
pub async fn start(session: &Session, user_id: i64, key: String) -> Result<(), AppError> {
    let now = wall_clock_millis();
    session.cycle_id().await.map_err(internal)?;
    session
        .insert(
            KEY,
            SignedIn {
                user_id,
                key,
                at: now,
                seen: now,
            },
        )
        .await
        .map_err(internal)
}

/// Sign out: the session is deleted from the store, not only forgotten by the browser.
pub async fn end(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_in_use_is_written_again_every_five_minutes_not_on_every_request() {
        let signed_in = 1_000_000_000;
        assert!(!due_for_refresh(signed_in, signed_in + 1_000));
        assert!(!due_for_refresh(
            signed_in,
            signed_in + REFRESH_AFTER_MS - 1
        ));
        assert!(due_for_refresh(signed_in, signed_in + REFRESH_AFTER_MS));
        // A record from before `seen` existed (0) is refreshed on its first request.
        assert!(due_for_refresh(0, signed_in));
    }
}
