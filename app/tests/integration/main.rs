//! The integration suite as one test binary: each module drives the real router (or the real
//! content loader) against its own fresh database. One binary instead of one per file keeps the
//! link step and the disk footprint of `cargo test` to a single copy of the app.
mod support;

mod accounts;
mod assessor;
mod authoring;
mod calibration;
mod calibration_cache;
mod content_format;
mod content_sync;
mod copy;
mod demo;
mod http;
mod instances;
mod operations;
mod packs;
mod practice;
mod review;
mod review_passwords;
mod review_requests;
mod schema;
mod security;
mod session_scorecards;
mod sessions;
mod sign_in_lifetime;
mod visibility;
