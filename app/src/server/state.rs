//! Application state handed to the router and, as context, to every server function.
use super::settings::Settings;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use sqlx::SqlitePool;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: SqlitePool,
    pub settings: Arc<Settings>,
    pub sign_in_limits: Arc<super::auth::limits::SignInLimits>,
    pub live: Arc<super::live::Hub>,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, pool: SqlitePool, settings: Settings) -> Self {
        Self {
            leptos_options,
            pool,
            settings: Arc::new(settings),
            sign_in_limits: Arc::default(),
            live: Arc::default(),
        }
    }
}

/// The pool of the current request, for server functions.
pub fn pool() -> Result<SqlitePool, crate::domain::error::AppError> {
    leptos::prelude::use_context::<AppState>()
        .map(|s| s.pool)
        .ok_or_else(|| crate::domain::error::AppError::internal("AppState missing from context"))
}
