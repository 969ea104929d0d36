//! Server functions, grouped by area. Each one: who is asking, may they, parse, call the db layer.
pub mod account;
pub mod admin;
pub mod authoring;
pub mod calibration;
pub mod library;
pub mod packs;
pub mod practice;
pub mod scorecards;
pub mod sessions;
