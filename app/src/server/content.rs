//! Content sync: `content/` files -> validated, rendered records -> SQLite, in one transaction.
//!
//! [`load`] reads and validates every file without touching the database, collecting every
//! problem with its file and line; [`sync`] then writes only what changed.
mod files;
mod lint;
mod parse;
mod sync;
#[cfg(test)]
mod tests;

pub use files::{
    load, ContentError, ContentErrors, ContentSet, FollowUpDef, FrameworkFile, KeyPointDef,
    RubricFile, ScenarioFile,
};
pub use lint::{lint, FAST_MOVING_TOOLS, STOP_LIST};
pub use parse::{parse_framework, parse_rubric, parse_scenario};
pub use sync::{render, sync, SyncError, SyncReport};
