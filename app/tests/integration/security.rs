//! The security baseline every response and every write inherits.
use crate::support::{spawn_app, spawn_app_with};
use app::api::library::GetScenario;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use leptos::server_fn::ServerFn;

#[test]
fn every_kind_of_response_carries_the_baseline_headers() {
    crate::support::run(async {
        let app = spawn_app().await;
        for uri in [
            "/",
            "/scenarios/gpu-pods-pending",
            "/no-such-page",
            "/favicon.ico",
        ] {
            let reply = app.get(uri).await;
            assert_eq!(reply.header("x-content-type-options"), "nosniff", "{uri}");
            assert_eq!(reply.header("x-frame-options"), "DENY", "{uri}");
            assert_eq!(
                reply.header("referrer-policy"),
                "strict-origin-when-cross-origin",
                "{uri}"
            );
            assert!(
                reply
                    .header("content-security-policy")
                    .contains("frame-ancestors 'none'"),
                "{uri}"
            );
            assert_eq!(
                reply.header("strict-transport-security"),
                "",
                "no HSTS over http: {uri}"
            );
        }
        let api = app
            .post_form(GetScenario::PATH, "slug=gpu-pods-pending")
            .await;
        assert_eq!(
            api.header("content-security-policy"),
            "default-src 'none'; frame-ancestors 'none'"
        );
    })
}

#[test]
fn a_page_csp_allows_exactly_the_nonce_of_its_hydration_script() {
    crate::support::run(async {
        let app = spawn_app().await;
        // A signed-in page is rendered for its reader: a fresh nonce each time. An answer in
        // progress has islands (the timer, the autosaving box), so it loads the hydration script.
        let cookie = signed_in(&app).await;
        let start = app
            .call(
                app::api::practice::StartAttempt::PATH,
                "slug=predictions-wrong-200-ok&version=1&time_limit=",
                Some(&cookie),
            )
            .await;
        assert!(crate::support::succeeded(&start), "{}", start.body);
        let attempt: i64 = sqlx::query_scalar("SELECT max(id) FROM attempts")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        let path = format!("/practice/{attempt}");
        let page = get_with(&app, &path, &cookie).await;
        let csp = page.header("content-security-policy");
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("a nonce in the page CSP");
        assert!(page.body.contains(&format!(
            "<script id=\"hydrate\" type=\"module\" nonce=\"{nonce}\">"
        )));
        assert!(csp.contains("'wasm-unsafe-eval'"));
        let other = get_with(&app, &path, &cookie).await;
        assert_ne!(
            other.header("content-security-policy"),
            csp,
            "a fresh nonce per response"
        );
    })
}

#[test]
fn a_cached_public_page_allows_exactly_the_hashes_of_its_inline_scripts() {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    crate::support::run(async {
        let app = spawn_app().await;
        let first = app.get("/scenarios/gpu-pods-pending").await;
        let again = app.get("/scenarios/gpu-pods-pending").await;
        assert_eq!(
            first.body, again.body,
            "the second visitor gets the kept page"
        );
        let csp = again.header("content-security-policy");
        assert!(
            !csp.contains("'nonce-"),
            "a shared page names no nonce: {csp}"
        );
        let mut scripts = 0;
        for chunk in again.body.split("<script").skip(1) {
            let (tag, rest) = chunk.split_once('>').unwrap();
            let text = rest.split("</script>").next().unwrap();
            if tag.contains(" src=") || text.is_empty() {
                continue;
            }
            scripts += 1;
            let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text));
            assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
        }
        // A scenario page has no island: it ships no script at all, so its policy allows none.
        assert_eq!(scripts, 0, "{}", again.body);
        assert!(
            !again.body.contains("<script"),
            "no script is linked either"
        );
        assert!(!again.body.contains("modulepreload"), "nor preloaded");
        assert_eq!(
            csp.matches("'sha256-").count(),
            scripts,
            "no script is allowed that the page does not have"
        );
        assert!(!again.header("x-request-id").is_empty());
        // Signed in, the same address is rendered afresh (it shows who is signed in).
        let cookie = signed_in(&app).await;
        let mine = get_with(&app, "/scenarios/gpu-pods-pending", &cookie).await;
        assert!(mine.header("content-security-policy").contains("'nonce-"));
        assert!(mine.body.contains("Sign out"));
        assert!(!again.body.contains("Sign out"));
    })
}

async fn signed_in(app: &crate::support::TestApp) -> String {
    crate::support::create_user(
        &app.pool,
        "reader@example.com",
        app::domain::account::Role::Candidate,
    )
    .await;
    app.sign_in("reader@example.com", crate::support::PASSWORD)
        .await
}

