//! How long a sign-in lasts: a session in use is kept alive past the idle timeout counted from
//! sign-in, at the cost of one write per session every few minutes (not one per request), and a
//! session deleted while a request was in flight is not brought back by that request.
use crate::support::{create_user, session_cookie, session_set_cookie, spawn_app, PASSWORD};
use app::api::account::{SignOut, WhoAmI};
use app::domain::account::Role;
use app::server::auth::session::{ABSOLUTE_TIMEOUT_MS, IDLE_TIMEOUT_MINUTES, REFRESH_AFTER_MS};
use app::server::auth::store::DbStore;
use leptos::server_fn::ServerFn;
use tower_sessions::session::Record;
use tower_sessions::session_store::SessionStore;

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

async fn stored(app: &crate::support::TestApp) -> (Record, i64) {
    let (data, expiry): (Vec<u8>, i64) =
        sqlx::query_as("SELECT data, expiry_date FROM tower_sessions")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    (rmp_serde::from_slice(&data).unwrap(), expiry)
}

/// The `Max-Age` of the session cookie a reply sets.
fn max_age(reply: &crate::support::Reply) -> Option<i64> {
    session_set_cookie(reply)?
        .split(';')
        .find_map(|part| part.trim().strip_prefix("Max-Age="))
        .and_then(|age| age.parse().ok())
}

#[test]
fn a_session_in_use_is_kept_alive_past_the_idle_timeout_counted_from_sign_in() {
    crate::support::run(async {
        let app = spawn_app().await;
        create_user(&app.pool, "ada@example.com", Role::Candidate).await;
        let cookie = app.sign_in("ada@example.com", PASSWORD).await;
        let idle_s = IDLE_TIMEOUT_MINUTES * 60;

        // Requests soon after sign-in write nothing: no cookie again, the record as it was.
        let before = stored(&app).await;
        let reply = app.call(WhoAmI::PATH, "", Some(&cookie)).await;
        assert!(reply.body.contains("ada@example.com"), "{}", reply.body);
        assert_eq!(session_cookie(&reply), None);
        assert_eq!(stored(&app).await.1, before.1);

        // The record as it would be after an hour and fifty-nine minutes of use with no
        // refresh: last written longer ago than the refresh interval, a minute left.
        let (mut record, _) = before;
        let aged = now_ms() - REFRESH_AFTER_MS - 1_000;
        record.data.get_mut("signed_in").unwrap()["seen"] = aged.into();
        let soon = now_ms() / 1000 + 60;
        sqlx::query("UPDATE tower_sessions SET data = $1, expiry_date = $2")
            .bind(rmp_serde::to_vec(&record).unwrap())
            .bind(soon)
            .execute(&app.pool)
            .await
            .unwrap();

        // The next request pushes the deadline back to the whole idle timeout, in the
        // database and in the browser, under the same session id.
        let reply = app.call(WhoAmI::PATH, "", Some(&cookie)).await;
        assert!(reply.body.contains("ada@example.com"), "{}", reply.body);
        assert_eq!(session_cookie(&reply).as_deref(), Some(cookie.as_str()));
        assert_eq!(max_age(&reply), Some(idle_s));
        let (_, expiry) = stored(&app).await;
        assert!(expiry >= now_ms() / 1000 + idle_s - 5, "expiry {expiry}");

        // And the one after that writes nothing again.
        let reply = app.call(WhoAmI::PATH, "", Some(&cookie)).await;
        assert_eq!(session_cookie(&reply), None);
        assert_eq!(stored(&app).await.1, expiry);
    })
}

#[test]
fn a_request_that_saves_after_sign_out_does_not_bring_the_session_back() {
    crate::support::run(async {
        let app = spawn_app().await;
        create_user(&app.pool, "ada@example.com", Role::Candidate).await;
        let cookie = app.sign_in("ada@example.com", PASSWORD).await;
        // A request in flight read the record, then the user signed out elsewhere ...
        let (record, _) = stored(&app).await;
        let reply = app.call(SignOut::PATH, "", Some(&cookie)).await;
        assert!(crate::support::succeeded(&reply));
        // ... and that request now saves what it read (as a refresh does).
        DbStore::new(app.pool.clone()).save(&record).await.unwrap();
        assert_eq!(crate::support::count(&app.pool, "tower_sessions").await, 0);
        assert_eq!(app.who(Some(&cookie)).await, None);
    })
}

#[test]
fn a_session_kept_alive_still_ends_twelve_hours_after_sign_in() {
    crate::support::run(async {
        let app = spawn_app().await;
        create_user(&app.pool, "ada@example.com", Role::Candidate).await;
        let cookie = app.sign_in("ada@example.com", PASSWORD).await;
        // Signed in twelve hours and a second ago, in use all along (due for a refresh).
        let (mut record, expiry) = stored(&app).await;
        let signed_in = record.data.get_mut("signed_in").unwrap();
        signed_in["at"] = (now_ms() - ABSOLUTE_TIMEOUT_MS - 1_000).into();
        signed_in["seen"] = (now_ms() - REFRESH_AFTER_MS - 1_000).into();
        sqlx::query("UPDATE tower_sessions SET data = $1")
            .bind(rmp_serde::to_vec(&record).unwrap())
            .execute(&app.pool)
            .await
            .unwrap();
        assert!(
            expiry > now_ms() / 1000,
            "the record itself has not expired"
        );
        // Not refreshed: ended, and its record deleted.
        assert_eq!(app.who(Some(&cookie)).await, None);
        assert_eq!(crate::support::count(&app.pool, "tower_sessions").await, 0);
    })
}
