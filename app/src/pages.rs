//! One file per page.
pub mod account;
pub mod admin;
pub mod auth;
pub mod authoring;
pub mod calibration;
pub mod frameworks;
pub mod history;
pub mod home;
pub mod library;
pub mod not_found;
pub mod packs;
pub mod practice;
pub mod rubric;
pub mod scenario;
pub mod sessions;
