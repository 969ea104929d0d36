//! Server-only code: settings, state, the database layer, content sync, Markdown and HTTP wiring.
//! None of it is compiled into the browser bundle.
pub mod auth;
pub mod authoring;
pub mod cli;
pub mod content;
pub mod coverage;
pub mod db;
pub mod demo;
pub mod eval;
pub mod export;
pub mod generate;
pub mod http;
pub mod live;
pub mod markdown;
pub mod ops;
pub mod packs;
pub mod page_cache;
pub mod page_html;
pub mod practice;
pub mod schedule;
pub mod security;
pub mod settings;
pub mod state;
pub mod team_cache;

tokio::task_local! {
    /// The time a request sees when it runs inside [`at`]: the demo's history is made by the
    /// app's own server functions, at the times it says they happened.
    static FIXED_NOW: i64;
}

/// Milliseconds since the Unix epoch: the one clock every timestamp column uses.
pub fn now_millis() -> i64 {
    FIXED_NOW
        .try_with(|t| *t)
        .unwrap_or_else(|_| wall_clock_millis())
}

/// The machine's clock, whatever [`at`] says: for how long a sign-in cookie has really been
/// in use (tower-sessions' idle timeout reads the same clock).
pub fn wall_clock_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// Run `work` with [`now_millis`] answering `when` (in this task only: nothing else running in
/// the process sees it).
pub async fn at<F: std::future::Future>(when: i64, work: F) -> F::Output {
    FIXED_NOW.scope(when, work).await
}
