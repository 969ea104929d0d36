//! Pure types and logic shared by the server and the browser: no I/O, unit-tested beside the code.
pub mod account;
pub mod agreement;
pub mod assess;
pub mod authoring;
pub mod calibration;
pub mod error;
pub mod library;
pub mod number;
pub mod packs;
pub mod policy;
pub mod practice;
pub mod scenario_file;
pub mod search;
pub mod session;
pub mod slug;
pub mod taxonomy;
