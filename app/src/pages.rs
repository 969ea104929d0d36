//! One file per page.
pub mod frameworks;
pub mod home;
pub mod library;
pub mod not_found;
pub mod rubric;
pub mod scenario;
