//! Several instances of the app on one database, as behind a load balancer: a sign-in on one
//! is valid on the others, sign-in limits are counted once between them, and a live session's
//! changes made on one instance reach candidate screens connected to another.
use crate::support::{create_user, spawn_app, PASSWORD};
use app::api::account::{SignIn, SignOut, WhoAmI};
use app::api::sessions::{CreateSession, RevealFollowUp};
use app::domain::account::Role;
use axum::http::StatusCode;
use http_body_util::BodyExt;
use leptos::server_fn::ServerFn;
use std::time::Duration;
use tower::ServiceExt;

async fn who(app: &crate::support::TestApp, cookie: &str) -> serde_json::Value {
    let reply = app.call(WhoAmI::PATH, "", Some(cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

#[test]
fn a_sign_in_on_one_instance_is_valid_on_another_and_signing_out_ends_it_on_both() {
    crate::support::run(async {
        let a = spawn_app().await;
        let b = a.another_instance().await;
        create_user(&a.pool, "ada@example.com", Role::Candidate).await;
        let cookie = a.sign_in("ada@example.com", PASSWORD).await;
        assert_eq!(who(&b, &cookie).await["email"], "ada@example.com");
        assert_eq!(who(&a, &cookie).await["email"], "ada@example.com");

        let reply = b.call(SignOut::PATH, "", Some(&cookie)).await;
        assert!(crate::support::succeeded(&reply), "{}", reply.body);
        assert!(who(&a, &cookie).await.is_null(), "signed out everywhere");
    })
}

#[test]
fn sign_in_limits_count_the_tries_made_on_every_instance() {
    crate::support::run(async {
        let a = spawn_app().await;
        let b = a.another_instance().await;
        create_user(&a.pool, "bob@example.com", Role::Candidate).await;
        let wrong = crate::support::sign_in_form("bob@example.com", "not the password");
        // Five tries on one account, spread over both instances: all heard, all refused.
        for app in [&a, &b, &a, &b, &a] {
            let reply = app.call(SignIn::PATH, &wrong, None).await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}",
                reply.body
            );
        }
        // The sixth is over the account's limit whichever instance gets it, even with the
        // right password.
        let right = crate::support::sign_in_form("bob@example.com", PASSWORD);
        for app in [&b, &a] {
            let reply = app.call(SignIn::PATH, &right, None).await;
            assert_eq!(
                reply.status,
                StatusCode::TOO_MANY_REQUESTS,
                "{}",
                reply.body
            );
        }
    })
}

/// The next `revision` event of a candidate screen's stream, if one comes within `wait`.
async fn next_revision(
    body: &mut axum::body::Body,
    seen: &mut String,
    wait: Duration,
) -> Option<i64> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        if let Some(at) = seen.find("\n\n") {
            let event: String = seen.drain(..at + 2).collect();
            if event.contains("event: revision") {
                let data = event.lines().find_map(|l| l.strip_prefix("data: "))?;
                return data.trim().parse().ok();
            }
            continue;
        }
        let frame = tokio::time::timeout_at(deadline, body.frame())
            .await
            .ok()??
            .ok()?;
        if let Ok(data) = frame.into_data() {
            seen.push_str(&String::from_utf8_lossy(&data));
        }
    }
}

/// Two instances, an interviewer signed in on A with a live session, and the candidate's event
/// stream open on B (its first event, the current revision, already read).
struct LivePair {
    a: crate::support::TestApp,
    b: crate::support::TestApp,
    interviewer: String,
    session: i64,
    stream: axum::body::Body,
    seen: String,
    first: i64,
}

async fn live_pair() -> LivePair {
    let a = spawn_app().await;
    let b = a.another_instance().await;
    create_user(&a.pool, "ivy@example.com", Role::Interviewer).await;
    let interviewer = a.sign_in("ivy@example.com", PASSWORD).await;
    let form = "guest_name=Gil&scenarios%5B1%5D=gpu-pods-pending&planned_minutes=30";
    let reply = a.call(CreateSession::PATH, form, Some(&interviewer)).await;
    assert!(crate::support::succeeded(&reply), "{}", reply.body);
    let (session, token): (i64, String) =
        sqlx::query_as("SELECT id, token FROM mock_sessions ORDER BY id DESC LIMIT 1")
            .fetch_one(&a.pool)
            .await
            .unwrap();
    let request = axum::http::Request::get(format!("/join/{token}/events"))
        .body(axum::body::Body::empty())
        .unwrap();
    let response = b.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut stream = response.into_body();
    let mut seen = String::new();
    let first = next_revision(&mut stream, &mut seen, Duration::from_secs(5))
        .await
        .expect("the current revision first");
    LivePair {
        a,
        b,
        interviewer,
        session,
        stream,
        seen,
        first,
    }
}

