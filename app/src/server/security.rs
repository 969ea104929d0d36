//! Security middleware every response goes through: baseline headers, the page CSP (with the
//! per-request nonce Leptos puts on its hydration script), and the cross-site request check.
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

use super::settings::Settings;

/// Content-Security-Policy of an HTML page: only our own scripts and the hydration script that
/// carries `nonce`; wasm may be compiled (`'wasm-unsafe-eval'`), nothing may frame the page.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The page CSP naming the hashes of its inline scripts instead of a nonce (`'sha256-…'`
/// sources), for a page served to many visitors from the page cache.
pub fn page_csp_with(script_hashes: &[String]) -> String {
    format!(
        "default-src 'self'; script-src 'self' {} 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        script_hashes.join(" ")
    )
}

/// For everything that is not a page (files, server functions, errors): nothing may run or frame it.
const NON_PAGE_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// Called while a page renders, so its CSP names the nonce of that very response.
pub fn set_page_csp() {
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(value) = HeaderValue::from_str(&page_csp(&nonce.to_string())) {
            response.insert_header(header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

/// The nonce Leptos put on the page's hydration script, if any.
fn nonce_in(html: &[u8]) -> Option<String> {
    const MARK: &[u8] = b"nonce=\"";
    let start = html.windows(MARK.len()).position(|w| w == MARK)? + MARK.len();
    let len = html[start..].iter().position(|b| *b == b'"')?;
    let nonce = std::str::from_utf8(&html[start..start + len]).ok()?;
    nonce
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"+/=-_".contains(&b))
        .then(|| nonce.to_string())
}

/// An HTML page whose render did not set its CSP (now and then the page's response options
/// come back without the header): read the nonce from the page itself, so the page keeps its
/// styles and scripts rather than falling under the non-page policy.
async fn page_csp_from_body(res: Response) -> Response {
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "The page could not be sent.",
        )
            .into_response();
    };
    let csp = match nonce_in(&bytes) {
        Some(nonce) => page_csp(&nonce),
        None => page_csp("none"),
    };
    tracing::warn!("page rendered without its CSP header; set from the page's nonce");
    if let Ok(value) = HeaderValue::from_str(&csp) {
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Adds the baseline security headers to every response.
pub async fn headers(State(settings): State<Arc<Settings>>, req: Request, next: Next) -> Response {
    // What a signed-in page or a server function answers is for one person only (the console
    // even holds a join link): no cache, shared or the browser's own, may keep it.
    // A join page holds the session's secret token in its URL and shows that session's
    // prompt, also to a guest without a session cookie.
    let path = req.uri().path();
    let private = path.starts_with("/api/")
        || path.starts_with("/join/")
        || (!path.starts_with("/pkg/") && has_session_cookie(&req));
    let mut res = next.run(req).await;
    if private {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html && !res.headers().contains_key(header::CONTENT_SECURITY_POLICY) {
        res = page_csp_from_body(res).await;
    }
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(NON_PAGE_CSP),
        );
    }
    if settings.public_url.starts_with("https://") {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    res
}

/// Does the request carry a session cookie (whatever its prefix).
pub fn has_session_cookie(req: &Request) -> bool {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|c| {
            c.trim().split_once('=').is_some_and(|(name, _)| {
                name == super::auth::session::COOKIE_NAME
                    || name == super::auth::session::SECURE_COOKIE_NAME
            })
        })
}

/// Largest body accepted by the functions that take passwords: a few KB is plenty for an email,
/// a name and a password, and refusing more happens before any hashing.
pub const PASSWORD_FORM_LIMIT: usize = 8 * 1024;

fn takes_a_password(path: &str) -> bool {
    use crate::api::account::{ChangePassword, DeleteAccount, Register, SignIn};
    use leptos::server_fn::ServerFn;
    [
        SignIn::PATH,
        Register::PATH,
        ChangePassword::PATH,
        DeleteAccount::PATH,
    ]
    .contains(&path)
}

/// Largest body any server function accepts: a 40,000-character answer, form-encoded, fits
/// with room to spare.
const SERVER_FN_BODY_LIMIT: usize = 1024 * 1024;

/// Refuses oversized server-function bodies with 413, reading at most the limit (whether or
/// not the request declares its length), before any server function (or password hash) sees
/// them: 8 KB for password forms, 1 MB for the rest.
pub async fn small_bodies(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let limit = if takes_a_password(path) {
        PASSWORD_FORM_LIMIT
    } else if path.starts_with("/api/") {
        SERVER_FN_BODY_LIMIT
    } else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
                .await
        }
        Err(_) => (StatusCode::PAYLOAD_TOO_LARGE, "This request is too large.").into_response(),
    }
}

/// Refuses a state-changing request that a browser says comes from another site.
///
/// Browsers send `Sec-Fetch-Site` on every request and `Origin` on every POST; a request with
/// neither is not from a browser page (curl, tests) and cannot carry a victim's cookies by accident.
pub async fn same_origin_writes(
    State(settings): State<Arc<Settings>>,
    req: Request,
    next: Next,
) -> Response {
    if is_safe_method(req.method()) || is_same_site(req.headers(), &settings.public_url) {
        return next.run(req).await;
    }
    tracing::warn!(path = %req.uri().path(), "cross-site write refused");
    (
        StatusCode::FORBIDDEN,
        "This request came from another site and was refused.",
    )
        .into_response()
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn is_same_site(headers: &HeaderMap, public_url: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    match headers.get(header::ORIGIN).map(HeaderValue::to_str) {
        None => true,
        Some(Ok(origin)) => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
            origin == public_url.trim_end_matches('/')
                || host.is_some_and(|host| {
                    origin == format!("http://{host}") || origin == format!("https://{host}")
                })
        }
        Some(Err(_)) => false,
    }
}

#[cfg(test)]
mod nonce_tests {
    use super::nonce_in;

    #[test]
    fn the_nonce_is_read_from_the_hydration_script() {
        let html = br#"<head><script type="module" nonce="aB3+/x=">import</script>"#;
        assert_eq!(nonce_in(html).as_deref(), Some("aB3+/x="));
        assert_eq!(nonce_in(b"<p>no script</p>"), None);
        assert_eq!(nonce_in(br#"nonce="a'b""#), None, "only nonce characters");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    const PUBLIC: &str = "https://coach.example";

    #[test]
    fn same_origin_and_direct_navigation_may_write() {
        assert!(is_same_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            PUBLIC
        ));
        assert!(is_same_site(
            &headers(&[("sec-fetch-site", "none")]),
            PUBLIC
        ));
        assert!(is_same_site(
            &headers(&[("origin", "https://coach.example")]),
            PUBLIC
        ));
        assert!(is_same_site(
            &headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ]),
            PUBLIC
        ));
    }

    #[test]
    fn another_site_may_not_write() {
        assert!(!is_same_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            PUBLIC
        ));
        assert!(!is_same_site(
            &headers(&[("sec-fetch-site", "same-site")]),
            PUBLIC
        ));
        assert!(!is_same_site(
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "coach.example")
            ]),
            PUBLIC
        ));
        assert!(!is_same_site(
            &headers(&[("origin", "null"), ("host", "coach.example")]),
            PUBLIC
        ));
    }

    #[test]
    fn the_page_policy_names_the_nonce_and_allows_wasm() {
        let csp = page_csp("abc123");
        assert!(csp.contains("'nonce-abc123'"));
        assert!(csp.contains("'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
    }
}
