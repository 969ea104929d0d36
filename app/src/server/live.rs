//! Live sessions: every change the candidate screen shows raises the session's revision in the
//! database, then is announced here; candidate screens listen with server-sent events.
//!
//! The database is the truth and this hub only says "look again": a screen that missed
//! announcements (dropped connection, server restart, another instance) catches up by reading
//! the current state when it reconnects, which the stream prompts by sending the current
//! revision first.
//!
//! On SQLite there is one instance and announcements stay in the process. On PostgreSQL every
//! instance LISTENs on one channel and an announcement is a NOTIFY carrying ids only
//! (`session:revision`), so the interviewer's instance and the candidate's need not be the same.
//! When the listening connection drops, notifications sent meanwhile are lost: on reconnecting
//! the hub tells every open stream to look again (revision -1).
use super::db::{Backend, Pool};
use super::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::time::Duration;
use tokio::sync::broadcast;
use tokio_stream::{wrappers::BroadcastStream, StreamExt};

/// The PostgreSQL channel of announcements.
pub const CHANNEL: &str = "coach_live";
/// "Every session: look again" (after the listener missed notifications).
const EVERYONE: i64 = 0;

/// (session id, revision) announcements; session 0 with revision -1 means everyone.
pub struct Hub {
    tx: broadcast::Sender<(i64, i64)>,
    backend: Backend,
    listener: Option<tokio::task::AbortHandle>,
}

impl Drop for Hub {
    fn drop(&mut self) {
        if let Some(listener) = &self.listener {
            listener.abort();
        }
    }
}

impl Hub {
    /// The hub of an app on `pool`: on PostgreSQL, with a task listening for the other
    /// instances' announcements (ended when the hub is dropped).
    pub fn for_pool(pool: &Pool) -> Self {
        let mut hub = Self {
            tx: broadcast::channel(256).0,
            backend: Backend::of(pool),
            listener: None,
        };
        if hub.backend == Backend::Postgres {
            let url = pool.connect_options().database_url.to_string();
            let task = tokio::spawn(listen(url, hub.tx.clone()));
            hub.listener = Some(task.abort_handle());
        }
        hub
    }

    /// Open event streams (candidate screens and consoles listening) on this instance.
    pub fn listeners(&self) -> usize {
        self.tx.receiver_count()
    }

    /// Announce that `session` is now at `revision`, to this instance's streams and, on
    /// PostgreSQL, every other instance's. Nobody listening is fine; a failed NOTIFY is logged
    /// (screens elsewhere catch up when they next reconnect).
    pub async fn announce(&self, pool: &Pool, session: i64, revision: i64) {
        if self.backend == Backend::Postgres {
            let sent = sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(format!("{session}:{revision}"))
                .execute(pool)
                .await;
            match sent {
                Ok(_) => return,
                Err(e) => tracing::warn!(error = %e, session, "live: NOTIFY failed"),
            }
        }
        let _ = self.tx.send((session, revision));
    }
}

/// Listen for announcements until aborted, reconnecting with a growing pause (at most 5 s)
/// when PostgreSQL cannot be reached. Each (re)connection, once listening, resyncs every open
/// stream.
async fn listen(url: String, tx: broadcast::Sender<(i64, i64)>) {
    let mut pause = Duration::from_millis(100);
    loop {
        let listener = async {
            let mut listener = sqlx::postgres::PgListener::connect(&url).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        let mut listener = match listener.await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "live: cannot listen on PostgreSQL; retrying");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        // Our own reconnections below, not PgListener's silent ones: each is followed by the
        // resync.
        listener.eager_reconnect(false);
        let _ = tx.send((EVERYONE, -1));
        let listening = tokio::time::Instant::now();
        loop {
            match listener.try_recv().await {
                Ok(Some(note)) => {
                    if let Some((s, r)) = note.payload().split_once(':') {
                        if let (Ok(s), Ok(r)) = (s.parse(), r.parse()) {
                            let _ = tx.send((s, r));
                        }
                    }
                }
                // The connection dropped. Listen again on a new one, then (above) tell every
                // screen to look again: whatever was announced in between is lost.
                Ok(None) => {
                    tracing::warn!("live: listener connection lost; reconnecting");
                    break;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "live: listener failed; reconnecting");
                    break;
                }
            }
        }
        // A connection that keeps dropping as soon as it listens is retried ever more slowly
        // (each retry makes every screen read again); one that held for a while, at once.
        if listening.elapsed() > Duration::from_secs(30) {
            pause = Duration::from_millis(100);
        } else {
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(5));
        }
    }
}

/// GET /join/{token}/events: a `revision` event now and after every change (ending the session
/// is one: the screen then reads the end and closes the stream). 404 for an unknown token, 410
/// for an ended session.
pub async fn events(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    // Listening before reading the current revision: a change between the two is then heard,
    // not lost.
    let announcements = state.live.tx.subscribe();
    let head = match super::db::sessions::by_token(&state.pool, &token).await {
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
    let changes = BroadcastStream::new(announcements).filter_map(move |message| {
        match message {
            Ok((id, revision)) if id == session || id == EVERYONE => Some(revision),
            Ok(_) => None,
            // Fell behind: say "look again" with an unknown revision.
            Err(_) => Some(-1),
        }
    });
    // The revision is also the event id, so a browser reconnecting (to this instance or
    // another) says in `Last-Event-ID` where it was; the current revision it gets first tells
    // it whether anything changed meanwhile. "Look again" (-1) carries no id.
    let stream = first.chain(changes).map(|revision| {
        let event = Event::default()
            .event("revision")
            .data(revision.to_string());
        Ok::<_, std::convert::Infallible>(if revision >= 0 {
            event.id(revision.to_string())
        } else {
            event
        })
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