/// Reveal a follow-up through `app` (the pair's instance A).
async fn reveal(app: &crate::support::TestApp, session: i64, interviewer: &str) {
    let reply = app
        .call(
            RevealFollowUp::PATH,
            &format!("session_id={session}&follow_up=0"),
            Some(interviewer),
        )
        .await;
    assert!(crate::support::succeeded(&reply), "{}", reply.body);
}

#[test]
fn a_reveal_on_one_instance_reaches_a_screen_on_another_within_a_second() {
    if !crate::support::on_postgres() {
        eprintln!("skipped on SQLite: one instance per database file, announcements stay in it");
        return;
    }
    crate::support::run(async {
        // The candidate's screen listens on instance B.
        let mut p = live_pair().await;
        // B's listener may resync once as it connects (-1: "look again"); skipped below.
        tokio::time::sleep(Duration::from_millis(300)).await;

        // The interviewer reveals a follow-up on instance A.
        reveal(&p.a, p.session, &p.interviewer).await;
        let revealed_at = tokio::time::Instant::now();
        let mut got = None;
        while let Some(revision) =
            next_revision(&mut p.stream, &mut p.seen, Duration::from_secs(1)).await
        {
            if revision > p.first {
                got = Some(revision);
                break;
            }
        }
        assert!(
            got.is_some(),
            "B's screen heard of A's change within a second"
        );
        assert!(revealed_at.elapsed() < Duration::from_secs(1));
        let current: i64 = sqlx::query_scalar("SELECT revision FROM mock_sessions WHERE id = $1")
            .bind(p.session)
            .fetch_one(&p.b.pool)
            .await
            .unwrap();
        assert_eq!(got, Some(current));
    })
}

#[test]
fn the_shared_limits_allow_a_burst_then_one_try_per_interval() {
    use app::server::auth::limits::{check, BY_ACCOUNT, BY_CLIENT};
    use std::net::IpAddr;
    crate::support::run(async {
        let (_dir, pool) = crate::support::fresh_db().await;
        let now = 1_000_000_000;
        // An account: five tries from five addresses, then a wait of one interval.
        for i in 0..BY_ACCOUNT.burst {
            let client = IpAddr::from([10, 0, 0, i as u8]);
            assert_eq!(
                check(&pool, client, "Ada@Example.com", now).await.unwrap(),
                Ok(())
            );
        }
        let wait = check(&pool, IpAddr::from([10, 0, 0, 9]), " ada@example.com", now)
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(wait, (BY_ACCOUNT.every_ms / 1000) as u64);
        // Another account is untouched; this one has a try again once the interval has passed.
        let other = check(&pool, IpAddr::from([10, 0, 0, 9]), "eve@example.com", now).await;
        assert_eq!(other.unwrap(), Ok(()));
        let later = now + BY_ACCOUNT.every_ms;
        let again = check(&pool, IpAddr::from([10, 0, 1, 1]), "ada@example.com", later).await;
        assert_eq!(again.unwrap(), Ok(()));

        // A client: twenty accounts, then refused whatever the account.
        let client = IpAddr::from([192, 0, 2, 1]);
        for i in 0..BY_CLIENT.burst {
            let email = format!("user{i}@example.com");
            assert_eq!(check(&pool, client, &email, now).await.unwrap(), Ok(()));
        }
        assert!(check(&pool, client, "user99@example.com", now)
            .await
            .unwrap()
            .is_err());
    })
}

#[test]
fn when_the_listener_connection_drops_open_screens_are_told_to_look_again() {
    if !crate::support::on_postgres() {
        eprintln!("skipped on SQLite: there is no listener connection");
        return;
    }
    crate::support::run(async {
        let mut p = live_pair().await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        // Drain whatever the listeners' first connection said.
        while next_revision(&mut p.stream, &mut p.seen, Duration::from_millis(200))
            .await
            .is_some()
        {}

        // The database drops every listening connection (a failover, a restart, a proxy).
        let dropped: Vec<bool> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
        )
        .fetch_all(&p.a.pool)
        .await
        .unwrap();
        assert!(!dropped.is_empty(), "listeners found");
        // B's screen hears "look again" (-1) once B has listened again...
        assert_eq!(
            next_revision(&mut p.stream, &mut p.seen, Duration::from_secs(10)).await,
            Some(-1)
        );
        // ...and announcements flow again.
        reveal(&p.a, p.session, &p.interviewer).await;
        let mut heard = false;
        while let Some(r) = next_revision(&mut p.stream, &mut p.seen, Duration::from_secs(2)).await
        {
            if r > 0 {
                heard = true;
                break;
            }
        }
        assert!(heard, "the reveal after the reconnection reached B");
    })
}
