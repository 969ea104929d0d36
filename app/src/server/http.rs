//! The HTTP edge: the router, its middleware, and how errors become status codes.
use super::security;
use super::state::AppState;
use crate::domain::error::AppError;
use crate::routes::{shell, App};
use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use leptos::prelude::provide_context;
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// Largest error body the status mapper reads back (errors are small JSON values).
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The whole application as one router, so tests can drive it without a socket.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let page_shell = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    Router::<AppState>::new()
        .leptos_routes_with_context(&state, routes, context.clone(), page_shell)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ))
        .layer(middleware::from_fn(server_fn_status))
        .layer(middleware::from_fn_with_state(
            state.settings.clone(),
            security::same_origin_writes,
        ))
        .layer(middleware::from_fn_with_state(
            state.settings.clone(),
            security::headers,
        ))
        .layer(CompressionLayer::new())
        .layer(
            // Method and path only: query strings can carry search text or, later, tokens.
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .with_state(state)
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
    }
    Response::from_parts(parts, Body::from(bytes))
}
