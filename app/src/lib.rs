//! MLOps Interview Coach: the Leptos app (pages, components, server functions), its pure domain
//! logic, and (with the `ssr` feature) the server internals.
//!
//! Rendering is islands mode: pages are server-rendered HTML; only `#[island]` components ship
//! to the browser as wasm.
// The console page nests deep enough to pass rustc's default type-depth limit.
#![recursion_limit = "256"]
pub mod api;
pub mod components;
pub mod domain;
pub mod hydration;
pub mod pages;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod server;

pub use routes::{shell, App};
