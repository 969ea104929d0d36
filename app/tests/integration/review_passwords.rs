//! The review's findings about passwords: every check spends from the guessing limits,
//! strangers cannot lock an owner out, and common passwords are refused with a reason.
use crate::support::{
    count, create_user, enc, spawn_app, spawn_app_with, succeeded, TestApp, PASSWORD,
};
use app::api::account::{ChangePassword, DeleteAccount, Register, SignIn};
use app::domain::account::Role;
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;

/// Sign-in and password forms from `client` (behind the trusted proxy every request of these
/// tests comes through).
async fn from_client(
    app: &TestApp,
    path: &str,
    form: &str,
    cookie: Option<&str>,
    client: &str,
) -> crate::support::Reply {
    let mut request = axum::http::Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-for", client);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    app.send(
        request
            .body(axum::body::Body::from(form.to_string()))
            .unwrap(),
    )
    .await
}

#[test]
fn every_password_check_spends_from_the_guessing_limits() {
    crate::support::run(async {
        let app = spawn_app().await;
        create_user(&app.pool, "ada@example.com", Role::Candidate).await;
        let stolen = app.sign_in("ada@example.com", PASSWORD).await;
        let mut refused = None;
        for guess in 0..8 {
            let form = format!(
                "current_password=guess{guess}xx&new_password={}",
                enc("attacker's new password")
            );
            let reply = app.call(ChangePassword::PATH, &form, Some(&stolen)).await;
            if reply.status == StatusCode::TOO_MANY_REQUESTS {
                refused = Some(guess);
                break;
            }
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}",
                reply.body
            );
        }
        assert!(refused.is_some_and(|n| n <= 5), "refused after {refused:?}");
        let form = format!("password={}&confirm=yes", enc("one more guess"));
        let reply = app.call(DeleteAccount::PATH, &form, Some(&stolen)).await;
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
        // Even the right password waits: the guesses were spent.
        let form = format!(
            "current_password={}&new_password={}",
            enc(PASSWORD),
            enc("attacker's new password")
        );
        let reply = app.call(ChangePassword::PATH, &form, Some(&stolen)).await;
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    })
}

#[test]
fn strangers_spending_an_accounts_tries_do_not_lock_its_owner_out() {
    crate::support::run(async {
        // Every request arrives through a trusted proxy that names the client.
        let app = spawn_app_with(&[("COACH_TRUSTED_PROXIES", "0.0.0.0")]).await;
        create_user(&app.pool, "ada@example.com", Role::Candidate).await;
        let right = crate::support::sign_in_form("ada@example.com", PASSWORD);
        let wrong = crate::support::sign_in_form("ada@example.com", "not her password");
        let home = "203.0.113.7";
        let reply = from_client(&app, SignIn::PATH, &right, None, home).await;
        assert!(succeeded(&reply), "{}", reply.body);

        // An attacker from elsewhere (a whole IPv6 /64 counts as one client) spends the
        // account's tries.
        let mut refused = false;
        for n in 0..10 {
            let attacker = format!("2001:db8:1:2::{n:x}");
            let reply = from_client(&app, SignIn::PATH, &wrong, None, &attacker).await;
            refused |= reply.status == StatusCode::TOO_MANY_REQUESTS;
        }
        assert!(refused, "the account's shared bucket ran out");
        let reply = from_client(&app, SignIn::PATH, &right, None, "2001:db8:1:2::99").await;
        assert_eq!(
            reply.status,
            StatusCode::TOO_MANY_REQUESTS,
            "same /64, still limited"
        );
        // The owner, from where she signed in before, is not locked out.
        let reply = from_client(&app, SignIn::PATH, &right, None, home).await;
        assert!(succeeded(&reply), "{} {}", reply.status, reply.body);
        // Someone new, with her password, waits like the attacker (the documented trade).
        let reply = from_client(&app, SignIn::PATH, &right, None, "198.51.100.2").await;
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    })
}

#[test]
fn a_common_password_is_refused_with_a_reason_and_nothing_is_created() {
    crate::support::run(async {
        let app = spawn_app().await;
        for common in ["12345678", "password1"] {
            let form = format!(
                "email=ada%40example.com&display_name=Ada&password={}",
                enc(common)
            );
            let reply = app.call(Register::PATH, &form, None).await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}",
                reply.body
            );
            assert!(reply.body.contains("most common"), "{}", reply.body);
        }
        assert_eq!(count(&app.pool, "users").await, 0);
    })
}
