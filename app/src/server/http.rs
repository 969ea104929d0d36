//! The HTTP edge: the router, its middleware, and how errors become status codes.
use super::auth::session;
use super::export;
use super::security;
use super::state::AppState;
use crate::domain::error::AppError;
use crate::routes::{shell, App};
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::provide_context;
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

const REQUEST_ID: axum::http::HeaderName = axum::http::HeaderName::from_static("x-request-id");

/// Request ids: a per-process random prefix and a counter, so log lines of one request can be
/// found together (and the id is echoed in the response's `x-request-id`).
#[derive(Clone)]
struct Counter {
    prefix: u32,
    next: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Default for Counter {
    fn default() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        Self {
            prefix: nanos ^ std::process::id(),
            next: Default::default(),
        }
    }
}

impl MakeRequestId for Counter {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = format!("{:08x}-{n:x}", self.prefix);
        axum::http::HeaderValue::from_str(&id)
            .ok()
            .map(RequestId::new)
    }
}

/// Largest error body the status mapper reads back (errors are small JSON values).
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The route table, found once per process by rendering the app's `<Routes>`. Rendering it
/// again for every router made parallel tests (many routers in one process) hang now and then.
static ROUTES: std::sync::LazyLock<Vec<leptos_axum::AxumRouteListing>> =
    std::sync::LazyLock::new(|| generate_route_list(App));

/// Paths of the registered server functions, for metric labels.
static SERVER_FNS: std::sync::LazyLock<std::collections::HashSet<String>> =
    std::sync::LazyLock::new(|| {
        leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path.to_string())
            .collect()
    });

/// Is `path` a registered server function.
pub fn is_server_fn(path: &str) -> bool {
    SERVER_FNS.contains(path)
}

/// The whole application as one router, so tests can drive it without a socket.
pub fn router(state: AppState) -> Router {
    super::ops::install_metrics();
    let routes = ROUTES.clone();
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let page_shell = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    let secure_cookies = state.settings.public_url.starts_with("https://");
    Router::<AppState>::new()
        .route("/account/export.json", get(export::my_data))
        .route("/history/export.csv", get(export::my_attempts_csv))
        .route(
            "/calibration/teams/{team}/export.csv",
            get(export::team_calibration_csv),
        )
        .route("/join/{token}/events", get(super::live::events))
        .route("/healthz", get(super::ops::healthz))
        .route("/pkg/{version}/{file}", get(super::ops::versioned_asset))
        .route("/readyz", get(super::ops::readyz))
        .route("/metrics", get(super::ops::metrics_page))
        .route("/author/packs/export.zip", get(super::packs::export))
        .route(
            "/author/packs/import",
            post(super::packs::import)
                .layer(DefaultBodyLimit::max(super::packs::IMPORT_BODY_LIMIT)),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), page_shell)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(middleware::from_fn(super::page_html::finish))
        .layer(session::layer(state.pool.clone(), secure_cookies))
        .layer(middleware::from_fn(super::ops::record))
        .layer(middleware::from_fn(server_fn_status))
        .layer(middleware::from_fn(security::small_bodies))
        .layer(middleware::from_fn_with_state(
            state.settings.clone(),
            security::same_origin_writes,
        ))
        .layer(middleware::from_fn_with_state(
            state.settings.clone(),
            security::headers,
        ))
        // Pages rendered per request are compressed at the fastest level: brotli's default
        // (quality 4) allocates megabytes of fresh tables per response, whose first touch cost
        // a third of a signed-in page's CPU (page faults and TLB flushes across cores). At
        // quality 1 a 40 KB page still shrinks about sixfold. Public pages are compressed once,
        // at the best level, by the page cache.
        .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Precise(1)))
        .layer(
            // Method, path and request id only: query strings can carry search text or tokens.
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let id = req
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default();
                    tracing::info_span!(
                        "request",
                        id = %id,
                        method = %req.method(),
                        path = %loggable_path(req.uri().path())
                    )
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        // A public page from the cache skips everything above; only the request id is added.
        .layer(middleware::from_fn_with_state(
            state.page_cache.clone(),
            super::page_cache::serve,
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, Counter::default()))
        .with_state(state)
}

/// A path as it may be written to the log: a join link's token (a bearer credential for the
/// candidate's screen) is replaced by `…`.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    match path.strip_prefix("/join/") {
        Some(rest) => {
            let tail = rest.find('/').map_or("", |i| &rest[i..]);
            format!("/join/…{tail}").into()
        }
        None => path.into(),
    }
}

/// Server functions answer every error with 500. Give each the status its kind deserves
/// (400 for a malformed call, 404, 422, ...), read from the error the function returned.
/// Only 500s are touched: a no-JavaScript form post that failed is a redirect and stays one.
async fn server_fn_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_ERROR_BODY).await {
        Ok(bytes) => bytes,
        Err(e) => {
            let opaque = AppError::internal(format!("reading a server function error: {e}"));
            return Response::from_parts(
                parts,
                Body::from(serde_json::to_vec(&opaque).unwrap_or_default()),
            );
        }
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if parts.status == StatusCode::SERVICE_UNAVAILABLE {
            // Busy for a moment (a full hashing queue, a locked database): say when to retry.
            parts.headers.insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("5"),
            );
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Redirect after a plain form post (the browser navigates, no JavaScript involved); a call
/// from an island's code gets its answer instead and updates the page in place.
pub fn redirect_form(path: &str) {
    let plain_form = leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(axum::http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false);
    if plain_form {
        leptos_axum::redirect(path);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn join_tokens_never_reach_the_log() {
        let token = "a".repeat(43);
        assert_eq!(super::loggable_path(&format!("/join/{token}")), "/join/…");
        assert_eq!(
            super::loggable_path(&format!("/join/{token}/events")),
            "/join/…/events"
        );
        assert_eq!(super::loggable_path("/sessions/3"), "/sessions/3");
    }
}