async fn get_with(app: &crate::support::TestApp, uri: &str, cookie: &str) -> crate::support::Reply {
    app.send(
        axum::http::Request::get(uri)
            .header("cookie", cookie)
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
}

#[test]
fn https_deployments_send_hsts() {
    crate::support::run(async {
        let app = spawn_app_with(&[("COACH_PUBLIC_URL", "https://coach.example")]).await;
        let reply = app.get("/").await;
        assert!(reply
            .header("strict-transport-security")
            .starts_with("max-age="));
    })
}

fn cross_site_post(origin: Option<&str>, fetch_site: Option<&str>) -> Request<Body> {
    let mut request = Request::post(GetScenario::PATH)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("host", "127.0.0.1:3000");
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    if let Some(site) = fetch_site {
        request = request.header("sec-fetch-site", site);
    }
    request.body(Body::from("slug=gpu-pods-pending")).unwrap()
}

#[test]
fn writes_from_another_site_are_refused_and_same_site_ones_pass() {
    crate::support::run(async {
        let app = spawn_app().await;
        for (origin, site) in [
            (Some("https://evil.example"), None),
            (Some("https://evil.example"), Some("cross-site")),
            (None, Some("cross-site")),
            (Some("null"), None),
        ] {
            let reply = app.send(cross_site_post(origin, site)).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{origin:?} {site:?}");
            assert!(reply.body.contains("another site"));
        }
        for (origin, site) in [
            (Some("http://127.0.0.1:3000"), None),
            (Some("http://127.0.0.1:3000"), Some("same-origin")),
            (None, None),
        ] {
            let reply = app.send(cross_site_post(origin, site)).await;
            assert_eq!(reply.status, StatusCode::OK, "{origin:?} {site:?}");
        }
    })
}

#[test]
fn reading_pages_from_another_site_is_allowed() {
    crate::support::run(async {
        let app = spawn_app().await;
        let request = Request::get("/scenarios")
            .header("sec-fetch-site", "cross-site")
            .body(Body::empty())
            .unwrap();
        assert_eq!(app.send(request).await.status, StatusCode::OK);
    })
}

#[test]
fn an_oversized_password_form_is_refused_before_any_hashing() {
    crate::support::run(async {
        let app = spawn_app().await;
        let huge = format!("email=a%40example.com&password={}", "x".repeat(20_000));
        let reply = app.post_form(app::api::account::SignIn::PATH, &huge).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(reply.body.contains("too large"));
    })
}

#[test]
fn every_response_names_its_request_id() {
    crate::support::run(async {
        let app = spawn_app().await;
        let a = app.get("/").await;
        let b = app.get("/").await;
        assert!(!a.header("x-request-id").is_empty());
        assert_ne!(a.header("x-request-id"), b.header("x-request-id"));
    })
}

#[test]
fn behind_a_trusted_proxy_each_client_has_its_own_sign_in_allowance() {
    crate::support::run(async {
        use app::api::account::SignIn;
        use leptos::server_fn::ServerFn;
        // In tests there is no TCP peer, so the "proxy" is the unspecified address.
        let app = crate::support::spawn_app_with(&[("COACH_TRUSTED_PROXIES", "0.0.0.0")]).await;
        let attempt = |client: &'static str, n: usize| {
            let app = &app;
            async move {
                let form = crate::support::sign_in_form(
                    &format!("nobody{n}@example.com"),
                    "wrong password!",
                );
                app.send(
                    axum::http::Request::post(SignIn::PATH)
                        .header("content-type", "application/x-www-form-urlencoded")
                        .header("x-forwarded-for", client)
                        .body(axum::body::Body::from(form))
                        .unwrap(),
                )
                .await
                .status
            }
        };
        // 20 tries at once, then one every 6 s: keep trying until refused.
        let mut n = 0;
        while attempt("203.0.113.7", n).await != StatusCode::TOO_MANY_REQUESTS {
            n += 1;
            assert!(n < 40, "one client was never limited");
        }
        assert!(n >= 20, "limited after {n} tries, before its allowance");
        // A forged entry before the proxy's own does not buy a new allowance...
        assert_eq!(
            attempt("192.0.2.99, 203.0.113.7", n + 1).await,
            StatusCode::TOO_MANY_REQUESTS
        );
        // ...and another client behind the same proxy is not punished for the first one.
        assert_ne!(
            attempt("198.51.100.2", n + 2).await,
            StatusCode::TOO_MANY_REQUESTS
        );
    })
}
