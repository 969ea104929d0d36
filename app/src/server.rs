//! Server-only code: settings, state, the database layer, content sync, Markdown and HTTP wiring.
//! None of it is compiled into the browser bundle.
pub mod auth;
pub mod authoring;
pub mod cli;
pub mod content;
pub mod copy;
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

/// Milliseconds since the Unix epoch: the one clock every timestamp column uses.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
