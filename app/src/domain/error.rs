//! The one error type that crosses the server-function boundary.
//!
//! Users see a clear, specific message for what they did wrong and an opaque one (with a reference
//! they can quote) for what went wrong inside; the detail of an internal error only reaches the log.
use serde::{Deserialize, Serialize};
use server_fn_error::{FromServerFnError, JsonEncoding, ServerFnErrorErr};

// `leptos::server_fn` re-exports the traits under a long path; name them once here.
mod server_fn_error {
    pub use leptos::server_fn::codec::JsonEncoding;
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

/// One invalid field of a submitted form, with a message written for the person who typed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// A rejected form: what is wrong with which field, and the (non-secret) values that were typed,
/// so the form can be shown again as it was, even after a no-JavaScript redirect.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invalid {
    pub errors: Vec<FieldError>,
    pub kept: Vec<(String, String)>,
}

impl Invalid {
    pub fn field(mut self, field: &str, message: impl Into<String>) -> Self {
        self.errors.push(FieldError {
            field: field.to_string(),
            message: message.into(),
        });
        self
    }

    pub fn keep(mut self, field: &str, value: &str) -> Self {
        self.kept.push((field.to_string(), value.to_string()));
        self
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The request itself could not be read (malformed arguments, wrong types): a client bug.
    #[error("{0}")]
    BadRequest(String),
    /// The request was well-formed but some values are not acceptable.
    #[error("{}", summary(&.0.errors))]
    Validation(Invalid),
    #[error("We could not find that page.")]
    NotFound,
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("You do not have access to this.")]
    Forbidden,
    #[error("{0}")]
    Conflict(String),
    /// It existed, and is over for good (an ended session's join link).
    #[error("{0}")]
    Gone(String),
    /// Too many attempts; the message says when to try again.
    #[error("{0}")]
    TooManyRequests(String),
    /// The browser could not reach the server (client side only).
    #[error("Could not reach the server. Check your connection and try again.")]
    Network,
    /// The database cannot be reached or written right now (locked, full disk, gone): try again
    /// soon. The string is a reference to the log entry.
    #[error("The service is unavailable for a moment. Please try again shortly (reference {0}).")]
    Unavailable(String),
    /// Something failed on our side; the string is a reference to the log entry, nothing more.
    #[error("Something went wrong on our side. Please try again (reference {0}).")]
    Internal(String),
}

fn summary(errors: &[FieldError]) -> String {
    match errors {
        [one] => one.message.clone(),
        _ => "Please correct the highlighted fields.".to_string(),
    }
}

impl AppError {
    /// A validation error on one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(Invalid::default().field(field, message))
    }

    /// The message for `field`, if this is a validation error that names it.
    pub fn field_message(&self, field: &str) -> Option<&str> {
        match self {
            Self::Validation(invalid) => invalid
                .errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.as_str()),
            _ => None,
        }
    }

    /// The value that was typed into `field`, if this error kept it.
    pub fn kept(&self, field: &str) -> Option<&str> {
        match self {
            Self::Validation(invalid) => invalid
                .kept
                .iter()
                .find(|(f, _)| f == field)
                .map(|(_, v)| v.as_str()),
            _ => None,
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest(_) => 400,
            Self::Validation(_) => 422,
            Self::Unauthenticated => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Conflict(_) => 409,
            Self::TooManyRequests(_) => 429,
            Self::Network => 503,
            Self::Unavailable(_) => 503,
            Self::Gone(_) => 410,
            Self::Internal(_) => 500,
        }
    }

    /// Log `detail` with a fresh reference and return the opaque error that names only the reference.
    #[cfg(feature = "ssr")]
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        let reference = error_reference();
        tracing::error!(reference = %reference, error = %detail, "internal error");
        Self::Internal(reference)
    }
}

/// A short reference, unique enough to find one log line: time plus a process-wide counter.
#[cfg(feature = "ssr")]
pub fn error_reference() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{:x}-{:x}", millis & 0xff_ffff_ffff, n)
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        if is_unavailable(&e) {
            let reference = error_reference();
            tracing::error!(reference = %reference, error = %e, "database unavailable");
            return Self::Unavailable(reference);
        }
        Self::internal(e)
    }
}

/// The database is there but cannot serve now (SQLite: locked past the busy timeout, disk full,
/// I/O error, file gone; PostgreSQL: connection lost, server shutting down, out of resources,
/// lock or statement timeout) or the pool waited too long: a 503 that goes away, not a bug.
#[cfg(feature = "ssr")]
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    const BUSY: i64 = 5;
    const LOCKED: i64 = 6;
    const READONLY: i64 = 8;
    const IOERR: i64 = 10;
    const FULL: i64 = 13;
    const CANTOPEN: i64 = 14;
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if db
                .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .is_some()
            {
                // SQLSTATE classes 08 (connection), 53 (resources), 57P (shutdown), and the
                // lock and statement timeouts.
                code.starts_with("08")
                    || code.starts_with("53")
                    || code.starts_with("57P")
                    || matches!(code.as_ref(), "55P03" | "57014")
            } else {
                code.parse::<i64>().is_ok_and(|code| {
                    matches!(
                        code & 0xff,
                        BUSY | LOCKED | READONLY | IOERR | FULL | CANTOPEN
                    )
                })
            }
        }
        _ => false,
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The server could not decode the arguments: the caller's mistake. The decoder's text
            // names internal field names and types, so it is not passed on.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                Self::BadRequest("The request could not be understood.".to_string())
            }
            // On the server this is a request body that could not be read as text (bytes that
            // are not UTF-8): the caller's mistake too. (In the browser it is a response that
            // could not be read, which falls through below.)
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(_) => {
                Self::BadRequest("The request could not be understood.".to_string())
            }
            ServerFnErrorErr::Request(_) => Self::Network,
            #[cfg(feature = "ssr")]
            other => Self::internal(other),
            #[cfg(not(feature = "ssr"))]
            _ => Self::Internal("client".to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_arguments_become_a_bad_request_without_decoder_text() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Args(
            "missing field `slug` at line 1".into(),
        ));
        assert_eq!(e.status(), 400);
        assert!(!e.to_string().contains("slug"));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn an_unreadable_request_body_is_a_bad_request() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Deserialization(
            "invalid utf-8 sequence of 1 bytes from index 3".into(),
        ));
        assert_eq!(e.status(), 400);
        assert!(!e.to_string().contains("utf-8"));
    }

    #[test]
    fn one_field_error_is_its_own_summary() {
        let e = AppError::invalid("q", "Search is limited to 200 characters.");
        assert_eq!(e.to_string(), "Search is limited to 200 characters.");
        assert_eq!(
            e.field_message("q"),
            Some("Search is limited to 200 characters.")
        );
        assert_eq!(e.field_message("topic"), None);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn internal_errors_show_a_reference_not_the_detail() {
        let e = AppError::internal("no such table: scenario_versions");
        let shown = e.to_string();
        assert!(!shown.contains("scenario_versions"));
        assert!(shown.contains("reference"));
        assert_eq!(e.status(), 500);
    }
}
