//! The review's findings about requests themselves: bytes that are not UTF-8, a scenario too
//! large to diff, and what signed-in answers may be cached and with which cookie.
use crate::support::{create_user, spawn_app, spawn_app_with, PASSWORD};
use app::api::account::SignIn;
use app::api::practice::PracticeDashboard;
use app::domain::account::Role;
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;

#[test]
fn bytes_that_are_not_utf8_are_a_bad_request_from_every_server_function() {
    crate::support::run(async {
        let app = spawn_app().await;
        let mut paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path.to_string())
            .collect();
        paths.sort();
        assert!(paths.len() > 40, "{paths:?}");
        for path in paths {
            let request = axum::http::Request::post(&path)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from(vec![b'a', b'=', 0xff, 0xfe, 0xfd]))
                .unwrap();
            let reply = app.send(request).await;
            assert_eq!(
                reply.status,
                StatusCode::BAD_REQUEST,
                "{path}: {}",
                reply.body
            );
            assert!(!reply.body.contains("utf-8"), "{path}: {}", reply.body);
        }
    })
}

#[test]
fn a_scenario_too_large_to_diff_is_refused_at_save_and_nothing_is_stored() {
    crate::support::run(async {
        let app = spawn_app().await;
        let c = crate::support::cast(&app).await;
        let huge = "- a line of a very long list\n".repeat(1_100);
        let form = crate::authoring::form(c.team, "huge-drill", crate::authoring::PROMPT).replace(
            "sections%5Bmetrics%5D=",
            &format!(
                "sections%5Bmetrics%5D={}",
                crate::authoring::urlencode(&huge)
            ),
        );
        let reply = app
            .call(
                app::api::authoring::SaveScenario::PATH,
                &form,
                Some(&c.lead),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            &reply.body[..300.min(reply.body.len())]
        );
        assert!(
            reply.body.contains("at most 30000"),
            "{}",
            &reply.body[..300.min(reply.body.len())]
        );
        let stored: i64 =
            sqlx::query_scalar("SELECT count(*) FROM scenarios WHERE slug = 'huge-drill'")
                .fetch_one(&app.pool)
                .await
                .unwrap();
        assert_eq!(stored, 0);
    })
}

#[test]
fn signed_in_answers_are_never_cached_and_the_https_cookie_is_host_only() {
    crate::support::run(async {
        let app = spawn_app().await;
        create_user(&app.pool, "ada@example.com", Role::Candidate).await;
        let cookie = app.sign_in("ada@example.com", PASSWORD).await;
        for path in ["/practice", "/history", "/account"] {
            let page = app.get_as(path, &cookie).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            assert_eq!(page.header("cache-control"), "no-store", "{path}");
        }
        let reply = app.call(PracticeDashboard::PATH, "", Some(&cookie)).await;
        assert_eq!(reply.header("cache-control"), "no-store");
        // A join link works without an account: its page is private all the same.
        let guest = app.get(&format!("/join/{}", "a".repeat(64))).await;
        assert_eq!(guest.header("cache-control"), "no-store");

        let secure = spawn_app_with(&[("COACH_PUBLIC_URL", "https://coach.example.com")]).await;
        create_user(&secure.pool, "ada@example.com", Role::Candidate).await;
        let reply = secure
            .call(
                SignIn::PATH,
                &crate::support::sign_in_form("ada@example.com", PASSWORD),
                None,
            )
            .await;
        let set = reply.header("set-cookie").to_string();
        assert!(set.starts_with("__Host-coach_session="), "{set}");
        assert!(
            set.contains("Secure") && set.contains("Path=/") && !set.contains("Domain"),
            "{set}"
        );
        let cookie = set.split(';').next().unwrap().to_string();
        assert_eq!(
            secure.who(Some(&cookie)).await.as_deref(),
            Some("ada@example.com")
        );
    })
}
