//! Application state handed to the router and, as context, to every server function.
use super::settings::Settings;
use crate::server::db::Pool;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: Pool,
    pub settings: Arc<Settings>,
    pub live: Arc<super::live::Hub>,
    /// Set when shutdown begins: readiness answers 503 so a load balancer stops sending work
    /// while requests in flight finish.
    pub draining: Arc<std::sync::atomic::AtomicBool>,
    /// The browser assets' content hash, served under `/pkg/<version>/` (see `ops`).
    pub asset_version: Option<Arc<str>>,
    /// Public pages as anonymous visitors get them (see `page_cache`).
    pub page_cache: Arc<super::page_cache::PageCache>,
    /// Team dashboards as last computed (see `team_cache`).
    pub team_cache: Arc<super::team_cache::TeamCache>,
}

impl AppState {
    /// The state, with the asset URLs pointing at `/pkg/<version>/` when the built assets are
    /// there (so browsers may cache them for good).
    pub fn new(mut leptos_options: LeptosOptions, pool: Pool, settings: Settings) -> Self {
        let asset_version =
            super::ops::asset_version(std::path::Path::new(leptos_options.site_root.as_ref()));
        if let Some(v) = &asset_version {
            leptos_options.site_pkg_dir = format!("{}/{v}", leptos_options.site_pkg_dir).into();
        }
        Self {
            asset_version: asset_version.map(Into::into),
            leptos_options,
            live: Arc::new(super::live::Hub::for_pool(&pool)),
            pool,
            settings: Arc::new(settings),
            draining: Arc::default(),
            page_cache: Arc::default(),
            team_cache: Arc::default(),
        }
    }
}

/// The pool of the current request, for server functions.
pub fn pool() -> Result<Pool, crate::domain::error::AppError> {
    leptos::prelude::use_context::<AppState>()
        .map(|s| s.pool)
        .ok_or_else(|| crate::domain::error::AppError::internal("AppState missing from context"))
}
