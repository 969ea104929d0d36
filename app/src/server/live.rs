//! Live sessions: every change the candidate screen shows raises the session's revision in the
//! database, then is announced here; candidate screens listen with server-sent events.
//!
//! The database is the truth and this hub only says "look again": a screen that missed
//! announcements (dropped connection, server restart) catches up by reading the current state
//! when it reconnects, which the stream prompts by sending the current revision first.
use super::db::sessions;
use super::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::time::Duration;
use tokio::sync::broadcast;
use tokio_stream::{wrappers::BroadcastStream, StreamExt};

/// (session id, revision) announcements.
pub struct Hub {
    tx: broadcast::Sender<(i64, i64)>,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            tx: broadcast::channel(256).0,
        }
    }
}

impl Hub {
    /// Open event streams (candidate screens and consoles listening).
    pub fn listeners(&self) -> usize {
        self.tx.receiver_count()
    }

    /// Announce that `session` is now at `revision`. Nobody listening is fine.
    pub fn announce(&self, session: i64, revision: i64) {
        let _ = self.tx.send((session, revision));
    }
}

/// GET /join/{token}/events: a `revision` event now and after every change (ending the session
/// is one: the screen then reads the end and closes the stream). 404 for an unknown token, 410
/// for an ended session.
pub async fn events(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let head = match sessions::by_token(&state.pool, &token).await {
        Ok(Some(head)) => head,
        Ok(None) => return (StatusCode::NOT_FOUND, "No such session.").into_response(),
        Err(e) => {
            let error = crate::domain::error::AppError::internal(e);
            return (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response();
        }
    };
    if head.status() == crate::domain::session::SessionStatus::Ended {
        return (StatusCode::GONE, "This session has ended.").into_response();
    }
    let session = head.id;
    let first = tokio_stream::once(head.revision);
    let changes = BroadcastStream::new(state.live.tx.subscribe()).filter_map(move |message| {
        match message {
            Ok((id, revision)) if id == session => Some(revision),
            Ok(_) => None,
            // Fell behind: say "look again" with an unknown revision.
            Err(_) => Some(-1),
        }
    });
    let stream = first.chain(changes).map(|revision| {
        Ok::<_, std::convert::Infallible>(
            Event::default()
                .event("revision")
                .data(revision.to_string()),
        )
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
